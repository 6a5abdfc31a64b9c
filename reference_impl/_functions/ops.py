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
from .._core.layout import (
    channels_last,
    channels_last_strides,
    contiguous_format,
    contiguous_strides,
    preserve_format,
)
from .._core.tensor import Tensor
from .._kernels import copy as C
from .._kernels import indexing as I
from .._kernels import iterator as IT
from .._kernels import joining as J
from .._kernels import linalg as LA
from .._kernels import nn as NN
from .._kernels import ordering as O
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
prod = differentiable(R.prod)
all = differentiable(R.all)  # noqa: A001 - torch's name
any = differentiable(R.any)  # noqa: A001 - torch's name
max_all = differentiable(R.max_all)
min_all = differentiable(R.min_all)
max_dim = differentiable(O.max_dim)
min_dim = differentiable(O.min_dim)
argmax = differentiable(O.argmax)
argmin = differentiable(O.argmin)
std = differentiable(R.std)
var = differentiable(R.var)
vector_norm = differentiable(R.vector_norm)
cumsum = differentiable(R.cumsum)
sort = differentiable(O.sort)
topk = differentiable(O.topk)
# allclose and equal answer with a Python bool: nothing to record.
allclose = R.allclose
equal = R.equal
mm = differentiable(LA.mm)
mv = differentiable(LA.mv)
addmm = differentiable(LA.addmm)
bmm = differentiable(LA.bmm)

# ---- joining (reference_impl._kernels.joining) --------------------------------------------------
cat = differentiable(J.cat)
# https://docs.pytorch.org/docs/stable/generated/torch.concat.html "Alias of torch.cat()."
concat = concatenate = cat
stack = differentiable(J.stack)
flip = differentiable(J.flip)

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


def _extremum(name: str, of_all: Any, of_dim: Any) -> Any:
    def op(input: Tensor, dim: Any = None, keepdim: bool = False, *, out: Any = None) -> Any:
        """https://docs.pytorch.org/docs/stable/generated/torch.max.html
        max(input) is the maximum of all elements; max(input, dim) a namedtuple (values,
        indices)."""
        if isinstance(dim, Tensor):
            raise NotModelled(f"torch.{name}(input, other) (the elementwise "
                              f"{name}imum)")
        if dim is None:
            if keepdim or out is not None:
                raise TypeError(f"{name}() received an invalid combination of arguments")
            return of_all(input)
        return of_dim(input, dim, keepdim, out=out)
    op.__name__ = name
    return op


max = _extremum("max", max_all, max_dim)  # noqa: A001 - torch's name
min = _extremum("min", min_all, min_dim)  # noqa: A001 - torch's name


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         out: Tensor | None = None, dtype: Any = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.norm.html
    torch.norm computes a vector norm (torch.linalg.vector_norm) for a numeric p, and for
    p='fro' over at most two dims; other matrix norms are not modelled."""
    if out is not None:
        raise NotModelled("torch.norm(out=...)")
    dims = [dim] if isinstance(dim, int) else dim
    if isinstance(p, str):
        if p == "fro" and (dims is None or len(dims) <= 2):
            return vector_norm(input, 2, dims, keepdim, dtype=dtype)
        raise NotModelled(f"torch.norm(p={p!r}) (a matrix norm)")
    return vector_norm(input, 2.0 if p is None else p, dims, keepdim, dtype=dtype)


def resize_(self: Tensor, *sizes: Any, memory_format: Any = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.resize_.html
    "Resizes self tensor to the specified size. If the number of elements is larger than the
    current storage size, then the underlying storage is resized to fit the new number of
    elements. If the number of elements is smaller, the underlying storage is not changed.
    Existing elements are preserved but any new memory is uninitialized." Tensors that require
    grad cannot be resized. A new size gives contiguous strides (and bumps the version); the
    same size keeps the strides."""
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if self._inference:
        raise NotModelled("resize_ of an inference tensor")
    shape = tuple(int(s) for s in (sizes[0] if len(sizes) == 1 and isinstance(
        sizes[0], (tuple, list)) else sizes))
    if [s for s in shape if s < 0]:
        # Note: torch 2.13 raises "numel: integer multiplication overflow" after setting the
        # negative size, which leaves a tensor no program can read.
        raise NotModelled("resize_ to a negative size")
    if memory_format not in (None, contiguous_format, channels_last):
        raise NotModelled(f"resize_(memory_format={memory_format!r})")
    if memory_format is channels_last and len(shape) != 4:
        raise RuntimeError("required rank 4 tensor to use channels_last format")
    if shape != self._shape:
        IT.resize_(self, shape)
        self._vc.bump()
    if memory_format is channels_last:
        self._strides = channels_last_strides(shape)
    elif memory_format is contiguous_format:
        self._strides = contiguous_strides(shape)
    return self
