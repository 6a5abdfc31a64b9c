"""The history of behaviours across releases, on results files built by hand: each change under
the first release that shows it, a change that comes back joined to its first showing, a
release that changes nothing said so, the per-release verdict table, and the page and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance import cli
from conformance import results as R
from conformance.upgrade import diff as D
from conformance.upgrade import history as H
from conformance.upgrade import history_html
from tests.test_diff import SUB, SUB_NEW, bool_sub, doc, entry_of, fill, renamed, source, tensor

RELEASES = ["2.0.1", "2.6.0", "2.11.0", "2.13.0", "2.14.1"]


def clamp(grad: float) -> tuple[str, list[dict[str, Any]]]:
    prog = source("x = torch.tensor([1.0], requires_grad=True)",
                  "y = x.clamp(min=1.0)", "y.sum().backward()")
    return prog, [{}, {}, {"state": {"values": {"x": tensor("float32", [1], [1.0],
                                                             grad=[grad])}}}]


def releases() -> list[dict[str, Any]]:
    """Five runs: the bool-subtraction error changes type in 2.14.1 (a violation); a node
    name in a message is renamed in 2.6.0 and renamed back in 2.13.0; the clamp gradient at
    its boundary changes in 2.11.0 and nothing else; 2.13.0 keeps 2.11.0's clamp."""
    docs = []
    for k, rel in enumerate(RELEASES):
        sub = (bool_sub()[0], bool_sub(error=SUB_NEW if rel == "2.14.1" else SUB)[1],
               rel == "2.14.1")
        name = renamed("View", "view", old=rel not in ("2.6.0", "2.11.0"))
        grad = clamp(1.0 if k < 2 else 0.0)
        tests = [entry_of("a.py::test_sub[cpu]", ["MATH-01"], [*fill(), sub]),
                 entry_of("g.py::test_view[cpu]", ["SAVED-01"], [name]),
                 entry_of("c.py::test_clamp[cpu]", ["GRAD-01"], [(*grad, k >= 2)])]
        docs.append(doc(rel, tests))
    return docs


def history() -> dict[str, Any]:
    docs = releases()
    return H.history(docs, [D.compare(a, b) for a, b in zip(docs, docs[1:])])


def test_each_change_is_listed_under_the_first_release_that_shows_it() -> None:
    hist = history()
    first = {b["first"]: b for b in hist["behaviours"]}
    assert sorted(first) == ["2.11.0", "2.13.0", "2.14.1", "2.6.0"]
    assert first["2.14.1"]["kind"] == D.VIOLATION and \
        "RuntimeError → NotImplementedError" in first["2.14.1"]["title"]
    assert first["2.11.0"]["category"] == "value" and first["2.11.0"]["kind"] == D.VIOLATION
    assert "[1.0] → [0.0]" in first["2.11.0"]["title"]
    # A rename and the rename back are two undocumented behaviours (their words differ).
    assert first["2.6.0"]["kind"] == first["2.13.0"]["kind"] == D.UNDOCUMENTED
    assert "ViewBackward0 → View)" in first["2.6.0"]["title"]
    assert "View → ViewBackward0)" in first["2.13.0"]["title"]
    assert [b["first"] for b in hist["behaviours"]] == RELEASES[1:]  # oldest first
    assert [b["id"] for b in hist["behaviours"]] == ["h1", "h2", "h3", "h4"]
    steps = {(s["from"], s["to"]): s["changes"] for s in hist["steps"]}
    assert list(steps.values()) == [1, 1, 1, 1]


def test_a_value_that_changes_back_and_again_is_one_behaviour() -> None:
    """The same root cause (the clamp gradient at the boundary) between later releases joins
    its first showing: one behaviour, each release where it changed an event."""
    docs = releases()  # clamp gradient: 1.0 in docs[0], docs[1]; 0.0 in docs[2:]

    def as_release(d: dict[str, Any], rel: str) -> dict[str, Any]:
        out = json.loads(json.dumps(d))
        out["environment"]["torch"] = rel
        return out
    runs = [docs[1], docs[2], as_release(docs[2], "2.12.0"), as_release(docs[1], "2.15.0"),
            as_release(docs[2], "2.16.0")]
    hist = H.history(runs, [D.compare(a, b) for a, b in zip(runs, runs[1:])])
    grad = [b for b in hist["behaviours"] if b["category"] == "value"]
    assert len(grad) == 1 and grad[0]["first"] == "2.11.0"
    assert [(e["from"], e["to"]) for e in grad[0]["events"]] == [
        ("2.6.0", "2.11.0"), ("2.12.0", "2.15.0"), ("2.15.0", "2.16.0")]
    assert "changed again in 2.15.0, 2.16.0" in H.text_summary(hist)


def test_the_verdict_table_and_the_page(tmp_path: Path) -> None:
    hist = history()
    rows = {(r["claim"], r["device"]): r["verdicts"] for r in hist["verdicts"]["rows"]}
    assert rows[("MATH-01", "cpu")] == [R.PASS] * 4 + [R.MISMATCH]
    assert rows[("GRAD-01", "cpu")] == [R.PASS] * 2 + [R.MISMATCH] * 3
    assert ("SAVED-01", "cpu") not in rows  # the renames never changed its verdict
    summary = {s["release"]: s["violated"] for s in hist["verdicts"]["summary"]}
    assert summary["2.0.1"] == [] and summary["2.14.1"] == ["GRAD-01", "MATH-01"]
    page = history_html.render(hist)
    assert page.index('id="timeline"') < page.index('id="verdicts"') < page.index('id="changes"')
    for rel in RELEASES[1:]:
        assert f"First in torch {rel}" in page
    assert page.count('<ol class="headline">') == 4
    docs = releases()[:2]
    quiet = json.loads(json.dumps(docs[1]))
    quiet["environment"]["torch"] = "2.7.0"
    three = [*docs, quiet]
    calm = H.history(three, [D.compare(a, b) for a, b in zip(three, three[1:])])
    assert "First in torch 2.7.0" in history_html.render(calm)
    assert "No behaviour change first shown here." in history_html.render(calm)
    assert "MIXED BUILDS" not in page
    text = H.text_summary(hist)
    assert text.startswith("torch 2.0.1 -> 2.6.0 -> 2.11.0 -> 2.13.0 -> 2.14.1: ")
    assert "first in 2.14.1: 1" in text and "2.14.1: PASS 1, MISMATCH 2" in text


def test_compare_of_five_files_writes_the_history_and_each_step(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    for rel, d in zip(RELEASES, releases()):
        path = tmp_path / f"{rel}.json"
        path.write_text(json.dumps(d))
        files.append(str(path))
    assert cli.main(["compare", *files, "--out", str(tmp_path / "h")]) == 1
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].startswith("torch 2.0.1 -> 2.6.0")
    saved = json.loads((tmp_path / "h" / "history.json").read_text())
    assert saved["schema"] == H.SCHEMA and saved["releases"] == RELEASES
    assert sorted(p.name for p in (tmp_path / "h" / "diffs").iterdir()) == sorted(
        f"{a}-to-{b}.{ext}" for a, b in zip(RELEASES, RELEASES[1:]) for ext in ("html", "json"))
