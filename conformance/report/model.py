"""The report's page model: everything the report page shows, as plain dataclasses of strings
and numbers, built from one or several results documents (``page(docs)``).

The templates (``templates/report.html`` and the macros) lay the model out; they hold the
page's markup and fixed wording, and the model holds the values (already counted, ranked,
labelled and truncated). No field holds markup: the templates escape every one of them.

The page, in order: a header (each run's torch, profile, start, duration and devices, and a
banner with the outcome); a summary (pass rate per area and column, two bar charts, the claims
that need attention, the verdict legend with counts); the claims by area (failing first, with
their detail blocks, passing ones collapsed); then the explainers, documentation drift,
mutants, expectations and environment sections (``sections.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..verdicts import CRASH, NOT_RUN, VERDICTS
from ..verdicts import VIOLATIONS as FAILURES
from . import sections
from . import text as T
from .data import (
    LEGEND,
    NEVER_RAN,
    PASSING,
    Column,
    Results,
    collect,
    env,
    needs_detail,
    programs,
    rank,
    run_devices,
    stale,
    tally,
    verdict_class,
)
from .failures import Detail, counts, details

MAX_ATTENTION = 60  # entries in the summary's "needs attention" list


@dataclass(frozen=True)
class RunInfo:
    number: int
    torch: str
    profile: str
    started: str
    duration: str
    devices: str
    interrupted: bool
    incomplete: str  # why the run did not finish although no signal stopped it, or ""
    crashed: int  # tests that crashed or hung (each in a worker that was replaced)
    ran: int  # tests that reported
    never_ran: int  # tests collected that never ran (an interrupted run)


@dataclass(frozen=True)
class Tally:
    """A summary cell: PASS / run (NOT RUN left out), the rate, the known departures
    (EXPECTED, counted as run, apart from failures), and the programs checked."""

    passed: int
    ran: int
    rate: str
    programs: int | None
    expected: int = 0


@dataclass(frozen=True)
class SummaryRow:
    area: str
    anchor: str
    description: str
    claims: int
    tallies: list[Tally]


@dataclass(frozen=True)
class Bar:
    y: int
    text: str  # the label, cut to fit
    label: str
    ran: int
    pass_width: float
    value: str
    expected_width: float = 0.0  # the known departures' segment, after the passes


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    label_width: int = 170
    bar_width: int = 260
    row_height: int = 24


@dataclass(frozen=True)
class Where:
    """A column where a claim needs attention."""

    verdict: str
    stale: bool  # its expectation is stale
    column: str


@dataclass(frozen=True)
class Attention:
    claim: str
    anchor: str
    where: list[Where]


@dataclass(frozen=True)
class LegendRow:
    verdict: str
    css: str
    meaning: str
    total: int
    per_column: list[int]


@dataclass(frozen=True)
class Summary:
    rows: list[SummaryRow]
    total_claims: int
    totals: list[Tally]
    charts: list[BarChart]
    attention: list[Attention]
    more_attention: int
    legend: list[LegendRow]
    unknown_verdicts: dict[str, int]
    departures: list[Attention]  # claims with a known departure (EXPECTED) and nothing worse


@dataclass(frozen=True)
class Cell:
    """A claim's verdict on one column."""

    verdict: str
    css: str
    title: str
    anchor: str | None  # the detail block's id, when the cell has one
    note: str
    is_reason: bool  # the note is a NOT RUN reason
    stale: bool


@dataclass(frozen=True)
class ClaimRow:
    id: str
    anchor: str
    rank: int
    d2l: bool
    implementation_defined: bool
    quote: str
    link: T.Link
    cells: list[Cell | None]
    details: list[Detail]


@dataclass(frozen=True)
class Area:
    name: str
    anchor: str
    description: str
    empty: bool
    attention: list[ClaimRow]
    passing: list[ClaimRow]
    partial: bool  # a passing claim has a column where it did not run
    never_ran: list[ClaimRow]  # claims that ran on no column: not among the passing


@dataclass(frozen=True)
class Page:
    title: str
    runs: list[RunInfo]
    outcome: str  # "none", "violated", "interrupted" or "conforms"
    expected_claims: int  # claims whose worst verdict is a known departure
    never_ran_claims: int  # claims that ran on no column
    columns: list[Column]
    summary: Summary
    areas: list[Area]
    explainers: sections.Explainers | None
    drift: list[sections.Drift]
    mutants: list[sections.Mutants]
    expectations: sections.Expectations
    environment: sections.Environment
    documents: str  # "2 results documents"


def _runs(data: Results) -> list[RunInfo]:
    out = []
    for i, run in enumerate(data.runs):
        e, duration = env(run), run.get("duration_s")
        out.append(RunInfo(
            number=i + 1, torch=T.text(e.get("torch", "?")), profile=T.text(e.get("profile", "?")),
            started=T.text(run.get("started", "?")),
            duration=f"{duration:.1f} s" if isinstance(duration, (int, float)) else "?",
            devices=", ".join(run_devices(run)) or "none",
            interrupted=bool(run.get("interrupted")),
            incomplete=T.text(run.get("incomplete") or ""), crashed=_count(run, CRASH),
            ran=len(_tests(run)), never_ran=_never_ran(run)))
    return out


def _tests(run: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in run.get("tests") or [] if isinstance(t, dict)]


def _count(run: dict[str, Any], verdict: str) -> int:
    return sum(t.get("verdict") == verdict for t in _tests(run))


def _never_ran(run: dict[str, Any]) -> int:
    never = run.get("never_ran")
    return int(never.get("count") or 0) if isinstance(never, dict) else 0


def _outcome(data: Results) -> str:
    if not data.runs:
        return "none"
    violated = any(r.get("verdict") in FAILURES and data.claim_kind(claim) == "required"
                   for (claim, _), r in data.results.items())
    if violated:
        return "violated"
    if any(run.get("interrupted") or run.get("exit_status") not in (0, None)
           for run in data.runs):
        return "interrupted"
    return "conforms"


def _tally(passed: int, ran: int, expected: int = 0, count: int | None = None) -> Tally:
    rate = "n/a" if ran == 0 else f"{100.0 * passed / ran:.0f}%"
    return Tally(passed, ran, rate, count, expected)


def _summary_rows(data: Results, ids: T.Ids) -> list[SummaryRow]:
    rows = []
    for area, description in data.areas.items():
        claims = data.claims_in(area)
        tallies = [_tally(*tally(data, claims, i), count=programs(data, claims, i))
                   for i in range(len(data.columns))]
        rows.append(SummaryRow(area, ids.get("area", area), description, len(claims), tallies))
    return rows


def _bar_chart(title: str, rows: list[tuple[str, int, int, int]]) -> BarChart:
    """Horizontal bars: the PASS share of what ran, then the known departures' (EXPECTED)
    share in a colour of their own, the rest (failures) last, per row."""
    row_height, bar_width = BarChart.row_height, BarChart.bar_width
    bars = [Bar(y=3 + n * row_height, text=label if len(label) <= 28 else label[:27] + "…",
                label=label, ran=ran,
                pass_width=round(bar_width * passed / ran, 1) if ran else 0.0,
                value=f"{_tally(passed, ran).rate} ({passed}/{ran}"
                      + (f", {expected} expected" if expected else "") + ")",
                expected_width=round(bar_width * expected / ran, 1) if ran else 0.0)
            for n, (label, passed, ran, expected) in enumerate(rows)]
    return BarChart(title, BarChart.label_width + bar_width + 100, row_height * len(rows) + 6,
                    bars)


def _charts(data: Results) -> list[BarChart]:
    per_column = [(c.label, *tally(data, data.claims, i)) for i, c in enumerate(data.columns)]
    per_area = []
    for area in data.areas:
        claims = data.claims_in(area)
        tallies = [tally(data, claims, i) for i in range(len(data.columns))]
        per_area.append((area, sum(t[0] for t in tallies), sum(t[1] for t in tallies),
                         sum(t[2] for t in tallies)))
    return [_bar_chart("Pass rate per column", per_column),
            _bar_chart("Pass rate per area (all columns)", per_area)]


def _attention(data: Results, ids: T.Ids, departures: bool = False) -> list[Attention]:
    """The claims that need attention (a failure, a stale expectation, allowed variation), or
    with ``departures`` those whose worst is a known departure (EXPECTED)."""
    entries = []
    for claim in data.claims:
        cells = data.cells(claim["id"])
        if (rank(cells) == 2) != departures or rank(cells) in (PASSING, NEVER_RAN):
            continue
        where = [Where(T.text(cell.get("verdict")), stale(cell), col.label)
                 for col, cell in zip(data.columns, cells) if needs_detail(cell) and cell]
        entries.append(Attention(claim["id"], ids.get("claim", claim["id"]), where))
    return entries


def _legend(data: Results) -> tuple[list[LegendRow], dict[str, int]]:
    counts = {(i, v): 0 for i in range(len(data.columns)) for v in VERDICTS}
    others: dict[str, int] = {}
    for (_claim, col), result in data.results.items():
        verdict = str(result.get("verdict"))
        if verdict in VERDICTS:
            counts[(col, verdict)] += 1
        else:
            others[verdict] = others.get(verdict, 0) + 1
    rows = []
    for verdict in VERDICTS:
        per_col = [counts[(i, verdict)] for i in range(len(data.columns))]
        rows.append(LegendRow(verdict, verdict_class(verdict), LEGEND[verdict], sum(per_col),
                              per_col))
    return rows, others


def _summary(data: Results, ids: T.Ids) -> Summary:
    rows = _summary_rows(data, ids)
    totals = [_tally(*tally(data, data.claims, i)) for i in range(len(data.columns))]
    charts = _charts(data)
    attention = _attention(data, ids)
    legend, unknown = _legend(data)
    return Summary(rows, len(data.claims), totals, charts, attention[:MAX_ATTENTION],
                   max(0, len(attention) - MAX_ATTENTION), legend, unknown,
                   _attention(data, ids, departures=True))


def _cell(data: Results, claim_id: str, col: int, ids: T.Ids) -> Cell | None:
    result = data.results.get((claim_id, col))
    if result is None:
        return None
    verdict = str(result.get("verdict"))
    anchor = ids.get("detail", claim_id, col) if needs_detail(result) else None
    if verdict == NOT_RUN:
        reason = str(result.get("reason") or "no reason given")
        title = reason if reason.startswith(NOT_RUN) else f"{NOT_RUN}: {reason}"
        return Cell(verdict, verdict_class(verdict), title, anchor,
                    T.clip(reason, 80, inline=True), True, stale(result))
    text = counts(result)
    return Cell(verdict, verdict_class(verdict), text, anchor, text, False, stale(result))


def _claim_row(data: Results, claim: dict[str, Any], ids: T.Ids, detail: bool) -> ClaimRow:
    cells = [_cell(data, claim["id"], i, ids) for i in range(len(data.columns))]
    return ClaimRow(
        id=claim["id"], anchor=ids.get("claim", claim["id"]),
        rank=rank(data.cells(claim["id"])), d2l=claim.get("source") == "d2l",
        implementation_defined=claim.get("kind") == "implementation-defined",
        quote=T.text(claim.get("quote") or ""), link=T.link(claim.get("url"), "documentation"),
        cells=cells, details=details(data, claim["id"], ids) if detail else [])


def _area(data: Results, area: str, description: str, ids: T.Ids) -> Area:
    anchor = ids.get("area", area)
    claims = data.claims_in(area)
    ranked = sorted(claims, key=lambda c: rank(data.cells(c["id"])))
    attention = [_claim_row(data, c, ids, True) for c in ranked
                 if rank(data.cells(c["id"])) < PASSING]
    passing = [c for c in ranked if rank(data.cells(c["id"])) == PASSING]
    never = [c for c in ranked if rank(data.cells(c["id"])) == NEVER_RAN]
    partial = any(cell is None or cell.get("verdict") == NOT_RUN
                  for c in passing for cell in data.cells(c["id"]))
    return Area(area, anchor, description, not claims, attention,
                [_claim_row(data, c, ids, False) for c in passing], partial,
                [_claim_row(data, c, ids, True) for c in never])


def page(docs: list[dict[str, Any]]) -> Page:
    """The page model of one or more results documents.

    HTML ids are handed out as the parts are built (``Ids``): the areas first, then the
    summary, the drift and the expectations, so that of two claims whose ids collide, the one
    an area lists first keeps the plain id."""
    data = collect(list(docs))
    ids = T.Ids()
    areas = [_area(data, area, description, ids) for area, description in data.areas.items()]
    summary = _summary(data, ids)
    versions = sorted({str(env(r).get("torch", "?")) for r in data.runs})
    return Page(
        title=(f"torch-conformance report: torch {', '.join(versions)}" if versions
               else "torch-conformance report"),
        runs=_runs(data), outcome=_outcome(data), columns=data.columns, summary=summary,
        expected_claims=sum(rank(data.cells(c["id"])) == 2 for c in data.claims),
        never_ran_claims=sum(rank(data.cells(c["id"])) == NEVER_RAN for c in data.claims),
        areas=areas, explainers=sections.explainers(data), drift=sections.drift(data, ids),
        mutants=sections.mutants(data), expectations=sections.expectations(data, ids),
        environment=sections.environment(data),
        documents=T.plural(len(data.runs), "results document"))
