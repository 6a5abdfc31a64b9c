"""An upgrade check's runs: which torch each side is, its environment, and the suite run in it.

``plan`` turns the command line into sides (a version to install, or a Python given by path),
``prepare`` picks one build for every side and makes (or reuses) the environments, and
``run_suite`` runs the suite in one of them. Every run imports the suite from this source tree
(the child runs in it), so both sides draft the same programs with the same model, whatever
snapshot of the suite an environment has installed.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import builds as B
from .venvs import (
    ANY,
    CPU_INDEX,
    SOURCE,
    VenvError,
    available_versions,
    cached,
    check_version,
    choose_build,
    ensure_venv,
    offered_builds,
    probe,
)


@dataclass(frozen=True)
class Side:
    label: str  # the folder of its run under --out
    version: str | None  # the release to install (None: the Python's own)
    python: str | None = None
    build: str | None = None  # the build family, once known


def plan(pairs: Sequence[tuple[str, str | None, str | None]]) -> list[Side]:
    """(label, version, python) per side: a Python given by path is probed at once (its torch
    must be the version named, when one is)."""
    sides = []
    for label, version, python in pairs:
        if python is None and version is None:
            raise VenvError(f"give --{label} VERSION or --{label}-python PATH")
        if python is None:
            sides.append(Side(label, version))
            continue
        have = probe(python)
        if version is not None and have.release != version:
            raise VenvError(f"{python} has torch {have.version}, not {version}")
        sides.append(Side(have.release if "/" in label else label, have.release, python,
                          have.build))
    return sides


def prepare(sides: list[Side], requested: str, cache: Path) -> tuple[list[Side], str]:
    """Each side with its Python, and a line saying which build was chosen and why. Versions
    are checked against the index before any environment is built."""
    to_install = [s.version for s in sides if s.python is None and s.version]
    if to_install:
        offered = available_versions(CPU_INDEX if requested in ("auto", B.CPU) else None)
        for v in to_install:
            check_version(v, offered)
    fixed = [s.build for s in sides if s.build]
    build = choose_build(requested, to_install, cache, fixed) if to_install else ANY
    if build in B.FAMILIES and to_install:
        offered = available_versions(CPU_INDEX if build == B.CPU else None)
        missing = [v for v in to_install if cached(v, build, cache) is None
                   and build not in offered_builds(v, offered)]
        if missing:
            raise VenvError(f"no {B.NAMES[build]} build of torch {', '.join(missing)} on the "
                            f"package index (--build {build}); try --build "
                            f"{'cuda' if build == B.CPU else 'cpu'} or --build any")
    ready = [s if s.python else _made(s, build, cache) for s in sides]
    families = sorted({s.build for s in ready if s.build})
    if len(families) > 1:
        note = ("MIXED BUILDS: " + ", ".join(f"torch {s.version} is a {B.NAMES[s.build or '']} "
                                             "build" for s in ready)
                + "; differences that come from the build are marked as such")
    else:
        note = (f"every side is a {B.NAMES[families[0]]} build" if families else "")
        if requested == "auto" and build != ANY and to_install:
            note += f" (--build auto chose {build})"
    return ready, note


def _made(side: Side, build: str, cache: Path) -> Side:
    assert side.version is not None
    python = ensure_venv(side.version, cache, build)
    return replace(side, python=python, build=probe(python).build)


def run_suite(side: Side, out: Path, profile: str, devices: str) -> Path:
    """The suite's run in one environment: ``out/results.json``. VenvError when it failed."""
    assert side.python is not None
    cmd = [side.python, "-m", "conformance", "run", "--profile", profile, "--device",
           devices, "--out", str(out), "--seed", "0"]
    print(f"torch-conformance: running the suite on torch {side.version} ({side.python})",
          flush=True)
    # From the source tree: its suite wins over any other snapshot installed there.
    code = subprocess.run(cmd, cwd=SOURCE, check=False).returncode
    if code not in (0, 1) or not (out / "results.json").exists():
        raise VenvError(f"the run on torch {side.version} failed (exit status {code})")
    return out / "results.json"
