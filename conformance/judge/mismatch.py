"""Comparison of two Traces: every observed fact, each mismatch with a path.

``compare`` never runs code. Values compare exactly for integer and bool dtypes and within the
dtype's tolerance (one table, below) for floating and complex dtypes. Errors and warnings
compare by type and by key phrase: the reference's message must appear in torch's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from reference_impl import ONCE_PER_PROCESS

from ..execute.observe import UNSPECIFIED, Facts
from ..execute.runner import StepRecord, Trace

# (rtol, atol) per dtype, as torch.testing.assert_close uses them.
TOLERANCES: dict[str, tuple[float, float]] = {
    "torch.float16": (1e-3, 1e-5),
    "torch.bfloat16": (1.6e-2, 1e-5),
    "torch.float32": (1.3e-6, 1e-5),
    "torch.float64": (1e-7, 1e-7),
    "torch.complex64": (1.3e-6, 1e-5),
    "torch.complex128": (1e-7, 1e-7),
}


@dataclass(frozen=True)
class Mismatch:
    step: int  # 1-based step number
    path: str  # e.g. "t1.stride()", "error", "aliases[t2]"
    torch: Any
    reference: Any

    def __str__(self) -> str:
        return f"step {self.step} > {self.path}: torch={self.torch!r}, reference={self.reference!r}"

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "path": self.path, "torch": self.torch,
                "reference": self.reference}


# How each per-tensor fact is read, as code (used for paths and reproductions).
FACT_EXPR = {
    "shape": "{n}.shape", "stride": "{n}.stride()", "storage_offset": "{n}.storage_offset()",
    "dtype": "{n}.dtype", "device": "{n}.device", "is_contiguous": "{n}.is_contiguous()",
    "_version": "{n}._version", "_is_view": "{n}._is_view()", "_base": "{n}._base",
    "storage_nbytes": "{n}.untyped_storage().nbytes()", "requires_grad": "{n}.requires_grad",
    "is_leaf": "{n}.is_leaf", "grad_fn": "{n}.grad_fn", "values": "{n}",
    "type": "type({n})", "value": "{n}", "len": "len({n})", "grad": "{n}.grad",
}


# The parts of torch's messages no documentation fixes, left out on both sides before they are
# compared: the C++ source suffix "(Triggered internally at ...cpp:123.)", and the name of an
# autograd node inside a message ("output 0 of AddBackward0" on torch 2.11, "output 0 of Add"
# on 2.13). Whether an error is raised, its type and its key phrase are compared.
_SOURCE_SUFFIX = re.compile(r"\s*\(Triggered internally at [^)]*\)\.?")
# A node's name, C++ namespaces included ("output 0 of torch::autograd::CopySlices" on 2.13).
_NODE_NAME = re.compile(r"\b([Oo]utput \d+ of )[\w:]+")
_ERROR_TEXT = re.compile(r"^(\w+): (.*)$", re.DOTALL)


def documented_part(msg: str) -> str:
    """A message without its undocumented parts, whitespace normalised."""
    msg = _NODE_NAME.sub(r"\1<node>", _SOURCE_SUFFIX.sub("", msg))
    return " ".join(msg.split())


def message_matches(torch_msg: str, ref_msg: str) -> bool:
    """The reference states torch's key phrase; torch may say more around it."""
    return documented_part(ref_msg) in documented_part(torch_msg)


def _error_texts_match(a: Any, b: Any, messages: bool) -> bool:
    """Two observed facts that are errors ("RuntimeError: ..."): the same type, and (with
    ``messages``) the key phrase."""
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    ma, mb = _ERROR_TEXT.match(a), _ERROR_TEXT.match(b)
    return bool(ma and mb and ma.group(1) == mb.group(1) and ma.group(1).endswith("Error")
                and (not messages or message_matches(ma.group(2), mb.group(2))))


def values_close(a: Any, b: Any, dtype: str) -> bool:
    """``a`` is torch's value, ``b`` the reference's; an element the reference marks
    unspecified (uninitialised memory) matches anything."""
    if b == UNSPECIFIED:
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(values_close(x, y, dtype) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return values_close(a.get("re"), b.get("re"), dtype) and \
            values_close(a.get("im"), b.get("im"), dtype)
    if dtype not in TOLERANCES or isinstance(a, str) or isinstance(b, str):
        return bool(a == b) and type(a) is type(b)
    rtol, atol = TOLERANCES[dtype]
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return False
    if math.isnan(a) or math.isnan(b):
        return False
    return abs(a - b) <= atol + rtol * abs(b)


def compare_traces(t: Trace, r: Trace) -> list[Mismatch]:
    """Every difference between torch's trace ``t`` and the reference's ``r``, step by step."""
    log = MismatchLog()
    once: set[str] = set()
    for i, (ts, rs) in enumerate(zip(t.steps, r.steps), start=1):
        log.add(compare_steps(i, ts, rs, once=once))
    return log.mismatches


class MismatchLog:
    """Mismatches of a run, step by step; a difference that persists is reported only at the
    step where it first appears."""

    def __init__(self) -> None:
        self.mismatches: list[Mismatch] = []
        self._seen: set[tuple[str, str, str]] = set()

    def add(self, found: list[Mismatch]) -> list[Mismatch]:
        new = []
        for m in found:
            key = (m.path, repr(m.torch), repr(m.reference))
            if key not in self._seen or m.path in ("error", "warnings"):
                self._seen.add(key)
                new.append(m)
        self.mismatches.extend(new)
        return new


# What is compared on the meta device, which has no data: layout, dtype, device, identity and
# aliasing, version counters and the autograd flags. Meta's kernels are Python meta functions
# with messages of their own, so errors are compared by type and warnings by category.
LAYOUT_FACTS = frozenset({
    "shape", "stride", "storage_offset", "dtype", "device", "is_contiguous", "_version",
    "_is_view", "_base", "requires_grad", "is_leaf", "is_inference", "is_conj", "type",
    "value", "len",
})
FULL = "full"
LAYOUT = "layout"


def compare_steps(i: int, ts: StepRecord, rs: StepRecord, scope: str = FULL,
                  once: set[str] | None = None) -> list[Mismatch]:
    """Every fact of one step (``scope="full"``), or the layout facts only (``"layout"``, the
    meta device's scope: see LAYOUT_FACTS). ``once``: the once-per-process warnings torch has
    shown in this program so far (updated; a second showing is a mismatch)."""
    out: list[Mismatch] = []
    full = scope == FULL
    if (ts.error is None) != (rs.error is None) or (
            ts.error and rs.error and (ts.error[0] != rs.error[0] or (
                full and not message_matches(ts.error[1], rs.error[1])))):
        out.append(Mismatch(i, "error", _err(ts.error), _err(rs.error)))
    repeated = _repeated_once_warnings(ts.warnings, rs.warnings, once)
    if repeated or not _warnings_match(ts.warnings, rs.warnings, messages=full):
        out.append(Mismatch(i, "warnings", [list(w) for w in ts.warnings],
                            [list(w) for w in rs.warnings] + [
                                ["at most once per process, shown before", p] for p in repeated]))
    out.extend(compare_states(i, ts.state, rs.state, None if full else LAYOUT_FACTS))
    return out


def _err(e: tuple[str, str] | None) -> Any:
    return None if e is None else f"{e[0]}: {e[1]}"


def _warnings_match(tw: list[tuple[str, str]], rw: list[tuple[str, str]],
                    messages: bool = True) -> bool:
    """torch's warnings are the reference's, in order; a reference warning marked
    ONCE_PER_PROCESS (torch gives it once per process: this one may already have) may be
    absent."""
    if not rw:
        return not tw
    optional = rw[0][1].startswith(ONCE_PER_PROCESS)
    first = (rw[0][0], rw[0][1][len(ONCE_PER_PROCESS):]) if optional else rw[0]
    if tw and _warning_matches(tw[0], first, messages) and \
            _warnings_match(tw[1:], rw[1:], messages):
        return True
    return optional and _warnings_match(tw, rw[1:], messages)


def _warning_matches(a: tuple[str, str], b: tuple[str, str], messages: bool) -> bool:
    return a[0] == b[0] and (not messages or message_matches(a[1], b[1]))


def _repeated_once_warnings(tw: list[tuple[str, str]], rw: list[tuple[str, str]],
                            once: set[str] | None) -> list[str]:
    """The once-per-process warnings of this step that torch showed earlier in the program
    too (and records those it shows now in ``once``)."""
    if once is None:
        return []
    repeated = []
    for _, msg in rw:
        if not msg.startswith(ONCE_PER_PROCESS):
            continue
        phrase = msg[len(ONCE_PER_PROCESS):]
        if any(message_matches(m, phrase) for _, m in tw):
            if phrase in once:
                repeated.append(phrase)
            once.add(phrase)
    return repeated


def compare_states(i: int, ts: Facts, rs: Facts, keys: frozenset[str] | None = None
                   ) -> list[Mismatch]:
    out: list[Mismatch] = []
    tv, rv = ts.get("values", {}), rs.get("values", {})
    for name in list(dict.fromkeys([*tv, *rv])):
        if name not in tv or name not in rv:
            out.append(Mismatch(i, f"{name} is bound", name in tv, name in rv))
            continue
        out.extend(compare_facts(i, name, tv[name], rv[name], keys))
    for key, label in (("aliases", "shares storage with"), ("identity", "is the same object as")):
        ta, ra = ts.get(key, {}), rs.get(key, {})
        for name in ta:
            if name in ra and ta[name] != ra[name]:
                out.append(Mismatch(i, f"{name} {label}", ta[name], ra[name]))
    to = sorted(map(tuple, ts.get("overlaps", [])))
    ro = sorted(map(tuple, rs.get("overlaps", [])))
    if to != ro:
        out.append(Mismatch(i, "overlapping pairs", [list(p) for p in to],
                            [list(p) for p in ro]))
    return out


def compare_facts(i: int, name: str, tf: Facts, rf: Facts,
                  keys: frozenset[str] | None = None) -> list[Mismatch]:
    out: list[Mismatch] = []
    dtype = str(tf.get("dtype", "")).replace("numpy.", "torch.", 1)
    for key in list(dict.fromkeys([*tf, *rf])):
        if keys is not None and key not in keys:
            continue
        a, b = tf.get(key, "<absent>"), rf.get(key, "<absent>")
        path = None
        if key in ("values", "value"):
            # Equal written forms are equal plain values (True and 1, 1.0 and 1 differ).
            same = (type(a) is type(b) and repr(a) == repr(b)) or (
                values_close(a, b, dtype) if dtype else _same_plain(a, b))
            if not same and key == "values":
                # Point at the first differing element: "t1[2, 0]", with the two values.
                where = first_difference(a, b, dtype)
                if where is not None:
                    index, a, b = where
                    path = f"{name}[{', '.join(map(str, index))}]" if index else path
        elif key in GRAPH_FACTS:
            same = graph_shape(a) == graph_shape(b) or b == UNSPECIFIED or \
                _error_texts_match(a, b, messages=keys is None)
        elif key == "stride" and keys is not None:
            # Layout scope: only strides that address memory (dims of size > 1 in a
            # non-empty tensor) are facts; meta's Python meta functions pick other strides
            # for size-1 and empty dims than the CPU's kernels, which nothing can observe.
            same = _addressing(tf.get("shape"), a) == _addressing(rf.get("shape"), b)
        else:
            same = (a == b and type(a) is type(b)) or b == UNSPECIFIED or \
                _error_texts_match(a, b, messages=keys is None)
        if not same:
            out.append(Mismatch(i, path or FACT_EXPR.get(key, "{n}." + key).format(n=name),
                                a, b))
    return out


# Facts naming autograd graph nodes. That a result has a grad_fn, and where its
# next_functions lead (nothing, a leaf's AccumulateGrad, another node), is documented; which
# node class records it (ViewBackward0 or ReshapeAliasBackward0, torch 2.13 or 2.0) is not.
GRAPH_FACTS = frozenset({"grad_fn", "grad_fn.next_functions", "node"})
DOCUMENTED_NODES = frozenset({"AccumulateGrad"})


def graph_shape(value: Any) -> Any:
    """A graph fact with the undocumented node class names replaced by ``<node>``."""
    if isinstance(value, list):
        return [graph_shape(v) for v in value]
    if isinstance(value, str) and value not in DOCUMENTED_NODES and value != UNSPECIFIED \
            and not _ERROR_TEXT.match(value):
        return "<node>"
    return value


def _addressing(shape: Any, stride: Any) -> Any:
    if not isinstance(shape, list) or not isinstance(stride, list) or len(shape) != len(stride):
        return stride
    if 0 in shape:
        return None
    return [st if n > 1 else None for n, st in zip(shape, stride)]


def first_difference(a: Any, b: Any, dtype: str) -> tuple[tuple[int, ...], Any, Any] | None:
    """The index and the two values of the first element where ``a`` and ``b`` differ; None
    when their nesting differs (then the whole values are reported)."""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return None
        for k, (x, y) in enumerate(zip(a, b)):
            if not values_close(x, y, dtype):
                inner = first_difference(x, y, dtype)
                return None if inner is None else ((k, *inner[0]), inner[1], inner[2])
        return None
    if isinstance(a, list) or isinstance(b, list):
        return None
    return ((), a, b)


def _same_plain(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, float) and isinstance(b, float) and values_close(
            a, b, "torch.float64")
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_plain(x, y) for x, y in zip(a, b))
    return a == b and type(a) is type(b)
