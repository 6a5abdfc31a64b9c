"""View functions: each view kernel wrapped once (its formula is registered in
``reference_impl._derivatives.views``), and the views torch composes from them (``reshape``,
``flatten``, ``narrow``, ``chunk``, ``movedim``, ``T``...), which record what they are built from.

https://docs.pytorch.org/docs/stable/tensor_view.html
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .._autograd.graph import meta_of, node_class
from .._autograd.record import attach, differentiable, needs_graph, plan_node, record
from .._core import layout as L
from .._core.aliasing import view_of
from .._core.errors import warn_once
from .._core.layout import wrap_dim
from .._core.modes import suspended
from .._core.tensor import Tensor
from .._kernels import views as V
from .ops import clone
from .ops import sum as tsum


def _alias(self: Tensor) -> Tensor:
    return view_of(self, self._shape, self._strides, self._offset)


view = differentiable(V.view)
squeeze = differentiable(V.squeeze)
unsqueeze = differentiable(V.unsqueeze)
transpose = differentiable(V.transpose)
swapaxes = swapdims = transpose
t = differentiable(V.t)
permute = differentiable(V.permute)
expand = differentiable(V.expand)
as_strided = differentiable(V.as_strided)
select = differentiable(V.select)
slice_dim = differentiable(V.slice_dim)
diagonal = differentiable(V.diagonal)
unbind = differentiable(V.unbind)
split = differentiable(V.split)
unfold = differentiable(V.unfold)
view_as_real = differentiable(V.view_as_real)
real = differentiable(V.real)
imag = differentiable(V.imag)
# torch's alias(): what basic indexing returns when no index applies.
alias = differentiable(_alias, name="alias")


def _reshape(self: Tensor, *shape: Any) -> Tensor:
    """reshape's own body: a view when the strides allow one, else a contiguous clone (which
    is not a view: ``_base`` is None)."""
    new_shape, strides = V.reshape_geometry(self, *shape)
    if strides is not None:
        return view_of(self, new_shape, strides, self._offset)
    copy = clone(self, memory_format=L.contiguous_format)
    copy._shape = new_shape
    copy._strides = L.contiguous_strides(new_shape)
    return copy


def reshape(self: Tensor, *shape: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.reshape.html
    "Contiguous inputs and inputs with compatible strides can be reshaped without copying."
    ATen's reshape is view() for contiguous inputs, _reshape_alias for other viewable ones, and
    clone then _unsafe_view otherwise: the graph shows those nodes."""
    if not needs_graph(self):
        return _reshape(self, *shape)
    with suspended():
        res = _reshape(self, *shape)
    sizes = self._shape
    if res._storage is self._storage:
        if res is self:
            return res
        name = "ViewBackward0" if self.is_contiguous() else "ReshapeAliasBackward0"
        return record(res, name, [self], [], lambda g: [reshape(g[0], sizes)])
    clone_node = plan_node(("CloneBackward0", [self], [], lambda g: [g[0]]))
    clone_node._meta = [meta_of(self)]
    node = node_class("UnsafeViewBackward0")([(clone_node, 0)],
                                             lambda g: [reshape(g[0], sizes)], ())
    attach([res], node)
    return res


def sum_to(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """at::sum_to: sum the leading dims and the dims ``shape`` has as 1 (the gradient of a
    broadcast)."""
    if not shape:
        return tsum(grad)  # a full reduction, not a view of a keepdim sum
    lead = len(grad._shape) - len(shape)
    dims = list(range(lead)) + [i for i in range(lead, len(grad._shape))
                                if shape[i - lead] == 1 and grad._shape[i] != 1]
    if dims:
        grad = tsum(grad, dims, keepdim=True)
    if lead:
        grad = view(grad, shape)
    return grad


def view_as(self: Tensor, other: Tensor) -> Tensor:
    return view(self, tuple(other._shape))


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, tuple(other._shape))


def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.flatten.html
    "Unlike NumPy's flatten, which always copies input's data, this function may return the
    original object, a view, or copy."""
    start = wrap_dim(start_dim, self.dim())
    end = wrap_dim(end_dim, self.dim())
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if self.dim() == 0:
        return reshape(self, (1,))
    if start == end:
        return self
    shape = self._shape[:start] + (math.prod(self._shape[start:end + 1]),) + self._shape[end + 1:]
    return reshape(self, shape)


def T(self: Tensor) -> Tensor:  # noqa: N802 - torch's name
    if self.dim() not in (0, 2):
        # https://docs.pytorch.org/docs/stable/tensors.html#torch.Tensor.T
        # "The use of Tensor.T() on tensors of dimension other than 2 to reverse their shape is
        # deprecated and it will throw an error in a future release." (TORCH_WARN_ONCE)
        warn_once("The use of `x.T` on tensors of dimension other than 2 to reverse their "
                  "shape is deprecated and it will throw an error in a future release.")
    if self.dim() == 0:
        warn_once("Tensor.T is deprecated on 0-D tensors. This function is the identity in "
                  "these cases.")
    return permute(self, tuple(range(self.dim() - 1, -1, -1)))


def mT(self: Tensor) -> Tensor:  # noqa: N802 - torch's name
    if self.dim() == 0:
        # Note: torch 2.13 returns self for a 0-D tensor, with a once-per-process warning.
        warn_once("Tensor.mT is deprecated on 0-D tensors. This function is the identity in "
                  "these cases.")
        return self
    if self.dim() < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self.dim()}-D tensor.")
    return transpose(self, -2, -1)


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, tuple(other._shape))


def broadcast_to(self: Tensor, size: Sequence[int]) -> Tensor:
    return expand(self, tuple(size))


def narrow(self: Tensor, dim: int, start: int, length: int) -> Tensor:
    if self.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, self.dim())
    size = self._shape[d]
    if start < -size or start > size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return slice_dim(self, d, start, start + length, 1)


def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if self.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, self.dim())
    size = self._shape[d]
    step = -(-size // chunks)
    if step == 0:
        # Note: ATen returns `chunks` empty slices when the dim is empty.
        return split(self, [0] * chunks, d)
    return split(self, step, d)


def movedim(self: Tensor, source: Any, destination: Any) -> Tensor:
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src = [wrap_dim(d, self.dim()) for d in src]
    dst = [wrap_dim(d, self.dim()) for d in dst]
    order = [d for d in range(self.dim()) if d not in src]
    perm = [-1] * self.dim()
    for s, d in zip(src, dst):
        perm[d] = s
    it = iter(order)
    perm = [p if p != -1 else next(it) for p in perm]
    return permute(self, perm)


