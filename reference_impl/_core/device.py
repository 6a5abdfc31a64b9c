"""Devices: ``cpu``, ``meta`` (shapes and strides, no data), ``cuda[:N]`` and any other string.

https://docs.pytorch.org/docs/stable/tensor_attributes.html#torch-device
"""

from __future__ import annotations

import re

_DEVICE_RE = re.compile(r"^([a-z_][a-z0-9_]*)(?::(\d+))?$")

# Device types torch knows by name; a string outside this set is refused as torch refuses it.
KNOWN_TYPES = ("cpu", "cuda", "meta", "mps", "xpu", "hip", "xla", "privateuseone", "mtia", "hpu")


class device:  # noqa: N801 - named as torch names it
    """``torch.device``: a type and an optional index; equal when both are equal."""

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, spec: DeviceLike, index: int | None = None) -> None:
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(f"device() received an invalid combination of arguments: {spec!r}")
        m = _DEVICE_RE.match(spec)
        if m is None or m.group(1) not in KNOWN_TYPES:
            raise RuntimeError(
                f"Expected one of cpu, cuda, ... device type at start of device string: {spec}")
        self.type = m.group(1)
        self.index = int(m.group(2)) if m.group(2) is not None else index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return (isinstance(other, device) and self.type == other.type
                and self.index == other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


DeviceLike = str | device

CPU = device("cpu")


def canonical(d: DeviceLike | None) -> device:
    """The device a tensor created on ``d`` reports: ``cuda`` becomes ``cuda:0``."""
    if d is None:
        return CPU
    dev = device(d)
    if dev.type == "cuda" and dev.index is None:
        return device("cuda", 0)
    return dev
