"""The history of torch's behaviour across releases as one self-contained HTML page.

First the timeline: for each release, the behaviour changes it is the first to show, one line
each in words (the headline of the diffs, grouped by root cause across releases). Then, for
each behaviour, what its smallest program printed on every release (when the releases'
environments were at hand) beside the details of a diff entry; then the per-release verdict
table, and links to each consecutive pair's full diff.

``page(hist)`` builds the page model from a history document (``history.history``);
``templates/history.html`` lays it out, autoescaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import results as R
from ..report import text as T
from ..report.render import render_template
from . import diff_html as DH


@dataclass(frozen=True)
class Release:
    name: str
    build: str
    changes: list[DH.Change]  # behaviours first shown here


@dataclass(frozen=True)
class Step:
    label: str
    summary: str
    page: str | None


@dataclass(frozen=True)
class HistoryPage:
    title: str
    banner: str | None
    headline: str
    releases: list[Release]
    names: list[str]
    steps: list[Step]
    summary: list[tuple[str, str, str]]  # (release, counts, required claims violated)
    rows: list[tuple[str, str, list[tuple[str, str]]]]  # claim, device, [(verdict, css)]
    same: int
    reports: list[tuple[str, str]]  # (label, relative link) of each run's own report


def _verdict_css(v: str | None) -> str:
    return {R.PASS: "v-pass", R.MISMATCH: "v-mismatch", R.UNMODELLED: "v-unmodelled",
            R.CRASH: "v-crash", R.NOT_RUN: "v-notrun", R.EXPECTED: "v-expected",
            R.ALLOWED: "v-allowed"}.get(v or "", "v-none")


def _behaviour(b: dict[str, Any], releases: list[str]) -> DH.Change:
    again = [ev["to"] for ev in b["events"][1:]]
    entry = {**b, "title": b["title"] + (f" (changed again in {', '.join(again)})"
                                         if again else "")}
    first = b["events"][0]
    return DH.change(entry, first["from"], first["to"])


def page(hist: dict[str, Any]) -> HistoryPage:
    names = list(hist["releases"])
    envs = hist["environments"]
    banner = None
    if not hist["same_build"]:
        banner = ("MIXED BUILDS: " + "; ".join(f"{e['torch']}: {e['build']}" for e in envs)
                  + ". Differences that come from the build are listed as “build "
                  "difference”.")
    n = len(hist["behaviours"])
    releases = []
    for name, env in zip(names, envs):
        shown = [_behaviour(b, names) for b in hist["behaviours"] if b["first"] == name]
        releases.append(Release(name, env["build"], shown))
    return HistoryPage(
        title=f"The history of torch's behaviour, {names[0]} → {names[-1]}",
        banner=banner,
        headline=(f"{n} behaviour change{'s' * (n != 1)} across {len(names)} releases"
                  if n else f"No behaviour change across {len(names)} releases"),
        releases=releases, names=names,
        steps=[Step(f"{s['from']} → {s['to']}",
                    f"{s['changes']} change{'s' * (s['changes'] != 1)}"
                    + ("" if s["same_build"] else " (MIXED BUILDS)"), s.get("page"))
               for s in hist["steps"]],
        summary=[(s["release"], ", ".join(f"{v} {s['counts'][v]}" for v in R.VERDICTS
                                          if s["counts"].get(v)),
                  ", ".join(s["violated"]) or "none")
                 for s in hist["verdicts"]["summary"]],
        rows=[(r["claim"], r["device"], [(T.text(v), _verdict_css(v)) for v in r["verdicts"]])
              for r in hist["verdicts"]["rows"]],
        same=hist["verdicts"]["same"],
        reports=list((hist.get("reports") or {}).items()))


def render(hist: dict[str, Any]) -> str:
    """The history of several runs (a ``history.history`` document) as one HTML page."""
    return render_template("history.html", page=page(hist))
