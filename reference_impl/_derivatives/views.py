"""Backward formulas of the view ops and of the indexing ops (derivatives.yaml).

Views that pick elements (select, slice, diagonal, as_strided) and the indexing ops scatter the
gradient into zeros: their formulas compute with NumPy and refuse double backward.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._autograd.graph import Plan, SavedTensor
from .._autograd.numpy_grads import (
    as_strided_backward,
    new_tensor,
    numpy_node,
    scatter_into,
    values_of,
)
from .._autograd.record import S, derivative
from .._core import layout as L
from .._core.errors import NotModelled
from .._core.layout import wrap_dim
from .._core.modes import CreationMeta, grad_mode, suspended
from .._core.tensor import Tensor
from .._functions.views import expand, permute, reshape, squeeze, sum_to, t, transpose, unsqueeze
from .._kernels import indexing as I
from .._kernels import views as V
from .._kernels.creation import arange

Gradient = Callable[[Tensor], Any]


def _view(name_of: Callable[..., str], backward_of: Callable[..., Gradient],
          numpy_only: bool = False) -> Callable[..., Plan]:
    """A view op's formula: the node ``name_of(a, *args)``, the gradient
    ``backward_of(a, *args)``."""
    def formula(result: Any, a: Tensor, *args: Any, **kwargs: Any) -> Plan:
        bw = backward_of(a, *args, **kwargs)
        plan: Plan = (name_of(a, *args, **kwargs), [a], [], lambda g: [bw(g[0])])
        return numpy_node(plan) if numpy_only else plan
    return formula


def _inverse(perm: Sequence[int]) -> list[int]:
    out = [0] * len(perm)
    for i, p in enumerate(perm):
        out[p] = i
    return out


def _perm(a: Tensor, *dims: Any) -> list[int]:
    ds = dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims
    return [wrap_dim(d, a.dim()) for d in ds]


def _unsqueeze_to(g: Tensor, sizes: tuple[int, ...], dim: Any) -> Tensor:
    """unsqueeze_to: the gradient itself when nothing was squeezed, else unsqueezed back."""
    if dim is None:
        dims = [d for d, s in enumerate(sizes) if s == 1]
    else:
        raw = dim if isinstance(dim, (list, tuple)) else [dim]
        dims = sorted(wrap_dim(d, len(sizes)) for d in raw) if sizes else []
        dims = [d for d in dims if sizes[d] == 1]
    for d in dims:
        g = unsqueeze(g, d)
    return g


def _squeeze_name(a: Tensor, dim: Any = None) -> str:
    if dim is None:
        return "SqueezeBackward0"
    return "SqueezeBackward2" if isinstance(dim, (list, tuple)) else "SqueezeBackward1"


def _as_strided_grad(a: Tensor, size: Sequence[int], stride: Sequence[int],
                     storage_offset: int | None = None) -> Gradient:
    offset = a._offset if storage_offset is None else storage_offset
    return lambda g: as_strided_backward(g, (a._shape, a._strides, a._offset),
                                         (tuple(size), tuple(stride), offset))


derivative("view")(_view(lambda a, *s: "ViewBackward0",
                         lambda a, *s: lambda g: reshape(g, a._shape)))
derivative("squeeze")(_view(_squeeze_name,
                            lambda a, dim=None: lambda g: _unsqueeze_to(g, a._shape, dim)))
derivative("unsqueeze")(_view(lambda a, d: "UnsqueezeBackward0",
                              lambda a, d: lambda g: squeeze(g, wrap_dim(d, a.dim() + 1))))
derivative("transpose")(_view(lambda a, d0, d1: "TransposeBackward0",
                              lambda a, d0, d1: lambda g: transpose(g, d0, d1)))
derivative("t")(_view(lambda a: "TBackward0", lambda a: lambda g: t(g)))
derivative("permute")(_view(lambda a, *d: "PermuteBackward0",
                            lambda a, *d: lambda g: permute(g, _inverse(_perm(a, *d)))))
derivative("expand")(_view(lambda a, *s: "ExpandBackward0",
                           lambda a, *s: lambda g: sum_to(g, a._shape)))
derivative("as_strided")(_view(lambda a, *s, **k: "AsStridedBackward0", _as_strided_grad,
                               numpy_only=True))
derivative("alias")(lambda r, a: ("AliasBackward0", [a], [], lambda g: [g[0]]))


def _positions(sizes: tuple[int, ...], scalar_shape: tuple[int, ...] = ()) -> Tensor:
    """A contiguous tensor of element positions, on which a picking op is replayed to learn
    which elements it picks."""
    with suspended(), grad_mode(False):
        if sizes:
            return reshape(arange(math.prod(sizes)), sizes)
        return reshape(arange(1), scalar_shape)


def _scatter_add(pos: np.ndarray) -> Callable[[np.ndarray, Any], None]:
    return lambda buf, v: np.add.at(buf.reshape(-1), pos.reshape(-1), v.reshape(-1))


def _picking(name: str, kernel: Callable[..., Tensor]) -> Callable[..., Plan]:
    """select/slice/diagonal: backward scatters into zeros."""
    def formula(result: Any, a: Tensor, *args: Any, **kwargs: Any) -> Plan:
        sizes = a._shape
        with suspended(), grad_mode(False):
            pos = kernel(_positions(sizes), *args, **kwargs)._values().astype(np.int64)

        def bw(g: list[Any]) -> list[Any]:
            return [scatter_into(sizes, g[0], _scatter_add(pos))]
        return numpy_node((name, [a], [], bw))
    return formula


def _multi(name: str, kernel: Callable[..., tuple[Tensor, ...]]) -> Callable[..., Plan]:
    """unbind/split: several views, one node; in-place on any output is refused."""
    def formula(result: Any, a: Tensor, *args: Any, **kwargs: Any) -> Plan:
        sizes = a._shape
        with suspended(), grad_mode(False):
            parts = [p._values().astype(np.int64)
                     for p in kernel(_positions(sizes, (1,)), *args, **kwargs)]
        for r in result:
            r._creation = CreationMeta.MULTI_OUTPUT_NODE

        def bw(g: list[Any]) -> list[Any]:
            def place(buf: np.ndarray, _: Any) -> None:
                for pos, gi in zip(parts, g):
                    v = values_of(gi)
                    if v is not None:
                        np.add.at(buf.reshape(-1), pos.reshape(-1), v.reshape(-1))
            return [scatter_into(sizes, g[0], place)]
        nm = name
        if name == "SplitBackward0" and isinstance(
                args[0] if args else kwargs.get("split_size_or_sections"), (list, tuple)):
            nm = "SplitWithSizesBackward0"
        return numpy_node((nm, [a], [], bw))
    return formula


derivative("select")(_picking("SelectBackward0", V.select))
derivative("slice_dim")(_picking("SliceBackward0", V.slice_dim))
derivative("diagonal")(_picking("DiagonalBackward0", V.diagonal))
derivative("unbind")(_multi("UnbindBackward0", V.unbind))
derivative("split")(_multi("SplitBackward0", V.split))
derivative("unfold")(_picking("UnfoldBackward0", V.unfold))


def _complex_view(name: str) -> Callable[..., Plan | None]:
    """real/imag/view_as_real: a real input's real() is the input itself (no node); the
    gradients of complex views (view_as_complex of the gradient) are not modelled."""
    def formula(result: Any, a: Tensor, **_: Any) -> Plan | None:
        if not a._dtype.is_complex:
            return None
        raise NotModelled(f"autograd through {name} of a complex tensor")
    return formula


for _name in ("real", "imag", "view_as_real"):
    derivative(_name)(_complex_view(_name))


# ---- indexing -----------------------------------------------------------------------------------

@derivative("index")
def f_index(result: Any, src: Tensor, adv: list[tuple[int, Tensor]], **_: Any) -> Plan:
    sizes = src._shape
    saved = [S(t) for _, t in adv]
    with suspended(), grad_mode(False):
        pos = I.index(_positions(sizes), adv)._values().astype(np.int64)

    def bw(g: list[Any]) -> list[Any]:
        return [scatter_into(sizes, g[0], _scatter_add(pos), bumps=1)]
    return numpy_node(("IndexBackward0", [src], saved, bw))


@derivative("index_select")
def f_index_select(result: Any, src: Tensor, dim: int, index: Tensor, **_: Any) -> Plan:
    return _gathering("IndexSelectBackward0", src, [S(index)],
                      lambda idx: I.index_select(idx, dim, index))


@derivative("masked_select")
def f_masked_select(result: Any, src: Tensor, mask: Tensor, **_: Any) -> Plan:
    shape = L.broadcast_shapes(src._shape, mask._shape)
    # masked_select_backward: zeros_like(input.expand(shape), preserve_format).
    exp_strides = L.expand_strides(src._shape, src._strides, shape)
    return _gathering("MaskedSelectBackward0", src, [S(src), S(mask)],
                      lambda idx: I.masked_select(
                          expand(idx, shape) if idx._shape != shape else idx, mask),
                      grad_shape=shape,
                      strides=L.preserve_format_strides(shape, exp_strides))


@derivative("gather")
def f_gather(result: Any, src: Tensor, dim: int, index: Tensor, **_: Any) -> Plan:
    return _gathering("GatherBackward0", src, [S(src), S(index)],
                      lambda idx: I.gather(idx, dim, index))


def _gathering(name: str, src: Tensor, saved: list[SavedTensor],
               pick: Callable[[Tensor], Tensor], grad_shape: tuple[int, ...] | None = None,
               strides: Sequence[int] | None = None) -> Plan:
    """Ops that read elements of ``src`` by position: the gradient scatters back (summing)
    into zeros, which torch's formula then writes in place once."""
    sizes = src._shape if grad_shape is None else grad_shape
    with suspended(), grad_mode(False):
        pos = pick(_positions(sizes))._values().astype(np.int64)

    def bw(g: list[Any]) -> list[Any]:
        res = scatter_into(sizes, g[0], _scatter_add(pos), bumps=1)
        if strides is not None and tuple(strides) != res._strides:
            return [new_tensor(sizes, res, values_of(res), strides, bumps=1)]
        return [res]
    return numpy_node((name, [src], saved, bw))
