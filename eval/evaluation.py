"""``evaluate``: score any number of systems against references, with statistics and analysis."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eval.analysis import Analysis, analyse
from eval.compare import PairComparison, compare_pair, default_pair
from eval.metrics import HIGHER_IS_BETTER, MetricOptions, MetricSet, SystemStats
from eval.stats import DEFAULT_SEED, paired_tests

if TYPE_CHECKING:
    from eval.flags import FlagReport
    from translate.records import SegmentRecord

logger = logging.getLogger(__name__)

__all__ = [
    "EvalOptions",
    "EvalReport",
    "MetricInfo",
    "Score",
    "SystemResult",
    "DocumentScores",
    "InputInfo",
    "evaluate",
]


@dataclass(frozen=True)
class EvalOptions:
    """How to evaluate. Defaults follow sacrebleu's command line.

    Attributes:
        metric_options: which metrics and their settings (BLEU 13a, chrF++, TER).
        baseline: the system every other is compared with; ``None``: the first system.
        n_bootstrap: paired bootstrap resamples, also used for the 95% intervals (sacrebleu:
            1000); 0 turns intervals and the bootstrap test off.
        n_ar: approximate-randomisation trials; 0 turns the test off. The default 1000 gives
            the same p-value resolution (1/1001) as the bootstrap and keeps a report within
            1.5x of ``sacrebleu --paired-bs``; pass 10000 to match ``sacrebleu --paired-ar``.
        seed: the random seed of both tests (sacrebleu's default 12345). Must be positive:
            sacrebleu treats 0 as "no seed".
        alpha: the significance level behind the marks in tables and the HTML report.
        length_edges: length bucket boundaries in words (compare-mt's defaults).
        analysis_metric: the metric that ranks segments; ``None``: chrF if computed (more
            stable per sentence than BLEU), else the first metric.
        n_examples: how many segments each ranking lists (the pairwise view too).
        compare: the two systems of the pairwise view ``(A, B)``; ``None``: the baseline and the
            best other system by corpus score of the analysis metric (no view with one system).
    """

    metric_options: MetricOptions = field(default_factory=MetricOptions)
    baseline: str | None = None
    n_bootstrap: int = 1000
    n_ar: int = 1000
    seed: int = DEFAULT_SEED
    alpha: float = 0.05
    length_edges: tuple[int, ...] = (10, 20, 30, 40, 50)
    analysis_metric: str | None = None
    n_examples: int = 10
    compare: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.n_bootstrap < 0 or self.n_bootstrap == 1:
            raise ValueError(f"n_bootstrap must be 0 (off) or 2 or more, not {self.n_bootstrap}")
        if self.n_ar < 0:
            raise ValueError(f"n_ar must be 0 (off) or more, not {self.n_ar}")
        if self.seed < 1:
            raise ValueError(
                f"seed must be a positive integer (sacrebleu reads 0 as unseeded), not {self.seed}"
            )
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be between 0 and 1, not {self.alpha}")
        edges = self.length_edges
        if not edges or any(e <= 0 for e in edges) or list(edges) != sorted(set(edges)):
            raise ValueError(f"length_edges must be positive and strictly increasing, not {edges}")
        if (
            self.analysis_metric is not None
            and self.analysis_metric not in self.metric_options.metrics
        ):
            raise ValueError(
                f"analysis_metric must be one of the computed metrics "
                f"({', '.join(self.metric_options.metrics)}), not {self.analysis_metric!r}"
            )
        if self.n_examples < 0:
            raise ValueError(f"n_examples must be 0 or more, not {self.n_examples}")
        if self.compare is not None and (
            len(self.compare) != 2 or self.compare[0] == self.compare[1]
        ):
            raise ValueError(
                f"compare must name two different systems (A, B), not {self.compare!r}"
            )

    @property
    def ranking_metric(self) -> str:
        if self.analysis_metric is not None:
            return self.analysis_metric
        metrics = self.metric_options.metrics
        return "chrf" if "chrf" in metrics else metrics[0]


@dataclass(frozen=True)
class InputInfo:
    """Where one input came from, for the record."""

    role: str  # reference, system, source, docs, glossary
    name: str
    path: str
    sha256: str
    fmt: str


@dataclass(frozen=True)
class MetricInfo:
    """One metric as computed: sacrebleu's name and signatures."""

    key: str
    name: str
    signature: str
    segment_signature: str
    significance_signature: str
    higher_is_better: bool


@dataclass(frozen=True)
class Score:
    """A corpus-level score with its statistics.

    ``mean ± ci`` is the bootstrap 95% interval (sacrebleu's ``μ = mean ± ci``); p-values are
    against the baseline and ``None`` for the baseline itself or a test that was off.
    """

    score: float
    detail: str
    mean: float | None = None
    ci: float | None = None
    p_bootstrap: float | None = None
    p_ar: float | None = None


@dataclass(frozen=True)
class SystemResult:
    """Everything measured for one system.

    ``flags`` compares flagged with unflagged segments (:mod:`eval.flags`); ``None`` for a
    system given without segment records (plain text).
    """

    name: str
    scores: Mapping[str, Score]
    segment_scores: Mapping[str, tuple[float, ...]]
    terms: Mapping[str, Any] | None = None
    fidelity: Mapping[str, Any] | None = None
    flags: FlagReport | None = None


@dataclass(frozen=True)
class DocumentScores:
    """Corpus scores over one document's segments, for every system."""

    doc: str
    segments: tuple[int, ...]
    scores: Mapping[str, Mapping[str, float]]  # system → metric key → score


@dataclass(frozen=True)
class EvalReport:
    """The result of :func:`evaluate`; ``eval.report_json`` and ``eval.report_html`` render it."""

    options: EvalOptions
    metrics: tuple[MetricInfo, ...]
    baseline: str
    systems: tuple[SystemResult, ...]
    references: tuple[tuple[str, ...], ...]
    hypotheses: Mapping[str, tuple[str, ...]]
    sources: tuple[str, ...] | None
    doc_ids: tuple[str, ...] | None
    documents: tuple[DocumentScores, ...]
    analysis: Analysis
    inputs: tuple[InputInfo, ...] = ()
    sacrebleu_version: str = ""
    comparison: PairComparison | None = None

    @property
    def n_segments(self) -> int:
        return len(self.references[0])

    def system(self, name: str) -> SystemResult:
        """The result of system ``name``."""
        for result in self.systems:
            if result.name == name:
                return result
        raise KeyError(
            f"no system named {name!r}; systems are {', '.join(s.name for s in self.systems)}"
        )

    def metric(self, key: str) -> MetricInfo:
        for info in self.metrics:
            if info.key == key:
                return info
        raise KeyError(f"no metric {key!r}; metrics are {', '.join(m.key for m in self.metrics)}")

    def significant(self, score: Score) -> bool:
        """Whether both paired tests that ran reject "same as the baseline" at ``alpha``."""
        ps = [p for p in (score.p_bootstrap, score.p_ar) if p is not None]
        return bool(ps) and all(p < self.options.alpha for p in ps)


def _normalise_references(references: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    if not references:
        raise ValueError("references are empty")
    if isinstance(references[0], str):
        return [list(references)]  # type: ignore[arg-type]
    return [list(stream) for stream in references]


def evaluate(
    references: Sequence[str] | Sequence[Sequence[str]],
    systems: Mapping[str, Sequence[str]],
    *,
    sources: Sequence[str] | None = None,
    doc_ids: Sequence[str] | None = None,
    glossary: Any = None,
    options: EvalOptions | None = None,
    inputs: Sequence[InputInfo] = (),
    records: Mapping[str, Sequence[SegmentRecord]] | None = None,
) -> EvalReport:
    """Score systems against references with sacrebleu, with intervals, tests and analysis.

    Args:
        references: one reference stream (a list of strings) or several (a list of lists).
        systems: system name → outputs, one per reference segment; the baseline is
            ``options.baseline`` or the first system.
        sources: source segments, for length buckets, the report, term accuracy and number
            and name fidelity (:mod:`eval.fidelity`, with the same paired tests).
        doc_ids: a document id per segment, for per-document scores.
        glossary: a loaded glossary (or its path) to measure term accuracy; needs ``sources``.
        options: the evaluation settings.
        inputs: provenance of the inputs, copied into the report.
        records: system name → its ``tafsiri translate --format jsonl`` segment records, one
            per segment (translations equal to its outputs), for the flags section
            (:mod:`eval.flags`); systems without records have none.

    Returns:
        The report.

    Raises:
        ValueError: no systems, mismatched lengths, empty references, an unknown baseline or
            compared system, or records that do not match their system's outputs.
    """
    import sacrebleu

    options = options or EvalOptions()
    refs = _normalise_references(references)
    _check_lengths(refs, systems, sources, doc_ids)
    names = _system_order(systems, options)
    hyps_by_name = {name: tuple(systems[name]) for name in names}
    src = list(sources) if sources is not None else None
    docs = [str(d) for d in doc_ids] if doc_ids is not None else None

    scored = _score_systems(MetricSet(refs, options.metric_options), hyps_by_name)
    paired: dict[str, Any] = {}
    if options.n_bootstrap or options.n_ar:
        paired = paired_tests(
            scored.metric_set,
            [(name, hyps_by_name[name], scored.stats[name]) for name in names],
            n_bootstrap=options.n_bootstrap,
            n_ar=options.n_ar,
            seed=options.seed,
        )
    analysis = analyse(
        scored.metric_set,
        names,
        scored.stats,
        scored.segment_scores,
        refs,
        hyps_by_name,
        src,
        docs,
        options.ranking_metric,
        options.length_edges,
        options.n_examples,
    )
    return EvalReport(
        options=options,
        metrics=_metric_infos(scored.metric_set, options),
        baseline=names[0],
        systems=_system_results(
            scored, paired, _measures(scored, refs, sources, glossary, records, options)
        ),
        references=tuple(tuple(stream) for stream in refs),
        hypotheses=hyps_by_name,
        sources=tuple(sources) if sources is not None else None,
        doc_ids=tuple(docs) if docs is not None else None,
        documents=_document_scores(scored, docs) if docs is not None else (),
        analysis=analysis,
        inputs=tuple(inputs),
        sacrebleu_version=sacrebleu.__version__,
        comparison=_comparison(scored, refs, src, docs, options),
    )


def _check_lengths(
    refs: list[list[str]],
    systems: Mapping[str, Sequence[str]],
    sources: Sequence[str] | None,
    doc_ids: Sequence[str] | None,
) -> None:
    """Every reference stream, system, source list and id list has one entry per segment."""
    n = len(refs[0])
    if n == 0:
        raise ValueError("references are empty")
    for k, stream in enumerate(refs[1:], start=2):
        if len(stream) != n:
            raise ValueError(f"reference {k} has {len(stream)} segments but reference 1 has {n}")
    if not systems:
        raise ValueError("give at least one system to evaluate")
    for name, hyps in systems.items():
        if len(hyps) != n:
            raise ValueError(
                f"system {name!r} has {len(hyps)} segments but the references have {n}"
            )
    for label, extra in (("sources", sources), ("doc_ids", doc_ids)):
        if extra is not None and len(extra) != n:
            raise ValueError(f"{label} has {len(extra)} segments but the references have {n}")


def _system_order(systems: Mapping[str, Sequence[str]], options: EvalOptions) -> list[str]:
    """The system names, baseline first; the baseline and compared systems must exist."""
    names = list(systems)
    baseline = options.baseline if options.baseline is not None else names[0]
    if baseline not in systems:
        raise ValueError(f"baseline {baseline!r} is not a system; systems are {', '.join(names)}")
    names.remove(baseline)
    names.insert(0, baseline)
    for name in options.compare or ():
        if name not in systems:
            raise ValueError(f"compare: {name!r} is not a system; systems are {', '.join(names)}")
    return names


@dataclass(frozen=True)
class _Scored:
    """Every system's sufficient statistics, corpus scores and segment scores, per metric."""

    metric_set: MetricSet
    names: list[str]
    hyps: Mapping[str, tuple[str, ...]]
    stats: dict[str, dict[str, SystemStats]]
    corpus: dict[str, dict[str, Any]]
    segment_scores: dict[str, dict[str, tuple[float, ...]]]


def _score_systems(metric_set: MetricSet, hyps_by_name: Mapping[str, tuple[str, ...]]) -> _Scored:
    keys = metric_set.keys
    stats: dict[str, dict[str, SystemStats]] = {}
    corpus: dict[str, dict[str, Any]] = {}
    segment_scores: dict[str, dict[str, tuple[float, ...]]] = {}
    for name, hyps in hyps_by_name.items():
        logger.info("scoring %s", name)
        stats[name] = {key: metric_set.extract(key, hyps) for key in keys}
        corpus[name] = {key: metric_set.corpus(key, stats[name][key]) for key in keys}
        segment_scores[name] = {
            key: tuple(metric_set.segments(key, stats[name][key])) for key in keys
        }
    return _Scored(metric_set, list(hyps_by_name), hyps_by_name, stats, corpus, segment_scores)


@dataclass(frozen=True)
class _Measures:
    """What is measured beside the metrics, per system (absent when not asked for)."""

    terms: Mapping[str, Any] = field(default_factory=dict)
    fidelity: Mapping[str, Any] = field(default_factory=dict)
    flags: Mapping[str, FlagReport] = field(default_factory=dict)


def _measures(
    scored: _Scored,
    refs: list[list[str]],
    sources: Sequence[str] | None,
    glossary: Any,
    records: Mapping[str, Sequence[SegmentRecord]] | None,
    options: EvalOptions,
) -> _Measures:
    """Term accuracy (with a glossary), number and name fidelity (with sources) and the flags
    section (with segment records)."""
    terms: dict[str, Any] = {}
    if glossary is not None:
        from eval.terms import term_accuracy_by_system

        terms = term_accuracy_by_system(glossary, sources, refs[0], scored.hyps)
    fidelity: dict[str, Any] = {}
    if sources is not None:
        from eval.fidelity import fidelity_by_system

        fidelity = fidelity_by_system(
            sources, scored.hyps, options.n_bootstrap, options.n_ar, options.seed
        )
    flags: dict[str, FlagReport] = {}
    if records:
        from eval.flags import flags_by_system

        flags = flags_by_system(
            records,
            scored.hyps,
            scored.metric_set,
            refs,
            scored.stats,
            options.n_bootstrap,
            options.seed,
        )
    return _Measures(terms, fidelity, flags)


def _system_results(
    scored: _Scored, paired: Mapping[str, Any], measures: _Measures
) -> tuple[SystemResult, ...]:
    """One result per system: every metric's score with its paired tests, and the measures."""
    results = []
    for name in scored.names:
        scores = {}
        for key in scored.metric_set.keys:
            sb = scored.corpus[name][key]
            test = paired.get(name, {}).get(key)
            scores[key] = Score(
                score=float(sb.score),
                detail=_detail(sb),
                mean=test.mean if test else None,
                ci=test.ci if test else None,
                p_bootstrap=test.p_bootstrap if test else None,
                p_ar=test.p_ar if test else None,
            )
        results.append(
            SystemResult(
                name,
                scores,
                scored.segment_scores[name],
                measures.terms.get(name),
                measures.fidelity.get(name),
                measures.flags.get(name),
            )
        )
    return tuple(results)


def _document_scores(scored: _Scored, doc_ids: Sequence[str]) -> tuple[DocumentScores, ...]:
    """Corpus scores over each document's segments (documents in order of first segment)."""
    metric_set = scored.metric_set
    members: dict[str, list[int]] = {}
    for i, doc in enumerate(doc_ids):
        members.setdefault(doc, []).append(i)
    return tuple(
        DocumentScores(
            doc=doc,
            segments=tuple(idx),
            scores={
                name: {
                    key: float(metric_set.corpus(key, scored.stats[name][key], idx).score)
                    for key in metric_set.keys
                }
                for name in scored.names
            },
        )
        for doc, idx in members.items()
    )


def _comparison(
    scored: _Scored,
    refs: list[list[str]],
    sources: list[str] | None,
    doc_ids: list[str] | None,
    options: EvalOptions,
) -> PairComparison | None:
    """The A-vs-B view: the pair asked for, or the default pair; None when there is none."""
    metric = options.ranking_metric
    higher = HIGHER_IS_BETTER[metric]
    pair = options.compare or default_pair(
        scored.names,
        {name: float(scored.corpus[name][metric].score) for name in scored.names},
        higher,
    )
    if pair is None:
        return None
    return compare_pair(
        pair,
        scored.hyps,
        {name: scored.segment_scores[name][metric] for name in pair},
        refs,
        sources,
        doc_ids,
        metric,
        higher,
        options.n_examples,
    )


def _metric_infos(metric_set: MetricSet, options: EvalOptions) -> tuple[MetricInfo, ...]:
    """Each metric's name and signatures, the paired tests' settings included."""
    infos = []
    for key in metric_set.keys:
        sig = metric_set.metrics[key].get_signature()
        # The same additions sacrebleu's PairedTest makes, so the tests can be reproduced.
        sig.update("seed", str(options.seed))
        if options.n_bootstrap:
            sig.update("bs", options.n_bootstrap)
        if options.n_ar:
            sig.update("ar", options.n_ar)
        infos.append(
            MetricInfo(
                key=key,
                name=metric_set.name(key),
                signature=metric_set.signature(key),
                segment_signature=metric_set.segment_signature(key),
                significance_signature=sig.format(),
                higher_is_better=HIGHER_IS_BETTER[key],
            )
        )
    return tuple(infos)


def _detail(score: Any) -> str:
    # BLEU's n-gram precisions and brevity penalty; chrF and TER have nothing more to say.
    verbose = getattr(score, "_verbose", "")
    return str(verbose or "")
