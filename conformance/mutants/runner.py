"""Run the mutant catalogue against the suite: each mutant in its own pytest process (forked
from a server that has imported torch and the suite: ``forks.py``).

For each mutant, the conformance test that should catch it runs with the mutant applied
(``-p conformance.mutants.activate``, ``ci`` profile, cpu, Hypothesis' shrinking off since
only the catch matters), stopping at the first failure. A mutant is killed when that run fails
with a violated claim in its results file; the claims it violated and the wall time to the
verdict are recorded. The same tests first run on unpatched torch: a catch only counts when
they pass there.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import forks
from .activate import ENV, NO_SHRINK_ENV
from .catalogue import BY_NAME, MUTANTS, Mutant

TIMEOUT_S = 600


def _pytest(node: str, root: Path, results: Path, mutant: str | None) -> tuple[int, float]:
    env = {k: v for k, v in os.environ.items() if k not in (ENV, "PYTEST_ADDOPTS")}
    env[NO_SHRINK_ENV] = "1"
    if mutant:
        env[ENV] = mutant
    args = [node, "-p", "conformance.mutants.activate", "-x", "-q", "-p", "no:cacheprovider",
            "--conformance-profile=ci", "--device=cpu", "--conformance-results", str(results),
            "-o", "addopts="]
    t0 = time.perf_counter()
    code, _ = forks.run_pytest(args, cwd=root, env=env, timeout=TIMEOUT_S)
    return code, time.perf_counter() - t0


def _violated(results: Path) -> list[str]:
    try:
        doc = json.loads(results.read_text())
    except (OSError, ValueError):
        return []
    seen: list[str] = []
    for t in doc.get("tests", []):
        if t.get("verdict") in ("MISMATCH", "CRASH", "UNMODELLED"):
            seen += [c for c in t.get("claims", []) if c not in seen]
    return seen


def run_one(m: Mutant, root: Path, tmp: Path) -> dict[str, Any]:
    results = tmp / f"{m.name}.json"
    code, seconds = _pytest(m.test_file, root, results, m.name)
    caught = _violated(results) if code == 1 else []
    return {"name": m.name, "description": m.description, "claims": list(m.claims),
            "test": m.test_file, "killed": bool(caught), "caught_by": caught,
            "first_claim": caught[0] if caught else None, "seconds": round(seconds, 2),
            "exit_status": code}


def run_catalogue(names: list[str] | None, *, jobs: int, root: Path) -> dict[str, Any]:
    chosen = [BY_NAME[n] for n in names] if names else list(MUTANTS)
    nodes = sorted({m.test_file for m in chosen})
    with tempfile.TemporaryDirectory(prefix="conformance-mutants-") as d:
        tmp = Path(d)
        try:
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                base = list(pool.map(lambda n: (n, _pytest(
                    n, root, tmp / f"base{hash(n)}.json", None)), nodes))
                rows = list(pool.map(lambda m: run_one(m, root, tmp), chosen))
        finally:
            forks.close_all()
    baseline = {node: {"exit_status": code, "seconds": round(s, 2)}
                for node, (code, s) in base}
    killed = [r for r in rows if r["killed"]]
    return {"schema": "torch-conformance/mutants", "schema_version": 1,
            "total": len(rows), "killed": len(killed),
            "median_s": round(statistics.median(r["seconds"] for r in killed), 2)
            if killed else None,
            "baseline_ok": all(b["exit_status"] == 0 for b in baseline.values()),
            "baseline": baseline, "mutants": rows}
