"""``torch.backends``: only ``torch.backends.cuda.is_built()`` is modelled."""

from typing import TYPE_CHECKING

from . import cuda as cuda

__all__ = ["cuda"]


if not TYPE_CHECKING:  # mypy keeps checking the names the model has
    from .._core.errors import module_getattr

    __getattr__ = module_getattr(__name__)  # a name torch has and the model lacks: NotModelled
