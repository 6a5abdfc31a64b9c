"""A run split across machines (issue 18): ``run --shard K/N`` slices are disjoint and cover the
suite, and ``merge`` of the N results files equals the unsplit run's file but for its
timestamps."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance import cli
from conformance.results import shards
from conformance.results.build import build

ROOT = Path(__file__).resolve().parent.parent
QUICK = ["--", "-k", "test_tensor_infers_dtype or test_random_factories"]
TIMES = ("started", "finished", "duration_s")


def test_slices_are_disjoint_and_cover_every_test() -> None:
    ids = [f"t.py::test_{i}[{d}]" for i in range(37) for d in ("cpu", "meta")]
    for n in (1, 2, 3, 7, 80):
        parts = [shards.select(ids, k, n) for k in range(1, n + 1)]
        assert sum(len(p) for p in parts) == len(ids)
        assert set().union(*parts) == set(ids)
        assert max(len(p) for p in parts) - min(len(p) for p in parts) <= 1  # balanced
    # The order pytest collected them in does not matter.
    assert shards.select(ids, 2, 3) == shards.select(list(reversed(ids)), 2, 3)


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", "-1/2", ""])
def test_bad_shard_specs_are_refused(spec: str, capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
    assert cli.main(["run", "--shard", spec, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--shard" in err[0]


def _entry(test: str, device: str, claim: str, verdict: str) -> dict[str, Any]:
    return {"test": test, "claims": [claim], "device": device, "verdict": verdict,
            "examples": 1, "expected": {}, "message": "", "case": None}


def _shard_doc(tests: list[dict[str, Any]], index: int, count: int) -> dict[str, Any]:
    env = {"torch": "2.13.0", "profile": "ci", "seed": "derandomized",
           "devices": ["cpu", "meta"], "platform": f"runner-{index}"}
    doc = build(tests, env, started=f"2026-01-0{index}T00:00:00Z",
                finished=f"2026-01-0{index}T00:01:00Z", duration_s=60.0, interrupted=False)
    doc.update(explainers={}, collected=len(tests), never_ran={"count": 0, "tests": []},
               shard={"index": index, "count": count})
    return doc


def test_combining_hand_made_shards_equals_building_the_whole() -> None:
    """The verdict of a claim whose tests ran on different machines is computed from all of
    them: a MISMATCH in one shard makes the claim MISMATCH, as in one run."""
    tests = [_entry("a::t1[cpu]", "cpu", "VIEW-01", "PASS"),
             _entry("a::t2[cpu]", "cpu", "VIEW-01", "MISMATCH"),
             _entry("a::t1[meta]", "meta", "VIEW-01", "PASS"),
             _entry("b::t3[cpu]", "cpu", "GRAD-01", "PASS")]
    whole = build(tests, {"torch": "2.13.0", "profile": "ci", "seed": "derandomized",
                          "devices": ["cpu", "meta"], "platform": "runner-1"},
                  started="x", finished="y", duration_s=1.0, interrupted=False)
    merged = shards.combine([_shard_doc(tests[::2], 1, 2), _shard_doc(tests[1::2], 2, 2)])
    for key in ("results", "tests", "exit_status", "expectations", "claims"):
        assert merged[key] == whole[key], key
    verdicts = {(r["claim"], r["device"]): r["verdict"] for r in merged["results"]}
    assert verdicts[("VIEW-01", "cpu")] == "MISMATCH" and merged["exit_status"] == 1
    assert "shard" not in merged and merged["collected"] == 4


@pytest.mark.parametrize("split, says", [([(1, 2), (1, 2)], "given twice"),
                                         ([(1, 2)], "missing [2]"),
                                         ([(1, 3), (3, 3)], "missing [2]"),
                                         ([(1, 2), (2, 3)], "different splits")])
def test_incomplete_shards_are_refused(split: list[tuple[int, int]], says: str) -> None:
    with pytest.raises(shards.ShardError, match=re.escape(says)):
        shards.combine([_shard_doc([], k, n) for k, n in split])


def test_shards_of_different_runs_are_refused() -> None:
    a, b = _shard_doc([], 1, 2), _shard_doc([], 2, 2)
    b["environment"]["torch"] = "2.14.1"
    with pytest.raises(shards.ShardError, match="different environments"):
        shards.combine([a, b])


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conformance", *args], capture_output=True,
                          text=True, timeout=900, cwd=ROOT)


def test_merged_shards_equal_the_unsplit_run(tmp_path: Path) -> None:
    """Real runs (a few dozen tests, CPU and meta): whole, and in two slices merged."""
    base = ["run", "--profile", "ci", "--device", "cpu,meta", "--jobs", "1"]
    assert _run([*base, "--out", str(tmp_path / "whole"), *QUICK]).returncode == 0
    for k in (1, 2):
        proc = _run([*base, "--shard", f"{k}/2", "--out", str(tmp_path / f"s{k}"), *QUICK])
        assert proc.returncode == 0, proc.stderr[-2000:]
    files = [str(tmp_path / f"s{k}" / "results.json") for k in (1, 2)]
    parts = [json.loads(Path(f).read_text()) for f in files]
    ids = [{t["test"] for t in p["tests"]} for p in parts]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    proc = _run(["merge", *files, "--out", str(tmp_path / "merged")])
    assert proc.returncode == 0, proc.stderr
    whole = json.loads((tmp_path / "whole" / "results.json").read_text())
    merged = json.loads((tmp_path / "merged" / "results.json").read_text())
    for doc in (whole, merged):
        for key in TIMES:
            doc.pop(key)
    assert merged == whole
    assert (tmp_path / "merged" / "index.html").exists()
