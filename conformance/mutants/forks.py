"""Each mutant's pytest run in a child forked from a process that has already imported torch.

A mutant must run in a process of its own (it patches torch), and a fresh Python process spends
most of a short conformance run importing torch and the suite. A fork server imports them once;
for each run it forks a child that takes the run's environment (the mutant's name), sends its
output to a file and calls ``pytest.main``, then reports the child's exit status and output.
The parent never runs a torch operation, so each child starts from torch as freshly imported.

Where ``os.fork`` does not exist the run is an ordinary subprocess (the same arguments).

    server:  python -m conformance.mutants.forks   (JSON lines: {"args", "env", "timeout"} in,
                                                     {"rc", "output"} out)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

TIMED_OUT = -9


class ForkServer:
    """One server process; ``run`` is called by one thread at a time."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.proc = subprocess.Popen([sys.executable, "-m", "conformance.mutants.forks"],
                                     cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)

    def run(self, args: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"args": args, "env": env, "timeout": timeout}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the mutant fork server stopped")
        reply = json.loads(line)
        return int(reply["rc"]), str(reply["output"])

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


_local = threading.local()
_started: list[ForkServer] = []
_lock = threading.Lock()


def close_all() -> None:
    """Stop every fork server this process started."""
    with _lock:
        while _started:
            _started.pop().close()


def run_pytest(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float
               ) -> tuple[int, str]:
    """``python -m pytest *args`` with ``env``, in ``cwd``: (exit status, stdout and stderr);
    ``TIMED_OUT`` when it ran past ``timeout`` seconds. One fork server per calling thread."""
    if not hasattr(os, "fork"):
        try:
            proc = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=cwd, env=env,
                                  capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as e:
            return TIMED_OUT, str(e.stdout or "")
        return proc.returncode, proc.stdout + proc.stderr
    server = getattr(_local, "server", None)
    if server is None or server.cwd != cwd or server.proc.poll() is not None:
        server = _local.server = ForkServer(cwd)
        with _lock:
            _started.append(server)
    return server.run(args, env, timeout)


# ---- the server ---------------------------------------------------------------------------------

def _child(args: list[str], env: dict[str, str], out: IO[str]) -> None:
    """In the forked child: the run's environment, output to ``out``, pytest, exit."""
    os.environ.clear()
    os.environ.update(env)
    os.dup2(out.fileno(), 1)
    os.dup2(out.fileno(), 2)
    code = 3
    try:
        import pytest
        quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]  # imported by the server
        code = int(pytest.main([*args, *quiet]))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _serve_one(request: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        pid = os.fork()
        if pid == 0:
            _child(list(request["args"]), dict(request["env"]), out)
        deadline = time.monotonic() + float(request["timeout"])
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                rc = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                rc = TIMED_OUT
                break
            time.sleep(0.05)
        out.seek(0)
        return {"rc": rc, "output": out.read()}


def main() -> int:
    # What takes a fresh process its time: torch, NumPy, Hypothesis and the suite itself. (Its
    # modules are then not rewritten by pytest's assertion rewriting, which only details bare
    # asserts; the suite's failures carry their own messages.)
    import hypothesis  # noqa: F401
    import numpy  # noqa: F401
    import torch  # noqa: F401

    import conformance.judge.check  # noqa: F401
    import conformance.pytest_plugin  # noqa: F401
    import reference_impl  # noqa: F401
    for line in sys.stdin:
        if line.strip():
            reply = _serve_one(json.loads(line))
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
