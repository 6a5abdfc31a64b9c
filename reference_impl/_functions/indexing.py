"""Indexing: ``x[key]`` (basic indexing is a chain of view ops, advanced indexing then gathers)
and ``x[key] = value`` (in place), and ``nonzero``.

https://docs.pytorch.org/docs/stable/tensor_view.html : "basic indexing returns views, while
advanced indexing returns a copy"; "Assignment via either basic or advanced indexing is
in-place."
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._autograd.numpy_grads import requires_grad
from .._autograd.record import (
    LEAF_INPLACE,
    VIEW_OF_LEAF,
    check_inference_inplace,
    mark_version_unspecified,
)
from .._core import dtypes as D
from .._core.errors import NotModelled
from .._core.modes import is_inference_mode_enabled, recording, suspended
from .._core.release import follows
from .._core.tensor import Tensor
from .._kernels import indexing as I
from .ops import copy_, fill_, index
from .views import alias, select, slice_dim, unbind, unsqueeze


def nonzero(input: Tensor, *, as_tuple: bool = False, out: Tensor | None = None) -> Any:
    """https://docs.pytorch.org/docs/stable/generated/torch.nonzero.html
    Indices in lexicographic (row-major) order, as a (z, n) int64 tensor or, with
    as_tuple=True, n 1-D tensors; a 0-d input is treated as a one-element 1-D tensor there."""
    if input._inference and not is_inference_mode_enabled():
        return mark_version_unspecified(_nonzero(input, as_tuple, out))
    return _nonzero(input, as_tuple, out)


def _nonzero(input: Tensor, as_tuple: bool, out: Tensor | None) -> Any:
    if as_tuple:
        # ATen: nonzero(self.dim() ? self : self.unsqueeze(0)).unbind(1): views of a temporary.
        return unbind(nonzero(input if input.dim() else unsqueeze(input, 0)), 1)
    return I.nonzero(input, out=out)


MASK_DTYPES = (D.bool_, D.uint8)
BYTE_MASK_WARNING = ("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                     "torch.bool instead.")
BYTE_MASK_FILL = ("masked_fill_ only supports boolean masks, but got mask with dtype unsigned "
                  "char")


def _consumed(x: Any) -> int:
    if x is None or x is Ellipsis or isinstance(x, bool):
        return 0
    if isinstance(x, Tensor) and x._dtype in MASK_DTYPES:
        return x.dim()
    return 1


def _warn_byte_mask() -> None:
    warnings.warn(BYTE_MASK_WARNING, UserWarning, stacklevel=4)


def _apply(self: Tensor, index: Any, masks: list[D.dtype] | None = None,
           warn: bool = True) -> tuple[Tensor, list[tuple[int, Tensor]]]:
    """Apply the basic part of ``index`` (a view) and collect the advanced parts as
    (dim of the view, LongTensor) pairs, the way torch's applySlicing does. ``masks`` collects
    the dtype of each advanced index tensor; ``warn``: uint8 masks warn (as torch's index does
    for each, before checking its shape)."""
    items = index if isinstance(index, tuple) else (index,)
    if sum(1 for x in items if x is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(_consumed(x) for x in items)
    if used > self.dim():
        raise IndexError(f"too many indices for tensor of dimension {self.dim()}")
    result, dim = self, 0
    adv: list[tuple[int, Tensor]] = []
    for x in items:
        if x is Ellipsis:
            dim += self.dim() - used
        elif x is None:
            result = unsqueeze(result, dim)
            dim += 1
        elif isinstance(x, bool) or (isinstance(x, Tensor) and x._dtype in MASK_DTYPES
                                     and x.dim() == 0):
            # Note: a 0-dim uint8 tensor is a flag like a 0-dim bool one (torch's legacy rule,
            # without the deprecation warning).
            flag = x if isinstance(x, bool) else bool(x.item())
            result = unsqueeze(result, dim)
            adv.append((dim, I.long_tensor([0] if flag else [], self.device)))
            dim += 1
        elif I.is_int(x) or I.is_int_scalar_tensor(x):
            result = _select(result, dim, int(x.item()) if isinstance(x, Tensor) else int(x))
        elif isinstance(x, slice):
            result = _slice(result, dim, x, inside_tuple=isinstance(index, tuple))
            dim += 1
        elif isinstance(x, (list, tuple, Tensor, np.ndarray)):
            idx = I.to_index_tensor(x, self.device)
            if masks is not None:
                masks.append(idx._dtype)
            dim = _add_advanced(result, idx, dim, adv, warn)
        else:
            raise TypeError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                            "byte Variables are valid indices (got "
                            f"{type(x).__name__})")
    return result, adv


def _select(result: Tensor, dim: int, i: int) -> Tensor:
    size = result._shape[dim]
    if i < -size or i >= size:
        raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
    return select(result, dim, i)


def _slice(result: Tensor, dim: int, x: slice, *, inside_tuple: bool) -> Tensor:
    step = 1 if x.step is None else int(x.step)
    if step == 0:
        raise ValueError("slice step cannot be zero")  # Python's own slice unpacking
    start = None if x.start is None else int(x.start)
    stop = None if x.stop is None else int(x.stop)
    # Note: inside a tuple, ATen's applySlice returns self for a slice from 0 (as written,
    # negative starts not wrapped) to at least the end with step 1; a single slice index
    # always slices.
    # Up to 2.6 (``_core/release.py``, "whole-slices-elided") only a slice that names the
    # end exactly was returned as self: ``:`` was a SliceBackward0 of its own.
    if follows("whole-slices-elided"):
        ends = stop is None or stop >= result._shape[dim]
    else:
        ends = stop == result._shape[dim]
    whole = inside_tuple and step == 1 and start in (None, 0) and ends
    return result if whole else slice_dim(result, dim, start, stop, step)


def _add_advanced(result: Tensor, idx: Tensor, dim: int, adv: list[tuple[int, Tensor]],
                  warn: bool) -> int:
    """An index tensor: int64 and int32 tensors index, bool and (deprecated) uint8 tensors
    are masks; other dtypes raise ("tensors used as indices must be long, int, byte or bool
    tensors")."""
    if idx._dtype is D.uint8:
        if warn:
            _warn_byte_mask()
        mask = Tensor._empty(idx._shape, D.bool_, idx.device)
        if idx._storage.has_data():
            mask._write(idx._values() != 0)
        return _add_mask(result, mask, dim, adv)
    if idx._dtype is D.bool_:
        return _add_mask(result, idx, dim, adv)
    if idx._dtype in (D.int64, D.int32):
        adv.append((dim, idx))
        return dim + 1
    raise IndexError(I.INDEX_DTYPE_ERROR)


def _add_mask(result: Tensor, mask: Tensor, dim: int, adv: list[tuple[int, Tensor]]) -> int:
    """A bool mask of k dims becomes k LongTensors: the columns of mask.nonzero()."""
    for j in range(mask.dim()):
        if mask._shape[j] != result._shape[dim + j]:
            raise IndexError(f"The shape of the mask {list(mask._shape)} at index {j} does not "
                             f"match the shape of the indexed tensor {list(result._shape)} at "
                             f"index {dim + j}")
    nz = nonzero(mask)
    for j in range(mask.dim()):
        adv.append((dim + j, select(nz, 1, j)))
    return dim + mask.dim()


def getitem(self: Tensor, key: Any) -> Tensor:
    """Basic indexing is a chain of view ops (select, slice, unsqueeze; ``alias`` when nothing
    applies); advanced indexing then gathers (IndexBackward0)."""
    view, adv = _apply(self, key)
    if not adv:
        if view is self:
            return alias(self)
        return view
    return index(view, adv)


def setitem(self: Tensor, key: Any, value: Any) -> None:
    """``x[key] = value`` writes in place: basic keys through copy_ of the view (its overlap
    check included), advanced keys through index_put_ (which needs matching dtypes)."""
    if recording() and (requires_grad(self) or requires_grad(value)):
        check_inference_inplace(self)
        if self._requires_grad and self.grad_fn is None:
            _view, adv = _apply(self, key, warn=False) if key not in (True, False) else (self, [])
            raise RuntimeError(LEAF_INPLACE if adv else VIEW_OF_LEAF)
        raise NotModelled("autograd through __setitem__")
    check_inference_inplace(self)
    with suspended():
        _setitem(self, key, value)


def _setitem(self: Tensor, key: Any, value: Any) -> None:
    # A Python value becomes a tensor of self's dtype first (its overflow check included); for
    # a CUDA tensor torch makes it on the CPU (THPVariable_setitem).
    value = I.strip_leading_ones(value) if isinstance(value, Tensor) else I.scalar_as(
        value, self, on_cpu=self.device.type == "cuda")
    if key is False:
        # Note: torch's __setitem__ returns early for a bare False index (no write, no bump).
        return
    if key is True:
        # ... and writes a bare True index through copy_ into self.unsqueeze(0) (while x[True]
        # read returns an advanced-indexing copy).
        key = None
    masks: list[D.dtype] = []
    view, adv = _apply(self, key, masks, warn=False)
    if not adv:
        _copy_to(view, value)
        return
    if masks == [D.uint8] and value.numel() == 1 and value.device.type == "cpu":
        # Note: index_put_ with one mask and a one-element CPU value calls masked_fill_, which
        # refuses uint8 masks (TensorAdvancedIndexing.cpp, canDispatchToMaskedFill).
        raise RuntimeError(BYTE_MASK_FILL)
    for _ in range(masks.count(D.uint8)):
        _warn_byte_mask()
    I.index_put_(view, adv, value, root=self)


def _copy_to(dst: Tensor, src: Tensor) -> None:
    """ATen ``indexing::copy_to``: copy_ when the shapes are equal, ``fill_`` for a CPU 0-dim
    value (no overlap check when dst is on another device), else copy_ of the broadcast value."""
    if dst._shape != src._shape and src.dim() == 0 and src.device.type == "cpu":
        fill_(dst, src)
        return
    copy_(dst, src)
