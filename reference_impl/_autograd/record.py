"""Recording the graph around an op: the table of backward formulas, and ``differentiable``, the
wrapper that runs a kernel and records its node when autograd needs one.

The wrapper implements the rules every op shares:
- out= refuses inputs that require grad;
- in-place ops refuse leaves that require grad and views of them, and rebase the history of
  what they modify (a view's base gets a ``CopySlices`` node, the view an
  ``AsStridedBackward0``);
- only floating point and complex results get a grad_fn;
- inference tensors may not be modified outside inference mode, and what is computed from them
  there has a version the documentation leaves open.

Each formula follows torch's ``tools/autograd/derivatives.yaml`` (names of nodes, which tensors
are saved, which formula). Formulas are registered by name with ``@derivative(name)``
(``reference_impl._derivatives``); the wrapper looks its op's formula up when it records.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .._core.arguments import numpy_names
from .._core.errors import NotModelled
from .._core.modes import (
    CreationMeta,
    is_inference_mode_enabled,
    recording,
    suspended,
)
from .._core.tensor import Tensor
from .._kernels.copy import clone
from .graph import (
    Edge,
    Node,
    Plan,
    SavedTensor,
    gradient_edge,
    make_node,
    meta_of,
    node_class,
    save,
    short_name,
)
from .numpy_grads import (
    as_strided_node,
    copy_slices_result,
    embed_slice,
    move_retained,
)

__all__ = ["FORMULAS", "derivative", "differentiable", "needs_graph", "record"]

Formula = Callable[..., "Plan | None"]
F = TypeVar("F", bound=Callable[..., Any])

# Op name -> the formula that makes its node from (result, *the op's arguments).
FORMULAS: dict[str, Formula] = {}
# Every op made by ``differentiable``, by name (so a test can check each has a formula).
DIFFERENTIABLE: dict[str, Callable[..., Any]] = {}


def derivative(name: str) -> Callable[[Formula], Formula]:
    """Register the backward formula of the op ``name``."""
    def register(formula: Formula) -> Formula:
        if name in FORMULAS:
            raise ValueError(f"two formulas for {name}")
        FORMULAS[name] = formula
        return formula
    return register


def no_derivative(*args: Any, **kwargs: Any) -> Plan | None:
    """The formula of ops with no derivative: their results never require grad (bool results
    of comparisons)."""
    return None


def needs_graph(*inputs: Any) -> bool:
    """True when an op on ``inputs`` must record a graph (grad mode on, an input requires
    grad)."""
    return recording() and any(isinstance(t, Tensor) and t.requires_grad for t in inputs)


def differentiable_dtype(t: Any) -> bool:
    return isinstance(t, Tensor) and (t._dtype.is_floating_point or t._dtype.is_complex)


def tensor_args(args: Any) -> list[Tensor]:
    """The tensors among an op's arguments, those inside a list or tuple argument included
    (``torch.cat([a, b])``)."""
    out: list[Tensor] = []
    for a in args:
        if isinstance(a, Tensor):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            out.extend(t for t in a if isinstance(t, Tensor))
    return out


S = save


# ---- messages -------------------------------------------------------------------------------

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = ("a view of a leaf Variable that requires grad is being used in an in-place "
                "operation.")
NO_GRAD_VIEW = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your "
    "code by moving both the view and the inplace either both inside the no_grad block (if you "
    "don't want the inplace to be tracked) or both outside (if you want the inplace to be "
    "tracked).")
INFERENCE_VIEW = (
    "A view was created in inference mode and is being modified inplace in normal mode. Given "
    "that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code "
    "by moving both the view and the inplace either both inside the inference_mode block (if you "
    "don't want the inplace to be tracked) or both outside (if you want the inplace to be "
    "tracked).")
INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
    "clone to get a normal tensor before doing inplace update.See "
    "https://github.com/pytorch/rfcs/pull/17 for more details.")
MULTI_OUTPUT_VIEW = (
    "is a view and is being modified inplace. This view is the output of a function that returns "
    "multiple views. Such functions do not allow the output views to be modified inplace. You "
    "should replace the inplace operation by an out-of-place one.")


def _node_short_name(t: Tensor) -> str:
    fn = t._grad_fn
    return short_name(type(fn).__name__) if fn else "a function"


def check_inplace(self: Tensor, others_require: bool) -> None:
    """The errors torch raises before an in-place op that autograd must record."""
    base = self._base_t if self._view else None
    if base is None:
        if self._requires_grad and self.grad_fn is None:
            raise RuntimeError(LEAF_INPLACE)
        return
    creation = self._creation
    if self._creation_inherited and (creation is CreationMeta.INFERENCE_MODE or (
            creation is CreationMeta.NO_GRAD_MODE and base.requires_grad)):
        inference = creation is CreationMeta.INFERENCE_MODE
        mode, how = ("inference", "in normal mode") if inference else \
            ("no_grad", "with grad mode enabled")
        raise RuntimeError(
            f"Output {self._output_nr} of {_node_short_name(self)} is a view of a view which was "
            f"created in {mode} mode and is being modified inplace {how}. "
            + NO_GRAD_VIEW[NO_GRAD_VIEW.index("Given"):].replace(
                "no_grad block", f"{'inference_mode' if inference else mode} block"))
    if creation is CreationMeta.NO_GRAD_MODE and base.requires_grad:
        raise RuntimeError(NO_GRAD_VIEW)
    if creation is CreationMeta.INFERENCE_MODE:
        raise RuntimeError(INFERENCE_VIEW)
    if creation is CreationMeta.MULTI_OUTPUT_NODE and (others_require or self.requires_grad):
        raise RuntimeError(f"Output {self._output_nr} of {_node_short_name(self)} "
                           + MULTI_OUTPUT_VIEW)
    if self.requires_grad and base.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF)
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError(LEAF_INPLACE)


def check_inference_inplace(self: Tensor) -> None:
    if self._inference and not is_inference_mode_enabled():
        raise RuntimeError(INFERENCE_INPLACE)


# ---- nodes from plans ---------------------------------------------------------------------------

def plan_node(plan: Plan, first_edge: Edge | None = None,
              self_args: tuple[Any, ...] = ()) -> Node:
    """The node of ``plan``; for an in-place op, every input that is self (``self_args``: the
    pre-op clone and self itself) leads to self's history before the op."""
    name, inputs, saved, backward = plan
    node = make_node(name, inputs, backward, saved)
    if first_edge is not None:
        node.next_functions = tuple(first_edge if any(x is a for a in self_args) else e
                                    for x, e in zip(inputs, node.next_functions))
    return node


def attach(outputs: Sequence[Tensor], node: Node) -> None:
    """Make ``node`` the grad_fn of each output that can carry a gradient (integer outputs of
    a multi-output op, such as max's indices, never require grad)."""
    node._meta = [meta_of(o) for o in outputs]
    for i, o in enumerate(outputs):
        if len(outputs) > 1 and not differentiable_dtype(o):
            continue
        o._grad_fn = node
        o._output_nr = i
        o._attr_version = o._vc.value


def record(result: Tensor, name: str, inputs: Sequence[Any], saved: Sequence[SavedTensor],
           backward: Callable[[list[Any]], list[Any]]) -> Tensor:
    """Give ``result`` a node of its own (ops that record themselves)."""
    attach([result], plan_node((name, inputs, saved, backward)))
    return result


def rebase(self: Tensor, node: Node) -> None:
    """The history of a tensor modified in place (torch's rebase_history)."""
    node._meta = [meta_of(self)]
    base = self._base_t if self._view else None
    if base is None:
        move_retained(self, node)
        self._grad_fn, self._output_nr = node, 0
        return
    bgeom = (base._shape, base._strides, base._offset)
    vgeom = (self._shape, self._strides, self._offset)

    def copy_slices(grads: list[Any]) -> list[Any]:
        g = grads[0]
        assert node._backward is not None
        res = node._backward([embed_slice(g, bgeom, vgeom)])
        grad_base = copy_slices_result(g, bgeom, vgeom, res[0])
        return [grad_base] + list(res[1:])
    cs = node_class("CopySlices")([gradient_edge(base)] + list(node.next_functions[1:]),
                                  copy_slices, node._saved, [meta_of(base)])
    cs._numpy_only = True
    move_retained(base, cs)
    base._grad_fn, base._output_nr = cs, 0
    asb = as_strided_node(base, self, (cs, 0))
    move_retained(self, asb)
    self._grad_fn, self._output_nr = asb, 0
    self._attr_version = self._vc.value


# ---- the wrapper ------------------------------------------------------------------------------

def mark_version_unspecified(result: Any) -> Any:
    """Results computed from inference tensors outside inference mode: torch's version counter
    of them depends on its dispatch path (observed at 1 for clone and nonzero), which no
    document states."""
    for r in (result if isinstance(result, tuple) else (result,)):
        if isinstance(r, Tensor) and not r._inference:
            r._version_unspecified = True
    return result


def refuses_graph(name: str) -> Callable[[F], F]:
    """For in-place ops with no derivative in the model: refuse to run where a graph is needed
    (self requires grad while grad mode is on)."""
    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def op(self: Tensor, *args: Any, **kwargs: Any) -> Any:
            if needs_graph(self):
                raise NotModelled(f"autograd through {name}")
            return fn(self, *args, **kwargs)
        return op  # type: ignore[return-value]
    return wrap


def differentiable(fn: F, *, name: str | None = None, inplace_self: bool = False) -> F:
    """Wrap a kernel so that it records a node (made by its registered formula) when autograd
    needs one. ``inplace_self``: the op writes its first argument (``fill_``, ``copy_``);
    other ops write ``_inplace=`` when given."""
    opname = name or fn.__name__

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        if "axis" in kwargs or "keepdims" in kwargs:  # torch's argument parser
            kwargs = numpy_names(kwargs)
        target = args[0] if inplace_self else kwargs.get("_inplace")
        if target is not None and target._inference and not is_inference_mode_enabled():
            # torch refuses when it bumps the version, after the kernel wrote.
            with suspended():
                fn(*args, **kwargs)
            raise RuntimeError(INFERENCE_INPLACE)
        if not is_inference_mode_enabled() and any(a._inference for a in tensor_args(args)):
            return mark_version_unspecified(_run(fn, opname, target, args, kwargs))
        return _run(fn, opname, target, args, kwargs)
    if opname in DIFFERENTIABLE:
        raise ValueError(f"two differentiable ops named {opname}")
    DIFFERENTIABLE[opname] = op
    return op  # type: ignore[return-value]


def _run(fn: Callable[..., Any], opname: str, target: Tensor | None, args: tuple[Any, ...],
         kwargs: dict[str, Any]) -> Any:
    if not recording():
        return fn(*args, **kwargs)
    out = kwargs.get("out")
    tensors = tensor_args(args) + \
        [v for k, v in kwargs.items() if isinstance(v, Tensor) and k not in ("out", "_inplace")]
    req = any(t.requires_grad for t in tensors if t is not target)
    if out is not None:
        if req or any(t.requires_grad for t in tensors) or out.requires_grad:
            raise RuntimeError(f"{opname}(): functions with out=... arguments don't support "
                               "automatic differentiation, but one of the arguments requires "
                               "grad.")
        return fn(*args, **kwargs)
    if target is not None:
        if not (req or target.requires_grad):
            return fn(*args, **kwargs)
        return _run_inplace(fn, opname, target, req, args, kwargs)
    if not req:
        return fn(*args, **kwargs)
    with suspended():
        result = fn(*args, **kwargs)
    outputs = list(result) if isinstance(result, tuple) else [result]
    # A multi-output op records its node when some output is differentiable (max's values,
    # not its indices); a single output only when it is.
    if not outputs or not any(differentiable_dtype(o) for o in outputs) or (
            len(outputs) > 1 and not all(isinstance(o, Tensor) for o in outputs)):
        return result
    plan = FORMULAS[opname](result, *args, **kwargs)
    if plan is not None:
        attach(outputs, plan_node(plan))
    return result


def _run_inplace(fn: Callable[..., Any], opname: str, target: Tensor, req: bool,
                 args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    check_inplace(target, req)
    first = gradient_edge(target)
    before = target._vc.value
    with suspended():
        orig = clone(target)
        result = fn(*args, **kwargs)
    # The formula sees self's value before the op, and whether self needed a gradient; self
    # passed again as another operand is saved as itself, at its version before the op (so
    # backward finds it modified, as torch does for x.mul_(x)).
    orig._requires_grad = target.requires_grad
    new_args = (orig,) + tuple(args[1:]) if args and args[0] is target else args
    kw = {k: v for k, v in kwargs.items() if k != "_inplace"}
    plan = FORMULAS[opname](result, *new_args, **kw)
    if plan is None:
        raise NotModelled(f"autograd through in-place {opname}")
    for saved in plan[2]:
        if saved.tensor is target and not saved.is_output:
            saved.version = before
    rebase(target, plan_node(plan, first, (orig, target)))
    return result
