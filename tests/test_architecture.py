"""The packages' structure, from their source: layers that import one way, and no module that
rewrites another.

The import graph counts every import, also those inside functions. A module may not assign an
attribute of another module (``O.matmul = ...``, ``setattr(V, name, f)``): behaviour would then
depend on import order. Tensor methods are bound in one module only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("reference_impl", "conformance")


def modules(package: str) -> dict[str, Path]:
    out = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


ALL = {name: path for p in PACKAGES for name, path in modules(p).items()}


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _resolve(node: ast.ImportFrom, module: str, path: Path) -> str:
    if not node.level:
        return node.module or ""
    base = _package_of(module, path).split(".")
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported module of the two packages, line) for every import in a module's source."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ALL or alias.name.split(".")[0] in PACKAGES:
                    yield _nearest(alias.name), node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, module, path)
            if target.split(".")[0] not in PACKAGES:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub if sub in ALL else _nearest(target)), node.lineno


def _nearest(name: str) -> str:
    while name and name not in ALL:
        name = name.rpartition(".")[0]
    return name


def graph(package: str) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in modules(package)}
    for m, path in modules(package).items():
        for target, _ in imports(m, path):
            if target != m:
                edges[m].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _imported_modules(tree: ast.AST, module: str, path: Path) -> set[str]:
    """Local names bound to modules of the two packages by import statements."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, module, path)
            for alias in node.names:
                if f"{target}.{alias.name}" in ALL:
                    names.add(alias.asname or alias.name)
    return names


# The mutant catalogue patches torch's side on purpose (torch, and conformance/execute/focal.py,
# the torch-side focal losses), each mutant in a process of its own: that is what a mutant is.
MUTANTS = "conformance.mutants"


def module_rewrites(package: str) -> list[str]:
    """Assignments to an attribute of another module: ``mod.name = ...``, ``setattr(mod, ...)``."""
    found = []
    for m, path in modules(package).items():
        if m.startswith(MUTANTS):
            continue
        tree = ast.parse(path.read_text())
        mods = _imported_modules(tree, m, path)
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) \
                        and t.value.id in mods:
                    found.append(f"{m}:{node.lineno}: {t.value.id}.{t.attr} = ...")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("setattr", "delattr") and node.args \
                    and isinstance(node.args[0], ast.Name) and node.args[0].id in mods:
                found.append(f"{m}:{node.lineno}: {node.func.id}({node.args[0].id}, ...)")
    return found


def tensor_binders(package: str) -> set[str]:
    """Modules that assign attributes of a class named Tensor."""
    out = set()
    for m, path in modules(package).items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) \
                            and t.value.id == "Tensor":
                        out.add(m)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == "setattr" and node.args \
                    and isinstance(node.args[0], ast.Name) and node.args[0].id == "Tensor":
                out.add(m)
    return out


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package: str) -> None:
    """No module imports, directly or through others, a module that imports it."""
    assert cycles(graph(package)) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_rewrites_another(package: str) -> None:
    assert module_rewrites(package) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_tensor_methods_are_bound_in_one_module(package: str) -> None:
    assert len(tensor_binders(package)) <= 1, sorted(tensor_binders(package))


def test_the_reference_never_imports_the_suite() -> None:
    for m, path in modules("reference_impl").items():
        assert not [t for t, _ in imports(m, path) if t.startswith("conformance")], m


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    """The graph, cycle and rewrite checks are not vacuous: a cycle through a function-level
    import, a module attribute assignment and a setattr are each found."""
    edges = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}, "p.d": {"p.a"}}
    assert cycles(edges) == [["p.a", "p.b", "p.c"]]
    assert cycles({"p.a": {"p.b"}, "p.b": set()}) == []
    # The real graphs: the reference's __init__ imports its modules, conformance's cli reaches
    # the pipeline (so an empty graph would fail here).
    assert "reference_impl._core.tensor" in graph("reference_impl")["reference_impl"] or \
        graph("reference_impl")["reference_impl"]
    assert graph("conformance")["conformance.cli"]
    src = ("from . import _engine as O\nimport reference_impl._methods as V\n"
           "def f():\n    from . import _functions\n    _functions.index = None\n"
           "O.matmul = 1\nsetattr(V, 'x', 2)\n")
    tree = ast.parse(src)
    path = ROOT / "reference_impl" / "_derivatives.py"
    mods = _imported_modules(tree, "reference_impl._derivatives", path)
    assert {"O", "V", "_functions"} <= mods
