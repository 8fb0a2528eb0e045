"""The HTML report: self-contained, escaped, and rendering cleanly in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from eval import EvalOptions, evaluate
from eval.report_html import render_html, write_html
from tests.conftest import DATA

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EVIL = '<script>alert("x")</script> & $\\frac{1}{2}$'


def _lines(name: str, n: int = 120) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").splitlines()[:n]


@pytest.fixture(scope="module")
def report():
    refs = _lines("eval_ref200.en")
    systems = {
        "A": _lines("eval_sysA200.en"),
        EVIL: _lines("eval_sysB200.en"),
        "C": _lines("eval_sysC200.en"),
    }
    sources = _lines("eval_src200.sw")
    sources[0] = "<b>bold?</b> chanzo"
    for outputs in systems.values():
        outputs[0] = ""  # segment 0 scores 0 everywhere, so it is listed among the worst
    docs = [f"doc{i // 40}" for i in range(len(refs))]
    return evaluate(
        refs, systems, sources=sources, doc_ids=docs, options=EvalOptions(n_bootstrap=200, n_ar=200)
    )


@pytest.fixture(scope="module")
def page(report) -> str:
    return render_html(report)


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.replace("&lt;script", "")
    # No external resources: no http(s) URLs in attributes, no <link>, <img> or @import.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page and "<img" not in page and "@import" not in page
    assert page.count("<svg") == 3 and "<?xml" not in page


def test_user_text_is_escaped(page):
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;" in page
    assert "&lt;b&gt;bold?&lt;/b&gt; chanzo" in page
    assert "<b>bold?</b>" not in page


def test_page_shows_scores_intervals_marks_and_every_system(report, page):
    for system in report.systems:
        for key in ("bleu", "chrf", "ter"):
            assert f"{system.scores[key].score:.2f}" in page
    assert page.count('<span class="ci">') == 3 * 3
    # C is far from the baseline in every metric: marked significant.
    assert report.significant(report.system("C").scores["bleu"])
    assert 'class="sig"' in page
    assert 'id="doc-scores"' in page and 'id="length-buckets"' in page


def test_written_atomically_and_readable(tmp_path, report):
    out = tmp_path / "sub" / "report.html"
    write_html(report, out)
    assert out.read_text(encoding="utf-8") == render_html(report)
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")  # type: ignore[return-value]
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("chromium is not installed; CI must install Debian's chromium package")
    pytest.skip(
        "chromium is not installed (install Debian's chromium package); required when CI=true"
    )


def test_report_renders_in_headless_chromium_without_console_errors(tmp_path, report):
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    path = tmp_path / "report.html"
    write_html(report, path)
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1200, "height": 900})
            pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.on("request", lambda r: requests.append(r.url))
            pg.goto(path.as_uri())
            pg.wait_for_load_state("load")
            rows = pg.locator("#scores tbody tr")
            assert rows.count() == 3
            assert pg.locator("#scores thead th").all_inner_texts() == [
                "System",
                "BLEU",
                "chrF2++",
                "TER",
            ]
            assert "baseline" in rows.nth(0).inner_text()
            assert (
                pg.locator("#scores .ci").count() == 9
                and pg.locator("#scores .ci").first.is_visible()
            )
            assert (
                pg.locator("#scores .sig").count() >= 1
                and pg.locator("#scores .sig").first.is_visible()
            )
            for chart in ("#chart-scores svg", "#chart-buckets svg", "#chart-histogram svg"):
                box = pg.locator(chart).bounding_box()
                assert box is not None and box["width"] > 300 and box["height"] > 100
            # The pairwise view: baseline against the best other system, diffs highlighted.
            heading = pg.locator("#compare-heading").inner_text()
            assert heading.startswith(f"A vs {EVIL}: where they differ")
            blocks = pg.locator("#compare .seg")
            assert blocks.count() == report.options.n_examples
            first = blocks.first
            assert first.is_visible()
            marks = first.locator("del, ins")
            assert marks.count() >= 1 and marks.first.is_visible()
            colours = {
                pg.locator(f"#compare {tag}").first.evaluate(
                    "e => getComputedStyle(e).backgroundColor"
                )
                for tag in ("del", "ins")
                if pg.locator(f"#compare {tag}").count()
            }
            assert colours and "rgba(0, 0, 0, 0)" not in colours
            number = report.comparison.segments[0].number
            assert first.locator("header").inner_text().startswith(f"Segment {number} ")
            # The malicious system name is shown as text, never run.
            assert EVIL in pg.locator("#scores").inner_text()
            pg.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests)


def test_terminology_section_lists_every_system_with_its_signature():
    glossary = Path(__file__).resolve().parent.parent / "glossary" / "data" / "diplomatic.sw-en.tsv"
    refs, sources = _lines("eval_ref200.en", 60), _lines("eval_src200.sw", 60)
    systems = {"A": _lines("eval_sysA200.en", 60), "C": _lines("eval_sysC200.en", 60)}
    options = EvalOptions(n_bootstrap=0, n_ar=0)
    report = evaluate(refs, systems, sources=sources, glossary=glossary, options=options)
    page = render_html(report)
    table = page[
        page.index('<table id="terms">') : page.index("</table>", page.index('<table id="terms">'))
    ]
    assert table.count("<tr><td>") == 2
    assert f"{report.system('A').terms['exact']:.3f}" in table
    assert '<th class="num">exact</th>' in table
    assert '<th class="num">exact_preferred</th>' in table
    assert f"{report.system('A').terms['exact_preferred']:.3f}" in table
    assert "Signature: " in page and "term-acc:" in page


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_missing_chromium_fails_on_ci_and_skips_only_locally(monkeypatch, ci, outcome):
    import tests.test_eval_html as module

    monkeypatch.setattr(module, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(module.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome):
        module._chromium_or_skip()


def test_pairwise_view_escapes_text_and_marks_words_only_in_one_system():
    refs = ["the cat sat on the mat", "a dog barked", "all the same"]
    systems = {
        "plain": ["the cat sat on the mat", "a dog barked", "all the same"],
        "<b>x</b>": ["the <i>cat</i> sat on mat & rug", "a dog barked", "all the same"],
    }
    report = evaluate(refs, systems, options=EvalOptions(n_bootstrap=0, n_ar=0))
    page = render_html(report)
    view = page[page.index('id="compare-heading"') : page.index('id="most-different"')]
    assert "plain vs &lt;b&gt;x&lt;/b&gt;: where they differ" in view
    assert "<b>x</b>" not in view and "<i>" not in view
    # A's line strikes what B dropped or replaced; B's line marks what B put instead.
    assert "<td>the <del>cat</del> sat on <del>the</del> mat</td>" in view
    assert "<td>the <ins>&lt;i&gt;cat&lt;/i&gt;</ins> sat on mat <ins>&amp; rug</ins></td>" in view
    assert view.count('<div class="seg">') == 1 and "Segment 1 " in view
    assert "1 of 3 segments differ" in view


def test_segment_numbers_are_one_based_in_html_and_json(report, page):
    from eval.report_json import report_to_dict

    data = report_to_dict(report)
    assert [s["segment"] for s in data["segments"]] == list(range(1, report.n_segments + 1))
    assert [s["index"] for s in data["segments"]] == list(range(report.n_segments))
    analysis = data["analysis"]
    for section, views in (
        ("worst", analysis["worst"]),
        ("most-different", analysis["most_different"]),
        ("compare", analysis["compare"]["segments"]),
    ):
        block = page[page.index(f'<div id="{section}">') :]
        block = block[: block.index("<h3") if "<h3" in block else len(block)]
        shown = [int(n) for n in re.findall(r"<header>Segment (\d+)", block)]
        assert shown == [v["segment"] for v in views] and shown
        assert all(v["segment"] == v["index"] + 1 for v in views)
    # Segment 1 is the one emptied in every system: the worst, and shown as "Segment 1".
    assert analysis["worst"][0]["segment"] == 1
    for doc in data["documents"]:
        assert doc["segment_numbers"] == [i + 1 for i in doc["segments"]]


def _legend_texts(page: str, chart_id: str) -> list[str]:
    chart = page[page.index(f'id="{chart_id}"') :]
    chart = chart[: chart.index("</svg>")]
    legend = chart[chart.index('id="legend_1"') :]
    return [t.replace("\u200b", "") for t in re.findall(r"<text[^>]*>([^<]*)</text>", legend)]


def test_chart_legends_name_systems_that_start_with_an_underscore():
    refs = _lines("eval_ref200.en", 40)
    systems = {"_base": _lines("eval_sysA200.en", 40), "__new": _lines("eval_sysB200.en", 40)}
    page = render_html(evaluate(refs, systems, options=EvalOptions(n_bootstrap=0, n_ar=0)))
    for chart in ("chart-buckets", "chart-histogram"):
        assert _legend_texts(page, chart) == ["_base", "__new"]


def test_script_in_any_user_text_is_escaped_once():
    from eval.evaluation import InputInfo

    script = "<script>alert(1)</script>"
    refs = [f"the cat {script} sat", "a dog barked", "all the same"]
    systems = {
        "plain": ["the cat sat", "a dog barked", "all the same"],
        f"{script}sys": [f"the cat {script}", "a <img src=x onerror=alert(2)> dog", "all"],
    }
    inputs = [InputInfo("system", f"{script}sys", f"/tmp/{script}.txt", "0" * 64, "text")]
    report = evaluate(
        refs,
        systems,
        sources=[f"paka {script}", "mbwa", "sawa"],
        doc_ids=[f"doc{script}", "d2", "d2"],
        inputs=inputs,
        options=EvalOptions(n_bootstrap=0, n_ar=0),
    )
    page = render_html(report, title=f"Report {script}")
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>Report &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&amp;lt;" not in page  # escaped once, not twice
    for where in ('id="scores"', 'id="doc-scores"', 'id="compare"', 'id="worst"', 'id="inputs"'):
        section = page[page.index(where) :]
        assert "&lt;script&gt;" in section[: section.index("</table>")]
