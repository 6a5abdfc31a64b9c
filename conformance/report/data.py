"""The results documents as the report sees them: runs, columns, areas, claims and results.

``collect(docs)`` joins one or several results documents (schema ``torch-conformance/results``)
into a ``Results``: one column per device of a single run, one per (run, device) for several;
every area and claim of every run (in the documents' order), and each result filed under its
(claim, column). The helpers below rank a claim's cells and count passes; the page model
(``model.py`` and the sections) is built from this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..verdicts import (
    ALLOWED,
    CRASH,
    EXPECTED,
    MISMATCH,
    NOT_RUN,
    PASS,
    UNMODELLED,
    VERDICTS,
)
from ..verdicts import VIOLATIONS as FAILURES

LEGEND = {
    PASS: "torch behaves as documented: the reference model agrees on every observed fact.",
    MISMATCH: "a documented claim is violated: torch and the documented behaviour differ.",
    UNMODELLED: "the program reached behaviour the reference does not model (not a pass).",
    CRASH: "the check crashed the process, hung, or the harness raised.",
    NOT_RUN: "not run: the device is unavailable (the reason is given in the cell).",
    EXPECTED: "a known, recorded departure from the documentation (see its expectation).",
    ALLOWED: "an implementation-defined claim where torch differs from the model's prediction: "
             "allowed variation.",
}

_CSS_CLASS = {PASS: "v-pass", MISMATCH: "v-mismatch", UNMODELLED: "v-unmodelled",
              CRASH: "v-crash", NOT_RUN: "v-notrun", EXPECTED: "v-expected",
              ALLOWED: "v-allowed"}

Run = dict[str, Any]
Result = dict[str, Any]


def verdict_class(verdict: str) -> str:
    """The CSS class of a verdict's colour (``v-other`` for a verdict the suite does not know)."""
    return _CSS_CLASS.get(verdict, "v-other")


@dataclass(frozen=True)
class Column:
    run: int
    device: str
    label: str
    subtitle: str


@dataclass
class Results:
    runs: list[Run]
    columns: list[Column]
    areas: dict[str, str]
    claims: list[dict[str, Any]]
    results: dict[tuple[str, int], Result]  # (claim id, column index) -> result

    def cells(self, claim_id: str) -> list[Result | None]:
        return [self.results.get((claim_id, i)) for i in range(len(self.columns))]

    def claims_in(self, area: str) -> list[dict[str, Any]]:
        return [c for c in self.claims if c["area"] == area]

    def claim_kind(self, claim_id: str) -> str:
        return next((str(c.get("kind") or "required") for c in self.claims
                     if c["id"] == claim_id), "required")


def env(run: Run) -> dict[str, Any]:
    """A run's ``environment``, or {} when it has none."""
    value = run.get("environment")
    return value if isinstance(value, dict) else {}


def run_devices(run: Run) -> list[str]:
    devices = [str(d) for d in env(run).get("devices") or []]
    for result in run.get("results") or []:
        device = str(result.get("device", "?"))
        if device not in devices:
            devices.append(device)
    return devices


def _run_labels(runs: list[Run]) -> list[str]:
    """One label per run: the torch version, made unique when versions repeat."""
    full = [str(env(r).get("torch") or "torch ?") for r in runs]
    short = [v.split("+", 1)[0] for v in full]
    return [s if short.count(s) == 1 else f if full.count(f) == 1 else f"{s} (run {i + 1})"
            for i, (s, f) in enumerate(zip(short, full))]


def _columns(runs: list[Run]) -> list[Column]:
    labels = _run_labels(runs)
    columns = []
    for i, run in enumerate(runs):
        names = env(run).get("device_names")
        names = names if isinstance(names, dict) else {}
        for device in run_devices(run):
            label = device if len(runs) == 1 else f"{labels[i]} · {device}"
            columns.append(Column(i, device, label, str(names.get(device) or "")))
    return columns


def collect(runs: list[Run]) -> Results:
    columns = _columns(runs)
    column_of = {(c.run, c.device): i for i, c in enumerate(columns)}
    areas: dict[str, str] = {}
    claims: dict[str, dict[str, Any]] = {}
    results: dict[tuple[str, int], Result] = {}
    for run in runs:
        for area, description in (run.get("areas") or {}).items():
            areas.setdefault(str(area), str(description or ""))
        for claim in run.get("claims") or []:
            claim_id = str(claim.get("id", "?"))
            claims.setdefault(claim_id, {**claim, "id": claim_id,
                                         "area": str(claim.get("area") or "OTHER")})
    for i, run in enumerate(runs):
        for result in run.get("results") or []:
            claim_id = str(result.get("claim", "?"))
            if claim_id not in claims:
                claims[claim_id] = {"id": claim_id, "area": "OTHER", "quote": "",
                                    "url": None, "kind": "required", "source": ""}
            results[(claim_id, column_of[(i, str(result.get("device", "?")))])] = result
    for claim in claims.values():
        areas.setdefault(claim["area"], "Claims not listed under a known area"
                         if claim["area"] == "OTHER" else "")
    return Results(runs, columns, areas, list(claims.values()), results)


def stale(result: Result | None) -> bool:
    expectation = (result or {}).get("expectation")
    return isinstance(expectation, dict) and expectation.get("status") == "stale"


def needs_detail(result: Result | None) -> bool:
    """Whether a cell gets a detail block (its cases) under the claim's row."""
    if result is None:
        return False
    return result.get("verdict") not in (PASS, NOT_RUN) or stale(result)


PASSING, NEVER_RAN = 4, 5  # ranks of the collapsed claims: passed where run; ran nowhere


def rank(cells: list[Result | None]) -> int:
    """Sort key for a claim row: failures first, then stale expectations, known departures
    (EXPECTED), allowed variation, the claims that pass wherever they ran (collapsed), and last
    the claims that ran on no column (listed apart: never a pass)."""
    verdicts = {str(c.get("verdict")) for c in cells if c is not None}
    if verdicts - set(VERDICTS) or verdicts & FAILURES:
        return 0
    if any(stale(c) for c in cells):
        return 1
    if EXPECTED in verdicts:
        return 2
    if ALLOWED in verdicts:
        return 3
    if not verdicts - {NOT_RUN}:
        return NEVER_RAN
    return PASSING


def tally(data: Results, claims: Iterable[dict[str, Any]], column: int
          ) -> tuple[int, int, int]:
    """(PASS, run, EXPECTED) counts over ``claims`` in one column; NOT RUN is not counted as
    run. A known departure (EXPECTED) counts as run and not as a pass, shown apart from the
    failures."""
    passed = ran = expected = 0
    for claim in claims:
        result = data.results.get((claim["id"], column))
        if result is None or result.get("verdict") == NOT_RUN:
            continue
        ran += 1
        passed += result.get("verdict") == PASS
        expected += result.get("verdict") == EXPECTED
    return passed, ran, expected


def programs(data: Results, claims: list[dict[str, Any]], column: int) -> int:
    """Programs checked by the tests of ``claims`` in one column (each test counted once)."""
    col = data.columns[column]
    ids = {c["id"] for c in claims}
    return sum(int(t.get("examples") or 0) for t in data.runs[col.run].get("tests") or []
               if isinstance(t, dict) and t.get("device") == col.device
               and ids & set(t.get("claims") or []))
