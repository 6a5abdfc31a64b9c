"""reference_impl: an executable model of PyTorch's documented tensor semantics.

It mirrors torch's public API for the modelled subset, so a program written for torch runs
unchanged under ``import reference_impl as torch``. It never imports torch; NumPy is only its
arithmetic engine. Anything it does not model raises ``NotModelled``.
"""

from __future__ import annotations

import builtins

from . import _derivatives as _derivatives  # noqa: F401  (graph recording around the ops)
from . import _indexing as _indexing  # noqa: F401  (attaches __getitem__/__setitem__)
from . import _methods as _methods  # noqa: F401  (attaches Tensor methods)
from . import autograd as autograd
from . import nn as nn
from . import optim as optim
from ._autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from ._creation import (
    arange,
    channels_last,
    contiguous_format,
    empty,
    empty_like,
    eye,
    full,
    full_like,
    linspace,
    memory_format,
    ones,
    ones_like,
    preserve_format,
    tensor,
    zeros,
    zeros_like,
)
from ._device import device, set_host
from ._dtypes import ALIASES as _ALIASES
from ._dtypes import (
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
from ._dtypes import bool_ as bool  # noqa: A001 - torch.bool
from ._errors import NotModelled
from ._indexing import gather, index_select, masked_select, nonzero
from ._layout import broadcast_shapes as _broadcast_shapes
from ._numpy_bridge import as_tensor, asarray, conj, from_numpy, is_conj, resolve_conj
from ._ops import (
    abs,
    add,
    amax,
    amin,
    bmm,
    clamp,
    clip,
    clone,
    div,
    eq,
    exp,
    ge,
    gt,
    le,
    log,
    lt,
    matmul,
    mean,
    mm,
    mul,
    ne,
    neg,
    pow,
    result_type,
    sqrt,
    sub,
    sum,
    where,
)
from ._tensor import Size, Tensor

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
    norm = [(s,) if isinstance(s, builtins.int) else tuple(s) for s in shapes]  # type: ignore
    return Size(_broadcast_shapes(*norm))


def is_tensor(obj: object) -> builtins.bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> builtins.int:
    return input.numel()


from . import _views as _views_module  # noqa: E402

for _name in ("reshape", "flatten", "squeeze", "unsqueeze", "transpose", "swapaxes",
              "swapdims", "t", "permute", "narrow", "select", "unbind", "split", "chunk",
              "diagonal", "as_strided", "movedim", "broadcast_to"):
    globals()[_name] = getattr(_views_module, _name)
sigmoid = _derivatives.OPS["sigmoid"]


def dot(input: Tensor, other: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.dot.html (1-D tensors only)."""
    if input.dim() != 1 or other.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.dim()}D and {other.dim()}D "
                           "tensors")
    return _derivatives.matmul(input, other)
softmax = _derivatives.OPS["softmax"]
log_softmax = _derivatives.OPS["log_softmax"]

subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg
absolute, greater, less = abs, gt, lt
