"""The upgrade diff on crafted results files: every kind of change is found and classified,
a file compared with itself shows none, bad or mismatched files get a one-line error, and
nothing is overwritten."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conformance import cli
from conformance import results as R
from conformance.upgrade import diff as D


def _fp(*programs: tuple[str, list[Any]], digest: str | None = None) -> dict[str, Any]:
    corpus = [{"program": p, "observations": o} for p, o in programs]
    return {"digest": digest or json.dumps(corpus)[:32], "programs": len(corpus),
            "corpus": corpus}


OBS = [{"state": {"values": {"t": {"shape": [2], "stride": [1]}}}}]


def _doc(torch: str, tests: list[dict[str, Any]]) -> dict[str, Any]:
    env = {"torch": torch, "devices": ["cpu"], "profile": "ci"}
    return R.build(tests, env, started="s", finished="f", duration_s=1.0, interrupted=False,
                   entries=[])


def _test(name: str, claim: str, verdict: str = R.PASS, fp: dict[str, Any] | None = None,
          device: str = "cpu") -> dict[str, Any]:
    return {"test": name, "claims": [claim], "device": device, "verdict": verdict,
            "examples": 1, "expected": {}, "message": "", "case": None,
            "fingerprint": fp if fp is not None else _fp(("x = 1", OBS))}


@pytest.fixture
def pair() -> tuple[dict[str, Any], dict[str, Any]]:
    stride = copy.deepcopy(OBS)
    stride[0]["state"]["values"]["t"]["stride"] = [2]
    old = _doc("2.6.0", [
        _test("m::same", "VIEW-01"),
        _test("m::changed", "VIEW-02", fp=_fp(("p", OBS), ("q", OBS))),
        _test("m::gone", "VIEW-03"),
        _test("m::regress", "VIEW-04"),
        _test("m::fixed", "VIEW-05", verdict=R.MISMATCH),
        _test("m::impl", "RESHAPE-01", fp=_fp(("r", OBS))),
        _test("m::hidden", "VIEW-06", fp=_fp(("s", OBS), digest="aaa")),
    ])
    new = _doc("2.13.0", [
        _test("m::same", "VIEW-01"),
        _test("m::changed", "VIEW-02", fp=_fp(("p", OBS), ("q", stride), ("n", OBS))),
        _test("m::new", "VIEW-07"),
        _test("m::regress", "VIEW-04", verdict=R.MISMATCH,
              fp=_fp(("x = 1", [{"error": "RuntimeError: boom"}]))),
        _test("m::fixed", "VIEW-05", fp=_fp(("x = 1", [{"warnings": ["UserWarning: w"]}]))),
        _test("m::impl", "RESHAPE-01", fp=_fp(("r", stride))),
        _test("m::hidden", "VIEW-06", fp=_fp(("s", OBS), digest="bbb")),
    ])
    return old, new


def _claim(diff: dict[str, Any], claim: str) -> dict[str, Any]:
    return next(c for c in diff["claims"] if c["claim"] == claim and c["device"] == "cpu")


def test_a_file_against_itself_shows_no_change(pair: tuple[dict[str, Any], ...]) -> None:
    for doc in pair:
        diff = D.compare(doc, copy.deepcopy(doc))
        assert diff["totals"][D.CHANGED] == diff["totals"][D.ADDED] == 0
        assert diff["totals"][D.REMOVED] == 0 and not diff["verdict_changes"]
        assert all(not c["changes"] for c in diff["claims"])


def test_every_kind_of_change_is_found(pair: tuple[dict[str, Any], ...]) -> None:
    diff = D.compare(*pair)
    assert _claim(diff, "VIEW-01")["counts"] == {"added": 0, "removed": 0, "changed": 0,
                                                  "unchanged": 1}
    changed = _claim(diff, "VIEW-02")
    assert changed["counts"] == {"added": 1, "removed": 0, "changed": 1, "unchanged": 1}
    (stride,) = [c for c in changed["changes"] if c["what"] == D.CHANGED]
    assert stride["program"] == "q" and stride["kind"] == D.UNDOCUMENTED
    assert stride["paths"] == ["step 1 > state > values > t > stride"]
    assert stride["before"] == OBS and stride["after"][0]["state"]["values"]["t"]["stride"] == [2]
    assert [c["what"] for c in _claim(diff, "VIEW-03")["changes"]] == [D.REMOVED]
    assert [c["what"] for c in _claim(diff, "VIEW-07")["changes"]] == [D.ADDED]
    assert {c["kind"] for c in _claim(diff, "VIEW-04")["changes"]} == {D.VIOLATION}
    assert {c["kind"] for c in _claim(diff, "VIEW-05")["changes"]} == {D.FIX}
    assert {c["kind"] for c in _claim(diff, "RESHAPE-01")["changes"]} == {D.IMPL}
    (hidden,) = _claim(diff, "VIEW-06")["changes"]
    assert hidden["paths"] == ["programs outside the recorded corpus"]
    verdicts = {(v["claim"], v["before"], v["after"]) for v in diff["verdict_changes"]}
    assert ("VIEW-04", R.PASS, R.MISMATCH) in verdicts and ("VIEW-05", R.MISMATCH, R.PASS) \
        in verdicts
    assert diff["kinds"][D.VIOLATION] >= 1 and diff["kinds"][D.FIX] >= 1
    summary = D.text_summary(diff)
    assert summary.startswith("torch 2.6.0 -> 2.13.0:") and "VIEW-04" in summary


def test_compare_command_writes_the_diff_and_exits_1_on_a_violation(
        pair: tuple[dict[str, Any], ...], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(pair[0]))
    new.write_text(json.dumps(pair[1]))
    assert cli.main(["compare", str(old), str(new), "--out", str(tmp_path / "d")]) == 1
    printed = capsys.readouterr().out
    assert printed.startswith("torch 2.6.0 -> 2.13.0:") and "diff.html" in printed
    page = (tmp_path / "d" / "diff.html").read_text()
    assert "VIEW-04" in page and "step 1 &gt; state &gt; values &gt; t &gt; stride" in page
    assert json.loads((tmp_path / "d" / "diff.json").read_text())["kinds"][D.VIOLATION] >= 1
    assert cli.main(["compare", str(old), str(old), "--out", str(tmp_path / "e")]) == 0


def test_bad_and_mismatched_files_get_one_line_errors_and_nothing_is_overwritten(
        pair: tuple[dict[str, Any], ...], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(pair[0]))
    smoke = tmp_path / "smoke.json"
    smoke.write_text(json.dumps({**pair[1], "environment": {**pair[1]["environment"],
                                                            "profile": "smoke"}}))
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "torch-conformance/results", "schema_version": 7}')
    out = tmp_path / "out"
    out.mkdir()
    (out / "diff.html").write_text("previous")
    for args, message in [
        ([str(good), str(bad)], "schema_version 7 is not supported"),
        ([str(good), str(tmp_path / "none.json")], "no such file"),
        ([str(good), str(smoke)], "compare runs of one profile"),
    ]:
        assert cli.main(["compare", *args, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
    assert (out / "diff.html").read_text() == "previous"
    # An output directory that holds an input: refused rather than overwritten.
    inside = tmp_path / "in"
    inside.mkdir()
    (inside / "diff.json").write_text(json.dumps(pair[0]))
    assert cli.main(["compare", str(inside / "diff.json"), str(good), "--out",
                     str(inside)]) == 2
    assert "would overwrite an input file" in capsys.readouterr().err
    assert json.loads((inside / "diff.json").read_text()) == pair[0]


def test_upgrade_refuses_a_python_without_torch(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import sys
    fake = tmp_path / "python"
    fake.write_text(f"#!/bin/sh\nexec {sys.executable} -S -I -c 'import torch' \"$@\"\n")
    fake.chmod(0o755)
    assert cli.main(["upgrade", "--from-python", str(fake), "--to-python", sys.executable,
                     "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "has no torch" in err and err.count("\n") == 1, err
    assert cli.main(["upgrade", "--to", "2.13.0", "--out", str(tmp_path / "o")]) == 2
    assert "give --from VERSION or --from-python PATH" in capsys.readouterr().err
