"""Storage and version counters: the explicit state that decides aliasing.

https://docs.pytorch.org/docs/stable/tensor_view.html : "View tensor shares the same underlying
data with its base tensor." Two tensors alias exactly when they hold the same ``Storage``
object; NumPy's own view rules never decide it.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np

from .device import device
from .errors import ONCE_PER_PROCESS
from .release import cuda_unavailable

_ptrs = itertools.count(1)


class Storage:
    """A flat, untyped byte buffer on a device (``torch.UntypedStorage``)."""

    __slots__ = ("_data", "_nbytes", "device", "resizable", "_ptr", "written", "drawn",
                 "pinned", "_address")

    def __init__(self, nbytes: int, dev: device, *, resizable: bool = True,
                 data: np.ndarray | None = None, initialised: bool = True) -> None:
        if dev.type == "cuda":
            # CUDA is initialised on its first allocation, which fails on a build or host
            # without it (the build decides the error).
            refused = cuda_unavailable()
            if refused is not None:
                raise refused
        self._nbytes = nbytes
        self.device = dev
        self.resizable = resizable
        if dev.type == "meta":
            self._data = None
        elif data is not None:
            self._data = data
        else:
            self._data = np.zeros(nbytes, dtype=np.uint8)
        # Which bytes hold a value the docs specify: torch.empty and the bytes a resize adds
        # are uninitialised memory, whose contents the suite must not compare.
        self.written = None if self._data is None else np.full(nbytes, initialised)
        # Which bytes a random sampler wrote last (None until one does): values as
        # unspecified as uninitialised memory, but drawn, so the judge may give the model
        # torch's draw (conformance/judge/check.py sync_values).
        self.drawn: np.ndarray | None = None
        self._address = _address(self._data)
        self._ptr = next(_ptrs) << 12
        self.pinned = False  # page-locked host memory (Tensor.pin_memory)

    @property
    def data(self) -> np.ndarray:
        if self._data is None:
            raise NotImplementedError(
                "Cannot access data pointer of Tensor that doesn't have storage")
        return self._data

    def has_data(self) -> bool:
        return self._data is not None

    def nbytes(self) -> int:
        return self._nbytes

    def data_ptr(self) -> int:
        """The buffer's real address (NumPy arrays made by ``numpy()`` point into it)."""
        # Note: torch reports 0 for a storage with no bytes (and for meta storages).
        if self._nbytes == 0 or self._data is None:
            return 0
        return self._address

    def resize_(self, nbytes: int) -> None:
        """Grow (or shrink) in place: the Storage object, and so every alias, is kept; torch
        reallocates, so the data pointer changes."""
        if not self.resizable:
            raise RuntimeError("Trying to resize storage that is not resizable")
        if self._data is not None and self.written is not None:
            new = np.zeros(nbytes, dtype=np.uint8)
            written = np.zeros(nbytes, dtype=np.bool_)
            keep = min(nbytes, self._nbytes)
            new[:keep] = self._data[:keep]
            written[:keep] = self.written[:keep]
            if self.drawn is not None:
                drawn = np.zeros(nbytes, dtype=np.bool_)
                drawn[:keep] = self.drawn[:keep]
                self.drawn = drawn
            self._data, self.written = new, written
            self._address = _address(new)
        self._nbytes = nbytes
        self._ptr = next(_ptrs) << 12


def _address(data: np.ndarray | None) -> int:
    return 0 if data is None else int(data.__array_interface__["data"][0])


class UntypedStorage:
    """What ``Tensor.untyped_storage()`` returns: a handle on the tensor's Storage."""

    __slots__ = ("_storage",)

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def data_ptr(self) -> int:
        return self._storage.data_ptr()

    def nbytes(self) -> int:
        return self._storage.nbytes()

    def size(self) -> int:
        return self._storage.nbytes()

    @property
    def device(self) -> device:
        return self._storage.device


# https://docs.pytorch.org/docs/stable/storage.html : "The torch.TypedStorage ... is
# deprecated": every use warns, once per process (torch/storage.py keeps a has_warned flag).
TYPED_STORAGE_WARNING = (ONCE_PER_PROCESS + "TypedStorage is deprecated. It will be removed in "
                         "the future and UntypedStorage will be the only storage class.")


class TypedStorage:
    """What the deprecated ``Tensor.storage()`` returns: the tensor's whole storage seen as
    elements of its dtype (the storage offset is not applied)."""

    __slots__ = ("_storage", "dtype")

    def __init__(self, storage: Storage, dt: Any) -> None:
        self._storage = storage
        self.dtype = dt

    def data_ptr(self) -> int:
        warnings.warn(TYPED_STORAGE_WARNING, UserWarning, stacklevel=2)
        return self._storage.data_ptr()

    def size(self) -> int:
        warnings.warn(TYPED_STORAGE_WARNING, UserWarning, stacklevel=2)
        return self._storage.nbytes() // self.dtype.itemsize

    def __len__(self) -> int:
        return self.size()

    def element_size(self) -> int:
        warnings.warn(TYPED_STORAGE_WARNING, UserWarning, stacklevel=2)
        return int(self.dtype.itemsize)

    def nbytes(self) -> int:
        warnings.warn(TYPED_STORAGE_WARNING, UserWarning, stacklevel=2)
        return self._storage.nbytes()

    def untyped(self) -> UntypedStorage:
        warnings.warn(TYPED_STORAGE_WARNING, UserWarning, stacklevel=2)
        return UntypedStorage(self._storage)

    @property
    def device(self) -> device:
        return self._storage.device


class VersionCounter:
    """The counter a base shares with its views (and with ``detach()``, not ``.data``).

    https://docs.pytorch.org/docs/stable/notes/autograd.html#in-place-correctness-checks
    """

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def bump(self) -> None:
        self.value += 1
