"""A behaviour change in one line of words, from the smallest program that shows it:

    `r2 = t1 - True` (t1: bool [3]): RuntimeError -> NotImplementedError
    `x.grad[0]` after `loss.backward()` (uses clamp): 1.0 -> 0.0
    error message of `t.exp_()`: "ExpBackward0" -> "Exp"
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import facts as X

MAX_CODE = 60
MAX_VALUE = 70
_NAME = re.compile(r"\b[A-Za-z_]\w*\b")


def short(value: Any, limit: int = MAX_VALUE) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _code(code: str) -> str:
    line = " ".join(code.split())
    return f"`{short(line, MAX_CODE)}`"


def operands(code: str, state: dict[str, Any]) -> str:
    """The tensors a step reads, with their dtypes and shapes (`` (t1: bool [3])``)."""
    values = state.get("values") or {}
    seen = []
    for name in dict.fromkeys(_NAME.findall(code)):
        facts = values.get(name)
        if isinstance(facts, dict) and "dtype" in facts and "shape" in facts:
            dtype = str(facts["dtype"]).replace("torch.", "").replace("numpy.", "np.")
            seen.append(f"{name}: {dtype} {facts['shape']}")
    return f" ({', '.join(seen[:3])})" if seen else ""


def error(text: Any) -> str:
    if not text:
        return "no error"
    kind, _, message = str(text).partition(": ")
    return kind if len(message) > 50 else f"{kind}: {message}"


def title(fact: X.Fact, steps: list[str], old_obs: list[dict[str, Any]]) -> str:
    """The change in words: where (the step, the tensors it reads), what before, what after."""
    code = steps[fact.step - 1] if 0 < fact.step <= len(steps) else ""
    states = X.states(old_obs)
    before = states[fact.step - 2] if fact.step >= 2 and fact.step - 2 < len(states) else {}
    where = _code(code) + operands(code, before)
    if fact.category == X.ERROR:
        return f"{where}: {error(fact.before)} → {error(fact.after)}"
    if fact.category == X.WARNING:
        a = ", ".join(w.split(":", 1)[0] for w in fact.before) or "no warning"
        b = ", ".join(w.split(":", 1)[0] for w in fact.after) or "no warning"
        return f"{where}: warning {a} → {b}"
    if fact.category == X.MESSAGE:
        a = "\n".join(fact.before) if isinstance(fact.before, list) else str(fact.before)
        b = "\n".join(fact.after) if isinstance(fact.after, list) else str(fact.after)
        what = "warning" if fact.path == "warnings" else a.split(":", 1)[0]
        spans = _spans(a, b)
        return f"{what} message of {_code(code)}: {spans}"
    if fact.category == X.NAMING:
        return (f"autograd node name of `{fact.path}` after {_code(code)}: "
                f"{short(fact.before)} → {short(fact.after)}")
    uses = [op for op in X.operations(" ; ".join(steps[:fact.step])) if op != "(assignment)"]
    context = f" (program uses {', '.join(uses[:4])})" if uses else ""
    return (f"`{fact.path}` after {_code(code)}{context}: {short(fact.before)} → "
            f"{short(fact.after)}")


def _spans(a: str, b: str) -> str:
    """The words that changed, each with a word of context either side."""
    import difflib
    ta, tb = X.tokens(a), X.tokens(b)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        x = " ".join(ta[max(0, i1 - 1):i2 + 1])
        y = " ".join(tb[max(0, j1 - 1):j2 + 1])
        parts.append(f"“{short(x, 40)}” → “{short(y, 40)}”")
    shown = "; ".join(parts[:2])
    return shown + (f" (and {len(parts) - 2} more)" if len(parts) > 2 else "")


def pattern_title(signature: str, roots: list[X.Fact]) -> str:
    """A rewording seen in many messages: the pattern, then the distinct examples
    (``RuntimeError messages: “…Backward#” → “…” (UnbindBackward0 → Unbind, …)``)."""
    category, kind, spans = signature.split("|", 2)
    pairs: list[list[str]] = []
    for span in spans.split("; "):
        if " -> " in span or not pairs:
            pairs.append((span.split(" -> ", 1) + [""])[:2])
        else:  # the words of a span held "; " themselves
            pairs[-1][1] += "; " + span
    pattern = "; ".join("“{}” → “{}”".format(*(p.strip().replace("*", "…") for p in pair))
                        for pair in pairs)
    examples = []
    for f in roots:
        for x, y in X.changed_spans(X.text_of(f.before), X.text_of(f.after)):
            examples.append(f"{x} → {y}")
    distinct = list(dict.fromkeys(examples))
    what = f"{kind} messages" if category == X.MESSAGE else "autograd node names"
    shown = ", ".join(distinct[:5]) + (", …" if len(distinct) > 5 else "")
    return f"{what}: {pattern} ({shown})"
