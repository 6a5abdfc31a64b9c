"""The results file on disk: its schema, atomic writes, and reading with validation.

A reader sees the old file or the new one, never half of one; a file that cannot be read is a
ResultsError whose one line says which file and what is wrong.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

SCHEMA = "torch-conformance/results"
SCHEMA_VERSION = 1


class ResultsError(ValueError):
    """A results file that cannot be read (one line: the file and what is wrong)."""


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory, renamed over
    it: a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a report is not
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, sort_keys=False, default=str) + "\n"


def load(path: Path | str) -> dict[str, Any]:
    """Read and check a results file; a ResultsError (one line) says what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ResultsError(f"{path}: cannot read it ({e.__class__.__name__})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ResultsError(f"{path}: not JSON (line {e.lineno}, column {e.colno}: "
                           f"{e.msg})") from None
    validate(doc, str(path))
    return doc


def validate(doc: Any, source: str = "results") -> None:
    if not isinstance(doc, dict):
        raise ResultsError(f"{source}: not a results document (a JSON object is expected)")
    if doc.get("schema") != SCHEMA:
        raise ResultsError(f"{source}: schema is {doc.get('schema')!r}, expected {SCHEMA!r}")
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise ResultsError(f"{source}: schema_version {doc.get('schema_version')!r} is not "
                           f"supported (this version reads {SCHEMA_VERSION})")
    from .schema import DOCUMENT, check_fingerprints, problem
    found = problem(doc, DOCUMENT, "") or check_fingerprints(doc)
    if found is not None:
        raise ResultsError(f"{source}: {found.lstrip('.')}")


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
