"""What conformance tests call: run a Program differentially and fail with a reproduction."""

from __future__ import annotations

import pytest

from .check import PASS, UNMODELLED, CaseResult, check
from .program import Program


def assert_conforms(program: Program, device: str, *, unmodelled: str = "fail") -> CaseResult:
    """Fail the test unless torch and the reference agree on every observed fact.

    An UNMODELLED result fails too (``unmodelled="fail"``): targeted tests and the memory
    strategies only generate programs the reference models, so it points at a gap, never at a
    pass. Random autograd programs may wander into documented-as-open corners (double backward
    through a scatter formula, a warning torch gives once per process); with
    ``unmodelled="reject"`` Hypothesis discards such a program (it counts as neither pass nor
    failure, and too many discards fail the test's health check)."""
    result = check(program, device)
    if result.verdict == UNMODELLED and unmodelled == "reject":
        from hypothesis import event, reject
        event(f"unmodelled: {result.note[:60]}")
        reject()
    if result.verdict != PASS:
        pytest.fail(result.explain(), pytrace=False)
    return result
