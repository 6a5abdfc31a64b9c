"""The virtual environments of an upgrade check: one per torch version, created once under a
cache folder and reused, with the suite installed editable from this source tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from packaging.version import InvalidVersion, Version

SOURCE = Path(__file__).resolve().parents[2]
OLDEST_TORCH = Version("2.0")


class VenvError(Exception):
    """An environment that cannot be made: one line saying why."""


def cache_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "torch-conformance" / "venvs"


def torch_of(python: str) -> str:
    """The torch version a Python has; VenvError (one line) when it has none."""
    try:
        out = subprocess.run([python, "-c", "import torch; print(torch.__version__)"],
                             capture_output=True, text=True, timeout=300, check=False)
    except OSError as e:
        raise VenvError(f"cannot run {python!r}: {e.strerror or e}") from None
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        raise VenvError(f"{python} has no torch ({last})")
    return out.stdout.strip().splitlines()[-1]


def deps(torch_version: str) -> list[str]:
    import hypothesis
    old = tuple(int(x) for x in torch_version.split("+")[0].split(".")[:2]) < (2, 3)
    return ["numpy<2" if old else "numpy", f"hypothesis=={hypothesis.__version__}",
            "pytest>=7", "pytest-xdist>=3", "pytest-timeout>=2.1", "pytest-html>=4",
            "packaging>=21", "tomli>=1.1; python_version < '3.11'"]


def available_versions() -> list[str] | None:
    """The torch versions the package index offers (None when pip cannot say, offline)."""
    try:
        out = subprocess.run([sys.executable, "-m", "pip", "index", "versions", "torch",
                              "--disable-pip-version-check"], capture_output=True, text=True,
                             timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.stdout.splitlines():
        if line.startswith("Available versions:"):
            return [v.strip() for v in line.split(":", 1)[1].split(",") if v.strip()]
    return None


def check_version(version: str) -> None:
    """A torch version the suite runs on (2.0 or newer) and the index has: else VenvError,
    naming the versions there, before anything is built."""
    try:
        wanted = Version(version)
    except InvalidVersion:
        raise VenvError(f"{version!r} is not a torch version") from None
    if wanted < OLDEST_TORCH:
        raise VenvError(f"torch {version}: the suite runs on torch {OLDEST_TORCH} or newer")
    offered = available_versions()
    if offered is None:
        return  # pip cannot list the index: the install will say what is wrong
    plain = {v.split("+")[0] for v in offered}
    if version not in plain:
        shown = [v for v in offered if "+" not in v and Version(v) >= OLDEST_TORCH]
        raise VenvError(f"torch=={version} is not on the package index; it has "
                        f"{', '.join(shown[:30])}")


def ensure_venv(version: str, cache: Path) -> str:
    """A virtual environment with torch==version and the suite (an editable install of this
    source tree), created once under ``cache`` and reused."""
    import shutil
    import venv
    tag = f"torch-{version}-py{sys.version_info[0]}.{sys.version_info[1]}"
    root = cache / tag
    python = str(root / "bin" / "python")
    if Path(python).exists():
        try:
            have = torch_of(python)
        except VenvError:
            have = ""
        check = subprocess.run([python, "-c", "import conformance, xdist, pytest_timeout, "
                                "pytest_html, hypothesis"], capture_output=True, check=False)
        if have.split("+")[0] == version and check.returncode == 0:
            print(f"torch-conformance: reusing {root}", flush=True)
            return python
    check_version(version)
    print(f"torch-conformance: creating {root} (torch=={version})", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    if not Path(python).exists():
        venv.create(root, with_pip=True)
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    step = subprocess.run([*pip, f"torch=={version}", *deps(version)], capture_output=True,
                          text=True, check=False)
    if step.returncode != 0:
        last = (step.stderr.strip().splitlines() or ["pip failed"])[-1]
        if not Path(python).exists() or _torch_missing(python):
            shutil.rmtree(root, ignore_errors=True)
        raise VenvError(f"cannot install torch=={version}: {last}")
    source = SOURCE
    step = subprocess.run([*pip, "--no-deps", "-e", str(source)], capture_output=True,
                          text=True, check=False)
    if step.returncode != 0:
        last = (step.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise VenvError(f"cannot install the suite into {root}: {last}")
    return python


def _torch_missing(python: str) -> bool:
    return subprocess.run([python, "-c", "import torch"], capture_output=True,
                          check=False).returncode != 0


