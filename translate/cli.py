"""The `tafsiri` command line: a thin layer over the Python API."""

import typer

app = typer.Typer(help="Offline-first Swahili→English translation, glossary and evaluation.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Tafsiri command line."""
