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
    path.write_text("sw\ten\tsw_plural\nwaziri\tMinister\tmawaziri\n", encoding="utf-8")
    result = run("check", "--json", str(path))
    assert result.exit_code == 0
    assert [i["code"] for i in json.loads(result.output)] == ["unbalanced"]


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
    assert data["glossary"] == default_glossary().checksum


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
