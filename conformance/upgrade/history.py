"""The history of torch's behaviour across releases: for each behaviour change, the first
release that shows it, from the diffs of consecutive releases (oldest first).

A change seen between two releases is one *event*; the same root cause (its signature) seen
again later (a behaviour that changes back, or again) joins the same behaviour, which lists
every release where it changed. Each behaviour carries the smallest program showing it and,
when the releases' environments are at hand, what its reproduction prints on every release:
the behaviour's history, read off torch itself. The per-release verdict table puts every
claim whose verdict is not the same on all releases beside each release's column.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import results as R
from . import diff as D

SCHEMA = "torch-conformance/history"


def _release(doc: dict[str, Any]) -> str:
    return str(doc["environment"].get("torch", "?"))


def history(docs: list[dict[str, Any]], diffs: list[dict[str, Any]]) -> dict[str, Any]:
    """The history document of ``docs`` (oldest first) and the diffs of consecutive pairs."""
    releases = [_release(d) for d in docs]
    behaviours: dict[str, dict[str, Any]] = {}
    for k, diff in enumerate(diffs):
        for e in diff["changes"]:
            event = {"from": releases[k], "to": releases[k + 1], "kind": e["kind"],
                     "programs": e["programs"], "id": e["id"], "title": e["title"]}
            b = behaviours.get(e["signature"])
            if b is None:
                behaviours[e["signature"]] = {**e, "first": releases[k + 1], "first_index":
                                              k + 1, "events": [event]}
            else:
                b["events"].append(event)
                b["programs"] = max(b["programs"], e["programs"])
                for key in ("tests", "claims", "devices"):
                    b[key] = sorted(set(b[key]) | set(e[key]))
                if b.get("reproduction") is None and e.get("reproduction"):
                    b.update(exemplar=e["exemplar"], reproduction=e["reproduction"])
    ordered = sorted(behaviours.values(), key=lambda b: (b["first_index"], D._order(b)))
    for n, b in enumerate(ordered, start=1):
        b["id"] = f"h{n}"
    return {"schema": SCHEMA, "schema_version": 1, "releases": releases,
            "environments": [D._summary_env(d) for d in docs],
            "same_build": len({e["build_family"] for e in
                               (D._summary_env(d) for d in docs)}) == 1,
            "behaviours": ordered,
            "kinds": dict(Counter(b["kind"] for b in ordered)),
            "steps": [{"from": releases[k], "to": releases[k + 1],
                       "changes": len(diff["changes"]), "kinds": diff["kinds"],
                       "same_build": diff["same_build"]} for k, diff in enumerate(diffs)],
            "verdicts": verdict_table(docs)}


def verdict_table(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per release, the verdict counts and the required claims violated; per claim and device
    whose verdict is not the same everywhere, its verdict on each release."""
    per = [{(r["claim"], r["device"]): r["verdict"] for r in d["results"]} for d in docs]
    keys = sorted(set().union(*per))
    rows = [{"claim": c, "device": dev, "verdicts": [p.get((c, dev)) for p in per]}
            for c, dev in keys if len({p.get((c, dev)) for p in per}) > 1]
    summary = []
    for d, p in zip(docs, per):
        counts = Counter(p.values())
        required = {c["id"] for c in d["claims"] if c.get("kind", "required") == "required"}
        violated = sorted({c for (c, _), v in p.items() if v in R.VIOLATIONS and c in required})
        summary.append({"release": _release(d), "counts": dict(counts),
                        "violated": violated, "exit_status": d.get("exit_status")})
    return {"rows": rows, "same": len(keys) - len(rows), "summary": summary}


def text_summary(hist: dict[str, Any]) -> str:
    releases = hist["releases"]
    n = len(hist["behaviours"])
    lines = [f"torch {' -> '.join(releases)}: "
             + (f"{n} behaviour change{'s' * (n != 1)}" if n else "no behaviour change")]
    if not hist["same_build"]:
        lines.append("WARNING: MIXED BUILDS: " + ", ".join(
            e["build"] for e in hist["environments"]))
    for release in releases[1:]:
        shown = [b for b in hist["behaviours"] if b["first"] == release]
        if not shown:
            continue
        lines.append(f"first in {release}: {len(shown)}")
        for b in shown:
            again = [ev["to"] for ev in b["events"][1:]]
            lines.append(f"  {b['id']:>4} [{b['kind']}] {b['title']}  ({b['programs']} program"
                         f"{'s' * (b['programs'] != 1)}; {', '.join(b['claims'][:6])})"
                         + (f" changed again in {', '.join(again)}" if again else ""))
    for s in hist["verdicts"]["summary"]:
        counts = ", ".join(f"{v} {s['counts'][v]}" for v in R.VERDICTS if s["counts"].get(v))
        lines.append(f"{s['release']}: {counts}"
                     + (f"; required claims violated: {', '.join(s['violated'])}"
                        if s["violated"] else ""))
    return "\n".join(lines) + "\n"
