"""The floor plan holds: the engine imports no agent, and no two modules import each other at import time."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parent.parent / "src"
PACKAGE = SRC / "trio_agent"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path, *, at_import_time: bool) -> set[str]:
    """The package's modules ``path`` imports (with ``at_import_time``: leaving out imports under
    ``TYPE_CHECKING`` and inside functions, which do not run when the module is imported)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt] | list[ast.AST]) -> None:
        for node in nodes:
            if at_import_time and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if at_import_time and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                for alias in node.names:
                    submodule = f"{target}.{alias.name}"
                    found.add(submodule if submodule in MODULES else target)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            visit(list(ast.iter_child_nodes(node)))

    visit(list(ast.parse(path.read_text()).body))
    return {module for module in found if module in MODULES and module != name}


def test_the_engine_imports_no_agent() -> None:
    engine = {name: path for name, path in MODULES.items() if name.startswith("trio_agent._engine")}
    assert len(engine) > 15
    importers = {
        name: sorted(m for m in _imports(path, at_import_time=False) if m.startswith("trio_agent._agent"))
        for name, path in engine.items()
    }
    assert {name: modules for name, modules in importers.items() if modules} == {}
    assert "trio_agent._engine.spec" in _imports(engine["trio_agent._engine.setup"], at_import_time=True)


def test_no_modules_import_each_other_at_import_time() -> None:
    graph = {name: _imports(path, at_import_time=True) for name, path in MODULES.items()}
    cycles: list[list[str]] = []

    def walk(start: str, path: list[str]) -> None:
        for target in graph[path[-1]]:
            if target == start:
                cycles.append(path)
            elif target not in path and target > start:  # each cycle found once, from its smallest module
                walk(start, [*path, target])

    for name in graph:
        walk(name, [name])
    assert cycles == []
