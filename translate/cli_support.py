"""What every `tafsiri` command shares: how a user mistake ends a command."""

from __future__ import annotations

from typing import NoReturn

import typer

__all__ = ["fail"]


def fail(message: str) -> NoReturn:
    """Print one ``error:`` line on stderr and exit with status 1 (no traceback)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)
