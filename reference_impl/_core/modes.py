"""Grad mode and inference mode: the global switches every op reads (c10's ``GradMode`` and
``InferenceMode``), and two depth counters of the model's own.

https://docs.pytorch.org/docs/stable/notes/autograd.html#locally-disabling-gradient-computation
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum


class Modes:
    """The switches: grad mode, inference mode, torch.set_warn_always, and two depth counters
    (ops running inside another op's body, which record nothing; backward passes running)."""

    __slots__ = ("grad", "inference", "suspended", "in_backward", "warn_always")

    def __init__(self) -> None:
        self.grad = True
        self.inference = False
        self.suspended = 0
        self.in_backward = 0
        self.warn_always = False


MODES = Modes()


def is_grad_enabled() -> bool:
    return bool(MODES.grad)


def is_inference_mode_enabled() -> bool:
    return bool(MODES.inference)


def set_warn_always(b: bool, /) -> None:
    """https://docs.pytorch.org/docs/stable/generated/torch.set_warn_always.html
    "When this flag is False (default) then some PyTorch warnings may only appear once per
    process. ... Setting it to True causes these warnings to always appear." """
    MODES.warn_always = bool(b)


def is_warn_always_enabled() -> bool:
    return bool(MODES.warn_always)


def recording() -> bool:
    """True when ops record graph nodes: grad mode on, and not inside an op's own body."""
    return bool(MODES.grad) and not MODES.suspended


@contextmanager
def suspended() -> Iterator[None]:
    """Inside an op's body: the ops it is built from record nothing."""
    MODES.suspended += 1
    try:
        yield
    finally:
        MODES.suspended -= 1


@contextmanager
def grad_mode(enabled: bool) -> Iterator[None]:
    """A block with grad mode set to ``enabled`` (recording again, even inside an op)."""
    prev, prev_s = MODES.grad, MODES.suspended
    MODES.grad, MODES.suspended = enabled, 0
    try:
        yield
    finally:
        MODES.grad, MODES.suspended = prev, prev_s


@contextmanager
def in_backward() -> Iterator[None]:
    """While a backward pass runs: nodes recorded now belong to a double-backward graph."""
    MODES.in_backward += 1
    try:
        yield
    finally:
        MODES.in_backward -= 1


class CreationMeta(Enum):
    """How a view was made, which decides whether it may be modified in place later (torch's
    ``CreationMeta``): views made under no_grad (of a base that requires grad), in inference
    mode, or as one output of several may not."""

    DEFAULT = "default"
    NO_GRAD_MODE = "no_grad"
    INFERENCE_MODE = "inference"
    MULTI_OUTPUT_NODE = "multi"
