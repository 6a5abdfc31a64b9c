"""Autograd's wider API, one targeted check per claim: create_graph, manual gradient layouts,
tensor hooks, gradcheck, out= and autograd, clone/item, nn.Parameter, nn.Linear,
Module.zero_grad, SGD's variants, assignment to .data and weighted losses.

Each program runs on torch and on the reference model in lock step (values, grads, grad_fn
names, versions, identities, errors and warnings after every step).
"""

from __future__ import annotations

import pytest

from conformance.program import prog
from conformance.pytest_plugin.harness import META_GRADS, assert_conforms

pytestmark = pytest.mark.no_meta(META_GRADS)

X = "x = torch.tensor([[1., -2., 3.], [4., 5., -6.]], device=dev, requires_grad=True)"
ALWAYS = "torch.set_warn_always(True)"


def _run(lines: list[str], device: str) -> None:
    assert_conforms(prog(X, *lines), device)


@pytest.mark.claim("GRAD-11")
@pytest.mark.parametrize("lines", [
    ["y = (x * x).sum()", "y.backward(create_graph=True)", "g = x.grad", "f = g.grad_fn"],
    ["(x * x).sum().backward(create_graph=True)", "g = x.grad",
     "(x * x * x).sum().backward(create_graph=True)", "same = x.grad is g"],
    ["(x * x).sum().backward()", "g = x.grad", "(x * x).sum().backward(create_graph=True)",
     "same = x.grad is g"],
    ["(x * x * x).sum().backward(create_graph=True)", "g = x.grad", "x.grad = None",
     "g.sum().backward()"],
    [ALWAYS, "(x * x).sum().backward(create_graph=True)",
     "(x * 3).sum().backward(create_graph=True)"],
    ["(x * x).sum().backward(create_graph=True)", "(x * 3).sum().backward(create_graph=True)"],
    ["r = torch.autograd.grad((x * x).sum(), x, create_graph=True)", "g = x.grad"],
])
def test_create_graph(lines: list[str], device: str) -> None:
    """backward(create_graph=True) gives .grad a graph, replaces it by a new sum at each
    accumulation, and warns about the reference cycle (every time under set_warn_always)."""
    _run(lines, device)


@pytest.mark.claim("GRAD-12", "GRAD-06")
@pytest.mark.parametrize("lines", [
    ["x.grad = torch.zeros(3, 2, device=dev).t()", "g = x.grad", "(x * x).sum().backward()",
     "same = x.grad is g"],
    [ALWAYS, "x.grad = torch.zeros(3, 2, device=dev).t()", "(x * x).sum().backward()",
     "(x * 2).sum().backward()"],
    ["x.grad = torch.zeros(2, 6, device=dev)[:, ::2]", "(x * x).sum().backward()"],
    ["x.grad = torch.zeros(2, 3, device=dev)", "(x * x).sum().backward()"],
    ["w = torch.zeros(3, 2, device=dev, requires_grad=True)", "x.grad = torch.ones(2, 3, "
     "device=dev)", "wt = w.t()", "(wt * x).sum().backward()", "gw = w.grad"],
    ["x.grad = torch.zeros(3, device=dev).expand(2, 3)", "(x * x).sum().backward()"],
])
def test_manual_gradient_layouts(lines: list[str], device: str) -> None:
    """A .grad assigned with its own strides keeps them as gradients accumulate into it; one
    that breaks the layout contract draws torch's warning."""
    _run(lines, device)


@pytest.mark.claim("GRAD-13")
@pytest.mark.parametrize("lines", [
    ["h = x.register_hook(lambda g: g * 2)", "(x * x).sum().backward()"],
    ["h = x.register_hook(lambda g: None)", "(x * x).sum().backward()"],
    ["seen = []", "h = x.register_hook(lambda g: seen.append(g.clone()))",
     "(x * 3).sum().backward()", "n = len(seen)", "first = seen[0]"],
    ["z = x * 2", "h = z.register_hook(lambda g: g + 1)", "(z * z).sum().backward()"],
    ["z = x * 2", "z.retain_grad()", "h = z.register_hook(lambda g: g * 10)",
     "(z * z).sum().backward()", "gz = z.grad"],
    ["h1 = x.register_hook(lambda g: g * 2)", "h2 = x.register_hook(lambda g: g + 1)",
     "(x * 1).sum().backward()"],
    ["h1 = x.register_hook(lambda g: g + 1)", "h2 = x.register_hook(lambda g: g * 2)",
     "(x * 1).sum().backward()"],
    ["h = x.register_hook(lambda g: g * 2)", "(x * 1).sum().backward()", "h.remove()",
     "(x * 1).sum().backward()"],
    ["h = x.register_hook(lambda g: g * 2)", "h.remove()", "h.remove()",
     "(x * 1).sum().backward()"],
    ["z = x * 2", "h = z.register_hook(lambda g: g * 3)", "z.mul_(2)",
     "(z * 1).sum().backward()"],
    ["h = x.register_hook(lambda g: g[0])", "(x * 1).sum().backward()"],
    ["h = x.register_hook(lambda g: g.double())", "(x * 1).sum().backward()"],
    ["t = torch.ones(2, device=dev)", "h = t.register_hook(lambda g: g)"],
    ["h = x.register_hook(lambda g: g * 2)",
     "r = torch.autograd.grad((x * x).sum(), x)", "g = x.grad"],
    ["z = x * 2", "h = z.register_hook(lambda g: g * 0)", "y = (z * z).sum() + x.sum()",
     "y.backward()"],
])
def test_tensor_hooks(lines: list[str], device: str) -> None:
    """A hook sees each gradient before retain_grad stores it; what it returns replaces the
    gradient; hooks run in registration order; handle.remove() removes one."""
    _run(lines, device)


GC = "torch.autograd.gradcheck"
D = "d = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, device=dev, requires_grad=True)"


@pytest.mark.claim("GRAD-14")
@pytest.mark.parametrize("lines", [
    [f"ok = {GC}(lambda t: (t * t).sum(), (d,))"],
    [f"ok = {GC}(lambda t: t.exp() * t, (d,))"],
    [f"ok = {GC}(lambda t: t.detach() * t, (d,))"],
    [f"ok = {GC}(lambda t: t.detach() * t, (d,), raise_exception=False)"],
    ["e = torch.ones(3, dtype=torch.float64, device=dev)",
     f"ok = {GC}(lambda t, u: (t * u).sum(), (d, e))"],
    ["e = torch.ones(3, dtype=torch.float64, device=dev, requires_grad=True)",
     f"ok = {GC}(lambda t, u: t * u.sum(), (d, e))"],
    [f"ok = {GC}(lambda t: t * 2, d, atol=1e-3, rtol=1e-2)"],
])
def test_gradcheck(lines: list[str], device: str) -> None:
    """gradcheck returns True when autograd agrees with finite differences, and raises
    GradcheckError (or returns False) when it does not."""
    assert_conforms(prog(D, *lines), device)


@pytest.mark.claim("GRAD-15")
@pytest.mark.parametrize("lines", [
    ["o = torch.empty(2, 3, device=dev)", "torch.add(x, 1, out=o)"],
    ["o = torch.empty(2, 3, device=dev)", "torch.mul(x, x, out=o)"],
    ["o = torch.empty(2, 3, device=dev, requires_grad=True)",
     "a = torch.ones(2, 3, device=dev)", "torch.add(a, 1, out=o)"],
    ["o = torch.empty(2, 3, device=dev)", "with torch.no_grad():\n    torch.add(x, 1, out=o)",
     "r = o.requires_grad"],
    ["o = torch.empty(2, 2, device=dev)", "torch.mm(x, x.t(), out=o)"],
    ["o = torch.empty(2, 2, device=dev)", "with torch.no_grad():\n    torch.mm(x, x.t(), out=o)"],
    ["o = torch.empty(2, 3, device=dev)", "d = x.detach()", "torch.add(d, 1, out=o)",
     "y = (o * x).sum()", "y.backward()"],
])
def test_out_refuses_autograd(lines: list[str], device: str) -> None:
    """out= functions raise when an input or out requires grad (grad mode on) and write out as
    usual under no_grad."""
    _run(lines, device)


@pytest.mark.claim("GRAD-16")
@pytest.mark.parametrize("lines", [
    ["c = x.clone()", "f = c.grad_fn", "(c * c).sum().backward()"],
    ["c = torch.clone(x)", "c.mul_(2)", "c.sum().backward()"],
    ["c = x.clone()", "c.retain_grad()", "(c * 3).sum().backward()", "gc = c.grad"],
    ["v = x.sum().item()", "y = x * v", "y.sum().backward()"],
    ["v = x[0, 1].item()", "t = type(v).__name__"],
    ["v = (x * x).sum().item()", "r = torch.tensor(v, device=dev).requires_grad"],
    ["c = x.clone().detach()", "f = c.grad_fn", "r = c.requires_grad"],
    ["y = x * 2", "v = y[1, 2].item()", "y.sum().backward()"],
])
def test_clone_and_item_in_autograd(lines: list[str], device: str) -> None:
    """clone() is differentiable (identity gradient); item() gives a plain number that records
    nothing."""
    _run(lines, device)


P = "p = torch.nn.Parameter(torch.tensor([[1., 2.], [3., 4.]], device=dev))"


@pytest.mark.claim("GRAD-17")
@pytest.mark.parametrize("lines", [
    [P, "r = p.requires_grad", "leaf = p.is_leaf", "q = p * 2", "k = type(q).__name__"],
    ["b = torch.ones(3, device=dev)", "p = torch.nn.Parameter(b)", "b.add_(1)",
     "v = p._version"],
    ["with torch.no_grad():\n    p = torch.nn.Parameter(torch.ones(2, device=dev))",
     "r = p.requires_grad"],
    ["p = torch.nn.Parameter(torch.ones(2, device=dev), requires_grad=False)",
     "r = p.requires_grad"],
    [P, "(p * p).sum().backward()", "g = p.grad", "k = type(p.grad).__name__"],
    [P, "p.add_(1)"],
    [P, "with torch.no_grad():\n    p.sub_(1)", "v = p._version"],
    [P, "d = p.detach()", "k = type(d).__name__", "e = p.data", "ke = type(e).__name__"],
    ["p = torch.nn.Parameter(torch.tensor([1, 2], device=dev))"],
    ["p = torch.nn.Parameter()", "s = p.shape"],
    # of an inference tensor: refused outside inference mode (the autograd state machine)
    ["with torch.inference_mode():\n    y = torch.ones(2, device=dev).sum(0)",
     "p = torch.nn.Parameter(y.detach())",
     "with torch.inference_mode():\n    q = torch.nn.Parameter(y.detach())"],
])
def test_parameter(lines: list[str], device: str) -> None:
    """nn.Parameter(data) is a leaf requiring grad (also under no_grad) that shares data's
    storage and version counter; operations on it give plain tensors."""
    _run(lines, device)


LIN = ["lin = torch.nn.Linear(3, 2, device=dev)",
       "with torch.no_grad():\n    lin.weight.copy_(torch.tensor([[1., 0., -1.], [2., 1., 0.]]))"
       "\n    lin.bias.copy_(torch.tensor([0.5, -0.5]))"]


@pytest.mark.claim("GRAD-18")
@pytest.mark.parametrize("lines", [
    ["s = lin.weight.shape", "b = lin.bias.shape", "k = type(lin.weight).__name__",
     "n = len(list(lin.parameters()))"],
    ["y = lin(x)", "f = y.grad_fn", "y.sum().backward()", "gw = lin.weight.grad",
     "gb = lin.bias.grad"],
    ["y = torch.nn.functional.linear(x, lin.weight, lin.bias)", "(y * y).sum().backward()"],
    ["y = torch.nn.functional.linear(x, lin.weight)", "y.sum().backward()"],
    ["y = lin(x[0])", "y.sum().backward()"],
    ["y = lin(x.t())"],
    ["m = torch.nn.Linear(3, 2, bias=False, device=dev)", "b = m.bias",
     "n = len(list(m.parameters()))"],
    ["y = torch.addmm(lin.bias, x, lin.weight.t())", "f = y.grad_fn", "y.sum().backward()"],
])
def test_linear(lines: list[str], device: str) -> None:
    """nn.Linear holds Parameters weight (out, in) and bias (out,); calling it computes
    x A^T + b and backward fills both grads."""
    _run(LIN + lines, device)


@pytest.mark.claim("SAVED-05", "SAVED-04")
@pytest.mark.parametrize("lines", [
    ["x.data = torch.zeros(2, 3, device=dev)", "r = x.requires_grad", "v = x._version"],
    ["(x * x).sum().backward()", "g = x.grad", "x.data = torch.ones(2, 3, device=dev)",
     "(x * x).sum().backward()"],
    ["y = x * x", "x.data = torch.ones(2, 3, device=dev)", "y.sum().backward()"],
    ["x.data *= 3", "v = x._version", "(x * x).sum().backward()"],
    ["x.data = torch.ones(4, device=dev)", "s = x.shape", "x.sum().backward()"],
    ["x.data = torch.ones(2, 3, dtype=torch.float64, device=dev)", "d = x.dtype"],
    ["x.data = torch.ones(2, 3, dtype=torch.int64, device=dev)", "d = x.dtype"],
    ["z = x * 2", "z.data = torch.zeros(2, 3, device=dev)", "f = z.grad_fn",
     "z.sum().backward()"],
    ["x.data = [1., 2.]"],
    # sqrt saves its output as data: swapping y's data afterwards does not change backward.
    ["y = (x.abs() + 1).sqrt()", "y.data = torch.ones(2, 3, device=dev)", "y.sum().backward()"],
    # ... and the saved output keeps its place in the graph: with create_graph the gradient
    # records a node leading to it (the merged ci state machine found the model's leaf).
    ["y = x.exp()", "y.data = torch.ones(2, 3, device=dev)",
     "(g,) = torch.autograd.grad(y.sum(), [x], create_graph=True)", "f = g.grad_fn"],
    ["y = (x.abs() + 1).sqrt()", "y.detach().mul_(2)", "y.data = torch.ones(4, device=dev)",
     "y.sum().backward()"],
])
def test_data_assignment(lines: list[str], device: str) -> None:
    """x.data = t swaps x's values without autograd seeing it: requires_grad, grad_fn, .grad
    and the version counter stay."""
    _run(lines, device)


@pytest.mark.claim("OPTIM-04")
@pytest.mark.parametrize("lines", [
    ["y = lin(x)", "y.sum().backward()", "lin.zero_grad()", "g = lin.weight.grad"],
    ["y = lin(x)", "y.sum().backward()", "g = lin.weight.grad",
     "lin.zero_grad(set_to_none=False)", "same = lin.weight.grad is g"],
    ["lin.zero_grad(set_to_none=False)", "g = lin.weight.grad"],
    ["y = lin(x)", "y.sum().backward(create_graph=True)", "g = lin.bias.grad",
     "lin.zero_grad(set_to_none=False)", "f = lin.bias.grad.grad_fn"],
    ["names = [n for n, _ in lin.named_parameters()]",
     "ps = [p.shape for p in lin.parameters()]"],
])
def test_module_zero_grad(lines: list[str], device: str) -> None:
    """Module.zero_grad sets every parameter's .grad to None by default, and zeroes it in place
    (detached) with set_to_none=False."""
    _run(LIN + lines, device)


W = "w = torch.tensor([1., -2., 3.], device=dev, requires_grad=True)"


def _sgd(options: str, steps: int = 3) -> list[str]:
    lines = [W, f"opt = torch.optim.SGD([w], {options})"]
    for k in range(steps):
        lines += [f"((w - {k}) ** 2).sum().backward()", "opt.step()", "opt.zero_grad()"]
    return lines


@pytest.mark.claim("OPTIM-05")
@pytest.mark.parametrize("options", [
    "lr=0.1", "lr=0.1, momentum=0.9", "lr=0.1, momentum=0.9, dampening=0.5",
    "lr=0.1, momentum=0.9, nesterov=True", "lr=0.1, weight_decay=0.1",
    "lr=0.1, momentum=0.5, weight_decay=0.1, nesterov=True", "lr=0.1, maximize=True",
    "lr=0.1, momentum=0.9, maximize=True, weight_decay=0.01",
])
def test_sgd_variants(options: str, device: str) -> None:
    """SGD's update with momentum, dampening, weight decay, Nesterov and maximize, over three
    steps (the momentum buffer starts as the first gradient)."""
    assert_conforms(prog(*_sgd(options)), device)


@pytest.mark.claim("OPTIM-05", "OPTIM-01")
@pytest.mark.parametrize("lines", [
    ["opt = torch.optim.SGD([w], lr=-0.1)"],
    ["opt = torch.optim.SGD([w], lr=0.1, momentum=-1)"],
    ["opt = torch.optim.SGD([w], lr=0.1, weight_decay=-1)"],
    ["opt = torch.optim.SGD([w], lr=0.1, nesterov=True)"],
    ["opt = torch.optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)"],
    ["u = torch.ones(3, device=dev, requires_grad=True)",
     "opt = torch.optim.SGD([w, u], lr=0.1, momentum=0.9, weight_decay=0.5)",
     "(w * w).sum().backward()", "opt.step()", "u.grad = torch.zeros(3, device=dev)",
     "opt.step()"],
    ["opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)", "w.grad = torch.ones(3, device=dev)",
     "opt.step()", "w.grad = torch.ones(3, device=dev)", "opt.step()"],
])
def test_sgd_settings_and_skips(lines: list[str], device: str) -> None:
    """Invalid settings raise ValueError; parameters without a grad are skipped, a zero grad
    still decays."""
    assert_conforms(prog(W, *lines), device)


T = "t = torch.tensor([2, 0, 1, 2], device=dev)"
Z = "z = torch.tensor([[1., -2., 3.], [4., 5., -6.], [0., 1., 0.], [2., 2., -1.]], " \
    "device=dev, requires_grad=True)"
CW = "cw = torch.tensor([1., 2., 0.5], device=dev)"
F = "torch.nn.functional"


@pytest.mark.claim("LOSS-05")
@pytest.mark.parametrize("call", [
    f"{F}.cross_entropy(z, t, weight=cw)",
    f"{F}.cross_entropy(z, t, weight=cw, reduction='sum')",
    f"{F}.cross_entropy(z, t, weight=cw, reduction='none')",
    f"{F}.cross_entropy(z, torch.tensor([2, -100, 1, 0], device=dev), weight=cw)",
    f"{F}.cross_entropy(z, t, weight=cw, ignore_index=2)",
    f"{F}.nll_loss(z.log_softmax(1), t, weight=cw)",
    f"{F}.nll_loss(z.log_softmax(1), t, weight=cw, reduction='none')",
    f"{F}.cross_entropy(z, t, label_smoothing=0.1)",
    f"{F}.cross_entropy(z, t, weight=cw, label_smoothing=0.2)",
    f"{F}.cross_entropy(z, t, weight=cw, label_smoothing=0.2, reduction='sum')",
    f"{F}.cross_entropy(z, t, weight=torch.ones(2, device=dev))",
    f"{F}.cross_entropy(z, t, label_smoothing=1.5)",
])
def test_weighted_losses(call: str, device: str) -> None:
    """Class weights weigh each target's loss by weight[target] and 'mean' divides by the
    summed weights that count; label_smoothing mixes in the uniform distribution."""
    assert_conforms(prog(Z, T, CW, f"loss = {call}", "loss.sum().backward()"), device)
