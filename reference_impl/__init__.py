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

from . import _derivatives as _derivatives  # noqa: F401  (registers the backward formulas)
from . import _methods as _methods  # noqa: F401  (binds the Tensor methods)
from . import autograd as autograd
from . import nn as nn
from . import optim as optim
from ._autograd.grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from ._core.device import device, set_host
from ._core.dtypes import (
    bfloat16,
    can_cast,
    complex64,
    complex128,
    dtype,
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
    uint16,
    uint32,
    uint64,
)
from ._core.dtypes import bool_ as bool  # noqa: A001 - torch.bool
from ._core.errors import DEVICE_ASSERT, ONCE_PER_PROCESS, NotModelled
from ._core.layout import broadcast_shapes as _broadcast_shapes
from ._core.layout import channels_last, contiguous_format, memory_format, preserve_format
from ._core.modes import (
    is_grad_enabled,
    is_inference_mode_enabled,
    is_warn_always_enabled,
    set_warn_always,
)
from ._core.tensor import Size, Tensor
from ._functions.arith import dot, matmul
from ._functions.conversion import (
    as_tensor,
    asarray,
    conj,
    from_numpy,
    is_conj,
    resolve_conj,
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
    """https://docs.pytorch.org/docs/stable/generated/torch.broadcast_shapes.html"""
    sizes = [(s,) if isinstance(s, builtins.int) else tuple(s) for s in shapes]  # type: ignore
    return Size(_broadcast_shapes(*sizes))


def is_tensor(obj: object) -> builtins.bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> builtins.int:
    return input.numel()


subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg
absolute, greater, less = abs, gt, lt

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
