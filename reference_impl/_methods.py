"""Tensor methods, in-place variants and Python operators, derived once from the functions.

https://docs.pytorch.org/docs/stable/tensors.html : "Methods which mutate a tensor are marked
with an underscore suffix." Each ``op_`` here calls the op with ``_inplace=self``, so the
in-place rules (same object returned, version bump, castable result, no broadcast of self)
live in ``_ops.pointwise`` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _ops
from ._tensor import Tensor


def _method(fn: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


def _inplace(fn: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, _inplace=self, **kwargs)
    method.__name__ = fn.__name__ + "_"
    return method


def _reflected(fn: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: Tensor, other: Any) -> Any:
        return fn(other, self) if isinstance(other, Tensor) else _scalar_first(fn, other, self)
    return method


def _scalar_first(fn: Callable[..., Any], scalar: Any, t: Tensor) -> Any:
    """``2 + t`` is ``t.add(2)``; ``2 - t`` is ``rsub(t, 2)``; ``2 / t`` is
    ``t.reciprocal() * 2``; ``2 ** t`` is ``pow(2, t)`` (torch/_tensor.py)."""
    from . import _derivatives
    if fn is _ops.pow:
        return _derivatives.rpow(t, scalar)
    if fn is _ops.div:
        return _derivatives.rdiv(t, scalar)
    if fn in (_ops.add, _ops.mul):
        return fn(t, scalar)
    return fn(scalar, t)


POINTWISE: dict[str, Callable[..., Any]] = {
    "add": _ops.add, "sub": _ops.sub, "mul": _ops.mul, "div": _ops.div, "neg": _ops.neg,
    "pow": _ops.pow, "exp": _ops.exp, "log": _ops.log, "sqrt": _ops.sqrt, "abs": _ops.abs,
    "clamp": _ops.clamp, "eq": _ops.eq, "ne": _ops.ne, "lt": _ops.lt, "le": _ops.le,
    "gt": _ops.gt, "ge": _ops.ge,
}
ALIASES = {"subtract": "sub", "multiply": "mul", "divide": "div", "true_divide": "div",
           "negative": "neg", "absolute": "abs", "clip": "clamp", "greater": "gt",
           "less": "lt", "greater_equal": "ge", "less_equal": "le", "not_equal": "ne"}

for _name, _fn in POINTWISE.items():
    setattr(Tensor, _name, _method(_fn))
    setattr(Tensor, _name + "_", _inplace(_fn))
for _alias, _name in ALIASES.items():
    setattr(Tensor, _alias, getattr(Tensor, _name))
    setattr(Tensor, _alias + "_", getattr(Tensor, _name + "_"))

for _name in ("sum", "mean", "amax", "amin", "mm", "bmm", "matmul", "clone", "contiguous",
              "fill_", "zero_", "copy_"):
    setattr(Tensor, _name, _method(getattr(_ops, _name)))
Tensor.where = lambda self, condition, other: _ops.where(condition, self, other)


def _div_floor(a: Any, b: Any) -> Any:
    from ._derivatives import floor_divide
    return floor_divide(a, b)


OPERATORS: dict[str, Callable[..., Any]] = {
    "__add__": _ops.add, "__sub__": _ops.sub, "__mul__": _ops.mul, "__truediv__": _ops.div,
    "__floordiv__": _div_floor, "__pow__": _ops.pow, "__matmul__": _ops.matmul,
    "__eq__": _ops.eq, "__ne__": _ops.ne, "__lt__": _ops.lt, "__le__": _ops.le,
    "__gt__": _ops.gt, "__ge__": _ops.ge,
}
for _name, _fn in OPERATORS.items():
    setattr(Tensor, _name, _method(_fn))
for _name in ("__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__pow__",
              "__matmul__"):
    setattr(Tensor, "__r" + _name[2:], _reflected(OPERATORS[_name]))

Tensor.__neg__ = lambda self: _ops.neg(self)
Tensor.__abs__ = lambda self: _ops.abs(self)


def _augmented(fn: Callable[..., Any]) -> Callable[..., Any]:
    # ``y += x`` calls the in-place op and rebinds y to the same object (MEM-04).
    def method(self: Tensor, other: Any) -> Tensor:
        return fn(self, other, _inplace=self)
    return method


Tensor.__iadd__ = _augmented(_ops.add)
Tensor.__isub__ = _augmented(_ops.sub)
Tensor.__imul__ = _augmented(_ops.mul)
Tensor.__itruediv__ = _augmented(_ops.div)
