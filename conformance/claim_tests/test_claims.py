"""One targeted check per documented claim that the random programs do not single out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.generate.strategies import (
    ALL_DTYPES,
    Drafter,
    dtypes,
    literal,
    shapes,
    source,
    view_step,
)
from conformance.program import Program, prog
from conformance.pytest_plugin.harness import assert_conforms


@pytest.mark.claim("CREATE-01")
@pytest.mark.parametrize("data", ["[1, 2]", "[1.0, 2.0]", "[True, False]", "[1j, 2]",
                                  "[1, 2.5]", "[True, 2]", "3", "[]", "[[1], [2]]"])
def test_tensor_infers_dtype(data: str, device: str) -> None:
    """torch.tensor infers int64, the default float, bool or the default complex dtype."""
    assert_conforms(prog(f"t = torch.tensor({data}, device=dev)"), device)


@pytest.mark.no_meta("every program reads tensor data")
@pytest.mark.claim("CREATE-02")
@given(dtype=dtypes(), shape=shapes())
def test_tensor_of_tensor_copies_and_warns(dtype: str, shape: tuple[int, ...],
                                           device: str) -> None:
    """torch.tensor(t) copies (new storage) and warns to use detach().clone()."""
    assert_conforms(prog(
        f"a = torch.tensor({literal(shape, dtype, 3)}, dtype=torch.{dtype}, device=dev)",
        "b = torch.tensor(a)", "b.zero_()"), device)


@pytest.mark.claim("CREATE-03")
@pytest.mark.parametrize("args", ["5", "1, 5", "0, 1, 0.25", "2, 11, 3", "-3, 3, 2",
                                  "5, 1", "0, 5, 0", "1.5"])
def test_arange_excludes_end(args: str, device: str) -> None:
    """arange covers [start, end) with ceil((end - start) / step) values."""
    assert_conforms(prog(f"t = torch.arange({args}, device=dev)"), device)


@pytest.mark.claim("CREATE-04")
@given(dtype=st.sampled_from(ALL_DTYPES), shape=shapes(),
       factory=st.sampled_from(["zeros_like(a)", "ones_like(a)", "full_like(a, 1)",
                                "zeros_like(a, dtype=torch.float64)", "a.new_zeros(2, 3)",
                                "a.new_ones((2,))", "a.new_full((2,), 1)",
                                "a.new_tensor([1, 2])", "empty_like(a).fill_(0)"]))
def test_like_and_new_keep_dtype_and_device(dtype: str, shape: tuple[int, ...], factory: str,
                                            device: str) -> None:
    """*_like and new_* keep the source's dtype and device unless told otherwise."""
    call = factory if factory.startswith("a.") else f"torch.{factory}"
    assert_conforms(prog(
        f"a = torch.tensor({literal(shape, dtype, 1)}, dtype=torch.{dtype}, device=dev).t()"
        if len(shape) == 2 else
        f"a = torch.tensor({literal(shape, dtype, 1)}, dtype=torch.{dtype}, device=dev)",
        f"b = {call}"), device)


def _one_view(first_layout: bool) -> st.SearchStrategy[Program]:
    @st.composite
    def build(draw: st.DrawFn) -> Program:
        d = Drafter(draw)
        source(d, layout=first_layout)
        view_step(d)
        view_step(d)
        return d.program()
    return build()


@pytest.mark.claim("VIEW-03", "RESHAPE-01")
@given(data=st.data())
def test_view_needs_compatible_strides(data: st.DataObject, device: str) -> None:
    """view() succeeds exactly when ATen's stride rule allows, with torch's error otherwise;
    reshape() then copies."""
    d_shape = data.draw(shapes(min_dims=2, min_side=1), label="shape")
    d = literal(d_shape, "float32", 2)
    dims = data.draw(st.permutations(range(len(d_shape))), label="perm")
    target = data.draw(st.sampled_from(["-1", "1, -1", "-1, 1", f"{d_shape[0]}, -1"]),
                       label="target")
    assert_conforms(prog(f"a = torch.tensor({d}, device=dev).permute({', '.join(map(str, dims))})",
                         f"v = a.view({target})", f"r = a.reshape({target})", "r.fill_(1)"),
                    device)


@st.composite
def _one_view_and_its_tensor(draw: st.DrawFn) -> tuple[Program, str]:
    """A program of views and the name of the last tensor it binds (unbind and split bind
    tuples: calling contiguous() on one would be a broken program)."""
    d = Drafter(draw)
    source(d, layout=True)
    view_step(d)
    view_step(d)
    names = [n for step in d.program().steps for n in step.binds
             if type(d.session.namespace.get(n)).__name__ == "Tensor"]
    return d.program(), names[-1]


@pytest.mark.claim("VIEW-05", "VIEW-06")
@given(drafted=_one_view_and_its_tensor())
def test_contiguous_returns_self_or_copy(drafted: tuple[Program, str], device: str) -> None:
    """contiguous() is self for contiguous tensors and a copy otherwise."""
    program, last = drafted
    assert_conforms(program.then(f"c = {last}.contiguous()", "c")
                    .then(f"same = c is {last}", "same"), device)


@pytest.mark.claim("VIEW-07")
@given(program=_one_view(True))
def test_clone_has_own_storage_and_preserves_dense_strides(program: Program,
                                                           device: str) -> None:
    """clone() copies; preserve_format keeps the strides of dense inputs."""
    name = program.steps[0].binds[0]
    assert_conforms(program.then(f"c = {name}.clone()", "c").then("c.zero_()"), device)


@pytest.mark.claim("VIEW-08")
@given(shape=shapes(min_dims=1, max_dims=3), lead=st.integers(1, 3))
def test_expand_sets_stride_zero(shape: tuple[int, ...], lead: int, device: str) -> None:
    """expand() makes size-1 dims larger by giving them stride 0, without new memory."""
    small = tuple(1 if i % 2 == 0 else s for i, s in enumerate(shape))
    target = (lead,) + tuple(max(s, 1) for s in shape)
    assert_conforms(prog(
        f"a = torch.tensor({literal(small, 'float32', 0)}, device=dev)",
        f"e = a.expand({', '.join(map(str, target))})", "a.add_(1)"), device)


@pytest.mark.claim("RESHAPE-02")
@pytest.mark.parametrize("src", ["torch.arange(6., device=dev)",
                                 "torch.arange(6., device=dev).reshape(2, 3)",
                                 "torch.arange(6., device=dev).reshape(2, 3).t()",
                                 "torch.tensor(2., device=dev)",
                                 "torch.arange(24., device=dev).reshape(2, 3, 4)[:, ::2]"])
@pytest.mark.parametrize("args", ["", "1", "0, 1", "-2, -1"])
def test_flatten_object_view_or_copy(src: str, args: str, device: str) -> None:
    """flatten returns the input object, a view, or a copy, as the stride rule decides."""
    assert_conforms(prog(f"a = {src}", f"f = a.flatten({args})", "same = f is a",
                         "f.add_(1)"), device)


@pytest.mark.claim("RESHAPE-03")
@given(shape=shapes(min_dims=2, min_side=1))
def test_d2l_reshape_may_not_copy(shape: tuple[int, ...], device: str) -> None:
    """D2L's advice: reshape may alias its input, clone().view() never does."""
    n = 1
    for s in shape:
        n *= s
    assert_conforms(prog(f"a = torch.tensor({literal(shape, 'float32', 5)}, device=dev)",
                         f"r = a.reshape({n})", f"c = a.clone().view({n})", "a.mul_(2)"),
                    device)


@pytest.mark.no_meta("every program reads tensor data")
@pytest.mark.claim("INDEX-08")
@given(shape=shapes(min_dims=2, max_dims=2, min_side=1), dim=st.integers(0, 1))
def test_scatter_writes_in_place(shape: tuple[int, ...], dim: int, device: str) -> None:
    """scatter_ writes src into self at index along dim, returning self."""
    rows, cols = shape
    idx = [[(i + j) % shape[dim] for j in range(cols)] for i in range(rows)] if dim == 1 else \
        [[(i + j) % shape[dim] for j in range(cols)] for i in range(1)]
    assert_conforms(prog(
        f"a = torch.zeros({rows}, {cols}, device=dev)",
        f"src = torch.tensor({literal(shape, 'float32', 2)}, device=dev)",
        f"r = a.scatter_({dim}, torch.tensor({idx}, device=dev), src)",
        "same = r is a"), device)


@pytest.mark.claim("INDEX-09", "INDEX-03")
@pytest.mark.parametrize("key", ["0", "1:", "..., 0", "[0]", "[True, False, True]",
                                 "torch.tensor([1])"])
def test_d2l_indexing_shares_memory_only_for_basic(key: str, device: str) -> None:
    """D2L says indexing results share memory; only basic indexing does."""
    assert_conforms(prog("y = torch.arange(6., device=dev).reshape(3, 2)", f"z = y[{key}]",
                         "z.fill_(-1)", f"y[{key}] = 9"), device)


@pytest.mark.claim("INPLACE-06")
def test_d2l_memory_of_augmented_assignment(device: str) -> None:
    """y = y + x rebinds y; y[:] = y + x and y += x keep y's object and storage."""
    assert_conforms(prog(
        "x = torch.ones(3, device=dev)", "y = torch.zeros(3, device=dev)", "before = y",
        "y = y + x", "rebound = y is before", "z = torch.zeros(3, device=dev)", "z0 = z",
        "z[:] = z + x", "kept = z is z0", "z += x", "still = z is z0",
        "torch.add(x, z, out=z)", "same_out = z is z0"), device)


@pytest.mark.no_meta("every program reads tensor data")
@pytest.mark.claim("INDEX-07")
@given(shape=shapes(min_dims=2, max_dims=3, min_side=1), data=st.data())
def test_gather_follows_dim(shape: tuple[int, ...], data: st.DataObject, device: str) -> None:
    """gather picks along dim: out[i][j] = input[i][index[i][j]] for dim=1; out has the shape
    of index."""
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    ishape = tuple(data.draw(st.integers(1, s), label="index size") for s in shape)
    n = 1
    for s in ishape:
        n *= s
    d = dim % len(shape)
    vals = [data.draw(st.integers(0, shape[d] - 1), label="i") for _ in range(n)]
    flat = iter(vals)

    def nest(dims: tuple[int, ...]) -> object:
        return [nest(dims[1:]) for _ in range(dims[0])] if dims else next(flat)
    assert_conforms(prog(
        f"a = torch.tensor({literal(shape, 'int64', 4)}, device=dev)",
        f"g = torch.gather(a, {dim}, torch.tensor({nest(ishape)}, device=dev))"), device)


@pytest.mark.claim("ITEM-01")
@given(dtype=dtypes(), shape=shapes(max_dims=2))
def test_item_needs_exactly_one_element(dtype: str, shape: tuple[int, ...],
                                        device: str) -> None:
    """item() gives a Python number for one element and raises otherwise."""
    assert_conforms(prog(
        f"a = torch.tensor({literal(shape, dtype, 6)}, dtype=torch.{dtype}, device=dev)",
        "v = a.item()", "kind = type(v).__name__"), device)


@pytest.mark.claim("MATH-02")
@given(dtype=dtypes(), shape=shapes(), keep=st.booleans())
def test_reductions_dtype_and_keepdim(dtype: str, shape: tuple[int, ...], keep: bool,
                                      device: str) -> None:
    """sum of integers and bools is int64; mean needs a floating dtype; keepdim keeps size 1."""
    dim = f"{len(shape) - 1}, keepdim={keep}" if shape else ""
    assert_conforms(prog(
        f"a = torch.tensor({literal(shape, dtype, 2)}, dtype=torch.{dtype}, device=dev)",
        "s = a.sum()", f"s1 = a.sum({dim})", "m = a.mean()"), device)


@pytest.mark.claim("CREATE-05")
@pytest.mark.parametrize("call", [
    "torch.zeros(2, 3)", "torch.zeros((2, 0))", "torch.ones(3, dtype=torch.int8)",
    "torch.full((2, 2), 7)", "torch.full((2,), 1.5)", "torch.full((2,), True)",
    "torch.empty(2, 3)", "torch.empty(0)", "torch.linspace(0, 1, 5)",
    "torch.linspace(-2, 2, 1, dtype=torch.float64)", "torch.eye(3)", "torch.eye(2, 3)",
    "torch.zeros(-1)", "torch.ones(2, 3, requires_grad=True)",
    "torch.zeros(2, dtype=torch.int64, requires_grad=True)"])
def test_factories_shape_dtype_and_fill(call: str, device: str) -> None:
    """Factories give the documented size, dtype and fill; empty's values are unspecified."""
    assert_conforms(prog(f"t = {call[:-1]}{', ' if call[-2] != '(' else ''}device=dev)"),
                    device)


@pytest.mark.no_meta("every program reads tensor data")
@pytest.mark.claim("MATH-01")
@pytest.mark.parametrize("lines", [
    ["q = torch.tensor([7, -7, 3], device=dev) // torch.tensor([0, 0, 2], device=dev)"],
    ["q = torch.div(torch.tensor([7, -7], device=dev), 0, rounding_mode='trunc')"],
    ["q = torch.tensor([7], dtype=torch.uint8, device=dev) // 0"],
    ["q = torch.tensor([7, 0], device=dev) / 0"],
    ["q = torch.tensor([], dtype=torch.int64, device=dev) // 0"],
])
def test_integer_division_by_zero(lines: list[str], device: str) -> None:
    """True division of integers gives inf and nan for a zero divisor; floor and trunc division
    of integers by zero raise on the CPU, and on CUDA give values the docs leave open."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta("every program reads tensor data")
@pytest.mark.claim("MATH-03", "MATH-04", "MATH-05")
@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "float32"])
@pytest.mark.parametrize("expr", ["a @ a", "torch.mm(a, a)", "torch.bmm(a[None], a[None])",
                                  "torch.dot(a[0], a[0])", "a @ a[0]",
                                  "torch.mm(a[:0], a)"])
def test_products_by_dtype(expr: str, dtype: str, device: str) -> None:
    """Matrix products of integer and bool tensors: where a kernel exists for the dtype (the
    CPU's for integers), and NotImplementedError where none does (bool; integers on CUDA)."""
    assert_conforms(prog(f"a = torch.ones(2, 2, dtype=torch.{dtype}, device=dev)",
                         f"r = {expr}"), device)


@pytest.mark.claim("OUT-02", "OUT-04")
@pytest.mark.parametrize("out", ["torch.ones(1, device=dev).expand(2, 1)",
                                 "torch.ones(1, device=dev).expand(2, 2)"])
def test_product_into_an_expanded_out(out: str, device: str) -> None:
    """An expanded out= of the wrong shape is resized (contiguous) before the product writes;
    one of the right shape overlaps itself and is refused (a ci run's state machine drew the
    first; the model refused it)."""
    assert_conforms(prog("a = torch.ones(2, 2, device=dev)", f"o = {out}",
                         "r = torch.mm(a, a, out=o)"), device)


@pytest.mark.claim("BCAST-02", "MATH-01", "OUT-03")
@pytest.mark.parametrize("lines", [
    ["a = torch.ones(2, dtype=torch.float32, device=dev)",
     "b = torch.tensor(2.0, dtype=torch.float64, device=dev)", "r = a + b", "s = a * b",
     "t = b - a"],
    ["a = torch.ones(2, dtype=torch.int32, device=dev)",
     "b = torch.tensor(2, dtype=torch.int64, device=dev)", "r = a + b", "s = b * a"],
    ["a = torch.ones(2, dtype=torch.int64, device=dev)",
     "b = torch.tensor(2.5, dtype=torch.float64, device=dev)", "r = a + b"],
    ["a = torch.tensor([7, -7], device=dev)", "q = a / 2",
     "r = torch.div(a, torch.tensor([2, 2], device=dev))", "s = torch.true_divide(a, 4)"],
    ["a = torch.tensor([7, -7], device=dev)", "o = torch.empty(2, device=dev)",
     "torch.div(a, 2, out=o)"],
], ids=["0-dim-same-category", "0-dim-int", "0-dim-higher-category", "int-true-division",
        "int-true-division-out"])
def test_promotion_and_true_division(lines: list[str], device: str) -> None:
    """A dimensioned tensor's dtype wins over a 0-dim tensor's of the same category, a 0-dim
    tensor of a higher category decides; true division of integers gives floats (what the
    random arithmetic programs reach only now and then, once their table grew)."""
    assert_conforms(prog(*lines), device)
