"""Reductions: ``sum``, ``mean``, ``prod``, ``amax``, ``amin``, ``all``, ``any``, ``max`` and
``min`` of all elements, ``std``, ``var``, the vector norm, ``cumsum``, and the comparisons of
whole tensors (``allclose``, ``equal``).

https://docs.pytorch.org/docs/stable/generated/torch.sum.html
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from math import prod as prod_of
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.errors import NotModelled, warn_once
from .._core.layout import wrap_dim
from .._core.tensor import Tensor
from .iterator import (
    cast_error,
    check_same_device,
    emit,
    missing_kernel,
    not_implemented,
    refuse_barebones,
)


def _reduce_dims(t: Tensor, dim: Any) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(t.dim()))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    wrapped = tuple(wrap_dim(d, t.dim()) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"dim {wrapped[0]} appears multiple times in the list of dims")
    return wrapped if wrapped else tuple(range(t.dim()))


def _reduced_shape(input: Tensor, dims: tuple[int, ...], keepdim: bool) -> tuple[int, ...]:
    return tuple((1 if d in dims else s) for d, s in enumerate(input._shape)
                 if keepdim or d not in dims)


def _reduction(name: str, input: Tensor, dim: Any, keepdim: bool, result: D.dtype,
               fn: Callable[[Any, tuple[int, ...]], Any], out: Tensor | None, *,
               compute: D.dtype | None = None) -> Tensor:
    """A reduction over ``dim`` (all dims when None) whose values ``fn`` computes from the
    input's values in ``compute`` (the result dtype unless given) along the reduced axes."""
    refuse_barebones(name, input, result)
    dims = _reduce_dims(input, dim)
    shape = _reduced_shape(input, dims, keepdim)
    if out is not None and not D.can_cast(result, out._dtype):
        raise cast_error(result, out._dtype)
    if compute is None and input._dtype.is_complex and not result.is_complex:
        raise NotModelled(f"{name} of a complex input into a real dtype (its cast warns once "
                          "per process)")
    axes = dims if input.dim() else ()  # a 0-dim input reduces over no axis

    def kernel() -> Any:
        if not input._storage.has_data():
            return None
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's "Mean of empty slice"
            values = fn(input._values().astype((compute or result).compute_np), axes)
        return np.reshape(values, shape)
    return emit(shape, result, input.device, kernel, out=out, sources=[input])


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *,  # noqa: A001
        dtype: D.dtype | None = None, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.sum.html
    Integer and bool inputs sum in int64."""
    if out is not None and dim is None:
        raise TypeError("sum() received an invalid combination of arguments - got (Tensor, "
                        "out=Tensor)")
    # Note: with out= and no dtype, ATen sums in out's dtype (infer_dtype_from_optional).
    result = dtype or (out._dtype if out is not None else None) or (
        D.int64 if input._dtype.kind in "biu" else input._dtype)
    return _reduction("sum", input, dim, keepdim, result,
                      lambda v, dims: np.sum(v, axis=dims), out)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *,
         dtype: D.dtype | None = None, out: Tensor | None = None) -> Tensor:
    result = dtype or input._dtype
    if result.kind in "biu":
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {result.scalar_type}")
    return _reduction("mean", input, dim, keepdim, result,
                      lambda v, dims: np.mean(v, axis=dims), out)


def _extremum(name: str, np_fn: Callable[..., Any]) -> Callable[..., Tensor]:
    def op(input: Tensor, dim: Any = (), keepdim: bool = False, *,
           out: Tensor | None = None) -> Tensor:
        dims = _reduce_dims(input, dim if dim != () else None)
        if input.numel() == 0:
            if dim == () or dim is None:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                                   "input.numel() == 0. Specify the reduction dim with the "
                                   "'dim' argument.")
            given = (dim,) if isinstance(dim, int) else tuple(dim)
            for d, shown in zip(dims, given):
                if input._shape[d] == 0:
                    # Note: the message names the dim as the caller wrote it (-1 stays -1).
                    raise IndexError(f"{name}(): Expected reduction dim {shown} to have "
                                     "non-zero size.")
        out_numel = prod_of(s for i, s in enumerate(input._shape) if i not in dims)
        if input._dtype.is_complex and out_numel:  # the kernel never runs for empty results
            kernel = {"amax": "max_values", "amin": "min_values"}[name]
            raise missing_kernel(kernel, input._dtype)
        return _reduction(name, input, dims, keepdim, input._dtype,
                          lambda v, ds: np_fn(v, axis=ds) if v.size else
                          np.zeros(tuple(s for i, s in enumerate(v.shape) if i not in ds),
                                   v.dtype), out)
    op.__name__ = name
    return op


amax = _extremum("amax", np.max)
amin = _extremum("amin", np.min)


def _integral_to_long(input: Tensor, dtype: D.dtype | None, out: Tensor | None) -> D.dtype:
    """The result dtype of sum-like ops: ``dtype`` if given, else out's, else int64 for
    integer and bool inputs and the input's dtype otherwise."""
    return dtype or (out._dtype if out is not None else None) or (
        D.int64 if input._dtype.kind in "biu" else input._dtype)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
         dtype: D.dtype | None = None, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.prod.html
    "Returns the product of all elements in the input tensor", or of each row along one dim;
    integer and bool inputs multiply in int64."""
    if dim is not None and (not isinstance(dim, int) or isinstance(dim, bool)):
        raise TypeError(f"prod() received an invalid combination of arguments - got "
                        f"({type(dim).__name__}), but expected one of:")
    return _reduction("prod", input, dim, keepdim, _integral_to_long(input, dtype, out),
                      lambda v, axes: np.prod(v, axis=axes), out)


def _logical(name: str, np_fn: Callable[..., Any]) -> Callable[..., Tensor]:
    def op(input: Tensor, dim: Any = None, keepdim: bool = False, *,
           out: Tensor | None = None) -> Tensor:
        # uint8 inputs give uint8 results (a legacy the docs keep); every other dtype gives bool.
        result = D.uint8 if input._dtype is D.uint8 else D.bool_
        return _reduction(name, input, dim, keepdim, result,
                          lambda v, axes: np_fn(v != 0, axis=axes), out, compute=input._dtype)
    op.__name__ = name
    op.__doc__ = (f"https://docs.pytorch.org/docs/stable/generated/torch.{name}.html "
                  f"Tests if {name} elements (along dim) evaluate to True.")
    return op


all = _logical("all", np.all)  # noqa: A001 - torch's name
any = _logical("any", np.any)  # noqa: A001 - torch's name


def _extremum_all(name: str, np_fn: Callable[..., Any]) -> Callable[..., Tensor]:
    def op(input: Tensor) -> Tensor:
        if input.numel() == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        if input._dtype.is_complex:
            raise NotImplementedError(not_implemented(f"{name}_all", input._dtype))
        return _reduction(name, input, None, False, input._dtype,
                          lambda v, axes: np_fn(v, axis=axes), None)
    op.__name__ = f"{name}_all"
    op.__doc__ = (f"https://docs.pytorch.org/docs/stable/generated/torch.{name}.html "
                  f"The {name}imum value of all elements (NaN when there is one).")
    return op


max_all = _extremum_all("max", np.max)
min_all = _extremum_all("min", np.min)


# ---- std and var --------------------------------------------------------------------------

def var_correction(name: str, dim: Any, unbiased: Any, correction: Any
                   ) -> tuple[Any, float]:
    """The dim and the correction of std/var's overloads: ``(dim, unbiased, keepdim)``,
    ``(dim, *, correction, keepdim)`` and ``(unbiased)`` (a bool in dim's place)."""
    if isinstance(dim, bool):
        if unbiased is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        "(correction=..., unbiased=...)")
    if correction is not None:
        return dim, float(correction)
    return dim, 0.0 if unbiased is False else 1.0


def _moment(name: str, input: Tensor, dim: Any, keepdim: bool, correction: float,
            take_sqrt: bool, out: Tensor | None) -> Tensor:
    if input._dtype.kind in "biu":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if out is not None and input._dtype.is_complex:
        raise NotModelled(f"{name}(out=...) of a complex input")
    dims = _reduce_dims(input, dim)
    out_numel = prod_of(_reduced_shape(input, dims, keepdim))
    factor = input.numel() // out_numel if out_numel else 0
    if factor - correction <= 0:
        # Note: ATen reduces the real and imaginary parts of a complex input separately, and
        # each part warns.
        for _ in range(2 if input._dtype.is_complex else 1):
            warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                          "less than the reduction factor (input numel divided by output "
                          "numel).", UserWarning, stacklevel=4)

    def fn(v: Any, axes: tuple[int, ...]) -> Any:
        n = prod_of(v.shape[a] for a in axes) if v.ndim else 1
        mean = np.mean(v, axis=axes, keepdims=True)
        total = np.sum(np.abs(v - mean) ** 2, axis=axes)
        var = total / max(0.0, n - correction) if n else np.full(np.shape(total), np.nan)
        return np.sqrt(var) if take_sqrt else var
    compute = D.complex128 if input._dtype.is_complex else D.float64
    return _reduction(name, input, dims, keepdim, input._dtype.to_real(), fn, out,
                      compute=compute)


def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.var.html
    "var = 1 / max(0, N - delta_N) * sum (x_i - mean(x))^2" with delta_N the correction
    (default 1, Bessel's); unbiased=False means correction 0."""
    dim, c = var_correction("var", dim, unbiased, correction)
    return _moment("var", input, dim, keepdim, c, False, out)


def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.std.html
    The square root of var's value, with the same correction."""
    dim, c = var_correction("std", dim, unbiased, correction)
    return _moment("std", input, dim, keepdim, c, True, out)


# ---- norms and scans ------------------------------------------------------------------------

def _format_ord(ord: float) -> str:
    return f"{ord:g}"


def vector_norm(input: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: D.dtype | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.linalg.vector_norm.html
    "sum(abs(x)**ord)**(1./ord)" over dim; ord=inf/-inf give max/min of abs(x), ord=0 the
    count of non-zero elements. The result is real."""
    if input._dtype.kind in "biu":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {input._dtype.scalar_type}")
    if dtype is not None and dtype.to_real().kind != "f" or (
            dtype is not None and dtype.is_complex != input._dtype.is_complex):
        raise NotModelled(f"linalg.vector_norm(dtype={dtype}) of a {input._dtype} input")
    p = float(ord)
    dims = _reduce_dims(input, dim)
    if input.numel() == 0 and (p < 0 or p == math.inf) and (
            dim is None or 0 in [input._shape[d] for d in dims]):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {_format_ord(p)} norm on an "
                           "empty tensor because the operation does not have an identity")
    result = (dtype or input._dtype).to_real()
    if p == 0 and input._dtype.is_complex and input._storage.has_data():
        # ATen counts non-zeros through a cast of the complex input to real, whose copy warns
        # once per process (seen on torch 2.13, Copy.cpp; a deep-profile draw).
        warn_once("Casting complex values to real discards the imaginary part")

    def fn(v: Any, axes: tuple[int, ...]) -> Any:
        a = np.abs(v).astype(np.float64)
        if p == 0:
            return np.sum(a != 0, axis=axes).astype(np.float64)
        if p == math.inf:
            return np.max(a, axis=axes)
        if p == -math.inf:
            return np.min(a, axis=axes)
        return np.sum(a ** p, axis=axes) ** (1.0 / p)
    return _reduction("linalg.vector_norm", input, dims, keepdim, result, fn, None,
                      compute=D.complex128 if input._dtype.is_complex else D.float64)


def cumsum(input: Tensor, dim: int, *, dtype: D.dtype | None = None,
           out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.cumsum.html
    "y_i = x_1 + x_2 + ... + x_i" along dim; integer and bool inputs sum in int64. The input
    is cast to the result dtype first; the result is contiguous."""
    d = wrap_dim(dim, input.dim())
    result = _integral_to_long(input, dtype, out)
    refuse_barebones("cumsum", input, result)
    if input._dtype.is_complex and not result.is_complex:
        raise NotModelled("cumsum of a complex input into a real dtype (its cast warns once "
                          "per process)")

    def kernel() -> Any:
        if not input._storage.has_data():
            return None
        cast = D.from_storage(D.to_storage(input._values(), result), result)
        v: Any = np.asarray(cast).astype(result.compute_np)
        with np.errstate(all="ignore"):
            return np.cumsum(v, axis=d) if input.dim() else v
    return emit(input._shape, result, input.device, kernel, out=out, sources=[input])


# ---- comparisons of whole tensors --------------------------------------------------------------

def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """https://docs.pytorch.org/docs/stable/generated/torch.allclose.html
    "This function checks if input and other satisfy the condition
    |input - other| <= atol + rtol * |other| elementwise, for all elements" (isclose: equal
    values, infinities included, are close; NaN only with equal_nan). Broadcasts; both tensors
    must have one dtype."""
    if input._dtype is not other._dtype:
        raise RuntimeError(f"{input._dtype.scalar_type} did not match "
                           f"{other._dtype.scalar_type}")
    if rtol < 0 or atol < 0:
        name, bad = ("rtol", rtol) if rtol < 0 else ("atol", atol)
        raise RuntimeError(f"{name} must be greater than or equal to zero, but got {bad}")
    check_same_device([input, other], iterator=True)
    shape = L.broadcast_shapes(input._shape, other._shape)
    # Note: isclose computes the errors in the inputs' dtype (bool in the default dtype).
    dt = D.get_default_dtype() if input._dtype is D.bool_ else input._dtype
    a: Any = np.broadcast_to(input._values(), shape).astype(dt.compute_np)
    b: Any = np.broadcast_to(other._values(), shape).astype(dt.compute_np)
    with np.errstate(all="ignore"):
        close = a == b
        if equal_nan and dt.kind in "fc":
            close |= np.isnan(a) & np.isnan(b)
        if rtol or atol:
            allowed = atol + np.abs(rtol * b)
            actual = np.abs(a - b)
            close |= np.isfinite(actual) & (actual <= allowed)
    return bool(np.all(close))


def equal(input: Tensor, other: Tensor) -> bool:
    """https://docs.pytorch.org/docs/stable/generated/torch.equal.html
    "True if two tensors have the same size and elements, False otherwise." Values of other
    dtypes are compared after type promotion; NaN equals nothing."""
    check_same_device([input, other], iterator=False)
    if input._shape != other._shape:
        return False
    common = D.promote_types(input._dtype, other._dtype)
    with np.errstate(all="ignore"):
        return bool(np.all(input._values().astype(common.compute_np)
                           == other._values().astype(common.compute_np)))
