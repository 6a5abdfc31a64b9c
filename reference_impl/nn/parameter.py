"""``torch.nn.Parameter``: a leaf tensor that requires grad by default.

https://docs.pytorch.org/docs/stable/generated/torch.nn.parameter.Parameter.html
"A kind of Tensor that is to be considered a module parameter." It is made as torch's
``Tensor._make_subclass`` makes it: ``data.detach()`` (the same storage and version counter)
with requires_grad set, so it is a leaf whatever ``data`` was; grad mode does not matter
(https://docs.pytorch.org/docs/stable/generated/torch.no_grad.html: factory functions and
"nn.Parameter" created inside no_grad still require grad). Results of operations on it are
plain tensors.
"""

from __future__ import annotations

from .._core.errors import NotModelled
from .._core.modes import is_inference_mode_enabled
from .._core.tensor import Tensor
from .._kernels.creation import empty


class Parameter(Tensor):
    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = empty(0)
        p = cls._new(data._storage, data._offset, data._shape, data._strides, data._dtype,
                     vc=data._vc)
        p._conj = data._conj
        p._neg = data._neg
        p._inference = data._inference
        if requires_grad and not (data._dtype.is_floating_point or data._dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        if data._inference and not is_inference_mode_enabled():
            if requires_grad:
                raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                                   "InferenceMode is not allowed.")
            # torch 2.13 gives an inference tensor with a version counter here
            raise NotModelled("nn.Parameter of an inference tensor outside inference mode")
        p._requires_grad = bool(requires_grad)
        return p  # type: ignore[return-value]

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
