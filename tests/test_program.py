"""Programs as data: source() is the program, JSON round-trips, and reproductions run on torch
alone."""

from __future__ import annotations

import contextlib
import copy
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference_impl
from conformance.execute.observe import observe
from conformance.execute.runner import Trace, run
from conformance.judge.check import MISMATCH, PASS, CaseResult, check, reproduction
from conformance.judge.mismatch import Mismatch, compare_states, compare_traces
from conformance.program import Program, Step

torch = pytest.importorskip("torch")

# A program that runs without error on torch: views, in-place writes, out=, a fresh op.
CLEAN = Program((
    Step("t1 = torch.arange(12, dtype=torch.float32).reshape(3, 4)", ("t1",)),
    Step("t2 = t1.t()", ("t2",)),
    Step("t3 = t1[1:, ::2]", ("t3",)),
    Step("t3.add_(100)"),
    Step("t4 = t2 * 2", ("t4",)),
    Step("parts = t1.unbind(0)", ("parts",)),
    Step("o = torch.empty(0)", ("o",)),
    Step("r = torch.add(t1, t4.t(), out=o)", ("r",)),
    Step("n = t1.sum().item()", ("n",)),
), claims=("VIEW-01", "OUT-01"))

# The same with steps that raise on torch and on the reference.
RAISING = CLEAN.then("t5 = t2.view(12)", "t5").then("t6 = t1 + torch.ones(5)", "t6") \
    .then("t7 = t1.view(2, 6)", "t7")


def exec_source(program: Program, device: str = "cpu") -> dict:
    """Execute ``program.source()`` as a script with real torch in a fresh namespace."""
    namespace: dict = {"__name__": "__repro__"}
    exec(compile(program.source(device), "<source>", "exec"), namespace)  # noqa: S102
    return namespace


def test_source_is_a_torch_script() -> None:
    """source() imports torch, binds dev, then lists the steps in order, one per line."""
    lines = CLEAN.source("cpu").splitlines()
    assert lines[:2] == ["import torch", "dev = 'cpu'"]
    assert lines[2:] == [s.code for s in CLEAN.steps]
    assert repr(CLEAN) == CLEAN.source()


def test_source_reexecutes_to_the_same_observations() -> None:
    """Executing source() with torch leaves the namespace the runner observed after the last
    step, and two runner passes on torch give equal traces."""
    trace = run(CLEAN, torch, "cpu")
    assert all(s.error is None for s in trace.steps), [s.error for s in trace.steps]
    assert compare_traces(run(CLEAN, torch, "cpu"), trace) == []
    namespace = exec_source(CLEAN)
    assert namespace["torch"] is torch and namespace["dev"] == "cpu"
    state = observe(namespace)
    assert set(state["values"]) == set(trace.steps[-1].state["values"])
    assert compare_states(len(CLEAN.steps), state, trace.steps[-1].state) == []


def test_source_of_the_reference_run_matches_torch() -> None:
    """The clean program's torch trace and its reference trace agree (so it is a fair base for
    the reproduction tests below)."""
    assert check(CLEAN).verdict == PASS, check(CLEAN).explain()


def test_to_json_round_trip() -> None:
    """Program.to_json survives json.dumps/loads and from_json gives back an equal program."""
    data = json.loads(json.dumps(RAISING.to_json()))
    again = Program.from_json(data)
    assert again == RAISING
    assert again.steps[0].binds == ("t1",) and isinstance(again.steps[0].binds, tuple)
    assert again.claims == ("VIEW-01", "OUT-01")
    assert Program.from_json({"steps": [{"code": "x = 1"}]}) == Program((Step("x = 1"),))


names = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)
steps = st.builds(Step, st.text(max_size=40), st.lists(names, max_size=3).map(tuple))


@given(program=st.builds(Program, st.lists(steps, max_size=6).map(tuple),
                         st.lists(st.sampled_from(["VIEW-01", "OUT-02", "X"]),
                                  max_size=3, unique=True).map(tuple)))
def test_to_json_round_trip_any_program(program: Program) -> None:
    """Any program, whatever its statement text, round-trips through JSON text unchanged."""
    assert Program.from_json(json.loads(json.dumps(program.to_json()))) == program


def test_program_addition_and_then() -> None:
    """then() appends one step; + concatenates steps and merges claims without duplicates."""
    a = Program((Step("x = 1", ("x",)),), ("VIEW-01",))
    b = Program((Step("y = 2", ("y",)),), ("VIEW-01", "OUT-01"))
    assert (a + b).steps == a.steps + b.steps
    assert (a + b).claims == ("VIEW-01", "OUT-01")
    assert a.then("z = x", "z").steps[-1] == Step("z = x", ("z",))
    assert a.steps == (Step("x = 1", ("x",)),)  # programs are immutable


# ---- reproductions ------------------------------------------------------------------------------

def _exec_repro(src: str) -> str:
    """Compile and run a reproduction with real torch; return what it printed."""
    code = compile(src, "<repro>", "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {"__name__": "__repro__"})  # noqa: S102
    return out.getvalue()


def _altered_case(program: Program) -> CaseResult:
    """A MISMATCH built by comparing torch's trace with a deliberately altered reference trace:
    a stride, a value, an alias, an identity, a base, a binding and a warning differ, a step
    that raises on torch is documented to succeed, and one that succeeds is documented to
    raise."""
    tt = run(program, torch, "cpu")
    ref: Trace = copy.deepcopy(run(program, reference_impl, "cpu"))
    assert compare_traces(tt, ref) == []
    s = ref.steps
    s[1].state["values"]["t2"]["stride"] = [4, 1]  # step 2
    s[2].state["aliases"]["t3"] = "t3"  # step 3
    s[2].state["values"]["t3"]["_base"] = "t1"  # step 3 (t1 is itself a view of arange)
    s[4].state["values"]["t4"]["values"][0][0] = 123.0  # step 5
    s[5].warnings.append(("UserWarning", "documented warning"))  # step 6
    s[5].state["values"]["ghost"] = {"type": "int", "value": 1}  # step 6
    s[7].state["identity"]["r"] = "r"  # step 8
    s[7].error = ("RuntimeError", "documented: out= must not be resized")  # step 8
    s[9].error = None  # step 10 (t5 = t2.view(12) raises on torch)
    s[9].state["values"]["t5"] = copy.deepcopy(s[9].state["values"]["t1"])
    s[11].state["values"]["t7"]["stride"] = [7, 1]  # step 12
    mismatches = compare_traces(tt, ref)
    return CaseResult(program, "cpu", MISMATCH, mismatches, tt, ref)


def test_reproduction_compiles_and_runs_on_torch() -> None:
    """A reproduction is a torch-only script that runs to the end: steps that raise on either
    side are wrapped, and each differing fact is printed next to the documented value."""
    case = _altered_case(RAISING)
    paths = {(m.step, m.path) for m in case.mismatches}
    assert {(2, "t2.stride()"), (3, "t3 shares storage with"), (3, "t3._base"), (5, "t4[0, 0]"),
            (6, "warnings"), (6, "ghost is bound"), (8, "r is the same object as"),
            (8, "error"), (10, "error"), (12, "t7.stride()")} <= paths
    src = reproduction(case)
    assert src == case.reproduction
    assert src.startswith("import torch\ndev = 'cpu'\n")
    printed = _exec_repro(src)
    assert "t2.stride() (1, 4)" in printed
    assert "step 10: RuntimeError" in printed  # the torch error, caught
    assert "step 11: RuntimeError" in printed  # raises on both sides: still wrapped
    assert "t7.stride() (6, 1)" in printed  # steps after the raising ones still ran
    # Every step up to the last differing one is in the script, wrapped where it raises.
    for step in RAISING.steps:
        assert step.code in src
    assert "    t5 = t2.view(12)" in src and "    r = torch.add(t1, t4.t(), out=o)" in src


def test_reproduction_stops_at_the_last_differing_step() -> None:
    """Steps after the last mismatch are left out of the reproduction."""
    tt = run(CLEAN, torch, "cpu")
    ref = copy.deepcopy(run(CLEAN, reference_impl, "cpu"))
    ref.steps[1].state["values"]["t2"]["shape"] = [3, 4]
    case = CaseResult(CLEAN, "cpu", MISMATCH, compare_traces(tt, ref), tt, ref)
    assert case.mismatches == [Mismatch(2, "t2.shape", [4, 3], [3, 4])]
    src = reproduction(case)
    assert CLEAN.steps[2].code not in src
    assert "t2.shape" in _exec_repro(src)
    assert "Reproduce with torch alone" in case.explain()
    assert json.loads(json.dumps(case.to_json()))["reproduction"] == src


def test_reproduction_of_a_hand_built_case_without_traces() -> None:
    """A CaseResult built by hand (no traces) still gives a script that compiles and runs."""
    case = CaseResult(CLEAN, "cpu", MISMATCH,
                      [Mismatch(3, "t3.stride()", [4, 2], [4, 1]),
                       Mismatch(4, "t3", [[0.0]], [[1.0]]),
                       Mismatch(4, "overlapping pairs", [], [["t1", "t3"]])])
    src = reproduction(case)
    printed = _exec_repro(src)
    assert "t3.stride() (4, 2)" in printed
    assert "overlapping" not in src


def test_reproduction_without_mismatches_is_the_source() -> None:
    """With nothing to show, the reproduction is the whole program."""
    case = CaseResult(CLEAN, "cpu", PASS)
    assert reproduction(case) == CLEAN.source("cpu")


def _documented_booleans(src: str, printed: str) -> list[tuple[str, str, str]]:
    """(expression, value torch printed, documented value) for each boolean the reproduction
    prints, e.g. ``print('r is o', r is o)  # documented: False``."""
    out = []
    for line in src.splitlines():
        if line.startswith("print(") and "  # documented: " in line:
            code, documented = line.split("  # documented: ")
            if documented in ("True", "False"):
                expr = eval(code[len("print("):].split(", ")[0])  # noqa: S307 - a str literal
                shown = [p[len(expr) + 1:] for p in printed.splitlines()
                         if p.startswith(expr + " ")]
                assert len(shown) == 1, (expr, printed)
                out.append((expr, shown[0], documented))
    return out


@pytest.mark.parametrize(("step", "key", "name", "documented_group"), [
    pytest.param(3, "aliases", "t3", "t3", id="torch shares, documented own storage"),
    pytest.param(4, "aliases", "c", "t1", id="torch own storage, documented shares"),
    pytest.param(9, "identity", "r", "r", id="torch same object, documented another"),
    pytest.param(6, "identity", "t4", "t2", id="torch another object, documented same"),
])
def test_reproduction_shows_alias_and_identity_differences(step: int, key: str, name: str,
                                                           documented_group: str) -> None:
    """For an alias or identity mismatch in either direction, the boolean the reproduction
    prints on torch differs from the documented value it states next to it (the script
    demonstrates the difference instead of printing a tautology)."""
    # CLEAN with a clone as step 4: t3 (step 3) shares t1's storage, c does not; t4 (step 6)
    # is a fresh tensor; r (step 9) is o.
    program = Program(CLEAN.steps[:3] + (Step("c = t1.clone()", ("c",)),) + CLEAN.steps[3:])
    tt = run(program, torch, "cpu")
    ref = copy.deepcopy(run(program, reference_impl, "cpu"))
    assert compare_traces(tt, ref) == []
    ref.steps[step - 1].state[key][name] = documented_group
    case = CaseResult(program, "cpu", MISMATCH, compare_traces(tt, ref), tt, ref)
    assert [(m.step, m.torch, m.reference) for m in case.mismatches] == [
        (step, tt.steps[step - 1].state[key][name], documented_group)]
    src = reproduction(case)
    shown = _documented_booleans(src, _exec_repro(src))
    assert len(shown) == 1, src
    expr, value, documented = shown[0]
    assert value != documented, f"the reproduction prints {expr} = {value}, as documented:\n{src}"


def test_a_focal_program_reproduces_with_torch_alone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Reproductions of focal-loss programs inline the torch formulas: the script runs in a
    fresh interpreter with torch alone and prints the loss."""
    import subprocess
    import sys
    prog = Program((Step("x = torch.tensor([[2.0, -1.0]], requires_grad=True)"),
                    Step("t = torch.tensor([[1.0, 0.0]])"),
                    Step("loss = focal.sigmoid_focal_loss(x, t, reduction='sum')"),
                    Step("loss.backward()"), Step("print(float(loss), x.grad.tolist())")))
    script = tmp_path / "repro.py"
    script.write_text(prog.source())
    out = subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True,
                         timeout=120, check=False, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    loss, grad = out.stdout.split(" ", 1)
    assert float(loss) > 0 and "[[" in grad
