"""Where the English may be wrong: meaning-level flags on every segment.

Counters of figures and terms say what was carried over; these checks say where the English
may *reverse or invent* meaning, so an editor knows which sentences to read first. Each is a
:class:`translate.degenerate.Flag` on the segment's record (``kind``, a one-line ``detail``):

- ``polarity``: the English drops or adds a negation (:mod:`translate.polarity`);
- ``name``: a name of the source is not in the English (:mod:`translate.names`);
- ``unsupported``: a high-stakes word (killed, arrested, raped, dollars …) with nothing in the
  Swahili behind it (:mod:`translate.unsupported`);
- ``omission``: the Swahili reports a killing, rape, arrest, kidnapping or bombing and the
  English does not (:mod:`translate.unsupported`);
- ``invented-figure``: a number in the English that the source does not have
  (:mod:`translate.figures`);
- ``low-confidence``: the model's own mean log-probability per token of the English it kept
  is in the worst tenth of MAFAND-MT dev (:data:`LOW_CONFIDENCE`);
- ``round-trip``: with an English→Swahili model, the English translated back keeps too little
  of the source (:mod:`translate.roundtrip`; the pipeline runs it, a batch at a time).

``docs/trust.md`` says how each was measured and what it misses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from translate.figures import invented_figures
from translate.flags import TRUST_KINDS, Flag
from translate.hooks import SpanOutcome
from translate.names import missing_names
from translate.polarity import polarity_flag
from translate.protect import VERBATIM_KINDS as NAME_KINDS
from translate.protect import find_spans
from translate.roundtrip import ROUND_TRIP_CHRF
from translate.unsupported import omitted_words, unsupported_words

__all__ = ["DEFAULT_TRUST", "LOW_CONFIDENCE", "TRUST_KINDS", "TrustCheck", "trust_flags"]

#: Mean log-probability per token below which a segment is flagged ``low-confidence``: the
#: tenth percentile of the shipped model's output on MAFAND-MT dev (1,791 segments, CT2 int8,
#: shipped decoding; ``python benchmarks/trust.py --calibrate`` measures it again).
LOW_CONFIDENCE = -0.88


@dataclass(frozen=True)
class TrustCheck:
    """Which meaning-level checks run; ``Translator(trust=None)`` runs none.

    Attributes:
        polarity: flag a negation lost or invented.
        names: flag names of the source missing from the English.
        unsupported: flag high-stakes English words the source does not support, and
            killings, rapes, arrests, kidnappings and bombings the English leaves out.
        figures: flag figures in the English that the source lacks.
        low_confidence: flag a segment whose confidence is below this (None: never).
        round_trip: flag a segment whose round trip keeps less sentence chrF of the source
            than this, when the translator has an English→Swahili model to run it.
    """

    polarity: bool = True
    names: bool = True
    unsupported: bool = True
    figures: bool = True
    low_confidence: float | None = LOW_CONFIDENCE
    round_trip: float = ROUND_TRIP_CHRF


#: The checks ``tafsiri translate`` runs.
DEFAULT_TRUST = TrustCheck()


def _covered(source: str, terms: Iterable[SpanOutcome]) -> list[tuple[int, int]]:
    """Where enforced spans are in ``source``: they report their own outcome."""
    ranges: list[tuple[int, int]] = []
    for term in terms:
        at = source.find(term.source)
        while at != -1:
            ranges.append((at, at + len(term.source)))
            at = source.find(term.source, at + 1)
    return ranges


def trust_flags(
    source: str,
    english: str,
    confidence: float | None = None,
    terms: Iterable[SpanOutcome] = (),
    check: TrustCheck | None = None,
) -> tuple[Flag, ...]:
    """The meaning-level flags of one segment.

    Args:
        source: the Swahili segment.
        english: its translation as kept.
        confidence: the model's mean log-probability per token of ``english``, when scored.
        terms: the segment's enforced spans (glossary terms, protected figures and names).
        check: which checks run (default: all).
    """
    check = check or TrustCheck()
    if not english.strip():
        return ()
    flags: list[Flag] = []
    # Both the name and the figure checks need the source's protected spans: find them once.
    spans = find_spans(source) if check.names or check.figures else []
    if check.polarity:
        reason = polarity_flag(source, english)
        if reason:
            flags.append(Flag("polarity", reason))
    if check.names:
        # Names protection finds are enforced (and report their own outcome) when it is on;
        # with it off they are the model's, as the rest.
        covered = _covered(source, terms) + [
            (span.start, span.end) for span in spans if span.kind in NAME_KINDS
        ]
        names = missing_names(source, english, covered)
        if names:
            shown = ", ".join(names)
            flags.append(Flag("name", f"not in the English: {shown}"))
    if check.unsupported:
        words = unsupported_words(source, english)
        if words:
            shown = ", ".join(dict.fromkeys(words))
            flags.append(Flag("unsupported", f"nothing in the Swahili says: {shown}"))
        omitted = omitted_words(source, english)
        if omitted:
            shown = ", ".join(omitted)
            flags.append(Flag("omission", f"the English leaves out: {shown}"))
    if check.figures:
        invented = invented_figures(source, english, spans)
        if invented:
            shown = ", ".join(invented)
            flags.append(Flag("invented-figure", f"not in the Swahili: {shown}"))
    if (
        check.low_confidence is not None
        and confidence is not None
        and confidence < check.low_confidence
    ):
        flags.append(
            Flag("low-confidence", f"model confidence {confidence:.2f} < {check.low_confidence}")
        )
    return tuple(flags)
