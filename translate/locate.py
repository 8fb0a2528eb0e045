"""Finding what a source required in an English translation: one home for every consumer.

Enforcement (:mod:`translate.constraints`), review QA, ``glossary score`` and the evaluation's
fidelity score all ask the same question — is this term, figure or name in the English, and
where? — and answer it here:

- :func:`locate_targets`: glossary renderings, whole words, each English position used once;
- :func:`translate.protect.locate_all` (re-exported): protected spans, whole numbers,
  count-aware;
- :func:`locate_requirements`: both for one text's requirements, spans first;
- :func:`carried_spans`: a source's protected spans paired with where each is in the English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from translate.hooks import Requirement
from translate.protect import FIGURE_KINDS, Hit, ProtectedSpan, find_spans, locate_all

__all__ = [
    "CASE_MODES",
    "FIGURE_KINDS",
    "Hit",
    "normalize",
    "locate_targets",
    "locate_all",
    "locate_requirements",
    "carried_spans",
]

#: How :func:`locate_targets` treats case.
CASE_MODES = ("insensitive", "adaptive", "exact")

_APOSTROPHES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u02bb": "'",
        "\u2032": "'",
    }
)


def normalize(word: str, fold: bool = True) -> str:
    """NFC, one apostrophe, and (by default) case folding: the key words are matched on."""
    word = unicodedata.normalize("NFC", word).translate(_APOSTROPHES)
    return word.casefold() if fold else word


@lru_cache(maxsize=65536)
def _target_regex(form: str, case: str) -> re.Pattern[str]:
    words = form.split()
    flags = re.IGNORECASE if case == "insensitive" else 0
    if case == "adaptive" and not any(ch.isupper() for ch in form):
        # A lower-case rendering (a common noun or a generic title) may open a sentence or be
        # written in title case before a name: any word may start with a capital.
        parts = [
            f"[{re.escape(w[0])}{re.escape(w[0].upper())}]{re.escape(w[1:])}"
            if w[0].isalpha()
            else re.escape(w)
            for w in words
        ]
    else:
        parts = [re.escape(w) for w in words]
    body = r"\s+".join(parts)
    return re.compile(rf"(?<![\w]){body}(?![\w])", flags)


def locate_targets(
    text: str,
    groups: Sequence[Sequence[str]],
    case: str = "adaptive",
    taken: Sequence[tuple[int, int]] = (),
) -> list[Hit | None]:
    """Find one English occurrence per group of accepted renderings, never reusing a position.

    Args:
        text: an English translation.
        groups: for each term occurrence, its accepted renderings.
        case: "insensitive"; "adaptive" (renderings with capitals must match exactly;
            lower-case ones may capitalise their words, e.g. at the start of a sentence or as a
            title before a name); or "exact".
        taken: character ranges of ``text`` already spoken for (e.g. by protected spans);
            no group is found inside them.

    Returns:
        Per group, (start, end, rendering found) or None when none is free in ``text``.
        Groups with longer renderings claim their positions first, so "Minister of Foreign
        Affairs" is not spent on a separate "Minister". When two groups want the very same
        words, they go to the group that prefers that rendering: in "Shirika la Usalama … (OSCE)"
        a lone "OSCE" is the acronym's, and the long name is the one reported missing.

    Raises:
        ValueError: ``case`` is not one of :data:`CASE_MODES`.
    """
    if case not in CASE_MODES:
        raise ValueError(f"case must be one of {', '.join(CASE_MODES)}, got {case!r}")
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    order = sorted(range(len(groups)), key=lambda g: -max((len(f) for f in groups[g]), default=0))
    used: list[tuple[int, int]] = [(a, b) for a, b in taken if b > a]
    found: list[Hit | None] = [None] * len(groups)
    rank: dict[tuple[int, int], tuple[int, int]] = {}  # span → (group, rank of its form)
    for g in order:
        for form in sorted(groups[g], key=len, reverse=True):
            hit = next(
                (m for m in _finditer(form, case, text) if _free(m.start(), m.end(), used)),
                None,
            )
            if hit is not None:
                span = (hit.start(), hit.end())
                used.append(span)
                found[g] = (*span, hit.group())
                rank[span] = (g, list(groups[g]).index(form))
                break
    for g in range(len(groups)):
        if found[g] is not None:
            continue
        for r, form in enumerate(groups[g]):
            for m in _finditer(form, case, text):
                holder = rank.get((m.start(), m.end()))
                if holder is None:
                    continue
                if holder[1] > r:
                    found[g], found[holder[0]] = found[holder[0]], None
                    rank[(m.start(), m.end())] = (g, r)
                    break
            if found[g] is not None:
                break
    return found


def _finditer(form: str, case: str, text: str) -> Iterable[re.Match[str]]:
    return _target_regex(normalize(form, fold=False), case).finditer(text)


def _free(start: int, end: int, used: list[tuple[int, int]]) -> bool:
    return all(end <= s or start >= e for s, e in used)


def locate_requirements(
    text: str, requirements: Sequence[Requirement], case: str = "adaptive"
) -> list[Hit | None]:
    """Where each requirement is in ``text``, each English occurrence serving one of them.

    Spans first (:func:`translate.protect.locate_all`: whole numbers, count-aware), then terms
    (:func:`locate_targets`) in what the spans left: in "Southern African Development Community
    (SADC)" the name "SADC" and the term *Jumuiya ya Maendeleo Kusini mwa Afrika* do not both
    take the one "SADC".
    """
    spans = [(k, r.span) for k, r in enumerate(requirements) if r.span is not None]
    terms = [k for k, r in enumerate(requirements) if r.span is None]
    out: list[Hit | None] = [None] * len(requirements)
    if spans:
        located = locate_all([span for _, span in spans], text)
        for (k, _), hit in zip(spans, located, strict=True):
            out[k] = hit
    if terms:
        taken = [(h[0], h[1]) for h in out if h is not None]
        found = locate_targets(text, [requirements[k].targets for k in terms], case, taken)
        for k, hit in zip(terms, found, strict=True):
            out[k] = hit
    return out


def carried_spans(
    source: str, english: str, kinds: frozenset[str] | None = None
) -> list[tuple[ProtectedSpan, Hit | None]]:
    """The protected spans of ``source`` (only ``kinds``, None for all) and where each is in
    ``english``: (span, hit or None), in source order. Each occurrence counts: a figure written
    twice in the source must be in the English twice.
    """
    spans = [s for s in find_spans(source) if kinds is None or s.kind in kinds]
    if not spans:
        return []
    return list(zip(spans, locate_all(spans, english), strict=True))
