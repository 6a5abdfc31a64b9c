"""Patches for the mutants of issue 17's second breadth pass: float8 rounding, the sparse
layout and the NumPy bridge, the legacy typed constructors, the negative bit, torch.mv.

Each function breaks one documented behaviour of real torch when applied; the entries that name
them (and the claim test expected to catch each) are in ``catalogue.py``. Originals are
captured when a patch is applied.
"""

from __future__ import annotations

from typing import Any

from . import torch_module as _torch


def float8_e4m3fn_overflows_to_nan() -> None:
    """Casting to float8_e4m3fn gives NaN past its largest finite value (448) instead of
    saturating."""
    torch = _torch()
    orig = torch.Tensor.to

    def patched(self: Any, *a: Any, **k: Any) -> Any:
        out = orig(self, *a, **k)
        if out is not self and out.dtype == torch.float8_e4m3fn and self.dtype.is_floating_point \
                and self.device.type != "meta":
            past = orig(self, torch.float64).abs() > 464
            out.view(torch.uint8)[past] = 0x7F
        return out
    torch.Tensor.to = patched


def sparse_numpy_densifies() -> None:
    """numpy() of a sparse tensor returns its dense values instead of raising."""
    torch = _torch()
    orig = torch.Tensor.numpy

    def patched(self: Any, *a: Any, **k: Any) -> Any:
        if self.layout != torch.strided:
            return orig(self.to_dense(), *a, **k)
        return orig(self, *a, **k)
    torch.Tensor.numpy = patched


def typed_constructor_casts_tensors() -> None:
    """torch.DoubleTensor(t), torch.IntTensor(t), torch.FloatTensor(t) cast a tensor of
    another dtype instead of refusing it."""
    torch = _torch()
    for name in ("DoubleTensor", "IntTensor", "FloatTensor"):
        orig = getattr(torch, name)

        class Typed(type):
            def __instancecheck__(cls, obj: Any, _orig: Any = orig) -> bool:
                return isinstance(obj, _orig)

            def __call__(cls, *a: Any, _orig: Any = orig, **k: Any) -> Any:
                if len(a) == 1 and isinstance(a[0], torch.Tensor) and a[0].dtype != _orig.dtype:
                    return a[0].to("cpu", _orig.dtype)
                return _orig(*a, **k)

            @property
            def dtype(cls, _orig: Any = orig) -> Any:
                return _orig.dtype
        setattr(torch, name, Typed(name, (), {}))


def conj_imag_resolved() -> None:
    """x.conj().imag is the imaginary part of a resolved copy: the right values, but neither a
    view of x nor a tensor with the negative bit."""
    torch = _torch()
    orig = torch.Tensor.imag

    def imag(self: Any) -> Any:
        return orig.__get__(self.resolve_conj() if self.is_conj() else self)
    torch.Tensor.imag = property(imag)


def mv_is_matmul() -> None:
    """torch.mv and Tensor.mv are matmul: they accept vectors, batches and matrices."""
    torch = _torch()

    def mv(input: Any, vec: Any, *, out: Any = None) -> Any:
        return torch.matmul(input, vec) if out is None else torch.matmul(input, vec, out=out)
    torch.mv = mv
    torch.Tensor.mv = mv
