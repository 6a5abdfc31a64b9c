"""A run never looks better than the truth: every crash is a CRASH however many there are, a
signal stops the run and leaves a report marked interrupted, a run that cannot write leaves the
previous report whole, and bad input is one line and exit status 2."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conformance import cli

ROOT = Path(__file__).resolve().parent.parent
QUICK = ["--", "-k", "test_tensor_infers_dtype"]  # 9 quick tests on the CPU (pytest options)


def _run(args: list[str], env: dict[str, str] | None = None, timeout: int = 600
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conformance", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


@pytest.mark.parametrize("args, says", [
    (["--jobs", "0"], "--jobs: 0"), (["--jobs", "-2"], "--jobs: -2"),
    (["--jobs", "abc"], "--jobs: 'abc'"), (["--timeout", "-1"], "--timeout: -1"),
    (["--timeout", "0"], "--timeout: 0"), (["--timeout", "nan"], "--timeout: nan"),
    (["--timeout", "inf"], "--timeout: inf"), (["--timeout", "soon"], "--timeout"),
    (["--seed", "-1"], "--seed: -1"), (["--seed", "1.5"], "--seed"),
    (["--seed", str(2**40)], "--seed"), (["--profile", "deeper"], "--profile"),
    (["--device", "gpu"], "--device"), (["--device", ","], "--device"),
])
def test_bad_numbers_are_one_line_and_exit_2(args: list[str], says: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["run", "--profile", "smoke", "--out", str(tmp_path), *args])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1 and says in err, err
    assert not list(tmp_path.iterdir())  # nothing written


def test_every_crash_is_a_crash_however_many(tmp_path: Path) -> None:
    """9 tests whose worker aborts each time, two workers dying at once (pytest-xdist used to
    stop replacing workers after 8, and to end the run with an INTERNALERROR when it sent a
    dead worker's tests to another dead one): every test is a CRASH, none is left unrun, and
    the report says so first."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests" / "support")}
    proc = _run(["run", "--profile", "smoke", "--device", "cpu", "--jobs", "2", "--out",
                 str(tmp_path), "--", "-p", "abort_every_test", "-k",
                 "test_tensor_infers_dtype"], env=env)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    doc = json.loads((tmp_path / "results.json").read_text())
    verdicts = [t["verdict"] for t in doc["tests"]]
    assert len(verdicts) == 9 and set(verdicts) == {"CRASH"}, verdicts
    assert doc["never_ran"]["count"] == 0 and doc["exit_status"] == 1
    assert not doc["interrupted"] and "incomplete" not in doc
    page = (tmp_path / "index.html").read_text()
    assert "9 tests crashed or hung" in page
    assert page.index("9 tests crashed") < page.index('id="summary"')


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_run_and_leaves_an_interrupted_report(sig: int,
                                                                 tmp_path: Path) -> None:
    """The signal reaches the command alone (as a CI system's would): pytest stops, what ran
    is reported, marked interrupted, and the banner and the exit status agree."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance", "run", "--profile", "ci", "--device", "cpu",
         "--jobs", "2", "--out", str(tmp_path), "--", "-k",
         "test_tensor_infers_dtype or test_memory_semantics_state_machine"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not any(p.read_text().strip() for p in tmp_path.glob(".run-*/journal.jsonl")):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 1, out[-2000:] + err[-2000:]
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["interrupted"] is True and doc["exit_status"] == 1
    assert doc["tests"] and doc["never_ran"]["count"] + len(doc["tests"]) == doc["collected"]
    page = (tmp_path / "index.html").read_text()
    assert "was interrupted" in page and "exit status 0" not in page
    assert not list(tmp_path.glob(".run-*"))
    leftover = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True)
    assert leftover.stdout == "", "pytest outlived the command"


def test_a_full_disk_leaves_the_previous_report_whole(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    from conformance import runs
    previous = {"index.html": "old report", "results.json": "{}", "pytest-report.html": "old"}
    for name, text in previous.items():
        (tmp_path / name).write_text(text)

    def full(stage: Path, doc: dict) -> None:
        (stage / "index.html").write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(runs, "_write", full)
    status = cli.main(["run", "--profile", "smoke", "--device", "cpu", "--jobs", "1",
                       "--out", str(tmp_path), *QUICK])
    err = capsys.readouterr().err
    assert status == 2
    assert [line for line in err.splitlines() if line.startswith("torch-conformance")] == [
        f"torch-conformance: error: cannot write the report in {tmp_path}: No space left on "
        "device; the previous report there is unchanged"]
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == previous


def _broken(base: dict, path: str, value: object) -> dict:
    doc = json.loads(json.dumps(base))
    *parents, last = path.split(".")
    node = doc
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is KeyError:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return doc


@pytest.mark.parametrize("path, value, says", [
    ("claims", [1, 2], "claims[0] is a number"),
    ("tests", 3, "tests is a number"),
    ("tests.0.fingerprint.corpus.0.program", ["x = 1"], "program is a list"),
    ("environment.profile", KeyError, "environment.profile is missing"),
    ("results.0.cases", "none", "results[0].cases is a string"),
    ("areas", [], "areas is a list"),
])
@pytest.mark.parametrize("command", ["merge", "compare"])
def test_nested_bad_shapes_are_one_line_and_exit_2(path: str, value: object, says: str,
                                                   command: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    good = json.loads((ROOT / "docs" / "gpu" / "results.json").read_text())
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_broken(good, path, value)))
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps(good))
    args = [str(ok), str(bad)] if command == "compare" else [str(bad)]
    status = cli.main([command, *args, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1 and says in err, err


def test_an_unknown_torch_version_fails_before_building_anything(tmp_path: Path) -> None:
    """The index is asked first; the error names the versions it has."""
    started = time.monotonic()
    proc = _run(["upgrade", "--from", "9.9.9", "--to", "2.13.0", "--cache",
                 str(tmp_path / "cache"), "--out", str(tmp_path / "out")])
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "torch==9.9.9 is not on the package index" in proc.stderr or \
        "9.9.9" in proc.stderr
    assert not (tmp_path / "cache").exists()
    assert time.monotonic() - started < 120
    old = _run(["upgrade", "--from", "1.13.1", "--to", "2.13.0", "--cache",
                str(tmp_path / "cache")])
    assert old.returncode == 2 and "2.0 or newer" in old.stderr
