"""Tafsiri glossary: terms, Swahili-aware matching, term accuracy.

The glossary supplies requirements to the engine's constraints
(:mod:`translate.constraints`, which enforce them): :meth:`Glossary.requirements`, plugged in
through the ``tafsiri.requirements`` entry point (:mod:`glossary.plugin`).

>>> from glossary import default_glossary
>>> [m.preferred for m in default_glossary().match("Waziri wa Mambo ya Nje wa Ubelgiji")]
['Minister of Foreign Affairs', 'Belgium']
"""

from glossary.io import default_glossary, export_glossary, load_glossary
from glossary.lint import LintIssue, lint_file
from glossary.match import TermMatch
from glossary.merge import Conflict, load_glossaries, merge_glossaries
from glossary.model import Glossary, Term
from glossary.score import TermAccuracy, term_accuracy

__all__ = [
    "Glossary",
    "Term",
    "TermMatch",
    "load_glossary",
    "default_glossary",
    "export_glossary",
    "load_glossaries",
    "merge_glossaries",
    "Conflict",
    "lint_file",
    "LintIssue",
    "term_accuracy",
    "TermAccuracy",
]
