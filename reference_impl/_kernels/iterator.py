"""TensorIterator's rules, written once for every op that writes a result.

- broadcasting (https://docs.pytorch.org/docs/stable/notes/broadcasting.html),
- type promotion and the out=/in-place casting rule
  (https://docs.pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc),
- ``out=`` resizing (with its deprecation warning) and the returned ``out`` object,
- in-place variants that return self and bump the version counter of the alias family,
- ATen's memory-overlap checks on the written-to tensor,
- the common device of the operands.

A pointwise op declares itself once as a ``Pointwise`` spec (its name, how it promotes, its
out= rules); its body is then a line of NumPy.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from math import prod
from typing import Any, NamedTuple

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.device import CPU, device
from .._core.errors import NotModelled, warn_once
from .._core.layout import MemOverlap, MemOverlapStatus, format_shape
from .._core.release import dtype_error
from .._core.tensor import Tensor

Scalar = bool | int | float | complex
Operand = Tensor | Scalar


def is_scalar(x: object) -> bool:
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
        elif is_scalar(o):
            scalars.append(o)
        elif getattr(type(o), "is_sparse", False) is True:
            raise NotModelled("an operation with a sparse operand")
        else:
            raise TypeError(f"result_type: unsupported operand {type(o).__name__}")
    return D.result_type_of(dims, zeros, scalars)


def cast_error(result: D.dtype, target: D.dtype) -> RuntimeError:
    return RuntimeError(f"result type {result.scalar_type} can't be cast to the desired "
                        f"output type {target.scalar_type}")


def not_implemented(kernel: str, dt: D.dtype) -> str:
    """The documented part of the message of a kernel that has no instance for a dtype: its
    key phrase and the dtype. The kernel's name (``"div_floor_cpu"``, ``"div_floor_cuda"``,
    ``"ufunc_add_CUDA"``) is an implementation detail that differs by device and release;
    ``kernel`` documents which one the model means."""
    return f"not implemented for '{dt.scalar_type}'"


def missing_kernel(kernel: str, dt: D.dtype) -> Exception:
    """The error of an op with no kernel for ``dt``: its type depends on the release
    (``_core/release.py``, "dtype-errors-not-implemented")."""
    return dtype_error(not_implemented(kernel, dt))


def refuse_barebones(name: str, *dtypes_or_tensors: Any) -> None:
    """Kernels for uint16/32/64 and the float8 types exist for some ops and not others, by op
    and device: the model does not guess (see ``dtypes.FEW_KERNELS``)."""
    for x in dtypes_or_tensors:
        dt = x._dtype if isinstance(x, Tensor) else x
        if dt in D.FEW_KERNELS:
            raise NotModelled(f"{name} on {dt} (kernels for uint16/32/64 and float8 vary by "
                              "op)")


# ---- memory overlap ---------------------------------------------------------------------------

INTERNAL_OVERLAP = ("unsupported operation: more than one element of the written-to tensor "
                    "refers to a single memory location. Please clone() the tensor before "
                    "performing the operation.")
PARTIAL_OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to "
                   "tensor refer to a single memory location. Please clone() the tensor before "
                   "performing the operation.")


def _overlap(a: Tensor, b: Tensor) -> MemOverlapStatus:
    return L.overlap_status((a._shape, a._strides, a._offset, a.itemsize),
                            (b._shape, b._strides, b._offset, b.itemsize))


def assert_no_internal_overlap(t: Tensor) -> None:
    if L.has_internal_overlap(t._shape, t._strides) is MemOverlap.YES:
        raise RuntimeError(INTERNAL_OVERLAP)


def assert_no_partial_overlap(out: Tensor, inp: Tensor) -> None:
    if out is inp or out._storage is not inp._storage:
        return
    if _overlap(out, inp) is MemOverlapStatus.PARTIAL:
        raise RuntimeError(PARTIAL_OVERLAP)


def assert_no_overlap(out: Tensor, inp: Tensor) -> None:
    """ATen ``assert_no_overlap``: like the partial check, but full overlap raises too."""
    if out._storage is not inp._storage:
        return
    if out is inp:
        raise RuntimeError(PARTIAL_OVERLAP)
    if _overlap(out, inp) in (MemOverlapStatus.PARTIAL, MemOverlapStatus.FULL):
        raise RuntimeError(PARTIAL_OVERLAP)


def _ambiguous_overlap(out: Tensor, inp: Tensor, resized: bool = False) -> bool:
    if out is inp or out._storage is not inp._storage:
        return False
    status = _overlap(out, inp)
    return status is MemOverlapStatus.TOO_HARD or (resized and status is MemOverlapStatus.PARTIAL)


# ---- out= ---------------------------------------------------------------------------------------

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
            f"{format_shape(out._shape)}, which does not match the required output shape "
            f"{format_shape(shape)}. This behavior is deprecated, and in a future PyTorch "
            "release outputs will not be resized unless they have zero elements. You can "
            "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
            "t.resize_(0).", UserWarning, stacklevel=3)
    resize_(out, shape)
    if strides is not None:
        out._strides = tuple(strides)


def resize_(t: Tensor, shape: Sequence[int]) -> Tensor:
    """``Tensor.resize_``: contiguous strides, storage grown (never shrunk) to fit. A storage
    that cannot grow (from_numpy's) refuses, and the tensor is left as it was: an op that
    raises does not change its argument. (ATen sets the new size before growing the storage,
    and so leaves a shape over a storage too small for it: a torch defect, recorded in
    conformance/judge/expectations.toml as failed-out-resize-keeps-new-shape.)"""
    shape = tuple(shape)
    need = (t._offset + prod(shape)) * t.itemsize if prod(shape) else 0
    if need > t._storage.nbytes():
        t._storage.resize_(need)
    t._shape, t._strides = shape, L.contiguous_strides(shape)
    return t


# ---- devices ------------------------------------------------------------------------------------

def common_device(tensors: Sequence[Tensor]) -> device:
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
    return tensors[0].device if tensors else CPU


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


# ---- layout of a fresh result -------------------------------------------------------------------

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


def unary_layout(input: Tensor) -> tuple[int, ...]:
    """Ops with Python-scalar arguments that ATen builds as unary ops (pow(Tensor, Scalar),
    clamp(Tensor, Scalar, Scalar)): the scalars are not iterator operands, so the result's
    layout follows the input alone (its fast path included)."""
    return L.iterator_output_strides(input._shape, [(input._shape, input._strides)])


# ---- the result: allocate (or resize out=), compute, write, bump -------------------------------

class Unspecified(NamedTuple):
    """What a kernel returns when the documentation leaves some of its result elements open:
    the values, and the mask of those elements (they are not compared)."""

    values: Any
    mask: Any


def emit(shape: Sequence[int], dt: D.dtype, dev: device, kernel: Callable[[], Any], *,
         out: Tensor | None = None, strides: Sequence[int] | None = None,
         resize: bool = True, resize_warnings: int = 1, sources: Sequence[Tensor] = (),
         elementwise: bool = False) -> Tensor:
    """The tail every op shares once its checks passed: allocate the result (or resize
    ``out``), run the kernel, write its values, bump ``out``'s version. Kernel-level errors (a
    dtype with no kernel, an index out of range, integer division by zero) therefore come after
    ``out`` was resized, as in torch. The kernel returns None when there is no data (meta).
    Values computed from unspecified inputs (``sources``) stay unspecified: element by element
    for ``elementwise`` ops, the whole result otherwise."""
    resized = False
    if out is None:
        res = Tensor._empty(shape, dt, dev, strides)
    else:
        if resize:
            resized = tuple(out._shape) != tuple(shape)
            resize_output(out, shape, strides, warnings_=resize_warnings)
        res = out
    taint = propagated_taint(tuple(res._shape), sources, elementwise)
    if out is not None and any(_ambiguous_overlap(out, s, resized) for s in sources):
        # Note: ATen checks overlap only for dense layouts, and before it resizes out; when out
        # and an input share memory in a layout too hard to check, or overlap only once out
        # was resized (an empty as_strided view of the input's storage grown into it), the
        # result depends on the kernel's iteration order (seen on torch 2.13: neg(t, out=v)
        # reads elements it already wrote).
        taint = np.ones(tuple(res._shape), dtype=np.bool_)
    values = kernel()
    if isinstance(values, Unspecified):
        left_open = np.broadcast_to(values.mask, tuple(res._shape))
        taint = left_open if taint is None else (taint | left_open)
        values = values.values
    if values is not None:
        _store(res, dt, values, taint)
    if out is not None:
        out._vc.bump()
    return res


def _store(res: Tensor, dt: D.dtype, values: Any, taint: np.ndarray | None) -> None:
    if dt.is_complex:
        # Note: the docs leave complex inf/nan propagation unspecified (torch follows C++
        # std::complex, NumPy its own rules), so non-finite complex results are not facts.
        special = ~np.isfinite(np.broadcast_to(values, tuple(res._shape)))
        if special.any():
            taint = special if taint is None else (taint | special)
    if res._dtype is not dt:
        # The op computes in its result dtype; only then is the value cast to out's dtype.
        values = D.from_storage(D.to_storage(values, dt), dt)
    res._write(values)
    if taint is not None:
        res._taint(taint)


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


# ---- pointwise ops ------------------------------------------------------------------------------

class Promotion(Enum):
    """How a pointwise op's computation and result dtypes follow from its operands' (ATen's
    ELEMENTWISE_TYPE_PROMOTION_KIND, the kinds the model uses)."""

    DEFAULT = "default"
    INT_TO_FLOAT = "int_to_float"  # true division, exp, log...: integers compute as floats
    ALWAYS_BOOL = "always_bool"  # comparisons
    COMPLEX_TO_FLOAT = "complex_to_float"  # abs: a complex input gives a real result


def as_array(o: Operand, compute: D.dtype) -> Any:
    """An operand's values as a NumPy array in the computation dtype."""
    if isinstance(o, Tensor):
        v = o._values()
        return v if v.dtype == compute.compute_np else v.astype(compute.compute_np)
    return np.asarray(o).astype(compute.compute_np)


DtypeCheck = Callable[[D.dtype], None]


@dataclass(frozen=True)
class Pointwise:
    """One TensorIterator op, declared once: its name, how it promotes, and its out= rules.

    Calling it runs the op: ``fn`` maps NumPy arrays (already in the computation dtype) to the
    result values; ``inplace`` is self for ``op_``, ``out`` the out tensor. ``precheck`` is the
    op's meta-function check, which torch runs before the iterator's overlap and shape checks;
    ``check`` runs after them. ``strides`` overrides the iterator's layout of a fresh result
    (ops that allocate it themselves)."""

    name: str
    promotion: Promotion = Promotion.DEFAULT
    # Unary ops built with check_all_same_dtype: out must have the result dtype.
    exact_out: bool = False
    # Note: when out's dtype is not the computation dtype, TensorIterator computes into a
    # temporary and resizes the original out as well: a non-empty out then warns twice.
    cast_through_temporary: bool = True
    # The op computes into a fresh temporary and copy_()s it into out (ATen's
    # unary_op_impl_with_complex_to_float_out): out's overlap with the inputs is never checked
    # (seen on torch 2.13: abs(t, out=t.real) of a complex t writes |t| into t's real part).
    out_through_temporary: bool = False

    def dtypes(self, operands: Sequence[Operand]) -> tuple[D.dtype, D.dtype]:
        """The computation dtype and the result dtype."""
        common = result_type(*operands)
        if self.promotion is Promotion.INT_TO_FLOAT and common.kind in "biu":
            common = D.get_default_dtype()
        if self.promotion is Promotion.ALWAYS_BOOL:
            return common, D.bool_
        if self.promotion is Promotion.COMPLEX_TO_FLOAT and common.is_complex:
            return common, common.to_real()
        return common, common

    def __call__(self, fn: Callable[..., Any], operands: Sequence[Operand], *,
                 out: Tensor | None = None, inplace: Tensor | None = None,
                 precheck: DtypeCheck | None = None, check: DtypeCheck | None = None,
                 strides: Sequence[int] | None = None) -> Tensor:
        tensors = [o for o in operands if isinstance(o, Tensor)]
        target = inplace if inplace is not None else out
        check_same_device(tensors if target is None or any(t is target for t in tensors)
                          else [target, *tensors])
        compute, result = self.dtypes(operands)
        refuse_barebones(self.name, compute, *tensors)
        if precheck is not None:
            precheck(compute)
        # An out= with the negative bit goes through torch's math-bit fallback, which runs the
        # op into a resolved temporary and copies it back: no overlap check with the inputs
        # (seen on torch 2.13: add(t, 2, out=t.conj().imag) of a complex t raises the cast
        # error, where out=t.imag raises the overlap error).
        through_temporary = out is not None and (self.out_through_temporary or out._neg)
        shape = _iterator_shape(tensors, target, inplace is not None,
                                partial=not through_temporary)
        if check is not None:
            check(compute)
        if target is not None:
            self._check_out_dtype(result, target)
        if strides is None and tensors:
            strides = L.iterator_output_strides(shape, iterator_operands(operands, compute))
        casts = target is not None and target._dtype is not result and \
            self.promotion is not Promotion.ALWAYS_BOOL and self.cast_through_temporary
        read_write = target is not None and any(t is target for t in tensors)
        if compute is D.bcomplex32:
            _bcomplex32_allocated()
            if target is None and all(t._storage.has_data() for t in tensors):
                # No kernel computes in it (the allocated result is never seen).
                raise missing_kernel(self.name, compute)
        return emit(shape, result, common_device(tensors),
                    lambda: _evaluate(self.name, fn, operands, compute, tensors), out=target,
                    strides=strides, resize=out is not None and not read_write,
                    resize_warnings=2 if casts else 1, sources=tensors, elementwise=True)

    def _check_out_dtype(self, result: D.dtype, target: Tensor) -> None:
        if self.exact_out and result is not target._dtype:
            raise RuntimeError(f"Found dtype {target._dtype.scalar_type} but expected "
                               f"{result.scalar_type}")
        if not D.can_cast(result, target._dtype):
            raise cast_error(result, target._dtype)


def _iterator_shape(tensors: Sequence[Tensor], target: Tensor | None, inplace: bool, *,
                    partial: bool = True) -> tuple[int, ...]:
    """The written-to tensor's overlap checks (``partial``: with each input too), then the
    broadcast shape, which an in-place target (or an out= that is also an input) must already
    have."""
    if target is not None:
        assert_no_internal_overlap(target)
        for t in tensors if partial else ():
            if not t._neg:  # read through a resolved copy (the math-bit fallback)
                assert_no_partial_overlap(target, t)
    shape = L.broadcast_shapes(*[t._shape for t in tensors])
    read_write = target is not None and any(t is target for t in tensors)
    if target is not None and (inplace or read_write) and target._shape != shape:
        raise RuntimeError(f"output with shape {format_shape(target._shape)} doesn't match the "
                           f"broadcast shape {format_shape(shape)}")
    return shape


def _bcomplex32_allocated() -> None:
    """torch 2.14 warns when it first allocates a bcomplex32 tensor in a process."""
    warn_once("BComplex32 support is experimental and many operators don't support it yet.")


def _evaluate(name: str, fn: Callable[..., Any], operands: Sequence[Operand], compute: D.dtype,
              tensors: Sequence[Tensor]) -> Any:
    """The op's values in its computation dtype, or None when a tensor has no data. bfloat16's
    complex counterpart (torch 2.14's bcomplex32) has no kernel: that error comes after out=
    was resized."""
    if any(not t._storage.has_data() for t in tensors):
        return None
    if compute is D.bcomplex32:
        raise missing_kernel(name, compute)
    args = [as_array(o, compute) for o in operands]
    with np.errstate(all="ignore"):
        return fn(*args)
