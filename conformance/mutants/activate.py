"""pytest plugin: ``-p conformance.mutants.activate`` applies the mutant named by the environment
variable ``CONFORMANCE_MUTANT`` (nothing when it is unset or empty).

With ``CONFORMANCE_NO_SHRINK=1`` it also drops Hypothesis' shrink and explain phases from the
conformance profile the suite's plugin loaded: a mutant is caught (or not) in the generate
phase; shrinking its failure only shortens the reproduction, and takes most of the run's time.
"""

from __future__ import annotations

import os

import pytest

ENV = "CONFORMANCE_MUTANT"
NO_SHRINK_ENV = "CONFORMANCE_NO_SHRINK"


def _name() -> str:
    return os.environ.get(ENV, "").strip()


# trylast: after conformance.pytest_plugin's pytest_configure has loaded its Hypothesis profile.
@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    name = _name()
    if name:
        from .catalogue import BY_NAME
        mutant = BY_NAME.get(name)
        if mutant is None:
            raise pytest.UsageError(f"{ENV}={name!r} is not a known mutant; known: "
                                    + ", ".join(sorted(BY_NAME)))
        mutant.apply()
    if os.environ.get(NO_SHRINK_ENV, "").strip() == "1":
        from hypothesis import Phase, settings
        current = settings()
        phases = [p for p in current.phases if p not in (Phase.shrink, Phase.explain)]
        settings.register_profile("conformance-mutant-no-shrink", parent=current, phases=phases)
        settings.load_profile("conformance-mutant-no-shrink")


def pytest_report_header(config: pytest.Config) -> str | None:
    name = _name()
    return f"conformance mutant: {name}" if name else None
