"""Terminology accuracy per system: the extension point onto the glossary package.

The measures themselves belong to the glossary package (``glossary.score.term_accuracy`` and
``glossary.load_glossary``); evaluation only calls them once per system and stores what they
return (``.to_dict()``) in the report. Both are imported when first needed, so evaluation works
without the glossary package and says clearly when ``--glossary`` cannot be honoured.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from translate.textio import InputError

if TYPE_CHECKING:
    from glossary.model import Glossary
    from glossary.score import TermAccuracy

    Loader = Callable[[str | os.PathLike[str]], Glossary]
    Measure = Callable[[list[str], list[str], list[str], Glossary], TermAccuracy]

logger = logging.getLogger(__name__)

__all__ = ["load_glossary", "term_accuracy_by_system"]


def _glossary_api() -> tuple[Loader, Measure]:
    try:
        from glossary import load_glossary as load
        from glossary.score import term_accuracy
    except ImportError as err:
        raise InputError(
            "--glossary: term accuracy needs glossary.load_glossary and "
            "glossary.score.term_accuracy, "
            f"which this installation does not provide ({err})"
        ) from None
    return load, term_accuracy


def load_glossary(path: str | os.PathLike[str]) -> Glossary:
    """Load a glossary with the glossary package's own loader."""
    load, _ = _glossary_api()
    return load(path)


def term_accuracy_by_system(
    glossary: Glossary | str | os.PathLike[str],
    sources: Sequence[str] | None,
    references: Sequence[str],
    hypotheses: Mapping[str, Sequence[str]],
) -> dict[str, dict[str, Any]]:
    """Term accuracy of every system, as the glossary package measures it.

    Args:
        glossary: a loaded glossary, or a path to load one from.
        sources: source segments; the glossary's source terms are looked up here.
        references: the (first) reference stream.
        hypotheses: system name → outputs.

    Returns:
        system name → the measures' ``to_dict()``.

    Raises:
        InputError: no sources, or the glossary package is not available.
    """
    if sources is None:
        raise InputError(
            "--glossary needs the source text: pass --src, or references/system files that carry "
            "it (JSONL, TSV, TMX, .docs.tsv)"
        )
    _, term_accuracy = _glossary_api()
    if isinstance(glossary, (str, os.PathLike)):
        glossary = load_glossary(glossary)
    result = {}
    for name, hyps in hypotheses.items():
        measures = term_accuracy(list(sources), list(hyps), list(references), glossary)
        result[name] = measures.to_dict()
    return result
