"""The upgrade check's output: the diff of two runs (``diff.json``, ``diff.html``) or the history
of several (``history.json``, ``history.html``, and each consecutive pair's diff under
``diffs/``), and the text the command prints.

With the runs' Pythons (``upgrade`` always has them; ``compare --python``), changed programs a
run did not keep whole are replayed in its environment, and every reproduction is run with
torch alone on every release: the page shows what it printed there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .. import results as R
from ..judge.fingerprint import clean_text
from . import diff as D
from . import history as H
from .replay import replay, run_scripts

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def complete_diff(old: dict[str, Any], new: dict[str, Any],
                  pythons: tuple[str, str] | None) -> dict[str, Any]:
    """The diff of two runs, with what each side lacks replayed on its Python."""
    replays: D.Replays = {"old": {}, "new": {}, "failing_old": {}, "failing_new": {}}
    if pythons is not None:
        wanted = D.needs(old, new)
        for side, python in zip(("old", "new"), pythons):
            items = list(wanted[side].items())
            answers = replay(python, [{"program": p, "device": dev} for _, (p, dev) in items])
            for (phash, _), answer in zip(items, answers):
                if answer.get("observations") is not None:
                    replays[side][phash] = answer["observations"]
                    replays[f"failing_{side}"][phash] = answer.get("verdict") in R.VIOLATIONS
    return D.compare(old, new, replays)


def _normal(output: str | None) -> str | None:
    return None if output is None else _ADDRESS.sub("0x?", clean_text(output))


def run_reproductions(entries: list[dict[str, Any]], pythons: list[str],
                      releases: list[str]) -> None:
    """Each entry's reproduction run on every release: ``outputs`` (release -> what it
    printed) and ``differs`` (whether the releases printed different things)."""
    shown = [e for e in entries if e.get("reproduction")]
    if not shown:
        return
    scripts = [e["reproduction"] for e in shown]
    per_release = [run_scripts(py, scripts) for py in pythons]
    for k, e in enumerate(shown):
        outputs = {rel: out[k] for rel, out in zip(releases, per_release)}
        e["outputs"] = outputs
        e["differs"] = len({_normal(o) for o in outputs.values()}) > 1


def reports(files: list[Path] | None, releases: list[str], where: Path) -> dict[str, str]:
    """Links, relative to the folder ``where``, to each run's own report (``index.html`` beside
    its results file, where there is one): every claim and every failure with reproductions."""
    out = {}
    for f, release in zip(files or [], releases):
        page = f.resolve().parent / "index.html"
        if page.exists():
            out[f"torch {release}"] = os.path.relpath(page, where.resolve())
    return out


def publish(docs: list[dict[str, Any]], pythons: list[str] | None, out: Path,
            files: list[Path] | None = None) -> tuple[str, bool]:
    """Write the pages and JSON; the text to print, and whether a required claim that
    conformed no longer does (on the newest release). ``files``: the results files read,
    whose reports the pages link to."""
    from .diff_html import render as render_diff
    from .history_html import render as render_history
    releases = [str(d["environment"].get("torch")) for d in docs]
    diffs = []
    for k in range(len(docs) - 1):
        pair = (pythons[k], pythons[k + 1]) if pythons else None
        diffs.append(complete_diff(docs[k], docs[k + 1], pair))
    if len(docs) == 2:
        diff = diffs[0]
        diff["reports"] = reports(files, releases, out)
        if pythons:
            run_reproductions(diff["changes"], pythons, releases)
        R.write_atomic(out / "diff.json", D.dumps(diff))
        R.write_atomic(out / "diff.html", render_diff(diff))
        text = D.text_summary(diff) + f"torch-conformance: wrote {out / 'diff.html'} and " \
            f"{out / 'diff.json'}\n"
        return text, bool(diff["kinds"][D.VIOLATION])
    hist = H.history(docs, diffs)
    hist["reports"] = reports(files, releases, out)
    if pythons:
        run_reproductions(hist["behaviours"], pythons, releases)
    folder = out / "diffs"
    folder.mkdir(parents=True, exist_ok=True)
    for k, diff in enumerate(diffs):
        name = f"{releases[k]}-to-{releases[k + 1]}".replace("+", "_")
        diff["reports"] = reports((files or [])[k:k + 2], releases[k:k + 2], folder)
        R.write_atomic(folder / f"{name}.json", D.dumps(diff))
        R.write_atomic(folder / f"{name}.html", render_diff(diff))
        hist["steps"][k]["page"] = f"diffs/{name}.html"
    R.write_atomic(out / "history.json", D.dumps(hist))
    R.write_atomic(out / "history.html", render_history(hist))
    text = H.text_summary(hist) + f"torch-conformance: wrote {out / 'history.html'} and " \
        f"{out / 'history.json'}\n"
    return text, bool(diffs[-1]["kinds"][D.VIOLATION])
