"""The package's layers, as DESIGN.md draws them: imports point down, no cycles, the
integrations above the core, all SQL in the index (and the embedded store's own catalog)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "nbvc"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    where = PACKAGE.parent / name.replace(".", "/")
    return where.with_suffix(".py").exists() or where.is_dir()


def imported(path: Path, *, at_load: bool) -> set[str]:
    """The nbvc modules ``path`` imports: all of them, or (``at_load``) those imported
    when it is loaded (not inside functions, not for type checking only)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    nodes: list[ast.AST] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if at_load and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if at_load and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        nodes.extend(ast.walk(node))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found.update(f"{target}.{a.name}" if is_module(f"{target}.{a.name}") else target
                         for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("nbvc.")} - {name}


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def test_no_module_imports_back_up_in_a_cycle() -> None:
    graph = {name: imported(path, at_load=True) for name, path in modules().items()}
    cycles = set()

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in trail:
                cycles.add(" -> ".join([*trail[trail.index(nxt):], nxt]))
            else:
                visit(nxt, [*trail, nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert not cycles, sorted(cycles)[:5]
    assert "nbvc.core.workspace" in graph["nbvc.core.sync"]  # the graph is really read


def test_below_the_command_line_nothing_imports_it() -> None:
    top = ("nbvc.cli", "nbvc.launcher", "nbvc.__main__")
    for name, path in modules().items():
        if not name.startswith(top):
            assert not {m for m in imported(path, at_load=False) if m.startswith(top)}, name


def test_integrations_may_import_the_core_and_nothing_below_them_imports_them() -> None:
    """``integrations/`` (Jupyter, papermill, nbdime) build on the core; the core and what
    lies below it never import them (only the command line may). ``nbvc.jupyter``, the
    path Jupyter configs name, re-exports ``integrations/jupyter/`` and sits with it."""
    integrations = ("nbvc.integrations", "nbvc.jupyter")
    above = (*integrations, "nbvc.cli", "nbvc.launcher", "nbvc.__main__")
    paths = modules()
    for name, path in paths.items():
        if not name.startswith(above):
            assert not {m for m in imported(path, at_load=False) if m.startswith(integrations)}, name
    # the imports are really read: the integrations use the core, the alias uses them
    assert "nbvc.core.workspace" in imported(paths["nbvc.integrations.jupyter.archive"], at_load=True)
    assert imported(paths["nbvc.jupyter"], at_load=True) == {"nbvc.integrations.jupyter"}


def test_all_sql_lives_in_the_index_and_the_embedded_stores_catalog() -> None:
    for name, path in modules().items():
        if not name.startswith(("nbvc.index", "nbvc.store.local")):
            source = path.read_text(encoding="utf-8")
            assert "SELECT " not in source and ".execute(" not in source, name
