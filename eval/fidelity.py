"""Number and name fidelity per system: the share of protected source spans found in the output.

A protected span (:func:`translate.protect.find_spans`: a figure, date, name, address) is
*carried over* when one of its accepted English renderings is in the hypothesis
(:func:`translate.locate.carried_spans`: whole numbers, each English occurrence used once — the
finder enforcement and review QA use). The
score is ``100 × carried / spans`` over the corpus; no reference is needed, only the sources.

The per-segment statistics are ``(carried, spans)`` pairs, summed over any set of segments, so
the paired bootstrap and approximate randomisation of :mod:`eval.stats` apply unchanged:
:class:`FidelityMetric` answers the two calls they make of a sacreBLEU metric.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from eval.metrics import SystemStats
from translate.locate import FIGURE_KINDS, carried_spans

__all__ = ["FIGURE_KINDS", "FidelityMetric", "fidelity_stats", "fidelity_by_system"]

SIGNATURE = "fidelity|spans:translate.protect|match:whole+count-aware"


@dataclass(frozen=True)
class _Score:
    score: float


class FidelityMetric:
    """The sacreBLEU-metric calls :mod:`eval.stats` makes, for ``(carried, spans)`` rows.

    A set of segments without any span scores 100 (nothing was lost).
    """

    def _compute_score_from_stats(self, row: Sequence[float]) -> _Score:
        carried, spans = float(row[0]), float(row[1])
        return _Score(100.0 * carried / spans if spans else 100.0)

    def _aggregate_and_compute(self, rows: Any) -> _Score:
        total = np.asarray(rows, dtype=np.float64).reshape(-1, 2).sum(0)
        return self._compute_score_from_stats(total)


def fidelity_stats(
    sources: Sequence[str], hypotheses: Sequence[str], kinds: frozenset[str] | None = None
) -> tuple[SystemStats, Counter, Counter]:
    """Per-segment ``(carried, spans)`` and the totals by kind (spans, carried).

    Args:
        sources: Swahili segments.
        hypotheses: one English output per source.
        kinds: only these span kinds (None = every kind).

    Raises:
        ValueError: the lists differ in length.
    """
    if len(sources) != len(hypotheses):
        raise ValueError(f"{len(sources)} sources but {len(hypotheses)} hypotheses")
    rows: list[list[Any]] = []
    spans_by_kind: Counter = Counter()
    carried_by_kind: Counter = Counter()
    for source, hyp in zip(sources, hypotheses, strict=True):
        pairs = carried_spans(source, hyp, kinds)
        rows.append([sum(h is not None for _, h in pairs), len(pairs)])
        spans_by_kind.update(s.kind for s, _ in pairs)
        carried_by_kind.update(s.kind for s, h in pairs if h is not None)
    return SystemStats(rows, np.asarray(rows, dtype=np.float64)), spans_by_kind, carried_by_kind


def fidelity_by_system(
    sources: Sequence[str],
    hypotheses: Mapping[str, Sequence[str]],
    n_bootstrap: int = 0,
    n_ar: int = 0,
    seed: int = 12345,
) -> dict[str, dict[str, Any]]:
    """Fidelity of every system, the first one the baseline of the paired tests.

    Returns:
        system name → ``score`` (all spans), ``numbers`` and ``names`` (figure kinds and
        names alone), ``carried``, ``spans``, per-kind ``by_kind`` shares, and against the
        baseline (as for the corpus metrics) ``bootstrap_mean``, ``ci95_halfwidth``,
        ``p_bootstrap``, ``p_ar`` (None when a test is off), plus the ``signature``.
    """
    from eval.stats import (
        _approximate_randomisation,
        _bootstrap,
        _scores,
        ar_selectors,
        bootstrap_indices,
        resample_counts,
        resample_sums,
    )

    metric = FidelityMetric()
    names = list(hypotheses)
    if not names:
        return {}
    computed = {name: fidelity_stats(sources, hypotheses[name]) for name in names}
    n = len(sources)
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        stats, spans, carried = computed[name]
        out[name] = {
            "score": metric._aggregate_and_compute(stats.array).score,
            "numbers": _share(carried, spans, FIGURE_KINDS),
            "names": _share(carried, spans, {"name"}),
            "carried": sum(carried.values()),
            "spans": sum(spans.values()),
            "by_kind": {k: round(100.0 * carried[k] / v, 2) for k, v in sorted(spans.items())},
            "bootstrap_mean": None,
            "ci95_halfwidth": None,
            "p_bootstrap": None,
            "p_ar": None,
            "signature": SIGNATURE,
        }
    base = computed[names[0]][0]
    base_score = metric._aggregate_and_compute(base.array).score
    if n_bootstrap > 0 and n:
        from sacrebleu.significance import estimate_ci

        indices = bootstrap_indices(n, n_bootstrap, seed)
        counts = resample_counts(indices)
        base_scores = _scores(metric, resample_sums(base.array, indices, counts))
        mean, ci = estimate_ci(base_scores)
        out[names[0]].update(bootstrap_mean=float(mean), ci95_halfwidth=float(ci))
        for name in names[1:]:
            mean, ci, p = _bootstrap(
                metric, base_score, base_scores, computed[name][0], indices, counts
            )
            out[name].update(bootstrap_mean=mean, ci95_halfwidth=ci, p_bootstrap=p)
    if n_ar > 0 and n and len(names) > 1:
        selectors = ar_selectors(n, n_ar, seed)
        kept, swapped = selectors @ base.array, ~selectors @ base.array
        for name in names[1:]:
            out[name]["p_ar"] = _approximate_randomisation(
                metric, base_score, kept, swapped, computed[name][0], selectors
            )
    return out


def _share(carried: Counter, spans: Counter, kinds: Any) -> float | None:
    total = sum(v for k, v in spans.items() if k in kinds)
    if not total:
        return None
    return 100.0 * sum(v for k, v in carried.items() if k in kinds) / total
