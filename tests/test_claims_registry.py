"""The claims registry and the conformance tests stay in step: every claim a test names is
registered, every registered claim is checked by some test, and every entry is well formed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conformance.claims import AREAS, CLAIMS, IMPLEMENTATION_DEFINED, REQUIRED

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE_TESTS = sorted((ROOT / "conformance" / "claim_tests").glob("*.py"))
ID_RE = re.compile(r"^[A-Z]+-\d\d$")


def _is_claim_marker(func: ast.expr) -> bool:
    """``pytest.mark.claim`` (or ``mark.claim`` after ``from pytest import mark``)."""
    if not (isinstance(func, ast.Attribute) and func.attr == "claim"):
        return False
    owner = func.value
    if isinstance(owner, ast.Attribute) and owner.attr == "mark":
        return isinstance(owner.value, ast.Name) and owner.value.id == "pytest"
    return isinstance(owner, ast.Name) and owner.id == "mark"


def used_claims() -> dict[str, list[str]]:
    """Each claim id named in a ``pytest.mark.claim(...)`` call in conformance/claim_tests, with
    where it is named ("file.py:line")."""
    used: dict[str, list[str]] = {}
    for path in CONFORMANCE_TESTS:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _is_claim_marker(node.func):
                for arg in node.args:
                    where = f"{path.name}:{node.lineno}"
                    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                        pytest.fail(f"{where}: pytest.mark.claim takes string literals only "
                                    f"(got {ast.unparse(arg)}), so this test can see them")
                    used.setdefault(arg.value, []).append(where)
    return used


def test_claim_markers_are_found() -> None:
    """The parser finds claim markers in conformance/claim_tests (so the checks below are not
    vacuous)."""
    assert CONFORMANCE_TESTS, "no conformance/claim_tests/*.py files"
    assert len(used_claims()) >= 5


def test_marker_parser_recognises_the_forms() -> None:
    """The parser reads decorator, module-level and ``mark.claim`` forms, and ignores other
    calls named claim."""
    src = '''
import pytest
from pytest import mark
pytestmark = pytest.mark.claim("A-01")
@pytest.mark.claim("B-01", "B-02")
def test_x(): pass
@mark.claim("C-01")
def test_y(): pass
other.claim("D-01")
'''
    found = [a.value for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Call)
             and _is_claim_marker(n.func) for a in n.args]
    assert sorted(found) == ["A-01", "B-01", "B-02", "C-01"]


def test_every_used_claim_is_registered() -> None:
    """Every claim id a conformance test names exists in conformance.claims.CLAIMS."""
    unknown = {cid: where for cid, where in used_claims().items() if cid not in CLAIMS}
    assert not unknown, f"claim ids used but not registered: {unknown}"


def test_every_registered_claim_is_used() -> None:
    """Every registered claim is checked by at least one conformance test."""
    used = used_claims()
    unused = sorted(cid for cid in CLAIMS if cid not in used)
    assert not unused, (f"{len(unused)} registered claim(s) checked by no conformance test: "
                        + ", ".join(unused))


@pytest.mark.parametrize("claim", list(CLAIMS.values()), ids=list(CLAIMS))
def test_claim_is_well_formed(claim) -> None:
    """A claim has an http(s) URL, a non-empty quote, a known kind and a known area."""
    assert re.match(r"^https?://[^\s/]+\.[^\s/]+/\S*$", claim.url), claim.url
    assert claim.quote.strip(), "empty quote"
    assert claim.kind in {REQUIRED, IMPLEMENTATION_DEFINED}, claim.kind
    assert claim.area in AREAS, claim.area


@pytest.mark.parametrize("claim", list(CLAIMS.values()), ids=list(CLAIMS))
def test_claim_id_names_its_area(claim) -> None:
    """A claim id is AREA-NN, and its prefix is the claim's area."""
    assert ID_RE.match(claim.id), claim.id
    assert claim.id.split("-")[0] == claim.area


def test_registry_keys_are_the_ids() -> None:
    """CLAIMS maps each id to the claim with that id, and every area has a claim."""
    assert all(key == c.id for key, c in CLAIMS.items())
    assert {c.area for c in CLAIMS.values()} == set(AREAS)
