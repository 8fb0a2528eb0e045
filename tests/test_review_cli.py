"""``tafsiri review import|export``: one summary line, or one ``error:`` line and exit 1."""

from __future__ import annotations

from typer.testing import CliRunner

from review.project import Project
from tests.review_support import make_run
from translate.cli import app

runner = CliRunner()


def test_import_then_export(tmp_path):
    run = make_run(tmp_path)
    project = tmp_path / "p.sqlite"
    result = runner.invoke(app, ["review", "import", str(run), "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "1 documents added, 4 segments" in result.output
    again = runner.invoke(app, ["review", "import", str(run), "-p", str(project)])
    assert "1 unchanged" in again.output
    out = tmp_path / "article.txt"
    result = runner.invoke(app, ["review", "export", str(project), "-f", "txt", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("The ministry said")


def test_malformed_jsonl_is_one_error_line_naming_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"schema": "tafsiri.segment/1"}\n', encoding="utf-8")
    project = tmp_path / "p.sqlite"
    result = runner.invoke(app, ["review", "import", str(bad), "--project", str(project)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: line 1 is not a tafsiri record")
    assert not project.exists()


def test_export_errors(tmp_path):
    project = tmp_path / "p.sqlite"
    runner.invoke(app, ["review", "import", str(make_run(tmp_path)), "-p", str(project)])
    cases = [
        (["-f", "tmx"], "no approved segments to export as tmx"),
        (["-f", "docx"], "unknown export format 'docx'"),
        (["-f", "txt", "-d", "nope"], "no document 'nope'"),
    ]
    for args, message in cases:
        result = runner.invoke(
            app, ["review", "export", str(project), *args, "-o", str(tmp_path / "o")]
        )
        assert result.exit_code == 1 and message in result.output, result.output
    missing = runner.invoke(
        app, ["review", "export", str(tmp_path / "none.sqlite"), "-f", "txt", "-o", "x"]
    )
    assert missing.exit_code == 1 and "no such project" in missing.output
    assert not (tmp_path / "none.sqlite").exists()
    with Project(project) as proj:
        assert len(proj.documents()) == 1


def test_serve_refuses_a_missing_project(tmp_path):
    result = runner.invoke(app, ["review", "serve", str(tmp_path / "none.sqlite")])
    assert (
        result.exit_code == 1 and "error:" in result.output and "no such project" in result.output
    )


def test_an_article_is_translated_at_import(tmp_path, tiny_model_dir):
    article = tmp_path / "habari.md"
    article.write_text("# Habari\n\nAsante sana. Karibu tena.\n", encoding="utf-8")
    project = tmp_path / "p.sqlite"
    args = ["review", "import", str(article), "-p", str(project), "--model", str(tiny_model_dir)]
    result = runner.invoke(app, [*args, "--no-glossary", "--threads", "1"])
    assert result.exit_code == 0, result.output
    with Project(project) as proj:
        doc = proj.document(1)
        assert (doc.name, doc.markdown, doc.exact_layout) == ("habari.md", True, True)
        assert [s.source for s in proj.segments(1)] == ["Habari", "Asante sana.", "Karibu tena."]
    out = tmp_path / "out.md"
    runner.invoke(app, ["review", "export", str(project), "-f", "md", "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "\n\n" in text  # the Markdown layout is the source's


def test_articles_are_translated_as_tafsiri_translate_would(tmp_path, tiny_model_dir):
    # The same decoder hook: the glossary and the protected figures, dates and names.
    article = tmp_path / "habari.txt"
    article.write_text(
        "Wizara ya Mambo ya Nje ilisema watu 523,700 walihudhuria.\n\nAsante sana.\n",
        encoding="utf-8",
    )
    model = ["--model", str(tiny_model_dir), "--threads", "1"]
    translated = runner.invoke(app, ["translate", str(article), "-q", *model])
    assert translated.exit_code == 0, translated.output
    expected = [line for line in translated.stdout.splitlines() if line.strip()]
    for args, protected in (([], True), (["--no-protect"], False)):
        project = tmp_path / f"p{len(args)}.sqlite"
        result = runner.invoke(
            app, ["review", "import", str(article), "-p", str(project), *model, *args]
        )
        assert result.exit_code == 0, result.output
        with Project(project) as proj:
            mt = [s.mt for s in proj.segments(1)]
            terms = [t.sw for s in proj.segments(1) for t in s.terms]
        assert "Wizara ya Mambo ya Nje" in terms
        assert ("523,700" in mt[0]) is protected  # the random model never writes it itself
        if protected:
            assert mt == expected


def test_a_document_id_sqlite_cannot_hold_is_one_error_line(tmp_path):
    project = tmp_path / "p.sqlite"
    runner.invoke(app, ["review", "import", str(make_run(tmp_path)), "-p", str(project)])
    result = runner.invoke(
        app,
        ["review", "export", str(project), "-f", "txt", "-d", "99999999999999999999999"]
        + ["-o", str(tmp_path / "o.txt")],
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no document '99999999999999999999999'" in lines[0]


def test_an_import_with_numbers_out_of_range_is_one_error_line_and_no_file(tmp_path):
    import json

    record = json.loads(make_run(tmp_path).read_text(encoding="utf-8").splitlines()[0])
    record["end"] = record["paragraph"] = 10**20
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record) + "\n", encoding="utf-8")
    project = tmp_path / "p.sqlite"
    result = runner.invoke(app, ["review", "import", str(bad), "--project", str(project)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: line 1")
    assert not any(p.name.startswith("p.sqlite") for p in tmp_path.iterdir())


# -- issue 26, bug 5: export names and what an article export says --------------------------


def _two_documents(tmp_path):
    project = tmp_path / "p.sqlite"
    runs = [make_run(tmp_path, name="a.txt"), make_run(tmp_path, name="b.txt")]
    result = runner.invoke(app, ["review", "import", *map(str, runs), "-p", str(project)])
    assert result.exit_code == 0, result.output
    return project


def test_a_train_export_is_read_by_tafsiri_train_whatever_its_name(tmp_path):
    from translate.corpus import read_parallel

    project = _two_documents(tmp_path)
    with Project(project) as proj:
        seg = proj.segments(1)[0]
        proj.save(seg.id, "The Ministry of Foreign Affairs said so.", version=1, status="approved")
    result = runner.invoke(
        app, ["review", "export", str(project), "-f", "train", "-o", str(tmp_path / "post.train")]
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "post.train").exists()
    written = tmp_path / "post.tsv"
    assert f"named {written}" in result.output and "reads a .tsv" in result.output
    corpus = read_parallel([written])
    assert corpus.targets == ("The Ministry of Foreign Affairs said so.",)


def test_txt_of_several_documents_to_a_file_name_is_refused(tmp_path):
    project = _two_documents(tmp_path)
    out = tmp_path / "post.txt"
    result = runner.invoke(app, ["review", "export", str(project), "-f", "txt", "-o", str(out)])
    assert result.exit_code == 1
    assert "2 documents" in result.output and "must be a folder" in result.output
    assert not out.exists()
    folder = runner.invoke(
        app, ["review", "export", str(project), "-f", "txt", "-o", str(tmp_path / "post")]
    )
    assert folder.exit_code == 0, folder.output
    assert sorted(p.name for p in (tmp_path / "post").iterdir()) == ["a.txt", "b.txt"]


def test_txt_export_names_the_segments_still_unreviewed(tmp_path):
    project = _two_documents(tmp_path)
    with Project(project) as proj:
        for seg in proj.segments(1)[:2]:
            proj.save(seg.id, seg.target, version=1, status="approved")
    out = tmp_path / "a.txt"
    result = runner.invoke(
        app, ["review", "export", str(project), "-f", "txt", "-d", "a.txt", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "a.txt: 2 segment(s) still unreviewed machine translation" in result.output
    assert "(new or rejected): 3, 4" in result.output
    assert "b.txt" not in result.output


def test_mark_unreviewed_brackets_the_english_nobody_vouched_for(tmp_path):
    project = _two_documents(tmp_path)
    with Project(project) as proj:
        segs = proj.segments(1)
        proj.save(segs[0].id, segs[0].target, version=1, status="approved")
        proj.save(segs[1].id, segs[1].target, version=1, status="rejected")
        approved, rejected, new = segs[0].target, segs[1].target, segs[2].target
    out = tmp_path / "a.txt"
    args = ["review", "export", str(project), "-f", "txt", "-d", "a.txt", "-o", str(out)]
    result = runner.invoke(app, [*args, "--mark-unreviewed"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"⟦{rejected}⟧" in text and f"⟦{new}⟧" in text
    assert f"⟦{approved}" not in text and approved in text


def test_mark_unreviewed_is_refused_for_pair_formats(tmp_path):
    project = _two_documents(tmp_path)
    out = tmp_path / "a.tmx"
    args = ["review", "export", str(project), "-f", "tmx", "-o", str(out), "--mark-unreviewed"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "--mark-unreviewed is for txt and md articles, not tmx" in result.output
    assert not out.exists()


def test_adapt_with_too_few_approved_pairs_is_one_error_line(tmp_path):
    project = _two_documents(tmp_path)
    replay = tmp_path / "replay.tsv"
    replay.write_text("".join(f"Habari {k}.\tNews {k}.\n" for k in range(30)), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "review",
            "adapt",
            str(project),
            "-o",
            str(tmp_path / "m"),
            "--replay",
            str(replay),
            "--ref",
            str(replay),
        ],
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: only 0 approved pairs; adapt needs at least 20 (a few dozen edits alone make "
        "the model worse elsewhere; approve more first)"
    ]
    assert not (tmp_path / "m").exists()
