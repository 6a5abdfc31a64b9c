"""The upgrade diff on results files built by hand (with the suite's own fingerprints): each
kind of change and each grouping rule, the headline's order, noise that is no change, mixed
builds, programs not kept whole, and the JSON and page that come out."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from conformance import cli
from conformance import results as R
from conformance.judge.fingerprint import CORPUS, Fingerprint
from conformance.upgrade import diff as D
from conformance.upgrade import diff_html

Program = tuple[str, list[dict[str, Any]], bool]  # (source, observations, failing)
SUB = "RuntimeError: Subtraction, the `-` operator, with a bool tensor is not supported."
SUB_NEW = "NotImplementedError: Subtraction, the `-` operator, with a bool tensor is not " \
          "supported."


def source(*steps: str, device: str = "cpu") -> str:
    return "\n".join(["import torch", f"dev = {device!r}", *steps]) + "\n"


def tensor(dtype: str, shape: list[int], values: Any = None, **more: Any) -> dict[str, Any]:
    facts = {"shape": shape, "stride": [1] * len(shape), "dtype": f"torch.{dtype}",
             "device": "cpu", "_version": 0, "requires_grad": False, "grad_fn": None}
    if values is not None:
        facts["values"] = values
    return {**facts, **more}


def bool_sub(name: str = "x", error: str = SUB) -> tuple[str, list[dict[str, Any]]]:
    prog = source(f"{name} = torch.tensor([True, False], device=dev)", f"r = {name} - True")
    return prog, [{"state": {"values": {name: tensor("bool", [2], [True, False])}}},
                  {"error": error}]


def fill(n: int = CORPUS) -> list[Program]:
    """Programs that stay the same: they fill the first places a fingerprint keeps whole."""
    return [(source(f"f{i} = torch.zeros({i + 1})"),
             [{"state": {"values": {f"f{i}": tensor("float32", [i + 1])}}}], False)
            for i in range(n)]


def fp(programs: Sequence[Program]) -> dict[str, Any]:
    f = Fingerprint()
    for prog, obs, failing in programs:
        f.add(prog, obs, failing)
    return f.to_json()


def entry_of(name: str, claims: list[str], programs: Sequence[Program],
               device: str = "cpu", verdict: str | None = None) -> dict[str, Any]:
    failing = any(p[2] for p in programs)
    return {"test": f"conformance/claim_tests/{name}", "claims": claims, "device": device,
            "verdict": verdict or (R.MISMATCH if failing else R.PASS),
            "examples": len(programs), "expected": {}, "message": "", "case": None,
            "fingerprint": fp(programs)}


def doc(torch: str, tests: list[dict[str, Any]], cuda: str | None = None) -> dict[str, Any]:
    env = {"torch": torch, "devices": sorted({t["device"] for t in tests}) or ["cpu"],
           "profile": "ci", "cuda": cuda}
    return R.build(tests, env, started="s", finished="f", duration_s=1.0, interrupted=False,
                   entries=[])


def pair(old_tests: list[dict[str, Any]], new_tests: list[dict[str, Any]], *,
         old_cuda: str | None = None, new_cuda: str | None = None) -> dict[str, Any]:
    old = doc("2.13.0+cpu" if old_cuda is None else "2.13.0+cu130", old_tests, old_cuda)
    new = doc("2.14.1+cpu" if new_cuda is None else "2.14.1+cu130", new_tests, new_cuda)
    return D.compare(old, new)


def only(diff: dict[str, Any]) -> dict[str, Any]:
    assert len(diff["changes"]) == 1, D.text_summary(diff)
    return diff["changes"][0]


# ---- no change --------------------------------------------------------------------------------

def test_a_run_against_itself_and_two_runs_on_one_torch_show_no_change() -> None:
    tests = [entry_of("t.py::test_a[cpu]", ["MATH-01"], [*fill(), (*bool_sub(), False)])]
    one = doc("2.13.0+cpu", tests)
    again = copy.deepcopy(one)
    again.update(started="later", finished="later", duration_s=99.0)
    for a, b in ((one, one), (one, again)):
        diff = D.compare(a, b)
        assert diff["changes"] == [] and diff["programs"]["changed"] == 0
        assert diff["programs"]["unchanged"] == CORPUS + 1 and diff["same_build"]
        assert D.text_summary(diff).startswith(
            "torch 2.13.0+cpu -> 2.13.0+cpu: no behaviour change\n")
    assert "No behaviour change" in diff_html.render(diff)


def test_cpp_source_lines_in_a_message_are_no_change() -> None:
    warning = ("UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being "
               "accessed. (Triggered internally at /__w/pytorch/build/aten/src/ATen/core/"
               "TensorBody.h:{}.)")
    prog = source("x = torch.ones(2, requires_grad=True)", "g = (x * 2).grad")

    def run(line: int) -> list[dict[str, Any]]:
        obs = [{"state": {"values": {"x": tensor("float32", [2])}}},
               {"warnings": [warning.format(line)]}]
        return [entry_of("t.py::test_w[cpu]", ["GRAD-01"], [(prog, obs, False)])]
    diff = pair(run(494), run(493))
    assert diff["changes"] == [] and diff["programs"] == {
        "changed": 0, "unchanged": 1, "only_old": 0, "only_new": 0}


# ---- kinds and grouping -----------------------------------------------------------------------

def test_an_error_type_change_is_one_violation_shown_on_its_smallest_program() -> None:
    """The same change in three programs, two tests, two claims and two devices is one entry,
    counted, with the smallest program as a reproduction."""
    long_prog, long_obs = bool_sub("xs")
    long_prog = long_prog.replace("r = xs - True", "r = xs - True  # the longer one")
    old = [entry_of("a.py::test_sub[cpu]", ["MATH-01"],
                      [*fill(), (*bool_sub(), False), (long_prog, long_obs, False)]),
           entry_of("b.py::test_sub[meta]", ["MATH-02"], [(*bool_sub(), False)], "meta")]
    new_obs = bool_sub(error=SUB_NEW)[1]
    new = [entry_of("a.py::test_sub[cpu]", ["MATH-01"],
                      [*fill(), (bool_sub()[0], new_obs, True),
                       (long_prog, [long_obs[0], {"error": SUB_NEW}], True)]),
           entry_of("b.py::test_sub[meta]", ["MATH-02"], [(bool_sub()[0], new_obs, True)],
                      "meta")]
    entry = only(pair(old, new))
    assert entry["kind"] == D.VIOLATION and entry["category"] == "error"
    assert entry["programs"] == 3 and entry["tests"] == ["a.py::test_sub[cpu]",
                                                         "b.py::test_sub[meta]"]
    assert entry["claims"] == ["MATH-01", "MATH-02"] and entry["devices"] == ["cpu", "meta"]
    assert entry["title"] == "`r = x - True` (x: bool [2]): RuntimeError → NotImplementedError"
    ex = entry["exemplar"]
    assert ex["program"] == bool_sub()[0]
    assert ex["facts"] == [{"step": 2, "path": "error", "category": "error", "before": SUB,
                            "after": SUB_NEW}]
    assert {d["claim"] for d in entry["docs"]} == {"MATH-01", "MATH-02"}
    assert all(d["url"].startswith("https://") for d in entry["docs"])
    repro = entry["reproduction"]
    assert "try:\n    r = x - True\nexcept Exception as e:" in repro
    printed = _run(repro)  # the installed torch (2.13) raises the RuntimeError
    assert "step 2: error: RuntimeError: Subtraction" in printed


def _run(script: str) -> str:
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(script, "<repro>", "exec"), {"__name__": "__main__"})  # noqa: S102
    return out.getvalue()


def renamed(node: str, op: str, old: bool) -> Program:
    message = (f"RuntimeError: one of the variables needed for gradient computation has been "
               f"modified by an inplace operation: [torch.FloatTensor [2]], which is output 0 "
               f"of {node + 'Backward0' if old else node}, is at version 1; expected version "
               "0 instead.")
    prog = source("a = torch.ones(2, requires_grad=True)", f"b = a.{op}()", "b.add_(1)",
                  "b.sum().backward()")
    return prog, [{}, {}, {}, {"error": message}], False


def test_node_name_renames_in_many_messages_are_one_undocumented_entry() -> None:
    ops = [("Exp", "exp"), ("Mul", "mul"), ("Unbind", "unbind"), ("View", "view")]
    old = [entry_of(f"g.py::test_{op}[cpu]", ["SAVED-01"], [renamed(n, op, True)])
           for n, op in ops]
    new = [entry_of(f"g.py::test_{op}[cpu]", ["SAVED-01"], [renamed(n, op, False)])
           for n, op in ops]
    diff = pair(old, new)
    entry = only(diff)
    assert entry["kind"] == D.UNDOCUMENTED and entry["category"] == "message"
    assert entry["programs"] == 4 and diff["kinds"][D.VIOLATION] == diff["kinds"][D.FIX] == 0
    assert entry["title"].startswith("RuntimeError messages: “…Backward#” → “…” (")
    assert "ExpBackward0 → Exp" in entry["title"] and "ViewBackward0 → View" in entry["title"]


def test_each_kind_of_change() -> None:
    prog = source("t = torch.ones(4)", "v = t.reshape(2, 2)")
    same = {"state": {"values": {"t": tensor("float32", [4], [1.0] * 4)}}}

    def view(stride: list[int], version: int = 0) -> list[dict[str, Any]]:
        return [same, {"state": {"values": {"v": tensor("float32", [2, 2], [[1.0] * 2] * 2,
                                                       stride=stride, _version=version)}}}]
    cases = {  # name: (claims, old obs, old failing, new obs, new failing, kind)
        "fix": (["VIEW-01"], view([2, 1]), True, view([2, 1], 1), False, D.FIX),
        "impl": (["RESHAPE-01"], view([2, 1]), False, view([1, 2]), True, D.IMPL),
        "departure": (["VIEW-02"], view([2, 1], 1), True, view([2, 1], 2), True,
                      D.DEPARTURE),
        "undocumented": (["VIEW-03"], view([2, 1]), False, view([2, 1], 3), False,
                         D.UNDOCUMENTED),
    }
    for name, (claims, oa, fa, ob, fb, kind) in cases.items():
        old = [entry_of(f"k.py::test_{name}[cpu]", claims, [(prog, oa, fa)])]
        new = [entry_of(f"k.py::test_{name}[cpu]", claims, [(prog, ob, fb)])]
        assert only(pair(old, new))["kind"] == kind, name


def test_the_headline_puts_what_breaks_code_first() -> None:
    def change(name: str, step: dict[str, Any], after: dict[str, Any], failing: bool = False,
               prog: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        p = prog or source(f"y = torch.ones(3)  # {name}")
        return (entry_of(f"o.py::test_{name}[cpu]", ["VIEW-01"], [(p, [step], False)]),
                entry_of(f"o.py::test_{name}[cpu]", ["VIEW-01"], [(p, [after], failing)]))

    def facts(**more: Any) -> dict[str, Any]:
        return {"state": {"values": {"y": tensor("float32", [3], [1.0] * 3, **more)}}}
    pairs = [
        change("wording", {"error": "RuntimeError: a b"}, {"error": "RuntimeError: a c"}),
        change("warning", facts(), {**facts(), "warnings": ["UserWarning: w"]}),
        change("layout", facts(), facts(stride=[2])),
        change("value", facts(), {"state": {"values": {"y": tensor("float32", [3],
                                                                   [1.0, 5.0, 1.0])}}}),
        change("error", facts(), {"error": "TypeError: no"}),
        change("violation", facts(), facts(_version=1), failing=True),
    ]
    diff = pair([a for a, _ in pairs], [b for _, b in pairs])
    order = [e["tests"][0].split("test_")[1].split("[")[0] for e in diff["changes"]]
    assert order == ["violation", "error", "value", "layout", "warning", "wording"]
    assert [e["id"] for e in diff["changes"]] == [f"c{i}" for i in range(1, 7)]
    value = next(e for e in diff["changes"] if e["tests"][0].startswith("o.py::test_value"))
    assert value["exemplar"]["facts"][0]["path"] == "y[1]"
    assert (value["exemplar"]["facts"][0]["before"], value["exemplar"]["facts"][0]["after"]) \
        == (1.0, 5.0)
    lines = D.text_summary(diff).splitlines()
    assert lines[0] == "torch 2.13.0+cpu -> 2.14.1+cpu: 6 behaviour changes"
    assert len([line for line in lines if line.lstrip().startswith("c")]) == 6  # all of them


def test_mixed_builds_are_flagged_and_build_only_changes_attributed_to_the_build() -> None:
    prog = source("t = torch.ones(2)", "p = t.pin_memory()")
    cpu = [{}, {"error": "RuntimeError: Cannot access accelerator device when none is "
                         "available."}]
    cuda = [{}, {"error": "RuntimeError: Found no NVIDIA driver on your system."}]
    other = source("u = torch.ones(2)", "w = u.exp()")
    a = [{}, {"state": {"values": {"w": tensor("float32", [2], [2.718, 2.718])}}}]
    b = [{}, {"state": {"values": {"w": tensor("float32", [2], [2.5, 2.718])}}}]
    old = [entry_of("p.py::test_pin[cpu]", ["DEVICE-01"], [(prog, cpu, False)]),
           entry_of("p.py::test_exp[cpu]", ["MATH-01"], [(other, a, False)])]
    new = [entry_of("p.py::test_pin[cpu]", ["DEVICE-01"], [(prog, cuda, False)]),
           entry_of("p.py::test_exp[cpu]", ["MATH-01"], [(other, b, True)])]
    diff = pair(old, new, new_cuda="13.0")
    assert diff["same_build"] is False
    kinds = {e["tests"][0]: e["kind"] for e in diff["changes"]}
    assert kinds == {"p.py::test_pin[cpu]": D.BUILD, "p.py::test_exp[cpu]": D.VIOLATION}
    assert diff["changes"][-1]["kind"] == D.BUILD  # after the release's own changes
    text = D.text_summary(diff)
    assert "WARNING: MIXED BUILDS: CPU build (2.13.0+cpu) -> CUDA 13.0 build (2.14.1+cu130)" \
        in text
    page = diff_html.render(diff)
    assert '<div class="banner bad" role="alert">MIXED BUILDS: torch 2.13.0+cpu is a CPU build' \
        in page
    # The same two runs as one build: no attribution to the build.
    same = pair(old, new)
    assert same["same_build"] and D.BUILD not in {e["kind"] for e in same["changes"]}


# ---- programs not kept whole ------------------------------------------------------------------

def test_programs_not_kept_whole_are_counted_with_their_root_cause() -> None:
    """Beyond the kept programs, a changed program is attributed by the errors and warnings it
    showed (the index's hashes), by last digits, or to its test when nothing else says."""
    big = source("x = torch.tensor([True, False], device=dev)",
                 "r = x - True  # a longer program with the same error")
    digits = source("z = torch.ones(2).exp()  # float results")
    shift = source("q = torch.ones(2).exp()  # a real value change")

    def z(v: float, name: str = "z") -> list[dict[str, Any]]:
        return [{"state": {"values": {name: tensor("float32", [2], [v, v])}}}]
    old = [*fill(), (*bool_sub(), False), (big, bool_sub()[1], False),
           (digits, z(2.7182817), False), (shift, z(2.7182817, "q"), False)]
    new = [*fill(), (bool_sub()[0], bool_sub(error=SUB_NEW)[1], True),
           (big, bool_sub(error=SUB_NEW)[1], True),
           (digits, z(2.7182818), False), (shift, z(3.5, "q"), False)]
    kept_old = fp(old)["corpus"]
    assert big not in [e["program"] for e in kept_old]  # only the index knows it
    diff = pair([entry_of("u.py::test_u[cpu]", ["MATH-01"], old)],
                [entry_of("u.py::test_u[cpu]", ["MATH-01"], new)])
    by_title = {e["title"]: e for e in diff["changes"]}
    sub = next(e for t, e in by_title.items() if "NotImplementedError" in t)
    assert sub["programs"] == 2
    assert by_title["floating-point results differ in their last digits (within tolerance)"][
        "kind"] == D.UNDOCUMENTED
    unkept = next(e for t, e in by_title.items() if "neither run kept whole" in t)
    assert unkept["programs"] == 1 and unkept["exemplar"] is None
    assert diff["programs"]["changed"] == 4


# ---- the page and the command -----------------------------------------------------------------

def test_the_page_leads_with_the_headline_and_never_hides_a_column(tmp_path: Path) -> None:
    old = [entry_of("a.py::test_sub[cpu]", ["MATH-01"], [(*bool_sub(), False)])]
    new = [entry_of("a.py::test_sub[cpu]", ["MATH-01"],
                      [(bool_sub()[0], bool_sub(error=SUB_NEW)[1], True)])]
    diff = pair(old, new)
    page = diff_html.render(diff)
    assert page.index("1 behaviour change") < page.index('<ol class="headline">') < \
        page.index('id="c1"') < page.index('id="verdicts"')
    assert "RuntimeError → NotImplementedError" in page
    css = (Path(diff_html.__file__).parents[1] / "report" / "static" / "diff.css").read_text()
    assert "1fr 1fr" not in css and "minmax(0" in css and "max-height: 420px" not in css
    assert "white-space: pre-wrap" in css


def test_compare_writes_the_diff_and_a_history_of_three_runs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = [entry_of("a.py::test_sub[cpu]", ["MATH-01"], [(*bool_sub(), False)])]
    changed = [entry_of("a.py::test_sub[cpu]", ["MATH-01"],
                          [(bool_sub()[0], bool_sub(error=SUB_NEW)[1], True)])]
    files = []
    for i, (torch, tests) in enumerate((("2.11.0", base), ("2.13.0", base),
                                        ("2.14.1", changed))):
        path = tmp_path / f"r{i}.json"
        path.write_text(json.dumps(doc(torch, tests)))
        files.append(str(path))
    assert cli.main(["compare", files[1], files[2], "--out", str(tmp_path / "d")]) == 1
    printed = capsys.readouterr().out
    assert printed.startswith("torch 2.13.0 -> 2.14.1: 1 behaviour change\n")
    assert "[violation] `r = x - True` (x: bool [2]): RuntimeError → NotImplementedError" \
        in printed
    saved = json.loads((tmp_path / "d" / "diff.json").read_text())
    assert saved["schema"] == D.SCHEMA and saved["kinds"][D.VIOLATION] == 1
    assert cli.main(["compare", *files, "--out", str(tmp_path / "h")]) == 1
    printed = capsys.readouterr().out
    assert "first in 2.14.1: 1" in printed and "first in 2.13.0" not in printed
    hist = json.loads((tmp_path / "h" / "history.json").read_text())
    (b,) = hist["behaviours"]
    assert b["first"] == "2.14.1" and [e["to"] for e in b["events"]] == ["2.14.1"]
    assert (tmp_path / "h" / "diffs" / "2.13.0-to-2.14.1.html").exists()
    page = (tmp_path / "h" / "history.html").read_text()
    assert "First in torch 2.14.1" in page and "RuntimeError → NotImplementedError" in page
    rows = {(r["claim"], r["device"]): r["verdicts"] for r in hist["verdicts"]["rows"]}
    assert rows[("MATH-01", "cpu")] == [R.PASS, R.PASS, R.MISMATCH]
    assert cli.main(["compare", files[0], "--out", str(tmp_path / "x")]) == 2
    assert cli.main(["compare", *files, "--python", "p", "--out", str(tmp_path / "x")]) == 2
    assert "--python: give one per results file" in capsys.readouterr().err


def test_bad_and_mismatched_files_get_one_line_errors_and_nothing_is_overwritten(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc("2.13.0", [])))
    smoke = tmp_path / "smoke.json"
    smoke_doc = doc("2.14.1", [])
    smoke_doc["environment"]["profile"] = "smoke"
    smoke.write_text(json.dumps(smoke_doc))
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
    inside = tmp_path / "in"
    inside.mkdir()
    (inside / "diff.json").write_text(good.read_text())
    assert cli.main(["compare", str(inside / "diff.json"), str(good), "--out",
                     str(inside)]) == 2
    assert "would overwrite an input file" in capsys.readouterr().err


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
    assert cli.main(["upgrade", "--versions", "2.13.0", "--out", str(tmp_path / "o")]) == 2
    assert "at least two different releases" in capsys.readouterr().err


def test_the_pages_link_to_each_run_s_own_report(tmp_path: Path) -> None:
    base = [entry_of("a.py::test_sub[cpu]", ["MATH-01"], [(*bool_sub(), False)])]
    files = []
    for torch in ("2.11.0", "2.13.0", "2.14.1"):
        (tmp_path / torch).mkdir()
        (tmp_path / torch / "results.json").write_text(json.dumps(doc(torch, base)))
        files.append(str(tmp_path / torch / "results.json"))
    (tmp_path / "2.13.0" / "index.html").write_text("the report")  # only this run has one
    assert cli.main(["compare", files[1], files[2], "--out", str(tmp_path / "d")]) == 0
    page = (tmp_path / "d" / "diff.html").read_text()
    assert '<a href="../2.13.0/index.html">torch 2.13.0</a>' in page
    assert "2.14.1/index.html" not in page
    assert cli.main(["compare", *files, "--out", str(tmp_path / "h")]) == 0
    assert '<a href="../2.13.0/index.html">torch 2.13.0</a>' in \
        (tmp_path / "h" / "history.html").read_text()
    assert '<a href="../../2.13.0/index.html">torch 2.13.0</a>' in \
        (tmp_path / "h" / "diffs" / "2.11.0-to-2.13.0.html").read_text()


def test_a_verdict_change_with_no_program_is_titled_with_its_message() -> None:
    crashed = entry_of("c.py::test_c[cpu]", ["VIEW-07"], [], verdict=R.CRASH)
    crashed["message"] = "the worker process crashed: worker 'gw1' crashed on VIEW-07"
    passed = entry_of("c.py::test_c[cpu]", ["VIEW-07"], [])
    entry = only(pair([crashed], [passed]))
    assert entry["kind"] == D.FIX and entry["programs"] == 0
    assert entry["title"] == "test verdict CRASH → PASS: the worker process crashed: worker " \
        "'gw1' crashed on VIEW-07"


def test_a_change_in_programs_no_run_kept_whole_is_read_off_their_behaviours() -> None:
    """A long program (a state machine's) whose error and warning each appear in a smaller
    program is not kept whole; its index names its behaviours, so its rename joins the rename
    its test's kept program shows, and counts there."""
    warn = "UserWarning: something to say"

    def run(old: bool) -> list[Program]:
        prog, obs, _ = renamed("View", "view", old)
        big = source("a = torch.ones(2, requires_grad=True)", "b = a.view(2)", "b.add_(1)",
                     "b.sum().backward()  # a state machine's long program")
        return [*fill(), (prog, obs, False),
                (source("w = 1  # warns"), [{"warnings": [warn]}], False),
                (big, [{"warnings": [warn]}, {}, {}, obs[3]], False)]
    old, new = fp(run(True)), fp(run(False))
    assert len(old["corpus"]) == len(new["corpus"]) == CORPUS + 2  # not the long one
    diff = pair([entry_of("s.py::test_machine[cpu]", ["SAVED-01"], run(True))],
                [entry_of("s.py::test_machine[cpu]", ["SAVED-01"], run(False))])
    entry = only(diff)
    assert entry["kind"] == D.UNDOCUMENTED and entry["programs"] == 2
    assert "ViewBackward0 → View" in entry["title"]
    assert D.behaviour_change(None, ("error E",)) is None  # an older file: unknown


def test_one_error_type_change_naming_several_kernels_is_one_entry() -> None:
    def kernel(name: str, dtype: str, new: bool) -> Program:
        kind = "NotImplementedError" if new else "RuntimeError"
        prog = source("a = torch.ones(2, 2, dtype=torch.bool)", f"r = a.{name}(a)")
        return prog, [{}, {"error": f'{kind}: "{name}_cpu" not implemented for \'{dtype}\''}], \
            False
    tests = [("mm", "Bool"), ("dot", "Bool"), ("lt", "ComplexFloat")]
    diff = pair([entry_of(f"k.py::test_{n}[cpu]", ["MATH-03"], [kernel(n, d, False)])
                 for n, d in tests],
                [entry_of(f"k.py::test_{n}[cpu]", ["MATH-03"], [kernel(n, d, True)])
                 for n, d in tests])
    entry = only(diff)
    assert entry["programs"] == 3 and entry["category"] == "error"
    assert entry["title"].endswith("(and 2 other messages of this form)")


def test_a_failure_only_the_new_run_drew_is_counted_once_replayed_on_the_old() -> None:
    """The new run failed early and shrank to a program the old run never drew: replayed on
    the old torch, it is the change that explains the verdict, not a bare verdict change."""
    prog, obs = bool_sub("y")
    old = [entry_of("m.py::test_machine[cpu]", ["MATH-01"], fill())]
    new = [entry_of("m.py::test_machine[cpu]", ["MATH-01"],
                    [(prog, bool_sub("y", SUB_NEW)[1], True)])]
    bare = pair(old, new)
    assert bare["changes"][0]["title"].startswith("test verdict PASS → MISMATCH")
    assert D.needs(bare_doc := doc("2.13.0+cpu", old), doc("2.14.1+cpu", new))["old"]
    replays: D.Replays = {"old": {next(iter(D.needs(bare_doc, doc("2.14.1+cpu", new))[
        "old"])): obs}, "new": {}}
    entry = only(D.compare(bare_doc, doc("2.14.1+cpu", new), replays))
    assert entry["kind"] == D.VIOLATION and entry["programs"] == 1
    assert "RuntimeError → NotImplementedError" in entry["title"]


def test_a_verdict_change_with_torch_observing_the_same_is_not_torch() -> None:
    """The old run failed on programs whose torch observations are the same on both: the
    judging side changed (the model under another NumPy), not torch."""
    programs = [*fill(), (*bool_sub(), False)]
    old = entry_of("t.py::test_a[cpu]", ["MATH-01"], programs, verdict=R.MISMATCH)
    new = entry_of("t.py::test_a[cpu]", ["MATH-01"], programs)
    entry = only(pair([old], [new]))
    assert entry["kind"] == D.NOT_TORCH and entry["programs"] == 0
    assert entry["title"].startswith("test verdict MISMATCH → PASS though torch observed the "
                                     "same in every program both runs checked")
    page = diff_html.render(pair([old], [new]))
    assert "the judging side differs" in page


# ---- documented changes: both conform, each to its release's rule ----------------------------

ADD_STUB = "NotImplementedError: \"add_stub\" not implemented for 'BComplex32'"


def complex_add(size: int = 2) -> str:
    return source("b = torch.ones(2, dtype=torch.bfloat16, device=dev)",
                  "c = torch.tensor(1j, dtype=torch.complex128, device=dev)",
                  *[f"u{i} = b * {i}" for i in range(size)], "r = b + c")


def complex_obs(new: bool, size: int = 2, big: int = 0) -> list[dict[str, Any]]:
    b = tensor("bfloat16", [2], [1.0, 1.0] + [0.5] * big)
    steps: list[dict[str, Any]] = [{"state": {"values": {"b": b}}},
                                   {"state": {"values": {"c": tensor("complex128", [])}}}]
    steps += [{"state": {"values": {f"u{i}": tensor("bfloat16", [2], [i, i])}}}
              for i in range(size)]
    result = {"state": {"values": {"r": tensor("complex64", [2])}}}
    return steps + [{"error": ADD_STUB} if new else result]


def test_an_error_type_change_where_both_conform_is_a_documented_change() -> None:
    """2.14's rules: bool subtraction raises NotImplementedError, complex + bfloat16 has no
    kernel. Both runs conform (the model follows each release), so each is a 'documented
    change', an error-type entry with its program, never 'undocumented' wording; the diff lists
    the release rules between the two."""
    old = [entry_of("a.py::test_sub[cpu]", ["MATH-01"], [(*bool_sub(), False)]),
           entry_of("a.py::test_add[cpu]", ["BCAST-01"], [(complex_add(), complex_obs(False),
                                                           False)])]
    new = [entry_of("a.py::test_sub[cpu]", ["MATH-01"], [(*bool_sub(error=SUB_NEW), False)]),
           entry_of("a.py::test_add[cpu]", ["BCAST-01"], [(complex_add(), complex_obs(True),
                                                           False)])]
    diff = pair(old, new)
    titles = {e["title"]: e for e in diff["changes"]}
    assert {e["kind"] for e in diff["changes"]} == {D.DOCUMENTED}
    assert {e["category"] for e in diff["changes"]} == {"error"}
    sub = titles["`r = x - True` (x: bool [2]): RuntimeError → NotImplementedError"]
    add = titles["`r = b + c` (b: bfloat16 [2], c: complex128 []): no error → "
                 "NotImplementedError: \"add_stub\" not implemented for 'BComplex32'"]
    assert sub["reproduction"] and "try:\n    r = b + c\nexcept Exception as e:\n" \
        "    print('step 5: error:', type(e).__name__ + ':', e)\n" \
        "else:\n    print('step 5: no error')\n" in add["reproduction"]
    rules = {r["id"]: r["since"] for r in diff["release_rules"]}
    assert {"bool-arithmetic-not-implemented", "bcomplex32"} <= set(rules)
    assert set(rules.values()) == {"2.14"}  # 2.13's own rules and older ones are not listed
    page = diff_html.render(diff)
    assert "What the documentation says changed between the releases" in page
    assert "bool-arithmetic-not-implemented" in page and "1 documented change" not in page
    assert "2 documented change" in page
    assert "<td><code>no error</code></td>" in page and "<code>None</code>" not in page
    same = pair(old, old)
    assert same["changes"] == []


def test_a_state_machine_s_new_error_is_shown_on_its_cut_program_replayed_on_the_old() -> None:
    """A program with large observations is kept as the exemplar of its behaviour cut after
    the step that shows it; the diff replays that cut program on the old torch, and the change,
    counted on the whole programs of the index, has a program and a reproduction."""
    programs = [(complex_add(k), complex_obs(False, k, big=1200), False) for k in (3, 4)]
    changed = [(complex_add(k), complex_obs(True, k, big=1200) + [{}], False) for k in (3, 4)]
    changed = [(p + "w = b.sum()\n", o, f) for p, o, f in changed]
    programs = [(p + "w = b.sum()\n", o + [{}], f) for p, o, f in programs]
    old_doc = doc("2.13.0+cpu", [entry_of("s.py::test_machine[cpu]", ["BCAST-01"],
                                          [*fill(), *programs])])
    new_doc = doc("2.14.1+cpu", [entry_of("s.py::test_machine[cpu]", ["BCAST-01"],
                                          [*fill(), *changed])])
    bare = only(D.compare(old_doc, new_doc))
    assert bare["exemplar"] is None and bare["programs"] == 2
    needs = D.needs(old_doc, new_doc)["old"]
    ((phash, (cut_program, device)),) = needs.items()
    assert cut_program == complex_add(3) and device == "cpu"
    replays: D.Replays = {"old": {phash: complex_obs(False, 3, big=1200)}, "new": {}}
    entry = only(D.compare(old_doc, new_doc, replays))
    assert entry["kind"] == D.DOCUMENTED and entry["programs"] == 2
    assert entry["exemplar"]["program"] == complex_add(3)
    assert entry["title"].startswith("`r = b + c` (b: bfloat16 [2], c: complex128 []): no "
                                     "error → NotImplementedError")
    assert "r = b + c" in entry["reproduction"]
    # a run with cut exemplars compared with itself, or with a second run of its torch
    again = copy.deepcopy(new_doc)
    again.update(started="later", finished="later")
    for other in (new_doc, again):
        same = D.compare(new_doc, other)
        assert same["changes"] == [] and same["programs"]["changed"] == 0
        assert not D.needs(new_doc, other)["old"] and not D.needs(new_doc, other)["new"]


def test_a_rewording_whose_words_hold_a_semicolon_is_titled() -> None:
    """2.6.0 -> 2.11.0: a reworded span itself held "; " (the signature's separator)."""
    from conformance.upgrade import facts as X
    from conformance.upgrade import words
    a = "RuntimeError: expected a; got b in Exp0"
    b = "RuntimeError: expected c in Exp"
    fact = X.Fact(1, "error", X.MESSAGE, a, b)
    signature = X.signature(fact, "")
    title = words.pattern_title(signature, [fact])
    assert title.startswith("RuntimeError messages: “") and "→" in title


def test_one_rewording_over_shapes_of_every_rank_is_one_entry() -> None:
    """2.6.0 -> 2.11.0 reworded broadcasting's error, naming the operands' shapes: one entry
    for every rank, not one per rank."""
    def message(shape: list[int], new: bool) -> str:
        if not new:
            return "RuntimeError: Shape mismatch: objects cannot be broadcast to a single shape"
        dims = ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "")
        return (f"RuntimeError: shape mismatch: value tensor of shape ({dims}) cannot be "
                f"broadcast to indexing result of shape {shape}")
    old, new = [], []
    for rank in (1, 2, 3):
        prog = source(f"x = torch.ones({rank})  # rank {rank}", "x[0] = torch.ones(9)")
        shape = [2] * rank
        old.append(entry_of(f"b.py::test_r{rank}[cpu]", ["INDEX-03"],
                            [(prog, [{}, {"error": message(shape, False)}], False)]))
        new.append(entry_of(f"b.py::test_r{rank}[cpu]", ["INDEX-03"],
                            [(prog, [{}, {"error": message(shape, True)}], False)]))
    entry = only(pair(old, new))
    assert entry["kind"] == D.UNDOCUMENTED and entry["programs"] == 3
