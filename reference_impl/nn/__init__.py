"""``torch.nn``: only ``functional`` is modelled."""

from . import functional as functional

__all__ = ["functional"]
