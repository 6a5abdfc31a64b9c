"""The command line: ``python -m conformance`` (or ``torch-conformance``).

    run    [--device cpu,meta,cuda] [--profile smoke|ci|deep] [--out DIR] [--jobs N]
           [--timeout S] [--seed N]
           Run the conformance suite; write DIR/results.json, DIR/index.html (the report) and
           DIR/pytest-report.html. Exit 0 when every required claim conforms, 1 when one is
           violated (or the run was interrupted), 2 for usage errors.
    merge  A.json B.json ... [--out DIR]
           One report from the results of several machines (a CI matrix of torch versions and
           devices): DIR/index.html and DIR/merged.json. Exit 1 when any run had a violation.

Bad input (an unknown device or profile, an unwritable directory, a malformed results file,
no torch) is one line on stderr and exit status 2; files already written are left as they were.
Each test runs in a pytest-xdist worker with a time limit (pytest-timeout): a check that crashes
its process or hangs becomes a CRASH verdict and the run goes on.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from . import results as results_mod

PROFILES = ("smoke", "ci", "deep")
TIMEOUTS = {"smoke": 300, "ci": 900, "deep": 3600}  # seconds per test before it is a CRASH
TESTS_DIR = Path(__file__).resolve().parent / "tests"
EXIT_OK, EXIT_VIOLATED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="torch-conformance",
                description="A conformance suite for PyTorch: documented claims checked "
                            "against a reference implementation.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run the suite and write the report")
    run.add_argument("--device", default=None,
                     help="comma-separated devices (default: cpu, meta and cuda; "
                          "unavailable ones are NOT RUN)")
    run.add_argument("--profile", default="ci",
                     help="smoke (under 30 s), ci (derandomized), deep (nightly)")
    run.add_argument("--out", default="reports", help="output directory (default: reports)")
    run.add_argument("--jobs", default="auto",
                     help="worker processes (default: auto, one per core)")
    run.add_argument("--timeout", type=float, default=None,
                     help="seconds a test may run before it is a CRASH (default by profile)")
    run.add_argument("--seed", type=int, default=None,
                     help="Hypothesis seed for smoke and deep (default: random, recorded)")
    run.add_argument("pytest_args", nargs="*", help=argparse.SUPPRESS)
    merge = sub.add_parser("merge", help="one report from several results files")
    merge.add_argument("files", nargs="+", help="results.json files")
    merge.add_argument("--out", default="reports", help="output directory (default: reports)")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        if args.command == "run":
            return run(args)
        return merge(args)
    except UsageError as e:
        print(f"torch-conformance: error: {e}", file=sys.stderr)
        return EXIT_USAGE


# ---- run ---------------------------------------------------------------------------------------

def _check_devices(raw: str | None) -> list[str]:
    from .devices import DEVICES, availability
    if raw is None:
        return list(DEVICES)
    devices = [d.strip() for d in raw.split(",") if d.strip()]
    if not devices:
        raise UsageError("--device: no device given")
    for d in devices:
        ok, reason = availability(d)
        if not ok and reason.startswith("unknown device"):
            raise UsageError(f"--device: {reason}")
    return devices


def _check_out(out: str) -> Path:
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as e:
        raise UsageError(f"cannot write to {out!r}: {e.strerror or e}") from None
    return path


def _check_torch() -> str:
    try:
        import torch
    except ImportError:
        raise UsageError("torch is not installed in this environment "
                         "(pip install 'torch>=2.0')") from None
    return str(torch.__version__)


def run(args: argparse.Namespace) -> int:
    if args.profile not in PROFILES:
        raise UsageError(f"--profile: unknown profile {args.profile!r} (expected smoke, ci or "
                         "deep)")
    devices = _check_devices(args.device)
    out = _check_out(args.out)
    version = _check_torch()
    seed = None if args.profile == "ci" else (
        args.seed if args.seed is not None else random.SystemRandom().randrange(2**32))
    timeout = args.timeout if args.timeout is not None else TIMEOUTS[args.profile]
    partial = out / ".results.partial.json"
    partial.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pytest", str(TESTS_DIR), "-p", "no:cacheprovider",
           "-q", "-n", str(args.jobs), "--conformance-profile", args.profile,
           "--device", ",".join(devices), "--conformance-results", str(partial),
           "--timeout", str(timeout), "--timeout-method", "thread",
           "--html", str(out / "pytest-report.html"), "--self-contained-html",
           "-o", "addopts=", *args.pytest_args]
    if seed is not None:
        cmd.append(f"--hypothesis-seed={seed}")
    print(f"torch-conformance: torch {version}, profile {args.profile}"
          + (f", seed {seed}" if seed is not None else " (derandomized)")
          + f", devices {', '.join(devices)}; writing {out}/", flush=True)
    interrupted = False
    proc = subprocess.Popen(cmd, cwd=str(TESTS_DIR.parent.parent))
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        # The worker processes got the same SIGINT; pytest writes what it has, then exits.
        interrupted = True
        try:
            code = proc.wait(timeout=120)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            proc.send_signal(signal.SIGKILL)
            code = proc.wait()
    if not partial.exists():
        print(f"torch-conformance: error: pytest exited with status {code} before writing "
              f"results; {out}/ is unchanged", file=sys.stderr)
        return EXIT_USAGE if code in (3, 4) else EXIT_VIOLATED
    doc = results_mod.load(partial)
    if interrupted:
        doc["interrupted"] = True
    _write_report(out, [doc], "results.json", doc)
    partial.unlink(missing_ok=True)
    _print_summary(doc, out)
    if doc.get("interrupted"):
        print("torch-conformance: the run was interrupted; the report shows what ran",
              file=sys.stderr)
        return EXIT_VIOLATED
    return int(doc["exit_status"])


def _write_report(out: Path, docs: list[dict[str, Any]], name: str, payload: Any) -> None:
    from .report_html import render
    html = render(docs)
    results_mod.write_atomic(out / name, results_mod.dumps(payload))
    results_mod.write_atomic(out / "index.html", html)


def _print_summary(doc: dict[str, Any], out: Path) -> None:
    counts = results_mod.summary_counts(doc)
    for device, per in counts.items():
        parts = ", ".join(f"{v} {per[v]}" for v in results_mod.VERDICTS if per.get(v))
        print(f"  {device}: {parts}")
    bad = sorted({r["claim"] for r in doc["results"]
                  if r["verdict"] in results_mod.VIOLATIONS})
    if bad:
        print(f"  violated or not conforming: {', '.join(bad)}")
    print(f"torch-conformance: wrote {out / 'index.html'} and {out / 'results.json'}")


# ---- merge -------------------------------------------------------------------------------------

def merge(args: argparse.Namespace) -> int:
    docs = []
    for f in args.files:
        try:
            docs.append(results_mod.load(f))
        except results_mod.ResultsError as e:
            raise UsageError(str(e)) from None
    out = _check_out(args.out)
    payload = {"schema": "torch-conformance/merged", "schema_version": 1,
               "runs": docs}
    _write_report(out, docs, "merged.json", payload)
    for doc in docs:
        env = doc["environment"]
        print(f"  torch {env.get('torch')} ({', '.join(env.get('devices') or [])}): "
              f"exit status {doc.get('exit_status')}")
    print(f"torch-conformance: merged {len(docs)} results into {out / 'index.html'}")
    return EXIT_VIOLATED if any(d.get("exit_status") or d.get("interrupted")
                                for d in docs) else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
