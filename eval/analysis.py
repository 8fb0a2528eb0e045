"""compare-mt style analysis: length buckets, score histograms, differing and worst segments.

Bucket scores are corpus scores over the bucket's segments (sacrebleu, from the statistics
already extracted), as compare-mt does; histograms and segment rankings use per-segment scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eval.metrics import HIGHER_IS_BETTER, MetricSet, SystemStats

__all__ = ["Bucket", "Histogram", "SegmentView", "Analysis", "analyse", "HISTOGRAM_EDGES"]

# Ten-point bins on the 0–100 scale every sacrebleu metric reports; the last bin is open
# because TER can exceed 100.
HISTOGRAM_EDGES = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90)


@dataclass(frozen=True)
class Bucket:
    """Segments whose length in words is in ``[low, high)``; ``high`` ``None``: no upper bound."""

    label: str
    low: int
    high: int | None
    n_segments: int
    scores: Mapping[str, Mapping[str, float | None]]  # system → metric key → corpus score


@dataclass(frozen=True)
class Histogram:
    """How many segments of each system fall in each ten-point bin of one metric."""

    metric: str
    labels: tuple[str, ...]
    counts: Mapping[str, tuple[int, ...]]  # system → count per bin


@dataclass(frozen=True)
class SegmentView:
    """One segment with everything side by side.

    ``index`` is the 0-based position in the test set; :attr:`number` the 1-based segment number
    that people see (HTML report, JSON ``segment``, input error messages).
    """

    index: int
    doc: str | None
    source: str | None
    references: tuple[str, ...]
    hypotheses: Mapping[str, str]
    scores: Mapping[str, float]  # system → per-segment score of the analysis metric
    spread: float  # best minus worst system score on this segment

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class Analysis:
    """Everything the report shows beyond the score table."""

    metric: str
    length_basis: str  # "source" or "reference"
    length_buckets: tuple[Bucket, ...]
    histograms: tuple[Histogram, ...]
    most_different: tuple[SegmentView, ...]
    worst: tuple[SegmentView, ...]


def _bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return f"≥{low}"
    if low == 0:
        return f"<{high}"
    return f"{low}–{high - 1}"


def _histogram_labels() -> tuple[str, ...]:
    edges = HISTOGRAM_EDGES
    return tuple(f"{lo}–{hi}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)) + (
        f"≥{edges[-1]}",
    )


def _bin(value: float) -> int:
    for i, edge in enumerate(HISTOGRAM_EDGES[1:]):
        if value < edge:
            return i
    return len(HISTOGRAM_EDGES) - 1


def analyse(
    metric_set: MetricSet,
    names: Sequence[str],
    stats: Mapping[str, Mapping[str, SystemStats]],
    segment_scores: Mapping[str, Mapping[str, Sequence[float]]],
    references: Sequence[Sequence[str]],
    hypotheses: Mapping[str, Sequence[str]],
    sources: Sequence[str] | None,
    doc_ids: Sequence[str] | None,
    metric: str,
    length_edges: Sequence[int],
    n_examples: int,
) -> Analysis:
    """Build the analysis for systems ``names`` (already scored).

    Args:
        metric_set: the metrics.
        names: system names, baseline first.
        stats: system → metric key → statistics.
        segment_scores: system → metric key → per-segment scores.
        references: reference streams.
        hypotheses: system → outputs.
        sources: the source segments, if known (lengths are then source lengths).
        doc_ids: a document id per segment, if known.
        metric: the metric key used to rank segments.
        length_edges: bucket boundaries in words, increasing.
        n_examples: how many segments to list in each ranking.
    """
    basis = sources if sources is not None else references[0]
    lengths = [len(text.split()) for text in basis]
    bounds = [0, *length_edges]
    buckets = []
    for i, low in enumerate(bounds):
        high = bounds[i + 1] if i + 1 < len(bounds) else None
        members = [j for j, n in enumerate(lengths) if n >= low and (high is None or n < high)]
        scores = {
            name: {
                key: (
                    float(metric_set.corpus(key, stats[name][key], members).score)
                    if members
                    else None
                )
                for key in metric_set.keys
            }
            for name in names
        }
        buckets.append(Bucket(_bucket_label(low, high), low, high, len(members), scores))

    labels = _histogram_labels()
    histograms = []
    for key in metric_set.keys:
        counts = {}
        for name in names:
            row = [0] * len(labels)
            for value in segment_scores[name][key]:
                row[_bin(value)] += 1
            counts[name] = tuple(row)
        histograms.append(Histogram(key, labels, counts))

    n = len(references[0])
    higher = HIGHER_IS_BETTER[metric]

    def view(i: int) -> SegmentView:
        per_system = {name: float(segment_scores[name][metric][i]) for name in names}
        return SegmentView(
            index=i,
            doc=doc_ids[i] if doc_ids is not None else None,
            source=sources[i] if sources is not None else None,
            references=tuple(stream[i] for stream in references),
            hypotheses={name: hypotheses[name][i] for name in names},
            scores=per_system,
            spread=max(per_system.values()) - min(per_system.values()),
        )

    views = [view(i) for i in range(n)]
    most_different: list[SegmentView] = []
    if len(names) > 1:
        ranked = sorted(views, key=lambda v: (-v.spread, v.index))
        most_different = [v for v in ranked if v.spread > 0][:n_examples]

    def mean_score(v: SegmentView) -> float:
        mean = sum(v.scores.values()) / len(v.scores)
        return mean if higher else -mean

    worst = sorted(views, key=lambda v: (mean_score(v), v.index))[:n_examples]
    return Analysis(
        metric=metric,
        length_basis="source" if sources is not None else "reference",
        length_buckets=tuple(buckets),
        histograms=tuple(histograms),
        most_different=tuple(most_different),
        worst=tuple(worst),
    )
