"""A run split across machines: ``run --shard K/N`` runs a deterministic slice of the suite,
and ``merge`` of the N results files gives the results file of one unsplit run (its claims,
verdicts, tests, expectations and exit status; only timestamps and durations differ).

The slice: the collected test ids in sorted order, every N-th from the K-th. Sorting makes it
independent of collection order and of how pytest-xdist later spreads the slice over workers;
the N slices are disjoint and together are the whole collection (tests/test_shards.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .build import build

_SHARD = re.compile(r"^([1-9]\d*)/([1-9]\d*)$")


class ShardError(ValueError):
    """A shard spec or a set of shard files that cannot be combined (one line)."""


def parse(spec: str) -> tuple[int, int]:
    """``"2/4"`` -> (2, 4); 1 <= K <= N."""
    m = _SHARD.match(spec.strip())
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise ShardError(f"--shard {spec!r}: expected K/N with 1 <= K <= N, e.g. 1/4")
    return int(m.group(1)), int(m.group(2))


def select(nodeids: Sequence[str], index: int, count: int) -> set[str]:
    """The test ids of slice ``index`` of ``count`` (1-based)."""
    return {n for i, n in enumerate(sorted(set(nodeids))) if i % count == index - 1}


def is_shard(doc: dict[str, Any]) -> bool:
    return isinstance(doc.get("shard"), dict)


def combine(docs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The results file of the unsplit run, from the results files of all its N shards."""
    count = {d["shard"]["count"] for d in docs}
    if len(count) != 1:
        raise ShardError("the files are shards of different splits (N differs)")
    n = count.pop()
    seen = sorted(d["shard"]["index"] for d in docs)
    twice = sorted({k for k in seen if seen.count(k) > 1})
    if twice:
        raise ShardError(f"shards of {n}: shard {twice[0]}/{n} given twice")
    missing = sorted(set(range(1, n + 1)) - set(seen))
    if missing:
        raise ShardError(f"shards of {n}: missing {missing}")
    envs = [_comparable(d["environment"]) for d in docs]
    if any(e != envs[0] for e in envs[1:]):
        raise ShardError("the shards ran in different environments (torch, profile, devices "
                         "or seed differ): they are not one run")
    tests = [t for d in docs for t in d["tests"]]
    doc = build(tests, docs[0]["environment"], started=min(d["started"] for d in docs),
                finished=max(d["finished"] for d in docs),
                duration_s=sum(float(d.get("duration_s") or 0) for d in docs),
                interrupted=any(d.get("interrupted") for d in docs))
    doc["explainers"] = _explainers(docs)
    never = sorted({t for d in docs for t in (d.get("never_ran") or {}).get("tests", [])})
    doc["collected"] = sum(int(d.get("collected") or 0) for d in docs)
    doc["never_ran"] = {"count": sum(int((d.get("never_ran") or {}).get("count") or 0)
                                     for d in docs), "tests": never[:50]}
    return doc


# Environment facts that may differ between the machines of one run (runner images of one
# CI matrix) without changing what ran or how it was judged.
_MACHINE = frozenset({"platform"})


def _comparable(env: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in env.items() if k not in _MACHINE}


def _explainers(docs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One device's numbers per explainer, the CPU's when it ran (as one run keeps them)."""
    out: dict[str, Any] = {}
    for d in docs:
        for name, data in (d.get("explainers") or {}).items():
            if name not in out or data.get("device") == "cpu":
                out[name] = data
    return {k: out[k] for k in sorted(out)}
