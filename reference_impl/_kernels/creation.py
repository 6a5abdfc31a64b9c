"""Factories: tensor (with dtype inference), zeros, ones, empty, full, arange, linspace, eye,
the ``*_like`` and ``new_*`` families, and ``from_numpy`` (a tensor over an array's memory).

https://docs.pytorch.org/docs/stable/torch.html#creation-ops
https://docs.pytorch.org/docs/stable/generated/torch.from_numpy.html
"The returned tensor and ndarray share the same memory. Modifications to the tensor will be
reflected in the ndarray and vice versa. The returned tensor is not resizable."
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.device import CPU, DeviceLike, canonical
from .._core.errors import NotModelled
from .._core.layout import contiguous_format, memory_format
from .._core.release import dtype_error
from .._core.storage import Storage
from .._core.tensor import Tensor


def _size_args(size: tuple[Any, ...]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"expected a sequence of integers, got {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"[{', '.join(str(x) for x in size)}]")
    return tuple(int(s) for s in size)


def _finish(t: Tensor, requires_grad: bool) -> Tensor:
    if requires_grad and t._inference:
        # Note: such tensors exist in torch, but what ops do with them afterwards is not
        # documented (they fail with unrelated messages).
        raise NotModelled("requires_grad=True on a tensor created in inference mode")
    if requires_grad:
        if not (t._dtype.is_floating_point or t._dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t._requires_grad = True
    return t


def _infer(data: Any) -> tuple[tuple[int, ...], D.dtype, list[Any]]:
    """Shape, inferred dtype and flat values of nested Python sequences (torch.tensor)."""
    if isinstance(data, Tensor):
        return data._shape, data._dtype, list(data._values().reshape(-1))
    if isinstance(data, (np.ndarray, np.generic)):
        # NumPy scalars keep their dtype (np.float64 is a Python float, but not for torch).
        arr = np.asarray(data)
        return arr.shape, D.from_numpy_dtype(arr.dtype), list(arr.reshape(-1))
    if isinstance(data, (bool, int, float, complex)):
        return (), D.scalar_dtype(data), [data]
    if not isinstance(data, (list, tuple)):
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if len(data) == 0:
        return (0,), D.get_default_dtype(), []
    parts = [_infer(x) for x in data]
    inner = parts[0][0]
    for p in parts[1:]:
        if p[0] != inner:
            raise ValueError(f"expected sequence of length {inner[0] if inner else 0} at dim 1 "
                             f"(got {p[0][0] if p[0] else 0})")
    dt = parts[0][1]
    for p in parts[1:]:
        dt = _promote_inferred(dt, p[1])
    flat = [v for p in parts for v in p[2]]
    return (len(data),) + inner, dt, flat


def _promote_inferred(a: D.dtype, b: D.dtype) -> D.dtype:
    # Python scalars in one list infer the highest category, at its default dtype.
    rank = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    return a if rank[a.kind] >= rank[b.kind] else b


def tensor(data: Any, *, dtype: D.dtype | None = None, device: DeviceLike | None = None,
           requires_grad: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.tensor.html
    "torch.tensor() always copies data." Python ints infer int64, floats the default dtype,
    bools bool, complex numbers the default complex dtype."""
    if isinstance(data, Tensor):
        # Note: the recommendation itself is each release's own ("sourceTensor.clone()."
        # "detach()" up to 2.6, "sourceTensor.detach().clone()" on 2.13).
        warnings.warn("To copy construct from a tensor, it is recommended to use",
                      UserWarning, stacklevel=2)
    if isinstance(data, np.ndarray):
        # Note: torch.tensor copies, but through the bridge from_numpy uses, so it refuses the
        # same arrays (torch 2.13); arrays nested in a list are read as sequences instead.
        check_array(data)
    shape, inferred, flat = _infer(data)
    dt = dtype or inferred
    if device is None and isinstance(data, Tensor):
        # "device: ... If None and data is a tensor then the device of data is used."
        device = data.device
    if dt.kind in "iu":
        # Each Python number is converted with c10's overflow check (torch 2.13:
        # torch.tensor([300], dtype=torch.int8) raises; [-1] into uint8 wraps to 255).
        for v in flat:
            if isinstance(v, int) and not -2**63 <= v < 2**63:
                raise NotModelled("a Python int outside int64's range in torch.tensor")
            if isinstance(v, (int, float)) and not isinstance(v, bool) \
                    and not D.int_scalar_fits(v, dt):
                raise RuntimeError(f"value cannot be converted to type {dt.name} without "
                                   "overflow")
    t = Tensor._empty(shape, dt, canonical(device))
    if flat and t._storage.has_data():
        t._write(np.array(flat).reshape(shape))
    return _finish(t, requires_grad)


def _filled(size: tuple[Any, ...], value: Any, dtype: D.dtype | None, device: DeviceLike | None,
            requires_grad: bool) -> Tensor:
    shape = _size_args(size)
    t = Tensor._empty(shape, dtype or D.get_default_dtype(), canonical(device),
                      initialised=value is not None)
    if value is not None and t._storage.has_data() and value != 0:
        t._write(value)
    return _finish(t, requires_grad)


def zeros(*size: Any, dtype: D.dtype | None = None, device: DeviceLike | None = None,
          requires_grad: bool = False) -> Tensor:
    raw = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    if any(isinstance(s, int) and s < 0 for s in raw):
        # Note: each release words it its own way ("Trying to create tensor with negative
        # dimension -1: [-1]" on 2.0 and 2.6, "zeros: Dimension size must be non-negative." on
        # 2.11 and later); "negative" is all they share.
        raise RuntimeError("negative")
    return _filled(size, 0, dtype, device, requires_grad)


def ones(*size: Any, dtype: D.dtype | None = None, device: DeviceLike | None = None,
         requires_grad: bool = False) -> Tensor:
    return _filled(size, 1, dtype, device, requires_grad)


def empty(*size: Any, dtype: D.dtype | None = None, device: DeviceLike | None = None,
          requires_grad: bool = False, memory_format: memory_format | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.empty.html
    "Returns a tensor filled with uninitialized data": the model marks the bytes unwritten and
    the comparison skips them until something writes them."""
    if memory_format not in (None, contiguous_format):
        shape = _size_args(size)
        return _finish(Tensor._empty(shape, dtype or D.get_default_dtype(), canonical(device),
                                     L.format_strides(shape, (), memory_format),
                                     initialised=False), requires_grad)
    return _filled(size, None, dtype, device, requires_grad)


def full(size: Sequence[int], fill_value: Any, *, dtype: D.dtype | None = None,
         device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.full.html
    The dtype is inferred from ``fill_value`` when not given."""
    dt = dtype or D.scalar_dtype(fill_value)
    return _filled((tuple(size),), fill_value, dt, device, requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: D.dtype | None = None,
           device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.arange.html
    The interval [start, end) excludes end; all-integer arguments give int64."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        # Note: 2.0 and 2.6 say "upper bound and larger bound inconsistent with step sign".
        raise RuntimeError("bound inconsistent with step sign")
    is_float = any(isinstance(v, float) for v in (start, end, step))
    dt = dtype or (D.get_default_dtype() if is_float else D.int64)
    if dt in D.FEW_KERNELS:
        # Neither the CPU nor the CUDA kernel has an instance for them (the kernel's name,
        # "arange_cpu" or "arange_cuda", is not part of the documented message).
        if canonical(device).type not in ("cpu", "cuda"):
            raise NotModelled(f"arange of {dt} on {canonical(device).type}")
        raise dtype_error(f"not implemented for '{dt.scalar_type}'")
    n = math.ceil((end - start) / step)
    t = Tensor._empty((n,), dt, canonical(device))
    if n and t._storage.has_data():
        t._write(start + np.arange(n, dtype=np.float64 if is_float else np.int64) * step)
    return _finish(t, requires_grad)


def linspace(start: float, end: float, steps: int, *, dtype: D.dtype | None = None,
             device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    t = Tensor._empty((steps,), dtype or D.get_default_dtype(), canonical(device))
    if steps and t._storage.has_data():
        t._write(np.linspace(start, end, steps))
    return _finish(t, requires_grad)


def eye(n: int, m: int | None = None, *, dtype: D.dtype | None = None,
        device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    m = n if m is None else m
    t = Tensor._empty((n, m), dtype or D.get_default_dtype(), canonical(device))
    if t.numel() and t._storage.has_data():
        t._write(np.eye(n, m))
    return _finish(t, requires_grad)


# ---- *_like: dtype, device and (preserve_format) strides follow the input -------------------

def _like(input: Tensor, value: Any, dtype: D.dtype | None, device: DeviceLike | None,
          requires_grad: bool, memory_format_: memory_format | None) -> Tensor:
    dev = canonical(device) if device is not None else input.device
    strides = L.format_strides(input._shape, input._strides, memory_format_)
    t = Tensor._empty(input._shape, dtype or input._dtype, dev, strides,
                      initialised=value is not None)
    if value is not None and value != 0 and t._storage.has_data():
        t._write(value)
    return _finish(t, requires_grad)


def zeros_like(input: Tensor, *, dtype: D.dtype | None = None, device: DeviceLike | None = None,
               requires_grad: bool = False, memory_format: memory_format | None = None
               ) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.zeros_like.html"""
    return _like(input, 0, dtype, device, requires_grad, memory_format)


def ones_like(input: Tensor, *, dtype: D.dtype | None = None, device: DeviceLike | None = None,
              requires_grad: bool = False, memory_format: memory_format | None = None
              ) -> Tensor:
    return _like(input, 1, dtype, device, requires_grad, memory_format)


def empty_like(input: Tensor, *, dtype: D.dtype | None = None, device: DeviceLike | None = None,
               requires_grad: bool = False, memory_format: memory_format | None = None
               ) -> Tensor:
    return _like(input, None, dtype, device, requires_grad, memory_format)


def full_like(input: Tensor, fill_value: Any, *, dtype: D.dtype | None = None,
              device: DeviceLike | None = None, requires_grad: bool = False,
              memory_format: memory_format | None = None) -> Tensor:
    return _like(input, fill_value, dtype, device, requires_grad, memory_format)


# ---- new_*: dtype and device of self unless given; contiguous -------------------------------

def new_tensor(self: Tensor, data: Any, *, dtype: D.dtype | None = None,
               device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    return tensor(data, dtype=dtype or self._dtype, device=device or self.device,
                  requires_grad=requires_grad)


def new_zeros(self: Tensor, *size: Any, dtype: D.dtype | None = None,
              device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    return _filled(size, 0, dtype or self._dtype, device or self.device, requires_grad)


def new_ones(self: Tensor, *size: Any, dtype: D.dtype | None = None,
             device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    return _filled(size, 1, dtype or self._dtype, device or self.device, requires_grad)


def new_empty(self: Tensor, *size: Any, dtype: D.dtype | None = None,
              device: DeviceLike | None = None, requires_grad: bool = False) -> Tensor:
    return _filled(size, None, dtype or self._dtype, device or self.device, requires_grad)


def new_full(self: Tensor, size: Sequence[int], fill_value: Any, *,
             dtype: D.dtype | None = None, device: DeviceLike | None = None,
             requires_grad: bool = False) -> Tensor:
    return _filled((tuple(size),), fill_value, dtype or self._dtype, device or self.device,
                   requires_grad)


# ---- from_numpy: a tensor over an array's own memory -----------------------------------------

def _byte_view(arr: np.ndarray) -> tuple[np.ndarray, int]:
    """A uint8 array over the memory ``arr`` spans (from its first element), and that span's
    length: the storage torch's from_blob wraps."""
    n = arr.size
    extent = 0 if n == 0 else (sum((s - 1) * st for s, st in zip(arr.shape, arr.strides))
                               + arr.itemsize)
    if n == 0:
        return np.zeros(0, dtype=np.uint8), 0
    root = arr
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.c_contiguous and not root.flags.f_contiguous:
        raise NotModelled("from_numpy of an array whose owner is not contiguous")
    flat = root.reshape(-1, order="A").view(np.uint8)
    start = int(arr.ctypes.data) - int(root.ctypes.data)
    return flat[start:start + extent], extent


def check_array(arr: np.ndarray) -> None:
    """What torch's NumPy bridge (tensor_from_numpy) refuses, whether it then shares the memory
    (from_numpy, as_tensor) or copies it (torch.tensor): negative strides and a byte order
    other than the machine's. https://docs.pytorch.org/docs/stable/generated/torch.from_numpy.html
    """
    if any(st < 0 for st in arr.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around this "
            "by making a copy of your array  with array.copy().) ")
    if not arr.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte "
                         "order. Conversion between byte orders is currently not supported.")


def from_numpy(arr: Any) -> Tensor:
    if not isinstance(arr, np.ndarray):
        kind = type(arr)
        name = kind.__name__ if kind.__module__ == "builtins" else \
            f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"expected np.ndarray (got {name})")
    check_array(arr)
    dt = D.from_numpy_dtype(arr.dtype)
    if not arr.flags.writeable:
        # Note: torch warns once per process, which one program's model cannot know.
        raise NotModelled("from_numpy of a read-only array (its warning fires once per "
                          "process)")
    if any(st % arr.itemsize for st in arr.strides):
        raise NotModelled("from_numpy of an array whose strides are not whole elements")
    data, extent = _byte_view(arr)
    storage = Storage(extent, CPU, resizable=False, data=data)
    strides = tuple(st // arr.itemsize for st in arr.strides)
    return Tensor._new(storage, 0, arr.shape, strides, dt)

