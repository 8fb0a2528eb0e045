"""Dependencies point one way: the engine knows nothing of its front ends and plug-ins.

``translate/`` (the engine) never imports ``glossary``, ``eval`` or ``review``: a glossary
plugs in through the decoder-hook protocol. Only command-line modules import other packages'
command-line code, and no library module imports a ``cli`` module.
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


def _is_cli(path: Path) -> bool:
    return path.stem == "cli" or path.stem.startswith("cli_") or path.stem == "__main__"


def _modules(package: str) -> list[Path]:
    return sorted((REPO / package).glob("*.py")) if (REPO / package).is_dir() else []


@pytest.mark.parametrize(
    "path", [p for p in _modules("translate") if not _is_cli(p)], ids=lambda p: p.name
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
