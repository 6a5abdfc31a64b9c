"""Creation, memory layout and the NumPy bridge beyond the everyday forms (issue 17): the legacy
torch.Tensor constructor, set_default_dtype inside programs, view(dtype), channels_last,
reshape_as, x.T on tensors that are not 2-D, storage() and data_ptr(), broadcast_shapes, the
arrays torch.tensor refuses, and *_like / new_* asked for another device."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conformance.generate.strategies import dtypes, literal, shape_pairs, shapes
from conformance.program import prog
from conformance.pytest_plugin.harness import assert_conforms


@pytest.mark.claim("CREATE-06")
@pytest.mark.parametrize("lines", [
    ["a = torch.Tensor(2, 3)", "b = torch.Tensor([2, 3])", "c = torch.Tensor()"],
    ["a = torch.Tensor((2, 3))", "b = torch.Tensor(torch.Size([2, 3]))",
     "c = torch.Tensor([[1, 2], [3, 4]])", "d = torch.Tensor(0)"],
    ["a = torch.tensor([1, 2], dtype=torch.int64)", "b = torch.Tensor(a)", "b.add_(1)"],
    ["a = torch.ones(2, 3).t()", "b = torch.Tensor(a)", "a[0, 0] = 5"],
    ["a = torch.Tensor(-1)"], ["a = torch.Tensor([1j])"], ["a = torch.Tensor(3.5)"],
    ["a = torch.Tensor(2, device='meta')"], ["a = torch.Tensor([[1, 2], [3]])"],
    ["torch.set_default_dtype(torch.float64)", "a = torch.Tensor(2, 3)",
     "b = torch.Tensor([2, 3])"],
])
def test_legacy_constructor(lines: list[str], device: str) -> None:
    """torch.Tensor(2, 3) is an uninitialised (2, 3) tensor; torch.Tensor([2, 3]) is the data
    [2., 3.]; both in the default dtype, on the CPU; torch.Tensor(t) aliases t."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("CREATE-07")
@given(dtype=st.sampled_from(["float64", "float32", "float16", "bfloat16"]),
       call=st.sampled_from(["torch.tensor([1.5, 2])", "torch.tensor([1, 2])",
                             "torch.tensor([1j, 2])", "torch.tensor(2.5)", "torch.ones(2, 3)",
                             "torch.zeros(2)", "torch.arange(0, 1, 0.25)", "torch.full((2,), 3)",
                             "torch.full((2,), 1.5)", "torch.empty(2).fill_(1)",
                             "torch.linspace(0, 1, 3)",
                             "torch.tensor([1, 2]) / 2", "torch.tensor([1, 2]) * 0.5"]))
def test_set_default_dtype(dtype: str, call: str, device: str) -> None:
    """After set_default_dtype, floats and float factories use the new default, complex numbers
    its complex counterpart, integers stay int64 (the harness restores the default)."""
    assume(not (dtype == "float16" and "j" in call))  # complex32: not modelled
    assert_conforms(prog(f"torch.set_default_dtype(torch.{dtype})",
                         "d = torch.get_default_dtype()", f"t = {call}"), device)


@pytest.mark.claim("VIEW-09")
@given(src=dtypes("all"), to=dtypes("all"), shape=shapes(min_dims=0, max_dims=3),
       layout=st.sampled_from(["", ".t()", "[1:]", "[::2]", "[..., 1:]"]),
       seed=st.integers(0, 16))
def test_view_dtype(src: str, to: str, shape: tuple[int, ...], layout: str, seed: int,
                    device: str) -> None:
    """view(dtype) reinterprets the bytes: equal element sizes keep the layout, other sizes
    scale the last dim (which must have stride 1 and a divisible size); the result aliases the
    input and shares its version counter without being an autograd view."""
    tensor = f"torch.tensor({literal(shape, src, seed)}, dtype=torch.{src}, device=dev)"
    if (layout != ".t()" or len(shape) == 2) and (not layout.startswith("[") or shape):
        tensor += layout
    assert_conforms(prog(f"x = {tensor}", f"y = x.view(torch.{to})", "x.zero_()"), device)


@pytest.mark.claim("VIEW-10")
@pytest.mark.parametrize("lines", [
    ["x = torch.arange(120., device=dev).reshape(2, 3, 4, 5)",
     "c = x.contiguous(memory_format=torch.channels_last)",
     "d = c.contiguous(memory_format=torch.channels_last)", "e = c.contiguous()",
     "p = c.is_contiguous()", "q = c.is_contiguous(memory_format=torch.channels_last)"],
    ["x = torch.arange(120., device=dev).reshape(2, 3, 4, 5)"
     ".contiguous(memory_format=torch.channels_last)",
     "a = torch.ones_like(x)", "b = torch.empty_like(x)", "c = x.clone()", "d = x + 1",
     "e = torch.zeros_like(x, memory_format=torch.contiguous_format)", "f = x.new_zeros(2)"],
    ["x = torch.arange(24., device=dev).reshape(2, 3, 4)",
     "c = x.contiguous(memory_format=torch.channels_last)"],
    ["x = torch.arange(24., device=dev).reshape(2, 3, 4)",
     "c = x.clone(memory_format=torch.channels_last)"],
    ["a = torch.empty(2, 3, 4, 5, device=dev, memory_format=torch.channels_last)",
     "b = torch.empty(2, 3, device=dev, memory_format=torch.channels_last)"],
    ["x = torch.ones(2, 1, 4, 5, device=dev)",
     "c = x.contiguous(memory_format=torch.channels_last)",
     "d = torch.ones(2, 3, 1, 1, device=dev).contiguous(memory_format=torch.channels_last)",
     "e = x.permute(0, 2, 3, 1).contiguous(memory_format=torch.channels_last)"],
    ["x = torch.arange(120., device=dev).reshape(2, 3, 4, 5)",
     "c = x.clone(memory_format=torch.channels_last)", "c[0, 0, 0, 0] = 7"],
])
def test_channels_last(lines: list[str], device: str) -> None:
    """channels_last lays a 4-D tensor out NHWC; contiguous(memory_format=...) returns self
    when already so, else a copy; clone, *_like and pointwise results keep the layout."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("RESHAPE-04")
@given(shape=shapes(min_dims=1, max_dims=3, min_side=1),
       layout=st.sampled_from(["", ".t()", "[::2]", ".expand(2, *([-1] * 0))"]),
       target=st.sampled_from(["(-1,)", "(1, -1)", "(-1, 1)", "(2, -1)"]))
def test_reshape_as(shape: tuple[int, ...], layout: str, target: str, device: str) -> None:
    """reshape_as(other) is reshape(other.size()): a view when the strides allow it, else a
    copy; view_as(other) is view(other.size())."""
    x = f"torch.tensor({literal(shape, 'float32', 3)}, device=dev)"
    if layout == ".t()" and len(shape) == 2 or layout == "[::2]":
        x += layout
    assert_conforms(prog(f"x = {x}", f"o = torch.empty(x.numel(), device=dev).view{target}",
                         "y = x.reshape_as(o)", "z = x.view_as(o)", "x.add_(1)"), device)


@pytest.mark.claim("VIEW-11")
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (1, 2, 3, 4)])
def test_transpose_property_t(shape: tuple[int, ...], device: str) -> None:
    """x.T reverses every dim; on a tensor that is not 2-D (or 0-D) it warns that this use is
    deprecated (once per process); x.mT swaps the last two dims."""
    dims = ", ".join(map(str, shape)) or "()"
    assert_conforms(prog(f"x = torch.ones({dims}, device=dev)", "y = x.T", "y.add_(1)",
                         "z = x.mT"), device)


@pytest.mark.claim("VIEW-12")
@pytest.mark.parametrize("view", ["", "[1:]", "[1:, 2:]", ".t()[1]", "[::2, 1]",
                                  ".view(torch.int16)[3:]"])
def test_storage_and_data_ptr(view: str, device: str) -> None:
    """untyped_storage() is the storage a tensor shares with its views; data_ptr() is the
    address of its first element (storage offset included); storage() is the deprecated
    TypedStorage over the same memory, and warns."""
    assert_conforms(prog(f"x = torch.ones(3, 4, device=dev){view}", "p = x.data_ptr()",
                         "q = x.untyped_storage().data_ptr()", "o = x.storage_offset()",
                         "s = x.storage()", "r = s.data_ptr()", "n = s.size()",
                         "e = x.element_size()"), device)


@pytest.mark.claim("BCAST-04")
@given(pair=shape_pairs())
def test_broadcast_shapes(pair: tuple[tuple[int, ...], tuple[int, ...]], device: str) -> None:
    """broadcast_shapes gives the shape broadcasting would give (each pair of trailing sizes
    equal, or one of them 1, in either operand) and raises RuntimeError for incompatible
    shapes, with its own message; a binary op on the same shapes agrees."""
    a, b = pair
    assert_conforms(prog(f"s = torch.broadcast_shapes({a}, {b})",
                         f"t = torch.ones({a}, device=dev) + torch.ones({b}, device=dev)"),
                    device)


@pytest.mark.claim("BRIDGE-09")
@pytest.mark.parametrize("array", ["np.arange(4.)[::-1]", "np.arange(6.).reshape(2, 3)[:, ::-1]",
                                   "np.arange(4).astype('>i4')", "np.arange(4).astype('>f8')",
                                   "np.arange(4).astype('<i4')[1:]"])
@pytest.mark.parametrize("call", ["torch.tensor(a)", "torch.tensor(a, dtype=torch.float32)",
                                  "torch.as_tensor(a)", "torch.asarray(a)",
                                  "torch.asarray(a, copy=True)", "torch.from_numpy(a)"])
def test_bridge_refuses_arrays(array: str, call: str, device: str) -> None:
    """Even the copying constructors refuse arrays with negative strides or a byte order
    other than the machine's, with from_numpy's ValueError."""
    assert_conforms(prog(f"a = {array}", f"t = {call}"), device)


LIKE_FORMS = ("torch.zeros_like(x, device=other)", "torch.ones_like(x, device=other)",
              "torch.empty_like(x, device=other)", "torch.full_like(x, 2, device=other)",
              "torch.ones_like(x, device=other, dtype=torch.float64)",
              "x.new_zeros((2, 3), device=other)", "x.new_ones(2, device=other)",
              "x.new_empty((3,), device=other)", "x.new_full((2,), 5, device=other)",
              "x.new_tensor([1, 2], device=other)")


@pytest.mark.claim("DEVICE-03")
@given(form=st.sampled_from(LIKE_FORMS), shape=shapes(max_dims=3),
       dtype=st.sampled_from(["float32", "int64", "float64", "bool"]),
       layout=st.sampled_from(["", ".t()"]))
def test_like_and_new_on_another_device(form: str, shape: tuple[int, ...], dtype: str,
                                        layout: str, device: str) -> None:
    """*_like and new_* put their result on device= when it names another device than the
    input's (cpu and meta are both at hand), with the input's dtype (and, for *_like, its
    layout) unless told otherwise."""
    other = "'cpu'" if device.startswith("meta") else "'meta'"
    x = f"torch.tensor({literal(shape, dtype, 2)}, dtype=torch.{dtype}, device=dev)"
    if layout and len(shape) == 2:
        x += layout
    assert_conforms(prog(f"x = {x}", f"y = {form.replace('other', other)}",
                         "d = y.device"), device)


@pytest.mark.claim("INDEX-01")
@pytest.mark.parametrize("key", ["::-1", "1:5:-2", "::0", "..., ::-1", "::2", "5:1", "-2:"])
def test_slice_steps(key: str, device: str) -> None:
    """Slices with a positive step are views; a negative step raises ValueError (unlike NumPy:
    torch.flip copies instead), for reads and writes alike."""
    assert_conforms(prog("x = torch.arange(6, device=dev)", f"y = x[{key}]", f"x[{key}] = 5"),
                    device)
