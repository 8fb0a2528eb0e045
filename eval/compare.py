"""Two systems side by side: the segments where their outputs differ, with a word-level diff.

"Where the systems differ most" ranks segments by the spread over every system, which the
worst system dominates. This view looks at one chosen pair (say, without and with the
glossary): the segments whose outputs are not the same text, ranked by how much the segment
score of the analysis metric changes from A to B.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["DiffOp", "PairSegment", "PairComparison", "word_diff", "default_pair", "compare_pair"]

DIFF_OPS = ("equal", "delete", "insert", "replace")


@dataclass(frozen=True)
class DiffOp:
    """One stretch of a word diff (difflib's opcodes, on whitespace tokens).

    Attributes:
        op: ``equal``, ``delete`` (words only in A), ``insert`` (only in B) or ``replace``.
        a: A's words in this stretch, joined by single spaces (empty for ``insert``).
        b: B's words in this stretch (empty for ``delete``).
    """

    op: str
    a: str
    b: str

    def __post_init__(self) -> None:
        if self.op not in DIFF_OPS:
            raise ValueError(f"unknown diff op {self.op!r}; choose from {', '.join(DIFF_OPS)}")


def word_diff(a: str, b: str) -> tuple[DiffOp, ...]:
    """The word-level difference from ``a`` to ``b``.

    Joining the ``a`` sides of the result gives ``a``'s words (``" ".join(a.split())``), and the
    ``b`` sides give ``b``'s.
    """
    a_words, b_words = a.split(), b.split()
    # autojunk would treat frequent words ("the") as junk in segments over 200 words.
    matcher = difflib.SequenceMatcher(None, a_words, b_words, autojunk=False)
    return tuple(
        DiffOp(tag, " ".join(a_words[i1:i2]), " ".join(b_words[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    )


@dataclass(frozen=True)
class PairSegment:
    """One segment where A and B differ.

    Attributes:
        index: 0-based position in the test set.
        doc: its document id, if known.
        source: its source text, if known.
        references: its reference(s).
        a: A's output.
        b: B's output.
        a_score: A's segment score of the analysis metric.
        b_score: B's segment score.
        diff: the word diff from A to B.
    """

    index: int
    doc: str | None
    source: str | None
    references: tuple[str, ...]
    a: str
    b: str
    a_score: float
    b_score: float
    diff: tuple[DiffOp, ...]

    @property
    def number(self) -> int:
        """The 1-based segment number shown to people (HTML, JSON ``segment``)."""
        return self.index + 1

    @property
    def difference(self) -> float:
        """B's segment score minus A's (for TER, negative means B is better)."""
        return self.b_score - self.a_score


@dataclass(frozen=True)
class PairComparison:
    """System A against system B on the segments where their outputs differ.

    Attributes:
        a: the first system (by default the baseline).
        b: the second system.
        metric: the metric key whose segment scores rank the segments.
        higher_is_better: that metric's direction.
        n_differ: segments whose outputs are different text.
        n_b_better: of those, segments where B's segment score is better than A's.
        n_a_better: segments where A's is better.
        n_same_score: segments with different text but equal scores.
        segments: at most ``n_examples`` of the differing segments, the largest score change
            (either way) first, ties in test-set order.
    """

    a: str
    b: str
    metric: str
    higher_is_better: bool
    n_differ: int
    n_b_better: int
    n_a_better: int
    n_same_score: int
    segments: tuple[PairSegment, ...]


def default_pair(
    names: Sequence[str], corpus_scores: Mapping[str, float], higher_is_better: bool
) -> tuple[str, str] | None:
    """The baseline (``names[0]``) and the best other system by corpus score; ``None`` if alone.

    Ties go to the system listed first.
    """
    if len(names) < 2:
        return None
    others = list(names[1:])
    sign = 1 if higher_is_better else -1
    best = max(others, key=lambda n: (sign * corpus_scores[n], -others.index(n)))
    return names[0], best


def compare_pair(
    pair: tuple[str, str],
    hypotheses: Mapping[str, Sequence[str]],
    segment_scores: Mapping[str, Sequence[float]],
    references: Sequence[Sequence[str]],
    sources: Sequence[str] | None,
    doc_ids: Sequence[str] | None,
    metric: str,
    higher_is_better: bool,
    n_examples: int,
) -> PairComparison:
    """Compare systems ``pair = (a, b)`` segment by segment.

    Args:
        pair: the two system names.
        hypotheses: system → outputs.
        segment_scores: system → segment scores of ``metric``.
        references: reference streams.
        sources: source segments, if known.
        doc_ids: a document id per segment, if known.
        metric: the metric key that ranks segments.
        higher_is_better: that metric's direction.
        n_examples: how many segments to keep.
    """
    a, b = pair
    differ = [
        i for i, (x, y) in enumerate(zip(hypotheses[a], hypotheses[b], strict=True)) if x != y
    ]
    gains = {i: float(segment_scores[b][i]) - float(segment_scores[a][i]) for i in differ}
    if not higher_is_better:
        gains = {i: -g for i, g in gains.items()}
    ranked = sorted(differ, key=lambda i: (-abs(gains[i]), i))[:n_examples]
    segments = tuple(
        PairSegment(
            index=i,
            doc=doc_ids[i] if doc_ids is not None else None,
            source=sources[i] if sources is not None else None,
            references=tuple(stream[i] for stream in references),
            a=hypotheses[a][i],
            b=hypotheses[b][i],
            a_score=float(segment_scores[a][i]),
            b_score=float(segment_scores[b][i]),
            diff=word_diff(hypotheses[a][i], hypotheses[b][i]),
        )
        for i in ranked
    )
    return PairComparison(
        a=a,
        b=b,
        metric=metric,
        higher_is_better=higher_is_better,
        n_differ=len(differ),
        n_b_better=sum(g > 0 for g in gains.values()),
        n_a_better=sum(g < 0 for g in gains.values()),
        n_same_score=sum(g == 0 for g in gains.values()),
        segments=segments,
    )
