"""The torch functions whose graph is one node per call: each kernel wrapped once, here, by
``differentiable`` (its formula is registered under the same name in
``reference_impl._derivatives``).

https://docs.pytorch.org/docs/stable/torch.html
"""

from __future__ import annotations

from typing import Any

from .._autograd.record import differentiable, refuses_graph
from .._core import layout as L
from .._core.errors import NotModelled
from .._core.layout import contiguous_format, preserve_format
from .._core.tensor import Tensor
from .._kernels import copy as C
from .._kernels import indexing as I
from .._kernels import linalg as LA
from .._kernels import nn as NN
from .._kernels import pointwise as P
from .._kernels import random as RND
from .._kernels import reductions as R

# ---- pointwise (reference_impl._kernels.pointwise) -------------------------------------------
add = differentiable(P.add)
sub = differentiable(P.sub)
mul = differentiable(P.mul)
div = differentiable(P.div)
neg = differentiable(P.neg)
pow = differentiable(P.pow)  # noqa: A001 - torch's name
exp = differentiable(P.exp)
log = differentiable(P.log)
sqrt = differentiable(P.sqrt)
abs = differentiable(P.abs)  # noqa: A001 - torch's name
clamp = differentiable(P.clamp)
# https://docs.pytorch.org/docs/stable/generated/torch.clip.html "Alias for torch.clamp()."
clip = clamp
sigmoid = differentiable(P.sigmoid)
eq = differentiable(P.eq)
ne = differentiable(P.ne)
lt = differentiable(P.lt)
le = differentiable(P.le)
gt = differentiable(P.gt)
ge = differentiable(P.ge)
where = differentiable(P.where)

# ---- copies and fills (reference_impl._kernels.copy) -----------------------------------------
fill_ = differentiable(C.fill_, inplace_self=True)
zero_ = differentiable(C.zero_, inplace_self=True)
copy_ = differentiable(C.copy_, inplace_self=True)
clone = differentiable(C.clone)

# ---- random sampling (reference_impl._kernels.random) -----------------------------------------
normal = differentiable(RND.normal)
uniform_ = differentiable(RND.uniform_, inplace_self=True)
normal_ = differentiable(RND.normal_, inplace_self=True)
random_ = differentiable(RND.random_, inplace_self=True)

# ---- reductions and products -------------------------------------------------------------------
sum = differentiable(R.sum)  # noqa: A001 - torch's name
mean = differentiable(R.mean)
amax = differentiable(R.amax)
amin = differentiable(R.amin)
mm = differentiable(LA.mm)
addmm = differentiable(LA.addmm)
bmm = differentiable(LA.bmm)

# ---- nn (reference_impl._kernels.nn) ------------------------------------------------------------
softmax = differentiable(NN.softmax)
log_softmax = differentiable(NN.log_softmax)

# ---- indexing (reference_impl._kernels.indexing) ---------------------------------------------
index = differentiable(I.index)
index_select = differentiable(I.index_select)
masked_select = differentiable(I.masked_select)
gather = differentiable(I.gather)
# Note: scatter_ has no derivative in the model; it refuses a self that needs a graph.
scatter_ = refuses_graph("scatter_")(I.scatter_)


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.contiguous.html
    "If self tensor is already in the specified memory format, this function returns the
    self tensor." Otherwise a contiguous clone (CloneBackward0)."""
    fmt = contiguous_format if memory_format is None else memory_format
    if fmt is preserve_format:
        raise NotModelled("contiguous(memory_format=torch.preserve_format)")
    L.format_strides(self._shape, self._strides, fmt)  # refuses what fmt cannot lay out
    if self.is_contiguous(memory_format=fmt):
        return self
    return clone(self, memory_format=fmt)
