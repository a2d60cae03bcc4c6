"""No two of the project's modules import each other, directly or round a longer loop.

A cycle works until someone moves an import, then fails as "partially initialised
module"; it also means neither module can be understood, or tested, without the other.
The graph is read from the source with ``ast``: every import that runs, at the top of a
module or inside a function, but not those under ``if TYPE_CHECKING:``, which never run.
"""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("model", "gui", "resources")
SCRIPTS = ("main.py", "cli.py")


def project_modules(root: Path) -> dict[str, Path]:
    """Dotted name -> file, for the project's packages and top-level scripts under ``root``."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).glob("*.py")):
            modules[package if path.stem == "__init__" else f"{package}.{path.stem}"] = path
    for script in SCRIPTS:
        if (root / script).exists():
            modules[script[:-3]] = root / script
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST):
    """Every Import and ImportFrom node that can run (so not under ``if TYPE_CHECKING:``)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _runtime_imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _runtime_imports(node)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the project's modules that it imports when it runs."""
    modules = project_modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}

    def add(importer: str, target: str) -> None:
        if target in modules and target != importer:
            graph[importer].add(target)
        # Importing a.b from outside package a runs a/__init__.py first.
        parent = target.rpartition(".")[0]
        if parent in modules and not (importer == parent or importer.startswith(parent + ".")):
            graph[importer].add(parent)

    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_imports(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(name, alias.name)
                continue
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:  # a submodule
                    add(name, f"{base}.{alias.name}")
                else:  # a name defined in the module (or package) itself
                    add(name, base)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One loop (``[a, b, ..., a]``) for each group of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_loop_through(graph, group) for group in groups]


def _loop_through(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    return paths[node] + [start]
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    following.append(nxt)
        frontier = following
    return group  # not reached: a strongly connected group always has a loop


def _report(loops: list[list[str]]) -> str:
    return "; ".join(" -> ".join(loop) for loop in loops)


def test_the_checker_finds_a_cycle_through_a_function_level_import(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "__init__.py").write_text("")
    (tmp_path / "model" / "a.py").write_text("def f():\n    from .b import g\n")
    (tmp_path / "model" / "b.py").write_text("from model import a\n")
    (tmp_path / "model" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import f\n")
    (tmp_path / "model" / "d.py").write_text("from . import c\n")
    assert cycles(import_graph(tmp_path)) == [["model.a", "model.b", "model.a"]]


def test_no_import_cycles_in_the_core_and_the_command_line():
    graph = import_graph(ROOT)
    loops = [loop for loop in cycles(graph) if not any(m.startswith("gui") for m in loop)]
    assert not loops, f"import cycles: {_report(loops)}"


def test_no_import_cycles_through_the_gui():
    # gui/file_actions and gui/menus name MainWindow under TYPE_CHECKING only: not a cycle.
    loops = [loop for loop in cycles(import_graph(ROOT)) if any(m.startswith("gui") for m in loop)]
    assert not loops, f"import cycles: {_report(loops)}"
