"""`tafsiri glossary check|match|score|export` through typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from glossary import default_glossary, load_glossary
from tests.conftest import DATA
from translate.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["glossary", *args])


def test_check_clean_file_exits_zero():
    result = run("check", "-q", str(DATA / "glossary_tico_google.csv"))
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


@pytest.mark.parametrize(
    "body, message",
    [
        ("sw\ten\nbalozi\tambassador\nbalozi\tembassy\n", "[conflict]"),
        ("sw\ten\nUbelgiji\t\n", "[empty-cell]"),
        ("sw,en\nUbelgiji,Belgium\n", "looks comma-separated"),
    ],
)
def test_check_reports_errors_and_exits_one(tmp_path, body, message):
    path = tmp_path / "g.tsv"
    path.write_text(body, encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_check_json(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text("sw\ten\tsw_plural\nuhusiano\trelations\tmahusiano\n", encoding="utf-8")
    result = run("check", "--json", str(path))
    assert result.exit_code == 0
    (issue,) = json.loads(result.output)
    assert (issue["severity"], issue["code"]) == ("warning", "english-plural")
    assert "'relations' may already be plural" in issue["message"]


def test_match_text_shows_span_number_and_ambiguity():
    result = run("match", "Balozi alikutana na mabalozi wa Ulaya.")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("0-6\tBalozi") and "AMBIGUOUS" in lines[0]
    assert "mabalozi" in lines[1] and "ambassadors" in lines[1] and "plural" in lines[1]
    assert "Europe" in lines[2]


def test_match_file_as_json(tmp_path, seed_article):
    path = tmp_path / "seed.txt"
    path.write_text(seed_article, encoding="utf-8")
    result = run("match", "--json", str(path))
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == len(default_glossary().match(seed_article))
    assert all(seed_article[r["start"] : r["end"]] == r["surface"] for r in rows)


def test_match_with_missing_glossary_is_one_line(tmp_path):
    result = run("match", "--glossary", str(tmp_path / "nope.tsv"), "Ubelgiji")
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {tmp_path / 'nope.tsv'}: no such file"


@pytest.mark.parametrize("fmt", ["tbx", "tsv", "csv"])
def test_export_round_trips(tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = run("export", "--format", fmt, str(out))
    assert result.exit_code == 0, result.output
    assert load_glossary(out).checksum == default_glossary().checksum


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_export_neutralises_spreadsheet_formulas(tmp_path, fmt):
    source = tmp_path / "house.tsv"
    source.write_text(
        "sw\ten\tnote\n"
        "hesabu\t+1+1\t=cmd|' /C calc'!A0\n"
        'kiungo\t@SUM(1+1)\t=HYPERLINK("http://evil.example","x")\n',
        encoding="utf-8",
    )
    out = tmp_path / f"out.{fmt}"
    result = run("export", "--glossary", str(source), "--format", fmt, str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for payload in ("+1+1", "=cmd|' /C calc'!A0", "@SUM(1+1)", "=HYPERLINK("):
        assert f"'{payload}" in text
    assert load_glossary(out).checksum == load_glossary(source).checksum


def test_export_reversed_tico_list(tmp_path):
    out = tmp_path / "tico.tbx"
    result = run("export", "--glossary", str(DATA / "glossary_tico_facebook.csv"), str(out))
    assert result.exit_code == 0
    assert (
        load_glossary(out).checksum == load_glossary(DATA / "glossary_tico_facebook.csv").checksum
    )


def test_export_unknown_format(tmp_path):
    result = run("export", str(tmp_path / "out.docx"))
    assert result.exit_code == 1
    assert "unknown format 'docx'" in result.output
    assert not (tmp_path / "out.docx").exists()


def test_score_prints_json(tmp_path):
    files = {
        "src": "Ubelgiji ilisema.\nHabari.\n",
        "hyp": "Belgium said.\nHello.\n",
        "ref": "Belgium said.\nHello.\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run(
        "score",
        "--src",
        str(tmp_path / "src"),
        "--hyp",
        str(tmp_path / "hyp"),
        "--ref",
        str(tmp_path / "ref"),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["exact"] == 1.0 and data["occurrences"] == 1
    assert data["exact_preferred"] == 1.0 and data["correct_preferred"] == 1
    assert data["glossary"] == default_glossary().checksum


def test_score_reports_any_and_preferred_rendering(tmp_path):
    """ "Balozi wa Ubelgiji" → "ambassador to Belgian": a hit for exact, a miss for preferred."""
    for name, text in {
        "src": "Balozi wa Ubelgiji alisema.\n",
        "hyp": "The ambassador to Belgian said.\n",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [str(tmp_path / n) for n in ("src", "hyp", "hyp")]
    result = run("score", "--src", paths[0], "--hyp", paths[1], "--ref", paths[2])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["exact"], data["exact_preferred"]) == (1.0, 0.5)
    assert (data["correct"], data["correct_preferred"], data["occurrences"]) == (2, 1, 2)


def test_score_misaligned_files(tmp_path):
    (tmp_path / "src").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "hyp").write_text("a\n", encoding="utf-8")
    result = run(
        "score",
        "-s",
        str(tmp_path / "src"),
        "-y",
        str(tmp_path / "hyp"),
        "-r",
        str(tmp_path / "src"),
    )
    assert result.exit_code == 1
    assert "line-aligned" in result.output


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        # The odd file is named, whichever it is (the message used to blame --hyp always).
        ((2, 2, 3), "{t}/ref.txt: 3 lines, but {t}/src.txt and {t}/hyp.txt have 2;"),
        ((2, 1, 2), "{t}/hyp.txt: 1 line, but {t}/src.txt and {t}/ref.txt have 2;"),
        ((4, 2, 2), "{t}/src.txt: 4 lines, but {t}/hyp.txt and {t}/ref.txt have 2;"),
        ((1, 2, 3), "{t}/src.txt has 1 line, {t}/hyp.txt has 2 lines, {t}/ref.txt has 3 lines;"),
    ],
)
def test_score_names_the_misaligned_file(tmp_path, counts, message):
    paths = {}
    for role, n in zip(("src", "hyp", "ref"), counts, strict=True):
        paths[role] = tmp_path / f"{role}.txt"
        paths[role].write_text("".join(f"line {i}\n" for i in range(n)), encoding="utf-8")
    result = runner.invoke(
        app,
        ["glossary", "score", "-s", str(paths["src"]), "-y", str(paths["hyp"])]
        + ["-r", str(paths["ref"])],
    )
    assert result.exit_code == 1
    expected = f"error: {message.format(t=tmp_path)} the files must be line-aligned"
    assert result.output.strip().splitlines() == [expected]


HOUSE = "sw\ten\tpos\nMbunge\tmember of parliament\ttitle\nkampuni\tcompany\tnoun\n"
HOUSE2 = "sw\ten\tpos\nkampuni\tfirm\tnoun\n"


def _house(tmp_path):
    (tmp_path / "house.tsv").write_text(HOUSE, encoding="utf-8")
    (tmp_path / "house2.tsv").write_text(HOUSE2, encoding="utf-8")
    return str(tmp_path / "house.tsv"), str(tmp_path / "house2.tsv")


def test_match_merges_repeated_glossaries_and_warns_once_per_conflict(tmp_path):
    house, house2 = _house(tmp_path)
    result = runner.invoke(
        app,
        ["glossary", "match", "-g", f"+{house}", "-g", house2, "Ubelgiji na kampuni"],
    )
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert any("'Mbunge'" in w and "house.tsv:2" in w for w in warnings)
    assert any("'kampuni'" in w and "house2.tsv:2 (firm) replaces" in w for w in warnings)
    out = result.stdout
    assert "Belgium" in out  # the default glossary is still there
    assert "firm" in out and "company" not in out  # the later file wins


def test_plus_with_export_writes_the_merged_glossary(tmp_path):
    house, _ = _house(tmp_path)
    out = tmp_path / "merged.tsv"
    result = runner.invoke(app, ["glossary", "export", "-g", f"+{house}", str(out)])
    assert result.exit_code == 0, result.output
    assert len(load_glossary(out)) == len(default_glossary()) + 1
    assert f"{len(default_glossary()) + 1} terms written" in result.stdout


def test_bare_plus_is_one_error_line():
    result = run("match", "--glossary", "+", "Ubelgiji")
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: '+' must be followed")


@pytest.mark.parametrize("arg", ["seed.txt", "notes/seed", "docs/missing.md", "g.tsv"])
def test_match_a_mistyped_path_is_an_error_not_text(arg, tmp_path):
    result = run("match", str(tmp_path / arg) if "/" in arg else arg)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")
    assert "no such file" in result.output


@pytest.mark.parametrize("text", ["Ubelgiji", "Ubelgiji.", "mashauriano ya kisiasa/mazungumzo x"])
def test_match_words_are_still_text(text):
    result = run("match", text)
    assert result.exit_code == 0
    assert "error" not in result.output


def test_match_a_folder_says_so(tmp_path):
    result = run("match", f"{tmp_path}/")
    assert result.exit_code == 1
    assert "is a folder" in result.output


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ("sw\ten\nUbelgiji\tBelgium\n", "1 term, 0 errors, 0 warnings, 0 notes"),
        ("sw\ten\nUbelgiji\t\n", "1 error, 0 warnings, 0 notes"),
        (
            "sw\ten\tpos\nWaziri\tminister\ttitle\nWaziri Mkuu\tprime minister\ttitle\nmkutano\t"
            "meeting\t\n",
            "3 terms, 0 errors, 1 warning, 1 note",
        ),
    ],
)
def test_check_summary_counts_are_singular_or_plural(tmp_path, body, summary):
    path = tmp_path / "g.tsv"
    path.write_text(body, encoding="utf-8")
    result = run("check", str(path))
    assert result.output.strip().splitlines()[-1] == f"{path}: {summary}"


def test_translate_merges_repeated_glossaries(tiny_model_dir, tmp_path):
    from glossary import load_glossaries
    from translate.constraints import Constraints

    house, house2 = _house(tmp_path)
    (tmp_path / "a.txt").write_text("Kampuni ya Ubelgiji.\n", encoding="utf-8")
    args = ["translate", str(tmp_path / "a.txt"), "--model", str(tiny_model_dir)]
    args += ["--beam", "1", "--max-length", "8", "--format", "jsonl", "-q"]
    result = runner.invoke(app, [*args, "--glossary", f"+{house}", "--glossary", house2])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    merged = load_glossaries([f"+{house}", house2])[0]
    expected = Constraints(merged).checksum  # protection is on by default
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["glossary"] for r in records} == {expected}
    terms = {t["expected"][0] for r in records for t in r["terms"] if t["kind"] == "term"}
    assert terms == {"firm", "Belgium"}
    both = runner.invoke(app, [*args, "--glossary", house, "--no-glossary"])
    assert both.exit_code == 1 and "cannot be used together" in both.stderr
