"""What every generator shares: the bounds (``LIMITS``), dtypes, shapes, literals, and the
``Subject`` an op's predicate looks at.

Strategies validate their arguments when they are built, not when they draw (as Hypothesis'
``extra/array_api.py`` does): a bad argument is an ``InvalidArgument`` at the call site.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from typing import Any, NamedTuple

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

Draw = Callable[..., Any]


@dataclass(frozen=True)
class Limits:
    """Every size a generator draws is bounded here.

    Drawn shapes (``shapes``): at most ``max_dims`` dims of at most ``max_side``, and
    ``max_numel`` elements in all; leaves that require grad have at most ``grad_dims`` dims.
    A program has at most ``max_steps`` family steps (``grad_steps`` for autograd programs), and
    one family step adds at most ``step_statements`` statements.
    ``max_count`` bounds the small counts an op draws: the entries of an index list, a split's
    size, a chunk count, what a size-1 dim expands to, an as_strided size or stride, the columns
    of a product's operand; ``max_lead`` the new leading dim of expand, ``strided_dims`` the dims
    of as_strided.
    Every tensor a program binds, however derived, has at most ``tensor_dims`` dims and
    ``tensor_numel`` elements (so no side of a non-empty tensor exceeds ``tensor_numel``): an op
    whose result could pass them does not apply (``Subject.room``).
    """

    max_dims: int = 4
    max_side: int = 4
    max_numel: int = 24
    grad_dims: int = 3
    max_steps: int = 8
    grad_steps: int = 10
    step_statements: int = 3
    max_count: int = 3
    max_lead: int = 2
    strided_dims: int = 2
    tensor_dims: int = 8
    tensor_numel: int = 512

    def __post_init__(self) -> None:
        if min(astuple(self)) < 1:
            raise ValueError(f"every limit must be positive: {self}")
        if not (self.grad_dims <= self.max_dims <= self.tensor_dims
                and self.max_side <= self.max_numel <= self.tensor_numel):
            raise ValueError(f"drawn shapes must fit the bounds of every tensor: {self}")


LIMITS = Limits()

FLOAT_DTYPES = ("float32", "float64", "float16", "bfloat16")
INT_DTYPES = ("int64", "int32", "int16", "int8", "uint8")
COMPLEX_DTYPES = ("complex64", "complex128")
ALL_DTYPES = FLOAT_DTYPES + INT_DTYPES + ("bool",) + COMPLEX_DTYPES
DTYPE_KINDS: dict[str, tuple[str, ...]] = {
    "all": ALL_DTYPES, "float": FLOAT_DTYPES, "int": INT_DTYPES,
    "real": FLOAT_DTYPES + INT_DTYPES, "numeric": FLOAT_DTYPES + INT_DTYPES + COMPLEX_DTYPES,
    "complex": COMPLEX_DTYPES,
}


def dtypes(kinds: str = "all") -> st.SearchStrategy[str]:
    """A dtype name of the given kind (a key of ``DTYPE_KINDS``)."""
    if kinds not in DTYPE_KINDS:
        raise InvalidArgument(f"dtypes(kinds={kinds!r}): expected one of {sorted(DTYPE_KINDS)}")
    # float32 and int64 first: Hypothesis shrinks towards them.
    ordered = sorted(DTYPE_KINDS[kinds], key=lambda d: (d not in ("float32", "int64"), d))
    return st.sampled_from(ordered)


def shapes(min_dims: int = 0, max_dims: int | None = None, min_side: int = 0
           ) -> st.SearchStrategy[tuple[int, ...]]:
    """A shape within LIMITS: ``min_dims``..``max_dims`` dims, sides ``min_side``..max_side,
    at most ``LIMITS.max_numel`` elements."""
    top = LIMITS.max_dims if max_dims is None else max_dims
    if not 0 <= min_dims <= top <= LIMITS.max_dims:
        raise InvalidArgument(f"shapes(min_dims={min_dims}, max_dims={max_dims}): expected "
                              f"0 <= min_dims <= max_dims <= {LIMITS.max_dims}")
    if not 0 <= min_side <= LIMITS.max_side:
        raise InvalidArgument(f"shapes(min_side={min_side}): expected 0..{LIMITS.max_side}")
    return _shapes(min_dims, top, min_side)


@st.composite
def _shapes(draw: Draw, min_dims: int, max_dims: int, min_side: int) -> tuple[int, ...]:
    nd = draw(st.integers(min_dims, max_dims), label="ndim")
    shape: list[int] = []
    for _ in range(nd):
        room = LIMITS.max_numel // max(math.prod(shape), 1)
        shape.append(draw(st.integers(min_side, max(min_side, min(LIMITS.max_side, room))),
                          label="size"))
    return tuple(shape)


# How the two shapes of a pair relate (``shape_pairs``): equal, the second broadcast to the
# first (one way), each broadcast in some dim ((4, 1) with (4,): both ways), or incompatible.
PAIR_KINDS = ("equal", "one way", "both ways", "incompatible")


def shape_pairs(kinds: Sequence[str] = PAIR_KINDS
                ) -> st.SearchStrategy[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Two shapes within LIMITS related as one of ``kinds`` (a subset of ``PAIR_KINDS``)."""
    unknown = sorted(set(kinds) - set(PAIR_KINDS))
    if unknown or not kinds:
        raise InvalidArgument(f"shape_pairs(kinds={list(kinds)}): expected some of {PAIR_KINDS}")
    return _shape_pairs(tuple(kinds))


@st.composite
def _shape_pairs(draw: Draw, kinds: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    kind = draw(st.sampled_from(kinds), label="pair kind")
    a = draw(shapes(min_dims=1 if kind != "equal" else 0, min_side=2 if kind != "equal" else 0),
             label="first shape")
    if kind == "equal":
        return a, a
    keep = draw(st.integers(1, len(a)), label="trailing dims")
    b = list(a[len(a) - keep:])
    at = draw(st.integers(0, keep - 1), label="changed dim")
    if kind == "incompatible":
        b[at] = draw(st.sampled_from([n for n in range(LIMITS.max_side + 1)
                                      if n not in (1, b[at])]), label="clashing size")
        return a, tuple(b)
    b[at] = 1
    if kind == "one way":
        return a, tuple(b)
    # both ways: the first shape gets a 1 where the second keeps its size, or gains it in a
    # dim it lacks ((4, 1) with (4,) broadcasts to (4, 4)).
    a_list = list(a)
    if keep == len(a) and len(a) < LIMITS.max_dims:
        b = [draw(st.integers(2, LIMITS.max_side), label="new size")] + b
    else:
        lead = len(a) - keep
        other = draw(st.sampled_from([i for i in range(keep) if i != at] or [at]),
                     label="other dim")
        if other == at:
            b = [draw(st.integers(2, LIMITS.max_side), label="new size")] + b
            a_list[lead - 1] = 1
        else:
            a_list[lead + other] = 1
            b[other] = a[lead + other]
    return tuple(a_list), tuple(b)


def nest(flat: Sequence[Any], dims: Sequence[int]) -> Any:
    """``flat`` as nested lists of shape ``dims`` (its first element when ``dims`` is empty)."""
    if not dims:
        return flat[0]
    step = math.prod(dims[1:])
    return [nest(flat[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]


def literal(shape: Sequence[int], dtype: str, seed: int) -> str:
    """A nested-list literal with distinct, exactly representable values."""
    n = math.prod(shape)
    flat: list[Any] = []
    for i in range(n):
        k = (seed * 7 + i * 5) % 17 - 8
        if dtype == "bool":
            flat.append((seed + i) % 3 != 0)
        elif dtype.startswith("uint"):
            flat.append(abs(k) + i % 5)
        elif dtype in INT_DTYPES:
            flat.append(k)
        elif dtype.startswith("complex"):
            flat.append(complex(k / 2, ((i * 3) % 5) - 2))
        else:
            flat.append(k / 2)
    return repr(nest(flat, shape)) if shape else repr(flat[0]) if n else "0"


def ints(xs: Sequence[int]) -> str:
    """``1, 2, 3``: integers as call arguments."""
    return ", ".join(str(x) for x in xs)


class Subject(NamedTuple):
    """The live tensor an op is drafted on, as the op's ``applies`` predicate sees it."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    strides: tuple[int, ...] = ()
    grad: bool = False  # it has a .grad (the clearing forms)
    leaves: tuple[str, ...] = ()  # the pool's leaves that require grad (the backward forms)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def span(self) -> int:
        """The elements, with zero sides counted as one: a bound on what an op that replaces a
        side by a count can make of it."""
        return math.prod(max(n, 1) for n in self.shape)

    @property
    def expanded(self) -> bool:
        return any(n > 1 and s == 0 for n, s in zip(self.shape, self.strides))

    def room(self, dims: int = 0, times: int = 1) -> bool:
        """Whether a result with ``dims`` more dims and at most ``times`` times the span stays
        within the bounds of every tensor (``LIMITS.tensor_dims``, ``LIMITS.tensor_numel``)."""
        return self.ndim + dims <= LIMITS.tensor_dims and \
            self.span * times <= LIMITS.tensor_numel
