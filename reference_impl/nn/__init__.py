"""``torch.nn``: ``functional``, ``Parameter``, ``Module`` and ``Linear``."""

from typing import TYPE_CHECKING

from . import functional as functional
from .modules import Linear, Module
from .parameter import Parameter

__all__ = ["Linear", "Module", "Parameter", "functional"]


if not TYPE_CHECKING:  # mypy keeps checking the names the model has
    from .._core.errors import module_getattr

    __getattr__ = module_getattr(__name__)  # a name torch has and the model lacks: NotModelled
