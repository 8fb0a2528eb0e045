"""Flags against scores: do the segments ``tafsiri translate`` flagged score lower?

A system given as the JSONL records of ``tafsiri translate --format jsonl`` carries, per
segment, the flags the engine raised (:mod:`translate.flags`: meaning-level kinds such as
``polarity`` or ``invented-figure``, and signs of degenerate output) and the model's confidence
(mean log-probability per token). For each flag kind present this module counts the segments
flagged and compares their mean segment chrF with the unflagged segments' mean: the *gap*
(unflagged minus flagged) is positive when the flagged segments score lower, which is what a
flag that points at bad English should give. The gap comes with a 95% bootstrap interval, and
the confidence with its correlation to segment chrF.

Segments are the records in file order, aligned one to one with the reference segments, as
:mod:`eval.inputs` aligns every system. A degenerate flag counts only when it persists in the
English kept (a re-decode that cured it leaves nothing to check). Segment chrF is the report's
own (sacreBLEU's ``sentence_score`` through :class:`eval.metrics.MetricSet`); nothing here
re-implements a metric.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from eval.metrics import MetricSet, SystemStats
from eval.stats import bootstrap_indices
from translate.flags import DEGENERATE_KINDS, TRUST_KINDS
from translate.records import SegmentRecord

__all__ = ["FlagRow", "FlagReport", "flag_report", "flags_by_system", "segment_chrf", "ANY"]

#: The row of segments with at least one flag of any kind.
ANY = "any"
#: Report order: the meaning-level kinds, then the degenerate ones.
ORDER = TRUST_KINDS + DEGENERATE_KINDS


@dataclass(frozen=True)
class FlagRow:
    """One flag kind of one system, against segment chrF.

    Attributes:
        kind: a flag kind (:data:`translate.flags.KINDS`), or :data:`ANY`.
        n_flagged: segments with at least one flag of this kind.
        share: ``n_flagged`` over all segments (0–1).
        mean_flagged: mean segment chrF of the flagged segments.
        mean_unflagged: the same over the other segments (``None``: every segment is flagged).
        gap: ``mean_unflagged - mean_flagged``; positive when flagged segments score lower.
        gap_mean: the bootstrap mean of the gap (``None``: no interval, see ``gap_ci``).
        gap_ci: half the width of the gap's 95% bootstrap interval (``gap_mean ± gap_ci``);
            ``None`` with the bootstrap off or fewer than two segments on either side.
        example: ``(segment number, detail)`` of the first flagged segment (1-based).
    """

    kind: str
    n_flagged: int
    share: float
    mean_flagged: float
    mean_unflagged: float | None
    gap: float | None
    gap_mean: float | None
    gap_ci: float | None
    example: tuple[int, str]

    @property
    def interval(self) -> tuple[float, float] | None:
        """The gap's 95% interval ``[low, high]``, or ``None``."""
        if self.gap_mean is None or self.gap_ci is None:
            return None
        return (self.gap_mean - self.gap_ci, self.gap_mean + self.gap_ci)


@dataclass(frozen=True)
class FlagReport:
    """The flags of one system's segments against segment chrF.

    Attributes:
        metric_name: sacreBLEU's name of the segment score (``chrF2++`` by default).
        n_segments: segments of the system.
        rows: one per flag kind present, meaning-level kinds first (:data:`ORDER`).
        any: segments with at least one flag (``None`` when no segment is flagged).
        n_confidence: segments with a confidence (the model scored them).
        confidence_pearson: Pearson's r between confidence and segment chrF over those
            segments (``None``: fewer than two, or either side constant).
    """

    metric_name: str
    n_segments: int
    rows: tuple[FlagRow, ...]
    any: FlagRow | None
    n_confidence: int
    confidence_pearson: float | None


def _gap_interval(
    flagged: np.ndarray, unflagged: np.ndarray, n_bootstrap: int, seed: int
) -> tuple[float | None, float | None]:
    """Bootstrap mean and 95% half-width of ``mean(unflagged) - mean(flagged)``.

    Each side is resampled on its own (its size fixed), with :func:`eval.stats.bootstrap_indices`
    seeded ``seed`` (flagged) and ``seed + 1`` (unflagged); the interval is sacreBLEU's
    ``estimate_ci`` of the resampled gaps, as for every other interval of the report.
    """
    if n_bootstrap < 2 or len(flagged) < 2 or len(unflagged) < 2:
        return None, None
    from sacrebleu.significance import estimate_ci

    flagged_means = flagged[bootstrap_indices(len(flagged), n_bootstrap, seed)].mean(axis=1)
    rest_means = unflagged[bootstrap_indices(len(unflagged), n_bootstrap, seed + 1)].mean(axis=1)
    mean, ci = estimate_ci(rest_means - flagged_means)
    return float(mean), float(ci)


def _row(
    kind: str,
    hit: np.ndarray,
    scores: np.ndarray,
    example: tuple[int, str],
    n_bootstrap: int,
    seed: int,
) -> FlagRow:
    flagged, unflagged = scores[hit], scores[~hit]
    mean_flagged = float(flagged.mean())
    mean_unflagged = float(unflagged.mean()) if len(unflagged) else None
    gap_mean, gap_ci = _gap_interval(flagged, unflagged, n_bootstrap, seed)
    return FlagRow(
        kind=kind,
        n_flagged=int(hit.sum()),
        share=float(hit.mean()),
        mean_flagged=mean_flagged,
        mean_unflagged=mean_unflagged,
        gap=None if mean_unflagged is None else mean_unflagged - mean_flagged,
        gap_mean=gap_mean,
        gap_ci=gap_ci,
        example=example,
    )


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def flag_report(
    records: Sequence[SegmentRecord],
    scores: Sequence[float],
    metric_name: str = "chrF2++",
    n_bootstrap: int = 1000,
    seed: int = 12345,
) -> FlagReport:
    """Count each flag kind of ``records`` and compare flagged with unflagged segment scores.

    Args:
        records: one record per segment, aligned with ``scores``.
        scores: the segment chrF of each segment (see :func:`segment_chrf`).
        metric_name: the name shown for the score.
        n_bootstrap: resamples of the gap's interval; below 2 gives no interval.
        seed: the random seed of the resamples (the report's ``--seed``).

    Raises:
        ValueError: ``records`` and ``scores`` differ in length, or are empty.
    """
    if len(records) != len(scores):
        raise ValueError(f"{len(records)} records but {len(scores)} segment scores")
    if not records:
        raise ValueError("no segments to report flags for")
    values = np.asarray(scores, dtype=np.float64)
    kinds = [{f.kind for f in r.flags if f.persists} for r in records]
    examples: dict[str, tuple[int, str]] = {}
    for number, record in enumerate(records, start=1):
        for flag in record.flags:
            if flag.persists:
                examples.setdefault(flag.kind, (number, flag.detail))
                examples.setdefault(ANY, (number, flag.detail))
    rows = tuple(
        _row(
            kind,
            np.array([kind in k for k in kinds]),
            values,
            examples[kind],
            n_bootstrap,
            seed,
        )
        for kind in ORDER
        if kind in examples
    )
    any_row = None
    if ANY in examples:
        any_row = _row(
            ANY, np.array([bool(k) for k in kinds]), values, examples[ANY], n_bootstrap, seed
        )
    scored = [(r.confidence, s) for r, s in zip(records, values, strict=True)]
    pairs = np.array([(c, s) for c, s in scored if c is not None], dtype=np.float64).reshape(-1, 2)
    return FlagReport(
        metric_name=metric_name,
        n_segments=len(records),
        rows=rows,
        any=any_row,
        n_confidence=len(pairs),
        confidence_pearson=_pearson(pairs[:, 0], pairs[:, 1]),
    )


def segment_chrf(
    metric_set: MetricSet,
    references: Sequence[Sequence[str]],
    hypotheses: Sequence[str],
    stats: Mapping[str, SystemStats] | None = None,
) -> tuple[str, list[float]]:
    """Segment chrF of one system and the metric's name, as the report scores segments.

    The report's own chrF (its settings, chrF++ by default) when ``metric_set`` computes it;
    otherwise chrF with the same settings computed here (``--metrics bleu`` alone).

    Args:
        metric_set: the report's metrics.
        references: the reference streams (used only when chrF must be computed here).
        hypotheses: the system's segments.
        stats: the system's statistics by metric key, when already extracted.
    """
    if "chrf" not in metric_set.keys:
        metric_set = MetricSet(references, replace(metric_set.options, metrics=("chrf",)))
        stats = None
    chrf = stats["chrf"] if stats is not None else metric_set.extract("chrf", hypotheses)
    return metric_set.name("chrf"), metric_set.segments("chrf", chrf)


def flags_by_system(
    records: Mapping[str, Sequence[SegmentRecord]],
    hypotheses: Mapping[str, Sequence[str]],
    metric_set: MetricSet,
    references: Sequence[Sequence[str]],
    stats: Mapping[str, Mapping[str, SystemStats]],
    n_bootstrap: int,
    seed: int,
) -> dict[str, FlagReport]:
    """A :class:`FlagReport` for every system given with records.

    Raises:
        ValueError: records of an unknown system, or records that do not match the system's
            segments (a different count, or a translation that is not the hypothesis).
    """
    found: dict[str, FlagReport] = {}
    for name, system_records in records.items():
        if name not in hypotheses:
            raise ValueError(f"records given for {name!r}, which is not a system")
        hyps = hypotheses[name]
        if len(system_records) != len(hyps):
            raise ValueError(
                f"system {name!r} has {len(hyps)} segments but {len(system_records)} records"
            )
        for number, (record, hyp) in enumerate(zip(system_records, hyps, strict=True), start=1):
            if record.translation != hyp:
                raise ValueError(
                    f"the record of segment {number} of {name!r} is not its hypothesis"
                )
        metric_name, scores = segment_chrf(metric_set, references, hyps, stats.get(name))
        found[name] = flag_report(system_records, scores, metric_name, n_bootstrap, seed)
    return found
