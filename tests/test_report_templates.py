"""The report's and the diff page's templates: autoescaping everywhere, one self-contained page.

A results file with a script payload and an attribute-breaking payload in every text field the
pages show (claim ids, quotes, test ids, messages, programs, reproductions, mismatch paths and
values, observed facts, NOT RUN reasons, environment keys and values, expectation reasons,
URLs and statuses, explainer data, mutants, drift notes) renders both pages with the payloads
as text only; the one script on a page is the report's own. Neither page loads anything: no
``src``, no stylesheet link, only documentation ``<a href>`` links leave the page.
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from conformance.claims import CLAIMS
from conformance.report import model, render
from conformance.report.html import render as render_report
from conformance.upgrade import diff as D
from conformance.upgrade import diff_html, observed
from tests.test_report_html import (
    CHROMIUM,
    IMG_PAYLOAD,
    LAUNCH_ARGS,
    PAYLOAD,
    SCRIPT_PAYLOAD,
    case,
    claim,
    expectation,
    parse,
    result,
    run_doc,
    sample_run,
    section,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
ESCAPED = html.escape(PAYLOAD)
WEB_URL = "https://example.org/track?q=" + IMG_PAYLOAD


def p(field: str) -> str:
    """The payload, marked with the field it stands in."""
    return f"{field}: {PAYLOAD}"


# --------------------------------------------------------------------------- hostile files


def _hostile_case() -> dict[str, Any]:
    return case(test=p("test id"), message=p("message"), program=p("program"),
                reproduction=p("reproduction"),
                mismatches=[{"step": p("step"), "path": p("mismatch path"),
                             "torch": p("torch value"), "reference": {p("ref key"): PAYLOAD}},
                            p("bare mismatch")],
                observed={p("observed key"): [p("observed value")]})


def _grad_row() -> dict[str, Any]:
    return {"code": p("grad code"), "values": [p("grad values")], "version": p("grad version"),
            "grad_fn": p("grad_fn"), "error": p("grad error")}


def _explainers() -> dict[str, Any]:
    where = {"device": p("explainer device"), "test": p("explainer test")}
    return {"zero_versus_data_zero": {**where, "data": {p("grad name"): [_grad_row()]}},
            "accumulation": {**where, "data": [_grad_row()]},
            "focal_curves": {**where, "data": {"p_t": [0.1, 0.5, 0.9],
                                               "curves": {p("gamma"): [2.3, 0.7, 0.1]}}}}


def _mutants() -> dict[str, Any]:
    return {"mutants": [{"name": p("mutant name"), "description": p("mutant description"),
                         "claims": [p("mutant claim")], "killed": True,
                         "first_claim": p("first claim"), "seconds": p("seconds")}],
            "killed": p("killed"), "total": p("total"), "median_s": p("median"),
            "baseline_ok": True}


def hostile_doc() -> dict[str, Any]:
    """A results document with the payload in every text field the report shows."""
    bad = p("claim id")
    claims = [claim(bad, "VIEW", quote=p("quote"), url="javascript:" + PAYLOAD,
                    source=p("source"), drift=p("drift")),
              claim("VIEW-02", "VIEW", url=WEB_URL),
              claim("VIEW-03", p("area"), source="d2l", quote="D2L: " + p("d2l quote"),
                    drift="x")]
    results = [
        result(bad, "cpu", "MISMATCH", cases=[_hostile_case(), p("bare case")]),
        result(bad, "cuda", "NOT RUN", reason=p("reason")),
        result(bad, "meta", p("verdict")),
        result("VIEW-02", "cpu", "EXPECTED", cases=[case("EXPECTED", message="m")],
               expectation=expectation("VIEW-02", reason=p("expectation reason"),
                                       torch=p("expectation torch"), url=WEB_URL,
                                       expires=p("expires"))),
        result("VIEW-02", "meta", "PASS",
               expectation=expectation("VIEW-02", status="stale", url="javascript:" + PAYLOAD)),
        result(p("ghost claim"), p("device"), "PASS"),
    ]
    doc = run_doc(claims, results, areas={"VIEW": p("area description")},
                  explainers=_explainers(), mutants=_mutants())
    doc["environment"].update(torch="2.13.0" + PAYLOAD, platform=p("platform"),
                              profile=p("profile"), device_names={"cpu": p("device name")},
                              nested={p("env key"): [p("env list")]})
    doc["environment"][p("extra key")] = p("extra value")
    doc["started"] = p("started")
    doc["expectations"] = [
        {"id": "gone", "claims": [p("unmet claim")], "torch": p("unmet torch"),
         "reason": p("unmet reason"), "url": "javascript:" + PAYLOAD,
         "expires": p("unmet expires"), "status": "expired"},
        {"id": "other", "claims": ["VIEW-02"], "torch": ">=2", "reason": "r", "url": WEB_URL,
         "expires": "never", "status": p("unmet status")}]
    return doc


TEXT_FIELDS = [
    "claim id", "quote", "source", "drift", "area", "area description", "d2l quote",
    "test id", "message", "program", "reproduction", "step", "mismatch path", "bare mismatch",
    "bare case", "reason", "verdict", "expectation reason", "expectation torch", "expires",
    "ghost claim", "device", "platform", "profile", "device name", "extra key", "extra value",
    "started", "unmet claim", "unmet torch", "unmet reason", "unmet expires", "unmet status",
    "grad code", "grad version", "grad_fn", "grad error", "grad name", "gamma",
    "explainer device", "explainer test", "mutant name", "mutant description", "mutant claim",
    "first claim", "seconds", "killed", "total", "median",
]
JSON_FIELDS = ["torch value", "ref key", "observed key", "observed value", "grad values"]


def hostile_diff() -> dict[str, Any]:
    """The diff of two runs whose tests, programs, observations and environment carry the
    payload."""
    program = f"import torch\ndev = 'cpu'\nx = torch.ones(2)  # {p('diff program')}\n"

    def doc(torch: str, error: str, verdict: str, claim_verdict: str) -> dict[str, Any]:
        obs = [{"error": error, "state": {"values": {p("diff key"): {"values": [verdict]}}}}]
        test = {"test": "m.py::" + p("diff test"), "device": "cpu",
                "claims": ["VIEW-01", p("diff claim")], "verdict": verdict,
                "fingerprint": {"digest": torch, "programs": 1,
                                "corpus": [{"program": program, "observations": obs}]}}
        return {"environment": {"torch": torch, "python": p("diff python"), "devices": ["cpu"]},
                "started": p("diff started"),
                "claims": [{"id": "VIEW-01", "kind": "required", "url": WEB_URL,
                            "quote": p("diff quote")}],
                "results": [{"claim": "VIEW-01", "device": "cpu", "verdict": verdict},
                            {"claim": p("diff claim"), "device": "cpu",
                             "verdict": claim_verdict}],
                "tests": [test]}
    old = doc("2.6.0" + PAYLOAD, "RuntimeError: " + p("before value"), "PASS",
              p("diff verdict"))
    new = doc("2.13.0", "TypeError: " + p("after value"), "MISMATCH", p("diff verdict after"))
    return D.compare(old, new)


DIFF_TEXT_FIELDS = ["diff claim", "diff program", "diff python", "diff started",
                    "diff verdict"]


# --------------------------------------------------------------------------- checks


def assert_payloads_are_text(page: str) -> None:
    """No payload reached the page as markup: no tag, attribute or script of its own."""
    for raw in (SCRIPT_PAYLOAD, IMG_PAYLOAD, "<img", "<script>alert"):
        assert raw not in page, raw
    assert page.count("<script") == 1  # the page's own
    assert ESCAPED in page
    tags = parse(page).tags
    assert [t for t, _ in tags].count("script") == 1
    assert not [t for t, _ in tags if t in ("img", "iframe", "object", "embed", "link", "base")]
    assert not [(t, k) for t, attrs in tags for k in attrs if k.startswith("on")]
    for _, attrs in tags:
        assert not any((v or "").lower().startswith("javascript:") for v in attrs.values())
    script = section(page, "<script>", "</script>")
    assert script == "<script>\n" + (render.STATIC / "report.js").read_text()


def assert_self_contained(page: str, allowed_links: set[str]) -> None:
    """Nothing is loaded: no src, href only on <a> (a fragment or a documentation link)."""
    tags = parse(page).tags
    for tag, attrs in tags:
        assert "src" not in attrs and "srcset" not in attrs, tag
        href = attrs.get("href")
        if href is not None:
            assert tag == "a", tag
            assert href.startswith("#") or href in allowed_links, href
    assert not re.search(r"""\s(?:src|srcset|xlink:href|action|poster|data)\s*=\s*["']?"""
                         r"""(?:https?:)?//""", page, re.I)
    style = section(page, "<style>", "</style>")
    for forbidden in ("url(", "@import", "http", "//"):
        assert forbidden not in style, forbidden
    for forbidden in ("<link", "<iframe", "<img", "<object", "<embed", "@font-face"):
        assert forbidden not in page, forbidden
    assert (render.STATIC / "report.css").read_text() in style


# --------------------------------------------------------------------------- the report


def test_report_shows_every_payload_as_text() -> None:
    page = render_report([hostile_doc()])
    assert_payloads_are_text(page)
    for field in TEXT_FIELDS:
        assert html.escape(p(field)) in page, field
    for field in JSON_FIELDS:
        assert html.escape(json.dumps(p(field), ensure_ascii=False)) in page, field
    assert html.escape(WEB_URL) in page  # in an href, escaped
    assert f"<code>javascript:{ESCAPED}</code>" in page  # a non-web URL is shown, not linked


def test_merged_report_shows_every_payload_as_text() -> None:
    page = render_report([hostile_doc(), sample_run(), hostile_doc()])
    assert_payloads_are_text(page)
    for field in TEXT_FIELDS:
        assert html.escape(p(field)) in page, field


def test_report_is_self_contained() -> None:
    doc = hostile_doc()
    links = {WEB_URL, *(c["url"] for c in doc["claims"])}
    assert_self_contained(render_report([doc]), links)
    real = ROOT / "docs" / "gpu" / "results.json"
    if real.exists():
        from conformance import results as R
        gpu = R.load(real)
        urls = {c["url"] for c in gpu["claims"]} | {
            e.get("url") for e in gpu.get("expectations") or []} | {
            (r.get("expectation") or {}).get("url") for r in gpu["results"]}
        assert_self_contained(render_report([gpu]), {u for u in urls if u})


# --------------------------------------------------------------------------- the diff page


def test_diff_page_shows_every_payload_as_text() -> None:
    diff = hostile_diff()
    assert len(diff["changes"]) == 1  # one program: one change, whatever claims it has
    page = diff_html.render(diff)
    assert_payloads_are_text(page)
    for field in [*DIFF_TEXT_FIELDS, "diff verdict after", "diff key",
                  "before value", "after value"]:
        assert html.escape(p(field)) in page, field
    # The claim's documentation is the registry's: a results file cannot point the page
    # elsewhere.
    assert html.escape(WEB_URL) not in page and html.escape(CLAIMS["VIEW-01"].url) in page
    # The diff names a test by what follows the last "/" of its id (observed.test_key).
    assert html.escape(observed.test_key("m.py::" + p("diff test"))) in page
    assert html.escape("Upgrading torch 2.6.0" + PAYLOAD) in page


def test_diff_page_is_self_contained_and_shares_the_report_style() -> None:
    diff = hostile_diff()
    page = diff_html.render(diff)
    assert_self_contained(page, {c.url for c in CLAIMS.values()})
    style = section(page, "<style>", "</style>")
    assert style.endswith((render.STATIC / "diff.css").read_text())


# --------------------------------------------------------------------------- templates


def test_every_template_escapes_and_none_opts_out() -> None:
    env = render.environment()
    assert env.autoescape is True
    names = sorted(env.list_templates(extensions=["html"]))
    assert names == sorted(f.name for f in render.TEMPLATES.glob("*.html"))
    for name in names:
        env.get_template(name)  # each one compiles
        source = (render.TEMPLATES / name).read_text()
        assert not re.search(r"\|\s*safe\b|Markup|\{%-?\s*autoescape", source), name
    # The one Markup of the page code: finalize's, around html.escape (the escaping itself).
    sources = [*ROOT.glob("conformance/report/*.py"), ROOT / "conformance/upgrade/diff_html.py"]
    made = {path.name: path.read_text().count("Markup(") for path in sources}
    assert sum(made.values()) == made["render.py"] == 1
    assert "return Markup(html.escape(str(value), quote=True))" in inspect.getsource(
        render._finalize)


def _walk(value: Any) -> list[Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [value, *(v for f in dataclasses.fields(value)
                         for v in _walk(getattr(value, f.name)))]
    if isinstance(value, dict):
        return [value, *(v for kv in value.items() for item in kv for v in _walk(item))]
    if isinstance(value, (list, tuple)):
        return [value, *(v for item in value for v in _walk(item))]
    return [value]


def test_page_models_hold_plain_text_only() -> None:
    for page_model in (model.page([hostile_doc()]), diff_html.page(hostile_diff())):
        leaves = _walk(page_model)
        assert not [v for v in leaves if isinstance(v, Markup) or hasattr(v, "__html__")]
        assert any(isinstance(v, str) and PAYLOAD in v for v in leaves)


def test_finalize_escapes_like_the_report_always_did() -> None:
    template = render.environment().from_string('<p title="{{ v }}">{{ v }}{{ n }}</p>')
    out = template.render(v="<a href='x'>\"&", n=None)
    assert out == ('<p title="&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;">'
                   "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;</p>")


def test_an_undefined_name_is_an_error() -> None:
    from jinja2 import UndefinedError
    with pytest.raises(UndefinedError):
        render.environment().from_string("{{ nothing }}").render()


def test_join_lines() -> None:
    join = render.join_lines
    assert join("<tr>\n  <td>{{ a }}</td>\n  {% if b %}\n    <td>\n{% endif %}\n") == (
        "<tr><td>{{ a }}</td>{% if b %}<td>{% endif %}")
    assert join("<p>one\n   two\n\n   three</p>") == "<p>one two three</p>"
    assert join("<b>x</b>\n· y\n<i>z</i>") == "<b>x</b> · y <i>z</i>"
    assert join("{{ a }} on\n  {{ b }}") == "{{ a }} on {{ b }}"


def test_templates_and_static_files_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "jinja2>=3" in config["project"]["dependencies"]
    globs = config["tool"]["setuptools"]["package-data"]["conformance"]
    package = ROOT / "conformance"
    shipped = {f for g in globs for f in package.glob(g)}
    files = {f for d in (render.TEMPLATES, render.STATIC) for f in d.iterdir() if f.is_file()}
    assert files and files <= shipped, sorted(str(f) for f in files - shipped)


# --------------------------------------------------------------------------- in a browser


def test_diff_page_in_chromium(tmp_path: Path) -> None:
    """The hostile diff page in a real browser: payloads are visible text, nothing ran."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is absent")
        pytest.skip(f"{CHROMIUM} is absent")
    if os.environ.get("CI"):
        import playwright.sync_api as sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    path = tmp_path / "diff.html"
    path.write_text(diff_html.render(hostile_diff()), encoding="utf-8")
    requests: list[str] = []

    def dialog(d: Any) -> None:  # an alert() would be a payload that ran
        requests.append("dialog:" + d.message)
        d.dismiss()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        tab = browser.new_page()
        tab.on("request", lambda r: requests.append(r.url))
        tab.on("dialog", dialog)
        tab.goto(path.as_uri())
        assert tab.get_by_text(p("diff program")).first.is_visible()
        assert tab.locator("img").count() == 0
        assert tab.title().startswith("Upgrading torch 2.6.0")
        assert tab.locator("html.js").count() == 1  # the page's own script ran
        browser.close()
    assert requests and all(r.startswith("file://") for r in requests), requests
