"""Confidence intervals and paired significance: sacreBLEU's tests, resampled with numpy.

The numbers are exactly those of ``sacrebleu.significance._paired_bs_test`` and
``_paired_ar_test`` for the same seed (and so of ``sacrebleu --paired-bs`` / ``--paired-ar``;
``tests/test_eval_stats.py`` checks both, float for float). What changes is the work:

* the random draws are made once per test, as sacreBLEU makes them (a fresh
  ``np.random.default_rng(seed)``, then ``choice`` for the bootstrap, ``integers(2)`` for AR),
  and shared by every system and metric, as they are in sacreBLEU;
* a bootstrap resample's statistics are summed as a matrix product (how often each segment is
  drawn, times the per-segment statistics) instead of gathering ``n`` rows per resample;
* the baseline's resamples are scored once, not once per system.

Each resample's score is still sacreBLEU's own ``_compute_score_from_stats``, given the very
same input: sacreBLEU sums float32 statistics, and we hand it float32 sums that are equal bit
for bit (see :func:`resample_sums`). Nothing here re-implements a metric.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from eval.metrics import MetricSet, SystemStats

logger = logging.getLogger(__name__)

__all__ = [
    "PairedResult",
    "paired_tests",
    "bootstrap_indices",
    "ar_selectors",
    "resample_counts",
    "resample_sums",
    "DEFAULT_SEED",
]

# sacrebleu's default seed (SACREBLEU_SEED), so that default runs agree with its command line.
DEFAULT_SEED = 12345
# float32 holds every integer up to 2**24 exactly; below that any summation order gives the
# same float32 sum, so a float32 matrix product reproduces sacreBLEU's float32 sums bit for bit.
_FLOAT32_EXACT = 2**24


@dataclass(frozen=True)
class PairedResult:
    """One system's statistics for one metric.

    Attributes:
        mean: the bootstrap estimate of the true mean score (``None``: bootstrap off).
        ci: half the width of the 95% confidence interval around ``mean`` (``mean ± ci``).
        p_bootstrap: paired bootstrap p-value against the baseline (``None`` for the baseline).
        p_ar: approximate randomisation p-value against the baseline (``None`` for the baseline
            or when that test is off).
    """

    mean: float | None
    ci: float | None
    p_bootstrap: float | None
    p_ar: float | None


def bootstrap_indices(n_segments: int, n_samples: int, seed: int) -> np.ndarray:
    """The segments of every bootstrap resample, drawn exactly as ``_paired_bs_test`` draws them.

    Returns:
        An ``(n_samples, n_segments)`` array of segment indices.
    """
    rng = np.random.default_rng(seed)
    return rng.choice(n_segments, size=(n_samples, n_segments), replace=True)


def ar_selectors(n_segments: int, n_trials: int, seed: int) -> np.ndarray:
    """The swap masks of every AR trial, drawn exactly as ``_paired_ar_test`` draws them.

    Returns:
        An ``(n_trials, n_segments)`` boolean array; ``True``: the segment keeps its system.
    """
    rng = np.random.default_rng(seed)
    return rng.integers(2, size=(n_trials, n_segments), dtype=bool)


def resample_counts(indices: np.ndarray) -> np.ndarray:
    """How often each resample drew each segment: ``counts[r, i]``, float32.

    Half the size of ``indices`` itself (int64), so it is built once and shared by every
    system and metric.
    """
    n_samples, n_segments = indices.shape
    offsets = np.arange(n_samples)[:, None] * n_segments
    counts = np.bincount((indices + offsets).ravel(), minlength=indices.size)
    return counts.reshape(indices.shape).astype(np.float32)


def _exact_in_float32(stats32: np.ndarray) -> bool:
    # Non-negative integers (counts; TER's reference length with one reference): partial sums
    # never exceed the total, so the total bounds every intermediate value.
    return bool(np.all(stats32 >= 0) and np.all(stats32 == np.floor(stats32)))


def resample_sums(stats: np.ndarray, indices: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each resample's summed statistics, equal to sacreBLEU's ``stats32[idx].sum(0)``.

    sacreBLEU converts the statistics to float32 and sums every resample's rows. For integer
    statistics whose sums stay within float32's exact range we get the same numbers as one
    matrix product, ``counts @ stats``; otherwise (fractional TER lengths with several
    references, huge corpora) we sum the gathered rows as sacreBLEU does, resample by resample.

    Args:
        stats: ``(n_segments, n_stats)`` per-segment statistics.
        indices: ``(n_samples, n_segments)`` from :func:`bootstrap_indices`.
        counts: :func:`resample_counts` of ``indices``.

    Returns:
        ``(n_samples, n_stats)`` float32 sums.
    """
    stats32 = np.asarray(stats, dtype=np.float32)
    if _exact_in_float32(stats32):
        sums = counts @ stats32
        # Every partial sum of non-negative integers is at most the total: a total below 2**24
        # means no step rounded, whatever order the product added in; a total that reached
        # 2**24 cannot round back below it.
        if sums.size == 0 or sums.max() < _FLOAT32_EXACT:
            return sums
    logger.debug("statistics not exact in float32: summing resamples one by one")
    return np.stack([stats32[row].sum(0) for row in indices])


def _scores(metric: Any, sums: np.ndarray) -> np.ndarray:
    # The same expression sacreBLEU evaluates, so the array (and its dtype: float32 for chrF)
    # is identical too.
    return np.array([metric._compute_score_from_stats(row).score for row in sums])


def _bootstrap(
    metric: Any,
    baseline_score: float,
    baseline_scores: np.ndarray,
    system: SystemStats,
    indices: np.ndarray,
    counts: np.ndarray,
) -> tuple[float, float, float]:
    """``(mean, ci, p)`` of one system, as ``_paired_bs_test`` computes them."""
    from sacrebleu.significance import _compute_p_value, estimate_ci

    system_scores = _scores(metric, resample_sums(system.array, indices, counts))
    # sacreBLEU scores the system from the statistics it was handed (float64 here).
    diff = abs(baseline_score - metric._aggregate_and_compute(system.array).score)
    mean, ci = estimate_ci(system_scores)
    sample_diffs = np.abs(system_scores - baseline_scores)
    p = _compute_p_value(sample_diffs - sample_diffs.mean(), diff)
    return float(mean), float(ci), float(p)


def _approximate_randomisation(
    metric: Any,
    baseline_score: float,
    baseline_kept: np.ndarray,
    baseline_swapped: np.ndarray,
    system: SystemStats,
    selectors: np.ndarray,
) -> float:
    """The p-value of one system, as ``_paired_ar_test`` computes it."""
    from sacrebleu.significance import _compute_p_value

    sys_stats = system.array
    diff = abs(baseline_score - metric._aggregate_and_compute(sys_stats).score)
    # The same products sacreBLEU forms; the baseline's halves are shared by every system.
    shuf_a = baseline_kept + ~selectors @ sys_stats
    shuf_b = baseline_swapped + selectors @ sys_stats
    # sacreBLEU's _aggregate_and_compute on one row passes that row on unchanged.
    scores_a = _scores(metric, shuf_a)
    scores_b = _scores(metric, shuf_b)
    return float(_compute_p_value(np.abs(scores_a - scores_b), diff))


def paired_tests(
    metric_set: MetricSet,
    systems: Sequence[tuple[str, Sequence[str], dict[str, SystemStats]]],
    n_bootstrap: int,
    n_ar: int,
    seed: int,
) -> dict[str, dict[str, PairedResult]]:
    """Run the paired bootstrap (with CIs) and approximate randomisation for every system.

    Args:
        metric_set: the metrics, references cached.
        systems: ``(name, hypotheses, stats by metric key)``; the first is the baseline.
        n_bootstrap: bootstrap resamples (sacrebleu's default: 1000); 0 skips the test.
        n_ar: approximate-randomisation trials (sacrebleu's default: 10000); 0 skips the test.
        seed: the random seed; every comparison draws the same resamples, as in sacrebleu.

    Returns:
        ``{system name: {metric key: PairedResult}}``; the baseline's entry has its interval
        (from the same resamples, as sacreBLEU's baseline row) and no p-values.
    """
    keys = metric_set.keys
    baseline_stats = systems[0][2]
    n_segments = len(baseline_stats[keys[0]].rows)
    indices = bootstrap_indices(n_segments, n_bootstrap, seed) if n_bootstrap > 0 else None
    counts = resample_counts(indices) if indices is not None else None
    selectors = ar_selectors(n_segments, n_ar, seed) if n_ar > 0 and len(systems) > 1 else None

    found: dict[str, dict[str, dict[str, float]]] = {name: {} for name, _, _ in systems}
    for key in keys:
        metric = metric_set.metrics[key]
        baseline = baseline_stats[key]
        baseline_score = float(metric_set.corpus(key, baseline).score)
        if indices is not None and counts is not None:
            logger.info("paired bootstrap (%d resamples) for %s", n_bootstrap, metric_set.name(key))
            from sacrebleu.significance import estimate_ci

            baseline_scores = _scores(metric, resample_sums(baseline.array, indices, counts))
            mean, ci = estimate_ci(baseline_scores)
            found[systems[0][0]][key] = {"mean": float(mean), "ci": float(ci)}
            for name, _, stats in systems[1:]:
                mean, ci, p = _bootstrap(
                    metric, baseline_score, baseline_scores, stats[key], indices, counts
                )
                found[name][key] = {"mean": mean, "ci": ci, "p_bootstrap": p}
        if selectors is not None:
            logger.info("approximate randomisation (%d trials) for %s", n_ar, metric_set.name(key))
            kept = selectors @ baseline.array
            swapped = ~selectors @ baseline.array
            for name, _, stats in systems[1:]:
                found[name].setdefault(key, {})["p_ar"] = _approximate_randomisation(
                    metric, baseline_score, kept, swapped, stats[key], selectors
                )

    return {
        name: {
            key: PairedResult(
                mean=found[name].get(key, {}).get("mean"),
                ci=found[name].get(key, {}).get("ci"),
                p_bootstrap=found[name].get(key, {}).get("p_bootstrap"),
                p_ar=found[name].get(key, {}).get("p_ar"),
            )
            for key in keys
        }
        for name, _, _ in systems
    }
