"""Ops that select by order: ``max``/``min`` along a dim (values and indices), ``argmax``,
``argmin``, ``sort`` and ``topk``.

https://docs.pytorch.org/docs/stable/generated/torch.max.html : "If there are multiple maximal
values in a reduced row then the indices of the first maximal value are returned." NaN counts
as larger than every number (it propagates through max and min, and sorts last).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.errors import NotModelled
from .._core.layout import wrap_dim
from .._core.tensor import Tensor
from .iterator import Unspecified, emit, refuse_barebones

# torch.return_types: named tuples of (values, indices), named after their op.
MaxResult = namedtuple("max", ("values", "indices"))  # type: ignore[name-match]
MinResult = namedtuple("min", ("values", "indices"))  # type: ignore[name-match]
SortResult = namedtuple("sort", ("values", "indices"))  # type: ignore[name-match]
TopkResult = namedtuple("topk", ("values", "indices"))  # type: ignore[name-match]
RESULTS = {"max": MaxResult, "min": MinResult, "sort": SortResult, "topk": TopkResult}


def _no_out(name: str, out: Any) -> None:
    if out is not None:
        raise NotModelled(f"{name}(out=(values, indices))")


def _reduced(input: Tensor, d: int, keepdim: bool) -> tuple[int, ...]:
    if not input.dim():
        return ()
    return tuple((1 if k == d else s) for k, s in enumerate(input._shape)
                 if keepdim or k != d)


def _along(input: Tensor, d: int, fn: Callable[[Any, int], Any], shape: tuple[int, ...],
           dt: D.dtype) -> Callable[[], Any]:
    """The kernel of a selection along dim ``d`` (a 0-dim input is its own row)."""
    def kernel() -> Any:
        if not input._storage.has_data():
            return None
        v = input._values()
        if not input.dim():
            v = v.reshape(1)
            d_ = 0
        else:
            d_ = d
        if v.shape[d_] == 0:
            return np.zeros(shape, dtype=dt.compute_np)
        return np.reshape(fn(v, d_), shape)
    return kernel


def _extremum_dim(name: str, np_fn: Callable[..., Any], np_arg: Callable[..., Any]
                  ) -> Callable[..., Any]:
    def op(input: Tensor, dim: int, keepdim: bool = False, *, out: Any = None) -> Any:
        _no_out(name, out)
        d = wrap_dim(dim, input.dim())
        if input.numel() == 0 and input.dim() and input._shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        if input._dtype.is_complex:
            raise RuntimeError(f"{name}(): does not support complex input")
        refuse_barebones(name, input)
        shape = _reduced(input, d, keepdim)
        values = emit(shape, input._dtype, input.device,
                      _along(input, d, lambda v, a: np_fn(v, axis=a), shape, input._dtype),
                      sources=[input])
        indices = emit(shape, D.int64, input.device,
                       _along(input, d, lambda v, a: np_arg(v, axis=a), shape, D.int64),
                       sources=[input])
        return RESULTS[name](values, indices)
    op.__name__ = f"{name}_dim"
    op.__doc__ = (f"https://docs.pytorch.org/docs/stable/generated/torch.{name}.html "
                  f"A namedtuple (values, indices) of the {name}imum of each row along dim; "
                  "ties give the first index.")
    return op


# NumPy's argmax/argmin return the first occurrence, and the first NaN, as torch does.
max_dim = _extremum_dim("max", np.max, np.argmax)
min_dim = _extremum_dim("min", np.min, np.argmin)


def _arg(name: str, np_arg: Callable[..., Any]) -> Callable[..., Tensor]:
    def op(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
        if input._dtype is D.bool_ or input._dtype.is_complex:
            kind = "bool" if input._dtype is D.bool_ else "complex"
            raise RuntimeError(f"{name}(): does not support {kind} input")
        refuse_barebones(name, input)
        if dim is None:
            if input.numel() == 0:
                raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                                 "input.numel() == 0.")
            shape = (1,) * input.dim() if keepdim else ()

            def kernel() -> Any:
                if not input._storage.has_data():
                    return None
                return np.reshape(np_arg(input._values().reshape(-1)), shape)
            return emit(shape, D.int64, input.device, kernel, sources=[input])
        d = wrap_dim(dim, input.dim())
        if input.dim() and input._shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        shape = _reduced(input, d, keepdim)
        return emit(shape, D.int64, input.device,
                    _along(input, d, lambda v, a: np_arg(v, axis=a), shape, D.int64),
                    sources=[input])
    op.__name__ = name
    op.__doc__ = (f"https://docs.pytorch.org/docs/stable/generated/torch.{name}.html "
                  "The index of the first extreme value (of the flattened input when dim is "
                  "None).")
    return op


argmax = _arg("argmax", np.argmax)
argmin = _arg("argmin", np.argmin)


# ---- sort and topk ------------------------------------------------------------------------

def _order(v: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """A stable ordering along ``axis`` with NaN above every number: ascending puts NaN last,
    descending first, each keeping the input order of equal elements."""
    if not descending:
        return np.argsort(v, axis=axis, kind="stable")
    n = v.shape[axis]
    rev = np.argsort(np.flip(v, axis=axis), axis=axis, kind="stable")
    return np.flip(n - 1 - rev, axis=axis)


def _tied(v: np.ndarray, axis: int) -> np.ndarray:
    """Where an element equals another of its row (NaN equals NaN here): the positions whose
    order among equals the docs leave open."""
    moved = np.moveaxis(v, axis, -1)
    same = moved[..., :, None] == moved[..., None, :]
    if moved.dtype.kind in "fc":
        nan = np.isnan(moved)
        same |= nan[..., :, None] & nan[..., None, :]
    count = same.sum(axis=-1)
    return np.moveaxis(count > 1, -1, axis)


def _rows(input: Tensor, dim: int) -> tuple[int, Any]:
    d = wrap_dim(dim, input.dim())
    if not input._storage.has_data():
        return d, None
    v = input._values()
    return d, (v.reshape(1) if not input.dim() else v)


def sort_args(args: tuple[Any, ...], dim: Any, descending: Any, stable: Any
              ) -> tuple[int, bool, bool]:
    """sort's overloads: ``(dim=-1, descending=False)`` positionally or by keyword, and
    ``(*, stable, dim=-1, descending=False)``, where dim and descending are keywords only."""
    if len(args) > 2 or (stable is not None and args) or \
            (args and dim is not None) or (len(args) > 1 and descending is not None):
        raise TypeError("sort() received an invalid combination of arguments - got (Tensor, "
                        f"{', '.join(type(a).__name__ for a in args)}"
                        f"{', stable=bool' if stable is not None else ''}), but expected one "
                        "of:")
    given = list(args) + [None] * (2 - len(args))
    d = given[0] if given[0] is not None else dim
    desc = given[1] if given[1] is not None else descending
    return (-1 if d is None else int(d)), bool(desc), bool(stable)


def sort(input: Tensor, *args: Any, dim: Any = None, descending: Any = None,
         stable: Any = None, out: Any = None) -> Any:
    """https://docs.pytorch.org/docs/stable/generated/torch.sort.html
    "Sorts the elements of the input tensor along a given dimension in ascending order by
    value. ... If stable is True then the sorting routine becomes stable, preserving the order
    of equivalent elements." Without stable, the order of equal elements (their indices) is
    left open. Values and indices are laid out as the input (empty_like, preserve_format)."""
    _no_out("sort", out)
    dim, descending, stable = sort_args(args, dim, descending, stable)
    d, _ = _rows(input, dim)
    if input._dtype.is_complex:
        # Note: the CPU kernel says " Sort does not support complex dtypes on CPU"; the
        # phrase without the device is the documented part.
        raise RuntimeError("does not support complex dtypes")
    refuse_barebones("sort", input)
    strides = L.preserve_format_strides(input._shape, input._strides)

    def compute(want: str) -> Callable[[], Any]:
        def kernel() -> Any:
            _, v = _rows(input, dim)
            if v is None:
                return None
            a = d if input.dim() else 0
            idx = _order(v, a, descending)
            if want == "values":
                return np.take_along_axis(v, idx, axis=a).reshape(input._shape)
            if stable:
                return idx.reshape(input._shape)
            open_ = np.take_along_axis(_tied(v, a), idx, axis=a)
            return Unspecified(idx.reshape(input._shape), open_.reshape(input._shape))
        return kernel
    values = emit(input._shape, input._dtype, input.device, compute("values"), strides=strides,
                  sources=[input])
    indices = emit(input._shape, D.int64, input.device, compute("indices"), strides=strides,
                   sources=[input])
    return SortResult(values, indices)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *,
         out: Any = None) -> Any:
    """https://docs.pytorch.org/docs/stable/generated/torch.topk.html
    "Returns the k largest elements of the given input tensor along a given dimension. If
    largest is False then the k smallest elements are returned. ... The boolean option sorted
    if True, will make sure that the returned k elements are themselves sorted." Unsorted
    results come in an order the docs leave open; which of equal elements are picked (their
    indices) is open too. The results are contiguous."""
    _no_out("topk", out)
    d, _ = _rows(input, dim)
    size = input._shape[d] if input.dim() else 1
    if k < 0 or k > size:
        raise RuntimeError("selected index k out of range")
    if input._dtype.is_complex or input._dtype is D.bool_:
        if input.device.type != "cpu":
            raise NotModelled(f"topk of {input._dtype} on {input.device.type}")
        kind = "complex" if input._dtype.is_complex else "bool"
        raise RuntimeError(f"topk does not support {kind} dtypes on CPU")
    refuse_barebones("topk", input)
    shape = tuple((k if i == d else s) for i, s in enumerate(input._shape))

    def compute(want: str) -> Callable[[], Any]:
        def kernel() -> Any:
            _, v = _rows(input, dim)
            if v is None:
                return None
            a = d if input.dim() else 0
            # A 0-dim input gives its element back whether k is 0 or 1 (its result has no dim
            # of size k; seen on torch 2.13: tensor(-4.).topk(0) is tensor(-4.)).
            idx = np.take(_order(v, a, largest), np.arange(k if input.dim() else 1), axis=a)
            picked = (np.take_along_axis(v, idx, axis=a) if want == "values" else idx)
            picked = picked.reshape(shape)
            if not sorted:
                return Unspecified(picked, np.ones(shape, dtype=np.bool_))
            if want == "values":
                return picked
            open_ = np.take_along_axis(_tied(v, a), idx, axis=a)
            return Unspecified(picked, open_.reshape(shape))
        return kernel
    values = emit(shape, input._dtype, input.device, compute("values"), sources=[input])
    indices = emit(shape, D.int64, input.device, compute("indices"), sources=[input])
    return TopkResult(values, indices)
