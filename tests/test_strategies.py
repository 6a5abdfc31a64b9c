"""Meta-tests of the generators (conformance/generate): the programs the claim tests draw reach
every op of every table, each op runs on the reference for some drawable tensor (no dead
entry), every drafted tensor stays within ``LIMITS``, each family draws from its own table
only, the claim tests name only families that exist and leave none out, strategies refuse bad
arguments up front, and every draw is labelled.

The programs are drafted derandomized, as the ci profile does, from the family sets the claim
tests pass (read from their source). Each check is a function of plain data, and a test breaks
it on purpose (``test_checks_can_fail_*``) to show it can fail.
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample

from conformance.execute.observe import is_tensor
from conformance.generate.core import LIMITS, Subject, dtypes, shapes
from conformance.generate.drafter import Drafter, Op, Table, drafts, source
from conformance.generate.grad_strategies import (
    GRAD_FAMILIES,
    GRAD_MIX,
    GRAD_TABLES,
    MODE_BLOCKS,
    MODE_FAMILIES,
    grad_leaf,
    grad_programs,
    grad_source,
)
from conformance.generate.strategies import FAMILIES, TABLES, VIEW_OPS, programs

ROOT = Path(__file__).resolve().parents[1]
GENERATE = ROOT / "conformance" / "generate"
CLAIM_TESTS = ROOT / "conformance" / "claim_tests"
# Programs drafted per family set (the ci profile draws 100 per test): enough that the claim
# tests' family sets together draw every entry.
EXAMPLES = 360

FamilySet = tuple[str, tuple[str, ...]]  # ("memory" or "grad", the families drawn)
TABLE_OF: dict[str, Table[Any]] = {**TABLES, **GRAD_TABLES}
# Every (label, names) a draft may note: the op tables, then mode_step's blocks and families.
CHOICES: dict[str, tuple[str, ...]] = {
    **{t.label: tuple(t) for t in TABLE_OF.values()},
    "mode": MODE_BLOCKS, "inner family": tuple(MODE_FAMILIES),
}


def _labels_of(family: str) -> set[str]:
    """The labels a step of ``family`` may note: its table's, and for mode_step its blocks,
    its inner families and their tables'."""
    labels = {TABLE_OF[family].label} if family in TABLE_OF else set()
    if family == "mode":
        labels |= {"mode", "inner family"} | {TABLE_OF[f].label for f in MODE_FAMILIES
                                              if f in TABLE_OF}
    return labels


# ---- the family sets the claim tests draw ---------------------------------------------------

def claim_family_sets(folder: Path = CLAIM_TESTS) -> set[FamilySet]:
    """Every family set the claim tests draw, from their source: the literal families of each
    ``programs(...)`` and ``grad_programs(...)`` call (their defaults when none), and the state
    machines (``machine(...)``: every memory family, or ``GRAD_MIX`` when given)."""
    found: set[FamilySet] = set()
    for path in sorted(folder.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name = node.func.id
            if name in ("programs", "grad_programs"):
                kind = "memory" if name == "programs" else "grad"
                default = tuple(FAMILIES) if kind == "memory" else GRAD_MIX
                found.add((kind, tuple(ast.literal_eval(node.args[0])) if node.args
                           else default))
            elif name == "machine":
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                found.add(("grad", GRAD_MIX) if "GRAD_MIX" in names
                          else ("memory", tuple(sorted(FAMILIES))))
    return found


CLAIM_SETS = sorted(claim_family_sets())


# ---- drafting with a record of every family step --------------------------------------------

def _tensors(value: Any) -> Iterator[Any]:
    if is_tensor(value):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)


def limit_breaches(namespace: Mapping[str, Any]) -> list[str]:
    """The tensors of a program's namespace beyond ``LIMITS.tensor_dims`` or
    ``LIMITS.tensor_numel`` (a side beyond ``tensor_numel`` included)."""
    out = []
    for name, value in namespace.items():
        for t in _tensors(value):
            shape = tuple(t.shape)
            if len(shape) > LIMITS.tensor_dims or math.prod(shape) > LIMITS.tensor_numel \
                    or max(shape, default=0) > LIMITS.tensor_numel:
                out.append(f"{name}: shape {shape}")
    return out


@dataclass
class Record:
    """What the family steps of many drafts did."""

    chosen: set[tuple[str, str]] = field(default_factory=set)
    labels: dict[str, set[str]] = field(default_factory=dict)  # family -> labels it noted
    breaches: list[str] = field(default_factory=list)
    programs: int = 0

    def wrap(self, family: str, step: Callable[[Drafter], Any]) -> Callable[[Drafter], None]:
        def run(d: Drafter) -> None:
            first_step, first_choice = len(d.steps), len(d.trail)
            step(d)
            added, choices = len(d.steps) - first_step, d.trail[first_choice:]
            self.chosen.update((c.label, c.name) for c in choices)
            self.labels.setdefault(family, set()).update(c.label for c in choices)
            if added > LIMITS.step_statements:
                self.breaches.append(f"{family}: {added} statements in one step")
            self.breaches += [f"after {family}: {b}" for b in limit_breaches(
                d.session.namespace)]
        return run


def record(family_set: FamilySet, examples: int = EXAMPLES) -> Record:
    """Draft ``examples`` programs of a family set, derandomized, as the claim tests do."""
    kind, names = family_set
    families, first, limit, low = (FAMILIES, source, LIMITS.max_steps, 1) if kind == "memory" \
        else (GRAD_FAMILIES, grad_source, LIMITS.grad_steps, 2)
    rec = Record()
    wrapped = {f: rec.wrap(f, step) for f, step in families.items()}
    strategy = drafts(wrapped, names, first=first, min_steps=low, max_steps=limit, limit=limit)

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        d = data.draw(strategy, label="draft")
        rec.programs += 1
        families_drawn = sum(1 for c in d.trail if c.label == "family")
        if families_drawn > limit:
            rec.breaches.append(f"{families_drawn} family steps")
    run()
    return rec


@functools.cache
def recorded(family_set: FamilySet) -> Record:
    return record(family_set)


@functools.cache
def merged() -> Record:
    out = Record()
    for fs in CLAIM_SETS:
        r = recorded(fs)
        out.chosen |= r.chosen
        out.breaches += r.breaches
        for family, labels in r.labels.items():
            out.labels.setdefault(family, set()).update(labels)
    return out


# ---- checks: plain functions of what was recorded -------------------------------------------

def unreached(rec: Record, choices: Mapping[str, tuple[str, ...]] = CHOICES) -> list[str]:
    """Every entry never drawn."""
    return [f"{label}: {name}" for label, names in choices.items() for name in names
            if (label, name) not in rec.chosen]


def runs_somewhere(family: str, name: str, examples: int = 200) -> bool:
    """Whether a step of ``family`` that drew the op ``name`` ran on the reference without
    error, for some pool: a drawn source (a leaf that requires grad for the autograd families,
    which sometimes has a .grad). The family's table is cut down to that op meanwhile."""
    table = TABLE_OF[family]
    label = table.label
    memory = family in FAMILIES
    step = FAMILIES[family] if memory else GRAD_FAMILIES[family]
    only = {name: table[name]}
    saved = dict(table)
    table.clear()
    table.update(only)

    @st.composite
    def ran(draw: st.DrawFn) -> bool:
        d = Drafter(draw)
        if memory:
            source(d)
        else:
            leaf = grad_leaf(d)
            if draw(st.booleans(), label="with a grad"):
                d.add(f"{leaf}.sum().backward()")
        try:
            step(d)
        except InvalidArgument:  # the op does not apply to the pool's tensors
            return False
        return (label, name) in {(c.label, c.name) for c in d.trail} \
            and d.session.trace.steps[-1].error is None

    try:
        find(ran(), bool, settings=settings(max_examples=examples, derandomize=True,
                                            database=None, phases=[Phase.generate],
                                            suppress_health_check=list(HealthCheck)))
        return True
    except NoSuchExample:
        return False
    finally:
        table.clear()
        table.update(saved)


def foreign_labels(rec: Record) -> dict[str, set[str]]:
    """Per family, the labels it noted that are not its own table's."""
    return {f: labels - _labels_of(f) for f, labels in rec.labels.items()
            if labels - _labels_of(f)}


def family_gaps(sets: Iterable[FamilySet]) -> tuple[list[str], list[str]]:
    """(families named but unknown, families known but never drawn)."""
    drawn = {f for _, names in sets for f in names}
    known = set(FAMILIES) | set(GRAD_FAMILIES)
    return sorted(drawn - known), sorted(known - drawn)


def unlabelled_draws(source_text: str) -> list[int]:
    """The lines of ``draw(...)`` calls without a ``label=``."""
    lines = []
    for node in ast.walk(ast.parse(source_text)):
        if isinstance(node, ast.Call) and (
                isinstance(node.func, ast.Attribute) and node.func.attr == "draw"
                or isinstance(node.func, ast.Name) and node.func.id == "draw"):
            if not any(k.arg == "label" for k in node.keywords):
                lines.append(node.lineno)
    return lines


# ---- the meta-tests -------------------------------------------------------------------------

@pytest.mark.parametrize("label,name", [(label, name) for label, names in CHOICES.items()
                                        for name in names])
def test_claim_tests_draw_every_entry(label: str, name: str) -> None:
    """Each op of each table (and each block and inner family of mode_step) is drawn by the
    programs the claim tests draw."""
    assert (label, name) in merged().chosen


@pytest.mark.parametrize("family,name", [(f, name) for f, t in TABLE_OF.items() for name in t],
                         ids=lambda v: v)
def test_every_op_runs_somewhere(family: str, name: str) -> None:
    """No dead entry: each op applies to some drawable tensor, and its step runs on the
    reference without error there."""
    assert runs_somewhere(family, name)


@pytest.mark.parametrize("family_set", CLAIM_SETS, ids=lambda fs: f"{fs[0]}-{'+'.join(fs[1])}")
def test_drafted_tensors_stay_within_limits(family_set: FamilySet) -> None:
    """Every tensor a drafted program binds has at most LIMITS.tensor_dims dims and
    LIMITS.tensor_numel elements; a family step adds at most LIMITS.step_statements
    statements; a program has at most LIMITS.max_steps (grad_steps) family steps."""
    rec = recorded(family_set)
    assert rec.programs == EXAMPLES
    assert rec.breaches == []


def test_each_family_draws_from_its_own_table() -> None:
    assert foreign_labels(merged()) == {}


def test_claim_tests_draw_every_family_and_only_known_ones() -> None:
    """The families the claim tests name exist, and none of FAMILIES, GRAD_FAMILIES or
    mode_step's is left undrawn."""
    assert family_gaps(CLAIM_SETS) == ([], [])
    assert set(MODE_FAMILIES) | set(TABLE_OF) <= set(FAMILIES) | set(GRAD_FAMILIES)


@pytest.mark.parametrize("shape", [(), (0,), (2, 0, 3), (1,) * LIMITS.tensor_dims,
                                   (LIMITS.tensor_numel,), (2,) * 9])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_every_table_has_an_op_for_every_tensor(shape: tuple[int, ...], dtype: str) -> None:
    """choose() never runs dry: some op of each table applies to any tensor, however shaped
    (even one beyond LIMITS)."""
    s = Subject("x", shape, dtype, (0,) * len(shape))
    assert [t.label for t in TABLE_OF.values() if not any(op.applies(s) for op in t.values())] \
        == []


@given(shape=shapes())
def test_shapes_stay_within_limits(shape: tuple[int, ...]) -> None:
    assert len(shape) <= LIMITS.max_dims
    assert all(0 <= side <= LIMITS.max_side for side in shape)
    assert math.prod(shape) <= LIMITS.max_numel


@pytest.mark.parametrize("make", [
    lambda: shapes(max_dims=LIMITS.max_dims + 1), lambda: shapes(min_dims=3, max_dims=2),
    lambda: shapes(min_side=LIMITS.max_side + 1), lambda: dtypes("floating"),
    lambda: programs(("view", "nope")), lambda: programs(max_steps=LIMITS.max_steps + 1),
    lambda: programs(min_steps=3, max_steps=2), lambda: grad_programs(("tracked", "arith")),
    lambda: grad_programs(max_steps=LIMITS.grad_steps + 1),
], ids=["dims", "min>max", "side", "dtype kind", "family", "steps", "min steps",
        "grad family", "grad steps"])
def test_strategies_refuse_bad_arguments_up_front(make: Callable[[], Any]) -> None:
    with pytest.raises(InvalidArgument):
        make()


@pytest.mark.parametrize("path", sorted(GENERATE.glob("*.py")), ids=lambda p: p.name)
def test_every_draw_is_labelled(path: Path) -> None:
    assert unlabelled_draws(path.read_text()) == []


# ---- each check can fail --------------------------------------------------------------------

def test_checks_can_fail_on_a_dead_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry that never applies is never drawn; one whose statement always raises never
    runs."""
    view_ops = {VIEW_OPS.label: tuple(VIEW_OPS)}
    assert unreached(recorded(("memory", ("view",))), view_ops) == []
    monkeypatch.setitem(VIEW_OPS, "diagonal", Op("diagonal", VIEW_OPS["diagonal"].draft,
                                                  lambda s: False))
    monkeypatch.setitem(VIEW_OPS, "mT", Op("mT", lambda d, s: f"{s.name}.no_such_method()",
                                           VIEW_OPS["mT"].applies))
    assert unreached(record(("memory", ("view",))), view_ops) == ["view op: diagonal"]
    assert not runs_somewhere("view", "diagonal", examples=20)
    assert not runs_somewhere("view", "mT", examples=20)
    assert runs_somewhere("view", "t", examples=20)


def test_checks_can_fail_on_a_big_tensor() -> None:
    def big(d: Drafter) -> None:
        d.add(f"big = torch.zeros({LIMITS.tensor_numel + 1}, device=dev)", "big")
    rec = Record()
    run = rec.wrap("view", big)
    d = Drafter(lambda *a, **k: None)
    run(d)
    assert rec.breaches == [f"after view: big: shape ({LIMITS.tensor_numel + 1},)"]


def test_checks_can_fail_on_a_foreign_table() -> None:
    rec = Record(labels={"view": {"view op", "index op"}, "index": {"index op"}})
    assert foreign_labels(rec) == {"view": {"index op"}}


def test_checks_can_fail_on_an_unlabelled_draw() -> None:
    assert unlabelled_draws("x = d.draw(st.integers())\ny = draw(st.booleans(), label='b')") \
        == [1]


def test_checks_can_fail_on_an_unknown_family(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("p = programs(('view', 'teleport'))\n")
    unknown, undrawn = family_gaps(claim_family_sets(tmp_path))
    assert unknown == ["teleport"]
    assert "arith" in undrawn


# ---- issue 17: autograd's wider API reached by the autograd state machine --------------------

# The entries that bring hooks, create_graph, .data assignment, nn.Parameter / nn.Linear /
# Module.zero_grad, manual gradient layouts and SGD's variants into random programs.
GRAD_API_ENTRIES: dict[str, tuple[str, ...]] = {
    "hook form": ("hook", "hook_removed", "retain_and_hook", "two_hooks"),
    "module form": ("parameter", "functional_linear", "linear", "zero_grad"),
    "backward form": ("create_graph",),
    "data form": ("data_assign", "data_imul"),
    "clear": ("assign_layout", "sgd_variant"),
}


def test_grad_api_entries_exist_and_the_state_machine_draws_them() -> None:
    """Each entry is still in its table, and the autograd state machine's programs (GRAD_MIX)
    draw it; an empty record reaches none of them (the check can fail)."""
    assert all(set(names) <= set(CHOICES[label]) for label, names in GRAD_API_ENTRIES.items())
    assert unreached(recorded(("grad", GRAD_MIX)), GRAD_API_ENTRIES) == []
    assert len(unreached(Record(), GRAD_API_ENTRIES)) == 13
