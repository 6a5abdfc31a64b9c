"""The focal losses written with torch's ops, in the same op order as the reference's
(``reference_impl.nn.functional``), for differential testing of autograd on a real-world loss.

Programs call them as ``focal.sigmoid_focal_loss(...)`` and ``focal.softmax_focal_loss(...)``;
the runner binds ``focal`` to this module for torch and to ``reference_impl.nn.functional``
for the reference. ``sigmoid_focal_loss`` is torchvision.ops.sigmoid_focal_loss, line for line.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F


def sigmoid_focal_loss(inputs: Any, targets: Any, alpha: float = 0.25, gamma: float = 2,
                       reduction: str = "none") -> Any:
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
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


def softmax_focal_loss(input: Any, target: Any, alpha: Any = None, gamma: float = 2.0,
                       reduction: str = "mean", ignore_index: int = -100) -> Any:
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    logp = F.log_softmax(input, 1)
    valid = target != ignore_index
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
