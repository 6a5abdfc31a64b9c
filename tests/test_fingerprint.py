"""Fingerprints are reproducible: elements the reference calls unspecified are masked,
addresses in messages are blanked, and only what changed is recorded per step."""

from __future__ import annotations

import json

from conformance.execute.runner import StepRecord
from conformance.judge.check import check
from conformance.judge.fingerprint import (
    CORPUS,
    ENTRY_LIMIT,
    EXEMPLARS,
    FAILING,
    PREFIX_OVER,
    TEST_BUDGET,
    Fingerprint,
    clean_text,
    observations,
)
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


def test_every_program_is_in_the_index_and_a_new_behaviour_is_kept_whole() -> None:
    a, b = Fingerprint(), Fingerprint()
    for i in range(12):
        a.add(f"p{i}", [{"error": "E"}])
        b.add(f"p{i}", [{"error": "E" if i < 11 else "F"}])
    ja, jb = a.to_json(), b.to_json()
    assert ja["digest"] != jb["digest"] and ja["programs"] == jb["programs"] == 12
    assert ja["index"][:11] == jb["index"][:11] and ja["index"][11] != jb["index"][11]
    # <program>:<observations>:<coarse>:<behaviour numbers>: p0..p10 showed behaviour 0 (E);
    # p11 showed F, the table's second.
    assert [len(e) for e in ja["index"]] == [28] * 12
    assert ja["behaviours"] == ["error E"] and jb["behaviours"] == ["error E", "error F"]
    assert ja["index"][0].endswith(":0") and jb["index"][11].endswith(":1")
    # p11 is outside the first CORPUS programs, but its error is a behaviour the test had not
    # shown: it is kept whole, as an exemplar.
    assert [e["program"] for e in ja["corpus"]] == [f"p{i}" for i in range(CORPUS)]
    assert jb["corpus"][-1] == {"program": "p11", "observations": [{"error": "F"}],
                                "why": ["exemplar"]}


def test_failing_programs_are_kept_whole_the_first_and_the_smallest() -> None:
    fp = Fingerprint()
    for i in range(CORPUS):
        fp.add(f"pass{i}", [{}])
    sizes = [40, 30, 35, 20, 25, 10, 38]
    for n in sizes:
        fp.add("x" * n, [{"state": {"values": {"t": {"values": [n]}}}}], failing=True)
    out = fp.to_json()
    assert [e.endswith("!") for e in out["index"]] == [False] * CORPUS + [True] * len(sizes)
    failing = [e["program"] for e in out["corpus"] if "failing" in e["why"]]
    # the first (the generation phase both torch versions share), then the smallest three
    assert sorted(map(len, failing)) == [10, 20, 25, 40] and len(failing[0]) == 40


def test_the_smallest_program_is_the_exemplar_of_a_behaviour() -> None:
    fp = Fingerprint()
    for i in range(CORPUS):
        fp.add(f"first{i}", [{}])
    fp.add("a long program", [{"error": "RuntimeError: size 3 and 4"}])
    fp.add("short", [{"error": "RuntimeError: size 5 and 6"}])  # the same message, digits aside
    fp.add("longer still", [{"error": "RuntimeError: size 7 and 8"}])
    exemplars = [e["program"] for e in fp.to_json()["corpus"] if "exemplar" in e["why"]]
    assert exemplars == ["short"]


def test_the_whole_programs_of_a_test_are_bounded() -> None:
    fp = Fingerprint()
    for i in range(500):
        fp.add(f"p{i}", [{"error": f"E{'x' * (i % 97)}: {i}"}], failing=i % 3 == 0)
    out = fp.to_json()
    assert len(out["index"]) == 500
    assert len(out["corpus"]) <= CORPUS + FAILING + EXEMPLARS
    fp.add("big", [{"state": {"values": {"t": {"values": [0.5] * ENTRY_LIMIT}}}}], failing=True)
    assert "big" not in [e["program"] for e in fp.to_json()["corpus"]]
    # Within the budget, failing programs go first, then exemplars (the smallest first), then
    # the first ones.
    heavy = Fingerprint()
    for i in range(CORPUS):
        heavy.add(f"first{i}", [{"state": {"values": {"t": {"values": [0.5] * 1500}}}}])
    per = ENTRY_LIMIT // 8  # values of 5 characters: ~10,000 characters a program
    n = TEST_BUDGET // (per * 5) + 4  # more exemplars than fit
    for i in reversed(range(n)):
        heavy.add(f"ex{i:02d}{'x' * i}", [{"error": f"E{'y' * i}: e",
                                           "state": {"values": {"t": {"values": [0.5] * per}}}}])
    heavy.add("fails", [{"state": {"values": {"t": {"values": [0.25] * 1500}}}}], failing=True)
    kept = [e["program"] for e in heavy.to_json()["corpus"]]
    assert sum(len(json.dumps(e["observations"])) for e in heavy.to_json()["corpus"]) \
        <= TEST_BUDGET
    exemplars = sorted(p for p in kept if p.startswith("ex"))
    assert "fails" in kept
    assert exemplars == [f"ex{i:02d}{'x' * i}" for i in range(len(exemplars))]
    assert CORPUS < len(exemplars) < n
    # A test showing 60 behaviours (a state machine shows 80) keeps a program for each.
    many = Fingerprint()
    for i in range(60):
        many.add(f"q{i}", [{"error": f"E{'z' * i}: e"}])
    assert len(many.to_json()["corpus"]) == 60


def test_cpp_source_locations_are_not_part_of_an_observation() -> None:
    text = ("UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being "
            "accessed. (Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/"
            "TensorBody.h:494.)")
    other = text.replace("494", "493").replace("/__w/pytorch/pytorch/build", "/opt/build")
    assert clean_text(text) == clean_text(other) and "TensorBody" not in clean_text(text)
    listing = "Could not run 'aten::add' (registered at /x/build/aten/src/RegisterCPU.cpp:31085)"
    assert clean_text(listing) == "Could not run 'aten::add' (registered at <source>)"
    a = StepRecord("x", None, [("UserWarning", text)], {"values": {}})
    b = StepRecord("x", None, [("UserWarning", other)], {"values": {}})
    assert observations([a], [a]) == observations([b], [b])


def test_a_cpp_stack_trace_in_a_message_is_not_part_of_an_observation() -> None:
    """torch 2.13 and 2.14 append a C++ backtrace to unflatten's message: its frames name the
    install folder (a worktree's .venv, a cached environment), so it is dropped."""
    def message(lib: str) -> str:
        return ("RuntimeError: unflatten got an unexpected error:\ncannot reshape tensor of 0 "
                "elements into shape [0, -1]\nException raised from infer_size_impl at "
                "/x/aten/src/ATen/InferSize.h:42 (most recent call first):\n"
                f"frame #0: c10::Error::Error() + 0x9d (0x7f00aa00 in {lib}/libc10.so)\n"
                f"frame #1: <unknown function> + 0x5 (0x7f00bb00 in {lib}/libtorch_cpu.so)\n"
                "<omitting python frames>\n")
    a, b = message("/work/wt/.venv/torch/lib"), message("/root/.cache/venvs/torch/lib")
    assert clean_text(a) == clean_text(b) == (
        "RuntimeError: unflatten got an unexpected error:\ncannot reshape tensor of 0 elements "
        "into shape [0, -1]")


def test_the_exemplar_of_a_large_program_is_cut_after_the_step_that_shows_it() -> None:
    """A state machine's program records ten thousand characters: its exemplar of a behaviour
    is the program up to the step that first shows it, a program of its own."""
    big = {"state": {"values": {"t": {"values": [0.5] * (PREFIX_OVER // 4)}}}}
    steps = ["t = torch.ones(1000, device=dev)", "r = t.bool() - True", "u = t * 2",
             "w = u + 1"]
    program = "\n".join(["import torch", "dev = 'cpu'", *steps]) + "\n"
    obs = [big, {"error": "NotImplementedError: Subtraction"}, {}, {}]
    fp = Fingerprint()
    for i in range(CORPUS):
        fp.add(f"first{i}", [{}])
    fp.add(program, obs)
    kept = {e["program"]: e for e in fp.to_json()["corpus"]}
    prefix = "import torch\ndev = 'cpu'\nt = torch.ones(1000, device=dev)\n" \
        "r = t.bool() - True\n"
    assert program not in kept and kept[prefix]["why"] == ["exemplar"]
    assert kept[prefix]["observations"] == obs[:2]
    # the index still names the whole program, with its behaviour
    assert len(fp.index) == CORPUS + 1 and fp.index[-1].endswith(":0")
    # a small program is kept whole
    small = Fingerprint()
    small.add(program, [{}, {"error": "NotImplementedError: Subtraction"}, {}, {}])
    assert [e["program"] for e in small.to_json()["corpus"]] == [program]
