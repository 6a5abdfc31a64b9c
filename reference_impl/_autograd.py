"""Reverse-mode autograd as the docs describe it: grad modes, graph nodes, saved tensors with
their versions, and the engine that accumulates into leaf ``.grad``.

https://docs.pytorch.org/docs/stable/notes/autograd.html
https://docs.pytorch.org/docs/stable/autograd.html

The graph is made of ``Node`` objects whose class names are torch's (``MulBackward0``...), each
with ``next_functions`` of (node, output number) pairs. Leaves that require grad are reached
through one ``AccumulateGrad`` node each. Backward formulas (``_derivatives``) are written with
the reference's own tensor ops, so with ``create_graph=True`` they record a graph too.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ._errors import NotModelled

if TYPE_CHECKING:
    from ._tensor import Tensor

# ---- grad modes -------------------------------------------------------------------------------

# Grad mode, inference mode, and two depth counters (ops inside ops; backward passes running).
_state: dict[str, Any] = {"grad": True, "inference": False, "suspended": 0, "in_backward": 0}


def is_grad_enabled() -> bool:
    return bool(_state["grad"])


def is_inference_mode_enabled() -> bool:
    return bool(_state["inference"])


def recording() -> bool:
    """True when ops record graph nodes: grad mode on, and not inside an op's own body."""
    return bool(_state["grad"]) and not _state["suspended"]


def needs_graph(*inputs: Any) -> bool:
    """True when an op on ``inputs`` must record a graph (grad mode on, an input requires
    grad)."""
    from ._tensor import Tensor
    return recording() and any(isinstance(t, Tensor) and t.requires_grad for t in inputs)


@contextmanager
def suspended() -> Iterator[None]:
    """Inside an op's body: the ops it is built from record nothing."""
    _state["suspended"] += 1
    try:
        yield
    finally:
        _state["suspended"] -= 1


@contextmanager
def grad_mode(enabled: bool) -> Iterator[None]:
    prev, prev_s = _state["grad"], _state["suspended"]
    _state["grad"], _state["suspended"] = enabled, 0
    try:
        yield
    finally:
        _state["grad"], _state["suspended"] = prev, prev_s


class _DecoratorContextManager:
    """Grad-mode objects work as context managers and as decorators (torch.autograd.grad_mode)."""

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return fn(*args, **kwargs)
        return wrapped

    def clone(self) -> _DecoratorContextManager:
        return type(self)()

    def __enter__(self) -> None:
        raise NotImplementedError

    def __exit__(self, *exc: object) -> None:
        raise NotImplementedError


class _GradSwitch(_DecoratorContextManager):
    """A block with grad mode set to ``mode``, restored on exit."""

    mode = True

    def __init__(self) -> None:
        self.prev = True

    def __enter__(self) -> None:
        self.prev = _state["grad"]
        _state["grad"] = self.mode

    def __exit__(self, *exc: object) -> None:
        _state["grad"] = self.prev


class no_grad(_GradSwitch):  # noqa: N801 - torch's name
    """https://docs.pytorch.org/docs/stable/generated/torch.no_grad.html
    "the result of every computation will have requires_grad=False, even when the inputs have
    requires_grad=True." """

    mode = False


class enable_grad(_GradSwitch):  # noqa: N801
    mode = True


class set_grad_enabled(_DecoratorContextManager):  # noqa: N801
    """Takes effect when called (``torch.set_grad_enabled(False)`` alone switches grad off), and
    restores the previous mode on ``__exit__``."""

    def __init__(self, mode: bool) -> None:
        self.prev = _state["grad"]
        self.mode = bool(mode)
        _state["grad"] = self.mode

    def clone(self) -> set_grad_enabled:
        return set_grad_enabled(self.mode)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _state["grad"] = self.prev

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        # Used as a decorator, the constructor's immediate switch is undone.
        _state["grad"] = self.prev
        return super().__call__(fn)


class inference_mode(_DecoratorContextManager):  # noqa: N801
    """https://docs.pytorch.org/docs/stable/generated/torch.autograd.grad_mode.inference_mode.html
    Like no_grad; tensors created inside are inference tensors."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode
        self.prev: tuple[bool, bool] = (True, False)

    def clone(self) -> inference_mode:
        return inference_mode(self.mode)

    def __enter__(self) -> None:
        self.prev = (_state["grad"], _state["inference"])
        if self.mode:
            _state["grad"], _state["inference"] = False, True
        else:
            _state["inference"] = False

    def __exit__(self, *exc: object) -> None:
        _state["grad"], _state["inference"] = self.prev


# ---- nodes ------------------------------------------------------------------------------------

_sequence = itertools.count()

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
         "after they have already been freed). Saved intermediate values of the graph are freed "
         "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
         "backward through the graph a second time or if you need to access saved tensors after "
         "calling backward.")

Meta = tuple[tuple[int, ...], Any, Any]  # shape, dtype, device
Edge = tuple["Node | None", int]


class Node:
    """A backward function. ``next_functions`` pairs each differentiable input with the node
    its gradient flows to (None for inputs that need no gradient)."""

    def __init__(self, next_functions: Sequence[Edge], backward: Callable[..., Any] | None,
                 saved: Sequence[SavedTensor] = (), meta: Sequence[Meta | None] = ()) -> None:
        self.next_functions: tuple[Edge, ...] = tuple(next_functions)
        self._backward = backward
        self._saved = list(saved)
        self._freed = False
        self._meta: list[Meta | None] = list(meta)
        self._seq = next(_sequence)
        self._retained: dict[int, Any] = {}  # output_nr -> tensor whose grad is retained
        self.metadata: dict[str, Any] = {}
        self._numpy_only = False  # formula computed outside the tensor ops (no double backward)
        # Recorded while backward ran with create_graph=True: torch's double-backward graphs
        # use composite nodes of their own, an implementation detail the model leaves open.
        self._double = _state["in_backward"] > 0

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def _release(self) -> None:
        if self._saved:
            self._freed = True

    def _apply(self, grads: list[Any], create_graph: bool) -> list[Any]:
        for s in self._saved:
            s.unpack(self)  # torch unpacks every saved variable first: freed/version errors
        if create_graph and self._numpy_only:
            raise NotModelled(f"double backward through {self.name()}")
        assert self._backward is not None
        return list(self._backward(grads))


_node_classes: dict[str, type[Node]] = {}


def node_class(name: str) -> type[Node]:
    cls = _node_classes.get(name)
    if cls is None:
        cls = type(name, (Node,), {})
        _node_classes[name] = cls
    return cls


def make_node(name: str, inputs: Sequence[Any], backward: Callable[..., Any] | None,
              saved: Sequence[SavedTensor] = ()) -> Node:
    from ._tensor import Tensor
    edges = [gradient_edge(t) if isinstance(t, Tensor) else (None, 0) for t in inputs]
    return node_class(name)(edges, backward, saved)


class AccumulateGrad(Node):
    """The sink of a leaf's gradient: accumulates into ``variable.grad``."""

    def __init__(self, variable: Tensor) -> None:
        super().__init__((), None, meta=[(variable._shape, variable._dtype, variable.device)])
        self.variable = variable
        self._seq = 1 << 62  # runs as soon as it is ready

    def _apply(self, grads: list[Any], create_graph: bool) -> list[Any]:
        if grads and grads[0] is not None:
            accumulate(self.variable, grads[0])
        return []


def gradient_edge(t: Tensor) -> Edge:
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (accumulator(t), 0)
    return (None, 0)


def accumulator(t: Tensor) -> AccumulateGrad:
    acc = t.__dict__.get("_accumulator")
    if acc is None:
        acc = AccumulateGrad(t)
        t.__dict__["_accumulator"] = acc
    return acc


class SavedTensor:
    """A tensor saved for backward, with the version it had when saved."""

    def __init__(self, t: Any, *, is_output: bool = False, node_name: str = "") -> None:
        from ._tensor import Tensor
        self.tensor = t
        self.is_tensor = isinstance(t, Tensor)
        self.version = t._vc.value if self.is_tensor else 0
        self.is_output = is_output
        self.node_name = node_name
        if self.is_tensor and getattr(t, "_inference", False):
            raise RuntimeError(
                "Inference tensors cannot be saved for backward. Please do not use Tensors "
                "created in inference mode in computation tracked by autograd. To work around "
                "this, you can make a clone to get a normal tensor and use it in autograd, or "
                "use `torch.no_grad()` instead of `torch.inference_mode()`.")

    def unpack(self, node: Node) -> Any:
        if node._freed:
            raise RuntimeError(FREED)
        t = self.tensor
        if self.is_tensor and t._vc.value != self.version:
            raise RuntimeError(_modified_message(t, self, node))
        return t


def short_name(name: str) -> str:
    """How torch's messages name a node: "AddBackward0" is "Add", "PowBackward1" is "Pow1"."""
    return re.sub(r"Backward0$", "", re.sub(r"Backward(?=[1-9]\d*$)", "", name))


def _modified_message(t: Tensor, saved: SavedTensor, node: Node) -> str:
    from ._views import _legacy_type
    shape = "[" + ", ".join(str(s) for s in t._shape) + "]"
    fn_name = node.name() if saved.is_output else (
        type(t.grad_fn).__name__ if t.grad_fn is not None else None)
    which = ""
    if fn_name is not None:
        short = short_name(fn_name)
        which = f", which is output {t._output_nr} of {short},"
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [{_legacy_type(t)} {shape}]{which} is at version "
            f"{t._vc.value}; expected version {saved.version} instead. Hint: enable anomaly "
            "detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def save(t: Any, *, output: bool = False, node_name: str = "") -> SavedTensor:
    return SavedTensor(t, is_output=output, node_name=node_name)


# ---- the gradient layout contract and accumulation -------------------------------------------

def obeys_layout_contract(grad: Tensor, var: Tensor) -> bool:
    """torch/csrc/autograd/utils/grad_layout_contract.h: a dense variable's grad has its strides
    (size-1 dims aside, but never stride 0); any other variable's grad is contiguous."""
    from . import _layout as L
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
    from . import _layout as L
    from ._creation import contiguous_format
    from ._ops import clone
    if L.is_non_overlapping_and_dense(var._shape, var._strides):
        from ._tensor import Tensor
        res = Tensor._empty(var._shape, grad._dtype, grad.device, var._strides,
                            initialised=False)
        return res.copy_(grad)
    return clone(grad, memory_format=contiguous_format)


_held: list[set[int]] = [set()]
_pending: list[dict[int, list[Any]]] = [{}]


def _is_held(t: Tensor, own: int = 0) -> bool:
    """Whether another reference holds ``t`` during backward, as torch's use count sees it: the
    gradient arguments, and a gradient object a node passed on to another input still
    waiting to run. torch then copies it instead of stealing it into ``.grad``."""
    if id(t) in _held[-1]:
        return True
    return sum(1 for buf in _pending[-1].values() for x in buf if x is t) > own


def _check_result(result: Tensor, var: Tensor) -> None:
    """CHECK_RESULT: torch warns once per process when the accumulated grad breaks the layout
    contract (TORCH_WARN_ONCE), which a model of one program cannot know."""
    if not obeys_layout_contract(result, var):
        raise NotModelled("accumulating a grad that breaks the layout contract (its warning "
                          "fires once per process)")


def accumulate(var: Tensor, new: Tensor) -> None:
    """AccumulateGrad::accumulateGrad (torch/csrc/autograd/functions/accumulate_grad.h)."""
    from ._ops import add
    if var._grad is not None:
        _check_result(var._grad, var)
    if var._grad is None:
        if not is_grad_enabled() and not _is_held(new) and obeys_layout_contract(new, var):
            var._grad = new.detach()  # stolen: no deep copy
        else:
            var._grad = clone_obey_contract(new, var)
    elif not is_grad_enabled():
        g = var._grad
        add(g, new, _inplace=g)
    else:
        var._grad = var._grad + new


def _buffer_add(old: Tensor | None, new: Tensor) -> Tensor:
    """InputBuffer::accumulate: in place into a private dense buffer, otherwise out of place."""
    from . import _layout as L
    from ._ops import add
    if old is None:
        return new
    if not is_grad_enabled() and old is not new and not _is_held(old, own=1) and \
            not old._view and \
            old.__dict__.get("_shares_storage") is None and \
            L.is_non_overlapping_and_dense(old._shape, old._strides) and \
            old._shape == new._shape:
        return add(old, new, _inplace=old)
    return add(old, new)


# ---- the engine ---------------------------------------------------------------------------------

def _validate(grad: Tensor, fn: Node, nr: int, producer: Node | None, index: int) -> Tensor:
    """validate_outputs: a gradient is summed to its input's shape when it broadcast, and cast
    to its dtype."""
    from ._layout import broadcast_shapes
    meta = fn._meta[nr] if nr < len(fn._meta) else None
    if meta is None:
        return grad
    shape, dt, _dev = meta
    if grad._shape != shape:
        try:
            ok = broadcast_shapes(shape, grad._shape) == grad._shape
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
        from ._derivatives import to_dtype
        grad = to_dtype(grad, dt)
    return grad


def sum_to(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """at::sum_to: sum the leading dims and the dims ``shape`` has as 1."""
    from ._ops import sum as tsum
    if not shape:
        return tsum(grad)  # a full reduction, not a view of a keepdim sum
    lead = len(grad._shape) - len(shape)
    dims = list(range(lead)) + [i for i in range(lead, len(grad._shape))
                                if shape[i - lead] == 1 and grad._shape[i] != 1]
    if dims:
        grad = tsum(grad, dims, keepdim=True)
    if lead:
        grad = grad.view(shape)
    return grad


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
    held = {id(g) for g in grads if g is not None}
    _held.append(held)
    _pending.append({})
    _state["in_backward"] += 1
    try:
        with grad_mode(create_graph):
            return _execute(root_edges, grads, keep_graph, create_graph, captures,
                            accumulate_grad, allow_unused)
    finally:
        _held.pop()
        _pending.pop()
        _state["in_backward"] -= 1


def _execute(root_edges: list[Edge], grads: Sequence[Tensor | None], keep_graph: bool,
             create_graph: bool, captures: list[Edge] | None, accumulate_grad: bool,
             allow_unused: bool) -> list[Tensor | None]:
    capture_at: dict[tuple[int, int], list[int]] = {}
    for k, (fn, nr) in enumerate(captures or []):
        capture_at.setdefault((id(fn), nr), []).append(k)
    # Which nodes run: all of them for backward(); for grad()/inputs=, those on a path to an
    # input (an input's AccumulateGrad itself only runs for backward(inputs=...)).
    nodes: dict[int, Node] = {}
    order: list[Node] = []
    stack = [fn for fn, _ in root_edges if fn is not None]
    while stack:
        fn = stack.pop()
        if id(fn) in nodes:
            continue
        nodes[id(fn)] = fn
        order.append(fn)
        stack.extend(nf for nf, _ in fn.next_functions if nf is not None)
    # needed: the node runs; reached: gradients are delivered to it (captures included).
    needed: dict[int, bool] = {}
    reached: dict[int, bool] = {}
    if captures is None:
        needed = {k: True for k in nodes}
        reached = needed
    else:
        capture_fns = {id(fn) for fn, _ in captures}

        def need(fn: Node) -> bool:
            key = id(fn)
            if key not in needed:
                needed[key] = False
                own = key in capture_fns and accumulate_grad and isinstance(fn, AccumulateGrad)
                via = [need(nf) or id(nf) in capture_fns
                       for nf, _ in fn.next_functions if nf is not None]
                needed[key] = own or any(via)
            return needed[key]
        for fn in order:
            need(fn)
        reached = {k: needed[k] or k in capture_fns for k in nodes}
    deps: dict[int, int] = {}
    for fn in order:
        if not needed.get(id(fn)):
            continue
        for nf, _ in fn.next_functions:
            if nf is not None and reached.get(id(nf)):
                deps[id(nf)] = deps.get(id(nf), 0) + 1
    buffers: dict[int, list[Any]] = _pending[-1]
    captured: list[Tensor | None] = [None] * len(captures or [])

    def deliver(fn: Node, nr: int, g: Tensor, producer: Node | None, index: int) -> None:
        g = _validate(g, fn, nr, producer, index)
        buf = buffers.setdefault(id(fn), [None] * max(len(fn._meta), nr + 1))
        buf[nr] = _buffer_add(buf[nr], g)

    for k, ((fn, nr), g) in enumerate(zip(root_edges, grads)):
        if g is not None and fn is not None:
            deliver(fn, nr, g, None, k)
    ready: list[tuple[int, int, Node]] = []
    queued: set[int] = set()
    for fn, _ in root_edges:
        if fn is not None and reached.get(id(fn)) and deps.get(id(fn), 0) == 0 and \
                id(fn) not in queued:
            queued.add(id(fn))
            heapq.heappush(ready, (-fn._seq, id(fn), fn))
    while ready:
        _, _, fn = heapq.heappop(ready)
        buf = buffers.pop(id(fn), [None] * len(fn._meta))
        for nr, t in list(fn._retained.items()):
            if nr < len(buf) and buf[nr] is not None:
                _retain(t, buf[nr])
        for nr, g in enumerate(buf):
            for k in capture_at.get((id(fn), nr), []):
                captured[k] = g
        if not needed.get(id(fn)):
            continue
        if isinstance(fn, AccumulateGrad) and not accumulate_grad:
            continue
        outs = _run_node(fn, buf, create_graph)
        if not keep_graph:
            fn._release()
        for i, ((nf, nr), g) in enumerate(zip(fn.next_functions, outs)):
            if nf is None or not reached.get(id(nf)):
                continue
            if g is not None:
                deliver(nf, nr, g, fn, i)
            deps[id(nf)] -= 1
            if deps[id(nf)] == 0 and id(nf) not in queued:
                queued.add(id(nf))
                heapq.heappush(ready, (-nf._seq, id(nf), nf))
    if captures is not None and not accumulate_grad:
        for g in captured:
            if g is None and not allow_unused:
                # Note: torch 2.13 begins "The differentiated Tensor at index 1", 2.11 "One of
                # the differentiated Tensors": the documented part starts at "appears".
                raise RuntimeError("appears to not have been used in the graph. Set "
                                   "allow_unused=True if this is the desired behavior.")
    return captured


def _run_node(fn: Node, buf: list[Tensor | None], create_graph: bool) -> list[Any]:
    from ._creation import zeros
    if isinstance(fn, AccumulateGrad):
        return fn._apply(buf, create_graph)
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
    from ._creation import contiguous_format
    from ._ops import clone
    # Runs in the backward's grad mode: with create_graph=True the clone is recorded.
    if t._grad is None:
        t._grad = clone(g, memory_format=contiguous_format)
    else:
        t._grad = t._grad + g


# ---- the Python API -----------------------------------------------------------------------------

def _to_tuple(x: Any, n: int) -> tuple[Any, ...]:
    from ._tensor import Tensor
    if x is None:
        return (None,) * n
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs: Sequence[Tensor], grads: Sequence[Any]) -> list[Tensor | None]:
    """torch.autograd._make_grads (torch/autograd/__init__.py)."""
    from ._creation import ones_like
    from ._tensor import Size, Tensor
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
            if out.requires_grad:
                if out.numel() != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not out._dtype.is_floating_point:
                    raise RuntimeError("grad can be implicitly created only for real scalar "
                                       f"outputs but got {out._dtype}")
                with grad_mode(False):
                    out_grads.append(ones_like(out))
            else:
                out_grads.append(None)
        else:
            raise TypeError("gradients can be either Tensors or None, but got "
                            f"{type(grad).__name__}")
    return out_grads


def _index(seq: Sequence[Any], item: Any) -> int:
    for i, x in enumerate(seq):
        if x is item:
            return i
    return 0


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables: Any = None,
             inputs: Any = None) -> None:
    """https://docs.pytorch.org/docs/stable/generated/torch.autograd.backward.html"""
    from ._tensor import Tensor
    if inputs is not None and not isinstance(inputs, Tensor) and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    outs = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    ins = None if inputs is None else ((inputs,) if isinstance(inputs, Tensor) else
                                        tuple(inputs))
    grads = _make_grads(outs, _to_tuple(grad_tensors, len(outs)))
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        # Note: torch warns here with TORCH_WARN_ONCE-like dedup per call site, which a model of
        # one program cannot predict.
        raise NotModelled("backward(create_graph=True) (its reference-cycle warning)")
    run_backward(outs, grads, retain_graph, create_graph, ins, accumulate_grad=True)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False
         ) -> tuple[Tensor | None, ...]:
    """https://docs.pytorch.org/docs/stable/generated/torch.autograd.grad.html
    "Computes and returns the sum of gradients of outputs with respect to the inputs." """
    from ._tensor import Tensor
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
        from ._creation import zeros_like
        result = [g if g is not None else zeros_like(i) for g, i in zip(result, ins)]
    return tuple(result)


def record_view(src: Tensor, out: Tensor) -> None:
    """Autograd metadata of a new view: the version it was made at, and whether grad mode was
    off while its base required grad (such views may not be modified in place later)."""
    out._attr_version = out._vc.value
    root = src._base_t if src._base_t is not None else src
    if src._view and src._creation != "default":
        # A view of such a view inherits how its base view was made.
        out._creation = src._creation
        out.__dict__["_inherited"] = True
        return
    out._creation = "inference" if _state["inference"] else (
        "no_grad" if not _state["grad"] and root.requires_grad else "default")


def check_no_graph(name: str, *inputs: Any) -> None:
    """For ops with no derivative in the model: refuse to run where a graph is needed."""
    if needs_graph(*inputs):
        raise NotModelled(f"autograd through {name}")
