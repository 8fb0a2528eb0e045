"""The `tafsiri` command line: the root app; each package contributes its own commands.

Commands live beside the API they wrap (``translate/cli_translate.py``, ``translate/cli_train.py``,
``glossary/cli.py``, ``eval/cli.py``); this module only assembles them. Heavy libraries (torch,
transformers) are imported inside commands so that ``tafsiri --help`` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from eval.cli import register as register_eval
from glossary.cli import register as register_glossary
from review.cli import register as register_review
from translate.cli_train import register as register_train
from translate.cli_translate import register as register_translate

app = typer.Typer(
    name="tafsiri",
    help="Offline-first Swahili→English translation, glossary, review and evaluation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help texts are plain: with rich markup on, "[default: …]" and "(txt, md [or] jsonl)"
    # brackets in option help would be eaten as markup tags.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from translate.pipeline import tafsiri_version

        typer.echo(f"tafsiri {tafsiri_version()}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Offline-first Swahili→English translation, glossary, review and evaluation."""


for register in (
    register_translate,
    register_train,
    register_glossary,
    register_eval,
    register_review,
):
    register(app)
