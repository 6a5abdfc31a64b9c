"""The conformance report as one self-contained HTML page: ``render(docs)``.

``render`` turns one results document (schema ``torch-conformance/results``, version 1), or
several of them (a merged report from a CI matrix), into the conformance report
(``reports/index.html``). The page shows, in this order:

* a header with the torch version(s), profile, date and duration of each run, the overall
  outcome, and a red banner for any run that was interrupted;
* a summary: the pass rate per area and per column (PASS / runs, NOT RUN excluded from the
  denominator), inline SVG bar charts of the pass rate per column and per area, the claims that
  need attention, and a legend giving every verdict's meaning and count per column;
* the claims grouped by area, one verdict cell per column (one column per device for a single
  run, one per (run, device) for several). Failing claims come first, each followed by its
  cases (message, mismatch table, a torch-only reproduction with a Copy button, the observed
  facts); claims that pass on every column are collapsed into a ``<details>``;
* the explainers, documentation drift and mutants when a run has them, the recorded
  expectations (stale ones flagged for removal) and the environment of each run.

The page model is built in ``model.py`` (with ``sections.py`` and ``failures.py``) and laid
out by the Jinja2 templates in ``templates/`` (``render.py``), with autoescaping: everything
taken from the results documents is escaped. The page loads nothing from anywhere (the CSS and
a small script used only by the Copy buttons are inlined from ``static/``), and long values are
truncated so that a full run stays well under 2 MB.
"""

from __future__ import annotations

from ..verdicts import VERDICTS
from .data import LEGEND
from .render import render

__all__ = ["render", "VERDICTS", "LEGEND"]
