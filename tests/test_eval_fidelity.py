"""Number and name fidelity in evaluation: per-segment statistics, paired tests, CLI and JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from eval import EvalOptions, evaluate
from eval.fidelity import FidelityMetric, fidelity_by_system, fidelity_stats
from eval.stats import bootstrap_indices, resample_counts, resample_sums
from translate.cli import app

SOURCES = [
    "Mauzo yalifikia dola milioni 523.7 mwaka 2023.",
    "Roman Vassilenko alikutana na Jeroen Cooreman mjini Brussels.",
    "Walikaa miezi minane.",
    "Habari za asubuhi.",
]
REFS = [
    "Sales reached $523.7 million in 2023.",
    "Roman Vassilenko met Jeroen Cooreman in Brussels.",
    "They stayed eight months.",
    "Good morning.",
]
GOOD = REFS
BAD = [
    "Sales reached $1523.7 million in 2023.",  # 523.7 is not in 1523.7
    "Roman Vasilenko met Jeroen Cooreman in Brussels.",
    "They stayed 20 months.",
    "Good morning.",
]


@pytest.mark.parametrize(
    ("hyps", "rows"),
    [(GOOD, [[2, 2], [3, 3], [1, 1], [0, 0]]), (BAD, [[1, 2], [2, 3], [0, 1], [0, 0]])],
)
def test_per_segment_statistics_are_carried_and_spans(hyps, rows):
    stats, spans, carried = fidelity_stats(SOURCES, hyps)
    assert stats.rows == rows
    assert sum(spans.values()) == 6 and sum(carried.values()) == sum(r[0] for r in rows)


def test_metric_scores_sums_and_counts_nothing_lost_as_full():
    metric = FidelityMetric()
    assert metric._aggregate_and_compute([[1, 2], [2, 2]]).score == 75.0
    assert metric._compute_score_from_stats([0, 0]).score == 100.0
    stats, _, _ = fidelity_stats(SOURCES, BAD)
    indices = bootstrap_indices(len(SOURCES), 50, 1)
    sums = resample_sums(stats.array, indices, resample_counts(indices))
    assert np.array_equal(sums, np.stack([stats.array[row].sum(0) for row in indices]))


def test_fidelity_by_system_with_paired_tests():
    out = fidelity_by_system(SOURCES, {"good": GOOD, "bad": BAD}, n_bootstrap=200, n_ar=200)
    assert out["good"]["score"] == 100.0 and out["bad"]["score"] == 50.0
    assert out["bad"]["numbers"] == pytest.approx(100 / 3)  # 2023 of 523.7, 2023, eight
    assert out["bad"]["names"] == pytest.approx(200 / 3)
    assert out["good"]["p_bootstrap"] is None and out["good"]["ci95_halfwidth"] is not None
    assert 0 <= out["bad"]["p_bootstrap"] <= 1 and 0 <= out["bad"]["p_ar"] <= 1
    assert fidelity_by_system(SOURCES, {}) == {}
    with pytest.raises(ValueError, match="4 sources but 3"):
        fidelity_stats(SOURCES, BAD[:3])


def test_evaluate_reports_fidelity_next_to_the_metrics_only_with_sources():
    opts = EvalOptions(n_bootstrap=0, n_ar=0)
    report = evaluate(REFS, {"good": GOOD, "bad": BAD}, sources=SOURCES, options=opts)
    assert report.system("bad").fidelity["score"] == 50.0
    assert evaluate(REFS, {"good": GOOD}, options=opts).system("good").fidelity is None


def test_cli_prints_and_writes_fidelity(tmp_path):
    paths = {}
    for name, lines in (("src", SOURCES), ("ref", REFS), ("good", GOOD), ("bad", BAD)):
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "-r",
            str(paths["ref"]),
            "--src",
            str(paths["src"]),
            "--hyp",
            f"good={paths['good']}",
            "--hyp",
            f"bad={paths['bad']}",
            "--bootstrap",
            "100",
            "--ar-trials",
            "100",
            "--json",
            str(out),
            "-o",
            str(tmp_path / "r.html"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "fidelity · good: 100.0% of 6 protected spans" in result.output
    assert "fidelity · bad: 50.0% of 6 protected spans" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [s["fidelity"]["score"] for s in data["systems"]] == [100.0, 50.0]
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="fidelity-table"' in html and "Number and name fidelity" in html
