"""The suite as a user gets it: installed by pip (not editable) into an environment of its
own, run from an empty directory outside the repository."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the package installed from this source tree. Its
    dependencies (torch, numpy, pytest, ...) are this environment's, seen through a path file:
    a second download of torch would only slow the test down."""
    env = tmp_path_factory.mktemp("env")
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "outer-dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n")
    wheels = tmp_path_factory.mktemp("wheel")
    # The wheel is built with this environment's setuptools (offline; a fresh venv's may be
    # too old to build one), then installed as a user would install it.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "--disable-pip-version-check", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True, text=True, timeout=600)
    (wheel,) = wheels.glob("torch_conformance-*.whl")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                    "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=600)
    return env


def _in(env: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, env=clean,
                          timeout=900)


def test_the_package_is_installed_not_linked(installed: Path) -> None:
    where = _in(installed, str(installed / "bin" / "python"), "-c",
                "import conformance, reference_impl; print(conformance.__file__); "
                "print(reference_impl.__file__)", cwd=installed)
    assert where.returncode == 0, where.stderr
    assert all(str(installed) in line for line in where.stdout.splitlines()), where.stdout


def test_the_console_script_runs_from_an_empty_directory(installed: Path,
                                                         tmp_path: Path) -> None:
    """``torch-conformance run --out out`` writes out/ where the user is (not into
    site-packages) and exits 0 on a conforming torch."""
    proc = _in(installed, str(installed / "bin" / "torch-conformance"), "run", "--profile",
               "smoke", "--device", "cpu", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "index.html", "results.json", "pytest-report.html"}
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert doc["exit_status"] == 0 and len(doc["tests"]) > 300
    assert "torch-conformance report" in (tmp_path / "out" / "index.html").read_text()
    assert not (Path(sys.prefix) / "out").exists()


def test_pytest_runs_the_installed_suite_with_the_plugin_options(installed: Path,
                                                                  tmp_path: Path) -> None:
    proc = _in(installed, str(installed / "bin" / "python"), "-m", "pytest", "--pyargs",
               "conformance", "-p", "no:cacheprovider", "-q", "--device", "cpu",
               "--conformance-profile", "smoke", "--conformance-results", "r.json",
               "-k", "test_tensor_infers_dtype", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "9 passed" in proc.stdout
    doc = json.loads((tmp_path / "r.json").read_text())
    assert {t["verdict"] for t in doc["tests"]} == {"PASS"}
