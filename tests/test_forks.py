"""The mutant fork server (conformance/mutants/forks.py): each run gets its own environment and
output, a patch made in one run never reaches the next, and a run past its time is stopped."""

from __future__ import annotations

import os
from pathlib import Path

from conformance.mutants import forks

TEST = '''
import os
import torch


def test_env_and_patch():
    assert torch.ones(2).sum().item() == 2.0, "a patch leaked from an earlier run"
    torch.ones = None  # a patch, as a mutant makes, in this child only
    assert os.environ["FORKS_CASE"] == "pass", "wrong environment"


def test_sleep():
    if os.environ["FORKS_CASE"] == "sleep":
        import time
        time.sleep(60)
'''


def test_each_run_is_its_own_process(tmp_path: Path) -> None:
    (tmp_path / "test_case.py").write_text(TEST)
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    args = [str(tmp_path / "test_case.py"), "-q", "-p", "no:cacheprovider", "-o", "addopts="]
    try:
        rc, out = forks.run_pytest(args, cwd=tmp_path, env={**env, "FORKS_CASE": "pass"},
                                   timeout=120)
        assert rc == 0 and "2 passed" in out, out
        rc, out = forks.run_pytest(args, cwd=tmp_path, env={**env, "FORKS_CASE": "fail"},
                                   timeout=120)
        assert rc == 1 and "AssertionError: wrong environment" in out, out
        assert "AssertionError: a patch leaked" not in out, out
        rc, out = forks.run_pytest([*args, "-k", "sleep"], cwd=tmp_path,
                                   env={**env, "FORKS_CASE": "sleep"}, timeout=3)
        assert rc == forks.TIMED_OUT
    finally:
        forks.close_all()
