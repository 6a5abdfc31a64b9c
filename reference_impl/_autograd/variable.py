"""The autograd state of a tensor, as torch documents it: ``requires_grad``, ``grad``,
``grad_fn``, ``is_leaf``, ``retain_grad()``, ``detach()``, ``.data``.

https://docs.pytorch.org/docs/stable/notes/autograd.html
These are Tensor members; ``reference_impl._methods`` binds them.
"""

from __future__ import annotations

import warnings

from .._core.errors import NotModelled
from .._core.modes import CreationMeta
from .._core.tensor import Tensor
from .graph import Node, short_name
from .numpy_grads import regenerate_view_grad_fn


def requires_grad_get(self: Tensor) -> bool:
    """A view whose base requires grad requires grad too, even one made under no_grad."""
    if self._requires_grad or self._grad_fn is not None:
        return True
    base = self._base_t
    return base is not None and self._view and base.requires_grad


def requires_grad_set(self: Tensor, flag: bool) -> None:
    if flag and not (self._dtype.is_floating_point or self._dtype.is_complex):
        # Note: the setter words it differently from requires_grad_().
        raise RuntimeError("only Tensors of floating point and complex dtype can require "
                           "gradients")
    requires_grad_(self, flag)


def requires_grad_(self: Tensor, requires_grad: bool = True) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.requires_grad_.html
    Only leaves can change the flag; only floating point and complex tensors require grad."""
    if self.grad_fn is not None:
        if not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        return self
    if requires_grad and not (self._dtype.is_floating_point or self._dtype.is_complex):
        raise RuntimeError("only Tensors of floating point dtype can require gradients")
    if requires_grad and self._inference:
        raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                           "InferenceMode is not allowed.")
    self._requires_grad = bool(requires_grad)
    return self


def grad_fn_get(self: Tensor) -> Node | None:
    """A differentiable view whose family was modified in place since its grad_fn was made
    gets a fresh one (an AsStridedBackward0 onto its base), as torch regenerates it."""
    base = self._base_t
    if base is None or not self._view:
        return self._grad_fn
    if self._grad_fn is None and not base.requires_grad:
        return None
    if self._attr_version != self._vc.value:
        if self._creation is not CreationMeta.DEFAULT:
            raise RuntimeError(_indirect_rebase_message(self))
        regenerate_view_grad_fn(self)
    return self._grad_fn


_CLARIFY = ("Given that this use case is ambiguous and error-prone, it is forbidden. You can "
            "clarify your code by moving both the view and the inplace either both inside the "
            "{block} block (if you don't want the inplace to be tracked) or both outside (if you "
            "want the inplace to be tracked).")


def _indirect_rebase_message(t: Tensor) -> str:
    """torch's handle_view_on_rebase for a view whose family was modified in place. A view
    with a grad_fn of its own (made in grad mode from a view made under no_grad or in
    inference mode) is named: "Output N of <fn> is a view of a view which was created in"."""
    if t._creation in (CreationMeta.NO_GRAD_MODE, CreationMeta.INFERENCE_MODE):
        prefix = "A view was created in"
        if t._grad_fn is not None:
            prefix = (f"Output {t._output_nr} of {short_name(type(t._grad_fn).__name__)} is a "
                      "view of a view which was created in")
        if t._creation is CreationMeta.NO_GRAD_MODE:
            return (f"{prefix} no_grad mode and its base or another view of its base has been "
                    "modified inplace with grad mode enabled. " + _CLARIFY.format(block="no_grad"))
        return (f"{prefix} inference mode and its base or another view of its base has been "
                "modified inplace in normal mode. " + _CLARIFY.format(block="inference_mode"))
    name = short_name(type(t._grad_fn).__name__)
    return (f"Output {t._output_nr} of {name} is a view and its base or another view of its "
            "base has been modified inplace. This view is the output of a function that returns "
            "multiple views. Such functions do not allow the output views to be modified "
            "inplace. You should replace the inplace operation by an out-of-place one.")


NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    # Note: "for more informations." up to 2.6.
    "github.com/pytorch/pytorch/pull/30531 for more information")


def grad_get(self: Tensor) -> Tensor | None:
    if self.grad_fn is not None and not self._retains_grad and self._grad is None:
        warnings.warn(NON_LEAF_GRAD, UserWarning, stacklevel=2)
    return self._grad


def grad_set(self: Tensor, value: Tensor | None) -> None:
    # Note: no document words these refusals, and releases word them differently: 2.0 says
    # "assigned grad has data of a different size" (or "type", for a dtype and for a device
    # too), 2.6 and later "attempting to assign a gradient of size '[3]' to a tensor of size
    # '[2, 3]'..." (dtype: "... with dtype 'double' to a tensor with dtype 'float'" on 2.6,
    # "with grad_dtype 'Float'" from 2.11). The phrase is what they share.
    if value is not None:
        if not isinstance(value, Tensor):
            # Note: 2.0 prints no space before the type's name ("of typeint").
            raise TypeError("assigned grad expected to be a Tensor or None but got grad of type")
        if value._dtype is not self._dtype or value.device.type != self.device.type:
            raise RuntimeError("type")
        if value._shape != self._shape:
            raise RuntimeError("size")
    self._grad = value


def detach(self: Tensor) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.detach.html
    "Returns a new Tensor, detached from the current graph... The result will never require
    gradient." It shares storage and the version counter; it is not a view."""
    t = Tensor._new(self._storage, self._offset, self._shape, self._strides, self._dtype,
                    vc=self._vc)
    t._inference = self._inference
    t._conj = self._conj
    t._neg = self._neg
    return t


def detach_(self: Tensor) -> Tensor:
    if self._view and self._base_t is not None and self._base_t.requires_grad:
        raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are using "
                           "DistributedDataParallel (DDP) for training, and gradient_as_bucket_"
                           "view is set as True, gradients are views of DDP buckets, and hence "
                           "detach_() cannot be called on these gradients. To fix this error, "
                           "please refer to the Optimizer.zero_grad() function in torch/optim/"
                           "optimizer.py as the solution.")
    self._grad_fn = None
    self._requires_grad = False
    return self


def data_get(self: Tensor) -> Tensor:
    """``.data``: the same storage, never requiring grad, with a version counter of its own
    (so in-place changes through it are invisible to autograd's checks)."""
    t = Tensor._new(self._storage, self._offset, self._shape, self._strides, self._dtype)
    t._inference = self._inference
    t._conj = self._conj
    t._neg = self._neg
    return t


def data_set(self: Tensor, new: Tensor) -> None:
    """``x.data = t`` (VariableHooks::set_data): x takes t's storage, offset, sizes, strides and
    dtype, and keeps everything autograd knows of it: its own version counter, requires_grad,
    grad_fn, .grad (even of another shape or dtype) and hooks. So ``x.data *= k`` (an in-place
    op on the ``.data`` alias, then this setter) changes x's values without moving its version
    or recording anything.

    https://docs.pytorch.org/docs/stable/notes/autograd.html (``.data``: "changes to it will not
    be tracked by autograd")"""
    if not isinstance(new, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(new).__name__}")
    if new.device.type != self.device.type:
        raise RuntimeError("Attempted to call `variable.set_data(tensor)`, but `variable` and "
                           "`tensor` have incompatible tensor type.")
    if self.requires_grad and not (new._dtype.is_floating_point or new._dtype.is_complex):
        raise RuntimeError("data set to a tensor that requires gradients must be floating point "
                           "or complex dtype")
    if new._inference != self._inference:
        raise NotModelled(".data = t between an inference tensor and a normal one")
    acc = self._accumulator
    if acc is not None and new._dtype is not self._dtype:
        self._accumulator = None  # "Resets gradient accumulator if metadata is out of date"
    elif acc is not None and new._shape != self._shape:
        # Note: torch keeps the accumulator while some graph still refers to it (a weak
        # reference), with the old shape; whether one does is not the model's to know.
        raise NotModelled(".data = t of another shape on a tensor already used in a graph")
    self._storage, self._offset = new._storage, new._offset
    self._shape, self._strides, self._dtype = new._shape, new._strides, new._dtype
    self._conj = new._conj
    self._neg = new._neg


def retain_grad(self: Tensor) -> None:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.retain_grad.html"""
    if not self.requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    # Note: torch's C++ is_leaf() reads the node field itself, without rebuilding a view's
    # node (which raises for a no_grad view whose base changed in place): such a view is a
    # leaf here, and retain_grad() does nothing (seen on torch 2.13).
    if self._grad_fn is None or self._retains_grad:
        return
    self._retains_grad = True
    self.grad_fn._retained[self._output_nr] = self


def is_leaf(self: Tensor) -> bool:
    return self.grad_fn is None


def retains_grad(self: Tensor) -> bool:
    return self._retains_grad


def unspecified_graph(self: Tensor) -> bool:
    """The observer's hook: nodes recorded during a double backward are left open."""
    return self._grad_fn is not None and self._grad_fn._double
