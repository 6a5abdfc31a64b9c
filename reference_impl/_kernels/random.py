"""Random sampling: rand, randn, randint, randperm, normal, the ``*_like`` variants, the
in-place samplers (uniform_, normal_, random_), manual_seed and Generator.

https://docs.pytorch.org/docs/stable/torch.html#random-sampling
What is documented is compared: the shape, dtype, device, strides and requires_grad of the
result, a fresh storage, the version bump of an in-place sampler, the argument checks. Which
values are drawn is not (the documentation fixes a distribution, not a stream): every drawn
element is unspecified, as ``torch.empty``'s are, and marked drawn (``Tensor._draw``); the
judge gives the model torch's draw after the step (conformance/judge/check.py
``sync_values``), so what a program computes from it is compared from the next step on.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core.device import DeviceLike, canonical, device
from .._core.errors import NotModelled
from .._core.layout import broadcast_shapes, memory_format
from .._core.tensor import Tensor
from .creation import _finish, _like, _size_args
from .iterator import assert_no_internal_overlap, not_implemented


class Generator:
    """https://docs.pytorch.org/docs/stable/generated/torch.Generator.html : the state of a
    random stream. Only its seed is observable in the model (``initial_seed`` after
    ``manual_seed``); the stream itself is not modelled."""

    def __init__(self, device: DeviceLike = "cpu") -> None:
        dev = canonical(device)
        if dev.type != "cpu":
            raise NotModelled(f"a Generator on {dev}")
        self.device = dev
        self._seed: int | None = None

    def manual_seed(self, seed: Any) -> Generator:
        """Returns the generator itself (torch takes any number and keeps its int)."""
        self._seed = int(seed)
        return self

    def initial_seed(self) -> int:
        if self._seed is None:
            raise NotModelled("the initial seed of a generator never seeded (undocumented)")
        return self._seed


default_generator = Generator()


def manual_seed(seed: Any) -> Generator:
    """https://docs.pytorch.org/docs/stable/generated/torch.manual_seed.html "Returns a
    torch.Generator object": the default one."""
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    return default_generator.initial_seed()


# ---- argument checks ----------------------------------------------------------------------------

def _floating(kernel: str, dt: D.dtype, dev: device) -> None:
    """uniform and normal sample floating-point and complex dtypes only: the device kernel
    refuses another dtype (meta tensors have no kernel to refuse it), and the float8 types,
    which have no sampling kernel."""
    if (dt.is_floating_point or dt.is_complex) and (dt not in D.FLOAT8
                                                    or not _kernel_checks(dev)):
        return
    if _kernel_checks(dev):
        raise NotImplementedError(not_implemented(kernel, dt))
    if kernel == "normal_kernel":  # normal's meta function checks the dtype itself
        raise RuntimeError(f"expected a floating-point or complex dtype, but got dtype={dt!r}")


def _kernel_checks(dev: device) -> bool:
    """Whether the sampling kernel itself runs: on meta only the shape functions do, so the
    dtype, range and overlap checks of the CPU and CUDA kernels are not made (seen on torch
    2.13: ``torch.rand(2, dtype=torch.int64, device='meta')`` and ``uniform_(2, 1)`` of a meta
    tensor succeed; ``from < to`` and a negative ``std`` number are still refused)."""
    return dev.type != "meta"


def _check_std(std: Any) -> None:
    if isinstance(std, Tensor):
        if std._storage.has_data() and bool((std._values() < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError("normal expects std >= 0.0")


def _check_range(low: int, high: int, dt: D.dtype, dev: device) -> None:
    """ATen ``check_from_to_in_range``: ``from < to``, and both ends representable in an
    integral dtype (the C type's name ends the message: "for signed char", "for int")."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    if not _kernel_checks(dev):
        return
    if dt.is_floating_point or dt.is_complex:
        if max(abs(low), abs(high - 1)) > 2 ** _EXACT_BITS.get(dt.name, 0):
            raise NotModelled("random_ beyond the dtype's exact integers (a warning)")
        return
    lo, hi = (0, 1) if dt is D.bool_ else (int(np.iinfo(dt.storage_np).min),
                                           int(np.iinfo(dt.storage_np).max))
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {dt.c_name}")
    if not lo <= high - 1 <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {dt.c_name}")


# The significand bits of each floating dtype: the integers it holds exactly (2 ** bits).
_EXACT_BITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _new(size: tuple[Any, ...], dtype: D.dtype | None, device: DeviceLike | None,
         generator: Generator | None, out: Tensor | None) -> Tensor:
    if out is not None:
        raise NotModelled("out= of a random factory")
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, got {type(generator).__name__}")
    shape = _size_args(size)
    t = Tensor._empty(shape, dtype or D.get_default_dtype(), canonical(device))
    t._draw()
    return t


# ---- factories ---------------------------------------------------------------------------------

def _dims(dims: tuple[Any, ...], size: Any) -> tuple[Any, ...]:
    """The size as positional ints, one sequence, or the ``size=`` keyword (not both)."""
    if size is None:
        return dims
    if dims:
        raise TypeError("received an invalid combination of arguments")
    return (size,)


def rand(*dims: Any, size: Any = None, generator: Generator | None = None,
         out: Tensor | None = None,
         dtype: D.dtype | None = None, layout: Any = None, device: DeviceLike | None = None,
         requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.rand.html : U[0, 1), the default
    dtype unless given (a floating-point or complex one)."""
    t = _new(_dims(dims, size), dtype, device, generator, out)
    _floating("check_uniform_bounds", t._dtype, t.device)
    return _finish(t, requires_grad)


def randn(*dims: Any, size: Any = None, generator: Generator | None = None,
         out: Tensor | None = None,
          dtype: D.dtype | None = None, layout: Any = None, device: DeviceLike | None = None,
          requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.randn.html : N(0, 1)."""
    t = _new(_dims(dims, size), dtype, device, generator, out)
    _floating("normal_kernel", t._dtype, t.device)
    return _finish(t, requires_grad)


def randint(*args: Any, size: Sequence[int] | None = None, generator: Generator | None = None,
            out: Tensor | None = None, dtype: D.dtype | None = None, layout: Any = None,
            device: DeviceLike | None = None, requires_grad: bool = False,
            pin_memory: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.randint.html
    ``randint(low=0, high, size)``: integers in [low, high), int64 unless ``dtype`` says."""
    if size is None:
        if not args:
            raise TypeError("randint() received an invalid combination of arguments")
        *bounds, size = args
    else:
        bounds = list(args)
    if not isinstance(size, (tuple, list)):
        raise TypeError("randint() received an invalid combination of arguments")
    if len(bounds) not in (1, 2):
        raise TypeError("randint() received an invalid combination of arguments")
    low, high = (0, bounds[0]) if len(bounds) == 1 else bounds
    t = _new(tuple(size), dtype or D.int64, device, generator, out)
    _check_range(operator.index(low), operator.index(high), t._dtype, t.device)
    return _finish(t, requires_grad)


def randperm(n: int, *, generator: Generator | None = None, out: Tensor | None = None,
             dtype: D.dtype | None = None, layout: Any = None,
             device: DeviceLike | None = None, requires_grad: bool = False,
             pin_memory: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.randperm.html : a permutation of
    0 .. n-1 (int64 unless given); the largest value must fit the dtype."""
    t = _new((n,), dtype or D.int64, device, generator, out)
    if not _kernel_checks(t.device):
        return _finish(t, requires_grad)
    if t._dtype is D.bool_ or t._dtype.is_complex:
        raise NotImplementedError(not_implemented("randperm", t._dtype))
    if t._dtype.kind in "iu" and n - 1 > np.iinfo(t._dtype.storage_np).max:
        raise RuntimeError(f"value cannot be converted to type {t._dtype.checked_name} "
                           "without overflow")
    return _finish(t, requires_grad)


def normal(mean: Any, std: Any = 1.0, size: Sequence[int] | None = None, *,
           generator: Generator | None = None, out: Tensor | None = None,
           dtype: D.dtype | None = None, layout: Any = None,
           device: DeviceLike | None = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.normal.html
    Tensor mean and/or std: the broadcast shape, the dtype and device of ``mean`` (of ``std``
    when mean is a number); two numbers and a ``size``: a factory."""
    tensors = [x for x in (mean, std) if isinstance(x, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got "
                            "(float, float), but expected one of:")
        _check_std(std)
        t = _new(tuple(size), dtype, device, generator, out)
        _floating("normal_kernel", t._dtype, t.device)
        return _finish(t, requires_grad)
    if size is not None or dtype is not None or requires_grad:
        raise TypeError("normal() received an invalid combination of arguments")
    like = mean if isinstance(mean, Tensor) else std
    for x in tensors:
        _floating("normal_kernel", x._dtype, x.device)
    _check_std(std)
    shape = broadcast_shapes(*(x._shape for x in tensors))
    t = _new(shape, like._dtype, like.device, generator, out)
    return t


# ---- *_like -------------------------------------------------------------------------------------

def rand_like(input: Tensor, *, dtype: D.dtype | None = None, device: DeviceLike | None = None,
              requires_grad: bool = False, memory_format: memory_format | None = None,
              layout: Any = None, generator: Generator | None = None) -> Tensor:
    t = _like(input, None, dtype, device, requires_grad, memory_format)
    _floating("check_uniform_bounds", t._dtype, t.device)
    t._draw()
    return t


def randn_like(input: Tensor, *, dtype: D.dtype | None = None, device: DeviceLike | None = None,
               requires_grad: bool = False, memory_format: memory_format | None = None,
               layout: Any = None, generator: Generator | None = None) -> Tensor:
    t = _like(input, None, dtype, device, requires_grad, memory_format)
    _floating("normal_kernel", t._dtype, t.device)
    t._draw()
    return t


def randint_like(input: Tensor, *bounds: int, dtype: D.dtype | None = None,
                 device: DeviceLike | None = None, requires_grad: bool = False,
                 memory_format: memory_format | None = None, layout: Any = None,
                 generator: Generator | None = None, low: int | None = None,
                 high: int | None = None) -> Tensor:
    """``randint_like(input, high)`` or ``(input, low, high)``; input's dtype unless given."""
    given = [*bounds, *(x for x in (low, high) if x is not None)]
    if len(given) not in (1, 2):
        raise TypeError("randint_like() received an invalid combination of arguments")
    lo, hi = (0, given[0]) if len(given) == 1 else given
    t = _like(input, None, dtype, device, requires_grad, memory_format)
    _check_range(operator.index(lo), operator.index(hi), t._dtype, t.device)
    t._draw()
    return t


# ---- in place: one write of every element, a version bump ------------------------------------

def _sample_into(self: Tensor) -> Tensor:
    """Every element of ``self`` is written with a drawn value (unspecified)."""
    if _kernel_checks(self.device):
        assert_no_internal_overlap(self)
    self._draw()
    self._vc.bump()
    return self


def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *,
             generator: Generator | None = None, **kw: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.uniform_.html"""
    from_ = kw.pop("from", from_)
    _floating("check_uniform_bounds", self._dtype, self.device)
    if from_ > to and _kernel_checks(self.device):
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={from_:g} > to={to:g}")
    return _sample_into(self)


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: Generator | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.normal_.html"""
    _floating("normal_kernel", self._dtype, self.device)
    _check_std(std)
    return _sample_into(self)


def random_(self: Tensor, *bounds: int, generator: Generator | None = None,
            **kw: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.random_.html
    ``random_(from=0, to=None)``: [from, to - 1], or over the dtype's exact integers when
    ``to`` is not given."""
    given = list(bounds) + [kw[k] for k in ("from", "to") if k in kw]
    if self._dtype.is_complex and _kernel_checks(self.device):
        raise NotImplementedError(not_implemented("random_kernel", self._dtype))
    if given:
        lo, hi = (0, given[0]) if len(given) == 1 else given
        _check_range(operator.index(lo), operator.index(hi), self._dtype, self.device)
    return _sample_into(self)
