"""The program cache (conformance/pytest_plugin/replay.py): a derandomized profile's drafts are
recorded once and replayed: the same examples, in order, discarded ones discarded again, and
a state machine's runs rule by rule; the key changes with what decides the drafts."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from conformance.pytest_plugin import replay

ROOT = Path(__file__).resolve().parent.parent


def _body(calls: list[Any]) -> Any:
    @settings(max_examples=30, derandomize=True, database=None)
    @given(data=st.data(), n=st.integers(0, 9))
    def test(data: st.DataObject, n: int, device: str) -> None:
        drawn = [data.draw(st.integers(0, 99)) for _ in range(n % 3)]
        calls.append((device, n, drawn))
        assume(n != 4)  # some examples are discarded
    return test


def test_a_replay_calls_the_body_with_the_recorded_examples_in_order() -> None:
    calls: list[Any] = []
    test = _body(calls)
    recorder, inner = replay.Recorder(), test.hypothesis.inner_test
    test.hypothesis.inner_test = replay.recording(inner, {"device"}, recorder)
    try:
        test(device="cpu")
    finally:
        test.hypothesis.inner_test = inner
    drafted = list(calls)
    assert len(drafted) == len(recorder.examples) >= 10
    assert any(n == 4 for _, n, _ in drafted)  # a discarded example was recorded too
    calls.clear()
    replay.replay(inner, {"device": "cpu"}, pickle.loads(pickle.dumps(recorder.examples)))
    assert calls == drafted


def test_an_example_that_ran_out_of_draws_is_discarded() -> None:
    """A recorded example whose draws end early (Hypothesis stopped it mid-draw) ends
    discarded, and the replay goes on with the next."""
    seen: list[int] = []

    def inner(data: Any) -> None:
        seen.append(data.draw(None))
        seen.append(data.draw(None))
    replay.replay(inner, {}, [{"given": {}, "data": ["data"], "draws": [1]},
                              {"given": {}, "data": ["data"], "draws": [2, 3]}])
    assert seen == [1, 2, 3]


def _machine(log: list[Any], recorder: replay.Recorder | None) -> type[RuleBasedStateMachine]:
    class Counter(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.run = recorder.new_run() if recorder is not None else None
            self.total = 0

        @initialize(data=st.data())
        def start(self, data: Any) -> None:
            data = replay.record_step(self.run, "start", data)
            self.total = data.draw(st.integers(0, 5))
            log.append(("start", self.total))

        @rule(data=st.data(), step=st.sampled_from([1, 2]))
        def add(self, data: Any, step: int) -> None:
            data = replay.record_step(self.run, "add", data, step=step)
            self.total += step * data.draw(st.integers(0, 3))
            log.append(("add", step, self.total))

        def teardown(self) -> None:
            log.append(("end", self.total))
    return Counter


def test_a_state_machines_runs_replay_rule_by_rule() -> None:
    log: list[Any] = []
    recorder = replay.Recorder()
    run_state_machine_as_test(_machine(log, recorder), settings=settings(
        max_examples=15, derandomize=True, database=None, stateful_step_count=6))
    drafted = list(log)
    log.clear()
    replay.replay_machine(_machine(log, None), recorder.examples)
    assert log == drafted and sum(e[0] == "end" for e in log) == len(recorder.examples)


def test_the_key_follows_what_decides_the_drafts(tmp_path: Path) -> None:
    module = tmp_path / "test_x.py"
    module.write_text("def test_a(): pass\n")
    key = replay.cache_key("test_x.py::test_a[cpu]", str(module), "ci")
    assert key == replay.cache_key("test_x.py::test_a[cpu]", str(module), "ci")
    assert key != replay.cache_key("test_x.py::test_a[meta]", str(module), "ci")
    assert key != replay.cache_key("test_x.py::test_a[cpu]", str(module), "deep")
    module.write_text("def test_a(): pass  # changed\n")
    assert key != replay.cache_key("test_x.py::test_a[cpu]", str(module), "ci")


def test_the_cache_is_written_whole_and_a_broken_file_is_drafted_again(tmp_path: Path) -> None:
    cache = replay.Cache(tmp_path / "programs")
    cache.store("k", [{"given": {"n": 1}, "data": [], "draws": []}])
    assert cache.load("k") == [{"given": {"n": 1}, "data": [], "draws": []}]
    assert [p.name for p in (tmp_path / "programs").iterdir()] == ["k.pickle"]
    (tmp_path / "programs" / "k.pickle").write_bytes(b"not a pickle")
    assert cache.load("k") is None and replay.Cache(None).load("k") is None


class _Config:
    def __init__(self, profile: str, choice: str | None) -> None:
        self.options = {"--conformance-profile": profile, "--conformance-program-cache": choice}

    def getoption(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)


def test_the_cache_is_on_only_for_a_derandomized_profile_without_a_mutant(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONFORMANCE_MUTANT", raising=False)
    assert replay.cache_for(_Config("ci", str(tmp_path))).folder == tmp_path
    assert replay.cache_for(_Config("ci", "off")).folder is None
    assert replay.cache_for(_Config("smoke", str(tmp_path))).folder is None
    monkeypatch.setenv("CONFORMANCE_MUTANT", "view_copies")
    assert replay.cache_for(_Config("ci", str(tmp_path))).folder is None


def _suite(cache: Path, results: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(ROOT / "conformance" / "claim_tests"), "-q",
         "-p", "no:cacheprovider", "-o", "addopts=", "--conformance-profile", "ci",
         "--device", "cpu", "--conformance-program-cache", str(cache),
         "--conformance-results", str(results), "-k", "test_view_programs"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={k: v for k, v in os.environ.items() if k != "CONFORMANCE_MUTANT"})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return dict(json.loads(results.read_text()))


def test_the_suite_replays_what_it_recorded(tmp_path: Path) -> None:
    """The second run checks the recorded programs (same fingerprint); a cache file cut to
    its first example is what the third run checks: the run reads the cache, not
    Hypothesis."""
    cache = tmp_path / "programs"
    first = _suite(cache, tmp_path / "a.json")["tests"][0]
    files = list(cache.iterdir())
    assert first["verdict"] == "PASS" and first["examples"] == 100 and len(files) == 1
    second = _suite(cache, tmp_path / "b.json")["tests"][0]
    assert second["fingerprint"] == first["fingerprint"] and second["examples"] == 100
    files[0].write_bytes(pickle.dumps(pickle.loads(files[0].read_bytes())[:1]))
    assert _suite(cache, tmp_path / "c.json")["tests"][0]["examples"] == 1
