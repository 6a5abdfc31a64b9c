"""reference_impl never imports torch: it must model torch, not call it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reference_impl"
SOURCES = sorted(PACKAGE.rglob("*.py"))

# An import statement of torch (or a torch submodule) at the start of a line, whatever the
# indentation: "import torch", "import numpy, torch", "import torch.nn as nn", "from torch ...".
IMPORT_RE = re.compile(
    r"^[ \t]*(?:import[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*torch\b"
    r"|from[ \t]+torch\b)", re.MULTILINE)
DYNAMIC_RE = re.compile(r"""(?:__import__|import_module)\(\s*['"]torch\b""")

CHECK = """
import importlib, pkgutil, sys
import reference_impl
for info in pkgutil.walk_packages(reference_impl.__path__, "reference_impl."):
    importlib.import_module(info.name)
t = reference_impl.arange(6).reshape(2, 3).t() + 1
t.view(3, 2) if t.is_contiguous() else t.reshape(6)
loaded = sorted(m for m in sys.modules if m == "torch" or m.startswith("torch."))
assert not loaded, loaded
print("ok", len([m for m in sys.modules if m.startswith("reference_impl")]))
"""


def test_sources_found() -> None:
    """The package's sources are where this test looks for them."""
    assert PACKAGE / "__init__.py" in SOURCES and len(SOURCES) > 5


def test_importing_reference_impl_does_not_load_torch() -> None:
    """Importing reference_impl and every submodule, and using it, loads no torch module (run
    in a fresh interpreter so this test process's torch does not count)."""
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok "), result.stdout


def test_import_regex_recognises_torch_imports() -> None:
    """The line regex matches the forms of a torch import and not lookalikes."""
    for line in ("import torch", "    import torch.nn as nn", "from torch import Tensor",
                 "import numpy as np, torch", "\tfrom torch.testing import assert_close"):
        assert IMPORT_RE.search(line), line
    for line in ("import torchvision_like_name_is_not_torch_", "# import reference_impl as "
                 "torch", "x = 1  # from torch docs", "import reference_impl as torch",
                 "from torchx import y"):
        assert not IMPORT_RE.search(line), line
    assert DYNAMIC_RE.search("m = importlib.import_module('torch')")


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_no_torch_import_lines(path: Path) -> None:
    """No source line of reference_impl imports torch, statically or dynamically."""
    text = path.read_text(encoding="utf-8")
    hits = [m.group(0).strip() for m in IMPORT_RE.finditer(text)]
    hits += [m.group(0) for m in DYNAMIC_RE.finditer(text)]
    assert not hits, f"{path.relative_to(ROOT)} imports torch: {hits}"
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        assert not any(n == "torch" or n.startswith("torch.") for n in names), \
            f"{path.relative_to(ROOT)}:{node.lineno} imports {names}"
