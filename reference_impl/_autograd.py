"""Autograd state the rest of the model consults: grad mode, and graph recording hooks.

The engine itself arrives with the autograd issue; until then any operation that would record
a graph raises NotModelled, so no autograd behaviour is ever reported as a pass by accident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import NotModelled

if TYPE_CHECKING:
    from ._tensor import Tensor

_grad_enabled = [True]


def is_grad_enabled() -> bool:
    return _grad_enabled[0]


def needs_graph(*inputs: Any) -> bool:
    """True when an op on ``inputs`` must record a graph (grad mode on, an input requires
    grad)."""
    from ._tensor import Tensor
    return is_grad_enabled() and any(isinstance(t, Tensor) and t._requires_grad for t in inputs)


def record_view(src: Tensor, out: Tensor) -> None:
    if needs_graph(src):
        raise NotModelled("autograd through a view")


def check_no_graph(name: str, *inputs: Any) -> None:
    if needs_graph(*inputs):
        raise NotModelled(f"autograd through {name}")
