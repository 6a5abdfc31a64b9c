"""Pointwise arithmetic, reductions and matrix products, with torch's cross-cutting rules.

The rules every pointwise op shares are written once, in ``pointwise``:
- broadcasting (https://docs.pytorch.org/docs/stable/notes/broadcasting.html),
- type promotion and the out=/in-place casting rule
  (https://docs.pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc),
- ``out=`` resizing (with its deprecation warning) and the returned ``out`` object,
- in-place variants that return self and bump the version counter of the alias family,
- ATen's memory-overlap checks on the written-to tensor.
Each op body is then a line of NumPy.
"""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Callable, Sequence
from math import prod
from typing import Any, NamedTuple

import numpy as np

from . import _dtypes as D
from . import _layout as L
from ._autograd import check_no_graph
from ._errors import NotModelled
from ._tensor import Tensor, wrap_dim

Scalar = bool | int | float | complex
Operand = Tensor | Scalar

LEGACY_NAMES = {
    "bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
    "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
    "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
    "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
}

C_NAMES = {
    "bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
    "int32": "int", "int64": "long int", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
    "float32": "float", "float64": "double", "complex64": "c10::complex<float>",
    "complex128": "c10::complex<double>", "uint16": "uint16_t", "uint32": "uint32_t",
    "uint64": "uint64_t",
}


def _fmt(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _is_scalar(x: object) -> bool:
    return isinstance(x, (bool, int, float, complex)) and not isinstance(x, Tensor)


def result_type(*operands: Operand) -> D.dtype:
    """torch.result_type: dimensioned tensors outrank 0-dim tensors, which outrank Python
    scalars; a lower-priority operand only matters when its category is higher."""
    dims: list[D.dtype] = []
    zeros: list[D.dtype] = []
    scalars: list[object] = []
    for o in operands:
        if isinstance(o, Tensor):
            (dims if o.dim() > 0 else zeros).append(o._dtype)
        elif _is_scalar(o):
            scalars.append(o)
        else:
            raise TypeError(f"result_type: unsupported operand {type(o).__name__}")
    return D.result_type_of(dims, zeros, scalars)


def _cast_error(result: D.dtype, target: D.dtype) -> RuntimeError:
    return RuntimeError(f"result type {LEGACY_NAMES[result.name]} can't be cast to the desired "
                        f"output type {LEGACY_NAMES[target.name]}")


INTERNAL_OVERLAP = ("unsupported operation: more than one element of the written-to tensor "
                    "refers to a single memory location. Please clone() the tensor before "
                    "performing the operation.")
PARTIAL_OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to "
                   "tensor refer to a single memory location. Please clone() the tensor before "
                   "performing the operation.")


def assert_no_internal_overlap(t: Tensor) -> None:
    if L.has_internal_overlap(t._shape, t._strides) is True:
        raise RuntimeError(INTERNAL_OVERLAP)


def assert_no_partial_overlap(out: Tensor, inp: Tensor) -> None:
    if out is inp or out._storage is not inp._storage:
        return
    status = L.overlap_status((out._shape, out._strides, out._offset, out.itemsize),
                              (inp._shape, inp._strides, inp._offset, inp.itemsize))
    if status == "partial":
        raise RuntimeError(PARTIAL_OVERLAP)


def assert_no_overlap(out: Tensor, inp: Tensor) -> None:
    """ATen ``assert_no_overlap``: like the partial check, but full overlap raises too."""
    if out._storage is not inp._storage:
        return
    if out is inp:
        raise RuntimeError(PARTIAL_OVERLAP)
    status = L.overlap_status((out._shape, out._strides, out._offset, out.itemsize),
                              (inp._shape, inp._strides, inp._offset, inp.itemsize))
    if status in ("partial", "full"):
        raise RuntimeError(PARTIAL_OVERLAP)


def resize_output(out: Tensor, shape: Sequence[int], strides: Sequence[int] | None = None,
                  *, warnings_: int = 1) -> None:
    """ATen ``resize_output``: warn when a non-empty ``out`` has the wrong shape, then resize it
    in place (growing its storage when needed) and restride it as the op's result."""
    shape = tuple(shape)
    if out._shape == shape:
        return
    for _ in range(warnings_ if out.numel() != 0 else 0):
        warnings.warn(
            f"An output with one or more elements was resized since it had shape "
            f"{_fmt(out._shape)}, which does not match the required output shape {_fmt(shape)}. "
            "This behavior is deprecated, and in a future PyTorch release outputs will not be "
            "resized unless they have zero elements. You can explicitly reuse an out tensor t by "
            "resizing it, inplace, to zero elements with t.resize_(0).", UserWarning,
            stacklevel=3)
    resize_(out, shape)
    if strides is not None:
        out._strides = tuple(strides)


def resize_(t: Tensor, shape: Sequence[int]) -> Tensor:
    """``Tensor.resize_``: contiguous strides, storage grown (never shrunk) to fit."""
    shape = tuple(shape)
    strides = L.contiguous_strides(shape)
    need = (t._offset + prod(shape)) * t.itemsize if prod(shape) else 0
    if need > t._storage.nbytes():
        t._storage.resize_(need)
    t._shape, t._strides = shape, strides
    return t


# ---- the pointwise engine -------------------------------------------------------------------

PROMOTE_DEFAULT = "default"
PROMOTE_INT_TO_FLOAT = "int_to_float"
PROMOTE_ALWAYS_BOOL = "always_bool"
PROMOTE_COMPLEX_TO_FLOAT = "complex_to_float"


def _compute_and_result_dtypes(operands: Sequence[Operand], promotion: str
                               ) -> tuple[D.dtype, D.dtype]:
    common = result_type(*operands)
    if promotion == PROMOTE_INT_TO_FLOAT and common.kind in "biu":
        common = D.get_default_dtype()
    if promotion == PROMOTE_ALWAYS_BOOL:
        return common, D.bool_
    if promotion == PROMOTE_COMPLEX_TO_FLOAT and common.is_complex:
        return common, common.to_real()
    return common, common


def _as_array(o: Operand, compute: D.dtype) -> Any:
    if isinstance(o, Tensor):
        v = o._values()
        return v if v.dtype == compute.compute_np else v.astype(compute.compute_np)
    return np.asarray(o).astype(compute.compute_np)


def pointwise(name: str, fn: Callable[..., Any], operands: Sequence[Operand], *,
              promotion: str = PROMOTE_DEFAULT, out: Tensor | None = None,
              inplace: Tensor | None = None, check: Callable[[D.dtype], None] | None = None,
              precheck: Callable[[D.dtype], None] | None = None,
              exact_out: bool = False, strides: Sequence[int] | None = None,
              cast_through_temporary: bool = True) -> Tensor:
    """Run one TensorIterator-style op: ``fn`` maps NumPy arrays (already in the computation
    dtype) to the result values. ``inplace`` is self for ``op_``; ``out`` is the out tensor.
    ``strides`` overrides the iterator's layout for a fresh result (ops that allocate it
    themselves with empty_like). ``precheck`` is an op's meta-function check, which torch runs
    before the iterator's overlap and shape checks; ``check`` runs after them."""
    tensors = [o for o in operands if isinstance(o, Tensor)]
    target = inplace if inplace is not None else out
    check_no_graph(name, *tensors, *([target] if target is not None else []))
    check_same_device(tensors if target is None or any(t is target for t in tensors)
                      else [target, *tensors])
    compute, result = _compute_and_result_dtypes(operands, promotion)
    refuse_barebones(name, compute, *tensors)
    if precheck is not None:
        precheck(compute)
    if target is not None:
        assert_no_internal_overlap(target)
        for t in tensors:
            assert_no_partial_overlap(target, t)
    shape = L.broadcast_shapes(*[t._shape for t in tensors])
    read_write = target is not None and any(t is target for t in tensors)
    if target is not None and (inplace is not None or read_write) and target._shape != shape:
        raise RuntimeError(f"output with shape {_fmt(target._shape)} doesn't match the broadcast "
                           f"shape {_fmt(shape)}")
    if check is not None:
        check(compute)
    if target is not None and exact_out and result is not target._dtype:
        # Unary ops built with check_all_same_dtype: out must have the input's dtype.
        raise RuntimeError(f"Found dtype {LEGACY_NAMES[target._dtype.name]} but expected "
                           f"{LEGACY_NAMES[result.name]}")
    if target is not None and not D.can_cast(result, target._dtype):
        raise _cast_error(result, target._dtype)
    layout = iterator_operands(operands, compute)
    if strides is None and tensors:
        strides = L.iterator_output_strides(shape, layout)
    # Note: when out's dtype is not the computation dtype, TensorIterator computes into a
    # temporary and resizes the original out as well: a non-empty out then warns twice.
    casts = target is not None and target._dtype is not result and \
        promotion != PROMOTE_ALWAYS_BOOL and cast_through_temporary
    return emit(shape, result, common_device(tensors),
                lambda: _evaluate(fn, operands, compute, tensors), out=target, strides=strides,
                resize=out is not None and not read_write, resize_warnings=2 if casts else 1,
                sources=tensors, elementwise=True)


def refuse_barebones(name: str, *dtypes_or_tensors: Any) -> None:
    """Kernels for uint16/32/64 exist for some ops and not others, by op and device: the model
    does not guess (see ``_dtypes.BAREBONES_UNSIGNED``)."""
    for x in dtypes_or_tensors:
        dt = x._dtype if isinstance(x, Tensor) else x
        if dt in D.BAREBONES_UNSIGNED:
            raise NotModelled(f"{name} on {dt} (kernels for uint16/32/64 vary by op)")


def common_device(tensors: Sequence[Tensor]) -> Any:
    """The device an op's result lives on. TensorIterator takes the first device that is not
    the CPU among its operands (outputs included), else the CPU; with meta tensors (meta
    functions) the first operand that is not a CPU 0-dim tensor decides."""
    if any(t.device.type == "meta" for t in tensors):
        for t in tensors:
            if not (t.dim() == 0 and t.device.type == "cpu"):
                return t.device
    for t in tensors:
        if t.device.type != "cpu":
            return t.device
    return tensors[0].device if tensors else _cpu()


def check_same_device(tensors: Sequence[Tensor], *, iterator: bool = True) -> None:
    """Every operand on one device. TensorIterator ops (``iterator``) accept CPU 0-dim tensors
    beside any device; other kernels check each argument against the first.

    Meta tensors dispatch to meta functions, whose message is their own; CPU with CUDA
    dispatches to the CUDA kernel: "Expected all tensors to be on the same device, but found
    at least two devices, cuda:0 and cpu!" from TensorIterator, "... but got mat2 is on cpu,
    different from other tensors on cuda:0 (when checking argument in method wrapper_CUDA_mm)"
    from a kernel's argument check (both seen on an H200, torch 2.11)."""
    def scalar(t: Tensor) -> bool:
        return iterator and t.dim() == 0 and t.device.type == "cpu"
    devices = [t.device for t in tensors if not scalar(t)]
    if not devices:
        return
    expected = common_device(tensors) if iterator else devices[0]
    for t in tensors:
        if t.device != expected and not scalar(t):
            if "meta" in (t.device.type, expected.type):
                raise RuntimeError(f"Tensor on device {t.device} is not on the expected device "
                                   f"{expected}!")
            if iterator:
                raise RuntimeError("Expected all tensors to be on the same device, but found "
                                   f"at least two devices, {expected} and {t.device}!")
            raise RuntimeError("Expected all tensors to be on the same device, but got")


def iterator_operands(operands: Sequence[Operand], compute: D.dtype
                      ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The (size, stride) of each operand as TensorIterator lays out the output from them.

    Python scalars are 0-dim operands too (they defeat the all-same-shape fast path). On CPU an
    input of another dtype than the computation dtype is first converted with
    ``.to(common_dtype)`` (ATen compute_types), a preserve_format copy: dense, whatever the
    input's strides (an expanded input no longer has stride 0)."""
    out: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for o in operands:
        if not isinstance(o, Tensor):
            out.append(((), ()))
        elif o._dtype is not compute and o.device.type == "cpu":
            out.append((o._shape, L.preserve_format_strides(o._shape, o._strides)))
        else:
            out.append((o._shape, o._strides))
    return out


def _cpu() -> Any:
    from ._device import CPU
    return CPU


class Unspecified(NamedTuple):
    """What a kernel returns when the documentation leaves some of its result elements open:
    the values, and the mask of those elements (they are not compared)."""

    values: Any
    mask: Any


def emit(shape: Sequence[int], dt: D.dtype, device: Any, kernel: Callable[[], Any], *,
         out: Tensor | None = None, strides: Sequence[int] | None = None,
         resize: bool = True, resize_warnings: int = 1, sources: Sequence[Tensor] = (),
         elementwise: bool = False) -> Tensor:
    """The tail every op shares once its checks passed: allocate the result (or resize
    ``out``), run the kernel, write its values, bump ``out``'s version. Kernel-level errors (a
    dtype with no kernel, an index out of range, integer division by zero) therefore come after
    ``out`` was resized, as in torch. The kernel returns None when there is no data (meta).
    Values computed from unspecified inputs (``sources``) stay unspecified: element by element
    for ``elementwise`` ops, the whole result otherwise."""
    if out is None:
        res = Tensor._empty(shape, dt, device, strides)
    else:
        if resize:
            resize_output(out, shape, strides, warnings_=resize_warnings)
        res = out
    taint = propagated_taint(tuple(res._shape), sources, elementwise)
    if out is not None and any(_ambiguous_overlap(out, s) for s in sources):
        # Note: ATen checks overlap only for dense layouts; when out and an input share memory
        # in a layout too hard to check, the result depends on the kernel's iteration order.
        taint = np.ones(tuple(res._shape), dtype=np.bool_)
    values = kernel()
    if isinstance(values, Unspecified):
        left_open = np.broadcast_to(values.mask, tuple(res._shape))
        taint = left_open if taint is None else (taint | left_open)
        values = values.values
    if values is not None and dt.is_complex:
        # Note: the docs leave complex inf/nan propagation unspecified (torch follows C++
        # std::complex, NumPy its own rules), so non-finite complex results are not facts.
        special = ~np.isfinite(np.broadcast_to(values, tuple(res._shape)))
        if special.any():
            taint = special if taint is None else (taint | special)
    if values is not None:
        if res._dtype is not dt:
            # The op computes in its result dtype; only then is the value cast to out's dtype.
            values = D.from_storage(D.to_storage(values, dt), dt)
        res._write(values)
        if taint is not None:
            res._taint(taint)
    if out is not None:
        out._vc.bump()
    return res

def _ambiguous_overlap(out: Tensor, inp: Tensor) -> bool:
    if out is inp or out._storage is not inp._storage:
        return False
    status = L.overlap_status((out._shape, out._strides, out._offset, out.itemsize),
                              (inp._shape, inp._strides, inp._offset, inp.itemsize))
    return status == "too_hard"


def propagated_taint(shape: tuple[int, ...], sources: Sequence[Tensor], elementwise: bool
                     ) -> np.ndarray | None:
    """Which result elements derive from unspecified input elements (None when none do)."""
    masks = [s._unspecified_mask() for s in sources if s._storage.has_data()]
    masks = [m for m in masks if m.any()]
    if not masks:
        return None
    if not elementwise:
        return np.ones(shape, dtype=np.bool_)
    return np.logical_or.reduce([np.broadcast_to(m, shape) for m in masks])


def _evaluate(fn: Callable[..., Any], operands: Sequence[Operand], compute: D.dtype,
              tensors: Sequence[Tensor]) -> Any:
    """The op's values in its computation dtype, or None when a tensor has no data."""
    if any(not t._storage.has_data() for t in tensors):
        return None
    args = [_as_array(o, compute) for o in operands]
    with np.errstate(all="ignore"):
        return fn(*args)


# ---- op bodies ----------------------------------------------------------------------------

def _no_bool(msg: str) -> Callable[[D.dtype], None]:
    def check(compute: D.dtype) -> None:
        if compute is D.bool_:
            raise RuntimeError(msg)
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


def add(input: Operand, other: Operand, *, alpha: Scalar = 1, out: Tensor | None = None,
        _inplace: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.add.html
    "Adds other, scaled by alpha, to input." Supports broadcasting and type promotion."""
    def fn(a: Any, b: Any) -> Any:
        if a.dtype == np.bool_:
            return np.logical_or(a, np.logical_and(b, bool(alpha)))
        return a + b * _as_dtype(alpha, a) if alpha != 1 else a + b
    return pointwise("add", fn, [input, other], out=out, inplace=_inplace,
                     check=_alpha_check(alpha))


def sub(input: Operand, other: Operand, *, alpha: Scalar = 1, out: Tensor | None = None,
        _inplace: Tensor | None = None) -> Tensor:
    kinds = [o._dtype if isinstance(o, Tensor) else D.scalar_dtype(o) for o in (input, other)]
    if kinds[0] is D.bool_ and kinds[1] is D.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if D.bool_ in kinds:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return pointwise(
        "sub", lambda a, b: a - b * _as_dtype(alpha, a) if alpha != 1 else a - b, [input, other],
        out=out,
        inplace=_inplace, check=_alpha_check(alpha))


def mul(input: Operand, other: Operand, *, out: Tensor | None = None,
        _inplace: Tensor | None = None) -> Tensor:
    def fn(a: Any, b: Any) -> Any:
        return np.logical_and(a, b) if a.dtype == np.bool_ else a * b
    return pointwise("mul", fn, [input, other], out=out, inplace=_inplace)


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


def div(input: Operand, other: Operand, *, rounding_mode: str | None = None,
        out: Tensor | None = None, _inplace: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.div.html
    True division promotes integers to the default float dtype; "trunc" and "floor" keep
    integer inputs integral."""
    if rounding_mode is None:
        return pointwise("div", lambda a, b: a / b, [input, other],
                         promotion=PROMOTE_INT_TO_FLOAT, out=out, inplace=_inplace)
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                         f"found '{rounding_mode}'")

    cuda = any(isinstance(o, Tensor) and o.device.type == "cuda" for o in (input, other))

    def fn(a: Any, b: Any) -> Any:
        if a.dtype == np.bool_ or a.dtype.kind == "c":
            dt = D.bool_ if a.dtype == np.bool_ else (
                D.complex64 if a.dtype == np.complex64 else D.complex128)
            raise NotImplementedError(not_implemented(f"div_{rounding_mode}", dt))
        if a.dtype.kind in "iu":
            return _int_div(a, b, rounding_mode, checks_zero=not cuda)
        if rounding_mode == "trunc":
            return np.trunc(a / b)
        return np.floor_divide(a, b)
    return pointwise("div", fn, [input, other], out=out, inplace=_inplace)


def not_implemented(kernel: str, dt: D.dtype) -> str:
    """The documented part of the message of a kernel that has no instance for a dtype: its
    key phrase and the dtype. The kernel's name (``"div_floor_cpu"``, ``"div_floor_cuda"``,
    ``"ufunc_add_CUDA"``) is an implementation detail that differs by device and release;
    ``kernel`` documents which one the model means."""
    return f"not implemented for '{LEGACY_NAMES[dt.name]}'"


def neg(input: Tensor, *, out: Tensor | None = None, _inplace: Tensor | None = None) -> Tensor:
    return pointwise(
        "neg", lambda a: -a, [input], out=out, inplace=_inplace, exact_out=True,
        precheck=_no_bool("Negation, the `-` operator, on a bool tensor is not supported. If you "
                       "are trying to invert a mask, use the `~` or `logical_not()` operator "
                       "instead."))


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
    return pointwise("pow", lambda a, b: a ** b, [input, exponent], out=out, inplace=_inplace,
                     precheck=check, strides=None if isinstance(exponent, Tensor)
                     else unary_layout(input))


def unary_layout(input: Tensor) -> tuple[int, ...]:
    """Ops with Python-scalar arguments that ATen builds as unary ops (pow(Tensor, Scalar),
    clamp(Tensor, Scalar, Scalar)): the scalars are not iterator operands, so the result's
    layout follows the input alone (its fast path included)."""
    return L.iterator_output_strides(input._shape, [(input._shape, input._strides)])


def _unary_float(name: str, fn: Callable[[Any], Any]) -> Callable[..., Tensor]:
    def op(input: Tensor, *, out: Tensor | None = None, _inplace: Tensor | None = None
           ) -> Tensor:
        return pointwise(name, fn, [input], promotion=PROMOTE_INT_TO_FLOAT, out=out,
                         inplace=_inplace)
    op.__name__ = name
    op.__doc__ = (f"torch.{name}: integer and bool inputs compute in the default float dtype "
                  "(https://docs.pytorch.org/docs/stable/tensor_attributes.html).")
    return op


def _correctly_rounded(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Evaluate in double precision, then round to the computation dtype: torch's kernels are
    within an ulp of the correctly rounded result, NumPy's single-precision ones sometimes are
    not, and a float32 result written to a float64 out keeps that ulp."""
    def wide(a: Any) -> Any:
        wider = np.complex128 if a.dtype.kind == "c" else np.float64
        return fn(a.astype(wider)).astype(a.dtype)
    return wide


exp = _unary_float("exp", _correctly_rounded(np.exp))
reciprocal = _unary_float("reciprocal", lambda a: np.divide(1, a, dtype=a.dtype))
log = _unary_float("log", _correctly_rounded(np.log))
sqrt = _unary_float("sqrt", _correctly_rounded(np.sqrt))


def abs(input: Tensor, *, out: Tensor | None = None,  # noqa: A001
        _inplace: Tensor | None = None) -> Tensor:
    if _inplace is not None and _inplace._dtype.is_complex:
        raise RuntimeError("In-place abs is not supported for complex tensors.")

    def fn(a: Any) -> Any:
        if a.dtype == np.bool_:
            raise NotImplementedError(not_implemented("abs", D.bool_))
        return np.abs(a)
    # Note: ATen's unary_op_impl_with_complex_to_float_out: a complex input with a real out is
    # cast-checked from the real dtype; with a complex out (or a real input) out's dtype must
    # equal the input's.
    real_out = input._dtype.is_complex and out is not None and not out._dtype.is_complex
    complex_out = input._dtype.is_complex and out is not None and out._dtype.is_complex
    def precheck(compute: D.dtype) -> None:
        # The complex-to-real out= path checks the cast before any iterator is built.
        if real_out and out is not None and not D.can_cast(compute.to_real(), out._dtype):
            raise _cast_error(compute.to_real(), out._dtype)

    # A fresh result for a complex input is allocated by empty_like (preserve_format).
    fresh = input._dtype.is_complex and out is None and _inplace is None
    return pointwise("abs", fn, [input],
                     promotion=PROMOTE_DEFAULT if complex_out else PROMOTE_COMPLEX_TO_FLOAT,
                     out=out, inplace=_inplace, exact_out=not real_out, precheck=precheck,
                     # complex -> real out: one resize of out, then copy_ of the real part
                     cast_through_temporary=False,
                     strides=L.preserve_format_strides(input._shape, input._strides)
                     if fresh else None)


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
            raise NotImplementedError("clamp is not supported for complex types")
        self_target = _inplace if _inplace is not None else (out if out is input else None)
        if self_target is not None and compute is not self_target._dtype:
            # Note: clamp's own check (in place, or out= self) prints the target with its C++
            # type name.
            raise RuntimeError(f"result type {LEGACY_NAMES[compute.name]} can't be cast to the "
                               f"desired output type {C_NAMES[self_target._dtype.name]}")
    scalar_bounds = not any(isinstance(b, Tensor) for b in bounds)
    source = input
    if scalar_bounds and _inplace is None and out is not input:
        wanted = result_type(input, *bounds)
        if not input._dtype.is_floating_point and wanted is not input._dtype:
            # ATen's clamp meta builds its unary op on self.to(result_type): a fresh copy,
            # which neither overlaps out nor keeps self's layout.
            source = converted(input, wanted)
    return pointwise("clamp", fn, [source, *bounds], out=out, inplace=_inplace, precheck=check,
                     exact_out=True, strides=unary_layout(source) if scalar_bounds else None)


def converted(t: Tensor, dt: D.dtype, device: Any = None) -> Tensor:
    """``t.to(dt)`` (and ``t.to(device, dt)``): a preserve_format copy with the values cast."""
    res = Tensor._empty(t._shape, dt, t.device if device is None else device,
                        L.preserve_format_strides(t._shape, t._strides))
    if t._storage.has_data() and res._storage.has_data():
        res._write(D.from_storage(D.to_storage(t._values(), dt), dt))
        res._taint(t._unspecified_mask())
    return res


clip = clamp


def _comparison(name: str, fn: Callable[[Any, Any], Any]) -> Callable[..., Tensor]:
    def op(input: Operand, other: Operand, *, out: Tensor | None = None,
           _inplace: Tensor | None = None) -> Tensor:
        def kernel(a: Any, b: Any) -> Any:
            if a.dtype.kind == "c" and name not in ("eq", "ne"):
                dt = D.complex64 if a.dtype == np.complex64 else D.complex128
                raise NotImplementedError(not_implemented(name, dt))
            return fn(a, b)
        promotion = PROMOTE_DEFAULT if _inplace is not None else PROMOTE_ALWAYS_BOOL
        return pointwise(name, kernel, [input, other], promotion=promotion, out=out,
                         inplace=_inplace)
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
        got = condition._dtype.name if isinstance(condition, Tensor) else "?"
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {LEGACY_NAMES.get(got, got)}")
    if out is not None:
        for pos, (arg, value) in enumerate((("input", input), ("other", other)), start=2):
            if not isinstance(value, Tensor):
                # where's out= overload takes tensors only.
                raise TypeError(f"where(): argument '{arg}' (position {pos}) must be Tensor, "
                                f"not {type(value).__name__}")
    common = result_type(input, other)
    tensors = [o for o in (condition, input, other) if isinstance(o, Tensor)]
    check_no_graph("where", *tensors)
    check_same_device([*([out] if out is not None else []), *tensors])
    shape = L.broadcast_shapes(*[t._shape for t in tensors])
    read_write = out is not None and any(t is out for t in tensors)
    if out is not None:
        if common is not out._dtype:
            # where's out= takes no casting at all.
            raise RuntimeError(f"Expected out type to be {LEGACY_NAMES[common.name]} but got "
                               f"{LEGACY_NAMES[out._dtype.name]}")
        assert_no_internal_overlap(out)
        for t in tensors:
            assert_no_partial_overlap(out, t)
        if read_write and out._shape != shape:
            raise RuntimeError(f"output with shape {_fmt(out._shape)} doesn't match the "
                               f"broadcast shape {_fmt(shape)}")

    def kernel() -> Any:
        if any(not t._storage.has_data() for t in tensors):
            return None
        return np.where(condition._values(), _as_array(input, common), _as_array(other, common))
    layout = [(condition._shape, condition._strides), *iterator_operands([input, other], common)]
    return emit(shape, common, common_device(tensors), kernel, out=out,
                strides=L.iterator_output_strides(shape, layout), sources=tensors,
                elementwise=True, resize=not read_write)


# ---- in-place helpers that are not pointwise ops --------------------------------------------

def fill_(self: Tensor, value: Operand) -> Tensor:
    """``fill_`` of a Python scalar writes every element, with no overlap check: on an expanded
    tensor it writes the shared locations (BCAST-07 in the claim catalogue). ATen's
    ``fill_(Tensor)`` takes a 0-dim tensor on another device as its ``item()`` (the same path),
    and one on self's device through ``copy_``, whose overlap check refuses an expanded self
    (seen on torch 2.13's CPU and on an H200, torch 2.11, where ``x[...] = 7`` makes the 7 a
    CPU tensor)."""
    check_no_graph("fill_", self)
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.dim()} dimensions.")
        if value.device == self.device:
            assert_no_internal_overlap(self)
        value = value.item()
    check_scalar_fits(value, self._dtype)
    if self._storage.has_data():
        self._write(np.asarray(value).astype(_compute_np_for(self._dtype, value)))
    self._vc.bump()
    return self


def _compute_np_for(dt: D.dtype, value: Any) -> Any:
    if dt.is_complex or isinstance(value, complex):
        return np.complex128
    if dt.kind in "iu" and isinstance(value, float):
        return np.float64
    return dt.compute_np


CTYPE = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int32_t",
         "int64": "int64_t", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}


def check_scalar_fits(value: Any, dt: D.dtype) -> None:
    """c10 ``checked_convert``: a Python scalar written into a tensor must fit its dtype."""
    if isinstance(value, (bool, complex)) or dt.name not in CTYPE:
        return
    if dt.kind in "iu":
        info = np.iinfo(dt.storage_np)
        ok = info.min <= value <= info.max
    else:
        limit = 65504.0 if dt is D.float16 else 3.3895313892515355e38
        # Note: this module defines torch's abs; the builtin is spelled out.
        magnitude = builtins.abs(value)
        ok = not (magnitude > limit and magnitude != float("inf"))
    if not ok:
        raise RuntimeError(f"value cannot be converted to type {CTYPE[dt.name]} without "
                           "overflow")


def zero_(self: Tensor) -> Tensor:
    return fill_(self, 0)


def copy_(self: Tensor, src: Operand, non_blocking: bool = False) -> Tensor:
    """``Tensor.copy_``: ``src`` broadcast to self's shape, cast to self's dtype."""
    check_no_graph("copy_", self, src)
    if not isinstance(src, Tensor):
        raise TypeError("copy_(): argument 'src' (position 1) must be Tensor, not "
                        f"{type(src).__name__}")
    if src is self:
        # ATen returns early when src is self; the in-place call still bumps the version.
        self._vc.bump()
        return self
    assert_no_internal_overlap(self)
    assert_no_partial_overlap(self, src)
    shape = L.broadcast_shapes(self._shape, src._shape)
    if shape != self._shape:
        raise RuntimeError(_broadcast_message(self._shape, src._shape))
    if src._dtype.is_complex and not self._dtype.is_complex:
        # Note: torch warns once per process (TORCH_WARN_ONCE), which a model cannot know.
        raise NotModelled("copy_ from complex to real (its warning fires once per process)")
    if self._storage.has_data() and src._storage.has_data():
        taint = propagated_taint(self._shape, [src], elementwise=True)
        self._write(src._values())
        if taint is not None:
            self._taint(taint)
    self._vc.bump()
    return self


def _broadcast_message(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    try:
        L.broadcast_shapes(a, b)
    except RuntimeError as e:
        return str(e)
    return f"output with shape {_fmt(a)} doesn't match the broadcast shape " \
           f"{_fmt(L.broadcast_shapes(a, b))}"


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.clone.html
    "Returns a copy of input." With preserve_format, dense inputs keep their strides."""
    from ._creation import contiguous_format, preserve_format
    check_no_graph("clone", input)
    if memory_format is None or memory_format is preserve_format:
        strides = L.preserve_format_strides(input._shape, input._strides)
    elif memory_format is contiguous_format:
        strides = L.contiguous_strides(input._shape)
    else:
        raise NotModelled(f"clone(memory_format={memory_format!r})")
    res = Tensor._empty(input._shape, input._dtype, input.device, strides)
    if input._storage.has_data():
        res._write(input._values())
        res._taint(input._unspecified_mask())
    return res


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.contiguous.html
    "If self tensor is already in the specified memory format, this function returns the
    self tensor." """
    from ._creation import contiguous_format
    if memory_format not in (None, contiguous_format):
        raise NotModelled(f"contiguous(memory_format={memory_format!r})")
    if self.is_contiguous():
        return self
    return clone(self, memory_format=contiguous_format)


# ---- reductions -----------------------------------------------------------------------------

def _reduce_dims(t: Tensor, dim: Any) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(t.dim()))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    wrapped = tuple(wrap_dim(d, t.dim()) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"dim {wrapped[0]} appears multiple times in the list of dims")
    return wrapped if wrapped else tuple(range(t.dim()))


def _reduction(name: str, input: Tensor, dim: Any, keepdim: bool, result: D.dtype,
               fn: Callable[[Any, tuple[int, ...]], Any], out: Tensor | None) -> Tensor:
    check_no_graph(name, input)
    refuse_barebones(name, input, result)
    dims = _reduce_dims(input, dim)
    shape = tuple((1 if d in dims else s) for d, s in enumerate(input._shape)
                  if keepdim or d not in dims)
    if out is not None and not D.can_cast(result, out._dtype):
        raise _cast_error(result, out._dtype)
    if input._dtype.is_complex and not result.is_complex:
        raise NotModelled(f"{name} of a complex input into a real dtype (its cast warns once "
                          "per process)")

    def kernel() -> Any:
        if not input._storage.has_data():
            return None
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's "Mean of empty slice"
            values = fn(input._values().astype(result.compute_np), dims)
        return np.reshape(values, shape)
    return emit(shape, result, input.device, kernel, out=out, sources=[input])


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *,  # noqa: A001
        dtype: D.dtype | None = None, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.sum.html
    Integer and bool inputs sum in int64."""
    if out is not None and dim is None:
        raise TypeError("sum() received an invalid combination of arguments - got (Tensor, "
                        "out=Tensor)")
    # Note: with out= and no dtype, ATen sums in out's dtype (infer_dtype_from_optional).
    result = dtype or (out._dtype if out is not None else None) or (
        D.int64 if input._dtype.kind in "biu" else input._dtype)
    return _reduction("sum", input, dim, keepdim, result,
                      lambda v, dims: np.sum(v, axis=dims), out)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *,
         dtype: D.dtype | None = None, out: Tensor | None = None) -> Tensor:
    result = dtype or input._dtype
    if result.kind in "biu":
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {LEGACY_NAMES[result.name]}")
    return _reduction("mean", input, dim, keepdim, result,
                      lambda v, dims: np.mean(v, axis=dims), out)


def _extremum(name: str, np_fn: Callable[..., Any]) -> Callable[..., Tensor]:
    def op(input: Tensor, dim: Any = (), keepdim: bool = False, *,
           out: Tensor | None = None) -> Tensor:
        dims = _reduce_dims(input, dim if dim != () else None)
        if input.numel() == 0:
            if dim == () or dim is None:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                                   "input.numel() == 0. Specify the reduction dim with the "
                                   "'dim' argument.")
            given = (dim,) if isinstance(dim, int) else tuple(dim)
            for d, shown in zip(dims, given):
                if input._shape[d] == 0:
                    # Note: the message names the dim as the caller wrote it (-1 stays -1).
                    raise IndexError(f"{name}(): Expected reduction dim {shown} to have "
                                     "non-zero size.")
        out_numel = prod(s for i, s in enumerate(input._shape) if i not in dims)
        if input._dtype.is_complex and out_numel:  # the kernel never runs for empty results
            kernel = {"amax": "max_values", "amin": "min_values"}[name]
            raise NotImplementedError(not_implemented(kernel, input._dtype))
        return _reduction(name, input, dims, keepdim, input._dtype,
                          lambda v, ds: np_fn(v, axis=ds) if v.size else
                          np.zeros(tuple(s for i, s in enumerate(v.shape) if i not in ds),
                                   v.dtype), out)
    op.__name__ = name
    return op


amax = _extremum("amax", np.max)
amin = _extremum("amin", np.min)


# ---- matrix products --------------------------------------------------------------------------

def _dtype_pair_check(a: Tensor, b: Tensor) -> None:
    if a._dtype is not b._dtype:
        # The operands' names differ by kernel ("m1 and m2" on the CPU, "mat1 and mat2" in
        # the CUDA kernel): the phrase from "to have" on is what both say.
        raise RuntimeError("to have the same dtype, but got: "
                           f"{C_NAMES[a._dtype.name]} != {C_NAMES[b._dtype.name]}")


def _product(name: str, a: Tensor, b: Tensor, shape: tuple[int, ...], out: Tensor | None,
             fn: Callable[[Any, Any], Any]) -> Tensor:
    check_no_graph(name, a, b)
    check_same_device([a, b, *([out] if out is not None else [])], iterator=False)
    refuse_barebones(name, a, b)
    if out is not None:
        if out._dtype is not a._dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {C_NAMES[a._dtype.name]}, "
                               f"but got {C_NAMES[out._dtype.name]} instead")
        assert_no_internal_overlap(out)

    def kernel() -> Any:
        runs = all(s != 0 for s in shape) and a.numel() and b.numel()
        # Note: dot dispatches on dtype before looking at sizes; the others run no kernel
        # for empty operands.
        # Note: the CPU kernels have no bool instance; cuBLAS has no integer products either
        # (on CUDA every integer dtype raises as bool does: seen on an H200, torch 2.11).
        no_kernel = a._dtype is D.bool_ or (a.device.type == "cuda" and a._dtype.kind in "iu")
        if no_kernel and (runs or _bool_kernel(name, a.dim(), b.dim()) == "dot"):
            raise NotImplementedError(not_implemented(_bool_kernel(name, a.dim(), b.dim()),
                                                      a._dtype))
        if not (a._storage.has_data() and b._storage.has_data()):
            return None
        with np.errstate(all="ignore"):
            return fn(a._values(), b._values())
    return emit(shape, a._dtype, a.device, kernel, out=out, sources=[a, b])


def _bool_kernel(name: str, da: int, db: int) -> str:
    """The CPU kernel a product of bool tensors reaches (none has a bool instance); on CUDA
    they are "baddbmm_cuda", "dot", "addmv_impl_cuda" and "addmm_cuda"."""
    if name == "bmm" or (name == "matmul" and db >= 3):
        return "bmm"
    if name == "matmul" and da == 1 and db == 1:
        return "dot"
    if name == "matmul" and db == 1:
        return "addmv_impl_cpu"
    return "addmm_impl_cpu_"


def _addmv_dtype_message(mat: Tensor, vec: Tensor) -> str:
    v, m = LEGACY_NAMES[vec._dtype.name], LEGACY_NAMES[mat._dtype.name]
    return f"addmv input tensors must have the same dtype, but got {v}, {m}, and {v}"


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.mm.html
    "This function does not broadcast." Both operands are matrices of one dtype."""
    if input.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input._shape[1] != mat2._shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input._shape[0]}x"
                           f"{input._shape[1]} and {mat2._shape[0]}x{mat2._shape[1]})")
    _dtype_pair_check(input, mat2)
    return _product("mm", input, mat2, (input._shape[0], mat2._shape[1]), out, np.matmul)


def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.bmm.html
    "This function does not broadcast." """
    if input.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    bs, n, m = input._shape
    if mat2._shape[:2] != (bs, m):
        raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{bs}, {m}] but got: [{mat2._shape[0]}, {mat2._shape[1]}].")
    if input._dtype is not mat2._dtype:
        raise RuntimeError(f"expected scalar type {LEGACY_NAMES[input._dtype.name]} but found "
                           f"{LEGACY_NAMES[mat2._dtype.name]}")
    return _product("bmm", input, mat2, (bs, n, mat2._shape[2]), out, np.matmul)


def _matmul_folds(input: Tensor, other: Tensor, out: Tensor | None) -> bool:
    """Whether matmul of a batch (3 or more dims) by a matrix or vector folds the batch into
    rows: when other requires grad (without out=), when input is empty, or when its leading dims
    view as rows without a copy (each stride is the next one times the next size)."""
    if other.requires_grad and out is None:
        return True
    if input.numel() == 0:
        return True
    shape, strides = input._shape, input._strides
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(len(shape) - 2))


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.matmul.html
    Dispatches on dimensionality (dot, mv, mm, batched with broadcasting)."""
    da, db = input.dim(), other.dim()
    if da == 0 or db == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{da}D and {db}D")
    if da == 1 and db == 1:
        # dot checks the dtypes before the sizes.
        if input._dtype is not other._dtype:
            raise RuntimeError("dot : expected both vectors to have same dtype, but found "
                               f"{LEGACY_NAMES[input._dtype.name]} and "
                               f"{LEGACY_NAMES[other._dtype.name]}")
        if input._shape != other._shape:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{input._shape[0]}] and src "
                f"[{other._shape[0]}] to have the same number of elements, but got "
                f"{input._shape[0]} and {other._shape[0]} elements respectively")
        return _product("matmul", input, other, (), out, np.matmul)
    if da >= 3 and db <= 2 and not _matmul_folds(input, other, out):
        # Note: ATen folds input's batch dims into the rows of one mm or mv only when that
        # needs no copy (should_fold in aten/src/ATen/native/LinearAlgebra.cpp; observed on
        # torch 2.13: a strided batch by a matrix raises bmm's size and dtype errors);
        # otherwise it expands other and calls bmm, whose checks and messages are bmm's.
        b, k = prod(input._shape[:-2]), input._shape[-1]
        m2 = other._shape[0] if db == 1 else other._shape[-2]
        if k != m2:
            raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{b}, {k}] but got: [{b}, {m2}].")
        if input._dtype is not other._dtype:
            raise RuntimeError(f"expected scalar type {LEGACY_NAMES[input._dtype.name]} but "
                               f"found {LEGACY_NAMES[other._dtype.name]}")
    if da >= 2 and db == 1:
        # matmul folds the batch dims into the rows of one matrix-vector product.
        rows, k = prod(input._shape[:-1]), input._shape[-1]
        if k != other._shape[0]:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec "
                               f"({other._shape[0]})")
        if input._dtype is not other._dtype:
            raise RuntimeError(_addmv_dtype_message(input, other))
        return _product("matmul", input, other, input._shape[:-1], out, np.matmul)
    if db >= 3:
        # Batched: the batch dims broadcast first, then bmm checks the flattened batches.
        batch_dims = L.broadcast_shapes(input._shape[:-2], other._shape[:-2])
        if input._shape[-1] != other._shape[-2]:
            b = prod(batch_dims)
            raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{b}, {input._shape[-1]}] but got: [{b}, {other._shape[-2]}].")
    if db >= 2 and input._shape[-1] != other._shape[-2]:
        rows = prod(input._shape[:-1])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x"
                           f"{input._shape[-1]} and {other._shape[-2]}x{other._shape[-1]})")
    if da >= 3 and db >= 3:
        batch = L.broadcast_shapes(input._shape[:-2], other._shape[:-2])
    else:
        batch = None
    if input._dtype is not other._dtype:
        # Which kernel matmul folds into decides the message.
        if db == 1:
            raise RuntimeError(_addmv_dtype_message(input, other))
        if db >= 3:
            raise RuntimeError(f"expected scalar type {LEGACY_NAMES[input._dtype.name]} but "
                               f"found {LEGACY_NAMES[other._dtype.name]}")
        _dtype_pair_check(input, other)
    a_shape = input._shape if da > 1 else (1,) + input._shape
    b_shape = other._shape if db > 1 else other._shape + (1,)
    batch = L.broadcast_shapes(a_shape[:-2], b_shape[:-2]) if batch is None else batch
    shape = batch + ((a_shape[-2],) if da > 1 else ()) + ((b_shape[-1],) if db > 1 else ())
    res = _product("matmul", input, other, shape, out, np.matmul)
    if da == 1 and db == 2 and out is None:
        # Note: ATen computes vector @ matrix as mm(a.unsqueeze(0), b).squeeze_(0); the in-place
        # squeeze_ leaves the fresh result at version 1 (observed on torch 2.13).
        res._vc.bump()
    return res
