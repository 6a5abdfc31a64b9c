"""Focal loss as a real-world autograd program: the reference's losses (its own ops, its own
engine) against the same formulas in torch ops and torch autograd, against torch's own
cross-entropy at gamma = 0, and against torchvision.ops.sigmoid_focal_loss when it imports."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.execute.runner import torchvision_ops
from conformance.judge.check import CaseResult
from conformance.program import prog
from conformance.pytest_plugin.harness import META_GRADS, assert_conforms

pytestmark = pytest.mark.no_meta(META_GRADS)

EXTREME = [-100.0, 100.0]


def _logits(draw: st.DrawFn, n: int, c: int, extreme: bool) -> list[list[float]]:
    value = st.sampled_from(EXTREME) if extreme else st.floats(-8, 8, width=32)
    return [[draw(value) for _ in range(c)] for _ in range(n)]


@st.composite
def binary_case(draw: st.DrawFn) -> tuple[str, ...]:
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    extreme = draw(st.booleans())
    x = _logits(draw, n, c, extreme)
    soft = draw(st.booleans())
    t = [[draw(st.sampled_from([0.0, 0.25, 1.0]) if soft else st.sampled_from([0.0, 1.0]))
          for _ in range(c)] for _ in range(n)]
    alpha = draw(st.sampled_from([0.25, 0.5, 0.9, -1]))
    gamma = draw(st.sampled_from([0, 1, 2, 3.5]))
    reduction = draw(st.sampled_from(["none", "mean", "sum"]))
    dtype = draw(st.sampled_from(["float32", "float64"]))
    return (f"x = torch.tensor({x}, dtype=torch.{dtype}, device=dev, requires_grad=True)",
            f"t = torch.tensor({t}, dtype=torch.{dtype}, device=dev)",
            f"loss = focal.sigmoid_focal_loss(x, t, alpha={alpha}, gamma={gamma}, "
            f"reduction={reduction!r})",
            "loss.sum().backward()" if reduction == "none" else "loss.backward()")


@st.composite
def softmax_case(draw: st.DrawFn) -> tuple[str, ...]:
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    x = _logits(draw, n, c, draw(st.booleans()))
    t = [draw(st.integers(0, c - 1)) for _ in range(n)]
    if n > 1 and draw(st.booleans()):
        t[draw(st.integers(0, n - 1))] = -100
    alpha = draw(st.one_of(st.none(), st.lists(st.sampled_from([0.25, 0.5, 1.0, 2.0]),
                                               min_size=c, max_size=c)))
    gamma = draw(st.sampled_from([0.0, 1.0, 2.0, 5.0]))
    reduction = draw(st.sampled_from(["none", "mean", "sum"]))
    dtype = draw(st.sampled_from(["float32", "float64"]))
    lines = [f"x = torch.tensor({x}, dtype=torch.{dtype}, device=dev, requires_grad=True)",
             f"t = torch.tensor({t}, device=dev)"]
    a = "None"
    if alpha is not None:
        lines.append(f"a = torch.tensor({alpha}, dtype=torch.{dtype}, device=dev)")
        a = "a"
    lines += [f"loss = focal.softmax_focal_loss(x, t, alpha={a}, gamma={gamma}, "
              f"reduction={reduction!r})",
              "loss.sum().backward()" if reduction == "none" else "loss.backward()"]
    return tuple(lines)


@pytest.mark.claim("LOSS-01")
@given(case=binary_case())
def test_sigmoid_focal_loss(case: tuple[str, ...], device: str) -> None:
    """Values, graph nodes and gradients of the binary / multi-label focal loss."""
    assert_conforms(prog(*case), device)


@pytest.mark.claim("LOSS-02")
@given(case=softmax_case())
def test_softmax_focal_loss(case: tuple[str, ...], device: str) -> None:
    """Values, graph nodes and gradients of the multi-class focal loss (alpha, ignore_index)."""
    assert_conforms(prog(*case), device)


@pytest.mark.claim("LOSS-01", "LOSS-02")
@pytest.mark.parametrize("lines", [
    ["x = torch.tensor([[-100.0, 100.0], [100.0, -100.0]], device=dev, requires_grad=True)",
     "t = torch.tensor([[1.0, 0.0], [1.0, 0.0]], device=dev)",
     "loss = focal.sigmoid_focal_loss(x, t, reduction='sum')", "loss.backward()"],
    ["x = torch.tensor([[-100.0, 100.0, 0.0], [100.0, -100.0, 0.0]], device=dev, "
     "requires_grad=True)", "t = torch.tensor([0, 1], device=dev)",
     "loss = focal.softmax_focal_loss(x, t, gamma=2.0)", "loss.backward()"],
])
def test_focal_loss_is_finite_at_extreme_logits(lines: list[str], device: str) -> None:
    """Logits of +-100 in float32, confidently right and confidently wrong."""
    state = _final_state(assert_conforms(prog(*lines), device))
    for value in _flat(state["loss"]["values"]) + _flat(state["x.grad"]["values"]):
        assert math.isfinite(value), state


@pytest.mark.claim("LOSS-03")
@pytest.mark.parametrize("lines", [
    ["x = torch.tensor([[-3.0, 2.0, 0.5], [1.0, -1.0, 4.0]], device=dev, requires_grad=True)",
     "t = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], device=dev)",
     "fl = focal.sigmoid_focal_loss(x, t, alpha=-1, gamma=0, reduction='mean')",
     "ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t)",
     "fl.backward()", "g_fl = x.grad.clone()", "x.grad = None", "ce.backward()"],
    ["x = torch.tensor([[-3.0, 2.0, 0.5], [1.0, -1.0, 4.0], [0.0, 0.0, 1.0]], device=dev, "
     "requires_grad=True)", "t = torch.tensor([2, 0, -100], device=dev)",
     "fl = focal.softmax_focal_loss(x, t, gamma=0.0)",
     "ce = torch.nn.functional.cross_entropy(x, t)",
     "fl.backward()", "g_fl = x.grad.clone()", "x.grad = None", "ce.backward()"],
])
def test_gamma_zero_is_cross_entropy(lines: list[str], device: str) -> None:
    """gamma = 0 without alpha: the focal loss and its gradient are torch's own
    cross-entropy's (and the reference agrees with both)."""
    state = _final_state(assert_conforms(prog(*lines), device))
    assert math.isclose(state["fl"]["values"], state["ce"]["values"], rel_tol=1e-6)
    for a, b in zip(_flat(state["g_fl"]["values"]), _flat(state["x.grad"]["values"])):
        assert math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7), (a, b)


def _final_state(result: CaseResult) -> dict[str, Any]:
    """torch's observed facts after the program's last step."""
    assert result.torch_trace is not None
    return dict(result.torch_trace.steps[-1].state["values"])


def _flat(v: Any) -> list[float]:
    return [x for item in v for x in _flat(item)] if isinstance(v, list) else [float(v)]


@pytest.mark.claim("LOSS-04")
@given(case=binary_case())
def test_torchvision_sigmoid_focal_loss(case: tuple[str, ...], device: str) -> None:
    """torchvision's implementation against the reference's, program for program."""
    if torchvision_ops() is None:
        pytest.skip("NOT RUN: torchvision does not import beside this torch "
                    "(torchvision==0.29.1 pairs with torch==2.14.1)")
    assert_conforms(prog(*(line.replace("focal.", "tvops.") for line in case)), device)
