"""``torch.cuda``: the queries that describe the build and the host, answered as the torch under
check answers them (the harness describes both: ``_core/release.py``).

https://docs.pytorch.org/docs/stable/cuda.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._core.errors import NotModelled
from ._core.release import HOST, cuda_unavailable, described

__all__ = ["current_device", "device_count", "is_available"]


def is_available() -> bool:
    """https://docs.pytorch.org/docs/stable/generated/torch.cuda.is_available.html: "Return a
    bool indicating if CUDA is currently available" (False on a CPU build, and on a CUDA build
    without a driver or a GPU)."""
    return bool(described(HOST.cuda, "torch.cuda.is_available()"))


def device_count() -> int:
    """https://docs.pytorch.org/docs/stable/generated/torch.cuda.device_count.html: the number
    of GPUs available, 0 where CUDA is not (seen on every build without a GPU, no warning)."""
    if not described(HOST.cuda, "torch.cuda.device_count()"):
        return 0
    return int(described(HOST.cuda_devices, "torch.cuda.device_count()"))


def current_device() -> int:
    """https://docs.pytorch.org/docs/stable/generated/torch.cuda.current_device.html: the index
    of the selected device (0: the model has no set_device). It initialises CUDA, so it raises
    as creating a CUDA tensor does on a build or host without it."""
    described(HOST.cuda, "torch.cuda.current_device()")
    refused = cuda_unavailable()
    if refused is not None:
        raise refused
    if not HOST.cuda:
        raise NotModelled("torch.cuda.current_device() on a host the harness did not describe")
    return 0


if not TYPE_CHECKING:  # mypy keeps checking the names the model has
    from ._core.errors import module_getattr

    __getattr__ = module_getattr(__name__)  # a name torch has and the model lacks: NotModelled
