"""The `tafsiri` command line: the root app; each package contributes its own commands.

Commands live beside the API they wrap (``translate/cli_translate.py``, ``translate/cli_train.py``,
``glossary/cli.py``, ``eval/cli.py``); this module only assembles them. Heavy libraries (torch,
transformers) are imported inside commands so that ``tafsiri --help`` stays fast.
"""

from __future__ import annotations

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
)

for register in (
    register_translate,
    register_train,
    register_glossary,
    register_eval,
    register_review,
):
    register(app)
