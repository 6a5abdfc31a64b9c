"""What changed between two results files: the behaviour diff of a torch upgrade.

``compare(old, new)`` matches the two runs test by test (and device by device), and within a
test program by program (the recorded corpus, matched by program text; the rest through the
test's digest). Each claim on each device gets counts of added, removed, changed and
unchanged programs, and each change a kind:

- ``violation``: the claim conformed before and does not now (a regression);
- ``fix``: the claim did not conform before and does now;
- ``implementation-defined``: the claim lets torch choose, and torch chose differently;
- ``undocumented``: both versions conform, but an observed detail the documentation does not
  pin down changed (an error message beyond its key phrase, a warning's text, a value within
  tolerance, facts the reference leaves unspecified).

Comparing a file with itself gives no change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .. import results as R

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
VIOLATION, FIX, IMPL, UNDOCUMENTED = "violation", "fix", "implementation-defined", "undocumented"


@dataclass
class Change:
    claim: str
    device: str
    test: str
    kind: str  # violation, fix, implementation-defined, undocumented
    what: str  # added, removed, changed
    program: str | None
    before: Any
    after: Any
    paths: list[str] = field(default_factory=list)  # where the observations differ

    def to_json(self) -> dict[str, Any]:
        return {"claim": self.claim, "device": self.device, "test": self.test,
                "kind": self.kind, "what": self.what, "program": self.program,
                "before": self.before, "after": self.after, "paths": self.paths}


@dataclass
class ClaimDiff:
    claim: str
    device: str
    verdict_before: str | None
    verdict_after: str | None
    counts: dict[str, int] = field(default_factory=lambda: {
        ADDED: 0, REMOVED: 0, CHANGED: 0, UNCHANGED: 0})
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"claim": self.claim, "device": self.device,
                "verdict_before": self.verdict_before, "verdict_after": self.verdict_after,
                "counts": dict(self.counts), "changes": [c.to_json() for c in self.changes]}


def test_key(test_id: str) -> str:
    """A test's identity across suite versions: its file's name and the test, without the
    folder (``test_claims.py::test_view[cpu]``), so a file moved between releases of the suite
    is still the same test."""
    return test_id.rsplit("/", 1)[-1]


def _tests(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(test_key(t["test"]), t["device"]): t for t in doc.get("tests", [])}


def _verdicts(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(r["claim"], r["device"]): r["verdict"] for r in doc["results"]}


def differing_paths(a: Any, b: Any, path: str = "") -> list[str]:
    """Paths (``step 2 > state > values > t1 > stride``) where two observations differ."""
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in dict.fromkeys([*a, *b]):
            out += differing_paths(a.get(k), b.get(k), f"{path} > {k}" if path else str(k))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and path.count(">") < 1:
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differing_paths(x, y, f"step {i + 1}")
        return out
    return [path or "(whole)"]


def _kind(claim_kind: str, before: str | None, after: str | None) -> str:
    bad_before = before in R.VIOLATIONS
    bad_after = after in R.VIOLATIONS
    if bad_after and not bad_before:
        return VIOLATION
    if bad_before and not bad_after:
        return FIX
    if claim_kind == "implementation-defined":
        return IMPL
    return UNDOCUMENTED


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The diff document (schema torch-conformance/diff, version 1)."""
    from ..claims import CLAIMS
    claim_kinds = {c["id"]: c.get("kind", "required") for c in new["claims"] + old["claims"]}
    for cid, registered in CLAIMS.items():
        claim_kinds.setdefault(cid, registered.kind)
    old_tests, new_tests = _tests(old), _tests(new)
    old_v, new_v = _verdicts(old), _verdicts(new)
    diffs: dict[tuple[str, str], ClaimDiff] = {}

    def claim_diff(claim: str, device: str) -> ClaimDiff:
        key = (claim, device)
        if key not in diffs:
            diffs[key] = ClaimDiff(claim, device, old_v.get(key), new_v.get(key))
        return diffs[key]

    for key in sorted(set(old_tests) | set(new_tests)):
        a, b = old_tests.get(key), new_tests.get(key)
        test, device = key
        claims = (b or a or {}).get("claims", [])
        for claim in claims:
            cd = claim_diff(claim, device)
            kind = _kind(claim_kinds.get(claim, "required"), cd.verdict_before,
                         cd.verdict_after)
            for what, program, before, after, paths in _test_changes(a, b):
                cd.counts[what] += 1
                if what != UNCHANGED:
                    cd.changes.append(Change(claim, device, test, kind, what, program,
                                             before, after, paths))
    for key in set(old_v) | set(new_v):
        claim_diff(*key)
    ordered = sorted(diffs.values(), key=lambda d: (d.claim, d.device))
    totals = {ADDED: 0, REMOVED: 0, CHANGED: 0, UNCHANGED: 0}
    kinds = {VIOLATION: 0, FIX: 0, IMPL: 0, UNDOCUMENTED: 0}
    for d in ordered:
        for k, n in d.counts.items():
            totals[k] += n
        for change in d.changes:
            kinds[change.kind] += 1
    verdict_changes = [{"claim": d.claim, "device": d.device, "before": d.verdict_before,
                        "after": d.verdict_after} for d in ordered
                       if d.verdict_before != d.verdict_after]
    return {"schema": "torch-conformance/diff", "schema_version": 1,
            "old": _summary_env(old), "new": _summary_env(new),
            "totals": totals, "kinds": kinds, "verdict_changes": verdict_changes,
            "claims": [d.to_json() for d in ordered]}


def _summary_env(doc: dict[str, Any]) -> dict[str, Any]:
    env = doc["environment"]
    return {"torch": env.get("torch"), "torch_git": env.get("torch_git"),
            "profile": env.get("profile"), "devices": env.get("devices"),
            "started": doc.get("started"), "python": env.get("python"),
            "numpy": env.get("numpy"), "hypothesis": env.get("hypothesis")}


def _test_changes(a: dict[str, Any] | None, b: dict[str, Any] | None
                  ) -> list[tuple[str, str | None, Any, Any, list[str]]]:
    """(what, program, before, after, paths) for each program of one test."""
    fa = (a or {}).get("fingerprint") or {}
    fb = (b or {}).get("fingerprint") or {}
    ca = {e["program"]: e["observations"] for e in fa.get("corpus", [])}
    cb = {e["program"]: e["observations"] for e in fb.get("corpus", [])}
    out: list[tuple[str, str | None, Any, Any, list[str]]] = []
    if a is None or b is None:
        what = ADDED if a is None else REMOVED
        side = cb if a is None else ca
        for program, obs in side.items():
            out.append((what, program, None if a is None else obs,
                        obs if a is None else None, []))
        if not side:
            test: dict[str, Any] = (b if a is None else a) or {}
            out.append((what, None, None if a is None else test.get("verdict"),
                        test.get("verdict") if a is None else None, []))
        return out
    for program in dict.fromkeys([*ca, *cb]):
        if program not in cb:
            out.append((REMOVED, program, ca[program], None, []))
        elif program not in ca:
            out.append((ADDED, program, None, cb[program], []))
        elif ca[program] != cb[program]:
            out.append((CHANGED, program, ca[program], cb[program],
                        differing_paths(ca[program], cb[program])))
        else:
            out.append((UNCHANGED, program, None, None, []))
    same_corpus = all(w == UNCHANGED for w, *_ in out)
    if same_corpus and fa.get("digest") != fb.get("digest"):
        out.append((CHANGED, None, {"digest": fa.get("digest"), "programs": fa.get("programs")},
                    {"digest": fb.get("digest"), "programs": fb.get("programs")},
                    ["programs outside the recorded corpus"]))
    if a.get("verdict") != b.get("verdict") and same_corpus and \
            fa.get("digest") == fb.get("digest"):
        out.append((CHANGED, None, a.get("verdict"), b.get("verdict"), ["verdict"]))
    return out


def text_summary(diff: dict[str, Any], limit: int = 20) -> str:
    old, new = diff["old"]["torch"], diff["new"]["torch"]
    t, k = diff["totals"], diff["kinds"]
    lines = [f"torch {old} -> {new}: {t[CHANGED]} changed, {t[ADDED]} added, "
             f"{t[REMOVED]} removed, {t[UNCHANGED]} unchanged programs",
             f"changes by kind: {k[VIOLATION]} violation, {k[FIX]} fix, "
             f"{k[IMPL]} implementation-defined, {k[UNDOCUMENTED]} undocumented"]
    for v in diff["verdict_changes"]:
        lines.append(f"  verdict {v['claim']} on {v['device']}: {v['before']} -> {v['after']}")
    shown = 0
    for c in diff["claims"]:
        n = c["counts"]
        if not c["changes"]:
            continue
        lines.append(f"  {c['claim']} on {c['device']}: {n[CHANGED]} changed, {n[ADDED]} "
                     f"added, {n[REMOVED]} removed, {n[UNCHANGED]} unchanged")
        for ch in c["changes"][:3]:
            if shown >= limit:
                break
            shown += 1
            where = ", ".join(ch["paths"][:3]) or ch["what"]
            lines.append(f"    [{ch['kind']}] {ch['test'].split('::')[-1]}: {where}")
    return "\n".join(lines) + "\n"


def dumps(diff: dict[str, Any]) -> str:
    return json.dumps(diff, indent=1, default=str) + "\n"
