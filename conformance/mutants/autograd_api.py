"""Patches for the mutants of autograd's wider API (issue 17): hooks, create_graph, manual
gradient layouts, gradcheck, out= and autograd, item(), nn.Parameter, nn.Linear,
Module.zero_grad, SGD, .data assignment and weighted losses.

Each function breaks ONE documented behaviour of real torch; ``catalogue.py`` lists them with
the claim test that must catch them. The originals are captured when a patch is applied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import torch_module as _torch

TEST = "conformance/claim_tests/test_autograd_api.py"


def _set(owner: Any, attr: str, make: Callable[[Any], Any]) -> None:
    setattr(owner, attr, make(getattr(owner, attr)))


def hook_return_ignored() -> None:
    """Tensor.register_hook calls the hook but drops what it returns."""
    torch = _torch()

    def make(orig: Any) -> Any:
        def register_hook(self: Any, hook: Any) -> Any:
            def ignoring(grad: Any) -> None:
                hook(grad)
            return orig(self, ignoring)
        return register_hook
    _set(torch.Tensor, "register_hook", make)


def create_graph_ignored() -> None:
    """Tensor.backward drops create_graph=True: .grad never has a graph."""
    torch = _torch()

    def make(orig: Any) -> Any:
        def backward(self: Any, *a: Any, **k: Any) -> Any:
            k.pop("create_graph", None)
            return orig(self, *a, **k)
        return backward
    _set(torch.Tensor, "backward", make)


def manual_grad_made_contiguous() -> None:
    """Assigning x.grad stores a contiguous copy instead of the tensor given (its own strides
    are lost)."""
    torch = _torch()
    base = torch._C.TensorBase.__dict__["grad"]

    def setter(self: Any, value: Any) -> None:
        base.__set__(self, value if value is None else value.contiguous())
    torch.Tensor.grad = property(lambda self: base.__get__(self), setter)


def gradcheck_always_true() -> None:
    """torch.autograd.gradcheck returns True without comparing anything."""
    torch = _torch()
    torch.autograd.gradcheck = lambda *a, **k: True


def out_ignores_requires_grad() -> None:
    """torch.add, torch.mul and torch.mm with out= run as under no_grad instead of refusing
    inputs (or an out) that require grad."""
    torch = _torch()

    def make(orig: Any) -> Any:
        def op(*a: Any, **k: Any) -> Any:
            if k.get("out") is not None:
                with torch.no_grad():
                    return orig(*a, **k)
            return orig(*a, **k)
        return op
    for name in ("add", "mul", "mm"):
        _set(torch, name, make)


def item_refuses_requires_grad() -> None:
    """Tensor.item raises on a tensor that requires grad (as numpy() does)."""
    torch = _torch()

    def make(orig: Any) -> Any:
        def item(self: Any) -> Any:
            if self.requires_grad:
                raise RuntimeError("Can't call item() on Tensor that requires grad.")
            return orig(self)
        return item
    _set(torch.Tensor, "item", make)


def parameter_copies_data() -> None:
    """nn.Parameter(data) holds a copy of data (its own storage and version counter)."""
    torch = _torch()
    orig = torch.nn.Parameter.__new__

    def new(cls: Any, data: Any = None, requires_grad: bool = True) -> Any:
        return orig(cls, None if data is None else data.detach().clone(), requires_grad)
    torch.nn.Parameter.__new__ = staticmethod(new)


def linear_ignores_bias() -> None:
    """F.linear (and so nn.Linear) leaves out the bias."""
    torch = _torch()
    _set(torch.nn.functional, "linear",
         lambda orig: lambda input, weight, bias=None: orig(input, weight))


def module_zero_grad_fills_zeros() -> None:
    """Module.zero_grad() zeroes gradients in place by default instead of setting them to
    None."""
    torch = _torch()
    _set(torch.nn.Module, "zero_grad",
         lambda orig: lambda self, set_to_none=True: orig(self, set_to_none=False))


def sgd_nesterov_ignored() -> None:
    """SGD(nesterov=True) steps with plain momentum."""
    import torch.optim.sgd as sgd

    def make(orig: Any) -> Any:
        def step(*a: Any, **k: Any) -> Any:
            k["nesterov"] = False
            return orig(*a, **k)
        return step
    for name in ("_single_tensor_sgd", "_multi_tensor_sgd"):
        _set(sgd, name, make)


def data_assignment_bumps_version() -> None:
    """x.data = t moves x's version counter (as if autograd saw an in-place change)."""
    torch = _torch()
    base = torch._C.TensorBase.__dict__["data"]

    def setter(self: Any, value: Any) -> None:
        base.__set__(self, value)
        with torch.no_grad():
            self.add_(0)
    torch.Tensor.data = property(lambda self: base.__get__(self), setter)


def weighted_mean_divides_by_n() -> None:
    """cross_entropy with class weights and reduction='mean' divides the weighted sum by the
    number of targets that count instead of by their summed weights."""
    torch = _torch()

    def make(orig: Any) -> Any:
        def cross_entropy(input: Any, target: Any, weight: Any = None, *a: Any,
                          **k: Any) -> Any:
            if weight is None or a or k.get("reduction", "mean") != "mean":
                return orig(input, target, weight, *a, **k)
            k["reduction"] = "none"
            losses = orig(input, target, weight, *a, **k)
            count = (target != k.get("ignore_index", -100)).sum()
            return losses.sum() / count
        return cross_entropy
    _set(torch.nn.functional, "cross_entropy", make)
