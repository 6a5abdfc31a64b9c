"""The upgrade diff as one self-contained HTML page: "what breaks if I upgrade?".

Headline first: the behaviour changes, one line each in words, in the order of what breaks
code first (violations, then error types, values, aliasing and layouts, warnings, wording), a
loud banner when the two runs are different builds, and links to the two runs' reports. Then
each change: its kind, where it shows (programs, tests, claims, devices), the documentation,
the differing facts before and after, and the smallest program as a reproduction with torch
alone (and what it printed on each release, when the releases were at hand). Then the claims
whose verdict changed, and the environments.

``page(diff)`` builds the page model (plain strings) from a diff document (``diff.compare``);
``templates/diff.html`` lays it out with the report's layout, macros and CSS, autoescaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..report import text as T
from ..report.render import render_template
from . import diff as D
from . import words

KIND_CLASS = {D.VIOLATION: "v-mismatch", D.FIX: "v-pass", D.DEPARTURE: "v-unmodelled",
              D.DOCUMENTED: "v-crash", D.IMPL: "v-allowed", D.BUILD: "v-other",
              D.NOT_TORCH: "v-notrun", D.UNDOCUMENTED: "v-expected"}
KIND_MEANING = {
    D.VIOLATION: "a program of a required claim conformed on the old torch and does not on "
                 "the new one",
    D.FIX: "a program did not conform on the old torch and does on the new one",
    D.DEPARTURE: "a program departs from the documentation on both, differently",
    D.DOCUMENTED: "both conform, each to its release's documentation, and an error's type "
                  "changed: code that catches the old error breaks (the release rules below)",
    D.IMPL: "an implementation-defined claim where torch now chooses differently",
    D.BUILD: "the two runs are different builds of torch, and the change concerns what a "
             "build supports",
    D.NOT_TORCH: "the test's verdict changed though torch observed the same in each of its "
                 "programs: the judging side differs (the model under another NumPy or Python)",
    D.UNDOCUMENTED: "both conform; a detail the documentation leaves open changed",
}
MAX_LISTED = 8  # tests listed per change before "and N more"


@dataclass(frozen=True)
class FactRow:
    step: str
    path: str
    before: str
    after: str


@dataclass(frozen=True)
class Output:
    release: str
    text: str


@dataclass(frozen=True)
class Change:
    id: str
    kind: str
    css: str
    meaning: str
    category: str
    title: str
    counts: str
    claims: str
    tests: list[str]
    more_tests: int
    docs: list[tuple[str, str, T.Link]]  # (claim, quote, link)
    facts: list[FactRow]
    more_facts: int
    observed: str
    reproduction: T.CodeBlock | None
    outputs: list[Output]
    outputs_note: str


@dataclass(frozen=True)
class DiffPage:
    title: str
    banner: str | None  # mixed builds
    headline: str
    kinds: list[tuple[str, str, int, str]]  # (kind, css, count, meaning)
    changes: list[Change]
    programs: str
    reports: list[tuple[str, str]]  # (label, relative link)
    verdicts: list[tuple[str, str, str, str, list[str]]]
    environment: list[tuple[str, str, str]]
    rules: list[tuple[str, str, str, str]]  # release rules: (id, since, what, evidence)


def counts(e: dict[str, Any]) -> str:
    n, t = e["programs"], len(e["tests"])
    devices = ", ".join(e["devices"])
    if not n:
        return f"shown by {T.plural(t, 'test')} on {devices}"
    return f"{T.plural(n, 'program')} in {T.plural(t, 'test')} on {devices}"


def _observed(ex: dict[str, Any] | None, old: str, new: str) -> str:
    if ex is None:
        return ("No program that shows this change was kept whole by both runs; give "
                "`compare --python` the runs' Pythons (or use `upgrade`) to replay it.")
    sources = ex.get("observed") or ["recorded", "recorded"]
    where = f"{ex['test']} on {ex['device']}"
    note = "" if ex.get("counted", True) else " (the smallest program, drawn by one run and " \
                                              "replayed on the other)"
    return f"Smallest program: {where}{note}; torch {old}: {sources[0]}, torch {new}: " \
           f"{sources[1]}."


def _fact(path: str, value: Any) -> str:
    if value is None and path == "error":
        return "no error"
    return words.short(value, 400)


def change(e: dict[str, Any], old: str, new: str) -> Change:
    ex = e.get("exemplar")
    outputs = [Output(T.text(rel), T.text(out) if out is not None else "(could not run)")
               for rel, out in (e.get("outputs") or {}).items()]
    if outputs:
        note = ("The reproduction prints different things on the releases: it shows the "
                "change." if e.get("differs") else
                "The reproduction printed the same on every release (the change is in a "
                "detail it does not print, or depends on the suite's state).")
    else:
        note = ""
    tests = e["tests"]
    return Change(
        id=e["id"], kind=e["kind"], css=KIND_CLASS.get(e["kind"], ""),
        meaning=KIND_MEANING.get(e["kind"], ""), category=e["category_words"],
        title=e["title"], counts=counts(e), claims=", ".join(e["claims"]),
        tests=tests[:MAX_LISTED], more_tests=max(0, len(tests) - MAX_LISTED),
        docs=[(d["claim"], d["quote"], T.link(d["url"], "documentation")) for d in e["docs"]],
        facts=[FactRow(str(f["step"]), f["path"], _fact(f["path"], f["before"]),
                       _fact(f["path"], f["after"])) for f in (ex or {}).get("facts", [])],
        more_facts=(ex or {}).get("more_facts", 0), observed=_observed(ex, old, new),
        reproduction=(T.code_block(e["reproduction"], f"{e['id']}-repro",
                                   "Reproduction (torch only; run it on each release)")
                      if e.get("reproduction") else None),
        outputs=outputs, outputs_note=note)


def page(diff: dict[str, Any]) -> DiffPage:
    old, new = diff["old"], diff["new"]
    n = len(diff["changes"])
    banner = None
    if not diff["same_build"]:
        banner = (f"MIXED BUILDS: torch {old['torch']} is a {old['build']}, torch {new['torch']} "
                  f"a {new['build']}. Differences that come from the build, not the release, "
                  "are listed as “build difference”; compare builds of one kind "
                  "(upgrade --build) to see the release alone.")
    p = diff["programs"]
    return DiffPage(
        title=f"Upgrading torch {old['torch']} → {new['torch']}",
        banner=banner,
        headline=(f"{n} behaviour change{'s' * (n != 1)}" if n else "No behaviour change"),
        kinds=[(k, KIND_CLASS[k], diff["kinds"][k], KIND_MEANING[k]) for k in D.KINDS
               if diff["kinds"][k]],
        changes=[change(e, str(old["torch"]), str(new["torch"])) for e in diff["changes"]],
        programs=(f"{p['changed'] + p['unchanged']} programs compared: {p['changed']} changed, "
                  f"{p['unchanged']} unchanged; {p['only_old'] + p['only_new']} checked by one "
                  "run only (shrinking after a failure) are not compared."),
        reports=[(label, link) for label, link in (diff.get("reports") or {}).items()],
        verdicts=[(v["claim"], v["device"], T.text(v["before"]), T.text(v["after"]),
                   v["changes"]) for v in diff["verdict_changes"]],
        environment=[(k, T.text(old.get(k)), T.text(new.get(k)))
                     for k in dict.fromkeys([*old, *new]) if k != "build_family"],
        rules=[(r["id"], r["since"], r["what"], r["evidence"])
               for r in diff.get("release_rules") or []])


def render(diff: dict[str, Any]) -> str:
    """The behaviour diff of two runs (a ``diff.compare`` document) as one HTML page."""
    return render_template("diff.html", page=page(diff))
