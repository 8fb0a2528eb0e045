"""The code base stays lint-clean, formatted and type-correct (ruff and mypy, in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(args):
    ruff = shutil.which("ruff")
    assert ruff, "ruff is part of the dev extra: pip install -e '.[dev]'"
    result = subprocess.run([ruff, *args], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_packages_type_check_with_mypy():
    mypy = shutil.which("mypy")
    assert mypy, "mypy is part of the dev extra: pip install -e '.[dev]'"
    result = subprocess.run(
        [mypy, "translate", "glossary", "eval", "review"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
