"""One home for the run's settings: the profiles (example budgets, time limits) and the
devices (which exist, which are available, and why one is NOT RUN)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """An example budget. ``examples`` per Hypothesis test, ``stateful`` runs of each state
    machine (20 steps each: they check the most per run and take the longest), ``timeout``
    seconds a test may run before it is a CRASH; ``derandomize`` makes two runs on one torch
    give the same results."""

    name: str
    examples: int
    stateful: int
    timeout: int
    derandomize: bool = False


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("smoke", examples=8, stateful=16, timeout=300),
    Profile("ci", examples=100, stateful=120, timeout=900, derandomize=True),
    Profile("deep", examples=400, stateful=800, timeout=3600),
)}
DEFAULT_PROFILE = "ci"

DEVICES = ("cpu", "meta", "cuda")
_DEVICE_RE = re.compile(r"^(cpu|cuda|meta|mps|xpu)(:\d+)?$")


class SettingsError(ValueError):
    """A bad profile or device: one line saying which and what is known."""


def profile(name: str) -> Profile:
    if name not in PROFILES:
        raise SettingsError(f"unknown profile {name!r} (expected smoke, ci or deep)")
    return PROFILES[name]


def availability(device: str) -> tuple[bool, str]:
    """(available, reason). The reason of an unavailable device says why, in one line."""
    if not _DEVICE_RE.match(device):
        return False, (f"unknown device {device!r} (expected cpu, cuda, cuda:N, meta, mps or "
                       "xpu)")
    import torch
    kind = device.split(":")[0]
    if kind in ("cpu", "meta"):
        return True, ""
    if kind == "cuda":
        if not torch.cuda.is_available():
            return False, "no CUDA device (torch.cuda.is_available() is False)"
        index = int(device.split(":")[1]) if ":" in device else 0
        if index >= torch.cuda.device_count():
            return False, f"{device} absent: {torch.cuda.device_count()} CUDA device(s)"
        return True, ""
    backend = getattr(torch.backends, kind, None)
    if backend is not None and getattr(backend, "is_available", lambda: False)():
        return True, ""
    return False, f"{kind} is not available in this torch build"


def requested_devices(raw: str | None) -> list[str]:
    """The devices of a comma-separated ``--device`` value (None: every device known). An
    unknown name is a SettingsError; a known one that is absent stays (it is NOT RUN)."""
    if raw is None or not raw.strip():
        if raw is not None:
            raise SettingsError("--device: no device given")
        return list(DEVICES)
    devices = [d.strip() for d in raw.split(",") if d.strip()]
    if not devices:
        raise SettingsError("--device: no device given")
    for d in devices:
        if not _DEVICE_RE.match(d):
            raise SettingsError(f"--device: {availability(d)[1]}")
    return devices
