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
        return "\n".join(self.prelude(device) + [s.code for s in self.steps]) + "\n"

    def prelude(self, device: str = "cpu") -> list[str]:
        """The imports and definitions a script of this program starts with."""
        lines = ["import torch"] + (["import numpy as np"] if self.uses_numpy else [])
        if self.uses_focal:
            lines += focal_prelude()
        if any("tvops." in s.code for s in self.steps):
            lines.append("import torchvision.ops as tvops")
        return lines + [f"dev = {device!r}"]

    @property
    def uses_focal(self) -> bool:
        """Programs of the focal losses call ``focal.*``; their scripts define it."""
        return any("focal." in s.code for s in self.steps)

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


def prog(*lines: str, claims: tuple[str, ...] = ()) -> Program:
    """A Program of one step per line; an indented line continues the step before it (the
    body of a ``with`` block)."""
    steps: list[Step] = []
    for line in lines:
        if line[:1].isspace() and steps:
            steps[-1] = Step(steps[-1].code + "\n" + line, steps[-1].binds)
            continue
        lhs = line.split(" = ")[0] if " = " in line and "[" not in line.split(" = ")[0] else ""
        steps.append(Step(line, tuple(n.strip() for n in lhs.split(",") if n.strip())))
    return Program(tuple(steps), claims)


@functools.lru_cache(maxsize=1)
def focal_prelude() -> list[str]:
    """conformance/focal.py's functions, inlined, bound to a namespace named ``focal``: a
    reproduction stays a script that needs torch alone."""
    from pathlib import Path
    text = (Path(__file__).parent / "execute" / "focal.py").read_text()
    body = text[text.index("import torch"):]
    body = body.replace("from typing import Any\n", "").replace(": Any", "").replace(
        " -> Any", "")
    return [body.rstrip(), "import types",
            "focal = types.SimpleNamespace(sigmoid_focal_loss=sigmoid_focal_loss, "
            "softmax_focal_loss=softmax_focal_loss)"]


@functools.lru_cache(maxsize=8192)
def compiled(code: str) -> CodeType:
    """Each distinct statement is compiled once and run on every backend."""
    return compile(code, "<program>", "exec")

