"""The autograd engine: run a graph backward from its roots, in reverse topological order,
accumulating into the leaves' ``.grad``; and ``torch.autograd.backward`` / ``grad``.

https://docs.pytorch.org/docs/stable/notes/autograd.html
https://docs.pytorch.org/docs/stable/autograd.html

Gradients are summed and accumulated with the reference's own functions, so with
``create_graph=True`` backward records a graph too (micrograd's engine, with torch's rules for
buffers, stealing and the gradient layout contract).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from typing import Any

from ._autograd.graph import AccumulateGrad, Edge, Node, gradient_edge
from ._autograd.hooks import call_hooks, hooks_of
from ._autograd.variable import detach
from ._core import layout as L
from ._core.errors import NotModelled, warn_once
from ._core.modes import grad_mode, in_backward, is_grad_enabled
from ._core.tensor import Size, Tensor
from ._functions.conversion import to
from ._functions.ops import add, clone, copy_
from ._functions.views import sum_to
from ._kernels.creation import ones_like, zeros, zeros_like

# ---- the gradient layout contract and accumulation -------------------------------------------


def obeys_layout_contract(grad: Tensor, var: Tensor) -> bool:
    """torch/csrc/autograd/utils/grad_layout_contract.h: a dense variable's grad has its strides
    (size-1 dims aside, but never stride 0); any other variable's grad is contiguous."""
    if L.is_non_overlapping_and_dense(var._shape, var._strides):
        for size, gs, vs in zip(grad._shape, grad._strides, var._strides):
            if size != 1:
                if gs != vs:
                    return False
            elif gs == 0:
                return False
        return True
    return L.is_contiguous(grad._shape, grad._strides)


def clone_obey_contract(grad: Tensor, var: Tensor) -> Tensor:
    if L.is_non_overlapping_and_dense(var._shape, var._strides):
        res = Tensor._empty(var._shape, grad._dtype, grad.device, var._strides,
                            initialised=False)
        return copy_(res, grad)
    return clone(grad, memory_format=L.contiguous_format)


# Per backward pass (innermost last): the gradient arguments' ids, and the gradient buffers of
# the nodes waiting to run.
_held: list[set[int]] = [set()]
_pending: list[dict[int, list[Any]]] = [{}]


def _is_held(t: Tensor, own: int = 0) -> bool:
    """Whether another reference holds ``t`` during backward, as torch's use count sees it: the
    gradient arguments, and a gradient object a node passed on to another input still
    waiting to run. torch then copies it instead of stealing it into ``.grad``."""
    if id(t) in _held[-1]:
        return True
    return sum(1 for buf in _pending[-1].values() for x in buf if x is t) > own


LAYOUT_WARNING = ("grad and param do not obey the gradient layout contract. This is not an "
                  "error, but may impair performance.")


def _check_result(result: Tensor, var: Tensor) -> None:
    """CHECK_RESULT (torch/csrc/autograd/functions/accumulate_grad.h): an accumulated grad that
    breaks the layout contract (a manual layout, "Manual gradient layouts" in
    https://docs.pytorch.org/docs/stable/autograd.html) is kept, with a warning that torch
    gives once per process (TORCH_WARN_ONCE)."""
    if not obeys_layout_contract(result, var):
        warn_once(f"{LAYOUT_WARNING}\ngrad.sizes() = {L.format_shape(result._shape)}, strides() "
                  f"= {L.format_shape(result._strides)}\nparam.sizes() = "
                  f"{L.format_shape(var._shape)}, strides() = {L.format_shape(var._strides)}")


def accumulate(var: Tensor, new: Tensor) -> None:
    """AccumulateGrad::accumulateGrad (torch/csrc/autograd/functions/accumulate_grad.h)."""
    if var._grad is None:
        if not is_grad_enabled() and not _is_held(new) and obeys_layout_contract(new, var):
            var._grad = detach(new)  # stolen: no deep copy
        else:
            var._grad = clone_obey_contract(new, var)
        return
    if not is_grad_enabled():
        result = var._grad
        add(result, new, _inplace=result)
    else:
        result = var._grad = add(var._grad, new)
    _check_result(result, var)


def _buffer_add(old: Tensor | None, new: Tensor) -> Tensor:
    """InputBuffer::accumulate: in place into a private dense buffer, otherwise out of place."""
    if old is None:
        return new
    if not is_grad_enabled() and old is not new and not _is_held(old, own=1) and \
            not old._view and L.is_non_overlapping_and_dense(old._shape, old._strides) and \
            old._shape == new._shape:
        return add(old, new, _inplace=old)
    return add(old, new)


def _validate(grad: Tensor, fn: Node, nr: int, producer: Node | None, index: int) -> Tensor:
    """validate_outputs: a gradient is summed to its input's shape when it broadcast, and cast
    to its dtype."""
    meta = fn._meta[nr] if nr < len(fn._meta) else None
    if meta is None:
        return grad
    shape, dt, _dev = meta
    if grad._shape != shape:
        try:
            ok = L.broadcast_shapes(shape, grad._shape) == grad._shape
        except RuntimeError:
            ok = False
        if not ok:
            name = producer.name() if producer is not None else "GraphRoot"
            raise RuntimeError(
                f"Function {name} returned an invalid gradient at index {index} - got "
                f"[{', '.join(map(str, grad._shape))}] but expected shape compatible with "
                f"[{', '.join(map(str, shape))}]")
        grad = sum_to(grad, shape)
    if grad._dtype is not dt:
        grad = to(grad, dt)
    return grad


def _run_node(fn: Node, buf: list[Tensor | None], create_graph: bool) -> list[Any]:
    if isinstance(fn, AccumulateGrad):
        if buf and buf[0] is not None:
            accumulate(fn.variable, buf[0])
        return []
    if all(g is None for g in buf):
        return [None] * len(fn.next_functions)
    grads = []
    for nr, g in enumerate(buf):
        if g is None and nr < len(fn._meta) and fn._meta[nr] is not None:
            shape, dt, dev = fn._meta[nr]  # type: ignore[misc]
            g = zeros(shape, dtype=dt, device=dev)
        grads.append(g)
    return fn._apply(grads, create_graph)


def _retain(t: Tensor, g: Tensor) -> None:
    """The retain_grad hook: a contiguous clone the first time, then out-of-place sums."""
    # Runs in the backward's grad mode: with create_graph=True the clone is recorded.
    if t._grad is None:
        t._grad = clone(g, memory_format=L.contiguous_format)
    else:
        t._grad = add(t._grad, g)


# ---- one backward pass --------------------------------------------------------------------------

class GraphTask:
    """One backward pass (torch's GraphTask): which nodes run, how many inputs each waits for,
    the gradient buffers, and what ``grad()`` captures."""

    def __init__(self, root_edges: list[Edge], create_graph: bool, captures: list[Edge] | None,
                 accumulate_grad: bool) -> None:
        self.create_graph = create_graph
        self.captures = captures
        self.accumulate_grad = accumulate_grad
        self.capture_at: dict[tuple[int, int], list[int]] = {}
        for k, (fn, nr) in enumerate(captures or []):
            self.capture_at.setdefault((id(fn), nr), []).append(k)
        self.order = _reachable(root_edges)
        self.needed, self.reached = self._plan()
        self.deps = self._dependencies()
        self.buffers: dict[int, list[Any]] = _pending[-1]
        self.captured: list[Tensor | None] = [None] * len(captures or [])

    def _plan(self) -> tuple[dict[int, bool], dict[int, bool]]:
        """needed: the nodes that run (all of them for backward(); for grad()/inputs=, those on
        a path to an input, an input's AccumulateGrad itself only for backward(inputs=...));
        reached: the nodes gradients are delivered to (captures included)."""
        if self.captures is None:
            everything = {id(fn): True for fn in self.order}
            return everything, everything
        capture_fns = {id(fn) for fn, _ in self.captures}
        needed: dict[int, bool] = {}

        def need(fn: Node) -> bool:
            key = id(fn)
            if key not in needed:
                needed[key] = False
                own = key in capture_fns and self.accumulate_grad and \
                    isinstance(fn, AccumulateGrad)
                via = [need(nf) or id(nf) in capture_fns
                       for nf, _ in fn.next_functions if nf is not None]
                needed[key] = own or any(via)
            return needed[key]
        for fn in self.order:
            need(fn)
        return needed, {id(fn): needed[id(fn)] or id(fn) in capture_fns for fn in self.order}

    def _dependencies(self) -> dict[int, int]:
        deps: dict[int, int] = {}
        for fn in self.order:
            if not self.needed.get(id(fn)):
                continue
            for nf, _ in fn.next_functions:
                if nf is not None and self.reached.get(id(nf)):
                    deps[id(nf)] = deps.get(id(nf), 0) + 1
        return deps

    def deliver(self, fn: Node, nr: int, g: Tensor, producer: Node | None, index: int) -> None:
        g = _validate(g, fn, nr, producer, index)
        buf = self.buffers.setdefault(id(fn), [None] * max(len(fn._meta), nr + 1))
        buf[nr] = _buffer_add(buf[nr], g)

    def run(self, root_edges: list[Edge], grads: Sequence[Tensor | None], keep_graph: bool
            ) -> list[Tensor | None]:
        for k, ((fn, nr), g) in enumerate(zip(root_edges, grads)):
            if g is not None and fn is not None:
                self.deliver(fn, nr, g, None, k)
        ready: list[tuple[int, int, Node]] = []
        queued: set[int] = set()
        pushed = itertools.count()

        def enqueue(fn: Node) -> None:
            # Ties (every AccumulateGrad has the largest sequence number) run in the order they
            # became ready, as torch's ready queue does: of x + y, x's AccumulateGrad runs
            # first, so it copies a gradient y's still holds and y's steals it (seen on torch
            # 2.13 through .grad's version). The order of the addresses decided it before.
            if id(fn) not in queued:
                queued.add(id(fn))
                heapq.heappush(ready, (-fn._seq, next(pushed), fn))
        for fn, _ in root_edges:
            if fn is not None and self.reached.get(id(fn)) and self.deps.get(id(fn), 0) == 0:
                enqueue(fn)
        while ready:
            _, _, fn = heapq.heappop(ready)
            for nf in self._step(fn, keep_graph):
                self.deps[id(nf)] -= 1
                if self.deps[id(nf)] == 0:
                    enqueue(nf)
        return self.captured

    def _step(self, fn: Node, keep_graph: bool) -> list[Node]:
        """Run one node; the nodes it delivered to (each counts one dependency down).

        Engine::evaluate_function: a node that only delivers to ``grad()``'s inputs runs its
        tensor hooks, then gives the captured gradients; a node that runs gives the captured
        gradients as they came, then runs its hooks (call_function)."""
        buf = self.buffers.pop(id(fn), [None] * len(fn._meta))
        runs = bool(self.needed.get(id(fn))) and \
            not (isinstance(fn, AccumulateGrad) and not self.accumulate_grad)
        if not runs:
            buf = _pre_hooks(fn, buf)
        for nr, g in enumerate(buf):
            for k in self.capture_at.get((id(fn), nr), []):
                self.captured[k] = g
        if not runs:
            return []
        buf = _pre_hooks(fn, buf)
        outs = _run_node(fn, buf, self.create_graph)
        if not keep_graph:
            fn._release()
        done = []
        for i, ((nf, nr), g) in enumerate(zip(fn.next_functions, outs)):
            if nf is None or not self.reached.get(id(nf)):
                continue
            if g is not None:
                self.deliver(nf, nr, g, fn, i)
            done.append(nf)
        return done


def _pre_hooks(fn: Node, buf: list[Any]) -> list[Any]:
    """call_tensor_pre_hooks: the hooks registered on the tensors whose gradients ``buf``
    holds (register_hook), then the retained grads (retain_grad), which see the hooks'
    results."""
    buf = list(buf)
    for nr, hooks in hooks_of(fn):
        if nr < len(buf):
            buf[nr] = call_hooks(hooks, buf[nr], _held[-1])
    for nr, t in list(fn._retained.items()):
        if nr < len(buf) and buf[nr] is not None:
            _retain(t, buf[nr])
    return buf


def _reachable(root_edges: list[Edge]) -> list[Node]:
    """Every node reachable from the roots (depth first, each once)."""
    seen: set[int] = set()
    order: list[Node] = []
    stack = [fn for fn, _ in root_edges if fn is not None]
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        order.append(fn)
        stack.extend(nf for nf, _ in fn.next_functions if nf is not None)
    return order


REFERENCE_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak.")


def run_backward(roots: Sequence[Tensor], grads: Sequence[Tensor | None], keep_graph: bool,
                 create_graph: bool, inputs: Sequence[Tensor] | None = None,
                 accumulate_grad: bool = True, allow_unused: bool = False
                 ) -> list[Tensor | None]:
    """Engine::execute: run the graph from ``roots`` in reverse topological order."""
    root_edges: list[Edge] = []
    for i, t in enumerate(roots):
        e = gradient_edge(t)
        if e[0] is None:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        root_edges.append(e)
    captures: list[Edge] | None = None
    if inputs is not None:
        captures = []
        for t in inputs:
            if not t.requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            e = gradient_edge(t)
            # A view made under no_grad requires grad yet has no edge: nothing reaches it.
            captures.append(e if e[0] is not None else (Node((), None), 0))
    if create_graph and accumulate_grad:
        # Engine::execute, after the roots are validated (a TORCH_WARN_ONCE).
        warn_once(REFERENCE_CYCLE)
    _held.append({id(g) for g in grads if g is not None})
    _pending.append({})
    try:
        with in_backward(), grad_mode(create_graph):
            task = GraphTask(root_edges, create_graph, captures, accumulate_grad)
            captured = task.run(root_edges, grads, keep_graph)
    finally:
        _held.pop()
        _pending.pop()
    if captures is not None and not accumulate_grad:
        for g in captured:
            if g is None and not allow_unused:
                # Note: torch 2.13 begins "The differentiated Tensor at index 1", 2.11 "One of
                # the differentiated Tensors": the documented part starts at "appears".
                raise RuntimeError("appears to not have been used in the graph. Set "
                                   "allow_unused=True if this is the desired behavior.")
    return captured


# ---- the Python API -----------------------------------------------------------------------------

def _to_tuple(x: Any, n: int) -> tuple[Any, ...]:
    if x is None:
        return (None,) * n
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _index(seq: Sequence[Any], item: Any) -> int:
    for i, x in enumerate(seq):
        if x is item:
            return i
    return 0


def _implicit_grad(out: Tensor) -> Tensor | None:
    """The gradient backward() starts from when none is given: ones for a scalar output."""
    if not out.requires_grad:
        return None
    if out.numel() != 1:
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    if not out._dtype.is_floating_point:
        raise RuntimeError("grad can be implicitly created only for real scalar "
                           f"outputs but got {out._dtype}")
    with grad_mode(False):
        return ones_like(out)


def _make_grads(outputs: Sequence[Tensor], grads: Sequence[Any]) -> list[Tensor | None]:
    """torch.autograd._make_grads (torch/autograd/__init__.py)."""
    out_grads: list[Tensor | None] = []
    for out, grad in zip(outputs, grads):
        if isinstance(grad, Tensor):
            if grad._shape != out._shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{_index(grads, grad)}] has a shape of "
                    f"{Size(grad._shape)!r} and output[{_index(outputs, out)}] has a shape of "
                    f"{Size(out._shape)!r}.")
            if out._dtype.is_complex != grad._dtype.is_complex:
                raise RuntimeError(
                    "For complex Tensors, both grad_output and output are required to have the "
                    f"same dtype. Mismatch in dtype: grad_output[{_index(grads, grad)}] has a "
                    f"dtype of {grad._dtype} and output[{_index(outputs, out)}] has a dtype of "
                    f"{out._dtype}.")
            out_grads.append(grad)
        elif grad is None:
            out_grads.append(_implicit_grad(out))
        else:
            raise TypeError("gradients can be either Tensors or None, but got "
                            f"{type(grad).__name__}")
    return out_grads


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables: Any = None,
             inputs: Any = None) -> None:
    """https://docs.pytorch.org/docs/stable/generated/torch.autograd.backward.html"""
    if inputs is not None and not isinstance(inputs, Tensor) and len(inputs) == 0:
        # Note: "'inputs' argument to backward() cannot be empty." on 2.0, with backquotes on
        # 2.6 and later: the quoting is each release's own.
        raise RuntimeError("cannot be empty.")
    outs = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    ins = None if inputs is None else ((inputs,) if isinstance(inputs, Tensor) else
                                        tuple(inputs))
    grads = _make_grads(outs, _to_tuple(grad_tensors, len(outs)))
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(outs, grads, retain_graph, create_graph, ins, accumulate_grad=True)


def tensor_backward(self: Tensor, gradient: Tensor | None = None,
                    retain_graph: bool | None = None, create_graph: bool = False,
                    inputs: Any = None) -> None:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.backward.html"""
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False
         ) -> tuple[Tensor | None, ...]:
    """https://docs.pytorch.org/docs/stable/generated/torch.autograd.grad.html
    "Computes and returns the sum of gradients of outputs with respect to the inputs." """
    if is_grads_batched:
        raise NotModelled("autograd.grad(is_grads_batched=True)")
    outs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    ins = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _make_grads(outs, _to_tuple(grad_outputs, len(outs)))
    if retain_graph is None:
        retain_graph = create_graph
    result = run_backward(outs, grads, retain_graph, create_graph, ins, accumulate_grad=False,
                          allow_unused=allow_unused)
    if materialize_grads:
        result = [g if g is not None else zeros_like(i) for g, i in zip(result, ins)]
    return tuple(result)
