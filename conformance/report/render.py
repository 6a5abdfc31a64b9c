"""The Jinja2 environment of the report and diff pages, and ``render(docs)``.

Escaping is not optional here: the environment has ``autoescape=True`` for every template, so
every ``{{ value }}`` is escaped unless it is markup the templates made themselves (a macro's
output). The values come from the page models (``model.py``, ``sections.py``, ``failures.py``,
``conformance/upgrade/diff_html.py``), which hold plain strings and numbers only; no template
uses ``|safe`` and no model holds ``Markup``. ``finalize`` writes what autoescaping prints
with ``html.escape`` (``&quot;`` and ``&#x27;``, as these pages always had; markupsafe
would write ``&#34;`` and ``&#39;``) and None as the empty string; markup from a macro passes
through it unchanged.

The CSS and the script are package files (``static/``), included verbatim into the one
self-contained page: the page loads nothing from anywhere.

Template sources are joined into lines (``join_lines``) before Jinja reads them, so that the
templates can be laid out on many lines while the page stays as compact as it always was: a
line break, with the indentation and blank lines after it, is dropped between two pieces of
markup (after a tag, ``}}`` or ``%}``, before a tag, ``{{`` or ``{%``) and is one space
wherever text is on either side. Where a page needs a real line break (the first
line of a ``<pre>``, after the doctype), the template writes ``{{ "\\n" }}``.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup

from . import text
from .model import page

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

_BREAK = re.compile(r"(?:\n[ \t]*)+")


def join_lines(source: str) -> str:
    """A template's source with each line break dropped between markup, one space elsewhere."""
    def one(match: re.Match[str]) -> str:
        before = source[match.start() - 1] if match.start() else ">"
        after = source[match.end()] if match.end() < len(source) else "<"
        return "" if before in ">}" and after in "<{" else " "
    return _BREAK.sub(one, source)


class JoinLines(Extension):
    """Applies ``join_lines`` to the templates (``*.html``), not to the static files."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return join_lines(source) if name and name.endswith(".html") else source


def _finalize(value: Any) -> Any:
    """What ``{{ value }}`` prints: None as nothing, a template's own markup as it is, and
    anything else as its escaped text."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))  # the escaping itself


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader([TEMPLATES, STATIC]), autoescape=True,
                      undefined=StrictUndefined, finalize=_finalize, extensions=[JoinLines],
                      keep_trailing_newline=True, auto_reload=False)
    env.filters["plural"] = text.plural
    return env


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def render(docs: list[dict[str, Any]]) -> str:
    """The conformance report of one or more results documents, as one HTML page."""
    return render_template("report.html", page=page(list(docs)))
