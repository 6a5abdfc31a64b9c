"""Indexing kernels: advanced indexing (a copy), index_put_ (assignment through advanced
indices), and the index_select / masked_select / nonzero / gather / scatter_ family.

https://docs.pytorch.org/docs/stable/tensor_view.html : "basic indexing returns views, while
advanced indexing returns a copy"; "Assignment via either basic or advanced indexing is
in-place."
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.device import CPU
from .._core.errors import NotModelled, index_out_of_bounds
from .._core.layout import MemOverlap, wrap_dim
from .._core.tensor import Tensor
from .copy import check_scalar_fits
from .iterator import (
    assert_no_internal_overlap,
    assert_no_overlap,
    assert_no_partial_overlap,
    emit,
)
from .views import view

INDEX_DTYPE_ERROR = "tensors used as indices must be long, int, byte or bool tensors"


def refuse_conj(t: Tensor) -> None:
    if t._conj or t._neg:
        raise NotModelled("an indexed write through a tensor with the conjugate or negative "
                          "bit")


def long_tensor(values: Sequence[int] | np.ndarray, dev: Any) -> Tensor:
    arr = np.asarray(values, dtype=np.int64)
    t = Tensor._empty(arr.shape, D.int64, dev)
    if arr.size:
        t._write(arr)
    return t


def to_index_tensor(obj: Any, dev: Any) -> Tensor:
    if isinstance(obj, Tensor):
        return obj
    arr = np.asarray(obj)
    if arr.dtype == object:
        raise NotModelled("nested sequence index holding non-numbers")
    if arr.dtype.kind == "b":
        t = Tensor._empty(arr.shape, D.bool_, dev)
        t._write(arr)
        return t
    if arr.dtype.kind not in "iu" and arr.size:
        raise IndexError(INDEX_DTYPE_ERROR)
    return long_tensor(arr.astype(np.int64), dev)


def is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def is_int_scalar_tensor(x: Any) -> bool:
    """A 0-dim integer tensor, which indexes like an int (a 0-dim uint8 tensor is a mask)."""
    return isinstance(x, Tensor) and x.dim() == 0 and x._dtype.kind in "iu" and \
        x._dtype is not D.uint8


def _broadcast_indices(adv: list[tuple[int, Tensor]]) -> tuple[tuple[int, ...],
                                                               list[tuple[int, ...]]]:
    shapes = [t._shape for _, t in adv]
    try:
        shape = L.broadcast_shapes(*shapes)
    except RuntimeError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                         "with shapes " + ", ".join(f"[{', '.join(map(str, s))}]"
                                                    for s in shapes)) from None
    strides = [L.expand_strides(t._shape, t._strides, shape) for _, t in adv]
    return shape, strides


def index(src: Tensor, adv: list[tuple[int, Tensor]]) -> Tensor:
    """ATen ``index``: gather along the advanced dims. Adjacent advanced dims are replaced in
    place by the broadcast index shape; separated ones move to the front (NumPy's rule). The
    result is a new tensor whose strides follow TensorIterator's memory order."""
    dims = [d for d, _ in adv]
    for _, t in adv:
        if t._dtype not in (D.int64, D.int32):
            raise IndexError(INDEX_DTYPE_ERROR)
    _check_bounds(src, adv)
    ishape, istrides = _broadcast_indices(adv)
    adjacent = dims == list(range(dims[0], dims[0] + len(dims)))
    order = list(range(src.dim()))
    if not adjacent:
        order = dims + [d for d in order if d not in dims]
        dims = list(range(len(dims)))
    before = order[:dims[0]]
    after = [d for d in order[dims[0] + len(dims):]]
    shape = tuple(src._shape[d] for d in before) + ishape + tuple(src._shape[d] for d in after)
    restrided = (tuple(src._strides[d] for d in before) + (0,) * len(ishape)
                 + tuple(src._strides[d] for d in after))
    operands = [(shape, restrided)]
    for st in istrides:
        ishape_full = (1,) * len(before) + ishape + (1,) * len(after)
        view_st = L.compute_stride(ishape, st, ishape_full) or \
            ((0,) * len(before) + st + (0,) * len(after))
        operands.append((ishape_full, view_st))
    strides = L.iterator_output_strides(shape, operands)
    out = Tensor._empty(shape, src._dtype, src.device, strides)
    if src._storage.has_data() and out.numel():
        key: list[Any] = [slice(None)] * src.dim()
        for (d, t), _ in zip(adv, istrides):
            key[d] = np.broadcast_to(t._values().astype(np.int64), ishape)
        vals = src._values()[tuple(key)]
        out._write(vals.reshape(shape))
    return out


def _check_bounds(src: Tensor, adv: list[tuple[int, Tensor]]) -> None:
    """Every advanced index must lie in [-size, size) of the dim it indexes."""
    for d, t in adv:
        if not t.numel() or not t._storage.has_data():
            continue
        v = t._values()
        size = src._shape[d]
        bad = v[(v < -size) | (v >= size)]
        if bad.size:
            raise index_out_of_bounds(src.device.type, IndexError(
                f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {d} with size "
                f"{size}"))


def strip_leading_ones(value: Tensor) -> Tensor:
    """ATen ``slicePrefix1sSize``: leading size-1 dims of an assigned value are dropped."""
    k = 0
    while k < value.dim() and value._shape[k] == 1:
        k += 1
    if k == 0:
        return value
    return view(value, value._shape[k:])


def scalar_as(value: Any, like: Tensor, *, on_cpu: bool = False) -> Tensor:
    if not isinstance(value, (bool, int, float, complex)):
        raise TypeError(f"can't assign a {type(value).__name__} to a {like._dtype}")
    check_scalar_fits(value, like._dtype)
    t = Tensor._empty((), like._dtype, CPU if on_cpu else like.device)
    if like._storage.has_data():
        v = np.asarray(value)
        if like._dtype.kind in "iu" and v.dtype.kind == "f":
            v = np.trunc(v)
        t._write(v)
    return t


def index_put_(view: Tensor, adv: list[tuple[int, Tensor]], value: Any,
               root: Tensor | None = None) -> Tensor:
    if not isinstance(value, Tensor):
        value = scalar_as(value, view)
    elif value._dtype is not view._dtype:
        raise RuntimeError("Index put requires the source and destination dtypes match, got "
                           f"{view._dtype.scalar_type} for the destination and "
                           f"{value._dtype.scalar_type} for the source.")
    if L.has_internal_overlap(view._shape, view._strides) is MemOverlap.YES:
        if any(t._base_t is not None for _, t in adv):  # a bool mask (columns of nonzero)
            raise NotModelled("mask assignment into an expanded tensor (torch routes it "
                              "through masked_fill_, with a second warning)")
        warnings.warn("Use of index_put_ on expanded tensors is deprecated. Please clone() the "
                      "tensor before performing this operation. This also applies to advanced "
                      "indexing e.g. tensor[indices] = tensor", UserWarning, stacklevel=3)
    assert_no_partial_overlap(view, value)
    ishape, _ = _broadcast_indices(adv)
    _check_bounds(view, adv)
    refuse_conj(view)
    raw = view._raw()
    key: list[Any] = [slice(None)] * view.dim()
    for d, t in adv:
        key[d] = np.broadcast_to(t._values().astype(np.int64), ishape)
    target_shape = raw[tuple(key)].shape
    vals = value._values()
    try:
        vals = np.broadcast_to(vals, target_shape)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value._shape)} cannot "
                           f"be broadcast to indexing result of shape "
                           f"{list(target_shape)}") from None
    raw[tuple(key)] = D.to_storage(vals, view._dtype)
    view._vc.bump()
    return view


# ---- the explicit indexing functions ------------------------------------------------------

def index_select(input: Tensor, dim: int, index: Tensor, *, out: Tensor | None = None
                 ) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.index_select.html
    "The returned tensor has the same number of dimensions as the original tensor (input)...
    The returned tensor does not use the same storage as the original tensor." """
    d = wrap_dim(dim, input.dim())
    if index.dim() > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index._dtype not in (D.int64, D.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    idx = index._values().reshape(-1).astype(np.int64)
    size = input._shape[d] if input.dim() else 1
    shape = list(input._shape)
    if input.dim():
        shape[d] = len(idx)

    def kernel() -> Any:
        if input.dim() > 1 and input._shape[d] == 0 and idx.size:
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        if idx[(idx < 0) | (idx >= size)].size:
            raise index_out_of_bounds(input.device.type, IndexError("index out of range in self"))
        return np.take(input._values(), idx, axis=d) if input.dim() else input._values()
    return _result(tuple(shape), input._dtype, input, kernel, out, "index_select")


# Each function words the out= dtype error its own way (structured kernels use C++ names).
_OUT_DTYPE_ERRORS = {
    "index_select": "index_select(): self and result must have the same scalar type",
    "masked_select": "masked_select(): self and result must have the same scalar type",
    "gather": "Expected out tensor to have dtype {want_c}, but got {got_c} instead",
    "nonzero": "nonzero: Expected out tensor to have scalar type {want_l} but got scalar type"
               "{got_l}",
}


def _result(shape: tuple[int, ...], dt: D.dtype, like: Tensor, vals: Any, out: Tensor | None,
            name: str) -> Tensor:
    """Allocate (or check and resize ``out``), then run the kernel: ``vals`` may be a callable
    whose errors (index bounds) come after the resize, as in torch."""
    # CUDA's index_select dispatches on out's dtype after resizing it, and fails reading self
    # as that dtype (seen on an H200, torch 2.11).
    late_dtype_error = name == "index_select" and like.device.type == "cuda" and \
        out is not None and out._dtype is not dt
    if out is not None and not late_dtype_error:
        if out._dtype is not dt:
            raise RuntimeError(_OUT_DTYPE_ERRORS[name].format(
                want=dt, got=out._dtype, want_c=dt.c_name, got_c=out._dtype.c_name,
                want_l=dt.scalar_type, got_l=out._dtype.scalar_type))
        if name != "gather":
            assert_no_internal_overlap(out)
            assert_no_overlap(out, like)
    if late_dtype_error:
        assert out is not None
        assert_no_internal_overlap(out)
        assert_no_overlap(out, like)

    def kernel() -> Any:
        if late_dtype_error:
            assert out is not None
            raise RuntimeError(f"expected scalar type {out._dtype.scalar_type} but found "
                               f"{dt.scalar_type}")
        if out is not None and name == "gather":
            # gather is a structured kernel: out is resized before its overlap checks.
            assert_no_internal_overlap(out)
            assert_no_overlap(out, like)
        values = vals() if callable(vals) else vals
        return np.asarray(values).reshape(shape)
    return emit(shape, dt, like.device, kernel, out=out, sources=[like])


def masked_select(input: Tensor, mask: Tensor, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.masked_select.html
    "Returns a new 1-D tensor which indexes the input tensor according to the boolean mask
    mask which is a BoolTensor. The shapes of the mask tensor and the input tensor don't need
    to match, but they must be broadcastable." """
    if mask._dtype is not D.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = L.broadcast_shapes(mask._shape, input._shape)  # ATen expands (mask, self)
    v = np.broadcast_to(input._values(), shape)
    m = np.broadcast_to(mask._values(), shape)
    vals = v[m]
    return _result((int(vals.size),), input._dtype, input, vals, out, "masked_select")


def nonzero(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nonzero.html
    Indices in lexicographic (row-major) order, as a (z, n) int64 tensor."""
    vals = input._values()
    idx = np.argwhere(vals != 0) if input.dim() else np.zeros((int(vals != 0), 0), np.int64)
    if out is not None:
        return _result(idx.shape, D.int64, input, idx, out, "nonzero")
    # Note: torch's kernels fill a transposed buffer: strides are (1, z), not (n, 1). The CPU
    # kernel sets them as such; the CUDA kernel resizes a (n, z) buffer and transposes it, and
    # a contiguous stride is never below 1: (1, 1) when z == 0 (seen on an H200, torch 2.11).
    z = idx.shape[0]
    t = Tensor._empty(idx.shape, D.int64, input.device,
                      strides=(1, max(z, 1) if input.device.type == "cuda" else z))
    if idx.size:
        t._write(idx)
    return t


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False,
           out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.gather.html
    "out[i][j][k] = input[i][index[i][j][k]][k]  # if dim == 1"; out has index's shape."""
    d = wrap_dim(dim, input.dim())
    if index._dtype not in (D.int64, D.int32):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if index.numel() == 0:
        return _result(index._shape, input._dtype, input, np.zeros(index._shape), out, "gather")
    if index.dim() != input.dim() and not (index.dim() <= 1 and input.dim() <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    for k in range(index.dim()):
        if k != d and index._shape[k] > input._shape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(index._shape)} to "
                f"be no larger than self {list(input._shape)} apart from dimension {d}")
    idx = index._values().astype(np.int64)
    size = input._shape[d] if input.dim() else 1

    def kernel() -> Any:
        # gather does not wrap negative indices: -1 is out of bounds (torch 2.13's CPU).
        bad = idx[(idx < 0) | (idx >= size)]
        if bad.size:
            raise index_out_of_bounds(input.device.type, RuntimeError(
                f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {d} with size "
                f"{size}"))
        src = input._values()
        if input.dim() == 0:
            return np.broadcast_to(src, index._shape)
        sub = src[tuple(slice(0, s) if k != d else slice(None)
                        for k, s in enumerate(index._shape))]
        return np.take_along_axis(sub, idx, axis=d)
    return _result(index._shape, input._dtype, input, kernel, out, "gather")


def scatter_(self: Tensor, dim: int, index: Tensor, src: Any, *, reduce: Any = None
             ) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.scatter_.html
    "self[i][index[i][j][k]][k] = src[i][j][k]  # if dim == 1" """
    if reduce is not None:
        raise NotModelled("scatter_(reduce=...)")
    d = wrap_dim(dim, self.dim())
    if index._dtype is not D.int64:
        raise RuntimeError("scatter_(): Expected dtype int64 for index")
    if index.dim() != self.dim():
        raise RuntimeError("Index tensor must have the same number of dimensions as self "
                           "tensor")
    assert_no_internal_overlap(self)
    idx = index._values().astype(np.int64)
    size = self._shape[d]
    bad = idx[(idx < 0) | (idx >= size)]
    if bad.size:
        raise index_out_of_bounds(self.device.type, RuntimeError(
            f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {d} with size "
            f"{size}"))
    if isinstance(src, Tensor):
        for k in range(index.dim()):
            if index._shape[k] > src._shape[k]:
                raise RuntimeError(
                    f"Expected index {list(index._shape)} to be no larger than src "
                    f"{list(src._shape)} apart from dimension {d}")
        vals = src._values()[tuple(slice(0, s) for s in index._shape)]
        if src._dtype is not self._dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    else:
        vals = np.full(index._shape, src)
    refuse_conj(self)
    raw = self._raw()
    # Note: with duplicate indices torch leaves the winner unspecified; strategies avoid them.
    grid = list(np.indices(index._shape, sparse=True))
    grid[d] = idx
    raw[tuple(grid)] = D.to_storage(vals, self._dtype)
    self._vc.bump()
    return self
