"""Tensor methods, properties, in-place variants and Python operators: bound here, once, from
tables (``_core/tensor.pyi`` declares them for the type checker).

https://docs.pytorch.org/docs/stable/tensors.html : "Methods which mutate a tensor are marked
with an underscore suffix." Each ``op_`` calls the op with ``_inplace=self``, so the in-place
rules (same object returned, version bump, castable result, no broadcast of self) live in the
op's kernel (``_kernels/iterator.py``) alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ._autograd import hooks as AH
from ._autograd import variable as AV
from ._core import dtypes as D
from ._core.errors import missing_api
from ._core.tensor import Tensor
from ._engine import tensor_backward
from ._functions import arith, conversion, indexing, legacy_types, ops, shaping, sparse, views
from ._kernels import creation

# ---- methods that are the function of the same name (self first) -----------------------------

FUNCTIONS: dict[str, Callable[..., Any]] = {
    # pointwise and comparisons (each also has an in-place variant, below)
    "add": ops.add, "sub": ops.sub, "mul": ops.mul, "div": ops.div, "neg": ops.neg,
    "pow": ops.pow, "exp": ops.exp, "log": ops.log, "sqrt": ops.sqrt, "abs": ops.abs,
    "clamp": ops.clamp, "eq": ops.eq, "ne": ops.ne, "lt": ops.lt, "le": ops.le, "gt": ops.gt,
    "ge": ops.ge,
    # reductions, sorting, comparisons of whole tensors, products, copies
    "sum": ops.sum, "mean": ops.mean, "amax": ops.amax, "amin": ops.amin, "prod": ops.prod,
    "all": ops.all, "any": ops.any, "max": ops.max, "min": ops.min, "argmax": ops.argmax,
    "argmin": ops.argmin, "std": ops.std, "var": ops.var, "norm": ops.norm,
    "cumsum": ops.cumsum, "sort": ops.sort, "topk": ops.topk, "allclose": ops.allclose,
    "equal": ops.equal, "mm": ops.mm, "mv": ops.mv, "to_sparse": sparse.to_sparse,
    "bmm": ops.bmm, "matmul": arith.matmul, "clone": ops.clone, "contiguous": ops.contiguous,
    "fill_": ops.fill_, "zero_": ops.zero_, "copy_": ops.copy_, "scatter_": ops.scatter_,
    "flip": ops.flip, "resize_": ops.resize_,
    "uniform_": ops.uniform_, "normal_": ops.normal_, "random_": ops.random_,
    # views
    "view": views.view, "view_as": views.view_as, "reshape": views.reshape,
    "reshape_as": views.reshape_as, "flatten": views.flatten, "squeeze": views.squeeze,
    "unsqueeze": views.unsqueeze, "transpose": views.transpose, "swapaxes": views.swapaxes,
    "swapdims": views.swapdims, "t": views.t, "permute": views.permute, "expand": views.expand,
    "expand_as": views.expand_as, "broadcast_to": views.broadcast_to, "narrow": views.narrow,
    "select": views.select, "unbind": views.unbind, "split": views.split,
    "chunk": views.chunk, "diagonal": views.diagonal, "as_strided": views.as_strided,
    "movedim": views.movedim, "unfold": views.unfold,
    "split_with_sizes": shaping.split_with_sizes, "tensor_split": shaping.tensor_split,
    "hsplit": shaping.hsplit, "vsplit": shaping.vsplit, "dsplit": shaping.dsplit,
    "unflatten": shaping.unflatten, "adjoint": shaping.adjoint,
    # indexing
    "__getitem__": indexing.getitem, "__setitem__": indexing.setitem,
    "index_select": ops.index_select, "masked_select": ops.masked_select,
    "gather": ops.gather,
    # conversions and the NumPy bridge
    "to": conversion.to, "cpu": conversion.cpu, "cuda": conversion.cuda,
    "pin_memory": conversion.pin_memory, "is_pinned": conversion.is_pinned,
    "numpy": conversion.numpy, "conj": conversion.conj, "is_conj": conversion.is_conj,
    "resolve_conj": conversion.resolve_conj, "is_neg": conversion.is_neg,
    "resolve_neg": conversion.resolve_neg,
    "type": legacy_types.type,
    # factories
    "new_tensor": creation.new_tensor, "new_zeros": creation.new_zeros,
    "new_ones": creation.new_ones, "new_empty": creation.new_empty,
    "new_full": creation.new_full,
    # autograd
    "requires_grad_": AV.requires_grad_, "detach": AV.detach, "detach_": AV.detach_,
    "retain_grad": AV.retain_grad, "backward": tensor_backward,
    "register_hook": AH.register_hook,
}

PROPERTIES: dict[str, property] = {
    "requires_grad": property(AV.requires_grad_get, AV.requires_grad_set),
    "grad_fn": property(AV.grad_fn_get),
    "is_leaf": property(AV.is_leaf),
    "grad": property(AV.grad_get, AV.grad_set),
    "retains_grad": property(AV.retains_grad),
    "data": property(AV.data_get, AV.data_set),
    "_unspecified_graph": property(AV.unspecified_graph),  # the observer's hook
    "T": property(views.T),
    "mT": property(views.mT),
    "H": property(shaping.H),
    "mH": property(shaping.mH),
    "real": property(views.real),
    "imag": property(views.imag),
    "layout": property(sparse.strided_layout),
    "is_sparse": property(sparse.is_sparse),
}

# torch's alternative names: each is the same method (and in-place method) as its target.
ALIASES = {"subtract": "sub", "multiply": "mul", "divide": "div", "true_divide": "div",
           "negative": "neg", "absolute": "abs", "clip": "clamp", "greater": "gt",
           "less": "lt", "greater_equal": "ge", "less_equal": "le", "not_equal": "ne"}
IN_PLACE = ("add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "abs", "clamp",
            "eq", "ne", "lt", "le", "gt", "ge")


def in_place(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``op_``: the op, written into self (``_inplace=self``)."""
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, _inplace=self, **kwargs)
    method.__name__ = fn.__name__ + "_"
    return method


def _where(self: Tensor, condition: Tensor, other: Any) -> Tensor:
    return ops.where(condition, self, other)


def _nonzero(self: Tensor, **kwargs: Any) -> Any:
    return indexing.nonzero(self, **kwargs)


def _sigmoid(self: Tensor) -> Tensor:
    return ops.sigmoid(self)


def _softmax(self: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    return ops.softmax(self, dim, dtype)


def _log_softmax(self: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    return ops.log_softmax(self, dim, dtype)


OTHER_METHODS: dict[str, Any] = {
    "where": _where, "nonzero": _nonzero, "sigmoid": _sigmoid, "softmax": _softmax,
    "log_softmax": _log_softmax,
    "float": functools.partialmethod(conversion.to, D.float32),
    "double": functools.partialmethod(conversion.to, D.float64),
    "half": functools.partialmethod(conversion.to, D.float16),
    # torch.Tensor(2, 3) and torch.Tensor([2, 3]): the legacy constructor
    "__new__": staticmethod(conversion.legacy_new),
}

# ---- Python operators ---------------------------------------------------------------------------

OPERATORS: dict[str, Callable[..., Any]] = {
    "__add__": ops.add, "__sub__": ops.sub, "__mul__": ops.mul, "__truediv__": ops.div,
    "__floordiv__": arith.floor_divide, "__pow__": ops.pow, "__matmul__": arith.matmul,
    "__eq__": ops.eq, "__ne__": ops.ne, "__lt__": ops.lt, "__le__": ops.le, "__gt__": ops.gt,
    "__ge__": ops.ge, "__neg__": ops.neg, "__abs__": ops.abs,
    # 2 + t, 2 - t, ...: the reflected forms (torch/_tensor.py)
    "__radd__": arith.reflected_add, "__rsub__": arith.reflected_sub,
    "__rmul__": arith.reflected_mul, "__rtruediv__": arith.reflected_truediv,
    "__rfloordiv__": arith.reflected_floordiv, "__rpow__": arith.reflected_pow,
    "__rmatmul__": arith.reflected_matmul,
    # ``y += x`` calls the in-place op and rebinds y to the same object (MEM-04).
    "__iadd__": in_place(ops.add), "__isub__": in_place(ops.sub),
    "__imul__": in_place(ops.mul), "__itruediv__": in_place(ops.div),
}


# Python protocols torch's Tensor implements and the model does not. Each is bound to a refusal
# (missing API, NotModelled), so a program that reaches one is UNMODELLED instead of falling
# back on Python's default behaviour: ``x //= 2`` rebinding a new object where torch writes in
# place, ``reversed(x)`` or ``1 in x`` iterating rows, ``np.asarray(x)`` an array of objects.
MISSING_PROTOCOLS = (
    "__and__", "__or__", "__xor__", "__invert__", "__mod__", "__lshift__", "__rshift__",
    "__pos__", "__rand__", "__ror__", "__rxor__", "__rmod__", "__rlshift__", "__rrshift__",
    "__iand__", "__ior__", "__ixor__", "__imod__", "__ilshift__", "__irshift__", "__ifloordiv__",
    "__ipow__", "__contains__", "__reversed__", "__delitem__", "__array__", "__array_wrap__",
    "__deepcopy__", "__reduce_ex__", "__setstate__", "__dlpack__", "__dlpack_device__")


def _refusal(name: str) -> Callable[..., Any]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        raise missing_api(f"torch.Tensor.{name}")
    method.__name__ = name
    return method


def _format(self: Tensor, spec: str) -> str:
    """``format(x, "")`` is ``str(x)``; a format spec (torch formats a 0-dim tensor's value
    with it) is not modelled."""
    if spec:
        raise missing_api("torch.Tensor.__format__ with a format spec")
    return str(self)


def _members() -> dict[str, Any]:
    members: dict[str, Any] = {name: _refusal(name) for name in MISSING_PROTOCOLS}
    members.update({**FUNCTIONS, **PROPERTIES, **OTHER_METHODS, **OPERATORS,
                    "__format__": _format})
    for name in IN_PLACE:
        members[name + "_"] = in_place(FUNCTIONS[name])
    for alias, name in ALIASES.items():
        members[alias] = members[name]
        members[alias + "_"] = members[name + "_"]
    return members


MEMBERS = _members()
for _name, _member in MEMBERS.items():
    setattr(Tensor, _name, _member)
