"""What the report shows under a claim that does not simply pass: one detail block per column
whose cell needs it (``data.needs_detail``), with the expectation that applies and the cases
(message, mismatch table, a torch-only reproduction, the program, the observed facts).

Long values are cut here (``MAX_*``) so that a full run's page stays well under 2 MB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..verdicts import ALLOWED, EXPECTED, PASS
from . import text as T
from .data import Result, Results, needs_detail, verdict_class

MAX_CASES = 20            # cases shown per (claim, column)
MAX_MISMATCHES = 50       # mismatch rows shown per case
MAX_MESSAGE_CHARS = 8192  # a message or traceback


@dataclass(frozen=True)
class Mismatch:
    step: str
    path: str
    torch: str
    reference: str


@dataclass(frozen=True)
class Case:
    verdict: str
    css: str
    test: str
    message: str | None
    mismatches: list[Mismatch]
    more_mismatches: int
    reproduction: T.CodeBlock | None
    program: T.CodeBlock | None
    observed: str | None


@dataclass(frozen=True)
class Expectation:
    """The expectation box of a detail block."""

    stale: bool
    torch: str
    reason: str
    link: T.Link
    expires: str


@dataclass(frozen=True)
class Detail:
    """One column's detail block under a claim's row."""

    id: str
    verdict: str
    css: str
    column: str
    counts: str  # "4 tests, 312 examples"
    expectation: Expectation | None
    cases: list[Case]
    more_cases: int
    no_cases: bool  # say that no case details were recorded
    collapsed: bool  # an allowed variation, inside a <details>
    case_count: str  # "1 case"


def counts(result: Result) -> str:
    return (f"{T.plural(int(result.get('tests') or 0), 'test')}, "
            f"{T.plural(int(result.get('examples') or 0), 'example')}")


def _mismatches(raw: Any) -> tuple[list[Mismatch], int]:
    mismatches: list[Any] = raw if isinstance(raw, list) else []
    rows = []
    for m in mismatches[:MAX_MISMATCHES]:
        m = m if isinstance(m, dict) else {"path": m}
        values = [T.clip(T.to_json(m.get(k)), T.MAX_VALUE_CHARS, inline=True)
                  for k in ("torch", "reference")]
        rows.append(Mismatch(T.text(m.get("step")), T.text(m.get("path")), *values))
    return rows, max(0, len(mismatches) - MAX_MISMATCHES)


def _case(case: dict[str, Any], case_id: str) -> Case:
    verdict = str(case.get("verdict") or "")
    message = case.get("message")
    reproduction, program = case.get("reproduction"), case.get("program")
    mismatches, more = _mismatches(case.get("mismatches"))
    return Case(
        verdict=verdict, css=verdict_class(verdict),
        test=T.text(case.get("test") or "(unnamed test)"),
        message=T.clip(str(message), MAX_MESSAGE_CHARS) if message else None,
        mismatches=mismatches, more_mismatches=more,
        reproduction=(T.code_block(str(reproduction), f"{case_id}-repro",
                                   "Reproduction (torch only)") if reproduction else None),
        program=(T.code_block(str(program), f"{case_id}-program", "")
                 if program and program != reproduction else None),
        observed=(T.observed(case["observed"])
                  if case.get("observed") not in (None, {}, []) else None))


def expectation(raw: Any) -> Expectation | None:
    if not isinstance(raw, dict):
        return None
    return Expectation(stale=raw.get("status") == "stale",
                       torch=T.text(raw.get("torch") or "any"),
                       reason=T.text(raw.get("reason") or "no reason recorded"),
                       link=T.link(raw.get("url"), "tracking link"),
                       expires=T.text(raw.get("expires") or "never"))


def detail(data: Results, claim_id: str, col: int, block_id: str) -> Detail:
    result = data.results[(claim_id, col)]
    verdict = str(result.get("verdict"))
    raw_cases = result.get("cases")
    cases: list[Any] = raw_cases if isinstance(raw_cases, list) else []
    return Detail(
        id=block_id, verdict=verdict, css=verdict_class(verdict),
        column=data.columns[col].label, counts=counts(result),
        expectation=expectation(result.get("expectation")),
        cases=[_case(c if isinstance(c, dict) else {"message": c}, f"{block_id}-case{n + 1}")
               for n, c in enumerate(cases[:MAX_CASES])],
        more_cases=max(0, len(cases) - MAX_CASES),
        no_cases=not cases and verdict not in (PASS, EXPECTED),
        collapsed=verdict == ALLOWED, case_count=T.plural(len(cases), "case"))


def details(data: Results, claim_id: str, ids: T.Ids) -> list[Detail]:
    """The detail blocks of a claim's row, one per column that needs one."""
    return [detail(data, claim_id, i, ids.get("detail", claim_id, i))
            for i, cell in enumerate(data.cells(claim_id)) if needs_detail(cell)]
