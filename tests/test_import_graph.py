"""The import graph of ``por`` and ``circuits`` has no cycles, and each package imports only what it may.

Every ``import`` and ``from … import`` statement counts, including those inside functions: a lazy import still
ties two modules together. The rules are the "map of the code" in README.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("por", "circuits")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that ``name`` imports (``from pkg import mod`` resolves to the module when it is one)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        out.update(t for t in targets if t in known and t != name)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_has_no_cycles() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


TOP_LEVEL = "top level"
MAY_IMPORT = {
    # package: what it may import (README.md, "Map of the code"); TOP_LEVEL = the modules directly in por/
    "circuits": ("circuits",),
    TOP_LEVEL: (TOP_LEVEL, "por.ingest", "por.reserves"),
    "por.ingest": (TOP_LEVEL, "por.ingest"),
    "por.reserves": (TOP_LEVEL, "por.reserves"),
    "por.scale": (TOP_LEVEL, "por.ingest", "por.scale"),
    "por.plain": (TOP_LEVEL, "por.ingest", "por.scale", "por.plain"),
    "por.private": (TOP_LEVEL, "por.ingest", "por.reserves", "por.scale", "circuits", "por.private"),
    "por.formats": (TOP_LEVEL, "por.plain", "por.private", "por.formats"),
    "por.threshold": (TOP_LEVEL, "por.threshold"),
}

ENTRY_POINTS = ("por.demo", "por.__main__")


def package_of(module: str) -> str:
    """The row of the map a module belongs to. The entry points (por/cli, por/demo.py, por/__main__.py) may import
    anything and are not rows."""
    if module in ENTRY_POINTS or module.startswith("por.cli"):
        return "entry point"
    parts = module.split(".")
    if parts[0] == "circuits":
        return "circuits"
    if len(parts) == 1 or (len(parts) == 2 and not (REPO / "por" / parts[1]).is_dir()):
        return TOP_LEVEL
    return f"por.{parts[1]}"


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_each_package_imports_only_what_the_map_allows(package: str) -> None:
    graph = import_graph()
    bad = sorted(f"{m} -> {t}" for m, targets in graph.items() if package_of(m) == package
                 for t in targets if package_of(t) not in MAY_IMPORT[package])
    assert bad == []


def test_the_map_names_every_package() -> None:
    packages = {package_of(m) for m in import_graph()} - {"entry point"}
    assert packages == set(MAY_IMPORT)
