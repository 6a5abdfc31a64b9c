"""Run one Program on torch and on the reference, compare, and give a verdict with a
reproduction that needs only torch."""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

import reference_impl
from reference_impl import MISSING_API

from ..execute.observe import attached_tensors, grad_of, is_tensor, is_user_name
from ..execute.runner import NOT_MODELLED, Session, Trace
from ..program import Program, Step
from ..verdicts import EXPECTED, INVALID, MISMATCH, PASS, UNMODELLED  # noqa: F401  (re-exported)
from .expectations import Expectation, active
from .mismatch import FULL, LAYOUT, Mismatch, MismatchLog, compare_steps


@dataclass
class CaseResult:
    program: Program
    device: str
    verdict: str
    mismatches: list[Mismatch] = field(default_factory=list)
    torch_trace: Trace | None = None
    reference_trace: Trace | None = None
    note: str = ""
    expectation: Expectation | None = None

    @property
    def reproduction(self) -> str:
        return reproduction(self)

    def to_json(self) -> dict[str, Any]:
        return {"program": self.program.to_json(), "device": self.device,
                "verdict": self.verdict, "note": self.note,
                "mismatches": [m.to_json() for m in self.mismatches],
                "reproduction": self.reproduction if self.mismatches else None,
                "expectation": self.expectation.id if self.expectation else None}

    def explain(self) -> str:
        lines = [f"{self.verdict} on {self.device}"
                 + (f" (claims {', '.join(self.program.claims)})" if self.program.claims else "")]
        if self.note:
            lines.append(self.note)
        for m in self.mismatches[:20]:
            lines.append(f"  {m.path} = {_short(m.torch)}, but the documented behaviour "
                         f"(reference) is {_short(m.reference)}  [step {m.step}]")
        if len(self.mismatches) > 20:
            lines.append(f"  ... and {len(self.mismatches) - 20} more")
        lines.append("Reproduce with torch alone:\n" + self.reproduction)
        return "\n".join(lines)


def _short(v: Any, limit: int = 160) -> str:
    s = json.dumps(v) if not isinstance(v, str) else v
    return s if len(s) <= limit else s[:limit] + "..."


def check(program: Program, device: str = "cpu", torch_module: ModuleType | None = None,
          expectations: Sequence[Expectation] | None = None) -> CaseResult:
    """The whole differential check of one program on one device. ``expectations`` are the
    recorded departures to recognise (default: the project's entries active for this torch and
    device, for the program's claims)."""
    if torch_module is None:
        import torch
        torch_module = torch
    if expectations is None:
        expectations = active(str(torch_module.__version__), device, program.claims)
    with reference_impl.hosted(**host_facts(torch_module)), fresh_state(torch_module):
        return _check(program, device, torch_module, expectations)


def _check(program: Program, device: str, torch_module: ModuleType,
           expectations: Sequence[Expectation]) -> CaseResult:
    ref, tt = Session(reference_impl, device), Session(torch_module, device)
    log = MismatchLog()
    scope = scope_for(device)
    once: set[str] = set()  # the once-per-process warnings torch showed in this program
    for i, step in enumerate(program.steps, start=1):
        r = ref.step(step)
        broken = program_error(r.error, program.steps[:i - 1])
        if broken:
            return CaseResult(program, device, INVALID, log.mismatches, tt.trace, ref.trace,
                              note=f"the program is not valid: step {i} raises {broken}")
        if r.error and r.error[0] == NOT_MODELLED:
            return _refused(program, device, i, r.error[1], tt, ref, log)
        t = tt.step(step)
        if t.error and device_lost(t.error[1]):
            lost(device, step.code, t.error)
        gap = signature_gap(r.error)
        if gap and (t.error is None or t.error[0] != "TypeError"):
            verdict = MISMATCH if log.mismatches else UNMODELLED
            return CaseResult(program, device, verdict, log.mismatches, tt.trace, ref.trace,
                              note=f"not modelled: step {i}: the model's signature refuses "
                                   f"what torch {'accepts' if t.error is None else 'takes'} "
                                   f"({gap})")
        if gap:  # both refuse the call: TypeError is the fact, Python's wording is the model's
            r = dataclasses.replace(r, error=t.error)
        found = compare_steps(i, t, r, scope, once)
        known = expected_departure(found, expectations, "\n".join(
            s.code for s in program.steps[:i])) if found else None
        if known is not None and not log.mismatches:
            # The step is the recorded departure; what follows it would only echo it.
            return CaseResult(program, device, EXPECTED, found, tt.trace, ref.trace,
                              note=f"expected: {known.id}: {known.reason}", expectation=known)
        log.add(found)
        sync_values(tt.namespace, ref.namespace, t.state, r.state)
    verdict = MISMATCH if log.mismatches else PASS
    return CaseResult(program, device, verdict, log.mismatches, tt.trace, ref.trace)


def _refused(program: Program, device: str, i: int, reason: str, tt: Session, ref: Session,
             log: MismatchLog) -> CaseResult:
    """The verdict on a program whose step ``i`` the reference refuses: UNMODELLED, or
    MISMATCH where an earlier step already differed. A refusal for missing API (a name torch
    may have and the model lacks) runs torch's same step first: a name torch lacks too makes
    the program broken (INVALID). No other refusal runs torch's step: a DEVICE_ASSERT one
    would end the process's use of CUDA."""
    if MISSING_API in reason:
        t = tt.step(program.steps[i - 1])
        if t.error and device_lost(t.error[1]):
            lost(device, program.steps[i - 1].code, t.error)
        if lacks_too(reason, t.error):
            assert t.error is not None
            return CaseResult(program, device, INVALID, log.mismatches, tt.trace, ref.trace,
                              note=f"the program is not valid: step {i} raises "
                                   f"{t.error[0]}: {t.error[1]} (torch lacks the name too)")
    # Earlier steps were compared, so a violation there still shows.
    verdict = MISMATCH if log.mismatches else UNMODELLED
    return CaseResult(program, device, verdict, log.mismatches, tt.trace, ref.trace,
                      note=f"not modelled: {reason}")


_MISSING_NAME = re.compile(rf"^(?:torch\.)?([\w.]+) {re.escape(MISSING_API)}")


def lacks_too(reason: str, torch_error: tuple[str, str] | None) -> bool:
    """Whether torch's error for a step says it lacks the name the reference refused
    (``torch.Tensor.maxx``): an AttributeError for that attribute, or an ImportError for it."""
    m = _MISSING_NAME.match(reason)
    if m is None or torch_error is None:
        return False
    kind, message = torch_error
    name = m.group(1).rpartition(".")[2]
    if kind == "AttributeError":
        return f"attribute '{name}'" in message
    if kind in ("ImportError", "ModuleNotFoundError"):
        return f"'{name}'" in message or f"'torch.{m.group(1)}'" in message
    return False


# Python's own refusals of a call that does not fit a function's signature: raised by the
# model, they say what its signature lacks (a keyword torch takes, such as NumPy's ``axis``),
# not what torch documents.
_SIGNATURE = re.compile(
    r"got an unexpected keyword argument '\w+'|takes (?:from )?\d+ (?:to \d+ )?positional "
    r"arguments? but \d+ (?:were|was) given|missing \d+ required (?:positional|keyword-only) "
    r"arguments?|got multiple values for argument '\w+'")


def signature_gap(error: tuple[str, str] | None) -> str:
    """The model's TypeError when Python raised it for a call its signature does not fit
    (empty otherwise)."""
    if error is None or error[0] != "TypeError":
        return ""
    m = _SIGNATURE.search(error[1])
    return error[1] if m else ""


# Errors of a program itself, whatever torch does: Python raises them before torch is reached.
PROGRAM_ERRORS = frozenset({"NameError", "UnboundLocalError", "SyntaxError", "IndentationError",
                            "TabError"})
# Types whose missing attributes are a misspelling in the program, not torch's behaviour (an
# attribute of None is not among them: x.grad.zero_() on a None grad is torch's behaviour).
_BUILTINS = "|".join(("list", "tuple", "dict", "set", "frozenset", "str", "int", "float",
                      "complex", "bool", "bytes", "range", "function",
                      "builtin_function_or_method", "method"))
_NOT_TORCH = r"(?!torch\b|reference_impl\b)[\w.]+"
_OWN_ERRORS = {
    "AttributeError": re.compile(rf"^(?:'(?:{_BUILTINS})' object|type object '(?:{_BUILTINS})'|"
                                 rf"module '{_NOT_TORCH}') has no attribute "),
    "ModuleNotFoundError": re.compile(rf"^No module named '{_NOT_TORCH}'"),
}


_UNBOUND = re.compile(r"name '(\w+)' is not defined|local variable '(\w+)'|"
                      r"cannot access local variable '(\w+)'")


def program_error(error: tuple[str, str] | None, before: Sequence[Step] = ()) -> str:
    """What makes a step's error the program's own (empty when it is not). A name left unbound
    because an earlier step that assigns it raised is a consequence of that step (torch's
    behaviour, compared there), not a broken program."""
    if error is None:
        return ""
    kind, message = error
    if kind in ("NameError", "UnboundLocalError"):
        unbound = _UNBOUND.search(message)
        name = next((g for g in unbound.groups() if g), "") if unbound else ""
        if name and name in assigned_names(before):
            return ""
    own = _OWN_ERRORS.get(kind)
    if kind in PROGRAM_ERRORS or (own is not None and own.match(message)):
        return f"{kind}: {message}"
    return ""


def assigned_names(steps: Sequence[Step]) -> set[str]:
    """Every name the steps' code binds (assignments, for and with targets, imports, defs)."""
    names: set[str] = set()
    for step in steps:
        try:
            tree = ast.parse(step.code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


@contextlib.contextmanager
def fresh_state(torch_module: ModuleType) -> Iterator[None]:
    """Each check starts from torch's defaults on both sides (default dtype float32, grad mode
    on, set_warn_always off) and leaves the state as it found it, whatever the program
    changed."""
    saved = [(m, m.get_default_dtype(), m.is_grad_enabled(), m.is_warn_always_enabled())
             for m in (torch_module, reference_impl)]
    for m, _, _, _ in saved:
        m.set_default_dtype(m.float32)
        m.set_grad_enabled(True)
        m.set_warn_always(False)
    try:
        yield
    finally:
        for m, dtype, grad, always in saved:
            m.set_default_dtype(dtype)
            m.set_grad_enabled(grad)
            m.set_warn_always(always)


def device_lost(message: str) -> bool:
    """Whether an error says the process can no longer use its accelerator (a CUDA device-side
    assert, an illegal memory access): every later CUDA call in this process fails too. A
    host without a CUDA driver loses nothing ("CUDA error: CUDA driver version is insufficient
    for CUDA runtime version", torch 2.0's pin_memory there): it never had CUDA."""
    if "CUDA driver version is insufficient" in message:
        return False
    return "CUDA error" in message or "device-side assert" in message


def lost(device: str, code: str, error: tuple[str, str]) -> None:
    """End a check whose step broke the process's CUDA context. In a pytest-xdist worker the
    worker exits, so the test is a CRASH and the tests after it get a fresh process; elsewhere
    the test raises (also a CRASH)."""
    import os
    import sys
    text = (f"torch-conformance: {device} is lost to this process after {code!r}: "
            f"{error[0]}: {error[1].splitlines()[0] if error[1] else ''}")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        print(text, file=sys.stderr, flush=True)
        os._exit(70)
    raise RuntimeError(text)


def host_facts(torch_module: ModuleType) -> dict[str, Any]:
    """What the reference is told about the torch under check: its release (the documented
    behaviour it follows), its build and the host (reference_impl/_core/release.py)."""
    backends = getattr(getattr(torch_module, "backends", None), "cuda", None)
    built = getattr(backends, "is_built", None)
    cuda = getattr(torch_module, "cuda", None)
    return {"accelerator": has_accelerator(torch_module),
            "cuda_built": bool(built()) if callable(built) else None,
            "cuda": bool(cuda.is_available()) if cuda is not None else None,
            "cuda_devices": int(cuda.device_count()) if cuda is not None else None,
            "release": str(getattr(torch_module, "__version__", "")) or None}


def has_accelerator(torch_module: ModuleType) -> bool | None:
    """Whether the host has an accelerator (pinned memory needs one); None if unknown."""
    acc = getattr(torch_module, "accelerator", None)
    if acc is not None and hasattr(acc, "is_available"):
        return bool(acc.is_available())
    cuda = getattr(torch_module, "cuda", None)
    return bool(cuda.is_available()) if cuda is not None else None


def expected_departure(found: Sequence[Mismatch], expectations: Sequence[Expectation],
                       source: str = "") -> Expectation | None:
    """The expectation entry that explains a step's mismatches (one of them matches it);
    ``source``: the program's statements up to the step."""
    return next((e for e in expectations for m in found
                 if e.matches(m.path, m.torch, m.reference, source)), None)


def scope_for(device: str) -> str:
    """Meta tensors have no data, and meta's kernels their own messages: compare the layout."""
    return LAYOUT if device.split(":")[0] == "meta" else FULL


def sync_values(torch_ns: dict[str, Any], ref_ns: dict[str, Any],
                torch_state: dict[str, Any] | None = None,
                ref_state: dict[str, Any] | None = None) -> None:
    """After a step is compared, give the reference's tensors torch's values where the model
    cannot or need not know them.

    Floating-point tensors take all of torch's values: each step is then judged from the same
    inputs, with the tolerance of one operation (an ulp of difference no longer compounds
    through later steps: exp of a value one ulp off is sixteen ulps off). Elements a random
    sampler drew take torch's draw in every dtype, so what a program computes from them is
    compared from the next step on; integer and bool elements the model knows are exact on both
    sides and stay the model's. Uninitialised memory (``torch.empty``, bytes a resize added)
    stays unspecified, as does all computed from it: its bytes differ from run to run, and a
    run's record of torch's observations must not.
    With the step's observed states, tensors whose observed values already agree exactly are
    left as they are."""
    tv = (torch_state or {}).get("values", {})
    rv = (ref_state or {}).get("values", {})

    def agree(key: str) -> bool:
        a, b = tv.get(key), rv.get(key)
        return a is not None and b is not None and "values" in a and \
            a.get("values") == b.get("values")
    pairs = []
    ref_all = _with_attached(ref_ns)
    for name, t in _with_attached(torch_ns).items():
        r = ref_all.get(name)
        if not (is_tensor(t) and isinstance(r, reference_impl.Tensor)):
            continue
        if not agree(name):
            pairs.append((t, r))
        if agree(f"{name}.grad"):
            continue
        tg, rg = grad_of(t), grad_of(r)
        if tg is not None and rg is not None:
            pairs.append((tg, rg))
    for t, r in pairs:
        if tuple(t.shape) != tuple(r.shape) or not r.numel():
            continue
        if str(t.device) == "meta" or not r._storage.has_data():
            continue
        floating = r.dtype.kind in "fc"
        unspecified = r._unspecified_mask()
        drawn = unspecified & r._drawn_mask()
        if not (floating or drawn.any()):
            continue
        theirs = np.array(t.detach().cpu().tolist())
        r._write(theirs if floating else np.where(drawn, theirs, r._values()))
        r._taint(unspecified & ~drawn)


def _with_attached(namespace: dict[str, Any]) -> dict[str, Any]:
    """A namespace with the tensors its objects hold (module parameters, optimizer state)."""
    out = dict(namespace)
    for name, value in namespace.items():
        if is_user_name(name):
            out.update(attached_tensors(name, value))
    return out


def reproduction(result: CaseResult) -> str:
    """A script that shows the difference with torch alone: the program up to the first
    differing step, steps that raise wrapped so the script runs on, then a print of each
    differing fact with what the documentation (the reference model) says."""
    if not result.mismatches:
        return result.program.source(result.device)
    last = max(m.step for m in result.mismatches)
    steps = result.program.steps[:last]
    tt = result.torch_trace
    lines = result.program.prelude(result.device)
    for i, step in enumerate(steps, start=1):
        raised = tt is not None and i <= len(tt.steps) and tt.steps[i - 1].error is not None
        ref_err = None
        if result.reference_trace and i <= len(result.reference_trace.steps):
            ref_err = result.reference_trace.steps[i - 1].error
        if raised or ref_err:
            lines += ["try:", f"    {step.code}", "except Exception as e:",
                      "    print(f'step {i}:', type(e).__name__, e)".replace("{i}", str(i))]
            if ref_err:
                lines.append(f"    # documented behaviour: {ref_err[0]}: {ref_err[1][:120]}")
            else:
                lines.append("    # documented behaviour: no error")
        else:
            lines.append(step.code)
        for m in result.mismatches:
            if m.step == i and m.path not in ("error",) and not m.path.startswith("overlapping"):
                lines.append(_print_line(m))
    return "\n".join(lines) + "\n"


def _print_line(m: Mismatch) -> str:
    expr = m.path
    if " shares storage with" in expr or " is the same object as" in expr:
        a = expr.split(" ")[0]
        # The name's group leader on the side that says "shared"; documented says which.
        shared = m.reference != a
        b = m.reference if shared else m.torch
        if " shares storage with" in expr:
            expr = f"{a}.untyped_storage().data_ptr() == {b}.untyped_storage().data_ptr()"
        else:
            expr = f"{a} is {b}"
        return f"print({expr!r}, {expr})  # documented: {shared}"
    if expr.endswith(" is bound") or expr == "warnings":
        return f"# {expr}: torch={_short(m.torch, 100)}; documented={_short(m.reference, 100)}"
    if expr.endswith("._base"):
        ref = m.reference
        code = f"{expr} is {ref}" if ref not in (None, "<unnamed>") else f"{expr} is None"
        want = "True" if ref != "<unnamed>" else "False"
        return f"print({code!r}, {code})  # documented: {want}"
    return f"print({expr!r}, {expr})  # documented: {_py(m.reference)}"


def _py(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 120 else s[:120] + "..."
