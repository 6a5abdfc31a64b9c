"""Dtypes and tensor states the NumPy bridge refuses (issue 17): the float8 dtypes, sparse
tensors from to_sparse(), the negative bit of x.conj().imag; and torch.mv."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.program import prog
from conformance.pytest_plugin.harness import assert_conforms

FLOAT8 = ("float8_e4m3fn", "float8_e5m2")


@pytest.mark.claim("CREATE-08")
@pytest.mark.parametrize("dtype", FLOAT8)
def test_float8_creation_and_casts(dtype: str, device: str) -> None:
    """float8 tensors: the dtype's properties, factories, torch.tensor with values past the
    largest finite one, casts both ways, copy_ into them, views and copies of them."""
    assert_conforms(prog(
        f"dt = torch.{dtype}",
        "a = (dt.is_floating_point, dt.is_complex, dt.is_signed, dt.itemsize)",
        "x = torch.tensor([1.5, 300.0, 500.0, 60000.0, -1e9, 0.3, 1e-3, 1e-9, -0.0], dtype=dt, "
        "device=dev)",
        "o = torch.ones(2, 3, dtype=dt, device=dev).t()",
        "z = torch.zeros(3, dtype=dt, device=dev)",
        "f = torch.full((2,), 3.3, dtype=dt, device=dev)", "e = x.element_size()",
        "c = torch.tensor([0.3, 0.1, 470.0, 2e5], device=dev).to(dt)", "d = c.to(torch.float64)",
        "z.copy_(torch.tensor([1.1, 2.2, 1e6], device=dev))", "k = x.clone()", "w = o.contiguous()",
        "v = x.view(torch.uint8)", "s = x[1:3]", "n = x.type()",
        "i = torch.tensor([True, False], device=dev).to(dt)"), device)


@pytest.mark.claim("CREATE-08")
@given(value=st.floats(allow_nan=False, allow_infinity=False, width=32),
       dtype=st.sampled_from(FLOAT8))
def test_float8_rounding(value: float, dtype: str, device: str) -> None:
    """Any float32 value is stored as the nearest representable float8 value (ties to even),
    the sign kept, past the range saturated (e4m3fn) or infinite (e5m2)."""
    assert_conforms(prog(f"x = torch.tensor([{value!r}, {-value!r}], device=dev)",
                         f"y = x.to(torch.{dtype})", "z = y.to(torch.float32)"), device)


@pytest.mark.claim("CREATE-08")
@pytest.mark.parametrize("lines", [
    ["x = torch.ones(2, dtype=torch.float8_e4m3fn, device=dev)", "a = x.numpy()"],
    ["x = torch.ones(2, dtype=torch.float8_e5m2, device=dev)", "a = x.numpy(force=True)"],
    ["p = torch.promote_types(torch.float8_e4m3fn, torch.float8_e5m2)"],
    ["p = torch.promote_types(torch.float8_e5m2, torch.int32)"],
    ["torch.set_default_dtype(torch.float8_e4m3fn)"],
    ["x = torch.rand(2, dtype=torch.float8_e4m3fn, device=dev)", "y = x.dtype"],
    ["x = torch.full((2,), float('inf'), device=dev)", "y = x.to(torch.float8_e4m3fn)",
     "z = (-x).to(torch.float8_e5m2)"],
], ids=["numpy", "numpy-force", "promote-types", "promote-int", "default-dtype", "rand", "inf"])
def test_float8_refusals(lines: list[str], device: str) -> None:
    """NumPy has no float8 (TypeError, force=True too); float8 promotes with no other dtype
    (RuntimeError) and cannot be the default dtype; rand has no float8 kernel (meta has no
    kernel to lack); inf saturates to 448 in e4m3fn and stays infinite in e5m2."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta("meta functions check neither: float8 * float32 and arange of float8 make "
                     "meta tensors (torch 2.13)")
@pytest.mark.claim("CREATE-08")
@pytest.mark.parametrize("lines", [
    ["x = torch.ones(2, dtype=torch.float8_e4m3fn, device=dev)",
     "y = x * torch.ones(2, device=dev)"],
    ["x = torch.ones(2, dtype=torch.float8_e5m2, device=dev)",
     "r = x == torch.ones(2, device=dev)"],
    ["x = torch.arange(3, dtype=torch.float8_e5m2, device=dev)"],
], ids=["promotion", "compare-float32", "arange"])
def test_float8_kernel_refusals(lines: list[str], device: str) -> None:
    """An op of float8 with another dtype raises the promotion error; arange has no float8
    kernel."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("BRIDGE-10")
@pytest.mark.parametrize("lines", [
    ["x = torch.tensor([[0., 1.], [2., 0.]], device=dev)", "l = x.layout", "b = x.is_sparse",
     "s = x.to_sparse()", "m = (s.layout, s.is_sparse, s.shape, s.dtype, s.device, s.type())",
     "d = s.to_dense()", "same = s.to_sparse() is s", "t = torch.is_tensor(s)"],
    ["x = torch.tensor([[0., 1.], [2., 0.]], device=dev)", "s = x.to_sparse()", "a = s.numpy()"],
    ["x = torch.ones(3, dtype=torch.int64, device=dev)", "s = x.to_sparse()",
     "a = s.numpy(force=True)"],
    ["x = torch.tensor(3., device=dev)", "s = x.to_sparse()", "u = s.untyped_storage()"],
], ids=["layout", "numpy", "numpy-force", "no-storage"])
def test_to_sparse_and_the_bridge(lines: list[str], device: str) -> None:
    """to_sparse() gives a sparse_coo tensor of the same size, dtype and device (on meta there
    is no kernel: NotImplementedError); numpy() refuses its layout, force=True or not."""
    assert_conforms(prog(*lines), device)


NEG = ["x = torch.tensor([1 + 2j, 3 - 4j, 0.5 + 0.25j], device=dev)", "c = x.conj()",
       "n = c.imag"]


@pytest.mark.claim("BRIDGE-11", "BRIDGE-08")
@pytest.mark.parametrize("lines", [
    [*NEG, "a = (n.is_neg(), n.is_conj(), torch.is_neg(n), x.imag.is_neg(), c.real.is_neg(), "
     "c.is_neg(), x.is_neg())", "v = n[1:]", "w = n.detach()", "t = n.unsqueeze(0).t()"],
    [*NEG, "n.mul_(2)", "n.copy_(torch.tensor([5.0, 6.0, 7.0], device=dev))", "m = n + 1"],
    [*NEG, "r = n.resolve_neg()", "s = x.resolve_neg()", "k = n.clone()", "u = n.resolve_conj()",
     "f = n.to(torch.float64)", "p = n.flip(0)"],
    [*NEG, "e = n.view(torch.int32)"],
    [*NEG, "e = c.view(torch.float32)"],
    [*NEG, "a = n.numpy()"],
    [*NEG, "a = n.numpy(force=True)"],
], ids=["bit", "writes", "copies", "view-dtype", "view-dtype-conj", "numpy", "numpy-force"])
def test_negative_bit(lines: list[str], device: str) -> None:
    """x.conj().imag reads and writes x's imaginary parts negated; the bit follows views, not
    copies; numpy() refuses it (force=True resolves it), view(dtype) refuses it."""
    assert_conforms(prog(*lines), device)


MV = ["A = torch.arange(6., device=dev).reshape(2, 3)",
      "v = torch.tensor([1., 2., 3.], device=dev)"]


@pytest.mark.claim("MATH-16", "MATH-05")
@pytest.mark.parametrize("lines", [
    [*MV, "y = torch.mv(A, v)", "z = A.mv(v)", "t = torch.mv(A.t(), torch.ones(2, device=dev))",
     "i = torch.mv(A.to(torch.int64), v.to(torch.int64))",
     "m = torch.mv(torch.ones(0, 3, device=dev), v)",
     "e = torch.mv(torch.ones(2, 0, device=dev), torch.ones(0, device=dev))"],
    [*MV, "e = torch.mv(A, torch.ones(2, device=dev))"],
    [*MV, "e = torch.mv(v, v)"], [*MV, "e = torch.mv(A, A)"],
    [*MV, "e = torch.mv(A.unsqueeze(0), v)"], [*MV, "e = torch.mv(v[0], v)"],
    [*MV, "e = torch.mv(A, torch.tensor(1., device=dev))"],
    [*MV, "b = torch.mv(A.to(torch.bool), v.to(torch.bool))"],
    [*MV, "o = torch.empty(2, device=dev)", "r = torch.mv(A, v, out=o)",
     "o3 = torch.empty(3, device=dev)", "r3 = torch.mv(A, v, out=o3)"],
    [*MV, "A.requires_grad_()", "w = v.clone().requires_grad_()", "y = torch.mv(A, w)",
     "y.sum().backward()", "z = (A @ w).sum()", "z.backward()"],
], ids=["values", "size", "vector", "matrix", "batch", "0-dim", "scalar", "bool", "out",
        "autograd"])
def test_mv(lines: list[str], device: str) -> None:
    """mv of an (n, m) matrix and an m-vector is an n-vector; other shapes raise; out= is
    resized; MvBackward0 gives grad.ger(vec) and self.t().mv(grad)."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta("meta's mv checks no dtypes (torch 2.13: a float64 result)")
@pytest.mark.claim("MATH-16")
@pytest.mark.parametrize("lines", [
    [*MV, "e = torch.mv(A, v.double())"], [*MV, "e = torch.mv(A.double(), v)"],
    [*MV, "e = torch.mv(A, v, out=torch.empty(2, dtype=torch.float64, device=dev))"],
    [*MV, "A.requires_grad_()", "e = torch.mv(A, v, out=torch.empty(2, device=dev))"],
], ids=["vec-dtype", "mat-dtype", "out-dtype", "out-autograd"])
def test_mv_dtypes(lines: list[str], device: str) -> None:
    """mv's operands (and out=) must share a dtype (addmv's message names the result's dtype
    first); out= refuses operands that require grad."""
    assert_conforms(prog(*lines), device)
