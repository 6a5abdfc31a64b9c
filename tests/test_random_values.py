"""Drawn values (issue 20): the model leaves them unspecified and takes torch's after the step,
so what a program computes from them is compared, and the draw itself never is."""

from __future__ import annotations

import pytest

import reference_impl
from conformance.judge import check as judge
from conformance.snippet import check_source
from conformance.verdicts import MISMATCH, PASS

COMPUTED = ("x = torch.rand(2, 3)\ny = x * 2 + 1\ns = float(y.sum())\n"
            "k = torch.randint(0, 9, (4,))\nn = int(k.sum())")


def test_later_steps_are_compared_from_torchs_draw() -> None:
    result = check_source(COMPUTED)
    assert result.verdict == PASS, result.explain()
    t, r = result.torch_trace.steps, result.reference_trace.steps  # type: ignore[union-attr]
    # float32 sums in another order: equal within the judge's tolerance, not bit for bit
    assert r[2].state["values"]["s"]["value"] == pytest.approx(t[2].state["values"]["s"]["value"],
                                                              rel=1e-6)
    assert r[4].state["values"]["n"]["value"] == t[4].state["values"]["n"]["value"]


def test_without_taking_torchs_draw_the_computed_number_differs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same program with the hand-over switched off: the model's own (unwritten) values
    give another sum, so the comparison above is a real one."""
    monkeypatch.setattr(judge, "sync_values", lambda *a, **k: None)
    result = check_source(COMPUTED)
    assert result.verdict == MISMATCH
    assert any(m.path in ("s", "n") for m in result.mismatches), result.explain()


def test_the_draw_itself_is_unspecified_in_the_model() -> None:
    x = reference_impl.rand(2, 2)
    assert x._unspecified() == [0, 1, 2, 3]
    y = reference_impl.zeros(3)
    assert y.uniform_() is y and y._version == 1 and y._unspecified() == [0, 1, 2]


def test_a_wrong_documented_fact_of_a_draw_is_a_mismatch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything but the values is compared: a model whose rand gave float64 fails."""
    real = reference_impl.rand
    monkeypatch.setattr(reference_impl, "rand",
                        lambda *a, **k: real(*a, **{**k, "dtype": reference_impl.float64}))
    result = check_source("x = torch.rand(2)")
    assert result.verdict == MISMATCH and "dtype" in result.explain()
