"""The virtual environments of an upgrade check: one per torch version and build, created
once under a cache folder and reused, with the suite installed editable from this source tree.

Builds (``--build``): ``cpu`` installs ``torch===V+cpu`` (the CPU wheels, from
https://download.pytorch.org/whl/cpu or a local wheel), ``cuda`` installs ``torch===V`` (the
package index's own wheel: a CUDA build on Linux x86_64), ``any`` takes what ``pip install
torch==V`` chooses, and ``auto`` (the default) picks one variant every version can have: the one
most of them already have in the cache, then CPU (the smaller download), then CUDA; only when no
variant serves every version does it fall back to ``any``, and the diff flags the mixed builds.
``===`` is pip's exact match: ``torch==2.13.0`` would also accept ``2.13.0+cpu``.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import venv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from packaging.version import InvalidVersion, Version

from . import builds as B

SOURCE = Path(__file__).resolve().parents[2]
OLDEST_TORCH = Version("2.0")
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
AUTO, ANY = "auto", "any"
BUILD_CHOICES = (AUTO, B.CPU, B.CUDA, ANY)
_PROBE = ("import torch, sys; v = torch.version; print(torch.__version__, v.cuda or '-', "
          "getattr(v, 'hip', None) or '-')")


class VenvError(Exception):
    """An environment that cannot be made: one line saying why."""


@dataclass(frozen=True)
class Torch:
    """The torch a Python has: its version string and build family."""

    version: str
    build: str

    @property
    def release(self) -> str:
        return self.version.split("+")[0]


def cache_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "torch-conformance" / "venvs"


@cache
def probe(python: str) -> Torch:
    """The torch a Python has; VenvError (one line) when it has none. Asked once per Python
    in a process (importing a CUDA build of torch takes seconds)."""
    try:
        out = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True,
                             timeout=300, check=False)
    except (OSError, subprocess.SubprocessError) as e:
        raise VenvError(f"cannot run {python!r}: {getattr(e, 'strerror', None) or e}") from None
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        raise VenvError(f"{python} has no torch ({last})")
    version, cuda, hip = (out.stdout.strip().splitlines() or ["? - -"])[-1].split()
    return Torch(version, B.family(version, None if cuda == "-" else cuda,
                                   None if hip == "-" else hip))


def torch_of(python: str) -> str:
    """The torch version a Python has; VenvError (one line) when it has none."""
    return probe(python).version


def deps(torch_version: str) -> list[str]:
    import hypothesis
    old = tuple(int(x) for x in torch_version.split("+")[0].split(".")[:2]) < (2, 3)
    return ["numpy<2" if old else "numpy", f"hypothesis=={hypothesis.__version__}",
            "pytest>=7", "pytest-xdist>=3", "pytest-timeout>=2.1", "pytest-html>=4",
            "packaging>=21", "jinja2>=3", "tomli>=1.1; python_version < '3.11'"]


def available_versions(extra_index: str | None = None) -> list[str] | None:
    """The torch versions the package index offers, local labels included (``2.13.0+cpu``);
    None when pip cannot say (offline)."""
    cmd = [sys.executable, "-m", "pip", "index", "versions", "torch",
           "--disable-pip-version-check"]
    if extra_index:
        cmd += ["--extra-index-url", extra_index]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.stdout.splitlines():
        if line.startswith("Available versions:"):
            return [v.strip() for v in line.split(":", 1)[1].split(",") if v.strip()]
    return None


def default_wheel_build() -> str:
    """The build of the package index's plain torch wheel on this machine: CUDA on Linux
    x86_64, CPU elsewhere (macOS, Windows, and Linux aarch64 before 2.5)."""
    linux_x86 = sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64")
    return B.CUDA if linux_x86 else B.CPU


def offered_builds(version: str, offered: Sequence[str] | None) -> set[str]:
    """The build families of ``version`` the index offers (None: pip cannot say, so all)."""
    if offered is None:
        return {B.CPU, B.CUDA}
    out = set()
    if f"{version}+cpu" in offered:
        out.add(B.CPU)
    if version in offered:
        out.add(default_wheel_build())
    return out


def check_version(version: str, offered: Sequence[str] | None = None) -> None:
    """A torch version the suite runs on (2.0 or newer) and the index has: else VenvError,
    naming the versions there, before anything is built."""
    try:
        wanted = Version(version)
    except InvalidVersion:
        raise VenvError(f"{version!r} is not a torch version") from None
    if wanted < OLDEST_TORCH:
        raise VenvError(f"torch {version}: the suite runs on torch {OLDEST_TORCH} or newer")
    if offered is None:
        offered = available_versions()
    if offered is None:
        return  # pip cannot list the index: the install will say what is wrong
    plain = {v.split("+")[0] for v in offered}
    if version not in plain:
        shown = [v for v in offered if "+" not in v and Version(v) >= OLDEST_TORCH]
        raise VenvError(f"torch=={version} is not on the package index; it has "
                        f"{', '.join(shown[:30])}")


def _tag(version: str, build: str) -> str:
    py = f"py{sys.version_info[0]}.{sys.version_info[1]}"
    return f"torch-{version}-{py}" if build == ANY else f"torch-{version}-{build}-{py}"


def cached(version: str, build: str, cache: Path) -> str | None:
    """A ready environment of ``version`` in the cache, of ``build`` (any build for ``any``):
    its own folder, or one made before builds were chosen (``torch-V-pyX.Y``) when its build
    fits. Environments are only read here, never changed."""
    names = [_tag(version, build), _tag(version, ANY)] if build != ANY else \
        [_tag(version, ANY), _tag(version, B.CUDA), _tag(version, B.CPU)]
    for name in dict.fromkeys(names):
        python = cache / name / "bin" / "python"
        if not python.exists():
            continue
        try:
            have = probe(str(python))
        except VenvError:
            continue
        if have.release == version and build in (ANY, have.build) and _ready(str(python)):
            return str(python)
    return None


@cache
def _ready(python: str) -> bool:
    """The suite's dependencies import there, with this Hypothesis (it decides the programs)."""
    import hypothesis
    code = ("import xdist, pytest_timeout, pytest_html, jinja2, hypothesis, sys; "
            f"sys.exit(hypothesis.__version__ != {hypothesis.__version__!r})")
    return subprocess.run([python, "-c", code], capture_output=True,
                          check=False).returncode == 0


def choose_build(requested: str, versions: Sequence[str], cache: Path,
                 fixed: Sequence[str] = ()) -> str:
    """The build to install for ``versions`` (``fixed``: the builds of environments given by
    path). ``auto``: the variant every version can have, preferring the cached; else ``any``."""
    if requested != AUTO:
        return requested
    if len(set(fixed)) > 1:
        return ANY
    offered = available_versions(CPU_INDEX)
    can: dict[str, int] = {}
    for build in (fixed[:1] or (B.CPU, B.CUDA)):
        have = [cached(v, build, cache) is not None for v in versions]
        if all(h or build in offered_builds(v, offered) for v, h in zip(versions, have)):
            can[build] = sum(have)
    if not can:
        return ANY
    return max(can, key=lambda b: (can[b], b == B.CPU))


def ensure_venv(version: str, cache: Path, build: str = ANY) -> str:
    """A virtual environment with torch ``version`` of ``build`` and the suite (an editable
    install of this source tree), created once under ``cache`` and reused."""
    found = cached(version, build, cache)
    if found is not None:
        print(f"torch-conformance: reusing {Path(found).parents[1]}", flush=True)
        return found
    root = cache / _tag(version, build)
    python = str(root / "bin" / "python")
    if root.exists():  # an environment made elsewhere, or by hand: never changed here
        raise VenvError(f"{root} exists but is not a ready torch {version} environment "
                        f"({B.NAMES.get(build, 'any')} build, with hypothesis, pytest-xdist, "
                        "pytest-timeout, pytest-html and jinja2): move it away, or give its "
                        "Python by path")
    spec = {B.CPU: f"torch==={version}+cpu", B.CUDA: f"torch==={version}"}.get(
        build, f"torch=={version}")
    print(f"torch-conformance: creating {root} ({spec})", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    venv.create(root, with_pip=True)
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    extra = ["--extra-index-url", CPU_INDEX] if build == B.CPU else []
    step = subprocess.run([*pip, *extra, spec, *deps(version)], capture_output=True,
                          text=True, check=False)
    if step.returncode != 0:
        last = (step.stderr.strip().splitlines() or ["pip failed"])[-1]
        shutil.rmtree(root, ignore_errors=True)
        raise VenvError(f"cannot install {spec}: {last}")
    have = probe(python)
    if build not in (ANY, have.build):
        shutil.rmtree(root, ignore_errors=True)
        raise VenvError(f"pip installed torch {have.version}, a {B.NAMES[have.build]} build, "
                        f"not a {B.NAMES[build]} build")
    step = subprocess.run([*pip, "--no-deps", "-e", str(SOURCE)], capture_output=True,
                          text=True, check=False)
    if step.returncode != 0:
        last = (step.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise VenvError(f"cannot install the suite into {root}: {last}")
    return python
