"""``torch.nn.functional``: sigmoid, softmax, log_softmax and the two losses of the autograd
notes, written with the reference's own ops (so their gradients come from its engine where
torch's come from its own).

https://docs.pytorch.org/docs/stable/nn.functional.html
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np

from .._autograd.numpy_grads import numpy_node, requires_grad, scatter_into, values_of
from .._autograd.record import S, needs_graph, record
from .._core.errors import NotModelled
from .._core.modes import is_grad_enabled, suspended
from .._core.tensor import Tensor
from .._functions.arith import matmul
from .._functions.ops import (
    add,
    addmm,
    div,
    eq,
    index_select,
    masked_select,
    mul,
    ne,
    neg,
    sub,
    where,
)
from .._functions.ops import log_softmax as _log_softmax
from .._functions.ops import sigmoid as sigmoid
from .._functions.ops import softmax as _softmax
from .._functions.ops import sum as tsum
from .._functions.views import reshape, view
from .._functions.views import t as transpose_2d
from .._kernels import nn as K
from .._kernels.creation import zeros_like


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    return _softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    return _log_softmax(input, dim, dtype)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.linear.html
    y = x A^T + b, with ATen's graph (aten/src/ATen/native/Linear.cpp): a matrix input with a
    bias is one addmm; a contiguous input of other rank is flattened to rows, addmm'd and viewed
    back; otherwise matmul, then the bias added in place."""
    if input.dim() == 0 or weight.dim() == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are "
                           f"{input.dim()}D and {weight.dim()}D")
    if weight.dim() != 2:
        raise NotModelled("linear with a weight that is not a matrix")
    if bias is not None and input.dim() == 2:
        return addmm(bias, input, transpose_2d(weight))
    if bias is not None and input.is_contiguous() and (input.dim() == 3 or bias.dim() == 1):
        lead = input._shape[:-1]
        rows = reshape(input, math.prod(lead), input._shape[-1])
        out = addmm(bias, rows, transpose_2d(weight))
        return view(out, *lead, out._shape[1])
    out = matmul(input, transpose_2d(weight))
    if bias is not None:
        out.add_(bias)
    return out


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.binary_cross_entropy_with_logits.html
    loss = (1 - y) x - log sigmoid(x), computed stably; one node for the whole loss."""
    if size_average is not None or reduce is not None:
        raise NotModelled("the legacy size_average/reduce arguments")
    K.check_reduction(reduction)
    if target._shape != input._shape:
        raise ValueError(f"Target size ({target.shape!r}) must be the same as input size "
                         f"({input.shape!r})")
    if weight is not None or pos_weight is not None:
        raise NotModelled("binary_cross_entropy_with_logits with weight or pos_weight")
    with suspended():
        res, n = K.binary_cross_entropy_with_logits(input, target, reduction)
    if not needs_graph(input, target):
        return res

    def bw(g: list[Any]) -> list[Any]:
        sig = sigmoid(si.tensor)
        grad = g[0] if reduction == "none" else div(g[0], n) if reduction == "mean" else g[0]
        gi = mul(sub(sig, st.tensor), grad) if requires_grad(input) else None
        gt = mul(neg(si.tensor), grad) if requires_grad(target) else None
        # torch's kernel builds both with in-place steps: their versions when stolen.
        for t, bumps in ((gi, 3 if reduction == "mean" else 2),
                         (gt, 1 if reduction == "mean" else 0)):
            if t is not None:
                for _ in range(bumps):
                    t._vc.bump()
        return [gi, gt]
    si, st = S(input), S(target)
    return record(res, "BinaryCrossEntropyWithLogitsBackward0", [input, target], [si, st], bw)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
             reduction: str = "mean") -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.nll_loss.html
    For (N, C) or (C,) inputs and class-index targets, with class weights (which may not
    require grad: nll_loss is not differentiable with respect to them)."""
    if size_average is not None or reduce is not None:
        raise NotModelled("the legacy size_average/reduce arguments")
    K.check_reduction(reduction)
    if input.dim() not in (1, 2) or target._dtype.kind not in "iu":
        raise NotModelled("nll_loss beyond (N, C) inputs with class indices")
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'nll_loss_forward' is not differentiable with respect "
                           "to argument 'weight'. This input cannot have requires_grad True.")
    res, keep, ts, row_w, total = K.nll_loss(input, target, ignore_index, reduction, weight)
    if not needs_graph(input):
        return res
    si, st = S(input), S(target)
    shape = input._shape

    def bw(g: list[Any]) -> list[Any]:
        gv = values_of(g[0])

        def place(buf: np.ndarray, _: Any) -> None:
            b = buf.reshape(1, -1) if len(shape) == 1 else buf
            scale = np.broadcast_to(gv, (len(ts),)) if gv is not None and gv.ndim else \
                np.full(len(ts), float(gv) if gv is not None else 0.0)
            if reduction == "mean":
                scale = scale / total if total else scale * np.nan
            for i, (k, ti) in enumerate(zip(keep, ts)):
                if k:
                    b[i, ti] -= scale[i] * row_w[i]
        return [scatter_into(shape, g[0], place)]
    name, inputs, saved, backward = numpy_node(("NllLossBackward0", [input], [si, st], bw))
    return record(res, name, inputs, saved, backward)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.cross_entropy.html
    With class indices: nll_loss(log_softmax(input, 1), target); with label_smoothing in
    (0, 1], ATen's composition (cross_entropy_loss_label_smoothing)."""
    if target._dtype.is_floating_point:
        raise NotModelled("cross_entropy with class probabilities")
    class_dim = 1 if input.dim() > 1 else 0
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: "
                               f"{label_smoothing}")
        return _label_smoothing(input, target, weight, size_average, ignore_index, reduce,
                                reduction, label_smoothing)
    return nll_loss(log_softmax(input, class_dim), target, weight, size_average, ignore_index,
                    reduce, reduction)


def _label_smoothing(input: Tensor, target: Tensor, weight: Tensor | None, size_average: Any,
                     ignore_index: int, reduce: Any, reduction: str, eps: float) -> Tensor:
    """(1 - eps) * nll_loss + eps / C * the mean over classes of -log p (each class weighted),
    with ignored targets left out and "mean" divided as nll_loss divides."""
    class_dim = 1 if input.dim() > 1 else 0
    logp = log_softmax(input, class_dim)
    nll = nll_loss(logp, target, weight, size_average, ignore_index, reduce, reduction)
    n_classes = logp._shape[class_dim]
    ignored = eq(target, ignore_index)
    if weight is not None:
        shape = [1] * logp.dim()
        shape[class_dim] = weight._shape[0]
        smooth = neg(tsum(mul(logp, view(weight, *shape)), class_dim))
    else:
        smooth = neg(tsum(logp, class_dim))
    smooth = where(ignored, zeros_like(smooth), smooth)
    if reduction == "mean":
        counted = ne(target, ignore_index)
        denominator = tsum(index_select(weight, 0, masked_select(target, counted))) \
            if weight is not None else tsum(counted)
        ret = div(tsum(smooth), denominator)
    elif reduction == "sum":
        ret = tsum(smooth)
    else:
        ret = smooth
    return add(mul(nll, 1 - eps), mul(ret, eps / n_classes))


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
    p = sigmoid(inputs)
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
    K.check_reduction(reduction)
    logp = log_softmax(input, 1)
    valid = cast(Tensor, target != ignore_index)
    safe = where(valid, target, zeros_like(target))
    logp_t = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
    p_t = logp_t.exp()
    loss = -((1 - p_t) ** gamma) * logp_t
    if alpha is not None:
        loss = loss * alpha[safe]
    loss = where(valid, loss, zeros_like(loss))
    if reduction == "mean":
        return loss.sum() / valid.sum()
    if reduction == "sum":
        return loss.sum()
    return loss
