"""``torch.autograd.gradcheck``: the gradients autograd computes against finite differences.

https://docs.pytorch.org/docs/stable/generated/torch.autograd.gradcheck.gradcheck.html
"Check gradients computed via small finite differences against analytical gradients wrt
tensors in inputs that are of floating point or complex type and with requires_grad=True. The
check between numerical and analytical gradients uses allclose()." It returns True, or raises
GradcheckError (False with raise_exception=False).

The model follows torch/autograd/gradcheck.py's slow mode step for step, so a function with
side effects (a counter, a hook) sees as many calls in the same order: the first call, two calls
per element of each input that requires grad (the element lowered by eps, then raised, through
``.data``, so the input's version does not move), the analytical Jacobian row by row twice (the
reentrancy check), one backward of zeros (the gradient must scale with grad_output), and, with
check_undefined_grad, one more call whose outputs' gradients are undefined (hooks receive None).
Only double precision (float64) inputs are modelled: in single precision the verdict rests on
rounding noise.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from itertools import product
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core.errors import NotModelled
from .._core.tensor import Tensor
from .._engine import grad, run_backward
from .._kernels.creation import zeros


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _check_inputs(inputs: tuple[Any, ...]) -> list[Tensor]:
    """The inputs that require grad (in order), after gradcheck's warnings and checks."""
    diff = []
    for idx, inp in enumerate(inputs):
        if not (isinstance(inp, Tensor) and inp.requires_grad):
            continue
        if inp._dtype not in (D.float64, D.complex128):
            warnings.warn(f"Input #{idx} requires gradient and is not a double precision "
                          "floating point or complex. This check will likely fail if all the "
                          "inputs are not of double precision floating point or complex. ",
                          UserWarning, stacklevel=3)
        if not all(st > 0 or sz <= 1 for st, sz in zip(inp._strides, inp._shape)):
            raise RuntimeError(
                f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                "inputs that are non-overlapping to be able to compute the numerical gradients "
                "correctly. You should call .contiguous on the input before passing it to "
                "gradcheck.")
        diff.append(inp)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True.")
    if any(t._dtype is not D.float64 for t in diff):
        raise NotModelled("gradcheck of inputs other than float64")
    return diff


def _values(t: Tensor) -> np.ndarray:
    return t._values().astype(np.float64).reshape(-1)


def _numerical(func: Callable[..., Any], inputs: tuple[Any, ...], outs: Sequence[Tensor],
               eps: float) -> list[list[np.ndarray]]:
    """[input][output] Jacobian by central differences (rows: input elements)."""
    jac: list[list[np.ndarray]] = []
    for inp in inputs:
        if not (isinstance(inp, Tensor) and inp.requires_grad):
            continue
        entry = inp.data  # perturbed through .data: the input's version stays
        cols = [np.zeros((inp.numel(), o.numel())) for o in outs]
        for k, idx in enumerate(product(*[range(n) for n in inp._shape])):
            cell = entry[idx] if idx else entry
            orig = cell._values().copy()
            cell._write(orig - eps)
            below = [_values(o) for o in _as_tuple(func(*inputs))]
            cell._write(orig + eps)
            above = [_values(o) for o in _as_tuple(func(*inputs))]
            cell._write(orig)
            for c, a, b in zip(cols, below, above):
                c[k] = (b - a) / (2 * eps)
        jac.append(cols)
    return jac


def _analytical(out: Tensor, diff: list[Tensor]) -> list[np.ndarray]:
    """[input] Jacobian of one output, one backward per output element (rows: input
    elements); computed twice, and the two must agree exactly (reentrancy)."""
    runs = []
    for _ in range(2):
        cols = [np.zeros((t.numel(), out.numel())) for t in diff]
        onehot = zeros(out._shape, dtype=out._dtype, device=out.device)
        flat = onehot.view(-1)
        for j in range(out.numel()):
            flat.zero_()
            flat[j] = 1
            grads = grad(out, diff, onehot, retain_graph=True, allow_unused=True)
            for c, g in zip(cols, grads):
                if g is not None:
                    c[:, j] = _values(g)
        runs.append(cols)
    if any(a.size and np.max(np.abs(a - b)) > 0 for a, b in zip(*runs)):
        raise GradcheckError("Backward is not reentrant")
    return runs[0]


def _zero_grad_output(outputs: list[Tensor], diff: list[Tensor]) -> None:
    """The gradient must be multiplied by grad_output: zeros in, zeros out."""
    zero = [zeros(o._shape, dtype=o._dtype, device=o.device) for o in outputs]
    grads = grad(outputs, diff, zero, allow_unused=True)
    if any(g is not None and bool(np.any(_values(g) != 0)) for g in grads):
        raise GradcheckError("backward not multiplied by grad_output")


def _undefined_grads(func: Callable[..., Any], inputs: tuple[Any, ...],
                     diff: list[Tensor]) -> None:
    """Every backward works when all output gradients are undefined (None, also for the
    hooks of the outputs), and with several outputs when any one of them is."""
    first = _differentiable(func(*inputs))
    cases: list[tuple[list[Tensor], list[Tensor | None]]] = [(first, [None] * len(first))]
    if len(first) > 1:
        for k in range(len(first)):
            outs = _differentiable(func(*inputs))
            cases.append((outs, [None if i == k else zeros(o._shape, dtype=o._dtype,
                                                           device=o.device)
                                 for i, o in enumerate(outs)]))
    for outs, grads_out in cases:
        try:
            grads = run_backward(outs, grads_out, False, False, diff, accumulate_grad=False,
                                 allow_unused=True)
            failed = any(g is not None and bool(np.any(_values(g) != 0)) for g in grads)
        except RuntimeError as e:
            _warn_bc_breaking()
            raise GradcheckError(UNDEFINED) from e
        if failed:
            _warn_bc_breaking()
            raise GradcheckError(UNDEFINED)


def _differentiable(out: Any) -> list[Tensor]:
    return [o for o in _as_tuple(out) if isinstance(o, Tensor) and o.requires_grad]


UNDEFINED = "Expected backward function to handle undefined output grads."


def _warn_bc_breaking() -> None:
    warnings.warn("Backwards compatibility: New undefined gradient support checking feature is "
                  "enabled by default, but it may break existing callers of this function. If "
                  "this is true for you, you can call this function with "
                  '"check_undefined_grad=False" to disable the feature', UserWarning,
                  stacklevel=4)


def gradcheck(func: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked: bool | None = None) -> bool:
    if fast_mode or check_batched_grad or check_batched_forward_grad or check_forward_ad \
            or not check_backward_ad or masked or nondet_tol:
        raise NotModelled("gradcheck beyond its default slow, backward-mode checks")
    try:
        return _gradcheck(func, _as_tuple(inputs), eps, atol, rtol, check_undefined_grad)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck(func: Callable[..., Any], inputs: tuple[Any, ...], eps: float, atol: float,
               rtol: float, check_undefined_grad: bool) -> bool:
    diff = _check_inputs(inputs)
    func_out = _as_tuple(func(*inputs))
    outputs = [o for o in func_out if o.requires_grad]
    if any(o._dtype is not D.float64 for o in func_out):
        raise NotModelled("gradcheck of outputs other than float64")
    numerical = _numerical(func, inputs, func_out, eps)
    if not outputs:
        if any(np.any(c != 0) for per_input in numerical for c in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    kept = [k for k, o in enumerate(func_out) if o.requires_grad]
    for i, o in enumerate(outputs):
        for j, a in enumerate(_analytical(o, diff)):
            n = numerical[j][kept[i]]
            if not np.all(np.abs(a - n) <= atol + rtol * np.abs(n)):
                # torch's message goes on with both Jacobians, printed as tensors.
                raise GradcheckError(f"Jacobian mismatch for output {i:d} with respect to "
                                     f"input {j:d},")
    _zero_grad_output(outputs, diff)
    if check_undefined_grad:
        _undefined_grads(func, inputs, diff)
    return True
