"""The results document (``reports/results.json``): what a run found, per claim and device.

Schema ``torch-conformance/results``, version 1::

    {"schema": "torch-conformance/results", "schema_version": 1,
     "started": ISO time, "finished": ISO time, "duration_s": float,
     "interrupted": bool, "exit_status": 0 | 1,
     "environment": {torch, torch_git, cuda, cuda_driver, device_names, python, numpy,
                     hypothesis, platform, profile, seed, devices},
     "areas": {area: description}, "claims": [claim, ...],
     "results": [{"claim", "device", "verdict", "tests", "examples", "reason",
                  "expectation", "cases": [{"test", "verdict", "message", "program",
                                             "reproduction", "mismatches", "observed"}]}],
     "tests": [{"test", "claims", "device", "verdict", "examples", "expected", "message",
                "fingerprint": {"digest", "programs",
                                "index": ["<program>:<observations>:<coarse>:<ids>"],
                                "behaviours": [key, ...],
                                "corpus": [{"program", "observations", "why"}]}}],
     "expectations": [entry + {"status", "met"}]}

Verdicts: PASS, MISMATCH, UNMODELLED, CRASH, NOT RUN, EXPECTED, ALLOWED (an
implementation-defined claim where torch differs from the model's prediction). A claim's
verdict on a device is the worst of its tests' (CRASH, MISMATCH, UNMODELLED, EXPECTED, ALLOWED,
PASS), NOT RUN when none ran. Nothing in the file depends on timing except ``started``,
``finished`` and ``duration_s``: two ``ci`` runs on the same torch write the same file apart
from those.

The collector (``Collector``) is a pytest plugin on the controlling process (also under
pytest-xdist): it reads each test's report, including the record the harness attached
(``conformance`` user property), and writes the file at the end of the session, also when the
session is interrupted, atomically (a temporary file renamed over the target).
"""

from __future__ import annotations

import fnmatch
from typing import Any

from .. import claims as claims_mod
from ..judge import expectations as expectations_mod
from ..verdicts import (
    ALLOWED,
    CRASH,
    EXPECTED,
    INVALID,
    MISMATCH,
    NOT_RUN,
    PASS,
    UNMODELLED,
    VERDICTS,
    VIOLATIONS,
)
from .files import SCHEMA, SCHEMA_VERSION

# Worst first: a claim's verdict on a device is the first of these any of its tests has.
SEVERITY = (CRASH, MISMATCH, UNMODELLED, EXPECTED, ALLOWED, PASS, NOT_RUN)
MAX_CASES = 20  # cases kept per claim and device


def test_verdict(outcome: str, record: dict[str, Any] | None, crash: str | None,
                 kinds: list[str]) -> str:
    """The verdict of one test from its pytest outcome and the harness's record.

    ``crash`` is set when the test did not fail by an assertion: an exception inside the test,
    a crashed or hung worker, an error in setup. ``kinds`` are the kinds of its claims."""
    if outcome == "skipped":
        return NOT_RUN
    if outcome == "passed":
        return EXPECTED if record and record.get("expected") else PASS
    if crash is not None:
        return CRASH
    case = (record or {}).get("case") or {}
    if case.get("verdict") == INVALID:
        return CRASH  # the suite's own program is broken: its fault, not torch's
    verdict = case.get("verdict") if case.get("verdict") in VERDICTS else MISMATCH
    if verdict == MISMATCH and kinds and all(k == claims_mod.IMPLEMENTATION_DEFINED
                                             for k in kinds):
        return ALLOWED
    return str(verdict)


def claim_json(c: claims_mod.Claim) -> dict[str, Any]:
    return {"id": c.id, "area": c.area, "url": c.url, "quote": c.quote, "kind": c.kind,
            "source": c.source, "drift": c.drift}


def build(tests: list[dict[str, Any]], env: dict[str, Any], *, started: str, finished: str,
          duration_s: float, interrupted: bool,
          entries: list[expectations_mod.Expectation] | None = None) -> dict[str, Any]:
    """The results document from the per-test entries of one run."""
    tests = sorted(tests, key=lambda t: (t["test"], t["device"]))
    devices = list(env.get("devices") or [])
    for t in tests:
        if t["device"] not in devices:
            devices.append(t["device"])
    entries = expectations_mod.default() if entries is None else entries
    statuses = expectation_status(entries, tests, str(env.get("torch", "")))
    by_id = {e.id: e for e in entries}
    results = []
    for c in claims_mod.CLAIMS.values():
        for device in devices:
            mine = [t for t in tests if c.id in t["claims"] and t["device"] == device]
            results.append(_claim_result(c, device, mine, by_id, statuses))
    # An interrupted run cannot stand for the whole suite: it never exits 0.
    exit_status = int(interrupted or any(r["verdict"] in VIOLATIONS and
                                         claims_mod.get(r["claim"]).kind == claims_mod.REQUIRED
                                         for r in results))
    return {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "started": started,
            "finished": finished, "duration_s": round(duration_s, 3),
            "interrupted": interrupted, "exit_status": exit_status, "environment": env,
            "areas": dict(claims_mod.AREAS),
            "claims": [claim_json(c) for c in claims_mod.CLAIMS.values()],
            "results": results, "tests": tests,
            "expectations": [{**e.to_json(), **statuses.get(e.id, {})} for e in entries]}


def _claim_result(c: claims_mod.Claim, device: str, tests: list[dict[str, Any]],
                  by_id: dict[str, expectations_mod.Expectation],
                  statuses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ran = [_for_claim(t, c.id, by_id) for t in tests if t["verdict"] != NOT_RUN]
    if not ran:
        reasons = sorted({t.get("message") or "" for t in tests} - {""})
        return {"claim": c.id, "device": device, "verdict": NOT_RUN, "tests": len(tests),
                "examples": 0, "reason": "; ".join(reasons) or "no test of this claim ran",
                "expectation": None, "cases": []}
    verdict = next(v for v in SEVERITY if any(t["verdict"] == v for t in ran))
    cases = [dict(t["case"], test=t["test"]) if t.get("case") else
             {"test": t["test"], "verdict": t["verdict"], "message": t.get("message", ""),
              "program": None, "reproduction": None, "mismatches": [], "observed": None}
             for t in ran if t["verdict"] not in (PASS,)]
    met = sorted({eid for t in ran for eid in t.get("expected", {})})
    stale = [eid for eid, st in statuses.items()
             if st["status"] == "stale" and c.id in by_id[eid].claims
             and any(_test_matches(by_id[eid], t) for t in ran)]
    expectation = None
    for eid in met + stale:
        e = by_id.get(eid)
        if e is not None and c.id in e.claims:
            expectation = {"id": e.id, "claim": c.id, "torch": e.torch, "reason": e.reason,
                           "url": e.url, "expires": e.expires.isoformat(),
                           "status": statuses.get(e.id, {}).get("status", "active")}
            break
    return {"claim": c.id, "device": device, "verdict": verdict, "tests": len(ran),
            "examples": sum(int(t.get("examples") or 0) for t in ran), "reason": "",
            "expectation": expectation, "cases": cases[:MAX_CASES]}


def _for_claim(test: dict[str, Any], claim: str,
               by_id: dict[str, expectations_mod.Expectation]) -> dict[str, Any]:
    """A test as one of its claims sees it: a test EXPECTED for departures whose entries name
    none of this claim's is a PASS for it (its programs conformed on this claim's facts; a
    state machine that meets the clamp entry does not make its tensor-hook claim EXPECTED)."""
    met = [by_id[eid] for eid in test.get("expected") or {} if eid in by_id]
    if test["verdict"] == EXPECTED and met and not any(claim in e.claims for e in met):
        return {**test, "verdict": PASS}
    return test


def _test_matches(e: expectations_mod.Expectation, test: dict[str, Any]) -> bool:
    return bool(e.test) and fnmatch.fnmatchcase(test["test"].split("::")[-1], e.test)


def expectation_status(entries: list[expectations_mod.Expectation],
                       tests: list[dict[str, Any]], torch_version: str
                       ) -> dict[str, dict[str, Any]]:
    """Per entry: ``met`` (programs), and ``status``: "met", "stale" (its deterministic test
    passed without meeting it: torch follows the docs now), "expired", "not met" (its tests did
    not reach it this run), or "inapplicable" (another torch version)."""
    out: dict[str, dict[str, Any]] = {}
    for e in entries:
        met = sum(int(t.get("expected", {}).get(e.id, 0)) for t in tests)
        if e.expired():
            status = "expired"
        elif not expectations_mod.version_in(torch_version, e.torch):
            status = "inapplicable"
        elif met:
            status = "met"
        elif any(_test_matches(e, t) and t["verdict"] == PASS for t in tests):
            status = "stale"
        else:
            status = "not met"
        out[e.id] = {"status": status, "met": met}
    return out


def summary_counts(doc: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Verdict counts per device."""
    out: dict[str, dict[str, int]] = {}
    for r in doc["results"]:
        per = out.setdefault(r["device"], {})
        per[r["verdict"]] = per.get(r["verdict"], 0) + 1
    return out
