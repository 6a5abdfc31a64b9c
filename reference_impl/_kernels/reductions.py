"""Reductions: ``sum``, ``mean``, ``amax``, ``amin``.

https://docs.pytorch.org/docs/stable/generated/torch.sum.html
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from math import prod
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core.errors import NotModelled
from .._core.layout import wrap_dim
from .._core.tensor import Tensor
from .iterator import cast_error, emit, missing_kernel, refuse_barebones


def _reduce_dims(t: Tensor, dim: Any) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(t.dim()))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    wrapped = tuple(wrap_dim(d, t.dim()) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"dim {wrapped[0]} appears multiple times in the list of dims")
    return wrapped if wrapped else tuple(range(t.dim()))


def _reduction(name: str, input: Tensor, dim: Any, keepdim: bool, result: D.dtype,
               fn: Callable[[Any, tuple[int, ...]], Any], out: Tensor | None) -> Tensor:
    refuse_barebones(name, input, result)
    dims = _reduce_dims(input, dim)
    shape = tuple((1 if d in dims else s) for d, s in enumerate(input._shape)
                  if keepdim or d not in dims)
    if out is not None and not D.can_cast(result, out._dtype):
        raise cast_error(result, out._dtype)
    if input._dtype.is_complex and not result.is_complex:
        raise NotModelled(f"{name} of a complex input into a real dtype (its cast warns once "
                          "per process)")

    def kernel() -> Any:
        if not input._storage.has_data():
            return None
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's "Mean of empty slice"
            values = fn(input._values().astype(result.compute_np), dims)
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
        out_numel = prod(s for i, s in enumerate(input._shape) if i not in dims)
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
