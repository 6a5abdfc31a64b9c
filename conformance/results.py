"""The results file (``reports/results.json``): what a run found, per claim and device.

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
                "fingerprint": {"digest", "programs", "corpus": [{"program", "observations"}]}}],
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

import datetime as _dt
import fnmatch
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import claims as claims_mod
from . import expectations as expectations_mod
from .verdicts import (  # noqa: F401  (re-exported: the results file's vocabulary)
    ALLOWED,
    CRASH,
    EXPECTED,
    MISMATCH,
    NOT_RUN,
    PASS,
    UNMODELLED,
    VERDICTS,
    VIOLATIONS,
)

SCHEMA = "torch-conformance/results"
SCHEMA_VERSION = 1

# Worst first: a claim's verdict on a device is the first of these any of its tests has.
SEVERITY = (CRASH, MISMATCH, UNMODELLED, EXPECTED, ALLOWED, PASS, NOT_RUN)
MAX_CASES = 20  # cases kept per claim and device


class ResultsError(ValueError):
    """A results file that cannot be read (one line: the file and what is wrong)."""


# ---- per test -------------------------------------------------------------------------------

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
    verdict = case.get("verdict") if case.get("verdict") in VERDICTS else MISMATCH
    if verdict == MISMATCH and kinds and all(k == claims_mod.IMPLEMENTATION_DEFINED
                                             for k in kinds):
        return ALLOWED
    return str(verdict)


def skip_reason(longrepr: Any) -> str:
    """The reason of a skipped test, without pytest's decoration and the NOT RUN prefix."""
    text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    for prefix in ("Skipped: ", "NOT RUN: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


def failure_kind(longrepr: Any, when: str) -> tuple[str | None, str]:
    """(crash description or None, one-line message) of a failed test's report."""
    text = str(longrepr) if longrepr is not None else ""
    crash_msg = ""
    reprcrash = getattr(longrepr, "reprcrash", None)
    if reprcrash is not None:
        crash_msg = str(getattr(reprcrash, "message", ""))
    first = (crash_msg or text).strip().splitlines()[0] if (crash_msg or text).strip() else ""
    if "worker" in text and "crashed" in text:
        return "the worker process crashed or hung (it was restarted)", first
    if "Timeout" in text and ("+++++" in text or "Timeout >" in text):
        return "the test hung (timed out)", first
    if when != "call":
        return f"error in {when}", first
    if "Hypothesis found" in crash_msg and "distinct failures" in crash_msg:
        return None, first  # several failing examples of one test: each is a mismatch
    if crash_msg.startswith(("AssertionError", "assert ", "Failed")) or crash_msg == "" \
            or crash_msg.startswith(("MISMATCH", "UNMODELLED")):
        return None, first
    return "the test raised", first


# ---- the whole run ----------------------------------------------------------------------------

def environment(profile: str, seed: Any, devices: list[str]) -> dict[str, Any]:
    import hypothesis
    import numpy
    import torch
    env: dict[str, Any] = {
        "torch": str(torch.__version__), "torch_git": getattr(torch.version, "git_version", None),
        "cuda": getattr(torch.version, "cuda", None), "cuda_driver": _cuda_driver(torch),
        "device_names": _device_names(torch, devices), "python": platform.python_version(),
        "numpy": numpy.__version__, "hypothesis": hypothesis.__version__,
        "platform": platform.platform(), "profile": profile, "seed": seed,
        "devices": list(devices), "suite": suite_revision()}
    return env


def suite_revision() -> str:
    """The suite's version, and its git commit when it runs from a checkout (a model fixed
    later judges differently: a results file says which model judged it)."""
    import subprocess
    try:
        from importlib.metadata import version
        ours = version("torch-conformance")
    except Exception:  # noqa: BLE001 - a source tree that was never installed
        ours = "source"
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return ours
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no", "--", "conformance", "reference_impl"],
                               capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ours
    if head.returncode != 0:
        return ours
    changed = ", with uncommitted changes" if dirty.stdout.strip() else ""
    return f"{ours} (git {head.stdout.strip()}{changed})"


def _device_names(torch: Any, devices: list[str]) -> dict[str, str]:
    names = {"cpu": platform.machine() or "cpu", "meta": "meta (no data)"}
    out = {}
    for d in devices:
        kind = d.split(":")[0]
        if kind == "cuda" and torch.cuda.is_available():
            index = int(d.split(":")[1]) if ":" in d else 0
            if index < torch.cuda.device_count():
                out[d] = str(torch.cuda.get_device_name(index))
        elif kind in names:
            out[d] = names[kind]
    return out


def _cuda_driver(torch: Any) -> str | None:
    if not torch.cuda.is_available():
        return None
    import shutil
    import subprocess
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else None


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
    exit_status = int(any(r["verdict"] in VIOLATIONS and claims_mod.get(r["claim"]).kind
                          == claims_mod.REQUIRED for r in results))
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
    ran = [t for t in tests if t["verdict"] != NOT_RUN]
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


# ---- files ----------------------------------------------------------------------------------

def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory, renamed over
    it: a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a report is not
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, sort_keys=False, default=str) + "\n"


def load(path: Path | str) -> dict[str, Any]:
    """Read and check a results file; a ResultsError (one line) says what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ResultsError(f"{path}: cannot read it ({e.__class__.__name__})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ResultsError(f"{path}: not JSON (line {e.lineno}, column {e.colno}: "
                           f"{e.msg})") from None
    validate(doc, str(path))
    return doc


def validate(doc: Any, source: str = "results") -> None:
    if not isinstance(doc, dict):
        raise ResultsError(f"{source}: not a results document (a JSON object is expected)")
    if doc.get("schema") != SCHEMA:
        raise ResultsError(f"{source}: schema is {doc.get('schema')!r}, expected {SCHEMA!r}")
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise ResultsError(f"{source}: schema_version {doc.get('schema_version')!r} is not "
                           f"supported (this version reads {SCHEMA_VERSION})")
    for key, kind in (("environment", dict), ("claims", list), ("results", list),
                      ("areas", dict)):
        if not isinstance(doc.get(key), kind):
            raise ResultsError(f"{source}: '{key}' is missing or not a {kind.__name__}")
    if not isinstance(doc["environment"].get("torch"), str):
        raise ResultsError(f"{source}: environment.torch (the torch version) is missing")
    for n, r in enumerate(doc["results"], start=1):
        if not isinstance(r, dict) or not isinstance(r.get("claim"), str) \
                or not isinstance(r.get("device"), str):
            raise ResultsError(f"{source}: results[{n}] needs a claim and a device")
        if r.get("verdict") not in VERDICTS:
            raise ResultsError(f"{source}: results[{n}] ({r.get('claim')}) has an unknown "
                               f"verdict {r.get('verdict')!r}")


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- the pytest plugin ---------------------------------------------------------------------------

class Collector:
    """Collects every test's outcome on the controlling process and writes the results file
    when the session ends (interrupted or not)."""

    def __init__(self, config: Any, path: Path) -> None:
        self.config = config
        self.path = Path(path)
        self.tests: dict[tuple[str, str], dict[str, Any]] = {}
        self.explainers: dict[str, Any] = {}
        # A crashed worker's report carries no properties: remember them from setup.
        self.props: dict[str, dict[str, Any]] = {}
        self.started = now()
        self.t0 = _dt.datetime.now(_dt.timezone.utc)
        self.interrupted = False

    def pytest_runtest_logreport(self, report: Any) -> None:
        props = dict(report.user_properties)
        if "claims" in props:
            self.props.setdefault(report.nodeid, {k: props[k] for k in ("claims", "device")
                                                  if k in props})
        else:
            props = {**self.props.get(report.nodeid, {}), **props}
        claims = [c for c in str(props.get("claims", "")).split(",") if c]
        if not claims:
            return
        device = str(props.get("device", "cpu"))
        key = (report.nodeid, device)
        entry = self.tests.get(key)
        if entry is None:
            entry = self.tests[key] = {"test": report.nodeid, "claims": claims,
                                       "device": device, "verdict": PASS, "examples": 0,
                                       "expected": {}, "message": "", "case": None}
        record = json.loads(props["conformance"]) if "conformance" in props else None
        if record is not None:
            entry["examples"] = record.get("examples", 0)
            entry["expected"] = record.get("expected", {})
            entry["case"] = record.get("case")
            entry["fingerprint"] = record.get("fingerprint")
            for name, data in (record.get("explainers") or {}).items():
                # One device's numbers per explainer, the CPU's when it ran.
                if name not in self.explainers or device == "cpu":
                    self.explainers[name] = {"device": device, "test": report.nodeid,
                                             "data": data}
        if report.when == "call" or report.outcome != "passed":
            kinds = [claims_mod.get(c).kind for c in claims]
            crash, message = (None, "")
            if report.outcome == "skipped":
                message = skip_reason(report.longrepr)
            elif report.outcome == "failed":
                crash, message = failure_kind(report.longrepr, report.when)
            verdict = test_verdict(report.outcome, record, crash, kinds)
            if entry["verdict"] in (PASS, EXPECTED) or verdict in VIOLATIONS:
                entry["verdict"] = verdict
                entry["message"] = (crash + ": " + message) if crash else message
                if verdict == CRASH and entry.get("case") is None:
                    entry["case"] = {"verdict": CRASH, "message": str(report.longrepr)[-4000:],
                                     "program": None, "reproduction": None, "mismatches": [],
                                     "observed": None}

    def pytest_keyboard_interrupt(self, excinfo: Any) -> None:
        self.interrupted = True

    def pytest_sessionfinish(self, session: Any, exitstatus: int) -> None:
        if int(exitstatus) == 2:  # pytest's INTERRUPTED
            self.interrupted = True
        from .plugin import requested_devices
        profile = self.config.getoption("--conformance-profile", default="ci")
        seed = "derandomized" if profile == "ci" else self.config.getoption(
            "hypothesis_seed", default=None)
        env = environment(profile, seed, requested_devices(self.config))
        finished = now()
        duration = (_dt.datetime.now(_dt.timezone.utc) - self.t0).total_seconds()
        doc = build(list(self.tests.values()), env, started=self.started, finished=finished,
                    duration_s=duration, interrupted=self.interrupted)
        doc["explainers"] = {k: self.explainers[k] for k in sorted(self.explainers)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, dumps(doc))


def summary_counts(doc: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Verdict counts per device."""
    out: dict[str, dict[str, int]] = {}
    for r in doc["results"]:
        per = out.setdefault(r["device"], {})
        per[r["verdict"]] = per.get(r["verdict"], 0) + 1
    return out


if __name__ == "__main__":  # pragma: no cover
    print(dumps(load(sys.argv[1]))[:2000])
