"""The Flags section: per flag kind, share flagged and segment chrF of flagged vs unflagged."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import numpy as np
import pytest
import sacrebleu
from typer.testing import CliRunner

from eval import EvalOptions, evaluate
from eval.flags import ANY, flag_report
from eval.inputs import read_side
from eval.report_html import render_html
from eval.report_json import report_to_dict
from tests.conftest import DATA
from translate.backend import DecodeOptions
from translate.cli import app
from translate.flags import Flag
from translate.pipeline import TranslationInfo
from translate.records import SegmentRecord, record_dict, to_jsonl

runner = CliRunner()
N = 20
SCRIPT = "<script>alert(1)</script>"
# Segment (0-based) → its flags, mostly on segments that score low (as real flags should).
# Segment 1's repetition was cured by the re-decode (persists=False) and counts for nothing;
# segment 9's persists.
FLAGS = {
    1: [Flag("repetition", "a loop", redecoded=True, persists=False)],
    2: [Flag("polarity", "negation lost: hawakufika → arrived")],
    7: [Flag("name", f"Mtendeli {SCRIPT} missing")],
    9: [Flag("repetition", "a loop", redecoded=True)],
    10: [Flag("polarity", "negation invented: not"), Flag("name", "Nyarugusu missing")],
    16: [Flag("polarity", "negation lost: si")],
    17: [Flag("low-confidence", "-1.52 per token")],
    19: [Flag("polarity", "negation lost: hakuna")],
}
CONFIDENCE = [None if i in (2, 4) else -0.1 * i for i in range(N)]


def _lines(name: str) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").splitlines()[:N]


def _records() -> list[SegmentRecord]:
    sources, hyps = _lines("eval_src200.sw"), _lines("eval_sysC200.en")
    return [
        SegmentRecord(0, i, 0, len(s), s, h, flags=tuple(FLAGS.get(i, ())), confidence=c)
        for i, (s, h, c) in enumerate(zip(sources, hyps, CONFIDENCE, strict=True))
    ]


def _chrf() -> list[float]:
    """Segment chrF++ straight from sacreBLEU, as the report's settings give it."""
    return [
        sacrebleu.sentence_chrf(h, [r], word_order=2).score
        for h, r in zip(_lines("eval_sysC200.en"), _lines("eval_ref200.en"), strict=True)
    ]


def _expected(members: set[int]) -> tuple[float, float, float]:
    chrf = _chrf()
    flagged = [c for i, c in enumerate(chrf) if i in members]
    rest = [c for i, c in enumerate(chrf) if i not in members]
    return (
        statistics.fmean(flagged),
        statistics.fmean(rest),
        (statistics.fmean(rest) - statistics.fmean(flagged)),
    )


# Kind → the segments it flags, as FLAGS says (a cured flag does not count).
MEMBERS = {
    "polarity": {2, 10, 16, 19},
    "name": {7, 10},
    "low-confidence": {17},
    "repetition": {9},
    ANY: {2, 7, 9, 10, 16, 17, 19},
}


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory) -> Path:
    """The records as ``tafsiri translate --format jsonl`` writes them."""
    info = TranslationInfo("m", "ct2", "cpu", DecodeOptions(), 200)
    path = tmp_path_factory.mktemp("flags") / "mt.jsonl"
    path.write_text(to_jsonl(record_dict(r, "doc", info) for r in _records()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plain")
    paths = {}
    for key, name in (("ref", "eval_ref200.en"), ("plain", "eval_sysA200.en")):
        paths[key] = folder / name
        paths[key].write_text("\n".join(_lines(name)) + "\n", encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def report():
    return evaluate(
        _lines("eval_ref200.en"),
        {"plain": _lines("eval_sysA200.en"), "mt": _lines("eval_sysC200.en")},
        records={"mt": _records()},
        options=EvalOptions(n_bootstrap=300, n_ar=0),
    )


def test_jsonl_side_carries_its_records_and_plain_text_none(jsonl, files):
    side = read_side(jsonl)
    assert side.records is not None and len(side.records) == N
    assert side.records[10].flags == tuple(FLAGS[10]) and side.records[2].confidence is None
    assert read_side(files["plain"]).records is None


def test_counts_means_and_gap_per_kind_equal_sacrebleu_sentence_chrf(report):
    flags = report.system("mt").flags
    assert flags is not None and flags.n_segments == N and flags.metric_name == "chrF2++"
    # Meaning-level kinds first, in translate.flags order; kinds absent get no row.
    assert [row.kind for row in flags.rows] == ["polarity", "name", "low-confidence", "repetition"]
    for row in [*flags.rows, flags.any]:
        members = MEMBERS[row.kind]
        mean_flagged, mean_rest, gap = _expected(members)
        assert row.n_flagged == len(members) and row.share == len(members) / N
        assert row.mean_flagged == pytest.approx(mean_flagged, abs=1e-9)
        assert row.mean_unflagged == pytest.approx(mean_rest, abs=1e-9)
        assert row.gap == pytest.approx(gap, abs=1e-9)
        assert row.example[0] == min(members) + 1  # 1-based, the first flagged segment
    assert flags.rows[1].example == (8, f"Mtendeli {SCRIPT} missing")
    # Flags on low-scoring segments: the gap is positive, as a useful flag's should be.
    assert flags.rows[0].gap > 0 and flags.any.gap > 0


def test_gap_interval_is_sacrebleus_estimate_ci_of_resampled_gaps(report):
    from sacrebleu.significance import estimate_ci

    row = report.system("mt").flags.rows[0]  # polarity, 4 of 20 segments
    chrf = np.array(_chrf())
    hit = np.array([i in MEMBERS["polarity"] for i in range(N)])
    flagged, rest = chrf[hit], chrf[~hit]
    # Each side resampled on its own, as eval.stats draws: default_rng(seed).choice.
    a = flagged[np.random.default_rng(12345).choice(len(flagged), size=(300, len(flagged)))]
    b = rest[np.random.default_rng(12346).choice(len(rest), size=(300, len(rest)))]
    mean, ci = estimate_ci(b.mean(1) - a.mean(1))
    assert row.gap_mean == pytest.approx(mean) and row.gap_ci == pytest.approx(ci)
    low, high = row.interval
    assert low < row.gap < high
    # A single flagged segment has no spread to resample: no interval.
    single = report.system("mt").flags.rows[2]
    assert single.kind == "low-confidence" and single.interval is None


def test_confidence_correlation_over_scored_segments(report):
    flags = report.system("mt").flags
    pairs = [(c, s) for c, s in zip(CONFIDENCE, _chrf(), strict=True) if c is not None]
    expected = statistics.correlation([c for c, _ in pairs], [s for _, s in pairs])
    assert flags.n_confidence == N - 2
    assert flags.confidence_pearson == pytest.approx(expected)


def test_plain_text_system_has_no_flags(report):
    assert report.system("plain").flags is None
    assert report_to_dict(report)["systems"][0]["flags"] is None


@pytest.mark.parametrize(
    ("flags", "confidence", "n_bootstrap", "check"),
    [
        # Nothing flagged, no confidences: no rows, nothing to correlate.
        ({}, [None] * 4, 100, lambda r: not r.rows and r.any is None and r.n_confidence == 0),
        # Every segment flagged: nothing to compare with.
        (
            {i: [Flag("name", "x")] for i in range(4)},
            [None] * 4,
            100,
            lambda r: r.rows[0].mean_unflagged is None and r.rows[0].gap is None,
        ),
        # Bootstrap off: a gap without an interval.
        (
            {0: [Flag("polarity", "x")], 1: [Flag("polarity", "y")]},
            [None] * 4,
            0,
            lambda r: r.rows[0].gap == pytest.approx(20.0) and r.rows[0].interval is None,
        ),
        # Constant confidence: no correlation.
        ({}, [-0.5] * 4, 100, lambda r: r.n_confidence == 4 and r.confidence_pearson is None),
        # A segment with two kinds counts once in "any".
        (
            {0: [Flag("polarity", "x"), Flag("name", "y")]},
            [None] * 4,
            100,
            lambda r: [row.n_flagged for row in r.rows] == [1, 1] and r.any.n_flagged == 1,
        ),
    ],
)
def test_flag_report_edge_cases(flags, confidence, n_bootstrap, check):
    records = [
        SegmentRecord(0, i, 0, 1, "s", "t", flags=tuple(flags.get(i, ())), confidence=c)
        for i, c in enumerate(confidence)
    ]
    assert check(flag_report(records, [10.0, 20.0, 30.0, 40.0], n_bootstrap=n_bootstrap))


def test_records_must_match_their_system():
    refs, hyps = ["a b", "c d"], ["a b", "c"]
    records = [SegmentRecord(0, i, 0, 1, "s", h) for i, h in enumerate(hyps)]
    with pytest.raises(ValueError, match="segment 2 of 'mt' is not its hypothesis"):
        evaluate(refs, {"mt": hyps}, records={"mt": [records[0], records[0]]})
    with pytest.raises(ValueError, match="2 segments but 1 records"):
        evaluate(refs, {"mt": hyps}, records={"mt": records[:1]})
    with pytest.raises(ValueError, match="not a system"):
        evaluate(refs, {"mt": hyps}, records={"other": records})


def test_chrf_is_computed_for_flags_when_the_report_does_not_score_it():
    from eval.metrics import MetricOptions

    options = EvalOptions(metric_options=MetricOptions(metrics=("bleu",)), n_bootstrap=0, n_ar=0)
    report = evaluate(
        _lines("eval_ref200.en"),
        {"mt": _lines("eval_sysC200.en")},
        records={"mt": _records()},
        options=options,
    )
    row = report.system("mt").flags.rows[0]
    assert row.mean_flagged == pytest.approx(_expected(MEMBERS["polarity"])[0], abs=1e-9)


def test_cli_prints_writes_json_and_html_flags_for_jsonl_systems_only(tmp_path, jsonl, files):
    json_path, html_path = tmp_path / "r.json", tmp_path / "r.html"
    result = runner.invoke(
        app,
        [
            "eval",
            "-r",
            str(files["ref"]),
            "--hyp",
            f"plain={files['plain']}",
            "--hyp",
            f"mt={jsonl}",
            "--bootstrap",
            "300",
            "--ar-trials",
            "0",
            "--json",
            str(json_path),
            "-o",
            str(html_path),
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    mean_flagged, mean_rest, gap = _expected(MEMBERS["polarity"])
    # The printed table: one line per kind, then "any flag".
    assert f"flags · mt · {N} segments · segment chrF2++" in out
    polarity = next(line for line in out.splitlines() if "│ polarity " in line)
    cells = [c.strip() for c in polarity.strip("│ ").split("│")]
    assert cells[:5] == ["polarity", "4", "20.0%", f"{mean_flagged:.1f}", f"{mean_rest:.1f}"]
    assert cells[5].startswith(f"{gap:.1f} [")
    assert "│ any flag " in out and "│ repetition " in out
    assert "flags · plain" not in out and "confidence · mt: Pearson r" in out

    data = json.loads(json_path.read_text(encoding="utf-8"))
    plain, mt = data["systems"]
    assert plain["flags"] is None
    flags = mt["flags"]
    assert flags["metric"] == "chrF2++" and flags["n_segments"] == N
    assert [k["kind"] for k in flags["kinds"]] == [
        "polarity",
        "name",
        "low-confidence",
        "repetition",
    ]
    polarity = flags["kinds"][0]
    assert (polarity["n_flagged"], polarity["share"]) == (4, 0.2)
    assert polarity["gap"] == pytest.approx(gap, abs=1e-9)
    low, high = polarity["gap_ci95"]
    assert low == pytest.approx(polarity["gap_bootstrap_mean"] - polarity["gap_ci95_halfwidth"])
    assert high == pytest.approx(polarity["gap_bootstrap_mean"] + polarity["gap_ci95_halfwidth"])
    assert flags["any"]["n_flagged"] == 7 and flags["confidence"]["n_segments"] == N - 2
    assert flags["kinds"][1]["example"] == {"segment": 8, "detail": f"Mtendeli {SCRIPT} missing"}

    page = html_path.read_text(encoding="utf-8")
    section = page[page.index('<h2 id="flags">') : page.index('id="flags-confidence"')]
    assert section.count("<tr class=") == 5  # four kinds and "any flag", all for mt
    assert '<td>polarity</td><td class="num">4</td><td class="num">20.0%</td>' in section
    assert f'<td class="num">{mean_flagged:.1f}</td><td class="num">{mean_rest:.1f}</td>' in section
    assert f'<td class="num">{gap:.1f} <span class="ci">[' in section
    assert "<td>plain</td>" not in section


def test_flag_detail_is_escaped_once_in_html(report):
    page = render_html(report)
    assert SCRIPT not in page
    section = page[page.index('<h2 id="flags">') :]
    section = section[: section.index("</table>")]
    assert "Mtendeli &lt;script&gt;alert(1)&lt;/script&gt; missing" in section
    assert "&amp;lt;" not in page


def test_no_flags_section_without_records():
    report = evaluate(
        _lines("eval_ref200.en"),
        {"plain": _lines("eval_sysA200.en")},
        options=EvalOptions(n_bootstrap=0, n_ar=0),
    )
    assert 'id="flags"' not in render_html(report)


def test_flags_table_renders_in_headless_chromium(tmp_path, report):
    from tests.test_eval_html import CHROMIUM_ARGS, _chromium_or_skip

    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1200, "height": 900})
            pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.goto(path.as_uri())
            rows = pg.locator("#flags-table tbody tr")
            assert rows.count() == 5 and rows.first.is_visible()
            first = rows.first.locator("td").all_inner_texts()
            assert first[:4] == ["mt", "polarity", "4", "20.0%"]
            assert f"Mtendeli {SCRIPT} missing" in rows.nth(1).inner_text()  # shown as text
            assert "Pearson r" in pg.locator("#flags-confidence").inner_text()
        finally:
            browser.close()
    assert errors == []
