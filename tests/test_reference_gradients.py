"""The reference model's gradients against central finite differences, in float64.

The conformance suite compares the model's gradients with torch's; this checks the model on
its own (no torch): every backward formula must be the derivative of its forward function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference_impl as R

F = R.nn.functional
EPS = 1e-6

# name -> (input shape, function of the leaf); inputs are kept away from kinks (abs, clamp,
# amax ties) by the value strategy below.
OPS: dict[str, tuple[tuple[int, ...], Callable[[Any], Any]]] = {
    "add_mul": ((2, 3), lambda x: (x + 2) * x * 3),
    "sub_rsub": ((2, 3), lambda x: (1 - x) - (x - 0.5) * 2),
    "div": ((2, 3), lambda x: x / (x * x + 1)),
    "rdiv": ((3,), lambda x: 2.0 / (x * x + 1)),
    "pow_scalar": ((2, 3), lambda x: x ** 3),
    "pow_tensor": ((3,), lambda x: (x * x + 1) ** (x * 0.5)),
    "rpow": ((3,), lambda x: 2 ** x),
    "exp_log_sqrt": ((2, 3), lambda x: (x.exp() + 1).log() + (x * x + 1).sqrt()),
    "abs_neg": ((2, 3), lambda x: -(x.abs() * x)),
    "clamp": ((2, 3), lambda x: x.clamp(-1.0, 1.0) * x),
    "where": ((2, 3), lambda x: R.where(x > 0, x * x, x * 3)),
    "sum_mean": ((2, 3), lambda x: x.sum(0, keepdim=True) * x.mean(1, keepdim=True)),
    "amax": ((2, 3), lambda x: x.amax(1) * 2),
    "mm": ((2, 3), lambda x: x.mm(x.t())),
    "bmm": ((2, 2, 3), lambda x: R.bmm(x, x.transpose(1, 2))),
    "matvec_dot": ((2, 3), lambda x: (x @ x[0]) * (x[0] @ x[1])),
    "vecmat": ((2, 3), lambda x: x[0, :2] @ x),
    "views": ((2, 3), lambda x: x.t().reshape(6).view(2, 3).unsqueeze(0).expand(2, 2, 3)
              .permute(2, 1, 0).squeeze().narrow(0, 1, 2).diagonal(0, 0, 1)),
    "select_split": ((3, 4), lambda x: x[1] * x.split(2, 1)[1].sum() + x.unbind(1)[3].sum()),
    "as_strided": ((3, 3), lambda x: x.as_strided((2, 2), (1, 3), 1) * 2),
    "indexing": ((3, 4), lambda x: x[[0, 2, 0]] * x[x > 0].sum() + x[1:, ::2].sum()),
    "index_select_gather": ((3, 4), lambda x: x.index_select(1, R.tensor([3, 0, 3]))
                            .sum(1, keepdim=True) * x.gather(0, R.tensor([[2, 1, 0, 0]]))),
    "masked_select": ((3, 4), lambda x: x.masked_select(R.tensor([True, False, True, True]))),
    "clone_to": ((2, 3), lambda x: x.clone().to(R.float32).to(R.float64) * x),
    "sigmoid": ((2, 3), lambda x: x.sigmoid() * x),
    "softmax": ((2, 3), lambda x: x.softmax(1) * x),
    "log_softmax": ((2, 3), lambda x: x.log_softmax(0) * x),
    "bce": ((2, 3), lambda x: F.binary_cross_entropy_with_logits(
        x, R.tensor([[0.0, 1.0, 0.25], [1.0, 0.5, 0.0]], dtype=R.float64))),
    "cross_entropy": ((3, 4), lambda x: F.cross_entropy(x, R.tensor([3, 0, 1]))),
    "inplace_on_view": ((2, 3), lambda x: _inplace_on_view(x)),
}

# Ops computed in float32 on the way (to()) need a wider step and tolerance.
LOOSE = {"clone_to"}


def _inplace_on_view(x: Any) -> Any:
    h = x * 1
    h[0].mul_(x[1])
    h.t()[1].add_(2)
    return h * h


def _values(t: Any) -> np.ndarray:
    return np.asarray(t.tolist(), dtype=np.float64)


def _numeric_grad(fn: Callable[[Any], Any], x0: np.ndarray, w: np.ndarray, eps: float
                  ) -> np.ndarray:
    """d/dx of sum(w * fn(x)) by central differences, computed with the model's forward."""
    grad = np.zeros_like(x0)
    with R.no_grad():
        for i in np.ndindex(*x0.shape):
            hi, lo = x0.copy(), x0.copy()
            hi[i] += eps
            lo[i] -= eps
            f_hi = (w * _values(fn(R.tensor(hi.tolist(), dtype=R.float64)))).sum()
            f_lo = (w * _values(fn(R.tensor(lo.tolist(), dtype=R.float64)))).sum()
            grad[i] = (f_hi - f_lo) / (2 * eps)
    return grad


def _away_from_kinks(values: list[float]) -> list[float]:
    # Distinct magnitudes, none near 0 or +-1 (abs, clamp, where and amax are smooth there).
    return [v + (0.013 * k) for k, v in enumerate(values)]


@pytest.mark.parametrize("name", sorted(OPS))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_gradient_matches_finite_differences(name: str, data: st.DataObject) -> None:
    shape, fn = OPS[name]
    n = int(np.prod(shape))
    raw = data.draw(st.lists(st.sampled_from([-2.1, -1.6, -0.7, -0.3, 0.35, 0.6, 1.4, 1.9]),
                             min_size=n, max_size=n), label="values")
    x0 = np.asarray(_away_from_kinks(raw), dtype=np.float64).reshape(shape)
    x = R.tensor(x0.tolist(), dtype=R.float64, requires_grad=True)
    y = fn(x)
    w = np.asarray(data.draw(st.lists(st.sampled_from([0.5, 1.0, -1.5, 2.0]),
                                      min_size=max(y.numel(), 1), max_size=max(y.numel(), 1)),
                             label="weights"), dtype=np.float64).reshape(tuple(y.shape))
    y.backward(R.tensor(w.tolist(), dtype=R.float64))
    assert x.grad is not None
    analytic = _values(x.grad)
    loose = name in LOOSE
    numeric = _numeric_grad(fn, x0, w, 1e-3 if loose else EPS)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-2 if loose else 1e-5,
                               atol=1e-2 if loose else 1e-6, err_msg=name)


def test_create_graph_gives_second_derivatives() -> None:
    """autograd.grad(create_graph=True) is differentiable: d2/dx2 of x^3 is 6x."""
    x = R.tensor([0.5, -1.5, 2.0], dtype=R.float64, requires_grad=True)
    (g,) = R.autograd.grad((x ** 3).sum(), x, create_graph=True)
    (h,) = R.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(_values(h), 6 * np.array([0.5, -1.5, 2.0]))


def test_accumulation_adds_across_backward_calls() -> None:
    x = R.tensor([1.0, 2.0], dtype=R.float64, requires_grad=True)
    (x * x).sum().backward()
    first = x.grad
    (x * 3).sum().backward()
    assert x.grad is first
    np.testing.assert_allclose(_values(x.grad), [5.0, 7.0])


@pytest.mark.parametrize(("reduction", "create_graph", "versions"), [
    ("mean", False, (3, 1)), ("mean", True, (1, 1)), ("sum", False, (2, 0)),
    ("sum", True, (0, 0)), ("none", True, (0, 0))])
def test_bce_with_logits_gradient_versions(reduction: str, create_graph: bool,
                                           versions: tuple[int, int]) -> None:
    """The versions of binary_cross_entropy_with_logits's gradients as torch's kernel leaves
    them (in-place steps), and with create_graph (built out of place but for the mean's
    division): seen on 2.0.1 and 2.13.0."""
    x = R.tensor([-4.0, 1.0], requires_grad=True)
    t = R.tensor([0.25, 0.5], requires_grad=True)
    y = R.nn.functional.binary_cross_entropy_with_logits(x, t, reduction=reduction)
    gx, gt = R.autograd.grad(y.sum(), [x, t], create_graph=create_graph)
    assert (gx._version, gt._version) == versions
