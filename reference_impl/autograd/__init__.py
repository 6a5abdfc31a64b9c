"""``torch.autograd``: backward, grad, gradcheck, and the grad-mode context managers.

https://docs.pytorch.org/docs/stable/autograd.html
"""

from typing import TYPE_CHECKING

from .._autograd.grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from .._engine import backward, grad
from .gradcheck import GradcheckError, gradcheck

__all__ = ["GradcheckError", "backward", "enable_grad", "grad", "gradcheck", "inference_mode",
           "no_grad", "set_grad_enabled"]


if not TYPE_CHECKING:  # mypy keeps checking the names the model has
    from .._core.errors import module_getattr

    __getattr__ = module_getattr(__name__)  # a name torch has and the model lacks: NotModelled
