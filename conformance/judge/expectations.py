"""Expectation entries: where torch departs from its documentation, on purpose or not yet fixed.

Each entry in ``conformance/judge/expectations.toml`` names the claims it concerns, the devices and
torch versions it holds for, the reason, a link (the doc page, or the torch issue), an expiry
date, and a pattern that picks out the departure: a regular expression for the mismatch's path
(``error``, ``t1.stride()``, ...) and, optionally, for torch's and the documented value (both
as the JSON text the report shows) and for the program's statements up to the step
(``program``: the op that departs must be in it)::

    [[expectation]]
    id = "tensor-of-numpy-uint64-scalar"
    claims = ["BRIDGE-04"]
    torch = ">=2.3"                # a PEP 440 version range
    devices = []                   # empty: every device
    path = "^error$"
    torch_value = "an integer is required"
    reason = "torch.tensor(np.uint64(...)) raises instead of making a uint64 tensor"
    url = "https://docs.pytorch.org/docs/stable/generated/torch.tensor.html"
    expires = 2027-06-30

When a program's step shows a mismatch that an active entry matches, the step's mismatches are
that departure (a wrong error makes the step's bindings and versions differ too); the program
stops there with the verdict EXPECTED, which the report shows with the entry. Other mismatches
are never hidden: a step with a mismatch no entry explains is a MISMATCH. An entry past its
expiry date stops applying, so the departure shows as a MISMATCH until someone looks again.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9 and 3.10
    import tomli as tomllib

DEFAULT_PATH = Path(__file__).with_name("expectations.toml")
_REQUIRED = ("id", "claims", "torch", "path", "reason", "url", "expires")
_OPTIONAL = ("devices", "torch_value", "reference", "test", "program")


class ExpectationError(ValueError):
    """A malformed expectations file (the message is one line, naming the entry)."""


@dataclass(frozen=True)
class Expectation:
    id: str
    claims: tuple[str, ...]
    torch: str
    path: str
    reason: str
    url: str
    expires: _dt.date
    devices: tuple[str, ...] = ()
    torch_value: str = ""
    reference: str = ""
    test: str = ""  # a test name pattern; set for deterministic tests (stale when they pass)
    program: str = ""  # a pattern the program so far must contain (the op that departs)
    _res: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    def applies(self, torch_version: str, device: str, today: _dt.date | None = None) -> bool:
        """Active for this torch and device (and not expired)."""
        if (today or _dt.date.today()) > self.expires:
            return False
        if self.devices and device.split(":")[0] not in self.devices:
            return False
        return version_in(torch_version, self.torch)

    def expired(self, today: _dt.date | None = None) -> bool:
        return (today or _dt.date.today()) > self.expires

    def matches(self, path: str, torch_value: Any, reference: Any, source: str = "") -> bool:
        """``source``: the program's statements up to the step (for an entry's ``program``)."""
        p, t, r, g = self._res
        return bool(p.search(path) and t.search(_text(torch_value))
                    and r.search(_text(reference)) and g.search(source))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "claims": list(self.claims), "torch": self.torch,
                "devices": list(self.devices), "path": self.path,
                "torch_value": self.torch_value, "reference": self.reference,
                "reason": self.reason, "url": self.url, "expires": self.expires.isoformat(),
                "test": self.test, "program": self.program}


def _text(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v)


def version_in(version: str, spec: str) -> bool:
    """Whether a torch version (``2.13.0+cpu``, ``2.14.0.dev20260101``) is in a range."""
    try:
        v = Version(version)
    except InvalidVersion:
        return False
    return SpecifierSet(spec).contains(Version(v.base_version), prereleases=True)


def parse(data: dict[str, Any], known_claims: set[str] | None = None,
          source: str = "expectations") -> list[Expectation]:
    entries = data.get("expectation", [])
    unknown_top = set(data) - {"expectation"}
    if unknown_top:
        raise ExpectationError(f"{source}: unknown top-level key(s) {sorted(unknown_top)}")
    if not isinstance(entries, list):
        raise ExpectationError(f"{source}: 'expectation' must be an array of tables")
    out: list[Expectation] = []
    seen: set[str] = set()
    for n, e in enumerate(entries, start=1):
        where = f"{source}: entry {n}" + (f" ({e.get('id')})" if isinstance(e, dict) else "")
        if not isinstance(e, dict):
            raise ExpectationError(f"{where}: not a table")
        missing = [k for k in _REQUIRED if k not in e]
        if missing:
            raise ExpectationError(f"{where}: missing {', '.join(missing)}")
        extra = set(e) - set(_REQUIRED) - set(_OPTIONAL)
        if extra:
            raise ExpectationError(f"{where}: unknown key(s) {sorted(extra)}")
        if e["id"] in seen:
            raise ExpectationError(f"{where}: duplicate id")
        seen.add(e["id"])
        claims = e["claims"]
        if not isinstance(claims, list) or not claims or not all(isinstance(c, str)
                                                                   for c in claims):
            raise ExpectationError(f"{where}: claims must be a non-empty list of claim ids")
        if known_claims is not None:
            bad = [c for c in claims if c not in known_claims]
            if bad:
                raise ExpectationError(f"{where}: unknown claim(s) {', '.join(bad)}")
        try:
            SpecifierSet(e["torch"])
        except (InvalidSpecifier, TypeError):
            raise ExpectationError(f"{where}: torch range {e['torch']!r} is not a "
                                   "version specifier (e.g. '>=2.3,<2.15')") from None
        expires = e["expires"]
        if not isinstance(expires, _dt.date) or isinstance(expires, _dt.datetime):
            raise ExpectationError(f"{where}: expires must be a date (2027-06-30)")
        res = []
        for key in ("path", "torch_value", "reference", "program"):
            try:
                res.append(re.compile(str(e.get(key, ""))))
            except re.error as err:
                raise ExpectationError(f"{where}: {key} is not a regular expression: "
                                       f"{err}") from None
        if not str(e["url"]).startswith("https://"):
            raise ExpectationError(f"{where}: url must be an https:// link")
        out.append(Expectation(
            id=str(e["id"]), claims=tuple(claims), torch=str(e["torch"]), path=str(e["path"]),
            reason=str(e["reason"]), url=str(e["url"]), expires=expires,
            devices=tuple(e.get("devices", ())), torch_value=str(e.get("torch_value", "")),
            reference=str(e.get("reference", "")), test=str(e.get("test", "")),
            program=str(e.get("program", "")), _res=tuple(res)))
    return out


def load(path: Path | str = DEFAULT_PATH, known_claims: set[str] | None = None
         ) -> list[Expectation]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExpectationError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as e:
        raise ExpectationError(f"{path}: not valid TOML: {e}") from None
    if known_claims is None:
        from ..claims import CLAIMS
        known_claims = set(CLAIMS)
    return parse(data, known_claims, str(path))


_cache: dict[str, list[Expectation]] = {}


def default() -> list[Expectation]:
    """The project's expectations file, loaded once per process."""
    if "default" not in _cache:
        _cache["default"] = load()
    return _cache["default"]


def active(torch_version: str, device: str, claims: tuple[str, ...] = ()
           ) -> list[Expectation]:
    """The default entries that apply to this torch and device (and to ``claims``, when a
    program names them)."""
    return [e for e in default() if e.applies(torch_version, device)
            and (not claims or set(e.claims) & set(claims))]
