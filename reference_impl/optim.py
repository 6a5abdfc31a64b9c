"""``torch.optim``: the Optimizer's parameter groups and gradient clearing, and SGD's update.

https://docs.pytorch.org/docs/stable/optim.html
https://docs.pytorch.org/docs/stable/generated/torch.optim.SGD.html
https://docs.pytorch.org/docs/stable/generated/torch.optim.Optimizer.zero_grad.html
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ._autograd.grad_mode import enable_grad, no_grad
from ._core.errors import NotModelled
from ._core.tensor import Tensor
from ._functions.ops import add, clone, neg


def _typename(obj: Any) -> str:
    """torch.typename: "torch.FloatTensor" for a tensor, the class's name otherwise."""
    if isinstance(obj, Tensor):
        return f"torch.{obj._dtype.scalar_type}Tensor"
    return type(obj).__name__


class Optimizer:
    """Parameter groups (each a dict of the defaults and its ``params``), per-parameter
    ``state``, and ``zero_grad``."""

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {_typename(params)}")
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        params = [params] if isinstance(params, Tensor) else list(params)
        if any(isinstance(p, tuple) for p in params):
            raise NotModelled("named optimizer parameters")
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(p))
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        param_group["params"] = params
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          UserWarning, stacklevel=3)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if seen & {id(p) for p in params}:
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """set_to_none=True (the default) drops the gradients; False zeroes them in place,
        first detaching a gradient that has a graph (or clearing its requires_grad)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                    continue
                if g.grad_fn is not None:
                    g.detach_()
                else:
                    g.requires_grad_(False)
                g.zero_()


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, weight decay, Nesterov momentum
    and maximize, as the documentation's algorithm states it; a parameter whose grad is None is
    skipped (a zero grad is not). Each step runs under no_grad and updates parameters in place
    (``p.add_(g, alpha=-lr)``: one version bump each); the momentum buffer starts as a detached
    clone of the first step's g and is then updated in place (``mul_``, ``add_``)."""

    def __init__(self, params: Iterable[Any], lr: Any = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False,
                 *, maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        if isinstance(lr, Tensor):
            raise NotModelled("SGD with a tensor lr")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if differentiable or fused:
            raise NotModelled("SGD(differentiable=True) or SGD(fused=True)")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                params = [p for p in group["params"] if p._grad is not None]
                bufs = [self.state[p].get("momentum_buffer") for p in params] \
                    if group["momentum"] != 0 else []
                foreach = group["foreach"]
                if foreach is None:
                    foreach = bool(params) and all(p.device.type == "cuda" for p in params)
                (_multi_tensor_sgd if foreach else _single_tensor_sgd)(params, bufs, group)
                if group["momentum"] != 0:
                    for p, buf in zip(params, bufs):
                        self.state[p]["momentum_buffer"] = buf
        return loss


def _single_tensor_sgd(params: list[Tensor], bufs: list[Any], group: dict[str, Any]) -> None:
    """torch/optim/sgd.py ``_single_tensor_sgd`` (on the CPU): g is p.grad itself unless
    maximize or weight decay made a new tensor of it."""
    momentum, lr = group["momentum"], group["lr"]
    for i, p in enumerate(params):
        grad: Any = p._grad
        if group["maximize"]:
            grad = neg(grad)
        if group["weight_decay"] != 0:
            grad = add(grad, p, alpha=group["weight_decay"])
        if momentum != 0:
            if bufs[i] is None:
                bufs[i] = clone(grad.detach())
            else:
                bufs[i].mul_(momentum).add_(grad, alpha=1 - group["dampening"])
            grad = add(grad, bufs[i], alpha=momentum) if group["nesterov"] else bufs[i]
        p.add_(grad, alpha=-lr)


def _multi_tensor_sgd(params: list[Tensor], bufs: list[Any], group: dict[str, Any]) -> None:
    """torch/optim/sgd.py ``_multi_tensor_sgd`` (the default for CUDA parameters), one
    device and dtype group at a time.
    # Note: with nesterov and neither maximize nor weight decay, its in-place foreach add
    # (``_foreach_add_(device_grads, bufs)``) writes the Nesterov step into p.grad itself."""
    groups: dict[tuple[str, Any], list[int]] = {}
    for i, p in enumerate(params):
        groups.setdefault((str(p.device), p._dtype), []).append(i)
    momentum, dampening = group["momentum"], group["dampening"]
    for idx in groups.values():
        grads: list[Any] = [params[i]._grad for i in idx]
        if group["maximize"]:
            grads = [neg(g) for g in grads]
        if group["weight_decay"] != 0:
            if group["maximize"]:
                for g, i in zip(grads, idx):
                    g.add_(params[i], alpha=group["weight_decay"])
            else:
                grads = [add(g, params[i], alpha=group["weight_decay"]) for g, i in zip(grads, idx)]
        if momentum != 0:
            if all(bufs[i] is not None for i in idx):
                for i in idx:
                    bufs[i].mul_(momentum)
                for g, i in zip(grads, idx):
                    bufs[i].add_(g, alpha=1 - dampening)
            else:
                for g, i in zip(grads, idx):
                    if bufs[i] is None:
                        bufs[i] = clone(g.detach())
                    else:
                        bufs[i].mul_(momentum).add_(g, alpha=1 - dampening)
            if group["nesterov"]:
                for g, i in zip(grads, idx):
                    g.add_(bufs[i], alpha=momentum)
            else:
                grads = [bufs[i] for i in idx]
        for g, i in zip(grads, idx):
            params[i].add_(g, alpha=-group["lr"])

