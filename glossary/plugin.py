"""The glossary as a supplier of requirements to the engine (entry point ``tafsiri.requirements``).

``pyproject.toml`` registers :func:`load_source` as ``glossary`` in the ``tafsiri.requirements``
group; :func:`translate.constraints.default_hook` finds it there, so the engine builds the
default hook (the shipped glossary plus protection) without importing this package.
"""

from __future__ import annotations

from collections.abc import Sequence

from glossary.merge import load_glossaries
from glossary.model import Glossary

__all__ = ["load_source"]


def load_source(specs: Sequence[str]) -> tuple[Glossary, list[str]]:
    """The glossary ``specs`` name (none: the shipped one) and a line per merge conflict.

    See :func:`glossary.load_glossaries` for the specs (files merged in order, ``+FILE`` adds
    to the shipped glossary).

    Raises:
        InputError: a missing or broken glossary file.
    """
    glossary, conflicts = load_glossaries(list(specs))
    return glossary, [conflict.message() for conflict in conflicts]
