"""Metric settings and sufficient statistics, all computed by sacrebleu.

Nothing here re-implements a metric: each system's hypotheses go once through sacrebleu's own
statistics extraction (the costly part, TER above all); corpus, per-document, per-bucket and
per-segment scores are then sacrebleu's ``_aggregate_and_compute`` / ``_compute_score_from_stats``
over the matching rows, exactly as ``corpus_score`` and ``sentence_score`` do internally.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["MetricOptions", "MetricSet", "SystemStats", "METRIC_KEYS"]

METRIC_KEYS = ("bleu", "chrf", "ter")
BLEU_TOKENIZERS = ("13a", "none", "intl", "char", "flores101", "flores200")
# TER is an error rate; the others grow with quality. Analysis and marks need the direction.
HIGHER_IS_BETTER = {"bleu": True, "chrf": True, "ter": False}


@dataclass(frozen=True)
class MetricOptions:
    """Which sacrebleu metrics to compute and how; the defaults are sacrebleu's, with chrF++.

    Attributes:
        metrics: any of ``bleu``, ``chrf``, ``ter``, in report order.
        bleu_tokenize: BLEU tokenizer; ``13a`` (sacrebleu's default, for detokenized text).
        lowercase: case-insensitive BLEU and chrF.
        ter_case_sensitive: case-sensitive TER (sacrebleu's default is case-insensitive TER).
        chrf_char_order: chrF character n-gram order (6, Popović 2015).
        chrf_word_order: chrF word n-gram order; 2 gives chrF++ (Popović 2017), 0 plain chrF.
        chrf_beta: chrF recall weight (2, Popović 2016).
        chrf_eps_smoothing: chrF epsilon smoothing as in chrF++.py/NLTK/Moses (sacrebleu: off).
    """

    metrics: tuple[str, ...] = METRIC_KEYS
    bleu_tokenize: str = "13a"
    lowercase: bool = False
    ter_case_sensitive: bool = False
    chrf_char_order: int = 6
    chrf_word_order: int = 2
    chrf_beta: int = 2
    chrf_eps_smoothing: bool = False

    def __post_init__(self) -> None:
        if not self.metrics:
            raise ValueError(f"metrics must name at least one of {', '.join(METRIC_KEYS)}")
        for name in self.metrics:
            if name not in METRIC_KEYS:
                raise ValueError(f"unknown metric {name!r}; choose from {', '.join(METRIC_KEYS)}")
        if len(set(self.metrics)) != len(self.metrics):
            raise ValueError(f"metrics are listed twice: {', '.join(self.metrics)}")
        if self.bleu_tokenize not in BLEU_TOKENIZERS:
            raise ValueError(
                f"unknown BLEU tokenizer {self.bleu_tokenize!r}; "
                f"choose from {', '.join(BLEU_TOKENIZERS)}"
            )
        if self.chrf_char_order < 1:
            raise ValueError(f"chrf_char_order must be 1 or more, not {self.chrf_char_order}")
        if self.chrf_word_order < 0:
            raise ValueError(
                f"chrf_word_order must be 0 (chrF) or more (2 = chrF++), not {self.chrf_word_order}"
            )
        if self.chrf_beta < 1:
            raise ValueError(f"chrf_beta must be 1 or more, not {self.chrf_beta}")


@dataclass(frozen=True)
class SystemStats:
    """One system's sacrebleu statistics for one metric.

    Attributes:
        rows: the per-segment statistics exactly as sacrebleu returned them.
        array: the same as a float64 array (exact for these integer counts), for fast slicing
            and for sacrebleu's significance tests.
    """

    rows: list[list[Any]]
    array: np.ndarray


class MetricSet:
    """The sacrebleu metric objects for one evaluation, with the references cached once.

    Args:
        references: reference streams (``[ref1_lines, ref2_lines, ...]``), all the same length.
        options: the metric settings.
    """

    def __init__(self, references: Sequence[Sequence[str]], options: MetricOptions) -> None:
        from sacrebleu.metrics import BLEU, CHRF, TER

        self.options = options
        refs = [list(stream) for stream in references]
        self.metrics: dict[str, Any] = {}
        # Sentence BLEU needs effective order (else short segments score 0); sacrebleu's
        # sentence_bleu and `sacrebleu -sl` switch it on for the same reason.
        self.segment_metrics: dict[str, Any] = {}
        for key in options.metrics:
            if key == "bleu":
                tok, lower = options.bleu_tokenize, options.lowercase
                self.metrics[key] = BLEU(tokenize=tok, lowercase=lower, references=refs)
                self.segment_metrics[key] = BLEU(
                    tokenize=tok, lowercase=lower, effective_order=True
                )
                # Its signature needs the number of references, known only after caching.
                self.segment_metrics[key].num_refs = self.metrics[key].num_refs
            elif key == "chrf":
                self.metrics[key] = CHRF(
                    char_order=options.chrf_char_order,
                    word_order=options.chrf_word_order,
                    beta=options.chrf_beta,
                    lowercase=options.lowercase,
                    eps_smoothing=options.chrf_eps_smoothing,
                    references=refs,
                )
                self.segment_metrics[key] = self.metrics[key]
            else:
                self.metrics[key] = TER(case_sensitive=options.ter_case_sensitive, references=refs)
                self.segment_metrics[key] = self.metrics[key]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.metrics)

    def name(self, key: str) -> str:
        """sacrebleu's display name for a metric (``BLEU``, ``chrF2++``, ``TER``)."""
        if key == "chrf":
            opts = self.options
            return f"chrF{opts.chrf_beta}" + "+" * opts.chrf_word_order
        return key.upper()

    def signature(self, key: str) -> str:
        """The corpus-level signature, as ``sacrebleu`` prints it."""
        return self.metrics[key].get_signature().format()

    def segment_signature(self, key: str) -> str:
        """The signature of the per-segment scores (BLEU differs: effective order)."""
        return self.segment_metrics[key].get_signature().format()

    def extract(self, key: str, hypotheses: Sequence[str]) -> SystemStats:
        """Run sacrebleu's statistics extraction for one system (against the cached references)."""
        rows = self.metrics[key]._extract_corpus_statistics(list(hypotheses), None)
        return SystemStats(rows=rows, array=np.asarray(rows, dtype=np.float64))

    def corpus(self, key: str, stats: SystemStats, indices: Sequence[int] | None = None) -> Any:
        """sacrebleu's corpus score over all segments, or over ``indices`` (a document...)."""
        rows = stats.rows if indices is None else [stats.rows[i] for i in indices]
        if not rows:
            raise ValueError("cannot score an empty set of segments")
        return self.metrics[key]._aggregate_and_compute(rows)

    def segments(self, key: str, stats: SystemStats) -> list[float]:
        """Per-segment scores: what ``sentence_score`` gives for each segment."""
        metric = self.segment_metrics[key]
        return [float(metric._compute_score_from_stats(row).score) for row in stats.rows]
