"""Fingerprints are reproducible: elements the reference calls unspecified are masked,
addresses in messages are blanked, and only what changed is recorded per step."""

from __future__ import annotations

from conformance.execute.runner import StepRecord
from conformance.judge.check import check
from conformance.judge.fingerprint import Fingerprint, observations
from conformance.program import Program, Step


def _fingerprint(*lines: str) -> dict:
    result = check(Program(tuple(Step(line) for line in lines)), "cpu")
    assert result.torch_trace is not None and result.reference_trace is not None
    fp = Fingerprint()
    fp.add(result.program.source(), observations(result.torch_trace.steps,
                                                 result.reference_trace.steps))
    return fp.to_json()


def test_uninitialised_memory_is_masked_so_two_runs_agree() -> None:
    lines = ("x = torch.empty(64)", "y = torch.ones(3)", "y.mul_(2)")
    first, second = _fingerprint(*lines), _fingerprint(*lines)
    assert first == second
    (entry,) = first["corpus"]
    x_values = entry["observations"][0]["state"]["values"]["x"]["values"]
    assert set(x_values) == {"<unspecified>"}


def test_only_changed_facts_are_recorded_per_step() -> None:
    (entry,) = _fingerprint("a = torch.ones(2)", "b = torch.zeros(2)", "a.add_(1)")["corpus"]
    first, second, third = entry["observations"]
    assert set(first["state"]["values"]) == {"a"}
    assert set(second["state"]["values"]) == {"b"}
    assert set(third["state"]["values"]) == {"a"}
    assert third["state"]["values"]["a"]["values"] == [2.0, 2.0]


def test_addresses_in_messages_are_blanked() -> None:
    step = StepRecord("x = f()", ("RuntimeError", "object at 0x7f0012345678 failed"),
                      [("UserWarning", "at 0xdeadbeef1")], {"values": {}})
    (obs,) = observations([step], [step])
    assert obs == {"error": "RuntimeError: object at 0x? failed",
                   "warnings": ["UserWarning: at 0x?"]}


def test_the_digest_covers_programs_beyond_the_corpus() -> None:
    a, b = Fingerprint(), Fingerprint()
    for i in range(12):
        a.add(f"p{i}", [{"error": "E"}])
        b.add(f"p{i}", [{"error": "E" if i < 11 else "F"}])
    assert a.to_json()["corpus"] == b.to_json()["corpus"]
    assert a.to_json()["digest"] != b.to_json()["digest"]
    assert a.to_json()["programs"] == 12
