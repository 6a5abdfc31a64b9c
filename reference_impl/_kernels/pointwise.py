"""Pointwise arithmetic and comparisons: each op declares its ``Pointwise`` spec once, and its
body is a line of NumPy (the shared rules live in ``iterator``).

Every op takes ``out=`` and a private ``_inplace=self``, through which ``Tensor.op_`` runs it
in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.errors import NotModelled
from .._core.layout import format_shape
from .._core.release import dtype_error, follows
from .._core.tensor import Tensor
from .copy import converted
from .iterator import (
    Operand,
    Pointwise,
    Promotion,
    Scalar,
    Unspecified,
    as_array,
    cast_error,
    check_same_device,
    common_device,
    emit,
    iterator_operands,
    missing_kernel,
    result_type,
    unary_layout,
)
from .iterator import assert_no_internal_overlap as _no_internal_overlap
from .iterator import assert_no_partial_overlap as _no_partial_overlap


def _bool_error(msg: str) -> Exception:
    """Subtracting or negating bools: NotImplementedError from torch 2.14 on, RuntimeError
    before (``_core/release.py``, "bool-arithmetic-not-implemented")."""
    return (NotImplementedError if follows("bool-arithmetic-not-implemented")
            else RuntimeError)(msg)


def _no_bool(msg: str) -> Callable[[D.dtype], None]:
    def check(compute: D.dtype) -> None:
        if compute is D.bool_:
            raise _bool_error(msg)
    return check


def _alpha_check(alpha: Any) -> Callable[[D.dtype], None]:
    def check(compute: D.dtype) -> None:
        if compute.kind in "iub" and isinstance(alpha, float):
            raise RuntimeError("For integral input tensors, argument alpha must not be a "
                               "floating point number.")
        if isinstance(alpha, bool) and compute is not D.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    return check


def _as_dtype(scalar: Scalar, like: Any) -> Any:
    """A Python scalar in the computation dtype, wrapping as C++ casts do (alpha=-1 on uint8
    is 255), where NumPy 2 would refuse the out-of-range Python int."""
    with np.errstate(all="ignore"):
        return np.asarray(scalar).astype(like.dtype)


# ---- arithmetic ---------------------------------------------------------------------------------

_ADD, _SUB, _MUL = Pointwise("add"), Pointwise("sub"), Pointwise("mul")


def add(input: Operand, other: Operand, *, alpha: Scalar = 1, out: Tensor | None = None,
        _inplace: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.add.html
    "Adds other, scaled by alpha, to input." Supports broadcasting and type promotion."""
    def fn(a: Any, b: Any) -> Any:
        if a.dtype == np.bool_:
            return np.logical_or(a, np.logical_and(b, bool(alpha)))
        return a + b * _as_dtype(alpha, a) if alpha != 1 else a + b
    return _ADD(fn, [input, other], out=out, inplace=_inplace, check=_alpha_check(alpha))


def sub(input: Operand, other: Operand, *, alpha: Scalar = 1, out: Tensor | None = None,
        _inplace: Tensor | None = None) -> Tensor:
    kinds = [o._dtype if isinstance(o, Tensor) else D.scalar_dtype(o) for o in (input, other)]
    if kinds[0] is D.bool_ and kinds[1] is D.bool_:
        raise _bool_error("Subtraction, the `-` operator, with two bool tensors is not "
                          "supported. Use the `^` or `logical_xor()` operator instead.")
    if D.bool_ in kinds:
        raise _bool_error("Subtraction, the `-` operator, with a bool tensor is not supported. "
                          "If you are trying to invert a mask, use the `~` or `logical_not()` "
                          "operator instead.")
    return _SUB(lambda a, b: a - b * _as_dtype(alpha, a) if alpha != 1 else a - b,
                [input, other], out=out, inplace=_inplace, check=_alpha_check(alpha))


def mul(input: Operand, other: Operand, *, out: Tensor | None = None,
        _inplace: Tensor | None = None) -> Tensor:
    def fn(a: Any, b: Any) -> Any:
        return np.logical_and(a, b) if a.dtype == np.bool_ else a * b
    return _MUL(fn, [input, other], out=out, inplace=_inplace)


def _int_div(a: Any, b: Any, mode: str, *, checks_zero: bool = True) -> Any:
    """Integer division. The CPU kernels check for a zero divisor (only one that some output
    element divides by raises: an empty result runs no kernel); the CUDA kernels do not, and
    the quotient of a division by zero is whatever the hardware gives (seen on an H200,
    torch 2.11: 7 // 0 is 4294967295, -7 // 0 is -2): those elements are unspecified."""
    a, b = np.broadcast_arrays(a, b)
    zero = b == 0
    if zero.any() and checks_zero:
        raise RuntimeError("ZeroDivisionError")
    b = np.where(zero, np.ones_like(b), b)
    if mode == "floor":
        values = np.floor_divide(a, b)
    else:
        q = np.abs(a) // np.abs(b)
        values = np.where((a < 0) != (b < 0), -q, q).astype(a.dtype)
    return Unspecified(values, zero) if zero.any() else values


_TRUE_DIV, _DIV = Pointwise("div", Promotion.INT_TO_FLOAT), Pointwise("div")


def div(input: Operand, other: Operand, *, rounding_mode: str | None = None,
        out: Tensor | None = None, _inplace: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.div.html
    True division promotes integers to the default float dtype; "trunc" and "floor" keep
    integer inputs integral."""
    if rounding_mode is None:
        return _TRUE_DIV(lambda a, b: a / b, [input, other], out=out, inplace=_inplace)
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                         f"found '{rounding_mode}'")
    mode: str = rounding_mode
    cuda = any(isinstance(o, Tensor) and o.device.type == "cuda" for o in (input, other))

    def fn(a: Any, b: Any) -> Any:
        if a.dtype == np.bool_ or a.dtype.kind == "c":
            dt = D.bool_ if a.dtype == np.bool_ else (
                D.complex64 if a.dtype == np.complex64 else D.complex128)
            raise missing_kernel(f"div_{mode}", dt)
        if a.dtype.kind in "iu":
            return _int_div(a, b, mode, checks_zero=not cuda)
        if mode == "trunc":
            return np.trunc(a / b)
        return np.floor_divide(a, b)
    return _DIV(fn, [input, other], out=out, inplace=_inplace)


_NEG = Pointwise("neg", exact_out=True)


def neg(input: Tensor, *, out: Tensor | None = None, _inplace: Tensor | None = None) -> Tensor:
    return _NEG(lambda a: -a, [input], out=out, inplace=_inplace, precheck=_no_bool(
        "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead."))


_POW = Pointwise("pow")


def pow(input: Operand, exponent: Operand, *, out: Tensor | None = None,  # noqa: A001
        _inplace: Tensor | None = None) -> Tensor:
    def check(compute: D.dtype) -> None:
        if compute.kind in "iub":
            e = exponent._values() if isinstance(exponent, Tensor) else np.asarray(exponent)
            if np.any(e < 0):
                if isinstance(exponent, Tensor):
                    raise NotModelled("integer pow with negative tensor exponents")
                raise RuntimeError("Integers to negative integer powers are not allowed.")
    if not isinstance(input, Tensor):
        raise NotModelled("pow with a scalar base")
    return _POW(lambda a, b: a ** b, [input, exponent], out=out, inplace=_inplace,
                precheck=check,
                strides=None if isinstance(exponent, Tensor) else unary_layout(input))


def _correctly_rounded(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Evaluate in double precision, then round to the computation dtype: torch's kernels are
    within an ulp of the correctly rounded result, NumPy's single-precision ones sometimes are
    not, and a float32 result written to a float64 out keeps that ulp."""
    def wide(a: Any) -> Any:
        wider = np.complex128 if a.dtype.kind == "c" else np.float64
        return fn(a.astype(wider)).astype(a.dtype)
    return wide


def _unary_float(name: str, fn: Callable[[Any], Any]) -> Callable[..., Tensor]:
    spec = Pointwise(name, Promotion.INT_TO_FLOAT)

    def op(input: Tensor, *, out: Tensor | None = None, _inplace: Tensor | None = None
           ) -> Tensor:
        return spec(fn, [input], out=out, inplace=_inplace)
    op.__name__ = name
    op.__doc__ = (f"torch.{name}: integer and bool inputs compute in the default float dtype "
                  "(https://docs.pytorch.org/docs/stable/tensor_attributes.html).")
    return op


exp = _unary_float("exp", _correctly_rounded(np.exp))
reciprocal = _unary_float("reciprocal", lambda a: np.divide(1, a, dtype=a.dtype))
log = _unary_float("log", _correctly_rounded(np.log))
sqrt = _unary_float("sqrt", _correctly_rounded(np.sqrt))
sigmoid = _unary_float("sigmoid", _correctly_rounded(lambda a: 1.0 / (1.0 + np.exp(-a))))


# Note: ATen's unary_op_impl_with_complex_to_float_out: a complex input with a real out is
# cast-checked from the real dtype; with a complex out (or a real input) out's dtype must equal
# the input's. Complex -> real out is one resize of out, then copy_ of the real part.
_ABS = Pointwise("abs", Promotion.COMPLEX_TO_FLOAT, exact_out=True, cast_through_temporary=False)
_ABS_COMPLEX_OUT = Pointwise("abs", exact_out=True, cast_through_temporary=False)
_ABS_REAL_OUT = Pointwise("abs", Promotion.COMPLEX_TO_FLOAT, cast_through_temporary=False,
                          out_through_temporary=True)


def abs(input: Tensor, *, out: Tensor | None = None,  # noqa: A001
        _inplace: Tensor | None = None) -> Tensor:
    if _inplace is not None and _inplace._dtype.is_complex:
        raise RuntimeError("In-place abs is not supported for complex tensors.")

    def fn(a: Any) -> Any:
        if a.dtype == np.bool_:
            raise missing_kernel("abs", D.bool_)
        return np.abs(a)
    real_out = input._dtype.is_complex and out is not None and not out._dtype.is_complex
    complex_out = input._dtype.is_complex and out is not None and out._dtype.is_complex

    def precheck(compute: D.dtype) -> None:
        # The complex-to-real out= path checks the cast before any iterator is built.
        if real_out and out is not None and not D.can_cast(compute.to_real(), out._dtype):
            raise cast_error(compute.to_real(), out._dtype)

    # A fresh result for a complex input is allocated by empty_like (preserve_format).
    fresh = input._dtype.is_complex and out is None and _inplace is None
    spec = _ABS_REAL_OUT if real_out else _ABS_COMPLEX_OUT if complex_out else _ABS
    return spec(fn, [input], out=out, inplace=_inplace, precheck=precheck,
                strides=L.preserve_format_strides(input._shape, input._strides)
                if fresh else None)


_CLAMP = Pointwise("clamp", exact_out=True)


def clamp(input: Tensor, min: Operand | None = None, max: Operand | None = None,  # noqa: A002
          *, out: Tensor | None = None, _inplace: Tensor | None = None) -> Tensor:
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = [b for b in (min, max) if b is not None]

    def fn(a: Any, *bs: Any) -> Any:
        lo = bs[0] if min is not None else None
        hi = bs[-1] if max is not None else None
        r = a
        if lo is not None:
            r = np.where(np.isnan(r), r, np.maximum(r, lo)) if r.dtype.kind == "f" \
                else np.maximum(r, lo)
        if hi is not None:
            r = np.where(np.isnan(r), r, np.minimum(r, hi)) if r.dtype.kind == "f" \
                else np.minimum(r, hi)
        return r

    def check(compute: D.dtype) -> None:
        if compute.is_complex:
            raise dtype_error("clamp is not supported for complex types")
        self_target = _inplace if _inplace is not None else (out if out is input else None)
        if self_target is not None and compute is not self_target._dtype:
            # Note: clamp's own check (in place, or out= self) prints the target with its C++
            # type name.
            raise RuntimeError(f"result type {compute.scalar_type} can't be cast to the "
                               f"desired output type {self_target._dtype.c_name}")
    scalar_bounds = not any(isinstance(b, Tensor) for b in bounds)
    source = input
    if scalar_bounds and _inplace is None and out is not input:
        wanted = result_type(input, *bounds)
        if not input._dtype.is_floating_point and wanted is not input._dtype:
            # ATen's clamp meta builds its unary op on self.to(result_type): a fresh copy,
            # which neither overlaps out nor keeps self's layout.
            source = converted(input, wanted)
    return _CLAMP(fn, [source, *bounds], out=out, inplace=_inplace, precheck=check,
                  strides=unary_layout(source) if scalar_bounds else None)


# ---- comparisons --------------------------------------------------------------------------------

def _comparison(name: str, fn: Callable[[Any, Any], Any]) -> Callable[..., Tensor]:
    to_bool, in_place = Pointwise(name, Promotion.ALWAYS_BOOL), Pointwise(name)

    def op(input: Operand, other: Operand, *, out: Tensor | None = None,
           _inplace: Tensor | None = None) -> Tensor:
        def kernel(a: Any, b: Any) -> Any:
            if a.dtype.kind == "c" and name not in ("eq", "ne"):
                dt = D.complex64 if a.dtype == np.complex64 else D.complex128
                raise missing_kernel(name, dt)
            return fn(a, b)
        spec = in_place if _inplace is not None else to_bool
        return spec(kernel, [input, other], out=out, inplace=_inplace)
    op.__name__ = name
    return op


eq = _comparison("eq", np.equal)
ne = _comparison("ne", np.not_equal)
lt = _comparison("lt", np.less)
le = _comparison("le", np.less_equal)
gt = _comparison("gt", np.greater)
ge = _comparison("ge", np.greater_equal)


def where(condition: Tensor, input: Operand, other: Operand, *,
          out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.where.html"""
    if not isinstance(condition, Tensor) or condition._dtype is not D.bool_:
        got = condition._dtype.scalar_type if isinstance(condition, Tensor) else "?"
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {got}")
    if out is not None:
        for pos, (arg, value) in enumerate((("input", input), ("other", other)), start=2):
            if not isinstance(value, Tensor):
                # where's out= overload takes tensors only.
                raise TypeError(f"where(): argument '{arg}' (position {pos}) must be Tensor, "
                                f"not {type(value).__name__}")
    common = result_type(input, other)
    tensors = [o for o in (condition, input, other) if isinstance(o, Tensor)]
    check_same_device([*([out] if out is not None else []), *tensors])
    if out is not None and common is not out._dtype:
        # Note: where's out= takes no casting at all, and checks the dtype before the shapes
        # broadcast (torch 2.13: an out of another dtype beside clashing shapes names out).
        raise RuntimeError(f"Expected out type to be {common.scalar_type} but got "
                           f"{out._dtype.scalar_type}")
    shape = L.broadcast_shapes(*[t._shape for t in tensors])
    read_write = out is not None and any(t is out for t in tensors)
    if out is not None:
        _check_where_out(out, common, tensors, shape, read_write)

    def kernel() -> Any:
        if any(not t._storage.has_data() for t in tensors):
            return None
        return np.where(condition._values(), as_array(input, common), as_array(other, common))
    layout = [(condition._shape, condition._strides), *iterator_operands([input, other], common)]
    return emit(shape, common, common_device(tensors), kernel, out=out,
                strides=L.iterator_output_strides(shape, layout), sources=tensors,
                elementwise=True, resize=not read_write)


def _check_where_out(out: Tensor, common: D.dtype, tensors: list[Tensor],
                     shape: tuple[int, ...], read_write: bool) -> None:
    _no_internal_overlap(out)
    for t in tensors:
        _no_partial_overlap(out, t)
    if read_write and out._shape != shape:
        raise RuntimeError(f"output with shape {format_shape(out._shape)} doesn't match the "
                           f"broadcast shape {format_shape(shape)}")
