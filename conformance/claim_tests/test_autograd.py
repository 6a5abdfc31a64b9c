"""Autograd conformance: one targeted check per documented behaviour, plus random programs.

Every program runs on torch and on the reference model in lock step; grads (values, strides,
versions, identity), grad_fn names and next_functions, leaf flags, errors and warnings are
compared after every step.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conformance.generate.grad_strategies import GRAD_DTYPES, grad_leaf, grad_programs, tracked_step
from conformance.generate.strategies import Drafter, literal, shapes
from conformance.program import Program, prog
from conformance.pytest_plugin.harness import META_GRADS, assert_conforms

pytestmark = pytest.mark.no_meta(META_GRADS)

X = "x = torch.tensor([[1., -2., 3.], [4., 5., -6.]], device=dev, requires_grad=True)"


@pytest.mark.claim("GRAD-01")
@pytest.mark.parametrize("code", [
    "t = torch.tensor([1., 2.], device=dev)",
    "t = torch.tensor([1., 2.], device=dev, requires_grad=True)",
    "t = torch.tensor([1, 2], device=dev, requires_grad=True)",
    "t = torch.tensor([True], device=dev).requires_grad_()",
    "t = torch.zeros(2, 3, dtype=torch.float64, device=dev, requires_grad=True)",
    "t = torch.tensor([1., 2.], device=dev).requires_grad_()",
    "t = torch.tensor([1., 2.], device=dev)\nt.requires_grad = True",
    "t = torch.tensor([1, 2], device=dev)\nt.requires_grad = True",
    "t = (torch.tensor([1., 2.], device=dev, requires_grad=True) * 2).requires_grad_(False)",
    "t = (torch.tensor([1., 2.], device=dev, requires_grad=True) * 2).requires_grad_()",
    "t = torch.tensor([1., 2.], device=dev, requires_grad=True).requires_grad_(False)",
    "t = torch.tensor([1., 2.], device=dev, requires_grad=True)\nu = t.detach()",
])
def test_requires_grad_and_leaves(code: str, device: str) -> None:
    """requires_grad defaults to False, is refused for integer and bool dtypes, and only leaves
    may change it; tensors that do not require grad are leaves."""
    assert_conforms(prog(*code.split("\n")), device)


@pytest.mark.claim("GRAD-02", "GRAD-09")
@given(data=st.data())
def test_tracked_ops_record_graphs_and_gradients(data: st.DataObject, device: str) -> None:
    """Each differentiable op records torch's node (name and next_functions) and its gradient
    reaches the leaves with the right values."""
    assert_conforms(data.draw(grad_programs(("tracked", "view", "index", "backward")),
                              label="program"), device, unmodelled="reject")


@pytest.mark.claim("GRAD-03", "GRAD-10")
@given(dtype=st.sampled_from(GRAD_DTYPES), shape=shapes(max_dims=3), seed=st.integers(0, 16))
def test_backward_accumulates_in_place(dtype: str, shape: tuple[int, ...], seed: int,
                                       device: str) -> None:
    """A second backward adds to .grad in place: the same object, its version moved."""
    assert_conforms(prog(
        f"x = torch.tensor({literal(shape, dtype, seed)}, dtype=torch.{dtype}, device=dev, "
        "requires_grad=True)",
        "(x * x).sum().backward()", "g = x.grad", "(x * 3).sum().backward()",
        "x.grad.zero_()", "(x * x).sum().backward()"), device)


@pytest.mark.claim("GRAD-04", "GRAD-10")
@pytest.mark.parametrize("lines", [
    ["y = x * 2", "y.backward()"],
    ["y = (x * 2).sum()", "y.backward()"],
    ["y = x * x", "y.backward(torch.ones(2, 3, device=dev))"],
    ["y = x * x", "w = torch.tensor([[1., 0., 2.], [3., -1., 0.5]], device=dev)",
     "y.backward(w)", "g1 = x.grad.clone()", "x.grad = None", "(y * w).sum().backward()"],
    ["y = x * x", "y.backward(torch.ones(3, device=dev))"],
    ["y = x * x", "y.backward(torch.ones(2, 3, dtype=torch.float64, device=dev))"],
    ["y = x * x", "y.backward(torch.ones(2, 3, dtype=torch.int64, device=dev))"],
    ["y = x.sum()", "y.backward(torch.tensor([2.], device=dev))"],
    ["y = x.sum()", "y.backward(torch.tensor(2., device=dev))"],
    ["y = x * x", "y.backward(2.0)"],
    ["y = x.view(6)", "g = torch.arange(6., device=dev)", "y.backward(g)",
     "(x * 1).sum().backward()"],
    ["y = torch.tensor([1, 2], device=dev).sum()", "y.backward()"],
    ["y = x.sum()", "torch.autograd.backward([y, (x * x).sum()])"],
    ["y = x.sum()", "torch.autograd.backward(y, inputs=[])"],
])
def test_backward_gradient_argument(lines: list[str], device: str) -> None:
    """No argument only for one-element outputs; otherwise a gradient of the output's shape,
    cast to its dtype; y.backward(w) equals the gradient of (y * w).sum()."""
    assert_conforms(prog(X, *lines), device)


@pytest.mark.claim("GRAD-05")
@pytest.mark.parametrize("expr", ["x * x", "x * 2", "x + 2", "x.exp()", "x.sum() * 1",
                                  "x.view(6)", "x[[0, 1]]", "x.t()", "x.mean()", "x / 3",
                                  "x.softmax(1)", "x.clone()"])
@pytest.mark.parametrize("retain", [False, True])
def test_second_backward_needs_retain_graph(expr: str, retain: bool, device: str) -> None:
    """A second backward through nodes that saved tensors raises unless retain_graph=True; a
    graph that saved nothing runs twice."""
    assert_conforms(prog(X, f"y = ({expr}).sum()", f"y.backward(retain_graph={retain})",
                         "y.backward()"), device)


@st.composite
def _leaf_layouts(draw: st.DrawFn) -> Program:
    d = Drafter(draw)
    x = grad_leaf(d)
    for _ in range(draw(st.integers(1, 3))):
        tracked_step(d)
    names = d.tensors(requires_grad=True)
    # A tracked step may leave no tensor that requires grad (a deep-profile draw): nothing to
    # run backward from.
    assume(names)
    y = draw(st.sampled_from(names))
    d.add(f"{y}.sum().backward(retain_graph=True)")
    d.add(f"g = {x}.grad", "g")
    d.add(f"{y}.sum().backward()")
    return d.program()


@pytest.mark.claim("GRAD-06")
@given(data=st.data())
def test_gradient_layout_contract(data: st.DataObject, device: str) -> None:
    """Leaves of every layout (transposed, expanded, strided): .grad's strides follow the
    contract, and accumulation keeps the first .grad's object and layout."""
    assert_conforms(data.draw(_leaf_layouts(), label="program"), device, unmodelled="reject")


@pytest.mark.claim("GRAD-07")
@pytest.mark.parametrize("lines", [
    ["r = torch.autograd.grad((x * x).sum(), x)"],
    ["r = torch.autograd.grad((x * x).sum(), [x])", "s = x.grad"],
    ["u = torch.ones(2, device=dev, requires_grad=True)",
     "r = torch.autograd.grad((x * x).sum(), [x, u])"],
    ["u = torch.ones(2, device=dev, requires_grad=True)",
     "r = torch.autograd.grad((x * x).sum(), [x, u], allow_unused=True)"],
    ["r = torch.autograd.grad((x * x).sum(), torch.ones(2, device=dev))"],
    ["h = x * 2", "r = torch.autograd.grad((h * h).sum(), [h, x])"],
    ["r = torch.autograd.grad((x * x * x).sum(), x, create_graph=True)",
     "s = torch.autograd.grad(r[0].sum(), x)"],
    ["r = torch.autograd.grad(x * x, x, torch.ones(2, 3, device=dev))"],
    ["r = torch.autograd.grad([(x * x).sum(), x.sum()], x)"],
    ["y = (x * x).sum()", "r = torch.autograd.grad(y, x)", "q = torch.autograd.grad(y, x)"],
])
def test_autograd_grad(lines: list[str], device: str) -> None:
    """autograd.grad returns the gradients without touching .grad; unused inputs raise unless
    allowed; create_graph makes the result differentiable."""
    assert_conforms(prog(X, *lines), device)


@pytest.mark.claim("GRAD-08")
@pytest.mark.parametrize("lines", [
    ["z = x * 2", "g = z.grad"],
    ["z = x * 2", "z.retain_grad()", "(z * z).sum().backward()", "g = z.grad",
     "(z * z).sum().backward()"],
    ["z = x * 2", "z.retain_grad()", "z.retain_grad()", "z.sum().backward()"],
    ["x.retain_grad()", "x.sum().backward()"],
    ["z = torch.ones(2, device=dev)", "z.retain_grad()"],
    ["z = x * 2", "z.retain_grad()", "z.mul_(3)", "z.sum().backward()"],
])
def test_retain_grad(lines: list[str], device: str) -> None:
    """Non-leaves keep no .grad (reading it warns) unless retain_grad() was called."""
    assert_conforms(prog(X, *lines), device)


@pytest.mark.claim("MODE-01", "MODE-02", "MODE-04")
@pytest.mark.parametrize("lines", [
    # A view of a no_grad view, made in grad mode, has a grad_fn: torch names it in the
    # error it gives once the family changes in place ("a view of a view").
    ["x = torch.tensor([1.0, 2.0], device=dev, requires_grad=True)", "with torch.no_grad():",
     "    v = x[:1]", "w = v.view(1)", "x.detach().mul_(2)", "f = w.grad_fn"],
    ["with torch.no_grad():\n    y = x * 2", "y.sum().backward()"],
    ["with torch.no_grad():\n    y = x * 2\n    with torch.enable_grad():\n        z = x * 3",
     "z.sum().backward()"],
    ["with torch.set_grad_enabled(False):\n    y = x * 2"],
    ["torch.set_grad_enabled(False)", "y = x * 2", "torch.set_grad_enabled(True)",
     "z = x * 2"],
    ["@torch.no_grad()\ndef f(t):\n    return t * 2", "y = f(x)", "z = x * 2"],
    ["@torch.enable_grad()\ndef f(t):\n    return t * 2",
     "with torch.no_grad():\n    y = f(x)"],
    ["with torch.no_grad():\n    x.mul_(2)", "y = (x * x).sum()", "y.backward()"],
    ["d = x.detach()", "y = (d * x).sum()", "y.backward()"],
    ["with torch.no_grad():\n    v = x[0]", "v.add_(1)"],
    ["with torch.no_grad():\n    v = x[0]", "y = v * 2"],
    ["h = x * 1", "with torch.no_grad():\n    v = h[0]", "h.mul_(2)", "g = v.grad_fn"],
    ["e = torch.is_grad_enabled()", "with torch.no_grad():\n    f = torch.is_grad_enabled()"],
    # A factory asked for requires_grad=True still gives a leaf that requires grad inside
    # no_grad (CLAIMS.md AG-11); what is computed from it there does not.
    ["with torch.no_grad():\n    f = torch.ones(2, device=dev, requires_grad=True)\n"
     "    g = f * 2", "h = (f * 3).sum()", "h.backward()"],
])
def test_grad_modes(lines: list[str], device: str) -> None:
    """Within no_grad results do not require grad and backward through them raises; enable_grad
    and set_grad_enabled switch recording, also as decorators; detach() cuts the graph."""
    assert_conforms(prog(X, *lines), device)


@pytest.mark.claim("MODE-03")
@pytest.mark.parametrize("lines", [
    ["with torch.inference_mode():\n    y = x * 2", "i = y.is_inference()", "y.add_(1)"],
    ["with torch.inference_mode():\n    y = x * 2", "z = (x * y).sum()"],
    ["with torch.inference_mode():\n    y = x * 2", "z = y * 3", "n = z.requires_grad"],
    ["with torch.inference_mode():\n    y = x * 2\n    y.add_(1)"],
    ["with torch.inference_mode():\n    v = x[0]", "w = v * 1"],
    ["h = x * 1", "with torch.inference_mode():\n    v = h[0]", "v.add_(1)"],
    ["@torch.inference_mode()\ndef f(t):\n    return t * 2", "y = f(x)",
     "i = y.is_inference()"],
])
def test_inference_mode(lines: list[str], device: str) -> None:
    """Inference tensors: no grad, no version counter, no in-place update outside the mode,
    never saved for backward."""
    assert_conforms(prog(X, *lines), device)


@pytest.mark.claim("SAVED-01", "SAVED-02")
@pytest.mark.parametrize("lines", [
    ["y = x * x", "with torch.no_grad():\n    x.mul_(2)", "y.sum().backward()"],
    ["h = x * 1", "y = h * h", "h.add_(1)", "y.sum().backward()"],
    ["h = x * 1", "e = h.exp()", "e.add_(1)", "e.sum().backward()"],
    ["h = x * 1", "y = h + h", "h.add_(1)", "y.sum().backward()"],
    ["h = x * 1", "h.mul_(h)", "h.sum().backward()"],
    ["x.add_(1)"],
    ["x.view(6).mul_(2)"],
    ["x[0] = 1"],
    ["torch.add(x, 1, out=torch.empty(2, 3, device=dev))"],
    ["h = x * 1", "v = h.view(6)", "v.mul_(2)", "h.sum().backward()"],
    ["h = x * 1", "v = h[0]", "v.add_(1)", "(h * h).sum().backward()"],
    ["h = x * 1", "a, b = h.unbind(0)", "a.add_(1)"],
    ["h = x * 1", "h.add_(1)", "h.sum().backward()"],
    ["b = torch.zeros(3, device=dev)", "vb = b[0:2]", "vb.add_(x[0, :2] * 1)",
     "b.sum().backward()"],
    ["z = torch.zeros(2, 3, device=dev)", "z.add_(x)", "z.sum().backward()"],
    # mv and dot save each operand only for the other's gradient: with only x requiring
    # grad, x itself is not saved, and changing it in place does not break backward.
    ["w = torch.ones(3, device=dev)", "y = x @ w", "x.detach().mul_(2)", "y.sum().backward()"],
    ["w = torch.ones(3, device=dev)", "y = w @ x[0]", "x.detach().mul_(2)",
     "y.backward()"],
    ["w = torch.ones(3, device=dev)", "y = x @ w", "w.mul_(2)", "y.sum().backward()"],
])
def test_inplace_and_saved_versions(lines: list[str], device: str) -> None:
    """Saved tensors remember their version; in place on leaves that require grad (or views of
    them) raises; elsewhere in place rewrites the history (CopySlices on a view's base)."""
    assert_conforms(prog(X, *lines), device)


@pytest.mark.claim("SAVED-03", "SAVED-04")
@pytest.mark.parametrize("lines", [
    ["d = x.detach()", "e = x.data", "d.add_(1)", "e.add_(1)"],
    ["y = x * x", "x.detach().add_(1)", "y.sum().backward()"],
    ["y = x * x", "x.data.add_(1)", "y.sum().backward()"],
    ["y = x * x", "x.data.mul_(0)", "y.sum().backward()"],
    ["d = x.data", "r = d.requires_grad", "s = x.data is x.data"],
])
def test_data_versus_detach(lines: list[str], device: str) -> None:
    """detach() shares the version counter (the change is caught); .data does not (backward
    silently uses the new values)."""
    assert_conforms(prog(X, *lines), device)


@pytest.mark.claim("OPTIM-01", "OPTIM-02")
@pytest.mark.parametrize("lines", [
    ["opt = torch.optim.SGD([x], lr=0.1)", "(x * x).sum().backward()", "opt.step()",
     "opt.zero_grad()"],
    ["opt = torch.optim.SGD([x], lr=0.1)", "(x * x).sum().backward()", "g = x.grad",
     "opt.step()", "opt.zero_grad(set_to_none=False)", "(x * x).sum().backward()"],
    ["opt = torch.optim.SGD([x], lr=0.1)", "opt.step()"],
    ["w = torch.ones(3, device=dev, requires_grad=True)", "opt = torch.optim.SGD([x, w], lr=1)",
     "(x.sum() * w).sum().backward()", "opt.step()", "opt.zero_grad()"],
    ["params = [x]", "(x * 2).sum().backward()", "for p in params:\n    p.grad = None"],
])
def test_optimizer_and_clearing(lines: list[str], device: str) -> None:
    """zero_grad sets grads to None by default and zeroes them in place otherwise; SGD updates
    parameters in place (their version moves) without recording a graph."""
    assert_conforms(prog(X, *lines), device)


@pytest.mark.claim("OPTIM-03")
@pytest.mark.parametrize("lines", [
    ["(x * x).sum().backward()", "g = x.grad", "x.grad.zero_()"],
    ["(x * x).sum().backward()", "g = x.grad", "x.grad.data.zero_()"],
    ["w = torch.ones(2, 3, device=dev, requires_grad=True)", "x.grad = w * 2",
     "x.grad.zero_()"],
    ["w = torch.ones(2, 3, device=dev, requires_grad=True)", "x.grad = w * 2",
     "x.grad.data.zero_()"],
    ["x.grad = torch.ones(3, device=dev)"],
    ["x.grad = torch.ones(2, 3, dtype=torch.float64, device=dev)"],
])
def test_grad_zero_versus_data_zero(lines: list[str], device: str) -> None:
    """x.grad.zero_() moves .grad's version (and is recorded when .grad has a graph);
    x.grad.data.zero_() changes the values alone."""
    assert_conforms(prog(X, *lines), device)


TUTORIAL = {
    "accumulate": ["x = torch.arange(4.0, device=dev, requires_grad=True)",
                   "y = 2 * torch.dot(x, x)", "y.backward()", "g1 = x.grad.clone()",
                   "y = x.sum()", "y.backward()", "g2 = x.grad.clone()", "x.grad.zero_()",
                   "y = x.sum()", "y.backward()"],
    "gradient_through_view": ["x = torch.arange(6.0, device=dev, requires_grad=True)",
                              "y = x.view(2, 3) * x.view(2, 3)",
                              "y.backward(torch.ones(2, 3, device=dev))"],
    "detach": ["x = torch.arange(4.0, device=dev, requires_grad=True)", "y = x * x",
               "u = y.detach()", "z = u * x", "z.sum().backward()", "same = x.grad == u"],
    "no_grad_mix": ["x = torch.ones(3, device=dev, requires_grad=True)", "y = x * 2",
                    "with torch.no_grad():\n    z = y * 3", "w = y * z", "w.sum().backward()"],
    "data_write": ["x = torch.ones(3, device=dev, requires_grad=True)", "y = (x * x).sum()",
                   "x.data.mul_(10)", "y.backward()"],
    "control_flow": ["a = torch.tensor(0.5, device=dev, requires_grad=True)", "b = a * 2",
                     "b = b * 2 * 2 * 2",
                     "c = b if b.sum() > 0 else 100 * b", "c.backward()",
                     "ok = a.grad == c / a"],
}


@pytest.mark.claim("GRAD-03", "GRAD-04", "GRAD-10", "MODE-04", "SAVED-04")
@pytest.mark.parametrize("name", sorted(TUTORIAL))
def test_tutorial_programs(name: str, device: str) -> None:
    """Programs of the kind the autograd tutorials (D2L chapter 2.5) run."""
    assert_conforms(prog(*TUTORIAL[name]), device)


@pytest.mark.claim("GRAD-09")
@pytest.mark.parametrize("lines", [
    ["t = torch.tensor([[0.], [1.]], device=dev)",
     "y = torch.nn.functional.binary_cross_entropy_with_logits(x, t.expand(2, 3))",
     "y.backward()"],
    ["y = torch.nn.functional.cross_entropy(x, torch.tensor([2, 0], device=dev))",
     "y.backward()"],
    ["y = torch.nn.functional.cross_entropy(x, torch.tensor([2, -100], device=dev), "
     "reduction='sum')", "y.backward()"],
    ["y = x.sigmoid().sum()", "y.backward()"],
    ["y = x.log_softmax(0)", "y.backward(torch.ones(2, 3, device=dev))"],
    ["y = x.to(torch.float64) * 2", "y.sum().backward()"],
    ["y = x.mm(x.t())", "y.sum().backward()"],
    ["y = x[0] @ x.t()", "y.sum().backward()"],
    ["y = x.amax(1)", "y.sum().backward()"],
    ["y = x.masked_select(x > 0)", "y.sum().backward()"],
    # x holds both bounds (-2 and 4): the gradient there is the autograd notes' one of
    # minimum norm, 0 (torch gives 1 up to 2.13: expectations.toml, clamp-gradient-at-bound).
    ["y = x.clamp(-2, 4)", "y.sum().backward()"],
])
def test_gradients_of_named_ops(lines: list[str], device: str) -> None:
    """The losses, activations, products and selections of the autograd notes."""
    assert_conforms(prog(X, *lines), device)
