"""What differs between two runs of one program: the differing facts, each with its step, the
expression that reads it, and its category; and the change's root cause as a key that programs
showing the same change share, with a line in words.

Categories, in the order of what breaks code first: ``error`` (an error raised, no longer
raised, or of another type), ``value`` (values, dtypes, devices, bound Python values),
``autograd`` (version counters, requires_grad, leaves, whether a result has a grad_fn and where
its graph leads), ``aliasing`` (storage sharing, identity, overlap, views), ``layout`` (shapes,
strides, offsets, contiguity), ``warning`` (a warning raised or not, or of another category),
then ``message`` (the wording of an error or a warning) and ``naming`` (an autograd node's
class name): details no documentation fixes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from ..judge.mismatch import FACT_EXPR, graph_shape

ERROR, VALUE, AUTOGRAD, ALIASING, LAYOUT = "error", "value", "autograd", "aliasing", "layout"
WARNING, MESSAGE, NAMING = "warning", "message", "naming"
RANK = {ERROR: 1, VALUE: 2, AUTOGRAD: 2, ALIASING: 3, LAYOUT: 3, WARNING: 4, MESSAGE: 5,
        NAMING: 5}
WORDS = {ERROR: "error type", VALUE: "value", AUTOGRAD: "autograd", ALIASING: "aliasing",
         LAYOUT: "layout", WARNING: "warning", MESSAGE: "message wording",
         NAMING: "node name"}
FACT_CATEGORY = {
    "values": VALUE, "value": VALUE, "type": VALUE, "len": VALUE, "dtype": VALUE,
    "device": VALUE, "node": NAMING, "writeable": VALUE, "unobservable": VALUE,
    "_version": AUTOGRAD, "requires_grad": AUTOGRAD, "is_leaf": AUTOGRAD,
    "retains_grad": AUTOGRAD, "is_inference": AUTOGRAD, "grad_fn": AUTOGRAD,
    "grad_fn.next_functions": AUTOGRAD,
    "_is_view": ALIASING, "_base": ALIASING, "is_conj": VALUE,
    "shape": LAYOUT, "stride": LAYOUT, "strides": LAYOUT, "storage_offset": LAYOUT,
    "is_contiguous": LAYOUT, "storage_nbytes": LAYOUT, "layout": LAYOUT,
}
_TOKEN = re.compile(r"\w+|[^\w\s]")
_DIGITS = re.compile(r"\d+")
_QUOTED = re.compile(r"\"[\w.]+\"|'[\w.]+'")  # "addmm_impl_cpu_", 'ComplexFloat'
_ERROR = re.compile(r"^\w+(?:Error|Exception|Warning): ")
_SHAPE = re.compile(r"([(\[]) #(?: , #)*(?: ,)? ([)\]])")  # "( # , # )", "[ # ]": a shape
_CALL = re.compile(r"\.?\b([A-Za-z_]\w*)\s*\(|\s([-+*/@%&|^]|//|\*\*)=?\s")


@dataclass(frozen=True)
class Fact:
    step: int
    path: str      # the expression that reads it ("t2.stride()", "error", "warnings")
    category: str
    before: Any
    after: Any
    name: str | None = None  # the bound name it is a fact of
    key: str | None = None   # which fact ("stride", "values")

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "path": self.path, "category": self.category,
                "before": self.before, "after": self.after}


# ---- replaying the recorded deltas into whole states ----------------------------------------

def states(obs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per step: its error, its warnings and the whole state after it (the fingerprint records
    only what changed)."""
    cur: dict[str, Any] = {"values": {}, "aliases": {}, "identity": {}, "overlaps": []}
    out = []
    for step in obs:
        for key, delta in (step.get("state") or {}).items():
            if isinstance(delta, dict) and isinstance(cur.get(key), dict):
                merged = {**cur[key], **delta}
                cur[key] = {k: v for k, v in merged.items() if v is not None}
            else:
                cur[key] = delta if delta is not None else []
        other = {k: v for k, v in step.items() if k not in ("error", "warnings", "state")}
        out.append({"error": step.get("error"), "warnings": list(step.get("warnings") or []),
                    "other": other,
                    **{k: (dict(v) if isinstance(v, dict) else v) for k, v in cur.items()}})
    return out


# ---- the differing facts ----------------------------------------------------------------------

def differences(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Fact]:
    """Every fact that differs between two runs of a program; a difference that persists is
    reported at the step where it first appears."""
    sa, sb = states(old), states(new)
    empty: dict[str, Any] = {"error": None, "warnings": [], "values": {}, "aliases": {},
                             "identity": {}, "overlaps": []}
    seen: set[tuple[str, str, str]] = set()
    out: list[Fact] = []
    for i in range(max(len(sa), len(sb))):
        a = sa[i] if i < len(sa) else empty
        b = sb[i] if i < len(sb) else empty
        for fact in _step_differences(i + 1, a, b):
            mark = (fact.path, repr(fact.before), repr(fact.after))
            if fact.path in ("error", "warnings") or mark not in seen:
                seen.add(mark)
                out.append(fact)
    return out


def _step_differences(i: int, a: dict[str, Any], b: dict[str, Any]) -> list[Fact]:
    out: list[Fact] = []
    if a["error"] != b["error"]:
        same_type = a["error"] and b["error"] and _type(a["error"]) == _type(b["error"])
        out.append(Fact(i, "error", MESSAGE if same_type else ERROR, a["error"], b["error"]))
    if a["warnings"] != b["warnings"]:
        same = [_type(w) for w in a["warnings"]] == [_type(w) for w in b["warnings"]]
        out.append(Fact(i, "warnings", MESSAGE if same else WARNING, a["warnings"],
                        b["warnings"]))
    va, vb = a.get("values") or {}, b.get("values") or {}
    for name in dict.fromkeys([*va, *vb]):
        if name not in va or name not in vb:
            out.append(Fact(i, f"{name} is bound", VALUE, name in va, name in vb, name))
        elif va[name] != vb[name]:
            out += _fact_differences(i, name, va[name], vb[name])
    for key, label in (("aliases", "shares storage with"), ("identity", "is the same object as")):
        pa, pb = a.get(key) or {}, b.get(key) or {}
        for name in pa:
            if name in pb and pa[name] != pb[name]:
                out.append(Fact(i, f"{name} {label}", ALIASING, pa[name], pb[name], name))
    xa, xb = a.get("other") or {}, b.get("other") or {}
    for key in dict.fromkeys([*xa, *xb]):  # what a newer suite may observe
        if xa.get(key) != xb.get(key):
            out.append(Fact(i, str(key), VALUE, xa.get(key), xb.get(key)))
    oa = sorted(map(tuple, a.get("overlaps") or []))
    ob = sorted(map(tuple, b.get("overlaps") or []))
    if oa != ob:
        out.append(Fact(i, "overlapping pairs", ALIASING, [list(p) for p in oa],
                        [list(p) for p in ob]))
    return out


def _fact_differences(i: int, name: str, fa: Any, fb: Any) -> list[Fact]:
    if not (isinstance(fa, dict) and isinstance(fb, dict)):
        return [Fact(i, name, VALUE, fa, fb, name)]
    out = []
    for key in dict.fromkeys([*fa, *fb]):
        x, y = fa.get(key, "<absent>"), fb.get(key, "<absent>")
        if x == y:
            continue
        category = FACT_CATEGORY.get(key, VALUE)
        if key in ("grad_fn", "grad_fn.next_functions", "node") and \
                graph_shape(x) == graph_shape(y):
            category = NAMING  # only the node's class name changed
        elif _is_error(x) and _is_error(y) and _type(x) == _type(y):
            category = MESSAGE  # reading the fact raised on both, worded differently
        path = FACT_EXPR.get(key, "{n}." + key).format(n=name)
        if key == "values":
            where = _first_difference(x, y)
            if where is not None:
                path = f"{name}[{', '.join(map(str, where[0]))}]" if where[0] else name
                x, y = where[1], where[2]
        out.append(Fact(i, path, category, x, y, name, key))
    return out


def _first_difference(a: Any, b: Any) -> tuple[tuple[int, ...], Any, Any] | None:
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return None
        for k, (x, y) in enumerate(zip(a, b)):
            if x != y:
                inner = _first_difference(x, y)
                return None if inner is None else ((k, *inner[0]), inner[1], inner[2])
        return None
    if isinstance(a, list) or isinstance(b, list):
        return None
    return ((), a, b)


def _is_error(value: Any) -> bool:
    return isinstance(value, str) and bool(_ERROR.match(value))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _type(text: Any) -> str:
    return str(text).split(":", 1)[0] if text else ""


# ---- the root cause ---------------------------------------------------------------------------

def root(facts: list[Fact]) -> Fact:
    """The fact a change starts from: the first step's, most breaking first."""
    first = min(f.step for f in facts)
    return min((f for f in facts if f.step == first), key=lambda f: RANK[f.category])


def template(text: Any) -> str:
    """A message with its numbers generalised (shapes, sizes, versions, indices)."""
    return " ".join(_DIGITS.sub("#", str(text)).split()) if text else "none"


def changed_spans(a: str, b: str) -> list[tuple[str, str]]:
    """The spans of words that differ between two messages, as they are."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    return [(" ".join(ta[i1:i2]), " ".join(tb[j1:j2])) for op, i1, i2, j1, j2 in
            difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes()
            if op != "equal"]


def text_of(value: Any) -> str:
    """An error's, a warning list's or a fact's text."""
    return "\n".join(map(str, value)) if isinstance(value, list) else str(value)


def rewording(a: str, b: str) -> list[tuple[str, str]]:
    """The spans of words that changed between two messages, generalised: a name that lost or
    gained a suffix is the suffix (``ExpBackward0`` -> ``Exp`` is ``*Backward#`` -> ``*``),
    numbers are ``#`` and a shape of any rank ``( … )`` or ``[ … ]``."""
    def general(text: str) -> str:  # digits, and a shape of any rank
        return _SHAPE.sub(r"\1 … \2", _DIGITS.sub("#", text))
    out = []
    for x, y in changed_spans(a, b):
        if x and y and x.startswith(y):
            out.append(("*" + general(x[len(y):]), "*"))
        elif x and y and y.startswith(x):
            out.append(("*", "*" + general(y[len(x):])))
        else:
            out.append((general(x), general(y)))
    return out


def operations(code: str) -> list[str]:
    """The functions, methods and operators a step calls (``t1.clamp(min=0)`` -> clamp)."""
    found = []
    for m in _CALL.finditer(f" {code} "):
        found.append(m.group(1) or m.group(2))
    return [op for op in dict.fromkeys(found) if op not in ("torch", "tensor", "dev")] or \
        ["(assignment)"]


def signature(fact: Fact, code: str) -> str:
    """The key that every program showing the same change shares."""
    if fact.category == ERROR:  # the kernel and dtype a dispatcher message names: generalised
        return f"error|{_QUOTED.sub('*', template(fact.before))}|" \
            f"{_QUOTED.sub('*', template(fact.after))}"
    if fact.category == WARNING:
        return (f"warning|{'; '.join(map(template, fact.before))}|"
                f"{'; '.join(map(template, fact.after))}")
    if fact.category in (MESSAGE, NAMING):
        a, b = text_of(fact.before), text_of(fact.after)
        spans = "; ".join(f"{x} -> {y}" for x, y in rewording(a, b))
        return f"{fact.category}|{_type(a) if fact.category == MESSAGE else ''}|{spans}"
    what = (fact.key or fact.path.split(" ", 1)[-1]) + (" of a grad" if fact.name and
                                                         fact.name.endswith(".grad") else "")
    return f"{fact.category}|{what}|{','.join(operations(code))}"
