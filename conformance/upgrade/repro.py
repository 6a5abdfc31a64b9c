"""A reproduction of a behaviour change that needs torch alone and runs on either release:
the program up to the last differing step, each step that raises on either release wrapped so
the script runs on (it prints the error), each step whose warnings changed run under a
recorder (it prints them), and a ``print`` of every other differing fact after its step. Run
on each release, the outputs differ exactly where the behaviour changed.
"""

from __future__ import annotations

from ..judge.fingerprint import split
from . import facts as X

__all__ = ["split", "reproduction", "raising_steps"]


def _indent(code: str, by: str = "    ") -> list[str]:
    return [by + line for line in code.splitlines()]


def _printed(fact: X.Fact) -> list[str]:
    path = fact.path
    if fact.category == X.ALIASING and " shares storage with" in path:
        a = path.split(" ")[0]
        other = fact.after if fact.after != a else fact.before
        expr = f"{a}.untyped_storage().data_ptr() == {other}.untyped_storage().data_ptr()"
    elif fact.category == X.ALIASING and " is the same object as" in path:
        a = path.split(" ")[0]
        other = fact.after if fact.after != a else fact.before
        expr = f"{a} is {other}"
    elif path.endswith(" is bound"):
        name = path[:-len(" is bound")]
        expr = f"{name!r} in globals()"
    elif path == "overlapping pairs":
        return []
    elif fact.key in ("grad_fn", "node"):
        expr = f"type({fact.name}).__name__" if fact.key == "node" else \
            f"type({path}).__name__"
    elif fact.key == "grad_fn.next_functions":
        expr = f"[(type(f).__name__, n) for f, n in {fact.name}.grad_fn.next_functions]"
    elif fact.key == "_base":
        expr = f"None if {fact.name}._base is None else 'a view'"
    else:
        expr = path
    label = path if not path.endswith(" is bound") else path
    return [f"print({label!r}, {expr})"]


def raising_steps(*observations: list[dict]) -> set[int]:
    """The steps that raise in any of the runs of a program."""
    return {i for obs in observations for i, step in enumerate(obs, start=1)
            if step.get("error")}


def reproduction(source: str, facts: list[X.Fact], raising: set[int]) -> str:
    """The script: ``facts`` are the differing facts of the program ``source``, ``raising``
    the steps that raise on either release."""
    prelude, steps = split(source)
    last = max(f.step for f in facts)
    warning = {f.step for f in facts if f.path == "warnings"}
    lines = (["import warnings"] if warning else []) + list(prelude)
    for i, code in enumerate(steps[:last], start=1):
        body = _indent(code)
        if i in warning:
            body = ["    with warnings.catch_warnings(record=True) as caught:",
                    "        warnings.simplefilter('always')", *_indent(code, "        ")]
        if i in raising or i in warning:
            lines += ["try:", *body, "except Exception as e:",
                      f"    print('step {i}: error:', type(e).__name__ + ':', e)"]
            if i in raising:
                lines += ["else:", f"    print('step {i}: no error')"]
        else:
            lines.append(code)
        if i in warning:
            lines += ["for w in caught:",
                      f"    print('step {i}: warning:', w.category.__name__ + ':', w.message)",
                      "if not caught:", f"    print('step {i}: no warning')"]
        for f in facts:
            if f.step == i and f.path not in ("error", "warnings"):
                lines += _printed(f)
    return "\n".join(lines) + "\n"
