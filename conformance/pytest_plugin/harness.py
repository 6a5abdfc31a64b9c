"""What conformance tests call: run a Program differentially and fail with a reproduction.

Each test's checks are also recorded: how many programs it checked, which expectation entries
it met, and its failing case. The record lives in the test item's stash; while the test runs
the plugin makes it the current one (``current()``), and after the test hands it to the results
file (``conformance/pytest_plugin/collector.py``).
"""

from __future__ import annotations

import json
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

import pytest

from reference_impl import DEVICE_ASSERT

from ..judge.check import EXPECTED, INVALID, PASS, UNMODELLED, CaseResult, check
from ..judge.fingerprint import Fingerprint, observations
from ..program import Program

META_NO_DATA = "meta tensors have none"
# Why autograd tests do not run on meta (their no_meta marker).
META_GRADS = ("gradients on meta: accumulation there skips the in-place kernels whose version "
              "bumps CPU and CUDA show, and backward reads gradient values")
OBSERVED_LIMIT = 20_000  # characters of observed facts kept per failing case


@dataclass
class Record:
    """What one test's checks found."""

    claims: tuple[str, ...] = ()
    examples: int = 0
    expected: dict[str, int] = field(default_factory=dict)  # expectation id -> programs
    case: dict[str, Any] | None = None  # the last failing (or expected) case, as JSON
    fingerprint: Fingerprint = field(default_factory=Fingerprint)
    explainers: dict[str, Any] = field(default_factory=dict)  # what the report explains

    def to_json(self) -> dict[str, Any]:
        out = {"examples": self.examples, "expected": dict(self.expected), "case": self.case,
               "fingerprint": self.fingerprint.to_json()}
        if self.explainers:
            out["explainers"] = self.explainers
        return out


RECORD_KEY = pytest.StashKey["Record"]()
_CURRENT: ContextVar[Record | None] = ContextVar("conformance_record", default=None)


def current() -> Record:
    """The running test's record (a throwaway one outside a test the plugin runs)."""
    record = _CURRENT.get()
    if record is None:
        record = Record()
        _CURRENT.set(record)
    return record


def activate(record: Record | None) -> Token[Record | None]:
    return _CURRENT.set(record)


def deactivate(token: Token[Record | None]) -> None:
    _CURRENT.reset(token)


def explain(key: str, data: Any) -> None:
    """Hand observed numbers to the report's explainers (``results.json`` "explainers")."""
    current().explainers[key] = _jsonable(data)


def discard(event: str, skip: str | None) -> None:
    """Discard the example in progress: in Hypothesis' run (``event`` counts why), or in a
    replay of the program cache (replay.py); outside both, skip the test with ``skip``."""
    from hypothesis import currently_in_test_context, reject
    from hypothesis import event as count
    from hypothesis.errors import UnsatisfiedAssumption

    from .replay import replaying
    if currently_in_test_context():
        count(event)
        reject()
    if replaying() or skip is None:
        raise UnsatisfiedAssumption()
    pytest.skip(skip)


def assert_conforms(program: Program, device: str, *, unmodelled: str = "fail") -> CaseResult:
    """Fail the test unless torch and the reference agree on every observed fact.

    An UNMODELLED result fails too (``unmodelled="fail"``): targeted tests and the memory
    strategies only generate programs the reference models, so it points at a gap, never at a
    pass. Random autograd programs may wander into documented-as-open corners (double backward
    through a scatter formula, a warning torch gives once per process); with
    ``unmodelled="reject"`` Hypothesis discards such a program (it counts as neither pass nor
    failure, and too many discards fail the test's health check). A departure recorded in
    ``conformance/expectations.toml`` (verdict EXPECTED) does not fail the test; the report
    shows it."""
    record = current()
    if record.claims and not program.claims:
        program = Program(program.steps, record.claims)
    result = check(program, device)
    if result.verdict == INVALID:
        # Both sides would agree on it: a program that is not valid checks nothing. It is the
        # suite's fault (a CRASH in the results file), never a pass.
        record.case = case_json(result)
        pytest.fail(result.explain(), pytrace=False)
    if result.verdict == UNMODELLED and device.split(":")[0] == "meta" \
            and META_NO_DATA in result.note:
        # Meta tensors have no data: a program that reads values cannot be checked there.
        discard("meta: reads data", f"NOT RUN on meta: the program reads data ({result.note})")
    if result.verdict == UNMODELLED and DEVICE_ASSERT in result.note:
        # The step would end the process's use of CUDA: torch never ran it (check() stops at
        # the reference's refusal), and the program cannot be checked on this device.
        discard("cuda: device-side assert", f"NOT RUN on {device}: {result.note}")
    if result.verdict == UNMODELLED and unmodelled == "reject":
        discard(f"unmodelled: {result.note[:60]}", None)
    record.examples += 1
    if result.torch_trace is not None and result.reference_trace is not None:
        fingerprint(result.program.source(device), result.torch_trace.steps,
                    result.reference_trace.steps, failing=result.verdict != PASS)
    if result.verdict == EXPECTED and result.expectation is not None:
        eid = result.expectation.id
        record.expected[eid] = record.expected.get(eid, 0) + 1
        record.case = case_json(result)
        return result
    if result.verdict != PASS:
        record.case = case_json(result)
        pytest.fail(result.explain(), pytrace=False)
    return result


def fingerprint(source: str, torch_steps: list[Any], reference_steps: list[Any],
                failing: bool = False) -> None:
    """Add a checked program to the running test's behaviour fingerprint (a failing one is
    kept whole: the upgrade diff shows it as a program)."""
    current().fingerprint.add(source, observations(torch_steps, reference_steps),
                              failing=failing)


def case_json(result: CaseResult) -> dict[str, Any]:
    """One case for the results file: the program, the torch-only reproduction, every
    mismatch with its path, and the facts torch showed at the last compared step."""
    observed: Any = None
    if result.torch_trace is not None and result.torch_trace.steps:
        observed = result.torch_trace.steps[-1].state.get("values")
        text = json.dumps(observed, default=str)
        if len(text) > OBSERVED_LIMIT:
            observed = {"truncated": text[:OBSERVED_LIMIT]}
    return {"verdict": result.verdict, "message": result.note or result.verdict,
            "program": result.program.source(result.device),
            "reproduction": result.reproduction if result.mismatches else None,
            "mismatches": [_jsonable(m.to_json()) for m in result.mismatches],
            "observed": observed,
            "expectation": result.expectation.id if result.expectation else None}


def _jsonable(v: Any) -> Any:
    return json.loads(json.dumps(v, default=str))
