"""Verdicts that are true for any program: every bound value is compared by value, a broken
program is INVALID (never a pass), observation never crashes or reads past a storage, and each
check starts from torch's defaults."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import reference_impl
from conformance.execute.observe import observe
from conformance.judge.check import check
from conformance.program import prog
from conformance.snippet import check_source, program_of
from conformance.verdicts import INVALID, MISMATCH, PASS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("code, patch", [
    ("s = str(torch.promote_types(torch.float32, torch.float16))",
     ("promote_types", lambda a, b: torch.float64)),
    ("d = torch.promote_types(torch.float32, torch.float16)",
     ("promote_types", lambda a, b: torch.float64)),
    ("d = torch.get_default_dtype()", ("get_default_dtype", lambda: torch.float64)),
    ("d = torch.result_type(torch.ones(1), 1.5)", ("result_type", lambda a, b: torch.float64)),
])
def test_a_bound_value_differing_only_in_value_fails(code: str, patch: tuple,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A string or a dtype bound by a program is compared by value: torch answering float64
    where the docs say float32 is a MISMATCH (it passed when only the type was compared)."""
    assert check(prog(code)).verdict == PASS
    monkeypatch.setattr(torch, *patch)
    result = check(prog(code))
    monkeypatch.undo()
    torch.set_default_dtype(torch.float32)  # the check restored what the patch claimed
    assert result.verdict == MISMATCH, result.explain()
    assert [m.path for m in result.mismatches] in (["s"], ["d"])


def test_devices_and_sizes_are_compared_by_value() -> None:
    for mod, dev in ((torch, "cpu"), (reference_impl, "cpu")):
        values = observe({"d": mod.device(dev), "z": mod.ones(2, 3).shape, "t": mod.float16})
        assert values["values"]["d"] == {"type": "device", "value": "cpu"}
        assert values["values"]["z"] == {"type": "Size", "value": [2, 3]}
        assert values["values"]["t"] == {"type": "dtype", "value": "torch.float16"}


@pytest.mark.parametrize("code", [
    "y = undefined_name + 1",
    "x = [1, 2]\nx.appendd(3)",
    "import numpy\nn = numpy.not_a_function(1)",
    "x = torch.ones(2)\nif True:\nprint(x)",
])
def test_a_broken_program_is_invalid(code: str) -> None:
    result = check_source(code)
    assert result.verdict == INVALID, result.explain()
    assert "not valid" in result.note


def test_an_attribute_of_none_is_torchs_behaviour_not_a_broken_program() -> None:
    """x.grad is None before backward: x.grad.zero_() raising AttributeError on both sides is a
    documented behaviour, checked, not an invalid program."""
    result = check_source("x = torch.ones(2, requires_grad=True)\nx.grad.zero_()")
    assert result.verdict == PASS, result.explain()


def test_a_sparse_tensor_is_observed_without_crashing() -> None:
    facts = observe({"s": torch.ones(2, 2).to_sparse(), "x": torch.ones(2)})
    assert facts["values"]["s"]["layout"] == "torch.sparse_coo"
    assert facts["values"]["x"]["values"] == [1.0, 1.0]


def test_an_out_larger_than_its_storage_is_not_read() -> None:
    """torch leaves out= with a shape its storage cannot hold when growing a non-resizable
    storage fails; its values are unobservable, never read from beyond the buffer."""
    out = torch.from_numpy(np.zeros(2, dtype=np.float32))
    with pytest.raises(RuntimeError, match="not resizable"), pytest.warns(UserWarning):
        torch.add(torch.ones(1000), 1, out=out)
    assert out.shape == (1000,)
    facts = observe({"o": out})
    assert facts["values"]["o"]["values"].startswith("<unobservable")
    assert facts["overlaps"] == []


def test_observing_a_tensor_that_raises_records_it() -> None:
    class Broken(torch.Tensor):
        def stride(self, *args: object) -> tuple[int, ...]:  # type: ignore[override]
            raise NotImplementedError("no strides here")
    t = torch.ones(2).as_subclass(Broken)
    facts = observe({"t": t})["values"]["t"]
    assert "NotImplementedError: no strides here" in facts["unobservable"]


def test_each_check_starts_from_the_defaults() -> None:
    """A program that changes the default dtype and the grad mode does not leak them into the
    next check, nor into the caller."""
    changed = check_source("torch.set_default_dtype(torch.float64)\n"
                           "torch.set_grad_enabled(False)\nx = torch.ones(2)")
    assert changed.verdict == PASS, changed.explain()
    assert torch.get_default_dtype() == torch.float32 and torch.is_grad_enabled()
    assert reference_impl.get_default_dtype() == reference_impl.float32
    after = check_source("x = torch.ones(2)\nd = x.dtype\ng = torch.is_grad_enabled()")
    assert after.verdict == PASS
    state = after.torch_trace.steps[-1].state["values"]  # type: ignore[union-attr]
    assert state["d"]["value"] == "torch.float32" and state["g"]["value"] is True


def test_a_snippet_imports_torch_as_the_reference_on_its_side() -> None:
    result = check_source("import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"
                          "x = torch.ones(2, 3)\ny = F.softmax(x, 1)")
    assert result.verdict == PASS, result.explain()


def test_one_step_per_top_level_statement() -> None:
    program = program_of("a = 1; b = 2\nwith torch.no_grad():\n    c = a + b\n\n"
                         "@torch.no_grad()\ndef f(t):\n    return t * 2\n")
    assert [s.code for s in program.steps] == [
        "a = 1", "b = 2", "with torch.no_grad():\n    c = a + b",
        "@torch.no_grad()\ndef f(t):\n    return t * 2"]


@pytest.mark.parametrize("args, code, first, status", [
    (["-c", "x = torch.ones(2, 3)\nv = x.t()\nv[0, 0] = 5"], None, "PASS on cpu", 0),
    (["-c", "y = undefined + 1"], None, "INVALID on cpu", 1),
    (["-"], "x = torch.ones(2)\ny = x * 2\n", "PASS on cpu", 0),
    (["snippet.py"], "x = torch.arange(6).reshape(2, 3)\ny = x.t().contiguous()\n",
     "PASS on cpu", 0),
    (["missing.py"], None, "", 2),
    (["-c", "x = 1", "--device", "gpu"], None, "", 2),
])
def test_the_check_command_from_outside_the_repository(tmp_path: Path, args: list[str],
                                                       code: str | None, first: str,
                                                       status: int) -> None:
    if args == ["snippet.py"]:
        (tmp_path / "snippet.py").write_text(code or "")
    proc = subprocess.run([sys.executable, "-m", "conformance", "check", *args],
                          input=code if args == ["-"] else None, capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == status, proc.stdout + proc.stderr
    if status == 2:
        assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1
    else:
        assert proc.stdout.splitlines()[0].startswith(first)


def test_the_check_command_prints_json(tmp_path: Path) -> None:
    import json
    proc = subprocess.run([sys.executable, "-m", "conformance", "check", "--json", "-c",
                           "x = torch.ones(2)\ny = x.t()"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    doc = json.loads(proc.stdout)
    assert doc["verdict"] == "PASS" and doc["steps"] == ["x = torch.ones(2)", "y = x.t()"]
    assert doc["torch"] == torch.__version__


def test_ids_and_addresses_are_compared_by_what_they_identify() -> None:
    """id(x) and data_ptr() differ between torch and the reference; ``before == id(y)`` and
    offsets between addresses are facts, a raw address never is (the D2L memory section)."""
    result = check_source(
        "x = torch.ones(3)\ny = torch.zeros(3)\nbefore = id(y)\np = y.data_ptr()\n"
        "y = y + x\nsame = id(y) == before\nz = x[1:]\noff = z.data_ptr() - x.data_ptr()\n"
        "s = x.untyped_storage().data_ptr()")
    assert result.verdict == PASS, result.explain()
    state = result.torch_trace.steps[-1].state["values"]  # type: ignore[union-attr]
    assert state["same"]["value"] is False and state["off"]["value"] == 4
    assert state["s"]["value"] == "<address of x's storage + 0>"
    step3 = result.torch_trace.steps[2].state["values"]  # type: ignore[union-attr]
    assert step3["before"]["value"] == "<id of y>" and state["before"]["value"] == "<id of y>"


def test_an_id_keeps_what_it_identified_when_the_object_is_freed() -> None:
    """CPython gives a freed object's address to the next object: ``before = id(y)`` must stay
    the id of ``y`` on both sides, not become the id of whatever reuses the address on one (a
    ci run saw ``<id of z>`` on torch against ``<address>`` on the reference)."""
    from conformance.execute.observe import Identities
    y = object()
    before = id(y)
    seen: dict[int, tuple[int, str]] = {}
    assert Identities({"y": y, "before": before}, {}, seen).describe(before) == "<id of y>"
    # The same address now bound to another name, as after ``del y; z = ...`` reused it.
    assert Identities({"z": y, "before": before}, {}, seen).describe(before) == "<id of y>"
    assert Identities({"z": y}, {}, {}).describe(before) == "<id of z>"  # a fresh session


def test_an_address_that_identifies_the_wrong_storage_fails() -> None:
    """The relation is compared: an address into another tensor's storage is a MISMATCH."""
    from conformance.execute.observe import Identities
    a, b = torch.ones(2), torch.ones(2)
    ids = Identities({"a": a, "b": b}, {"a": a, "b": b})
    assert ids.describe(a.data_ptr()) == "<address of a's storage + 0>"
    assert ids.describe(b.data_ptr() + 4) == "<address of b's storage + 4>"
    assert ids.describe(id(b)) == "<id of b>"
    assert ids.describe(12) is None


def test_the_reference_side_never_loads_real_torch() -> None:
    """A program's own imports bind the reference on its side; run where torch was never
    imported, the process still has no torch afterwards."""
    code = (
        "import sys\n"
        "import reference_impl\n"
        "from conformance.execute.runner import Session\n"
        "from conformance.program import Step\n"
        "s = Session(reference_impl, 'cpu')\n"
        "for line in ['import torch', 'import torch.nn as nn', 'from torch import nn as nn2',\n"
        "             'import torch.nn.functional as F', 'from torch.nn import functional as G',\n"
        "             'import numpy as np', 'x = torch.ones(2)', 'y = F.softmax(x, 0)']:\n"
        "    assert s.step(Step(line)).error is None, line\n"
        "ns = s.namespace\n"
        "assert ns['torch'] is reference_impl and ns['nn'] is reference_impl.nn\n"
        "assert ns['F'] is reference_impl.nn.functional is ns['G'] and ns['nn2'] is ns['nn']\n"
        "assert type(ns['y']).__module__.startswith('reference_impl')\n"
        "assert 'torch' not in sys.modules, 'real torch was imported'\n"
        "print('ok')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_a_notebook_is_read_cell_by_cell_and_magics_are_left_out(tmp_path: Path) -> None:
    import json
    notebook = {"cells": [
        {"cell_type": "markdown", "source": ["# Tensors"]},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "import torch\n",
                                         "x = torch.arange(12)\n", "print(x.shape)"]},
        {"cell_type": "code", "source": "!pip install d2l\ny = x.reshape(3, 4)\nprint(y[0])"},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "chapter.ipynb"
    path.write_text(json.dumps(notebook))
    proc = subprocess.run([sys.executable, "-m", "conformance", "check", str(path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "PASS on cpu: 5 steps, every observed fact as documented"
    assert "Not Python, left out (2 lines): %matplotlib inline; !pip install d2l" in lines
    # Printed once (torch's side), not once per backend.
    assert proc.stdout.count("torch.Size([12])") == 1
    assert proc.stdout.count("tensor([0, 1, 2, 3])") == 1


def test_data_ptr_counts_the_offset_on_meta_too() -> None:
    """``x[2:].data_ptr()`` is the storage's address plus 8 bytes, also on meta where the
    storage reports 0; a tensor without elements reports 0 (examples/04_memory.py on meta)."""
    m = reference_impl.ones(4, device="meta")
    assert (m.data_ptr(), m[2:].data_ptr(), m[4:].data_ptr()) == (0, 8, 0)
    result = check_source("m = torch.ones(4, device=dev)\na = m[2:].data_ptr()\n"
                          "b = m[4:].data_ptr()", device="meta")
    assert result.verdict == PASS, result.explain()


def test_a_call_the_models_signature_refuses_is_unmodelled() -> None:
    """The model's Python TypeError for a keyword torch takes is its gap, never torch's fault;
    where torch refuses the call too, TypeError is the fact compared (not Python's wording)."""
    # torch: "sum() received an invalid combination of arguments"; the model: Python's
    # "sum() takes from 1 to 3 positional arguments but 6 were given". Both TypeError.
    result = check_source("x = torch.ones(2, 3)\ny = x.sum(0, True, torch.float64, 5, 6)")
    assert result.verdict == PASS, result.explain()
    from conformance.judge.check import signature_gap
    assert signature_gap(("TypeError", "f() got an unexpected keyword argument 'axis'"))
    assert signature_gap(("TypeError", "f() takes 2 positional arguments but 3 were given"))
    assert not signature_gap(("TypeError", "expected a sequence of integers, got float"))
    assert not signature_gap(("RuntimeError", "got an unexpected keyword argument 'a'"))


def test_numpy_names_of_dim_and_keepdim(monkeypatch: pytest.MonkeyPatch) -> None:
    """x.sum(axis=0, keepdims=True) is x.sum(dim=0, keepdim=True) in torch (Dive into Deep
    Learning writes it so); without the alias the model's refusal is UNMODELLED, not PASS or
    MISMATCH."""
    program = ("A = torch.arange(6.0).reshape(2, 3)\ns = A.sum(axis=0)\n"
               "k = A.sum(axis=1, keepdims=True)\nm = torch.mean(A, axis=0)")
    assert check_source(program).verdict == PASS
    from reference_impl._core import arguments
    monkeypatch.setattr(arguments, "NUMPY_NAMES", {})
    result = check_source(program)
    assert result.verdict == "UNMODELLED" and "axis" in result.note, result.explain()
