"""``torch.autograd``: backward, grad, and the grad-mode context managers.

https://docs.pytorch.org/docs/stable/autograd.html
"""

from ._autograd.grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from ._engine import backward, grad

__all__ = ["backward", "enable_grad", "grad", "inference_mode", "no_grad", "set_grad_enabled"]
