"""Review projects: import (all or nothing), saves with versions, conflicts, flags, effort, TM."""

from __future__ import annotations

import re
import sqlite3
import threading

import pytest
from sacrebleu.metrics import TER

from glossary import default_glossary
from review.importing import import_paths, place_terms
from review.project import Project
from tests.review_support import ARTICLE, make_run, scripted_translator
from translate.hooks import SpanOutcome
from translate.textio import InputError

FIXED = "The Ministry of Foreign Affairs of Belgium said the budget was $523.7 million in 2023."


@pytest.fixture
def run(tmp_path):
    return make_run(tmp_path)


@pytest.fixture
def project(tmp_path, run):
    path = tmp_path / "p.sqlite"
    import_paths(path, [run], glossary=default_glossary())
    with Project(path) as proj:
        yield proj


def first(project):
    return project.segments(project.documents()[0].id)[0]


def test_import_makes_one_document_with_its_segments_terms_and_flags(project):
    (doc,) = project.documents()
    assert (doc.name, doc.segments, doc.approved, doc.hter) == ("habari.txt", 4, 0, None)
    seg = first(project)
    assert seg.status == "new" and seg.version == 1 and seg.target == seg.mt
    # The run had no glossary: terms are matched at import and checked against the MT.
    assert [(t.surface, t.status) for t in seg.terms] == [
        ("Wizara ya Mambo ya Nje", "failed"),
        ("Ubelgiji", "failed"),
    ]
    assert seg.source[seg.terms[1].start : seg.terms[1].end] == "Ubelgiji"
    assert [f.code for f in seg.flags] == ["term"]
    assert doc.open_flags == 2  # the term flag, and "ni" left in segment 2


def test_project_is_wal_with_full_sync(project):
    assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert project.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2 is not valid JSON"),
        ('{"schema": "other/1", "document": "x"}', "line 2 is not a tafsiri record"),
        ("[1, 2]", "line 2 is not a tafsiri record: not a JSON object"),
    ],
)
def test_bad_line_is_refused_naming_file_and_line_and_nothing_is_written(
    tmp_path, run, line, message
):
    good = run.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([good[0], line, *good[1:]]) + "\n", encoding="utf-8")
    target = tmp_path / "new.sqlite"
    with pytest.raises(InputError, match=rf"^{bad}: {message}"):
        import_paths(target, [run, bad])
    assert not target.exists()
    # An existing project is left exactly as it was.
    existing = tmp_path / "old.sqlite"
    import_paths(existing, [run])
    other = make_run(tmp_path, "Asante sana.\n", name="asante.txt")
    with pytest.raises(InputError):
        import_paths(existing, [other, bad])
    with Project(existing) as proj:
        assert [d.name for d in proj.documents()] == ["habari.txt"]


def test_records_out_of_order_are_refused(tmp_path, run):
    lines = run.read_text(encoding="utf-8").splitlines()
    swapped = tmp_path / "swapped.jsonl"
    swapped.write_text("\n".join([lines[1], lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"swapped.jsonl: line 2: .*document order"):
        import_paths(tmp_path / "p.sqlite", [swapped])


def test_unknown_inputs_are_refused(tmp_path):
    (tmp_path / "notes.docx").write_text("x")
    with pytest.raises(InputError, match="unknown input type .docx"):
        import_paths(tmp_path / "p.sqlite", [tmp_path / "notes.docx"])
    with pytest.raises(InputError, match="no such file"):
        import_paths(tmp_path / "p.sqlite", [tmp_path / "missing.jsonl"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no .jsonl runs"):
        import_paths(tmp_path / "p.sqlite", [tmp_path / "empty"])


def test_reimport_is_idempotent_replaces_untouched_and_protects_edited(tmp_path, run):
    path = tmp_path / "p.sqlite"
    import_paths(path, [run])
    assert import_paths(path, [run]).unchanged == ("habari.txt",)
    changed = make_run(tmp_path / "..", ARTICLE.replace("Asante sana.", "Asante."), "habari.txt")
    assert import_paths(path, [changed]).replaced == ("habari.txt",)
    with Project(path) as proj:
        seg = first(proj)
        proj.save(seg.id, FIXED, version=seg.version)
    with pytest.raises(InputError, match="with 1 saved edits.*--replace"):
        import_paths(path, [run])
    assert import_paths(path, [run], replace_edited=True).replaced == ("habari.txt",)


def test_article_is_translated_first_and_keeps_its_text(tmp_path):
    article = tmp_path / "habari.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    path = tmp_path / "p.sqlite"
    summary = import_paths(path, [article], translator=scripted_translator)
    assert summary.added == ("habari.txt",) and summary.segments == 4
    with Project(path) as proj:
        doc = proj.document(proj.documents()[0].id)
        assert doc.exact_layout and doc.model == "scripted"


def test_articles_need_a_translator(tmp_path):
    article = tmp_path / "habari.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(InputError, match="need a model"):
        import_paths(tmp_path / "p.sqlite", [article])


def test_sources_must_match_the_records(tmp_path, run):
    (tmp_path / "habari.txt").write_text(ARTICLE.replace("Rais", "Raisi"), encoding="utf-8")
    with pytest.raises(InputError, match=r"habari.txt: does not match .*line 2"):
        import_paths(tmp_path / "p.sqlite", [run], sources=tmp_path)


def test_reference_from_docs_tsv_is_matched_by_the_swahili(tmp_path, run):
    tsv = tmp_path / "test.docs.tsv"
    tsv.write_text(
        "eng\tswa\nThank you very much indeed.\tAsante  sana.\n\nOther.\tNyingine.\n",
        encoding="utf-8",
    )
    path = tmp_path / "p.sqlite"
    import_paths(path, [run], reference=tsv)
    with Project(path) as proj:
        refs = [s.reference for s in proj.segments(proj.documents()[0].id)]
    assert refs == [None, None, None, "Thank you very much indeed."]


def test_line_aligned_reference_needs_one_line_per_segment(tmp_path, run):
    ref = tmp_path / "ref.en"
    ref.write_text("a\nb\nc\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ref.en: 3 lines, but the import has 4 segments"):
        import_paths(tmp_path / "p.sqlite", [run], reference=ref)
    ref.write_text("a\n\nc\nd\n", encoding="utf-8")
    import_paths(tmp_path / "p.sqlite", [run], reference=ref)
    with Project(tmp_path / "p.sqlite") as proj:
        assert [s.reference for s in proj.segments(1)] == ["a", None, "c", "d"]


def test_tsv_reference_needs_its_header(tmp_path, run):
    tsv = tmp_path / "ref.tsv"
    tsv.write_text("Thank you.\tAsante.\n", encoding="utf-8")
    with pytest.raises(InputError, match="ref.tsv: line 1 must name the English and Swahili"):
        import_paths(tmp_path / "p.sqlite", [run], reference=tsv)


def test_a_save_is_versioned_rechecked_and_scored(project):
    seg = first(project)
    result = project.save(seg.id, FIXED, version=seg.version, editor="Amina", seconds=12.5)
    assert result.ok
    saved = result.segment
    assert (saved.status, saved.version, saved.editor, saved.seconds) == (
        "edited",
        2,
        "Amina",
        12.5,
    )
    assert saved.flags == ()  # the required terms are there now
    expected = TER().sentence_score(seg.mt, [FIXED]).score
    assert saved.hter == pytest.approx(expected)
    approved = project.save(seg.id, FIXED, version=2, status="approved", editor="Amina")
    assert approved.segment.status == "approved" and approved.segment.version == 3
    history = project.history(seg.id)
    assert [(v.kind, v.version, v.status) for v in history] == [
        ("mt", 0, "new"),
        ("save", 2, "edited"),
        ("save", 3, "approved"),
    ]
    assert history[0].text == seg.mt  # the original MT is kept
    assert project.documents()[0].hter == pytest.approx(expected)


def test_unchanged_save_is_not_a_new_version_but_time_counts(project):
    seg = first(project)
    result = project.save(seg.id, seg.target, version=seg.version, seconds=3)
    assert result.ok and result.segment.version == 1 and result.segment.seconds == 3


def test_stale_save_is_refused_and_both_texts_are_kept(project):
    seg = first(project)
    assert project.save(seg.id, FIXED, version=1, editor="Amina").ok
    stale = project.save(seg.id, "Baraka's version.", version=1, editor="Baraka")
    assert not stale.ok
    assert stale.conflict.theirs == FIXED and stale.conflict.yours == "Baraka's version."
    assert project.segment(seg.id).target == FIXED
    kinds = [(v.kind, v.editor, v.text) for v in project.history(seg.id)]
    assert ("conflict", "Baraka", "Baraka's version.") in kinds
    assert ("save", "Amina", FIXED) in kinds


def test_concurrent_saves_of_one_version_accept_exactly_one(project):
    seg = first(project)
    results = []

    def editor(k):
        results.append(project.save(seg.id, f"text {k}", version=1, editor=f"e{k}"))

    threads = [threading.Thread(target=editor, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.ok for r in results) == 1
    texts = {v.text for v in project.history(seg.id) if v.kind != "mt"}
    assert texts == {f"text {k}" for k in range(8)}  # nothing typed is lost


def test_bad_status_and_unknown_segment(project):
    seg = first(project)
    with pytest.raises(ValueError, match="status must be one of edited, approved, rejected"):
        project.save(seg.id, "x", version=1, status="done")
    with pytest.raises(KeyError):
        project.save(99999, "x", version=1)


def test_ignored_flags_stay_listed_but_not_open(project):
    seg = first(project)
    ignored = project.set_ignored(seg.id, "term")
    assert ignored.ignored == ("term",) and ignored.open_flags == ()
    assert [f.code for f in ignored.flags] == ["term"]
    assert project.documents()[0].open_flags == 1
    assert project.set_ignored(seg.id, "term", False).open_flags[0].code == "term"
    with pytest.raises(ValueError, match="flag must be one of term"):
        project.set_ignored(seg.id, "spelling")


def test_translation_memory_offers_approved_pairs_and_tmx(tmp_path, project):
    from review.memory import best_matches

    seg = first(project)
    project.save(seg.id, FIXED, version=1, status="approved")
    similar = seg.source.replace("2023", "2024")
    (match,) = best_matches(similar, project.memory())
    assert match.target == FIXED and match.origin == "habari.txt"
    assert 90 < match.score < 100
    assert best_matches(seg.source, project.memory(exclude=seg.id)) == []
    assert project.add_memory([("Asante sana.", "Thank you so much.")], "old.tmx") == 1
    assert project.add_memory([("Asante sana.", "Thank you so much.")], "old.tmx") == 0
    (tm,) = best_matches("Asante sana!", project.memory())
    assert (tm.score, tm.origin) == (100.0, "old.tmx")


def test_terms_from_outcomes_are_placed_in_the_source_by_surface():
    source = "Wizara ya Mambo\nya Nje ilisema; Wizara ya Mambo ya Nje tena."
    outcome = SpanOutcome(
        "Wizara ya Mambo ya Nje",
        "Wizara ya Mambo ya Nje",
        0,
        22,
        "singular",
        ("Ministry of Foreign Affairs",),
        "forced",
    )
    first_, second = place_terms(source, [outcome, outcome])
    assert source[first_.start : first_.end] == "Wizara ya Mambo\nya Nje"
    assert second.start > first_.end and second.status == "forced"


def test_not_a_project(tmp_path):
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(InputError, match="not a Tafsiri review project"):
        Project(other)
    with pytest.raises(InputError, match="no such project"):
        Project(tmp_path / "missing.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_text("hello " * 100)
    with pytest.raises(InputError, match="not a Tafsiri review project"):
        Project(junk)


# -- hardening round 2 (issue 23) -----------------------------------------------------------


def test_qa_and_ter_run_outside_the_write_lock(project, monkeypatch):
    import review.project as module

    held = []
    real_check, real_ter = module.check_segment, module.segment_ter

    def check(*args):
        held.append(("qa", project._write_lock.locked()))
        return real_check(*args)

    def ter(*args):
        held.append(("ter", project._write_lock.locked()))
        return real_ter(*args)

    monkeypatch.setattr(module, "check_segment", check)
    monkeypatch.setattr(module, "segment_ter", ter)
    assert project.save(first(project).id, FIXED, version=1).ok
    assert held == [("qa", False), ("ter", False)]


def test_a_slow_save_does_not_hold_up_another_editors_save(project, monkeypatch):
    import time

    import review.project as module

    real_check = module.check_segment

    def slow_check(source, target, terms=()):
        if target.startswith("slow"):
            time.sleep(1.5)
        return real_check(source, target, terms)

    monkeypatch.setattr(module, "check_segment", slow_check)
    a, b = project.segments(1)[:2]
    slow = threading.Thread(target=project.save, args=(a.id, "slow text"), kwargs={"version": 1})
    slow.start()
    time.sleep(0.2)
    started = time.monotonic()
    assert project.save(b.id, "Quick.", version=1).ok
    quick = time.monotonic() - started
    slow.join()
    assert quick < 0.5 and project.segment(a.id).target == "slow text"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "x" * 10_001}, "10,001 characters long; a segment holds at most 10,000"),
        ({"text": "Bell \x07."}, "control character U+0007 at position 6"),
        ({"text": "x", "version": 2**63}, "version must be a whole number"),
        ({"text": "x", "seconds": float("nan")}, "seconds must be a finite number"),
    ],
)
def test_saves_refuse_what_the_database_or_exports_cannot_hold(project, kwargs, message):
    seg = first(project)
    with pytest.raises(ValueError, match=re.escape(message)):
        project.save(seg.id, **{"version": 1, **kwargs})
    assert project.segment(seg.id).version == 1


def test_editor_names_are_cleaned_of_control_characters(project):
    saved = project.save(first(project).id, FIXED, version=1, editor="\tAmina\x01 \x9b Juma\n")
    assert saved.segment.editor == "Amina Juma"


@pytest.mark.parametrize("big", [2**63, 10**20, -(2**63) - 1])
def test_ids_sqlite_cannot_hold_are_unknown_ids(project, big):
    for lookup in (project.segment, project.document, project.history, project.stored_record):
        with pytest.raises(KeyError):
            lookup(big)
    with pytest.raises(KeyError):
        project.find_document(str(abs(big)))
    with pytest.raises(KeyError):
        project.save(big, "x", version=1)
    assert project.segments(big) == []


def test_a_record_with_numbers_sqlite_cannot_hold_is_refused_and_nothing_is_written(project, run):
    from dataclasses import replace

    from review.project import ImportedDocument
    from translate.records import read_records

    rec = read_records(run)[0]
    huge = replace(rec, segment=replace(rec.segment, end=10**20))
    doc = ImportedDocument("huge.txt", str(run), (huge,), ((),), (None,))
    with pytest.raises(InputError, match=rf"{run.name}: line 1: end 100000000000000000000 is out"):
        project.add_documents([doc])
    assert [d.name for d in project.documents()] == ["habari.txt"]


def test_a_failed_import_creates_no_project_file(tmp_path, run):
    lines = run.read_text(encoding="utf-8").splitlines()
    import json

    record = json.loads(lines[0])
    record["end"] = 10**20
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record) + "\n", encoding="utf-8")
    target = tmp_path / "new.sqlite"
    with pytest.raises(InputError, match="bad.jsonl: line 1"):
        import_paths(target, [bad])
    assert sorted(p.name for p in tmp_path.iterdir() if "sqlite" in p.name) == []


def test_an_import_failing_in_the_database_removes_the_new_project_file(tmp_path, run, monkeypatch):
    def refuse(self, documents, replace=False):
        raise InputError("refused at insert")

    monkeypatch.setattr(Project, "add_documents", refuse)
    target = tmp_path / "new.sqlite"
    with pytest.raises(InputError, match="refused at insert"):
        import_paths(target, [run])
    assert not any(p.name.startswith("new.sqlite") for p in tmp_path.iterdir())
