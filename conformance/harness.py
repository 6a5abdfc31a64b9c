"""What conformance tests call: run a Program differentially and fail with a reproduction."""

from __future__ import annotations

import pytest

from .check import PASS, CaseResult, check
from .program import Program


def assert_conforms(program: Program, device: str) -> CaseResult:
    """Fail the test unless torch and the reference agree on every observed fact.

    An UNMODELLED result fails too: the strategies only generate programs the reference
    models, so it points at a gap, never at a pass."""
    result = check(program, device)
    if result.verdict != PASS:
        pytest.fail(result.explain(), pytrace=False)
    return result
