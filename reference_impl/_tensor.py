"""The reference Tensor: (storage, storage_offset, size, stride, dtype) plus autograd state.

https://docs.pytorch.org/docs/stable/tensors.html
Operations are attached to the class by the modules that define them (``_views``, ``_ops``,
``_indexing``), so this file holds only state and the accessors torch documents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import prod
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _layout as L
from ._device import device
from ._dtypes import bool_, complex64, dtype, float32, from_storage, to_storage
from ._errors import NotModelled
from ._storage import Storage, UntypedStorage, VersionCounter


class Size(tuple):
    """``torch.Size``: a tuple of ints with torch's repr."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def numel(self) -> int:
        return prod(self)


class Tensor:
    """A strided view onto a Storage. Construct through the factories, never directly."""

    __slots__ = ("_storage", "_offset", "_shape", "_strides", "_dtype", "_vc", "_base_t",
                 "_view", "_requires_grad", "_grad", "_grad_fn", "_retains_grad",
                 "_output_nr", "_attr_version", "_creation", "_inference", "_conj",
                 "__weakref__", "__dict__")

    # Slot attributes (the state torch documents), typed for the checker.
    _storage: Storage
    _offset: int
    _shape: tuple[int, ...]
    _strides: tuple[int, ...]
    _conj: bool  # the conjugate bit (conj() views of complex tensors)
    _dtype: dtype
    _vc: VersionCounter
    _base_t: Tensor | None
    _view: bool
    _requires_grad: bool
    _grad: Tensor | None
    _grad_fn: Any
    _retains_grad: bool
    _output_nr: int
    _attr_version: int
    _creation: str
    _inference: bool

    if TYPE_CHECKING:
        # Attached at import by _views, _ops (via _methods), _indexing, _creation and below.
        T: Tensor
        mT: Tensor  # noqa: N815 - torch's name
        requires_grad: bool
        is_leaf: bool
        grad: Tensor | None
        grad_fn: Any
        data: Tensor
        retains_grad: bool
        detach: Callable[..., Any]
        detach_: Callable[..., Any]
        retain_grad: Callable[..., Any]
        backward: Callable[..., Any]
        to: Callable[..., Any]
        sigmoid: Callable[..., Any]
        softmax: Callable[..., Any]
        log_softmax: Callable[..., Any]
        view: Callable[..., Any]
        view_as: Callable[..., Any]
        reshape: Callable[..., Any]
        reshape_as: Callable[..., Any]
        flatten: Callable[..., Any]
        squeeze: Callable[..., Any]
        unsqueeze: Callable[..., Any]
        transpose: Callable[..., Any]
        swapaxes: Callable[..., Any]
        swapdims: Callable[..., Any]
        t: Callable[..., Any]
        permute: Callable[..., Any]
        expand: Callable[..., Any]
        expand_as: Callable[..., Any]
        broadcast_to: Callable[..., Any]
        narrow: Callable[..., Any]
        select: Callable[..., Any]
        unbind: Callable[..., Any]
        split: Callable[..., Any]
        chunk: Callable[..., Any]
        diagonal: Callable[..., Any]
        as_strided: Callable[..., Any]
        movedim: Callable[..., Any]
        add: Callable[..., Any]
        sub: Callable[..., Any]
        mul: Callable[..., Any]
        div: Callable[..., Any]
        neg: Callable[..., Any]
        pow: Callable[..., Any]
        exp: Callable[..., Any]
        log: Callable[..., Any]
        sqrt: Callable[..., Any]
        abs: Callable[..., Any]
        clamp: Callable[..., Any]
        eq: Callable[..., Any]
        ne: Callable[..., Any]
        lt: Callable[..., Any]
        le: Callable[..., Any]
        gt: Callable[..., Any]
        ge: Callable[..., Any]
        subtract: Callable[..., Any]
        multiply: Callable[..., Any]
        divide: Callable[..., Any]
        true_divide: Callable[..., Any]
        negative: Callable[..., Any]
        absolute: Callable[..., Any]
        clip: Callable[..., Any]
        greater: Callable[..., Any]
        less: Callable[..., Any]
        greater_equal: Callable[..., Any]
        less_equal: Callable[..., Any]
        not_equal: Callable[..., Any]
        sum: Callable[..., Any]
        mean: Callable[..., Any]
        amax: Callable[..., Any]
        amin: Callable[..., Any]
        mm: Callable[..., Any]
        bmm: Callable[..., Any]
        matmul: Callable[..., Any]
        clone: Callable[..., Any]
        contiguous: Callable[..., Any]
        fill_: Callable[..., Any]
        zero_: Callable[..., Any]
        copy_: Callable[..., Any]
        where: Callable[..., Any]
        index_select: Callable[..., Any]
        masked_select: Callable[..., Any]
        nonzero: Callable[..., Any]
        gather: Callable[..., Any]
        scatter_: Callable[..., Any]
        new_tensor: Callable[..., Any]
        new_zeros: Callable[..., Any]
        new_ones: Callable[..., Any]
        new_empty: Callable[..., Any]
        new_full: Callable[..., Any]
        requires_grad_: Callable[..., Any]
        add_: Callable[..., Any]
        sub_: Callable[..., Any]
        mul_: Callable[..., Any]
        div_: Callable[..., Any]
        neg_: Callable[..., Any]
        pow_: Callable[..., Any]
        exp_: Callable[..., Any]
        log_: Callable[..., Any]
        sqrt_: Callable[..., Any]
        abs_: Callable[..., Any]
        clamp_: Callable[..., Any]
        eq_: Callable[..., Any]
        ne_: Callable[..., Any]
        lt_: Callable[..., Any]
        le_: Callable[..., Any]
        gt_: Callable[..., Any]
        ge_: Callable[..., Any]
        subtract_: Callable[..., Any]
        multiply_: Callable[..., Any]
        divide_: Callable[..., Any]
        true_divide_: Callable[..., Any]
        negative_: Callable[..., Any]
        absolute_: Callable[..., Any]
        clip_: Callable[..., Any]
        greater_: Callable[..., Any]
        less_: Callable[..., Any]
        greater_equal_: Callable[..., Any]
        less_equal_: Callable[..., Any]
        not_equal_: Callable[..., Any]
        __add__: Callable[..., Any]
        __radd__: Callable[..., Any]
        __sub__: Callable[..., Any]
        __rsub__: Callable[..., Any]
        __mul__: Callable[..., Any]
        __rmul__: Callable[..., Any]
        __truediv__: Callable[..., Any]
        __rtruediv__: Callable[..., Any]
        __floordiv__: Callable[..., Any]
        __rfloordiv__: Callable[..., Any]
        __pow__: Callable[..., Any]
        __rpow__: Callable[..., Any]
        __matmul__: Callable[..., Any]
        __rmatmul__: Callable[..., Any]
        __lt__: Callable[..., Any]
        __le__: Callable[..., Any]
        __gt__: Callable[..., Any]
        __ge__: Callable[..., Any]
        __neg__: Callable[..., Any]
        __abs__: Callable[..., Any]
        __iadd__: Callable[..., Any]
        __isub__: Callable[..., Any]
        __imul__: Callable[..., Any]
        __itruediv__: Callable[..., Any]
        __getitem__: Callable[..., Any]
        __setitem__: Callable[..., Any]

    # Tensors beat NumPy arrays in mixed binary operators, as torch.Tensor does.
    __array_priority__ = 1000

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
        t._vc = vc if vc is not None else VersionCounter()
        t._base_t = base
        t._view = is_view
        t._requires_grad = False
        t._grad = None
        t._grad_fn = None
        t._retains_grad = False
        t._output_nr = 0
        t._attr_version = 0
        t._creation = "default"
        from ._autograd import _state
        t._inference = bool(_state["inference"])
        t._conj = False
        return t

    @classmethod
    def _empty(cls, shape: Sequence[int], dt: dtype, dev: device,
               strides: Sequence[int] | None = None, *, initialised: bool = True) -> Tensor:
        shape = tuple(shape)
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
        return self._shape[self._wrap_dim(dim)]

    def stride(self, dim: int | None = None) -> Any:
        if dim is None:
            return self._strides
        return self._strides[self._wrap_dim(dim)]

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
        from ._creation import channels_last, contiguous_format
        if memory_format is None or memory_format is contiguous_format:
            return L.is_contiguous(self._shape, self._strides)
        if memory_format is channels_last:
            return L.is_channels_last_contiguous(self._shape, self._strides)
        raise NotModelled(f"is_contiguous(memory_format={memory_format!r})")

    def untyped_storage(self) -> UntypedStorage:
        return UntypedStorage(self._storage)

    def data_ptr(self) -> int:
        base = self._storage.data_ptr()
        return base + self._offset * self._dtype.itemsize if base else 0

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

    def _wrap_dim(self, dim: int, ndim: int | None = None) -> int:
        return wrap_dim(dim, self.dim() if ndim is None else ndim)

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
        with the conjugate bit reads its storage conjugated)."""
        values = np.array(from_storage(self._raw(), self._dtype), copy=True)
        return np.conj(values) if self._conj else values

    def _write(self, values: Any) -> None:
        """Store ``values`` (broadcast to this tensor's shape) through this tensor's strides."""
        if self.numel() == 0:
            return
        raw = self._raw()
        values = np.conj(values) if self._conj else values
        raw[...] = to_storage(np.broadcast_to(np.asarray(values), self._shape), self._dtype)
        self._written_bytes()[...] = True

    def _written_bytes(self) -> np.ndarray:
        """A view of the storage's written-byte mask: this tensor's shape plus a byte axis."""
        isz = self._dtype.itemsize
        mask = self._storage.written
        assert mask is not None
        return np.ndarray(self._shape + (isz,), dtype=np.bool_, buffer=mask,
                          offset=self._offset * isz,
                          strides=tuple(s * isz for s in self._strides) + (1,))

    def _unspecified_mask(self) -> np.ndarray:
        """True where an element holds uninitialised memory (values torch leaves unspecified:
        ``torch.empty``, bytes a resize added and nothing wrote, and anything computed from
        them)."""
        if self.numel() == 0 or self._storage.written is None:
            return np.zeros(self._shape, dtype=np.bool_)
        return np.asarray(~self._written_bytes().all(axis=-1))

    def _unspecified(self) -> list[int]:
        """Row-major positions of the unspecified elements (the observer's hook)."""
        return [int(i) for i in np.flatnonzero(self._unspecified_mask().reshape(-1))]

    def _taint(self, mask: np.ndarray) -> None:
        """Mark the elements where ``mask`` is True as unspecified again."""
        if self.numel() and self._storage.written is not None and mask.any():
            self._written_bytes()[np.broadcast_to(mask, self._shape)] = False

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
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        v = _to_python(self._values().reshape(()), self._dtype)
        return v.item()

    def _scalar_conversion(self, kind: type) -> Any:
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return kind(self.item())

    def __float__(self) -> float:
        return float(self._scalar_conversion(float))

    def __int__(self) -> int:
        return int(self._scalar_conversion(float if self._dtype.is_floating_point else int))

    def __complex__(self) -> complex:
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


def wrap_dim(dim: int, ndim: int) -> int:
    """ATen ``maybe_wrap_dim``: negative dims count from the end; 0-d tensors accept -1 and 0."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    n = max(ndim, 1)
    if dim < -n or dim >= n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def view_of(src: Tensor, shape: Sequence[int], strides: Sequence[int], offset: int,
            *, track: bool = True) -> Tensor:
    """A new Tensor on ``src``'s storage. Views share the version counter; ``_base`` is the
    root base (https://docs.pytorch.org/docs/stable/tensor_view.html)."""
    root = src._base_t if src._base_t is not None else src
    # Note: inference tensors carry no autograd metadata, so their views are not views.
    track = track and not src._inference
    t = Tensor._new(src._storage, offset, shape, strides, src._dtype, vc=src._vc,
                    base=root if track else None, is_view=track)
    t._inference = src._inference
    t._conj = src._conj
    from ._autograd import record_view
    record_view(src, t)
    return t


def _requires_grad_get(self: Tensor) -> bool:
    """A view whose base requires grad requires grad too, even one made under no_grad."""
    if self._requires_grad or self._grad_fn is not None:
        return True
    base = self._base_t
    return base is not None and self._view and base.requires_grad


def _requires_grad_set(self: Tensor, flag: bool) -> None:
    if flag and not (self._dtype.is_floating_point or self._dtype.is_complex):
        # Note: the setter words it differently from requires_grad_().
        raise RuntimeError("only Tensors of floating point and complex dtype can require "
                           "gradients")
    requires_grad_(self, flag)


def requires_grad_(self: Tensor, requires_grad: bool = True) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.requires_grad_.html
    Only leaves can change the flag; only floating point and complex tensors require grad."""
    if self.grad_fn is not None:
        if not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        return self
    if requires_grad and not (self._dtype.is_floating_point or self._dtype.is_complex):
        raise RuntimeError("only Tensors of floating point dtype can require gradients")
    if requires_grad and self._inference:
        raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                           "InferenceMode is not allowed.")
    self._requires_grad = bool(requires_grad)
    return self


def _grad_fn_get(self: Tensor) -> Any:
    """A differentiable view whose family was modified in place since its grad_fn was made
    gets a fresh one (an AsStridedBackward0 onto its base), as torch regenerates it."""
    base = self._base_t
    if base is None or not self._view:
        return self._grad_fn
    if self._grad_fn is None and not base.requires_grad:
        return None
    if self._attr_version != self._vc.value:
        if self._creation != "default":
            raise RuntimeError(_indirect_rebase_message(self))
        from ._derivatives import regenerate_view_grad_fn
        regenerate_view_grad_fn(self)
    return self._grad_fn


_CLARIFY = ("Given that this use case is ambiguous and error-prone, it is forbidden. You can "
            "clarify your code by moving both the view and the inplace either both inside the "
            "{block} block (if you don't want the inplace to be tracked) or both outside (if you "
            "want the inplace to be tracked).")


def _indirect_rebase_message(t: Tensor) -> str:
    """torch's handle_view_on_rebase for a view whose family was modified in place. A view
    with a grad_fn of its own (made in grad mode from a view made under no_grad or in
    inference mode) is named: "Output N of <fn> is a view of a view which was created in"."""
    from ._autograd import short_name
    if t._creation in ("no_grad", "inference"):
        prefix = "A view was created in"
        if t._grad_fn is not None:
            prefix = (f"Output {t._output_nr} of {short_name(type(t._grad_fn).__name__)} is a "
                      "view of a view which was created in")
        if t._creation == "no_grad":
            return (f"{prefix} no_grad mode and its base or another view of its base has been "
                    "modified inplace with grad mode enabled. " + _CLARIFY.format(block="no_grad"))
        return (f"{prefix} inference mode and its base or another view of its base has been "
                "modified inplace in normal mode. " + _CLARIFY.format(block="inference_mode"))
    name = short_name(type(t._grad_fn).__name__)
    return (f"Output {t._output_nr} of {name} is a view and its base or another view of its "
            "base has been modified inplace. This view is the output of a function that returns "
            "multiple views. Such functions do not allow the output views to be modified "
            "inplace. You should replace the inplace operation by an out-of-place one.")


NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information.")


def _grad_get(self: Tensor) -> Tensor | None:
    if self.grad_fn is not None and not self._retains_grad and self._grad is None:
        import warnings
        warnings.warn(NON_LEAF_GRAD, UserWarning, stacklevel=2)
    return self._grad


def _grad_set(self: Tensor, value: Tensor | None) -> None:
    if value is not None:
        if not isinstance(value, Tensor):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                            f"type {type(value).__name__}")
        from ._ops import LEGACY_NAMES
        from ._views import _fmt
        if value._dtype is not self._dtype:
            raise RuntimeError(
                f"attempting to assign a gradient with dtype '{_c_name(value._dtype)}' to a "
                f"tensor with grad_dtype '{LEGACY_NAMES[self._dtype.name]}'. The gradient must "
                "match the tensor's grad_dtype (defaults to the tensor's dtype).")
        if value.device.type != self.device.type:
            raise RuntimeError(
                f"attempting to assign a gradient with device type '{value.device.type}' to a "
                f"tensor with device type '{self.device.type}'. Please ensure that the gradient "
                "and the tensor are on the same device")
        if value._shape != self._shape:
            raise RuntimeError(
                f"attempting to assign a gradient of size '{_fmt(value._shape)}' to a tensor of "
                f"size '{_fmt(self._shape)}'. Please ensure that the gradient and the tensor "
                "are the same size")
    self._grad = value


def _c_name(dt: Any) -> str:
    from ._ops import C_NAMES
    return {"float32": "float", "float64": "double"}.get(dt.name, C_NAMES[dt.name])


def detach(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.detach.html
    "Returns a new Tensor, detached from the current graph... The result will never require
    gradient." It shares storage and the version counter; it is not a view."""
    t = Tensor._new(self._storage, self._offset, self._shape, self._strides, self._dtype,
                    vc=self._vc)
    t._inference = self._inference
    t._conj = self._conj
    return t


def detach_(self: Tensor) -> Tensor:
    if self._view and self._base_t is not None and self._base_t.requires_grad:
        raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are using "
                           "DistributedDataParallel (DDP) for training, and gradient_as_bucket_"
                           "view is set as True, gradients are views of DDP buckets, and hence "
                           "detach_() cannot be called on these gradients. To fix this error, "
                           "please refer to the Optimizer.zero_grad() function in torch/optim/"
                           "optimizer.py as the solution.")
    self._grad_fn = None
    self._requires_grad = False
    return self


def _data_get(self: Tensor) -> Tensor:
    """``.data``: the same storage, never requiring grad, with a version counter of its own
    (so in-place changes through it are invisible to autograd's checks)."""
    t = Tensor._new(self._storage, self._offset, self._shape, self._strides, self._dtype)
    t._inference = self._inference
    t._conj = self._conj
    return t


def retain_grad(self: Tensor) -> None:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.retain_grad.html"""
    if not self.requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self.grad_fn is None or self._retains_grad:
        return
    self._retains_grad = True
    self.grad_fn._retained[self._output_nr] = self


def _backward(self: Tensor, gradient: Tensor | None = None, retain_graph: bool | None = None,
              create_graph: bool = False, inputs: Any = None) -> None:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.backward.html"""
    from ._autograd import backward
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)


Tensor.requires_grad = property(_requires_grad_get, _requires_grad_set)  # type: ignore[assignment]
Tensor.requires_grad_ = requires_grad_
Tensor.grad_fn = property(_grad_fn_get)
Tensor.is_leaf = property(lambda self: self.grad_fn is None)  # type: ignore[assignment]
Tensor.grad = property(_grad_get, _grad_set)  # type: ignore[assignment]
Tensor.retains_grad = property(lambda self: self._retains_grad)  # type: ignore[assignment]
Tensor.data = property(_data_get)  # type: ignore[assignment]
Tensor._unspecified_graph = property(  # type: ignore[attr-defined]
    lambda self: self._grad_fn is not None and self._grad_fn._double)
Tensor.detach = detach
Tensor.detach_ = detach_
Tensor.retain_grad = retain_grad
Tensor.backward = _backward
