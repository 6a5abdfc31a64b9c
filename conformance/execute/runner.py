"""Runner: execute a Program on one backend and record what every step did.

The runner never asserts and never compares: it turns a Program into a Trace (plain data).
A backend is a module that looks like torch: real ``torch`` or ``reference_impl``.
"""

from __future__ import annotations

import contextlib
import io
import time
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from ..program import Program, Step, compiled
from .observe import Facts, observe

NOT_MODELLED = "NotModelled"


@dataclass
class StepRecord:
    code: str
    error: tuple[str, str] | None  # (exception type name, message)
    warnings: list[tuple[str, str]]  # (category name, message)
    state: Facts
    output: str = ""  # what the step printed (standard output), when the session captures it

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "error": list(self.error) if self.error else None,
                "warnings": [list(w) for w in self.warnings], "state": self.state}


@dataclass
class Trace:
    backend: str
    device: str
    steps: list[StepRecord] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def unmodelled(self) -> StepRecord | None:
        for s in self.steps:
            if s.error and s.error[0] == NOT_MODELLED:
                return s
        return None


class Session:
    """One program's namespace on one backend, advanced a step at a time (the state machine
    drives it step by step; ``run`` drives it to the end)."""

    def __init__(self, module: ModuleType, device: str, *, capture: bool = True) -> None:
        """``capture``: what the program prints is kept in each step's record, not printed
        (a check runs every step twice, once per backend)."""
        self.module = module
        self.device = device
        self.capture = capture
        import numpy
        self.namespace: dict[str, Any] = {"torch": module, "dev": device, "np": numpy,
                                          "focal": _focal(module)}
        if getattr(module, "__name__", "") == "reference_impl":
            self.namespace["tvops"] = module.nn.functional  # torchvision.ops' signatures
            # A program's own "import torch" (a user's snippet) binds the reference there.
            self.namespace["__builtins__"] = _builtins_importing(module)
        else:
            tvops = torchvision_ops()
            if tvops is not None:
                self.namespace["tvops"] = tvops
        self.trace = Trace(backend=_backend_name(module), device=device)
        self.identified: dict[int, tuple[int, str]] = {}  # see observe.Identities

    def step(self, step: Step, *, observe_after: bool = True) -> StepRecord:
        error = None
        started = time.perf_counter()
        printed = io.StringIO()
        with warnings.catch_warnings(record=True) as caught, \
                contextlib.redirect_stdout(printed) if self.capture else contextlib.nullcontext():
            warnings.simplefilter("always")
            try:
                exec(compiled(step.code), self.namespace)  # noqa: S102 - programs are ours
            except Exception as e:  # noqa: BLE001 - every exception is an observation
                error = (type(e).__name__, _message(e))
        self.trace.seconds += time.perf_counter() - started
        record = StepRecord(
            code=step.code, error=error,
            warnings=[(w.category.__name__, str(w.message)) for w in caught],
            state=observe(self.namespace, self.identified) if observe_after else {},
            output=printed.getvalue())
        self.trace.steps.append(record)
        return record


def _builtins_importing(model: ModuleType) -> dict[str, Any]:
    """Python's builtins with an ``__import__`` that answers ``torch`` and ``torch.x.y`` with
    the model and its submodules, so ``import torch.nn.functional as F`` and ``from torch
    import nn`` run on the reference; every other import is Python's own."""
    import builtins
    import importlib
    real = builtins.__import__

    def redirect(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (),
                 level: int = 0) -> Any:
        if level == 0 and (name == "torch" or name.startswith("torch.")):
            mod_name = model.__name__ + name[len("torch"):]
            module = importlib.import_module(mod_name)
            return module if fromlist else model
        return real(name, globals, locals, fromlist, level)
    return {**vars(builtins), "__import__": redirect}


def _message(e: BaseException) -> str:
    msg = str(e)
    if isinstance(e, KeyError) and msg.startswith("'"):
        msg = msg.strip("'")
    return msg


def _focal(module: ModuleType) -> Any:
    """The focal losses of a backend: the reference's own, or conformance/focal.py (torch)."""
    if getattr(module, "__name__", "") == "reference_impl":
        return module.nn.functional
    from . import focal
    return focal


def torchvision_ops() -> Any:
    """torchvision.ops when torchvision imports beside this torch, else None."""
    try:
        import torchvision.ops
    except Exception:  # absent, or built for another torch (its operators fail to load)
        return None
    return torchvision.ops


def _backend_name(module: ModuleType) -> str:
    return "reference" if module.__name__.startswith("reference_impl") else "torch"


def run(program: Program, module: ModuleType, device: str) -> Trace:
    session = Session(module, device)
    for step in program.steps:
        record = session.step(step)
        if record.error and record.error[0] == NOT_MODELLED:
            break
    return session.trace
