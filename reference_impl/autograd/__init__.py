"""``torch.autograd``: backward, grad, gradcheck, and the grad-mode context managers.

https://docs.pytorch.org/docs/stable/autograd.html
"""

from .._autograd.grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from .._engine import backward, grad
from .gradcheck import GradcheckError, gradcheck

__all__ = ["GradcheckError", "backward", "enable_grad", "grad", "gradcheck", "inference_mode",
           "no_grad", "set_grad_enabled"]
