"""A program that calls something the reference lacks is UNMODELLED, once, naming what is
missing, with no follow-on mismatches; a name torch lacks too makes the program INVALID."""

from __future__ import annotations

import pytest

import reference_impl
from conformance.execute.observe import observe
from conformance.judge.check import check, lacks_too
from conformance.program import prog
from conformance.snippet import check_source
from conformance.verdicts import INVALID, UNMODELLED
from reference_impl import DEVICE_ASSERT, MISSING_API, NotModelled


@pytest.mark.parametrize("code, missing", [
    ("m = x.cosh()", "torch.Tensor.cosh"),
    ("m = x.nansum()", "torch.Tensor.nansum"),
    ("m = torch.fliplr(x[None])", "torch.fliplr"),
    ("m = torch.nn.Conv2d(1, 1, 1)", "torch.nn.Conv2d"),
    ("m = torch.nn.functional.relu(x)", "torch.nn.functional.relu"),
    ("m = torch.optim.Adam([x])", "torch.optim.Adam"),
    ("m = torch.autograd.Function", "torch.autograd.Function"),
    ("m = x.logit()", "torch.Tensor.logit"),
    ("m = torch.Tensor.cosh", "torch.Tensor.cosh"),
    ("m = torch.kron(x, x)", "torch.kron"),
    ("import torch.linalg", "torch.linalg"),
    ("from torch.nn import Conv2d as m", "torch.nn.Conv2d"),
    ("x //= 2", "torch.Tensor.__ifloordiv__"),
    ("m = 1.0 in x", "torch.Tensor.__contains__"),
    ("m = ~(x > 0)", "torch.Tensor.__invert__"),
    ("m = np.asarray(x)", "torch.Tensor.__array__"),
    ("m = f'{x.sum():.2f}'", "torch.Tensor.__format__"),
])
def test_missing_api_is_unmodelled_once_naming_it(code: str, missing: str) -> None:
    """The step is refused with the missing name; the steps after it (which would differ, as
    the name it binds is absent on the reference's side) are not compared."""
    result = check(prog("x = torch.ones(2, 3)", code, "y = m + 1", "z = x.t()"))
    assert result.verdict == UNMODELLED, result.explain()
    assert f"{missing}" in result.note and MISSING_API in result.note, result.note
    assert result.mismatches == []
    assert result.reference_trace is not None and len(result.reference_trace.steps) == 2


@pytest.mark.parametrize("code", [
    "m = x.maxx()",
    "m = torch.flipp(x)",
    "m = torch.nn.Parameterr(x)",
    "m = torch.Tensor.storagee",
    "import torch.linalgg",
    "from torch import flipp",
])
def test_a_name_torch_lacks_too_is_invalid(code: str) -> None:
    """The reference cannot tell a misspelt name from a missing one; torch's same step can: an
    AttributeError (or ImportError) for that name on torch's side too is a broken program."""
    result = check_source(f"x = torch.ones(2, 3)\n{code}\ny = x + 1")
    assert result.verdict == INVALID, result.explain()
    assert "torch lacks the name too" in result.note


def test_only_torchs_error_for_the_same_name_makes_it_invalid() -> None:
    refused = f"torch.Tensor.maxx {MISSING_API}"
    assert lacks_too(refused, ("AttributeError", "'Tensor' object has no attribute 'maxx'"))
    assert not lacks_too(refused, ("AttributeError", "'Tensor' object has no attribute 'foo'"))
    assert not lacks_too(refused, ("RuntimeError", "maxx"))
    assert not lacks_too(refused, None)
    assert lacks_too(f"torch.linalgg {MISSING_API}",
                     ("ModuleNotFoundError", "No module named 'torch.linalgg'"))


def test_a_device_assert_refusal_never_runs_torchs_step(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """Only a refusal for missing API runs torch's step: a DEVICE_ASSERT one would end the
    process's use of CUDA."""
    def refuse(self: object, *args: object, **kwargs: object) -> None:
        raise NotModelled(f"{DEVICE_ASSERT}: index 5 is out of bounds")
    monkeypatch.setattr(reference_impl.Tensor, "exp", refuse)
    result = check(prog("x = torch.ones(2)", "y = x.exp()"))
    assert result.verdict == UNMODELLED
    assert result.torch_trace is not None and len(result.torch_trace.steps) == 1
    missing = check(prog("x = torch.ones(2)", "y = x.cosh()"))
    assert missing.torch_trace is not None and len(missing.torch_trace.steps) == 2


def test_the_model_refuses_missing_names_and_keeps_pythons_protocols() -> None:
    """Without torch: a missing name is NotModelled with MISSING_API; dunders (which Python's
    protocols and NumPy probe) stay AttributeError; submodules import on demand."""
    x = reference_impl.ones(2)
    for read in (lambda: reference_impl.fliplr, lambda: x.cosh,
                 lambda: reference_impl.nn.Conv2d, lambda: reference_impl.Tensor.cosh):
        with pytest.raises(NotModelled, match=MISSING_API):
            read()
    assert not hasattr(reference_impl, "__wrapped__")
    assert not hasattr(x, "__cuda_array_interface__")
    assert not hasattr(reference_impl.Tensor, "__torch_function__")
    assert reference_impl.nn.functional.sigmoid is not None


def test_observing_the_models_namespaces_does_not_crash() -> None:
    """A program may bind torch's modules or classes; observing them probes attributes the
    model refuses (NotModelled, not AttributeError), which must not end the check."""
    facts = observe({"F": reference_impl.nn.functional, "T": reference_impl.Tensor,
                     "x": reference_impl.ones(2)})
    assert facts["values"]["x"]["values"] == [1.0, 1.0]
    assert facts["values"]["F"]["type"] == "module"
    assert check_source("F = torch.nn.functional\nT = torch.Tensor\ny = F.sigmoid("
                        "torch.zeros(2))").verdict == "PASS"
