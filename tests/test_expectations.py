"""Expectation entries: parsing (one-line errors), version ranges, expiry, matching, and how
check() uses them: a matched departure is EXPECTED, anything else still a MISMATCH."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conformance.judge import expectations as E
from conformance.judge.check import EXPECTED, MISMATCH, PASS, check
from conformance.program import Program, Step

GOOD = """
[[expectation]]
id = "x"
claims = ["VIEW-01"]
torch = ">=2.0,<2.15"
devices = ["cpu"]
path = "stride"
torch_value = "\\\\[1, 2\\\\]"
reason = "r"
url = "https://docs.pytorch.org/docs/stable/tensor_view.html"
expires = 2030-01-01
"""


def load_text(tmp_path: Path, text: str) -> list[E.Expectation]:
    f = tmp_path / "e.toml"
    f.write_text(text)
    return E.load(f)


def test_the_project_file_loads() -> None:
    entries = E.load()
    assert entries and all(e.url.startswith("https://") for e in entries)
    assert len({e.id for e in entries}) == len(entries)


def test_a_good_entry(tmp_path: Path) -> None:
    (e,) = load_text(tmp_path, GOOD)
    assert e.claims == ("VIEW-01",) and e.expires == dt.date(2030, 1, 1)
    assert e.applies("2.13.0+cpu", "cpu") and not e.applies("2.13.0", "cuda:0")
    assert not e.applies("2.15.0", "cpu") and not e.applies("1.13.1", "cpu")
    assert not e.applies("2.13.0", "cpu", today=dt.date(2030, 1, 2))
    assert e.matches("t1.stride()", [1, 2], [2, 1])
    assert not e.matches("t1.stride()", [2, 1], [1, 2])
    assert not e.matches("t1.shape", [1, 2], [2, 1])


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace('id = "x"\n', ""), "missing id"),
    (lambda s: s.replace('"VIEW-01"', '"NOPE-01"'), "unknown claim(s) NOPE-01"),
    (lambda s: s.replace('">=2.0,<2.15"', '"two point oh"'), "is not a version specifier"),
    (lambda s: s.replace("2030-01-01", '"soon"'), "expires must be a date"),
    (lambda s: s.replace('path = "stride"', 'path = "("'), "path is not a regular expression"),
    (lambda s: s.replace("https://", "http://"), "url must be an https:// link"),
    (lambda s: s + 'colour = "red"\n', "unknown key(s) ['colour']"),
    (lambda s: s + s, "duplicate id"),
    (lambda s: s.replace("[[expectation]]", "[[expectations]]"), "unknown top-level key"),
    (lambda s: s.replace('reason = "r"', 'reason = "r'), "not valid TOML"),
])
def test_malformed_entries_get_one_line_errors(tmp_path: Path, edit, message: str) -> None:
    with pytest.raises(E.ExpectationError) as err:
        load_text(tmp_path, edit(GOOD))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(E.ExpectationError, match="no such file"):
        E.load(tmp_path / "absent.toml")


def _program(*lines: str) -> Program:
    return Program(tuple(Step(line) for line in lines))


def _entry(**kw: object) -> E.Expectation:
    base = {"id": "e", "claims": ["VIEW-01"], "torch": ">=0", "path": "^error$",
            "reason": "r", "url": "https://example.org/x", "expires": dt.date(2100, 1, 1)}
    base.update(kw)
    return E.parse({"expectation": [base]}, {"VIEW-01"})[0]


def test_check_reports_a_recorded_departure_as_expected() -> None:
    # view() of a transposed tensor raises; a patched torch whose view() copies instead
    # departs from the docs, and an entry that records it turns the MISMATCH into EXPECTED.
    prog = _program("x = torch.ones(2, 3).t()", "y = x.view(6)")
    assert check(prog, "cpu", expectations=[]).verdict == PASS
    import torch
    real_view = torch.Tensor.view
    try:
        torch.Tensor.view = lambda self, *a: real_view(self.contiguous(), *a)  # type: ignore
        plain = check(prog, "cpu", expectations=[])
        known = check(prog, "cpu", expectations=[_entry(reference="view size is not")])
        other = check(prog, "cpu", expectations=[_entry(reference="something else")])
    finally:
        torch.Tensor.view = real_view  # type: ignore[method-assign]
    assert plain.verdict == MISMATCH
    assert known.verdict == EXPECTED and known.expectation is not None
    assert known.mismatches and "expected: e" in known.note
    assert other.verdict == MISMATCH


def test_an_earlier_unexplained_mismatch_is_never_hidden() -> None:
    import torch
    prog = _program("x = torch.ones(2, 3)", "x.mul_(2)", "y = x.t().view(6)")
    real_mul = torch.Tensor.mul_
    real_view = torch.Tensor.view
    try:
        torch.Tensor.mul_ = lambda self, o: self  # type: ignore[method-assign]
        torch.Tensor.view = lambda self, *a: real_view(self.contiguous(), *a)  # type: ignore
        result = check(prog, "cpu", expectations=[_entry(reference="view size is not")])
    finally:
        torch.Tensor.mul_ = real_mul  # type: ignore[method-assign]
        torch.Tensor.view = real_view  # type: ignore[method-assign]
    assert result.verdict == MISMATCH
    assert any(m.step == 2 for m in result.mismatches)


def test_an_entry_with_a_program_pattern_holds_only_in_programs_that_match_it() -> None:
    """``program``: the op that departs must be in the program so far (a gradient torch passes
    through clamp's bound, whatever a hook made of it, is not any gradient of 0)."""
    e = _entry(path="grad", torch_value="^-?\\d", reference="^0\\.0$", program="clamp_?\\(")
    assert e.matches("p.grad[0]", 3.0, 0.0, "y = p.clamp(0, 1)")
    assert not e.matches("p.grad[0]", 3.0, 0.0, "y = p.abs()")
    assert _entry().matches("error", "x", "y")  # no pattern: any program


def test_a_departure_makes_only_the_claims_its_entry_names_expected() -> None:
    """A test that met an entry is EXPECTED for the entry's claims; for its other claims its
    programs conformed, and they stay PASS (never an EXPECTED cell with no entry to show)."""
    from conformance.results.build import build
    test = {"test": "t::machine[cpu]", "claims": ["GRAD-02", "GRAD-17"], "device": "cpu",
            "verdict": "EXPECTED", "examples": 9, "expected": {"clamp-gradient-at-bound": 2},
            "message": "", "case": None}
    doc = build([test], {"torch": "2.13.0", "profile": "ci", "devices": ["cpu"]},
                started="s", finished="f", duration_s=0.0, interrupted=False)
    got = {r["claim"]: (r["verdict"], (r["expectation"] or {}).get("id"))
           for r in doc["results"] if r["claim"] in ("GRAD-02", "GRAD-17")}
    assert got == {"GRAD-02": ("EXPECTED", "clamp-gradient-at-bound"), "GRAD-17": ("PASS", None)}
