"""The environment of a run: torch, CUDA, the devices' names, the suite's own revision."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any


def environment(profile: str, seed: Any, devices: list[str]) -> dict[str, Any]:
    import hypothesis
    import numpy
    import torch
    env: dict[str, Any] = {
        "torch": str(torch.__version__), "torch_git": getattr(torch.version, "git_version", None),
        "cuda": getattr(torch.version, "cuda", None), "hip": getattr(torch.version, "hip", None),
        "cuda_driver": _cuda_driver(torch),
        "device_names": _device_names(torch, devices), "python": platform.python_version(),
        "numpy": numpy.__version__, "hypothesis": hypothesis.__version__,
        "platform": platform.platform(), "profile": profile, "seed": seed,
        "devices": list(devices), "suite": suite_revision()}
    return env


def suite_revision() -> str:
    """The suite's version, and its git commit when it runs from a checkout (a model fixed
    later judges differently: a results file says which model judged it)."""
    import subprocess
    try:
        from importlib.metadata import version
        ours = version("torch-conformance")
    except Exception:  # noqa: BLE001 - a source tree that was never installed
        ours = "source"
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return ours
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no", "--", "conformance", "reference_impl"],
                               capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ours
    if head.returncode != 0:
        return ours
    changed = ", with uncommitted changes" if dirty.stdout.strip() else ""
    return f"{ours} (git {head.stdout.strip()}{changed})"


def _device_names(torch: Any, devices: list[str]) -> dict[str, str]:
    names = {"cpu": platform.machine() or "cpu", "meta": "meta (no data)"}
    out = {}
    for d in devices:
        kind = d.split(":")[0]
        if kind == "cuda" and torch.cuda.is_available():
            index = int(d.split(":")[1]) if ":" in d else 0
            if index < torch.cuda.device_count():
                out[d] = str(torch.cuda.get_device_name(index))
        elif kind in names:
            out[d] = names[kind]
    return out


def _cuda_driver(torch: Any) -> str | None:
    if not torch.cuda.is_available():
        return None
    import shutil
    import subprocess
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else None
