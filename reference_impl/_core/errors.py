"""What the reference refuses to guess about, and what no program may run."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings
from typing import Any

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


# The phrase that marks a refusal for missing API: a name torch's namespaces or its Tensor may
# have and the model does not. The judge (conformance/judge/check.py) runs torch's same step
# then: if torch lacks the name too, the program is broken (INVALID), else UNMODELLED.
MISSING_API = "is not in the model's API"


def missing_api(name: str) -> NotModelled:
    """The refusal of an attribute the model lacks, named as torch names it
    (``torch.Tensor.max``, ``torch.nn.Parameter``)."""
    return NotModelled(f"{name} {MISSING_API}")


def torch_name(module_name: str) -> str:
    """A reference module's name as torch's (``reference_impl.nn`` -> ``torch.nn``)."""
    return "torch" + module_name[len("reference_impl"):] \
        if module_name.startswith("reference_impl") else module_name


def module_getattr(module_name: str) -> Any:
    """A module ``__getattr__`` (PEP 562) for a namespace of the model: a submodule on disk is
    imported; a dunder is Python's own AttributeError (protocols probe them); any other name
    is missing API, refused with its torch name."""
    def __getattr__(name: str) -> Any:  # noqa: N807 - PEP 562 names it
        if name.startswith("__"):
            raise AttributeError(f"module '{module_name}' has no attribute '{name}'")
        package = hasattr(sys.modules.get(module_name), "__path__")
        if package and importlib.util.find_spec(f"{module_name}.{name}") is not None:
            return importlib.import_module(f"{module_name}.{name}")
        raise missing_api(f"{torch_name(module_name)}.{name}")
    return __getattr__


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
