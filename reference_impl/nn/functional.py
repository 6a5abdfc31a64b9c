"""``torch.nn.functional``: sigmoid, softmax, log_softmax and the two losses of the autograd
notes, written with the reference's own ops (so their gradients come from its engine where
torch's come from its own).

https://docs.pytorch.org/docs/stable/nn.functional.html
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from .. import _autograd as A
from .. import _derivatives as Dv
from .. import _layout as L
from .. import _ops as O
from .._errors import NotModelled
from .._tensor import Tensor

sigmoid = Dv.OPS["sigmoid"]


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    return Dv.OPS["softmax"](input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    return Dv.OPS["log_softmax"](input, dim, dtype)


_REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return O.mean(loss)
    if reduction == "sum":
        return O.sum(loss)
    return loss


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.binary_cross_entropy_with_logits.html
    loss = (1 - y) x - log sigmoid(x), computed stably; one node for the whole loss."""
    if size_average is not None or reduce is not None:
        raise NotModelled("the legacy size_average/reduce arguments")
    _check_reduction(reduction)
    if target._shape != input._shape:
        raise ValueError(f"Target size ({target.shape!r}) must be the same as input size "
                         f"({input.shape!r})")
    if weight is not None or pos_weight is not None:
        raise NotModelled("binary_cross_entropy_with_logits with weight or pos_weight")
    with A.suspended(), np.errstate(all="ignore"):
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
    if not A.needs_graph(input, target):
        return res

    def bw(g: list[Any]) -> list[Any]:
        sig = Dv.OPS["sigmoid"](si.tensor)
        grad = g[0] if reduction == "none" else O.div(g[0], n) if reduction == "mean" else g[0]
        gi = O.mul(O.sub(sig, st.tensor), grad) if Dv._req(input) else None
        gt = O.mul(O.neg(si.tensor), grad) if Dv._req(target) else None
        # torch's kernel builds both with in-place steps: their versions when stolen.
        for t, bumps in ((gi, 3 if reduction == "mean" else 2),
                         (gt, 1 if reduction == "mean" else 0)):
            if t is not None:
                for _ in range(bumps):
                    t._vc.bump()
        return [gi, gt]
    si, st = Dv.S(input), Dv.S(target)
    return Dv._record(res, "BinaryCrossEntropyWithLogitsBackward0", [input, target], [si, st],
                      bw)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
             reduction: str = "mean") -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.nll_loss.html
    For (N, C) or (C,) inputs and class-index targets."""
    if size_average is not None or reduce is not None:
        raise NotModelled("the legacy size_average/reduce arguments")
    _check_reduction(reduction)
    if input.dim() not in (1, 2) or target._dtype.kind not in "iu":
        raise NotModelled("nll_loss beyond (N, C) inputs with class indices")
    if weight is not None:
        raise NotModelled("nll_loss with class weights")
    if not input._storage.has_data():
        raise NotModelled("nll_loss on a tensor without data")
    x = input._values().astype(np.float64)
    t = target._values().astype(np.int64)
    rows = x.reshape(1, -1) if input.dim() == 1 else x
    ts = t.reshape(-1)
    if rows.shape[0] != ts.shape[0]:
        raise ValueError(f"Expected input batch_size ({rows.shape[0]}) to match target "
                         f"batch_size ({ts.shape[0]}).")
    keep = ts != ignore_index
    c = rows.shape[1]
    if np.any((ts[keep] < 0) | (ts[keep] >= c)):
        raise IndexError(f"Target {int(ts[keep][(ts[keep] < 0) | (ts[keep] >= c)][0])} is out "
                         "of bounds.")
    picked = np.where(keep, -rows[np.arange(len(ts)), np.where(keep, ts, 0)], 0.0)
    total = float(keep.sum())
    if reduction == "mean":
        values = np.asarray(picked.sum() / total if total else np.nan)
    elif reduction == "sum":
        values = np.asarray(picked.sum())
    else:
        values = picked if input.dim() == 2 else picked.reshape(())
    res = Tensor._empty(values.shape, input._dtype, input.device)
    if input._storage.has_data():
        res._write(values)
    if not A.needs_graph(input):
        return res
    si, st = Dv.S(input), Dv.S(target)
    shape = input._shape

    def bw(g: list[Any]) -> list[Any]:
        gv = Dv._vals(g[0])

        def place(buf: np.ndarray, _: Any) -> None:
            b = buf.reshape(1, -1) if len(shape) == 1 else buf
            scale = np.broadcast_to(gv, (len(ts),)) if gv is not None and gv.ndim else \
                np.full(len(ts), float(gv) if gv is not None else 0.0)
            if reduction == "mean":
                scale = scale / total if total else scale * np.nan
            for i, (k, ti) in enumerate(zip(keep, ts)):
                if k:
                    b[i, ti] -= scale[i]
        return [Dv._scatter_into(shape, g[0], place)]
    plan = Dv._numpy_node(("NllLossBackward0", [input], [si, st], bw))
    return Dv._record(res, plan[0], plan[1], plan[2], plan[3])


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.cross_entropy.html
    With class indices: nll_loss(log_softmax(input, 1), target)."""
    if label_smoothing:
        raise NotModelled("cross_entropy with label_smoothing")
    if target._dtype.is_floating_point:
        raise NotModelled("cross_entropy with class probabilities")
    return nll_loss(log_softmax(input, 1 if input.dim() > 1 else 0), target, weight,
                    size_average, ignore_index, reduce, reduction)


# ---- focal loss (Lin et al., "Focal Loss for Dense Object Detection", 2017) ------------------
# Written with the reference's own differentiable ops, in the op order of
# torchvision.ops.sigmoid_focal_loss, so values, graph nodes and gradients come from the
# reference's engine and are compared with torch's step for step.

def sigmoid_focal_loss(inputs: Tensor, targets: Tensor, alpha: float = 0.25,
                       gamma: float = 2, reduction: str = "none") -> Tensor:
    """https://docs.pytorch.org/vision/stable/generated/torchvision.ops.sigmoid_focal_loss.html
    FL = alpha_t * (1 - p_t) ** gamma * BCE(inputs, targets), p_t = p if target else 1 - p,
    alpha_t = alpha if target else 1 - alpha (alpha < 0: no weighting). Binary and multi-label
    (any shape; targets of the same shape, 0 or 1 or in between). The cross-entropy comes from
    the logits directly (stable); at logits of +-100 in float32 values and gradients stay
    finite for gamma = 0 or gamma >= 1 (for 0 < gamma < 1 the derivative of (1 - p_t)**gamma
    is unbounded as p_t -> 1: the formula's, not the numerics')."""
    import reference_impl as torch
    p = torch.sigmoid(inputs)
    ce_loss = binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction "
                     "modes: 'none', 'mean', 'sum'")


def softmax_focal_loss(input: Tensor, target: Tensor, alpha: Tensor | None = None,
                       gamma: float = 2.0, reduction: str = "mean",
                       ignore_index: int = -100) -> Tensor:
    """Multi-class focal loss from logits: FL = -alpha[t] * (1 - p_t) ** gamma * log p_t with
    log p_t from log_softmax over dim 1 (stable). ``alpha`` is a per-class weight tensor (or
    None), targets equal to ``ignore_index`` contribute nothing, and "mean" divides by the
    number of targets not ignored (so gamma = 0 without alpha is cross_entropy)."""
    import reference_impl as torch
    _check_reduction(reduction)
    logp = log_softmax(input, 1)
    valid = cast(Tensor, target != ignore_index)
    safe = torch.where(valid, target, torch.zeros_like(target))
    logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
    p_t = logp_t.exp()
    loss = -((1 - p_t) ** gamma) * logp_t
    if alpha is not None:
        loss = loss * alpha[safe]
    loss = torch.where(valid, loss, torch.zeros_like(loss))
    if reduction == "mean":
        return loss.sum() / valid.sum()
    if reduction == "sum":
        return loss.sum()
    return loss
