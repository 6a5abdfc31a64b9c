"""View operations: each returns a tensor on the input's storage, sharing its version counter.

https://docs.pytorch.org/docs/stable/tensor_view.html lists them: "PyTorch allows a tensor to
be a View of an existing tensor. View tensor shares the same underlying data with its base
tensor. Supporting View avoids explicit data copy."
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._core import dtypes as D
from .._core import layout as L
from .._core.aliasing import view_of
from .._core.dtypes import tensor_type_name
from .._core.errors import NotModelled
from .._core.layout import format_shape as _fmt
from .._core.layout import wrap_dim
from .._core.tensor import Tensor


def _shape_args(args: tuple[Any, ...], op: str = "", param: str = "size"
                ) -> tuple[int, ...]:
    if not args:
        if op == "view":
            raise TypeError("view() received an invalid combination of arguments - got (), but "
                            "expected one of:")
        raise TypeError(f'{op}() missing 1 required positional arguments: "{param}"')
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(int(a) for a in args[0])
    return tuple(int(a) for a in args)


def view(self: Tensor, *shape: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.view.html
    "For a tensor to be viewed, the new view size must be compatible with its original size and
    stride" (ATen computeStride)."""
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return view_dtype(self, shape[0])
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)):
        raise NotModelled(f"Tensor.view({type(shape[0]).__name__})")
    new_shape = L.infer_size(_shape_args(shape, "view"), self.numel())
    strides = L.compute_stride(self._shape, self._strides, new_shape)
    if strides is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return view_of(self, new_shape, strides, self._offset)


def _stride_one(strides: Sequence[int], what: str) -> None:
    if strides[-1] != 1:
        raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {strides[-1]}")


def view_dtype(self: Tensor, dtype: D.dtype) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.view.html (view(dtype))
    "If the element size of dtype is different than that of self.dtype, then the size of the
    last dimension of the output will be scaled proportionally ... the following conditions
    must be true: self.dim() must be greater than 0. self.stride(-1) must be 1." Larger
    elements also need self.size(-1), every other stride and the storage offset divisible by
    the ratio. The result aliases self and shares its version counter, but it is not an
    autograd view (_is_view() False, _base None)."""
    if self.requires_grad:
        raise NotModelled("view(dtype) of a tensor that requires grad")
    if dtype is not self._dtype and (self._conj or self._neg):
        what = "conjugate view tensors" if self._conj else "tensors with negative bit set"
        raise RuntimeError(f"torch.Tensor.view is not supported for {what} when converting to "
                           "a different dtype.")
    old, new = self._dtype.itemsize, dtype.itemsize
    what = f"to view {self._dtype.scalar_type} as {dtype.scalar_type} (different element sizes)"
    shape, strides, offset = list(self._shape), list(self._strides), self._offset
    if old != new and self.dim() == 0:
        raise RuntimeError(f"self.dim() cannot be 0 {what}")
    if old > new:
        _stride_one(strides, what)
        ratio = old // new
        shape[-1] *= ratio
        strides = [st * ratio for st in strides[:-1]] + [1]
        offset *= ratio
    elif old < new:
        ratio = new // old
        if shape[-1] % ratio:
            raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got "
                               f"{shape[-1]}")
        if offset % ratio:
            raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {what}, "
                               f"but got {offset}")
        _stride_one(strides, what)
        for i, st in enumerate(strides[:-1]):
            if st % ratio:
                raise RuntimeError(f"self.stride({i}) must be divisible by {ratio} {what}, "
                                   f"but got {st}")
        shape[-1] //= ratio
        strides = [st // ratio for st in strides[:-1]] + [1]
        offset //= ratio
    out = view_of(self, shape, strides, offset, track=False)
    out._dtype = dtype
    return out


def squeeze(self: Tensor, dim: Any = None) -> Tensor:
    if dim is None:
        dims = [d for d in range(self.dim()) if self._shape[d] == 1]
    else:
        raw = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = [wrap_dim(d, self.dim()) for d in raw]
        dims = [d for d in dims if self.dim() > 0 and self._shape[d] == 1]
    keep = [d for d in range(self.dim()) if d not in dims]
    return view_of(self, [self._shape[d] for d in keep], [self._strides[d] for d in keep],
                   self._offset)


def unsqueeze(self: Tensor, dim: int) -> Tensor:
    d = wrap_dim(dim, self.dim() + 1)
    stride = 1 if d >= self.dim() else self._shape[d] * self._strides[d]
    shape = self._shape[:d] + (1,) + self._shape[d:]
    strides = self._strides[:d] + (stride,) + self._strides[d:]
    return view_of(self, shape, strides, self._offset)


def transpose(self: Tensor, dim0: int, dim1: int) -> Tensor:
    d0, d1 = wrap_dim(dim0, self.dim()), wrap_dim(dim1, self.dim())
    shape, strides = list(self._shape), list(self._strides)
    if self.dim() > 0:
        shape[d0], shape[d1] = shape[d1], shape[d0]
        strides[d0], strides[d1] = strides[d1], strides[d0]
    return view_of(self, shape, strides, self._offset)


def t(self: Tensor) -> Tensor:
    if self.dim() > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {self.dim()}D")
    return transpose(self, 0, self.dim() - 1 if self.dim() else 0)


def permute(self: Tensor, *dims: Any) -> Tensor:
    order = _shape_args(dims, "permute", "dims")
    if len(order) != self.dim():
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{self.dim()} is not equal to len(dims) = {len(order)}")
    wrapped = [wrap_dim(d, self.dim()) for d in order]
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return view_of(self, [self._shape[d] for d in wrapped], [self._strides[d] for d in wrapped],
                   self._offset)


def expand(self: Tensor, *sizes: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.expand.html
    "Expanding a tensor does not allocate new memory, but only creates a new view on the
    existing tensor where a dimension of size one is expanded to a larger size by setting the
    stride to 0." (ATen inferExpandGeometry)"""
    target = _shape_args(sizes, "expand", "size")
    nd, td = len(target), self.dim()
    if nd < td:
        raise RuntimeError(
            f"expand({tensor_type_name(self._dtype, self.device.type)}{{{_fmt(self._shape)}}}, "
            f"size={_fmt(target)}): the "
            f"number of sizes provided ({nd}) must be greater or equal to the number of "
            f"dimensions in the tensor ({td})")
    shape, strides = [0] * nd, [0] * nd
    for i in range(nd - 1, -1, -1):
        d = td - 1 - (nd - 1 - i)
        size = self._shape[d] if d >= 0 else 1
        if d >= 0:
            stride = self._strides[d]
        else:
            stride = shape[i + 1] * strides[i + 1] if i + 1 < nd else 0
        want = target[i]
        if want == -1:
            if d < 0:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            want = size
        if size != want:
            if size != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({want}) must match the existing size "
                    f"({size}) at non-singleton dimension {i}.  Target sizes: {_fmt(target)}.  "
                    f"Tensor sizes: {_fmt(self._shape)}")
            size, stride = want, 0
        shape[i], strides[i] = size, stride
    return view_of(self, shape, strides, self._offset)


def slice_dim(self: Tensor, dim: int, start: int | None, stop: int | None,
              step: int) -> Tensor:
    """ATen ``slice``: bounds are clamped as Python clamps them; only positive steps (a zero
    step is refused first, by Python's slice unpacking)."""
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step < 0:
        raise ValueError("step must be greater than zero")
    size = self._shape[dim]
    lo, hi, _ = slice(start, stop, 1).indices(size)
    hi = max(hi, lo)
    length = (hi - lo + step - 1) // step
    shape, strides = list(self._shape), list(self._strides)
    shape[dim] = length
    strides[dim] = self._strides[dim] * step
    return view_of(self, shape, strides, self._offset + lo * self._strides[dim])


def select(self: Tensor, dim: int, index: int) -> Tensor:
    if self.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, self.dim())
    size = self._shape[d]
    if index < -size or index >= size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{_fmt(self._shape)} at dimension {d}")
    if index < 0:
        index += size
    shape = self._shape[:d] + self._shape[d + 1:]
    strides = self._strides[:d] + self._strides[d + 1:]
    return view_of(self, shape, strides, self._offset + index * self._strides[d])


def unbind(self: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    if self.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, self.dim())
    return tuple(select(self, d, i) for i in range(self._shape[d]))


def split(self: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    if self.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, self.dim())
    size = self._shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sections = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sections):
            raise RuntimeError("split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={_fmt(sections)}")
        if sum(sections) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                f"size at dimension {dim}), but got split_sizes={_fmt(sections)}")
    else:
        step = int(split_size_or_sections)
        if step < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size="
                               f"{step}")
        if step == 0 and size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {size}")
        count = max(-(-size // step), 1) if step else 1
        sections = [min(step, size - i * step) for i in range(count)]
    out, start = [], 0
    for s in sections:
        out.append(slice_dim(self, d, start, start + s, 1))
        start += s
    return tuple(out)


def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    d1, d2 = wrap_dim(dim1, self.dim()), wrap_dim(dim2, self.dim())
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if offset >= 0:
        n = max(min(self._shape[d1], self._shape[d2] - offset), 0)
    else:
        n = max(min(self._shape[d1] + offset, self._shape[d2]), 0)
    start = self._offset
    if n > 0:
        start += offset * self._strides[d2] if offset >= 0 else -offset * self._strides[d1]
    keep = [d for d in range(self.dim()) if d not in (d1, d2)]
    shape = [self._shape[d] for d in keep] + [n]
    strides = [self._strides[d] for d in keep] + [self._strides[d1] + self._strides[d2]]
    return view_of(self, shape, strides, start)


def as_strided(self: Tensor, size: Sequence[int], stride: Sequence[int],
               storage_offset: int | None = None) -> Tensor:
    size, stride = tuple(size), tuple(stride)
    offset = self._offset if storage_offset is None else storage_offset
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {_fmt(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    need = L.storage_extent(size, stride, offset) * self._dtype.itemsize
    have = self._storage.nbytes()
    # Note: meta's as_strided checks no storage bounds (its storages hold no bytes).
    if need > have and self.device.type != "meta":
        raise RuntimeError(
            f"setStorage: sizes {_fmt(size)}, strides {_fmt(stride)}, storage offset {offset}, "
            f"and itemsize {self._dtype.itemsize} requiring a storage size of {need} are out "
            f"of bounds for storage of size {have}")
    return view_of(self, size, stride, offset)


def reshape_geometry(self: Tensor, *shape: Any) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    """The shape ``reshape`` asks for (one -1 inferred), and the strides of a view of that
    shape, or None when no view is possible (then reshape copies)."""
    new_shape = L.infer_size(_shape_args(shape, "reshape", "shape"), self.numel())
    return new_shape, L.compute_stride(self._shape, self._strides, new_shape)


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.unfold.html
    "Returns a view of the original tensor which contains all slices of size size from self
    tensor in the dimension dimension. Step between two slices is given by step. ... An
    additional dimension of size size is appended in the returned tensor." """
    d = wrap_dim(dimension, self.dim())
    max_size = self._shape[d] if self.dim() else 1
    if size > max_size:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {max_size} but size is "
                           f"{size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    shape, strides = list(self._shape) + [size], list(self._strides)
    strides.append(strides[d] if self.dim() else 1)
    if self.dim():
        shape[d] = (shape[d] - size) // step + 1
        strides[d] *= step
    return view_of(self, shape, strides, self._offset)


def _real_view(self: Tensor, shape: Sequence[int], strides: Sequence[int],
               offset: int) -> Tensor:
    """A view of a complex tensor's storage as its real dtype (two elements per number)."""
    out = view_of(self, shape, strides, offset)
    out._dtype = self._dtype.to_real()
    out._conj = False
    out._neg = False
    return out


def _check_complex(self: Tensor, message: str) -> None:
    if not self._dtype.is_complex:
        raise RuntimeError(message)
    if self._dtype not in (D.complex64, D.complex128):
        raise NotModelled(f"views of {self._dtype} as real")


def view_as_real(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.view_as_real.html
    "Returns a view of input as a real tensor. For an input complex tensor of size
    m1, m2, ..., mi, this function returns a new real tensor of size m1, m2, ..., mi, 2, where
    the last dimension of size 2 represents the real and imaginary components." It refuses
    tensors with the conjugate bit."""
    _check_complex(self, "view_as_real is only supported for complex tensors")
    if self._conj:
        raise RuntimeError(
            "view_as_real doesn't work on unresolved conjugated tensors.  To resolve the "
            "conjugate tensor so you can view it as real, use self.resolve_conj(); however, be "
            "warned that the resulting tensor will NOT alias the original.")
    return _real_view(self, self._shape + (2,), tuple(2 * s for s in self._strides) + (1,),
                      2 * self._offset)


def real(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.real.html
    "Returns a new tensor containing real values of the self tensor. The returned tensor and
    self share the same underlying storage." A real tensor is returned as it is."""
    if not self._dtype.is_complex:
        return self
    _check_complex(self, "")
    return _real_view(self, self._shape, tuple(2 * s for s in self._strides), 2 * self._offset)


def imag(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.imag.html
    "Returns a new tensor containing imaginary values of the self tensor. The returned tensor
    and self share the same underlying storage. imag() is only supported for tensors with
    complex dtypes." """
    _check_complex(self, "imag is not implemented for tensors with non-complex dtypes.")
    out = _real_view(self, self._shape, tuple(2 * s for s in self._strides),
                     2 * self._offset + 1)
    # https://docs.pytorch.org/docs/stable/generated/torch.is_neg.html: the imaginary part of
    # a conjugate view is the negated imaginary part of its storage: a view with the negative
    # bit (reads negate, writes store negated; copies resolve it).
    out._neg = self._conj
    return out
