"""Backward functions computed with NumPy rather than with tensor ops: those that scatter a
gradient into zeros (as_strided, CopySlices, selections, indexing). They refuse double backward
(NotModelled). Also the nodes torch makes for views modified in place (``AsStridedBackward0``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.aliasing import view_of
from .._core.errors import NotModelled
from .._core.layout import MemOverlap
from .._core.modes import is_grad_enabled
from .._core.tensor import Tensor
from .graph import Edge, Node, Plan, gradient_edge, meta_of, node_class

Geometry = tuple[tuple[int, ...], tuple[int, ...], int]  # shape, strides, storage offset


def requires_grad(x: Any) -> bool:
    return isinstance(x, Tensor) and x.requires_grad


def new_tensor(shape: Sequence[int], like: Tensor, values: Any,
               strides: Sequence[int] | None = None, bumps: int = 0) -> Tensor:
    """A fresh tensor of ``values``; ``bumps`` is how many in-place writes torch's formula
    makes into it (its version when it is stolen into ``.grad``)."""
    t = Tensor._empty(tuple(shape), like._dtype, like.device, strides)
    for _ in range(bumps):
        t._vc.bump()
    if like._storage.has_data() and values is not None:
        t._write(D.from_storage(D.to_storage(np.asarray(values), like._dtype), like._dtype)
                 if like._dtype is D.bfloat16 else np.asarray(values))
        t._taint(np.zeros(tuple(shape), dtype=np.bool_))
    return t


def values_of(t: Tensor) -> Any:
    return t._values() if t._storage.has_data() else None


def _offsets(geom: Geometry, rel: int) -> np.ndarray:
    shape, strides, off = geom
    return np.asarray(L.element_offsets(shape, strides, off - rel), dtype=np.int64).reshape(shape)


def as_strided_backward(g: Tensor, bgeom: Geometry, vgeom: Geometry) -> Tensor:
    bshape, bstrides, boff = bgeom
    if L.has_internal_overlap(bshape, bstrides) is not MemOverlap.NO and math.prod(bshape) > 1:
        raise NotModelled("as_strided backward onto an overlapping base")
    if math.prod(bshape) == 0:
        # Note: torch's buffer and the stealing of the result differ for empty bases in ways
        # its docs do not cover.
        raise NotModelled("as_strided backward onto an empty base")
    vals = values_of(g)
    if vals is None:
        return new_tensor(bshape, g, None, bstrides)
    rel = min(boff, vgeom[2])
    bo, vo = _offsets(bgeom, rel), _offsets(vgeom, rel)
    size = int(max(bo.max(initial=0), vo.max(initial=0))) + 1
    buf = np.zeros(size, dtype=vals.dtype)
    np.add.at(buf, vo.reshape(-1), vals.reshape(-1))
    # as_strided_backward returns the base's geometry as a view of a flat zero buffer.
    flat = new_tensor((size,), g, buf, bumps=1)
    return view_of(flat, bshape, bstrides, boff - rel, track=True)


def embed_slice(g: Tensor, bgeom: Geometry, vgeom: Geometry) -> Tensor:
    """The part of ``g`` (laid out as the base) that the view covers, as a fresh tensor."""
    vals = values_of(g)
    vshape = vgeom[0]
    if vals is None:
        return new_tensor(vshape, g, None)
    rel = bgeom[2]
    bo, vo = _offsets(bgeom, rel), _offsets(vgeom, rel)
    size = int(max(bo.max(initial=0), vo.max(initial=0))) + 1
    buf = np.zeros(size, dtype=vals.dtype)
    buf[bo.reshape(-1)] = vals.reshape(-1)
    return new_tensor(vshape, g, buf[vo])


def copy_slices_result(g: Tensor, bgeom: Geometry, vgeom: Geometry,
                       grad_self: Tensor | None) -> Tensor:
    vals = values_of(g)
    bshape, bstrides, _ = bgeom
    if vals is None:
        return new_tensor(bshape, g, None, bstrides)
    rel = bgeom[2]
    bo, vo = _offsets(bgeom, rel), _offsets(vgeom, rel)
    size = int(max(bo.max(initial=0), vo.max(initial=0))) + 1
    buf = np.zeros(size, dtype=vals.dtype)
    buf[bo.reshape(-1)] = vals.reshape(-1)
    sv = values_of(grad_self) if grad_self is not None else None
    buf[vo.reshape(-1)] = 0 if sv is None else np.broadcast_to(
        sv.astype(vals.dtype), vgeom[0]).reshape(-1)
    return new_tensor(bshape, g, buf[bo], bstrides)


def scatter_into(shape: Sequence[int], g: Tensor, place: Callable[[np.ndarray, Any], None],
                  bumps: int = 0) -> Tensor:
    vals = values_of(g)
    if vals is None:
        return new_tensor(shape, g, None, bumps=bumps)
    buf = np.zeros(tuple(shape), dtype=vals.dtype)
    place(buf, vals)
    return new_tensor(shape, g, buf, bumps=bumps)


def numpy_node(plan: Plan) -> Plan:
    """Mark a plan whose backward computes outside the tensor ops."""
    name, inputs, saved, backward = plan

    def bw(grads: list[Any]) -> list[Any]:
        if is_grad_enabled() and any(requires_grad(g) for g in grads):
            raise NotModelled(f"double backward through {name}")
        return backward(grads)
    return name, inputs, saved, bw


def move_retained(t: Tensor, node: Node) -> None:
    """A tensor gets a new grad_fn (torch's update_tensor_hooks_on_new_gradfn): the hooks
    registered so far stay with the old node, new ones start a list of their own, and a
    retained grad moves to the new node."""
    t._hooks = None
    if t._retains_grad and t._grad_fn is not None:
        t._grad_fn._retained.pop(t._output_nr, None)
        node._retained[0] = t


def as_strided_node(base: Tensor, view: Tensor, edge: Edge) -> Node:
    """The ``AsStridedBackward0`` node a view gets onto its base after an in-place change."""
    bgeom = (base._shape, base._strides, base._offset)
    vgeom = (view._shape, view._strides, view._offset)

    def backward(grads: list[Any]) -> list[Any]:
        return [as_strided_backward(grads[0], bgeom, vgeom)]
    node = node_class("AsStridedBackward0")([edge], backward, (), [meta_of(view)])
    node._numpy_only = True
    return node


def regenerate_view_grad_fn(view: Tensor) -> None:
    """A differentiable view whose family was modified in place gets a fresh grad_fn."""
    base = view._base_t
    assert base is not None
    node = as_strided_node(base, view, gradient_edge(base))
    move_retained(view, node)
    view._grad_fn, view._output_nr = node, 0
    view._attr_version = view._vc.value
