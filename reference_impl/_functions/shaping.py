"""Views torch composes from slices, views and the conjugate bit: ``tensor_split``,
``hsplit``/``vsplit``/``dsplit``, ``split_with_sizes``, ``unflatten``, ``adjoint`` and the
``H``/``mH`` properties. Each returns what its parts return (slices are SliceBackward0 views of
their own; split_with_sizes is one multi-output node).

https://docs.pytorch.org/docs/stable/tensor_view.html lists them among the view ops.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._core import layout as L
from .._core.errors import NotModelled
from .._core.layout import format_shape, wrap_dim
from .._core.tensor import Tensor
from .conversion import conj
from .views import slice_dim, split, transpose, view


def split_with_sizes(self: Tensor, split_sizes: Sequence[int], dim: int = 0
                     ) -> tuple[Tensor, ...]:
    """https://docs.pytorch.org/docs/stable/generated/torch.split.html (a list of sizes)."""
    return split(self, [int(s) for s in split_sizes], dim)


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """https://docs.pytorch.org/docs/stable/generated/torch.tensor_split.html
    "Splits a tensor into multiple sub-tensors, all of which are views of input, along
    dimension dim according to the indices or number of sections specified": n sections give
    size // n elements each, one more for the first size % n; indices split as the slices
    [:i0], [i0:i1], ..., [ik:] (Python's slice rules for negative and large indices)."""
    if isinstance(indices_or_sections, Tensor):
        raise NotModelled("tensor_split with a tensor of indices or sections")
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           f"tensor with {input.dim()} dims")
    d = wrap_dim(dim, input.dim())
    size = input._shape[d]
    if isinstance(indices_or_sections, (list, tuple)):
        bounds = [int(i) for i in indices_or_sections]
        starts = [0] + bounds
        stops: list[int | None] = [*bounds, None]
        return tuple(slice_dim(input, d, a, b, 1) for a, b in zip(starts, stops))
    sections = int(indices_or_sections)
    if sections <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
    base, extra = divmod(size, sections)
    out, start = [], 0
    for i in range(sections):
        n = base + 1 if i < extra else base
        out.append(slice_dim(input, d, start, start + n, 1))
        start += n
    return tuple(out)


def _directional(name: str, min_dims: int, dim_of: Any) -> Any:
    def op(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
        if input.dim() < min_dims:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} "
                               f"dimension, but got a tensor with {input.dim()} dimensions!")
        d = dim_of(input)
        if not isinstance(indices_or_sections, (list, tuple, Tensor)):
            n = int(indices_or_sections)
            if n == 0 or input._shape[d] % n != 0:
                raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but "
                                   f"the size of the dimension {input._shape[d]} is not "
                                   f"divisible by the split_size {n}!")
        return tensor_split(input, indices_or_sections, d)
    op.__name__ = name
    op.__doc__ = (f"https://docs.pytorch.org/docs/stable/generated/torch.{name}.html "
                  "tensor_split along one dim; an int must divide that dim's size.")
    return op


hsplit = _directional("hsplit", 1, lambda t: 0 if t.dim() == 1 else 1)
vsplit = _directional("vsplit", 2, lambda t: 0)
dsplit = _directional("dsplit", 3, lambda t: 2)


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.unflatten.html
    "Expands a dimension of the input tensor over multiple dimensions" (a view; one size may
    be -1)."""
    if input.dim() == 0:
        raise NotModelled("unflatten of a 0-dim tensor")
    d = wrap_dim(dim, input.dim())
    sizes = [int(s) for s in sizes]
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        inferred = L.infer_size(sizes, input._shape[d])
    except RuntimeError as e:
        if "is invalid for input of size" in str(e):
            raise RuntimeError(f"unflatten: Provided sizes {format_shape(sizes)} don't multiply "
                               f"up to the size of dim {d} ({input._shape[d]}) in the input "
                               "tensor") from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
    return view(input, input._shape[:d] + tuple(inferred) + input._shape[d + 1:])


def adjoint(input: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.adjoint.html
    "Returns a view of the tensor conjugated and with the last two dimensions transposed."
    """
    if input.dim() == 0:
        # Note: torch warns that adjoint() of a 0-dim tensor is deprecated (once per process).
        raise NotModelled("adjoint() of a 0-dim tensor (its deprecation warning)")
    if input.dim() < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           f"matrices. Got {input.dim()}-D tensor.")
    return conj(transpose(input, -2, -1))


def H(input: Tensor) -> Tensor:  # noqa: N802 - torch's name
    """https://docs.pytorch.org/docs/stable/tensors.html#torch.Tensor.H
    "Returns a view of a matrix (2-D tensor) conjugated and transposed." """
    if input.dim() == 0:
        raise NotModelled("Tensor.H of a 0-dim tensor (its deprecation warning)")
    if input.dim() != 2:
        hint = " For batches of matrices, consider using tensor.mH" if input.dim() > 2 else ""
        raise RuntimeError("tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{input.dim()}-D tensor.{hint}")
    return adjoint(input)


def mH(input: Tensor) -> Tensor:  # noqa: N802 - torch's name
    """https://docs.pytorch.org/docs/stable/tensors.html#torch.Tensor.mH
    "Accessing this property is equivalent to calling adjoint()." """
    if input.dim() < 2:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. "
                           f"Got {input.dim()}-D tensor.")
    return adjoint(input)
