"""dtypes, their names, their NumPy storage types, and torch's type promotion.

https://docs.pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc

Each dtype carries every name torch's messages give it (``torch.float32``, the ScalarType name
``Float``, the C++ type ``float``), so no other module keeps a table of names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import NotModelled
from .float8 import E4M3FN, E5M2
from .release import follows

__all__ = [
    "dtype", "bool_", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
    "float32", "float64", "complex64", "complex128", "uint16", "uint32", "uint64",
    "bcomplex32", "float8_e4m3fn", "float8_e5m2", "ALL_DTYPES", "BAREBONES_UNSIGNED", "FLOAT8",
    "promote_types",
    "get_default_dtype", "set_default_dtype", "can_cast", "result_type_of", "from_numpy_dtype",
]


@dataclass(frozen=True, eq=False)
class dtype:  # noqa: N801 - named as torch names it
    """A tensor element type; ``repr`` is torch's spelling (``torch.float32``)."""

    name: str
    itemsize: int
    kind: str  # "b" bool, "u"/"i" integer, "f" floating, "c" complex
    # NumPy type of one element in storage; bfloat16 is kept as its raw 16 bits.
    storage_np: type
    # NumPy type arithmetic is done in (bfloat16 computes in float32, rounded on store).
    compute_np: type
    # c10's ScalarType name: "result type Float can't be cast...", "torch.FloatTensor".
    scalar_type: str
    # The C++ type the kernels' messages print: "expected ... to have dtype float".
    c_name: str
    # The name c10's checked_convert prints ("value cannot be converted to type int64_t
    # without overflow"), for the dtypes whose overflow the model checks.
    checked_name: str | None = None

    @property
    def is_floating_point(self) -> bool:
        return self.kind == "f"

    @property
    def is_complex(self) -> bool:
        return self.kind == "c"

    @property
    def is_signed(self) -> bool:
        return self.kind in "ifc"

    def to_real(self) -> dtype:
        return {complex64: float32, complex128: float64, bcomplex32: bfloat16}.get(self, self)

    def to_complex(self) -> dtype:
        """The corresponding complex dtype (type promotion's "sufficient size and category")."""
        if self.name == "float16":
            # torch promotes half with complex to complex32 (ComplexHalf), outside the model.
            raise NotModelled("complex32 (float16 promoted with a complex operand)")
        if self.name == "bfloat16" and follows("bcomplex32"):
            return bcomplex32
        return {float64: complex128, complex128: complex128, bcomplex32: bcomplex32}.get(
            self, complex64)

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    __str__ = __repr__

    def __reduce__(self) -> str:
        return self.name


bool_ = dtype("bool", 1, "b", np.bool_, np.bool_, "Bool", "bool")
uint8 = dtype("uint8", 1, "u", np.uint8, np.uint8, "Byte", "unsigned char", "uint8_t")
int8 = dtype("int8", 1, "i", np.int8, np.int8, "Char", "signed char", "int8_t")
int16 = dtype("int16", 2, "i", np.int16, np.int16, "Short", "short int", "int16_t")
int32 = dtype("int32", 4, "i", np.int32, np.int32, "Int", "int", "int32_t")
int64 = dtype("int64", 8, "i", np.int64, np.int64, "Long", "long int", "int64_t")
# Note: half types compute in float32 and round once on store, as torch's CPU kernels do.
float16 = dtype("float16", 2, "f", np.float16, np.float32, "Half", "c10::Half", "c10::Half")
bfloat16 = dtype("bfloat16", 2, "f", np.uint16, np.float32, "BFloat16", "c10::BFloat16",
                 "c10::BFloat16")
float32 = dtype("float32", 4, "f", np.float32, np.float32, "Float", "float")
float64 = dtype("float64", 8, "f", np.float64, np.float64, "Double", "double")
complex64 = dtype("complex64", 8, "c", np.complex64, np.complex64, "ComplexFloat",
                  "c10::complex<float>")
complex128 = dtype("complex128", 16, "c", np.complex128, np.complex128, "ComplexDouble",
                   "c10::complex<double>")

ALL_DTYPES: tuple[dtype, ...] = (
    bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
    complex64, complex128,
)
# torch's "barebones" unsigned types: storage, copies, views and the NumPy bridge work;
# promotion with another integer type raises, and most kernels are not built for them
# (https://github.com/pytorch/pytorch/issues/58734). The model keeps their data and refuses
# arithmetic (NotModelled) rather than guess which kernels exist.
uint16 = dtype("uint16", 2, "u", np.uint16, np.uint16, "UInt16", "uint16_t")
uint32 = dtype("uint32", 4, "u", np.uint32, np.uint32, "UInt32", "uint32_t")
uint64 = dtype("uint64", 8, "u", np.uint64, np.uint64, "UInt64", "uint64_t")
BAREBONES_UNSIGNED: tuple[dtype, ...] = (uint16, uint32, uint64)
# torch 2.14's experimental complex of two bfloat16 (``_core/release.py``, "bcomplex32"): the
# result dtype of bfloat16 promoted with a complex operand, with almost no kernels. The model
# knows its name and its place in promotion; a tensor of it with data is not modelled, and
# arithmetic that computes in it has no kernel. Its storage type is a placeholder.
bcomplex32 = dtype("bcomplex32", 4, "c", np.uint32, np.complex64, "BComplex32",
                   "c10::complex<c10::BFloat16>")

# The 8-bit floating-point types (``_core/float8.py``, issue 17): stored as their bit patterns
# (uint8), computed in float32. torch has kernels for few ops on them (copies, casts, fill,
# indexing, abs, comparisons among them; not add or sum), so the model keeps their data and
# refuses their arithmetic (NotModelled) as it does for uint16/32/64; promotion with any other
# dtype raises, and NumPy has no such types (numpy() refuses them).
float8_e4m3fn = dtype("float8_e4m3fn", 1, "f", np.uint8, np.float32, "Float8_e4m3fn",
                      "c10::Float8_e4m3fn")
float8_e5m2 = dtype("float8_e5m2", 1, "f", np.uint8, np.float32, "Float8_e5m2",
                    "c10::Float8_e5m2")
FLOAT8: tuple[dtype, ...] = (float8_e4m3fn, float8_e5m2)
_FLOAT8_FORMAT = {float8_e4m3fn: E4M3FN, float8_e5m2: E5M2}
# dtypes with few kernels: the model refuses arithmetic on them rather than guess which exist.
FEW_KERNELS: tuple[dtype, ...] = BAREBONES_UNSIGNED + FLOAT8

# NumPy dtype -> torch dtype, every one torch maps; bfloat16 has no NumPy counterpart (its
# storage type is uint16's).
_FROM_NUMPY = {np.dtype(d.storage_np): d for d in ALL_DTYPES + BAREBONES_UNSIGNED
               if d is not bfloat16}


def from_numpy_dtype(dt: np.dtype) -> dtype:
    """The torch dtype of a NumPy dtype (``torch.from_numpy``'s table; uint16/32/64 from the
    release that has them, ``_core/release.py``)."""
    found = _FROM_NUMPY.get(dt)
    if found is not None and (found not in BAREBONES_UNSIGNED or follows("barebones-unsigned")):
        return found
    # Note: the list of supported types that follows is each release's own (uint16/32/64
    # joined it in 2.3); the docs list none of those, so the phrase stops before it.
    raise TypeError(f"can't convert np.ndarray of type numpy.{dt.type.__name__}. The only "
                    "supported types are: ")


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _promote_ints(a: dtype, b: dtype) -> dtype:
    if a.kind == b.kind:
        return a if a.itemsize >= b.itemsize else b
    unsigned, signed = (a, b) if a.kind == "u" else (b, a)
    # Note: uint8 with int8 needs int16; with a wider signed type, the wider type wins.
    return signed if signed.itemsize > unsigned.itemsize else int16


def _promote_floats(a: dtype, b: dtype) -> dtype:
    if {a, b} == {float16, bfloat16}:
        return float32
    return a if a.itemsize >= b.itemsize else b


def promote_types(a: dtype, b: dtype) -> dtype:
    """torch.promote_types: the smallest dtype both can be cast to without losing category."""
    if a is b:
        return a
    if a in FLOAT8 or b in FLOAT8:
        raise RuntimeError("Promotion for Float8 Types is not supported, attempted to promote "
                           f"{a.scalar_type} and {b.scalar_type}")
    if (a in BAREBONES_UNSIGNED or b in BAREBONES_UNSIGNED) and a.kind in "biu" \
            and b.kind in "biu":
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, "
                           f"attempted to promote {a.scalar_type} and {b.scalar_type}")
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi.is_complex and lo.is_floating_point:
            real = _promote_floats(hi.to_real(), lo)
            return real.to_complex()
        return hi
    if ca == 1:
        return _promote_ints(a, b)
    if ca == 2:
        return _promote_floats(a, b)
    return a if a.itemsize >= b.itemsize else b  # complex


_default_dtype: list[dtype] = [float32]


def get_default_dtype() -> dtype:
    return _default_dtype[0]


def set_default_dtype(d: dtype) -> None:
    if d in FLOAT8:
        # torch looks up a legacy storage class for the dtype, and float8 has none.
        raise TypeError(f"couldn't find storage object {d.scalar_type}Storage")
    if d not in (float32, float64, float16, bfloat16):
        raise TypeError("only floating-point types are supported as the default type")
    _default_dtype[0] = d


def default_complex_dtype() -> dtype:
    """The complex dtype matching the default dtype (complex numbers in torch.tensor)."""
    d = get_default_dtype()
    if d is bfloat16:
        raise RuntimeError("invalid default scalar type for complex")
    if d is float16:
        # Note: torch gives complex32 (ComplexHalf, "experimental"), which is not modelled.
        raise NotModelled("complex numbers under set_default_dtype(torch.float16) (complex32)")
    return complex128 if d is float64 else complex64


def int_scalar_fits(value: int | float, d: dtype) -> bool:
    """c10's ``overflows`` for an integral dtype: a float must lie within the dtype's range
    (NaN never does); an int within it too, except that an unsigned dtype lets a negative int
    wrap as two's complement down to -max (``torch.zeros(2, dtype=torch.uint8).fill_(-1)``
    stores 255; -256 overflows)."""
    info = np.iinfo(d.storage_np)
    if isinstance(value, float):
        return bool(info.min <= value <= info.max)  # False for NaN
    low = -int(info.max) if d.kind == "u" else int(info.min)
    return low <= value <= int(info.max)


def can_cast(from_: dtype, to: dtype) -> bool:
    """torch.can_cast: casting may not lower the category (complex > float > int > bool)."""
    return _CATEGORY[from_.kind] <= _CATEGORY[to.kind]


def scalar_dtype(value: object) -> dtype:
    """The dtype torch gives a Python scalar standing alone (torch.tensor(3.5))."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    if isinstance(value, float):
        return get_default_dtype()
    if isinstance(value, complex):
        return default_complex_dtype()
    raise TypeError(f"not a Python scalar: {type(value).__name__}")


def _combine_categories(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # Port of c10's combine_categories (ATen/native/TypeProperties.cpp).
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type_of(dim_dtypes: list[dtype], zero_dim_dtypes: list[dtype],
                   scalars: list[object]) -> dtype:
    """torch.result_type over operands split by priority: dimensioned tensors, 0-dim tensors,
    then Python scalars (which only contribute their category, at the default dtype)."""

    def fold(ds: list[dtype]) -> dtype | None:
        out: dtype | None = None
        for d in ds:
            out = d if out is None else promote_types(out, d)
        return out

    wrapped = [scalar_dtype(s) for s in scalars]
    result = _combine_categories(fold(dim_dtypes),
                                 _combine_categories(fold(zero_dim_dtypes), fold(wrapped)))
    if result is None:
        raise TypeError("result_type needs at least one operand")
    return result


# --- bfloat16 encoding: the upper 16 bits of a float32, rounded to nearest even -------------

def bf16_encode(values: np.ndarray) -> np.ndarray:
    """float32 values -> bfloat16 bit patterns (uint16), round to nearest even, NaN kept."""
    f = np.asarray(values, dtype=np.float32)
    bits = f.view(np.uint32).astype(np.uint64)
    # Note: unsigned shift counts and constants: under NumPy 1.x a 0-dim uint64 with a Python
    # int promotes to float64, which has no right_shift.
    sixteen = np.uint64(16)
    rounding = ((bits >> sixteen) & np.uint64(1)) + np.uint64(0x7FFF)
    out = ((bits + rounding) >> sixteen).astype(np.uint16)
    nan = np.isnan(f)
    if nan.any():
        out = np.where(nan, np.uint16(0x7FC0), out)
    return out


def bf16_decode(bits: np.ndarray) -> np.ndarray:
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << np.uint32(16)).view(
        np.float32)


def to_storage(values: np.ndarray, d: dtype) -> np.ndarray:
    """Cast computed values to what a storage of dtype ``d`` holds (torch's cast rules)."""
    v = np.asarray(values)
    if d is bfloat16 or d in FLOAT8:
        if v.dtype.kind == "c":
            v = v.real
        v32 = v.astype(np.float32)
        return bf16_encode(v32) if d is bfloat16 else _FLOAT8_FORMAT[d].encode(v32)
    if d.kind != "c" and v.dtype.kind == "c":
        v = v.real  # torch casts complex to real by dropping the imaginary part
    if d is bool_:
        return v != 0
    if d.kind in "iu" and v.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            # Note: float -> int truncates toward zero; out-of-range values are undefined in
            # torch, so strategies keep values in range.
            return np.trunc(v).astype(np.int64).astype(d.storage_np)
    with np.errstate(over="ignore", invalid="ignore"):
        return v.astype(d.storage_np)


def from_storage(raw: np.ndarray, d: dtype) -> np.ndarray:
    """Storage elements as arithmetic values (bfloat16 widened to float32)."""
    if d is bfloat16:
        return bf16_decode(raw)
    if d in FLOAT8:
        return _FLOAT8_FORMAT[d].decode(raw)
    return raw


def tensor_type_name(dt: dtype, device_type: str) -> str:
    """The legacy tensor type name torch's messages print: ``torch.FloatTensor``, and off the
    CPU with the device in it: ``torch.cuda.FloatTensor``."""
    return f"torch.{'' if device_type == 'cpu' else device_type + '.'}{dt.scalar_type}Tensor"
