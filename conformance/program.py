"""Program: plain data for one generated test case, whose repr is runnable torch code.

A Program is a sequence of single Python statements over a namespace holding ``torch`` (real
torch, or ``reference_impl`` standing in for it) and ``dev`` (the device string). It crosses
every stage boundary as data: strategies build it, the runner executes it, results store it,
and its ``repr`` is the reproduction a user pastes into ``python``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from types import CodeType
from typing import Any


@dataclass(frozen=True)
class Step:
    """One statement. ``binds`` lists the names it assigns (observed after it runs)."""

    code: str
    binds: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "binds": list(self.binds)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        return cls(str(data["code"]), tuple(data.get("binds", ())))


@dataclass(frozen=True)
class Program:
    steps: tuple[Step, ...]
    claims: tuple[str, ...] = field(default=())

    def __add__(self, other: Program) -> Program:
        return Program(self.steps + other.steps, tuple(dict.fromkeys(self.claims + other.claims)))

    def then(self, code: str, *binds: str) -> Program:
        return Program(self.steps + (Step(code, binds),), self.claims)

    def source(self, device: str = "cpu") -> str:
        """The program as a script that needs only torch."""
        lines = ["import torch"] + (["import numpy as np"] if self.uses_numpy else []) + [
            f"dev = {device!r}"]
        lines += [s.code for s in self.steps]
        return "\n".join(lines) + "\n"

    @property
    def uses_numpy(self) -> bool:
        """Programs of the NumPy bridge name ``np``; their scripts import it."""
        return any("np." in s.code for s in self.steps)

    def __repr__(self) -> str:
        return self.source()

    def to_json(self) -> dict[str, Any]:
        return {"steps": [s.to_json() for s in self.steps], "claims": list(self.claims)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Program:
        return cls(tuple(Step.from_json(s) for s in data["steps"]), tuple(data.get("claims", ())))


@functools.lru_cache(maxsize=8192)
def compiled(code: str) -> CodeType:
    """Each distinct statement is compiled once and run on every backend."""
    return compile(code, "<program>", "exec")

