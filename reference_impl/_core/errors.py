"""What the reference refuses to guess about, and what no program may run."""

from __future__ import annotations

import warnings

from .modes import MODES

# The phrase that marks a step which must not run on a device: on CUDA, tensor indices are
# bounds-checked inside the kernel, and an index out of range is a device-side assert, after
# which the process can no longer use CUDA at all. The harness reports such a program as NOT RUN
# on that device (scripts/cuda_probe.py checks the assert itself, each case in a process of its
# own).
DEVICE_ASSERT = "a device-side assert on cuda"


class NotModelled(Exception):  # noqa: N818 - the suite reports it by this name
    """Raised for any behaviour the reference does not model; the suite reports UNMODELLED,
    never a pass."""


def index_out_of_bounds(device_type: str, error: Exception) -> Exception:
    """The error an out-of-range tensor index raises: CPU kernels check it on the host and raise
    ``error``; CUDA kernels assert on the device (see DEVICE_ASSERT), which no program may
    survive, so the step is refused before torch runs it."""
    if device_type == "cuda":
        return NotModelled(f"{DEVICE_ASSERT}: {error} (CUDA kernels check tensor indices on the "
                           "device; the process could not use CUDA afterwards)")
    return error


# The mark of a warning torch gives at most once per process (TORCH_WARN_ONCE) while
# torch.set_warn_always is off: a model of one program cannot know whether this process has
# already shown it, so the reference states it as optional and the judge accepts it absent (but
# never twice in one program). With set_warn_always(True) torch gives it every time, and the
# reference states it plainly.
ONCE_PER_PROCESS = "[once per process] "


def warn_once(message: str, stacklevel: int = 3) -> None:
    """A TORCH_WARN_ONCE warning (a UserWarning): every time under set_warn_always(True),
    otherwise marked optional (ONCE_PER_PROCESS)."""
    warnings.warn(message if MODES.warn_always else ONCE_PER_PROCESS + message, UserWarning,
                  stacklevel=stacklevel)
