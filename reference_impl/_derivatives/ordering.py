"""Backward formulas of the ops that select by order and of the joining ops (derivatives.yaml):
max/min (of all elements: evenly_distribute_backward; along a dim, sort and topk:
value_selecting_reduction_backward, which scatters the gradient at the saved indices), cat,
stack and flip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._autograd.graph import Plan
from .._autograd.numpy_grads import new_tensor, numpy_node, scatter_into, values_of
from .._autograd.record import S, derivative, no_derivative
from .._core import layout as L
from .._core.layout import wrap_dim
from .._core.tensor import Tensor
from .._functions.ops import flip
from .._functions.views import narrow, select
from .._kernels.ordering import sort_args

for _name in ("argmax", "argmin", "all", "any"):
    derivative(_name)(no_derivative)


def _evenly_distribute(name: str) -> Any:
    """max(input)/min(input): the gradient is shared evenly by the elements equal to the
    result (NaN ones when the result is NaN). On the CPU torch fills new zeros in place
    (masked_fill_); on CUDA it multiplies a mask, laid out as the input."""
    def formula(result: Tensor, a: Tensor, **_: Any) -> Plan:
        sa, sr = S(a), S(result, output=True)

        def bw(g: list[Any]) -> list[Any]:
            x, r = sa.tensor, sr.tensor
            v, rv, gv = values_of(x), values_of(r), values_of(g[0])
            cuda = x.device.type == "cuda"
            strides = L.iterator_output_strides(x._shape, [(x._shape, x._strides)]) \
                if cuda else None
            if v is None or rv is None or gv is None:
                return [new_tensor(x._shape, g[0], None, strides, bumps=0 if cuda else 1)]
            mask = np.isnan(v) if np.isnan(rv) else (v == rv)
            vals = np.where(mask, gv / mask.sum(), 0).astype(gv.dtype)
            return [new_tensor(x._shape, g[0], vals, strides, bumps=0 if cuda else 1)]
        return numpy_node((name, [a], [sa, sr], bw))
    return formula


derivative("max_all")(_evenly_distribute("MaxBackward1"))
derivative("min_all")(_evenly_distribute("MinBackward1"))


def _value_selecting(name: str, a: Tensor, d: int, indices: Tensor, keepdim: bool) -> Plan:
    """The gradient scattered at ``indices`` along ``d`` into zeros (torch: at::zeros, then
    scatter_: two in-place writes, so a stolen gradient is at version 2)."""
    sizes = a._shape
    # Note: torch saves the indices as an output that does not require grad, which its
    # messages name like any other tensor (no "output 1 of ...").
    si = S(indices)

    def bw(g: list[Any]) -> list[Any]:
        idx = values_of(si.tensor)

        def place(buf: np.ndarray, gv: Any) -> None:
            if not sizes:
                buf[...] = gv
                return
            i = idx.astype(np.int64)
            if not keepdim:
                i, gv = np.expand_dims(i, d), np.expand_dims(gv, d)
            np.put_along_axis(buf, i, gv, axis=d)
        return [scatter_into(sizes, g[0], place, bumps=2)]
    return numpy_node((name, [a], [si], bw))


def _along_dim(name: str, keepdim_always: bool) -> Any:
    def formula(result: Any, a: Tensor, dim: int, keepdim: bool = False, **_: Any) -> Plan:
        return _value_selecting(name, a, wrap_dim(dim, a.dim()), result[1],
                                keepdim_always or keepdim)
    return formula


derivative("max_dim")(_along_dim("MaxBackward0", False))
derivative("min_dim")(_along_dim("MinBackward0", False))


@derivative("sort")
def f_sort(result: Any, a: Tensor, *args: Any, dim: Any = None, descending: Any = None,
           stable: Any = None, **_: Any) -> Plan:
    d = sort_args(args, dim, descending, stable)[0]
    return _value_selecting("SortBackward0", a, wrap_dim(d, a.dim()), result[1], True)


@derivative("topk")
def f_topk(result: Any, a: Tensor, k: int, dim: int = -1, *args: Any, **_: Any) -> Plan:
    return _value_selecting("TopkBackward0", a, wrap_dim(dim, a.dim()), result[1], True)


# ---- joining ------------------------------------------------------------------------------

def _legacy_dim(tensors: Sequence[Tensor], dim: int) -> int:
    valid = next((t for t in tensors if not (t.dim() == 1 and t._shape[0] == 0)), None)
    return wrap_dim(dim, valid.dim()) if valid is not None else dim


@derivative("cat")
def f_cat(result: Any, tensors: Sequence[Tensor], dim: int = 0, **_: Any) -> Plan:
    """cat_tensors_backward: each input's gradient is a narrow view of the gradient (an empty
    1-d input gets zeros of size 0)."""
    ts = list(tensors)
    d = _legacy_dim(ts, dim)
    sizes = [t._shape for t in ts]

    def bw(g: list[Any]) -> list[Any]:
        out: list[Any] = []
        start = 0
        for shape in sizes:
            if len(shape) == 1 and shape[0] == 0:
                out.append(new_tensor((0,), g[0], None))
                continue
            out.append(narrow(g[0], d, start, shape[d]))
            start += shape[d]
        return out
    return "CatBackward0", ts, [], bw


@derivative("stack")
def f_stack(result: Any, tensors: Sequence[Tensor], dim: int = 0, **_: Any) -> Plan:
    """stack_tensors_backward: each input's gradient is the gradient's select along dim."""
    ts = list(tensors)
    d = wrap_dim(dim, ts[0].dim() + 1)
    return "StackBackward0", ts, [], lambda g: [select(g[0], d, i) for i in range(len(ts))]


@derivative("flip")
def f_flip(result: Any, a: Tensor, *dims: Any, **_: Any) -> Plan:
    return "FlipBackward0", [a], [], lambda g: [flip(g[0], *dims)]
