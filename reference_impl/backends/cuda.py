"""``torch.backends.cuda``: whether the build has CUDA.

https://docs.pytorch.org/docs/stable/backends.html#torch.backends.cuda.is_built
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core.release import HOST, described

__all__ = ["is_built"]


def is_built() -> bool:
    """"Return whether PyTorch is built with CUDA support. Note that this doesn't necessarily
    mean CUDA is available; just that if this PyTorch binary were run on a machine with
    working CUDA drivers and devices, we would be able to use it." """
    return bool(described(HOST.cuda_built, "torch.backends.cuda.is_built()"))


if not TYPE_CHECKING:  # mypy keeps checking the names the model has
    from .._core.errors import module_getattr

    __getattr__ = module_getattr(__name__)  # a name torch has and the model lacks: NotModelled
