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
    compare OLD.json NEW.json [--out DIR]
           The behaviour diff of two runs (conformance/diff.py): DIR/diff.html, DIR/diff.json
           and a text summary. Exit 1 when a claim that conformed no longer does.
    mutants [--out DIR] [--jobs N] [--only NAME,...]
           The suite's power: each mutant of the catalogue (conformance/mutants) breaks one
           documented behaviour of torch; each runs in its own process against the conformance
           test that should catch it (ci profile, cpu). DIR/mutants.json, and a section of
           DIR/index.html when DIR/results.json exists. Exit 1 when a mutant survives.
    upgrade --from A --to B [--from-python PATH] [--to-python PATH] [--profile P]
           [--device D] [--out DIR] [--cache DIR]
           Run the suite on torch A and torch B, each in a virtual environment of its own
           (created once under the cache directory and reused), then compare them.

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
from .settings import Profile, SettingsError, profile, requested_devices

TESTS_DIR = Path(__file__).resolve().parent / "claim_tests"
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
    comp = sub.add_parser("compare", help="the behaviour diff of two results files")
    comp.add_argument("old", help="results.json of the old torch")
    comp.add_argument("new", help="results.json of the new torch")
    comp.add_argument("--out", default="reports/diff", help="output directory")
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
    up.add_argument("--cache", default=None,
                    help="where the per-version environments live (default: "
                         "$XDG_CACHE_HOME/torch-conformance/venvs)")
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


# pytest-xdist stops replacing crashed workers after this many; a crash must stay a CRASH cell
# for every test, never a test left unrun.
_MAX_RESTARTS = 1_000_000


def _plugin_args() -> list[str]:
    """``-p conformance.pytest_plugin`` when the plugin is not registered as an installed entry
    point (the suite run from a source tree, as on a machine with no package index)."""
    from importlib.metadata import entry_points
    if any(ep.value == "conformance.pytest_plugin" for ep in entry_points(group="pytest11")):
        return []
    return ["-p", "conformance.pytest_plugin"]


def _html_args(out: Path) -> list[str]:
    """pytest-html's report when pytest-html is installed (it is a dependency; a source tree on
    a machine without a package index may lack it: the run goes on without that page)."""
    import importlib.util
    if importlib.util.find_spec("pytest_html") is None:
        print("torch-conformance: pytest-html is not installed: no pytest-report.html",
              file=sys.stderr)
        return []
    return ["--html", str(out / "pytest-report.html"), "--self-contained-html"]


def run(args: argparse.Namespace) -> int:
    prof = _check_profile(args.profile)
    devices = _check_devices(args.device)
    out = _check_out(args.out)
    version = _check_torch()
    seed = None if prof.derandomize else (
        args.seed if args.seed is not None else random.SystemRandom().randrange(2**32))
    timeout = args.timeout if args.timeout is not None else prof.timeout
    partial = out / ".results.partial.json"
    partial.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pytest", str(TESTS_DIR), "-p", "no:cacheprovider",
           "-q", "-n", str(args.jobs), "--conformance-profile", args.profile,
           "--device", ",".join(devices), "--conformance-results", str(partial),
           "--timeout", str(timeout), "--timeout-method", "thread",
           *_html_args(out), "--max-worker-restart", str(_MAX_RESTARTS), "-o", "addopts=",
           *_plugin_args(), *args.pytest_args]
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
    from .snippet import check_source, report_json, report_text
    try:
        result = check_source(source, device)
    except SettingsError as e:
        raise UsageError(f"--device: {e}") from None
    print(report_json(result, version) if args.json else report_text(result), end="")
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


# ---- compare and upgrade ---------------------------------------------------------------------

def _load(path: str) -> dict[str, Any]:
    try:
        return results_mod.load(path)
    except results_mod.ResultsError as e:
        raise UsageError(str(e)) from None


def compare(args: argparse.Namespace) -> int:
    from .upgrade import diff as diff_mod
    from .upgrade.diff_html import render
    old, new = _load(args.old), _load(args.new)
    po, pn = old["environment"].get("profile"), new["environment"].get("profile")
    if po != pn:
        raise UsageError(f"{args.old} is a {po!r} run and {args.new} a {pn!r} run: compare "
                         "runs of one profile (their programs differ otherwise)")
    out = _check_out(args.out)
    inputs = {Path(args.old).resolve(), Path(args.new).resolve()}
    targets = [out / "diff.json", out / "diff.html"]
    clash = [str(t) for t in targets if t.resolve() in inputs]
    if clash:
        raise UsageError(f"--out would overwrite an input file ({clash[0]})")
    diff = diff_mod.compare(old, new)
    results_mod.write_atomic(out / "diff.json", diff_mod.dumps(diff))
    results_mod.write_atomic(out / "diff.html", render(diff))
    print(diff_mod.text_summary(diff), end="")
    print(f"torch-conformance: wrote {out / 'diff.html'} and {out / 'diff.json'}")
    return EXIT_VIOLATED if diff["kinds"]["violation"] else EXIT_OK


def _cache_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "torch-conformance" / "venvs"


def _torch_of(python: str) -> str:
    """The torch version a Python has; UsageError (one line) when it has none."""
    try:
        out = subprocess.run([python, "-c", "import torch; print(torch.__version__)"],
                             capture_output=True, text=True, timeout=300, check=False)
    except OSError as e:
        raise UsageError(f"cannot run {python!r}: {e.strerror or e}") from None
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        raise UsageError(f"{python} has no torch ({last})")
    return out.stdout.strip().splitlines()[-1]


def _deps(torch_version: str) -> list[str]:
    import hypothesis
    old = tuple(int(x) for x in torch_version.split("+")[0].split(".")[:2]) < (2, 3)
    return ["numpy<2" if old else "numpy", f"hypothesis=={hypothesis.__version__}",
            "pytest>=7", "pytest-xdist>=3", "pytest-timeout>=2.1", "pytest-html>=4",
            "packaging>=21", "tomli>=1.1; python_version < '3.11'"]


def ensure_venv(version: str, cache: Path) -> str:
    """A virtual environment with torch==version and the suite (an editable install of this
    source tree), created once under ``cache`` and reused."""
    import shutil
    import venv
    tag = f"torch-{version}-py{sys.version_info[0]}.{sys.version_info[1]}"
    root = cache / tag
    python = str(root / "bin" / "python")
    if Path(python).exists():
        try:
            have = _torch_of(python)
        except UsageError:
            have = ""
        check = subprocess.run([python, "-c", "import conformance, xdist, pytest_timeout, "
                                "pytest_html, hypothesis"], capture_output=True, check=False)
        if have.split("+")[0] == version and check.returncode == 0:
            print(f"torch-conformance: reusing {root}", flush=True)
            return python
    print(f"torch-conformance: creating {root} (torch=={version})", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    if not Path(python).exists():
        venv.create(root, with_pip=True)
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    step = subprocess.run([*pip, f"torch=={version}", *_deps(version)], capture_output=True,
                          text=True, check=False)
    if step.returncode != 0:
        last = (step.stderr.strip().splitlines() or ["pip failed"])[-1]
        if not Path(python).exists() or _torch_missing(python):
            shutil.rmtree(root, ignore_errors=True)
        raise UsageError(f"cannot install torch=={version}: {last}")
    source = TESTS_DIR.parent.parent
    step = subprocess.run([*pip, "--no-deps", "-e", str(source)], capture_output=True,
                          text=True, check=False)
    if step.returncode != 0:
        last = (step.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise UsageError(f"cannot install the suite into {root}: {last}")
    return python


def _torch_missing(python: str) -> bool:
    return subprocess.run([python, "-c", "import torch"], capture_output=True,
                          check=False).returncode != 0


def upgrade(args: argparse.Namespace) -> int:
    _check_profile(args.profile)
    _check_devices(args.device)
    sides = []
    for label, version, python in (("from", args.from_version, args.from_python),
                                   ("to", args.to_version, args.to_python)):
        if python is None and version is None:
            raise UsageError(f"give --{label} VERSION or --{label}-python PATH")
        if python is not None:
            have = _torch_of(python)
            if version is not None and have.split("+")[0] != version:
                raise UsageError(f"{python} has torch {have}, not {version}")
            sides.append((label, have, python))
        else:
            sides.append((label, version, None))
    out = _check_out(args.out)
    cache = _cache_dir(args.cache)
    files = []
    for label, version, python in sides:
        python = python or ensure_venv(str(version), cache)
        side_out = out / label
        cmd = [python, "-m", "conformance", "run", "--profile", args.profile, "--device",
               args.device, "--out", str(side_out), "--seed", "0"]
        print(f"torch-conformance: running the suite on torch {version} ({python})",
              flush=True)
        code = subprocess.run(cmd, check=False).returncode
        if code not in (EXIT_OK, EXIT_VIOLATED) or not (side_out / "results.json").exists():
            raise UsageError(f"the run on torch {version} failed (exit status {code})")
        files.append(str(side_out / "results.json"))
    return compare(argparse.Namespace(old=files[0], new=files[1], out=str(out)))


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
