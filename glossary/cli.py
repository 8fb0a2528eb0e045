"""CLI commands (placeholder until this package's commands land)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root ``tafsiri`` app."""
