"""Reductions, sorting and whole-tensor comparisons: max/min, argmax/argmin, all/any, prod,
cumsum, std/var, norm, sort/topk, allclose/equal, and their gradients.

Each case is a short program whose every fact (values, dtypes, strides, errors, warnings,
graphs, gradients) torch and the reference must agree on; the random arith programs draw the
same ops on tensors of every layout.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.generate.strategies import Drafter, dtypes, shapes, source
from conformance.program import Program, prog
from conformance.pytest_plugin.harness import META_GRADS, assert_conforms

DATA = "every program reads tensor data"
X = "x = torch.tensor([[1., 3., 3.], [2., 2., 0.]], device=dev)"
NAN = "n = torch.tensor([1., float('nan'), 3., float('nan')], device=dev)"
PERM = "p = torch.arange(24., device=dev).reshape(2, 3, 4).permute(2, 0, 1)"


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("MATH-07")
@pytest.mark.parametrize("lines", [
    [X, "a = torch.max(x)", "b = torch.max(x, 1)", "v, i = b.values, b.indices",
     "c = x.min(0, keepdim=True)", "d = torch.min(x, dim=-1)"],
    [X, "a = x.t().max(0)", "b = x.t().min(1, keepdim=True)", PERM, "c = p.max(1)"],
    [NAN, "a = n.max()", "b = n.max(0)", "c = n.min(0)", "d = n.min()"],
    ["b = torch.tensor([True, False], device=dev)", "a = b.max()", "c = b.min(0)"],
    ["z = torch.tensor(2.5, device=dev)", "a = z.max(0)", "b = z.min(-1, keepdim=True)",
     "c = z.max()"],
    ["e = torch.ones(0, 3, device=dev)", "a = e.max(1)", "b = e.max()"],
    ["e = torch.ones(0, 3, device=dev)", "a = e.min(0)"],
    ["c = torch.tensor([1 + 1j, 2j], device=dev)", "a = c.max()"],
    ["c = torch.tensor([1 + 1j, 2j], device=dev)", "a = c.min(0)"],
    ["i = torch.tensor([[4, -1, 4], [0, 7, 7]], dtype=torch.int16, device=dev)",
     "a = i.max(1)", "b = i.min()"],
], ids=["values-indices", "layouts", "nan", "bool", "0-dim", "empty", "empty-dim", "complex",
        "complex-dim", "int16"])
def test_max_min(lines: list[str], device: str) -> None:
    """max/min: the extreme element, or (values, indices) along dim with the first index of
    equal extremes; NaN propagates; empty inputs need a dim of non-zero size."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("MATH-08")
@pytest.mark.parametrize("lines", [
    [X, "a = x.argmax()", "b = x.argmin(1)", "c = torch.argmax(x, 1, keepdim=True)",
     "d = x.argmin(keepdim=True)", "e = x.t().argmax(0)"],
    [NAN, "a = n.argmax()", "b = n.argmin()"],
    ["z = torch.tensor(2.5, device=dev)", "a = z.argmax(0)", "b = z.argmin()"],
    ["e = torch.ones(0, device=dev)", "a = e.argmax()"],
    ["e = torch.ones(0, 3, device=dev)", "a = e.argmax(1)", "b = e.argmin(0)"],
    ["b = torch.tensor([True, False], device=dev)", "a = b.argmax()"],
    ["c = torch.tensor([1 + 1j, 2j], device=dev)", "a = c.argmin()"],
], ids=["ties", "nan", "0-dim", "empty", "empty-dim", "bool", "complex"])
def test_argmax_argmin(lines: list[str], device: str) -> None:
    """argmax/argmin: int64 indices of the first extreme value."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("MATH-09")
@pytest.mark.parametrize("lines", [
    [X, "a = x.all()", "b = x.any(1)", "c = torch.all(x, 0, keepdim=True)",
     "d = x.all(dim=(0, 1))", "e = x.t().any(0)"],
    ["u = torch.tensor([[2, 0], [1, 1]], dtype=torch.uint8, device=dev)", "a = u.all(1)",
     "b = u.any()", "c = (u > 0).all(0)"],
    ["e = torch.ones(0, device=dev)", "a = e.all()", "b = e.any()",
     "f = torch.ones(2, 0, device=dev)", "c = f.all(1)", "d = f.any(1)"],
    [NAN, "a = n.all()", "c = torch.tensor([0j, 1j], device=dev)", "b = c.any()",
     "d = c.all()"],
], ids=["float", "uint8", "empty", "nan-complex"])
def test_all_any(lines: list[str], device: str) -> None:
    """all/any: bool results (uint8 for uint8 inputs); empty tensors are all-True and
    any-False."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("MATH-10")
@pytest.mark.parametrize("lines", [
    [X, "a = x.prod()", "b = x.prod(1)", "c = torch.prod(x, 0, keepdim=True)",
     "d = x.prod(dtype=torch.float64)"],
    ["i = torch.tensor([[1, 2], [3, 4]], dtype=torch.int8, device=dev)", "a = i.prod()",
     "b = i.prod(1)", "c = torch.tensor([True, False], device=dev).prod()",
     "d = torch.ones(0, device=dev).prod()"],
    [X, "a = x.cumsum(1)", "b = x.t().cumsum(0)", "c = torch.cumsum(x, -1, dtype=torch.float64)",
     "d = torch.tensor(3., device=dev).cumsum(0)"],
    ["i = torch.tensor([[1, 2], [3, 4]], dtype=torch.int16, device=dev)", "a = i.cumsum(0)",
     "b = torch.tensor([True, True], device=dev).cumsum(0)",
     "c = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float16, device=dev).cumsum(0)"],
    ["o = torch.empty(5, dtype=torch.int64, device=dev)",
     "r = torch.cumsum(torch.tensor([1.5, 2.5], device=dev), 0, out=o)", "same = r is o",
     "e = torch.empty(0, device=dev)", "s = torch.cumsum(torch.ones(3, device=dev), 0, out=e)"],
    ["a = torch.tensor([1, 2], device=dev).cumsum(1)"],
], ids=["prod", "prod-int", "cumsum", "cumsum-int", "cumsum-out", "cumsum-dim"])
def test_prod_cumsum(lines: list[str], device: str) -> None:
    """prod and cumsum: products and running sums; integer and bool inputs give int64."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("MATH-11")
@pytest.mark.parametrize("lines", [
    [X, "a = x.std()", "b = x.var(1)", "c = x.std(1, unbiased=False)",
     "d = x.var(1, correction=2)", "e = x.std(1, True, True)", "f = torch.var(x, False)",
     "g = x.std(dim=(0, 1))", "h = x.t().var(0, keepdim=True)"],
    [X, "a = x.std(1, correction=3)"],
    ["a = torch.ones(1, device=dev).std()"],
    ["a = torch.ones(0, 3, device=dev).var(0)"],
    ["c = torch.tensor([1 + 1j, 2j, -1.], device=dev)", "a = c.var()", "b = c.std(0)"],
    ["i = torch.tensor([1, 2], device=dev)", "a = i.var()"],
], ids=["forms", "dof-zero", "one-element", "empty", "complex", "int"])
def test_std_var(lines: list[str], device: str) -> None:
    """var and std: the correction (Bessel's by default), the warning when it is not below N,
    complex inputs give real results, integer inputs raise."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("MATH-12")
@pytest.mark.parametrize("lines", [
    ["x = torch.tensor([[1., 3., 3.], [2., -2., 0.]], device=dev)", "a = x.norm()",
     "b = x.norm(1)", "c = torch.norm(x, float('inf'))", "d = x.norm(dim=1)",
     "e = x.norm(p=1, dim=1, keepdim=True)", "f = x.norm(0)", "g = x.norm(3, dim=(0, 1))",
     "h = x.norm(-float('inf'))", "i = x.norm(p='fro', dim=1)", "j = x.norm(0.5)",
     "k = x.norm(dtype=torch.float64)"],
    ["c = torch.tensor([3 + 4j, 0j], device=dev)", "a = c.norm()", "b = c.norm(1)"],
    ["e = torch.ones(0, device=dev)", "a = e.norm()",
     "b = torch.ones(0, 2, device=dev).norm(float('inf'), dim=1)"],
    ["a = torch.ones(0, 2, device=dev).norm(float('inf'))"],
    ["a = torch.tensor([1, 2], device=dev).norm()"],
], ids=["p", "complex", "empty", "empty-inf", "int"])
def test_norm(lines: list[str], device: str) -> None:
    """norm: the vector p-norm over dim, real-valued; integer inputs raise, and inf/negative
    orders have no value for empty inputs."""
    assert_conforms(prog(*lines), device)


S = "s = torch.tensor([[3., 1., 2., 1.], [0., 0., 5., -1.]], device=dev)"


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("MATH-13")
@pytest.mark.parametrize("lines", [
    [S, "a = torch.sort(s)", "b = s.sort(0)", "c = s.sort(1, descending=True)",
     "d = torch.sort(s, stable=True)", "e = torch.sort(s, descending=True, stable=True)"],
    [S, "a = torch.sort(s.t(), 0)", PERM, "b = torch.sort(p, 1)",
     "c = torch.sort(p[:, :, :2], 0)", "d = p[::2].sort(0)"],
    [NAN, "a = torch.sort(n)", "b = n.sort(descending=True, stable=True)", "c = n.topk(2)",
     "d = n.topk(2, largest=False)"],
    ["z = torch.tensor(3., device=dev)", "a = z.sort()", "b = torch.topk(z, 1)",
     "e = z.topk(0, 0, largest=False)",
     "c = torch.ones(0, device=dev).sort()", "d = torch.tensor([True, False], device=dev).sort()"],
    [S, "a = torch.sort(s, 0, stable=True)"],
    [S, "a = torch.topk(s, 2)", "b = s.topk(2, largest=False)", "c = s.topk(0)",
     "d = s.t().topk(2, 0)", "e = s.topk(3, sorted=False)"],
    [S, "a = s.topk(5)"],
    ["c = torch.tensor([1 + 1j, 2j], device=dev)", "a = c.sort()"],
    ["b = torch.tensor([True, False], device=dev)", "a = b.topk(1)"],
], ids=["sort", "sort-layout", "nan", "0-dim", "stable-keyword-dim", "topk", "topk-k",
        "complex", "topk-bool"])
def test_sort_topk(lines: list[str], device: str) -> None:
    """sort: sorted values and the indices that give them (NaN sorts last), laid out as the
    input; topk: the k largest or smallest, contiguous. Indices of equal elements are open
    unless the sort is stable."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("MATH-14")
@pytest.mark.parametrize("lines", [
    ["a = torch.tensor([1., 2.], device=dev)", "b = torch.tensor([1., 2.0000001], device=dev)",
     "r1 = torch.allclose(a, b)", "r2 = a.allclose(b, rtol=0, atol=0)",
     "r3 = torch.allclose(a, torch.tensor(1., device=dev), atol=1.5)",
     "r4 = torch.allclose(a, a + 1e-3)", "r5 = torch.allclose(a, a + 1e-3, rtol=1e-3)"],
    ["n = torch.tensor([float('nan'), float('inf')], device=dev)",
     "r1 = torch.allclose(n, n)", "r2 = torch.allclose(n, n, equal_nan=True)",
     "r3 = torch.equal(n, n)"],
    ["i = torch.tensor([1, 2], device=dev)", "r1 = torch.allclose(i, i + 1, atol=1)",
     "f = torch.tensor([1., 2.], device=dev)", "r2 = torch.equal(f, i)",
     "r3 = torch.equal(f, f.clone())", "r4 = f.equal(torch.tensor([1., 2., 3.], device=dev))",
     "r5 = torch.equal(torch.ones(2, 1, device=dev), torch.ones(1, 2, device=dev))",
     "r6 = torch.equal(f, f.t())"],
    ["a = torch.tensor([1., 2.], device=dev)", "r = torch.allclose(a, a.double())"],
    ["a = torch.tensor([1., 2.], device=dev)", "r = torch.allclose(a, torch.ones(3, device=dev))"],
], ids=["tolerances", "nan-inf", "equal", "dtypes", "shapes"])
def test_allclose_equal(lines: list[str], device: str) -> None:
    """allclose: within atol + rtol * |other| everywhere, one dtype, broadcast; equal: same
    size and elements after promotion."""
    assert_conforms(prog(*lines), device)


@st.composite
def _reduced(draw: st.DrawFn) -> Program:
    """A tensor of any dtype and layout, then a reduction of the family drawn on it."""
    d = Drafter(draw)
    x = source(d, dtype=draw(dtypes("real"), label="dtype"),
               shape=draw(shapes(min_dims=1, min_side=1), label="shape"))
    nd = d.value(x).dim()
    k = draw(st.integers(-nd, nd - 1), label="dim")
    keep = draw(st.booleans(), label="keepdim")
    op = draw(st.sampled_from([f"torch.max({x}, {k}, {keep})", f"{x}.min({k})",
                               f"{x}.argmax({k}, {keep})", f"{x}.all({k})",
                               f"{x}.prod({k}, {keep})", f"{x}.cumsum({k})",
                               f"torch.sort({x}, dim={k}, stable=True)", f"{x}.topk(1, {k})"]),
                   label="op")
    d.add(f"r = {op}", "r")
    return d.program()


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("MATH-07", "MATH-08", "MATH-09", "MATH-10", "MATH-13")
@given(program=_reduced())
def test_reductions_on_every_layout(program: Program, device: str) -> None:
    """The reductions along a dim, on tensors of every real dtype and layout (transposed,
    strided, offset, expanded)."""
    assert_conforms(program, device)


GRAD_OPS = {
    "max": "x.max()", "max-dim": "x.max(1)[0]", "min-keepdim": "x.min(0, keepdim=True).values",
    "prod": "x.prod()", "prod-dim": "x.prod(1)", "std": "x.std()", "var-dim": "x.var(0)",
    "std-correction": "x.std(1, correction=0, keepdim=True)", "norm": "x.norm()",
    "norm-1": "x.norm(1, dim=1)", "norm-inf": "x.norm(float('inf'))", "norm-3": "x.norm(3)",
    "norm-half": "x.norm(0.5, dim=0)", "cumsum": "x.cumsum(1)", "sort": "x.sort(1)[0]",
    "sort-desc": "x.sort(0, descending=True).values", "topk": "x.topk(2, 1)[0]",
    "cat": "torch.cat([x, x * 2])", "cat-dim": "torch.cat([x, x], 1)",
    "stack": "torch.stack([x, x], 2)", "flip": "x.flip(0)", "unfold": "x.unfold(1, 2, 1)",
    "tensor_split": "torch.tensor_split(x, 2, 1)[0]", "split_with_sizes":
    "x.split_with_sizes([1, 2], 1)[1]", "unflatten": "x.unflatten(1, (3, 1))",
    "adjoint": "x.adjoint()",
}
GRAD_VALUES = {"distinct": "[[1.5, -2., 3.], [0.5, 4., -1.]]",
               "ties-zeros": "[[0., 3., 3.], [3., 0., 5.]]"}


@pytest.mark.no_meta(META_GRADS)
@pytest.mark.claim("MATH-15")
@pytest.mark.parametrize("values", sorted(GRAD_VALUES))
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
@pytest.mark.parametrize("op", sorted(GRAD_OPS))
def test_gradients(op: str, layout: str, values: str, device: str) -> None:
    """The gradients of the reductions, sorting, joining and composite views: values,
    layouts and versions of .grad, graphs, and the tensors each node saves."""
    lay = ".t().contiguous().t()" if layout == "transposed" else ""
    assert_conforms(prog(
        f"x = torch.tensor({GRAD_VALUES[values]}, device=dev){lay}.requires_grad_()",
        f"y = {GRAD_OPS[op]}",
        "w = torch.arange(1., y.numel() + 1, device=dev).reshape(y.shape)",
        "y.backward(w)", "g = x.grad"), device)


@pytest.mark.no_meta(META_GRADS)
@pytest.mark.claim("MATH-15")
@pytest.mark.parametrize("lines", [
    ["x = torch.tensor([[1.5, -2., 3.], [0.5, 4., -1.]], device=dev, requires_grad=True)",
     "r = x.max(1)", "r.indices.add_(0)", "r.values.sum().backward()"],
    ["x = torch.tensor([[1.5, -2., 3.], [0.5, 4., -1.]], device=dev, requires_grad=True)",
     "y = x * 1", "m = y.prod()", "y.add_(1)", "m.backward()"],
    ["x = torch.tensor([[1.5, -2., 3.], [0.5, 4., -1.]], device=dev, requires_grad=True)",
     "y = x * 1", "c = torch.cat([y, y])", "y.add_(1)", "c.sum().backward()", "g = x.grad"],
    ["x = torch.tensor([[1.5, -2., 3.], [0.5, 4., -1.]], device=dev, requires_grad=True)",
     "y = torch.cat([x, x.to(torch.float64)])", "y.sum().backward()", "g = x.grad",
     "a = x.argmax()", "b = x.all()", "s = x.sort(0)", "t = x.topk(1)"],
    ["x = torch.tensor([[1.5, -2., 3.], [0.5, 4., -1.]], device=dev, requires_grad=True)",
     "y = x.norm()", "(g,) = torch.autograd.grad(y, x, create_graph=True)",
     "g.sum().backward()", "h = x.grad"],
], ids=["saved-indices", "saved-self", "cat-saves-nothing", "dtypes-and-integer-results",
        "double-backward"])
def test_saved_tensors_and_integer_results(lines: list[str], device: str) -> None:
    """What the nodes save (a modified saved tensor fails backward), integer results that
    never require grad, and double backward through the norm."""
    assert_conforms(prog(*lines), device)
