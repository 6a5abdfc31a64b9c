"""The program cache: in a derandomized profile (ci) each test's drafted examples are recorded
once per strategy version and replayed on later runs, without Hypothesis drafting them again.

The ci profile drafts the same programs on every run (Hypothesis is derandomized), and
drafting is the largest single cost of a check. A test that passed records, for each example
Hypothesis ran, what it drew (the values of ``st.data()``'s draws, and of the test's other
strategies): its cache entry. A later run with the same key calls the test's body with those
values, example by example, and so checks the same programs against this torch and this model,
verdicts computed afresh.

- The key is a hash of what decides the drafts: the sources of ``conformance/generate`` and
  ``conformance/program.py``, the test's module, the test's id, the profile, and the versions
  of Hypothesis and Python. A change to a strategy redrafts.
- Only a run that passed is recorded (a failure is drafted again, so that Hypothesis shrinks
  it); an example Hypothesis discarded is replayed and discarded again (a program the model
  could not check then may be checkable now, and is then checked).
- Never with a mutant active (``CONFORMANCE_MUTANT``): a mutant is caught by the programs
  drafted against it, as before.
- ``--conformance-program-cache DIR`` chooses the folder (default
  ``~/.cache/torch-conformance/programs``, or ``$TORCH_CONFORMANCE_CACHE/programs``);
  ``off`` drafts every time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis.errors import HypothesisDeprecationWarning, UnsatisfiedAssumption

PACKAGE = Path(__file__).resolve().parent.parent
FORMAT = 1  # of the cache files; part of the key


def default_folder() -> Path:
    root = os.environ.get("TORCH_CONFORMANCE_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "torch-conformance"
    return base / "programs"


@functools.lru_cache(maxsize=1)
def _drafting_sources() -> str:
    """A hash of the code that drafts programs."""
    h = hashlib.sha256()
    for path in sorted((PACKAGE / "generate").glob("*.py")) + [PACKAGE / "program.py"]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def cache_key(test_id: str, module_file: str, profile: str) -> str:
    import hypothesis
    h = hashlib.sha256()
    for part in (str(FORMAT), _drafting_sources(), Path(module_file).read_text(encoding="utf-8"),
                 test_id, profile, hypothesis.__version__, "{}.{}".format(*sys.version_info[:2])):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:32]


class Cache:
    """The cache folder of one run (None: the cache is off)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def load(self, key: str) -> list[Any] | None:
        if self.folder is None:
            return None
        try:
            return list(pickle.loads((self.folder / f"{key}.pickle").read_bytes()))
        except Exception:  # noqa: BLE001 - absent or unreadable: draft again
            return None

    def store(self, key: str, examples: list[Any]) -> None:
        """Written whole or not at all (a temporary file renamed into place)."""
        if self.folder is None:
            return
        try:
            data = pickle.dumps(examples, protocol=pickle.HIGHEST_PROTOCOL)
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, self.folder / f"{key}.pickle")
        except Exception:  # noqa: BLE001 - a value that does not pickle, a full disk: no cache
            return


class Recorder:
    """What a test drew, example by example; ``draws`` of the example in progress."""

    def __init__(self) -> None:
        self.examples: list[Any] = []  # @given: one dict per example; a machine: its steps

    def new_example(self, given: dict[str, Any], data: list[str]) -> list[Any]:
        """``given``: the values of the test's strategies; ``data``: the names of its
        ``st.data()`` arguments, whose draws the list returned receives."""
        draws: list[Any] = []
        self.examples.append({"given": given, "data": data, "draws": draws})
        return draws

    def new_run(self) -> list[dict[str, Any]]:
        """A state machine's run: the rules it ran, each with what it drew."""
        steps: list[dict[str, Any]] = []
        self.examples.append(steps)
        return steps


def record_step(run: list[dict[str, Any]] | None, rule: str, data: Any, **args: Any) -> Any:
    """A state machine's rule being run: its ``data`` (recording when ``run`` is a run being
    recorded)."""
    if run is None:
        return data
    draws: list[Any] = []
    run.append({"rule": rule, "args": args, "draws": draws})
    return RecordingData(data, draws)


class RecordingData:
    """``st.data()``'s object, remembering each value it draws."""

    def __init__(self, data: Any, draws: list[Any]) -> None:
        self._data, self._draws = data, draws

    def draw(self, strategy: Any, label: Any = None) -> Any:
        value = self._data.draw(strategy, label=label)
        self._draws.append(value)
        return value


class ReplayData:
    """Stands for ``st.data()`` in a replay: each draw is the recorded value; past the last
    one the example ends discarded, as it did when it was recorded."""

    def __init__(self, draws: list[Any]) -> None:
        self._draws = iter(draws)

    def draw(self, strategy: Any, label: Any = None) -> Any:
        try:
            return next(self._draws)
        except StopIteration:
            raise UnsatisfiedAssumption() from None


def is_data(value: Any) -> bool:
    return type(value).__name__ == "DataObject"


def recording(inner: Callable[..., Any], fixtures: set[str], recorder: Recorder
              ) -> Callable[..., Any]:
    """``inner`` (a Hypothesis test's body) recording what each call was given."""
    @functools.wraps(inner)
    def run(*args: Any, **kwargs: Any) -> Any:
        given = {k: v for k, v in kwargs.items() if k not in fixtures and not is_data(v)}
        draws = recorder.new_example(given, [k for k, v in kwargs.items() if is_data(v)])
        kwargs = {k: RecordingData(v, draws) if is_data(v) else v for k, v in kwargs.items()}
        return inner(*args, **kwargs)
    return run


_REPLAYING: list[bool] = []


def replaying() -> bool:
    """Whether an example is being replayed (a discard then ends just that example)."""
    return bool(_REPLAYING)


@contextmanager
def replay_context() -> Iterator[None]:
    _REPLAYING.append(True)
    try:
        with warnings.catch_warnings():
            # assume() outside Hypothesis' own run: it still discards the example.
            warnings.simplefilter("ignore", HypothesisDeprecationWarning)
            yield
    finally:
        _REPLAYING.pop()


def replay(inner: Callable[..., Any], fixtures: dict[str, Any], examples: list[Any]) -> None:
    """Call the body once per recorded example; a discarded example is skipped."""
    with replay_context():
        for example in examples:
            data = ReplayData(example["draws"])
            kwargs = {**fixtures, **example["given"], **{n: data for n in example["data"]}}
            try:
                inner(**kwargs)
            except UnsatisfiedAssumption:
                continue


def replay_machine(machine: Callable[[], Any], runs: list[Any]) -> None:
    """Run a state machine's recorded runs: each rule with its recorded draws, then teardown;
    a run discarded when it was recorded is discarded again."""
    with replay_context():
        for steps in runs:
            m = machine()
            try:
                for step in steps:
                    getattr(m, step["rule"])(data=ReplayData(step["draws"]), **step["args"])
            except UnsatisfiedAssumption:
                pass
            finally:
                m.teardown()


class Entry:
    """One test's place in the cache: ``load()`` its recorded examples (None: none, or the
    cache is off), ``store()`` them."""

    def __init__(self, cache: Cache, key: str) -> None:
        self.cache, self.key = cache, key

    @property
    def on(self) -> bool:
        return self.cache.folder is not None

    def load(self) -> list[Any] | None:
        return self.cache.load(self.key)

    def store(self, examples: list[Any]) -> None:
        self.cache.store(self.key, examples)


def run_test(item: Any, cache: Cache, profile: str) -> bool:
    """Run a Hypothesis test from the cache, or under Hypothesis while recording it (stored
    when it passes). False for a test that is not a Hypothesis test (pytest calls it)."""
    hyp = getattr(item.obj, "hypothesis", None)
    if hyp is None or cache.folder is None:
        return False
    fixtures = {arg: item.funcargs[arg] for arg in item._fixtureinfo.argnames}
    key = cache_key(item.nodeid, str(item.path), profile)
    examples = cache.load(key)
    if examples is not None:
        replay(hyp.inner_test, fixtures, examples)
        return True
    recorder, inner = Recorder(), hyp.inner_test
    hyp.inner_test = recording(inner, set(fixtures), recorder)
    try:
        item.obj(**fixtures)
    finally:
        hyp.inner_test = inner
    cache.store(key, recorder.examples)
    return True


def cache_for(config: Any) -> Cache:
    """The run's cache: on in a derandomized profile without a mutant, unless turned off."""
    from ..settings import PROFILES
    profile = PROFILES[config.getoption("--conformance-profile", default="ci")]
    choice = config.getoption("--conformance-program-cache", default=None)
    if choice == "off" or not profile.derandomize or os.environ.get("CONFORMANCE_MUTANT"):
        return Cache(None)
    return Cache(Path(choice) if choice else default_folder())
