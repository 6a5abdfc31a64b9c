"""Backward formulas of the reductions (sum, mean, amax, amin, prod, var, std, the vector norm,
cumsum) and the matrix products (derivatives.yaml)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._autograd.graph import Plan
from .._autograd.numpy_grads import new_tensor, requires_grad, values_of
from .._autograd.record import S, derivative
from .._core.errors import NotModelled
from .._core.layout import wrap_dim
from .._core.modes import is_grad_enabled
from .._core.release import follows
from .._core.tensor import Tensor
from .._functions.conversion import to
from .._functions.ops import abs as tabs
from .._functions.ops import (
    bmm,
    cumsum,
    div,
    eq,
    flip,
    gt,
    lt,
    mean,
    mm,
    mul,
    mv,
    ne,
    pow,
    sub,
    where,
)
from .._functions.ops import sum as tsum
from .._functions.views import expand, t, transpose, unsqueeze
from .._kernels.reductions import var_correction


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


@derivative("mv")
def f_mv(result: Any, a: Tensor, vec: Tensor, **_: Any) -> Plan:
    """mv's formulas (derivatives.yaml): self: grad.ger(vec), vec: self.t().mv(grad); as
    codegen does, each operand is saved only for the other's formula."""
    sv = S(vec) if requires_grad(a) else None
    sa = S(a) if requires_grad(vec) else None

    def bw(g: list[Any]) -> list[Any]:
        return [mul(unsqueeze(g[0], 1), sv.tensor) if sv else None,
                mv(t(sa.tensor), g[0]) if sa else None]
    return "MvBackward0", [a, vec], [s for s in (sa, sv) if s], bw


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


# ---- prod, var, std, the vector norm, cumsum --------------------------------------------------

def _exclusive_products(v: np.ndarray, axis: int) -> np.ndarray:
    """For each element, the product of the others along ``axis`` (prod_safe_zeros_backward:
    exclusive cumulative products from both ends)."""
    n = v.shape[axis]
    ones = np.ones_like(np.take(v, [0], axis=axis))
    left = np.cumprod(np.concatenate([ones, np.take(v, range(n - 1), axis=axis)], axis=axis),
                      axis=axis)
    tail = np.flip(np.take(v, range(1, n), axis=axis), axis=axis)
    right = np.flip(np.cumprod(np.concatenate([ones, tail], axis=axis), axis=axis), axis=axis)
    return left * right


def _prod_with_zeros(g: Tensor, x: Tensor, axis: int, shape: tuple[int, ...]) -> Tensor:
    """prod_backward where the input holds a zero: grad times the exclusive products, a fresh
    contiguous tensor (computed outside the tensor ops: no double backward)."""
    if is_grad_enabled():
        raise NotModelled("double backward through prod of an input with zeros")
    v, gv = values_of(x), values_of(g)
    if v is None or gv is None:
        return new_tensor(x._shape, g, None)
    flat = v.reshape(shape)
    vals = np.broadcast_to(gv, shape) * _exclusive_products(flat, axis)
    return new_tensor(x._shape, g, vals.reshape(x._shape))


@derivative("prod")
def f_prod(result: Any, a: Tensor, dim: Any = None, keepdim: bool = False, **_: Any) -> Plan:
    """prod_backward: grad * result / input without zeros; with zeros, the products of the
    other elements."""
    sa, sr = S(a), S(result, output=True)
    name = "ProdBackward0" if dim is None else "ProdBackward1"

    def bw(g: list[Any]) -> list[Any]:
        x, r, gr = sa.tensor, sr.tensor, g[0]
        if x._dtype is not gr._dtype:
            x = to(x, gr._dtype)
        if x.dim() == 0:
            return [gr]
        xv = values_of(x)
        zeros = bool(xv is not None and (xv == 0).any())
        if dim is None:
            if not zeros:
                return [mul(gr, div(r, x))]
            return [_prod_with_zeros(gr, x, 0, (x.numel(),))]
        d = wrap_dim(dim, x.dim())
        if not keepdim:
            gr, r = unsqueeze(gr, d), unsqueeze(r, d)
        if not zeros:
            return [mul(gr, div(r, x))]
        if x._shape[d] == 1:
            return [gr]
        return [_prod_with_zeros(gr, x, d, x._shape)]
    return name, [a], [sa, sr], bw


def _var_dims(a: Tensor, dim: Any) -> list[int] | None:
    if dim is None or isinstance(dim, bool):
        return None
    return _dims(a, dim)


def _var_grad(g: Tensor, x: Tensor, dims: list[int] | None, correction: float,
              keepdim: bool) -> Tensor:
    """var_backward: (2 / (N - correction)) * grad * (self - self.mean(dim, keepdim=True))."""
    if x.dim() == 0 or dims is None:
        dof = x.numel() - correction
        if dof <= 0:
            return mul(g, where(eq(x, mean(x)), math.nan, math.inf))
        return mul(mul(g, 2.0 / dof), sub(x, mean(x)))
    if not keepdim and x.dim() > 1:
        for d in dims:
            g = unsqueeze(g, d)
    n = math.prod(x._shape[d] for d in dims) - correction
    scale = 2.0 / n if n else math.copysign(math.inf, 2.0)
    return mul(mul(g, scale), sub(x, mean(x, dims, keepdim=True)))


def _refuse_complex(name: str, a: Tensor) -> None:
    if a._dtype.is_complex:
        raise NotModelled(f"autograd through {name} of a complex tensor")


@derivative("var")
def f_var(result: Any, a: Tensor, dim: Any = None, unbiased: Any = None,
          keepdim: bool = False, *, correction: Any = None, **_: Any) -> Plan:
    _refuse_complex("var", a)
    dim, c = var_correction("var", dim, unbiased, correction)
    dims, sa = _var_dims(a, dim), S(a)
    return "VarBackward0", [a], [sa], lambda g: [_var_grad(g[0], sa.tensor, dims, c, keepdim)]


@derivative("std")
def f_std(result: Any, a: Tensor, dim: Any = None, unbiased: Any = None,
          keepdim: bool = False, *, correction: Any = None, **_: Any) -> Plan:
    """std_backward: var_backward of (grad / (2 * result)), zero where the result is 0."""
    _refuse_complex("std", a)
    dim, c = var_correction("std", dim, unbiased, correction)
    dims, sa, sr = _var_dims(a, dim), S(a), S(result, output=True)

    def bw(g: list[Any]) -> list[Any]:
        r = sr.tensor
        gvar = where(eq(r, 0), 0.0, div(g[0], mul(r, 2)))
        return [_var_grad(gvar, sa.tensor, dims, c, keepdim)]
    return "StdBackward0", [a], [sa, sr], bw


def _sgn(x: Tensor) -> Tensor:
    """Tensor.sgn() of a real tensor: -1, 0 or 1, NaN for NaN."""
    return where(ne(x, x), x, where(gt(x, 0), 1.0, where(lt(x, 0), -1.0, 0.0)))


def _norm_grad(g: Tensor, x: Tensor, p: float, n: Tensor, dims: list[int] | None,
               keepdim: bool) -> Tensor | None:
    """norm_backward (FunctionsManual.cpp), branch by branch."""
    if not keepdim and x.dim() and dims:
        for d in dims:
            g, n = unsqueeze(g, d), unsqueeze(n, d)
    if p == 0:
        return None
    if p == 1:
        return mul(_sgn(x), g)
    if p == 2:
        return mul(g, where(eq(n, 0), 0.0, div(x, n)))
    if math.isinf(p):
        ax = tabs(x)
        mask = where(ne(ax, ax), True, eq(ax, n))
        return mul(_sgn(x), mul(div(g, tsum(mask, dims or [], keepdim=True)), mask))
    if p < 1:
        scaled = mul(_sgn(x), where(eq(x, 0), 0.0, pow(tabs(x), p - 1)))
        return mul(mul(scaled, g), pow(n, 1 - p))
    scaled = mul(_sgn(x), pow(tabs(x), p - 1)) if p < 2 else mul(x, pow(tabs(x), p - 2))
    return mul(scaled, where(eq(n, 0), 0.0, div(g, pow(n, p - 1))))


@derivative("vector_norm")
def f_vector_norm(result: Any, a: Tensor, ord: Any = 2, dim: Any = None,
                  keepdim: bool = False, **_: Any) -> Plan:
    _refuse_complex("the vector norm", a)
    sa, sr = S(a), S(result, output=True)
    dims = None if dim is None else _dims(a, dim)
    return "LinalgVectorNormBackward0", [a], [sa, sr], lambda g: [
        _norm_grad(g[0], sa.tensor, float(ord), sr.tensor, dims, keepdim)]


@derivative("cumsum")
def f_cumsum(result: Any, a: Tensor, dim: int, **_: Any) -> Plan:
    """cumsum_backward: the reversed cumulative sum of the gradient (the gradient itself when
    there is nothing to sum)."""
    d = wrap_dim(dim, a.dim())
    dt = a._dtype

    def bw(g: list[Any]) -> list[Any]:
        gr = g[0] if g[0]._dtype is dt else to(g[0], dt)
        if gr.numel() <= 1 or gr._shape[d] == 1:
            return [gr]
        return [flip(cumsum(flip(gr, d), d), d)]
    return "CumsumBackward0", [a], [], bw
