"""Meta-tests of the shapes and error edge cases the generators draw since issue 17: shape
pairs that broadcast one way, both ways ((4, 1) with (4,)) or not at all; binary operands that
broadcast both ways or clash; in-place growth in an existing dim; 0-dim, int32, 2-D and empty
index tensors; gather's errors; bmm's batch mismatch; float()/int() of many elements; the
ambiguous -1 on an empty tensor. Each is shown reachable: a derandomized search over the
programs the families draft (run on the reference as they are drafted) finds one, and a search
for something never drafted finds none (the check can fail)."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis.errors import InvalidArgument, NoSuchExample

from conformance.generate.core import PAIR_KINDS, shape_pairs
from conformance.generate.drafter import Drafter, drafts, source
from conformance.generate.strategies import FAMILIES

SEARCH = settings(max_examples=400, database=None, derandomize=True, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), deadline=None)
BINARY = re.compile(r"^(r\d+) = (t\d+) [-+*/] (t\d+)$")


def _kind(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    """How two shapes relate, by NumPy's broadcasting (an independent rule)."""
    try:
        out = np.broadcast_shapes(a, b)
    except ValueError:
        return "incompatible"
    if a == b:
        return "equal"
    return "one way" if out in (a, b) else "both ways"


@settings(max_examples=200, database=None, derandomize=True)
@given(pair=shape_pairs())
def test_shape_pairs_are_what_they_say(pair: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
    """Every drawn pair relates as some kind (and none is the wrong way round for its
    kind: checked per kind below)."""
    assert _kind(*pair) in PAIR_KINDS


@pytest.mark.parametrize("kind", PAIR_KINDS)
def test_each_pair_kind_is_drawn_as_itself(kind: str) -> None:
    """shape_pairs([kind]) draws only pairs of that kind, and draws one."""
    found = find(shape_pairs([kind]), lambda p: True, settings=SEARCH)
    assert _kind(*found) == kind

    @settings(max_examples=50, database=None, derandomize=True)
    @given(pair=shape_pairs([kind]))
    def every(pair: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
        assert _kind(*pair) == kind, pair
    every()


def test_shape_pairs_refuses_unknown_kinds() -> None:
    with pytest.raises(InvalidArgument):
        shape_pairs(["sideways"])


# ---- programs: what the families draft, as the reference ran it ----------------------------

def _errors(d: Drafter) -> list[tuple[str, str, str]]:
    return [(r.code, *r.error) for r in d.session.trace.steps if r.error]


def _error(phrase: str, in_code: str = "") -> Callable[[Drafter], bool]:
    return lambda d: any(phrase in msg and in_code in code for code, _, msg in _errors(d))


def _code(pattern: str) -> Callable[[Drafter], bool]:
    rx = re.compile(pattern)
    return lambda d: any(rx.search(s.code) for s in d.steps)


def _both_ways(d: Drafter) -> bool:
    """A binary op whose operands each broadcast to the other's shape, and which ran."""
    for step, record in zip(d.steps, d.session.trace.steps):
        m = BINARY.match(step.code)
        if m and record.error is None:
            a, b = (tuple(d.value(name).shape) for name in m.group(2, 3))
            if a and b and _kind(a, b) == "both ways":
                return True
    return False


def _first(**kwargs: object) -> Callable[[Drafter], str]:
    """The program's first tensor: a source of the given shape or dims (any, by default)."""
    return lambda d: source(d, **kwargs)  # type: ignore[arg-type]


ANY = _first()
WITH_DIMS = _first(min_dims=1)
# feature: (the families drafted, the first tensor, what shows the feature)
FEATURES: dict[str, tuple[tuple[str, ...], Callable[[Drafter], str],
                          Callable[[Drafter], bool]]] = {
    "operands that broadcast both ways": (("arith",), WITH_DIMS, _both_ways),
    "an incompatible pair": (("arith",), WITH_DIMS, _error("must match the size of tensor")),
    "in-place growth in an existing dim": (("inplace",), WITH_DIMS,
                                           _error("doesn't match the broadcast shape")),
    "a 0-dim index tensor": (("index",), WITH_DIMS,
                             _code(r"index_select\(.*torch\.tensor\(\d+, ")),
    "an int32 index tensor": (("index",), WITH_DIMS,
                              _code(r"index_select\(.*dtype=torch\.int32")),
    "an empty index tensor": (("index",), WITH_DIMS,
                              _code(r"index_select\(.*torch\.tensor\(\[\], ")),
    "a 2-D index tensor": (("index",), WITH_DIMS, _error("Index is supposed to be a vector")),
    "gather's dims error": (("index",), WITH_DIMS,
                            _error("Index tensor must have the same number of dimensions")),
    "gather's size error": (("index",), _first(min_dims=2),
                            _error("Size does not match at dimension")),
    "bmm's batch mismatch": (("arith",), _first(shape=(2, 3, 2), layout=False),
                             _error("Expected size for first two dimensions of batch2 tensor",
                                    "torch.bmm")),
    "float() or int() of many elements": (("arith",), ANY, _error(
        "only one element tensors can be converted to Python scalars")),
    "an ambiguous -1 on an empty tensor": (("view",), _first(shape=(2, 0, 3), layout=False),
                                           _error("is ambiguous")),
}


class _Found(Exception):  # noqa: N818 - a search's way out, not an error
    def __init__(self, drafter: Drafter) -> None:
        self.drafter = drafter


def _search(families: tuple[str, ...], first: Callable[[Drafter], str],
            predicate: Callable[[Drafter], bool], examples: int = 300) -> Drafter:
    """The first of ``examples`` derandomized drafts that shows ``predicate``
    (NoSuchExample when none does)."""
    @settings(SEARCH, max_examples=examples)
    @given(d=drafts(FAMILIES, families, first=first, min_steps=1, max_steps=4, limit=8))
    def search(d: Drafter) -> None:
        if predicate(d):
            raise _Found(d)
    try:
        search()
    except _Found as found:
        return found.drafter
    raise NoSuchExample(f"{families}: no draft of {examples} shows it")


@pytest.mark.parametrize("feature", FEATURES)
def test_feature_is_reachable(feature: str) -> None:
    families, first, predicate = FEATURES[feature]
    d = _search(families, first, predicate)
    assert predicate(d), [s.code for s in d.steps]


def test_search_can_fail() -> None:
    """A phrase no step gives is never found: the searches above are not vacuous."""
    with pytest.raises(NoSuchExample):
        _search(("arith",), ANY, _error("a message no reference step gives"), examples=30)
