"""Indexing rules case by case (what the random index programs rarely single out): 0-dim and
2-D index tensors, int32, uint8 masks, empty indices, chained assignment, negative steps and
flip, the checks of index_select, masked_select and gather, nonzero of 0-dim tensors; and the
joining ops cat and stack (with out=)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.generate.strategies import Drafter, shapes, source
from conformance.program import Program, prog
from conformance.pytest_plugin.harness import assert_conforms

DATA = "every program reads tensor data"
Y = "y = torch.arange(12., device=dev).reshape(3, 4)"


@pytest.mark.claim("INDEX-01", "INDEX-02")
@pytest.mark.parametrize("key", [
    "torch.tensor(1, device=dev)", "torch.tensor(-1, dtype=torch.int32, device=dev)",
    "1, torch.tensor(2, dtype=torch.int8, device=dev)", "torch.tensor(True, device=dev)",
    "torch.tensor(False, device=dev)", "True", "False", "..., True",
    "torch.tensor(1, dtype=torch.uint8, device=dev)",
    "None, torch.tensor(0, dtype=torch.uint8, device=dev)"])
def test_zero_dim_index_tensors(key: str, device: str) -> None:
    """A 0-dim integer tensor indexes like an int (a view); True, False and 0-dim bool (or
    uint8) tensors index like a mask (a copy with a new dim)."""
    assert_conforms(prog(Y, f"v = y[{key}]", "v.fill_(-1)"), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("INDEX-13", "INDEX-02")
@pytest.mark.parametrize("lines", [
    [Y, "a = y[torch.tensor([2, 0], dtype=torch.int32, device=dev)]",
     "b = y[torch.tensor([[0, 1], [2, 0]], device=dev)]",
     "c = y[:, torch.tensor([[0, 3], [2, 0]], dtype=torch.int32, device=dev)]",
     "d = y[torch.tensor([0, 2], device=dev), torch.tensor([[1], [3]], device=dev)]"],
    [Y, "a = y[torch.tensor([], dtype=torch.int64, device=dev)]", "b = y[[]]",
     "c = y[:, torch.zeros(0, 2, dtype=torch.int32, device=dev)]"],
    [Y, "m = torch.tensor([1, 0, 2], dtype=torch.uint8, device=dev)", "a = y[m]",
     "b = y[:, torch.tensor([1, 0, 1, 1], dtype=torch.uint8, device=dev)]",
     "c = y[(y > 4).to(torch.uint8)]"],
    [Y, "a = y[torch.tensor([1, 0], dtype=torch.uint8, device=dev)]"],
    [Y, "a = y[torch.tensor([1], dtype=torch.int16, device=dev)]"],
    [Y, "a = y[torch.tensor([1], dtype=torch.int8, device=dev)]"],
    [Y, "a = y[torch.tensor([0.], device=dev)]"],
    [Y, "y[torch.tensor([1, 0, 1], dtype=torch.uint8, device=dev)] = torch.ones(2, 4, "
        "device=dev)", "y[:, torch.tensor([0, 1, 1, 0], dtype=torch.uint8, device=dev)] = 7.",
     "y[torch.tensor([[0], [2]], dtype=torch.int32, device=dev)] = -1."],
    [Y, "y[torch.tensor([1, 0, 1], dtype=torch.uint8, device=dev)] = 5."],
    [Y, "y[torch.tensor([1], dtype=torch.int16, device=dev)] = 5."],
], ids=["int32-2d", "empty", "uint8-masks", "uint8-shape", "int16", "int8", "float",
        "setitem", "setitem-uint8-scalar", "setitem-int16"])
def test_index_tensor_dtypes_and_shapes(lines: list[str], device: str) -> None:
    """int64/int32 index tensors of any shape, uint8 masks (with the deprecation warning),
    empty indices; other dtypes raise IndexError."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("INDEX-10", "INDEX-03")
@pytest.mark.parametrize("lines", [
    ["z = torch.zeros(3, 2, device=dev)", "z[[0, 2]][0] = 5", "z[0][1] = 5",
     "z[:, 0][[1]] = 7", "z[torch.tensor([0, 1], device=dev)][:, 1] = 3"],
    ["z = torch.zeros(3, 2, device=dev)", "z[z == 0][0] = 5", "z[[0, 2]] = torch.tensor(1., "
     "device=dev)", "z[z > 0][1] = 9", "z[1:][[0]] = 4"],
], ids=["chained", "mask-chained"])
def test_chained_assignment(lines: list[str], device: str) -> None:
    """A chained assignment through an advanced index writes into a temporary copy; through
    basic indexing (or ending in one assignment) it writes into the tensor."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("INDEX-11")
@pytest.mark.parametrize("lines", [
    [Y, "a = y[::-1]"], [Y, "a = y[:, ::-2]"], [Y, "a = y[::0]"],
    [Y, "a = y.flip(0)", "b = torch.flip(y, (0, 1))", "c = y.t().flip(1)",
     "d = y[:, ::2].flip(0)", "e = y.expand(2, 3, 4).flip(0)", "f = y.flip([])",
     "g = y.flip(-1, 0)", "a.fill_(0)"],
    [Y, "a = y.flip(0, 0)"], [Y, "a = y.flip(2)"],
    ["z = torch.tensor(3., device=dev)", "a = z.flip(0)"],
], ids=["negative-step", "negative-step-dim1", "zero-step", "flip", "flip-twice",
        "flip-range", "flip-0-dim"])
def test_negative_steps_and_flip(lines: list[str], device: str) -> None:
    """Negative slice steps raise ValueError; flip copies (new storage, the input's memory
    order)."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("INDEX-04", "INDEX-05", "INDEX-06")
@pytest.mark.parametrize("lines", [
    [Y, "a = torch.index_select(y, 0, torch.tensor(1, device=dev))",
     "b = y.index_select(1, torch.tensor([3, 0], dtype=torch.int32, device=dev))",
     "c = y.index_select(0, torch.tensor([], dtype=torch.int64, device=dev))"],
    [Y, "a = torch.index_select(y, 0, torch.tensor([[1]], device=dev))"],
    [Y, "a = y.index_select(0, torch.tensor([1], dtype=torch.int16, device=dev))"],
    [Y, "a = torch.masked_select(y, torch.ones(3, 4, dtype=torch.uint8, device=dev))"],
    [Y, "a = y.masked_select(torch.tensor([True, False, True, True], device=dev))"],
    ["z = torch.tensor(3., device=dev)", "a = z.nonzero()", "b = z.nonzero(as_tuple=True)",
     "c = torch.tensor(0., device=dev).nonzero()",
     "d = torch.nonzero(torch.tensor(0., device=dev), as_tuple=True)"],
    ["a = torch.tensor([[0, 3], [5, 0], [7, 9]], device=dev)", "i = a.nonzero()",
     "t = a.nonzero(as_tuple=True)", "v = a[t]"],
], ids=["index_select", "index_select-2d", "index_select-int16", "masked_select-uint8",
        "masked_select-broadcast", "nonzero-0-dim", "nonzero-tuple"])
def test_index_select_masked_select_nonzero(lines: list[str], device: str) -> None:
    """index_select takes a 1-D or 0-dim int64/int32 index; masked_select a bool mask only;
    nonzero of a 0-dim tensor is (1, 0) or (0, 0), and as a tuple treats it as 1-D."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("INDEX-12", "INDEX-07")
@pytest.mark.parametrize("lines", [
    [Y, "a = torch.gather(y, 1, torch.tensor([[0] * 7] * 3, device=dev))",
     "b = y.gather(0, torch.tensor([[2, 1]], dtype=torch.int32, device=dev))",
     "c = torch.gather(y, 1, torch.zeros(0, 9, dtype=torch.int64, device=dev))",
     "d = y.gather(-1, torch.tensor([[3], [0]], device=dev))"],
    [Y, "a = torch.gather(y, 1, torch.tensor([[0]] * 4, device=dev))"],
    [Y, "a = torch.gather(y, 1, torch.tensor([0], device=dev))"],
    [Y, "a = torch.gather(y, 1, torch.tensor([[4]], device=dev))"],
    [Y, "a = torch.gather(y, 1, torch.tensor([[-1]], device=dev))"],
    [Y, "a = torch.gather(y, 1, torch.tensor([[1.]], device=dev))"],
    [Y, "a = torch.gather(y, 2, torch.tensor([[1]], device=dev))"],
], ids=["shapes", "larger-non-dim", "ndim", "out-of-range", "negative", "float", "dim"])
def test_gather_checks(lines: list[str], device: str) -> None:
    """gather: index.size(dim) may exceed the input's, other sizes may not; no broadcasting;
    values in range; empty and int32 indices."""
    assert_conforms(prog(*lines), device)


T = "t = torch.arange(12., device=dev).reshape(3, 4).t()"
CL = "cl = torch.arange(120., device=dev).reshape(2, 5, 4, 3).permute(0, 3, 1, 2)"


@pytest.mark.claim("INDEX-14", "INDEX-15")
@pytest.mark.parametrize("lines", [
    [T, "a = torch.cat([t, t])", "b = torch.cat((t, t), 1)", "c = torch.stack([t, t])",
     "d = torch.stack([t, t], 1)", "e = torch.stack([t, t], -1)", "f = torch.concat([t], -2)"],
    [CL, "a = torch.cat([cl, cl])", "b = torch.cat([cl, cl.contiguous()])",
     "c = torch.stack([cl, cl])", "d = torch.stack([cl, cl], 4)"],
    ["a = torch.cat([torch.ones(2, dtype=torch.int32, device=dev), torch.ones(2, device=dev)])",
     "b = torch.cat([torch.ones(2, 3, device=dev), torch.ones(0, device=dev)])",
     "c = torch.stack([torch.tensor(1., device=dev), torch.tensor(2, device=dev)])",
     "d = torch.cat([torch.ones(0, device=dev), torch.ones(0, dtype=torch.int8, device=dev)])"],
    ["a = torch.cat([])"], ["a = torch.stack([])"],
    ["a = torch.cat([torch.ones(2, 3, device=dev), torch.ones(3, 3, device=dev)], 1)"],
    ["a = torch.cat([torch.ones(2, 3, device=dev), torch.ones(2, device=dev)])"],
    pytest.param(["a = torch.cat([torch.tensor(1., device=dev)])"], marks=pytest.mark.no_meta(
        "meta's cat (a Python meta function) fails on a 0-dim input with an IndexError of "
        "its own")),
    ["a = torch.cat([torch.ones(2, device=dev)], 2)"],
    ["a = torch.stack([torch.ones(2, device=dev), torch.ones(3, device=dev)])"],
    ["a = torch.stack([torch.ones(2, device=dev)], -3)"],
], ids=["layouts", "channels-last", "dtypes", "cat-empty-list", "stack-empty-list",
        "cat-sizes", "cat-dims", "cat-0-dim", "cat-dim", "stack-sizes", "stack-dim"])
def test_cat_stack(lines: list[str], device: str) -> None:
    """cat and stack: result shape, promoted dtype, memory format, and their errors."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("INDEX-14", "INDEX-15", "OUT-01", "OUT-02", "OUT-03", "OUT-04")
@pytest.mark.parametrize("lines", [
    ["o = torch.empty(5, dtype=torch.float64, device=dev)",
     "r = torch.cat([torch.ones(2, device=dev), torch.zeros(2, device=dev)], out=o)",
     "same = r is o", "e = torch.empty(0, device=dev)",
     "s = torch.stack([torch.ones(2, device=dev), torch.zeros(2, device=dev)], out=e)",
     "n = torch.zeros(2, 2, device=dev).t()",
     "u = torch.cat([torch.ones(1, 2, device=dev), torch.arange(2., device=dev)[None]], out=n)"],
    ["o = torch.empty(5, dtype=torch.int64, device=dev)",
     "r = torch.cat([torch.ones(2, device=dev), torch.ones(2, device=dev)], out=o)"],
    ["o = torch.zeros(3, dtype=torch.int32, device=dev)",
     "r = torch.stack([torch.ones(2, device=dev), torch.ones(2, device=dev)], out=o)"],
    ["o = torch.zeros(3, dtype=torch.int32, device=dev)",
     "r = torch.stack([torch.ones(2, device=dev), torch.ones(2, device=dev)], 1, out=o)"],
    ["a = torch.ones(4, device=dev)", "r = torch.cat([a[:2], a[2:]], out=a)"],
    ["a = torch.ones(4, device=dev)", "r = torch.cat([a[:2], a[2:]], out=a[:2])"],
    ["o = torch.zeros(2, 2, device=dev).t()",
     "r = torch.stack([torch.ones(2, device=dev), torch.arange(2., device=dev)], out=o)",
     "p = torch.zeros(2, 2, device=dev).t()",
     "s = torch.stack([torch.ones(2, device=dev), torch.arange(2., device=dev)], 1, out=p)"],
    ["x = torch.ones(2, device=dev, requires_grad=True)",
     "r = torch.cat([x, x], out=torch.empty(4, device=dev))"],
    ["x = torch.ones(2, device=dev, requires_grad=True)",
     "with torch.no_grad():\n    c = torch.cat([x, x], out=torch.empty(0, device=dev))"],
], ids=["out", "out-cast", "stack-out-cast", "stack-out-cast-last", "out-is-input",
        "out-overlaps", "stack-out-strides", "out-requires-grad", "out-no-grad"])
def test_cat_stack_out(lines: list[str], device: str) -> None:
    """cat/stack with out=: the cast check (TypeError), the resize and its warning (stack
    resizes before it checks), overlap with an input, an out's own strides kept."""
    assert_conforms(prog(*lines), device)


@st.composite
def _joined(draw: st.DrawFn) -> Program:
    """Two or three tensors of one shape and any dtypes and layouts, catted or stacked along
    a drawn dim."""
    d = Drafter(draw)
    shape = draw(shapes(min_dims=1, max_dims=3), label="shape")
    names = [source(d, shape=shape) for _ in range(draw(st.integers(1, 3), label="count"))]
    nd = len(shape) + (1 if draw(st.booleans(), label="stack") else 0)
    k = draw(st.integers(-nd, nd - 1), label="dim")
    op = "stack" if nd > len(shape) else "cat"
    d.add(f"r = torch.{op}([{', '.join(names)}], {k})", "r")
    return d.program()


@pytest.mark.no_meta(DATA)
@pytest.mark.claim("INDEX-14", "INDEX-15")
@given(program=_joined())
def test_cat_stack_of_any_layout(program: Program, device: str) -> None:
    """cat and stack of tensors of any dtype and layout: values, promoted dtype, strides."""
    assert_conforms(program, device)
