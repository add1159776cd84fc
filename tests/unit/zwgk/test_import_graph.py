"""The project's import graph, read from the source with ``ast``: no cycle between modules, and no
import inside a function (where a loop would hide) in the packages whose loops were broken.

An import inside a function still counts as an edge: it only delays the loop to run time.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = (
    "audit",
    "bench",
    "crawler",
    "documents",
    "inspection",
    "pipelines",
    "replica",
    "reports",
    "storage",
    "taxonomy",
    "zwgk",
)


def find_modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name → source file, for every ``.py`` file of ``packages`` under ``root``."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _imported_names(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool, modules: dict[str, Path]
) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        kept = package[: len(package) - node.level + 1]
        base = ".".join([*kept, base] if base else kept)
    # ``from pkg import name``: an edge to the submodule pkg.name when there is one, else to pkg.
    submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules]
    return submodules + ([base] if len(submodules) < len(node.names) else [])


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, modules: dict[str, Path]) -> Iterator[tuple[str, ast.stmt, bool]]:
    """(imported project module, import statement, whether it sits inside a function) for ``module``."""
    path = modules[module]
    yield from _walk(_parse(path), module, path.name == "__init__.py", modules, in_function=False)


@functools.cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _walk(
    node: ast.AST, module: str, is_package: bool, modules: dict[str, Path], in_function: bool
) -> Iterator[tuple[str, ast.stmt, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            for name in _imported_names(child, module, is_package, modules):
                target = _resolve(name, modules)
                if target is not None and target != module:
                    yield target, child, in_function
        inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield from _walk(child, module, is_package, modules, inner)


def import_graph(modules: dict[str, Path], *, module_level_only: bool = False) -> dict[str, set[str]]:
    """Module → the project modules it imports (all imports, or those run at import time)."""
    return {
        module: {
            t for t, _, in_function in imports_of(module, modules) if not (module_level_only and in_function)
        }
        for module in modules
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # iterative, so a deep graph cannot hit the recursion limit
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def function_level_imports(modules: dict[str, Path], folder: str) -> list[str]:
    """``module:line`` of every project import inside a function in ``folder`` (e.g. ``audit/web``)."""
    prefix = folder.replace("/", ".")
    return sorted(
        f"{module}:{statement.lineno}"
        for module in modules
        if module == prefix or module.startswith(prefix + ".")
        for _, statement, in_function in imports_of(module, modules)
        if in_function
    )


MODULES = find_modules(ROOT, PACKAGES)


def _in_audit_web(component: list[str]) -> bool:
    return all(m == "audit.web" or m.startswith("audit.web.") for m in component)


def test_no_import_cycle_between_modules():
    found = [c for c in cycles(import_graph(MODULES)) if not _in_audit_web(c)]
    assert found == []


def test_no_import_cycle_in_audit_web():
    assert [c for c in cycles(import_graph(MODULES)) if _in_audit_web(c)] == []


def test_no_cycle_among_the_imports_run_at_import_time():
    assert cycles(import_graph(MODULES, module_level_only=True)) == []


@pytest.mark.parametrize(
    "folder",
    ["replica", "audit/web", "storage"],
)
def test_no_import_inside_a_function(folder):
    assert function_level_imports(MODULES, folder) == []


def test_the_graph_sees_every_package_and_its_arrows():
    graph = import_graph(MODULES)
    assert {m.split(".")[0] for m in graph} == set(PACKAGES)
    assert "replica.items" in graph["replica.changes"]
    assert "replica.reply" in graph["replica.faults"]
    assert not any(t.startswith("crawler") for m, ts in graph.items() if m.startswith("storage") for t in ts)


def test_a_loop_hidden_in_a_function_is_found(tmp_path: Path):
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from loopy import b\n")
    (package / "b.py").write_text("def f():\n    from . import a\n    return a\n")
    (package / "c.py").write_text("import loopy.a\n")
    modules = find_modules(tmp_path, ("loopy",))
    assert cycles(import_graph(modules)) == [["loopy.a", "loopy.b"]]
    assert cycles(import_graph(modules, module_level_only=True)) == []
    assert function_level_imports(modules, "loopy") == ["loopy.b:2"]
