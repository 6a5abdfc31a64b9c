"""How torch's Python argument parser reads keyword names, for every function and method.

python_arg_parser.cpp (numpy_compatibility_arg_names) takes NumPy's names for two arguments:
``axis`` for ``dim`` and ``keepdims`` for ``keepdim`` (``x.sum(axis=0, keepdims=True)``, as
Dive into Deep Learning writes it). The recording wrapper every op passes through applies it
(``_autograd/record.py``, ``differentiable``).
"""

from __future__ import annotations

from typing import Any

NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}


def numpy_names(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with NumPy's names replaced by torch's; both names at once is a TypeError."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        name = NUMPY_NAMES.get(key, key)
        if name in out or (name != key and name in kwargs):
            raise TypeError(f"got multiple values for argument '{name}'")
        out[name] = value
    return out
