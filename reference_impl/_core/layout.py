"""Layout math: pure functions over size and stride tuples, no tensor class in sight.

Each function is a port of the ATen rule named in its docstring, so the reference predicts
strides, view compatibility and memory overlap exactly as torch computes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from math import prod

from .errors import NotModelled

Shape = tuple[int, ...]
Strides = tuple[int, ...]


def contiguous_strides(shape: Sequence[int]) -> Strides:
    """Row-major strides; a size-0 or size-1 dim still gets the product of what follows
    (torch treats sizes below 1 as 1 here: ``max(size, 1)``)."""
    strides = [1] * len(shape)
    acc = 1
    for i in range(len(shape) - 1, -1, -1):
        strides[i] = acc
        acc *= max(shape[i], 1)
    return tuple(strides)


def is_contiguous(shape: Sequence[int], strides: Sequence[int]) -> bool:
    """c10 ``compute_contiguous``: strides of size-1 dims are ignored; empty tensors are
    contiguous."""
    if prod(shape) == 0:
        return True
    expected = 1
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size == 1:
            continue
        if stride != expected:
            return False
        expected *= size
    return True


def is_channels_last_contiguous(shape: Sequence[int], strides: Sequence[int]) -> bool:
    """c10 ``compute_channels_last_contiguous_2d`` for 4-d tensors (order: C, W, H, N)."""
    if len(shape) != 4:
        return False
    expected = 1
    for d in (1, 3, 2, 0):
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


def is_non_overlapping_and_dense(shape: Sequence[int], strides: Sequence[int]) -> bool:
    """c10 ``compute_non_overlapping_and_dense``: some permutation of the dims is contiguous."""
    # Note: c10 caches this flag as contiguous || channels_last || computed, so empty
    # tensors (always contiguous) count as non-overlapping and dense.
    if is_contiguous(shape, strides) or is_channels_last_contiguous(shape, strides):
        return True
    n = len(shape)
    if n == 1:
        return shape[0] < 2 or strides[0] == 1
    # Note: c10 sorts size<2 dims last; they never affect density.
    perm = [d for d in sorted(range(n), key=lambda d: strides[d]) if shape[d] >= 2]
    expected = 1
    for d in perm:
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


def wrap_dim(dim: int, ndim: int) -> int:
    """ATen ``maybe_wrap_dim``: negative dims count from the end; 0-d tensors accept -1 and 0."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    n = max(ndim, 1)
    if dim < -n or dim >= n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def format_shape(shape: Sequence[int]) -> str:
    """A shape as torch's messages print it: ``[2, 3]``."""
    return "[" + ", ".join(str(s) for s in shape) + "]"


def infer_size(shape: Sequence[int], numel: int) -> Shape:
    """ATen ``infer_size``: resolve a single -1; errors use torch's messages."""
    infer_dim = None
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer_dim is not None:
                raise RuntimeError("only one dimension can be inferred")
            infer_dim = i
        elif s >= 0:
            known *= s
        else:
            raise RuntimeError(f"invalid shape dimension {s}")
    if infer_dim is None:
        if known == numel:
            return tuple(shape)
    elif known != 0 and numel % known == 0:
        out = list(shape)
        out[infer_dim] = numel // known
        return tuple(out)
    elif known == 0 and numel == 0:
        raise RuntimeError(
            f"cannot reshape tensor of 0 elements into shape {format_shape(shape)} because the "
            "unspecified dimension size -1 can be any value and is ambiguous")
    raise RuntimeError(f"shape '{format_shape(shape)}' is invalid for input of size {numel}")


def compute_stride(old_shape: Sequence[int], old_strides: Sequence[int],
                   new_shape: Sequence[int]) -> Strides | None:
    """ATen ``computeStride`` (TensorUtils.cpp): the strides a view of ``new_shape`` must have,
    or None when no view is possible ("at least one dimension spans across two contiguous
    subspaces")."""
    if len(old_shape) == 0:
        return (1,) * len(new_shape)
    numel = prod(old_shape)
    if numel == 0 and tuple(old_shape) == tuple(new_shape):
        return tuple(old_strides)
    new_strides = [0] * len(new_shape)
    if numel == 0:
        # Note: any strides work for an empty tensor; ATen gives contiguous-like strides.
        if any(s == 0 for s in old_shape) and len(new_shape) > 0:
            return contiguous_strides(new_shape)
        return None
    view_d = len(new_shape) - 1
    chunk_base_stride = old_strides[-1]
    tensor_numel = 1
    view_numel = 1
    for tensor_d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[tensor_d]
        if tensor_d == 0 or (old_shape[tensor_d - 1] != 1 and
                             old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base_stride
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = old_strides[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def broadcast_shapes(*shapes: Sequence[int]) -> Shape:
    """Broadcasting: right-align, each pair equal or one of them 1. torch's message names
    tensors a and b by position in the pair."""
    out: list[int] = []
    for shape in shapes:
        out = list(_broadcast_pair(tuple(out), tuple(shape)))
    return tuple(out)


def broadcast_shapes_ref(shapes: Sequence[Sequence[int]]) -> Shape:
    """torch.broadcast_shapes: the broadcast rule, walked shape by shape from the last dim as
    torch._refs._broadcast_shapes does, with its own message (not the binary ops')."""
    common = [1] * max((len(s) for s in shapes), default=0)
    for arg, shape in enumerate(shapes):
        for i in range(-1, -1 - len(shape), -1):
            if shape[i] == common[i]:
                continue
            if common[i] == 1:
                if shape[i] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[i] = shape[i]
            if shape[i] != 1 and common[i] != shape[i]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[i]} at {i}! "
                    f"Mismatching argument at index {arg} had {shape!r}; but expected shape "
                    f"should be broadcastable to {common}")
    return tuple(common)


def _broadcast_pair(a: Shape, b: Shape) -> Shape:
    n = max(len(a), len(b))
    out = []
    # Note: ATen's infer_size walks from the last dim, so the rightmost mismatch is reported.
    for i in range(n - 1, -1, -1):
        da = a[len(a) - n + i] if len(a) - n + i >= 0 else 1
        db = b[len(b) - n + i] if len(b) - n + i >= 0 else 1
        if da == db or db == 1:
            out.append(da)
        elif da == 1:
            out.append(db)
        else:
            raise RuntimeError(
                f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                f"non-singleton dimension {i}")
    return tuple(reversed(out))


def expand_strides(shape: Sequence[int], strides: Sequence[int],
                   target: Sequence[int]) -> Strides:
    """Strides of ``shape`` broadcast to ``target`` (0 in new and stretched dims)."""
    lead = len(target) - len(shape)
    out = [0] * lead
    for i, (s, st) in enumerate(zip(shape, strides)):
        out.append(st if s == target[lead + i] else 0)
    return tuple(out)


def iterator_output_strides(shape: Sequence[int],
                            operands: Sequence[tuple[Sequence[int], Sequence[int]]]) -> Strides:
    """Strides TensorIterator gives a freshly allocated output of ``shape`` whose inputs are
    ``operands`` (each (size, stride), broadcastable to ``shape``): the output follows the
    inputs' memory order (TensorIteratorBase::fast_set_up / reorder_dimensions)."""
    n = len(shape)
    if n == 0:
        return ()
    if all(tuple(s) == tuple(shape) for s, _ in operands):
        if all(is_contiguous(s, st) for s, st in operands):
            return contiguous_strides(shape)
        if all(is_channels_last_contiguous(s, st) for s, st in operands):
            return channels_last_strides(shape)
        if all(is_non_overlapping_and_dense(s, st) for s, st in operands):
            first = tuple(operands[-1][1])
            if all(tuple(st) == first for _, st in operands):
                return first
    op_strides = [_iterator_strides(s, st, shape) for s, st in operands]
    perm = _reorder_dimensions(shape, op_strides)
    if perm == list(range(n - 1, -1, -1)):
        return contiguous_strides(shape)
    out = [0] * n
    acc = 1
    for d in perm:  # perm[0] is the fastest-moving dim
        out[d] = acc
        acc *= shape[d]
    return tuple(out)


def _iterator_strides(size: Sequence[int], strides: Sequence[int],
                      shape: Sequence[int]) -> Strides:
    lead = len(shape) - len(size)
    out = [0] * lead
    for i, (s, st) in enumerate(zip(size, strides)):
        out.append(0 if (s == 1 and shape[lead + i] != 1) else st)
    return tuple(out)


def _reorder_dimensions(shape: Sequence[int], op_strides: Sequence[Strides]) -> list[int]:
    """TensorIteratorBase::reorder_dimensions: insertion sort of the dims, fastest first."""
    n = len(shape)
    if n == 1:
        return [0]
    def should_swap(d0: int, d1: int) -> int:
        for st in op_strides:
            s0, s1 = st[d0], st[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 < s1:
                return -1
            if s0 > s1:
                return 1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    return _sort_dims(n, should_swap)


def _sort_dims(n: int, should_swap: Callable[[int, int], int]) -> list[int]:
    """The insertion sort TensorIterator and infer_dense_strides share: starting from the
    reversed dims, move a dim left while ``should_swap`` says 1; stop at -1; 0 is ambiguous
    (a broadcast dim) and lets the sort look further left."""
    perm = list(range(n - 1, -1, -1))
    for i in range(1, n):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return perm


def format_strides(shape: Sequence[int], strides: Sequence[int], fmt: memory_format | None
                   ) -> Strides:
    """The strides of a new tensor of ``shape`` laid out in memory format ``fmt``
    (https://docs.pytorch.org/docs/stable/tensor_attributes.html#torch.memory_format):
    preserve_format (or None) follows the input's ``strides``, contiguous_format is row-major,
    channels_last is NHWC and needs 4 dims."""
    if fmt is None or fmt is preserve_format:
        return preserve_format_strides(shape, strides)
    if fmt is contiguous_format:
        return contiguous_strides(shape)
    if fmt is channels_last:
        if len(shape) != 4:
            raise RuntimeError("required rank 4 tensor to use channels_last format")
        return channels_last_strides(shape)
    raise NotModelled(f"memory_format={fmt!r}")


def channels_last_strides(shape: Sequence[int]) -> Strides:
    """c10 ``get_channels_last_strides_2d``."""
    _, c, h, w = (max(s, 1) for s in shape)
    return (h * w * c, 1, w * c, c)


def channels_last_3d_strides(shape: Sequence[int]) -> Strides:
    """c10 ``get_channels_last_strides_3d`` (N, C, D, H, W with C innermost)."""
    _, c, d, h, w = (max(s, 1) for s in shape)
    return (d * h * w * c, 1, h * w * c, w * c, c)


def _strides_like_channels_last(shape: Sequence[int], strides: Sequence[int],
                                order: Sequence[int]) -> bool:
    """c10 ``is_channels_last_strides_2d_s4`` / ``_3d_s5``: the strides grow along ``order``
    (channels first), with NCHW as the default for ambiguous size-1 cases."""
    least = 0
    if strides[1] == 0:
        return False
    for d in order:
        if shape[d] == 0 or strides[d] < least:
            return False
        if d == 0 and least == strides[1]:
            return False
        least = strides[d] * (shape[d] if shape[d] > 1 else 1)
    return True


def suggest_memory_format(shape: Sequence[int], strides: Sequence[int]) -> str:
    """``Tensor.suggest_memory_format()``: "channels_last" for a 4-d tensor (and
    "channels_last_3d" for a 5-d one) whose strides look channels-last, else "contiguous"."""
    if len(shape) == 4 and _strides_like_channels_last(shape, strides, (1, 3, 2, 0)):
        return "channels_last"
    if len(shape) == 5 and _strides_like_channels_last(shape, strides, (1, 4, 3, 2, 0)):
        return "channels_last_3d"
    return "contiguous"


def strides_for_format(shape: Sequence[int], fmt: str) -> Strides:
    """Dense strides of ``shape`` in a memory format named as ``suggest_memory_format`` names
    it."""
    if fmt == "channels_last":
        return channels_last_strides(shape)
    if fmt == "channels_last_3d":
        return channels_last_3d_strides(shape)
    return contiguous_strides(shape)


def infer_dense_strides(shape: Sequence[int], strides: Sequence[int]) -> Strides:
    """ATen ``infer_dense_strides`` (what ``empty_like``/``clone`` use with preserve_format for
    inputs that are not non-overlapping and dense): keep the memory order, drop the gaps."""
    n = len(shape)
    if n == 0:
        return ()
    def should_swap(d0: int, d1: int) -> int:
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 < s1:
            return -1
        if s0 > s1:
            return 1
        return 1 if shape[d0] > shape[d1] else 0

    perm = _sort_dims(n, should_swap)
    out = [0] * n
    acc = 1
    for d in perm:
        out[d] = acc
        if shape[d] > 1:
            acc *= shape[d]
    return tuple(out)


def preserve_format_strides(shape: Sequence[int], strides: Sequence[int]) -> Strides:
    """Strides of ``empty_like(x)``/``clone(x)`` under ``torch.preserve_format``."""
    if is_non_overlapping_and_dense(shape, strides):
        return tuple(strides)
    return infer_dense_strides(shape, strides)


def storage_extent(shape: Sequence[int], strides: Sequence[int], offset: int) -> int:
    """Elements of storage a tensor needs (ATen ``computeStorageNbytes`` / itemsize)."""
    if prod(shape) == 0:
        return 0
    return offset + 1 + sum((s - 1) * st for s, st in zip(shape, strides))


def element_offsets(shape: Sequence[int], strides: Sequence[int], offset: int) -> list[int]:
    """Storage positions of every element, in row-major order of the logical index."""
    offs = [offset]
    for size, stride in zip(shape, strides):
        offs = [o + i * stride for o in offs for i in range(size)]
    return offs


class MemOverlap(Enum):
    """ATen ``MemOverlap``: whether a tensor's elements share memory locations."""

    NO = "no"
    YES = "yes"
    TOO_HARD = "too_hard"


class MemOverlapStatus(Enum):
    """ATen ``MemOverlapStatus``: how the memory of two tensors of one storage relates."""

    FULL = "full"
    PARTIAL = "partial"
    NO = "no"
    TOO_HARD = "too_hard"


def has_internal_overlap(shape: Sequence[int], strides: Sequence[int]) -> MemOverlap:
    """ATen ``has_internal_overlap``: YES when a stride-0 dim of size > 1 exists, NO when the
    layout is non-overlapping and dense, TOO_HARD otherwise."""
    if is_non_overlapping_and_dense(shape, strides):
        return MemOverlap.NO
    if any(st == 0 and s > 1 for s, st in zip(shape, strides)):
        return MemOverlap.YES
    return MemOverlap.TOO_HARD


def overlap_status(a: tuple[Sequence[int], Sequence[int], int, int],
                   b: tuple[Sequence[int], Sequence[int], int, int]) -> MemOverlapStatus:
    """ATen ``get_overlap_status`` for two tensors of one storage, each (shape, strides,
    offset, itemsize): FULL when they are the same memory, PARTIAL when their byte ranges
    intersect, NO otherwise, TOO_HARD for non-dense layouts."""
    (sa, sta, oa, ia), (sb, stb, ob, ib) = a, b
    if prod(sa) == 0 or prod(sb) == 0:
        return MemOverlapStatus.NO
    if not (is_non_overlapping_and_dense(sa, sta) and is_non_overlapping_and_dense(sb, stb)):
        return MemOverlapStatus.TOO_HARD
    a_start, a_end = oa * ia, (oa + storage_extent(sa, sta, 0)) * ia
    b_start, b_end = ob * ib, (ob + storage_extent(sb, stb, 0)) * ib
    if a_start == b_start and a_end == b_end and tuple(sta) == tuple(stb) and ia == ib:
        return MemOverlapStatus.FULL
    if a_start < b_end and b_start < a_end:
        return MemOverlapStatus.PARTIAL
    return MemOverlapStatus.NO


class memory_format:  # noqa: N801 - torch's name
    """``torch.memory_format``: how a new tensor's strides are chosen."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")


class layout:  # noqa: N801 - torch's name
    """``torch.layout``: how a tensor's elements are stored (``torch.strided``: dense, with
    strides; ``torch.sparse_coo``: indices and values)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


strided = layout("strided")
sparse_coo = layout("sparse_coo")
