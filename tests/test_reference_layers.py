"""The reference's layers: each imports only the layers below it; every op the recording
wrapper makes differentiable has a backward formula; the Tensor stub declares what the class
has at run time; tensors keep no undeclared state."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import reference_impl as torch
from reference_impl._autograd.record import DIFFERENTIABLE, FORMULAS

ROOT = Path(__file__).resolve().parent.parent / "reference_impl"

# Lowest first; a module may import its own layer and those before it.
LAYERS = (
    ("_core",),
    ("_kernels",),
    ("_autograd",),
    ("_functions",),
    ("_derivatives", "_engine"),
    ("_methods",),
    ("", "accelerator", "autograd", "backends", "cuda", "nn", "optim"),  # the public namespace
)


def _layer(module: str) -> int:
    """The layer of a module of reference_impl, by its first name below the package."""
    first = module.split(".")[1] if "." in module else ""
    for rank, names in enumerate(LAYERS):
        if first in names:
            return rank
    raise AssertionError(f"{module} is in no layer")


def _module_name(path: Path) -> str:
    parts = ["reference_impl", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """Modules of reference_impl a source file imports (also inside functions)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "reference_impl":
                out.add(target)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "reference_impl"}
    return out


SOURCES = sorted(ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[_module_name(p) for p in SOURCES])
def test_each_layer_imports_only_layers_below(path: Path) -> None:
    own = _layer(_module_name(path))
    above = sorted(m for m in _imported(path) if m != "reference_impl" and _layer(m) > own)
    assert not above, f"{_module_name(path)} (layer {own}) imports {above}"


def test_the_layer_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    assert "reference_impl._functions.ops" in _imported(ROOT / "_derivatives" / "pointwise.py")
    assert _layer("reference_impl._kernels.copy") < _layer("reference_impl._autograd.record")
    assert _layer("reference_impl") == len(LAYERS) - 1


def test_every_differentiable_op_has_a_formula() -> None:
    """Each op wrapped by ``differentiable`` finds its formula by name when it records."""
    assert DIFFERENTIABLE, "no differentiable ops registered"
    missing = sorted(set(DIFFERENTIABLE) - set(FORMULAS))
    assert not missing, f"differentiable ops without a formula: {missing}"


def test_every_formula_belongs_to_an_op() -> None:
    orphans = sorted(set(FORMULAS) - set(DIFFERENTIABLE))
    assert not orphans, f"formulas no op uses: {orphans}"


def _stub_members() -> set[str]:
    tree = ast.parse((ROOT / "_core" / "tensor.pyi").read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    names = set()
    for node in cls.body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def test_the_tensor_stub_declares_the_runtime_class() -> None:
    """tensor.pyi (what mypy reads) and the class after _methods bound its tables agree."""
    runtime = {n for n in vars(torch.Tensor) if not (n.startswith("__") and n.endswith("__"))}
    runtime |= {n for n in ("__getitem__", "__setitem__", "__add__", "__radd__", "__iter__")
                if n in vars(torch.Tensor)}
    stub = _stub_members()
    assert sorted(runtime - stub) == [], "bound but not declared in tensor.pyi"
    assert sorted(n for n in stub - runtime if not n.startswith("__")) == [], \
        "declared in tensor.pyi but not on the class"
    dunders = {n for n in stub if n.startswith("__") and n.endswith("__")}
    assert sorted(n for n in dunders if not hasattr(torch.Tensor, n)) == []


def test_tensors_keep_no_undeclared_state() -> None:
    """Tensor declares its slots: no instance __dict__ to hide state in."""
    t = torch.ones(2, requires_grad=True)
    assert not hasattr(t, "__dict__")
    with pytest.raises(AttributeError):
        t._undeclared = True  # type: ignore[attr-defined]
