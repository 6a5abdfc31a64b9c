"""What the reference refuses to guess about."""

from __future__ import annotations


class NotModelled(Exception):  # noqa: N818 - the suite reports it by this name
    """Raised for any behaviour the reference does not model; the suite reports UNMODELLED,
    never a pass."""
