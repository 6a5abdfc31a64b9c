"""The model against what a real GPU showed: docs/gpu/results.json, the suite's ci run on an
NVIDIA H200 (torch 2.11.0+cu130), made before the model's CUDA rules were fixed.

Each failing cuda case recorded there is replayed on the reference (device "cuda", host with an
accelerator), and every fact torch showed where the model then differed must now be what the
model says, by the suite's own comparison rules. This needs no GPU: torch's side is the
recorded observation. It cannot show what Hypothesis would find past each test's first
failure; docs/gpu/README.md says so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import reference_impl
from conformance.execute.runner import Session, StepRecord
from conformance.judge.mismatch import compare_facts, message_matches
from conformance.program import Program, Step

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "gpu" / "results.json"


def _cases() -> list[tuple[str, dict[str, Any]]]:
    doc = json.loads(RESULTS.read_text())
    # EXPECTED cases are departures recorded in conformance/expectations.toml, not failures.
    return [(t["test"], t["case"]) for t in doc["tests"]
            if t["device"].startswith("cuda") and t.get("case") and t["case"]["mismatches"]
            and t["case"]["verdict"] != "EXPECTED"]


def parse(source: str) -> Program:
    """A recorded program's steps: the lines after the prelude's ``dev = ...``, an indented line
    continuing the step before it (the body of a ``with`` block)."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("dev = ")) + 1
    steps: list[str] = []
    for line in lines[start:]:
        if line[:1].isspace() and steps:
            steps[-1] += "\n" + line
        elif line.strip():
            steps.append(line)
    return Program(tuple(Step(s) for s in steps))


_ELEMENT = re.compile(r"^(.+?)\[([\d, ]+)\]$")


def reference_value(path: str, record: StepRecord) -> Any:
    """What the reference shows at a mismatch's path after a step (``<absent>`` if nothing)."""
    state = record.state
    if path == "error":
        return None if record.error is None else f"{record.error[0]}: {record.error[1]}"
    if path == "warnings":
        return [list(w) for w in record.warnings]
    for suffix, key in ((" shares storage with", "aliases"), (" is the same object as",
                                                               "identity")):
        if path.endswith(suffix):
            return state.get(key, {}).get(path[:-len(suffix)], "<absent>")
    if path.endswith(" is bound"):
        return path[:-len(" is bound")] in state.get("values", {})
    m = _ELEMENT.match(path)
    if m and m.group(1) in state.get("values", {}):
        value: Any = state["values"][m.group(1)].get("values")
        for i in (int(k) for k in m.group(2).split(",")):
            value = value[i]
        return value
    from conformance.judge.mismatch import FACT_EXPR
    for name, facts in state.get("values", {}).items():
        for key, value in facts.items():
            if FACT_EXPR.get(key, "{n}." + key).format(n=name) == path:
                return value
    return "<absent>"


def agrees(path: str, torch_value: Any, ref_value: Any, dtype: str) -> bool:
    if path == "error":
        if torch_value is None or ref_value is None:
            return torch_value is ref_value
        t_type, _, t_msg = str(torch_value).partition(": ")
        r_type, _, r_msg = str(ref_value).partition(": ")
        return t_type == r_type and message_matches(t_msg, r_msg)
    if _ELEMENT.match(path):
        return not compare_facts(0, "x", {"values": torch_value, "dtype": dtype},
                                 {"values": ref_value, "dtype": dtype})
    return not compare_facts(0, "x", {"fact": torch_value}, {"fact": ref_value})


@pytest.mark.skipif(not RESULTS.exists(), reason="no GPU run committed")
@pytest.mark.parametrize("test_id, case", _cases() if RESULTS.exists() else [],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_the_model_now_says_what_the_gpu_showed(test_id: str, case: dict[str, Any]) -> None:
    program = parse(case["program"])
    reference_impl.set_host(accelerator=True)
    try:
        session = Session(reference_impl, "cuda")
        records = [session.step(step) for step in program.steps]
    finally:
        reference_impl.set_host(accelerator=None)
    unmodelled = [r.error for r in records if r.error and r.error[0] == "NotModelled"]
    assert not unmodelled, f"{test_id}: the model refuses a step: {unmodelled[0]}"
    still = []
    for m in case["mismatches"]:
        record = records[m["step"] - 1]
        ref = reference_value(m["path"], record)
        name = m["path"].split("[")[0].split(".")[0].split(" ")[0]
        dtype = record.state.get("values", {}).get(name, {}).get("dtype", "")
        if not agrees(m["path"], m["torch"], ref, str(dtype)):
            still.append(f"step {m['step']} {m['path']}: torch {m['torch']!r}, model {ref!r}")
    assert not still, f"{test_id}:\n" + "\n".join(still)


def test_the_replay_catches_a_difference() -> None:
    """The replay is not vacuous: a recorded mismatch the model does not explain fails it."""
    record = Session(reference_impl, "cuda").step(Step("x = torch.ones(2, device=dev)"))
    assert reference_value("x.device", record) == "cuda:0"
    assert agrees("x.device", "cuda:0", "cuda:0", "")
    assert not agrees("x.device", "cpu", "cuda:0", "")
    assert not agrees("error", "TypeError: can't convert cuda:0 device type tensor",
                      "TypeError: can't convert cuda device type tensor", "")
    assert agrees("y.grad_fn", None, None, "") and not agrees("y.grad_fn", None, "Add", "")
    assert agrees("x[1]", 1.0, 1.0 + 1e-9, "torch.float32")
    assert not agrees("x[1]", 1.0, 2.0, "torch.float32")
