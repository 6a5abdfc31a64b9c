"""The drafter: a program under construction, mirrored on the reference so that each draw knows
the live tensors; the op tables its families choose from; and the fresh tensors (sources and
operands) every family makes.

A family drafts one statement about the live pool: it picks a subject, chooses an op among
those of its table that apply to the subject (``choose``), and lets the op draft. No op stands
in for another: an op that does not apply is not drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import reference_impl

from ..execute.runner import Session
from ..program import Program, Step
from .core import LIMITS, Draw, Subject, dtypes, literal, shapes

R = TypeVar("R")


class Choice(NamedTuple):
    """One choice of a draft: ``name`` from the table labelled ``label``, made when ``at``
    statements had been drafted."""

    label: str
    name: str
    at: int


def _is_leaf(t: Any) -> bool:
    try:
        return bool(t.is_leaf)
    except RuntimeError:  # a view whose grad_fn cannot be rebuilt
        return False


class Drafter:
    """A program under construction, mirrored on the reference to know live shapes. ``trail``
    records every choice of a table, family or form (what a meta-test reads)."""

    def __init__(self, draw: Draw, *, device: str = "cpu", observe: bool = False) -> None:
        self.draw = draw
        self.observe = observe
        self.session = Session(reference_impl, device)
        self.steps: list[Step] = []
        self.trail: list[Choice] = []
        self.counter = 0
        self.block = ""  # e.g. "with torch.no_grad():" wraps the statements added meanwhile

    def fresh(self, prefix: str = "t") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def add(self, code: str, *binds: str) -> bool:
        """Append a statement; True when it ran on the reference without error."""
        if self.block:
            code = self.block + "\n    " + code.replace("\n", "\n    ")
        step = Step(code, binds)
        self.steps.append(step)
        record = self.session.step(step, observe_after=self.observe)
        return record.error is None

    def note(self, label: str, name: str) -> None:
        self.trail.append(Choice(label, name, len(self.steps)))

    def tensors(self, **filters: Any) -> list[str]:
        from ..execute.observe import is_tensor
        out = []
        for name, value in self.session.namespace.items():
            if name in ("torch", "dev", "np") or not is_tensor(value):
                continue
            if filters.get("min_dims") is not None and value.dim() < filters["min_dims"]:
                continue
            if filters.get("kind") == "float" and not value.dtype.is_floating_point:
                continue
            if filters.get("nonempty") and value.numel() == 0:
                continue
            if filters.get("requires_grad") is not None and \
                    bool(value.requires_grad) != filters["requires_grad"]:
                continue
            if filters.get("leaf") and not _is_leaf(value):
                continue
            out.append(name)
        return out

    def value(self, name: str) -> Any:
        return self.session.namespace[name]

    def subject(self, name: str, **extra: Any) -> Subject:
        t = self.value(name)
        return Subject(name, tuple(t.shape), str(t.dtype).split(".")[1], tuple(t.stride()),
                       **extra)

    def pick(self, **filters: Any) -> str | None:
        names = self.tensors(**filters)
        if not names:
            return None
        return self.draw(st.sampled_from(names), label="tensor")

    def program(self, claims: Sequence[str] = ()) -> Program:
        return Program(tuple(self.steps), tuple(claims))


# ---- op tables ------------------------------------------------------------------------------

def always(s: Subject) -> bool:
    return True


@dataclass(frozen=True)
class Op(Generic[R]):
    """One entry of an op table. ``draft`` writes the op about the subject: an ``Op[str]``
    returns an expression its family binds to a fresh name, an ``Op[None]`` adds its own
    statements. ``applies`` says for which subjects it is drawn at all."""

    name: str
    draft: Callable[[Drafter, Subject], R]
    applies: Callable[[Subject], bool] = always


class Table(dict[str, Op[R]]):
    """Ops by name, in the order Hypothesis shrinks towards, drawn with the label ``label``."""

    def __init__(self, label: str, ops: Iterable[Op[R]]) -> None:
        super().__init__()
        self.label = label
        for op in ops:
            if op.name in self:
                raise ValueError(f"{label}: {op.name!r} twice")
            self[op.name] = op


def choose(d: Drafter, table: Table[R], s: Subject) -> Op[R]:
    """An op of ``table`` that applies to ``s``, drawn uniformly among those."""
    names = [name for name, op in table.items() if op.applies(s)]
    if not names:
        raise InvalidArgument(f"no {table.label} applies to {s}")
    name = d.draw(st.sampled_from(names), label=table.label)
    d.note(table.label, name)
    return table[name]


# ---- sources: fresh tensors with interesting layouts ----------------------------------------

LAYOUTS = ("plain", "transposed", "strided", "offset", "expanded")


def source(d: Drafter, *, dtype: str | None = None, shape: Sequence[int] | None = None,
           layout: bool = True, min_dims: int = 0) -> str:
    """A fresh tensor, optionally given a non-contiguous, offset or stride-0 layout."""
    dt = dtype or d.draw(dtypes(), label="dtype")
    shp = tuple(shape) if shape is not None else d.draw(shapes(min_dims=min_dims), label="shape")
    name = d.fresh()
    seed = d.draw(st.integers(0, 16), label="seed")
    choice = d.draw(st.sampled_from(LAYOUTS) if layout and len(shp) >= 1 else st.just("plain"),
                    label="layout")
    d.add(f"{name} = {layout_expr(shp, dt, seed, choice)}", name)
    return name


def layout_expr(shp: Sequence[int], dt: str, seed: int, choice: str) -> str:
    """An expression for a tensor of shape ``shp`` laid out as ``choice``: "plain",
    "transposed" (dims 0 and 1 swapped), "strided" (every other row), "offset" (rows from the
    second) or "expanded" (dim 0 with stride 0)."""
    shp = tuple(shp)
    base = f"torch.tensor({literal(shp, dt, seed)}, dtype=torch.{dt}, device=dev)"
    if choice == "transposed" and len(shp) >= 2:
        t_shape = (shp[1], shp[0]) + shp[2:]
        return (f"torch.tensor({literal(t_shape, dt, seed)}, dtype=torch.{dt}, device=dev)"
                ".transpose(0, 1)")
    if choice == "strided" and shp:
        big = (shp[0] * 2,) + shp[1:]
        return f"torch.tensor({literal(big, dt, seed)}, dtype=torch.{dt}, device=dev)[::2]"
    if choice == "offset" and shp:
        big = (shp[0] + 1,) + shp[1:]
        return f"torch.tensor({literal(big, dt, seed)}, dtype=torch.{dt}, device=dev)[1:]"
    if choice == "expanded" and shp:
        small = (1,) + shp[1:]
        return (f"torch.tensor({literal(small, dt, seed)}, dtype=torch.{dt}, device=dev)"
                f".expand({', '.join(map(str, shp))})")
    return base


def broadcastable_shape(d: Drafter, shape: Sequence[int]) -> tuple[int, ...]:
    """A shape that broadcasts with ``shape`` (trailing dims kept, some set to 1)."""
    keep = d.draw(st.integers(0, len(shape)), label="trailing dims")
    out = []
    for s in shape[len(shape) - keep:]:
        out.append(1 if d.draw(st.booleans(), label="to one") else s)
    lead = d.draw(st.integers(0, 1), label="extra dims") if len(shape) < LIMITS.max_dims else 0
    return (1,) * lead + tuple(out)


def both_ways_shape(d: Drafter, shape: Sequence[int]) -> tuple[int, ...]:
    """A shape that broadcasts with ``shape`` while ``shape`` also broadcasts to it: 1 where
    ``shape`` has a side > 1, and a side > 1 where ``shape`` has a 1 or lacks the dim
    ((4,) with (3, 1), (4, 1) with (4,) the other way round). In place on a tensor of
    ``shape``, this grows it (which torch refuses)."""
    wide = [i for i, n in enumerate(shape) if n > 1]
    out = list(shape)
    if wide:
        out[d.draw(st.sampled_from(wide), label="to one")] = 1
    ones = [i for i, n in enumerate(shape) if n == 1]
    size = d.draw(st.integers(2, LIMITS.max_side), label="grown size")
    if ones and d.draw(st.booleans(), label="grow a one"):
        out[d.draw(st.sampled_from(ones), label="grown dim")] = size
    elif len(out) < LIMITS.max_dims:
        out = [size] + out
    return tuple(out)


def clashing_shape(d: Drafter, shape: Sequence[int]) -> tuple[int, ...]:
    """A shape that does not broadcast with ``shape`` (non-empty): one side changed to a size
    that is neither 1 nor the same."""
    out = list(shape)
    at = d.draw(st.integers(0, len(out) - 1), label="clashing dim")
    out[at] = d.draw(st.sampled_from([n for n in range(2, LIMITS.max_side + 2) if n != out[at]]),
                     label="clashing size")
    return tuple(out)


OPERANDS = ("tensor", "scalar", "zero-dim", "same", "both ways", "clash")


def operand(d: Drafter, like: str, *, kinds: str = "all") -> str:
    """Another operand for a binary op on ``like``: a Python scalar, a 0-dim tensor, or a
    tensor whose shape broadcasts to ``like``'s, broadcasts with it both ways, or clashes."""
    t = d.value(like)
    shape = tuple(t.shape)
    grows = math.prod(max(n, 1) for n in shape) * LIMITS.max_side <= LIMITS.tensor_numel \
        and len(shape) < LIMITS.tensor_dims
    allowed = [k for k in OPERANDS if (k != "both ways" or grows) and (k != "clash" or shape)]
    kind = d.draw(st.sampled_from(allowed), label="operand")
    if kind == "scalar":
        return d.draw(st.sampled_from(["2", "-1", "0.5", "True", "3"]), label="scalar")
    if kind == "same":
        return like
    if str(t.dtype) == "torch.float16" and kinds == "all":
        kinds = "real"  # float16 with complex promotes to complex32, which is not modelled
    dt = d.draw(dtypes(kinds), label="other dtype")
    if dt == "float16" and "complex" in str(t.dtype):
        # The other way round too: a float16 tensor with a complex 0-dim one is complex32
        # (a deep-profile run drew complex128 0-dim + float16 (2,)).
        dt = "float32"
    shp = () if kind == "zero-dim" else both_ways_shape(d, shape) if kind == "both ways" \
        else clashing_shape(d, shape) if kind == "clash" else broadcastable_shape(d, shape)
    return source(d, dtype=dt, shape=shp)


# ---- programs: a first statement, then family steps -----------------------------------------

Family = Callable[[Drafter], Any]


def drafts(families: Mapping[str, Family], names: Sequence[str], *, first: Family,
           min_steps: int, max_steps: int, limit: int) -> st.SearchStrategy[Drafter]:
    """A drafter that ran ``first``, then ``min_steps``..``max_steps`` (at most ``limit``)
    steps of the named families, each drawn uniformly from ``names`` (repeat a name to weigh
    it)."""
    unknown = sorted(set(names) - set(families))
    if unknown or not names:
        raise InvalidArgument(f"families {list(names)}: expected names of {sorted(families)}")
    if not 0 <= min_steps <= max_steps <= limit:
        raise InvalidArgument(f"min_steps={min_steps}, max_steps={max_steps}: expected "
                              f"0 <= min_steps <= max_steps <= {limit}")
    return _drafts(families, tuple(names), first, min_steps, max_steps)


@st.composite
def _drafts(draw: Draw, families: Mapping[str, Family], names: tuple[str, ...], first: Family,
            min_steps: int, max_steps: int) -> Drafter:
    d = Drafter(draw)
    first(d)
    n = draw(st.integers(min_steps, max_steps), label="steps")
    for _ in range(n):
        family = draw(st.sampled_from(names), label="family")
        d.note("family", family)
        families[family](d)
    return d
