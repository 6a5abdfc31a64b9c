"""Mutation tests of the conformance suite: a broken torch must be caught.

Each mutant in ``conformance/mutants/catalogue.py`` breaks one documented behaviour of real
torch. It is applied (by the ``conformance.mutants.activate`` plugin) in a pytest process of its
own (forked from a server that has imported torch: ``conformance/mutants/forks.py``) that runs
the one conformance test expected to catch it; that run must fail with a MISMATCH,
name the test or a claim, and print a reproduction that needs torch alone.

A catch only counts when the same conformance test passes on unpatched torch: the baseline of
every test a mutant uses is run first (``test_unpatched_torch_passes``) and checked again by
each mutant's test, so a suite that is red on real torch cannot pass for a mutant catch.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # ``conformance.mutants`` is imported from the repository root
    sys.path.insert(0, str(ROOT))

from conformance.mutants import forks  # noqa: E402
from conformance.mutants.activate import ENV, NO_SHRINK_ENV  # noqa: E402
from conformance.mutants.catalogue import MUTANTS, Mutant  # noqa: E402

TIMEOUT_S = 300
# Mutants whose failing run keeps Hypothesis' shrinking, so the reproduction checked is the
# short one a user sees; the others skip shrinking, which only costs time once caught.
SHRUNK = frozenset({"view_returns_copy"})
REPRO_HEADER = "Reproduce with torch alone:"
_REPRO_RE = re.compile(r"^(?:E\s+)?Reproduce with torch alone:\s*\n(?:E\s+)?import torch\s*$",
                       re.MULTILINE)


def _nodes() -> list[str]:
    return list(dict.fromkeys(m.test_file for m in MUTANTS))


def conformance_run(node: str, mutant: str | None = None, *, shrink: bool = False
                    ) -> tuple[int, str]:
    """Run one conformance node id in a fresh pytest process: (exit code, stdout+stderr)."""
    env = dict(os.environ)
    env.pop(ENV, None)
    env.pop(NO_SHRINK_ENV, None)
    env.pop("PYTEST_ADDOPTS", None)
    if mutant is not None:
        env[ENV] = mutant
    if not shrink:
        env[NO_SHRINK_ENV] = "1"
    args = [node, "-p", "conformance.mutants.activate", "-q", "-x", "--conformance-profile=ci",
            "--device=cpu", "-p", "no:cacheprovider"]
    rc, out = forks.run_pytest(args, cwd=ROOT, env=env, timeout=TIMEOUT_S)
    if rc == forks.TIMED_OUT:
        pytest.fail(f"pytest {' '.join(args)} (mutant {mutant}) ran past {TIMEOUT_S}s:\n"
                    f"{out[-4000:]}")
    return rc, out


@functools.cache
def baseline(node: str) -> tuple[int, str]:
    """The node on unpatched torch (once per session)."""
    return conformance_run(node)


def _tail(text: str, n: int = 6000) -> str:
    return text if len(text) <= n else "...\n" + text[-n:]


def test_unpatched_torch_passes() -> None:
    """Every conformance test a mutant relies on passes on real torch."""
    failing = {}
    for node in _nodes():
        rc, out = baseline(node)
        if rc != 0:
            failing[node] = (rc, out)
    assert not failing, "conformance tests fail on unpatched torch:\n" + "\n".join(
        f"--- {node} (exit {rc})\n{_tail(out, 3000)}" for node, (rc, out) in failing.items())


def _test_name(node: str) -> str | None:
    return node.split("::", 1)[1] if "::" in node else None


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_is_caught(mutant: Mutant) -> None:
    node = mutant.test_file
    base_rc, base_out = baseline(node)
    assert base_rc == 0, (
        f"{node} fails on unpatched torch (exit {base_rc}), so a failure under mutant "
        f"{mutant.name} proves nothing:\n{_tail(base_out, 3000)}")

    rc, out = conformance_run(node, mutant.name, shrink=mutant.name in SHRUNK)
    assert rc == 1, (f"mutant {mutant.name} ({mutant.description}) was NOT caught by {node}: "
                     f"pytest exit {rc}, expected 1 (tests failed)\n{_tail(out)}")
    names = list(mutant.claims)
    test_name = _test_name(node)
    if test_name:
        names.append(test_name)
    else:
        names.append(f"FAILED {node}")
    assert any(n in out for n in names), (
        f"the failure names none of {names}:\n{_tail(out)}")
    assert "MISMATCH on cpu" in out, f"not a conformance MISMATCH:\n{_tail(out)}"
    assert _REPRO_RE.search(out), (
        f"no '{REPRO_HEADER}' followed by 'import torch':\n{_tail(out)}")


# ---- the reproduction really shows the difference with torch alone ----------------------------

def extract_reproduction(output: str) -> str:
    """The first torch-only reproduction in a failing run's output (a message shown in a
    traceback has its lines prefixed with ``E`` and spaces; that prefix is removed)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if REPRO_HEADER in line)
    prefix = lines[start][:lines[start].index(REPRO_HEADER)]
    block: list[str] = []
    for line in lines[start + 1:]:
        if prefix and not line.startswith(prefix.rstrip()):
            break
        line = line[len(prefix):] if prefix else line
        if not line.strip() or line.startswith(("___", "===", "Falsifying", "FAILED")):
            break
        block.append(line)
    return "\n".join(block) + "\n"


def documented_prints(script: str) -> list[tuple[str, str]]:
    """(printed label, documented value) of each ``print(...)  # documented: X`` line."""
    out = []
    for line in script.splitlines():
        code, sep, documented = line.partition("  # documented: ")
        if not sep or not code.startswith("print("):
            continue
        call = ast.parse(code).body[0].value  # type: ignore[attr-defined]
        out.append((ast.literal_eval(call.args[0]), documented.strip()))
    return out


def printed_values(stdout: str, labels: list[str]) -> dict[str, str]:
    values = {}
    for line in stdout.splitlines():
        for label in labels:
            if line.startswith(label + " ") and label not in values:
                values[label] = line[len(label) + 1:].strip()
    return values


_SIMPLE = re.compile(r"^(True|False|None|-?\d+)$")


def _run_script(path: Path, mutant: str | None) -> subprocess.CompletedProcess[str]:
    prelude = (f"import conformance.mutants.catalogue as c; c.get({mutant!r}).apply(); "
               if mutant else "")
    code = f"{prelude}exec(compile(open({str(path)!r}).read(), {str(path)!r}, 'exec'))"
    env = {k: v for k, v in os.environ.items() if k != ENV}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_reproduction_shows_the_difference(tmp_path: Path) -> None:
    """view_returns_copy: the printed reproduction, run with torch alone (mutated), prints
    every ``# documented:`` line, at least one of them differing from the documented value;
    the same script on real torch prints the documented values."""
    name = "view_returns_copy"
    mutant = next(m for m in MUTANTS if m.name == name)
    rc, out = conformance_run(mutant.test_file, name, shrink=True)
    assert rc == 1, f"mutant {name} not caught:\n{_tail(out)}"
    script = extract_reproduction(out)
    assert script.startswith("import torch\n"), script
    path = tmp_path / "repro.py"
    path.write_text(script)
    documented = documented_prints(script)
    assert documented, f"the reproduction prints no '# documented:' line:\n{script}"
    labels = [label for label, _ in documented]

    mutated = _run_script(path, name)
    assert mutated.returncode == 0, f"reproduction failed under the mutant:\n{mutated.stderr}"
    got = printed_values(mutated.stdout, labels)
    missing = [label for label in labels if label not in got]
    assert not missing, f"not printed: {missing}\nstdout:\n{mutated.stdout}\nscript:\n{script}"
    differing = [(label, got[label], doc) for label, doc in documented
                 if _SIMPLE.match(doc) and got[label] != doc]
    assert differing, (f"the reproduction shows no difference under the mutant:\n"
                       f"{mutated.stdout}\nscript:\n{script}")

    real = _run_script(path, None)
    assert real.returncode == 0, f"reproduction failed on real torch:\n{real.stderr}"
    real_got = printed_values(real.stdout, labels)
    wrong = [(label, real_got.get(label), doc) for label, doc in documented
             if _SIMPLE.match(doc) and real_got.get(label) != doc]
    assert not wrong, f"real torch does not print the documented values: {wrong}\n{script}"
