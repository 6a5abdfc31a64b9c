"""The results collector: a pytest plugin on the controlling process (also under
pytest-xdist). It reads each test's report, including the record the harness attached
(``conformance`` user property), and writes the results file at the end of the session, also
when the session is interrupted, atomically."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

import pytest

from .. import claims as claims_mod
from ..results import shards
from ..results.build import build, test_verdict
from ..results.environment import environment
from ..results.files import dumps, now, write_atomic
from ..settings import requested_devices
from ..verdicts import CRASH, EXPECTED, NOT_RUN, PASS, VIOLATIONS


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
        # Each test as it ends, one JSON line: the run's results if pytest dies before the end.
        self.journal = self.path.with_name("journal.jsonl")
        self.collected: set[str] = set()
        # Tests whose outcome arrived (a call report, or a setup that did not pass): a test
        # that started and never got one is not a PASS (see unfinished()).
        self.ended: set[tuple[str, str]] = set()
        # Why the run's results are incomplete although no signal stopped it (pytest's own
        # error, tests that never reported); the run then never exits 0.
        self.incomplete: list[str] = []

    def pytest_collection_finish(self, session: Any) -> None:
        self.collected |= {item.nodeid for item in session.items}

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.collected |= set(ids)

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
            self.ended.add(key)
            verdict = test_verdict(report.outcome, record, crash, kinds)
            if entry["verdict"] in (PASS, EXPECTED) or verdict in VIOLATIONS:
                entry["verdict"] = verdict
                entry["message"] = (crash + ": " + message) if crash else message
                if verdict == CRASH and entry.get("case") is None:
                    entry["case"] = {"verdict": CRASH, "message": str(report.longrepr)[-4000:],
                                     "program": None, "reproduction": None, "mismatches": [],
                                     "observed": None}
            self._journal(entry)

    def _journal(self, entry: dict[str, Any]) -> None:
        try:
            with self.journal.open("a", encoding="utf-8") as f:
                f.write(json.dumps(entry, default=str) + "\n")
        except OSError:
            pass  # the journal is a fallback; the results file is written at the end

    def pytest_keyboard_interrupt(self, excinfo: Any) -> None:
        self.interrupted = True

    def pytest_internalerror(self, excrepr: Any, excinfo: Any) -> None:
        line = str(getattr(excinfo, "value", "") or excrepr).strip().splitlines()
        self.incomplete.append("pytest stopped with an internal error"
                               + (f" ({line[-1][:200]})" if line else ""))

    def unfinished(self) -> None:
        """Each test that started (its setup passed) but whose outcome never arrived: NOT RUN
        when the run was interrupted or pytest itself failed, otherwise CRASH (its worker died
        unreported)."""
        for key, entry in self.tests.items():
            if key in self.ended:
                continue
            if self.interrupted or self.incomplete:
                entry["verdict"] = NOT_RUN
                entry["message"] = "the run stopped while it ran: " + (
                    "; ".join(self.incomplete) or "interrupted")
            else:
                entry["verdict"] = CRASH
                entry["message"] = "it started but its outcome never arrived (its worker " \
                                   "process died unreported)"
                entry["case"] = {"verdict": CRASH, "message": entry["message"], "program": None,
                                 "reproduction": None, "mismatches": [], "observed": None}

    def pytest_sessionfinish(self, session: Any, exitstatus: int) -> None:
        if int(exitstatus) == 2:  # pytest's INTERRUPTED
            self.interrupted = True
        profile = self.config.getoption("--conformance-profile", default="ci")
        seed = "derandomized" if profile == "ci" else self.config.getoption(
            "hypothesis_seed", default=None)
        devices = requested_devices(self.config.getoption("--device", default=None) or None)
        env = environment(profile, seed, devices)
        self.unfinished()
        reported = {t["test"] for t in self.tests.values()}
        never = sorted(self.collected - reported)
        if never and not self.interrupted:
            self.incomplete.append(f"{len(never)} collected test(s) never reported an outcome")
        finished = now()
        duration = (_dt.datetime.now(_dt.timezone.utc) - self.t0).total_seconds()
        doc = build(list(self.tests.values()), env, started=self.started, finished=finished,
                    duration_s=duration, interrupted=self.interrupted or bool(self.incomplete))
        if self.incomplete:
            doc["incomplete"] = "; ".join(self.incomplete)
        doc["explainers"] = {k: self.explainers[k] for k in sorted(self.explainers)}
        doc["collected"] = len(self.collected | reported)
        doc["never_ran"] = {"count": len(never), "tests": never[:50]}
        spec = self.config.getoption("--conformance-shard", default=None)
        if spec:
            index, count = shards.parse(spec)
            doc["shard"] = {"index": index, "count": count}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, dumps(doc))
