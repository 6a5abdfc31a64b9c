"""Backward formulas of the reductions and the matrix products (derivatives.yaml)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .._autograd.graph import Plan
from .._autograd.numpy_grads import requires_grad
from .._autograd.record import S, derivative
from .._core.layout import wrap_dim
from .._core.release import follows
from .._core.tensor import Tensor
from .._functions.ops import bmm, div, eq, mm, mul
from .._functions.ops import sum as tsum
from .._functions.views import expand, t, transpose, unsqueeze


def _dims(t: Tensor, dim: Any) -> list[int]:
    if dim is None or dim == () or dim == []:
        return list(range(t.dim()))
    ds = [dim] if isinstance(dim, int) else list(dim)
    return sorted(wrap_dim(d, t.dim()) for d in ds)


def _restore(g: Tensor, sizes: tuple[int, ...], dims: list[int], keepdim: bool) -> Tensor:
    if not keepdim and sizes:
        for d in dims:
            g = unsqueeze(g, d)
    return g


@derivative("sum")
def f_sum(result: Any, a: Tensor, dim: Any = None, keepdim: bool = False, **_: Any) -> Plan:
    sizes = a._shape
    if dim is None:
        return "SumBackward0", [a], [], lambda g: [expand(g[0], sizes)]
    dims = _dims(a, dim)
    return "SumBackward1", [a], [], lambda g: [expand(_restore(g[0], sizes, dims, keepdim),
                                                        sizes)]


@derivative("mean")
def f_mean(result: Any, a: Tensor, dim: Any = None, keepdim: bool = False, **_: Any) -> Plan:
    sizes = a._shape
    # Up to 2.0 mean's node saved its input (for its numel; ``_core/release.py``): a second
    # backward through a freed graph raised there.
    saved = [] if follows("mean-saves-sizes") else [S(a)]
    if dim is None:
        n = a.numel()
        return "MeanBackward0", [a], saved, lambda g: [div(expand(g[0], sizes), n)]
    dims = _dims(a, dim)
    n = math.prod(sizes[d] for d in dims)
    return "MeanBackward1", [a], saved, lambda g: [
        div(expand(_restore(g[0], sizes, dims, keepdim), sizes), n)]


def _extremum_formula(name: str) -> Callable[..., Plan]:
    def f(result: Any, a: Tensor, dim: Any = (), keepdim: bool = False, **_: Any) -> Plan:
        sizes = a._shape
        dims = _dims(a, None if dim == () else dim)
        sa, sr = S(a), S(result, output=True)

        def bw(g: list[Any]) -> list[Any]:
            mask = eq(_restore(sr.tensor, sizes, dims, keepdim), sa.tensor)
            count = tsum(mask, dims, keepdim=True)
            return [mul(div(_restore(g[0], sizes, dims, keepdim), count), mask)]
        return name, [a], [sa, sr], bw
    return f


derivative("amax")(_extremum_formula("AmaxBackward0"))
derivative("amin")(_extremum_formula("AminBackward0"))


# ---- products -----------------------------------------------------------------------------------

def _column_major(x: Tensor) -> bool:
    """mm_mat1_backward / mm_mat2_backward: "if input was column-major, return grad as
    column-order" (strides (1, rows), whatever the sizes)."""
    s, st = x._shape, x._strides
    return st[0] == 1 and st[1] == s[0]


@derivative("mm")
def f_mm(result: Any, a: Tensor, b: Tensor, **_: Any) -> Plan:
    sb = S(b) if requires_grad(a) else None
    sa = S(a) if requires_grad(b) else None
    a_colmajor, b_colmajor = _column_major(a), _column_major(b)

    def bw(g: list[Any]) -> list[Any]:
        ga = gb = None
        if sb is not None:
            m2 = sb.tensor
            ga = t(mm(m2, t(g[0]))) if a_colmajor else mm(g[0], t(m2))
        if sa is not None:
            m1 = sa.tensor
            gb = t(mm(t(g[0]), m1)) if b_colmajor else mm(t(m1), g[0])
        return [ga, gb]
    return "MmBackward0", [a, b], [s for s in (sa, sb) if s], bw


@derivative("addmm")
def f_addmm(result: Any, input: Tensor, a: Tensor, b: Tensor, *, beta: Any = 1, alpha: Any = 1,
            **_: Any) -> Plan:
    """self: maybe_multiply(grad, beta); mat1 and mat2: mm's formulas times alpha (the engine
    sums self's gradient to its shape)."""
    sb = S(b) if requires_grad(a) else None
    sa = S(a) if requires_grad(b) else None
    a_colmajor, b_colmajor = _column_major(a), _column_major(b)

    def scaled(g: Tensor, k: Any) -> Tensor:
        return g if k == 1 else mul(g, k)

    def bw(g: list[Any]) -> list[Any]:
        ga = gb = None
        if sb is not None:
            m2 = sb.tensor
            ga = scaled(t(mm(m2, t(g[0]))) if a_colmajor else mm(g[0], t(m2)), alpha)
        if sa is not None:
            m1 = sa.tensor
            gb = scaled(t(mm(t(g[0]), m1)) if b_colmajor else mm(t(m1), g[0]), alpha)
        gi = scaled(g[0], beta) if requires_grad(input) else None
        return [gi, ga, gb]
    return "AddmmBackward0", [input, a, b], [s for s in (sa, sb) if s], bw


@derivative("bmm")
def f_bmm(result: Any, a: Tensor, b: Tensor, **_: Any) -> Plan:
    sb = S(b) if requires_grad(a) else None
    sa = S(a) if requires_grad(b) else None

    def bw(g: list[Any]) -> list[Any]:
        return [bmm(g[0], transpose(sb.tensor, 1, 2)) if sb else None,
                bmm(transpose(sa.tensor, 1, 2), g[0]) if sa else None]
    return "BmmBackward0", [a, b], [s for s in (sa, sb) if s], bw
