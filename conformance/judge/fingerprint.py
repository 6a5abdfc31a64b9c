"""Behaviour fingerprints: what torch showed for a fixed corpus of programs.

Two torch versions can differ where both pass: a changed error message the reference does not
pin down, a new warning, a stride in an implementation-defined corner, a value within
tolerance. To find every such change, each test records, for the programs it checked
(derandomized in the ``ci`` profile, and drafted on the reference model, so the same on every
torch), torch's observations: per step the error (type and message), the warnings and the
facts that changed since the previous step. The first ``CORPUS`` programs of a test are kept
whole (program and observations); every program goes into the test's digest, so a change
outside the kept corpus still shows.

Observations are made reproducible: elements the reference marks unspecified (uninitialised
memory) are masked, and object addresses in messages are blanked.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..execute.observe import UNSPECIFIED

CORPUS = 8  # programs per test kept whole in the results file
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")


def _text(s: str) -> str:
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
            entry["error"] = f"{step.error[0]}: {_text(step.error[1])}"
        if step.warnings:
            entry["warnings"] = [f"{c}: {_text(m)}" for c, m in step.warnings]
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


def digest(program: str, obs: list[dict[str, Any]]) -> str:
    text = json.dumps([program, obs], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Fingerprint:
    """A test's fingerprint, built program by program."""

    def __init__(self) -> None:
        self.corpus: list[dict[str, Any]] = []
        self.programs = 0
        self._hash = hashlib.sha256()

    def add(self, program: str, obs: list[dict[str, Any]]) -> None:
        self.programs += 1
        self._hash.update(digest(program, obs).encode())
        if len(self.corpus) < CORPUS:
            self.corpus.append({"program": program, "observations": obs})

    def to_json(self) -> dict[str, Any]:
        return {"digest": self._hash.hexdigest()[:32], "programs": self.programs,
                "corpus": self.corpus}
