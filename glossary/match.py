"""Finding glossary terms in Swahili text, and their English renderings in translations.

Swahili side (:class:`Matcher`): text is split into words (NFC, apostrophe variants unified,
case folded unless a term is case-sensitive); every term form (singular, plural, locative -ni)
goes into a word trie, and the text is scanned left to right taking the longest term that
starts at each word (leftmost-longest, like Aho–Corasick over words). Cost is linear in the
text times the longest term (in words), independent of glossary size.

English side: :func:`translate.locate.locate_targets` (re-exported here), the engine's
whole-word search for the accepted renderings, each output position used at most once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from glossary.morphology import (
    ALL_MARKERS,
    NounClass,
    agreement_markers,
    english_plural,
    locative_forms,
    noun_class,
    pluralize,
)
from translate.hooks import Requirement
from translate.locate import CASE_MODES, locate_targets, normalize

if TYPE_CHECKING:
    from glossary.model import Term

__all__ = ["TermMatch", "Matcher", "normalize", "tokenize", "locate_targets", "CASE_MODES"]

NUMBERS = ("singular", "plural", "unknown")

# Words: letters/digits plus combining marks (text may be decomposed) and inner apostrophes.
_TOKEN_RE = re.compile(
    r"[\w\u0300-\u036f]+(?:['\u2019\u2018\u02bc`\u00b4\u02bb\u2032][\w\u0300-\u036f]+)*"
)
_PLURAL_POS = frozenset({"", "noun", "title", "person"})
_END = "\x00"


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Words of ``text`` as (start, end, word) with character offsets into ``text``."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]


@dataclass(frozen=True)
class _Variant:
    term: Term
    number: str  # "singular" or "plural"
    markers: frozenset[str]
    locative: bool
    exact: tuple[str, ...] | None  # the words with their case, for case-sensitive terms


@dataclass(frozen=True)
class TermMatch:
    """One occurrence of a glossary term in a source text.

    Attributes:
        start: character offset where the occurrence starts.
        end: character offset just past it.
        surface: the text as it appears (``text[start:end]``).
        terms: the glossary entries it may be (more than one only when ambiguous).
        number: "singular", "plural", or "unknown" (forms such as "wizara" that are the same in
            both numbers, with no agreeing word after them).
        locative: the occurrence carries the locative suffix -ni.
        ambiguous: the entries disagree on the English and nothing in the context decides.
        targets: every accepted English rendering for this occurrence, preferred first.
    """

    start: int
    end: int
    surface: str
    terms: tuple[Term, ...]
    number: str
    locative: bool
    ambiguous: bool
    targets: tuple[str, ...]

    @property
    def term(self) -> Term:
        """The first (or only) entry."""
        return self.terms[0]

    @property
    def preferred(self) -> str:
        """The rendering enforcement forces (the first target)."""
        return self.targets[0]

    def requirement(self) -> Requirement:
        """The occurrence as the engine's constraints enforce it (kind ``"term"``)."""
        note = ""
        if self.ambiguous:
            note = "the context does not decide between: " + " | ".join(
                f"{t.sw} → {t.en[0]}" for t in self.terms
            )
        return Requirement(
            start=self.start,
            end=self.end,
            surface=self.surface,
            targets=self.targets,
            kind="term",
            sw=" | ".join(t.sw for t in self.terms),
            number=self.number,
            ambiguous=self.ambiguous,
            note=note,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "surface": self.surface,
            "sw": [t.sw for t in self.terms],
            "number": self.number,
            "locative": self.locative,
            "ambiguous": self.ambiguous,
            "targets": list(self.targets),
        }


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def english_forms(term: Term, number: str) -> tuple[str, ...]:
    """Accepted English renderings of ``term`` in ``number`` ("unknown" accepts both)."""
    plural = term.en_plural or tuple(english_plural(e) for e in term.en)
    if number == "singular":
        return term.en
    if number == "plural":
        return plural
    return _dedupe((*term.en, *plural))


class Matcher:
    """A word trie over every form of every term (build once per glossary, reuse)."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self._root: dict = {}
        self.size = 0
        for term in terms:
            for form, variant in self._variants(term):
                self._add(form, variant)

    def _variants(self, term: Term) -> Iterable[tuple[str, _Variant]]:
        head = term.sw.split()[0]
        plurals: list[tuple[str, NounClass | None]] = []
        if term.sw_plural:
            for form in term.sw_plural:
                plurals.append((form, noun_class(head, form.split()[0], term.animate)))
            cls = plurals[0][1]
        elif term.pos in _PLURAL_POS:
            form, cls = pluralize(term.sw, animate=term.animate)
            # Same form in both numbers and no English plural listed: treat as invariant
            # (mashauriano "consultations", maendeleo "development"), not as two numbers.
            if _key(form) != _key(term.sw) or term.en_plural:
                plurals.append((form, cls))
        else:
            cls = None if term.pos else noun_class(head, animate=term.animate)
        forms = [(term.sw, "singular", cls)] + [(f, "plural", c) for f, c in plurals]
        for form, number, form_cls in forms:
            markers = agreement_markers(form_cls, number == "plural")
            exact = (
                tuple(normalize(w, fold=False) for w in _words(form))
                if term.case_sensitive
                else None
            )
            yield form, _Variant(term, number, markers, False, exact)
            if term.case_sensitive or term.pos in {"adjective", "verb", "adverb"}:
                continue
            words = form.split()
            for loc in locative_forms(words[-1]):
                yield " ".join([*words[:-1], loc]), _Variant(term, number, frozenset(), True, None)

    def _add(self, form: str, variant: _Variant) -> None:
        node = self._root
        for word in _words(form):
            node = node.setdefault(normalize(word), {})
        bucket = node.setdefault(_END, [])
        if all(v != variant for v in bucket):
            bucket.append(variant)
            self.size += 1

    def match(self, text: str) -> list[TermMatch]:
        """All term occurrences in ``text``, left to right, longest first, never overlapping."""
        tokens = tokenize(text)
        keys = [normalize(tok) for _, _, tok in tokens]
        out: list[TermMatch] = []
        i = 0
        while i < len(tokens):
            node = self._root
            best: tuple[int, list[_Variant]] | None = None
            j = i
            while j < len(tokens) and keys[j] in node:
                node = node[keys[j]]
                j += 1
                if _END in node:
                    found = [
                        v for v in node[_END] if v.exact is None or v.exact == _exact(tokens, i, j)
                    ]
                    if found:
                        best = (j, found)
            if best is None:
                i += 1
                continue
            j, variants = best
            out.append(self._resolve(text, tokens, keys, i, j, variants))
            i = j
        return out

    def _resolve(
        self, text: str, tokens: list, keys: list[str], i: int, j: int, variants: list[_Variant]
    ) -> TermMatch:
        start, end = tokens[i][0], tokens[j - 1][1]
        if j < len(tokens) and keys[j] in ALL_MARKERS and not text[end : tokens[j][0]].strip():
            agreeing = [v for v in variants if not v.markers or keys[j] in v.markers]
            if agreeing:
                variants = agreeing
        by_term: dict[int, tuple[Term, set[str]]] = {}
        for v in variants:
            by_term.setdefault(id(v.term), (v.term, set()))[1].add(v.number)
        numbers: set[str] = set()
        target_sets: list[tuple[str, ...]] = []
        for term, nums in by_term.values():
            number = nums.pop() if len(nums) == 1 else "unknown"
            numbers.add(number)
            target_sets.append(english_forms(term, number))
        number = numbers.pop() if len(numbers) == 1 else "unknown"
        ambiguous = len({frozenset(s) for s in target_sets}) > 1
        return TermMatch(
            start=start,
            end=end,
            surface=text[start:end],
            terms=tuple(t for t, _ in by_term.values()),
            number=number,
            locative=any(v.locative for v in variants),
            ambiguous=ambiguous,
            targets=_dedupe(t for s in target_sets for t in s),
        )


def _key(form: str) -> tuple[str, ...]:
    return tuple(normalize(w) for w in _words(form))


def _words(form: str) -> list[str]:
    return [tok for _, _, tok in tokenize(form)]


def _exact(tokens: list, i: int, j: int) -> tuple[str, ...]:
    return tuple(normalize(tok, fold=False) for _, _, tok in tokens[i:j])
