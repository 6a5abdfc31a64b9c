"""The reference's CUDA rules, checked without a GPU (the model's "cuda" is a label).

Each expectation below was observed on an NVIDIA H200 with torch 2.11.0+cu130: by the suite's
cuda column (docs/gpu/run-1) or by scripts/cuda_probe.py (docs/gpu/run-1/probe.json, named by
case). The same rule on the CPU is checked beside it where the two differ.
"""

from __future__ import annotations

import numpy as np
import pytest

import reference_impl as torch
from reference_impl import DEVICE_ASSERT, NotModelled

CUDA = "cuda"


def test_numpy_refusal_names_the_indexed_device() -> None:
    """probe numpy-of-cuda: "can't convert cuda:0 device type tensor to numpy..."."""
    with pytest.raises(TypeError, match=r"^can't convert cuda:0 device type tensor to numpy\. "):
        torch.ones(2, device=CUDA).numpy()
    with pytest.raises(TypeError, match=r"^can't convert meta device type tensor"):
        torch.ones(2, device="meta").numpy()


def test_tensor_of_a_tensor_keeps_its_device() -> None:
    """torch.tensor(data): "If None and data is a tensor then the device of data is used"
    (seen: CREATE-02 on cuda, run 1)."""
    with pytest.warns(UserWarning):
        b = torch.tensor(torch.ones(2, device=CUDA))
    assert str(b.device) == "cuda:0"
    with pytest.warns(UserWarning):
        assert str(torch.tensor(torch.ones(2, device=CUDA), device="cpu").device) == "cpu"


def test_to_the_current_cuda_device_returns_self() -> None:
    """probe to-same-device-returns-self: to(dev), to('cuda:0'), to('cuda'), cuda() and
    non_blocking return self; copy=True copies. "cpu:0" still copies from "cpu"."""
    x = torch.ones(2, device=CUDA)
    assert x.to("cuda") is x and x.to("cuda:0") is x and x.cuda() is x
    assert x.to(CUDA, non_blocking=True) is x
    assert x.to(CUDA, copy=True) is not x
    c = torch.ones(2)
    assert c.to("cpu") is c and c.to("cpu:0") is not c


def test_pinning_a_cuda_tensor_raises() -> None:
    """probe pin-cuda-tensor, is-pinned-cuda."""
    x = torch.ones(2, device=CUDA)
    with pytest.raises(RuntimeError, match=r"^cannot pin 'torch\.cuda\.FloatTensor' only dense "
                                           r"CPU tensors can be pinned$"):
        x.pin_memory()
    assert x.is_pinned() is False


def test_nonzero_strides_by_device() -> None:
    """nonzero's result is (z, n) with strides (1, z) on the CPU; the CUDA kernel transposes a
    contiguous (n, z) buffer, so an empty result has strides (1, 1) (run 1, INDEX-06)."""
    assert torch.tensor([0.0, 0.0], device=CUDA).nonzero().stride() == (1, 1)
    assert torch.tensor([0.0, 0.0]).nonzero().stride() == (1, 0)
    assert torch.tensor([1.0, 0.0, 1.0], device=CUDA).nonzero().stride() == (1, 2)
    assert torch.tensor([1.0, 0.0, 1.0]).nonzero().stride() == (1, 2)


def test_a_scalar_written_into_an_expanded_cuda_tensor() -> None:
    """x[...] = 7 makes the 7 a CPU tensor for a CUDA x, and fill_ from another device has no
    overlap check (run 1, INDEX-03); on the CPU, copy_'s overlap check refuses it."""
    x = torch.zeros(1, device=CUDA).expand(3)
    x[...] = 7
    assert x.tolist() == [7.0, 7.0, 7.0] and x._version == 1
    y = torch.zeros(1).expand(3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        y[...] = 7
    assert y._version == 0


def test_fill_with_a_tensor_checks_overlap_on_its_own_device() -> None:
    """fill_(Tensor) goes through copy_ when the value is on self's device (torch 2.13, CPU),
    through item() when it is not."""
    x = torch.zeros(1).expand(3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        x.fill_(torch.tensor(7.0))
    x.fill_(7.0)
    assert x.tolist() == [7.0, 7.0, 7.0]
    g = torch.zeros(1, device=CUDA).expand(3)
    g.fill_(torch.tensor(5.0))
    assert g.tolist() == [5.0, 5.0, 5.0]
    with pytest.raises(RuntimeError, match="more than one element"):
        g.fill_(torch.tensor(5.0, device=CUDA))


def test_integer_division_by_zero_on_cuda_is_unspecified() -> None:
    """probe int-floordiv-zero: [7, -7, 3] // [0, 0, 2] gives [4294967295, -2, 1] on CUDA, no
    error: the quotients by zero are not facts; the CPU raises."""
    q = torch.tensor([7, -7, 3], device=CUDA) // torch.tensor([0, 0, 2], device=CUDA)
    assert q._unspecified() == [0, 1]
    assert q.tolist()[2] == 1
    t = torch.div(torch.tensor([7, -7], device=CUDA), 0, rounding_mode="trunc")
    assert t._unspecified() == [0, 1]
    with pytest.raises(RuntimeError, match="^ZeroDivisionError$"):
        torch.tensor([7, -7, 3]) // torch.tensor([0, 0, 2])


@pytest.mark.parametrize("dtype, name", [("int64", "Long"), ("int32", "Int"), ("bool", "Bool")])
def test_integer_products_have_no_cuda_kernel(dtype: str, name: str) -> None:
    """probe mm-int64, bmm-int64, dot-int64, mv-int64: NotImplementedError ("addmm_cuda",
    "baddbmm_cuda", "dot", "addmv_impl_cuda" not implemented for 'Long')."""
    dt = getattr(torch, dtype)
    a = torch.ones(2, 2, dtype=dt, device=CUDA)
    for call in (lambda: a @ a, lambda: torch.bmm(a[None], a[None]),
                 lambda: torch.dot(a[0], a[0]), lambda: a @ a[0]):
        with pytest.raises(NotImplementedError, match=f"not implemented for '{name}'$"):
            call()
    if dtype != "bool":
        c = torch.ones(2, 2, dtype=dt)
        assert (c @ c).tolist() == [[2, 2], [2, 2]]


def test_operands_on_two_devices() -> None:
    """probe cuda-plus-cpu, cpu-plus-cuda, cpu-scalar-tensor-plus-cuda,
    cuda-scalar-tensor-plus-cpu, mm-cuda-cpu, cuda-out-cpu."""
    g, c = torch.ones(2, device=CUDA), torch.ones(2)
    msg = r"^Expected all tensors to be on the same device, but found at least two devices, " \
          r"cuda:0 and cpu!$"
    for call in (lambda: g + c, lambda: c + g, lambda: torch.tensor(1.5, device=CUDA) + c,
                 lambda: torch.add(g, 1, out=torch.empty(2))):
        with pytest.raises(RuntimeError, match=msg):
            call()
    y = torch.tensor(1.5) + g
    assert str(y.device) == "cuda:0" and y.tolist() == [2.5, 2.5]
    with pytest.raises(RuntimeError, match="^Expected all tensors to be on the same device, "):
        torch.mm(torch.ones(2, 2, device=CUDA), torch.ones(2, 2))


@pytest.mark.parametrize("code", [
    "x[torch.tensor([5], device='cuda')]", "x[[0, 5]]", "x[torch.tensor([5])]",
    "x.index_select(0, torch.tensor([5], device='cuda'))",
    "x.gather(0, torch.tensor([5], device='cuda'))",
    "x.gather(0, torch.tensor([-1], device='cuda'))",
    "x.scatter_(0, torch.tensor([5], device='cuda'), 2.0)",
])
def test_an_out_of_range_tensor_index_on_cuda_is_refused(code: str) -> None:
    """probe getitem-*-oob, index-select-oob, gather-oob, gather-negative, scatter-oob: a
    device-side assert, after which the process cannot use CUDA (device_usable_after false).
    The model refuses the step so that torch never runs it; on the CPU it is an error."""
    x = torch.ones(3, device=CUDA)
    with pytest.raises(NotModelled, match=DEVICE_ASSERT):
        eval(code, {"torch": torch, "x": x})
    cpu = torch.ones(3)
    with pytest.raises((IndexError, RuntimeError), match="out of (bounds|range)"):
        eval(code.replace(", device='cuda'", ""), {"torch": torch, "x": cpu})


def test_an_int_index_out_of_range_is_a_host_error_on_cuda() -> None:
    """probe getitem-int-oob: an int index is checked on the host (IndexError, CUDA usable)."""
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        torch.ones(3, device=CUDA)[5]


def test_version_counter_error_names_the_cuda_type() -> None:
    """Run 1, SAVED-01 on cuda: "[torch.cuda.FloatTensor [2, 3]] is at version 1"."""
    x = torch.ones(2, 3, device=CUDA, requires_grad=True)
    y = x * x
    with torch.no_grad():
        x.mul_(2)
    with pytest.raises(RuntimeError, match=r"\[torch\.cuda\.FloatTensor \[2, 3\]\] is at "
                                           r"version 1; expected version 0 instead"):
        y.sum().backward()


def test_index_select_out_of_another_dtype_on_cuda() -> None:
    """Run 1, OUT-03 on cuda: "expected scalar type Float but found Long", after out was
    resized (the CUDA kernel dispatches on out's dtype); the CPU checks before resizing."""
    out = torch.zeros(3, 2)
    with pytest.raises(RuntimeError, match="^expected scalar type Float but found Long$"), \
            pytest.warns(UserWarning, match="was resized"):
        torch.index_select(torch.tensor([5, 6], device=CUDA), 0,
                           torch.tensor([0], device=CUDA), out=out.to(CUDA))
    with pytest.raises(RuntimeError, match="self and result must have the same scalar type"):
        torch.index_select(torch.tensor([5, 6]), 0, torch.tensor([0]), out=out)
    assert out.shape == (3, 2)
    g = torch.zeros(3, 2, device=CUDA)
    with pytest.raises(RuntimeError), pytest.warns(UserWarning, match="was resized"):
        torch.index_select(torch.tensor([5, 6], device=CUDA), 0, torch.tensor([0], device=CUDA),
                           out=g)
    assert g.shape == (1,)


def test_softmax_of_integers_by_device() -> None:
    """probe softmax-int64: NotImplementedError on CUDA ("host_softmax"); the CPU kernel raises
    RuntimeError."""
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        torch.softmax(torch.ones(2, dtype=torch.int64, device=CUDA), 0)
    with pytest.raises(RuntimeError, match="not implemented for 'Long'"):
        torch.softmax(torch.ones(2, dtype=torch.int64), 0)


def test_gather_does_not_wrap_negative_indices() -> None:
    """torch 2.13's CPU: gather with index -1 raises "index -1 is out of bounds"."""
    with pytest.raises(RuntimeError, match="^index -1 is out of bounds for dimension 0 with "
                                           "size 3$"):
        torch.arange(3.0).gather(0, torch.tensor([-1]))
    assert np.allclose(torch.arange(3.0).gather(0, torch.tensor([2, 0])).tolist(), [2.0, 0.0])
