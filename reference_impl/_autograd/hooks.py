"""Tensor hooks: ``register_hook``, the handle that removes a hook, and how the engine runs
the hooks of a node's inputs.

https://docs.pytorch.org/docs/stable/generated/torch.Tensor.register_hook.html
"The hook will be called every time a gradient with respect to the Tensor is computed ...
hook(grad) -> Tensor or None ... it can optionally return a new gradient which will be used in
place of grad."

https://docs.pytorch.org/docs/stable/notes/autograd.html#backward-hooks-execution
"hooks registered to Tensor are executed", then "the .grad field is updated for Tensors that
retain_grad", then the Node; hooks of one Tensor run in the order they were registered, each
seeing what the earlier ones returned. "when hooks are registered to a Tensor, they actually
become permanently bound to the grad_fn of that Tensor": a tensor modified in place starts a
new list on its new grad_fn, and the old hooks fire when the old grad_fn is reached.
"""

from __future__ import annotations

import sys
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .._core.tensor import Tensor
from .graph import AccumulateGrad, Node

Hook = Callable[[Any], Any]


class RemovableHandle:
    """``torch.utils.hooks.RemovableHandle``: ``remove()`` takes its hook out of the dict it
    was added to (twice is harmless); as a context manager it removes the hook on exit."""

    next_id = 0

    def __init__(self, hooks_dict: OrderedDict[int, Hook]) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1

    def remove(self) -> None:
        hooks = self.hooks_dict_ref()
        if hooks is not None and self.id in hooks:
            del hooks[self.id]

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def register_hook(self: Tensor, hook: Hook) -> RemovableHandle:
    """torch/_tensor.py ``register_hook``: the tensor's hooks live in one dict, bound to its
    grad_fn (its output ``output_nr``) when the first hook is registered; a leaf's hooks are
    read by its AccumulateGrad node."""
    if not self.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self._hooks is None:
        self._hooks = OrderedDict()
        fn = self.grad_fn
        if fn is not None:
            fn._pre_hooks.append((self._output_nr, self._hooks))
    handle = RemovableHandle(self._hooks)
    self._hooks[handle.id] = hook
    return handle


def hooks_of(fn: Node) -> list[tuple[int, OrderedDict[int, Hook]]]:
    """The hook dicts a node runs on its inputs, by input number (a leaf's for its
    AccumulateGrad)."""
    if isinstance(fn, AccumulateGrad):
        hooks = fn.variable._hooks
        return [(0, hooks)] if hooks else []
    return list(fn._pre_hooks)


def _name(hook: Hook) -> str:
    return getattr(hook, "__name__", "<unknown>")


def _check_result(original: Any, result: Any, hook: Hook) -> None:
    """check_single_result / check_variable_result (torch/csrc/autograd/python_hook.cpp)."""
    if original is None:
        raise RuntimeError("can't replace a None gradient with a non-None value")
    if not isinstance(result, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")
    if result._dtype is not original._dtype or result.device.type != original.device.type:
        # torch goes on "(was torch.FloatTensor got torch.DoubleTensor)", naming meta types
        # its own way.
        raise RuntimeError(f"hook '{_name(hook)}' has changed the type of value")
    if result._shape != original._shape:
        raise RuntimeError(f"hook '{_name(hook)}' has changed the size of value")


# A tensor that only a local name refers to, as sys.getrefcount counts it (the name and the
# call's own argument).
_FRESH = 2


def call_hooks(hooks: OrderedDict[int, Hook], grad: Any, held: set[int]) -> Any:
    """Run the hooks on ``grad`` in registration order (over a snapshot: a hook may remove
    itself); a hook's non-None result replaces the gradient for the next one.

    ``held`` collects the ids of gradients a hook kept a reference to (stored in a list, or
    returned while bound elsewhere).
    # Note: torch steals a gradient into .grad only when nothing else refers to it (its use
    # count); a tensor the user's Python code still holds counts. The model reads CPython's
    # reference count around each call to see the same."""
    for hook in list(hooks.values()):
        before = sys.getrefcount(grad) if grad is not None else 0
        result = hook(grad)
        if result is None or result is grad:
            if grad is not None and sys.getrefcount(grad) - (result is grad) > before:
                held.add(id(grad))
            continue
        _check_result(grad, result, hook)
        if sys.getrefcount(result) > _FRESH:
            held.add(id(result))
        grad = result
    return grad
