"""Benchmark: programs checked per second and where the time goes.

    python -m conformance.bench [--programs N] [--families view,index,...]

Prints programs/s, the split between generation, torch execution, reference execution,
observation (both sides) and comparison, and the reference/torch execution-time ratio.
Derandomized, so two runs check the same programs.
"""

from __future__ import annotations

import argparse
import sys
import time

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
    args = parser.parse_args(argv)
    families = tuple(f for f in args.families.split(",") if f)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown or args.programs < 1:
        print(f"bench: unknown families {unknown} or --programs < 1", file=sys.stderr)
        return 2
    import torch

    progs, gen_s = collect(args.programs, families)
    started = time.perf_counter()
    for p in progs:
        check(p, args.device, torch)
    check_s = time.perf_counter() - started
    # The split: each side run alone, then compared (check() interleaves the same work).
    t_total = r_total = t_exec = r_exec = cmp_s = 0.0
    steps = 0
    for p in progs:
        a = time.perf_counter()
        tt = run(p, torch, args.device)
        b = time.perf_counter()
        rt = run(p, reference_impl, args.device)
        c = time.perf_counter()
        compare_traces(tt, rt)
        d = time.perf_counter()
        t_total += b - a
        r_total += c - b
        cmp_s += d - c
        t_exec += tt.seconds
        r_exec += rt.seconds
        steps += len(p.steps)
    observe_s = (t_total - t_exec) + (r_total - r_exec)
    n = len(progs)
    print(f"torch {torch.__version__}, device {args.device}, {n} programs, {steps} steps "
          f"(families: {', '.join(families)})")
    print(f"checked (check(): lock step, compare, sync): {n / check_s:.1f} programs/s "
          f"({n / (check_s + gen_s):.1f} with generation)")
    for label, secs in (("generation", gen_s), ("torch execution", t_exec),
                        ("reference execution", r_exec), ("observation", observe_s),
                        ("comparison", cmp_s)):
        print(f"  {label:<20} {secs:8.3f} s  {1000 * secs / n:7.2f} ms/program")
    print(f"reference/torch execution time: {r_exec / t_exec:.2f}x")
    print(f"sync and lock-step overhead: {check_s - (t_total + r_total + cmp_s):8.3f} s")
    print(f"suite time / torch execution time: {(check_s + gen_s) / t_exec:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
