"""The grad-mode context managers (also decorators): ``no_grad``, ``enable_grad``,
``set_grad_enabled``, ``inference_mode``.

https://docs.pytorch.org/docs/stable/notes/autograd.html#locally-disabling-gradient-computation
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .._core.modes import MODES


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
        self.prev = MODES.grad
        MODES.grad = self.mode

    def __exit__(self, *exc: object) -> None:
        MODES.grad = self.prev


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
        self.prev = MODES.grad
        self.mode = bool(mode)
        MODES.grad = self.mode

    def clone(self) -> set_grad_enabled:
        return set_grad_enabled(self.mode)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        MODES.grad = self.prev

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        # Used as a decorator, the constructor's immediate switch is undone.
        MODES.grad = self.prev
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
        self.prev = (MODES.grad, MODES.inference)
        if self.mode:
            MODES.grad, MODES.inference = False, True
        else:
            MODES.inference = False

    def __exit__(self, *exc: object) -> None:
        MODES.grad, MODES.inference = self.prev


