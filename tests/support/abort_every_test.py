"""A pytest plugin for tests/test_robust_runs.py: every test aborts its worker process, as a
torch whose common operation crashes would (loaded with ``-p abort_every_test``)."""

from __future__ import annotations

import os
from typing import Any


def pytest_runtest_call(item: Any) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        os.abort()
