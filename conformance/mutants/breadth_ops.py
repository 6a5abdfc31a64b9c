"""Patches for the mutants of the ops issue 17 added (reductions, sorting, comparisons, joining,
flip, the composite views, resize_, index dtypes, legacy types, float8).

Each function breaks one documented behaviour of real torch when applied; the entries that name
them (and the claim test expected to catch each) are in ``catalogue.py``. Originals are
captured when a patch is applied.
"""

from __future__ import annotations

from typing import Any

from . import torch_module as _torch


def var_std_biased_by_default() -> None:
    """var and std divide by N (correction 0) unless a correction is given."""
    torch = _torch()
    for owner in (torch, torch.Tensor):
        for name in ("var", "std"):
            orig = getattr(owner, name)

            def patched(input: Any, *a: Any, _orig: Any = orig, **k: Any) -> Any:
                if not a and "correction" not in k and "unbiased" not in k:
                    k["correction"] = 0
                return _orig(input, *a, **k)
            setattr(owner, name, patched)


def sort_ignores_descending() -> None:
    """sort sorts ascending whatever descending says."""
    torch = _torch()
    for owner in (torch, torch.Tensor):
        orig = owner.sort

        def patched(input: Any, *a: Any, _orig: Any = orig, **k: Any) -> Any:
            k.pop("descending", None)
            return _orig(input, *a[:1], **k)
        owner.sort = patched


def equal_broadcasts() -> None:
    """equal compares broadcastable tensors elementwise instead of requiring one size."""
    torch = _torch()
    orig = torch.equal

    def patched(input: Any, other: Any) -> bool:
        try:
            return bool((input == other).all())
        except RuntimeError:
            return bool(orig(input, other))
    torch.equal = patched
    torch.Tensor.equal = patched


def cat_keeps_first_dtype() -> None:
    """cat gives the first tensor's dtype instead of the promoted one."""
    torch = _torch()
    orig = torch.cat

    def patched(tensors: Any, *a: Any, **k: Any) -> Any:
        tensors = list(tensors)
        if tensors:
            tensors = [t.to(tensors[0].dtype) for t in tensors]
        return orig(tensors, *a, **k)
    torch.cat = patched


def flip_reverses_all_dims() -> None:
    """flip reverses every dim, not only the ones given."""
    torch = _torch()
    orig = torch.flip

    def patched(input: Any, *dims: Any) -> Any:
        return orig(input, list(range(input.dim())))
    torch.flip = patched
    torch.Tensor.flip = patched


def unfold_returns_copy() -> None:
    """Tensor.unfold returns a copy of the windows instead of a view."""
    torch = _torch()
    orig = torch.Tensor.unfold
    torch.Tensor.unfold = lambda self, *a, **k: orig(self, *a, **k).clone()


def resize__returns_new() -> None:
    """Tensor.resize_ resizes a clone and returns it, leaving self unchanged."""
    torch = _torch()
    orig = torch.Tensor.resize_
    torch.Tensor.resize_ = lambda self, *a, **k: orig(self.detach().clone(), *a, **k)


def uint8_index_is_integer() -> None:
    """A uint8 index tensor selects by position (as int64) instead of acting as a mask."""
    torch = _torch()
    orig = torch.Tensor.__getitem__

    def fix(part: Any) -> Any:
        if isinstance(part, torch.Tensor) and part.dtype == torch.uint8:
            return part.long()
        return part

    def patched(self: Any, index: Any) -> Any:
        if isinstance(index, tuple):
            return orig(self, tuple(fix(p) for p in index))
        return orig(self, fix(index))
    torch.Tensor.__getitem__ = patched


def type_cast_always_copies() -> None:
    """Tensor.type(t) returns a copy even when the tensor is already of type t."""
    torch = _torch()
    orig = torch.Tensor.type

    def patched(self: Any, dtype: Any = None, *a: Any, **k: Any) -> Any:
        out = orig(self, dtype, *a, **k)
        return out.clone() if out is self else out
    torch.Tensor.type = patched


def float_of_many_takes_first() -> None:
    """float() of a tensor of several elements returns the first instead of raising."""
    torch = _torch()
    orig = torch.Tensor.__float__

    def patched(self: Any) -> float:
        return float(orig(self.reshape(-1)[:1])) if self.numel() > 1 else float(orig(self))
    torch.Tensor.__float__ = patched


def index_select_out_resized_silently() -> None:
    """torch.index_select empties a wrong-shaped out= first, so its resize never warns."""
    torch = _torch()
    orig = torch.index_select

    def patched(input: Any, dim: Any, index: Any, *, out: Any = None) -> Any:
        if out is None:
            return orig(input, dim, index)
        out.resize_(0)
        return orig(input, dim, index, out=out)
    torch.index_select = patched
