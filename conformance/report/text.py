"""Plain-text pieces shared by the report page and the upgrade diff page.

Everything here returns plain strings or small dataclasses of strings: JSON text of observed
values, visible truncation, links, code blocks and HTML ids. Nothing here builds markup; the
templates do (``conformance/report/templates``), with autoescaping, so every string made here
is escaped when a page prints it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

MAX_VALUE_CHARS = 300      # one JSON value in a table cell
MAX_OBSERVED_CHARS = 4096  # observed facts per case
MAX_CODE_CHARS = 65536     # a program or reproduction (real ones are far smaller)


def text(value: Any) -> str:
    """``str(value)``, with None as the empty string (how the pages always showed None)."""
    return "" if value is None else str(value)


def to_json(value: Any) -> str:
    """One-line JSON of any value (``str()`` for what JSON cannot hold)."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def pretty(value: Any, indent: str = "", budget: int = MAX_OBSERVED_CHARS) -> str:
    """JSON, indented, but keeping on one line each part that fits there and each list of
    scalars; stops (with "…") once about ``budget`` characters are written."""
    flat = to_json(value)
    if (not isinstance(value, (dict, list)) or not value or len(indent) > 40
            or len(indent) + len(flat) <= 96
            or (isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value))):
        return flat
    inner = indent + "  "
    pairs = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    items: list[str] = []
    used = 0
    for key, item in pairs:
        if used > budget:
            items.append(inner + "…")
            break
        head = "" if key is None else json.dumps(str(key), ensure_ascii=False) + ": "
        items.append(inner + head + pretty(item, inner, budget - used))
        used += len(items[-1])
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + "\n" + ",\n".join(items) + "\n" + indent + closing


def observed(value: Any) -> str:
    """The observed facts of a case as indented JSON, cut at ``MAX_OBSERVED_CHARS``."""
    out = pretty(value)
    if len(out) <= MAX_OBSERVED_CHARS:
        return out
    return (f"{out[:MAX_OBSERVED_CHARS]}\n… (truncated: {len(to_json(value)):,} characters "
            "of JSON in all)")


def clip(value: str, limit: int, inline: bool = False) -> str:
    """Truncate ``value`` to ``limit`` characters with a visible marker, only where the marker
    is shorter than what it hides (else the whole value is shown)."""
    sep = " " if inline else "\n"
    marker = f"{sep}… (truncated: {len(value) - limit:,} more characters)"
    if len(value) <= limit + len(marker):
        return value
    return f"{value[:limit]}{marker}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def is_web_url(url: Any) -> bool:
    return isinstance(url, str) and re.match(r"(?i)https?://", url) is not None


@dataclass(frozen=True)
class Link:
    """A documentation link: an ``<a href>`` when ``web`` (an http(s) URL), otherwise ``url``
    shown as code, or nothing when ``url`` is empty (the ``link`` macro)."""

    url: str
    text: str
    web: bool


def link(url: Any, label: str) -> Link:
    return Link(text(url) if url else "", label, is_web_url(url))


@dataclass(frozen=True)
class CodeBlock:
    """A ``<pre>`` with a Copy button (the ``code_block`` macro); ``text`` is already clipped."""

    id: str
    heading: str
    text: str


def code_block(value: str, block_id: str, heading: str) -> CodeBlock:
    return CodeBlock(block_id, heading, clip(value, MAX_CODE_CHARS))


class Ids:
    """Unique HTML ids made only of [A-Za-z0-9_-]; the same parts always get the same id,
    and the first parts to ask for a base get it without a suffix."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._memo: dict[str, str] = {}

    def get(self, *parts: Any) -> str:
        key = "\x00".join(str(p) for p in parts)
        if key not in self._memo:
            base = "-".join(re.sub(r"[^A-Za-z0-9_-]+", "_", str(p)) for p in parts) or "id"
            candidate, n = base, 1
            while candidate in self._used:
                n += 1
                candidate = f"{base}-{n}"
            self._used.add(candidate)
            self._memo[key] = candidate
        return self._memo[key]
