"""``torch.nn``: ``functional``, ``Parameter``, ``Module`` and ``Linear``."""

from . import functional as functional
from .modules import Linear, Module
from .parameter import Parameter

__all__ = ["Linear", "Module", "Parameter", "functional"]
