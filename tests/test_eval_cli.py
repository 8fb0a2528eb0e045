"""`tafsiri eval`: thin over the API, clear one-line errors, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval import EvalOptions, evaluate
from eval.report_json import SCHEMA, SCHEMA_VERSION
from tests.conftest import DATA
from translate.cli import app

REF = DATA / "eval_ref200.en"
SRC = DATA / "eval_src200.sw"
A = DATA / "eval_sysA200.en"
B = DATA / "eval_sysB200.en"
DOCS_TSV = DATA / "eval_test200.docs.tsv"
GLOSSARY = Path(__file__).resolve().parent.parent / "glossary" / "data" / "diplomatic.sw-en.tsv"
FAST = ["--bootstrap", "100", "--ar-trials", "100"]

runner = CliRunner()


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_score_only_prints_the_api_numbers_one_line_per_system():
    result = runner.invoke(
        app,
        ["eval", "--ref", str(REF), "--hyp", f"A={A}", "--hyp", f"B={B}", "--score-only", *FAST],
    )
    assert result.exit_code == 0, result.output
    report = evaluate(
        _lines(REF), {"A": _lines(A), "B": _lines(B)}, options=EvalOptions(n_bootstrap=0, n_ar=0)
    )
    expected = [
        "\t".join(f"{s.scores[k].score:.4f}" for k in ("bleu", "chrf", "ter"))
        for s in report.systems
    ]
    assert result.stdout.splitlines() == expected


def test_table_names_systems_baseline_and_signatures():
    result = runner.invoke(
        app,
        [
            "eval",
            "-r",
            str(REF),
            "--hyp",
            f"A={A}",
            "--hyp",
            str(B),
            "--baseline",
            "eval_sysB200",
            *FAST,
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "eval_sysB200 (baseline)" in out and "A" in out
    assert "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:" in out
    assert "chrF2++" in out and "TER" in out


def test_json_and_html_reports_are_written(tmp_path):
    json_path, html_path = tmp_path / "r.json", tmp_path / "r.html"
    result = runner.invoke(
        app,
        [
            "eval",
            "--ref",
            str(DOCS_TSV),
            "--hyp",
            f"A={A}",
            "--hyp",
            f"B={B}",
            "--json",
            str(json_path),
            "-o",
            str(html_path),
            *FAST,
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert (data["schema"], data["schema_version"]) == (SCHEMA, SCHEMA_VERSION)
    assert data["n_segments"] == 200 and data["baseline"] == "A"
    # The .docs.tsv reference brings sources and documents with it.
    assert len(data["documents"]) == 5 and data["analysis"]["length_basis"] == "source"
    assert data["segments"][0]["source"].startswith("Picha Rasmi")
    assert {m["key"] for m in data["metrics"]} == {"bleu", "chrf", "ter"}
    b = next(s for s in data["systems"] if s["name"] == "B")
    for key in ("bleu", "chrf", "ter"):
        entry = b["scores"][key]
        low, high = entry["ci95"]
        assert low < entry["bootstrap_mean"] < high
        assert 0 < entry["p_bootstrap"] <= 1 and 0 < entry["p_ar"] <= 1
    assert [i["role"] for i in data["inputs"]] == ["reference", "system", "system"]
    assert all(len(i["sha256"]) == 64 for i in data["inputs"])
    page = html_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 3


def test_pipeline_jsonl_output_is_a_system_with_documents(tmp_path):
    hyps = _lines(A)
    from tests.test_eval_inputs import _record

    records = [
        _record(f"doc{i // 50}", i, s, h)
        for i, (s, h) in enumerate(zip(_lines(SRC), hyps, strict=True))
    ]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    out = tmp_path / "r.json"
    result = runner.invoke(
        app, ["eval", "-r", str(REF), "--hyp", f"mt={jsonl}", "--json", str(out), *FAST]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["doc"] for d in data["documents"]] == ["doc0", "doc1", "doc2", "doc3"]
    api = evaluate(_lines(REF), {"mt": hyps}, options=EvalOptions(n_bootstrap=0, n_ar=0))
    assert data["systems"][0]["scores"]["bleu"]["score"] == api.system("mt").scores["bleu"].score


def test_glossary_adds_term_accuracy_per_system(tmp_path):
    out = tmp_path / "r.json"
    result = runner.invoke(
        app,
        [
            "eval",
            "-r",
            str(REF),
            "--src",
            str(SRC),
            "--hyp",
            f"A={A}",
            "--hyp",
            f"B={B}",
            "--glossary",
            str(GLOSSARY),
            "--json",
            str(out),
            *FAST,
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    for system in data["systems"]:
        terms = system["terms"]
        assert terms is not None and {"exact", "occurrences", "signature"} <= set(terms)
        assert terms["occurrences"] > 0
        # both ways: any accepted rendering, and the preferred rendering only
        assert 0 <= terms["exact_preferred"] <= terms["exact"]
        assert terms["correct_preferred"] <= terms["correct"]
        assert f"exact_preferred {terms['exact_preferred']:.3f}" in result.output
    assert data["inputs"][-1]["role"] == "glossary"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hyp", "short={short}"], "short.txt: 3 segments, but the reference"),
        (["--hyp", "A={A}", "--ref", "{blank}"], "blank.txt: segment 2 is empty"),
        (["--hyp", "A={missing}"], "missing.txt: no such file"),
        (["--hyp", "A={binary}"], "binary.txt: looks like a binary file"),
        (["--hyp", "A={A}", "--hyp", "A={B}"], "a system named 'A' was already given"),
        (["--hyp", "A={A}", "--baseline", "nobody"], "baseline 'nobody' is not a system"),
        (["--hyp", "A={A}", "--metrics", "bleu,meteor"], "unknown metric 'meteor'"),
        (["--hyp", "A={A}", "--seed", "0"], "seed must be a positive integer"),
        (["--hyp", "A={A}", "--docs", "{short}"], "short.txt: 3 document ids"),
        (["--hyp", "A={A}", "--glossary", "{glossary}"], "--glossary needs the source text"),
        (["--hyp", "=x"], "expected NAME=FILE"),
        (["--hyp", "A={A}", "--hyp", "B={B}", "--compare", "A"], "expected two system names"),
        (["--hyp", "A={A}", "--hyp", "B={B}", "--compare", "A,B,C"], "expected two system"),
        (["--hyp", "A={A}", "--hyp", "B={B}", "--compare", "A,"], "expected two system names"),
        (["--hyp", "A={A}", "--hyp", "B={B}", "--compare", "A,A"], "two different systems"),
        (["--hyp", "A={A}", "--hyp", "B={B}", "--compare", "A,Z"], "compare: 'Z' is not a system"),
    ],
)
def test_user_mistakes_are_one_line_errors_and_write_nothing(tmp_path, args, message):
    (tmp_path / "short.txt").write_text("a\nb\nc\n", encoding="utf-8")
    blank_lines = _lines(REF)
    blank_lines[1] = "  "
    (tmp_path / "blank.txt").write_text("\n".join(blank_lines) + "\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    values = {
        "short": tmp_path / "short.txt",
        "blank": tmp_path / "blank.txt",
        "binary": tmp_path / "binary.txt",
        "missing": tmp_path / "missing.txt",
        "A": A,
        "B": B,
        "glossary": GLOSSARY,
    }
    args = [a.format(**values) for a in args]
    json_path, html_path = tmp_path / "r.json", tmp_path / "r.html"
    result = runner.invoke(
        app,
        ["eval", "--ref", str(REF), *args, "--json", str(json_path), "-o", str(html_path), *FAST],
    )
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not json_path.exists() and not html_path.exists()


def test_several_references_score_like_sacrebleu_multi_reference(tmp_path):
    import sacrebleu

    second = tmp_path / "ref2.en"
    second.write_text("\n".join(_lines(B)) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["eval", "-r", str(REF), "-r", str(second), "--hyp", f"A={A}", "--score-only", *FAST]
    )
    assert result.exit_code == 0, result.output
    refs = [_lines(REF), _lines(B)]
    expected = [
        sacrebleu.corpus_bleu(_lines(A), refs).score,
        sacrebleu.corpus_chrf(_lines(A), refs, word_order=2).score,
        sacrebleu.corpus_ter(_lines(A), refs).score,
    ]
    assert result.stdout.split() == [f"{x:.4f}" for x in expected]


@pytest.mark.parametrize(
    ("compare", "pair"),
    [
        # Default: the baseline against the best other system (B beats C on chrF++).
        ([], ["A", "B"]),
        (["--compare", "C,A"], ["C", "A"]),
        (["--compare", " B , C "], ["B", "C"]),
    ],
)
def test_compare_picks_the_pair_of_the_pairwise_view(tmp_path, compare, pair):
    out = tmp_path / "r.json"
    hyps = ["--hyp", f"A={A}", "--hyp", f"B={B}", "--hyp", f"C={DATA / 'eval_sysC200.en'}"]
    args = ["eval", "--ref", str(REF), *hyps, *compare, "--json", str(out), "--examples", "4"]
    result = runner.invoke(app, [*args, "--bootstrap", "0", "--ar-trials", "0"])
    assert result.exit_code == 0, result.output
    view = json.loads(out.read_text(encoding="utf-8"))["analysis"]["compare"]
    assert [view["a"], view["b"]] == pair
    assert f"compare {pair[0]} vs {pair[1]}: {view['segments_differing']} segments differ" in (
        result.stdout
    )
    assert len(view["segments"]) == 4
    a, b = _lines(DATA / f"eval_sys{pair[0]}200.en"), _lines(DATA / f"eval_sys{pair[1]}200.en")
    for seg in view["segments"]:
        i = seg["index"]
        assert seg["segment"] == i + 1 and a[i] != b[i]
        assert " ".join(d["a"] for d in seg["diff"] if d["a"]) == " ".join(a[i].split())
        assert " ".join(d["b"] for d in seg["diff"] if d["b"]) == " ".join(b[i].split())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("term start infinite", "line 3 is not valid JSON (Infinity is not a JSON number)"),
        ("expected string", 'line 3 is not a tafsiri record: terms[0]: field "expected"'),
        ("end huge", 'line 3 is not a tafsiri record: field "end" is 1000000000000000000'),
        ("deep", "line 3 is not a tafsiri record: nested too deeply"),
    ],
)
def test_malformed_jsonl_records_are_one_line_errors(tmp_path, change, message):
    from tests.test_eval_inputs import _record

    records = [_record("d", i, "Habari.", "News.") for i in range(3)]
    term = {"sw": "rais", "source": "Rais", "start": 0, "end": 4, "expected": ["president"]}
    records[2]["terms"] = [{**term, "status": "model", "found": "president"}]
    if change == "term start infinite":
        records[2]["terms"][0]["start"] = float("inf")
    elif change == "expected string":
        records[2]["terms"][0]["expected"] = "president"
    elif change == "end huge":
        records[2]["end"] = 10**20
    lines = [json.dumps(r) for r in records]
    if change == "deep":
        lines[2] = "[" * 50_000 + "]" * 50_000
    jsonl = tmp_path / "mt.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ref = tmp_path / "ref.txt"
    ref.write_text("News.\n" * 3, encoding="utf-8")
    out = tmp_path / "r.json"
    result = runner.invoke(
        app, ["eval", "-r", str(ref), "--hyp", f"mt={jsonl}", "--json", str(out)]
    )
    assert result.exit_code == 1
    assert f"{jsonl}: {message}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output and not out.exists()


def test_an_absurd_segment_is_refused_before_scoring(tmp_path):
    ref = tmp_path / "ref.txt"
    ref.write_text("News today.\n" + "word " * 4_000_000 + "\n", encoding="utf-8")  # 20 MB
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("News today.\nword\n", encoding="utf-8")
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["eval", "-r", str(ref), "--hyp", f"A={hyp}", "--json", str(out)])
    assert result.exit_code == 1
    assert f"{ref}: segment 2 has 19,999,999 characters, more than the 10,000" in result.stderr
    assert "--max-segment-chars" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_max_segment_chars_raises_or_lifts_the_limit(tmp_path):
    from eval.inputs import MAX_SEGMENT_CHARS

    long = " ".join(["word"] * (MAX_SEGMENT_CHARS // 5 + 1))
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text(f"News today.\n{long}\n", encoding="utf-8")
    hyp.write_text(f"News today.\n{long}\n", encoding="utf-8")
    args = ["eval", "-r", str(ref), "--hyp", f"A={hyp}", "--score-only", *FAST]
    assert runner.invoke(app, args).exit_code == 1
    for limit in ("0", str(len(long))):
        result = runner.invoke(app, [*args, "--max-segment-chars", limit])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, [*args, "--max-segment-chars", "-1"])
    assert result.exit_code == 1 and "--max-segment-chars must be 0" in result.stderr
    help_text = runner.invoke(app, ["eval", "--help"], env={"COLUMNS": "200"}).output
    assert f"{MAX_SEGMENT_CHARS:,}" in help_text
