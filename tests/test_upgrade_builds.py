"""The upgrade check's environments: which build each side gets (--build), which cached
environment serves a version, mixed builds said loudly, and an environment made elsewhere never
changed. Fake Pythons (shell scripts answering the probe) stand for torch environments."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conformance.upgrade import builds as B
from conformance.upgrade import sessions
from conformance.upgrade import venvs as V

PY = f"py{sys.version_info[0]}.{sys.version_info[1]}"


def fake_env(cache: Path, folder: str, torch: str, cuda: str | None, ready: bool = True
             ) -> Path:
    """A folder with a bin/python that answers the probe like a Python with ``torch``."""
    python = cache / folder / "bin" / "python"
    python.parent.mkdir(parents=True)
    probe_answer = f"echo '{torch} {cuda or '-'} -'" if torch else "exit 1"
    python.write_text("#!/bin/sh\n"
                      'case "$2" in\n'
                      f"  *torch.version*) {probe_answer};;\n"
                      f"  *) exit {0 if ready else 1};;\n"
                      "esac\n")
    python.chmod(0o755)
    return python


def test_the_build_family_of_a_torch() -> None:
    assert B.family("2.14.1+cu130") == B.CUDA and B.family("2.13.0+cpu") == B.CPU
    assert B.family("2.6.0+rocm6.1") == B.ROCM and B.family("2.14.1", cuda="13.0") == B.CUDA
    assert B.family("2.14.1") == B.CPU  # a plain version with no CUDA: a CPU build
    assert B.describe({"torch": "2.14.1+cu130", "cuda": "13.0"}) == \
        "CUDA 13.0 build (2.14.1+cu130)"
    assert B.concerns_the_build("Found no NVIDIA driver") and \
        not B.concerns_the_build("Subtraction with a bool tensor")


def test_a_cached_environment_serves_only_its_release_and_build(tmp_path: Path) -> None:
    python = fake_env(tmp_path, f"torch-2.14.1-{PY}", "2.14.1+cu130", "13.0")
    assert V.cached("2.14.1", B.CUDA, tmp_path) == str(python)
    assert V.cached("2.14.1", V.ANY, tmp_path) == str(python)
    assert V.cached("2.14.1", B.CPU, tmp_path) is None  # a CUDA build: not for --build cpu
    assert V.cached("2.13.0", V.ANY, tmp_path) is None
    fake_env(tmp_path, f"torch-2.11.0-{PY}", "2.11.0+cu130", "13.0", ready=False)
    assert V.cached("2.11.0", V.ANY, tmp_path) is None  # its suite's dependencies are missing


def test_auto_prefers_the_build_every_version_has_in_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for v in ("2.11.0", "2.14.1"):
        fake_env(tmp_path, f"torch-{v}-{PY}", f"{v}+cu130", "13.0")
    offered = ["2.14.1", "2.13.0+cpu", "2.13.0", "2.11.0"]
    monkeypatch.setattr(V, "available_versions", lambda extra=None: offered)
    monkeypatch.setattr(V, "default_wheel_build", lambda: B.CUDA)
    assert V.choose_build(V.AUTO, ["2.11.0", "2.14.1"], tmp_path) == B.CUDA
    assert V.choose_build(B.CPU, ["2.11.0", "2.14.1"], tmp_path) == B.CPU  # as asked
    # Nothing cached, both variants offered: the smaller download.
    assert V.choose_build(V.AUTO, ["2.13.0"], tmp_path / "empty") == B.CPU
    # A CPU Python given by path, and no CPU build of 2.14.1 anywhere: mixed builds.
    assert V.choose_build(V.AUTO, ["2.14.1"], tmp_path, fixed=[B.CPU]) == V.ANY


def test_mixed_builds_are_said_before_anything_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cpu = fake_env(tmp_path / "own", "venv", "2.13.0+cpu", None)
    fake_env(tmp_path, f"torch-2.14.1-{PY}", "2.14.1+cu130", "13.0")
    monkeypatch.setattr(V, "available_versions", lambda extra=None: ["2.14.1", "2.13.0+cpu"])
    monkeypatch.setattr(sessions, "available_versions", V.available_versions)
    sides = sessions.plan([("from", None, str(cpu)), ("to", "2.14.1", None)])
    assert [(s.version, s.build) for s in sides] == [("2.13.0", B.CPU), ("2.14.1", None)]
    ready, note = sessions.prepare(sides, V.AUTO, tmp_path)
    assert [s.build for s in ready] == [B.CPU, B.CUDA]
    assert note.startswith("MIXED BUILDS: torch 2.13.0 is a CPU build, torch 2.14.1 is a "
                           "CUDA build")
    with pytest.raises(V.VenvError, match="no CPU build of torch 2.14.1"):
        sessions.prepare(sides, B.CPU, tmp_path)
    # A Python given in a list of versions is named by its release.
    (side,) = sessions.plan([(str(cpu), None, str(cpu))])
    assert side.label == "2.13.0"


def test_an_environment_made_elsewhere_is_never_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder where the environment would go that does not serve: one line, nothing run."""
    python = fake_env(tmp_path, f"torch-2.14.1-{PY}", "", None)  # no torch in it
    before = python.read_text()
    ran: list[list[str]] = []

    def run(cmd: list[str], **kw: object) -> None:
        ran.append(cmd)
        pytest.fail("nothing may run in an environment made elsewhere")
    monkeypatch.setattr(V.subprocess, "run", run)
    monkeypatch.setattr(V, "cached", lambda *a: None)
    with pytest.raises(V.VenvError, match="exists but is not a ready torch 2.14.1"):
        V.ensure_venv("2.14.1", tmp_path, V.ANY)
    assert python.read_text() == before and ran == []
