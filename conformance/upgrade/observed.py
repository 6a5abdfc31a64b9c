"""One run as the upgrade diff reads it: per test, every program it checked (the fingerprint's
index) and those kept whole.

A test is known across suite versions by its file's name and the test (``test_key``), so a file
moved between releases of the suite is still the same test; within a test, programs by the
hash of their text. Files written before the fingerprint had an index are read too: their
kept programs stand for the index, and their messages are cleaned as new files' are at the
source (``fingerprint.clean_text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..judge import fingerprint as F


@dataclass(frozen=True)
class Entry:
    """A program's line in a test's index."""

    observations: str  # hash of its observations
    coarse: str        # hash of its observations with floats rounded ("" when unknown)
    behaviours: str    # behaviours_hash of its errors, warnings and node names ("" unknown)
    failing: bool      # it did not pass
    keys: tuple[str, ...] | None = None  # those behaviours (None: unknown, an older file)


@dataclass
class TestRun:
    """One test on one device in one run."""

    test: str
    device: str
    claims: list[str]
    verdict: str
    message: str
    programs: int
    digest: str | None
    index: dict[str, Entry] = field(default_factory=dict)  # program hash -> entry
    whole: dict[str, tuple[str, list[dict[str, Any]]]] = field(default_factory=dict)
    case: dict[str, Any] | None = None  # the failing case the run recorded


def test_key(test_id: str) -> str:
    """A test's identity across suite versions: its file's name and the test, without the
    folder (``test_claims.py::test_view[cpu]``)."""
    return test_id.rsplit("/", 1)[-1]


def clean(obs: Any) -> Any:
    """Observations with their messages cleaned (a file written before cleaning at the source)."""
    if isinstance(obs, list):
        return [clean(o) for o in obs]
    if not isinstance(obs, dict):
        return obs
    out = dict(obs)
    if isinstance(out.get("error"), str):
        out["error"] = F.clean_text(out["error"])
    if isinstance(out.get("warnings"), list):
        out["warnings"] = [F.clean_text(w) if isinstance(w, str) else w
                           for w in out["warnings"]]
    return out


def parse_entry(line: str, table: list[str] | None = None) -> tuple[str, Entry]:
    """A line of a test's index. With the test's table of behaviours (``behaviours``), its
    last field holds numbers in it; without (files of an earlier suite), a hash."""
    failing = line.endswith(F.FAILED_MARK)
    parts = line.rstrip(F.FAILED_MARK).split(":")
    parts += [""] * (4 - len(parts))
    if table is None:
        return parts[0], Entry(parts[1], parts[2], parts[3], failing)
    ids = [i for i in parts[3].split(".") if i]
    known = all(i.isdigit() and int(i) < len(table) for i in ids)
    keys = tuple(sorted({table[int(i)] for i in ids})) if known else None
    return parts[0], Entry(parts[1], parts[2], F.behaviours_of(parts[3], table), failing, keys)


def entry_of(program: str, obs: list[dict[str, Any]], failing: bool) -> tuple[str, Entry]:
    """The index entry of a program seen whole."""
    phash, entry = parse_entry(F.index_entry(program, obs, failing))
    keys = F.behaviours(obs)
    return phash, Entry(entry.observations, entry.coarse, F.behaviours_hash(keys), failing,
                        tuple(sorted(set(keys))))


def read(doc: dict[str, Any]) -> dict[tuple[str, str], TestRun]:
    """The tests of a results document, keyed by (test key, device)."""
    out: dict[tuple[str, str], TestRun] = {}
    for t in doc.get("tests") or []:
        fp = t.get("fingerprint") or {}
        run = TestRun(test=test_key(t["test"]), device=t["device"], claims=list(t["claims"]),
                      verdict=t["verdict"], message=t.get("message") or "",
                      programs=int(fp.get("programs") or 0), digest=fp.get("digest"),
                      case=t.get("case"))
        table = fp.get("behaviours")
        for line in fp.get("index") or []:
            phash, entry = parse_entry(line, table if isinstance(table, list) else None)
            run.index[phash] = entry
        for e in fp.get("corpus") or []:
            obs = clean(e["observations"])
            failing = "failing" in (e.get("why") or [])
            phash, entry = entry_of(e["program"], obs, failing)
            run.whole[phash] = (e["program"], obs)
            if not fp.get("index"):  # an older file: its kept programs are all it indexed
                run.index[phash] = entry
        out[(run.test, run.device)] = run
    return out
