"""The report's explainers, answered with what torch does in this run: each program is checked
against the reference like any other, and the facts torch showed go to the report
(``harness.explain``), which shows them as tables and a chart."""

from __future__ import annotations

import math
from typing import Any

import pytest

from conformance.judge.check import CaseResult
from conformance.program import prog
from conformance.pytest_plugin.harness import META_GRADS, assert_conforms, explain

pytestmark = pytest.mark.no_meta(META_GRADS)

LEAF = "x = torch.tensor([1.0, 2.0, 3.0], device=dev, requires_grad=True)"


def _grad_rows(result: CaseResult, labels: list[str], first: int) -> list[dict[str, Any]]:
    """Per step from ``first`` on: x.grad's values, version and grad_fn, as torch showed."""
    assert result.torch_trace is not None
    rows = []
    for label, step in zip(labels, result.torch_trace.steps[first:]):
        facts = step.state["values"].get("x.grad")
        rows.append({"code": label, "error": step.error and f"{step.error[0]}: {step.error[1]}",
                     "values": facts and facts.get("values"),
                     "version": facts and facts.get("_version"),
                     "grad_fn": facts and facts.get("grad_fn")})
    return rows


@pytest.mark.claim("OPTIM-03")
def test_explain_zero_versus_data_zero(device: str) -> None:
    """x.grad.zero_() against x.grad.data.zero_(), on a .grad that carries a graph (as
    backward(create_graph=True) leaves it; assigned here, since that backward warns once per
    process, which one program cannot observe)."""
    steps = ["x.grad = x * 2"]
    variants = {}
    for name, zero in (("grad.zero_()", "x.grad.zero_()"),
                       ("grad.data.zero_()", "x.grad.data.zero_()")):
        lines = [LEAF, *steps, zero]
        variants[name] = _grad_rows(assert_conforms(prog(*lines), device), lines[1:], 1)
    # What the explainer claims: both zero the values; only zero_() moves the version.
    a, b = variants["grad.zero_()"], variants["grad.data.zero_()"]
    assert a[-1]["values"] == b[-1]["values"] == [0.0, 0.0, 0.0]
    assert a[-1]["version"] == a[0]["version"] + 1 and b[-1]["version"] == b[0]["version"]
    explain("zero_versus_data_zero", variants)


@pytest.mark.claim("GRAD-10", "OPTIM-01")
def test_explain_accumulation(device: str) -> None:
    """Two backward calls add up in .grad; zeroing in between gives each call's own."""
    lines = [LEAF, "(2 * x).sum().backward()", "(2 * x).sum().backward()", "x.grad.zero_()",
             "(2 * x).sum().backward()"]
    rows = _grad_rows(assert_conforms(prog(*lines), device), lines[1:], 1)
    assert [r["values"] for r in rows] == [[2.0] * 3, [4.0] * 3, [0.0] * 3, [2.0] * 3]
    explain("accumulation", rows)


P_T = [0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98]
GAMMAS = [0, 0.5, 1, 2, 5]


@pytest.mark.claim("LOSS-01", "LOSS-03")
def test_explain_focal_loss_curves(device: str) -> None:
    """The focal loss against the probability of the true class, for several gamma: logits
    log(p / (1 - p)) with target 1, alpha off; gamma = 0 is the cross-entropy -log p."""
    logits = [round(math.log(p / (1 - p)), 6) for p in P_T]
    lines = [f"x = torch.tensor({logits}, dtype=torch.float64, device=dev)",
             "t = torch.ones(x.shape, dtype=torch.float64, device=dev)"]
    lines += [f"l{i} = focal.sigmoid_focal_loss(x, t, alpha=-1, gamma={g})"
              for i, g in enumerate(GAMMAS)]
    result = assert_conforms(prog(*lines), device)
    assert result.torch_trace is not None
    state = result.torch_trace.steps[-1].state["values"]
    curves = {str(g): state[f"l{i}"]["values"] for i, g in enumerate(GAMMAS)}
    for p, ce in zip(P_T, curves["0"]):
        assert math.isclose(ce, -math.log(p), rel_tol=1e-4)
    explain("focal_curves", {"p_t": P_T, "curves": curves})
