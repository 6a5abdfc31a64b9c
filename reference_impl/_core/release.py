"""The torch under check: its release, its build, and the host it runs on; and the few rules
where the documented behaviour itself changed between releases, each with its evidence.

The model cannot know these by itself: the harness tells it (``set_host``, called by
conformance/judge/check.py before every program). A fact left unknown (None) means: the newest
documented behaviour (the release) and a host where CUDA works (the build; pinning memory on an
undescribed host is not modelled). The README's "Releases" table lists the same rules.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import NotModelled


@dataclass
class Host:
    """What the harness told the model. ``release`` is (major, minor), or None: the newest."""

    accelerator: bool | None = None  # an accelerator usable from this process (pin_memory)
    cuda_built: bool | None = None  # torch compiled with CUDA (torch.backends.cuda.is_built())
    cuda: bool | None = None  # a CUDA device usable (torch.cuda.is_available())
    cuda_devices: int | None = None  # torch.cuda.device_count()
    release: tuple[int, int] | None = None


HOST = Host()


def set_host(*, accelerator: bool | None, cuda_built: bool | None = None,
             cuda: bool | None = None, cuda_devices: int | None = None,
             release: str | None = None) -> None:
    """Describe the torch under check (``release``: its version, ``"2.6.0+cu124"``) and its
    host. Every call describes the whole of it: what is not given becomes unknown."""
    HOST.accelerator = accelerator
    HOST.cuda_built = cuda_built
    HOST.cuda = cuda
    HOST.cuda_devices = cuda_devices
    HOST.release = parse_release(release) if release else None


@contextlib.contextmanager
def hosted(*, accelerator: bool | None, cuda_built: bool | None = None,
           cuda: bool | None = None, cuda_devices: int | None = None,
           release: str | None = None) -> Iterator[None]:
    """``set_host`` for the time of one check; the description before it comes back after."""
    saved = dataclasses.replace(HOST)
    set_host(accelerator=accelerator, cuda_built=cuda_built, cuda=cuda,
             cuda_devices=cuda_devices, release=release)
    try:
        yield
    finally:
        for field in dataclasses.fields(Host):
            setattr(HOST, field.name, getattr(saved, field.name))


def parse_release(version: str) -> tuple[int, int]:
    m = re.match(r"^(\d+)\.(\d+)", version)
    if m is None:
        raise ValueError(f"not a torch version: {version!r}")
    return int(m.group(1)), int(m.group(2))


@dataclass(frozen=True)
class Change:
    """A documented behaviour that changed in release ``since`` (older releases follow the
    earlier documentation); ``evidence`` says where the change is recorded and seen."""

    since: tuple[int, int]
    what: str
    evidence: str


# Every release-dependent rule of the model, in one table (README, "Releases").
CHANGES: dict[str, Change] = {
    "barebones-unsigned": Change(
        (2, 3), "torch.uint16, torch.uint32 and torch.uint64 exist, and cross the NumPy bridge "
                "(from_numpy, torch.tensor and as_tensor of NumPy uint16/32/64 arrays)",
        "added by https://github.com/pytorch/pytorch/pull/116594 (January 2024, torch 2.3; "
        "tensor_attributes.html lists them from 2.3 on); seen: absent on 2.0.1 (AttributeError "
        "for the dtype, TypeError from from_numpy), present on 2.6.0"),
    "dtype-errors-not-implemented": Change(
        (2, 8), "an op with no kernel for a dtype raises NotImplementedError (\"... not "
                "implemented for 'Bool'\", \"clamp is not supported for complex types\"); "
                "RuntimeError before",
        "https://github.com/pytorch/pytorch/pull/155470 (June 2025, release notes of 2.8, "
        "bc-breaking: \"NotImplementedError exception will be raised when ATen operation is "
        "called on the combination of input tensor dtypes it has not been implemented for\"); "
        "seen: RuntimeError on 2.0.1 and 2.6.0, NotImplementedError on 2.11.0"),
    "bool-arithmetic-not-implemented": Change(
        (2, 14), "subtracting or negating a bool tensor raises NotImplementedError "
                 "(RuntimeError before)",
        "https://github.com/pytorch/pytorch/pull/192348 (\"Raise NotImplementedError for "
        "unsupported bool ops\", August 2026); seen: RuntimeError on 2.13.0, "
        "NotImplementedError on 2.14.1"),
    "bcomplex32": Change(
        (2, 14), "torch.bcomplex32 exists and is bfloat16's corresponding complex dtype: "
                 "bfloat16 promoted with a complex operand of higher category gives bcomplex32 "
                 "(complex64 before), for which most kernels are missing",
        "torch 2.14's type promotion reference (torch/_prims_common/__init__.py, "
        "elementwise_dtypes: \"The corresponding complex dtypes are: ... bfloat16 -> "
        "bcomplex32\"); seen on 2.14.1: result_type(bfloat16 tensor, complex 0-dim) is "
        "torch.bcomplex32 and add raises \"add_stub\" not implemented for 'BComplex32'"),
    "accelerator-namespace": Change(
        (2, 6), "torch.accelerator exists (is_available, device_count, current_accelerator, "
                "current_device_index)",
        "the torch.accelerator page is in the documentation from 2.6 on; seen: absent on "
        "2.0.1 (AttributeError), present on 2.6.0"),
    "accelerator-of-the-build": Change(
        (2, 7), "torch.accelerator.current_accelerator() answers the accelerator the build was "
                "compiled for, or None (check_available=True: None unless one is usable); "
                "before, it raised where none was available",
        "docs 2.7 (generated/torch.accelerator.current_accelerator.html: \"Return the device "
        "of the accelerator available at compilation time. If no accelerator were available "
        "at compilation time, returns None\") against docs 2.6 (\"If there is no available "
        "accelerator, this function will raise an exception\"); seen: RuntimeError on 2.6.0's "
        "CUDA build without a GPU, torch.device('cuda') on 2.11.0 and 2.14.1, None on 2.13.0's "
        "CPU build"),
    "whole-slices-elided": Change(
        (2, 11), "inside a tuple index, a slice over a whole dimension (``:``, or 0 to at least "
                 "its end) is no view of its own: p[:, 1] is one SelectBackward0, p[:, 0:3] an "
                 "AliasBackward0; before, only a slice whose stop is the size exactly was, "
                 "and ``:`` recorded a SliceBackward0 (p[:, 1]: SelectBackward0 of "
                 "SliceBackward0)",
        "not documented (the graph's depth is compared, its node names are not); seen: the "
        "old rule on 2.0.1 and 2.6.0, the new one on 2.11.0, 2.13.0 and 2.14.1; releases "
        "between are placed with 2.6"),
    "fill-tensor-overlap-check": Change(
        (2, 6), "fill_ with a 0-dim tensor on self's device (so x[...] = t and x[:] = 7 on the "
                "CPU) refuses an expanded self, as copy_ does (INPLACE-05: op by op, as torch "
                "checks); before, it wrote the shared locations",
        "seen: no check on 2.0.1, the check on 2.6.0, 2.11.0, 2.13.0 and 2.14.1; releases "
        "between are placed with 2.0"),
    "meta-item-refusal": Change(
        (2, 6), "item() of a meta tensor raises RuntimeError (\"Tensor.item() cannot be "
                "called on meta tensors\"); before, NotImplementedError (no meta kernel for "
                "aten::_local_scalar_dense)",
        "seen: NotImplementedError on 2.0.1, RuntimeError on 2.6.0 and later; releases "
        "between are placed with 2.0"),
    "mean-saves-sizes": Change(
        (2, 6), "mean's backward node saves no tensor (its sizes only), so a second backward "
                "through it after the graph was freed runs; before, it saved its input "
                "(grad_fn._saved_self) and raised \"Trying to backward through the graph a "
                "second time\"",
        "seen: _saved_self and the error on 2.0.1, neither on 2.6.0 and later; releases "
        "between are placed with 2.0"),
    "matmul-folds-viewable-batch": Change(
        (2, 14), "matmul of a batch by a matrix folds the batch into the rows of one mm when "
                 "the leading dims can be viewed as rows, size-1 dims left out (so its errors "
                 "are mm's: \"mat1 and mat2 shapes cannot be multiplied\"); before, every "
                 "leading stride had to be the next one times the next size, or it ran bmm "
                 "(\"Expected size for first two dimensions of batch2 tensor\")",
        "not documented (matmul's docs fix no message); seen: (1, 2, 3) from [::2] and "
        "(2, 1, 3) from [:, :1] fold on 2.14.1 and not on 2.13.0; a strided row dim folds on "
        "neither"),
}

NEWEST = (2, 14)  # the newest release whose documentation the model follows


def release() -> tuple[int, int]:
    """The release under check (the newest documented one when the harness did not say)."""
    return HOST.release if HOST.release is not None else NEWEST


def follows(change: str) -> bool:
    """Whether the release under check has the documented behaviour ``change`` introduced."""
    return release() >= CHANGES[change].since


def dtype_error(message: str) -> Exception:
    """The error of an op with no kernel for a dtype (see CHANGES)."""
    kind = NotImplementedError if follows("dtype-errors-not-implemented") else RuntimeError
    return kind(message)


# ---- the build and the host ---------------------------------------------------------------------

def cuda_unavailable() -> Exception | None:
    """The error creating a CUDA tensor raises on this build and host (CUDA is initialised on
    its first allocation); None where CUDA works or the harness did not say.

    Seen: "Torch not compiled with CUDA enabled" (AssertionError, torch/cuda/__init__.py's
    _lazy_init) on 2.13.0's CPU build; "Found no NVIDIA driver on your system" (RuntimeError) on
    the CUDA builds of 2.0.1, 2.6.0, 2.11.0 and 2.14.1 on a host without a GPU driver."""
    if HOST.cuda_built is False:
        return AssertionError("Torch not compiled with CUDA enabled")
    if HOST.cuda_built and HOST.cuda is False:
        return RuntimeError("Found no NVIDIA driver on your system")
    return None


def described(fact: bool | int | None, what: str) -> bool | int:
    """A fact of the host the harness must have given (NotModelled when it did not)."""
    if fact is None:
        raise NotModelled(f"{what} on a host the harness did not describe")
    return fact


def pinning_unavailable() -> Exception | None:
    """The error ``pin_memory()`` raises on a host without an accelerator; None where one is
    present. No document fixes the message, which each build words its own way.

    Note: seen on a host without a GPU: 2.13.0's CPU build and 2.6.0's CUDA build check for an
    accelerator ("Cannot access accelerator device when none is available."); the CUDA builds
    of 2.11.0 and 2.14.1 initialise CUDA ("Found no NVIDIA driver on your system"); 2.0.1's
    CUDA build calls the CUDA runtime ("CUDA driver version is insufficient for CUDA runtime
    version"). Releases between those run are placed with the next older one seen. The same
    errors answer torch.accelerator.current_device_index() without an accelerator (2.6 on)."""
    if HOST.accelerator:
        return None
    if not HOST.cuda_built:
        return RuntimeError("Cannot access accelerator device when none is available.")
    if release() >= (2, 11):
        return RuntimeError("Found no NVIDIA driver on your system")
    if release() >= (2, 6):
        return RuntimeError("Cannot access accelerator device when none is available.")
    return RuntimeError("CUDA driver version is insufficient for CUDA runtime version")
