"""Render torch-conformance results documents as one self-contained HTML page.

``render(runs)`` turns one results document (schema ``torch-conformance/results``, version 1),
or several of them (a merged report from a CI matrix), into the conformance report
(``reports/index.html``). The page shows, in this order:

* a header with the torch version(s), profile, date and duration of each run, the overall
  outcome, and a red banner for any run that was interrupted;
* a summary: the pass rate per area and per column (PASS / runs, NOT RUN excluded from the
  denominator), inline SVG bar charts of the pass rate per column and per area, the claims that
  need attention, and a legend giving every verdict's meaning and count per column;
* the claims grouped by area, one verdict cell per column (one column per device for a single
  run, one per (run, device) for several). Failing claims come first, each followed by its
  cases (message, mismatch table, a torch-only reproduction with a Copy button, the observed
  facts); claims that pass on every column are collapsed into a ``<details>``;
* the recorded expectations (stale ones flagged for removal) and the environment of each run.

Everything taken from the results documents is escaped; the page loads nothing from anywhere
(inline CSS and SVG, and a small inline script used only by the Copy buttons), and long values
are truncated so that a full run stays well under 2 MB.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["render", "VERDICTS", "LEGEND"]

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

# Caps that keep a full report small.
MAX_CASES = 20            # cases shown per (claim, column)
MAX_MISMATCHES = 50       # mismatch rows shown per case
MAX_VALUE_CHARS = 300     # one JSON value in the mismatch table
MAX_OBSERVED_CHARS = 4096  # observed facts per case
MAX_MESSAGE_CHARS = 8192  # a message or traceback
MAX_CODE_CHARS = 65536    # a program or reproduction (real ones are far smaller)
MAX_ATTENTION = 60        # entries in the summary's "needs attention" list

Run = dict[str, Any]


# --------------------------------------------------------------------------- small helpers


def _e(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return "" if value is None else html.escape(str(value), quote=True)


def _json(value: Any) -> str:
    """One-line JSON of any value (``str()`` for what JSON cannot hold)."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _pretty(value: Any, indent: str = "", budget: int = MAX_OBSERVED_CHARS) -> str:
    """JSON, indented, but keeping on one line each part that fits there and each list of
    scalars; stops (with "…") once about ``budget`` characters are written."""
    flat = _json(value)
    if (not isinstance(value, (dict, list)) or not value or len(indent) > 40
            or len(indent) + len(flat) <= 96
            or (isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value))):
        return flat
    inner = indent + "  "
    pairs = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    items: list[str] = []
    used = 0
    for key, item in pairs:
        if used > budget:
            items.append(inner + "…")
            break
        head = "" if key is None else json.dumps(str(key), ensure_ascii=False) + ": "
        items.append(inner + head + _pretty(item, inner, budget - used))
        used += len(items[-1])
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + "\n" + ",\n".join(items) + "\n" + indent + closing


def _observed(value: Any) -> str:
    text = _pretty(value)
    if len(text) <= MAX_OBSERVED_CHARS:
        return text
    return (f"{text[:MAX_OBSERVED_CHARS]}\n… (truncated: {len(_json(value)):,} characters "
            "of JSON in all)")


def _clip(text: str, limit: int, inline: bool = False) -> str:
    """Truncate ``text`` to ``limit`` characters with a visible marker."""
    if len(text) <= limit:
        return text
    sep = " " if inline else "\n"
    return f"{text[:limit]}{sep}… (truncated: {len(text) - limit:,} more characters)"


def _is_web_url(url: Any) -> bool:
    return isinstance(url, str) and re.match(r"(?i)https?://", url) is not None


def _link(url: Any, text: str) -> str:
    """A doc link when ``url`` is http(s); otherwise ``url`` shown as text."""
    if _is_web_url(url):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text)}</a>'
    return f"<code>{_e(url)}</code>" if url else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _verdict_class(verdict: str) -> str:
    return _CSS_CLASS.get(verdict, "v-other")


def _rate(passed: int, ran: int) -> str:
    return "n/a" if ran == 0 else f"{100.0 * passed / ran:.0f}%"


class _Ids:
    """Unique HTML ids made only of [A-Za-z0-9_-]."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._memo: dict[str, str] = {}

    def get(self, *parts: Any) -> str:
        key = "\x00".join(str(p) for p in parts)
        if key not in self._memo:
            base = "-".join(re.sub(r"[^A-Za-z0-9_-]+", "_", str(p)) for p in parts) or "id"
            candidate, n = base, 1
            while candidate in self._used:
                n += 1
                candidate = f"{base}-{n}"
            self._used.add(candidate)
            self._memo[key] = candidate
        return self._memo[key]


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Column:
    run: int
    device: str
    label: str
    subtitle: str


@dataclass
class _Report:
    runs: list[Run]
    columns: list[_Column]
    areas: dict[str, str]
    claims: list[dict[str, Any]]
    results: dict[tuple[str, int], dict[str, Any]]  # (claim id, column index) -> result

    def cells(self, claim_id: str) -> list[dict[str, Any] | None]:
        return [self.results.get((claim_id, i)) for i in range(len(self.columns))]

    def claims_in(self, area: str) -> list[dict[str, Any]]:
        return [c for c in self.claims if c["area"] == area]


def _short_version(torch_version: str) -> str:
    return torch_version.split("+", 1)[0]


def _run_labels(runs: list[Run]) -> list[str]:
    """One label per run: the torch version, made unique when versions repeat."""
    full = [str(_env(r).get("torch") or "torch ?") for r in runs]
    short = [_short_version(v) for v in full]
    return [s if short.count(s) == 1 else f if full.count(f) == 1 else f"{s} (run {i + 1})"
            for i, (s, f) in enumerate(zip(short, full))]


def _env(run: Run) -> dict[str, Any]:
    env = run.get("environment")
    return env if isinstance(env, dict) else {}


def _run_devices(run: Run) -> list[str]:
    devices = [str(d) for d in _env(run).get("devices") or []]
    for result in run.get("results") or []:
        device = str(result.get("device", "?"))
        if device not in devices:
            devices.append(device)
    return devices


def _columns(runs: list[Run]) -> list[_Column]:
    labels = _run_labels(runs)
    columns = []
    for i, run in enumerate(runs):
        names = _env(run).get("device_names")
        names = names if isinstance(names, dict) else {}
        for device in _run_devices(run):
            label = device if len(runs) == 1 else f"{labels[i]} · {device}"
            columns.append(_Column(i, device, label, str(names.get(device) or "")))
    return columns


def _build(runs: list[Run]) -> _Report:
    columns = _columns(runs)
    column_of = {(c.run, c.device): i for i, c in enumerate(columns)}
    areas: dict[str, str] = {}
    claims: dict[str, dict[str, Any]] = {}
    results: dict[tuple[str, int], dict[str, Any]] = {}
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
    return _Report(runs, columns, areas, list(claims.values()), results)


def _stale(result: dict[str, Any] | None) -> bool:
    expectation = (result or {}).get("expectation")
    return isinstance(expectation, dict) and expectation.get("status") == "stale"


def _needs_detail(result: dict[str, Any] | None) -> bool:
    if result is None:
        return False
    verdict = result.get("verdict")
    return verdict not in (PASS, NOT_RUN) or _stale(result)


def _rank(cells: list[dict[str, Any] | None]) -> int:
    """Sort key for a claim row: failures first, collapsed passes (4) last."""
    verdicts = {str(c.get("verdict")) for c in cells if c is not None}
    if verdicts - set(VERDICTS) or verdicts & FAILURES:
        return 0
    if any(_stale(c) for c in cells):
        return 1
    if EXPECTED in verdicts:
        return 2
    if ALLOWED in verdicts:
        return 3
    return 4


def _tally(report: _Report, claims: Iterable[dict[str, Any]], column: int) -> tuple[int, int]:
    """(PASS count, run count) over ``claims`` in one column; NOT RUN is not counted as run."""
    passed = ran = 0
    for claim in claims:
        result = report.results.get((claim["id"], column))
        if result is None or result.get("verdict") == NOT_RUN:
            continue
        ran += 1
        passed += result.get("verdict") == PASS
    return passed, ran


# --------------------------------------------------------------------------- page parts


_CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --mis: #b3261e; --mis-bg: #ffebe9;
  --unm: #7a4d00; --unm-bg: #fff1c2; --crash: #ffffff; --crash-bg: #7d1a1a;
  --nr: #59636e; --nr-bg: #eef1f4; --exp: #1849a9; --exp-bg: #e3ecff;
  --alw: #3d4852; --alw-bg: #f7f9fb; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.45; font-size: 14px;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
h4 { font-size: 13px; margin: 10px 0 6px; }
a { color: #0b57d0; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono",
  monospace; font-size: 12px; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 10px; margin: 4px 0 8px; overflow: auto; max-height: 28em; white-space: pre; }
pre.message { white-space: pre-wrap; word-break: break-word; max-height: 16em; }
header.top { border-bottom: 3px solid var(--fg); padding-bottom: 10px; margin-bottom: 12px; }
.runs { margin: 6px 0 0; padding: 0; list-style: none; color: var(--muted); }
.runs li { margin: 2px 0; }
.runs b { color: var(--fg); font-weight: 600; }
.banner { margin: 10px 0; padding: 10px 14px; border-radius: 6px; font-weight: 600; }
.banner.bad { background: var(--mis); color: #fff; }
.banner.warn { background: var(--mis-bg); color: var(--mis); border: 1px solid var(--mis); }
.banner.good { background: var(--pass-bg); color: var(--pass); border: 1px solid var(--pass); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; z-index: 1; background: #eef1f4; font-weight: 600; }
th small, td small { display: block; color: var(--muted); font-weight: 400; font-size: 11px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.summary td.num b { font-weight: 600; }
table.summary tr.total td { font-weight: 600; background: var(--bg-soft); }
.charts { display: flex; flex-wrap: wrap; gap: 8px 32px; }
figure.chart { margin: 0; }
.chart h3 { margin-top: 8px; }
.chart svg text { font-size: 12px; fill: var(--fg); }
.chart svg text.muted { fill: var(--muted); }
.v { font-weight: 600; font-size: 12px; white-space: nowrap; text-align: center; }
.v a { color: inherit; }
.v small { white-space: normal; overflow-wrap: anywhere; line-height: 1.3; }
.v-pass { background: var(--pass-bg); color: var(--pass); }
.v-mismatch { background: var(--mis-bg); color: var(--mis); box-shadow: inset 3px 0 0 var(--mis); }
.v-unmodelled { background: var(--unm-bg); color: var(--unm); box-shadow: inset 3px 0 0 #d4a72c; }
.v-crash { background: var(--crash-bg); color: var(--crash); }
.v-crash small { color: #f3d3d3; }
.v-notrun { background: var(--nr-bg); color: var(--nr); font-weight: 500; }
.v-expected { background: var(--exp-bg); color: var(--exp); }
.v-allowed { background: var(--alw-bg); color: var(--alw); font-style: italic; }
.v-other { background: #f3e8ff; color: #5b21b6; }
.v-none { color: var(--muted); font-weight: 400; }
.tag { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 11px;
  font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge { display: inline-block; margin: 3px 4px 0 0; padding: 0 6px; border-radius: 4px;
  font-size: 10.5px; font-weight: 600; letter-spacing: .02em; border: 1px solid;
  white-space: nowrap; }
.badge.d2l { color: #6f42c1; border-color: #c5b3ea; background: #f5f0ff; }
.badge.impl { color: #3d4852; border-color: #c3ccd5; background: #f6f8fa; }
.badge.stale { color: #9a3412; border-color: #f0b27a; background: #fff4e5; }
table.claims { table-layout: fixed; }
table.claims col.c-id { width: 13em; }
table.claims col.c-v { width: 10.5em; }
table.claims td.cid { font-weight: 600; overflow-wrap: anywhere; }
table.claims td.quote q { quotes: "\\201C" "\\201D"; }
table.claims tr.rank-0 td.cid { box-shadow: inset 3px 0 0 var(--mis); }
table.claims tr.rank-1 td.cid { box-shadow: inset 3px 0 0 #f0883e; }
table.claims tr.rank-2 td.cid { box-shadow: inset 3px 0 0 #6e9bf0; }
table.claims td.detail { background: #fcfcfd; padding: 8px 12px 10px; }
.result-detail + .result-detail { margin-top: 12px; border-top: 1px dashed var(--line);
  padding-top: 8px; }
.case { border-left: 3px solid var(--line); padding: 2px 0 2px 12px; margin: 8px 0 12px; }
.case-head code { font-weight: 600; word-break: break-all; }
table.mm { width: auto; max-width: 100%; }
table.mm td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12px; word-break: break-word; }
.expectation { background: var(--exp-bg); border: 1px solid #b6c8f5; border-radius: 6px;
  padding: 6px 10px; margin: 4px 0 8px; }
.expectation.stale { background: #fff4e5; border-color: #f0b27a; }
.code-head { display: flex; align-items: center; gap: 10px; margin-top: 6px;
  font-size: 12px; font-weight: 600; color: var(--muted); }
button.copy { display: none; font: inherit; font-size: 11px; padding: 1px 10px;
  border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
.js button.copy { display: inline-block; }
button.copy[data-copied="true"] { color: var(--pass); border-color: var(--pass); }
details { margin: 6px 0; }
details > summary { cursor: pointer; color: var(--muted); font-weight: 600; }
details.passing > summary { color: var(--pass); padding: 4px 0; }
.note { color: var(--muted); }
.muted { color: var(--muted); }
ul.attention { columns: 2 28em; margin: 4px 0 8px; padding-left: 20px; }
table.env { width: auto; min-width: 50%; }
table.env tbody th { font-weight: 600; white-space: nowrap; background: var(--bg-soft); }
table.env th, table.env td { vertical-align: baseline; }
table.env td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12px; word-break: break-word; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 11px; }
  thead th { position: static; }
  button.copy { display: none !important; }
  pre { max-height: none; white-space: pre-wrap; word-break: break-word; }
  tr, .case { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

# Fixed text: no data is ever placed in this script; it copies a <pre>'s textContent.
_SCRIPT = """
document.documentElement.className += ' js';
function tcCopyDone(button, ok) {
  button.setAttribute('data-copied', ok ? 'true' : 'false');
  button.textContent = ok ? 'Copied' : 'Copy failed';
}
function tcCopyFallback(button, text) {
  var area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  var ok = false;
  try { ok = document.execCommand('copy'); } catch (err) { ok = false; }
  document.body.removeChild(area);
  tcCopyDone(button, ok);
}
document.addEventListener('click', function (event) {
  var button = event.target.closest ? event.target.closest('button.copy') : null;
  if (!button) { return; }
  var source = document.getElementById(button.getAttribute('data-target'));
  if (!source) { return; }
  var text = source.textContent;
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(function () { tcCopyDone(button, true); },
                                             function () { tcCopyFallback(button, text); });
  } else {
    tcCopyFallback(button, text);
  }
});
window.addEventListener('beforeprint', function () {
  var all = document.querySelectorAll('details');
  for (var i = 0; i < all.length; i++) { all[i].open = true; }
});
"""


def _code_block(text: str, block_id: str, heading: str) -> str:
    """A <pre> with a Copy button; the leading newline keeps ``textContent`` exact."""
    return (f'<div class="code-head"><span>{_e(heading)}</span>'
            f'<button type="button" class="copy" data-target="{block_id}">Copy</button></div>'
            f'<pre id="{block_id}" class="code">\n{_e(_clip(text, MAX_CODE_CHARS))}</pre>')


def _column_header(column: _Column) -> str:
    sub = f"<small>{_e(column.subtitle)}</small>" if column.subtitle else ""
    return f'<th class="v" scope="col">{_e(column.label)}{sub}</th>'


def _header(report: _Report) -> str:
    runs = report.runs
    items = []
    for i, run in enumerate(runs):
        env = _env(run)
        duration = run.get("duration_s")
        duration_text = f"{duration:.1f} s" if isinstance(duration, (int, float)) else "?"
        prefix = f"<b>Run {i + 1}</b> · " if len(runs) > 1 else ""
        items.append(
            f"<li>{prefix}torch <b>{_e(env.get('torch', '?'))}</b> · profile "
            f"<b>{_e(env.get('profile', '?'))}</b> · started <b>{_e(run.get('started', '?'))}</b>"
            f" · duration <b>{_e(duration_text)}</b> · devices "
            f"<b>{_e(', '.join(_run_devices(run)) or 'none')}</b></li>")
    banners = [f'<div class="banner bad" role="alert">Run {i + 1} (torch '
               f"{_e(_env(run).get('torch', '?'))}) was interrupted: it stopped early and "
               "its results are incomplete.</div>"
               for i, run in enumerate(runs) if run.get("interrupted")]
    if not runs:
        banners.append('<div class="banner warn">No results documents were given.</div>')
    elif any(run.get("exit_status") not in (0, None) for run in runs):
        banners.append('<div class="banner warn">A required claim is violated '
                       "(exit status 1).</div>")
    else:
        banners.append('<div class="banner good">Every required claim conforms '
                       "(exit status 0).</div>")
    return ('<header class="top"><h1>torch-conformance report</h1>'
            f'<ul class="runs">{"".join(items)}</ul></header>{"".join(banners)}')


def _summary_table(report: _Report, ids: _Ids) -> str:
    head = "".join(_column_header(c) for c in report.columns)
    rows = []
    for area, description in report.areas.items():
        claims = report.claims_in(area)
        cells = "".join(_tally_cell(*_tally(report, claims, i), _programs(report, claims, i))
                        for i in range(len(report.columns)))
        rows.append(f'<tr><td><a href="#{ids.get("area", area)}">{_e(area)}</a>'
                    f"<small>{_e(description)}</small></td>"
                    f'<td class="num">{len(claims)}</td>{cells}</tr>')
    totals = "".join(_tally_cell(*_tally(report, report.claims, i))
                     for i in range(len(report.columns)))
    rows.append(f'<tr class="total"><td>All areas</td><td class="num">{len(report.claims)}</td>'
                f"{totals}</tr>")
    return ('<table class="summary"><thead><tr><th scope="col">Area</th>'
            f'<th class="num" scope="col">Claims</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            '<p class="note">Each cell: PASS / claims run, with the pass rate, and the programs '
            "checked for the area's claims. NOT RUN is left out of the denominator; “n/a” means "
            "nothing ran.</p>")


def _programs(report: _Report, claims: list[dict[str, Any]], column: int) -> int:
    """Programs checked by the tests of ``claims`` in one column (each test counted once)."""
    col = report.columns[column]
    ids = {c["id"] for c in claims}
    return sum(int(t.get("examples") or 0) for t in report.runs[col.run].get("tests") or []
               if isinstance(t, dict) and t.get("device") == col.device
               and ids & set(t.get("claims") or []))


def _tally_cell(passed: int, ran: int, programs: int | None = None) -> str:
    if ran == 0:
        return '<td class="num muted">n/a</td>'
    extra = f" · {programs} programs" if programs else ""
    return (f'<td class="num"><b>{_rate(passed, ran)}</b><small>{passed} / {ran}{extra}'
            "</small></td>")


def _bar_chart(title: str, rows: list[tuple[str, int, int]]) -> str:
    """Horizontal bars: the PASS share of what ran, per row."""
    label_w, bar_w, row_h, value_w = 170, 260, 24, 100
    width, height = label_w + bar_w + value_w, row_h * len(rows) + 6
    parts = []
    for n, (label, passed, ran) in enumerate(rows):
        y = 3 + n * row_h
        text = label if len(label) <= 28 else label[:27] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{_e(text)}'
                     f"<title>{_e(label)}</title></text>")
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}" '
                     'fill="#eef1f4" rx="3"/>')
        if ran:
            pass_w = round(bar_w * passed / ran, 1)
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}"'
                         ' fill="#f5c2bd" rx="3"/>')
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{pass_w}" height="{row_h - 8}"'
                         ' fill="#2da44e" rx="3"/>')
            value = f"{_rate(passed, ran)} ({passed}/{ran})"
            parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 16}">{_e(value)}</text>')
        else:
            parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 16}" class="muted">n/a</text>')
    return (f'<figure class="chart"><h3>{_e(title)}</h3>'
            f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><title>{_e(title)}</title>'
            f'{"".join(parts)}</svg></figure>')


def _charts(report: _Report) -> str:
    per_column = [(c.label, *_tally(report, report.claims, i))
                  for i, c in enumerate(report.columns)]
    per_area = []
    for area in report.areas:
        claims = report.claims_in(area)
        tallies = [_tally(report, claims, i) for i in range(len(report.columns))]
        per_area.append((area, sum(t[0] for t in tallies), sum(t[1] for t in tallies)))
    return ('<div class="charts">' + _bar_chart("Pass rate per column", per_column)
            + _bar_chart("Pass rate per area (all columns)", per_area) + "</div>")


def _attention_list(report: _Report, ids: _Ids) -> str:
    entries = []
    for claim in report.claims:
        cells = report.cells(claim["id"])
        if _rank(cells) == 4:
            continue
        where = [f"{_e(cell.get('verdict'))}{' (stale expectation)' if _stale(cell) else ''}"
                 f" on {_e(col.label)}"
                 for col, cell in zip(report.columns, cells) if _needs_detail(cell) and cell]
        entries.append(f'<li><a href="#{ids.get("claim", claim["id"])}">{_e(claim["id"])}</a>: '
                       f'{"; ".join(where)}</li>')
    if not entries:
        return "<p>No claim needs attention: every claim that ran passes.</p>"
    more = len(entries) - MAX_ATTENTION
    tail = f"<li>… and {more} more</li>" if more > 0 else ""
    verb = "needs" if len(entries) == 1 else "need"
    return (f"<h3>{_plural(len(entries), 'claim')} {verb} attention</h3>"
            f'<ul class="attention">{"".join(entries[:MAX_ATTENTION])}{tail}</ul>')


def _legend(report: _Report) -> str:
    head = "".join(_column_header(c) for c in report.columns)
    counts = {(i, v): 0 for i in range(len(report.columns)) for v in VERDICTS}
    others: dict[str, int] = {}
    for (_claim, col), result in report.results.items():
        verdict = str(result.get("verdict"))
        if verdict in VERDICTS:
            counts[(col, verdict)] += 1
        else:
            others[verdict] = others.get(verdict, 0) + 1
    rows = []
    for verdict in VERDICTS:
        per_col = [counts[(i, verdict)] for i in range(len(report.columns))]
        cells = "".join(f'<td class="num">{n}</td>' for n in per_col)
        rows.append(f'<tr><td class="v {_verdict_class(verdict)}">{_e(verdict)}</td>'
                    f"<td>{_e(LEGEND[verdict])}</td><td class=\"num\"><b>{sum(per_col)}</b></td>"
                    f"{cells}</tr>")
    extra = "".join(f"<li><code>{_e(v)}</code>: {n}</li>" for v, n in others.items())
    unknown = f'<p class="note">Unknown verdicts:</p><ul>{extra}</ul>' if extra else ""
    return ('<h3 id="legend">Verdicts (legend and counts)</h3><table class="legend"><thead><tr>'
            '<th scope="col">Verdict</th><th scope="col">Meaning</th>'
            f'<th class="num" scope="col">All</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{unknown}')


def _summary(report: _Report, ids: _Ids) -> str:
    return ('<section id="summary"><h2>Summary</h2>' + _summary_table(report, ids)
            + _charts(report) + _attention_list(report, ids) + _legend(report) + "</section>")


def _verdict_cell(report: _Report, claim_id: str, col: int, ids: _Ids) -> str:
    result = report.results.get((claim_id, col))
    if result is None:
        return '<td class="v v-none" title="no result for this column">—</td>'
    verdict = str(result.get("verdict"))
    counts = f"{_plural(int(result.get('tests') or 0), 'test')}, " \
             f"{_plural(int(result.get('examples') or 0), 'example')}"
    word = _e(verdict)
    if _needs_detail(result):
        word = f'<a href="#{ids.get("detail", claim_id, col)}">{word}</a>'
    extra = ""
    title = counts
    if verdict == NOT_RUN:
        reason = str(result.get("reason") or "no reason given")
        title = f"NOT RUN: {reason}"
        extra = f'<small class="reason">{_e(_clip(reason, 80, inline=True))}</small>'
    else:
        extra = f"<small>{_e(counts)}</small>"
    if _stale(result):
        extra += '<span class="badge stale">stale expectation</span>'
    return (f'<td class="v {_verdict_class(verdict)}" title="{_e(title)}">'
            f"{word}{extra}</td>")


def _claim_row(report: _Report, claim: dict[str, Any], ids: _Ids) -> str:
    badges = ""
    if claim.get("source") == "d2l":
        badges += ('<span class="badge d2l" title="claim taken from Dive into Deep Learning">'
                   "D2L</span>")
    if claim.get("kind") == "implementation-defined":
        badges += '<span class="badge impl">implementation-defined</span>'
    quote = f"<q>{_e(claim.get('quote'))}</q>" if claim.get("quote") else ""
    link = _link(claim.get("url"), "documentation")
    cells = "".join(_verdict_cell(report, claim["id"], i, ids) for i in range(len(report.columns)))
    cls = f"claim rank-{_rank(report.cells(claim['id']))}"
    return (f'<tr id="{ids.get("claim", claim["id"])}" class="{cls}">'
            f'<td class="cid">{_e(claim["id"])}<br>{badges}</td>'
            f'<td class="quote">{quote} {link}</td>{cells}</tr>')


def _mismatch_table(mismatches: list[Any]) -> str:
    if not mismatches:
        return ""
    rows = []
    for m in mismatches[:MAX_MISMATCHES]:
        m = m if isinstance(m, dict) else {"path": m}
        values = [_clip(_json(m.get(k)), MAX_VALUE_CHARS, inline=True)
                  for k in ("torch", "reference")]
        rows.append(f'<tr><td class="num">{_e(m.get("step"))}</td><td>{_e(m.get("path"))}</td>'
                    f"<td>{_e(values[0])}</td><td>{_e(values[1])}</td></tr>")
    more = len(mismatches) - MAX_MISMATCHES
    if more > 0:
        rows.append(f'<tr><td colspan="4" class="note">… and {more} more mismatches</td></tr>')
    return ('<table class="mm"><thead><tr><th class="num">Step</th><th>Path</th><th>torch</th>'
            f'<th>Documented (reference)</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _case(case: dict[str, Any], case_id: str) -> str:
    verdict = str(case.get("verdict") or "")
    tag = (f'<span class="tag {_verdict_class(verdict)}">{_e(verdict)}</span> '
           if verdict else "")
    parts = [f'<div class="case"><div class="case-head">{tag}'
             f'<code>{_e(case.get("test") or "(unnamed test)")}</code></div>']
    if case.get("message"):
        message = _clip(str(case["message"]), MAX_MESSAGE_CHARS)
        parts.append(f'<pre class="message">\n{_e(message)}</pre>')
    mismatches = case.get("mismatches")
    parts.append(_mismatch_table(mismatches if isinstance(mismatches, list) else []))
    reproduction, program = case.get("reproduction"), case.get("program")
    if reproduction:
        parts.append(_code_block(str(reproduction), f"{case_id}-repro",
                                 "Reproduction (torch only)"))
    if program and program != reproduction:
        parts.append(f"<details><summary>Program</summary>"
                     f'{_code_block(str(program), f"{case_id}-program", "")}</details>')
    if case.get("observed") not in (None, {}, []):
        observed = _observed(case["observed"])
        parts.append(f"<details><summary>Observed facts</summary>"
                     f'<pre class="observed">\n{_e(observed)}</pre></details>')
    parts.append("</div>")
    return "".join(parts)


def _expectation_box(expectation: Any) -> str:
    if not isinstance(expectation, dict):
        return ""
    stale = expectation.get("status") == "stale"
    flag = ('<b>Stale: the claim passes now: remove this expectation.</b><br>' if stale else "")
    link = _link(expectation.get("url"), "tracking link")
    return (f'<div class="expectation{" stale" if stale else ""}">{flag}'
            f"Expected departure for torch <code>{_e(expectation.get('torch') or 'any')}</code>: "
            f"{_e(expectation.get('reason') or 'no reason recorded')} {link}"
            f"<small>expires {_e(expectation.get('expires') or 'never')}</small></div>")


def _result_detail(report: _Report, claim_id: str, col: int, ids: _Ids) -> str:
    result = report.results[(claim_id, col)]
    verdict = str(result.get("verdict"))
    column = report.columns[col]
    block_id = ids.get("detail", claim_id, col)
    head = (f'<h4><span class="tag {_verdict_class(verdict)}">{_e(verdict)}</span> on '
            f"{_e(column.label)} <span class=\"muted\">("
            f"{_plural(int(result.get('tests') or 0), 'test')}, "
            f"{_plural(int(result.get('examples') or 0), 'example')})</span></h4>")
    raw_cases = result.get("cases")
    cases: list[Any] = raw_cases if isinstance(raw_cases, list) else []
    body = "".join(_case(c if isinstance(c, dict) else {"message": c}, f"{block_id}-case{n + 1}")
                   for n, c in enumerate(cases[:MAX_CASES]))
    if len(cases) > MAX_CASES:
        body += f'<p class="note">… and {len(cases) - MAX_CASES} more cases not shown.</p>'
    if not cases and verdict not in (PASS, EXPECTED):
        body += '<p class="note">No case details were recorded.</p>'
    content = f"{head}{_expectation_box(result.get('expectation'))}{body}"
    if verdict == ALLOWED:
        content = (f"<details><summary>{_e(column.label)}: allowed variation "
                   f"({_plural(len(cases), 'case')})</summary>{content}</details>")
    return f'<div class="result-detail" id="{block_id}">{content}</div>'


def _detail_row(report: _Report, claim_id: str, ids: _Ids) -> str:
    blocks = [_result_detail(report, claim_id, i, ids)
              for i, cell in enumerate(report.cells(claim_id)) if _needs_detail(cell)]
    if not blocks:
        return ""
    return (f'<tr class="detail"><td class="detail" colspan="{len(report.columns) + 2}">'
            f'{"".join(blocks)}</td></tr>')


def _claims_table(report: _Report, rows: list[str]) -> str:
    head = "".join(_column_header(c) for c in report.columns)
    cols = '<col class="c-v">' * len(report.columns)
    return ('<table class="claims"><colgroup><col class="c-id"><col class="c-quote">'
            f'{cols}</colgroup><thead><tr><th scope="col">Claim</th>'
            f'<th scope="col">Documented behaviour</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _area(report: _Report, area: str, description: str, ids: _Ids) -> str:
    claims = report.claims_in(area)
    ranked = sorted(claims, key=lambda c: _rank(report.cells(c["id"])))
    attention = [c for c in ranked if _rank(report.cells(c["id"])) < 4]
    passing = [c for c in ranked if _rank(report.cells(c["id"])) == 4]
    parts = [f'<section class="area"><h2 id="{ids.get("area", area)}">{_e(area)}'
             f' <span class="muted">— {_e(description)}</span></h2>']
    if not claims:
        parts.append('<p class="note">No claims in this area.</p>')
    if attention:
        rows = [_claim_row(report, c, ids) + _detail_row(report, c["id"], ids)
                for c in attention]
        parts.append(_claims_table(report, rows))
    if passing:
        partial = any(cell is None or cell.get("verdict") == NOT_RUN
                      for c in passing for cell in report.cells(c["id"]))
        verb = "passes" if len(passing) == 1 else "pass"
        label = (f"{_plural(len(passing), 'claim')} {verb} on every column"
                 f"{' that ran' if partial else ''}")
        rows = [_claim_row(report, c, ids) for c in passing]
        parts.append(f'<details class="passing"><summary>{_e(label)}</summary>'
                     f"{_claims_table(report, rows)}</details>")
    parts.append("</section>")
    return "".join(parts)


def _grad_table(rows: Any) -> str:
    if not isinstance(rows, list):
        return ""
    body = "".join(
        f"<tr><td><code>{_e(r.get('code'))}</code></td>"
        f"<td><code>{_e(_json(r.get('values')))}</code></td>"
        f'<td class="num">{_e(r.get("version"))}</td><td>{_e(r.get("grad_fn") or "None")}</td>'
        + (f"<td>{_e(r.get('error'))}</td>" if r.get("error") else "<td></td>") + "</tr>"
        for r in rows if isinstance(r, dict))
    return ('<table class="expectations"><thead><tr><th>Step</th><th>x.grad</th>'
            '<th class="num">x.grad._version</th><th>x.grad.grad_fn</th><th>Error</th></tr>'
            f"</thead><tbody>{body}</tbody></table>")


_CURVE_COLOURS = ("#0969da", "#1a7f37", "#9a6700", "#cf222e", "#8250df", "#57606a")


def _focal_chart(data: Any) -> str:
    """Loss against p_t, one polyline per gamma, inline SVG."""
    if not isinstance(data, dict) or not isinstance(data.get("curves"), dict):
        return ""
    ps = [float(p) for p in data.get("p_t") or []]
    curves = {str(k): [float(v) for v in vs] for k, vs in data["curves"].items()
              if isinstance(vs, list) and len(vs) == len(ps)}
    if not ps or not curves:
        return ""
    width, height, left, bottom, top = 560, 300, 48, 36, 12
    ymax = max(max(v) for v in curves.values()) or 1.0

    def x(p: float) -> float:
        return left + p * (width - left - 16)

    def y(v: float) -> float:
        return top + (1 - v / ymax) * (height - top - bottom)
    parts = [f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - 16}" y2="{y(0):.1f}" '
             'stroke="#8c959f"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y(0):.1f}" stroke="#8c959f"/>']
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 18}" font-size="11" '
                     f'text-anchor="middle">{tick:g}</text>')
    for frac in (0.0, 0.5, 1.0):
        parts.append(f'<text x="{left - 6}" y="{y(ymax * frac) + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{ymax * frac:.2g}</text>')
    parts.append(f'<text x="{(left + width) / 2:.0f}" y="{height - 2}" font-size="12" '
                 'text-anchor="middle">probability of the true class p_t</text>')
    for n, (gamma, vs) in enumerate(curves.items()):
        colour = _CURVE_COLOURS[n % len(_CURVE_COLOURS)]
        points = " ".join(f"{x(p):.1f},{y(v):.1f}" for p, v in zip(ps, vs))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{points}"><title>gamma = {_e(gamma)}</title></polyline>')
        parts.append(f'<text x="{width - 130}" y="{top + 14 + 16 * n}" font-size="12" '
                     f'fill="{colour}">gamma = {_e(gamma)}</text>')
    return (f'<svg role="img" aria-label="focal loss against p_t" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">{"".join(parts)}</svg>')


def _explainers(report: _Report) -> str:
    """Answers to the notes' open questions, from the numbers this run observed."""
    run = next((r for r in report.runs if isinstance(r.get("explainers"), dict)
                and r["explainers"]), None)
    if run is None:
        return ""
    ex = run["explainers"]

    def data(key: str) -> Any:
        item = ex.get(key)
        return item.get("data") if isinstance(item, dict) else None

    def where(key: str) -> str:
        item = ex.get(key)
        if not isinstance(item, dict):
            return ""
        return (f'<p class="note">Observed on {_e(item.get("device"))} by '
                f"<code>{_e(item.get('test'))}</code> (the reference agreed on every fact)."
                "</p>")
    parts = []
    zero = data("zero_versus_data_zero")
    if isinstance(zero, dict):
        tables = "".join(f"<h4><code>x.{_e(name)}</code></h4>{_grad_table(rows)}"
                         for name, rows in zero.items())
        parts.append(
            "<h3>x.grad.zero_() or x.grad.data.zero_()?</h3><p>Both set the values to zero. "
            "<code>x.grad.zero_()</code> is an in-place op on <code>x.grad</code>: its "
            "version counter moves, and when <code>x.grad</code> carries a graph (as after "
            "<code>backward(create_graph=True)</code>) the zeroing is recorded in it "
            "(ZeroBackward0). <code>.data</code> is the same memory with a version counter of "
            "its own and no graph, so <code>x.grad.data.zero_()</code> changes the values "
            "behind autograd's back: the version and the graph stay as they were, and a "
            "backward through that graph would use values it cannot know changed. Prefer "
            "<code>zero_()</code> (or <code>optimizer.zero_grad()</code>, which sets "
            f"<code>.grad</code> to None).</p>{tables}{where('zero_versus_data_zero')}")
    acc = data("accumulation")
    if isinstance(acc, list):
        parts.append(
            "<h3>Why clear gradients before backward?</h3><p>backward() adds into "
            "<code>.grad</code>; it never replaces it. Two calls on the same graph shape give "
            "the sum of both gradients; zeroing in between gives each call's own. That is why "
            "training loops call <code>optimizer.zero_grad()</code> every step.</p>"
            f"{_grad_table(acc)}{where('accumulation')}")
    focal = data("focal_curves")
    if isinstance(focal, dict):
        parts.append(
            "<h3>Focal loss</h3><p>FL(p<sub>t</sub>) = &minus;&alpha;<sub>t</sub> "
            "(1 &minus; p<sub>t</sub>)<sup>&gamma;</sup> log p<sub>t</sub>, where p<sub>t</sub> "
            "is the predicted probability of the true class (sigmoid of the logit for binary "
            "and multi-label targets, softmax for classes). The modulating factor "
            "(1 &minus; p<sub>t</sub>)<sup>&gamma;</sup> shrinks the loss of examples the "
            "model already gets right, so training concentrates on hard ones; &gamma; sets how "
            "fast (&gamma; = 0 is plain cross-entropy, &minus;log p<sub>t</sub>). "
            "&alpha;<sub>t</sub> weights the classes: &alpha; for positives and "
            "1 &minus; &alpha; for negatives (per-class weights in the multi-class loss). "
            "The curves below were computed by torch in this run (alpha off), and the "
            f"reference model agreed.</p>{_focal_chart(focal)}{where('focal_curves')}")
    if not parts:
        return ""
    return ('<section id="explainers"><h2>Explainers: what this run observed</h2>'
            + "".join(parts) + "</section>")


def _mutants(report: _Report) -> str:
    """The mutant self-assessment (``python -m conformance mutants``), when a run has one."""
    sections = []
    for i, run in enumerate(report.runs):
        m = run.get("mutants")
        if not isinstance(m, dict) or not isinstance(m.get("mutants"), list):
            continue
        rows = "".join(
            f'<tr><td><code>{_e(r.get("name"))}</code></td><td>{_e(r.get("description"))}</td>'
            f'<td>{_e(", ".join(r.get("claims") or []))}</td>'
            f'<td class="{"v-pass" if r.get("killed") else "v-mismatch"}">'
            f'{"killed" if r.get("killed") else "SURVIVED"}</td>'
            f'<td>{_e(r.get("first_claim") or "—")}</td>'
            f'<td class="num">{_e(r.get("seconds"))}</td></tr>'
            for r in m["mutants"] if isinstance(r, dict))
        label = f" (run {i + 1})" if len(report.runs) > 1 else ""
        sections.append(
            f"<h3>Mutants{_e(label)}: {_e(m.get('killed'))} of {_e(m.get('total'))} killed, "
            f"median time to kill {_e(m.get('median_s'))} s; unpatched torch "
            f"{'passes' if m.get('baseline_ok') else 'FAILS'}</h3>"
            '<table class="expectations"><thead><tr><th>Mutant</th><th>What it breaks</th>'
            "<th>Claims</th><th>Verdict</th><th>First claim that caught it</th>"
            f'<th class="num">Seconds</th></tr></thead><tbody>{rows}</tbody></table>')
    if not sections:
        return ""
    return ('<section id="mutants"><h2>The suite\'s power: mutants</h2><p class="note">Each '
            "mutant patches torch to break one documented behaviour; it is killed when the "
            "suite reports a violated claim.</p>" + "".join(sections) + "</section>")


def _drift(report: _Report, ids: _Ids) -> str:
    """Documentation torch no longer follows: claims with a ``drift`` note, with the verdict
    of the tests that check what torch does instead."""
    rows = []
    for claim in report.claims:
        drift = claim.get("drift")
        if not drift:
            continue
        cells = "".join(
            f'<td class="{_verdict_class(str(c.get("verdict")))}">{_e(c.get("verdict"))}</td>'
            if c is not None else '<td class="muted">—</td>' for c in report.cells(claim["id"]))
        quote = str(claim.get("quote") or "")
        if claim.get("source") == "d2l" and quote.startswith("D2L"):
            quote = quote.split(":", 1)[-1].strip() if quote.startswith("D2L:") else quote
        source = "D2L" if claim.get("source") == "d2l" else str(claim.get("source") or "")
        rows.append(f'<tr><td><a href="#{ids.get("claim", claim["id"])}">{_e(claim["id"])}'
                    f"</a></td><td>{_e(source)}: \u201c{_e(quote)}\u201d "
                    f"{_link(claim.get('url'), 'source')}</td><td>{_e(drift)}</td>{cells}</tr>")
    if not rows:
        return ""
    heads = "".join(f"<th>{_e(c.label)}</th>" for c in report.columns)
    return ('<section id="drift"><h2>Documentation drift</h2><p class="note">What these '
            "sources say that torch no longer does. A PASS means torch behaves as the drift "
            "column says (the tests check today's behaviour).</p><table class=\"expectations\">"
            f"<thead><tr><th>Claim</th><th>The source says</th><th>torch today</th>{heads}"
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')


def _expectations(report: _Report, ids: _Ids) -> str:
    grouped: dict[tuple[str, str], list[tuple[str, str]]] = {}
    records: dict[tuple[str, str], dict[str, Any]] = {}
    for (claim_id, col), result in sorted(report.results.items(), key=lambda kv: kv[0][1]):
        expectation = result.get("expectation")
        if not isinstance(expectation, dict):
            continue
        key = (claim_id, _json({k: v for k, v in expectation.items() if k != "status"}))
        grouped.setdefault(key, []).append((report.columns[col].label,
                                            str(expectation.get("status") or "active")))
        records[key] = expectation
    unmet = _unmet_entries(report, {str(e.get("id")) for e in records.values()})
    if not grouped and not unmet:
        return ('<section id="expectations"><h2>Expectations</h2>'
                "<p>No expectations are recorded.</p></section>")
    rows = []
    order = {c["id"]: n for n, c in enumerate(report.claims)}
    for key in sorted(grouped, key=lambda k: order.get(k[0], 0)):
        exp, where = records[key], grouped[key]
        stale = [label for label, status in where if status == "stale"]
        status = ('<span class="badge stale">STALE</span> passes now on '
                  f"{_e(', '.join(stale))}: remove this expectation") if stale else "active"
        row_class = ' class="stale"' if stale else ""
        rows.append(f"<tr{row_class}>"
                    f'<td><a href="#{ids.get("claim", key[0])}">{_e(key[0])}</a></td>'
                    f"<td>{_e(', '.join(label for label, _ in where))}</td>"
                    f"<td><code>{_e(exp.get('torch') or 'any')}</code></td>"
                    f"<td>{_e(exp.get('reason'))} {_link(exp.get('url'), 'link')}</td>"
                    f"<td>{_e(exp.get('expires') or 'never')}</td><td>{status}</td></tr>")
    for entry, label in unmet:
        expired = entry.get("status") == "expired"
        flag = ('<span class="badge stale">EXPIRED</span> no longer applied: its departure shows '
                "as a MISMATCH until the entry is renewed or removed"
                if expired else _e(entry.get("status")))
        row_class = ' class="stale"' if expired else ""
        rows.append(f"<tr{row_class}>"
                    f"<td>{_e(', '.join(entry.get('claims') or []))}</td><td>{_e(label)}</td>"
                    f"<td><code>{_e(entry.get('torch') or 'any')}</code></td>"
                    f"<td>{_e(entry.get('reason'))} {_link(entry.get('url'), 'link')}</td>"
                    f"<td>{_e(entry.get('expires') or 'never')}</td><td>{flag}</td></tr>")
    return ('<section id="expectations"><h2>Expectations</h2><table class="expectations">'
            "<thead><tr><th>Claim</th><th>Columns</th><th>torch</th><th>Reason</th>"
            f'<th>Expires</th><th>Status</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></section>")


def _unmet_entries(report: _Report, shown: set[str]) -> list[tuple[dict[str, Any], str]]:
    """The results files' expectation entries that no claim cell carries (expired, not met
    this run, or for another torch), each with the run it comes from."""
    out = []
    for i, run in enumerate(report.runs):
        for entry in run.get("expectations") or []:
            if isinstance(entry, dict) and str(entry.get("id")) not in shown:
                out.append((entry, f"run {i + 1}" if len(report.runs) > 1 else "this run"))
    return out


_RUN_KEYS = ("started", "finished", "duration_s", "interrupted", "exit_status", "schema",
             "schema_version")


def _environment(report: _Report) -> str:
    """Every ``environment`` key (and the run's own fields): one row per key, a column per run."""
    tables = [{**_env(run), **{k: run.get(k) for k in _RUN_KEYS}} for run in report.runs]
    keys: dict[str, None] = {}
    for table in tables:
        keys.update(dict.fromkeys(table))
    head = "".join(f'<th scope="col">Run {i + 1}</th>' if len(tables) > 1 else
                   '<th scope="col">Value</th>' for i in range(len(tables)))
    rows = "".join(f'<tr><th scope="row">{_e(key)}</th>'
                   + "".join(f"<td>{_e(_env_value(t[key]))}</td>" if key in t
                             else '<td class="muted">—</td>' for t in tables) + "</tr>"
                   for key in keys)
    return ('<section id="environment"><h2>Environment</h2><table class="env"><thead><tr>'
            f'<th scope="col">Key</th>{head}</tr></thead><tbody>{rows}</tbody></table></section>')


def _env_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_env_value(v)}" for k, v in value.items()) or "{}"
    if isinstance(value, list):
        return ", ".join(_env_value(v) for v in value) or "[]"
    return _clip(_json(value), MAX_VALUE_CHARS, inline=True)


def render(runs: list[dict[str, Any]]) -> str:
    """The conformance report for one or more results documents, as one HTML page."""
    report = _build(list(runs))
    ids = _Ids()
    areas = "".join(_area(report, area, description, ids)
                    for area, description in report.areas.items())
    versions = sorted({str(_env(r).get("torch", "?")) for r in report.runs})
    title = f"torch-conformance report: torch {', '.join(versions)}" if versions else \
        "torch-conformance report"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
            f"{_header(report)}{_summary(report, ids)}"
            f'<section id="claims">{areas}</section>'
            f"{_explainers(report)}{_drift(report, ids)}{_mutants(report)}"
            f"{_expectations(report, ids)}"
            f"{_environment(report)}"
            f"<footer>Generated by torch-conformance from "
            f"{_plural(len(report.runs), 'results document')}.</footer>"
            f"</main><script>{_SCRIPT}</script></body></html>\n")
