"""What every `tafsiri` command shares: how a user mistake ends a command, and where the
user's model registry lives (the CLI is the only layer that reads the environment)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import typer

__all__ = ["fail", "registry_path", "tafsiri_home", "cache_dir"]


def fail(message: str) -> NoReturn:
    """Print one ``error:`` line on stderr and exit with status 1 (no traceback)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def tafsiri_home() -> Path:
    """The user's Tafsiri folder: ``$TAFSIRI_HOME``, default ``~/.config/tafsiri``."""
    home = os.environ.get("TAFSIRI_HOME")
    return Path(home) if home else Path.home() / ".config" / "tafsiri"


def registry_path() -> Path:
    """Where registered model folders are remembered (``$TAFSIRI_HOME/models.json``)."""
    return tafsiri_home() / "models.json"


def cache_dir() -> Path:
    """Where converted models are cached: ``$TAFSIRI_CACHE``, else ``$XDG_CACHE_HOME/tafsiri``,
    else ``~/.cache/tafsiri``."""
    explicit = os.environ.get("TAFSIRI_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tafsiri"
