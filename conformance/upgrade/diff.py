"""What changed between two runs of the suite: "what breaks if I upgrade?".

``compare(old, new)`` matches the runs test by test (and device by device) and, within a test,
program by program (the fingerprint's index: the programs are drafted on the reference model
and derandomized, so both torch versions check the same ones). For each program whose
observations changed, the facts that differ (``facts.differences``) are reduced to their root
cause (``facts.signature``): the same normalised change, seen by many programs, tests and
claims, is one *behaviour change*, with its counts, the claims it touches and the smallest
program that shows it, as a reproduction that needs torch alone.

Each behaviour change has a kind:

- ``violation``: a required claim's program conformed before and does not now;
- ``fix``: a program did not conform before and does now;
- ``changed departure``: a program departed from the documentation on both, differently;
- ``documented change``: both conform, and an error's type changed (an error appeared, went, or
  became another type): error types are compared, so the documentation the model follows for
  each release changed (``reference_impl/_core/release.py``, CHANGES, listed with the diff as
  ``release_rules``): code that catches the old error breaks;
- ``implementation-defined``: the claim lets torch choose, and torch chose differently;
- ``build difference``: the two runs are different builds of torch (CPU, CUDA) and the change
  speaks of what a build supports (an accelerator, a driver, pinned memory);
- ``not torch``: a test's verdict changed though torch observed the same in every program both
  runs checked: the judging side differs (the model under NumPy 1.x, in torch 2.0.1's
  environment, fails where it does not under NumPy 2);
- ``undocumented``: both conform, and what changed is a detail the documentation leaves open
  (an error's wording beyond its key phrase, a node's class name, the last digits of a value).

The headline lists them by what breaks code first: violations, then by category (error types,
values and autograd, aliasing and layouts, warnings, wording), the most programs first.
Comparing a file with itself, or two runs on one torch, gives no change.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .. import results as R
from ..claims import CLAIMS
from . import builds as B
from . import facts as X
from . import observed as O
from . import repro, words

VIOLATION, FIX, DEPARTURE = "violation", "fix", "changed departure"
IMPL, BUILD, UNDOCUMENTED = "implementation-defined", "build difference", "undocumented"
DOCUMENTED = "documented change"  # both conform to their release's rule; an error type changed
NOT_TORCH = "not torch"  # a verdict changed, torch's observations did not
KINDS = (VIOLATION, FIX, DEPARTURE, DOCUMENTED, IMPL, BUILD, NOT_TORCH,
         UNDOCUMENTED)  # most severe first
VERDICT = "verdict"  # a test's verdict changed with no program to show it (a crash)
DIGITS, UNKEPT = "digits", "unkept"
MAX_FACTS = 8  # differing facts shown per behaviour change
SCHEMA = "torch-conformance/diff"


@dataclass
class Program:
    """One program whose observations changed."""

    test: str
    device: str
    claims: list[str]
    program: str | None
    facts: list[X.Fact] | None
    kind: str
    pair: tuple[str, str]  # the behaviours hashes before and after
    counted: bool = True   # False: a program one run drew alone, replayed on the other
    sources: tuple[str, str] = ("recorded", "recorded")
    raising: set[int] = field(default_factory=set)
    old_obs: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""  # a verdict change's message, as the new run gave it


@dataclass
class Group:
    signature: str
    category: str
    members: list[Program] = field(default_factory=list)

    @property
    def counted(self) -> list[Program]:
        return [m for m in self.members if m.counted]

    @property
    def kind(self) -> str:
        kinds = {m.kind for m in self.counted} or {m.kind for m in self.members}
        return min(kinds, key=KINDS.index)

    def exemplar(self) -> Program | None:
        whole = [m for m in self.members if m.program and m.facts]
        return min(whole, key=lambda m: (len(m.program or ""), m.test)) if whole else None


# "old"/"new": program hash -> observations; "failing_old"/"failing_new": hash -> bool
Replays = dict[str, dict[str, Any]]


def _claim_kinds(old: dict[str, Any], new: dict[str, Any]) -> dict[str, str]:
    kinds = {c["id"]: c.get("kind", "required") for c in old["claims"] + new["claims"]}
    for cid, registered in CLAIMS.items():
        kinds.setdefault(cid, registered.kind)
    return kinds


def _kind(category: str, signature: str, failing: tuple[bool, bool], impl: bool,
          build_change: bool) -> str:
    if build_change:
        return BUILD
    if category in (X.MESSAGE, X.NAMING) or signature == DIGITS:
        return UNDOCUMENTED
    before, after = failing
    if impl and (before or after):
        return IMPL
    if after and not before:
        return VIOLATION
    if before and not after:
        return FIX
    if before and after:
        return DEPARTURE
    # Both conform. Error types are always compared: the documented rule changed with the
    # release. Other facts may be ones the documentation leaves open (a once-per-process
    # warning, an unspecified layout).
    return DOCUMENTED if category == X.ERROR else UNDOCUMENTED


class Differ:
    """The program-level changes of two runs, grouped by root cause."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any],
                 replays: Replays | None = None) -> None:
        self.old_runs, self.new_runs = O.read(old), O.read(new)
        self.replays = replays or {"old": {}, "new": {}}
        self.mixed = B.of_environment(old["environment"]) != B.of_environment(
            new["environment"])
        self.claim_kinds = _claim_kinds(old, new)
        self.groups: dict[str, Group] = {}
        self.pending: list[tuple[O.TestRun, O.Entry, O.Entry]] = []
        self.counts = Counter[str]()
        self.needs: dict[str, dict[str, tuple[str, str]]] = {"old": {}, "new": {}}
        self.last: Program  # the program _program last added to a group

    def run(self) -> None:
        for key in sorted(set(self.old_runs) & set(self.new_runs)):
            self._test(self.old_runs[key], self.new_runs[key])
        self._attribute()

    def _obs(self, side: str, run: O.TestRun, phash: str
             ) -> tuple[str | None, list[dict[str, Any]] | None, str]:
        if phash in run.whole:
            program, obs = run.whole[phash]
            return program, obs, "recorded"
        replayed = self.replays.get(side, {}).get(phash)
        if replayed is None:
            return None, None, "missing"
        if phash in run.index:  # the run checked it: its record says whether replay agrees
            same = O.entry_of("", replayed, False)[1].observations == \
                run.index[phash].observations
            return None, replayed, "replayed" if same else "replayed, unlike the run's record"
        return None, replayed, "replayed"

    def _test(self, a: O.TestRun, b: O.TestRun) -> None:
        impl = all(self.claim_kinds.get(c) == "implementation-defined" for c in b.claims)
        common = [p for p in b.index if p in a.index]
        self.counts["only_old"] += sum(1 for p in a.index if p not in b.index)
        self.counts["only_new"] += sum(1 for p in b.index if p not in a.index)
        changed = 0
        for phash in common:
            ea, eb = a.index[phash], b.index[phash]
            if ea.observations == eb.observations:
                self.counts["unchanged"] += 1
                continue
            if self._program(a, b, phash, (ea, eb), impl, counted=True):
                changed += 1
            else:
                self.counts["unchanged"] += 1
        self.counts["changed"] += changed
        # Programs one run drew alone (shrinking after a failure) whose other side was replayed:
        # candidates for the smallest program of a change, not counted; but when they are all
        # that shows why the test's verdict changed, they are its evidence, and count.
        alone: list[Program] = []
        for phash in dict.fromkeys([*a.whole, *b.whole]):
            if phash not in common and self._program(a, b, phash, None, impl, counted=False):
                alone.append(self.last)
        if not changed and a.verdict != b.verdict and R.NOT_RUN not in (a.verdict, b.verdict):
            for m in alone:
                m.counted = True
            self.counts["changed"] += len(alone)
            if not alone:
                self._verdict_change(a, b, impl, torch_same=bool(common))

    def _program(self, a: O.TestRun, b: O.TestRun, phash: str,
                 entries: tuple[O.Entry, O.Entry] | None, impl: bool, counted: bool) -> bool:
        pa, oa, sa = self._obs("old", a, phash)
        pb, ob, sb = self._obs("new", b, phash)
        program = pa or pb
        if oa is None or ob is None:
            if program is not None:  # the other run can replay it
                self.needs["new" if ob is None else "old"][phash] = (program, b.device)
            if entries is not None:
                self.pending.append((b, *entries))
            return entries is not None
        found = X.differences(oa, ob)
        if not found:
            return False
        ea, eb = entries or (self._entry("old", a, phash, program, oa),
                             self._entry("new", b, phash, program, ob))
        first = X.root(found)
        steps = repro.split(program)[1] if program else []
        code = steps[first.step - 1] if 0 < first.step <= len(steps) else ""
        digits = ea.coarse == eb.coarse and ea.coarse != "" and \
            all(f.category == X.VALUE for f in found)
        signature = DIGITS if digits else X.signature(first, code)
        texts = [str(f.before) + str(f.after) for f in found]
        kind = _kind(first.category, signature, (ea.failing, eb.failing), impl,
                     self.mixed and B.concerns_the_build(*texts))
        group = self.groups.setdefault(signature, Group(signature, X.VALUE if digits
                                                        else first.category))
        self.last = Program(b.test, b.device, b.claims, program, found, kind,
                            (ea.behaviours, eb.behaviours), counted, (sa, sb),
                            repro.raising_steps(oa, ob), oa)
        group.members.append(self.last)
        return True

    def _entry(self, side: str, run: O.TestRun, phash: str, program: str | None,
               obs: list[dict[str, Any]]) -> O.Entry:
        """The index entry of a program one run drew alone: the run's own when it has one
        (it says whether the program failed there), else as replayed (failing when the
        replay's verdict was a violation: ``failing_old``/``failing_new`` of the replays)."""
        if phash in run.index:
            return run.index[phash]
        failing = bool(self.replays.get(f"failing_{side}", {}).get(phash))
        return O.entry_of(program or "", obs, failing)[1]

    def _attribute(self) -> None:
        """Changed programs not kept whole on both sides: to the change whose whole programs
        show the same errors and warnings before and after, to the last digits of values, or
        to a change of their test's that no kept program shows."""
        by_pair: dict[tuple[str, str], str] = {}
        for g in self.groups.values():
            for m in g.counted:
                if m.pair[0] != m.pair[1]:
                    by_pair.setdefault(m.pair, g.signature)
        for run, ea, eb in self.pending:
            impl = all(self.claim_kinds.get(c) == "implementation-defined" for c in run.claims)
            pair = (ea.behaviours, eb.behaviours)
            fact = behaviour_change(ea.keys, eb.keys) if pair[0] != pair[1] else None
            if pair[0] != pair[1] and pair in by_pair:
                signature, category = by_pair[pair], self.groups[by_pair[pair]].category
            elif fact is not None:
                signature, category = X.signature(fact, ""), fact.category
                signature = self._known(signature, fact)
            elif pair[0] == pair[1] and ea.coarse == eb.coarse and ea.coarse:
                signature, category = DIGITS, X.VALUE
            else:
                what = "errors or warnings" if pair[0] != pair[1] else "values or layouts"
                signature, category = f"{UNKEPT}|{run.test}|{run.device}|{what}", \
                    X.ERROR if pair[0] != pair[1] else X.VALUE
            build = fact is not None and self.mixed and B.concerns_the_build(fact.before,
                                                                             fact.after)
            kind = _kind(category, signature, (ea.failing, eb.failing), impl, build)
            group = self.groups.setdefault(signature, Group(signature, category))
            group.members.append(Program(run.test, run.device, run.claims, None,
                                         None if fact is None else [fact], kind, pair))

    def _known(self, signature: str, fact: X.Fact) -> str:
        """A change read off the behaviours' keys, whose digits are generalised: the group
        of whole programs whose signature reads the same once generalised, if there is one."""
        if signature in self.groups:
            return signature
        def bare(text: str) -> str:
            return "".join(X.template(text).split())
        same = [s for s in self.groups if bare(s) == bare(signature)]
        return same[0] if same else signature

    def _verdict_change(self, a: O.TestRun, b: O.TestRun, impl: bool,
                        torch_same: bool = False) -> None:
        """A test's verdict changed with no program to show it. ``torch_same``: both runs
        checked programs of it and torch observed the same in each, so the cause is not torch
        but the judging side (the model under another NumPy or Python): kind ``not torch``."""
        bad_a, bad_b = a.verdict in R.VIOLATIONS, b.verdict in R.VIOLATIONS
        kind = NOT_TORCH if torch_same else _kind(
            X.ERROR, "", (bad_a, bad_b), impl,
            self.mixed and B.concerns_the_build(a.message, b.message))
        signature = f"{VERDICT}|{a.verdict}|{b.verdict}|{X.template(b.message or a.message)}" \
            + ("|same" if torch_same else "")
        group = self.groups.setdefault(signature, Group(signature, VERDICT))
        group.members.append(Program(b.test, b.device, b.claims, None, None, kind, ("", ""),
                                     message=" ".join((b.message or a.message).split())))


def behaviour_change(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> X.Fact | None:
    """The change of a program no run kept whole, read off the behaviours the index names
    (errors, warnings, node names, digits generalised): the first kind that differs, as a
    fact of no particular step. None when a side's behaviours are unknown."""
    if a is None or b is None:
        return None
    for prefix, path in (("error ", "error"), ("warning ", "warnings"), ("grad_fn ", "node")):
        ra = [k[len(prefix):] for k in a if k.startswith(prefix) and k not in b]
        rb = [k[len(prefix):] for k in b if k.startswith(prefix) and k not in a]
        if not ra and not rb:
            continue
        if prefix == "error ":
            before, after = (ra[0] if ra else None), (rb[0] if rb else None)
            same = before and after and before.split(":")[0] == after.split(":")[0]
            return X.Fact(0, path, X.MESSAGE if same else X.ERROR, before, after)
        if prefix == "warning ":
            same = [w.split(":")[0] for w in ra] == [w.split(":")[0] for w in rb]
            return X.Fact(0, path, X.MESSAGE if same else X.WARNING, ra, rb)
        return X.Fact(0, path, X.NAMING, ra[0] if ra else None, rb[0] if rb else None)
    return None


def _entry(n: int, g: Group, claims: dict[str, dict[str, Any]]) -> dict[str, Any]:
    counted = g.counted or g.members
    ex = g.exemplar()
    tests = sorted({m.test for m in counted})
    claim_ids = sorted({c for m in counted for c in m.claims})
    entry: dict[str, Any] = {
        "id": f"c{n}", "signature": g.signature, "kind": g.kind, "category": g.category,
        "category_words": X.WORDS.get(g.category, "verdict"),
        "programs": 0 if g.category == VERDICT else len(g.counted), "tests": tests,
        "claims": claim_ids,
        "devices": sorted({m.device for m in counted}),
        "kinds": dict(Counter(m.kind for m in counted)),
        "docs": [_doc(c, claims) for c in claim_ids if c in claims or c in CLAIMS],
        "title": _title(g, ex), "exemplar": None, "reproduction": None}
    if ex is not None and ex.program and ex.facts:
        entry["exemplar"] = {
            "test": ex.test, "device": ex.device, "program": ex.program,
            "facts": [f.to_json() for f in ex.facts[:MAX_FACTS]],
            "more_facts": max(0, len(ex.facts) - MAX_FACTS), "observed": list(ex.sources),
            "counted": ex.counted}
        entry["reproduction"] = repro.reproduction(ex.program, ex.facts, ex.raising)
    return entry


def _doc(claim: str, in_files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A claim's documentation: the registry's (a results file cannot point the page
    elsewhere), else what the file says."""
    known = CLAIMS.get(claim)
    if known is not None:
        return {"claim": claim, "url": known.url, "quote": known.quote}
    return {"claim": claim, "url": in_files[claim].get("url"),
            "quote": in_files[claim].get("quote")}


def _title(g: Group, ex: Program | None) -> str:
    if g.signature == DIGITS:
        return "floating-point results differ in their last digits (within tolerance)"
    if g.signature.startswith(UNKEPT):
        _, test, device, what = g.signature.split("|")
        return f"{what} changed in programs of {test} on {device} that neither run kept whole"
    if g.signature.startswith(VERDICT):
        _, before, after, _ = g.signature.split("|", 3)
        message = min((m.message for m in g.members if m.message), key=len, default="")
        same = (" though torch observed the same in every program both runs checked"
                if g.kind == NOT_TORCH else "")
        return f"test verdict {before} → {after}{same}" + (f": {words.short(message)}"
                                                           if message else "")
    if ex is None or not ex.facts or not ex.program:
        read = [X.root(m.facts) for m in g.members if m.facts]
        if not read:
            return g.signature
        if g.category in (X.MESSAGE, X.NAMING):
            return words.pattern_title(g.signature, read) + " (programs neither run kept whole)"
        f = read[0]
        if g.category == X.ERROR:  # no program to say where: the message says what
            said = next((str(x).partition(": ")[2] for x in (f.after, f.before) if x), "")
            return (f"error type: {words.error(f.before)} → {words.error(f.after)}"
                    + (f" (“{words.short(said, 60)}”)" if len(said) > 50 else "")
                    + " (programs neither run kept whole)")
        return (f"{X.WORDS.get(g.category, g.category)}: {words.short(f.before)} → "
                f"{words.short(f.after)} (programs neither run kept whole)")
    if g.category in (X.MESSAGE, X.NAMING) and "*" in g.signature.rsplit("|", 1)[-1]:
        return words.pattern_title(g.signature, [X.root(m.facts) for m in g.members
                                                 if m.facts])
    title = words.title(X.root(ex.facts), repro.split(ex.program)[1], ex.old_obs)
    if g.category == X.ERROR:  # one form, several kernels or dtypes named
        seen = {str(X.root(m.facts).before) for m in g.members if m.facts}
        if len(seen) > 1:
            title += f" (and {len(seen) - 1} other message{'s' * (len(seen) > 2)} of this form)"
    return title


def _order(entry: dict[str, Any]) -> tuple[int, int, int, str]:
    first = 0 if entry["kind"] == VIOLATION else 2 if entry["kind"] in (BUILD, NOT_TORCH) \
        else 1
    rank = X.RANK.get(entry["category"], 1)
    return (first, rank, -entry["programs"], entry["title"])


def compare(old: dict[str, Any], new: dict[str, Any],
            replays: Replays | None = None) -> dict[str, Any]:
    """The diff document (schema torch-conformance/diff, version 2)."""
    d = Differ(old, new, replays)
    d.run()
    claims = {c["id"]: c for c in old["claims"] + new["claims"]}
    entries = sorted((_entry(i, g, claims) for i, g in enumerate(d.groups.values(), start=1)),
                     key=_order)
    for n, e in enumerate(entries, start=1):
        e["id"] = f"c{n}"
    old_v = {(r["claim"], r["device"]): r["verdict"] for r in old["results"]}
    new_v = {(r["claim"], r["device"]): r["verdict"] for r in new["results"]}
    touched: dict[tuple[str, str], list[str]] = {}
    for e in entries:
        for c in e["claims"]:
            for dev in e["devices"]:
                touched.setdefault((c, dev), []).append(e["id"])
    only_old = sorted(f"{t} [{dev}]" for t, dev in set(d.old_runs) - set(d.new_runs))
    only_new = sorted(f"{t} [{dev}]" for t, dev in set(d.new_runs) - set(d.old_runs))
    return {
        "schema": SCHEMA, "schema_version": 2,
        "old": _summary_env(old), "new": _summary_env(new),
        "same_build": not d.mixed,
        "changes": entries,
        "kinds": {k: sum(1 for e in entries if e["kind"] == k) for k in KINDS},
        "programs": {k: d.counts[k] for k in ("changed", "unchanged", "only_old", "only_new")},
        "tests_only_old": only_old, "tests_only_new": only_new,
        "verdict_changes": [{"claim": c, "device": dev, "before": old_v.get((c, dev)),
                             "after": new_v.get((c, dev)),
                             "changes": touched.get((c, dev), [])}
                            for c, dev in sorted(set(old_v) | set(new_v))
                            if old_v.get((c, dev)) != new_v.get((c, dev))],
        "claims": [{"claim": c, "device": dev, "changes": ids,
                    "verdict_before": old_v.get((c, dev)), "verdict_after": new_v.get((c, dev))}
                   for (c, dev), ids in sorted(touched.items())],
        "replay_needed": {side: len(v) for side, v in d.needs.items()},
        "release_rules": release_rules(old["environment"].get("torch"),
                                       new["environment"].get("torch")),
    }


def release_rules(old: Any, new: Any) -> list[dict[str, Any]]:
    """The model's documented changes (``reference_impl/_core/release.py``, CHANGES) of the
    releases after ``old`` up to ``new``, either way: what a "documented change" follows."""
    from reference_impl._core.release import CHANGES, parse_release
    try:
        a, b = parse_release(str(old)), parse_release(str(new))
    except ValueError:
        return []
    low, high = min(a, b), max(a, b)
    return [{"id": name, "since": ".".join(map(str, c.since)), "what": c.what,
             "evidence": c.evidence} for name, c in CHANGES.items() if low < c.since <= high]


def needs(old: dict[str, Any], new: dict[str, Any], replays: Replays | None = None
          ) -> dict[str, dict[str, tuple[str, str]]]:
    """Programs one side kept whole whose other side is not known: program hash ->
    (program, device), per side to replay them on."""
    d = Differ(old, new, replays)
    d.run()
    return d.needs


def _summary_env(doc: dict[str, Any]) -> dict[str, Any]:
    env = doc["environment"]
    return {"torch": env.get("torch"), "build": B.describe(env),
            "build_family": B.of_environment(env), "torch_git": env.get("torch_git"),
            "profile": env.get("profile"), "devices": env.get("devices"),
            "started": doc.get("started"), "python": env.get("python"),
            "numpy": env.get("numpy"), "hypothesis": env.get("hypothesis"),
            "suite": env.get("suite")}


def headline(diff: dict[str, Any]) -> list[str]:
    """The behaviour changes, one line each, in the headline's order."""
    return [f"{e['id']:>4} [{e['kind']}] {e['title']}  ({e['programs']} program"
            f"{'s' * (e['programs'] != 1)}, {len(e['tests'])} test"
            f"{'s' * (len(e['tests']) != 1)}; {', '.join(e['claims'][:6])}"
            f"{' …' if len(e['claims']) > 6 else ''})" for e in diff["changes"]]


def text_summary(diff: dict[str, Any]) -> str:
    old, new = diff["old"], diff["new"]
    n = len(diff["changes"])
    lines = [f"torch {old['torch']} -> {new['torch']}: "
             + (f"{n} behaviour change{'s' * (n != 1)}" if n else "no behaviour change")]
    if not diff["same_build"]:
        lines.append(f"WARNING: MIXED BUILDS: {old['build']} -> {new['build']}; differences "
                     "that come from the build are marked 'build difference'")
    if n:
        lines.append("  " + ", ".join(f"{diff['kinds'][k]} {k}" for k in KINDS
                                      if diff["kinds"][k]))
    lines += headline(diff)
    p = diff["programs"]
    lines.append(f"programs: {p['changed']} changed, {p['unchanged']} unchanged, "
                 f"{p['only_old'] + p['only_new']} checked by one run only")
    for v in diff["verdict_changes"]:
        lines.append(f"  verdict {v['claim']} on {v['device']}: {v['before']} -> {v['after']}")
    return "\n".join(lines) + "\n"


def dumps(diff: dict[str, Any]) -> str:
    return json.dumps(diff, indent=1, default=str) + "\n"
