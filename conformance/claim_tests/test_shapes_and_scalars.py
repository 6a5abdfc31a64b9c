"""Python scalars from tensors, matrix-product shape rules, broadcasting and expand, writes to
expanded tensors, out= resizing and autograd, resize_, and the composite views (tensor_split,
h/v/dsplit, split_with_sizes, unflatten, unfold, adjoint, H, mH, real, imag, view_as_real),
case by case."""

from __future__ import annotations

import pytest
from hypothesis import given

from conformance.generate.strategies import shapes
from conformance.program import prog
from conformance.pytest_plugin.harness import assert_conforms

DATA = "every program reads tensor data"


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("ITEM-01", "ITEM-03")
@pytest.mark.parametrize("lines", [
    ["a = torch.ones(1, 1, 1, device=dev) * 2.5", "v = a.item()", "f = float(a)", "i = int(a)",
     "c = complex(a)", "b = bool(a)", "n = int(torch.tensor([[-2.7]], device=dev))"],
    ["a = torch.ones(2, device=dev)", "v = a.item()"],
    ["a = torch.ones(2, device=dev)", "v = float(a)"],
    ["a = torch.ones(3, dtype=torch.int64, device=dev)", "v = int(a)"],
    ["a = torch.ones(0, device=dev)", "v = float(a)"],
    ["a = torch.ones(2, dtype=torch.complex64, device=dev)", "v = complex(a)"],
    ["a = torch.ones(0, device=dev)", "v = a.item()"],
    ["x = torch.tensor([3.5], device=dev, requires_grad=True)", "y = x * 2", "v = y.item()",
     "f = float(y)", "i = int(y)", "c = complex(x)",
     "with torch.no_grad():\n    g = float(x)"],
    ["torch.set_warn_always(True)", "x = torch.tensor([3.5], device=dev, requires_grad=True)",
     "f = float(x)", "g = float(x)", "c = complex(x)", "torch.set_warn_always(False)"],
    ["x = torch.ones(2, device=dev, requires_grad=True)", "f = float(x)"],
], ids=["one-element", "item-many", "float-many", "int-many", "float-empty", "complex-many",
        "item-empty", "requires-grad", "requires-grad-warn-always", "requires-grad-many"])
def test_python_scalars(lines: list[str], device: str) -> None:
    """item(), float(), int(), complex() need one element: item() raises RuntimeError,
    the others ValueError; float() and complex() of a tensor that requires grad warn."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("MATH-03", "MATH-04", "MATH-05")
@pytest.mark.parametrize("lines", [
    ["a = torch.mm(torch.ones(2, 3, 4, device=dev), torch.ones(4, 2, device=dev))"],
    ["a = torch.mm(torch.ones(2, 3, device=dev), torch.ones(2, 3, device=dev))"],
    pytest.param(["a = torch.mm(torch.ones(2, 3, dtype=torch.int64, device=dev), "
                  "torch.ones(3, 2, device=dev))"], marks=pytest.mark.no_meta(
        "meta's mm does not check that both matrices have one dtype")),
    ["a = torch.ones(2, 3, 4, device=dev).bmm(torch.ones(3, 4, 5, device=dev))"],
    ["a = torch.ones(1, 3, 4, device=dev).bmm(torch.ones(4, 4, 5, device=dev))"],
    ["a = torch.ones(3, 4, device=dev).bmm(torch.ones(3, 4, 5, device=dev))"],
    ["a = torch.ones(2, 3, 4, device=dev).bmm(torch.ones(2, 3, 5, device=dev))"],
    ["a = torch.arange(24., device=dev).reshape(2, 3, 4)",
     "b = torch.arange(40., device=dev).reshape(2, 4, 5)", "c = torch.bmm(a, b)",
     "d = torch.mm(a[1], b[1])", "e = torch.ones(5, 2, 3, device=dev) @ torch.ones(3, 4, "
     "device=dev)", "f = torch.matmul(torch.ones(2, 1, 2, 3, device=dev), torch.ones(3, 3, 1, "
     "device=dev))"],
], ids=["mm-3d", "mm-inner", "mm-dtypes", "bmm-batch", "bmm-no-broadcast", "bmm-2d",
        "bmm-inner", "values"])
def test_matrix_product_rules(lines: list[str], device: str) -> None:
    """mm needs two matrices of one dtype, bmm batches of equal size (no broadcasting);
    matmul broadcasts batch dims."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("BCAST-01")
@given(a=shapes(max_dims=3), b=shapes(max_dims=3))
def test_broadcast_rule(a: tuple[int, ...], b: tuple[int, ...], device: str) -> None:
    """The shape of a + b follows the rule, or both raise the same error."""
    assert_conforms(prog(f"r = torch.ones({a}, device=dev) + torch.ones({b}, device=dev)"),
                    device)


@pytest.mark.claim("BCAST-01", "BCAST-03", "BCAST-05")
@pytest.mark.parametrize("lines", [
    ["a = torch.tensor(1., device=dev) + torch.ones(2, 2, device=dev)",
     "b = torch.ones(0, device=dev) + torch.ones(2, 1, device=dev)",
     "c = torch.ones(4, 1, device=dev) + torch.ones(4, device=dev)"],
    ["a = torch.ones(0, device=dev) + torch.ones(2, 2, device=dev)"],
    ["a = torch.ones(4, device=dev) + torch.ones(2, 2, device=dev)"],
    ["a = torch.ones(2, device=dev) * torch.ones(3, 1, 3, device=dev)"],
    ["x = torch.ones(3, 1, device=dev)", "a = x.expand(-1, 4)", "b = x.broadcast_to((2, 3, 4))",
     "c = x.expand(2, -1, 1)", "d = torch.broadcast_to(x, (3, 0))"],
    ["a = torch.ones(2, 3, device=dev).expand(3, 4)"],
    ["a = torch.ones(2, 3, device=dev).expand(-1, 2, 3)"],
    ["a = torch.ones(2, 3, device=dev).expand(3)"],
], ids=["zero-dim-and-empty", "empty-vs-2", "legacy-same-numel", "mismatch", "expand",
        "expand-non-singleton", "expand-leading-minus-one", "expand-fewer"])
def test_broadcasting_and_expand(lines: list[str], device: str) -> None:
    """0-dim tensors broadcast with anything, size 0 only against 1 or 0; no legacy
    same-numel rule; expand/broadcast_to grow size-1 dims only."""
    assert_conforms(prog(*lines), device)


E = "e = torch.tensor([[1., 2., 3.]], device=dev).expand(2, 3)"


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("INPLACE-05")
@pytest.mark.parametrize("lines", [
    [E, "e.fill_(2)", "e.zero_()", "e[1, 0] = 5", "e[0] = torch.tensor(6., device=dev)"],
    [E, "e.add_(1)"], [E, "e.mul_(2)"], [E, "e.copy_(torch.ones(2, 3, device=dev))"],
    [E, "e[:, 0] = 7"], [E, "e[:, 0] = torch.tensor([7., 8.], device=dev)"],
], ids=["allowed", "add_", "mul_", "copy_", "column-scalar", "column-tensor"])
def test_writes_to_expanded_tensors(lines: list[str], device: str) -> None:
    """The overlap check is per op: fill_, zero_ and single-element writes to a stride-0
    tensor succeed; add_, mul_, copy_ and column assignment raise."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("OUT-01", "OUT-02", "OUT-05", "OUT-06")
@pytest.mark.parametrize("lines", [
    ["o = torch.zeros(4, device=dev)[::2]", "r = torch.add(torch.ones(2, device=dev), 1, out=o)",
     "t = torch.zeros(3, 2, device=dev).t()",
     "s = torch.mul(torch.ones(2, 3, device=dev), 2, out=t)"],
    ["y = torch.arange(12., device=dev).reshape(3, 4)", "o = torch.zeros(5, device=dev)",
     "r = torch.index_select(y, 0, torch.tensor([0, 2], device=dev), out=o)",
     "e = torch.zeros(0, device=dev)",
     "s = torch.index_select(y, 1, torch.tensor([1], device=dev), out=e)"],
    ["base = torch.zeros(4, device=dev)", "o = base[:2]",
     "r = torch.add(torch.ones(3, device=dev), 1, out=o)", "b2 = torch.zeros(4, device=dev)",
     "r2 = torch.add(torch.ones(5, device=dev), 1, out=b2[1:3])"],
    ["o = torch.from_numpy(np.zeros(2, dtype=np.float32))",
     "r = torch.add(torch.ones(3, device=dev), 1, out=o)"],
], ids=["strided-out", "index_select-resize", "view-out-grows", "from-numpy-out"])
def test_out_rules(lines: list[str], device: str) -> None:
    """out= keeps a right-shaped out's strides, resizes a wrong one (warning unless empty,
    index_select included), and grows the storage an out view shares."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("INPLACE-07")
@pytest.mark.parametrize("lines", [
    ["x = torch.arange(6., device=dev)", "r = x.resize_(2, 3)", "same = r is x",
     "x.resize_(4, 4)", "x.resize_(1)", "x.resize_((2, 2))", "x.resize_(2, 2)"],
    ["t = torch.arange(6., device=dev).reshape(2, 3).t()", "t.resize_(3, 2)",
     "u = torch.arange(6., device=dev).reshape(2, 3).t()", "u.resize_(2, 3)",
     "e = torch.ones(1, device=dev).expand(3)", "e.resize_(3)", "e.resize_(4)"],
    ["b = torch.arange(6., device=dev)", "v = b[2:4]", "v.resize_(3)", "v.resize_(6)"],
    ["y = torch.ones(2, 3, 4, 5, device=dev)",
     "y.resize_(2, 3, 4, 5, memory_format=torch.channels_last)", "y.resize_(2, 3, 4, 5)",
     "z = torch.ones(2, 3, device=dev).resize_(1, 2, 2, 2, memory_format=torch.channels_last)"],
    ["x = torch.ones(2, device=dev, requires_grad=True)", "x.resize_(3)"],
    ["x = torch.ones(2, device=dev)", "x.resize_(2, memory_format=torch.channels_last)"],
], ids=["sizes", "same-size-keeps-strides", "view-grows-storage", "memory-format",
        "requires-grad", "channels-last-rank"])
def test_resize_(lines: list[str], device: str) -> None:
    """resize_: self returned, contiguous strides for a new size (the version bumped), the
    same size untouched, storage grown, new elements uninitialized."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("INPLACE-07", "OUT-06")
def test_resize_from_numpy(device: str) -> None:
    """A tensor sharing a NumPy array's memory shrinks but cannot grow."""
    assert_conforms(prog("x = torch.from_numpy(np.ones(2))", "x.resize_(1)", "x.resize_(2, 1)",
                         "x.resize_(3)"), device)


Y = "y = torch.arange(12., device=dev).reshape(3, 4)"
Z = "z = torch.tensor([[1 + 2j, 3 - 1j], [0j, 1j]], device=dev)"


@pytest.mark.claim("VIEW-04", "VIEW-01", "VIEW-02")
@pytest.mark.parametrize("lines", [
    [Y, "a = y.split_with_sizes([1, 2])", "b = torch.split_with_sizes(y, [2, 2], 1)",
     "c = torch.tensor_split(torch.arange(7, device=dev), 3)",
     "d = torch.tensor_split(torch.arange(7, device=dev), (1, 5))",
     "e = y.tensor_split([1, 9], 1)", "f = y.tensor_split([3, 1])", "g = y.hsplit(2)",
     "h = y.hsplit([1, 3])", "i = torch.vsplit(y, 3)", "j = torch.ones(2, 2, 4, "
     "device=dev).dsplit([1])", "a[0].fill_(-1)", "g[1].fill_(-2)"],
    [Y, "a = y.split_with_sizes([1, 1])"], [Y, "a = y.split_with_sizes([1, 1], -1)"],
    [Y, "a = y.split_with_sizes([-1, 4])"],
    [Y, "a = y.tensor_split(0)"], ["a = torch.tensor(1., device=dev).tensor_split(2)"],
    [Y, "a = y.hsplit(3)"], [Y, "a = y.hsplit(0)"],
    ["a = torch.tensor(1., device=dev).hsplit(1)"], [Y, "a = y.vsplit(2)"],
    ["a = torch.arange(6, device=dev).vsplit(2)"],
], ids=["splits", "sizes-sum", "sizes-sum-negative-dim", "sizes-negative", "sections-zero",
        "0-dim", "hsplit-divide", "hsplit-zero", "hsplit-0-dim", "vsplit-divide", "vsplit-1-d"])
def test_split_views(lines: list[str], device: str) -> None:
    """split_with_sizes, tensor_split, hsplit, vsplit, dsplit: views of the input, their sizes
    and their errors."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("VIEW-04", "VIEW-01", "VIEW-02")
@pytest.mark.parametrize("lines", [
    [Y, "a = y.unflatten(1, (2, 2))", "b = y.t().unflatten(0, (2, -1))",
     "c = torch.unflatten(y, -1, [4])", "d = y.t().unflatten(1, (1, 3))", "a.fill_(0)"],
    [Y, "a = y.unflatten(1, (3, 2))"], [Y, "a = y.unflatten(1, ())"],
    [Y, "a = y.unflatten(1, (-1, -1))"],
    ["a = torch.ones(0, 3, device=dev).unflatten(0, (0, -1))"],
    [Y, "a = y.unfold(1, 2, 1)", "b = y.unfold(0, 2, 2)",
     "c = torch.tensor(3., device=dev).unfold(0, 1, 1)", "d = y.unfold(1, 0, 1)",
     "e = y.unfold(-1, 3, 2)", "f = y.t().unfold(0, 2, 1)", "g = y[1:].unfold(1, 2, 1)",
     "a.fill_(1)"],
    [Y, "a = y.unfold(1, 5, 1)"], [Y, "a = y.unfold(1, 2, 0)"], [Y, "a = y.unfold(1, -1, 1)"],
], ids=["unflatten", "unflatten-sizes", "unflatten-empty", "unflatten-two-minus-one",
        "unflatten-ambiguous", "unfold", "unfold-size", "unfold-step", "unfold-negative"])
def test_unflatten_unfold(lines: list[str], device: str) -> None:
    """unflatten (a view splitting one dim) and unfold (windows as a view: the dim's stride
    times step, a new dim of size size)."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("VIEW-04", "VIEW-01", "BRIDGE-08")
@pytest.mark.parametrize("lines", [
    [Y, Z, "a = y.adjoint()", "b = z.adjoint()", "c = torch.ones(2, 3, 4, device=dev).mH",
     "d = y.H", "e = z.H", "f = z.mH", "g = torch.adjoint(z)"],
    ["a = torch.ones(3, device=dev).adjoint()"], ["a = torch.ones(3, device=dev).H"],
    ["a = torch.ones(2, 2, 2, device=dev).H"], ["a = torch.ones(3, device=dev).mH"],
    [Y, Z, "a = y.real", "same = a is y", "b = z.real", "c = z.imag", "d = z.t().real",
     "e = z[1].imag", "f = torch.view_as_real(z)", "g = torch.view_as_real(z.t())",
     "h = torch.view_as_real(torch.tensor(1j, device=dev))", "i = z.conj().real",
     "k = torch.real(z)", "m = torch.view_as_real(torch.ones(3, dtype=torch.complex128, "
     "device=dev))"],
    [Y, "a = y.imag"], [Y, "a = torch.view_as_real(y)"],
    [Z, "a = torch.view_as_real(z.conj())"],
], ids=["adjoint", "adjoint-1-d", "H-1-d", "H-3-d", "mH-1-d", "real-imag", "imag-real",
        "view_as_real-real", "view_as_real-conj"])
def test_adjoint_and_complex_views(lines: list[str], device: str) -> None:
    """adjoint, H and mH: the transposed view with the conjugate bit for complex tensors;
    real, imag and view_as_real: views of the storage in the real dtype."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("VIEW-01")
def test_complex_views_write_through(device: str) -> None:
    """Writes through real, imag and view_as_real reach the complex tensor, and back."""
    assert_conforms(prog(
        "z = torch.tensor([[1 + 2j, 3 - 1j], [0j, 1j]], device=dev)", "r = z.real",
        "i = z.imag", "v = torch.view_as_real(z)", "r[0, 0] = 7.", "i[1, 1] = -3.",
        "v[0, 1, 1] = 5.", "z[1, 0] = 2 + 2j"), device)
