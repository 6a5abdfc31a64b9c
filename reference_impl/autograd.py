"""``torch.autograd``: backward, grad, and the grad-mode context managers.

https://docs.pytorch.org/docs/stable/autograd.html
"""

from ._autograd import (
    backward,
    enable_grad,
    grad,
    inference_mode,
    no_grad,
    set_grad_enabled,
)

__all__ = ["backward", "enable_grad", "grad", "inference_mode", "no_grad", "set_grad_enabled"]
