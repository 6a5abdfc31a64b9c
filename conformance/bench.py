"""Benchmark: programs checked per second and where the time goes.

    python -m conformance.bench [--programs N] [--families view,index,...] [--repeat R]

Prints programs/s, the split between generation, torch execution, reference execution,
observation (both sides) and comparison, the reference/torch execution-time ratio, and the
process's peak memory (resident set). Each figure is the median of ``--repeat`` measurements
(3 by default). Derandomized, so two runs check the same programs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference_impl

from .execute.runner import run
from .generate.strategies import FAMILIES, programs
from .judge.check import check
from .judge.mismatch import compare_traces
from .program import Program


def collect(n: int, families: tuple[str, ...]) -> tuple[list[Program], float]:
    found: list[Program] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def gen(data: st.DataObject) -> None:
        found.append(data.draw(programs(families), label="program"))

    started = time.perf_counter()
    gen()
    return found, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.bench")
    parser.add_argument("--programs", type=int, default=200)
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    families = tuple(f for f in args.families.split(",") if f)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown or args.programs < 1 or args.repeat < 1:
        print(f"bench: unknown families {unknown}, or --programs or --repeat < 1",
              file=sys.stderr)
        return 2
    import torch

    runs = [measure(args.programs, families, args.device, torch) for _ in range(args.repeat)]
    m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    n = args.programs
    print(f"torch {torch.__version__}, device {args.device}, {n} programs, {int(m['steps'])} "
          f"steps (families: {', '.join(families)}); medians of {args.repeat} runs")
    print(f"checked (check(): lock step, compare, sync): {n / m['check']:.1f} programs/s "
          f"({n / (m['check'] + m['generation']):.1f} with generation)")
    for label, key in (("generation", "generation"), ("torch execution", "t_exec"),
                       ("reference execution", "r_exec"), ("observation", "observe"),
                       ("comparison", "compare")):
        print(f"  {label:<20} {m[key]:8.3f} s  {1000 * m[key] / n:7.2f} ms/program")
    print(f"reference/torch execution time: {m['r_exec'] / m['t_exec']:.2f}x")
    print(f"sync and lock-step overhead: {m['overhead']:8.3f} s")
    print(f"suite time / torch execution time: {(m['check'] + m['generation']) / m['t_exec']:.1f}x")
    print(f"peak memory (resident set of this process): {peak_rss_mib():.0f} MiB")
    return 0


def peak_rss_mib() -> float:
    """The largest resident set this process has had (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(count: int, families: tuple[str, ...], device: str, torch: Any) -> dict[str, float]:
    """One measurement: draft ``count`` programs, check each, then time each side alone."""
    progs, gen_s = collect(count, families)
    started = time.perf_counter()
    for p in progs:
        check(p, device, torch)
    check_s = time.perf_counter() - started
    # The split: each side run alone, then compared (check() interleaves the same work).
    t_total = r_total = t_exec = r_exec = cmp_s = 0.0
    steps = 0
    for p in progs:
        a = time.perf_counter()
        tt = run(p, torch, device)
        b = time.perf_counter()
        rt = run(p, reference_impl, device)
        c = time.perf_counter()
        compare_traces(tt, rt)
        d = time.perf_counter()
        t_total += b - a
        r_total += c - b
        cmp_s += d - c
        t_exec += tt.seconds
        r_exec += rt.seconds
        steps += len(p.steps)
    return {"generation": gen_s, "check": check_s, "t_exec": t_exec, "r_exec": r_exec,
            "observe": (t_total - t_exec) + (r_total - r_exec), "compare": cmp_s,
            "overhead": check_s - (t_total + r_total + cmp_s), "steps": steps}


if __name__ == "__main__":
    raise SystemExit(main())
