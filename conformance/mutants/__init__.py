"""Mutants of real torch: small monkeypatches that each break one documented behaviour."""

from typing import Any


def torch_module() -> Any:
    """torch, imported when a patch is applied (the catalogue itself imports without it)."""
    import torch
    return torch
