"""Hypothesis strategies for autograd programs: tensors that require grad, tracked ops,
backward in its forms, gradient clearing, ``.data`` and ``detach()`` writes, grad-mode blocks,
tensor hooks and nn modules (``grad_api``), beside the memory families' views, in-place ops and
indexing (any op on a tensor that requires grad records a graph).

Their tables: ``TRACKED_OPS``, ``BACKWARD_FORMS``, ``CLEAR_FORMS``, ``DATA_FORMS``,
``HOOK_FORMS``, ``MODULE_FORMS``, and the blocks and families of ``mode_step``. This module
gathers them.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from ..program import Program
from .core import LIMITS
from .drafter import Drafter, Table, drafts
from .grad_api import HOOK_FORMS, MODULE_FORMS, hook_step, module_step
from .grad_forms import (
    BACKWARD_FORMS,
    CLEAR_FORMS,
    DATA_FORMS,
    MODE_BLOCKS,
    MODE_FAMILIES,
    backward_step,
    clear_step,
    data_step,
    mode_step,
)
from .strategies import FAMILIES
from .tracked import GRAD_DTYPES, TRACKED_OPS, grad_leaf, grad_source, tracked_step

__all__ = [
    "BACKWARD_FORMS", "CLEAR_FORMS", "DATA_FORMS", "GRAD_DTYPES", "GRAD_FAMILIES", "GRAD_MIX",
    "GRAD_TABLES", "HOOK_FORMS", "MODE_BLOCKS", "MODE_FAMILIES", "MODULE_FORMS", "TRACKED_OPS",
    "backward_step", "clear_step", "data_step", "grad_leaf", "grad_programs", "grad_source",
    "hook_step", "mode_step", "module_step", "tracked_step",
]

GRAD_FAMILIES: dict[str, Callable[[Drafter], None]] = {
    "grad_source": grad_source, "tracked": tracked_step, "backward": backward_step,
    "clear": clear_step, "data": data_step, "mode": mode_step,
    "view": FAMILIES["view"], "inplace": FAMILIES["inplace"], "index": FAMILIES["index"],
    "hook": hook_step, "module": module_step,
}

# The table each autograd family draws from (the others draw from the memory families').
GRAD_TABLES: dict[str, Table[str] | Table[None]] = {
    "tracked": TRACKED_OPS, "backward": BACKWARD_FORMS, "clear": CLEAR_FORMS, "data": DATA_FORMS,
    "hook": HOOK_FORMS, "module": MODULE_FORMS,
}

# Weights of the autograd state machine: tracked ops and backward calls dominate (tracked and
# clear weighted up with hook and module added, so that each of their entries stays drawn).
GRAD_MIX = ("grad_source", "tracked", "tracked", "tracked", "tracked", "backward", "backward",
            "clear", "clear", "data", "mode", "view", "inplace", "index", "hook", "module")


def grad_programs(families: tuple[str, ...] = GRAD_MIX, *, min_steps: int = 2,
                  max_steps: int = LIMITS.grad_steps) -> st.SearchStrategy[Program]:
    """A program that starts from a leaf requiring grad and mixes the given families (at most
    ``LIMITS.grad_steps`` steps)."""
    return drafts(GRAD_FAMILIES, families, first=grad_source, min_steps=min_steps,
                  max_steps=max_steps, limit=LIMITS.grad_steps).map(lambda d: d.program())
