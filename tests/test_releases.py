"""The model follows the release, the build and the host under check (reference_impl/_core/
release.py): each case below was seen on that torch (2.0.1, 2.6.0, 2.11.0 and 2.14.1 CUDA builds
on a host without a GPU; 2.13.0's CPU build), and the judge describes the torch it runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest

import reference_impl as ref
from conformance.judge.check import check
from conformance.program import prog
from conformance.snippet import check_source
from conformance.verdicts import EXPECTED, MISMATCH, PASS
from reference_impl import NotModelled
from reference_impl._core.release import CHANGES, HOST

NO_DRIVER = "Found no NVIDIA driver on your system"
NONE_AVAILABLE = "Cannot access accelerator device when none is available."


@contextmanager
def cuda_build_without_gpu(release: str) -> Iterator[None]:
    with ref.hosted(accelerator=False, cuda_built=True, cuda=False, cuda_devices=0,
                    release=release):
        yield


@contextmanager
def cpu_build(release: str = "2.13.0") -> Iterator[None]:
    with ref.hosted(accelerator=False, cuda_built=False, cuda=False, cuda_devices=0,
                    release=release):
        yield


# ---- the build and the host ---------------------------------------------------------------------

def test_a_cpu_build_refuses_cuda_as_torch_does() -> None:
    with cpu_build():
        assert ref.cuda.is_available() is False and ref.cuda.device_count() == 0
        assert ref.backends.cuda.is_built() is False
        for make in (lambda: ref.ones(2, device="cuda"), lambda: ref.ones(2).cuda(),
                     ref.cuda.current_device):
            with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
                make()
        assert ref.accelerator.is_available() is False
        assert ref.accelerator.device_count() == 0
        assert ref.accelerator.current_accelerator() is None
        with pytest.raises(RuntimeError, match=NONE_AVAILABLE):
            ref.accelerator.current_device_index()
        with pytest.raises(RuntimeError, match=NONE_AVAILABLE):
            ref.ones(2).pin_memory()


@pytest.mark.parametrize("release", ["2.0.1", "2.6.0", "2.11.0", "2.14.1"])
def test_a_cuda_build_without_a_gpu_finds_no_driver(release: str) -> None:
    with cuda_build_without_gpu(release):
        assert ref.backends.cuda.is_built() is True
        assert ref.cuda.is_available() is False and ref.cuda.device_count() == 0
        for make in (lambda: ref.ones(2, device="cuda"), lambda: ref.zeros(2).to("cuda"),
                     ref.cuda.current_device):
            with pytest.raises(RuntimeError, match=NO_DRIVER):
                make()


@pytest.mark.parametrize(("release", "pinning"), [
    ("2.0.1", "CUDA driver version is insufficient for CUDA runtime version"),
    ("2.6.0", NONE_AVAILABLE), ("2.11.0", NO_DRIVER), ("2.14.1", NO_DRIVER)])
def test_pin_memory_refuses_as_each_cuda_build_does(release: str, pinning: str) -> None:
    with cuda_build_without_gpu(release), pytest.raises(RuntimeError, match=pinning):
        ref.ones(2).pin_memory()


def test_the_accelerator_namespace_follows_the_release() -> None:
    with cuda_build_without_gpu("2.0.1"), pytest.raises(AttributeError, match="accelerator"):
        ref.accelerator  # noqa: B018 - reading it is the test
    with cuda_build_without_gpu("2.6.0"):
        with pytest.raises(RuntimeError, match=NONE_AVAILABLE):  # docs 2.6: it raises
            ref.accelerator.current_accelerator()
        with pytest.raises(RuntimeError, match=NONE_AVAILABLE):
            ref.accelerator.current_device_index()
    with cuda_build_without_gpu("2.11.0"):  # docs 2.7 on: the build's accelerator
        assert ref.accelerator.current_accelerator() == ref.device("cuda")
        assert ref.accelerator.current_accelerator(check_available=True) is None
        with pytest.raises(RuntimeError, match=NO_DRIVER):
            ref.accelerator.current_device_index()


def test_a_host_with_gpus() -> None:
    with ref.hosted(accelerator=True, cuda_built=True, cuda=True, cuda_devices=2,
                    release="2.11.0"):
        assert ref.cuda.is_available() and ref.cuda.device_count() == 2
        assert ref.cuda.current_device() == 0
        assert ref.accelerator.device_count() == 2
        assert ref.accelerator.current_accelerator(check_available=True) == ref.device("cuda")
        assert str(ref.ones(2, device="cuda").device) == "cuda:0"


def test_an_undescribed_host_is_not_modelled() -> None:
    with ref.hosted(accelerator=None), pytest.raises(NotModelled):
        ref.cuda.is_available()


def test_the_judge_describes_this_torch_and_restores_the_description() -> None:
    """This process's torch (2.13.0's CPU build here, or whatever runs the tests) answers the
    queries as the model does; the model's host is as it was after the check."""
    before = (HOST.accelerator, HOST.cuda_built, HOST.cuda, HOST.release)
    result = check_source(
        "a = torch.cuda.is_available()\nn = torch.cuda.device_count()\n"
        "b = torch.backends.cuda.is_built()\n"
        "c = torch.accelerator.current_accelerator() if hasattr(torch, 'accelerator') else 0\n"
        "x = torch.ones(2, device='cuda') if not a else None\n"
        "d = torch.cuda.current_device()\n")
    assert result.verdict == PASS, result.explain()
    assert (HOST.accelerator, HOST.cuda_built, HOST.cuda, HOST.release) == before


# ---- documented rules that changed between releases ---------------------------------------------

def test_missing_dtype_kernels_raise_by_release() -> None:
    for release, kind in (("2.6.0", RuntimeError), ("2.11.0", NotImplementedError)):
        with cpu_build(release), pytest.raises(kind, match="not implemented for 'Bool'") as e:
            ref.ones(2, dtype=ref.bool).abs()
        assert type(e.value) is kind


def test_bool_subtraction_raises_by_release() -> None:
    for release, kind in (("2.13.0", RuntimeError), ("2.14.1", NotImplementedError)):
        with cpu_build(release), pytest.raises(kind, match="Subtraction") as e:
            ref.ones(2, dtype=ref.bool) - ref.ones(2, dtype=ref.bool)
        assert type(e.value) is kind


def test_unsigned_dtypes_and_bcomplex32_exist_from_their_release() -> None:
    with cpu_build("2.0.1"):
        with pytest.raises(AttributeError, match="uint16"):
            ref.uint16  # noqa: B018
        with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.uint16"):
            ref.from_numpy(np.zeros(2, dtype=np.uint16))
    with cpu_build("2.6.0"):
        assert ref.from_numpy(np.zeros(2, dtype=np.uint16)).dtype is ref.uint16
        with pytest.raises(AttributeError, match="bcomplex32"):
            ref.bcomplex32  # noqa: B018
    bf16 = ref.ones(2, dtype=ref.bfloat16, device="meta")
    with cpu_build("2.13.0"):
        assert ref.result_type(bf16, ref.tensor(1j)) is ref.complex64
    with cpu_build("2.14.1"):
        assert ref.result_type(bf16, ref.tensor(1j)) is ref.bcomplex32


def test_every_change_names_its_release_and_evidence() -> None:
    for name, change in CHANGES.items():
        assert change.since >= (2, 0) and change.what and "seen" in change.evidence, name


# ---- a recorded torch defect --------------------------------------------------------------------

OVERLONG_OUT = ("import numpy as np\nout = torch.from_numpy(np.zeros(2, dtype=np.float32))\n"
                "torch.add(torch.ones(3), 1, out=out)\ns = out.shape")


def test_a_failed_out_resize_is_the_recorded_departure() -> None:
    """torch leaves out= longer than its storage after a failed resize (pytorch issue
    170298): EXPECTED by its entry, a MISMATCH without it."""
    result = check_source(OVERLONG_OUT)
    assert result.verdict == EXPECTED, result.explain()
    assert result.expectation is not None
    assert result.expectation.id == "failed-out-resize-keeps-new-shape"
    assert "170298" in result.expectation.url
    program = prog(*OVERLONG_OUT.splitlines())
    assert check(program, expectations=[]).verdict == MISMATCH


def test_clamps_gradient_at_a_bound_is_the_documented_one() -> None:
    """The autograd notes' rule gives 0 where the input equals a bound; torch up to 2.13 gives
    1 (its expectation entry), 2.14 gives 0."""
    x = ref.tensor([-1.0, 0.0, 1.5], requires_grad=True)
    x.clamp(-1, 1.5).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 1.0, 0.0]
    result = check_source("p = torch.tensor(-1.0, requires_grad=True)\n"
                          "p.clamp(min=-1).backward()\ng = p.grad")
    import torch
    from packaging.version import Version
    if Version(torch.__version__).release < (2, 14):
        assert result.verdict == EXPECTED, result.explain()
        assert result.expectation is not None and result.expectation.id == \
            "clamp-gradient-at-bound"
    else:
        assert result.verdict == PASS, result.explain()


@pytest.mark.parametrize(("release", "depth"), [("2.6.0", (2, 1, 2)), ("2.11.0", (1, 1, 1))])
def test_a_whole_slice_in_a_tuple_index_is_a_node_up_to_2_6(release: str,
                                                            depth: tuple[int, ...]) -> None:
    """p[:, 1], p[:, 0:3] and p1[None, :]: how many view nodes lie between them and the leaf
    (seen: 2.0.1 and 2.6.0 record ``:`` as a SliceBackward0; 2.11.0 on do not)."""
    def nodes(t: ref.Tensor) -> int:
        n, fn = 0, t.grad_fn
        while fn is not None and type(fn).__name__ != "AccumulateGrad":
            n += 1
            fn = fn.next_functions[0][0]
        return n
    with cpu_build(release):
        p = ref.ones(2, 3, requires_grad=True)
        assert (nodes(p[:, 1]), nodes(p[:, 0:3]), nodes(ref.ones(3, requires_grad=True)[None, :])
                ) == depth


def test_fill_with_a_tensor_checks_overlap_from_2_6() -> None:
    """x[...] = 7 on the CPU fills with a 0-dim tensor of x's device: an expanded x is refused
    from 2.6 on (seen), written on 2.0.1 (seen)."""
    with cpu_build("2.0.1"):
        x = ref.zeros(1).expand(3)
        x[...] = 7
        assert x.tolist() == [7.0, 7.0, 7.0]
    with cpu_build("2.6.0"), pytest.raises(RuntimeError, match="more than one element"):
        ref.zeros(1).expand(3)[...] = 7


def test_item_of_a_meta_tensor_by_release() -> None:
    for release, kind in (("2.0.1", NotImplementedError), ("2.6.0", RuntimeError)):
        with cpu_build(release), pytest.raises(kind) as e:
            ref.tensor(0.0, device="meta").item()
        assert type(e.value) is kind


@pytest.mark.parametrize(("torch_version", "dev", "path", "torch_value", "reference", "entry"), [
    ("2.0.1", "meta", "t.dtype", "torch.float32", "torch.int64",
     "meta-full-of-an-int-is-float32"),
    ("2.6.0", "cpu", "error", "TypeError: 'numpy.bool' object cannot be interpreted as an "
     "integer", None, "tensor-of-numpy-bool-scalar"),
    ("2.6.0", "meta", "t.dtype", "torch.float32", "torch.int64", None),
    ("2.11.0", "cpu", "error", "TypeError: 'numpy.bool' object cannot be interpreted as an "
     "integer", None, None)])
def test_the_release_entries_apply_where_seen(torch_version: str, dev: str, path: str,
                                              torch_value: object, reference: object,
                                              entry: str | None) -> None:
    from conformance.judge.expectations import active
    found = [e.id for e in active(torch_version, dev)
             if e.matches(path, torch_value, reference)]
    assert found == ([entry] if entry else [])


@pytest.mark.parametrize(("release", "raises"), [("2.0.1", True), ("2.6.0", False)])
def test_a_second_backward_through_mean_by_release(release: str, raises: bool) -> None:
    """mean's node saved its input up to 2.0 (seen): a second backward through the freed graph
    raised there; from 2.6 it saves sizes only and runs."""
    with cpu_build(release):
        x = ref.ones(2, 3, requires_grad=True)
        y = x.mean()
        y.backward()
        if raises:
            with pytest.raises(RuntimeError, match="backward through the graph a second time"):
                y.backward()
        else:
            y.backward()
            assert x.grad is not None and x.grad.tolist()[0][0] == pytest.approx(2 / 6)


@pytest.mark.parametrize(("release", "phrase"), [
    ("2.13.0", "Expected size for first two dimensions of batch2 tensor"),
    ("2.14.1", "mat1 and mat2 shapes cannot be multiplied")])
def test_matmul_folds_a_viewable_batch_from_2_14(release: str, phrase: str) -> None:
    """A (1, 2, 3) batch sliced with [::2] by a (4, 2) matrix: bmm's error up to 2.13, mm's
    (the batch folded into rows) from 2.14 (seen on both)."""
    with cpu_build(release), pytest.raises(RuntimeError, match=phrase):
        ref.matmul(ref.zeros(2, 2, 3)[::2], ref.zeros(4, 2))
