"""The upgrade diff as one self-contained HTML page, in the conformance report's style.

Summary first (programs added, removed, changed, unchanged; changes by kind; claims whose
verdict changed), then each claim with changes: its documentation link and sentence, and per
change the program and torch's observations before and after, side by side, with the paths
where they differ. Claims without changes are collapsed to a count.

``page(diff)`` builds the page model from a diff document (``diff.compare``); the report's
template environment lays it out (``templates/diff.html``, with the report's layout, macros,
CSS and script), with autoescaping: everything from the results files is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..claims import CLAIMS
from ..report import text as T
from ..report.render import render_template
from .diff import ADDED, CHANGED, FIX, IMPL, REMOVED, UNCHANGED, UNDOCUMENTED, VIOLATION

MAX_CHANGES = 12  # changes shown per claim and device
MAX_PATHS = 12    # differing paths listed per change
KIND_CLASS = {VIOLATION: "v-mismatch", FIX: "v-pass", IMPL: "v-allowed",
              UNDOCUMENTED: "v-expected"}
KIND_MEANING = {
    VIOLATION: "the claim conformed on the old torch and does not on the new one",
    FIX: "the claim did not conform on the old torch and does on the new one",
    IMPL: "an implementation-defined claim where torch now chooses differently",
    UNDOCUMENTED: "both conform; a detail the documentation does not pin down changed",
}


@dataclass(frozen=True)
class Kind:
    name: str
    css: str
    count: int
    meaning: str


@dataclass(frozen=True)
class VerdictChange:
    claim: str
    anchor: str
    device: str
    before: str
    after: str


@dataclass(frozen=True)
class Change:
    kind: str
    css: str
    what: str
    test: str
    paths: str | None  # "; "-joined, the first MAX_PATHS
    program: T.CodeBlock | None
    before: str  # indented JSON
    after: str


@dataclass(frozen=True)
class ClaimChanges:
    claim: str
    anchor: str
    device: str
    counts: dict[str, int]
    verdict_before: str
    verdict_after: str
    quote: str | None  # the registry's sentence, when the claim is registered
    link: T.Link | None
    changes: list[Change]
    more: int


@dataclass(frozen=True)
class DiffPage:
    title: str
    totals: list[tuple[str, int]]
    kinds: list[Kind]
    verdict_changes: list[VerdictChange]
    claims: list[ClaimChanges]
    quiet: int  # claim and device pairs without a change
    environment: list[tuple[str, str, str]]  # (key, old, new)


def _id(*parts: Any) -> str:
    return "-".join("".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(p))
                    for p in parts)


def _change(ch: dict[str, Any], n: int, base: str) -> Change:
    program, paths = ch.get("program"), ch.get("paths") or []
    return Change(
        kind=T.text(ch["kind"]), css=KIND_CLASS.get(ch["kind"], ""), what=T.text(ch["what"]),
        test=T.text(ch["test"]), paths="; ".join(paths[:MAX_PATHS]) if paths else None,
        program=(T.code_block(program, f"{base}-p{n}", "Program (torch only)")
                 if program else None),
        before=T.pretty(ch.get("before")), after=T.pretty(ch.get("after")))


def _claim(c: dict[str, Any]) -> ClaimChanges:
    claim = CLAIMS.get(c["claim"])
    base = _id("claim", c["claim"], c["device"])
    changes = c["changes"]
    return ClaimChanges(
        claim=T.text(c["claim"]), anchor=base, device=T.text(c["device"]), counts=c["counts"],
        verdict_before=T.text(c["verdict_before"]), verdict_after=T.text(c["verdict_after"]),
        quote=claim.quote if claim else None,
        link=T.link(claim.url, "documentation") if claim else None,
        changes=[_change(ch, i, base) for i, ch in enumerate(changes[:MAX_CHANGES])],
        more=max(0, len(changes) - MAX_CHANGES))


def page(diff: dict[str, Any]) -> DiffPage:
    old, new = diff["old"], diff["new"]
    changed = [c for c in diff["claims"] if c["changes"]]
    return DiffPage(
        title=f"torch-conformance upgrade diff: torch {old['torch']} → {new['torch']}",
        totals=[(name, diff["totals"][name]) for name in (CHANGED, ADDED, REMOVED, UNCHANGED)],
        kinds=[Kind(name, KIND_CLASS[name], diff["kinds"][name], KIND_MEANING[name])
               for name in (VIOLATION, FIX, IMPL, UNDOCUMENTED)],
        verdict_changes=[VerdictChange(T.text(v["claim"]), _id("claim", v["claim"], v["device"]),
                                       T.text(v["device"]), T.text(v["before"]),
                                       T.text(v["after"]))
                         for v in diff["verdict_changes"]],
        claims=[_claim(c) for c in changed], quiet=len(diff["claims"]) - len(changed),
        environment=[(T.text(k), T.text(old.get(k)), T.text(new.get(k)))
                     for k in dict.fromkeys([*old, *new])])


def render(diff: dict[str, Any]) -> str:
    """The behaviour diff of two runs (a ``diff.compare`` document) as one HTML page."""
    return render_template("diff.html", page=page(diff))
