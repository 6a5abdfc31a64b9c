"""Check a program someone wrote: torch code, one top-level statement per step, run on torch and
on the reference, every fact compared after every step.

    >>> from conformance.snippet import check_source
    >>> result = check_source("x = torch.ones(2, 3)\\nv = x.t()\\nv[0, 0] = 5")
    >>> result.verdict
    'PASS'

Needs no pytest. The program may ``import torch`` (the reference stands in for it on its side)
and use ``np`` (NumPy) and ``dev`` (the device checked). Each check starts from torch's defaults
(default dtype float32, grad mode on) and leaves them as they were.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from typing import Any

from .judge.check import CaseResult, check
from .program import Program, Step
from .settings import SettingsError, availability
from .verdicts import INVALID, PASS


def program_of(source: str) -> Program:
    """One Step per top-level statement (a ``with`` block or a ``def`` is one step, decorators
    included). A SyntaxError propagates."""
    tree = ast.parse(source)
    lines = source.splitlines()
    steps = []
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if node.end_lineno is not None and (node.end_lineno > node.lineno or start < node.lineno):
            code = "\n".join(lines[start - 1:node.end_lineno])
        else:
            code = ast.get_source_segment(source, node) or ""
        steps.append(Step(code, _bound_names(node)))
    return Program(tuple(steps))


def _bound_names(node: ast.stmt) -> tuple[str, ...]:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    return tuple(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))


def check_source(source: str, device: str = "cpu") -> CaseResult:
    """The verdict on a snippet: PASS, MISMATCH, UNMODELLED, EXPECTED or INVALID (the program is
    broken whatever torch does: it does not parse, or a step raises NameError or misspells an
    attribute of a Python builtin). A SettingsError for an unknown or absent device."""
    ok, reason = availability(device)
    if not ok:
        raise SettingsError(f"{device}: {reason}" if not reason.startswith("unknown") else reason)
    try:
        program = program_of(source)
    except SyntaxError as e:
        return CaseResult(Program(()), device, INVALID,
                          note=f"the program is not valid: line {e.lineno}: SyntaxError: "
                               f"{e.msg}")
    return check(program, device)


@dataclass(frozen=True)
class Notebook:
    """A notebook's code as one program: its code cells in order, with the IPython lines that
    are not Python (magics, shell escapes) left out and listed."""

    source: str
    skipped: list[str]


def read_notebook(text: str) -> Notebook:
    """The code cells of an ``.ipynb`` document. ValueError when it is not one."""
    doc = json.loads(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        raise ValueError("not a notebook (no cells)")
    lines: list[str] = []
    skipped: list[str] = []
    for cell in doc["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        body = cell.get("source", "")
        for line in (body if isinstance(body, list) else str(body).splitlines(True)):
            stripped = line.strip()
            if stripped.startswith(("%", "!")):
                skipped.append(stripped)
                continue
            lines.append(line if line.endswith("\n") else line + "\n")
        lines.append("\n")
    return Notebook("".join(lines), skipped)


def report_text(result: CaseResult, skipped: list[str] | None = None) -> str:
    """The verdict first, then each mismatch with its step and path, then the torch-only
    reproduction, then what the program printed on torch (once; the reference's own printing
    is not shown)."""
    steps = len(result.program.steps)
    if result.verdict == PASS:
        out = (f"PASS on {result.device}: {steps} step{'s' * (steps != 1)}, every observed "
               "fact as documented\n")
    else:
        out = result.explain() + ("\n" if not result.explain().endswith("\n") else "")
    if skipped:
        out += (f"Not Python, left out ({len(skipped)} line{'s' * (len(skipped) != 1)}): "
                + "; ".join(skipped) + "\n")
    printed = program_output(result)
    if printed:
        out += "What the program printed (torch):\n" + printed + ("" if printed.endswith("\n")
                                                                  else "\n")
    return out


def program_output(result: CaseResult) -> str:
    trace = result.torch_trace
    return "".join(step.output for step in trace.steps) if trace is not None else ""


def report_json(result: CaseResult, torch_version: str, skipped: list[str] | None = None
                ) -> str:
    doc: dict[str, Any] = {**result.to_json(), "torch": torch_version,
                           "steps": [s.code for s in result.program.steps],
                           "output": program_output(result), "skipped": list(skipped or [])}
    return json.dumps(doc, indent=1, default=str) + "\n"
