"""The HTML conformance report (conformance/report_html.py), from synthetic results documents.

The unit tests check the page's structure, its escaping of everything that comes from the
results file, that it loads nothing from anywhere, and its size on a full run. The browser
tests open the page in headless Chromium and check what a reader actually sees.
"""

from __future__ import annotations

import copy
import html
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conformance.report.html import render

DEVICES = ("cpu", "meta", "cuda")
CUDA_REASON = "no CUDA device (torch.cuda.is_available() is False)"
REPRO = ("import torch\n\nx = torch.arange(6).reshape(2, 3)\ny = x.t()\n"
         "print(y.stride())  # documented: (1, 3) & 'quotes' \"too\" <tag>\n")
SCRIPT_PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT_PAYLOAD + IMG_PAYLOAD
AREAS = {
    "VIEW": "Views: shared storage, strides and the view() rule",
    "DTYPE": "Type promotion and dtypes",
    "AUTOGRAD": "Autograd: gradients and version counters",
}


# --------------------------------------------------------------------------- builders


def claim(cid: str, area: str, **kw: Any) -> dict[str, Any]:
    return {"id": cid, "area": area, "url": f"https://docs.pytorch.org/docs/stable/{cid}.html",
            "quote": f"The documented sentence for {cid}.", "kind": "required",
            "source": "pytorch", **kw}


def case(verdict: str = "MISMATCH", **kw: Any) -> dict[str, Any]:
    return {"test": "conformance/claim_tests/test_views.py::test_view[cpu]", "verdict": verdict,
            "message": "y.stride() differs from the documented strides", "program": None,
            "reproduction": None, "mismatches": [], "observed": {}, **kw}


def result(cid: str, device: str, verdict: str = "PASS", **kw: Any) -> dict[str, Any]:
    return {"claim": cid, "device": device, "verdict": verdict, "tests": 4, "examples": 312,
            "reason": "", "expectation": None, "cases": [], **kw}


def expectation(cid: str, status: str = "active", **kw: Any) -> dict[str, Any]:
    return {"claim": cid, "torch": ">=2.0,<2.15", "reason": f"known departure of {cid}",
            "url": "https://github.com/pytorch/pytorch/issues/1", "expires": "2027-06-01",
            "status": status, **kw}


def run_doc(claims: list[dict[str, Any]], results: list[dict[str, Any]], *,
            torch: str = "2.13.0+cpu", devices: tuple[str, ...] = DEVICES,
            areas: dict[str, str] | None = None, **kw: Any) -> dict[str, Any]:
    """A results document; every (claim, device) without an explicit result passes, except
    cuda, which is NOT RUN."""
    given = {(r["claim"], r["device"]) for r in results}
    filled = list(results)
    for c in claims:
        for d in devices:
            if (c["id"], d) not in given:
                filled.append(result(c["id"], d, "NOT RUN", tests=0, examples=0,
                                     reason=CUDA_REASON) if d == "cuda" else result(c["id"], d))
    return {
        "schema": "torch-conformance/results", "schema_version": 1,
        "started": "2026-11-27T05:00:00Z", "finished": "2026-11-27T05:00:41Z",
        "duration_s": 41.2, "interrupted": False, "exit_status": 1,
        "environment": {"torch": torch, "torch_git": "abc123", "cuda": None,
                        "cuda_driver": None, "device_names": {"cpu": "x86_64"},
                        "python": "3.11.7", "numpy": "2.4.6", "hypothesis": "6.140.0",
                        "platform": "Linux-6.1-x86_64", "profile": "ci", "seed": 0,
                        "devices": list(devices)},
        "areas": dict(AREAS if areas is None else areas),
        "claims": claims, "results": filled, **kw,
    }


def sample_run(**kw: Any) -> dict[str, Any]:
    """One of every verdict, on the cpu column (cuda is NOT RUN throughout)."""
    claims = [
        claim("VIEW-01", "VIEW"),
        claim("VIEW-02", "VIEW"),
        claim("DTYPE-01", "DTYPE"),
        claim("DTYPE-02", "DTYPE"),
        claim("AUTOGRAD-01", "AUTOGRAD", source="d2l", kind="implementation-defined"),
        claim("AUTOGRAD-02", "AUTOGRAD"),
        claim("AUTOGRAD-03", "AUTOGRAD"),
    ]
    mismatch = case(reproduction=REPRO, program="import torch\nprogram = 1\n",
                    mismatches=[{"step": 2, "path": "y.stride()", "torch": [1, 2],
                                 "reference": [2, 1]}],
                    observed={"y": {"shape": [2, 3], "stride": [1, 2]}})
    results = [
        result("VIEW-01", "cpu", "MISMATCH", cases=[mismatch]),
        result("DTYPE-01", "cpu", "EXPECTED", expectation=expectation("DTYPE-01"),
               cases=[case("EXPECTED", message="int8 overflow wraps")]),
        result("DTYPE-02", "cpu", "PASS", expectation=expectation("DTYPE-02", status="stale")),
        result("AUTOGRAD-01", "cpu", "ALLOWED",
               cases=[case("ALLOWED", message="grad layout differs (allowed)")]),
        result("AUTOGRAD-02", "meta", "CRASH",
               cases=[case("CRASH", message="Traceback (most recent call last):\n  boom")]),
        result("AUTOGRAD-03", "cpu", "UNMODELLED",
               cases=[case("UNMODELLED", message="reference does not model sparse tensors")]),
    ]
    return run_doc(claims, results, **kw)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each <pre>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.pres: list[str] = []
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "pre":
            self._pre_depth += 1
            self.pres.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._pre_depth:
            self.pres[-1] += data


def parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def section(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return page[i:page.index(end, i)]


# --------------------------------------------------------------------------- structure


def test_header_names_the_run() -> None:
    page = render([sample_run()])
    assert "<h1>torch-conformance report</h1>" in page
    assert "2.13.0+cpu" in page and "ci" in page and "41.2 s" in page
    assert "2026-11-27T05:00:00Z" in page
    assert "interrupted" not in section(page, "<header", "</header>")


def test_interrupted_run_gets_a_banner() -> None:
    assert 'class="banner bad"' not in render([sample_run()])
    page = render([sample_run(interrupted=True)])
    assert re.search(r'<div class="banner bad"[^>]*>[^<]*was interrupted', page)


def test_every_area_heading_and_claim_id_present() -> None:
    doc = sample_run()
    page = render([doc])
    for area, description in AREAS.items():
        assert re.search(rf'<h2 id="area-{area}">{area} <span[^>]*>— {re.escape(description)}',
                         page)
    for c in doc["claims"]:
        assert f'<tr id="claim-{c["id"]}"' in page
        assert f'>{c["id"]}<br>' in page


def test_areas_follow_the_documents_order() -> None:
    page = render([sample_run()])
    positions = [page.index(f'id="area-{a}"') for a in AREAS]
    assert positions == sorted(positions)


def test_summary_comes_before_the_claims() -> None:
    page = render([sample_run()])
    assert page.index('id="summary"') < page.index('id="area-VIEW"')
    assert page.index('id="area-AUTOGRAD"') < page.index('id="expectations"')
    assert page.index('id="expectations"') < page.index('id="environment"')


def test_mismatch_reproduction_is_verbatim_inside_a_pre() -> None:
    pres = parse(render([sample_run()])).pres
    # The parser drops nothing: the page puts a newline right after <pre>, which browsers drop.
    assert "\n" + REPRO in pres


def test_copy_button_targets_the_reproduction_pre() -> None:
    page = render([sample_run()])
    tags = parse(page).tags
    buttons = [a for t, a in tags if t == "button" and "copy" in (a.get("class") or "")]
    assert buttons
    pre_ids = {a.get("id") for t, a in tags if t == "pre"}
    assert all(b["data-target"] in pre_ids for b in buttons)
    target = buttons[0]["data-target"]
    assert re.search(rf'<pre id="{target}" class="code">\n{re.escape(html.escape(REPRO))}</pre>',
                     page)


def test_mismatch_table_shows_step_path_and_values() -> None:
    page = render([sample_run()])
    table = section(page, '<table class="mm">', "</table>")
    assert "<td>y.stride()</td>" in table
    assert "[1, 2]" in table and "[2, 1]" in table
    assert '<td class="num">2</td>' in table


def test_observed_facts_are_collapsed() -> None:
    page = render([sample_run()])
    assert re.search(r"<details><summary>Observed facts</summary><pre class=\"observed\">\n"
                     r"[^<]*&quot;stride&quot;", page)


def test_not_run_reason_shown_as_title_and_note() -> None:
    page = render([sample_run()])
    escaped = html.escape(CUDA_REASON)
    assert f'title="NOT RUN: {escaped}"' in page
    assert f'<small class="reason">{escaped}</small>' in page
    long_reason = "driver too old: " + "x" * 200
    doc = run_doc([claim("VIEW-01", "VIEW")],
                  [result("VIEW-01", "cuda", "NOT RUN", reason=long_reason)])
    page = render([doc])
    assert f'title="NOT RUN: {long_reason}"' in page
    assert re.search(r'<small class="reason">driver too old: x+ … \(truncated', page)


def test_expected_and_stale_expectations_shown() -> None:
    page = render([sample_run()])
    assert 'class="v v-expected"' in page
    assert "known departure of DTYPE-01" in page
    assert "&gt;=2.0,&lt;2.15" in page
    assert '<span class="badge stale">stale expectation</span>' in page
    expectations = section(page, 'id="expectations"', "</section>")
    assert "DTYPE-01" in expectations and "DTYPE-02" in expectations
    assert "passes now on cpu: remove this expectation" in expectations
    assert expectations.count("remove this expectation") == 1


def test_every_verdict_has_a_coloured_cell_with_its_word() -> None:
    page = render([sample_run()])
    for verdict, cls in [("PASS", "v-pass"), ("MISMATCH", "v-mismatch"),
                         ("UNMODELLED", "v-unmodelled"), ("CRASH", "v-crash"),
                         ("NOT RUN", "v-notrun"), ("EXPECTED", "v-expected"),
                         ("ALLOWED", "v-allowed")]:
        assert re.search(rf'<td class="v {cls}" title="[^"]*">(<a [^>]*>)?{verdict}<', page), \
            verdict


def test_legend_explains_every_verdict() -> None:
    legend = section(render([sample_run()]), 'id="legend"', "</table>")
    for verdict in ("PASS", "MISMATCH", "UNMODELLED", "CRASH", "NOT RUN", "EXPECTED", "ALLOWED"):
        assert re.search(rf">{verdict}</td><td>[^<]{{20,}}</td>", legend), verdict


def test_badges_for_d2l_and_implementation_defined() -> None:
    page = render([sample_run()])
    row = section(page, '<tr id="claim-AUTOGRAD-01"', "</tr>")
    assert ">D2L</span>" in row and ">implementation-defined</span>" in row
    row = section(page, '<tr id="claim-VIEW-01"', "</tr>")
    assert "D2L" not in row and "implementation-defined" not in row


def test_doc_link_and_quote_on_claim_row() -> None:
    row = section(render([sample_run()]), '<tr id="claim-VIEW-01"', "</tr>")
    assert '<a href="https://docs.pytorch.org/docs/stable/VIEW-01.html"' in row
    assert "<q>The documented sentence for VIEW-01.</q>" in row


def test_passing_claims_are_collapsed_and_failures_come_first() -> None:
    page = render([sample_run()])
    view = section(page, 'id="area-VIEW"', "</section>")
    failing, passing = view.index('id="claim-VIEW-01"'), view.index('id="claim-VIEW-02"')
    details = view.index('<details class="passing">')
    assert failing < details < passing
    assert "<summary>1 claim passes on every column that ran</summary>" in view
    autograd = section(page, 'id="area-AUTOGRAD"', "</section>")
    order = [autograd.index(f'id="claim-AUTOGRAD-0{n}"') for n in (2, 3, 1)]
    assert order == sorted(order)  # CRASH and UNMODELLED before ALLOWED
    assert '<details class="passing">' not in autograd


def test_all_pass_claims_without_not_run_say_every_column() -> None:
    doc = run_doc([claim("VIEW-01", "VIEW"), claim("VIEW-02", "VIEW")], [],
                  devices=("cpu", "meta"), areas={"VIEW": "Views"})
    assert "<summary>2 claims pass on every column</summary>" in render([doc])


def test_summary_pass_rates() -> None:
    page = render([sample_run()])
    summary = section(page, '<table class="summary">', "</table>")
    # cpu: VIEW-02, DTYPE-02, AUTOGRAD-02 pass of 7 run; meta: 6 of 7; cuda: nothing ran.
    total = section(summary, '<tr class="total">', "</tr>")
    assert re.findall(r"<small>(\d+ / \d+)", total) == ["3 / 7", "6 / 7"]
    # The known departure is run and not a pass, shown apart from the failures.
    assert re.findall(r"<small>\d+ / \d+ · (\d+) expected", total) == ["1"]
    assert '<td class="num muted">n/a</td>' in total
    assert "<b>43%</b>" in total and "<b>86%</b>" in total
    view = section(summary, '<a href="#area-VIEW">', "</tr>")
    assert re.findall(r"<small>(\d+ / \d+)", view) == ["1 / 2", "2 / 2"]


def test_bar_charts_are_inline_svg() -> None:
    page = render([sample_run()])
    charts = section(page, '<div class="charts">', "</div>")
    assert charts.count("<svg") == 2
    assert "Pass rate per column" in charts and "Pass rate per area" in charts
    assert "43% (3/7, 1 expected)" in charts and "n/a" in charts
    for area in AREAS:
        assert f">{area}<title>" in charts


def test_verdict_counts() -> None:
    legend = section(render([sample_run()]), 'id="legend"', "</table>")
    row = section(legend, ">MISMATCH</td>", "</tr>")
    assert re.findall(r'<td class="num">(?:<b>)?(\d+)', row) == ["1", "1", "0", "0"]
    row = section(legend, ">NOT RUN</td>", "</tr>")
    assert re.findall(r'<td class="num">(?:<b>)?(\d+)', row) == ["7", "0", "0", "7"]


def test_single_run_has_one_column_per_device() -> None:
    page = render([sample_run()])
    head = section(page, '<table class="claims"><colgroup>', "</thead>")
    assert re.findall(r'<th class="v" scope="col">(\w+)', head) == list(DEVICES)
    assert "<small>x86_64</small>" in head


def test_merged_render_has_run_labelled_columns() -> None:
    page = render([sample_run(), sample_run(torch="2.12.1+cu121", devices=("cpu", "meta"))])
    head = section(page, '<table class="claims"><colgroup>', "</thead>")
    labels = re.findall(r'<th class="v" scope="col">([^<]+)', head)
    assert labels == ["2.13.0 · cpu", "2.13.0 · meta", "2.13.0 · cuda",
                      "2.12.1 · cpu", "2.12.1 · meta"]
    row = section(page, '<tr id="claim-AUTOGRAD-02"', "</tr>")
    assert re.findall(r'<td class="v v-(\w+)"', row) == [
        "pass", "crash", "notrun", "pass", "crash"]
    assert "<b>Run 2</b>" in page


def test_merged_runs_with_the_same_torch_get_distinct_labels() -> None:
    def labels(page: str) -> list[str]:
        head = section(page, '<table class="claims"><colgroup>', "</thead>")
        return re.findall(r'<th class="v" scope="col">([^<]+)', head)[::2]

    two = ("cpu", "meta")
    assert labels(render([sample_run(devices=two), sample_run(devices=two)])) == [
        "2.13.0 (run 1) · cpu", "2.13.0 (run 2) · cpu"]
    assert labels(render([sample_run(devices=two),
                          sample_run(torch="2.13.0+cu121", devices=two)])) == [
        "2.13.0+cpu · cpu", "2.13.0+cu121 · cpu"]


def test_environment_lists_every_key_of_every_run() -> None:
    docs = [sample_run(), sample_run(torch="2.12.1+cpu")]
    docs[1]["environment"]["extra"] = "only in run 2"
    env = section(render(docs), 'id="environment"', "</section>")
    assert '<th scope="col">Run 1</th><th scope="col">Run 2</th>' in env
    for key in [*docs[0]["environment"], "started", "exit_status"]:
        row = section(env, f'<tr><th scope="row">{key}</th>', "</tr>")
        assert row.count("<td>") == 2, key
    assert "<td>cpu: x86_64</td>" in env and "<td>cpu, meta, cuda</td>" in env
    assert "<td>2.13.0+cpu</td><td>2.12.1+cpu</td>" in env
    assert '<td class="muted">—</td><td>only in run 2</td>' in env


def test_case_cap_and_value_truncation() -> None:
    long_value = "x" * 5000
    cases = [case(message=f"case number {n}",
                  mismatches=[{"step": 1, "path": "v", "torch": long_value, "reference": 1}])
             for n in range(25)]
    doc = run_doc([claim("VIEW-01", "VIEW")], [result("VIEW-01", "cpu", "MISMATCH",
                                                      cases=cases)])
    page = render([doc])
    assert "case number 19" in page and "case number 20" not in page
    assert "… and 5 more cases not shown." in page
    assert long_value not in page
    assert "… (truncated: " in page


def test_unknown_claims_and_areas_still_render() -> None:
    doc = run_doc([claim("X-01", "NEWAREA")], [result("GHOST-01", "cpu", "WEIRD")],
                  devices=("cpu",), areas={})
    page = render([doc])
    assert 'id="area-NEWAREA"' in page and 'id="area-OTHER"' in page
    assert 'id="claim-GHOST-01"' in page and 'class="v v-other"' in page


def test_empty_input_renders_a_page() -> None:
    page = render([])
    assert "<h1>torch-conformance report</h1>" in page and "No results documents" in page


def test_render_is_deterministic_and_does_not_mutate_its_input() -> None:
    docs = [sample_run(), sample_run(torch="2.12.1+cpu")]
    before = copy.deepcopy(docs)
    assert render(docs) == render(docs)
    assert docs == before


# --------------------------------------------------------------------------- escaping


def hostile_run() -> dict[str, Any]:
    """The payload in every string field the page shows."""
    bad_id = "VIEW-66" + PAYLOAD
    claims = [claim(bad_id, "VIEW", quote="quote " + PAYLOAD, url="javascript:alert(1)"),
              claim("VIEW-02", "VIEW", url="https://docs.pytorch.org/x?a=1&b=" + IMG_PAYLOAD)]
    bad_case = case(test="test " + PAYLOAD, message="message " + PAYLOAD,
                    program="program = '" + PAYLOAD + "'", reproduction="repro " + PAYLOAD,
                    mismatches=[{"step": PAYLOAD, "path": "path " + PAYLOAD,
                                 "torch": PAYLOAD, "reference": {PAYLOAD: PAYLOAD}}],
                    observed={PAYLOAD: [PAYLOAD]})
    results = [
        result(bad_id, "cpu", "MISMATCH", cases=[bad_case]),
        result(bad_id, "cuda", "NOT RUN", reason="reason " + PAYLOAD),
        result("VIEW-02", "cpu", "EXPECTED",
               expectation=expectation("VIEW-02", reason=PAYLOAD, torch=PAYLOAD,
                                       url="javascript:" + PAYLOAD, expires=PAYLOAD)),
        result(bad_id, "meta", PAYLOAD),
    ]
    doc = run_doc(claims, results, areas={"VIEW": "views " + PAYLOAD})
    doc["environment"].update(platform="platform " + PAYLOAD, torch="2.13.0" + PAYLOAD,
                              profile=PAYLOAD, device_names={"cpu": PAYLOAD})
    doc["started"] = PAYLOAD
    return doc


def test_payloads_never_appear_unescaped() -> None:
    page = render([hostile_run()])
    for raw in (SCRIPT_PAYLOAD, IMG_PAYLOAD, "<img", "<script>alert"):
        assert raw not in page, raw
    assert html.escape(SCRIPT_PAYLOAD) in page
    assert html.escape(IMG_PAYLOAD) in page
    assert page.count("<script>") == 1  # the page's own


def test_payloads_add_no_tags_or_attributes() -> None:
    tags = parse(render([hostile_run()])).tags
    assert not [t for t, _ in tags if t in ("img", "iframe", "object", "embed", "link", "base")]
    assert [t for t, _ in tags].count("script") == 1
    assert not [(t, k) for t, attrs in tags for k in attrs if k.startswith("on")]
    for _, attrs in tags:
        assert not any((v or "").lower().startswith("javascript:") for v in attrs.values())


def test_every_field_shows_its_payload_as_text() -> None:
    page = render([hostile_run()])
    escaped = html.escape(PAYLOAD)
    for prefix in ("quote ", "message ", "repro ", "path ", "reason ", "views ", "platform ",
                   "test "):
        assert html.escape(prefix) + escaped in page, prefix
    assert "program = &#x27;" + escaped in page
    assert "VIEW-66" + escaped in page  # the claim id, as text


def test_html_ids_and_fragment_links_are_sanitized() -> None:
    tags = parse(render([hostile_run()])).tags
    ids = [a["id"] for _, a in tags if a.get("id") is not None]
    fragments = [a["href"][1:] for t, a in tags if t == "a" and (a.get("href") or "")[:1] == "#"]
    assert ids and fragments
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i or "") for i in ids + fragments)
    assert len(ids) == len(set(ids))
    assert set(fragments) <= set(ids)


def test_script_holds_no_data() -> None:
    def script(page: str) -> str:
        return section(page, "<script>", "</script>")

    hostile = script(render([hostile_run()]))
    assert hostile == script(render([sample_run()])) == script(render([]))
    assert "alert" not in hostile and "VIEW" not in hostile


# --------------------------------------------------------------------------- self-contained


def test_page_loads_nothing_from_anywhere() -> None:
    doc = sample_run()
    page = render([doc, sample_run(torch="2.12.1+cpu")])
    tags = parse(page).tags
    doc_urls = {c["url"] for c in doc["claims"]}
    doc_urls |= {r["expectation"]["url"] for r in doc["results"] if r["expectation"]}
    for tag, attrs in tags:
        assert "src" not in attrs, tag
        href = attrs.get("href")
        if href is not None:
            assert tag == "a", tag
            assert href.startswith("#") or href in doc_urls, href
    style = section(page, "<style>", "</style>")
    for forbidden in ("url(", "@import", "http"):
        assert forbidden not in style
    for forbidden in ("<link", "<iframe", "<img", "<object", "<embed", "xmlns", "@font-face"):
        assert forbidden not in page
    outside_links = re.sub(r'<a href="https?://[^"]*"', "", page)
    assert not re.search(r"https?://", outside_links.replace(
        "https://github.com/pytorch/pytorch/issues/1", "").replace(
        "https://docs.pytorch.org/docs/stable/", ""))


# --------------------------------------------------------------------------- size


def full_run() -> dict[str, Any]:
    """80 claims over 8 areas on 3 devices, 10 of them failing with 50 KB of observed facts."""
    areas = {f"AREA{a}": f"Area number {a}" for a in range(8)}
    claims = [claim(f"AREA{n % 8}-{n:02d}", f"AREA{n % 8}") for n in range(80)]
    big = {f"t{k}": {"shape": [k, k + 1], "stride": [k + 1, 1], "values": list(range(40))}
           for k in range(400)}
    results = []
    for c in claims[:10]:
        failure = case(reproduction=REPRO, program=REPRO * 3, observed=big,
                       mismatches=[{"step": s, "path": f"t{s}.stride()", "torch": [1, s],
                                    "reference": [s, 1]} for s in range(8)])
        results.append(result(c["id"], "cpu", "MISMATCH", cases=[failure]))
    doc = run_doc(claims, results, areas=areas)
    assert len(str(big)) > 50_000
    return doc


def test_full_run_is_under_two_megabytes() -> None:
    page = render([full_run()])
    size = len(page.encode("utf-8"))
    assert size < 2_000_000, size
    assert page.count("… (truncated: ") == 10  # each observed block, visibly truncated
    assert page.count('<details class="passing">') == 8


# --------------------------------------------------------------------------- in a browser

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = Path(__file__).resolve().parent.parent / "reports" / "report-screenshot.png"
PWNED = "<script>document.title='pwned'</script>"


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium binary; installed once with apt-get when absent and running as root."""
    if not Path(CHROMIUM).exists() and hasattr(os, "geteuid") and os.geteuid() == 0 \
            and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "chromium"], check=False,
                       capture_output=True, timeout=600)
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is absent and could not be installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI the report must be checked in a real browser
        pytest.skip(message)
    return CHROMIUM


def browser_run() -> dict[str, Any]:
    doc = sample_run()
    view_01 = next(r for r in doc["results"] if r["claim"] == "VIEW-01" and r["device"] == "cpu")
    view_01["cases"][0]["message"] = "torch said " + PWNED
    return doc


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "index.html"
    path.write_text(render([browser_run()]), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Any:
    if os.environ.get("CI"):
        import playwright.sync_api as sync_api  # in CI: a missing playwright is a failure
    else:
        sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    chromium = request.getfixturevalue("chromium")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Any, report_file: Path) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(report_file.as_uri())
    yield tab
    context.close()


class TestInBrowser:
    def test_summary_and_every_area_heading_visible(self, page: Any) -> None:
        assert page.locator("table.summary").is_visible()
        assert page.locator("svg").first.is_visible()
        for area in AREAS:
            assert page.locator(f"h2#area-{area}").is_visible()

    def test_failing_claim_and_reproduction_visible(self, page: Any) -> None:
        assert page.locator("#claim-VIEW-01").is_visible()
        pre = page.locator("pre#detail-VIEW-01-0-case1-repro")
        assert pre.is_visible()
        assert pre.text_content() == REPRO

    def test_injected_script_is_text(self, page: Any) -> None:
        assert page.get_by_text(PWNED).first.is_visible()
        assert page.title() != "pwned"
        assert "torch-conformance report" in page.title()

    def test_passing_claim_hidden_until_details_opened(self, page: Any) -> None:
        row = page.locator("#claim-VIEW-02")
        assert row.count() == 1 and not row.is_visible()
        page.locator("#area-VIEW ~ details.passing > summary").click()
        assert row.is_visible()

    def test_copy_button_copies_the_exact_reproduction(self, page: Any) -> None:
        button = page.locator('button.copy[data-target="detail-VIEW-01-0-case1-repro"]')
        assert button.is_visible()
        button.click()
        page.wait_for_function("document.querySelector('button.copy[data-target="
                               "\"detail-VIEW-01-0-case1-repro\"]').hasAttribute('data-copied')")
        assert button.get_attribute("data-copied") == "true"
        assert button.text_content() == "Copied"
        assert page.evaluate("navigator.clipboard.readText()") == REPRO

    def test_screenshot(self, page: Any) -> None:
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        assert SCREENSHOT.stat().st_size > 10_000



def test_a_real_run_opens_in_chromium_with_every_area(browser: Any, tmp_path: Path) -> None:
    """python -m conformance run (smoke, cpu and meta) writes a report that a real browser
    shows: the summary, a heading per area with the registry's areas, the verdict counts."""
    import sys

    from conformance.claims import AREAS as REAL_AREAS
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--profile", "smoke",
                           "--device", "cpu,meta", "--out", str(tmp_path), "--jobs", "2",
                           "--seed", "1"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto((tmp_path / "index.html").as_uri())
    assert tab.locator("table.summary").is_visible()
    for area in REAL_AREAS:
        assert tab.locator(f"h2#area-{area}").is_visible(), area
    assert tab.get_by_text("Every required claim that ran conforms").is_visible()
    context.close()


def test_expired_and_unmet_expectation_entries_are_listed() -> None:
    doc = sample_run()
    doc["expectations"] = [
        {"id": "old-one", "claims": ["VIEW-01"], "torch": ">=2.0", "reason": "gone <b>",
         "url": "https://example.org/x", "expires": "2020-01-01", "status": "expired"},
        {"id": "quiet", "claims": ["VIEW-02"], "torch": ">=2.0", "reason": "rare",
         "url": "https://example.org/y", "expires": "2030-01-01", "status": "not met"}]
    page = render([doc])
    section = page[page.index('<section id="expectations">'):]
    assert "EXPIRED</span> no longer applied" in section and "gone &lt;b&gt;" in section
    assert "not met" in section and "2030-01-01" in section


# --------------------------------------------------------------------------- honest arithmetic


def test_a_known_departure_is_counted_apart_from_failures() -> None:
    """EXPECTED is run, not a pass and not a failure: the summary counts it apart, the bars
    draw it in a colour of its own, and it is listed as a known departure, not as needing
    attention."""
    claims = [claim("VIEW-01", "VIEW"), claim("VIEW-02", "VIEW")]
    doc = run_doc(claims, [result("VIEW-01", "cpu", "EXPECTED",
                                  expectation=expectation("VIEW-01"),
                                  cases=[case("EXPECTED")])], devices=("cpu",),
                  exit_status=0)
    page = render([doc])
    assert "1 / 2 · 1 expected" in page
    assert 'fill="#d4a72c"' in page  # the amber segment
    assert "1 known departure (EXPECTED)" in page
    assert "No claim needs attention" in page
    assert "Every required claim that ran conforms (exit status 0), apart from 1 known " \
           "departure (EXPECTED)." in page


def test_a_claim_that_never_ran_is_not_among_the_passing() -> None:
    claims = [claim("VIEW-01", "VIEW"), claim("VIEW-02", "VIEW")]
    doc = run_doc(claims, [result("VIEW-02", "cpu", "NOT RUN", tests=0, examples=0,
                                  reason="NOT RUN on meta: meta tensors have none")],
                  devices=("cpu",), exit_status=0)
    page = render([doc])
    assert "1 claim passes on every column" in page
    assert "1 claim ran on no column (not a pass)" in page
    assert "1 claim ran on no column." in page
    # The cell's tooltip does not say NOT RUN twice.
    assert 'title="NOT RUN on meta: meta tensors have none"' in page
    assert "NOT RUN: NOT RUN" not in page


def test_an_interrupted_run_never_shows_the_green_banner() -> None:
    doc = sample_run(exit_status=1, interrupted=True, never_ran={"count": 3, "tests": []},
                     tests=[{"test": "t.py::a[cpu]", "claims": ["VIEW-02"], "device": "cpu",
                             "verdict": "PASS", "examples": 3}])
    for r in doc["results"]:
        if r["verdict"] in ("MISMATCH", "CRASH", "UNMODELLED"):
            r["verdict"] = "PASS"
    page = render([doc])
    assert "was interrupted: 1 test ran and 3 tests never did" in page
    assert "the run did not finish (exit status 1)" in page
    assert "exit status 0" not in page


def test_a_truncation_marker_is_never_longer_than_what_it_hides() -> None:
    from conformance.report.text import clip
    assert clip("x" * 90, 80) == "x" * 90
    long = "x" * 300
    clipped = clip(long, 80)
    assert clipped.startswith("x" * 80) and "(truncated: 220 more characters)" in clipped
    assert len(clipped) < len(long)
