"""One run of the suite: pytest with a pool of worker processes, stopped cleanly on a signal,
its files staged and moved into place only when whole.

- Each test runs in a pytest-xdist worker with a time limit (pytest-timeout): a check that
  crashes its process or hangs is a CRASH and the worker is replaced, however many crash.
- SIGINT and SIGTERM to the command stop pytest (it is sent SIGINT, then killed if it does not
  stop within ``GRACE`` seconds); what ran is reported, marked interrupted (exit status 1).
- Everything the run writes (the results file, pytest-html's page, the report) is written in a
  staging folder inside the output folder, then renamed over the previous files. A run that
  cannot write (a full disk) leaves the previous report whole.
- The collector journals each test as it ends (``journal.jsonl``): if pytest dies before
  writing the results file, the report is built from the journal.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import results as results_mod
from .results.environment import environment
from .settings import Profile

TESTS_DIR = Path(__file__).resolve().parent / "claim_tests"
ROOT = TESTS_DIR.parent.parent
GRACE = 60.0  # seconds pytest has to stop after SIGINT before it is killed
# pytest-xdist stops replacing crashed workers after this many; a crash must stay a CRASH cell
# for every test, never a test left unrun.
MAX_RESTARTS = 1_000_000


# pytest's exit statuses other than 0 (all passed), 1 (some failed) and 2 (interrupted).
PYTEST_STATUS = {3: "pytest stopped with an internal error", 4: "pytest's usage error",
                 5: "pytest collected no tests"}


class RunError(Exception):
    """The run could not produce a report: one line, and the previous report is left whole."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class RunOptions:
    profile: Profile
    devices: list[str]
    out: Path
    jobs: str
    timeout: float
    seed: int | None
    pytest_args: list[str]
    shard: str | None = None  # "K/N": one slice of a run split across machines


def pytest_command(opts: RunOptions, stage: Path) -> list[str]:
    cmd = [sys.executable, "-m", "pytest", str(TESTS_DIR), "-p", "no:cacheprovider",
           "-q", "-n", opts.jobs, "--conformance-profile", opts.profile.name,
           "--device", ",".join(opts.devices),
           "--conformance-results", str(stage / "results.json"),
           *(["--conformance-shard", opts.shard] if opts.shard else []),
           "--timeout", repr(opts.timeout), "--timeout-method", "thread",
           *_html_args(stage), "--max-worker-restart", str(MAX_RESTARTS), "-o", "addopts=",
           *_plugin_args(), *opts.pytest_args]
    if opts.seed is not None:
        cmd.append(f"--hypothesis-seed={opts.seed}")
    return cmd


def _html_args(stage: Path) -> list[str]:
    """pytest-html's report when pytest-html is installed (it is a dependency; a source tree on
    a machine without a package index may lack it: the run goes on without that page)."""
    import importlib.util
    if importlib.util.find_spec("pytest_html") is None:
        print("torch-conformance: pytest-html is not installed: no pytest-report.html",
              file=sys.stderr)
        return []
    return ["--html", str(stage / "pytest-report.html"), "--self-contained-html"]


def _plugin_args() -> list[str]:
    """``-p conformance.pytest_plugin`` when the plugin is not registered as an installed entry
    point (the suite run from a source tree, as on a machine with no package index)."""
    from importlib.metadata import entry_points
    if any(ep.value == "conformance.pytest_plugin" for ep in entry_points(group="pytest11")):
        return []
    return ["-p", "conformance.pytest_plugin"]


def execute(opts: RunOptions) -> dict[str, Any]:
    """Run pytest, then write the report; the results document. RunError when nothing could
    be reported."""
    stage = Path(tempfile.mkdtemp(prefix=".run-", dir=opts.out))
    try:
        code, interrupted = _pytest(pytest_command(opts, stage))
        doc = _results(stage, code, interrupted, opts)
        _write(stage, doc)
        _move_into_place(stage, opts.out)
        return doc
    except OSError as e:
        raise RunError(f"cannot write the report in {opts.out}: {e.strerror or e}; the "
                       "previous report there is unchanged", 2) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _pytest(cmd: list[str]) -> tuple[int, bool]:
    """Run pytest in a session of its own; SIGINT or SIGTERM here stops it. (exit status,
    whether it was interrupted)."""
    stopping: list[int] = []
    started: list[subprocess.Popen[Any]] = []

    def stop(signum: int, frame: Any) -> None:
        stopping.append(signum)
        if started:  # pytest's controller stops its workers and writes what ran
            started[0].send_signal(signal.SIGINT)
    # Installed before pytest starts: it then inherits SIGINT's default handling even where
    # this command was started with SIGINT ignored (a background job of a script).
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    proc = subprocess.Popen(cmd, cwd=str(ROOT), start_new_session=True)
    started.append(proc)
    if stopping:
        proc.send_signal(signal.SIGINT)
    deadline: float | None = None
    try:
        while True:
            try:
                code = proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if stopping and deadline is None:
                    deadline = time.monotonic() + GRACE
                if deadline is not None and time.monotonic() > deadline:
                    _signal_group(proc, signal.SIGKILL)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return code, bool(stopping) or code == 2


def _signal_group(proc: subprocess.Popen[Any], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def _results(stage: Path, code: int, interrupted: bool, opts: RunOptions) -> dict[str, Any]:
    partial, journal = stage / "results.json", stage / "journal.jsonl"
    if partial.exists():
        doc = results_mod.load(partial)
    elif journal.exists():
        doc = _from_journal(journal, opts)
        interrupted = True
    else:
        raise RunError(f"pytest exited with status {code} before any test ended; "
                       f"{opts.out}/ is unchanged", 2 if code in (3, 4) else 1)
    if interrupted:
        doc["interrupted"] = True
    elif code not in (0, 1):  # pytest's internal or usage error: what ran is not the run
        doc["interrupted"] = True
        doc["incomplete"] = doc.get("incomplete") or PYTEST_STATUS.get(
            code, f"pytest exited with status {code}")
    if doc.get("interrupted"):
        doc["exit_status"] = 1  # what ran cannot stand for the whole run
    return doc


def _from_journal(journal: Path, opts: RunOptions) -> dict[str, Any]:
    """The results of a pytest that died before writing them: every test the journal saw."""
    tests: dict[tuple[str, str], dict[str, Any]] = {}
    for line in journal.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short when pytest died
        tests[(entry["test"], entry["device"])] = entry
    seed = "derandomized" if opts.profile.derandomize else opts.seed
    now = results_mod.now()
    return results_mod.build(list(tests.values()), environment(opts.profile.name, seed,
                                                              opts.devices),
                             started=now, finished=now, duration_s=0.0, interrupted=True)


def _write(stage: Path, doc: dict[str, Any]) -> None:
    from .report.html import render
    (stage / "journal.jsonl").unlink(missing_ok=True)
    results_mod.write_atomic(stage / "results.json", results_mod.dumps(doc))
    results_mod.write_atomic(stage / "index.html", render([doc]))


def _move_into_place(stage: Path, out: Path) -> None:
    """Rename each staged file over its previous copy, the report last."""
    names = sorted((p.name for p in stage.iterdir() if p.is_file()),
                   key=lambda n: n == "index.html")
    for name in names:
        os.replace(stage / name, out / name)
