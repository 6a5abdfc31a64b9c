"""The package claims ``requires-python >= 3.10``: every source file parses as Python 3.10 (no
syntax of a later release), and the claim in pyproject.toml, ruff's target and mypy's
python_version say the same (mypy then flags standard-library names a later release added)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OLDEST = (3, 10)
SOURCES = sorted(p for d in ("reference_impl", "conformance", "tests", "scripts")
                 for p in (ROOT / d).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_source_parses_as_the_oldest_python(path: Path) -> None:
    ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=OLDEST)


def _setting(pattern: str) -> str:
    found = re.search(pattern, (ROOT / "pyproject.toml").read_text())
    assert found is not None, pattern
    return found.group(1)


def test_the_oldest_python_is_claimed_everywhere() -> None:
    want = ".".join(map(str, OLDEST))
    assert _setting(r'requires-python = ">=(\d+\.\d+)"') == want
    assert _setting(r'target-version = "py(\d+)"') == want.replace(".", "")
    assert _setting(r'python_version = "(\d+\.\d+)"') == want
    assert sys.version_info >= OLDEST


def test_a_later_syntax_is_refused() -> None:
    """The check is not vacuous: a 3.12 type statement does not parse as 3.10."""
    with pytest.raises(SyntaxError):
        ast.parse("type Alias = int\n", feature_version=OLDEST)
