"""Glossary data: one :class:`Term` per entry, a :class:`Glossary` holding them.

A term maps a Swahili form to one or more accepted English renderings (the first is preferred
and is the one enforcement forces). Plurals may be listed; when they are not, the matcher
generates Swahili noun-class plurals (:mod:`glossary.morphology`) and English plurals.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from glossary.morphology import infer_animate as _infer_animate

if TYPE_CHECKING:
    from glossary.match import Matcher, TermMatch
    from translate.backend import Backend, DecodeOptions
    from translate.hooks import HookResult, Requirement

__all__ = ["Term", "Glossary", "POS_VALUES", "ANIMATE_POS"]

#: Parts of speech a glossary may use ("" = unspecified). ``title`` and ``person`` are nouns
#: for people: Swahili agreement with them is animate (class 1/2: "waziri wa", "mawaziri wa").
POS_VALUES = ("", "noun", "proper noun", "title", "person", "phrase", "adjective", "verb", "adverb")
ANIMATE_POS = frozenset({"title", "person"})
#: Parts of speech for which animacy is inferred from the English (see :attr:`Term.animate`).
INFERRED_POS = frozenset({"", "noun"})


def _clean_tuple(values: tuple[str, ...], name: str) -> tuple[str, ...]:
    cleaned = tuple(" ".join(v.split()) for v in values)
    if any(not v for v in cleaned):
        raise ValueError(f"{name} has an empty alternative: {values!r}")
    return cleaned


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    Attributes:
        sw: the Swahili term (singular / citation form).
        en: accepted English renderings, preferred first (at least one).
        sw_plural: listed Swahili plural forms (empty = generate them).
        en_plural: English plural renderings, preferred first (empty = generate them).
        note: free text; also what tells apart two entries with the same Swahili term.
        pos: part of speech, one of :data:`POS_VALUES`.
        case_sensitive: match the Swahili only with exactly this casing (acronyms such as "UN").
        forbidden: English renderings that must not be used for this term.
        line: where the entry came from (1-based line or entry number; 0 = unknown); not part
            of the term's identity.
    """

    sw: str
    en: tuple[str, ...]
    sw_plural: tuple[str, ...] = ()
    en_plural: tuple[str, ...] = ()
    note: str = ""
    pos: str = ""
    case_sensitive: bool = False
    forbidden: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        sw = " ".join(self.sw.split())
        if not sw:
            raise ValueError("sw (the Swahili term) must not be empty")
        object.__setattr__(self, "sw", sw)
        if not self.en:
            raise ValueError(f"{sw!r}: en (the English rendering) must not be empty")
        for name in ("en", "sw_plural", "en_plural", "forbidden"):
            object.__setattr__(self, name, _clean_tuple(tuple(getattr(self, name)), name))
        object.__setattr__(self, "note", " ".join(self.note.split()))
        pos = self.pos.strip().lower()
        if pos not in POS_VALUES:
            allowed = ", ".join(repr(p) for p in POS_VALUES if p)
            raise ValueError(f"{sw!r}: pos {self.pos!r} is not one of {allowed} (or empty)")
        object.__setattr__(self, "pos", pos)

    @classmethod
    def trusted(cls, **fields: object) -> Term:
        """Build a term from values already cleaned and checked (readers do this per cell).

        Skips :meth:`__post_init__`; every field must be given, with tuples for the
        alternatives. Use the normal constructor for anything typed by hand.
        """
        term = object.__new__(cls)
        object.__setattr__(term, "__dict__", fields)  # frozen: assign the fresh dict whole
        return term

    @property
    def animate(self) -> bool:
        """Whether Swahili agreement with this noun is animate (class 1/2).

        ``title`` and ``person`` are; so is an m-/mw- noun with no part of speech (or plain
        ``noun``) and no listed plural whose English names a person ("Mbunge → member of
        parliament": Wabunge, not Mibunge); see :func:`glossary.morphology.infer_animate`.
        """
        if self.pos in ANIMATE_POS:
            return True
        return self.pos in INFERRED_POS and not self.sw_plural and _infer_animate(self.sw, self.en)

    def canonical(self) -> dict[str, object]:
        """The entry as a plain dict (the form the checksum and exports are built from)."""
        return {
            "sw": self.sw,
            "en": list(self.en),
            "sw_plural": list(self.sw_plural),
            "en_plural": list(self.en_plural),
            "note": self.note,
            "pos": self.pos,
            "case_sensitive": self.case_sensitive,
            "forbidden": list(self.forbidden),
        }


@dataclass(frozen=True)
class Glossary:
    """An ordered, immutable set of terms.

    Attributes:
        terms: the entries in file order.
        origin: where they came from (a path or "<memory>").
    """

    terms: tuple[Term, ...]
    origin: str = "<memory>"

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(self.terms))

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    @cached_property
    def checksum(self) -> str:
        """sha256 of the canonical form: entries sorted, so file order and format do not matter."""
        rows = sorted(
            json.dumps(t.canonical(), ensure_ascii=False, sort_keys=True) for t in self.terms
        )
        return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()

    @cached_property
    def matcher(self) -> Matcher:
        """The term matcher (built on first use; cheap to reuse)."""
        from glossary.match import Matcher

        return Matcher(self.terms)

    def match(self, text: str) -> list[TermMatch]:
        """Find glossary terms in Swahili ``text`` (see :meth:`glossary.match.Matcher.match`)."""
        return self.matcher.match(text)

    def requirements(self, text: str) -> list[Requirement]:
        """The terms' occurrences in ``text`` as the engine's requirements
        (:class:`translate.hooks.RequirementSource`), in source order."""
        return [m.requirement() for m in self.match(text)] if self.terms else []

    def decode(
        self, backend: Backend, texts: Sequence[str], options: DecodeOptions
    ) -> list[HookResult]:
        """A decoder hook (:class:`translate.hooks.DecoderHook`) enforcing the terms alone.

        The same as ``Constraints(glossary, protect=False)``; see
        :func:`translate.constraints.enforce`.
        """
        from translate.constraints import enforce

        return enforce(backend, list(texts), options, self)
