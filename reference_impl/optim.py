"""``torch.optim.SGD``: the optimizer step and gradient clearing the autograd notes rely on.

https://docs.pytorch.org/docs/stable/generated/torch.optim.SGD.html
https://docs.pytorch.org/docs/stable/generated/torch.optim.Optimizer.zero_grad.html
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._autograd.grad_mode import no_grad
from ._core.errors import NotModelled
from ._core.tensor import Tensor


class SGD:
    """Plain SGD (no momentum, dampening, weight decay or nesterov): ``p -= lr * p.grad`` for
    every parameter with a gradient, in place under no_grad (each step bumps the parameter's
    version)."""

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False,
                 *, maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        if momentum or dampening or weight_decay or nesterov or differentiable or fused:
            raise NotModelled("SGD with momentum, dampening, weight decay, nesterov, "
                              "differentiable or fused")
        if isinstance(lr, Tensor) or lr < 0.0:
            raise NotModelled("SGD with a tensor or negative lr")
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        self.lr = lr
        self.maximize = maximize

    def step(self, closure: Any = None) -> None:
        if closure is not None:
            raise NotModelled("SGD.step(closure)")
        with no_grad():
            for p in self.params:
                g = p._grad
                if g is None:
                    continue
                p.add_(g, alpha=self.lr if self.maximize else -self.lr)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """set_to_none=True (the default) drops the gradients; False zeroes them in place."""
        for p in self.params:
            g = p._grad
            if g is None:
                continue
            if set_to_none:
                p._grad = None
            else:
                if g.grad_fn is not None:
                    g.detach_()
                else:
                    g.requires_grad_(False)
                g.zero_()


if not TYPE_CHECKING:  # mypy keeps checking the names the model has
    from ._core.errors import module_getattr

    __getattr__ = module_getattr(__name__)  # a name torch has and the model lacks: NotModelled
