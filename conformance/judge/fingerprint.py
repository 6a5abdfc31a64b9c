"""Behaviour fingerprints: what torch showed for the programs a test checked.

Two torch versions can differ where both pass: a changed error message the reference does not
pin down, a new warning, a renamed autograd node, a value within tolerance. To find every such
change, each test records, for the programs it checked (derandomized in the ``ci`` profile, and
drafted on the reference model, so the same on every torch), torch's observations: per step the
error (type and message), the warnings and the facts that changed since the previous step.

What a test's fingerprint holds:

- ``index``: every program checked, as hashes and the numbers of its behaviours
  (``index_entry``: about 30 bytes, ``!`` after it when the program did not pass), so the
  upgrade diff can tell which programs changed, whether each conformed, and whether a change
  was in errors and warnings (and which) or in the last digits of a value, however many
  programs a test checked; ``behaviours`` is the table the numbers refer to;
- ``corpus``: some programs whole (program and observations), each saying why it was kept:
  ``first`` (the first CORPUS programs), ``failing`` (the first program that did not pass, and
  the smallest ones, up to FAILING), ``exemplar`` (for each distinct behaviour: an error, a
  warning or an autograd node name, its digits generalised: the smallest program showing it,
  up to EXEMPLARS). A change in a message is then shown on a whole program on both sides: the
  smallest program showing a message is usually the smallest showing its successor. Where a
  program's observations pass PREFIX_OVER characters (a state machine's run: ten thousand), its
  exemplar is the program cut after the step that first shows the behaviour (``cut``): a
  program of its own, which the diff replays on the other run; whole, one behaviour that only
  the new torch shows would not fit the budget, and its change would have no program;
- ``digest`` over every program and ``programs``, their number.

Whole programs are bounded per test: at most CORPUS + FAILING + EXEMPLARS of them, none with
more than ENTRY_LIMIT characters of observations, and TEST_BUDGET characters in all (failing
programs first, then exemplars, the smallest first, then the first ones). Nine tests of the
1,400 of a ``ci`` run reach the budget (the state machines show 80 behaviours; with 32
exemplars and 48,000 characters the new complex + bfloat16 error of 2.14.1 had no program), so
a ``ci`` results file of the CPU and meta columns stays under 9 MB (0.5 MB gzipped): small
enough to keep
one per torch version and device as a CI artefact, commit one (docs/gpu/results.json), and
load two of them in a second.

Observations are made reproducible and free of noise at the source: elements the reference
marks unspecified (uninitialised memory) are masked, object addresses are blanked, and the C++
source location in a message (``(Triggered internally at .../TensorBody.h:494.)``, a
``RegisterCPU.cpp:31085`` of a dispatcher listing) is dropped: it changes with every build and
says nothing about behaviour.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..execute.observe import UNSPECIFIED

CORPUS = 8        # the first programs of a test kept whole
FAILING = 4       # failing programs kept whole: the first, then the smallest
BEHAVIOURS = 96   # distinct behaviours per test the index can name
EXEMPLARS = BEHAVIOURS  # each may have the smallest program showing it (the budget decides)
ENTRY_LIMIT = 16_000  # characters of observations beyond which a program is not kept whole
PREFIX_OVER = 4_000  # an exemplar with more characters of observations is kept cut (below)
TEST_BUDGET = 160_000  # characters of whole programs per test: failing first, then exemplars
FIRST, FAILED, EXEMPLAR = "first", "failing", "exemplar"
PRELUDE_END = "dev = "  # the last line of a recorded program's prelude
FAILED_MARK = "!"  # ends the index entry of a program that did not pass

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)\.?")
# A C++ stack trace torch appends to some messages ("Exception raised from infer_size_impl at
# .../InferSize.h:42 (most recent call first):", then "frame #0: ... in .../libc10.so" lines):
# build paths, addresses and install folders, never behaviour.
_CPP_TRACE = re.compile(r"\n?Exception raised from [^\n]*\(most recent call first\):"
                        r"(?:\n(?:frame #\d+:[^\n]*|<omitting python frames>))*\n?")
_SOURCE_LINE = re.compile(r"(?:[\w.\-]*/)*[\w.\-]+\.(?:cpp|cc|cu|cuh|c|h|hpp|hxx):\d+")
_DIGITS = re.compile(r"\d+")


def clean_text(s: str) -> str:
    """A message as observed: addresses blanked, C++ source locations dropped."""
    s = _TRIGGERED.sub("", s)
    s = _CPP_TRACE.sub("", s)
    s = _SOURCE_LINE.sub("<source>", s)
    return _ADDRESS.sub("0x?", s)


def mask(torch_value: Any, reference_value: Any) -> Any:
    """torch's nested values with the elements the reference calls unspecified masked."""
    if reference_value == UNSPECIFIED:
        return UNSPECIFIED
    if isinstance(torch_value, list) and isinstance(reference_value, list) \
            and len(torch_value) == len(reference_value):
        return [mask(t, r) for t, r in zip(torch_value, reference_value)]
    return torch_value


def _masked_state(state: dict[str, Any], ref_state: dict[str, Any]) -> dict[str, Any]:
    values = dict(state.get("values", {}))
    ref_values = ref_state.get("values", {})
    for name, facts in values.items():
        ref = ref_values.get(name)
        if isinstance(facts, dict) and isinstance(ref, dict) and "values" in facts \
                and "values" in ref:
            values[name] = {**facts, "values": mask(facts["values"], ref["values"])}
    return {**state, "values": values}


def observations(torch_steps: list[Any], reference_steps: list[Any]) -> list[dict[str, Any]]:
    """Per step: error, warnings, and the state entries that changed (a name's facts whole
    when any of them changed; None for a name no longer bound)."""
    out: list[dict[str, Any]] = []
    prev: dict[str, Any] = {}
    for i, step in enumerate(torch_steps):
        ref_state = reference_steps[i].state if i < len(reference_steps) else {}
        state = _masked_state(step.state, ref_state)
        entry: dict[str, Any] = {}
        if step.error:
            entry["error"] = f"{step.error[0]}: {clean_text(step.error[1])}"
        if step.warnings:
            entry["warnings"] = [f"{c}: {clean_text(m)}" for c, m in step.warnings]
        changed = _delta(prev, state)
        if changed:
            entry["state"] = changed
        out.append(entry)
        prev = state
    return out


def _delta(prev: dict[str, Any], cur: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in dict.fromkeys([*prev, *cur]):
        a, b = prev.get(key), cur.get(key)
        if a == b or (not a and not b):  # an empty entry is no change from none
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            sub = {n: b.get(n) for n in dict.fromkeys([*a, *b]) if a.get(n) != b.get(n)}
            if sub:
                out[key] = sub
        else:
            out[key] = b
    return out


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def digest(program: str, obs: list[dict[str, Any]]) -> str:
    return hashlib.sha256(_canonical([program, obs]).encode()).hexdigest()


def program_hash(program: str) -> str:
    """A program's identity in the index (10 hex digits: 40 bits; a test checks hundreds)."""
    return hashlib.sha256(program.encode()).hexdigest()[:10]


def observations_hash(obs: Any) -> str:
    """Observations' identity in the index (8 hex digits)."""
    return hashlib.sha256(_canonical(obs).encode()).hexdigest()[:8]


def coarse(value: Any) -> Any:
    """Observations with every float rounded to 4 significant digits: two that differ only
    in the last digits of their values are coarsely equal."""
    if isinstance(value, float):
        return float(f"{value:.4g}")
    if isinstance(value, list):
        return [coarse(v) for v in value]
    if isinstance(value, dict):
        return {k: coarse(v) for k, v in value.items()}
    return value


def index_entry(program: str, obs: list[dict[str, Any]], failing: bool = False,
                ids: dict[str, int] | None = None) -> str:
    """``<program>:<observations>:<coarse>:<behaviours>``: hashes of the program's text, of its
    observations and of its observations with floats rounded (``coarse``), then the numbers of
    the behaviours it showed in the test's table (``ids``, dot-separated; ``x`` for one beyond
    the table), then ``!`` when it did not pass. The last two let the diff tell a change in
    the last digits from one in errors and warnings, and which, for programs not kept whole."""
    table = {} if ids is None else ids
    shown = sorted({str(table[k]) if k in table else "x" for k in behaviours(obs)})
    return (f"{program_hash(program)}:{observations_hash(obs)}:"
            f"{hashlib.sha256(_canonical(coarse(obs)).encode()).hexdigest()[:6]}:"
            f"{'.'.join(shown)}" + (FAILED_MARK if failing else ""))


def behaviours_hash(keys: list[str]) -> str:
    """The identity of a set of behaviours (6 hex digits): what the diff compares of a program
    it cannot see whole."""
    return hashlib.sha256(_canonical(sorted(set(keys))).encode()).hexdigest()[:6]


def behaviours_of(field: str, table: list[str]) -> str:
    """An index entry's behaviour numbers read back against its test's table, as
    ``behaviours_hash``; "" when one is beyond the table (unknown)."""
    ids = [i for i in field.split(".") if i]
    if any(not i.isdigit() or int(i) >= len(table) for i in ids):
        return ""
    return behaviours_hash([table[int(i)] for i in ids])


def behaviours(obs: list[dict[str, Any]]) -> list[str]:
    """The distinct behaviours a program showed, each a key with digits generalised: its
    errors, its warnings and the autograd node names of its tensors."""
    out: list[str] = []
    for step in obs:
        if step.get("error"):
            out.append("error " + _DIGITS.sub("#", step["error"]))
        for w in step.get("warnings") or []:
            out.append("warning " + _DIGITS.sub("#", w))
        values = (step.get("state") or {}).get("values") or {}
        for facts in values.values():
            node = facts.get("grad_fn") if isinstance(facts, dict) else None
            if isinstance(node, str) and node != UNSPECIFIED:
                out.append("grad_fn " + _DIGITS.sub("#", node))
    return list(dict.fromkeys(out))


def split(source: str) -> tuple[list[str], list[str]]:
    """A recorded program's script as (prelude lines, one string per step: each top-level
    statement's lines whole, comments after it included)."""
    import ast
    lines = source.splitlines()
    end = next((i for i, line in enumerate(lines) if line.startswith(PRELUDE_END)), -1)
    prelude, body = lines[:end + 1], lines[end + 1:]
    steps = []
    for node in ast.parse("\n".join(body)).body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        steps.append("\n".join(body[start - 1:node.end_lineno or node.lineno]))
    return prelude, steps


def cut(program: str, obs: list[dict[str, Any]], key: str
        ) -> tuple[str, list[dict[str, Any]]]:
    """The program up to the step that first shows behaviour ``key``, with its observations:
    a program of its own (the diff replays it on the other run), kept as the exemplar of a
    behaviour where the whole program's observations are large (a state machine's run).
    The program whole when its steps cannot be told apart."""
    try:
        prelude, steps = split(program)
    except SyntaxError:
        return program, obs
    at = next((i for i, step in enumerate(obs) if key in behaviours([step])), None)
    if at is None or len(steps) != len(obs) or at == len(steps) - 1:
        return program, obs
    return "\n".join([*prelude, *steps[:at + 1]]) + "\n", obs[:at + 1]


class Fingerprint:
    """A test's fingerprint, built program by program."""

    def __init__(self) -> None:
        self.programs = 0
        self.index: list[str] = []
        self._hash = hashlib.sha256()
        self._whole: dict[str, list[dict[str, Any]]] = {}  # program -> observations
        self._first: list[str] = []
        self._failing: list[str] = []
        self._exemplars: dict[str, str] = {}  # behaviour -> smallest program showing it
        self._ids: dict[str, int] = {}  # behaviour -> its number in the index

    def add(self, program: str, obs: list[dict[str, Any]], failing: bool = False) -> None:
        self.programs += 1
        self._hash.update(digest(program, obs).encode())
        for key in behaviours(obs):
            if key not in self._ids and len(self._ids) < BEHAVIOURS:
                self._ids[key] = len(self._ids)
        self.index.append(index_entry(program, obs, failing, self._ids))
        size = len(_canonical(obs))
        for key in behaviours(obs):
            text, seen = (program, obs) if size <= PREFIX_OVER else cut(program, obs, key)
            if (size if seen is obs else len(_canonical(seen))) > ENTRY_LIMIT:
                continue
            held = self._exemplars.get(key)
            if (held is None and len(self._exemplars) < EXEMPLARS) or \
                    (held is not None and len(text) < len(held)):
                self._exemplars[key] = text
                self._whole[text] = seen
        if size > ENTRY_LIMIT:
            return
        keep = False
        if len(self._first) < CORPUS and program not in self._first:
            self._first.append(program)
            keep = True
        if failing and program not in self._failing:
            keep |= self._keep_failing(program)
        if keep:
            self._whole[program] = obs

    def _keep_failing(self, program: str) -> bool:
        """The first failing program (the generation phase, which both torch versions share),
        then the smallest (where shrinking ends)."""
        if len(self._failing) < FAILING:
            self._failing.append(program)
            return True
        longest = max(self._failing[1:], key=len)
        if len(program) < len(longest):
            self._failing[self._failing.index(longest)] = program
            return True
        return False

    def to_json(self) -> dict[str, Any]:
        why: dict[str, list[str]] = {}
        for reason, programs in ((FIRST, self._first), (FAILED, self._failing),
                                 (EXEMPLAR, list(self._exemplars.values()))):
            for p in programs:
                why.setdefault(p, [])
                if reason not in why[p]:
                    why[p].append(reason)
        return {"digest": self._hash.hexdigest()[:32], "programs": self.programs,
                "index": list(self.index), "behaviours": list(self._ids),
                "corpus": [{"program": p, "observations": self._whole[p], "why": why[p]}
                           for p in self._within_budget(why)]}

    def _within_budget(self, why: dict[str, list[str]]) -> list[str]:
        """The programs kept whole, in the order they were checked, within TEST_BUDGET:
        failing ones first, then the exemplars (smallest first), then the first ones."""
        def priority(p: str) -> tuple[int, int]:
            reasons = why[p]
            return (0 if FAILED in reasons else 1 if EXEMPLAR in reasons else 2,
                    len(p) + len(_canonical(self._whole[p])))
        used, kept = 0, set[str]()
        for p in sorted(why, key=priority):
            size = len(p) + len(_canonical(self._whole[p]))
            if used + size <= TEST_BUDGET or (FAILED in why[p] and not kept & set(
                    self._failing)):
                kept.add(p)
                used += size
        return [p for p in why if p in kept]
