"""The NumPy bridge: ``Tensor.numpy()``, ``torch.from_numpy``, ``torch.as_tensor`` and
``torch.tensor`` of arrays.

https://docs.pytorch.org/docs/stable/generated/torch.Tensor.numpy.html
"Returns the tensor as a NumPy ndarray. If force is False (the default), the conversion is
performed only if the tensor is on the CPU, does not require grad, does not have its
conjugate bit set, and is a dtype and layout that NumPy supports. The returned ndarray and the
tensor will share their storage, so changes to the tensor will be reflected in the ndarray and
vice versa."
https://docs.pytorch.org/docs/stable/generated/torch.from_numpy.html
"The returned tensor and ndarray share the same memory. Modifications to the tensor will be
reflected in the ndarray and vice versa. The returned tensor is not resizable."
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _dtypes as D
from ._device import CPU, DeviceLike, canonical
from ._errors import NotModelled
from ._storage import Storage
from ._tensor import Tensor

# NumPy dtype -> torch dtype, every one torch maps; bfloat16 has no NumPy counterpart.
FROM_NUMPY = {np.dtype(np.bool_): D.bool_, np.dtype(np.uint8): D.uint8,
              np.dtype(np.uint16): D.uint16, np.dtype(np.uint32): D.uint32,
              np.dtype(np.uint64): D.uint64,
              np.dtype(np.int8): D.int8, np.dtype(np.int16): D.int16,
              np.dtype(np.int32): D.int32, np.dtype(np.int64): D.int64,
              np.dtype(np.float16): D.float16, np.dtype(np.float32): D.float32,
              np.dtype(np.float64): D.float64, np.dtype(np.complex64): D.complex64,
              np.dtype(np.complex128): D.complex128}
SUPPORTED = ("float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
             "uint64, uint32, uint16, uint8, and bool")


def torch_dtype_of(dt: np.dtype) -> D.dtype:
    if dt in FROM_NUMPY:
        return FROM_NUMPY[dt]
    raise TypeError(f"can't convert np.ndarray of type numpy.{dt.type.__name__}. The only "
                    f"supported types are: {SUPPORTED}.")


def numpy(self: Tensor, *, force: bool = False) -> np.ndarray:
    """``Tensor.numpy()``: an ndarray over the tensor's own memory."""
    t = self
    if force:
        # "equivalent to calling t.detach().cpu().resolve_conj().resolve_neg().numpy()"
        t = self.detach()
        if t.device.type != "cpu":
            from ._derivatives import to
            t = to(t, "cpu")
        t = resolve_conj(t)
    # Note: torch's tensor_to_numpy checks the device first, and the graph only while grad
    # mode is on (under no_grad a tensor that requires grad converts).
    if t.device.type != "cpu":
        raise TypeError(f"can't convert {t.device} device type tensor to numpy. Use "
                        "Tensor.cpu() to copy the tensor to host memory first.")
    from ._autograd import is_grad_enabled
    if t.requires_grad and is_grad_enabled():
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                           "tensor.detach().numpy() instead.")
    if t._conj:
        raise RuntimeError("Can't call numpy() on Tensor that has conjugate bit set. Use "
                           "tensor.resolve_conj().numpy() instead.")
    if t._dtype is D.bfloat16:
        raise TypeError("Got unsupported ScalarType BFloat16")
    return t._raw()


def conj(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.conj.html
    "Returns a view of input with a flipped conjugate bit. If input has a non-complex dtype,
    this function just returns input." Reads through the view see conjugated values, writes
    store conjugated values; copies (clone, to another dtype) resolve the bit."""
    if not self._dtype.is_complex:
        return self
    from ._autograd import is_grad_enabled
    if self.requires_grad and is_grad_enabled():
        raise NotModelled("conj() of a tensor that requires grad (ConjBackward0)")
    from ._tensor import view_of
    t = view_of(self, self._shape, self._strides, self._offset)
    t._conj = not self._conj
    return t


def is_conj(self: Tensor) -> bool:
    return bool(self._conj)


def resolve_conj(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.resolve_conj.html
    "Returns a new tensor with materialized conjugation if input's conjugate bit is set to
    True, else returns input." The copy keeps the layout (preserve_format)."""
    if not self._conj:
        return self
    from ._ops import clone
    return clone(self)


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


def from_numpy(arr: Any) -> Tensor:
    if not isinstance(arr, np.ndarray):
        kind = type(arr)
        name = kind.__name__ if kind.__module__ == "builtins" else \
            f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"expected np.ndarray (got {name})")
    if any(st < 0 for st in arr.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around this "
            "by making a copy of your array  with array.copy().) ")
    if not arr.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte "
                         "order. Conversion between byte orders is currently not supported.")
    dt = torch_dtype_of(arr.dtype)
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


def as_tensor(data: Any, dtype: D.dtype | None = None, device: DeviceLike | None = None
              ) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.as_tensor.html
    "If data is a NumPy array (or similar) with the same dtype and device then a tensor is
    constructed using torch.from_numpy()." A tensor of the same dtype and device is returned
    as is; anything else is copied (as torch.tensor would)."""
    from ._creation import tensor
    from ._derivatives import to
    dev = canonical(device) if device is not None else None
    if isinstance(data, Tensor):
        return to(data, *(a for a in (dev, dtype) if a is not None))
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        if (dtype is None or dtype is t._dtype) and (dev is None or dev == t.device):
            return t
        return to(t, *(a for a in (dev, dtype) if a is not None))
    return tensor(data, dtype=dtype, device=device)


Tensor.numpy = numpy  # type: ignore[attr-defined]
Tensor.conj = conj  # type: ignore[attr-defined]
Tensor.is_conj = is_conj  # type: ignore[attr-defined]
Tensor.resolve_conj = resolve_conj  # type: ignore[attr-defined]


def asarray(obj: Any, *, dtype: D.dtype | None = None, device: DeviceLike | None = None,
            copy: bool | None = None, requires_grad: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.asarray.html
    "If obj is a tensor, NumPy array, or DLPack capsule [...] the returned tensor will, by
    default, not require a gradient, have the same datatype as obj, be on the same device,
    and share memory with it." copy=True always copies; copy=False refuses whatever would
    need a copy (another dtype or device, a Python sequence, a NumPy scalar)."""
    from ._creation import tensor
    from ._derivatives import to
    dev = canonical(device) if device is not None else None
    if isinstance(obj, Tensor):
        if obj.requires_grad and not requires_grad:
            # Note: torch warns once per process that requires_grad now follows obj's.
            raise NotModelled("asarray of a tensor that requires grad (warns once per process)")
        src: Tensor = obj
    elif isinstance(obj, np.ndarray):
        src = from_numpy(obj)
    elif isinstance(obj, np.generic):
        if copy is False:
            raise RuntimeError("can't alias NumPy scalars. Either remove copy=False or "
                               "transform it in a ndarray. ")
        return tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)
    else:
        if copy is False:
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        return tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)
    if copy is False:
        if dtype is not None and dtype is not src._dtype:
            raise ValueError(f"can't alias tensor with dtype '{_legacy(src._dtype)}' into "
                             f"dtype '{_legacy(dtype)}'.")
        if dev is not None and dev != src.device:
            raise ValueError(f"can't alias tensor from device '{src.device}' to '{dev}'.")
    result = to(src, *(a for a in (dev, dtype) if a is not None), copy=bool(copy))
    if requires_grad:
        result.requires_grad_(True)
    return result


def _legacy(dt: D.dtype) -> str:
    from ._ops import LEGACY_NAMES
    return LEGACY_NAMES[dt.name]
