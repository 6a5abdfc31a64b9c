"""The pytest plugin (entry point ``pytest11: conformance``).

- ``--conformance-profile smoke|ci|deep`` picks Hypothesis settings (``ci`` is derandomized).
- ``--device cpu,cuda`` picks devices; by default every device the installed torch has. A
  device that is not available still gets its test ids, skipped as ``NOT RUN: <reason>``,
  never passed.
- ``@pytest.mark.claim("VIEW-01")`` names a test's claims; they appear in pytest-html's report
  and in the failure message together with a torch-only reproduction.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from .. import claims as claims_mod
from ..results import shards
from ..settings import DEVICES, PROFILES, SettingsError, availability
from ..settings import requested_devices as _parse_devices
from . import harness

for _profile in PROFILES.values():
    settings.register_profile(
        f"conformance-{_profile.name}", deadline=None, database=None, print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.function_scoped_fixture,
                               HealthCheck.filter_too_much],
        max_examples=_profile.examples, derandomize=_profile.derandomize)


CACHE_KEY = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance")
    group.addoption("--conformance-profile", default="ci", choices=sorted(PROFILES),
                    help="example budget: smoke (seconds), ci (derandomized), deep (nightly)")
    group.addoption("--device", default=None,
                    help="comma-separated devices to check (default: every device known: "
                         + ", ".join(DEVICES) + "; unavailable ones are NOT RUN)")
    group.addoption("--conformance-shard", default=None, metavar="K/N",
                    help="run slice K of N (every N-th test id in sorted order, from the K-th); "
                         "`torch-conformance merge` combines the N results files")
    group.addoption("--conformance-program-cache", default=None, metavar="DIR|off",
                    help="where a derandomized profile (ci) keeps the programs it drafted, to "
                         "replay them on the next run (default ~/.cache/torch-conformance/"
                         "programs); off: draft every time")
    group.addoption("--conformance-results", default=None, metavar="PATH",
                    help="write the results file (schema torch-conformance/results) to PATH")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "claim(*ids): the documented claims a test checks")
    config.addinivalue_line("markers", "no_meta(reason): the test does not run on the meta "
                                       "device (it needs data, or facts meta leaves open)")
    profile = config.getoption("--conformance-profile", default="ci")
    settings.load_profile(f"conformance-{profile}")
    path = config.getoption("--conformance-results", default=None)
    if path and not hasattr(config, "workerinput"):  # the controlling process only
        from .collector import Collector
        config.pluginmanager.register(Collector(config, path), "conformance-results")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Load scheduling that survives two workers dying at once (scheduling.py)."""
    from .scheduling import make_scheduler
    return make_scheduler(config, log)


def requested_devices(config: pytest.Config) -> list[str]:
    try:
        return _parse_devices(config.getoption("--device", default=None) or None)
    except SettingsError as e:
        raise pytest.UsageError(str(e)) from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "device" in metafunc.fixturenames:
        metafunc.parametrize("device", requested_devices(metafunc.config), indirect=True)


@pytest.fixture
def stateful_examples(request: pytest.FixtureRequest) -> int:
    """How many runs each state machine makes in this profile."""
    return PROFILES[request.config.getoption("--conformance-profile", default="ci")].stateful


@pytest.fixture
def device(request: pytest.FixtureRequest) -> str:
    name = str(request.param)
    ok, reason = availability(name)
    if not ok:
        pytest.skip(f"NOT RUN: {reason}")
    if name.split(":")[0] == "meta":
        marker = request.node.get_closest_marker("no_meta")
        if marker is not None:
            pytest.skip(f"NOT RUN on meta: {marker.args[0] if marker.args else 'needs data'}")
    return name


def claim_ids(item: pytest.Item) -> list[str]:
    return [i for m in item.iter_markers("claim") for i in m.args]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    spec = config.getoption("--conformance-shard", default=None)
    if spec:
        _keep_shard(config, items, spec)
    for item in items:
        ids = claim_ids(item)
        for cid in ids:
            claims_mod.get(cid)  # an unknown id is an error at collection
        if ids:
            item.user_properties.append(("claims", ",".join(ids)))
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "device" in callspec.params:
            item.user_properties.append(("device", str(callspec.params["device"])))


def _keep_shard(config: pytest.Config, items: list[pytest.Item], spec: str) -> None:
    try:
        index, count = shards.parse(spec)
    except shards.ShardError as e:
        raise pytest.UsageError(str(e)) from None
    keep = shards.select([i.nodeid for i in items], index, count)
    dropped = [i for i in items if i.nodeid not in keep]
    items[:] = [i for i in items if i.nodeid in keep]
    config.hook.pytest_deselected(items=dropped)


def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[harness.RECORD_KEY] = harness.Record(claims=tuple(claim_ids(item)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """While a test runs, assert_conforms and explain() write to the test's own record."""
    token = harness.activate(item.stash.get(harness.RECORD_KEY, None))
    try:
        yield
    finally:
        harness.deactivate(token)


def _cache(config: pytest.Config) -> Any:
    from . import replay
    cache = config.stash.get(CACHE_KEY, None)
    if cache is None:
        cache = config.stash[CACHE_KEY] = replay.cache_for(config)
    return cache


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """A Hypothesis claim test of a derandomized profile replays the programs it drafted last
    time (replay.py), or records them."""
    from . import replay
    if not claim_ids(pyfuncitem):  # the suite's claim tests only, not a project's own tests
        return None
    profile = pyfuncitem.config.getoption("--conformance-profile", default="ci")
    return True if replay.run_test(pyfuncitem, _cache(pyfuncitem.config), profile) else None


@pytest.fixture
def program_cache(request: pytest.FixtureRequest) -> Any:
    """This test's entry in the program cache (a state machine records and replays its runs
    through it; replay.py)."""
    from . import replay
    profile = request.config.getoption("--conformance-profile", default="ci")
    node = request.node
    return replay.Entry(_cache(request.config),
                        replay.cache_key(node.nodeid, str(node.path), profile))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    outcome = yield
    report = outcome.get_result()
    ids = claim_ids(item)
    if report.when != "call" or not ids:
        return
    record = item.stash.get(harness.RECORD_KEY, None) or harness.Record(claims=tuple(ids))
    # Read by the results collector (conformance/pytest_plugin/collector.py), also across
    # xdist workers.
    report.user_properties.append(("conformance", json.dumps(record.to_json(), default=str)))
    try:
        from pytest_html import extras as html_extras
    except ImportError:  # pragma: no cover - pytest-html is a dependency
        return
    extras = getattr(report, "extras", [])
    for cid in ids:
        c = claims_mod.get(cid)
        extras.append(html_extras.url(c.url, name=f"{cid}: {c.quote[:80]}"))
    if record.case is not None and record.case.get("reproduction"):
        extras.append(html_extras.text(record.case["reproduction"],
                                       name=f"{record.case['verdict']}: torch-only reproduction"))
    report.extras = extras


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """List the recorded departures (expectation entries) the run met."""
    met: dict[str, int] = {}
    for reports in terminalreporter.stats.values():
        for r in reports:
            for key, value in getattr(r, "user_properties", ()):
                if key == "conformance":
                    for eid, n in json.loads(value).get("expected", {}).items():
                        met[eid] = met.get(eid, 0) + n
    if met:
        terminalreporter.write_sep("-", "expected departures (conformance/expectations.toml)")
        for eid, n in sorted(met.items()):
            terminalreporter.write_line(f"EXPECTED {eid}: met by {n} program(s)")
