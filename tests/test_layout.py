"""The pure layout functions of reference_impl/_core/layout.py, against hand examples and
properties.

Only the pure functions are used here (tuples in, tuples out): no tensors, no torch. Every hand
example below was worked out from the ATen rule the function ports; where a value is not
obvious, the comment shows the working.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reference_impl._core.layout import (
    MemOverlapStatus,
    broadcast_shapes,
    compute_stride,
    contiguous_strides,
    element_offsets,
    infer_dense_strides,
    infer_size,
    is_channels_last_contiguous,
    is_contiguous,
    is_non_overlapping_and_dense,
    iterator_output_strides,
    overlap_status,
    preserve_format_strides,
    storage_extent,
)

# ---- strategies ---------------------------------------------------------------------------------

MAX_NUMEL = 64
EXAMPLES = 150  # the functions are pure and cheap: this many examples take a few seconds


@st.composite
def shapes(draw, min_side: int = 0, max_dims: int = 4) -> tuple[int, ...]:
    """Shapes of at most ``max_dims`` dims and at most MAX_NUMEL elements."""
    nd = draw(st.integers(0, max_dims))
    out: list[int] = []
    for _ in range(nd):
        room = MAX_NUMEL // max(math.prod(out), 1)
        out.append(draw(st.integers(min_side, max(min_side, min(5, room)))))
    return tuple(out)


@st.composite
def factorizations(draw, numel: int) -> tuple[int, ...]:
    """A random shape with exactly ``numel`` elements (size-1 dims sprinkled in)."""
    assert numel > 0
    dims: list[int] = []
    rest = numel
    for _ in range(draw(st.integers(0, 4))):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = draw(st.sampled_from(divisors))
        dims.append(d)
        rest //= d
    dims.append(rest)
    for _ in range(draw(st.integers(0, 2))):
        dims.insert(draw(st.integers(0, len(dims))), 1)
    order = draw(st.permutations(range(len(dims))))
    return tuple(dims[i] for i in order)


@st.composite
def layouts(draw) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """(shape, strides, offset) of a view of some storage: a contiguous block, sometimes
    permuted, sometimes stepped (slicing with step > 1), with some dims expanded (stride 0)."""
    shape = draw(shapes(min_side=1))
    n = len(shape)
    perm = list(range(n))
    if draw(st.booleans()):
        perm = draw(st.permutations(range(n)))
    base = contiguous_strides(tuple(shape[p] for p in perm))
    strides = [0] * n
    for i, p in enumerate(perm):
        strides[p] = base[i]
    steps = draw(st.lists(st.sampled_from([1, 1, 1, 2, 3]), min_size=n, max_size=n))
    strides = [s * k for s, k in zip(strides, steps)]
    # Expand some dims: the stride becomes 0 (expand of a size-1 dim to any size).
    for d in range(n):
        if draw(st.sampled_from(range(6))) == 5:
            strides[d] = 0
    return tuple(shape), tuple(strides), draw(st.integers(0, 5))


@st.composite
def reshapes(draw, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape with the same number of elements, made from ``shape`` by a few merges of
    adjacent dims, splits of a dim into two factors, and size-1 dims added or removed."""
    dims = list(shape)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["merge", "split", "merge", "split", "add1", "drop1"]))
        if op == "merge" and len(dims) >= 2:
            i = draw(st.integers(0, len(dims) - 2))
            dims[i:i + 2] = [dims[i] * dims[i + 1]]
        elif op == "split" and dims:
            i = draw(st.integers(0, len(dims) - 1))
            proper = [d for d in range(2, dims[i]) if dims[i] % d == 0]
            a = draw(st.sampled_from(proper or [1, dims[i]]))
            dims[i:i + 1] = [a, dims[i] // a]
        elif op == "add1":
            dims.insert(draw(st.integers(0, len(dims))), 1)
        elif op == "drop1" and 1 in dims:
            dims.remove(1)
    return tuple(dims)


@st.composite
def arbitrary_layouts(draw) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """Any non-negative strides at all, overlapping or not."""
    shape = draw(shapes())
    strides = draw(st.lists(st.integers(0, 30), min_size=len(shape), max_size=len(shape)))
    return shape, tuple(strides), draw(st.integers(0, 5))


# ---- contiguous_strides / is_contiguous ---------------------------------------------------------

def test_contiguous_strides_hand_examples() -> None:
    """Row-major strides are the products of the trailing sizes, a size-0 dim counting as 1."""
    assert contiguous_strides((2, 3, 4)) == (12, 4, 1)
    assert contiguous_strides((2, 0, 3)) == (3, 3, 1)
    assert contiguous_strides(()) == ()
    assert contiguous_strides((5,)) == (1,)
    assert contiguous_strides((3, 1, 2)) == (2, 2, 1)


def test_is_contiguous_ignores_strides_of_size_one_dims() -> None:
    """A size-1 dim may have any stride and the tensor stays contiguous."""
    assert is_contiguous((2, 1, 3), (3, 3, 1))
    assert is_contiguous((2, 1, 3), (3, 99, 1))
    assert is_contiguous((1, 4), (1, 1))  # e.g. zeros(4, 1).t()
    assert is_contiguous((4, 1), (1, 4))
    assert not is_contiguous((2, 3), (1, 2))  # transposed
    assert not is_contiguous((2, 3), (4, 1))  # row gap (a slice of a (2, 4) tensor)
    assert not is_contiguous((3,), (2,))


def test_is_contiguous_true_for_empty_tensors() -> None:
    """An empty tensor is contiguous whatever its strides."""
    assert is_contiguous((0,), (7,))
    assert is_contiguous((2, 0, 3), (1, 5, 9))
    assert is_contiguous((), ())  # a 0-dim tensor has one element and no strides


def test_channels_last_contiguity_hand_examples() -> None:
    """channels_last order is C, W, H, N from fastest to slowest, size-1 dims skipped."""
    assert is_channels_last_contiguous((2, 3, 4, 5), (60, 1, 15, 3))
    assert not is_channels_last_contiguous((2, 3, 4, 5), (60, 20, 5, 1))
    assert is_channels_last_contiguous((2, 1, 4, 5), (20, 1, 5, 1))  # C=1: ambiguous layout
    assert not is_channels_last_contiguous((2, 3), (3, 1))


def test_channels_last_contiguity_of_empty_tensors_follows_c10() -> None:
    """c10's compute_channels_last_contiguous_2d has no empty-tensor shortcut: torch.empty(0, 3,
    2, 2) (strides (12, 4, 2, 1)) is not channels_last contiguous, but its channels_last
    counterpart (strides (12, 1, 6, 3)) is."""
    # Working (c10, dims in order 1, 3, 2, 0, skipping size 1): dim 1 has size 3 and stride 4,
    # but the first expected stride is 1, so the answer is False.
    assert is_channels_last_contiguous((0, 3, 2, 2), (12, 1, 6, 3))
    assert not is_channels_last_contiguous((0, 3, 2, 2), (12, 4, 2, 1))


# ---- compute_stride (the view rule) -------------------------------------------------------------

def test_compute_stride_contiguous_merge() -> None:
    """Merging the two leading dims of a contiguous tensor keeps the trailing stride."""
    assert compute_stride((2, 3, 4), (12, 4, 1), (6, 4)) == (4, 1)
    assert compute_stride((2, 3, 4), (12, 4, 1), (24,)) == (1,)
    assert compute_stride((2, 3, 4), (12, 4, 1), (4, 6)) == (6, 1)


def test_compute_stride_transposed_cannot_flatten() -> None:
    """A transposed tensor's dims span two contiguous subspaces: no flat view exists."""
    assert compute_stride((3, 2), (1, 3), (6,)) is None
    assert compute_stride((3, 2), (1, 3), (2, 3)) is None


def test_compute_stride_splits_a_dim() -> None:
    """Splitting one dim of a non-contiguous tensor multiplies out that dim's stride."""
    # arange(24).view(6, 4).t() has shape (4, 6), strides (1, 4); its dim 1 (size 6, stride 4)
    # splits into (2, 3) with strides (3 * 4, 4).
    assert compute_stride((4, 6), (1, 4), (4, 2, 3)) == (1, 12, 4)
    assert compute_stride((6,), (2,), (2, 3)) == (6, 2)  # a stepped slice splits too
    assert compute_stride((4, 6), (1, 4), (24,)) is None


def test_compute_stride_expanded() -> None:
    """An expanded (stride-0) dim splits into stride-0 dims but cannot merge with a real one."""
    # zeros(1, 4).expand(3, 4): shape (3, 4), strides (0, 1).
    assert compute_stride((3, 4), (0, 1), (3, 2, 2)) == (0, 2, 1)
    assert compute_stride((3, 4), (0, 1), (12,)) is None
    # zeros(1).expand(4).view(2, 2) has strides (0, 0).
    assert compute_stride((4,), (0,), (2, 2)) == (0, 0)


def test_compute_stride_size_one_dims_and_scalars() -> None:
    """Size-1 dims can be added or dropped freely; a 0-dim tensor views as all-ones shapes."""
    assert compute_stride((2, 3), (3, 1), (1, 6)) == (6, 1)
    assert compute_stride((2, 3), (3, 1), (2, 1, 3)) == (3, 3, 1)
    assert compute_stride((3, 1, 2), (1, 7, 3), (3, 2)) == (1, 3)
    # The stride of a size-1 dim never splits a chunk: (2, 1, 3) with strides (3, 99, 1)
    # flattens, as torch's view does.
    assert compute_stride((2, 1, 3), (3, 99, 1), (6,)) == (1,)
    assert compute_stride((), (), (1, 1)) == (1, 1)
    assert compute_stride((), (), ()) == ()


def test_compute_stride_empty() -> None:
    """An empty tensor can be viewed as any shape with no elements."""
    assert compute_stride((0, 3), (3, 1), (0, 3)) == (3, 1)
    assert compute_stride((0, 3), (1, 7), (3, 0)) == (1, 1)


# ---- is_non_overlapping_and_dense ---------------------------------------------------------------

def test_non_overlapping_and_dense_hand_examples() -> None:
    """Permuted dense layouts qualify; sliced (gapped) and expanded (overlapping) ones do not;
    empty tensors do."""
    assert is_non_overlapping_and_dense((2, 3, 4), (12, 4, 1))
    assert is_non_overlapping_and_dense((4, 2, 3), (1, 12, 4))  # permute(2, 0, 1)
    assert is_non_overlapping_and_dense((3, 2), (1, 3))  # transposed
    assert not is_non_overlapping_and_dense((2, 2), (3, 1))  # t[:, :2] of a (2, 3) tensor
    assert not is_non_overlapping_and_dense((3,), (2,))  # t[::2]
    assert not is_non_overlapping_and_dense((3, 4), (0, 1))  # expanded
    assert is_non_overlapping_and_dense((0, 3), (1, 5))
    assert is_non_overlapping_and_dense((1,), (9,))
    assert is_non_overlapping_and_dense((2, 1, 3), (1, 100, 2))  # size-1 dims do not count


# ---- broadcast_shapes ---------------------------------------------------------------------------

def test_broadcast_shapes_hand_examples() -> None:
    """Right-aligned sizes pair up; a 1 or a missing dim stretches to the other size."""
    assert broadcast_shapes((2, 3), (3,)) == (2, 3)
    assert broadcast_shapes((5, 1, 4), (3, 1)) == (5, 3, 4)
    assert broadcast_shapes((1,), ()) == (1,)
    assert broadcast_shapes((), ()) == ()
    assert broadcast_shapes((2, 1), (1, 3), (4, 1, 1)) == (4, 2, 3)
    assert broadcast_shapes((0,), (1,)) == (0,)


def test_broadcast_shapes_error_message() -> None:
    """A mismatch is reported with ATen's message, numbering the dim in the result shape."""
    with pytest.raises(RuntimeError) as info:
        broadcast_shapes((2,), (3,))
    assert str(info.value) == ("The size of tensor a (2) must match the size of tensor b (3) at "
                               "non-singleton dimension 0")
    with pytest.raises(RuntimeError) as info:
        broadcast_shapes((5, 2, 3), (4, 3))
    assert str(info.value) == ("The size of tensor a (2) must match the size of tensor b (4) at "
                               "non-singleton dimension 1")


def test_broadcast_shapes_reports_the_rightmost_mismatch() -> None:
    """ATen's infer_size walks the dims from the last one, so with several mismatching dims
    the error names the rightmost one (torch.zeros(2, 3) + torch.zeros(4, 5) names 3 vs 5)."""
    with pytest.raises(RuntimeError) as info:
        broadcast_shapes((2, 3), (4, 5))
    assert str(info.value) == ("The size of tensor a (3) must match the size of tensor b (5) at "
                               "non-singleton dimension 1")


# ---- infer_size ---------------------------------------------------------------------------------

def test_infer_size_resolves_minus_one() -> None:
    """A single -1 becomes numel divided by the product of the other sizes."""
    assert infer_size((-1, 3), 12) == (4, 3)
    assert infer_size((2, -1, 2), 12) == (2, 3, 2)
    assert infer_size((-1,), 0) == (0,)
    assert infer_size((2, -1), 0) == (2, 0)
    assert infer_size((3, 4), 12) == (3, 4)


def test_infer_size_errors() -> None:
    """Two -1s, or sizes that do not multiply to numel, raise torch's messages."""
    with pytest.raises(RuntimeError, match="^only one dimension can be inferred$"):
        infer_size((-1, -1), 12)
    with pytest.raises(RuntimeError) as info:
        infer_size((5, -1), 12)
    assert str(info.value) == "shape '[5, -1]' is invalid for input of size 12"
    with pytest.raises(RuntimeError) as info:
        infer_size((5, 2), 12)
    assert str(info.value) == "shape '[5, 2]' is invalid for input of size 12"
    with pytest.raises(RuntimeError) as info:
        infer_size((0, -1), 0)
    assert "unspecified dimension size -1 can be any value and is ambiguous" in str(info.value)
    with pytest.raises(RuntimeError, match="invalid shape dimension -2"):
        infer_size((-2, 6), 12)


# ---- iterator_output_strides --------------------------------------------------------------------

def test_iterator_output_strides_contiguous_inputs() -> None:
    """Contiguous inputs, broadcast or not, give a contiguous output."""
    assert iterator_output_strides((2, 3), [((2, 3), (3, 1)), ((2, 3), (3, 1))]) == (3, 1)
    assert iterator_output_strides((2, 3), [((2, 3), (3, 1)), ((3,), (1,))]) == (3, 1)
    assert iterator_output_strides((), [((), ()), ((), ())]) == ()


def test_iterator_output_strides_follow_a_transposed_input() -> None:
    """The output follows the memory order of the inputs: a transposed input gives a transposed
    output, and the first operand breaks a tie."""
    t = ((3, 2), (1, 3))  # zeros(2, 3).t()
    c = ((3, 2), (2, 1))
    assert iterator_output_strides((3, 2), [t]) == (1, 3)
    assert iterator_output_strides((3, 2), [t, t]) == (1, 3)
    assert iterator_output_strides((3, 2), [t, c]) == (1, 3)
    assert iterator_output_strides((3, 2), [c, t]) == (2, 1)
    assert iterator_output_strides((3, 2), [t, ((2,), (1,))]) == (1, 3)  # broadcast second
    # A Python scalar operand (0-dim) disables the fast path: (4, 1) with strides (1, 4) is
    # contiguous, yet the output keeps the input's order, (1, 4), as torch's t * 2 does.
    assert iterator_output_strides((4, 1), [((4, 1), (1, 4)), ((), ())]) == (1, 4)


def test_iterator_output_strides_permuted_3d() -> None:
    """A permuted 3-d input is followed dim by dim."""
    # zeros(2, 3, 4).permute(2, 0, 1): shape (4, 2, 3), strides (1, 12, 4).
    assert iterator_output_strides((4, 2, 3), [((4, 2, 3), (1, 12, 4))]) == (1, 12, 4)
    # The same input sliced (not dense) still fixes the order: fastest dim 0, then 2, then 1.
    assert iterator_output_strides((4, 2, 3), [((4, 2, 3), (2, 24, 8))]) == (1, 12, 4)


# ---- infer_dense_strides / preserve_format_strides ----------------------------------------------

def test_infer_dense_strides_aten_example() -> None:
    """ATen's example, sizes (6, 5, 4, 3, 2) with strides (6, 0, 120, 0, 1), keeps the memory
    order of the non-zero strides and drops the gaps: (6, 36, 180, 2, 1)."""
    # Working: perm starts [4, 3, 2, 1, 0] (fastest first). A comparison involving a stride-0
    # dim (1 or 3) is ambiguous and neither swaps nor stops the insertion. Inserting dim 0
    # (stride 6): it passes dim 1 (ambiguous), swaps with dim 2 (120 > 6), passes dim 3
    # (ambiguous) and stops at dim 4 (1 < 6): perm = [4, 3, 0, 1, 2].
    # Strides in that order: dim 4 -> 1, dim 3 -> 2, dim 0 -> 2*3 = 6, dim 1 -> 6*6 = 36,
    # dim 2 -> 36*5 = 180.
    assert infer_dense_strides((6, 5, 4, 3, 2), (6, 0, 120, 0, 1)) == (6, 36, 180, 2, 1)


def test_infer_dense_strides_small_examples() -> None:
    """Gaps are dropped, order is kept, size-1 dims take the running stride."""
    assert infer_dense_strides((2, 2), (3, 1)) == (2, 1)  # a sliced row-major tensor
    assert infer_dense_strides((2, 3), (1, 4)) == (1, 2)  # a sliced column-major tensor
    assert infer_dense_strides((3,), (2,)) == (1,)
    # (3, 1, 2) with strides (4, 5, 1) (gapped): order dim 2, dim 0, then the size-1 dim 1.
    assert infer_dense_strides((3, 1, 2), (4, 5, 1)) == (2, 6, 1)
    assert infer_dense_strides((), ()) == ()
    # Equal strides: the smaller dim goes first (fastest), as torch.empty_like does for
    # as_strided((2, 3), (1, 1)) and as_strided((3, 2), (1, 1)).
    assert infer_dense_strides((2, 3), (1, 1)) == (1, 2)
    assert infer_dense_strides((3, 2), (1, 1)) == (2, 1)


def test_preserve_format_strides() -> None:
    """Dense inputs keep their strides exactly; others get infer_dense_strides."""
    assert preserve_format_strides((3, 2), (1, 3)) == (1, 3)
    assert preserve_format_strides((2, 1, 3), (1, 100, 2)) == (1, 100, 2)
    assert preserve_format_strides((2, 2), (3, 1)) == (2, 1)
    assert preserve_format_strides((3, 4), (0, 1)) == (4, 1)


# ---- overlap_status / storage_extent ------------------------------------------------------------

def test_overlap_status_full_partial_no() -> None:
    """Same memory and strides is full; intersecting byte ranges partial; disjoint ones no."""
    a = ((4,), (1,), 0, 4)
    assert overlap_status(a, a) is MemOverlapStatus.FULL
    assert overlap_status(a, ((4,), (1,), 2, 4)) is MemOverlapStatus.PARTIAL
    assert overlap_status(((2,), (1,), 0, 4), ((2,), (1,), 2, 4)) is MemOverlapStatus.NO
    # Same bytes, different strides (a (2, 2) block and its transpose): partial.
    assert overlap_status(((2, 2), (2, 1), 0, 4), ((2, 2), (1, 2), 0, 4)) \
        is MemOverlapStatus.PARTIAL
    # Byte ranges, not element indices, decide: float32 [0, 8) vs float64 [8, 16).
    assert overlap_status(((2,), (1,), 0, 4), ((1,), (1,), 1, 8)) is MemOverlapStatus.NO
    assert overlap_status(((2,), (1,), 0, 4), ((0,), (1,), 0, 4)) is MemOverlapStatus.NO
    assert overlap_status(((2,), (2,), 0, 4), a) is MemOverlapStatus.TOO_HARD


def test_storage_extent() -> None:
    """The storage a layout needs ends one past its last element."""
    assert storage_extent((2, 3), (3, 1), 0) == 6
    assert storage_extent((2, 3), (1, 4), 2) == 2 + 1 + 1 + 8
    assert storage_extent((0, 3), (3, 1), 5) == 0
    assert storage_extent((), (), 3) == 4


# ---- properties ---------------------------------------------------------------------------------

@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_contiguous_view_is_always_possible(data: st.DataObject) -> None:
    """Any shape with as many elements is a view of a contiguous tensor, with contiguous
    strides."""
    shape = data.draw(shapes(min_side=1), label="shape")
    numel = math.prod(shape)
    new_shape = data.draw(factorizations(numel), label="new_shape")
    assert math.prod(new_shape) == numel
    assert compute_stride(shape, contiguous_strides(shape), new_shape) == \
        contiguous_strides(new_shape)


@settings(max_examples=EXAMPLES)
@given(shape=shapes())
def test_element_offsets_of_contiguous_tensor(shape: tuple[int, ...]) -> None:
    """A contiguous tensor addresses storage 0, 1, ..., numel - 1 in row-major order."""
    assert element_offsets(shape, contiguous_strides(shape), 0) == list(range(math.prod(shape)))
    assert is_contiguous(shape, contiguous_strides(shape))
    assert is_non_overlapping_and_dense(shape, contiguous_strides(shape))


@st.composite
def compatible_pairs(draw) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Two shapes that broadcast, and the shape they broadcast to."""
    result = draw(shapes())

    def operand() -> tuple[int, ...]:
        k = draw(st.integers(0, len(result)))
        suffix = result[len(result) - k:]
        return tuple(1 if draw(st.booleans()) else s for s in suffix)

    return operand(), operand(), result


@settings(max_examples=EXAMPLES)
@given(pair=compatible_pairs())
def test_broadcast_shapes_commutes(pair: tuple[tuple[int, ...], ...]) -> None:
    """broadcast_shapes(a, b) == broadcast_shapes(b, a), and it is the elementwise maximum of
    the right-aligned sizes (no result size is ever stretched past what was given)."""
    a, b, result = pair
    ab = broadcast_shapes(a, b)
    assert ab == broadcast_shapes(b, a)
    n = max(len(a), len(b))
    pa = (1,) * (n - len(a)) + tuple(a)
    pb = (1,) * (n - len(b)) + tuple(b)
    assert ab == tuple(y if x == 1 else x for x, y in zip(pa, pb))
    assert all(s in (1, r) for s, r in zip(ab, result[len(result) - n:]))


@settings(max_examples=EXAMPLES)
@given(a=shapes(max_dims=3), b=shapes(max_dims=3))
def test_broadcast_shapes_commutes_or_raises_both_ways(a: tuple[int, ...],
                                                       b: tuple[int, ...]) -> None:
    """For any pair, broadcast_shapes either succeeds both ways with one result or raises both
    ways."""
    try:
        ab = broadcast_shapes(a, b)
    except RuntimeError:
        with pytest.raises(RuntimeError):
            broadcast_shapes(b, a)
        return
    assert broadcast_shapes(b, a) == ab


@settings(max_examples=EXAMPLES)
@given(layout=st.one_of(layouts(), arbitrary_layouts()), data=st.data())
def test_view_addresses_the_same_elements(layout: tuple, data: st.DataObject) -> None:
    """A view made with compute_stride's strides reads the same storage positions, in row-major
    order, as the tensor it views (the defining invariant of view)."""
    shape, strides, offset = layout
    numel = math.prod(shape)
    assume(numel > 0)
    new_shape = data.draw(st.one_of(reshapes(shape), factorizations(numel)), label="new_shape")
    assert math.prod(new_shape) == numel
    new_strides = compute_stride(shape, strides, new_shape)
    if new_strides is None:
        # No view: at least the trivial reshapes must have been possible.
        assert tuple(new_shape) != tuple(shape)
        return
    assert len(new_strides) == len(new_shape)
    assert element_offsets(new_shape, new_strides, offset) == \
        element_offsets(shape, strides, offset)


@settings(max_examples=EXAMPLES)
@given(layout=layouts())
def test_view_as_own_shape_and_with_unit_dims(layout: tuple) -> None:
    """Viewing as the same shape, or adding a size-1 dim, always succeeds and reads the same
    elements."""
    shape, strides, offset = layout
    assume(math.prod(shape) > 0)
    want = element_offsets(shape, strides, offset)
    for new_shape in (shape, (1,) + shape, shape + (1,)):
        new_strides = compute_stride(shape, strides, new_shape)
        assert new_strides is not None, new_shape
        assert element_offsets(new_shape, new_strides, offset) == want


@settings(max_examples=EXAMPLES)
@given(layout=st.one_of(layouts(), arbitrary_layouts()), data=st.data())
def test_strides_of_size_one_dims_do_not_decide_views(layout: tuple,
                                                      data: st.DataObject) -> None:
    """Changing the strides of size-1 dims changes neither whether a view exists nor which
    elements it reads."""
    shape, strides, offset = layout
    numel = math.prod(shape)
    assume(numel > 0 and 1 in shape)
    # The layout with each size-1 dim given the stride a contiguous run would have there
    # (the next dim's stride times its size), against arbitrary strides for those dims.
    canonical = list(strides)
    for d in range(len(shape) - 1, -1, -1):
        if shape[d] == 1:
            canonical[d] = canonical[d + 1] * shape[d + 1] if d + 1 < len(shape) else 1
    other = [data.draw(st.integers(0, 50), label="stride") if s == 1 else x
             for s, x in zip(shape, strides)]
    new_shape = data.draw(st.one_of(reshapes(shape), factorizations(numel)), label="new_shape")
    results = [compute_stride(shape, tuple(x), new_shape) for x in (strides, canonical, other)]
    assert len({r is None for r in results}) == 1, results
    if results[0] is not None:
        want = element_offsets(shape, strides, offset)
        for r in results:
            assert element_offsets(new_shape, r, offset) == want


@settings(max_examples=EXAMPLES)
@given(layout=arbitrary_layouts())
def test_infer_dense_strides_is_dense(layout: tuple) -> None:
    """infer_dense_strides gives a non-overlapping, dense layout for any strides, so the
    storage it needs is exactly numel elements."""
    shape, strides, _ = layout
    assume(all(s > 0 for s in shape))
    out = infer_dense_strides(shape, strides)
    assert len(out) == len(shape)
    assert is_non_overlapping_and_dense(shape, out)
    assert storage_extent(shape, out, 0) == math.prod(shape)
    assert sorted(element_offsets(shape, out, 0)) == list(range(math.prod(shape)))
    assert is_non_overlapping_and_dense(shape, preserve_format_strides(shape, strides))


@settings(max_examples=EXAMPLES)
@given(shape=shapes(min_side=2, max_dims=4), data=st.data())
def test_infer_dense_strides_keeps_a_permuted_dense_layout(shape: tuple[int, ...],
                                                           data: st.DataObject) -> None:
    """For a permutation of a dense layout (all sizes >= 2), infer_dense_strides returns the
    strides it was given: it keeps memory order."""
    perm = data.draw(st.permutations(range(len(shape))), label="perm")
    base = contiguous_strides(tuple(shape[p] for p in perm))
    strides = [0] * len(shape)
    for i, p in enumerate(perm):
        strides[p] = base[i]
    assert infer_dense_strides(shape, tuple(strides)) == tuple(strides)
    assert is_non_overlapping_and_dense(shape, tuple(strides))
