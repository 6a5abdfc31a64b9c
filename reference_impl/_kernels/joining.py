"""Joining and reversing: ``cat``, ``stack`` and ``flip``, which copy their inputs into a fresh
tensor (or into ``out=``).

https://docs.pytorch.org/docs/stable/generated/torch.cat.html : "Concatenates the given
sequence of tensors in tensors in the given dimension. All tensors must either have the same
shape (except in the concatenating dimension) or be a 1-D empty tensor with size (0,)."
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.layout import format_shape, wrap_dim
from .._core.tensor import Tensor
from .iterator import (
    assert_no_internal_overlap,
    assert_no_overlap,
    check_same_device,
    emit,
    refuse_barebones,
    resize_output,
)


def _tensor_list(tensors: Any, name: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return list(tensors)


def _skipped(t: Tensor) -> bool:
    """ATen ``cat_should_skip_tensor``: a 1-d tensor of size 0 takes no part in the shape
    checks (the legacy behaviour the docs keep: "or be a 1-D empty tensor with size (0,)")."""
    return t.dim() == 1 and t._shape[0] == 0


def _cat_geometry(tensors: list[Tensor], dim: int) -> tuple[tuple[int, ...], int]:
    """The checks of ATen's cat meta function, in its order: the result shape and the wrapped
    dim."""
    for i, t in enumerate(tensors):
        if t.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    valid = next((t for t in tensors if not _skipped(t)), None)
    # ATen's legacy_cat_wrap_dim wraps dim against the first tensor that is not skipped.
    d = wrap_dim(dim, valid.dim()) if valid is not None else dim
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    if valid is None:
        return (0,), 0
    total = 0
    for i, t in enumerate(tensors):
        if _skipped(t):
            continue
        if t.dim() != valid.dim():
            raise RuntimeError("Tensors must have same number of dimensions: got "
                               f"{valid.dim()} and {t.dim()}")
        for k in range(valid.dim()):
            if k != d and t._shape[k] != valid._shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{valid._shape[k]} but got size {t._shape[k]} for tensor number {i} in "
                    "the list.")
        total += t._shape[d]
    shape = list(valid._shape)
    shape[d] = total
    return tuple(shape), d


def _output_format(tensors: list[Tensor]) -> str:
    """ATen ``cat_compute_output_memory_format``: the inputs' suggested memory format when they
    all agree, else contiguous."""
    formats = {L.suggest_memory_format(t._shape, t._strides) for t in tensors}
    return formats.pop() if len(formats) == 1 else "contiguous"


def _cat_values(tensors: list[Tensor], d: int, dt: D.dtype) -> Any:
    if not all(t._storage.has_data() for t in tensors):
        return None
    parts: list[Any] = [t._values().astype(dt.compute_np) for t in tensors if not _skipped(t)]
    if not parts:
        return np.zeros((0,), dtype=dt.compute_np)
    return np.concatenate(parts, axis=d)


def cat(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.cat.html
    The result has the promoted dtype of the inputs; it is laid out in the inputs' memory
    format when they share one (channels-last), contiguous otherwise."""
    ts = _tensor_list(tensors, "cat")
    shape, d = _cat_geometry(ts, dim)
    check_same_device(ts + ([out] if out is not None else []), iterator=False)
    dt = D.result_type_of([t._dtype for t in ts], [], [])
    refuse_barebones("cat", dt)
    fmt = _output_format(ts)
    if out is not None:
        if not D.can_cast(dt, out._dtype):
            raise TypeError("torch.cat(): input types can't be cast to the desired output "
                            f"type {out._dtype.scalar_type}")
        return _cat_out(ts, shape, d, dt, fmt, out)
    return emit(shape, dt, ts[0].device, lambda: _cat_values(ts, d, dt),
                strides=L.strides_for_format(shape, fmt), sources=ts)


def _cat_out(ts: list[Tensor], shape: tuple[int, ...], d: int, dt: D.dtype, fmt: str,
             out: Tensor) -> Tensor:
    """cat into ``out``: resized (and restrided to the memory format) only when its shape
    differs, then checked for overlap with every input."""
    if out._shape != shape:
        resize_output(out, shape, L.strides_for_format(shape, fmt), warnings_=1)
    if any(not _skipped(t) for t in ts):
        assert_no_internal_overlap(out)
        for t in ts:
            assert_no_overlap(out, t)
    return emit(shape, dt, out.device, lambda: _cat_values(ts, d, dt), out=out, resize=False,
                sources=ts)


def _stack_checks(ts: list[Tensor], dim: int) -> int:
    if not ts:
        raise RuntimeError("stack expects a non-empty TensorList")
    d = wrap_dim(dim, ts[0].dim() + 1)
    for i, t in enumerate(ts[1:], 1):
        if t._shape != ts[0]._shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {format_shape(ts[0]._shape)}"
                f" at entry 0 and {format_shape(t._shape)} at entry {i}")
    return d


def _unsqueezed(t: Tensor, d: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The (shape, strides) of ``t.unsqueeze(d)``."""
    stride = 1 if d >= t.dim() else t._shape[d] * t._strides[d]
    return t._shape[:d] + (1,) + t._shape[d:], t._strides[:d] + (stride,) + t._strides[d:]


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.stack.html
    "Concatenates a sequence of tensors along a new dimension. All tensors need to be of the
    same size." ATen concatenates along ``dim`` and views the result with the new dim (for a
    dim inside the inputs' dims), or concatenates the inputs unsqueezed at the end."""
    ts = _tensor_list(tensors, "stack")
    d = _stack_checks(ts, dim)
    shape = ts[0]._shape[:d] + (len(ts),) + ts[0]._shape[d:]
    check_same_device(ts + ([out] if out is not None else []), iterator=False)
    dt = D.result_type_of([t._dtype for t in ts], [], [])
    refuse_barebones("stack", dt)
    inside = d < ts[0].dim()
    if inside:
        fmt = _output_format(ts)
        cat_shape = list(ts[0]._shape)
        cat_shape[d] *= len(ts)
        strides = L.compute_stride(cat_shape, L.strides_for_format(cat_shape, fmt), shape)
    else:
        geoms = [_unsqueezed(t, d) for t in ts]
        formats = {L.suggest_memory_format(s, st) for s, st in geoms}
        strides = L.strides_for_format(shape, formats.pop() if len(formats) == 1
                                       else "contiguous")

    def values() -> Any:
        if not all(t._storage.has_data() for t in ts):
            return None
        return np.stack([t._values().astype(dt.compute_np) for t in ts], axis=d)
    if out is None:
        return emit(shape, dt, ts[0].device, values, strides=strides, sources=ts)
    return _stack_out(ts, shape, inside, dt, values, out, strides)


def _stack_out(ts: list[Tensor], shape: tuple[int, ...], inside: bool, dt: D.dtype,
               values: Any, out: Tensor, strides: Sequence[int] | None) -> Tensor:
    """ATen ``stack_out``: for a dim inside the inputs' dims, out is resized first (warning),
    then cat writes into a view of it; otherwise cat's own order (cast check, then resize to
    the memory format)."""
    if inside:
        resize_output(out, shape)
    if not D.can_cast(dt, out._dtype):
        raise TypeError("torch.cat(): input types can't be cast to the desired output type "
                        f"{out._dtype.scalar_type}")
    if out._shape != shape:
        resize_output(out, shape, strides)
    assert_no_internal_overlap(out)
    for t in ts:
        assert_no_overlap(out, t)
    return emit(shape, dt, out.device, values, out=out, resize=False, sources=ts)


def flip(input: Tensor, *dims: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.flip.html
    "Reverse the order of an n-D tensor along given axis in dims. Note: torch.flip makes a copy
    of input's data. This is different from NumPy's np.flip, which returns a view in constant
    time." The copy keeps the input's memory order (empty_like, preserve_format)."""
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    raw = dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims
    axes = [wrap_dim(int(k), input.dim()) for k in raw]
    seen: set[int] = set()
    for k in axes:
        if k in seen:
            raise RuntimeError(f"dim {k} appears multiple times in the list of dims")
        seen.add(k)
    refuse_barebones("flip", input)

    def values() -> Any:
        if not input._storage.has_data():
            return None
        v = input._values()
        return np.flip(v, axis=tuple(axes)) if input.dim() else v
    return emit(input._shape, input._dtype, input.device, values,
                strides=L.preserve_format_strides(input._shape, input._strides),
                sources=[input])
