"""The autograd graph: nodes named as torch names them (``MulBackward0``...), each with
``next_functions`` of (node, output number) pairs; the ``AccumulateGrad`` node of each leaf that
requires grad; and tensors saved for backward with the version they had.

https://docs.pytorch.org/docs/stable/notes/autograd.html
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

from .._core.dtypes import tensor_type_name
from .._core.errors import NotModelled
from .._core.layout import format_shape
from .._core.modes import MODES
from .._core.tensor import Tensor

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

    __slots__ = ("next_functions", "_backward", "_saved", "_freed", "_meta", "_seq", "_retained",
                 "metadata", "_numpy_only", "_double", "_pre_hooks")

    def __init__(self, next_functions: Sequence[Edge], backward: Callable[..., Any] | None,
                 saved: Sequence[SavedTensor] = (), meta: Sequence[Meta | None] = ()) -> None:
        self.next_functions: tuple[Edge, ...] = tuple(next_functions)
        self._backward = backward
        self._saved = list(saved)
        self._freed = False
        self._meta: list[Meta | None] = list(meta)
        self._seq = next(_sequence)
        self._retained: dict[int, Any] = {}  # output_nr -> tensor whose grad is retained
        # The hook dicts of the tensors this node made (register_hook), by output number.
        self._pre_hooks: list[tuple[int, Any]] = []
        self.metadata: dict[str, Any] = {}
        self._numpy_only = False  # formula computed outside the tensor ops (no double backward)
        # Recorded while backward ran with create_graph=True: torch's double-backward graphs
        # use composite nodes of their own, an implementation detail the model leaves open.
        self._double = MODES.in_backward > 0

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
        cls = type(name, (Node,), {"__slots__": ()})
        _node_classes[name] = cls
    return cls


def make_node(name: str, inputs: Sequence[Any], backward: Callable[..., Any] | None,
              saved: Sequence[SavedTensor] = ()) -> Node:
    edges = [gradient_edge(t) if isinstance(t, Tensor) else (None, 0) for t in inputs]
    return node_class(name)(edges, backward, saved)


class AccumulateGrad(Node):
    """The sink of a leaf's gradient: the engine accumulates into ``variable.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        super().__init__((), None, meta=[(variable._shape, variable._dtype, variable.device)])
        self.variable = variable
        self._seq = 1 << 62  # runs as soon as it is ready


def gradient_edge(t: Tensor) -> Edge:
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (accumulator(t), 0)
    return (None, 0)


def accumulator(t: Tensor) -> AccumulateGrad:
    acc = t._accumulator
    if acc is None:
        acc = AccumulateGrad(t)
        t._accumulator = acc
    return acc


class SavedTensor:
    """A tensor saved for backward, with the version it had when saved."""

    __slots__ = ("saved", "is_tensor", "version", "is_output", "node_name", "layout")

    def __init__(self, t: Any, *, is_output: bool = False, node_name: str = "") -> None:
        self.saved = t
        self.is_tensor = isinstance(t, Tensor)
        self.version = t._vc.value if self.is_tensor else 0
        self.is_output = is_output
        self.node_name = node_name
        # An output is saved as its data (SavedVariable keeps tensor_data()): a later
        # ``y.data = t`` does not change what backward reads.
        self.layout = (t._storage, t._offset, t._shape, t._strides, t._dtype, t._conj) \
            if self.is_tensor and is_output else None
        if self.is_tensor and getattr(t, "_inference", False):
            # Note: the key phrase; the advice after it is each release's own (2.0 and 2.6:
            # "To work around you can make a clone...", 2.13: "Please do not use Tensors
            # created in inference mode...").
            raise RuntimeError("Inference tensors cannot be saved for backward.")

    def unpack(self, node: Node) -> Any:
        if node._freed:
            raise RuntimeError(FREED)
        t = self.saved
        if self.is_tensor and t._vc.value != self.version:
            raise RuntimeError(_modified_message(t, self, node))
        return self.tensor

    @property
    def tensor(self) -> Any:
        """The saved tensor; for an output whose data was since swapped (``y.data = t``), an
        alias of the data it had when saved, with the output's place in the graph (torch's
        SavedVariable::unpack gives the saved data its grad_fn back: with create_graph, a
        formula that reads it records a node that leads to it)."""
        t = self.saved
        if self.layout is None or self.layout[0] is t._storage:
            return t
        storage, offset, shape, strides, dt, conj = self.layout
        data = Tensor._new(storage, offset, shape, strides, dt)
        data._conj = conj
        data._requires_grad, data._grad_fn = t._requires_grad, t._grad_fn
        data._output_nr = t._output_nr
        return data


def short_name(name: str) -> str:
    """How torch's messages name a node: "AddBackward0" is "Add", "PowBackward1" is "Pow1"."""
    return re.sub(r"Backward0$", "", re.sub(r"Backward(?=[1-9]\d*$)", "", name))


def _modified_message(t: Tensor, saved: SavedTensor, node: Node) -> str:
    data = saved.tensor  # an output is described as saved (its data then), not as it is now
    kind = f"{tensor_type_name(data._dtype, data.device.type)} {format_shape(data._shape)}"
    fn_name = node.name() if saved.is_output else (
        type(t.grad_fn).__name__ if t.grad_fn is not None else None)
    which = ""
    if fn_name is not None:
        short = short_name(fn_name)
        which = f", which is output {t._output_nr} of {short},"
    # Note: the hint that follows ("...with torch.autograd.set_detect_anomaly(True)." on 2.0
    # and 2.6, "(True, check_nan=False)." on 2.11 and later) is each release's own.
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [{kind}]{which} is at version "
            f"{t._vc.value}; expected version {saved.version} instead.")


def save(t: Any, *, output: bool = False, node_name: str = "") -> SavedTensor:
    return SavedTensor(t, is_output=output, node_name=node_name)




def meta_of(t: Tensor) -> Meta:
    """What a node remembers of an output: its shape, dtype and device."""
    return (t._shape, t._dtype, t.device)


# A node recipe, as a formula returns it: the node's name, the inputs its edges lead to (in
# order), the tensors it saves, and its backward (gradients of the outputs -> of the inputs).
Backward = Callable[[list[Any]], list[Any]]
Plan = tuple[str, Sequence[Any], Sequence[SavedTensor], Backward]
