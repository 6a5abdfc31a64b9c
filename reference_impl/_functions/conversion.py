"""Conversions: ``to()`` (and ``cpu``, ``cuda``, ``float``...), ``pin_memory``, and the NumPy
bridge: ``Tensor.numpy()``, ``torch.from_numpy``, ``torch.as_tensor``, ``torch.asarray``, the
conjugate bit.

https://docs.pytorch.org/docs/stable/generated/torch.Tensor.numpy.html
"Returns the tensor as a NumPy ndarray. If force is False (the default), the conversion is
performed only if the tensor is on the CPU, does not require grad, does not have its
conjugate bit set, and is a dtype and layout that NumPy supports. The returned ndarray and the
tensor will share their storage, so changes to the tensor will be reflected in the ndarray and
vice versa."
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._autograd.record import needs_graph, record
from .._autograd.variable import detach
from .._core import dtypes as D
from .._core import layout as L
from .._core.aliasing import view_of
from .._core.device import DeviceLike, canonical
from .._core.errors import NotModelled
from .._core.modes import is_grad_enabled, suspended
from .._core.release import HOST, pinning_unavailable
from .._core.storage import Storage, VersionCounter
from .._core.tensor import Tensor
from .._kernels.copy import to_copy
from .._kernels.creation import from_numpy, tensor
from .ops import clone, copy_

__all__ = ["to", "cpu", "cuda", "pin_memory", "is_pinned", "numpy", "conj", "is_conj",
           "resolve_conj", "from_numpy", "as_tensor", "asarray"]


def _to_args(args: tuple[Any, ...], kwargs: dict[str, Any]
             ) -> tuple[D.dtype | None, Any, bool]:
    """(dtype, device, copy) from to()'s overloads: to(dtype), to(device, dtype), to(tensor),
    and keywords."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    if kwargs.pop("memory_format", None) is not None:
        raise NotModelled("to(memory_format=...)")
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a._dtype, a.device
        elif isinstance(a, bool):
            copy = a
        else:
            device = a
    return dtype, device, copy


def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.to.html
    "If the self Tensor already has the correct torch.dtype and torch.device, then self is
    returned. Otherwise, the returned tensor is a copy of self with the desired torch.dtype and
    torch.device." (``copy=True`` always copies.) The copy keeps self's layout
    (preserve_format); a copy out of a meta tensor has no data to copy."""
    dtype, device, copy = _to_args(args, dict(kwargs))
    with suspended():
        res = to_copy(self, dtype, device, copy)
    if res is self:
        return res
    if needs_graph(self) and (res._dtype.is_floating_point or res._dtype.is_complex):
        src_dt, src_dev = self._dtype, self.device
        return record(res, "ToCopyBackward0", [self], [],
                      lambda g: [to(g[0], src_dev, src_dt)])
    return res


def cpu(self: Tensor) -> Tensor:
    return to(self, "cpu")


def cuda(self: Tensor, device: Any = None, non_blocking: bool = False) -> Tensor:
    return to(self, "cuda" if device is None else device)


def pin_memory(self: Tensor, device: Any = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.pin_memory.html
    "Copies the tensor to pinned memory, if it's not already pinned." Only dense CPU tensors
    can be pinned, and page-locked memory needs an accelerator on the host."""
    if self.device.type == "meta":
        raise RuntimeError(f"cannot pin 'Meta{self._dtype.scalar_type}Type' only dense "
                           "CPU tensors can be pinned")
    if self.device.type == "cuda":
        raise RuntimeError(f"cannot pin '{D.tensor_type_name(self._dtype, 'cuda')}' only dense "
                           "CPU tensors can be pinned")
    if self.device.type != "cpu":
        raise NotModelled(f"pin_memory of a {self.device.type} tensor")
    if HOST.accelerator is None:
        raise NotModelled("pin_memory on a host the harness did not describe")
    refused = pinning_unavailable()
    if refused is not None:
        raise refused
    if self._storage.pinned:
        return self
    # ATen's _pin_memory: a storage of computeStorageNbytes(sizes, strides) bytes from the
    # pinned allocator (not resizable), set_ with self's sizes and strides, then copy_.
    nbytes = L.storage_extent(self._shape, self._strides, 0) * self._dtype.itemsize
    storage = Storage(nbytes, self.device, resizable=False)
    storage.pinned = True
    res = Tensor._new(storage, 0, self._shape, self._strides, self._dtype)
    with suspended():
        copy_(res, self)
    res._vc = VersionCounter()
    if needs_graph(self):
        return record(res, "PinMemoryBackward0", [self], [], lambda g: [g[0]])
    return res


def is_pinned(self: Tensor) -> bool:
    return bool(self.device.type == "cpu" and self._storage.pinned)


# ---- the NumPy bridge -------------------------------------------------------------------------

def numpy(self: Tensor, *, force: bool = False) -> np.ndarray:
    """``Tensor.numpy()``: an ndarray over the tensor's own memory."""
    t = self
    if force:
        # "equivalent to calling t.detach().cpu().resolve_conj().resolve_neg().numpy()"
        t = detach(self)
        if t.device.type != "cpu":
            t = to(t, "cpu")
        t = resolve_neg(resolve_conj(t))
    # Note: torch's tensor_to_numpy checks the device first, and the graph only while grad
    # mode is on (under no_grad a tensor that requires grad converts).
    if t.device.type != "cpu":
        raise TypeError(f"can't convert {t.device} device type tensor to numpy. Use "
                        "Tensor.cpu() to copy the tensor to host memory first.")
    if t.requires_grad and is_grad_enabled():
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                           "tensor.detach().numpy() instead.")
    if t._conj:
        raise RuntimeError("Can't call numpy() on Tensor that has conjugate bit set. Use "
                           "tensor.resolve_conj().numpy() instead.")
    if t._neg:
        raise RuntimeError("Can't call numpy() on Tensor that has negative bit set. Use "
                           "tensor.resolve_neg().numpy() instead.")
    if t._dtype is D.bfloat16 or t._dtype in D.FLOAT8:
        # NumPy has no such type; force=True does not help (seen on torch 2.13).
        raise TypeError(f"Got unsupported ScalarType {t._dtype.scalar_type}")
    return t._raw()


def conj(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.conj.html
    "Returns a view of input with a flipped conjugate bit. If input has a non-complex dtype,
    this function just returns input." Reads through the view see conjugated values, writes
    store conjugated values; copies (clone, to another dtype) resolve the bit."""
    if not self._dtype.is_complex:
        return self
    if self.requires_grad and is_grad_enabled():
        raise NotModelled("conj() of a tensor that requires grad (ConjBackward0)")
    t = view_of(self, self._shape, self._strides, self._offset)
    t._conj = not self._conj
    return t


def is_conj(self: Tensor) -> bool:
    return bool(self._conj)


def is_neg(self: Tensor) -> bool:
    """https://docs.pytorch.org/docs/stable/generated/torch.is_neg.html
    "Returns True if the input is a negative tensor i.e. its negative bit is set to True."
    The imaginary part of a conjugate view (``x.conj().imag``) has it, and its views keep it."""
    return bool(self._neg)


def resolve_neg(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.resolve_neg.html
    "Returns a new tensor with materialized negation if input's negative bit is set to True,
    else returns input." The copy keeps the layout (preserve_format)."""
    if not self._neg:
        return self
    return clone(self)


def resolve_conj(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.resolve_conj.html
    "Returns a new tensor with materialized conjugation if input's conjugate bit is set to
    True, else returns input." The copy keeps the layout (preserve_format)."""
    if not self._conj:
        return self
    return clone(self)


def as_tensor(data: Any, dtype: D.dtype | None = None, device: DeviceLike | None = None
              ) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.as_tensor.html
    "If data is a NumPy array (or similar) with the same dtype and device then a tensor is
    constructed using torch.from_numpy()." A tensor of the same dtype and device is returned
    as is; anything else is copied (as torch.tensor would)."""
    dev = canonical(device) if device is not None else None
    if isinstance(data, Tensor):
        return to(data, *(a for a in (dev, dtype) if a is not None))
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        if (dtype is None or dtype is t._dtype) and (dev is None or dev == t.device):
            return t
        return to(t, *(a for a in (dev, dtype) if a is not None))
    return tensor(data, dtype=dtype, device=device)


def asarray(obj: Any, *, dtype: D.dtype | None = None, device: DeviceLike | None = None,
            copy: bool | None = None, requires_grad: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.asarray.html
    "If obj is a tensor, NumPy array, or DLPack capsule [...] the returned tensor will, by
    default, not require a gradient, have the same datatype as obj, be on the same device,
    and share memory with it." copy=True always copies; copy=False refuses whatever would
    need a copy (another dtype or device, a Python sequence, a NumPy scalar)."""
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
            raise ValueError(f"can't alias tensor with dtype '{src._dtype.scalar_type}' into "
                             f"dtype '{dtype.scalar_type}'.")
        if dev is not None and dev != src.device:
            raise ValueError(f"can't alias tensor from device '{src.device}' to '{dev}'.")
    result = to(src, *(a for a in (dev, dtype) if a is not None), copy=bool(copy))
    if requires_grad:
        result.requires_grad_(True)
    return result


def _has_complex(data: Any) -> bool:
    if isinstance(data, (list, tuple)):
        return any(_has_complex(x) for x in data)
    return isinstance(data, complex)


def legacy_new(cls: type, *args: Any, device: DeviceLike | None = None,
               _typed: D.dtype | None = None, **kwargs: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/tensors.html#torch.Tensor
    "To create a tensor with specific size, use torch.* tensor creation ops": the legacy
    constructor torch.Tensor(*sizes) allocates an uninitialised tensor of the default dtype,
    torch.Tensor(sequence) converts the data to the default dtype, torch.Tensor(tensor) is an
    alias of the tensor (its dtype kept), and torch.Tensor() is empty; only CPU tensors.
    A legacy type (``torch.CharTensor(2, 3)``, ``_typed``) does the same in its own dtype, and
    aliases only a CPU tensor of that dtype (TypeError otherwise)."""
    if kwargs:
        raise NotModelled(f"the legacy constructor with {', '.join(kwargs)}=")
    if device is not None and canonical(device).type != "cpu":
        raise RuntimeError("legacy constructor expects device type: cpu but device type: "
                           f"{canonical(device).type} was passed")
    if any(isinstance(a, (bool, np.ndarray, np.generic)) for a in args):
        raise NotModelled("torch.Tensor(...) of bools or NumPy values")
    dt = D.get_default_dtype() if _typed is None else _typed
    if not args:
        return Tensor._empty((0,), dt, canonical("cpu"))
    if len(args) == 1 and isinstance(args[0], Tensor):
        src = args[0]
        if _typed is not None and (src._dtype is not _typed or src.device.type != "cpu"):
            # Note: the message goes on to print both TensorOptions in full, each release in
            # its own format; the key phrase names the options expected.
            raise TypeError(f"expected TensorOptions(dtype={_typed.c_name}, device=cpu")
        if src.requires_grad:
            raise NotModelled("torch.Tensor(t) of a tensor that requires grad")
        return view_of(src, src._shape, src._strides, src._offset)
    if len(args) == 1 and type(args[0]).__name__ == "Size":
        args = tuple(args[0])
    if all(isinstance(a, int) for a in args):
        if any(a < 0 for a in args):
            raise RuntimeError(f"Trying to create tensor with negative dimension "
                               f"{min(args)}: [{', '.join(str(a) for a in args)}]")
        return Tensor._empty(args, dt, canonical("cpu"), initialised=False)
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        if _has_complex(args[0]):
            raise TypeError("must be real number, not complex")
        return tensor(args[0], dtype=dt)
    if len(args) == 1:
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
    raise NotModelled("torch.Tensor(...) with these arguments")
