"""Which build of torch a run used: a CPU build, a CUDA build or a ROCm build.

The same release behaves differently in a few corners depending on its build, whatever the
machine: ``pin_memory()`` on a CPU-only build refuses for want of an accelerator with another
message than a CUDA build on a machine without a GPU, the dispatcher lists other backends in
its messages, and so on. An upgrade check compares like with like: ``upgrade`` installs one
variant on both sides (``--build``), and a diff of two different builds says so at the top and
puts the changes that come from the build under their own kind.
"""

from __future__ import annotations

import re
from typing import Any

CPU, CUDA, ROCM = "cpu", "cuda", "rocm"
FAMILIES = (CPU, CUDA, ROCM)
NAMES = {CPU: "CPU", CUDA: "CUDA", ROCM: "ROCm"}

# Words of a message that concern the accelerator a build supports: where two runs of
# different builds differ in a message or a value that says them, the build is the cause.
_BUILD_WORDS = re.compile(
    r"cuda|gpu|nvidia|driver|accelerator|pin(?:ned)?[_ ]memory|pin_memory|rocm|hip\b|"
    r"\bmps\b|xpu|privateuse|backend", re.IGNORECASE)


def family(version: str, cuda: str | None = None, hip: str | None = None) -> str:
    """The build family of a torch: from ``torch.version.cuda``/``hip`` when known, else from
    its local version label (``2.14.1+cu130``, ``2.13.0+cpu``, ``2.6.0+rocm6.1``)."""
    if hip:
        return ROCM
    if cuda:
        return CUDA
    label = version.split("+", 1)[1] if "+" in version else ""
    if label.startswith("cu"):
        return CUDA
    if label.startswith("rocm"):
        return ROCM
    return CPU


def of_environment(env: dict[str, Any]) -> str:
    return family(str(env.get("torch") or ""), env.get("cuda"), env.get("hip"))


def describe(env: dict[str, Any]) -> str:
    """``CUDA 13.0 build (2.14.1+cu130)``, ``CPU build (2.13.0+cpu)``."""
    fam = of_environment(env)
    detail = {CUDA: env.get("cuda"), ROCM: env.get("hip")}.get(fam)
    name = NAMES[fam] + (f" {detail}" if detail else "")
    return f"{name} build ({env.get('torch')})"


def concerns_the_build(*texts: Any) -> bool:
    """Whether a difference speaks of the accelerator a build supports."""
    return any(isinstance(t, str) and _BUILD_WORDS.search(t) for t in texts)
