"""Devices and .to(): which forms return self and which copy, meta tensors (shapes and strides
with no data), device checks between operands, and gradients across .to().

On a machine without a GPU these run on cpu (and meta inside the programs); with --device cuda
the same programs run with dev = 'cuda'."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.generate.strategies import literal, shapes
from conformance.program import prog
from conformance.pytest_plugin.harness import META_GRADS, assert_conforms

LAYOUTS = ("", ".t()", "[::2]", "[1:]")
TO_FORMS = ("x.to(torch.float32)", "x.to(torch.float64)", "x.to(dev)", "x.to(device=dev)",
            "x.to(dev, torch.float64)", "x.to(dev, torch.int32)",
            "x.to(torch.ones(1, device=dev))",
            "x.to(torch.ones(1, dtype=torch.int64, device=dev))", "x.to(dev, copy=True)",
            "x.to(torch.float32, copy=True)", "x.to(dev, non_blocking=True)", "x.to('meta')",
            "x.to('meta', torch.float16)", "x.cpu()", "x.float()", "x.double()", "x.half()",
            "x.to(x)", "x.to(dtype=torch.float32, device=dev)")


@pytest.mark.claim("DEVICE-01", "DEVICE-02")
@given(shape=shapes(max_dims=3), seed=st.integers(0, 16), layout=st.sampled_from(LAYOUTS),
       form=st.sampled_from(TO_FORMS), dtype=st.sampled_from(["float32", "float64", "int64"]))
def test_to_returns_self_or_a_copy(shape: tuple[int, ...], seed: int, layout: str, form: str,
                                   dtype: str, device: str) -> None:
    """to() returns self when dtype and device already match, else a copy that keeps the
    layout (preserve_format); copy=True always copies."""
    src = f"torch.tensor({literal(shape, dtype, seed)}, dtype=torch.{dtype}, device=dev)"
    if (layout == ".t()" and len(shape) == 2) or (layout in ("[::2]", "[1:]") and shape):
        src += layout
    assert_conforms(prog(f"x = {src}", f"y = {form}", "x.zero_()"), device)


@pytest.mark.claim("DEVICE-02")
@pytest.mark.parametrize("lines", [
    ["m = torch.ones(2, 3, device=dev).t().to('meta')", "c = m.to(dev)"],
    ["m = torch.ones(2, 3, device='meta')", "c = m.cpu()"],
    ["m = torch.ones(2, 3, device='meta')", "a = m.numpy()"],
    ["m = torch.ones(2, 3, device='meta')", "v = m.item()"],
    ["m = torch.ones(2, 3, device='meta')", "v = m.t().reshape(6)", "w = m[0]",
     "e = m.expand(2, 2, 3)", "s = m.sum(0)", "p = m * 2"],
    ["m = torch.empty(2, 3, device='meta')", "z = torch.zeros_like(m)", "n = m.new_ones(4)"],
])
def test_meta_tensors(lines: list[str], device: str) -> None:
    """Meta tensors: layout, dtype and aliasing without data."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("DEVICE-03")
@pytest.mark.parametrize("lines", [
    ["x = torch.ones(2, device=dev)", "m = torch.ones(2, device='meta')", "y = x + m"],
    ["x = torch.ones(2, device=dev)", "m = torch.ones(2, device='meta')", "y = m + x"],
    ["m = torch.ones(2, device='meta')", "y = m + torch.tensor(1.0)"],
    ["x = torch.ones(2, 3, device=dev)", "y = torch.zeros_like(x, device='meta')"],
    ["x = torch.ones(2, 3, device=dev)", "y = torch.ones_like(x, dtype=torch.int64)"],
    ["x = torch.ones(2, 3, device=dev)", "y = x.new_zeros(2, device='meta')"],
    ["x = torch.ones(2, 3, device=dev)", "y = x.new_full((2,), 3)"],
    ["x = torch.ones(2, 3, device=dev)", "p = x.is_pinned()"],
    ["x = torch.ones(2, 3, device=dev)", "p = x.pin_memory()"],
])
def test_devices_of_results(lines: list[str], device: str) -> None:
    """Operands share a device (CPU scalars aside); *_like and new_* follow device=."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta(META_GRADS)
@pytest.mark.claim("DEVICE-04")
@pytest.mark.parametrize("lines", [
    ["x = torch.ones(2, 3, device=dev, requires_grad=True)", "y = x.to(torch.float64)",
     "y.sum().backward()"],
    ["x = torch.ones(2, 3, device=dev, requires_grad=True)", "y = x.to(torch.int64)"],
    ["x = torch.ones(2, 3, device=dev, requires_grad=True)", "y = x.to(dev)",
     "z = x.to(dev, copy=True)", "(y * z).sum().backward()"],
    ["x = torch.ones(2, device=dev, requires_grad=True)", "m = x.to('meta')",
     "m.sum().backward()"],
    ["x = torch.ones(2, device=dev, requires_grad=True)", "y = x.double().float()",
     "y.backward(torch.ones(2, device=dev))"],
])
def test_to_is_differentiable(lines: list[str], device: str) -> None:
    """Gradients flow back through to() to the source dtype and device."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("DEVICE-03")
@pytest.mark.parametrize("lines", [
    # A tensor on the CPU beside one on dev: on a GPU only a CPU 0-dim tensor combines.
    ["x = torch.ones(2, device=dev)", "y = x + torch.ones(2)"],
    ["x = torch.ones(2, device=dev)", "y = torch.ones(2) + x"],
    ["x = torch.ones(2, device=dev)", "y = x + torch.tensor(1.5)"],
    ["x = torch.ones(2, device=dev)", "y = torch.tensor(1.5) + x"],
    ["s = torch.tensor(1.5, device=dev)", "y = s + torch.ones(2)"],
    ["x = torch.ones(2, device=dev)", "x.add_(torch.tensor(2.0))"],
    ["x = torch.ones(2, device=dev)", "y = torch.add(x, 1, out=torch.empty(2))"],
    ["o = torch.empty(2, device=dev)", "y = torch.add(torch.ones(2), 1, out=o)"],
    ["x = torch.ones(2, device=dev)", "y = torch.where(torch.tensor([True, False]), x, x)"],
    ["x = torch.zeros(2, device=dev)", "x.copy_(torch.ones(2))"],
])
def test_operands_on_the_cpu(lines: list[str], device: str) -> None:
    """An op's tensors share a device, CPU 0-dim tensors aside, which combine with any device
    (as a scalar); the result is on the other operand's device."""
    assert_conforms(prog(*lines), device)


@pytest.mark.no_meta("meta functions check neither: mm(meta, cpu) is a meta tensor, mm(cpu, meta) "
                     "a CPU one (torch 2.13), and meta's fill_ skips the overlap check")
@pytest.mark.claim("DEVICE-03", "INPLACE-05")
@pytest.mark.parametrize("lines", [
    ["x = torch.ones(2, 2, device=dev)", "y = torch.mm(x, torch.ones(2, 2))"],
    # A value written into an expanded tensor: a Python scalar for a tensor off the CPU, and a
    # CPU 0-dim tensor there, are written by fill_ with no overlap check; a value on the
    # tensor's own device goes through copy_, which refuses the overlap.
    ["x = torch.zeros(1, device=dev).expand(3)", "x[...] = 7"],
    ["x = torch.zeros(1, device=dev).expand(3)", "x[...] = torch.tensor(7.0)"],
    ["x = torch.zeros(1, device=dev).expand(3)", "x[...] = torch.tensor(7.0, device=dev)"],
    ["x = torch.zeros(1, device=dev).expand(3)", "x.fill_(torch.tensor(7.0, device=dev))"],
    ["x = torch.zeros(1, device=dev).expand(3)", "x.fill_(torch.tensor(7.0))"],
    ["x = torch.zeros(1, device=dev).expand(3)", "x.fill_(7.0)"],
])
def test_products_and_fills_with_the_cpu(lines: list[str], device: str) -> None:
    """Products check that their operands share a device; fill_ and assignment of a scalar
    value check for overlap only when the value is on the tensor's device."""
    assert_conforms(prog(*lines), device)
