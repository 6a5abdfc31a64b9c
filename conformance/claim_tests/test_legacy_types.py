"""The legacy tensor types (torch.FloatTensor, torch.CharTensor, ...) and Tensor.type(): the
type name, casts to a dtype, a legacy type or its name (self when nothing changes), the
types' instances, and the errors, case by case."""

from __future__ import annotations

import pytest

from conformance.program import prog
from conformance.pytest_plugin.harness import assert_conforms

X = "x = torch.arange(6., device=dev).reshape(2, 3)"


@pytest.mark.claim("DEVICE-05", "DEVICE-01")
@pytest.mark.parametrize("lines", [
    [X, "a = x.type()", "b = x.type(torch.float32)", "same = b is x", "c = x.type(torch.float64)",
     "d = x.t().type(torch.int8)", "e = x.type(dtype=torch.float16)",
     "f = torch.ones(2, dtype=torch.complex64, device=dev).type()",
     "g = torch.ones(2, dtype=torch.bool, device=dev).type()",
     "h = torch.ones(2, dtype=torch.uint16, device=dev).type()"],
    ["x = torch.ones(2, device=dev, requires_grad=True)", "y = x.type(torch.float64)",
     "z = x.type(torch.float32)", "same = z is x"],
    [X, "a = x.type(3)"],
], ids=["names-and-dtypes", "autograd", "not-a-type"])
def test_type_name_and_dtype_casts(lines: list[str], device: str) -> None:
    """type() names the legacy type (the device in it off the CPU); type(dtype) casts on the
    tensor's device like to(), self when the dtype is already right."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("DEVICE-05", "DEVICE-02")
@pytest.mark.parametrize("lines", [
    [X, "a = x.type(torch.CharTensor)", "b = x.type('torch.FloatTensor')", "same = b is x",
     "c = x.type('torch.ComplexDoubleTensor')", "d = x.t().type(torch.DoubleTensor)",
     "e = x.type(torch.Tensor)", "f = x.type('torch.Tensor')", "g = x.type('torch.UInt16Tensor')"],
    [X, "a = x.type('torch.float32')"], [X, "a = x.type('FloatTensor')"],
    [X, "a = x.type(int)"], [X, "a = x.type('torch.meta.FloatTensor')"],
], ids=["legacy-types", "dtype-name", "short-name", "python-type", "device-name"])
def test_type_to_legacy_types(lines: list[str], device: str) -> None:
    """A legacy type or its name is a CPU type: the cast moves a meta tensor's values to the
    CPU (which raises: meta has no data); dtype names, short names and other types are
    invalid (ValueError)."""
    assert_conforms(prog(*lines), device)


@pytest.mark.claim("DEVICE-05")
def test_legacy_types_instances(device: str) -> None:
    """The instances of torch.CharTensor etc. are the CPU tensors of their dtype."""
    assert_conforms(prog(
        "i = torch.ones(2, 3, dtype=torch.int8, device=dev)",
        "a = isinstance(i, torch.CharTensor)", "b = isinstance(i.t(), torch.CharTensor)",
        "c = isinstance(i, torch.ByteTensor)", "d = isinstance(i.float(), torch.FloatTensor)",
        "e = torch.LongTensor.dtype", "f = torch.BFloat16Tensor.dtype",
        "g = [t.dtype for t in (torch.BoolTensor, torch.ShortTensor, torch.IntTensor, "
        "torch.HalfTensor, torch.DoubleTensor)]"), device)


@pytest.mark.claim("CREATE-09", "CREATE-06")
@pytest.mark.parametrize("lines", [
    ["a = torch.CharTensor(2, 3)", "b = torch.FloatTensor([1, 2])",
     "c = torch.LongTensor([1.5, 2])",
     "d = torch.IntTensor([True, 2])", "e = torch.CharTensor()", "f = torch.ShortTensor(0)",
     "g = torch.DoubleTensor(torch.ones(2, dtype=torch.float64))", "h = g.numpy()",
     "j = torch.FloatTensor(torch.Size([2, 3]))", "k = torch.BoolTensor([1, 0, 2])",
     "m = torch.HalfTensor([1.5])", "n = torch.BFloat16Tensor([1.5])",
     "q = torch.FloatTensor((1, 2))",
     "u = torch.ByteTensor(3).dtype", "v = isinstance(torch.CharTensor(2), torch.CharTensor)",
     "w = torch.ByteTensor([-1, 255])", "x = torch.LongTensor(2, 3).stride()"],
    ["g = torch.DoubleTensor(torch.ones(2))"],
    ["g = torch.IntTensor(torch.ones(2, dtype=torch.int64))"],
    ["g = torch.FloatTensor(torch.ones(2, device=dev))"],
    ["h = torch.FloatTensor(2, 3, device=dev)"],
    ["i = torch.FloatTensor(-1)"], ["l = torch.ByteTensor([-1, 300])"],
    ["l = torch.CharTensor([[1, 2], [3, 128]])"], ["o = torch.FloatTensor([1j])"],
    ["p = torch.FloatTensor(2.5)"], ["r = torch.FloatTensor([[1, 2], [3]])"],
], ids=["allocate-and-convert", "other-dtype", "other-int-dtype", "device-tensor", "device",
        "negative-size", "uint8-overflow", "int8-overflow", "complex", "not-a-sequence",
        "ragged"])
def test_typed_constructors(lines: list[str], device: str) -> None:
    """torch.CharTensor(2, 3) allocates int8, torch.FloatTensor([1, 2]) converts to float32
    (ints checked for overflow, uint8 letting -1 wrap); a tensor passes as is only when it is a
    CPU tensor of the type's dtype (TypeError); devices other than the CPU are refused."""
    assert_conforms(prog(*lines), device)
