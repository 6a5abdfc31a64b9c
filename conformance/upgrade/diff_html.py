"""The upgrade diff as one self-contained HTML page, in the conformance report's style.

Summary first (programs added, removed, changed, unchanged; changes by kind; claims whose
verdict changed), then each claim with changes: its documentation link and sentence, and per
change the program and torch's observations before and after, side by side, with the paths
where they differ. Claims without changes are collapsed to a count. Everything from the
results files is escaped.
"""

from __future__ import annotations

from typing import Any

from ..claims import CLAIMS
from ..report.html import _CSS, _SCRIPT, _code_block, _e, _link, _pretty
from .diff import ADDED, CHANGED, FIX, IMPL, REMOVED, UNCHANGED, UNDOCUMENTED, VIOLATION

MAX_CHANGES = 12  # changes shown per claim and device
KIND_CLASS = {VIOLATION: "v-mismatch", FIX: "v-pass", IMPL: "v-allowed",
              UNDOCUMENTED: "v-expected"}
KIND_MEANING = {
    VIOLATION: "the claim conformed on the old torch and does not on the new one",
    FIX: "the claim did not conform on the old torch and does on the new one",
    IMPL: "an implementation-defined claim where torch now chooses differently",
    UNDOCUMENTED: "both conform; a detail the documentation does not pin down changed",
}

_EXTRA_CSS = """
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.side pre { max-height: 420px; overflow: auto; }
.paths { font-size: 12px; color: var(--muted); }
"""


def _id(*parts: Any) -> str:
    return "-".join("".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(p))
                    for p in parts)


def _summary(diff: dict[str, Any]) -> str:
    t, k = diff["totals"], diff["kinds"]
    rows = "".join(f"<tr><td>{_e(name)}</td><td>{t[name]}</td></tr>"
                   for name in (CHANGED, ADDED, REMOVED, UNCHANGED))
    kinds = "".join(f'<tr><td><span class="tag {KIND_CLASS[name]}">{_e(name)}</span></td>'
                    f"<td>{k[name]}</td><td>{_e(KIND_MEANING[name])}</td></tr>"
                    for name in (VIOLATION, FIX, IMPL, UNDOCUMENTED))
    verdicts = "".join(
        f'<tr><td><a href="#{_id("claim", v["claim"], v["device"])}">{_e(v["claim"])}</a>'
        f"</td><td>{_e(v['device'])}</td><td>{_e(v['before'])}</td><td>{_e(v['after'])}</td>"
        "</tr>" for v in diff["verdict_changes"])
    verdict_table = (
        "<table><thead><tr><th>Claim</th><th>Device</th><th>Before</th><th>After</th></tr>"
        f"</thead><tbody>{verdicts}</tbody></table>" if verdicts else
        "<p>No claim's verdict changed.</p>")
    return ('<section id="summary"><h2>Summary</h2>'
            "<table><thead><tr><th>Programs</th><th>Count</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            "<h3>Changes by kind</h3><table><thead><tr><th>Kind</th><th>Count</th>"
            f"<th>Meaning</th></tr></thead><tbody>{kinds}</tbody></table>"
            f"<h3>Verdict changes</h3>{verdict_table}</section>")


def _change(ch: dict[str, Any], n: int, base: str) -> str:
    program = ch.get("program")
    block = _code_block(program, f"{base}-p{n}", "Program (torch only)") if program else ""
    paths = ch.get("paths") or []
    return (f'<div class="case"><h4><span class="tag {KIND_CLASS.get(ch["kind"], "")}">'
            f'{_e(ch["kind"])}</span> {_e(ch["what"])} · <code>{_e(ch["test"])}</code></h4>'
            + (f'<p class="paths">differs at: {_e("; ".join(paths[:12]))}</p>' if paths else "")
            + block
            + '<div class="side"><div><b>Before</b><pre>'
            + _e(_pretty(ch.get("before"))) + "</pre></div><div><b>After</b><pre>"
            + _e(_pretty(ch.get("after"))) + "</pre></div></div></div>")


def _claim(c: dict[str, Any]) -> str:
    claim = CLAIMS.get(c["claim"])
    base = _id("claim", c["claim"], c["device"])
    n = c["counts"]
    head = (f'<h3 id="{base}">{_e(c["claim"])} on {_e(c["device"])} '
            f'<span class="muted">({n[CHANGED]} changed, {n[ADDED]} added, {n[REMOVED]} '
            f"removed, {n[UNCHANGED]} unchanged; verdict {_e(c['verdict_before'])} → "
            f"{_e(c['verdict_after'])})</span></h3>")
    quote = (f"<p>\u201c{_e(claim.quote)}\u201d {_link(claim.url, 'documentation')}</p>"
             if claim else "")
    changes = c["changes"]
    body = "".join(_change(ch, i, base) for i, ch in enumerate(changes[:MAX_CHANGES]))
    if len(changes) > MAX_CHANGES:
        body += f'<p class="note">… and {len(changes) - MAX_CHANGES} more changes.</p>'
    return f'<div class="result-detail">{head}{quote}{body}</div>'


def render(diff: dict[str, Any]) -> str:
    old, new = diff["old"], diff["new"]
    changed = [c for c in diff["claims"] if c["changes"]]
    quiet = len(diff["claims"]) - len(changed)
    title = f"torch-conformance upgrade diff: torch {old['torch']} → {new['torch']}"
    body = "".join(_claim(c) for c in changed) or "<p>No behaviour changed.</p>"
    env = "".join(f"<tr><th>{_e(k)}</th><td>{_e(old.get(k))}</td><td>{_e(new.get(k))}</td></tr>"
                  for k in dict.fromkeys([*old, *new]))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{_CSS}{_EXTRA_CSS}</style></head><body><main>"
            f"<header><h1>{_e(title)}</h1></header>{_summary(diff)}"
            f'<section id="changes"><h2>Changes by claim</h2>{body}'
            f'<p class="note">{quiet} claim and device pairs show no change.</p></section>'
            '<section id="environment"><h2>Environment</h2><table class="env"><thead><tr>'
            f"<th>Key</th><th>Old</th><th>New</th></tr></thead><tbody>{env}</tbody></table>"
            f"</section></main><script>{_SCRIPT}</script></body></html>\n")
