"""Sparse COO tensors, as far as the suite reaches them: ``to_sparse()`` and what the NumPy
bridge and the observer read of its result (issue 17).

https://docs.pytorch.org/docs/stable/generated/torch.Tensor.to_sparse.html
"Returns a sparse representation of the tensor." A sparse tensor has a layout, a size, a dtype
and a device but no strides or storage of its own (torch 2.13: ``untyped_storage()`` raises
NotImplementedError), and ``numpy()`` refuses it, with or without ``force=True``
(https://docs.pytorch.org/docs/stable/generated/torch.Tensor.numpy.html: "the conversion is
performed only if the tensor ... is a dtype and layout that NumPy supports"). Its arithmetic,
indexing and autograd are not modelled: every other attribute is NotModelled.
"""

from __future__ import annotations

from typing import Any

from .._core import dtypes as D
from .._core.device import device
from .._core.errors import NotModelled
from .._core.layout import layout, sparse_coo, strided
from .._core.tensor import Size, Tensor
from .ops import clone


class SparseTensor:
    """A sparse COO tensor: the dense values it was made from, read only by ``to_dense``."""

    __slots__ = ("_dense",)
    is_sparse = True
    # Tensors beat NumPy arrays in mixed binary operators, as torch.Tensor does.
    __array_priority__ = 1000

    def __init__(self, dense: Tensor) -> None:
        self._dense = dense

    @property
    def layout(self) -> layout:
        return sparse_coo

    @property
    def shape(self) -> Size:
        return Size(self._dense._shape)

    def size(self, dim: int | None = None) -> Any:
        return self._dense.size(dim)

    def dim(self) -> int:
        return self._dense.dim()

    @property
    def dtype(self) -> D.dtype:
        return self._dense._dtype

    @property
    def device(self) -> device:
        return self._dense.device

    # Not made from a tensor that requires grad (see to_sparse): a leaf with no gradient.
    requires_grad = False
    is_leaf = True
    grad = None
    grad_fn = None
    retains_grad = False

    def untyped_storage(self) -> Any:
        raise NotImplementedError("Cannot access storage of SparseTensorImpl")

    def stride(self, dim: int | None = None) -> Any:
        raise NotModelled("the strides of a sparse tensor")

    def numpy(self, *, force: bool = False) -> Any:
        # Note: 2.0 to 2.11 advise "Use Tensor.dense() first.", 2.13 "Tensor.to_dense()".
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.")

    def to_dense(self, dtype: Any = None, *, masked_grad: Any = None) -> Tensor:
        if dtype is not None or masked_grad is not None:
            raise NotModelled("to_dense with dtype= or masked_grad=")
        return clone(self._dense)

    def to_sparse(self, *args: Any, **kwargs: Any) -> SparseTensor:
        if args or kwargs:
            raise NotModelled("to_sparse of a sparse tensor with arguments")
        return self

    def type(self, dtype: Any = None, **kwargs: Any) -> Any:  # noqa: A003 - torch's name
        if dtype is not None or kwargs:
            raise NotModelled("type(...) casts of a sparse tensor")
        prefix = "" if self.device.type == "cpu" else f"{self.device.type}."
        return f"torch.{prefix}sparse.{self.dtype.scalar_type}Tensor"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"'Tensor' object has no attribute '{name}'")
        raise NotModelled(f"{name} of a sparse tensor")

    def __repr__(self) -> str:
        return f"tensor(<sparse_coo>, size={tuple(self._dense._shape)}, dtype={self.dtype})"


def _refusal(name: str) -> Any:
    def method(self: SparseTensor, *args: Any, **kwargs: Any) -> Any:
        raise NotModelled(f"{name} of a sparse tensor")
    method.__name__ = name
    return method


# Python's operators look the method up on the type, past __getattr__: each is refused.
for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__pow__",
              "__rpow__", "__matmul__", "__rmatmul__", "__neg__", "__abs__", "__eq__", "__ne__",
              "__lt__", "__le__", "__gt__", "__ge__", "__getitem__", "__setitem__", "__len__",
              "__iter__", "__bool__", "__float__", "__int__", "__index__", "__iadd__",
              "__isub__", "__imul__", "__itruediv__", "__array__", "__contains__"):
    setattr(SparseTensor, _name, _refusal(_name))
SparseTensor.__hash__ = object.__hash__  # type: ignore[method-assign]


def to_sparse(self: Tensor, sparse_dim: Any = None, *, layout: Any = None,
              blocksize: Any = None, dense_dim: Any = None) -> SparseTensor:
    """``Tensor.to_sparse()``: the COO tensor of self's values. On meta there is no kernel
    (NotImplementedError; the wording is each release's own: "Could not run 'aten::to_sparse'
    with arguments from the 'Meta' backend" on 2.0, "attempted to run this operator with Meta
    tensors" from 2.6: the phrase is what they share)."""
    if any(a is not None for a in (sparse_dim, layout, blocksize, dense_dim)):
        raise NotModelled("to_sparse with sparse_dim, layout, blocksize or dense_dim")
    if self.device.type == "meta":
        raise NotImplementedError("Meta")
    if self.requires_grad:
        raise NotModelled("to_sparse of a tensor that requires grad (ToSparseBackward1)")
    return SparseTensor(clone(self))


def is_sparse(self: Tensor) -> bool:
    return False


def strided_layout(self: Tensor) -> layout:
    return strided
