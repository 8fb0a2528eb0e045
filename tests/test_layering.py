"""Dependencies point one way: the engine knows nothing of its front ends and plug-ins.

``translate/`` (the engine) never imports ``glossary``, ``eval`` or ``review``, except the root
command-line module (``translate/cli.py``) that mounts their sub-commands: a glossary supplies
requirements through the ``tafsiri.requirements`` entry point. Only command-line modules import
other packages' command-line code, no library module imports a ``cli`` module, and no module
imports itself back through others (no import cycles, lazy imports inside functions included;
imports only the type checker reads, under ``if TYPE_CHECKING:``, never run and do not count).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("translate", "glossary", "eval", "review")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            inside.update(id(sub) for sub in ast.walk(node))
    return inside


def _module_name(path: Path) -> str:
    package = path.parent.name
    return package if path.stem == "__init__" else f"{package}.{path.stem}"


def _runtime_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports when run (``from pkg import mod`` is ``pkg.mod``)."""
    paths = [p for pkg in PACKAGES for p in _modules(pkg)]
    known = {_module_name(p) for p in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_only(tree)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = {f"{node.module}.{a.name}" for a in node.names} & known
                edges.update(subs or {node.module})
        name = _module_name(path)
        graph[name] = {e for e in edges if e in known and e != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _is_cli(path: Path) -> bool:
    return path.stem == "cli" or path.stem.startswith("cli_") or path.stem == "__main__"


def _modules(package: str) -> list[Path]:
    return sorted((REPO / package).glob("*.py")) if (REPO / package).is_dir() else []


def _is_root_cli(path: Path) -> bool:
    return path.stem in ("cli", "__main__")


@pytest.mark.parametrize(
    "path", [p for p in _modules("translate") if not _is_root_cli(p)], ids=lambda p: p.name
)
def test_the_engine_imports_no_front_end(path):
    foreign = {n for n in _imports(path) if n.split(".")[0] in ("glossary", "eval", "review")}
    assert not foreign, f"{path.name} imports {sorted(foreign)}"


@pytest.mark.parametrize(
    "path", [p for pkg in PACKAGES for p in _modules(pkg) if not _is_cli(p)], ids=str
)
def test_library_modules_import_no_cli_module(path):
    cli = {
        n
        for n in _imports(path)
        if n.split(".")[-1] == "cli" or n.split(".")[-1].startswith("cli_")
    }
    assert not cli, f"{path} imports {sorted(cli)}"


def test_no_import_cycles():
    graph = _runtime_graph()
    assert "translate.constraints" in graph and graph["translate.cli"] & {"glossary.cli"}
    mutual = sorted((a, b) for a in graph for b in graph[a] if a < b and a in graph[b])
    assert not mutual, f"modules that import each other: {mutual}"
    assert not _cycles(graph), f"import cycles: {_cycles(graph)}"


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
