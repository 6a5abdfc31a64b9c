"""Random sampling: everything documented about a drawn tensor but its values (CREATE-20,
CREATE-21). The judge gives the model torch's drawn values after each step, so the steps that
follow a draw compare what the program computes from them."""

from __future__ import annotations

import pytest

from conformance.program import prog
from conformance.pytest_plugin.harness import assert_conforms


@pytest.mark.claim("CREATE-20")
@pytest.mark.parametrize("call", [
    "torch.rand(2, 3, device=dev)", "torch.rand((2, 0), device=dev)",
    "torch.rand(2, dtype=torch.float64, device=dev)", "torch.rand([], device=dev)",
    "torch.rand(2, dtype=torch.int64, device=dev)", "torch.rand(-1, device=dev)",
    "torch.randn(3, requires_grad=True, device=dev)",
    "torch.randn(2, dtype=torch.complex64, device=dev)",
    "torch.randn(2, dtype=torch.int32, device=dev)",
    "torch.randint(3, (2, 2), device=dev)",
    "torch.randint(1, 5, (3,), dtype=torch.float32, device=dev)",
    "torch.randint(5, 3, (2,), device=dev)", "torch.randint(3, 2, device=dev)",
    "torch.randint(0, 300, (2,), dtype=torch.uint8, device=dev)",
    "torch.randint(-129, 0, (2,), dtype=torch.int8, device=dev)",
    "torch.randint(3, (2,), requires_grad=True, device=dev)",
    "torch.randperm(5, device=dev)", "torch.randperm(4, dtype=torch.float32, device=dev)",
    "torch.randperm(257, dtype=torch.uint8, device=dev)", "torch.randperm(-1, device=dev)",
    "torch.normal(0., 1., size=(2,), device=dev)",
    "torch.normal(0., -1., size=(2,), device=dev)",
    "torch.normal(torch.zeros(2, 1, device=dev), torch.ones(3, device=dev))",
    "torch.normal(torch.zeros(2, dtype=torch.float64, device=dev), 1.)",
    "torch.normal(2., torch.ones(3, device=dev))",
    "torch.normal(torch.zeros(2, device=dev), torch.ones(3, device=dev))",
    "torch.normal(torch.zeros(2, dtype=torch.int64, device=dev), 1.)",
])
def test_random_factories(call: str, device: str) -> None:
    """Size, dtype, device, requires_grad and fresh storage, or the documented refusal."""
    assert_conforms(prog("torch.manual_seed(0)", f"t = {call}", "s = t.shape"), device)


@pytest.mark.no_meta("the steps after the draw read its values")
@pytest.mark.claim("CREATE-20")
@pytest.mark.parametrize("lines", [
    ["x = torch.rand(2, 3, device=dev)", "y = x * 2 + 1", "s = y.sum().item()"],
    ["a = torch.randint(0, 10, (4,), device=dev)", "b = a + 1", "c = int(b.sum())"],
    ["p = torch.randperm(6, device=dev)", "v = torch.arange(6, device=dev)[p]",
     "s = int(v.sum())"],
    ["w = torch.randn(3, requires_grad=True, device=dev)", "l = (w * w).sum()",
     "l.backward()", "g = w.grad"],
])
def test_programs_compute_from_drawn_values(lines: list[str], device: str) -> None:
    """What a program computes from drawn values is compared (the model takes torch's draw).
    Seeded, so that the run's record of torch's observations is the same every run."""
    assert_conforms(prog("torch.manual_seed(0)", *lines), device)


@pytest.mark.claim("CREATE-21")
@pytest.mark.parametrize("lines", [
    ["x = torch.zeros(2, 3, device=dev)", "y = x.uniform_(-1, 1)", "same = y is x"],
    ["x = torch.zeros(2, 3, device=dev)", "v = x[0]", "v.normal_()", "n = x._version"],
    ["x = torch.zeros(4, dtype=torch.int64, device=dev)", "x.random_(0, 5)"],
    ["x = torch.zeros(4, device=dev)", "x.random_(3)"],
    ["x = torch.zeros(2, dtype=torch.int8, device=dev)", "x.random_(200)"],
    ["x = torch.zeros(2, dtype=torch.int64, device=dev)", "x.uniform_()"],
    ["x = torch.zeros(2, device=dev)", "x.uniform_(2, 1)"],
    ["x = torch.zeros(2, device=dev)", "x.normal_(0, -1)"],
    ["x = torch.zeros(3, device=dev).expand(2, 3)", "x.uniform_()"],
    ["x = torch.zeros(3, requires_grad=True, device=dev)", "x.uniform_()"],
    ["x = torch.ones(3, requires_grad=True, device=dev)", "y = x * 2", "y.normal_()",
     "y.sum().backward()", "g = x.grad"],
    ["x = torch.ones(3, requires_grad=True, device=dev)", "y = x * 2", "y.random_(1, 3)"],
    ["m = torch.zeros(2, 1, requires_grad=True, device=dev)",
     "y = torch.normal(m, torch.ones(3, device=dev))", "y.sum().backward()", "g = m.grad"],
    ["x = torch.ones(3, 2, device=dev).t()", "r = torch.rand_like(x)",
     "n = torch.randn_like(x, dtype=torch.float64)", "i = torch.randint_like(x, 2, 5)"],
    ["x = torch.ones(2, dtype=torch.int64, device=dev)", "r = torch.randn_like(x)"],
    ["x = torch.ones(2, dtype=torch.bool, device=dev)", "r = torch.randint_like(x, 3)"],
])
def test_in_place_and_like_samplers(lines: list[str], device: str) -> None:
    """In-place samplers write self (same object, a version bump, a zero-gradient node);
    *_like samplers keep the input's layout."""
    assert_conforms(prog("torch.manual_seed(0)", *lines), device)
