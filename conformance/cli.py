"""The command line: ``python -m conformance`` (or ``torch-conformance``).

    check  FILE | - | -c CODE [--device cpu|meta|cuda] [--json]
           Run your own snippet (one top-level statement per step) on torch and on the
           reference; print the verdict (PASS, MISMATCH, UNMODELLED, EXPECTED or INVALID), each
           mismatch and a torch-only reproduction. Exit 0 only on PASS.
    run    [--device cpu,meta,cuda] [--profile smoke|ci|deep] [--out DIR] [--jobs N]
           [--timeout S] [--seed N]
           Run the conformance suite; write DIR/results.json, DIR/index.html (the report) and
           DIR/pytest-report.html. Exit 0 when every required claim conforms, 1 when one is
           violated (or the run was interrupted), 2 for usage errors.
    merge  A.json B.json ... [--out DIR]
           One report from the results of several machines (a CI matrix of torch versions and
           devices): DIR/index.html and DIR/merged.json. Exit 1 when any run had a violation.
    compare OLD.json NEW.json [MORE.json ...] [--out DIR] [--python PATH ...]
           The behaviour diff of two runs (conformance/upgrade): DIR/diff.html, DIR/diff.json
           and the headline (every behaviour change, one line each). With more than two runs
           (oldest first), also DIR/history.html: when each change first showed. --python,
           once per run: the Python of that run, to replay changed programs the run did not
           keep whole. Exit 1 when a required claim that conformed no longer does.
    mutants [--out DIR] [--jobs N] [--only NAME,...]
           The suite's power: each mutant of the catalogue (conformance/mutants) breaks one
           documented behaviour of torch; each runs in its own process against the conformance
           test that should catch it (ci profile, cpu). DIR/mutants.json, and a section of
           DIR/index.html when DIR/results.json exists. Exit 1 when a mutant survives.
    upgrade --from A --to B [--from-python PATH] [--to-python PATH] [--profile P]
           [--device D] [--out DIR] [--cache DIR] [--build auto|cpu|cuda|any]
    upgrade --versions A,B,C,... [...]
           (an item with a slash is the Python of an environment that has that release)
           Run the suite on torch A and torch B (or on every release listed: the history),
           each in a virtual environment of its own (created once under the cache directory
           and reused; one build variant on every side, --build), then compare them.

Bad input (an unknown device or profile, an unwritable directory, a malformed results file,
no torch) is one line on stderr and exit status 2; files already written are left as they were.
Each test runs in a pytest-xdist worker with a time limit (pytest-timeout): a check that crashes
its process or hangs becomes a CRASH verdict and the run goes on.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from . import results as results_mod
from .settings import Profile, SettingsError, profile, requested_devices

TESTS_DIR = Path(__file__).resolve().parent / "claim_tests"
EXIT_OK, EXIT_VIOLATED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _number(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a number") from None


def _integer(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number") from None


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
    run.add_argument("--timeout", type=_number, default=None,
                     help="seconds a test may run before it is a CRASH (default by profile)")
    run.add_argument("--seed", type=_integer, default=None,
                     help="Hypothesis seed for smoke and deep (default: random, recorded)")
    run.add_argument("--shard", default=None, metavar="K/N",
                     help="run slice K of N (one job of a CI matrix); `merge` the N results")
    run.add_argument("pytest_args", nargs="*", help=argparse.SUPPRESS)
    chk = sub.add_parser("check", help="check your own snippet against the documented behaviour")
    chk.add_argument("file", nargs="?", default=None,
                     help="a Python file of torch code, or - for standard input")
    chk.add_argument("-c", dest="code", default=None, help="the code itself")
    chk.add_argument("--device", default="cpu", help="cpu (default), meta or cuda: bound to "
                                                     "`dev` in the snippet; meta compares layout")
    chk.add_argument("--json", action="store_true", help="print the result as JSON")
    merge = sub.add_parser("merge", help="one report from several results files")
    merge.add_argument("files", nargs="+", help="results.json files")
    merge.add_argument("--out", default="reports", help="output directory (default: reports)")
    comp = sub.add_parser("compare", help="the behaviour diff of two (or more) results files")
    comp.add_argument("files", nargs="+", metavar="RESULTS",
                      help="results.json files, the old torch first (more than two: a history)")
    comp.add_argument("--out", default="reports/diff", help="output directory")
    comp.add_argument("--python", action="append", default=None, metavar="PATH",
                      help="the Python of each run, in order (to replay changed programs)")
    mut = sub.add_parser("mutants", help="run the mutant catalogue against the suite")
    mut.add_argument("--out", default="reports", help="output directory (default: reports)")
    mut.add_argument("--jobs", type=int, default=None, help="mutants run at once (default: "
                                                            "one per core)")
    mut.add_argument("--only", default=None, help="comma-separated mutant names")
    up = sub.add_parser("upgrade", help="run the suite on two torch versions and compare")
    up.add_argument("--from", dest="from_version", default=None, help="the old torch version")
    up.add_argument("--to", dest="to_version", default=None, help="the new torch version")
    up.add_argument("--from-python", default=None, help="a Python that has the old torch")
    up.add_argument("--to-python", default=None, help="a Python that has the new torch")
    up.add_argument("--profile", default="ci", help="smoke, ci (default) or deep")
    up.add_argument("--device", default="cpu,meta", help="devices (default: cpu,meta)")
    up.add_argument("--out", default="reports/upgrade", help="output directory")
    up.add_argument("--versions", default=None,
                    help="comma-separated releases, oldest first: the history of each "
                         "behaviour across them")
    up.add_argument("--cache", default=None,
                    help="where the per-version environments live (default: "
                         "$XDG_CACHE_HOME/torch-conformance/venvs)")
    up.add_argument("--build", default="auto", choices=("auto", "cpu", "cuda", "any"),
                    help="the torch build to install on every side: auto (default: one "
                         "variant every version can have), cpu, cuda, or any (mixed builds "
                         "allowed, and flagged)")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        command = {"run": run, "merge": merge, "compare": compare, "upgrade": upgrade,
                   "mutants": mutants, "check": check_snippet}[args.command]
        return command(args)
    except UsageError as e:
        print(f"torch-conformance: error: {e}", file=sys.stderr)
        return EXIT_USAGE


# ---- run ---------------------------------------------------------------------------------------

def _check_devices(raw: str | None) -> list[str]:
    try:
        return requested_devices(raw)
    except SettingsError as e:
        raise UsageError(str(e)) from None


def _check_profile(name: str) -> Profile:
    try:
        return profile(name)
    except SettingsError as e:
        raise UsageError(f"--profile: {e}") from None


def _check_out(out: str) -> Path:
    # Absolute: pytest runs with the source tree as its working directory.
    path = Path(out).expanduser().resolve()
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


def _jobs(raw: str) -> str:
    """``auto`` or a number of worker processes (at least 1: the workers isolate crashes)."""
    if raw == "auto":
        return raw
    try:
        n = int(raw)
    except ValueError:
        raise UsageError(f"--jobs: {raw!r} is not a number of workers (or auto)") from None
    if n < 1:
        raise UsageError(f"--jobs: {n}: at least one worker process (it isolates crashes)")
    return str(n)


def _timeout(raw: float | None, prof: Profile) -> float:
    if raw is None:
        return float(prof.timeout)
    if not math.isfinite(raw) or raw <= 0:
        raise UsageError(f"--timeout: {raw}: seconds a test may run, a positive number")
    return raw


def _seed(raw: int | None, prof: Profile) -> int | None:
    if prof.derandomize:
        return None
    if raw is None:
        return random.SystemRandom().randrange(2**32)
    if not 0 <= raw < 2**32:
        raise UsageError(f"--seed: {raw}: a seed is a number from 0 to {2**32 - 1}")
    return raw


def run(args: argparse.Namespace) -> int:
    from .runs import RunError, RunOptions, execute
    prof = _check_profile(args.profile)
    opts = RunOptions(profile=prof, devices=_check_devices(args.device),
                      out=_check_out(args.out), jobs=_jobs(str(args.jobs)),
                      timeout=_timeout(args.timeout, prof), seed=_seed(args.seed, prof),
                      pytest_args=list(args.pytest_args), shard=_shard(args.shard))
    version = _check_torch()
    print(f"torch-conformance: torch {version}, profile {prof.name}"
          + (f", seed {opts.seed}" if opts.seed is not None else " (derandomized)")
          + f", devices {', '.join(opts.devices)}; writing {opts.out}/", flush=True)
    try:
        doc = execute(opts)
    except RunError as e:
        print(f"torch-conformance: error: {e}", file=sys.stderr)
        return e.status
    _print_summary(doc, opts.out)
    print(f"torch-conformance: peak memory {_children_peak_mib():.0f} MiB (the largest of the "
          "run's processes)")
    if doc.get("interrupted"):
        why = f"did not finish ({doc['incomplete']})" if doc.get("incomplete") \
            else "was interrupted"
        print(f"torch-conformance: the run {why}; the report shows what ran", file=sys.stderr)
    return int(doc["exit_status"])


def _children_peak_mib() -> float:
    """The largest resident set of any finished child process (pytest, its workers)."""
    import resource
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _shard(spec: str | None) -> str | None:
    if spec is None:
        return None
    from .results.shards import ShardError, parse
    try:
        index, count = parse(spec)
    except ShardError as e:
        raise UsageError(str(e)) from None
    return f"{index}/{count}"


def mutants(args: argparse.Namespace) -> int:
    from .mutants.runner import run_catalogue
    out = _check_out(args.out)
    _check_torch()
    from .mutants.catalogue import BY_NAME, MUTANTS
    names = None
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in BY_NAME]
        if unknown:
            raise UsageError(f"--only: unknown mutant {unknown[0]!r} ({len(MUTANTS)} known; "
                             "see conformance/mutants/catalogue.py)")
    report = run_catalogue(names, jobs=args.jobs or os.cpu_count() or 1,
                           root=TESTS_DIR.parent.parent)
    results_mod.write_atomic(out / "mutants.json", results_mod.dumps(report))
    existing = out / "results.json"
    if existing.exists():
        doc = results_mod.load(existing)
        doc["mutants"] = report
        _write_report(out, [doc], "results.json", doc)
    survived = [m["name"] for m in report["mutants"] if not m["killed"]]
    print(f"torch-conformance: {report['killed']} of {report['total']} mutants killed, "
          f"median time to kill {report['median_s']} s; baseline "
          f"{'passes' if report['baseline_ok'] else 'FAILS'}"
          + (f"; survived: {', '.join(survived)}" if survived else ""))
    print(f"torch-conformance: wrote {out / 'mutants.json'}")
    return EXIT_OK if not survived and report["baseline_ok"] else EXIT_VIOLATED


def _write_report(out: Path, docs: list[dict[str, Any]], name: str, payload: Any) -> None:
    from .report.html import render
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


# ---- check ------------------------------------------------------------------------------------

def check_snippet(args: argparse.Namespace) -> int:
    """One user program on torch and on the reference: exit 0 on PASS, 1 on MISMATCH,
    UNMODELLED, EXPECTED or INVALID, 2 for usage errors."""
    if (args.file is None) == (args.code is None):
        raise UsageError("check: give a file (or - for standard input), or -c CODE")
    if args.code is not None:
        source = args.code
    elif args.file == "-":
        source = sys.stdin.read()
    else:
        try:
            source = Path(args.file).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"check: {args.file}: no such file") from None
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"check: cannot read {args.file} ({e.__class__.__name__})") from None
    (device,) = _check_devices(args.device) if "," not in args.device else (args.device,)
    version = _check_torch()
    from .snippet import check_source, read_notebook, report_json, report_text
    skipped: list[str] = []
    if args.file and args.file.endswith(".ipynb"):
        try:
            notebook = read_notebook(source)
        except ValueError as e:
            raise UsageError(f"check: {args.file}: {e}") from None
        source, skipped = notebook.source, notebook.skipped
    try:
        result = check_source(source, device)
    except SettingsError as e:
        raise UsageError(f"--device: {e}") from None
    print(report_json(result, version, skipped) if args.json else
          report_text(result, skipped), end="")
    return EXIT_OK if result.verdict == "PASS" else EXIT_VIOLATED


# ---- merge -------------------------------------------------------------------------------------

def merge(args: argparse.Namespace) -> int:
    docs = []
    for f in args.files:
        try:
            docs.append(results_mod.load(f))
        except results_mod.ResultsError as e:
            raise UsageError(str(e)) from None
    out = _check_out(args.out)
    from .results import shards
    if any(shards.is_shard(d) for d in docs):
        return _merge_shards(docs, out)
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


def _merge_shards(docs: list[dict[str, Any]], out: Path) -> int:
    """The N shards of one run: one results file, as the unsplit run would have written."""
    from .results import shards
    if not all(shards.is_shard(d) for d in docs):
        raise UsageError("merge: some files are shards (run --shard) and some are whole "
                         "runs; merge the shards first")
    try:
        doc = shards.combine(docs)
    except shards.ShardError as e:
        raise UsageError(f"merge: {e}") from None
    _write_report(out, [doc], "results.json", doc)
    _print_summary(doc, out)
    print(f"torch-conformance: merged {len(docs)} shards into {out / 'results.json'}")
    return int(doc["exit_status"])


# ---- compare and upgrade ---------------------------------------------------------------------

def _load(path: str) -> dict[str, Any]:
    try:
        return results_mod.load(path)
    except results_mod.ResultsError as e:
        raise UsageError(str(e)) from None


def compare(args: argparse.Namespace) -> int:
    if len(args.files) < 2:
        raise UsageError("compare: give two results files (old, new), or more for a history")
    docs = [_load(f) for f in args.files]
    profiles = [d["environment"].get("profile") for d in docs]
    if len(set(profiles)) > 1:
        i = next(i for i, p in enumerate(profiles) if p != profiles[0])
        raise UsageError(f"{args.files[0]} is a {profiles[0]!r} run and {args.files[i]} a "
                         f"{profiles[i]!r} run: compare runs of one profile (their programs "
                         "differ otherwise)")
    pythons = list(args.python or [])
    if pythons and len(pythons) != len(docs):
        raise UsageError(f"--python: give one per results file ({len(docs)}), or none")
    out = _check_out(args.out)
    inputs = {Path(f).resolve() for f in args.files}
    targets = [out / name for name in ("diff.json", "diff.html", "history.json",
                                       "history.html")]
    clash = [str(t) for t in targets if t.resolve() in inputs]
    if clash:
        raise UsageError(f"--out would overwrite an input file ({clash[0]})")
    return _write_comparison(docs, pythons or None, out, [Path(f) for f in args.files])


def _write_comparison(docs: list[dict[str, Any]], pythons: list[str] | None,
                      out: Path, files: list[Path]) -> int:
    from .upgrade.publish import publish
    summary, violated = publish(docs, pythons, out, files)
    print(summary, end="")
    return EXIT_VIOLATED if violated else EXIT_OK


def upgrade(args: argparse.Namespace) -> int:
    from .upgrade.venvs import VenvError
    try:
        return _upgrade(args)
    except VenvError as e:
        raise UsageError(str(e)) from None


def _upgrade(args: argparse.Namespace) -> int:
    from .upgrade.sessions import plan, prepare, run_suite
    from .upgrade.venvs import cache_dir
    _check_profile(args.profile)
    _check_devices(args.device)
    if args.versions is not None:
        if args.from_version or args.to_version or args.from_python or args.to_python:
            raise UsageError("--versions lists every release: leave out --from and --to")
        versions = [v.strip() for v in args.versions.split(",") if v.strip()]
        if len(versions) < 2 or len(set(versions)) != len(versions):
            raise UsageError("--versions: at least two different releases, oldest first")
        # An item with a slash is a Python (its torch's release names it).
        pairs = [(v, None, v) if "/" in v else (v, v, None) for v in versions]
    else:
        pairs = [("from", args.from_version, args.from_python),
                 ("to", args.to_version, args.to_python)]
    sides = plan(pairs)
    out = _check_out(args.out)
    sides, note = prepare(sides, args.build, cache_dir(args.cache))
    if note:
        print(f"torch-conformance: {note}", flush=True)
    files = [run_suite(side, out / side.label, args.profile, args.device) for side in sides]
    docs = [_load(str(f)) for f in files]
    return _write_comparison(docs, [str(s.python) for s in sides], out, files)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
