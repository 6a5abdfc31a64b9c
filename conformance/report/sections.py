"""The report's later sections, as page model: the explainers (answers to the notes' open
questions from the numbers a run observed), documentation drift, the mutant self-assessment,
the expectations and the environment. ``model.page`` builds them; ``templates/sections.html``
lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import text as T
from .data import Results, env, verdict_class

CURVE_COLOURS = ("#0969da", "#1a7f37", "#9a6700", "#cf222e", "#8250df", "#57606a")
RUN_KEYS = ("started", "finished", "duration_s", "interrupted", "exit_status", "schema",
            "schema_version")


# --------------------------------------------------------------------------- explainers


@dataclass(frozen=True)
class GradRow:
    code: str
    values: str
    version: str
    grad_fn: str
    error: str


@dataclass(frozen=True)
class Where:
    """Which test observed an explainer's numbers, and on which device."""

    device: str
    test: str


@dataclass(frozen=True)
class Curve:
    colour: str
    points: str
    gamma: str
    label_y: int


@dataclass(frozen=True)
class FocalChart:
    """Loss against p_t, one polyline per gamma; coordinates already formatted."""

    base_y: str  # the x axis
    x_ticks: list[tuple[str, str]]  # (x, label)
    y_ticks: list[tuple[str, str]]  # (y, label)
    curves: list[Curve]
    width: int = 560
    height: int = 300
    left: int = 48
    top: int = 12


@dataclass(frozen=True)
class Explainers:
    zero: list[tuple[str, list[GradRow] | None]] | None  # per gradient name, its table
    zero_where: Where | None
    accumulation: list[GradRow] | None
    accumulation_where: Where | None
    focal: bool  # the focal loss explainer is shown
    focal_chart: FocalChart | None
    focal_where: Where | None


def _grad_rows(rows: Any) -> list[GradRow] | None:
    if not isinstance(rows, list):
        return None
    return [GradRow(T.text(r.get("code")), T.to_json(r.get("values")), T.text(r.get("version")),
                    T.text(r.get("grad_fn") or "None"), T.text(r.get("error") or ""))
            for r in rows if isinstance(r, dict)]


def focal_chart(data: Any) -> FocalChart | None:
    if not isinstance(data, dict) or not isinstance(data.get("curves"), dict):
        return None
    ps = [float(p) for p in data.get("p_t") or []]
    curves = {str(k): [float(v) for v in vs] for k, vs in data["curves"].items()
              if isinstance(vs, list) and len(vs) == len(ps)}
    if not ps or not curves:
        return None
    left, top, width, height = (FocalChart.left, FocalChart.top, FocalChart.width,
                                FocalChart.height)
    ymax = max(max(v) for v in curves.values()) or 1.0

    def x(p: float) -> float:
        return left + p * (width - left - 16)

    def y(v: float) -> float:
        return top + (1 - v / ymax) * (height - top - 36)
    return FocalChart(
        base_y=f"{y(0):.1f}",
        x_ticks=[(f"{x(tick):.1f}", f"{tick:g}") for tick in (0.0, 0.25, 0.5, 0.75, 1.0)],
        y_ticks=[(f"{y(ymax * frac) + 4:.1f}", f"{ymax * frac:.2g}") for frac in (0.0, 0.5, 1.0)],
        curves=[Curve(CURVE_COLOURS[n % len(CURVE_COLOURS)],
                      " ".join(f"{x(p):.1f},{y(v):.1f}" for p, v in zip(ps, vs)),
                      gamma, top + 14 + 16 * n)
                for n, (gamma, vs) in enumerate(curves.items())])


def explainers(data: Results) -> Explainers | None:
    """The first run's explainers, or None when no run has any to show."""
    run = next((r for r in data.runs if isinstance(r.get("explainers"), dict)
                and r["explainers"]), None)
    if run is None:
        return None
    ex = run["explainers"]

    def item(key: str) -> dict[str, Any] | None:
        value = ex.get(key)
        return value if isinstance(value, dict) else None

    def where(key: str) -> Where | None:
        value = item(key)
        return None if value is None else Where(T.text(value.get("device")),
                                                T.text(value.get("test")))
    zero, acc, focal = ((item(k) or {}).get("data") for k in (
        "zero_versus_data_zero", "accumulation", "focal_curves"))
    if not isinstance(zero, dict) and not isinstance(acc, list) and not isinstance(focal, dict):
        return None
    return Explainers(
        zero=([(T.text(name), _grad_rows(rows)) for name, rows in zero.items()]
              if isinstance(zero, dict) else None),
        zero_where=where("zero_versus_data_zero"),
        accumulation=_grad_rows(acc), accumulation_where=where("accumulation"),
        focal=isinstance(focal, dict), focal_chart=focal_chart(focal),
        focal_where=where("focal_curves"))


# --------------------------------------------------------------------------- drift


@dataclass(frozen=True)
class Drift:
    """A claim whose source torch no longer follows, with the verdict of each column."""

    claim: str
    anchor: str
    source: str
    quote: str
    link: T.Link
    drift: str
    cells: list[tuple[str, str] | None]  # (css class, verdict)


def drift(data: Results, ids: T.Ids) -> list[Drift]:
    rows = []
    for claim in data.claims:
        note = claim.get("drift")
        if not note:
            continue
        cells = [(verdict_class(str(c.get("verdict"))), T.text(c.get("verdict")))
                 if c is not None else None for c in data.cells(claim["id"])]
        quote = str(claim.get("quote") or "")
        if claim.get("source") == "d2l" and quote.startswith("D2L:"):
            quote = quote.split(":", 1)[-1].strip()
        source = "D2L" if claim.get("source") == "d2l" else str(claim.get("source") or "")
        rows.append(Drift(claim["id"], ids.get("claim", claim["id"]), source, quote,
                          T.link(claim.get("url"), "source"), T.text(note), cells))
    return rows


# --------------------------------------------------------------------------- mutants


@dataclass(frozen=True)
class MutantRow:
    name: str
    description: str
    claims: str
    killed: bool
    first_claim: str
    seconds: str


@dataclass(frozen=True)
class Mutants:
    run: str  # " (run 2)" when several runs are shown, else ""
    killed: str
    total: str
    median_s: str
    baseline_ok: bool
    rows: list[MutantRow]


def mutants(data: Results) -> list[Mutants]:
    """The mutant self-assessment (``python -m conformance mutants``) of each run that has one."""
    out = []
    for i, run in enumerate(data.runs):
        m = run.get("mutants")
        if not isinstance(m, dict) or not isinstance(m.get("mutants"), list):
            continue
        rows = [MutantRow(T.text(r.get("name")), T.text(r.get("description")),
                          ", ".join(r.get("claims") or []), bool(r.get("killed")),
                          T.text(r.get("first_claim") or "—"), T.text(r.get("seconds")))
                for r in m["mutants"] if isinstance(r, dict)]
        out.append(Mutants(f" (run {i + 1})" if len(data.runs) > 1 else "",
                           T.text(m.get("killed")), T.text(m.get("total")),
                           T.text(m.get("median_s")), bool(m.get("baseline_ok")), rows))
    return out


# --------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class ExpectationRow:
    """A recorded expectation: one row per entry and claim (with the columns it applied to),
    then the entries no claim cell carries (expired, not met, or for another torch)."""

    claim: str
    anchor: str | None  # the claim's row, for an entry a cell carries
    columns: str
    torch: str
    reason: str
    link: T.Link
    expires: str
    badge: str  # "STALE", "EXPIRED" or ""
    status: str  # the stale columns under STALE, else the status shown


Expectations = list[ExpectationRow]


def _carried(data: Results, ids: T.Ids) -> tuple[Expectations, set[str]]:
    grouped: dict[tuple[str, str], list[tuple[str, str]]] = {}
    records: dict[tuple[str, str], dict[str, Any]] = {}
    for (claim_id, col), result in sorted(data.results.items(), key=lambda kv: kv[0][1]):
        exp = result.get("expectation")
        if not isinstance(exp, dict):
            continue
        key = (claim_id, T.to_json({k: v for k, v in exp.items() if k != "status"}))
        grouped.setdefault(key, []).append((data.columns[col].label,
                                            str(exp.get("status") or "active")))
        records[key] = exp
    order = {c["id"]: n for n, c in enumerate(data.claims)}
    rows = []
    for key in sorted(grouped, key=lambda k: order.get(k[0], 0)):
        exp, where = records[key], grouped[key]
        stale = [label for label, status in where if status == "stale"]
        rows.append(ExpectationRow(
            key[0], ids.get("claim", key[0]), ", ".join(label for label, _ in where),
            T.text(exp.get("torch") or "any"), T.text(exp.get("reason")),
            T.link(exp.get("url"), "link"), T.text(exp.get("expires") or "never"),
            "STALE" if stale else "", ", ".join(stale) if stale else "active"))
    return rows, {str(e.get("id")) for e in records.values()}


def expectations(data: Results, ids: T.Ids) -> Expectations:
    rows, shown = _carried(data, ids)
    for i, run in enumerate(data.runs):
        label = f"run {i + 1}" if len(data.runs) > 1 else "this run"
        for entry in run.get("expectations") or []:
            if not isinstance(entry, dict) or str(entry.get("id")) in shown:
                continue
            expired = entry.get("status") == "expired"
            rows.append(ExpectationRow(
                ", ".join(entry.get("claims") or []), None, label,
                T.text(entry.get("torch") or "any"), T.text(entry.get("reason")),
                T.link(entry.get("url"), "link"), T.text(entry.get("expires") or "never"),
                "EXPIRED" if expired else "", "" if expired else T.text(entry.get("status"))))
    return rows


# --------------------------------------------------------------------------- environment


@dataclass(frozen=True)
class Environment:
    """Every ``environment`` key and the run's own fields: a row per key, a column per run."""

    heads: list[str]
    rows: list[tuple[str, list[str | None]]]  # None: the run has no such key


def env_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k}: {env_value(v)}" for k, v in value.items()) or "{}"
    if isinstance(value, list):
        return ", ".join(env_value(v) for v in value) or "[]"
    return T.clip(T.to_json(value), T.MAX_VALUE_CHARS, inline=True)


def environment(data: Results) -> Environment:
    tables = [{**env(run), **{k: run.get(k) for k in RUN_KEYS}} for run in data.runs]
    keys: dict[str, None] = {}
    for table in tables:
        keys.update(dict.fromkeys(table))
    heads = [f"Run {i + 1}" if len(tables) > 1 else "Value" for i in range(len(tables))]
    return Environment(heads, [(key, [env_value(t[key]) if key in t else None for t in tables])
                               for key in keys])
