"""Replaying programs in another run's environment.

A run keeps some programs whole (its first ones, its failing ones, the smallest of each
behaviour); when a changed program was kept by one run only, or a run shrank a failure to a
program the other never drew, the other run's Python observes it again:
``python -m conformance.upgrade.replay`` reads ``[{"program", "device"}]`` on standard input
and writes each program's observations, as the fingerprint records them. Run from this source
tree, so every environment judges with the same model.

Reproductions are run the same way, but with torch alone: ``run_scripts`` feeds them to a
Python started in isolated mode (``-I``) in an empty folder, so what they print is what a user
pasting them into that torch would see.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from typing import Any

from .venvs import SOURCE

TIMEOUT = 1800  # seconds for one batch (a few hundred programs)
_RUN_SCRIPTS = r"""
import contextlib, io, json, sys, warnings
import torch
scripts = json.load(sys.stdin)
out = []
for source in scripts:
    buf = io.StringIO()
    torch.set_default_dtype(torch.float32)
    torch.set_grad_enabled(True)
    with contextlib.redirect_stdout(buf), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(compile(source, "<reproduction>", "exec"), {"__name__": "__main__"})
        except BaseException as e:
            print("the script stopped:", type(e).__name__ + ":", e)
    out.append(buf.getvalue())
sys.stdout.write(json.dumps(out))
"""


def observe(requests: list[dict[str, str]]) -> list[dict[str, Any]]:
    """In this process: each program checked on its device; its observations and verdict."""
    from ..judge.check import check
    from ..judge.fingerprint import observations
    from ..snippet import program_of
    from .repro import split
    out: list[dict[str, Any]] = []
    for req in requests:
        try:
            _, steps = split(req["program"])
            program = program_of("\n".join(steps))
            result = check(program, req["device"])
        except Exception as e:  # noqa: BLE001 - a program that cannot be replayed says why
            out.append({"observations": None, "error": f"{type(e).__name__}: {e}"})
            continue
        if result.torch_trace is None or result.reference_trace is None:
            out.append({"observations": None, "error": result.note or result.verdict})
            continue
        out.append({"observations": observations(result.torch_trace.steps,
                                                 result.reference_trace.steps),
                    "verdict": result.verdict})
    return out


def replay(python: str, requests: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The programs observed by another Python (an environment of another torch)."""
    if not requests:
        return []
    proc = subprocess.run([python, "-m", "conformance.upgrade.replay"], cwd=SOURCE,
                          input=json.dumps(requests), capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return [{"observations": None, "error": f"replay failed: {last}"} for _ in requests]
    return list(json.loads(proc.stdout))


def run_scripts(python: str, scripts: list[str]) -> list[str | None]:
    """What each torch-only script prints on that Python's torch (None: it could not run)."""
    if not scripts:
        return []
    with tempfile.TemporaryDirectory(prefix="tc-repro-") as empty:
        try:
            proc = subprocess.run([python, "-I", "-c", _RUN_SCRIPTS], cwd=empty,
                                  input=json.dumps(scripts), capture_output=True, text=True,
                                  timeout=TIMEOUT, check=False)
        except (OSError, subprocess.SubprocessError):
            return [None] * len(scripts)
    if proc.returncode != 0:
        return [None] * len(scripts)
    return list(json.loads(proc.stdout))


def main() -> None:
    requests = json.load(sys.stdin)
    sys.stdout.write(json.dumps(observe(requests), default=str))


if __name__ == "__main__":
    main()
