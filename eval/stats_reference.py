"""The reference path: sacreBLEU's own paired tests, called on already extracted statistics.

This was ``eval.stats`` until the tests were vectorised; :func:`eval.stats.paired_tests` must give
exactly its numbers (``tests/test_eval_stats.py`` and ``benchmarks/eval_speed.py`` check it). It
is about four times slower (see ``docs/eval.md``): each resample is gathered row by row, and
every system's call resamples and scores the baseline again.

sacrebleu's ``PairedTest`` extracts every system's statistics again for each test and takes its
seed from the ``SACREBLEU_SEED`` environment variable. We call the same test functions it calls
(``sacrebleu.significance._paired_bs_test`` and ``_paired_ar_test``) with an explicit seed, and
hand them the statistics already extracted through :class:`_ExtractedStats`, so that running both
tests costs no more extraction than one. The numbers are the ones ``sacrebleu --paired-bs`` /
``--paired-ar`` print for the same seed (tests check this).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from eval.metrics import MetricSet, SystemStats
from eval.stats import PairedResult

logger = logging.getLogger(__name__)

__all__ = ["paired_tests_reference"]


class _ExtractedStats:
    """Stands in for a sacrebleu metric inside its significance tests.

    The tests only ask a metric for statistics and for scores computed from statistics; this
    answers the first from what :class:`MetricSet` already extracted and passes the rest on.
    """

    def __init__(
        self, metric: Any, by_system: dict[int, tuple[Sequence[str], SystemStats]]
    ) -> None:
        self._metric = metric
        self._by_system = by_system

    def __getattr__(self, name: str) -> Any:
        return getattr(self._metric, name)

    def _extract_corpus_statistics(self, hypotheses: Sequence[str], references: Any) -> Any:
        _, stats = self._by_system[id(hypotheses)]
        return stats.array


def paired_tests_reference(
    metric_set: MetricSet,
    systems: Sequence[tuple[str, Sequence[str], dict[str, SystemStats]]],
    n_bootstrap: int,
    n_ar: int,
    seed: int,
) -> dict[str, dict[str, PairedResult]]:
    """:func:`eval.stats.paired_tests` through ``sacrebleu.significance`` itself (slow).

    Args:
        metric_set: the metrics, references cached.
        systems: ``(name, hypotheses, stats by metric key)``; the first is the baseline.
        n_bootstrap: bootstrap resamples (sacrebleu's default: 1000).
        n_ar: approximate-randomisation trials (sacrebleu's default: 10000); 0 skips the test.
        seed: the random seed; every comparison draws the same resamples, as in sacrebleu.

    Returns:
        ``{system name: {metric key: PairedResult}}``.
    """
    from sacrebleu.significance import Result, _paired_ar_test, _paired_bs_test

    keys = metric_set.keys
    baseline_stats = systems[0][2]
    proxies: dict[str, Any] = {}
    baseline_info = {}
    for key in keys:
        by_id = {id(hyps): (hyps, stats[key]) for _, hyps, stats in systems}
        proxies[key] = _ExtractedStats(metric_set.metrics[key], by_id)
        score = metric_set.corpus(key, baseline_stats[key]).score
        baseline_info[key] = (baseline_stats[key].array, Result(score))

    results: dict[str, dict[str, PairedResult]] = {}
    for index, (name, hyps, _) in enumerate(systems):
        bs: dict[str, Any] = {}
        if n_bootstrap > 0:
            logger.info("paired bootstrap (%d resamples) for %s", n_bootstrap, name)
            # The baseline against itself gives its own interval from the same resamples that
            # sacrebleu uses for the baseline row.
            _, bs = _paired_bs_test(baseline_info, name, hyps, None, proxies, n_bootstrap, -1, seed)
        ar: dict[str, Any] = {}
        if index > 0 and n_ar > 0:
            logger.info("approximate randomisation (%d trials) for %s", n_ar, name)
            _, ar = _paired_ar_test(baseline_info, name, hyps, None, proxies, n_ar, -1, seed)
        results[name] = {
            key: PairedResult(
                mean=float(bs[key].mean) if key in bs else None,
                ci=float(bs[key].ci) if key in bs else None,
                p_bootstrap=float(bs[key].p_value) if key in bs and index > 0 else None,
                p_ar=float(ar[key].p_value) if key in ar else None,
            )
            for key in keys
        }
    return results
