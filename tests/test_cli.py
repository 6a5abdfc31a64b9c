"""The command line and the results file: usage errors, verdicts (CRASH for crashed and hung
checks, NOT RUN, EXPECTED, ALLOWED), interrupted runs, merging, and a torch mutant that the
report shows as a violated claim with a reproduction that shows the difference."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from conformance import cli
from conformance import results as R
from conformance.pytest_plugin.collector import failure_kind

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_mutants import _run_script, documented_prints, printed_values  # noqa: E402


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 600
            ) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "conformance", *args], cwd=ROOT,
                          env=full_env, capture_output=True, text=True, timeout=timeout,
                          check=False)


# ---- usage errors: one line, exit 2, nothing written ----

@pytest.mark.parametrize("args, message", [
    (["run", "--device", "tpu"], "unknown device 'tpu'"),
    (["run", "--device", ","], "no device given"),
    (["run", "--profile", "fast"], "unknown profile 'fast'"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["run", "--jobs"], "expected one argument"),
])
def test_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]
                      ) -> None:
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_unwritable_output_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert cli.main(["run", "--out", str(blocker / "reports")]) == 2
    err = capsys.readouterr().err
    assert "cannot write to" in err and err.count("\n") == 1


def test_merge_refuses_a_malformed_file_and_keeps_the_old_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("old report")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_doc([_test("t::a", "VIEW-01", "cpu", R.PASS)])))
    cases = {"bad.json": "{not json", "list.json": "[]",
             "schema.json": json.dumps({"schema": "other"}),
             "verdict.json": json.dumps({**_doc([]), "results": [
                 {"claim": "VIEW-01", "device": "cpu", "verdict": "GREAT"}]})}
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        assert cli.main(["merge", str(good), str(tmp_path / name), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert name in err and err.count("\n") == 1, err
    assert cli.main(["merge", str(tmp_path / "absent.json"), "--out", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err
    assert (out / "index.html").read_text() == "old report"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


# ---- aggregation ----

def _test(name: str, claim: str, device: str, verdict: str, **kw: Any) -> dict[str, Any]:
    return {"test": name, "claims": [claim], "device": device, "verdict": verdict,
            "examples": kw.pop("examples", 1), "expected": kw.pop("expected", {}),
            "message": kw.pop("message", ""), "case": kw.pop("case", None), **kw}


def _doc(tests: list[dict[str, Any]], entries: list[Any] | None = None) -> dict[str, Any]:
    env = {"torch": "2.13.0+cpu", "devices": ["cpu", "meta", "cuda"], "profile": "ci"}
    return R.build(tests, env, started="s", finished="f", duration_s=1.0, interrupted=False,
                   entries=entries if entries is not None else [])


def _result(doc: dict[str, Any], claim: str, device: str) -> dict[str, Any]:
    return next(r for r in doc["results"] if r["claim"] == claim and r["device"] == device)


def test_a_claims_verdict_is_the_worst_of_its_tests() -> None:
    doc = _doc([_test("a", "VIEW-01", "cpu", R.PASS, examples=10),
                _test("b", "VIEW-01", "cpu", R.MISMATCH, message="m"),
                _test("c", "VIEW-01", "cpu", R.CRASH, message="worker crashed"),
                _test("d", "VIEW-02", "cpu", R.PASS), _test("e", "VIEW-02", "cpu", R.NOT_RUN),
                _test("f", "VIEW-02", "cuda", R.NOT_RUN, message="no CUDA device")])
    assert _result(doc, "VIEW-01", "cpu")["verdict"] == R.CRASH
    assert _result(doc, "VIEW-01", "cpu")["tests"] == 3
    assert _result(doc, "VIEW-01", "cpu")["examples"] == 12
    assert [c["test"] for c in _result(doc, "VIEW-01", "cpu")["cases"]] == ["b", "c"]
    assert _result(doc, "VIEW-02", "cpu")["verdict"] == R.PASS
    assert _result(doc, "VIEW-02", "cuda") == {**_result(doc, "VIEW-02", "cuda"),
                                               "verdict": R.NOT_RUN, "reason": "no CUDA device"}
    assert _result(doc, "VIEW-03", "meta")["reason"] == "no test of this claim ran"
    assert doc["exit_status"] == 1
    assert _doc([_test("a", "VIEW-01", "cpu", R.PASS)])["exit_status"] == 0


def test_a_tests_verdict_from_its_outcome_and_record() -> None:
    assert R.test_verdict("passed", {"expected": {"e": 2}}, None, ["required"]) == R.EXPECTED
    assert R.test_verdict("passed", {"expected": {}}, None, ["required"]) == R.PASS
    assert R.test_verdict("skipped", None, None, ["required"]) == R.NOT_RUN
    assert R.test_verdict("failed", {"case": {"verdict": R.UNMODELLED}}, None,
                          ["required"]) == R.UNMODELLED
    assert R.test_verdict("failed", None, None, ["required"]) == R.MISMATCH
    assert R.test_verdict("failed", None, "error in setup", ["required"]) == R.CRASH


def test_implementation_defined_differences_are_allowed() -> None:
    record = {"case": {"verdict": R.MISMATCH}}
    assert R.test_verdict("failed", record, None, ["implementation-defined"]) == R.ALLOWED
    assert R.test_verdict("failed", record, None, ["required", "implementation-defined"]) \
        == R.MISMATCH
    assert R.test_verdict("failed", record, "the test raised", ["implementation-defined"]) \
        == R.CRASH
    doc = _doc([_test("a", "RESHAPE-01", "cpu", R.ALLOWED)])
    assert _result(doc, "RESHAPE-01", "cpu")["verdict"] == R.ALLOWED
    assert doc["exit_status"] == 0


def test_expectations_met_stale_and_expired() -> None:
    import datetime as dt

    from conformance.judge.expectations import parse
    base = {"claims": ["BRIDGE-04"], "torch": ">=2.0", "path": "error", "reason": "r",
            "url": "https://example.org", "expires": dt.date(2100, 1, 1), "test": "t_uint64*"}
    entries = parse({"expectation": [{**base, "id": "met"}, {**base, "id": "stale"},
                                     {**base, "id": "old", "expires": dt.date(2000, 1, 1)},
                                     {**base, "id": "future", "torch": ">=9"}]},
                    {"BRIDGE-04"})
    doc = _doc([_test("m::t_uint64[cpu]", "BRIDGE-04", "cpu", R.EXPECTED,
                      expected={"met": 2}),
                _test("m::t_uint64[meta]", "BRIDGE-04", "meta", R.PASS)], entries)
    status = {e["id"]: e["status"] for e in doc["expectations"]}
    assert status == {"met": "met", "stale": "stale", "old": "expired",
                      "future": "inapplicable"}
    assert _result(doc, "BRIDGE-04", "cpu")["verdict"] == R.EXPECTED
    assert _result(doc, "BRIDGE-04", "cpu")["expectation"]["id"] == "met"
    assert _result(doc, "BRIDGE-04", "meta")["expectation"]["status"] == "stale"
    assert doc["exit_status"] == 0


def test_several_failing_examples_are_a_mismatch_not_a_crash() -> None:
    class Crash:
        message = "BaseExceptionGroup: Hypothesis found 2 distinct failures. (2 sub-exceptions)"

    class Report:
        reprcrash = Crash()

        def __str__(self) -> str:
            return "ExceptionGroup ..."
    assert failure_kind(Report(), "call")[0] is None
    Crash.message = "KeyError: 'missing'"
    assert failure_kind(Report(), "call")[0] == "the test raised"


def test_write_atomic_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    target.write_text("old")
    reader = target.open()  # a reader of the old file keeps reading the old file
    inode = target.stat().st_ino
    R.write_atomic(target, "new")
    assert target.read_text() == "new" and reader.read() == "old"
    reader.close()
    assert target.stat().st_ino != inode  # renamed over, not rewritten in place
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
    with pytest.raises(TypeError):
        R.write_atomic(target, 123)  # type: ignore[arg-type]
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


# ---- crashes, hangs and interruptions, through pytest and the collector ----

SYNTHETIC = '''
import os, time
import pytest

@pytest.mark.claim("VIEW-01")
def test_passes(device):
    assert device

@pytest.mark.claim("VIEW-02")
def test_crashes_the_process(device):
    os._exit(3)

@pytest.mark.claim("VIEW-03")
def test_hangs(device):
    open("started", "w").close()
    time.sleep(600)

@pytest.mark.claim("VIEW-04")
def test_raises(device):
    {}["missing"]

@pytest.mark.claim("VIEW-05")
def test_assertion(device):
    assert 1 == 2
'''


def _pytest(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    (tmp_path / "test_synthetic.py").write_text(textwrap.dedent(SYNTHETIC))
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", str(tmp_path / "test_synthetic.py"), "-q",
         "-p", "no:cacheprovider", "--device", "cpu", "--rootdir", str(tmp_path),
         "--conformance-results", str(tmp_path / "results.json"), *extra],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_crashed_and_hung_checks_become_crash_verdicts(tmp_path: Path) -> None:
    # 15 s: under load the first test's setup (its worker importing torch) took over 5 s, timed
    # out before any report carried its claims, and the test was missing from the results.
    proc = _pytest(tmp_path, "-n", "1", "--timeout", "15", "--timeout-method", "thread")
    out, _ = proc.communicate(timeout=300)
    doc = R.load(tmp_path / "results.json")
    verdict = {t["test"].split("::")[-1]: t for t in doc["tests"]}
    assert verdict["test_passes[cpu]"]["verdict"] == R.PASS, out
    assert verdict["test_crashes_the_process[cpu]"]["verdict"] == R.CRASH, out
    assert "crashed" in verdict["test_crashes_the_process[cpu]"]["message"]
    assert verdict["test_hangs[cpu]"]["verdict"] == R.CRASH, out
    assert verdict["test_raises[cpu]"]["verdict"] == R.CRASH
    assert "KeyError" in verdict["test_raises[cpu]"]["message"]
    assert verdict["test_assertion[cpu]"]["verdict"] == R.MISMATCH
    assert _result(doc, "VIEW-02", "cpu")["verdict"] == R.CRASH
    assert doc["interrupted"] is False and doc["exit_status"] == 1


def test_an_interrupted_run_still_writes_its_results(tmp_path: Path) -> None:
    proc = _pytest(tmp_path, "-k", "passes or hangs")
    deadline = time.time() + 120
    while time.time() < deadline and not (tmp_path / "started").exists():
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    doc = R.load(tmp_path / "results.json")
    assert doc["interrupted"] is True
    assert _result(doc, "VIEW-01", "cpu")["verdict"] == R.PASS
    assert not list(tmp_path.glob(".results.json.*"))


# ---- a torch mutant in the report ----

def test_a_mutant_shows_as_a_violated_claim_with_a_working_reproduction(tmp_path: Path) -> None:
    name = "view_returns_copy"
    out = tmp_path / "reports"
    proc = run_cli("run", "--profile", "ci", "--device", "cpu", "--out", str(out), "--jobs",
                   "1", "--", "-p", "conformance.mutants.activate", "-k",
                   "test_view_programs",
                   env={"CONFORMANCE_MUTANT": name, "CONFORMANCE_NO_SHRINK": "1"})
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    doc = R.load(out / "results.json")
    view = _result(doc, "VIEW-01", "cpu")
    assert view["verdict"] == R.MISMATCH
    (case,) = view["cases"]
    assert case["mismatches"] and case["reproduction"].startswith("import torch\n")
    html = (out / "index.html").read_text()
    import html as html_mod
    assert html_mod.escape(case["reproduction"].splitlines()[-1]) in html
    assert 'class="verdict v-mismatch' in html or "v-mismatch" in html

    script = tmp_path / "repro.py"
    script.write_text(case["reproduction"])
    documented = documented_prints(case["reproduction"])
    labels = [label for label, _ in documented]
    mutated = printed_values(_run_script(script, name).stdout, labels)
    real = printed_values(_run_script(script, None).stdout, labels)
    assert any(mutated.get(label) != doc for label, doc in documented), mutated
    assert all(real.get(label) == doc for label, doc in documented
               if doc in ("True", "False") or doc.lstrip("-").isdigit()), real


def test_mutants_command_reports_kills_in_the_results_and_the_report(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    doc = _doc([_test("t::a", "VIEW-01", "cpu", R.PASS)])
    (out / "results.json").write_text(json.dumps(doc))
    proc = run_cli("mutants", "--only", "view_returns_copy", "--out", str(out), "--jobs", "1")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads((out / "mutants.json").read_text())
    assert report["total"] == 1 and report["killed"] == 1 and report["baseline_ok"]
    first = {m["name"]: m["first_claim"] for m in report["mutants"]}
    assert first == {"view_returns_copy": "VIEW-01"}
    assert all(m["seconds"] > 0 for m in report["mutants"])
    assert R.load(out / "results.json")["mutants"] == report
    page = (out / "index.html").read_text()
    assert "1 of 1 killed" in page and "view_returns_copy" in page
    assert cli.main(["mutants", "--only", "no_such_mutant", "--out", str(out)]) == 2


def test_xdist_gives_the_same_results_as_one_process(tmp_path: Path) -> None:
    """pytest -n 2 and a single process write the same results file (timestamps aside)."""
    docs = []
    for jobs in ("0", "2"):
        out = tmp_path / f"r{jobs}.json"
        env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "conformance/claim_tests/test_devices.py", "-q", "-p",
             "no:cacheprovider", "-n", jobs,
             "--conformance-profile=ci", "--device", "cpu,meta", "--conformance-results",
             str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
            check=False)
        assert proc.returncode == 0, proc.stdout[-2000:]
        doc = R.load(out)
        for key in ("started", "finished", "duration_s"):
            doc.pop(key)
        docs.append(doc)
    assert docs[0] == docs[1]
