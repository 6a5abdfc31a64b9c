"""Backward formulas of the random samplers (torch's ``derivatives.yaml``): a drawn value does
not depend on the tensors it was drawn with, so every gradient is zero; only the node names
(which overload ran) differ."""

from __future__ import annotations

from typing import Any

from .._autograd.graph import Plan
from .._autograd.record import derivative
from .._core.modes import grad_mode
from .._core.tensor import Tensor
from .._kernels.creation import zeros, zeros_like


def _zeros_shaped(x: Tensor, g: Tensor) -> Tensor:
    """``at::zeros(x.sizes(), grad.options())``: a constant of the input's shape. ATen's
    ``zeros`` is ``empty`` then ``zero_``, which counts as a write: version 1 (seen on torch
    2.13: ``x.grad._version`` is 1 after backward through ``normal(x, 1.)``; 0 on meta, where
    no zeroing kernel runs)."""
    with grad_mode(False):
        z = zeros(*x._shape, dtype=g.dtype, device=g.device)
    if z.device.type != "meta":
        z._vc.bump()
    return z


def _zeros_grad(g: list[Any]) -> list[Any]:
    with grad_mode(False):
        return [zeros_like(g[0])]


@derivative("normal")
def f_normal(result: Any, mean: Any, std: Any = 1.0, *_: Any, **__: Any) -> Plan:
    """NormalBackward1 (tensor mean), NormalBackward2 (tensor std), NormalBackward3 (both)."""
    inputs = [x for x in (mean, std) if isinstance(x, Tensor)]
    name = {(True, False): "NormalBackward1", (False, True): "NormalBackward2",
            (True, True): "NormalBackward3"}[(isinstance(mean, Tensor), isinstance(std, Tensor))]
    return name, inputs, [], lambda g: [_zeros_shaped(x, g[0]) for x in inputs]


@derivative("uniform_")
def f_uniform(result: Any, self: Tensor, *_: Any, **__: Any) -> Plan:
    return "UniformBackward0", [self], [], _zeros_grad


@derivative("normal_")
def f_normal_(result: Any, self: Tensor, *_: Any, **__: Any) -> Plan:
    return "NormalBackward0", [self], [], _zeros_grad


@derivative("random_")
def f_random(result: Any, self: Tensor, *bounds: Any, **kw: Any) -> Plan:
    """RandomBackward0 for ``random_(from, to)``, 1 for ``random_(to)``, 2 for ``random_()``."""
    given = len(bounds) + sum(k in kw for k in ("from", "to"))
    return f"RandomBackward{2 - given}", [self], [], _zeros_grad
