"""Tensors that share storage: views, with the version counter they share and the metadata
autograd keeps on them.

https://docs.pytorch.org/docs/stable/tensor_view.html : "View tensor shares the same underlying
data with its base tensor."
"""

from __future__ import annotations

from collections.abc import Sequence

from .modes import MODES, CreationMeta
from .tensor import Tensor


def view_of(src: Tensor, shape: Sequence[int], strides: Sequence[int], offset: int,
            *, track: bool = True) -> Tensor:
    """A new Tensor on ``src``'s storage. Views share the version counter; ``_base`` is the
    root base (https://docs.pytorch.org/docs/stable/tensor_view.html)."""
    root = src._base_t if src._base_t is not None else src
    # Note: inference tensors carry no autograd metadata, so their views are not views.
    track = track and not src._inference
    t = Tensor._new(src._storage, offset, shape, strides, src._dtype, vc=src._vc,
                    base=root if track else None, is_view=track)
    t._inference = src._inference
    t._conj = src._conj
    t._neg = src._neg
    _record_view(src, t)
    return t


def _record_view(src: Tensor, out: Tensor) -> None:
    """Autograd metadata of a new view: the version it was made at, and whether grad mode was
    off while its base required grad (such views may not be modified in place later)."""
    out._attr_version = out._vc.value
    root = src._base_t if src._base_t is not None else src
    if src._view and src._creation is not CreationMeta.DEFAULT:
        # A view of such a view inherits how its base view was made.
        out._creation = src._creation
        out._creation_inherited = True
        return
    if MODES.inference:
        out._creation = CreationMeta.INFERENCE_MODE
    elif not MODES.grad and root.requires_grad:
        out._creation = CreationMeta.NO_GRAD_MODE
    else:
        out._creation = CreationMeta.DEFAULT
