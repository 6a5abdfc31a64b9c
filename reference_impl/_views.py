"""View operations: each returns a tensor on the input's storage, sharing its version counter.

https://docs.pytorch.org/docs/stable/tensor_view.html lists them: "PyTorch allows a tensor to
be a View of an existing tensor. View tensor shares the same underlying data with its base
tensor. Supporting View avoids explicit data copy."
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import _layout as L
from ._errors import NotModelled
from ._tensor import Tensor, view_of, wrap_dim


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


def _fmt(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def view(self: Tensor, *shape: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.view.html
    "For a tensor to be viewed, the new view size must be compatible with its original size and
    stride" (ATen computeStride)."""
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)):
        raise NotModelled("Tensor.view(dtype)")
    new_shape = L.infer_size(_shape_args(shape, "view"), self.numel())
    strides = L.compute_stride(self._shape, self._strides, new_shape)
    if strides is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return view_of(self, new_shape, strides, self._offset)


def view_as(self: Tensor, other: Tensor) -> Tensor:
    return view(self, tuple(other._shape))


def reshape(self: Tensor, *shape: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.reshape.html
    "Contiguous inputs and inputs with compatible strides can be reshaped without copying."
    Otherwise a contiguous copy, which is not a view (``_base`` is None)."""
    new_shape = L.infer_size(_shape_args(shape, "reshape", "shape"), self.numel())
    strides = L.compute_stride(self._shape, self._strides, new_shape)
    if strides is not None:
        return view_of(self, new_shape, strides, self._offset)
    from ._creation import contiguous_format
    from ._ops import clone
    copy = clone(self, memory_format=contiguous_format)
    copy._shape = new_shape
    copy._strides = L.contiguous_strides(new_shape)
    return copy


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, tuple(other._shape))


def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.flatten.html
    "Unlike NumPy's flatten, which always copies input's data, this function may return the
    original object, a view, or copy."""
    start = wrap_dim(start_dim, self.dim())
    end = wrap_dim(end_dim, self.dim())
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if self.dim() == 0:
        return reshape(self, (1,))
    if start == end:
        return self
    shape = self._shape[:start] + (math.prod(self._shape[start:end + 1]),) + self._shape[end + 1:]
    return reshape(self, shape)


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


swapaxes = swapdims = transpose


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


def T(self: Tensor) -> Tensor:  # noqa: N802 - torch's name
    if self.dim() not in (0, 2):
        # Note: torch warns once per process (TORCH_WARN_ONCE): what a program observes depends
        # on the process's history, which the model cannot know.
        raise NotModelled("x.T on a tensor that is not 2-D (its warning fires once per process)")
    return permute(self, tuple(range(self.dim() - 1, -1, -1)))


def mT(self: Tensor) -> Tensor:  # noqa: N802 - torch's name
    if self.dim() < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self.dim()}-D tensor.")
    return transpose(self, -2, -1)


def expand(self: Tensor, *sizes: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.expand.html
    "Expanding a tensor does not allocate new memory, but only creates a new view on the
    existing tensor where a dimension of size one is expanded to a larger size by setting the
    stride to 0." (ATen inferExpandGeometry)"""
    target = _shape_args(sizes, "expand", "size")
    nd, td = len(target), self.dim()
    if nd < td:
        raise RuntimeError(
            f"expand({_legacy_type(self)}{{{_fmt(self._shape)}}}, size={_fmt(target)}): the "
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


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, tuple(other._shape))


def broadcast_to(self: Tensor, size: Sequence[int]) -> Tensor:
    return expand(self, tuple(size))


def _legacy_type(self: Tensor) -> str:
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
             "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
             "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
    # The device is part of the name off the CPU: "torch.cuda.FloatTensor".
    kind = self.device.type
    return f"torch.{'' if kind == 'cpu' else kind + '.'}{names[self._dtype.name]}Tensor"


def slice_dim(self: Tensor, dim: int, start: int | None, stop: int | None,
              step: int) -> Tensor:
    """ATen ``slice``: bounds are clamped as Python clamps them; only positive steps."""
    if step <= 0:
        raise ValueError("step must be greater than zero")
    size = self._shape[dim]
    lo, hi, _ = slice(start, stop, 1).indices(size)
    hi = max(hi, lo)
    length = (hi - lo + step - 1) // step
    shape, strides = list(self._shape), list(self._strides)
    shape[dim] = length
    strides[dim] = self._strides[dim] * step
    return view_of(self, shape, strides, self._offset + lo * self._strides[dim])


def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
    if self.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, self.dim())
    size = self._shape[d]
    if start < -size or start > size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return slice_dim(self, d, start, start + length, 1)


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
        if sum(sections) != size or any(s < 0 for s in sections):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                f"size at dimension {d}), but got split_sizes={_fmt(sections)}")
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


def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if self.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, self.dim())
    size = self._shape[d]
    step = -(-size // chunks)
    if step == 0:
        # Note: ATen returns `chunks` empty slices when the dim is empty.
        return split(self, [0] * chunks, d)
    return split(self, step, d)


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


def movedim(self: Tensor, source: Any, destination: Any) -> Tensor:
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src = [wrap_dim(d, self.dim()) for d in src]
    dst = [wrap_dim(d, self.dim()) for d in dst]
    order = [d for d in range(self.dim()) if d not in src]
    perm = [-1] * self.dim()
    for s, d in zip(src, dst):
        perm[d] = s
    it = iter(order)
    perm = [p if p != -1 else next(it) for p in perm]
    return permute(self, perm)


VIEW_METHODS = {
    "view": view, "view_as": view_as, "reshape": reshape, "reshape_as": reshape_as,
    "flatten": flatten, "squeeze": squeeze, "unsqueeze": unsqueeze, "transpose": transpose,
    "swapaxes": swapaxes, "swapdims": swapdims, "t": t, "permute": permute, "expand": expand,
    "expand_as": expand_as, "broadcast_to": broadcast_to, "narrow": narrow, "select": select,
    "unbind": unbind, "split": split, "chunk": chunk, "diagonal": diagonal,
    "as_strided": as_strided, "movedim": movedim,
}

for _name, _fn in VIEW_METHODS.items():
    setattr(Tensor, _name, _fn)
Tensor.T = property(T)  # type: ignore[assignment]
Tensor.mT = property(mT)  # type: ignore[assignment]
