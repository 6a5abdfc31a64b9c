"""The legacy tensor types (``torch.FloatTensor``, ``torch.CharTensor``, ...) and
``Tensor.type()``.

https://docs.pytorch.org/docs/stable/tensors.html ("torch.Tensor.type: Returns the type if dtype
is not provided, else casts this object to the specified type. If this is already of the
correct type, no copy is performed and the original object is returned.")

A legacy type names a dtype and a backend: ``torch.FloatTensor`` is float32 on the CPU,
``torch.meta.FloatTensor`` float32 on meta (``dtypes.tensor_type_name`` spells them). The ten
CPU types torch exports are classes whose instances are the CPU tensors of their dtype.
"""

from __future__ import annotations

import builtins
from typing import Any

from .._core import dtypes as D
from .._core.errors import NotModelled
from .._core.tensor import Tensor
from .conversion import legacy_new, to


class tensortype(builtins.type):  # noqa: N801 - named as torch names it
    """The metaclass of the legacy types: ``isinstance(t, torch.CharTensor)`` is True for a CPU
    int8 tensor, of any layout."""

    dtype: D.dtype

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and obj._dtype is cls.dtype and obj.device.type == "cpu"

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        """``torch.CharTensor(2, 3)``, ``torch.FloatTensor([1, 2])``: the legacy constructor
        of torch.Tensor (modelled once, in ``conversion.legacy_new``) in the type's dtype."""
        return legacy_new(Tensor, *args, _typed=cls.dtype, **kwargs)

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy(dt: D.dtype) -> tensortype:
    return tensortype(f"{dt.scalar_type}Tensor", (),
                      {"dtype": dt, "is_cuda": False, "is_sparse": False, "__module__": "torch"})


# The CPU types torch exports as torch.<Name>Tensor.
EXPORTED: dict[str, tensortype] = {
    t.__name__: t for t in map(_legacy, (
        D.bfloat16, D.bool_, D.uint8, D.int8, D.float64, D.float32, D.float16, D.int32,
        D.int64, D.int16))}
# Every CPU type name Tensor.type() accepts as a string.
_BY_NAME: dict[str, D.dtype] = {
    D.tensor_type_name(dt, "cpu"): dt for dt in D.ALL_DTYPES + D.BAREBONES_UNSIGNED + D.FLOAT8}


def _type_name(t: builtins.type) -> str:
    module = getattr(t, "__module__", "builtins")
    return t.__name__ if module == "builtins" else f"{module}.{t.__qualname__}"


def _target(dtype: Any) -> D.dtype:
    """The dtype a type argument names (a CPU type), or the error torch gives."""
    if dtype is Tensor:
        return D.get_default_dtype()
    if isinstance(dtype, str):
        name = dtype
    elif isinstance(dtype, builtins.type):
        name = _type_name(dtype)
    else:
        raise TypeError("dtype must be a type, str, or dtype object")
    if name == "torch.Tensor":
        return D.get_default_dtype()
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.startswith(("torch.cuda.", "torch.sparse.")):
        raise NotModelled(f"Tensor.type({name!r}): CUDA and sparse legacy types")
    raise ValueError(f"invalid type: '{name}'")


def type(self: Tensor, dtype: Any = None, non_blocking: bool = False, **kwargs: Any) -> Any:  # noqa: A001
    """``Tensor.type()``: the legacy type name; ``Tensor.type(t)``: a cast to a torch dtype (on
    the tensor's device), or to a CPU legacy type (moved to the CPU), self when nothing
    changes (through ``to``, so a cast of a tensor that requires grad is recorded)."""
    if kwargs:
        raise NotModelled(f"Tensor.type with {', '.join(kwargs)}")
    if dtype is None:
        return D.tensor_type_name(self._dtype, self.device.type)
    if isinstance(dtype, D.dtype):
        return to(self, dtype, non_blocking=non_blocking)
    return to(self, "cpu", _target(dtype), non_blocking=non_blocking)
