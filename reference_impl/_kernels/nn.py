"""Forward kernels of ``torch.nn.functional``: softmax, log_softmax, and the values of the two
losses of the autograd notes (binary cross-entropy with logits, negative log likelihood).

https://docs.pytorch.org/docs/stable/nn.functional.html
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.errors import NotModelled
from .._core.tensor import Tensor
from .copy import to_copy
from .iterator import not_implemented


def _softmax_values(a: Any, dim: int, log: bool) -> Any:
    with np.errstate(all="ignore"):
        wide = a.astype(np.float64)
        m = np.max(wide, axis=dim, keepdims=True) if wide.size else wide
        e = np.exp(wide - m)
        s = np.sum(e, axis=dim, keepdims=True)
        return ((wide - m) - np.log(s) if log else e / s).astype(a.dtype)


def _softmax(log: bool, input: Tensor, dim: int | None, dtype: D.dtype | None) -> Tensor:
    if dim is None:
        raise NotModelled("softmax without dim (implicit dim warning)")
    if dtype is not None:
        input = to_copy(input, dtype)
    if not input._dtype.is_floating_point:
        # Note: the CPU kernel ("softmax_lastdim_kernel_impl") dispatches inside a parallel
        # region, which turns its NotImplementedError into a RuntimeError; the CUDA kernel
        # ("host_softmax") raises NotImplementedError (seen on an H200, torch 2.11).
        error = NotImplementedError if input.device.type == "cuda" else RuntimeError
        raise error(not_implemented("softmax", input._dtype))
    d = L.wrap_dim(dim, input.dim())
    res = Tensor._empty(input._shape, input._dtype, input.device)
    if input._storage.has_data() and input.numel():
        vals = input._values()
        res._write(_softmax_values(vals, d, log) if vals.ndim else
                   (np.zeros_like(vals) if log else np.ones_like(vals)))
        res._taint(np.broadcast_to(input._unspecified_mask().any(axis=d, keepdims=True)
                                   if vals.ndim else input._unspecified_mask(), input._shape))
    return res


def softmax(input: Tensor, dim: int | None = None, dtype: D.dtype | None = None,
            _stacklevel: int = 3) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.softmax.html"""
    return _softmax(False, input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, dtype: D.dtype | None = None,
                _stacklevel: int = 3) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.log_softmax.html"""
    return _softmax(True, input, dim, dtype)


REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, reduction: str
                                     ) -> tuple[Tensor, int]:
    """loss = (1 - y) x - log sigmoid(x), computed stably; the loss and the element count."""
    with np.errstate(all="ignore"):
        x, y = input._values().astype(np.float64), target._values().astype(np.float64)
        log_sig = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
        values = (1 - y) * x - log_sig
        n = values.size
        if reduction == "mean":
            values = np.asarray(values.mean() if n else np.nan)
        elif reduction == "sum":
            values = np.asarray(values.sum())
    # reduction="none": the result is built in place on (1 - target), so it has the
    # layout TensorIterator gives that expression.
    strides = None if values.shape != target._shape else L.iterator_output_strides(
        target._shape, [((), ()), (target._shape, target._strides)])
    res = Tensor._empty(values.shape, input._dtype, input.device, strides)
    if input._storage.has_data():
        res._write(values)
    return res, n


class NllLoss(NamedTuple):
    """nll_loss's value, and what its backward scatters: which rows count, their targets,
    each row's class weight (0 where ignored), and the total weight of the rows that count."""

    loss: Tensor
    keep: np.ndarray
    targets: np.ndarray
    weights: np.ndarray
    total: float


def _check_weight(weight: Tensor | None, input: Tensor, classes: int) -> np.ndarray:
    """The class weights (ones when None), after nll_loss_forward's checks."""
    if weight is None:
        return np.ones(classes)
    if weight.dim() != 1 or weight.numel() != classes:
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes "
                           "or no classes but got weight tensor of shape: "
                           f"{L.format_shape(weight._shape)}")
    if weight._dtype is not input._dtype:
        raise RuntimeError(f"expected scalar type {input._dtype.scalar_type} but found "
                           f"{weight._dtype.scalar_type}")
    return weight._values().astype(np.float64)


def nll_loss(input: Tensor, target: Tensor, ignore_index: int, reduction: str,
             weight: Tensor | None = None) -> NllLoss:
    """For (N, C) or (C,) inputs and class-index targets; https://docs.pytorch.org/docs/stable/
    generated/torch.nn.NLLLoss.html: l_n = -w[y_n] x[n, y_n] (0 where y_n is ignore_index), and
    "mean" divides the sum by the sum of the weights of the targets that count."""
    if not input._storage.has_data():
        raise NotModelled("nll_loss on a tensor without data")
    x = input._values().astype(np.float64)
    t = target._values().astype(np.int64)
    rows = x.reshape(1, -1) if input.dim() == 1 else x
    ts = t.reshape(-1)
    if rows.shape[0] != ts.shape[0]:
        raise ValueError(f"Expected input batch_size ({rows.shape[0]}) to match target "
                         f"batch_size ({ts.shape[0]}).")
    c = rows.shape[1]
    w = _check_weight(weight, input, c)
    keep = ts != ignore_index
    if np.any((ts[keep] < 0) | (ts[keep] >= c)):
        raise IndexError(f"Target {int(ts[keep][(ts[keep] < 0) | (ts[keep] >= c)][0])} is out "
                         "of bounds.")
    safe = np.where(keep, ts, 0)
    row_w = np.where(keep, w[safe], 0.0)
    picked = np.where(keep, -rows[np.arange(len(ts)), safe] * row_w, 0.0)
    total = float(row_w.sum())
    with np.errstate(all="ignore"):
        if reduction == "mean":
            values = np.asarray(picked.sum() / total if total else np.nan)
        elif reduction == "sum":
            values = np.asarray(picked.sum())
        else:
            values = picked if input.dim() == 2 else picked.reshape(())
    res = Tensor._empty(values.shape, input._dtype, input.device)
    if input._storage.has_data():
        res._write(values)
    return NllLoss(res, keep, ts, row_w, total)
