"""``torch.accelerator`` (from 2.6; absent before, ``_core/release.py``): the queries about the
current accelerator, answered as the build and host under check answer them. The model knows
one accelerator, CUDA.

https://docs.pytorch.org/docs/stable/accelerator.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._core.device import device
from ._core.errors import NotModelled
from ._core.release import HOST, described, follows, pinning_unavailable

__all__ = ["current_accelerator", "current_device_index", "device_count", "is_available"]

_NONE_AVAILABLE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    """"Check if the current accelerator is available at runtime: it was build, all the
    required drivers are available and at least one device is visible." """
    return bool(described(HOST.accelerator, "torch.accelerator.is_available()"))


def device_count() -> int:
    """"If there is no available accelerators, return 0." """
    if not is_available():
        return 0
    _usable_cuda()
    return int(described(HOST.cuda_devices, "torch.accelerator.device_count()"))


def current_accelerator(check_available: bool = False) -> device | None:
    """Docs 2.7 on: "the device of the accelerator available at compilation time. If no
    accelerator were available at compilation time, returns None"; with check_available, None
    unless one is usable. Docs 2.6: "If there is no available accelerator, this function will
    raise an exception" (and no check_available)."""
    available = is_available()
    if not follows("accelerator-of-the-build"):
        if check_available:
            raise TypeError("current_accelerator() got an unexpected keyword argument "
                            "'check_available'")
        if not available:
            raise RuntimeError(_NONE_AVAILABLE)
    elif check_available and not available:
        return None
    return _of_the_build()


def current_device_index() -> int:
    """The index of the selected device (0: the model has no set_device_index). Without an
    accelerator it raises; the error is each build's own (seen: as pin_memory's)."""
    if not is_available():
        refused = pinning_unavailable()
        raise refused if refused is not None else RuntimeError(_NONE_AVAILABLE)
    _usable_cuda()
    return 0


def _of_the_build() -> device | None:
    """The accelerator the build was compiled for: CUDA, or none (another is not modelled)."""
    if described(HOST.cuda_built, "torch.accelerator.current_accelerator()"):
        return device("cuda")
    if HOST.accelerator:
        raise NotModelled("an accelerator other than CUDA")
    return None


def _usable_cuda() -> None:
    if not HOST.cuda:
        raise NotModelled("an accelerator other than CUDA")


if not TYPE_CHECKING:  # mypy keeps checking the names the model has
    from ._core.errors import module_getattr

    __getattr__ = module_getattr(__name__)  # a name torch has and the model lacks: NotModelled
