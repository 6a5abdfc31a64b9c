"""``torch.nn.Module`` (parameters, named_parameters, zero_grad, calling forward) and
``torch.nn.Linear``.

https://docs.pytorch.org/docs/stable/generated/torch.nn.Module.html
https://docs.pytorch.org/docs/stable/generated/torch.nn.Linear.html
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from .._autograd.grad_mode import no_grad
from .._core.dtypes import dtype as DType
from .._core.dtypes import get_default_dtype
from .._core.tensor import Tensor
from .._kernels.creation import empty
from . import functional as F
from .parameter import Parameter


class Module:
    """Registers the Parameters and Modules assigned to its attributes; ``parameters()``
    yields them (each once), submodules' after its own."""

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__["_parameters"]
        if isinstance(value, Parameter):
            self.__dict__.pop(name, None)
            params[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_type_name(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        self.__dict__.pop(name, None)
        self._parameters[name] = param

    def __getattr__(self, name: str) -> Any:
        for table in ("_parameters", "_modules"):
            entries = self.__dict__.get(table, {})
            if name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        seen: set[int] = set()
        for owner, mod in self._named_modules(prefix, recurse):
            for name, p in mod._parameters.items():
                if p is None or (remove_duplicate and id(p) in seen):
                    continue
                seen.add(id(p))
                yield (f"{owner}.{name}" if owner else name), p

    def _named_modules(self, prefix: str, recurse: bool) -> Iterator[tuple[str, Module]]:
        yield prefix, self
        if recurse:
            for name, m in self._modules.items():
                yield from m._named_modules(f"{prefix}.{name}" if prefix else name, True)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def zero_grad(self, set_to_none: bool = True) -> None:
        """https://docs.pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.zero_grad
        "Reset gradients of all model parameters ... set_to_none (bool) - instead of setting
        to zero, set the grads to None." A zeroed grad is first detached from any graph."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
                continue
            if p.grad.grad_fn is not None:
                p.grad.detach_()
            else:
                p.grad.requires_grad_(False)
            p.grad.zero_()

    def train(self, mode: bool = True) -> Module:
        for _, m in self._named_modules("", True):
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)


def _type_name(value: Any) -> str:
    if isinstance(value, Tensor):
        return f"torch.{value._dtype.scalar_type}Tensor"
    return type(value).__name__


class Linear(Module):
    """y = x A^T + b. "The values are initialized from U(-sqrt(k), sqrt(k)), where
    k = 1/in_features": which values is left open (the model marks them unspecified; programs
    give them values), each parameter's one in-place initialisation is not (version 1)."""

    bias: Parameter | None

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: DType | None = None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        dt = dtype or get_default_dtype()
        self.weight = Parameter(empty(out_features, in_features, dtype=dt, device=device))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dt, device=device))
        else:
            self.register_parameter("bias", None)
        self._initialise()

    def _initialise(self) -> None:
        """reset_parameters: kaiming_uniform_ on the weight (a no-op with a warning when it
        has no elements), uniform_ on the bias (U(0, 0) when in_features is 0)."""
        with no_grad():
            if self.weight.numel() == 0:
                warnings.warn("Initializing zero-element tensors is a no-op", UserWarning,
                              stacklevel=3)
            else:
                self.weight._vc.bump()
            if self.bias is not None:
                self.bias._vc.bump()
                if self.in_features == 0 and self.bias._storage.has_data():
                    self.bias._write(0.0)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def __repr__(self) -> str:
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None})")
