"""Hypothesis strategies for Programs of the memory families.

A program is drafted one statement at a time. Each drafted statement is executed on the
reference right away (a ``Drafter``'s session), so the next draw knows the live tensors' shapes
and dtypes and can pick arguments that are mostly valid (and sometimes deliberately invalid, to
exercise torch's errors). Every ``draw`` carries a ``label``; one place bounds every generated
size (``LIMITS``).

A family drafts one statement about the live pool; its ops are a table (``VIEW_OPS``,
``INDEX_OPS``, ``SETITEM_KEYS``, ``INPLACE_OPS``, ``OUT_OPS``, ``ARITH_OPS``), one small
function per op, drawn among those that apply to the subject. This module gathers them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import strategies as st

from ..program import Program
from .arith import ARITH_OPS, arith_step
from .core import (
    ALL_DTYPES,
    LIMITS,
    PAIR_KINDS,
    Limits,
    Subject,
    dtypes,
    literal,
    shape_pairs,
    shapes,
)
from .drafter import Drafter, Op, Table, broadcastable_shape, drafts, layout_expr, operand, source
from .indexing import INDEX_OPS, SETITEM_KEYS, advanced_index, index_step, setitem_step
from .views import VIEW_OPS, basic_index, view_step
from .writes import INPLACE_OPS, OUT_OPS, inplace_step, out_step

__all__ = [
    "ALL_DTYPES", "ARITH_OPS", "FAMILIES", "INDEX_OPS", "INPLACE_OPS", "LIMITS", "OUT_OPS",
    "SETITEM_KEYS", "TABLES", "VIEW_OPS", "Drafter", "Limits", "Op", "Subject", "Table",
    "advanced_index", "arith_step", "basic_index", "broadcastable_shape", "dtypes",
    "index_step", "inplace_step", "layout_expr", "literal", "operand", "out_step", "programs",
    "setitem_step", "shapes", "source", "view_step", "PAIR_KINDS", "shape_pairs",
]

FAMILIES: dict[str, Callable[[Drafter], None]] = {
    "view": view_step, "index": index_step, "inplace": inplace_step, "setitem": setitem_step,
    "out": out_step, "arith": arith_step,
}

# The op table each family draws from.
TABLES: dict[str, Table[str] | Table[None]] = {
    "view": VIEW_OPS, "index": INDEX_OPS, "inplace": INPLACE_OPS, "setitem": SETITEM_KEYS,
    "out": OUT_OPS, "arith": ARITH_OPS,
}


def programs(families: Sequence[str] = tuple(FAMILIES), *, min_steps: int = 1,
             max_steps: int | None = None, claims: Sequence[str] = (),
             first: Callable[[Drafter], object] | None = None) -> st.SearchStrategy[Program]:
    """A program: a source tensor (or what ``first`` drafts), then ``min_steps``..``max_steps``
    (at most ``LIMITS.max_steps``) statements drafted by the given families."""
    top = LIMITS.max_steps if max_steps is None else max_steps
    return drafts(FAMILIES, families, first=first or source, min_steps=min_steps,
                  max_steps=top, limit=LIMITS.max_steps).map(lambda d: d.program(claims))
