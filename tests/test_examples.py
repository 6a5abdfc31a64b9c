"""The examples/ scripts (issue 20): each is checked whole by ``conformance check`` on the
devices its header names and must PASS; each runs with torch alone; the README links them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.snippet import check_source
from conformance.verdicts import PASS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def devices_of(path: Path) -> list[str]:
    """The devices a script's ``# Checked on: cpu, meta`` header names."""
    m = re.search(r"^# Checked on: (.+)$", path.read_text(), re.MULTILINE)
    assert m, f"{path.name} has no '# Checked on:' line"
    return [d.strip() for d in m.group(1).split(",")]


CASES = [(p, d) for p in EXAMPLES for d in devices_of(p)]
DEVICE_LINE = 'device = torch.device("cpu")'



def test_there_are_examples_of_each_topic() -> None:
    names = " ".join(p.stem for p in EXAMPLES)
    for topic in ("creation", "operations", "indexing", "memory", "numpy", "devices",
                  "autograd", "zeroing", "focal"):
        assert topic in names


@pytest.mark.parametrize(("path", "on"), CASES, ids=[f"{p.stem}-{d}" for p, d in CASES])
def test_each_example_conforms(path: Path, on: str) -> None:
    """On a device other than the CPU, the script's one ``device = torch.device("cpu")`` line
    names that device: the same program with its tensors made there."""
    source = path.read_text()
    if on != "cpu":
        assert DEVICE_LINE in source, f"{path.name} names no device line to change"
        source = source.replace(DEVICE_LINE, f'device = torch.device("{on}")')
    result = check_source(source, device=on)
    assert result.verdict == PASS, result.explain()


def test_the_examples_run_with_torch_alone(tmp_path: Path) -> None:
    """Plain scripts: each runs to the end under the real torch, in a fresh interpreter."""
    code = ("import runpy, sys\nfor p in sys.argv[1:]:\n"
            "    runpy.run_path(p, run_name='__main__')\nprint('ran', len(sys.argv) - 1)")
    proc = subprocess.run([sys.executable, "-c", code, *map(str, EXAMPLES)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().endswith(f"ran {len(EXAMPLES)}")


def test_the_readme_links_every_example() -> None:
    readme = (ROOT / "README.md").read_text()
    for p in EXAMPLES:
        assert f"examples/{p.name}" in readme, p.name
