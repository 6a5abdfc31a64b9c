"""Backward formulas of the pointwise ops, the copies and fills, and the nn functions, after
torch's ``tools/autograd/derivatives.yaml`` (node names, saved tensors, formulas). They are
written with the reference's own functions, so with ``create_graph=True`` backward records a
graph too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._autograd.graph import Plan
from .._autograd.numpy_grads import new_tensor, requires_grad, values_of
from .._autograd.record import S, derivative, needs_graph, no_derivative, record
from .._core.errors import NotModelled
from .._core.layout import contiguous_format, wrap_dim
from .._core.modes import grad_mode
from .._core.tensor import Tensor
from .._functions.ops import div, eq, exp, ge, gt, log, lt, mul, neg, pow, sub, where
from .._functions.ops import sum as tsum
from .._kernels.creation import zeros_like
from .._kernels.iterator import unary_layout

for _name in ("eq", "ne", "lt", "le", "gt", "ge"):
    derivative(_name)(no_derivative)


def _scalar(x: Any) -> bool:
    return not isinstance(x, Tensor)


@derivative("add")
def f_add(result: Any, a: Any, b: Any, *, alpha: Any = 1, **_: Any) -> Plan:
    def bw(g: list[Any]) -> list[Any]:
        gb = None
        if requires_grad(b):
            gb = g[0] if alpha == 1 else mul(g[0], alpha)
        return [g[0] if requires_grad(a) else None, gb]
    return "AddBackward0", [a, b], [], bw


@derivative("sub")
def f_sub(result: Any, a: Any, b: Any, *, alpha: Any = 1, **_: Any) -> Plan:
    if _scalar(a):  # 1 - x is rsub(x, 1)
        def rbw(g: list[Any]) -> list[Any]:
            n = neg(g[0])
            return [n if alpha == 1 else mul(n, alpha)]
        return "RsubBackward1", [b], [], rbw

    def bw(g: list[Any]) -> list[Any]:
        gb = None
        if requires_grad(b):
            n = neg(g[0])
            gb = n if alpha == 1 else mul(n, alpha)
        return [g[0] if requires_grad(a) else None, gb]
    return "SubBackward0", [a, b], [], bw


@derivative("mul")
def f_mul(result: Any, a: Any, b: Any, **_: Any) -> Plan:
    sa = S(b) if requires_grad(a) else None
    sb = S(a) if requires_grad(b) else None

    def bw(g: list[Any]) -> list[Any]:
        return [mul(g[0], sa.tensor) if sa else None, mul(g[0], sb.tensor) if sb else None]
    return "MulBackward0", [a, b], [s for s in (sa, sb) if s], bw


@derivative("div")
def f_div(result: Any, a: Any, b: Any, *, rounding_mode: Any = None, **_: Any) -> Plan:
    if rounding_mode is not None:
        def zbw(g: list[Any]) -> list[Any]:
            z = mul(g[0], 0)
            return [z if requires_grad(a) else None, z if requires_grad(b) else None]
        # Python scalars arrive wrapped as tensors: always div.Tensor_mode.
        return "DivBackward2", [a, b], [], zbw
    if _scalar(a):
        raise NotModelled("scalar / tensor outside the operator")
    so = S(b)
    ss = S(a) if requires_grad(b) else None

    def bw(g: list[Any]) -> list[Any]:
        other = so.tensor
        ga = div(g[0], other) if requires_grad(a) else None
        gb = None
        if ss is not None:
            gb = mul(neg(g[0]), div(div(ss.tensor, other), other))
        return [ga, gb]
    return "DivBackward0", [a, b], [s for s in (so, ss) if s], bw


@derivative("neg")
def f_neg(result: Any, a: Any, **_: Any) -> Plan:
    return "NegBackward0", [a], [], lambda g: [neg(g[0])]


@derivative("pow")
def f_pow(result: Any, a: Any, e: Any, **_: Any) -> Plan:
    if _scalar(e):
        sa = S(a)

        def bw(g: list[Any]) -> list[Any]:
            if e == 0:
                with grad_mode(False):
                    return [zeros_like(sa.tensor, memory_format=contiguous_format)]
            x = sa.tensor
            return [mul(g[0], mul(pow(x, e - 1), e))]
        return "PowBackward0", [a], [sa], bw
    if _scalar(a):
        raise NotModelled("pow with a scalar base outside the operator")
    sa, se, sr = S(a), S(e), S(result, output=True)

    def bw1(g: list[Any]) -> list[Any]:
        x, ex, r = sa.tensor, se.tensor, sr.tensor
        ga = gexp = None
        if requires_grad(a):
            ga = where(eq(ex, 0.0), 0.0, mul(g[0], mul(ex, pow(x, sub(ex, 1)))))
        if requires_grad(e):
            cond = _logical_and(eq(x, 0), ge(ex, 0))
            gexp = where(cond, 0.0, mul(g[0], mul(r, log(x))))
        return [ga, gexp]
    return "PowBackward1", [a, e], [sa, se, sr], bw1


def _logical_and(a: Tensor, b: Tensor) -> Tensor:
    return mul(a, b)


@derivative("exp")
def f_exp(result: Any, a: Any, **_: Any) -> Plan:
    sr = S(result, output=True)
    return "ExpBackward0", [a], [sr], lambda g: [mul(g[0], sr.tensor)]


@derivative("log")
def f_log(result: Any, a: Any, **_: Any) -> Plan:
    sa = S(a)
    return "LogBackward0", [a], [sa], lambda g: [div(g[0], sa.tensor)]


@derivative("sqrt")
def f_sqrt(result: Any, a: Any, **_: Any) -> Plan:
    sr = S(result, output=True)
    return "SqrtBackward0", [a], [sr], lambda g: [div(g[0], mul(sr.tensor, 2))]


def _sign_values(t: Tensor) -> Tensor:
    """sgn is a unary op: its result has the layout TensorIterator gives its input."""
    vals = values_of(t)
    return new_tensor(t._shape, t, None if vals is None else np.sign(vals), unary_layout(t))


def _sign(t: Tensor) -> Tensor:
    """``sgn``: differentiable with a zero gradient (SgnBackward0), so a double-backward result
    through abs still requires grad, as torch's does."""
    res = _sign_values(t)
    if needs_graph(t):
        return record(res, "SgnBackward0", [t], [], lambda g: [mul(g[0], 0)])
    return res


@derivative("abs")
def f_abs(result: Any, a: Any, **_: Any) -> Plan:
    if a._dtype.is_complex:
        raise NotModelled("abs backward of a complex tensor")
    sa = S(a)
    return "AbsBackward0", [a], [sa], lambda g: [mul(g[0], _sign(sa.tensor))]


@derivative("clamp")
def f_clamp(result: Any, a: Any, min: Any = None, max: Any = None, **_: Any  # noqa: A002
            ) -> Plan:
    if requires_grad(min) or requires_grad(max):
        raise NotModelled("clamp backward to tensor bounds")
    sa = S(a)
    tensor_bounds = isinstance(min, Tensor) or isinstance(max, Tensor)

    def bw(g: list[Any]) -> list[Any]:
        # At a bound clamp is locally max(x, min) (convex) or min(x, max) (concave): the
        # autograd notes' rule for non-differentiable points ("Gradients for non-differentiable
        # functions": the sub- or super-gradient of minimum norm) gives 0 there. torch gives 1
        # up to 2.13 (expectations.toml, clamp-gradient-at-bound) and, from 2.14, 0 for
        # number bounds and 0.5 for tensor bounds.
        x = sa.tensor
        if tensor_bounds and _at_a_bound(x, min, max):
            raise NotModelled("clamp's gradient where the input equals a tensor bound")
        if min is not None and max is not None:
            mask = _logical_and(gt(x, min), lt(x, max))
        elif min is not None:
            mask = gt(x, min)
        else:
            mask = lt(x, max)
        return [where(mask, g[0], 0.0)] + ([None, None] if tensor_bounds else [])
    saved = [sa] + [S(b) for b in (min, max) if isinstance(b, Tensor)]
    if tensor_bounds:
        return "ClampBackward0", [a, min, max], saved, bw
    return "ClampBackward1", [a], saved, bw


def _at_a_bound(x: Tensor, *bounds: Any) -> bool:
    hits = [values_of(eq(x, b)) for b in bounds if b is not None]
    return any(h is not None and bool(h.any()) for h in hits)


@derivative("where")
def f_where(result: Any, cond: Tensor, a: Any, b: Any, **_: Any) -> Plan:
    sc = S(cond)

    def bw(g: list[Any]) -> list[Any]:
        c = sc.tensor
        return [where(c, g[0], 0.0) if requires_grad(a) else None,
                where(c, 0.0, g[0]) if requires_grad(b) else None]
    return "WhereBackward0", [a, b], [sc], bw


def _zeros_like(g: Tensor) -> Tensor:
    """``zeros_like(grad)``: a constant, so it never requires grad, even in double backward."""
    with grad_mode(False):
        return zeros_like(g)


@derivative("fill_")
def f_fill(result: Any, self: Tensor, value: Any, **_: Any) -> Plan:
    # fill_.Scalar and fill_.Tensor have entries of their own (after fill.Scalar/.Tensor).
    if isinstance(value, Tensor):
        return "FillBackward3", [self, value], [], lambda g: [_zeros_like(g[0]), tsum(g[0])]
    return "FillBackward2", [self], [], lambda g: [_zeros_like(g[0])]


@derivative("zero_")
def f_zero(result: Any, self: Tensor, **_: Any) -> Plan:
    return "ZeroBackward0", [self], [], lambda g: [_zeros_like(g[0])]


@derivative("copy_")
def f_copy(result: Any, self: Tensor, src: Any, non_blocking: bool = False, **_: Any) -> Plan:
    return "CopyBackwards", [self, src], [], lambda g: [_zeros_like(g[0]), g[0]]


@derivative("clone")
def f_clone(result: Any, a: Tensor, **_: Any) -> Plan:
    return "CloneBackward0", [a], [], lambda g: [g[0]]


# ---- reductions ---------------------------------------------------------------------------------

@derivative("sigmoid")
def f_sigmoid(result: Any, a: Tensor, **_: Any) -> Plan:
    sr = S(result, output=True)

    def bw(g: list[Any]) -> list[Any]:
        y = sr.tensor
        return [mul(mul(g[0], sub(1, y)), y)]
    return "SigmoidBackward0", [a], [sr], bw


@derivative("softmax")
def f_softmax(result: Any, a: Tensor, dim: int | None = None, *args: Any, **kw: Any) -> Plan:
    sr = S(result, output=True)
    d = wrap_dim(dim if dim is not None else 0, a.dim())

    def bw(g: list[Any]) -> list[Any]:
        y = sr.tensor
        return [mul(y, sub(g[0], tsum(mul(g[0], y), d, keepdim=True)))]
    return "SoftmaxBackward0", [a], [sr], bw


@derivative("log_softmax")
def f_log_softmax(result: Any, a: Tensor, dim: int | None = None, *args: Any, **kw: Any
                  ) -> Plan:
    sr = S(result, output=True)
    d = wrap_dim(dim if dim is not None else 0, a.dim())

    def bw(g: list[Any]) -> list[Any]:
        y = sr.tensor
        return [sub(g[0], mul(exp(y), tsum(g[0], d, keepdim=True)))]
    return "LogSoftmaxBackward0", [a], [sr], bw


