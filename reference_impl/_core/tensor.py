"""The reference Tensor: (storage, storage_offset, size, stride, dtype) plus autograd state.

https://docs.pytorch.org/docs/stable/tensors.html
This class holds the state (declared slots) and the accessors torch documents; the operations
are bound to it in one place, ``reference_impl._methods``, and ``tensor.pyi`` declares the
whole class for the type checker (which therefore reads the stub, not this file: keep the
bodies here short).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from math import prod
from typing import Any

import numpy as np

from . import layout as L
from .device import device
from .dtypes import bcomplex32, bool_, complex64, dtype, float32, from_storage, to_storage
from .errors import NotModelled, missing_api, warn_once
from .modes import MODES, CreationMeta, is_grad_enabled
from .release import follows
from .storage import TYPED_STORAGE_WARNING, Storage, TypedStorage, UntypedStorage, VersionCounter


class Size(tuple):
    """``torch.Size``: a tuple of ints with torch's repr."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def numel(self) -> int:
        return prod(self)


class _TensorMeta(type):
    """Tensor's type: a class attribute the model lacks (``torch.Tensor.storage``) is missing
    API, as for an instance."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"type object 'Tensor' has no attribute '{name}'")
        raise missing_api(f"torch.Tensor.{name}")


class Tensor(metaclass=_TensorMeta):
    """A strided view onto a Storage. Construct through the factories, never directly."""

    __slots__ = (
        # the strided view: storage, offset, sizes, strides, dtype, conjugate and negative bits
        "_storage", "_offset", "_shape", "_strides", "_dtype", "_conj", "_neg",
        # aliasing: the version counter shared with views, the view's base and metadata
        "_vc", "_base_t", "_view", "_attr_version", "_creation", "_creation_inherited",
        "_inference",
        # autograd: the flag, the gradient, the node that made it, its AccumulateGrad
        "_requires_grad", "_grad", "_grad_fn", "_retains_grad", "_output_nr", "_accumulator",
        # its hooks (register_hook), bound to its grad_fn or read by its AccumulateGrad
        "_hooks",
        # the observer's hook: a version the documentation leaves open
        "_version_unspecified",
        "__weakref__")

    # Tensors beat NumPy arrays in mixed binary operators, as torch.Tensor does.
    __array_priority__ = 1000

    def __new__(cls, *args: Any, **kwargs: Any) -> Tensor:
        """``torch.Tensor(2, 3)``, the legacy constructor: not modelled (the factories are)."""
        raise missing_api("torch.Tensor(...), the legacy constructor,")

    def __getattr__(self, name: str) -> Any:
        """Only called for a name the class lacks: a method or attribute torch's Tensor may
        have and the model does not. A dunder (Python's protocols probe them) or a slot not
        yet set is Python's own AttributeError."""
        if name.startswith("__") or name in Tensor.__slots__:
            raise AttributeError(f"'Tensor' object has no attribute '{name}'")
        raise missing_api(f"torch.Tensor.{name}")

    @classmethod
    def _new(cls, storage: Storage, offset: int, shape: Sequence[int], strides: Sequence[int],
             dt: dtype, *, vc: VersionCounter | None = None, base: Tensor | None = None,
             is_view: bool = False) -> Tensor:
        t = object.__new__(cls)
        t._storage = storage
        t._offset = offset
        t._shape = tuple(shape)
        t._strides = tuple(strides)
        t._dtype = dt
        t._conj = False
        t._neg = False
        t._vc = vc if vc is not None else VersionCounter()
        t._base_t = base
        t._view = is_view
        t._attr_version = 0
        t._creation = CreationMeta.DEFAULT
        t._creation_inherited = False
        t._inference = bool(MODES.inference)
        t._requires_grad = False
        t._grad = None
        t._grad_fn = None
        t._retains_grad = False
        t._output_nr = 0
        t._accumulator = None
        t._hooks = None
        t._version_unspecified = False
        return t

    @classmethod
    def _empty(cls, shape: Sequence[int], dt: dtype, dev: device,
               strides: Sequence[int] | None = None, *, initialised: bool = True) -> Tensor:
        shape = tuple(shape)
        if dt is bcomplex32 and dev.type != "meta":
            raise NotModelled("a bcomplex32 tensor with data (torch 2.14's experimental "
                              "dtype: which of its kernels exist is not modelled)")
        st = L.contiguous_strides(shape) if strides is None else tuple(strides)
        nbytes = L.storage_extent(shape, st, 0) * dt.itemsize
        return cls._new(Storage(nbytes, dev, initialised=initialised), 0, shape, st, dt)

    # ---- metadata ------------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._shape)

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size(self._shape)
        return self._shape[L.wrap_dim(dim, self.dim())]

    def stride(self, dim: int | None = None) -> Any:
        if dim is None:
            return self._strides
        return self._strides[L.wrap_dim(dim, self.dim())]

    def storage_offset(self) -> int:
        return self._offset

    @property
    def dtype(self) -> dtype:
        return self._dtype

    @property
    def device(self) -> device:
        return self._storage.device

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_meta(self) -> bool:
        return self.device.type == "meta"

    def dim(self) -> int:
        return len(self._shape)

    ndim = property(dim)

    def ndimension(self) -> int:
        return self.dim()

    def numel(self) -> int:
        return prod(self._shape)

    nelement = numel

    def element_size(self) -> int:
        return self._dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self._dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self._dtype.itemsize

    def is_floating_point(self) -> bool:
        return self._dtype.is_floating_point

    def is_complex(self) -> bool:
        return self._dtype.is_complex

    def is_contiguous(self, memory_format: Any = None) -> bool:
        if memory_format is None or memory_format is L.contiguous_format:
            return L.is_contiguous(self._shape, self._strides)
        if memory_format is L.channels_last:
            return L.is_channels_last_contiguous(self._shape, self._strides)
        raise NotModelled(f"is_contiguous(memory_format={memory_format!r})")

    def untyped_storage(self) -> UntypedStorage:
        return UntypedStorage(self._storage)

    def storage(self) -> TypedStorage:
        """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.storage.html
        "Returns the underlying TypedStorage. Warning: TypedStorage is deprecated." """
        warnings.warn(TYPED_STORAGE_WARNING, UserWarning, stacklevel=2)
        return TypedStorage(self._storage, self._dtype)

    def data_ptr(self) -> int:
        """The address of the first element: the storage's plus the offset in bytes, also on
        meta, whose storages report 0 (``x[2:].data_ptr()`` is 8 for float32 there); 0 for a
        tensor without elements (seen on torch 2.13, CPU and meta)."""
        if self.numel() == 0:
            return 0
        return self._storage.data_ptr() + self._offset * self._dtype.itemsize

    @property
    def _version(self) -> int:
        if self._inference:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._vc.value

    def is_inference(self) -> bool:
        return self._inference

    @property
    def _base(self) -> Tensor | None:
        return self._base_t

    def _is_view(self) -> bool:
        return self._view

    # ---- data access (the NumPy arithmetic engine, over this tensor's strides) -----------
    def _raw(self) -> np.ndarray:
        """A NumPy view of this tensor's elements in storage form; writes go to storage."""
        st = self._storage
        if not st.has_data():
            raise NotModelled(f"data of a tensor on {self.device} (meta tensors have none)")
        npdt = np.dtype(self._dtype.storage_np)
        if self.numel() == 0:
            return np.empty(self._shape, dtype=npdt)
        isz = self._dtype.itemsize
        return np.ndarray(self._shape, dtype=npdt, buffer=st.data, offset=self._offset * isz,
                          strides=tuple(s * isz for s in self._strides))

    def _values(self) -> np.ndarray:
        """A fresh NumPy array of this tensor's values (bfloat16 widened to float32; a tensor
        with the conjugate bit reads its storage conjugated, one with the negative bit
        negated)."""
        values = np.array(from_storage(self._raw(), self._dtype), copy=True)
        if self._neg:
            values = -values
        return np.conj(values) if self._conj else values

    def _write(self, values: Any) -> None:
        """Store ``values`` (broadcast to this tensor's shape) through this tensor's strides."""
        if self.numel() == 0:
            return
        raw = self._raw()
        values = np.conj(values) if self._conj else values
        values = -np.asarray(values) if self._neg else values
        raw[...] = to_storage(np.broadcast_to(np.asarray(values), self._shape), self._dtype)
        self._written_bytes()[...] = True

    def _written_bytes(self) -> np.ndarray:
        """A view of the storage's written-byte mask: this tensor's shape plus a byte axis."""
        mask = self._storage.written
        assert mask is not None
        return self._byte_view(mask)

    def _byte_view(self, mask: np.ndarray) -> np.ndarray:
        """A view of a per-byte mask of the storage: this tensor's shape plus a byte axis."""
        isz = self._dtype.itemsize
        return np.ndarray(self._shape + (isz,), dtype=np.bool_, buffer=mask,
                          offset=self._offset * isz,
                          strides=tuple(s * isz for s in self._strides) + (1,))

    def _unspecified_mask(self) -> np.ndarray:
        """True where an element holds uninitialised memory (values torch leaves unspecified:
        ``torch.empty``, bytes a resize added and nothing wrote, and anything computed from
        them)."""
        written = self._storage.written
        if self.numel() == 0 or written is None or written.all():
            return np.zeros(self._shape, dtype=np.bool_)
        return np.asarray(~self._written_bytes().all(axis=-1))

    def _unspecified(self) -> list[int]:
        """Row-major positions of the unspecified elements (the observer's hook)."""
        written = self._storage.written
        if written is None or written.all():
            return []
        return [int(i) for i in np.flatnonzero(self._unspecified_mask().reshape(-1))]

    def _draw(self) -> None:
        """Every element now holds a random sampler's draw: unspecified, and marked drawn."""
        if not self.numel() or self._storage.written is None:
            return
        self._written_bytes()[...] = False
        if self._storage.drawn is None:
            self._storage.drawn = np.zeros(self._storage.nbytes(), dtype=np.bool_)
        self._byte_view(self._storage.drawn)[...] = True

    def _drawn_mask(self) -> np.ndarray:
        """True where an element holds a sampler's draw (see Storage.drawn)."""
        drawn = self._storage.drawn
        if drawn is None or not self.numel():
            return np.zeros(self._shape, dtype=np.bool_)
        return np.asarray(self._byte_view(drawn).all(axis=-1))

    def _taint(self, mask: np.ndarray) -> None:
        """Mark the elements where ``mask`` is True as unspecified again."""
        if self.numel() and self._storage.written is not None and mask.any():
            self._written_bytes()[np.broadcast_to(mask, self._shape)] = False

    # ---- Python conversions ----------------------------------------------------------------
    def tolist(self) -> Any:
        if self.dim() == 0:
            return self.item()
        return _to_python(self._values(), self._dtype).tolist()

    def item(self) -> Any:
        """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.item.html
        "Returns the value of this tensor as a standard Python number. This only works for
        tensors with one element." """
        n = self.numel()
        if n != 1:
            raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
        if self.device.type == "meta":
            if not follows("meta-item-refusal"):
                raise NotImplementedError("Could not run 'aten::_local_scalar_dense' with "
                                          "arguments from the 'Meta' backend.")
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        v = _to_python(self._values().reshape(()), self._dtype)
        return v.item()

    def _scalar_conversion(self, kind: type) -> Any:
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return kind(self.item())

    def _warn_requires_grad(self) -> None:
        # Note: float() and complex() (python_variable_methods.cpp, not int() or item()) warn
        # once per process, before the element count is checked.
        if self.requires_grad and is_grad_enabled():
            warn_once("Converting a tensor with requires_grad=True to a scalar may lead to "
                      "unexpected behavior.\nConsider using tensor.detach() first.", stacklevel=4)

    def __float__(self) -> float:
        self._warn_requires_grad()
        return float(self._scalar_conversion(float))

    def __int__(self) -> int:
        return int(self._scalar_conversion(float if self._dtype.is_floating_point else int))

    def __complex__(self) -> complex:
        self._warn_requires_grad()
        return complex(self._scalar_conversion(complex))

    def __index__(self) -> int:
        if self._dtype.kind not in "iub" or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __bool__(self) -> bool:
        n = self.numel()
        if n != 1:
            if n == 0:
                raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __len__(self) -> int:
        if self.dim() == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._shape[0]

    def __iter__(self) -> Any:
        if self.dim() == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        if self._storage.has_data():
            body = repr(self.tolist())
        else:
            body = "..."
        extra = "" if self._dtype in (float32, bool_, complex64) or self._dtype.name == "int64" \
            else f", dtype={self._dtype}"
        if self.device.type != "cpu":
            extra = f", device='{self.device}'" + extra
        if self.grad_fn is not None:
            extra += f", grad_fn=<{type(self.grad_fn).__name__}>"
        elif self._requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"


def _to_python(values: np.ndarray, dt: dtype) -> np.ndarray:
    if dt.kind in "iu":
        return values.astype(np.uint64 if dt.name == "uint64" else np.int64)
    if dt.kind == "f":
        return values.astype(np.float64)
    return values
