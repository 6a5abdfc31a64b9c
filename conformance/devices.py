"""Which devices the suite checks, and why one is NOT RUN."""

from __future__ import annotations

import re

DEVICES = ("cpu", "meta", "cuda")
_DEVICE_RE = re.compile(r"^(cpu|cuda|meta|mps|xpu)(:\d+)?$")


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
