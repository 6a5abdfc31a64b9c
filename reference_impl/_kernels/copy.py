"""Copies and fills: ``clone``, ``copy_``, ``fill_``, ``zero_``, and the copy ``to()`` makes.

https://docs.pytorch.org/docs/stable/generated/torch.clone.html
https://docs.pytorch.org/docs/stable/generated/torch.Tensor.copy_.html
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.device import CPU, DeviceLike, canonical
from .._core.device import device as make_device
from .._core.errors import NotModelled
from .._core.release import follows
from .._core.tensor import Tensor
from .iterator import (
    Operand,
    assert_no_internal_overlap,
    assert_no_partial_overlap,
    propagated_taint,
)


def fill_(self: Tensor, value: Operand) -> Tensor:
    """``fill_`` of a Python scalar writes every element, with no overlap check: on an expanded
    tensor it writes the shared locations (BCAST-07 in the claim catalogue). ATen's
    ``fill_(Tensor)`` takes a 0-dim tensor on another device as its ``item()`` (the same path),
    and one on self's device through ``copy_``, whose overlap check refuses an expanded self
    (seen on torch 2.13's CPU and on an H200, torch 2.11, where ``x[...] = 7`` makes the 7 a
    CPU tensor). Up to 2.0 that path had no overlap check (``_core/release.py``)."""
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.dim()} dimensions.")
        if value.device == self.device and follows("fill-tensor-overlap-check"):
            assert_no_internal_overlap(self)
        value = value.item()
    check_scalar_fits(value, self._dtype)
    if self._storage.has_data():
        self._write(np.asarray(value).astype(_compute_np_for(self._dtype, value)))
    self._vc.bump()
    return self


def _compute_np_for(dt: D.dtype, value: Any) -> Any:
    if dt.is_complex or isinstance(value, complex):
        return np.complex128
    if dt.kind in "iu" and isinstance(value, float):
        return np.float64
    return dt.compute_np


def check_scalar_fits(value: Any, dt: D.dtype) -> None:
    """c10 ``checked_convert``: a Python scalar written into a tensor must fit its dtype."""
    if isinstance(value, (bool, complex)) or dt.checked_name is None:
        return
    if dt.kind in "iu":
        ok = D.int_scalar_fits(value, dt)
    else:
        limit = 65504.0 if dt is D.float16 else 3.3895313892515355e38
        magnitude = builtins.abs(value)
        ok = not (magnitude > limit and magnitude != float("inf"))
    if not ok:
        raise RuntimeError(f"value cannot be converted to type {dt.checked_name} without "
                           "overflow")


def zero_(self: Tensor) -> Tensor:
    return fill_(self, 0)


def copy_(self: Tensor, src: Operand, non_blocking: bool = False) -> Tensor:
    """``Tensor.copy_``: ``src`` broadcast to self's shape, cast to self's dtype."""
    if not isinstance(src, Tensor):
        raise TypeError("copy_(): argument 'src' (position 1) must be Tensor, not "
                        f"{type(src).__name__}")
    if src is self:
        # ATen returns early when src is self; the in-place call still bumps the version.
        self._vc.bump()
        return self
    assert_no_internal_overlap(self)
    assert_no_partial_overlap(self, src)
    shape = L.broadcast_shapes(self._shape, src._shape)
    if shape != self._shape:
        raise RuntimeError(_broadcast_message(self._shape, src._shape))
    if src._dtype.is_complex and not self._dtype.is_complex:
        # Note: torch warns once per process (TORCH_WARN_ONCE), which a model cannot know.
        raise NotModelled("copy_ from complex to real (its warning fires once per process)")
    if self._storage.has_data() and src._storage.has_data():
        taint = propagated_taint(self._shape, [src], elementwise=True)
        self._write(src._values())
        if taint is not None:
            self._taint(taint)
    self._vc.bump()
    return self


def _broadcast_message(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    try:
        L.broadcast_shapes(a, b)
    except RuntimeError as e:
        return str(e)
    return f"output with shape {L.format_shape(a)} doesn't match the broadcast shape " \
           f"{L.format_shape(L.broadcast_shapes(a, b))}"


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.clone.html
    "Returns a copy of input." With preserve_format, dense inputs keep their strides."""
    strides = L.format_strides(input._shape, input._strides, memory_format)
    res = Tensor._empty(input._shape, input._dtype, input.device, strides)
    if input._storage.has_data():
        res._write(input._values())
        res._taint(input._unspecified_mask())
    return res


def converted(t: Tensor, dt: D.dtype, device: Any = None) -> Tensor:
    """``t.to(dt)`` (and ``t.to(device, dt)``): a preserve_format copy with the values cast."""
    res = Tensor._empty(t._shape, dt, t.device if device is None else device,
                        L.preserve_format_strides(t._shape, t._strides))
    if t._storage.has_data() and res._storage.has_data():
        res._write(D.from_storage(D.to_storage(t._values(), dt), dt))
        res._taint(t._unspecified_mask())
    return res


def to_copy(self: Tensor, dtype: D.dtype | None = None, device: DeviceLike | None = None,
            copy: bool = False) -> Tensor:
    """What ``to()`` returns for a dtype and device: self when both match (and no copy is
    asked for), else a preserve_format copy; a copy out of a meta tensor has no data to copy."""
    wanted = make_device(device) if device is not None else None
    if wanted is not None and wanted.type == "cuda":
        # ATen's ensure_has_index: "cuda" is the current device (cuda:0 here).
        wanted = canonical(wanted)
    dt = dtype or self._dtype
    # Note: the requested device is otherwise compared as given: "cpu:0" is not "cpu", so it
    # copies.
    if dt is self._dtype and (wanted is None or wanted == self.device) and not copy:
        return self
    # The device a tensor placed on ``wanted`` reports: CPU tensors have no index.
    target = self.device if wanted is None else CPU if wanted.type == "cpu" else \
        canonical(wanted)
    if self._dtype.is_complex and not dt.is_complex:
        # Note: torch warns once per process (TORCH_WARN_ONCE) when it drops imaginary parts.
        raise NotModelled("to() from complex to real (its warning fires once per process)")
    if self.device.type == "meta" and target.type != "meta":
        raise NotImplementedError("Cannot copy out of meta tensor; no data!")
    return converted(self, dt, target)
