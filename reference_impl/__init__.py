"""reference_impl: an executable model of PyTorch's documented tensor semantics.

It mirrors torch's public API for the modelled subset, so a program written for torch runs
unchanged under ``import reference_impl as torch``. It never imports torch; NumPy is only its
arithmetic engine. Anything it does not model raises ``NotModelled``.

The package is built in layers, each importing only those below it:
``_core`` (dtypes, devices, storage, layout, modes, the Tensor's state) -> ``_kernels`` (what
each op computes) -> ``_autograd`` (graph, recording wrapper, formula table) -> ``_functions``
(torch's functions) -> ``_derivatives`` (backward formulas) and ``_engine`` (backward) ->
``_methods`` (Tensor methods) -> this namespace, ``nn``, ``optim``, ``autograd``.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import _derivatives as _derivatives  # noqa: F401  (registers the backward formulas)
from . import _methods as _methods  # noqa: F401  (binds the Tensor methods)
from . import accelerator as _accelerator
from . import autograd as autograd
from . import backends as backends
from . import cuda as cuda
from . import nn as nn
from . import optim as optim
from ._autograd.grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from ._core import dtypes as _dtypes
from ._core.device import device
from ._core.dtypes import (
    bfloat16,
    can_cast,
    complex64,
    complex128,
    dtype,
    float8_e4m3fn,
    float8_e5m2,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    set_default_dtype,
    uint8,
)
from ._core.dtypes import bool_ as bool  # noqa: A001 - torch.bool
from ._core.errors import (
    DEVICE_ASSERT,
    MISSING_API,
    ONCE_PER_PROCESS,
    NotModelled,
    module_getattr,
)
from ._core.layout import broadcast_shapes_ref as _broadcast_shapes_ref
from ._core.layout import (
    channels_last,
    contiguous_format,
    layout,
    memory_format,
    preserve_format,
    sparse_coo,
    strided,
)
from ._core.modes import (
    is_grad_enabled,
    is_inference_mode_enabled,
    is_warn_always_enabled,
    set_warn_always,
)
from ._core.release import follows, hosted, set_host
from ._core.tensor import Size, Tensor
from ._functions.arith import dot, matmul
from ._functions.conversion import (
    as_tensor,
    asarray,
    conj,
    from_numpy,
    is_conj,
    is_neg,
    resolve_conj,
    resolve_neg,
)
from ._functions.indexing import nonzero
from ._functions.legacy_types import EXPORTED as _LEGACY_TYPES
from ._functions.ops import (
    abs,
    add,
    addmm,
    all,
    allclose,
    amax,
    amin,
    any,
    argmax,
    argmin,
    bmm,
    cat,
    clamp,
    clip,
    clone,
    concat,
    concatenate,
    cumsum,
    div,
    eq,
    equal,
    exp,
    flip,
    gather,
    ge,
    gt,
    index_select,
    le,
    log,
    log_softmax,
    lt,
    masked_select,
    max,
    mean,
    min,
    mm,
    mul,
    mv,
    ne,
    neg,
    norm,
    normal,
    pow,
    prod,
    sigmoid,
    softmax,
    sort,
    sqrt,
    stack,
    std,
    sub,
    sum,
    topk,
    var,
    where,
)
from ._functions.shaping import (
    adjoint,
    dsplit,
    hsplit,
    split_with_sizes,
    tensor_split,
    unflatten,
    vsplit,
)
from ._functions.sparse import SparseTensor as _SparseTensor
from ._functions.views import (
    as_strided,
    broadcast_to,
    chunk,
    diagonal,
    flatten,
    movedim,
    narrow,
    permute,
    reshape,
    select,
    split,
    squeeze,
    swapaxes,
    swapdims,
    t,
    transpose,
    unbind,
    unsqueeze,
    view_as_real,
)
from ._functions.views import imag as imag
from ._functions.views import real as real
from ._kernels.creation import (
    arange,
    empty,
    empty_like,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from ._kernels.iterator import result_type
from ._kernels.random import (
    Generator,
    default_generator,
    initial_seed,
    manual_seed,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
)

float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
cfloat = complex64
cdouble = complex128

__version__ = "0.1.0"


def broadcast_shapes(*shapes: object) -> Size:
    """https://docs.pytorch.org/docs/stable/generated/torch.broadcast_shapes.html
    "Similar to broadcast_tensors() but for shapes ... Raises: RuntimeError: If shapes are
    incompatible." """
    sizes: list[Sequence[builtins.int]] = []
    for s in shapes:
        if isinstance(s, builtins.int):
            s = (s,)
        if not isinstance(s, Sequence):
            raise RuntimeError("Input shapes should be of type ints, a tuple of ints, or a list "
                               f"of ints, got {s}")
        sizes.append(s)
    return Size(_broadcast_shapes_ref(sizes))


def is_tensor(obj: object) -> builtins.bool:
    return isinstance(obj, (Tensor, _SparseTensor))


def numel(input: Tensor) -> builtins.int:
    return input.numel()


subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg
absolute, greater, less = abs, gt, lt


# Names torch gained in a release (``_core/release.py``, CHANGES): AttributeError before it.
_SINCE = {"uint16": "barebones-unsigned", "uint32": "barebones-unsigned",
          "uint64": "barebones-unsigned", "bcomplex32": "bcomplex32",
          "accelerator": "accelerator-namespace"}
_RELEASED = {name: getattr(_dtypes, name) for name in ("uint16", "uint32", "uint64",
                                                      "bcomplex32")}
_RELEASED["accelerator"] = _accelerator
del accelerator  # noqa: F821 - importing the submodule bound it: it is answered by release

if TYPE_CHECKING:
    from . import accelerator as accelerator
    from ._core.dtypes import bcomplex32, uint16, uint32, uint64
else:  # mypy keeps checking the names the model has
    _missing = module_getattr(__name__)

    def __getattr__(name: str) -> object:
        """A dtype or namespace of a later release than the one under check is absent, as in
        torch; any other name the model lacks is missing API (NotModelled, MISSING_API)."""
        if name in _SINCE:
            if follows(_SINCE[name]):
                return _RELEASED[name]
            raise AttributeError(f"module 'torch' has no attribute '{name}'")
        return _missing(name)
# The legacy CPU tensor types (torch.FloatTensor, torch.CharTensor, ...), issue 17.
BFloat16Tensor = _LEGACY_TYPES["BFloat16Tensor"]
BoolTensor = _LEGACY_TYPES["BoolTensor"]
ByteTensor = _LEGACY_TYPES["ByteTensor"]
CharTensor = _LEGACY_TYPES["CharTensor"]
DoubleTensor = _LEGACY_TYPES["DoubleTensor"]
FloatTensor = _LEGACY_TYPES["FloatTensor"]
HalfTensor = _LEGACY_TYPES["HalfTensor"]
IntTensor = _LEGACY_TYPES["IntTensor"]
LongTensor = _LEGACY_TYPES["LongTensor"]
ShortTensor = _LEGACY_TYPES["ShortTensor"]
