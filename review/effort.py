"""Post-editing effort: HTER (TER of the MT against the editor's final English) and time.

HTER (Snover et al., AMTA 2006) counts the word edits (insertions, deletions, substitutions and
shifts) that turn the MT into its post-edited version, per word of the post-edited version.
sacreBLEU's TER computes it; a segment's edit count and final length are stored with each save,
so a document's HTER is the corpus TER of its reviewed segments (total edits / total words,
exactly what ``TER().corpus_score`` returns) without re-running TER over the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["TerStats", "segment_ter", "corpus_hter", "ter_signature"]


@dataclass(frozen=True)
class TerStats:
    """TER statistics of one segment.

    Attributes:
        edits: word edits from the MT to the final English.
        words: words of the final English (TER's reference length).
    """

    edits: float
    words: float

    @property
    def score(self) -> float:
        """TER in percent, as sacreBLEU reports it (100 when the final English is empty but
        the MT is not, 0 when both are empty)."""
        return _score(self.edits, self.words)


def _score(edits: float, words: float) -> float:
    if words > 0:
        return 100.0 * edits / words
    return 100.0 if edits > 0 else 0.0


def segment_ter(mt: str, final: str) -> TerStats:
    """TER statistics of ``mt`` against ``final`` with sacreBLEU's default TER settings."""
    from sacrebleu.metrics import TER

    if mt == final:
        return TerStats(0.0, float(len(final.split())))
    score = TER().sentence_score(mt, [final])
    return TerStats(float(score.num_edits), float(score.ref_length))


def corpus_hter(stats: Iterable[TerStats]) -> float | None:
    """HTER of several segments, in percent; None for none."""
    edits = words = 0.0
    count = 0
    for s in stats:
        edits += s.edits
        words += s.words
        count += 1
    return _score(edits, words) if count else None


def ter_signature() -> str:
    """sacreBLEU's TER signature for the settings used here (one reference: the final text)."""
    from sacrebleu.metrics import TER

    ter = TER()
    ter.corpus_score(["x"], [["x"]])  # the signature needs the number of references
    return str(ter.get_signature())
