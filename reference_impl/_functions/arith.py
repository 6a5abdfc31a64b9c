"""Arithmetic that torch composes from other ops, with the graph those ops give: ``matmul``
(dot, mv, mm), ``dot``, ``scalar / t``, ``scalar ** t``, ``a // b``, and the reflected
operators.

https://docs.pytorch.org/docs/stable/generated/torch.matmul.html
"""

from __future__ import annotations

import math
from typing import Any

from .._autograd.graph import gradient_edge, node_class
from .._autograd.numpy_grads import requires_grad
from .._autograd.record import S, attach, differentiable_dtype, needs_graph, plan_node, record
from .._core.errors import NotModelled
from .._core.modes import suspended
from .._core.tensor import Tensor
from .._kernels import linalg as LA
from .._kernels import pointwise as P
from .._kernels.creation import tensor
from .ops import add, div, ge, mm, mul, mv, neg, pow, sub, where
from .views import unsqueeze


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """torch.matmul decomposes into dot, mv, mm (and bmm): its graph shows those nodes."""
    if out is not None or not needs_graph(input, other) or \
            not (differentiable_dtype(input) and differentiable_dtype(other)):
        if out is not None and needs_graph(input, other):
            raise RuntimeError("matmul(): functions with out=... arguments don't support "
                               "automatic differentiation, but one of the arguments requires "
                               "grad.")
        with suspended():
            return LA.matmul(input, other, out=out, other_requires_grad=other.requires_grad)
    da, db = input.dim(), other.dim()
    with suspended():
        res = LA.matmul(input, other, other_requires_grad=other.requires_grad)  # checks first
    if db == 1 and da == 2:
        return mv(input, other)
    if db == 1 and da == 1:
        return _dot(res, input, other)
    if da == 2 and db == 2:
        return mm(input, other)
    if da == 1 and db == 2:
        # ATen: mm(a.unsqueeze(0), b).squeeze_(0).
        r = mm(unsqueeze(input, 0), other)
        prev = gradient_edge(r)
        r._shape, r._strides = r._shape[1:], r._strides[1:]
        r._vc.bump()
        node = node_class("SqueezeBackward4")([prev], lambda g: [unsqueeze(g[0], 0)], ())
        attach([r], node)
        return r
    raise NotModelled("autograd through batched matmul")


def _dot(res: Tensor, input: Tensor, other: Tensor) -> Tensor:
    # Note: as codegen does, each operand is saved only for the other's formula.
    sb = S(other) if requires_grad(input) else None
    sa = S(input) if requires_grad(other) else None
    saved = [s for s in (sa, sb) if s]
    return record(res, "DotBackward0", [input, other], saved, lambda g: [
        mul(g[0], sb.tensor) if sb else None,
        mul(g[0], sa.tensor) if sa else None])


def dot(input: Tensor, other: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.dot.html (1-D tensors only)."""
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D "
                           "tensors")
    return matmul(input, other)


def rdiv(x: Tensor, scalar: Any) -> Tensor:
    """``scalar / x``: torch computes ``x.reciprocal() * scalar`` (two nodes)."""
    if not needs_graph(x) or not (differentiable_dtype(x) or x._dtype.kind in "biu"):
        with suspended():
            return mul(P.reciprocal(x), scalar)
    with suspended():
        r = P.reciprocal(x)
        res = mul(r, scalar)
    sr = S(r, output=True)

    def rbw(g: list[Any]) -> list[Any]:
        t = sr.tensor
        return [mul(neg(g[0]), mul(t, t))]
    attach([r], plan_node(("ReciprocalBackward0", [x], [sr], rbw)))
    return record(res, "MulBackward0", [r, scalar], [S(scalar)],
                  lambda g: [mul(g[0], scalar), None])


def rpow(x: Tensor, base: Any) -> Tensor:
    """``scalar ** x``: PowBackward2."""
    with suspended():
        res = pow(tensor(base, device=x.device), x)
    if not needs_graph(x) or not differentiable_dtype(res):
        return res
    se, sr = S(x), S(res, output=True)

    def bw(g: list[Any]) -> list[Any]:
        ex, r = se.tensor, sr.tensor
        log_base = math.log(base) if base > 0 else float("nan")
        if base == 0:
            return [where(ge(ex, 0), 0.0, mul(g[0], mul(r, log_base)))]
        return [mul(g[0], mul(r, log_base))]
    return record(res, "PowBackward2", [x], [se, sr, S(base)], bw)


def floor_divide(a: Any, b: Any) -> Tensor:
    """``a // b`` (floor_divide) has no derivative: torch records a ``NotImplemented`` node
    that raises when backward reaches it."""
    if not needs_graph(a, b):
        with suspended():
            return div(a, b, rounding_mode="floor")
    with suspended():
        res = div(a, b, rounding_mode="floor")
    if not differentiable_dtype(res):
        return res

    def bw(g: list[Any]) -> list[Any]:
        raise RuntimeError("derivative for aten::floor_divide is not implemented")
    # Note: torch's NotImplemented node has edges only for the inputs that require grad.
    inputs = [x for x in (a, b) if requires_grad(x)]
    return record(res, "NotImplemented", inputs, [], bw)


# ---- reflected operators (torch/_tensor.py): ``2 + t`` is ``t.add(2)``, ``2 - t`` is
# ``rsub(t, 2)``, ``2 / t`` is ``t.reciprocal() * 2``, ``2 ** t`` is ``pow(2, t)`` ---------------

def reflected_add(self: Tensor, other: Any) -> Tensor:
    return add(other, self) if isinstance(other, Tensor) else add(self, other)


def reflected_sub(self: Tensor, other: Any) -> Tensor:
    return sub(other, self)


def reflected_mul(self: Tensor, other: Any) -> Tensor:
    return mul(other, self) if isinstance(other, Tensor) else mul(self, other)


def reflected_truediv(self: Tensor, other: Any) -> Tensor:
    return div(other, self) if isinstance(other, Tensor) else rdiv(self, other)


def reflected_floordiv(self: Tensor, other: Any) -> Tensor:
    return floor_divide(other, self)


def reflected_pow(self: Tensor, other: Any) -> Tensor:
    return pow(other, self) if isinstance(other, Tensor) else rpow(self, other)


def reflected_matmul(self: Tensor, other: Any) -> Tensor:
    return matmul(other, self)
