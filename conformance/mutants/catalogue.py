"""The mutant catalogue: each entry breaks ONE documented behaviour of real torch.

A mutant is a Python-level monkeypatch of ``torch`` / ``torch.Tensor``. It is applied in a
fresh process (``conformance/mutants/activate.py`` applies the one named by ``CONFORMANCE_MUTANT``)
and must be caught by the conformance test named in ``test_file``: that test must fail with a
MISMATCH and a torch-only reproduction. Patches keep torch importable and change only the
targeted behaviour; the originals are captured when the patch is applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import autograd_api as api
from . import bits_ops as bits
from . import breadth_ops as ops
from . import torch_module as _torch

PROGRAMS = "conformance/claim_tests/test_programs.py"
CLAIMS = "conformance/claim_tests/test_claims.py"
REDUCTIONS = "conformance/claim_tests/test_reductions.py"
INDEXING = "conformance/claim_tests/test_indexing_rules.py"
SHAPES = "conformance/claim_tests/test_shapes_and_scalars.py"
RANDOM = "conformance/claim_tests/test_random.py"
BITS = "conformance/claim_tests/test_bits_and_layouts.py"


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    claims: tuple[str, ...]
    test_file: str  # repo-relative path, optionally "::test_name"
    apply: Callable[[], None]


def _set(owner: Any, attr: str, make: Callable[[Any], Any]) -> None:
    """Replace ``owner.attr`` by ``make(original)``."""
    setattr(owner, attr, make(getattr(owner, attr)))


# ---- views ------------------------------------------------------------------------------------

def _view_returns_copy() -> None:
    torch = _torch()
    _set(torch.Tensor, "view", lambda orig: lambda self, *a, **k: orig(self, *a, **k).clone())


def _is_basic_index(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, slice)
               or (isinstance(p, int) and not isinstance(p, bool)) for p in parts)


def _basic_indexing_copies() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def getitem(self: Any, index: Any) -> Any:
            out = orig(self, index)
            return out.clone() if _is_basic_index(index) else out
        return getitem
    _set(torch.Tensor, "__getitem__", make)


def _reshape_always_copies() -> None:
    torch = _torch()
    _set(torch.Tensor, "reshape",
         lambda orig: lambda self, *shape: orig(self.contiguous(), *shape).clone())
    _set(torch, "reshape",
         lambda orig: lambda input, shape: orig(input.contiguous(), shape).clone())


def _contiguous_always_copies() -> None:
    torch = _torch()
    _set(torch.Tensor, "contiguous",
         lambda orig: lambda self, memory_format=torch.contiguous_format:
         self.clone(memory_format=torch.contiguous_format))


def _expand_materialises() -> None:
    torch = _torch()
    _set(torch.Tensor, "expand", lambda orig: lambda self, *a, **k: orig(self, *a, **k).clone())


def _transpose_returns_contiguous_copy() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        return lambda input, dim0, dim1: orig(input, dim0, dim1).clone(
            memory_format=torch.contiguous_format)
    _set(torch.Tensor, "transpose", make)
    _set(torch, "transpose", make)


def _clone_shares_storage() -> None:
    torch = _torch()
    _set(torch.Tensor, "clone", lambda orig: lambda self, *a, **k: self.view_as(self))
    _set(torch, "clone", lambda orig: lambda input, *a, **k: input.view_as(input))


def _unsqueeze_negative_dim_off_by_one() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def unsqueeze(input: Any, dim: int) -> Any:
            if dim < 0:
                dim = dim + input.dim()  # documented: dim + input.dim() + 1
            return orig(input, dim)
        return unsqueeze
    _set(torch.Tensor, "unsqueeze", make)
    _set(torch, "unsqueeze", make)


# ---- indexing ---------------------------------------------------------------------------------

def _gather_ignores_dim() -> None:
    torch = _torch()
    _set(torch, "gather",
         lambda orig: lambda input, dim, index, **kw: orig(input, 0, index, **kw))
    _set(torch.Tensor, "gather",
         lambda orig: lambda self, dim, index, **kw: orig(self, 0, index, **kw))


def _masked_select_no_broadcast() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def masked_select(input: Any, mask: Any, **kw: Any) -> Any:
            if tuple(input.shape) != tuple(mask.shape):
                raise RuntimeError(f"masked_select: mask shape {tuple(mask.shape)} must "
                                   f"match input shape {tuple(input.shape)}")
            return orig(input, mask, **kw)
        return masked_select
    _set(torch, "masked_select", make)
    _set(torch.Tensor, "masked_select", make)


def _nonzero_returns_int32() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def nonzero(input: Any, *, out: Any = None, as_tuple: bool = False) -> Any:
            if out is not None:
                return orig(input, out=out, as_tuple=as_tuple)
            r = orig(input, as_tuple=as_tuple)
            if as_tuple:
                return tuple(t.to(torch.int32) for t in r)
            return r.to(torch.int32)
        return nonzero
    _set(torch, "nonzero", make)
    _set(torch.Tensor, "nonzero", make)


def _setitem_advanced_noop() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def setitem(self: Any, index: Any, value: Any) -> None:
            parts = index if isinstance(index, tuple) else (index,)
            if any(isinstance(p, (bool, list, torch.Tensor)) for p in parts):
                return  # advanced index: silently writes nothing
            orig(self, index, value)
        return setitem
    _set(torch.Tensor, "__setitem__", make)


# ---- in-place ---------------------------------------------------------------------------------

def _iadd_returns_new() -> None:
    torch = _torch()
    _set(torch.Tensor, "__iadd__", lambda orig: lambda self, other: self + other)


def _add__leaves_self_unchanged() -> None:
    torch = _torch()
    _set(torch.Tensor, "add_", lambda orig: lambda self, *a, **k: self)


def _mul__bumps_version_twice() -> None:
    torch = _torch()
    # mul_(True) leaves values and dtype as they are but is a second in-place op.
    mul_ = torch.Tensor.mul_
    _set(torch.Tensor, "mul_",
         lambda orig: lambda self, *a, **k: mul_(mul_(self, *a, **k), True))
    _set(torch.Tensor, "__imul__",
         lambda orig: lambda self, other: mul_(mul_(self, other), True))


# ---- out= -------------------------------------------------------------------------------------

def _add_out_ignored() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def add(*args: Any, out: Any = None, **kw: Any) -> Any:
            return orig(*args, **kw)
        return add
    _set(torch, "add", make)


# ---- arithmetic -------------------------------------------------------------------------------

def _item_accepts_many() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def item(self: Any) -> Any:
            return orig(self.reshape(-1)[0]) if self.numel() >= 1 else orig(self)
        return item
    _set(torch.Tensor, "item", make)


def _mm_accepts_batches() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def mm(input: Any, mat2: Any, **kw: Any) -> Any:
            if input.dim() != 2 or mat2.dim() != 2:
                return torch.matmul(input, mat2, **kw)
            return orig(input, mat2, **kw)
        return mm
    _set(torch, "mm", make)
    _set(torch.Tensor, "mm", make)


def _sum_int_keeps_dtype() -> None:
    torch = _torch()
    narrow = (torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32)

    def make(orig: Any) -> Any:
        def sum_(input: Any, *a: Any, **kw: Any) -> Any:
            if kw.get("dtype") is None and input.dtype in narrow:
                kw["dtype"] = input.dtype  # documented: integer sums are int64
            return orig(input, *a, **kw)
        return sum_
    _set(torch, "sum", make)
    _set(torch.Tensor, "sum", make)


def _div_truncates_ints() -> None:
    torch = _torch()

    def integral(a: Any, b: Any) -> bool:
        try:
            dt = torch.result_type(a, b)
        except Exception:  # noqa: BLE001 - let the real op raise
            return False
        return not (dt.is_floating_point or dt.is_complex or dt == torch.bool)

    def make(orig: Any) -> Any:
        def div(input: Any, other: Any, *a: Any, **kw: Any) -> Any:
            if kw.get("rounding_mode") is None and not a and integral(input, other):
                kw["rounding_mode"] = "floor"  # documented: true division
            return orig(input, other, *a, **kw)
        return div
    for attr in ("div", "divide", "true_divide"):
        _set(torch, attr, make)
    for attr in ("div", "divide", "true_divide", "div_", "divide_", "true_divide_"):
        _set(torch.Tensor, attr, make)
    _set(torch.Tensor, "__truediv__",
         lambda orig: lambda self, other: torch.Tensor.div(self, other))
    _set(torch.Tensor, "__itruediv__",
         lambda orig: lambda self, other: torch.Tensor.div_(self, other))


# ---- the catalogue ----------------------------------------------------------------------------

# ---- creation, flatten, scatter, indexing, in-place: one mutant for each targeted claim test ---

def _tensor_infers_float64() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def tensor(data: Any, *a: Any, **k: Any) -> Any:
            out = orig(data, *a, **k)
            return out.double() if "dtype" not in k and out.dtype == torch.float32 else out
        return tensor
    _set(torch, "tensor", make)


def _tensor_of_tensor_shares() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def tensor(data: Any, *a: Any, **k: Any) -> Any:
            return data.detach() if isinstance(data, torch.Tensor) else orig(data, *a, **k)
        return tensor
    _set(torch, "tensor", make)


def _arange_includes_end() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def arange(*a: Any, **k: Any) -> Any:
            if len(a) == 1:
                return orig(a[0] + 1, **k)
            step = a[2] if len(a) > 2 else 1
            return orig(a[0], a[1] + step, *a[2:], **k)
        return arange
    _set(torch, "arange", make)


def _like_ignores_dtype() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def like(x: Any, *a: Any, **k: Any) -> Any:
            k.pop("dtype", None)
            return orig(x, *a, **k)
        return like
    _set(torch, "zeros_like", make)


def _flatten_always_copies() -> None:
    torch = _torch()
    _set(torch.Tensor, "flatten",
         lambda orig: lambda self, *a, **k: orig(self, *a, **k).clone())


def _scatter__returns_copy() -> None:
    torch = _torch()
    _set(torch.Tensor, "scatter_",
         lambda orig: lambda self, *a, **k: orig(self.clone(), *a, **k))


def _advanced_getitem_shares() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def getitem(self: Any, index: Any) -> Any:
            if isinstance(index, list) and len(index) == 1 and isinstance(index[0], int):
                return orig(self, slice(index[0], index[0] + 1))
            return orig(self, index)
        return getitem
    _set(torch.Tensor, "__getitem__", make)


def _full_ignores_fill_dtype() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def full(size: Any, fill_value: Any, *a: Any, **k: Any) -> Any:
            k.setdefault("dtype", torch.get_default_dtype())
            return orig(size, fill_value, *a, **k)
        return full
    _set(torch, "full", make)


def _div__returns_new() -> None:
    torch = _torch()
    _set(torch.Tensor, "div_", lambda orig: lambda self, *a, **k: torch.div(self, *a, **k))


# ---- autograd -----------------------------------------------------------------------------------

AUTOGRAD = "conformance/claim_tests/test_autograd.py"


def _leaves_of(t: Any) -> list[Any]:
    """The leaf tensors a backward from ``t`` would accumulate into."""
    seen, leaves, stack = set(), [], [t.grad_fn] if t.grad_fn is not None else []
    if t.grad_fn is None and t.requires_grad:
        leaves.append(t)
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        if hasattr(fn, "variable"):
            leaves.append(fn.variable)
        stack.extend(f for f, _ in fn.next_functions)
    return leaves


def _backward_overwrites_grad() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def backward(self: Any, *a: Any, **k: Any) -> Any:
            for leaf in _leaves_of(self):
                leaf.grad = None
            return orig(self, *a, **k)
        return backward
    _set(torch.Tensor, "backward", make)


def _no_grad_does_nothing() -> None:
    torch = _torch()
    torch.no_grad.__enter__ = lambda self: None
    torch.no_grad.__exit__ = lambda self, *exc: None


def _detach_copies() -> None:
    torch = _torch()
    _set(torch.Tensor, "detach", lambda orig: lambda self: orig(self).clone())


def _data_returns_detach() -> None:
    torch = _torch()
    setter = torch.Tensor.data.__set__
    torch.Tensor.data = property(lambda self: self.detach(),
                                 lambda self, value: setter(self, value))


def _clone_cuts_graph() -> None:
    torch = _torch()
    _set(torch.Tensor, "clone",
         lambda orig: lambda self, *a, **k: orig(self.detach(), *a, **k))
    _set(torch, "clone", lambda orig: lambda input, *a, **k: orig(input.detach(), *a, **k))


def _nonscalar_backward_uses_ones() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def backward(self: Any, gradient: Any = None, *a: Any, **k: Any) -> Any:
            if gradient is None and self.numel() != 1:
                gradient = torch.ones_like(self)
            return orig(self, gradient, *a, **k)
        return backward
    _set(torch.Tensor, "backward", make)


def _gradient_argument_ignored() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def backward(self: Any, gradient: Any = None, *a: Any, **k: Any) -> Any:
            if gradient is not None:
                gradient = torch.ones_like(self)
            return orig(self, gradient, *a, **k)
        return backward
    _set(torch.Tensor, "backward", make)


def _backward_always_retains_graph() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def backward(self: Any, gradient: Any = None, retain_graph: Any = None,
                     *a: Any, **k: Any) -> Any:
            return orig(self, gradient, True, *a, **k)
        return backward
    _set(torch.Tensor, "backward", make)


def _zero_grad_fills_zeros() -> None:
    torch = _torch()
    _set(torch.optim.Optimizer, "zero_grad",
         lambda orig: lambda self, set_to_none=True: orig(self, set_to_none=False))


def _requires_grad__noop() -> None:
    torch = _torch()
    _set(torch.Tensor, "requires_grad_", lambda orig: lambda self, requires_grad=True: self)


def _grad_accumulates_out_of_place() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def backward(self: Any, *a: Any, **k: Any) -> Any:
            for leaf in _leaves_of(self):
                if leaf.grad is not None:
                    leaf.grad = leaf.grad.clone()
            return orig(self, *a, **k)
        return backward
    _set(torch.Tensor, "backward", make)


# ---- the NumPy bridge ---------------------------------------------------------------------------

BRIDGE = "conformance/claim_tests/test_numpy_bridge.py"


def _numpy_copies() -> None:
    torch = _torch()
    _set(torch.Tensor, "numpy", lambda orig: lambda self, *a, **k: orig(self, *a, **k).copy())


def _from_numpy_copies() -> None:
    torch = _torch()
    _set(torch, "from_numpy", lambda orig: lambda arr: orig(arr).clone())


def _tensor_shares_arrays() -> None:
    torch = _torch()
    import numpy as np

    def make(orig: Any) -> Any:
        def tensor(data: Any, *a: Any, **k: Any) -> Any:
            if isinstance(data, np.ndarray) and not a and not k and data.dtype.isnative \
                    and all(s >= 0 for s in data.strides):
                return torch.from_numpy(data)
            return orig(data, *a, **k)
        return tensor
    _set(torch, "tensor", make)


def _as_tensor_copies() -> None:
    torch = _torch()
    _set(torch, "as_tensor", lambda orig: lambda data, *a, **k: orig(data, *a, **k).clone())


def _numpy_detaches() -> None:
    torch = _torch()
    _set(torch.Tensor, "numpy",
         lambda orig: lambda self, *a, **k: orig(self.detach(), *a, **k))


def _asarray_copy_true_shares() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def asarray(obj: Any, *a: Any, copy: Any = None, **k: Any) -> Any:
            return orig(obj, *a, copy=None if copy else copy, **k)
        return asarray
    _set(torch, "asarray", make)


def _numpy_ignores_conj_bit() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def numpy(self: Any, *a: Any, **k: Any) -> Any:
            if self.is_conj():
                return orig(self.conj(), *a, **k)  # the unconjugated memory, silently
            return orig(self, *a, **k)
        return numpy
    _set(torch.Tensor, "numpy", make)


def _clone_keeps_conj_bit() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def clone(self: Any, *a: Any, **k: Any) -> Any:
            out = orig(self, *a, **k)
            if self.is_conj():
                return orig(self.conj(), *a, **k).conj()  # a lazy copy: the bit stays set
            return out
        return clone
    _set(torch.Tensor, "clone", make)


def _binary_ops(make: Callable[[Any], Any]) -> None:
    """Patch the Python operators +, -, * and torch.add / torch.mul with ``make(original)``."""
    torch = _torch()
    for name in ("__add__", "__sub__", "__mul__", "add", "mul"):
        _set(torch.Tensor, name, make)
    for name in ("add", "mul"):
        _set(torch, name, make)


def _broadcast_needs_equal_rank() -> None:
    """Binary ops refuse operands of different rank instead of broadcasting the missing
    leading dimensions."""
    torch = _torch()

    def make(orig: Any) -> Any:
        def op(a: Any, b: Any, *args: Any, **kw: Any) -> Any:
            if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) \
                    and a.dim() and b.dim() and a.dim() != b.dim():
                raise RuntimeError(f"The size of tensor a ({a.dim()} dims) must match the "
                                   f"size of tensor b ({b.dim()} dims)")
            return orig(a, b, *args, **kw)
        return op
    _binary_ops(make)


def _zero_dim_tensors_outrank() -> None:
    """Type promotion lets a 0-dim tensor's dtype win over a dimensioned tensor's of the same
    category (float32 tensor + float64 0-dim tensor gives float64)."""
    torch = _torch()

    def make(orig: Any) -> Any:
        def op(a: Any, b: Any, *args: Any, **kw: Any) -> Any:
            if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.dim() \
                    and not b.dim() and a.dtype != b.dtype:
                wide = torch.promote_types(a.dtype, b.dtype)
                return orig(a.to(wide), b.to(wide), *args, **kw)
            return orig(a, b, *args, **kw)
        return op
    _binary_ops(make)


def _focal_alpha_on_wrong_class() -> None:
    """sigmoid_focal_loss weights positives by 1 - alpha and negatives by alpha (the
    formula with alpha and 1 - alpha swapped)."""
    import conformance.execute.focal as focal
    original = focal.sigmoid_focal_loss

    def sigmoid_focal_loss(inputs: Any, targets: Any, alpha: float = 0.25, gamma: float = 2,
                           reduction: str = "none") -> Any:
        return original(inputs, targets, 1 - alpha if alpha >= 0 else alpha, gamma, reduction)
    focal.sigmoid_focal_loss = sigmoid_focal_loss


def _focal_gamma_ignored() -> None:
    """softmax_focal_loss drops the modulating factor: plain (weighted) cross-entropy."""
    import conformance.execute.focal as focal
    original = focal.softmax_focal_loss

    def softmax_focal_loss(input: Any, target: Any, alpha: Any = None, gamma: float = 2.0,
                           reduction: str = "mean", ignore_index: int = -100) -> Any:
        return original(input, target, alpha, 0.0, reduction, ignore_index)
    focal.softmax_focal_loss = softmax_focal_loss


def _from_numpy_copies_negative_strides() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def from_numpy(arr: Any) -> Any:
            if hasattr(arr, "strides") and any(s < 0 for s in arr.strides):
                return orig(arr.copy())
            return orig(arr)
        return from_numpy
    _set(torch, "from_numpy", make)


# ---- devices and .to() --------------------------------------------------------------------------

DEVICES = "conformance/claim_tests/test_devices.py"


def _to_copies_when_unchanged() -> None:
    torch = _torch()
    _set(torch.Tensor, "to", lambda orig: lambda self, *a, **k: (
        lambda r: r.clone() if r is self else r)(orig(self, *a, **k)))


def _to_copy_true_returns_self() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def to(self: Any, *a: Any, **k: Any) -> Any:
            k.pop("copy", None)
            return orig(self, *a, **k)
        return to
    _set(torch.Tensor, "to", make)


def _to_device_dtype_ignores_dtype() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def to(self: Any, *a: Any, **k: Any) -> Any:
            if len(a) == 2 and isinstance(a[1], torch.dtype):
                return orig(self, a[0], **k)
            return orig(self, *a, **k)
        return to
    _set(torch.Tensor, "to", make)


def _like_ignores_device() -> None:
    torch = _torch()
    for name in ("zeros_like", "ones_like", "empty_like", "full_like"):
        _set(torch, name, lambda orig: lambda input, *a, **k: orig(
            input, *a, **{key: v for key, v in k.items() if key != "device"}))


# ---- creation, memory and the NumPy bridge (issue 17, breadth-create) -------------------------

CREATION = "conformance/claim_tests/test_creation_memory.py"


def _legacy_sizes_as_data() -> None:
    torch = _torch()
    original = torch.Tensor.__new__

    def new(cls: Any, *args: Any, **kwargs: Any) -> Any:
        if args and all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            return original(cls, list(args), **kwargs)
        return original(cls, *args, **kwargs)
    torch.Tensor.__new__ = new


def _set_default_dtype_noop() -> None:
    torch = _torch()
    torch.set_default_dtype = lambda d: None


def _view_dtype_copies() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def view(self: Any, *a: Any, **k: Any) -> Any:
            out = orig(self, *a, **k)
            return out.clone() if len(a) == 1 and isinstance(a[0], torch.dtype) else out
        return view
    _set(torch.Tensor, "view", make)


def _like_drops_channels_last() -> None:
    torch = _torch()
    for name in ("zeros_like", "ones_like", "empty_like", "full_like"):
        _set(torch, name, lambda orig: lambda input, *a, **k: orig(
            input, *a, **{"memory_format": torch.contiguous_format, **k}))


def _numpy_t_swaps_last_two() -> None:
    torch = _torch()
    original = torch.Tensor.T
    torch.Tensor.T = property(lambda self: self.mT if self.dim() > 2 else original.__get__(self))


def _data_ptr_ignores_offset() -> None:
    torch = _torch()
    torch.Tensor.data_ptr = lambda self: self.untyped_storage().data_ptr() if self.numel() else 0


def _reshape_as_copies() -> None:
    torch = _torch()
    _set(torch.Tensor, "reshape_as",
         lambda orig: lambda self, other: orig(self, other).clone())


def _broadcast_shapes_takes_max() -> None:
    torch = _torch()

    def broadcast_shapes(*shapes: Any) -> Any:
        norm = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
        n = max((len(s) for s in norm), default=0)
        padded = [(1,) * (n - len(s)) + s for s in norm]
        return torch.Size([max(d) for d in zip(*padded)])
    torch.broadcast_shapes = broadcast_shapes


def _tensor_copies_negative_strides() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def tensor(data: Any, *a: Any, **k: Any) -> Any:
            if type(data).__name__ == "ndarray" and any(s < 0 for s in data.strides):
                data = data.copy()
            return orig(data, *a, **k)
        return tensor
    _set(torch, "tensor", make)


def _new_ignores_device() -> None:
    torch = _torch()
    for name in ("new_zeros", "new_ones", "new_empty", "new_full", "new_tensor"):
        _set(torch.Tensor, name, lambda orig: lambda self, *a, **k: orig(
            self, *a, **{key: v for key, v in k.items() if key != "device"}))


def _negative_step_flips() -> None:
    torch = _torch()

    def make(orig: Any) -> Any:
        def getitem(self: Any, index: Any) -> Any:
            if isinstance(index, slice) and index.step is not None and index.step < 0:
                return orig(self.flip(0), slice(None, None, -index.step))
            return orig(self, index)
        return getitem
    _set(torch.Tensor, "__getitem__", make)


# ---- random sampling (CREATE-20, CREATE-21) ---------------------------------------------------

def _randn_drops_requires_grad() -> None:
    torch = _torch()
    _set(torch, "randn", lambda orig: lambda *a, **k: orig(
        *a, **{key: v for key, v in k.items() if key != "requires_grad"}))


def _uniform__returns_new() -> None:
    torch = _torch()
    _set(torch.Tensor, "uniform_", lambda orig: lambda self, *a, **k: orig(self.clone(), *a, **k))


# ---- the gradient at a non-differentiable point (issue 16) -----------------------------------

def _clamp_gradient_is_zero() -> None:
    """Tensor.clamp's backward gives 0 everywhere, inside the bounds too. (A gradient passed on
    where the input was clamped, 1 for 0, is what clamp-gradient-at-bound records for torch
    before 2.14, path and values alike: on 2.13 such a mutant would be EXPECTED, not caught.)"""
    torch = _torch()
    original = torch.Tensor.clamp

    class Flat(torch.autograd.Function):  # type: ignore[name-defined]
        @staticmethod
        def forward(ctx: Any, x: Any, low: Any, high: Any) -> Any:
            return original(x, low, high)

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return grad * 0, None, None

    def clamp(self: Any, min: Any = None, max: Any = None) -> Any:  # noqa: A002
        return Flat.apply(self, min, max)
    torch.Tensor.clamp = clamp


MUTANTS: tuple[Mutant, ...] = (
    Mutant("view_returns_copy", "Tensor.view returns a copy instead of a view.",
           ("VIEW-01", "VIEW-02", "VIEW-04"), f"{PROGRAMS}::test_view_programs",
           _view_returns_copy),
    Mutant("basic_indexing_copies",
           "Tensor.__getitem__ clones the result when the index has only ints, slices, None "
           "and Ellipsis (basic indexing should return a view).",
           ("INDEX-01", "VIEW-01", "VIEW-02"), f"{PROGRAMS}::test_view_programs",
           _basic_indexing_copies),
    Mutant("iadd_returns_new", "Tensor.__iadd__ returns self + other, a new tensor.",
           ("INPLACE-01", "INPLACE-02", "INPLACE-06"), f"{PROGRAMS}::test_inplace_programs",
           _iadd_returns_new),
    Mutant("add__leaves_self_unchanged",
           "Tensor.add_ returns self without changing it (and bumps no version).",
           ("INPLACE-01", "INPLACE-02"), f"{PROGRAMS}::test_inplace_programs",
           _add__leaves_self_unchanged),
    Mutant("add_out_ignored", "torch.add with out= ignores out and returns a new tensor.",
           ("OUT-01",), f"{PROGRAMS}::test_out_programs", _add_out_ignored),
    Mutant("reshape_always_copies",
           "Tensor.reshape and torch.reshape return a clone of a contiguous reshape, even when "
           "a view is possible.", ("RESHAPE-01",),
           f"{CLAIMS}::test_view_needs_compatible_strides",
           _reshape_always_copies),
    Mutant("contiguous_always_copies",
           "Tensor.contiguous returns clone(memory_format=torch.contiguous_format), even for a "
           "contiguous tensor (documented: returns self).", ("VIEW-05",),
           f"{CLAIMS}::test_contiguous_returns_self_or_copy", _contiguous_always_copies),
    Mutant("expand_materialises",
           "Tensor.expand returns a clone of the expanded view (new memory, no stride 0).",
           ("VIEW-08", "VIEW-04"), f"{CLAIMS}::test_expand_sets_stride_zero",
           _expand_materialises),
    Mutant("gather_ignores_dim", "torch.gather and Tensor.gather always gather along dim 0.",
           ("INDEX-07",), "conformance/claim_tests/test_claims.py::test_gather_follows_dim",
           _gather_ignores_dim),
    Mutant("item_accepts_many",
           "Tensor.item returns the first element for any numel >= 1 instead of raising.",
           ("ITEM-01",),
           "conformance/claim_tests/test_claims.py::test_item_needs_exactly_one_element",
           _item_accepts_many),
    Mutant("mm_accepts_batches",
           "torch.mm and Tensor.mm fall back to torch.matmul when an input is not 2-D.",
           ("MATH-03",), f"{PROGRAMS}::test_out_programs", _mm_accepts_batches),
    # -- beyond the required list --
    Mutant("transpose_returns_contiguous_copy",
           "Tensor.transpose and torch.transpose return a contiguous copy, not a view.",
           ("VIEW-04", "VIEW-01"), f"{PROGRAMS}::test_view_programs",
           _transpose_returns_contiguous_copy),
    Mutant("clone_shares_storage",
           "Tensor.clone and torch.clone return self.view_as(self): a view, not a copy.",
           ("VIEW-07",), f"{CLAIMS}::test_clone_has_own_storage_and_preserves_dense_strides",
           _clone_shares_storage),
    Mutant("unsqueeze_negative_dim_off_by_one",
           "Tensor.unsqueeze / torch.unsqueeze map a negative dim d to d + dim() instead of "
           "d + dim() + 1.", ("VIEW-04",), f"{PROGRAMS}::test_view_programs",
           _unsqueeze_negative_dim_off_by_one),
    Mutant("masked_select_no_broadcast",
           "torch.masked_select / Tensor.masked_select raise unless mask and input have the "
           "same shape (the mask should broadcast).", ("INDEX-05",),
           f"{PROGRAMS}::test_index_programs", _masked_select_no_broadcast),
    Mutant("nonzero_returns_int32",
           "torch.nonzero / Tensor.nonzero return int32 indices instead of int64.",
           ("INDEX-06",), f"{PROGRAMS}::test_index_programs", _nonzero_returns_int32),
    Mutant("setitem_advanced_noop",
           "Tensor.__setitem__ with an advanced index (list, tensor, bool) writes nothing.",
           ("INDEX-03",), f"{PROGRAMS}::test_setitem_programs", _setitem_advanced_noop),
    Mutant("mul__bumps_version_twice",
           "Tensor.mul_ and *= are two in-place ops (mul_ then mul_(True)): the version "
           "counter is bumped twice.", ("INPLACE-02",), f"{PROGRAMS}::test_inplace_programs",
           _mul__bumps_version_twice),
    Mutant("div_truncates_ints",
           "True division of integer tensors (/, /=, div, div_, true_divide) floor-divides "
           "and keeps the integer dtype instead of promoting to float.",
           ("MATH-01", "INPLACE-04", "OUT-03"), f"{CLAIMS}::test_promotion_and_true_division",
           _div_truncates_ints),
    Mutant("sum_int_keeps_dtype",
           "torch.sum / Tensor.sum of bool and narrow integer tensors keep the input dtype "
           "instead of returning int64.", ("MATH-02",),
           "conformance/claim_tests/test_claims.py::test_reductions_dtype_and_keepdim",
           _sum_int_keeps_dtype),
    Mutant("tensor_infers_float64",
           "torch.tensor infers float64 from Python floats instead of the default dtype.",
           ("CREATE-01",), f"{CLAIMS}::test_tensor_infers_dtype", _tensor_infers_float64),
    Mutant("tensor_of_tensor_shares",
           "torch.tensor(t) returns t.detach(), sharing storage and without the warning.",
           ("CREATE-02",), f"{CLAIMS}::test_tensor_of_tensor_copies_and_warns",
           _tensor_of_tensor_shares),
    Mutant("arange_includes_end", "torch.arange includes end.", ("CREATE-03",),
           f"{CLAIMS}::test_arange_excludes_end", _arange_includes_end),
    Mutant("like_ignores_dtype", "torch.zeros_like ignores its dtype= argument.",
           ("CREATE-04",), f"{CLAIMS}::test_like_and_new_keep_dtype_and_device",
           _like_ignores_dtype),
    Mutant("flatten_always_copies", "Tensor.flatten returns a clone, never self or a view.",
           ("RESHAPE-02",), f"{CLAIMS}::test_flatten_object_view_or_copy",
           _flatten_always_copies),
    Mutant("scatter__returns_copy",
           "Tensor.scatter_ scatters into a clone and leaves self unchanged.", ("INDEX-08",),
           f"{CLAIMS}::test_scatter_writes_in_place", _scatter__returns_copy),
    Mutant("advanced_getitem_shares",
           "x[[i]] returns the view x[i:i+1] instead of a copy.", ("INDEX-09", "INDEX-02"),
           f"{CLAIMS}::test_d2l_indexing_shares_memory_only_for_basic",
           _advanced_getitem_shares),
    Mutant("full_ignores_fill_dtype",
           "torch.full always uses the default dtype instead of inferring it from fill_value.",
           ("CREATE-05",), f"{CLAIMS}::test_factories_shape_dtype_and_fill",
           _full_ignores_fill_dtype),
    Mutant("div__returns_new", "Tensor.div_ returns a new tensor and leaves self unchanged.",
           ("INPLACE-01", "INPLACE-02"),
           "conformance/claim_tests/test_state_machine.py::test_memory_semantics_state_machine",
           _div__returns_new),
    # -- autograd (issue 3) --
    Mutant("backward_overwrites_grad",
           "Tensor.backward clears the .grad of every leaf it reaches first: gradients are "
           "overwritten instead of accumulated.", ("GRAD-03",),
           f"{AUTOGRAD}::test_backward_accumulates_in_place", _backward_overwrites_grad),
    Mutant("no_grad_does_nothing", "torch.no_grad() leaves grad mode on.", ("MODE-01",),
           f"{AUTOGRAD}::test_grad_modes", _no_grad_does_nothing),
    Mutant("detach_copies", "Tensor.detach returns a detached clone (new memory).",
           ("SAVED-03",), f"{AUTOGRAD}::test_data_versus_detach", _detach_copies),
    Mutant("data_returns_detach",
           "Tensor.data returns detach(), sharing the version counter.", ("SAVED-04",),
           f"{AUTOGRAD}::test_data_versus_detach", _data_returns_detach),
    Mutant("clone_cuts_graph", "Tensor.clone / torch.clone clone a detached tensor.",
           ("GRAD-02", "GRAD-09"), f"{AUTOGRAD}::test_second_backward_needs_retain_graph",
           _clone_cuts_graph),
    Mutant("nonscalar_backward_uses_ones",
           "Tensor.backward() on a non-scalar output uses ones as its gradient instead of "
           "raising.", ("GRAD-04",), f"{AUTOGRAD}::test_backward_gradient_argument",
           _nonscalar_backward_uses_ones),
    Mutant("gradient_argument_ignored",
           "Tensor.backward(gradient) ignores gradient and uses ones.", ("GRAD-04",),
           f"{AUTOGRAD}::test_backward_gradient_argument", _gradient_argument_ignored),
    Mutant("backward_always_retains_graph",
           "Tensor.backward always retains the graph (saved tensors never freed).",
           ("GRAD-05",), f"{AUTOGRAD}::test_second_backward_needs_retain_graph",
           _backward_always_retains_graph),
    Mutant("zero_grad_fills_zeros",
           "Optimizer.zero_grad() zeroes gradients in place by default instead of setting "
           "them to None.", ("OPTIM-01",), f"{AUTOGRAD}::test_optimizer_and_clearing",
           _zero_grad_fills_zeros),
    Mutant("requires_grad__noop", "Tensor.requires_grad_() does nothing.", ("GRAD-01",),
           f"{AUTOGRAD}::test_requires_grad_and_leaves", _requires_grad__noop),
    Mutant("grad_accumulates_out_of_place",
           "Accumulation replaces .grad by a new tensor (a clone, then summed into) instead of "
           "adding in place.", ("GRAD-03", "GRAD-06"),
           f"{AUTOGRAD}::test_backward_accumulates_in_place", _grad_accumulates_out_of_place),
    # -- the NumPy bridge (issue 4) --
    Mutant("numpy_copies", "Tensor.numpy returns a copy of the tensor's memory.",
           ("BRIDGE-01",), f"{BRIDGE}::test_numpy_shares_memory", _numpy_copies),
    Mutant("from_numpy_copies", "torch.from_numpy returns a clone (its own memory).",
           ("BRIDGE-03",), f"{BRIDGE}::test_from_numpy_shares_memory", _from_numpy_copies),
    Mutant("tensor_shares_arrays",
           "torch.tensor(ndarray) returns torch.from_numpy(ndarray) (no copy).",
           ("BRIDGE-04",), f"{BRIDGE}::test_tensor_copies_as_tensor_shares",
           _tensor_shares_arrays),
    Mutant("as_tensor_copies", "torch.as_tensor always returns a copy.", ("BRIDGE-04",),
           f"{BRIDGE}::test_tensor_copies_as_tensor_shares", _as_tensor_copies),
    Mutant("numpy_detaches",
           "Tensor.numpy silently detaches a tensor that requires grad instead of raising.",
           ("BRIDGE-02",), f"{BRIDGE}::test_numpy_refuses", _numpy_detaches),
    Mutant("from_numpy_copies_negative_strides",
           "torch.from_numpy copies an array with negative strides instead of refusing it.",
           ("BRIDGE-03",), f"{BRIDGE}::test_from_numpy_shares_memory",
           _from_numpy_copies_negative_strides),
    Mutant("asarray_copy_true_shares", "torch.asarray ignores copy=True (shares memory).",
           ("BRIDGE-07",), f"{BRIDGE}::test_asarray", _asarray_copy_true_shares),
    Mutant("numpy_ignores_conj_bit",
           "Tensor.numpy of a conjugate view returns the unconjugated memory instead of "
           "raising.", ("BRIDGE-02",), f"{BRIDGE}::test_numpy_refuses",
           _numpy_ignores_conj_bit),
    Mutant("clone_keeps_conj_bit", "Tensor.clone of a conjugate view keeps the bit set.",
           ("BRIDGE-08",), f"{BRIDGE}::test_conjugate_bit", _clone_keeps_conj_bit),
    # -- broadcasting and type promotion --
    Mutant("broadcast_needs_equal_rank",
           "binary ops refuse operands of different rank instead of broadcasting them.",
           ("BCAST-01",), "conformance/claim_tests/test_shapes_and_scalars.py::"
           "test_broadcast_rule", _broadcast_needs_equal_rank),
    Mutant("zero_dim_tensors_outrank",
           "a 0-dim tensor's dtype wins over a dimensioned tensor's in type promotion.",
           ("BCAST-02",), f"{CLAIMS}::test_promotion_and_true_division",
           _zero_dim_tensors_outrank),
    # -- losses (issue 8) --
    Mutant("focal_alpha_on_wrong_class",
           "sigmoid focal loss applies alpha to the negatives and 1 - alpha to the positives.",
           ("LOSS-01",), "conformance/claim_tests/test_focal.py::test_sigmoid_focal_loss",
           _focal_alpha_on_wrong_class),
    Mutant("focal_gamma_ignored",
           "softmax focal loss ignores gamma (the modulating factor is always 1).",
           ("LOSS-02",), "conformance/claim_tests/test_focal.py::test_softmax_focal_loss",
           _focal_gamma_ignored),
    # -- devices and .to() (issue 4) --
    Mutant("to_copies_when_unchanged",
           "Tensor.to returns a clone when dtype and device already match.", ("DEVICE-01",),
           f"{DEVICES}::test_to_returns_self_or_a_copy", _to_copies_when_unchanged),
    Mutant("to_copy_true_returns_self",
           "Tensor.to(..., copy=True) drops copy=True (returns self when nothing changes).",
           ("DEVICE-01",), f"{DEVICES}::test_to_returns_self_or_a_copy",
           _to_copy_true_returns_self),
    Mutant("to_device_dtype_ignores_dtype",
           "Tensor.to(device, dtype) moves to the device and ignores the dtype.",
           ("DEVICE-01",), f"{DEVICES}::test_to_returns_self_or_a_copy",
           _to_device_dtype_ignores_dtype),
    Mutant("like_ignores_device", "torch.*_like ignore their device= argument.",
           ("DEVICE-03",), f"{DEVICES}::test_devices_of_results", _like_ignores_device),
    # -- creation, memory and the NumPy bridge (issue 17) --
    Mutant("legacy_sizes_as_data",
           "torch.Tensor(2, 3) builds the data [2., 3.] instead of a (2, 3) tensor.",
           ("CREATE-06",), f"{CREATION}::test_legacy_constructor", _legacy_sizes_as_data),
    Mutant("set_default_dtype_noop", "torch.set_default_dtype does nothing.", ("CREATE-07",),
           f"{CREATION}::test_set_default_dtype", _set_default_dtype_noop),
    Mutant("view_dtype_copies", "Tensor.view(dtype) returns a copy, not an alias.",
           ("VIEW-09",), f"{CREATION}::test_view_dtype", _view_dtype_copies),
    Mutant("like_drops_channels_last",
           "torch.*_like lay their result out contiguous instead of preserving the input's "
           "format (channels_last).", ("VIEW-10",), f"{CREATION}::test_channels_last",
           _like_drops_channels_last),
    Mutant("numpy_t_swaps_last_two",
           "x.T on a tensor of more than 2 dims swaps the last two dims instead of reversing "
           "all of them.", ("VIEW-11",), f"{CREATION}::test_transpose_property_t",
           _numpy_t_swaps_last_two),
    Mutant("data_ptr_ignores_offset",
           "Tensor.data_ptr returns the storage's address, leaving out the storage offset.",
           ("VIEW-12",), f"{CREATION}::test_storage_and_data_ptr", _data_ptr_ignores_offset),
    Mutant("reshape_as_copies", "Tensor.reshape_as always returns a copy.", ("RESHAPE-04",),
           f"{CREATION}::test_reshape_as", _reshape_as_copies),
    Mutant("broadcast_shapes_takes_max",
           "torch.broadcast_shapes takes the largest size in each dim instead of raising for "
           "incompatible shapes.", ("BCAST-04",), f"{CREATION}::test_broadcast_shapes",
           _broadcast_shapes_takes_max),
    Mutant("tensor_copies_negative_strides",
           "torch.tensor copies a NumPy array with negative strides instead of refusing it.",
           ("BRIDGE-09",), f"{CREATION}::test_bridge_refuses_arrays",
           _tensor_copies_negative_strides),
    Mutant("new_ignores_device", "Tensor.new_* ignore their device= argument.",
           ("DEVICE-03",), f"{CREATION}::test_like_and_new_on_another_device",
           _new_ignores_device),
    Mutant("negative_step_flips",
           "x[::-k] returns a flipped copy (as NumPy's view reads) instead of raising.",
           ("INDEX-01",), f"{CREATION}::test_slice_steps", _negative_step_flips),
    # ---- issue 17's ops (breadth-reduce): patches in breadth_ops.py ----
    Mutant("var_std_biased_by_default",
           "torch.var/std and Tensor.var/std use correction 0 (divide by N) by default.",
           ("MATH-11",), f"{REDUCTIONS}::test_std_var", ops.var_std_biased_by_default),
    Mutant("sort_ignores_descending", "torch.sort and Tensor.sort always sort ascending.",
           ("MATH-13",), f"{REDUCTIONS}::test_sort_topk", ops.sort_ignores_descending),
    Mutant("equal_broadcasts",
           "torch.equal compares broadcastable tensors elementwise (sizes may differ).",
           ("MATH-14",), f"{REDUCTIONS}::test_allclose_equal", ops.equal_broadcasts),
    Mutant("cat_keeps_first_dtype",
           "torch.cat converts every tensor to the first one's dtype (no type promotion).",
           ("INDEX-14",), f"{INDEXING}::test_cat_stack", ops.cat_keeps_first_dtype),
    Mutant("flip_reverses_all_dims", "torch.flip and Tensor.flip reverse every dimension.",
           ("INDEX-11",), f"{INDEXING}::test_negative_steps_and_flip",
           ops.flip_reverses_all_dims),
    Mutant("unfold_returns_copy", "Tensor.unfold returns a copy of its windows, not a view.",
           ("VIEW-04",), f"{SHAPES}::test_unflatten_unfold", ops.unfold_returns_copy),
    Mutant("resize__returns_new",
           "Tensor.resize_ resizes a clone and returns it, leaving self unchanged.",
           ("INPLACE-07",), f"{SHAPES}::test_resize_", ops.resize__returns_new),
    Mutant("uint8_index_is_integer",
           "A uint8 index tensor selects rows by position instead of acting as a mask.",
           ("INDEX-13",), f"{INDEXING}::test_index_tensor_dtypes_and_shapes",
           ops.uint8_index_is_integer),
    Mutant("type_cast_always_copies",
           "Tensor.type(t) returns a copy even when the tensor already has type t.",
           ("DEVICE-05",), "conformance/claim_tests/test_legacy_types.py::"
           "test_type_name_and_dtype_casts", ops.type_cast_always_copies),
    Mutant("float_of_many_takes_first",
           "float() of a tensor of several elements returns its first element.",
           ("ITEM-03",), f"{SHAPES}::test_python_scalars", ops.float_of_many_takes_first),
    Mutant("index_select_out_resized_silently",
           "torch.index_select empties a wrong-shaped out= first, so the resize never warns.",
           ("OUT-05",), f"{SHAPES}::test_out_rules", ops.index_select_out_resized_silently),
    # ---- issue 17's second breadth pass (breadth2): patches in bits_ops.py ----
    Mutant("float8_e4m3fn_overflows_to_nan",
           "A cast to float8_e4m3fn gives NaN past 448 instead of saturating.",
           ("CREATE-08",), f"{BITS}::test_float8_creation_and_casts",
           bits.float8_e4m3fn_overflows_to_nan),
    Mutant("sparse_numpy_densifies",
           "numpy() of a sparse tensor returns its dense values instead of raising TypeError.",
           ("BRIDGE-10",), f"{BITS}::test_to_sparse_and_the_bridge", bits.sparse_numpy_densifies),
    Mutant("typed_constructor_casts_tensors",
           "torch.DoubleTensor(t) (and IntTensor, FloatTensor) casts a tensor of another "
           "dtype instead of refusing it.", ("CREATE-09",),
           "conformance/claim_tests/test_legacy_types.py::test_typed_constructors",
           bits.typed_constructor_casts_tensors),
    Mutant("conj_imag_resolved",
           "x.conj().imag is the imaginary part of a resolved copy: no negative bit, no view.",
           ("BRIDGE-11",), f"{BITS}::test_negative_bit", bits.conj_imag_resolved),
    Mutant("mv_is_matmul", "torch.mv and Tensor.mv accept what matmul accepts (vectors, batches).",
           ("MATH-16",), f"{BITS}::test_mv", bits.mv_is_matmul),
    # -- random sampling (issue 20) --
    Mutant("randn_drops_requires_grad", "torch.randn ignores requires_grad=True.",
           ("CREATE-20",), f"{RANDOM}::test_random_factories", _randn_drops_requires_grad),
    Mutant("uniform__returns_new",
           "Tensor.uniform_ samples into a copy and returns it, leaving self unchanged.",
           ("CREATE-21",), f"{RANDOM}::test_in_place_and_like_samplers", _uniform__returns_new),
    # -- autograd's wider API (issue 17) --
    Mutant("hook_return_ignored",
           "Tensor.register_hook calls the hook but ignores the tensor it returns.",
           ("GRAD-13",), f"{api.TEST}::test_tensor_hooks", api.hook_return_ignored),
    Mutant("create_graph_ignored",
           "Tensor.backward ignores create_graph=True (.grad gets no graph, no warning).",
           ("GRAD-11",), f"{api.TEST}::test_create_graph", api.create_graph_ignored),
    Mutant("manual_grad_made_contiguous",
           "Assigning x.grad stores a contiguous copy, losing the manual layout.",
           ("GRAD-12",), f"{api.TEST}::test_manual_gradient_layouts",
           api.manual_grad_made_contiguous),
    Mutant("gradcheck_always_true", "torch.autograd.gradcheck returns True without checking.",
           ("GRAD-14",), f"{api.TEST}::test_gradcheck", api.gradcheck_always_true),
    Mutant("out_ignores_requires_grad",
           "torch.add/mul/mm with out= run as under no_grad instead of refusing arguments "
           "that require grad.", ("GRAD-15",), f"{api.TEST}::test_out_refuses_autograd",
           api.out_ignores_requires_grad),
    Mutant("item_refuses_requires_grad", "Tensor.item raises on a tensor that requires grad.",
           ("GRAD-16",), f"{api.TEST}::test_clone_and_item_in_autograd",
           api.item_refuses_requires_grad),
    Mutant("parameter_copies_data",
           "nn.Parameter(data) holds a copy of data instead of sharing its storage.",
           ("GRAD-17",), f"{api.TEST}::test_parameter", api.parameter_copies_data),
    Mutant("linear_ignores_bias", "F.linear (and nn.Linear) leave out the bias.",
           ("GRAD-18",), f"{api.TEST}::test_linear", api.linear_ignores_bias),
    Mutant("module_zero_grad_fills_zeros",
           "Module.zero_grad() zeroes gradients in place by default instead of setting them "
           "to None.", ("OPTIM-04",), f"{api.TEST}::test_module_zero_grad",
           api.module_zero_grad_fills_zeros),
    Mutant("sgd_nesterov_ignored", "SGD(nesterov=True) steps with plain momentum.",
           ("OPTIM-05",), f"{api.TEST}::test_sgd_variants", api.sgd_nesterov_ignored),
    Mutant("data_assignment_bumps_version", "x.data = t moves x's version counter.",
           ("SAVED-05",), f"{api.TEST}::test_data_assignment",
           api.data_assignment_bumps_version),
    Mutant("weighted_mean_divides_by_n",
           "cross_entropy with class weights and 'mean' divides by the number of targets, "
           "not by their summed weights.", ("LOSS-05",), f"{api.TEST}::test_weighted_losses",
           api.weighted_mean_divides_by_n),
    Mutant("clamp_gradient_is_zero",
           "Tensor.clamp's gradient is 0 everywhere, between the bounds too.",
           ("GRAD-09",), "conformance/claim_tests/test_autograd.py::test_gradients_of_named_ops",
           _clamp_gradient_is_zero),
)

BY_NAME: dict[str, Mutant] = {m.name: m for m in MUTANTS}
assert len(BY_NAME) == len(MUTANTS), "duplicate mutant name"


def get(name: str) -> Mutant:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown mutant {name!r}; known: {', '.join(BY_NAME)}") from None
