"""The JSON report: every number and signature, in a versioned schema (see ``docs/eval.md``)."""

from __future__ import annotations

import json
import os
from typing import Any

from eval.evaluation import EvalReport
from eval.flags import FlagReport, FlagRow
from translate.textio import write_text_atomic

__all__ = ["SCHEMA", "SCHEMA_VERSION", "report_to_dict", "report_to_json", "write_json"]

SCHEMA = "tafsiri.eval"
# Bump on any change a reader could notice: a renamed or removed key, a changed meaning.
# Adding keys keeps the version.
SCHEMA_VERSION = 1


def _interval(mean: float | None, ci: float | None) -> list[float] | None:
    if mean is None or ci is None:
        return None
    return [mean - ci, mean + ci]


def _comparison(report: EvalReport) -> dict[str, Any] | None:
    pc = report.comparison
    if pc is None:
        return None
    return {
        "a": pc.a,
        "b": pc.b,
        "metric": pc.metric,
        "higher_is_better": pc.higher_is_better,
        "segments_differing": pc.n_differ,
        "b_better": pc.n_b_better,
        "a_better": pc.n_a_better,
        "same_score": pc.n_same_score,
        "segments": [
            {
                "index": seg.index,
                "segment": seg.number,
                "doc": seg.doc,
                "scores": {"a": seg.a_score, "b": seg.b_score},
                "difference": seg.difference,
                "diff": [{"op": d.op, "a": d.a, "b": d.b} for d in seg.diff],
            }
            for seg in pc.segments
        ],
    }


def _flag_row(row: FlagRow) -> dict[str, Any]:
    interval = row.interval
    return {
        "kind": row.kind,
        "n_flagged": row.n_flagged,
        "share": row.share,
        "mean_flagged": row.mean_flagged,
        "mean_unflagged": row.mean_unflagged,
        "gap": row.gap,
        "gap_bootstrap_mean": row.gap_mean,
        "gap_ci95_halfwidth": row.gap_ci,
        "gap_ci95": list(interval) if interval is not None else None,
        "example": {"segment": row.example[0], "detail": row.example[1]},
    }


def _flags(flags: FlagReport | None) -> dict[str, Any] | None:
    if flags is None:
        return None
    return {
        "metric": flags.metric_name,
        "n_segments": flags.n_segments,
        "kinds": [_flag_row(row) for row in flags.rows],
        "any": _flag_row(flags.any) if flags.any is not None else None,
        "confidence": {"n_segments": flags.n_confidence, "pearson": flags.confidence_pearson},
    }


def report_to_dict(report: EvalReport) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    opts = report.options
    mopts = opts.metric_options
    names = [s.name for s in report.systems]
    systems = []
    for result in report.systems:
        scores = {}
        for info in report.metrics:
            sc = result.scores[info.key]
            scores[info.key] = {
                "score": sc.score,
                "detail": sc.detail,
                "bootstrap_mean": sc.mean,
                "ci95_halfwidth": sc.ci,
                "ci95": _interval(sc.mean, sc.ci),
                "p_bootstrap": sc.p_bootstrap,
                "p_ar": sc.p_ar,
                "significant": report.significant(sc) if result.name != report.baseline else None,
            }
        systems.append(
            {
                "name": result.name,
                "is_baseline": result.name == report.baseline,
                "scores": scores,
                "terms": dict(result.terms) if result.terms is not None else None,
                "fidelity": dict(result.fidelity) if result.fidelity is not None else None,
                "flags": _flags(result.flags),
            }
        )
    segments = []
    for i in range(report.n_segments):
        segments.append(
            {
                "index": i,
                "segment": i + 1,
                "doc": report.doc_ids[i] if report.doc_ids is not None else None,
                "source": report.sources[i] if report.sources is not None else None,
                "references": [stream[i] for stream in report.references],
                "hypotheses": {name: report.hypotheses[name][i] for name in names},
                "scores": {
                    s.name: {info.key: s.segment_scores[info.key][i] for info in report.metrics}
                    for s in report.systems
                },
            }
        )
    an = report.analysis

    def view(v: Any) -> dict[str, Any]:
        return {
            "index": v.index,
            "segment": v.number,
            "doc": v.doc,
            "spread": v.spread,
            "scores": dict(v.scores),
        }

    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "sacrebleu_version": report.sacrebleu_version,
        "inputs": [
            {"role": i.role, "name": i.name, "path": i.path, "sha256": i.sha256, "format": i.fmt}
            for i in report.inputs
        ],
        "settings": {
            "metrics": list(mopts.metrics),
            "bleu_tokenize": mopts.bleu_tokenize,
            "lowercase": mopts.lowercase,
            "ter_case_sensitive": mopts.ter_case_sensitive,
            "chrf_char_order": mopts.chrf_char_order,
            "chrf_word_order": mopts.chrf_word_order,
            "chrf_beta": mopts.chrf_beta,
            "chrf_eps_smoothing": mopts.chrf_eps_smoothing,
            "bootstrap_resamples": opts.n_bootstrap,
            "ar_trials": opts.n_ar,
            "seed": opts.seed,
            "alpha": opts.alpha,
            "length_edges": list(opts.length_edges),
            "analysis_metric": an.metric,
        },
        "n_segments": report.n_segments,
        "n_references": len(report.references),
        "baseline": report.baseline,
        "metrics": [
            {
                "key": m.key,
                "name": m.name,
                "signature": m.signature,
                "segment_signature": m.segment_signature,
                "significance_signature": m.significance_signature,
                "higher_is_better": m.higher_is_better,
            }
            for m in report.metrics
        ],
        "systems": systems,
        "documents": [
            {
                "doc": d.doc,
                "segments": list(d.segments),
                "segment_numbers": [i + 1 for i in d.segments],
                "scores": {k: dict(v) for k, v in d.scores.items()},
            }
            for d in report.documents
        ],
        "analysis": {
            "metric": an.metric,
            "length_basis": an.length_basis,
            "length_buckets": [
                {
                    "label": b.label,
                    "low": b.low,
                    "high": b.high,
                    "n_segments": b.n_segments,
                    "scores": {k: dict(v) for k, v in b.scores.items()},
                }
                for b in an.length_buckets
            ],
            "score_histograms": [
                {
                    "metric": h.metric,
                    "labels": list(h.labels),
                    "counts": {k: list(v) for k, v in h.counts.items()},
                }
                for h in an.histograms
            ],
            "most_different": [view(v) for v in an.most_different],
            "worst": [view(v) for v in an.worst],
            "compare": _comparison(report),
        },
        "segments": segments,
    }


def report_to_json(report: EvalReport) -> str:
    """The report as a JSON document (UTF-8 text, non-ASCII kept)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=1) + "\n"


def write_json(report: EvalReport, path: str | os.PathLike[str]) -> None:
    """Write the JSON report atomically."""
    write_text_atomic(path, report_to_json(report))
