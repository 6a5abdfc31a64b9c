"""The shape of a results document, checked in full before anything reads it: a file with
the right schema name but a wrong shape inside (``claims`` as a list of numbers, ``tests`` as a
number, a fingerprint's program as a list) is a ResultsError naming the path, never a traceback
in the report or the diff.

A shape is a Python type, a tuple of types (any of them), a list ``[shape]`` (a list of those),
a dict ``{key: shape}`` (those keys, each optional only when marked with OPTIONAL), ``ANY``, or
a ``Mapping(shape)`` (a dict of str to shape).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..verdicts import VERDICTS

ANY = object()
NUMBER = (int, float)
TEXT = str
MAYBE_TEXT = (str, type(None))


@dataclass(frozen=True)
class Optional:
    shape: Any


@dataclass(frozen=True)
class Mapping:
    shape: Any


@dataclass(frozen=True)
class OneOf:
    values: tuple[Any, ...]


MISMATCH = {"step": int, "path": TEXT, "torch": ANY, "reference": ANY}
CASE = {"verdict": TEXT, "message": Optional(MAYBE_TEXT), "program": Optional(MAYBE_TEXT),
        "reproduction": Optional(MAYBE_TEXT), "mismatches": Optional([MISMATCH]),
        "observed": Optional(ANY), "expectation": Optional(MAYBE_TEXT),
        "test": Optional(TEXT)}
FINGERPRINT = {"digest": TEXT, "programs": int, "index": Optional([TEXT]),
               "behaviours": Optional([TEXT]),
               "corpus": [{"program": TEXT, "observations": ANY, "why": Optional([TEXT])}]}
TEST = {"test": TEXT, "claims": [TEXT], "device": TEXT, "verdict": OneOf(VERDICTS),
        "examples": int, "expected": Optional(Mapping(int)), "message": Optional(MAYBE_TEXT),
        "case": Optional((dict, type(None))), "fingerprint": Optional((dict, type(None)))}
RESULT = {"claim": TEXT, "device": TEXT, "verdict": OneOf(VERDICTS), "tests": int,
          "examples": int, "reason": Optional(MAYBE_TEXT), "expectation": Optional(ANY),
          "cases": Optional([CASE])}
CLAIM = {"id": TEXT, "area": TEXT, "url": TEXT, "quote": TEXT, "kind": TEXT,
         "source": Optional(MAYBE_TEXT), "drift": Optional(MAYBE_TEXT)}
ENVIRONMENT = {"torch": TEXT, "profile": TEXT, "devices": Optional([TEXT]),
               "device_names": Optional(Mapping(TEXT))}
DOCUMENT = {"environment": ENVIRONMENT, "areas": Mapping(TEXT), "claims": [CLAIM],
            "results": [RESULT], "tests": Optional([TEST]), "expectations": Optional([dict]),
            "explainers": Optional(Mapping(dict)), "interrupted": Optional(bool),
            "incomplete": Optional(MAYBE_TEXT), "exit_status": Optional(int),
            "mutants": Optional(dict)}


def problem(value: Any, shape: Any, path: str) -> str | None:
    """Where ``value`` departs from ``shape`` (a path and what was expected), or None."""
    if shape is ANY:
        return None
    if isinstance(shape, Optional):
        return problem(value, shape.shape, path)
    if isinstance(shape, OneOf):
        return None if value in shape.values else f"{path} is {value!r}, not one of the known"
    if isinstance(shape, Mapping):
        if not isinstance(value, dict):
            return f"{path} is {_kind(value)}, not an object"
        return next((p for k, v in value.items()
                     if (p := problem(v, shape.shape, f"{path}.{k}")) is not None), None)
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{path} is {_kind(value)}, not a list"
        return next((p for i, v in enumerate(value)
                     if (p := problem(v, shape[0], f"{path}[{i}]")) is not None), None)
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"{path} is {_kind(value)}, not an object"
        for key, sub in shape.items():
            if key not in value:
                if not isinstance(sub, Optional):
                    return f"{path}.{key} is missing"
                continue
            found = problem(value[key], sub, f"{path}.{key}")
            if found is not None:
                return found
        return None
    if isinstance(value, bool) and shape in (int, NUMBER, float):
        return f"{path} is a bool, not a number"
    return None if isinstance(value, shape) else f"{path} is {_kind(value)}"


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a bool",
            type(None): "null", int: "a number", float: "a number"}.get(type(value),
                                                                      type(value).__name__)


def check_fingerprints(doc: dict[str, Any]) -> str | None:
    for i, t in enumerate(doc.get("tests") or []):
        fp = t.get("fingerprint")
        if fp is not None:
            found = problem(fp, FINGERPRINT, f"tests[{i}].fingerprint")
            if found is not None:
                return found
        case = t.get("case")
        if case is not None:
            found = problem(case, CASE, f"tests[{i}].case")
            if found is not None:
                return found
    return None
