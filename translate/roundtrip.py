"""The round trip: translate the English back into Swahili and see how much of the source
survives (``tafsiri translate --round-trip MODEL``).

English that lost or garbled the meaning rarely translates back into anything like its source.
On MAFAND-MT dev (model v3), the tenth of lines whose round trip (through
``data/models/en-sw-v2``, embedded as ``en-sw-compact``) keeps least of the Swahili by sentence chrF were 10.9 chrF worse
against the human English than the rest (95% CI 8.1 to 13.4), against 7.4 for
``low-confidence``, and 9.3 worse among the lines no other flag marks: it finds bad English the
other checks miss (``benchmarks/round_trip.py``). It costs a second translation (about half the
time of the first again), so it runs only when an English→Swahili model is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sacrebleu

from translate.flags import Flag

__all__ = ["MIN_WORDS", "ROUND_TRIP_CHRF", "round_trip_flags", "round_trip_scores"]

#: Sentence chrF of the round trip against the Swahili below which a segment is flagged
#: ``round-trip``: the tenth percentile on MAFAND-MT dev, shipped sw→en model (v6) and decoding,
#: back through ``en-sw-compact`` (the embedded ``data/models/en-sw-v2``; ``python
#: benchmarks/round_trip.py`` measures it).
ROUND_TRIP_CHRF = 45.4
#: Segments of fewer Swahili words are not judged: a name or a dateline comes back as itself
#: ("Ubelgiji" → "Belgium" → "Belgium"), and chrF on a word or two is noise.
MIN_WORDS = 5


def round_trip_scores(
    back: Callable[[list[str]], list[str]], sources: Sequence[str], english: Sequence[str]
) -> list[tuple[float, str] | None]:
    """(sentence chrF against the source, the Swahili it came back as) for each segment of at
    least :data:`MIN_WORDS` words whose English is not empty; None for the others.

    ``back`` translates English texts into Swahili, one output per input, in order.
    """
    todo = [
        k
        for k, (source, text) in enumerate(zip(sources, english, strict=True))
        if text.strip() and len(source.split()) >= MIN_WORDS
    ]
    returned = back([english[k] for k in todo]) if todo else []
    scores: list[tuple[float, str] | None] = [None] * len(sources)
    for k, swahili in zip(todo, returned, strict=True):
        scores[k] = (sacrebleu.sentence_chrf(swahili, [sources[k]]).score, swahili)
    return scores


def round_trip_flags(
    back: Callable[[list[str]], list[str]],
    sources: Sequence[str],
    english: Sequence[str],
    threshold: float = ROUND_TRIP_CHRF,
) -> list[Flag | None]:
    """A ``round-trip`` flag for each segment whose English translates back into too little of
    its source (:func:`round_trip_scores` under ``threshold``); None for the others."""
    flags: list[Flag | None] = []
    for scored in round_trip_scores(back, sources, english):
        if scored is None or scored[0] >= threshold:
            flags.append(None)
            continue
        score, swahili = scored
        flags.append(
            Flag(
                "round-trip",
                f"translated back, it keeps chrF {score:.1f} of the Swahili (< {threshold:g}): "
                f"{' '.join(swahili.split())[:80]}",
            )
        )
    return flags
