"""A run never looks better than the truth when workers die or pytest itself fails.

- Two workers that die together: pytest-xdist hands the first one's tests to the second,
  whose channel is already closed; the stock scheduler raises (an INTERNALERROR that ended a
  CI run with no outcome for 17 tests), the suite's scheduler leaves them pending.
- A test that started and never reported an outcome is never a PASS.
- pytest's internal error makes the run incomplete: exit status 1, and the report says why.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from xdist.scheduler import LoadScheduling

from conformance import runs
from conformance.pytest_plugin.collector import Collector
from conformance.pytest_plugin.scheduling import CrashSafeLoadScheduling, make_scheduler
from conformance.report.html import render
from conformance.settings import PROFILES


class Config:
    """What the scheduler and the collector read of pytest's configuration."""

    def __init__(self, **options: Any) -> None:
        self.options = {"tx": ["2*popen"], "dist": "load", "maxschedchunk": None,
                        "--conformance-profile": "smoke", "--device": "cpu", **options}

    def getvalue(self, name: str) -> Any:
        return self.options[name]

    def getoption(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)


class Node:
    """A worker: ``alive`` False is one whose process died (its channel is closed)."""

    def __init__(self, name: str) -> None:
        self.name, self.alive, self.shutting_down, self.received = name, True, False, []
        self.gateway = SimpleNamespace(id=name)

    def send_runtest_some(self, indices: list[int]) -> None:
        if not self.alive:
            raise OSError("cannot send (already closed?)")
        self.received.extend(indices)

    def shutdown(self) -> None:
        self.shutting_down = True

    def __repr__(self) -> str:
        return self.name


def _scheduled(cls: type[LoadScheduling], tests: int = 17) -> tuple[Any, Node, Node]:
    sched = cls(Config())
    a, b = Node("a"), Node("b")
    ids = [f"t{i}" for i in range(tests)]
    for node in (a, b):
        sched.add_node(node)
        sched.add_node_collection(node, ids)
    sched.schedule()
    return sched, a, b


def test_the_stock_scheduler_fails_when_two_workers_die_together() -> None:
    """The race the suite's scheduler exists for (pytest-xdist 3.8): if this stops raising,
    pytest-xdist fixed it and scheduling.py can go."""
    sched, a, b = _scheduled(LoadScheduling)
    a.alive = b.alive = False
    with pytest.raises(OSError, match="already closed"):
        sched.remove_node(a)


def test_two_workers_dying_together_leave_their_tests_pending_for_a_new_worker() -> None:
    sched, a, b = _scheduled(CrashSafeLoadScheduling)
    first_a, first_b = a.received[0], b.received[0]
    a.alive = b.alive = False
    assert sched.remove_node(a) == sched.collection[first_a]  # a's crash item
    assert sched.remove_node(b) == sched.collection[first_b]  # b's own death, handled next
    c = Node("c")
    sched.add_node(c)
    sched.add_node_collection(c, list(sched.collection))
    sched.schedule()
    while sched.node2pending[c]:  # c runs everything the dead workers left
        sched.mark_test_complete(c, sched.node2pending[c][0])
    done = set(a.received[:1]) | set(b.received[:1]) | set(c.received)
    assert done == set(range(17)) and not sched.pending and c.shutting_down


def test_only_load_scheduling_is_replaced() -> None:
    assert isinstance(make_scheduler(Config(), None), CrashSafeLoadScheduling)
    assert make_scheduler(Config(dist="loadfile"), None) is None


def _report(nodeid: str, when: str, outcome: str = "passed") -> Any:
    props = [("claims", "CREATE-01"), ("device", "cpu")]
    return SimpleNamespace(nodeid=nodeid, when=when, outcome=outcome, longrepr=None,
                           user_properties=props if when == "setup" else [])


def _collect(tmp_path: Path, internal_error: bool = False) -> dict[str, Any]:
    path = tmp_path / "results.json"
    col = Collector(Config(), path)
    col.collected = {"t::finished", "t::started_only"}
    for nodeid in col.collected:
        col.pytest_runtest_logreport(_report(nodeid, "setup"))
    col.pytest_runtest_logreport(_report("t::finished", "call"))
    if internal_error:
        col.pytest_internalerror("INTERNALERROR> OSError", SimpleNamespace(
            value=OSError("cannot send (already closed?)")))
    col.pytest_sessionfinish(None, 3 if internal_error else 1)
    return dict(json.loads(path.read_text()))


def test_a_test_that_started_and_never_ended_is_a_crash_not_a_pass(tmp_path: Path) -> None:
    doc = _collect(tmp_path)
    verdicts = {t["test"]: t["verdict"] for t in doc["tests"]}
    assert verdicts == {"t::finished": "PASS", "t::started_only": "CRASH"}
    assert doc["exit_status"] == 1 and not doc["interrupted"]


def test_pytests_internal_error_makes_the_run_incomplete(tmp_path: Path) -> None:
    doc = _collect(tmp_path, internal_error=True)
    verdicts = {t["test"]: t["verdict"] for t in doc["tests"]}
    assert verdicts == {"t::finished": "PASS", "t::started_only": "NOT RUN"}
    assert doc["exit_status"] == 1 and doc["interrupted"]
    assert doc["incomplete"].startswith("pytest stopped with an internal error")
    assert "did not finish (pytest stopped with an internal error" in render([doc])


@pytest.mark.parametrize("code, says", [(3, "internal error"), (5, "collected no tests")])
def test_pytests_own_exit_status_never_reads_as_a_clean_run(tmp_path: Path, code: int,
                                                             says: str) -> None:
    """Whatever the results file says, a pytest that exited 3, 4 or 5 did not run the suite."""
    stage = tmp_path / "stage"
    stage.mkdir()
    clean = _collect(tmp_path)
    clean["tests"] = [t for t in clean["tests"] if t["verdict"] == "PASS"]
    clean["exit_status"] = 0
    (stage / "results.json").write_text(json.dumps(clean))
    opts = runs.RunOptions(profile=PROFILES["smoke"], devices=["cpu"], out=tmp_path,
                           jobs="1", timeout=10.0, seed=None, pytest_args=[])
    doc = runs._results(stage, code, False, opts)
    assert doc["exit_status"] == 1 and doc["interrupted"] and says in doc["incomplete"]
