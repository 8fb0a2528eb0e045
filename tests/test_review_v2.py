"""Review v2 (issue 26): schema migration, term decisions, trust flags, comments, find &
replace, diffs, distinct n-best, glossary exports."""

from __future__ import annotations

import json
import sqlite3

import pytest

from glossary import default_glossary, load_glossary
from review.diff import word_diff
from review.export import write_export
from review.importing import import_paths
from review.model import Term
from review.project import Project, model_name
from review.qa import accepted_terms, check_segment, risk, trust_flags
from review.replace import ReplaceOptions, apply_replace, find_hits
from review.schema import _TABLES, SCHEMA_VERSION
from review.views import distinct_alternatives
from tests.review_support import make_run
from translate.backend import Hypothesis


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.sqlite"
    import_paths(path, [make_run(tmp_path)], glossary=default_glossary())
    with Project(path) as proj:
        yield proj


def test_a_version_1_project_opens_and_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for statement in _TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute(
        "INSERT INTO documents (name, origin, exact_layout, markdown, tail, model, backend, "
        "decode, imported_at) VALUES ('a.txt', 'a.jsonl', 0, 0, '', '/m/sw-en-compact', 'ct2', "
        "'{}', 'now')"
    )
    conn.execute(
        'INSERT INTO segments (document_id, position, paragraph, idx, start, "end", prefix, '
        "source, mt, target, pieces, record, terms, flags) VALUES (1, 0, 0, 0, 0, 5, '', "
        "'Habari', 'News', 'News', 1, '{}', '[]', '[]')"
    )
    conn.execute(
        "INSERT INTO versions (segment_id, version, kind, text, status, editor, at) "
        "VALUES (1, 0, 'mt', 'News', 'new', '/home/a/models/sw-en-compact', 'now')"
    )
    conn.commit()
    conn.close()
    with Project(path) as proj:
        assert proj.conn.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)
        seg = proj.segment(1)
        assert seg.confidence is None and seg.trust == () and seg.comments == 0
        assert proj.history(1)[0].editor == "sw-en-compact"
        proj.add_comment(1, "check the name", editor="Amina")
        assert proj.segment(1).comments == 1


@pytest.mark.parametrize(
    ("model", "name"),
    [
        ("sw-en-compact", "sw-en-compact"),
        ("/home/a/models/sw-en-compact", "sw-en-compact"),
        ("C:\\models\\sw-en", "sw-en"),
        ("Helsinki-NLP/opus-mt-sw-en", "opus-mt-sw-en"),
    ],
)
def test_model_name(model, name):
    assert model_name(model) == name


@pytest.mark.parametrize(
    ("expected", "english", "flagged"),
    [
        (("refugees",), "They live in refugee camps.", False),
        (("refugee camp",), "The refugee camps are full.", False),
        (("presidential election",), "The presidential elections ended.", False),
        (("parliament", "House"), "The House voted.", False),
        (("parliament",), "Congress voted.", True),
    ],
)
def test_term_check_accepts_alternatives_and_the_other_number(expected, english, flagged):
    term = Term("x", "x", 0, 1, expected, "model")
    flags = check_segment("x", english, accepted_terms([term]))
    assert bool([f for f in flags if f.code == "term"]) is flagged


def test_term_check_takes_the_project_glossary_and_ignored_terms():
    term = Term("bunge la Marekani", "bunge la Marekani", 0, 17, ("US parliament",), "model")
    assert check_segment("s", "Congress voted.", accepted_terms([term]))[0].terms == (term.sw,)
    extra = {term.sw: ["Congress"]}
    assert check_segment("s", "Congress voted.", accepted_terms([term], extra)) == ()
    assert check_segment("s", "Congress voted.", accepted_terms([term], None, {term.sw})) == ()


def test_decisions_recheck_stored_flags(project):
    seg = project.segments(1)[0]
    missing = next(f for f in seg.flags if f.code == "term").terms
    assert len(missing) == 2
    changed = project.ignore_term(1, missing[0])
    assert [s.id for s in changed] == [seg.id]
    changed = project.add_glossary(missing[1], "ministry")
    assert [s.id for s in changed] == [seg.id]
    assert "term" not in [f.code for f in project.segment(seg.id).flags]
    project.ignore_term(1, missing[0], ignore=False)
    assert "term" in [f.code for f in project.segment(seg.id).flags]


def test_glossary_exports_are_read_by_the_glossary_loader(project, tmp_path):
    project.add_glossary("bunge la Marekani", "Congress", editor="Amina")
    project.add_glossary("bunge la Marekani", "US Congress")
    for fmt, suffix in (("glossary", ".tsv"), ("tbx", ".tbx")):
        (path,) = write_export(project, fmt, tmp_path / f"g{suffix}")
        terms = list(load_glossary(path))
        assert [(t.sw, t.en) for t in terms] == [("bunge la Marekani", ("Congress", "US Congress"))]


def test_trust_flags_are_imported_and_hold_while_the_english_is_the_mt(tmp_path):
    run = make_run(tmp_path)
    lines = run.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    records[2]["flags"] = [{"kind": "polarity", "detail": "negation lost: 'si'"}]
    records[2]["confidence"] = -1.7
    records[3]["flags"] = [
        {"kind": "low-confidence", "detail": "model confidence -1.20 < -1.06"},
        {"kind": "repetition", "detail": "loop", "redecoded": True, "persists": False},
    ]
    records[3]["confidence"] = -1.2
    run.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = tmp_path / "t.sqlite"
    import_paths(path, [run])
    with Project(path) as proj:
        segs = proj.segments(1)
        assert [f.code for f in segs[2].open_flags] == ["polarity"]
        assert segs[2].confidence == pytest.approx(-1.7)
        assert [f.code for f in segs[3].open_flags] == ["low-confidence"]
        ranked = sorted(segs, key=lambda s: (*risk(s.open_flags, s.confidence), s.position))
        assert ranked[0].position in (0, 2)
        assert ranked.index(segs[2]) < ranked.index(segs[3])
        # Edited away from the MT, the flag no longer describes the English.
        result = proj.save(segs[2].id, "The talks will not go on tomorrow.", version=1)
        assert "polarity" not in [f.code for f in result.segment.flags]
        # The jsonl export carries the record's flags and confidence back.
        (out,) = write_export(proj, "jsonl", tmp_path / "out.jsonl")
        back = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert back[2]["flags"][0]["kind"] == "polarity" and back[2]["confidence"] == -1.7
    assert trust_flags([{"kind": "repetition", "detail": "x"}]) == ()


def test_comments_go_into_tmx_and_xliff_notes(project, tmp_path):
    seg = project.segments(1)[3]
    project.save(seg.id, seg.target, version=1, status="approved", editor="Amina")
    project.add_comment(seg.id, "Formal register, please.", editor="Amina")
    with pytest.raises(ValueError, match="empty"):
        project.add_comment(seg.id, "  ")
    (tmx,) = write_export(project, "tmx", tmp_path / "a.tmx")
    assert "<note>Amina (" in tmx.read_text(encoding="utf-8")
    (xlf,) = write_export(project, "xliff", tmp_path / "a.xlf")
    assert '<note from="Amina">Formal register, please.</note>' in xlf.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("options", "text", "after"),
    [
        (
            ReplaceOptions("said", "stated"),
            "He said it; she Said so.",
            "He stated it; she stated so.",
        ),
        (ReplaceOptions("said", "stated", case=True), "Said said", "Said stated"),
        (ReplaceOptions("the", "a", whole_word=True), "the theme", "a theme"),
        (ReplaceOptions(r"(\d+)\.(\d)", r"\1,\2", regex=True), "$523.7", "$523,7"),
    ],
)
def test_replace_options(options, text, after):
    assert options.apply(text) == after


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"find": ""}, "empty"),
        ({"find": "(", "regex": True}, "regular expression"),
        ({"find": "(a+)+$", "regex": True}, "repeats a group"),
        ({"find": r"(\w*)*x", "regex": True}, "repeats a group"),
        ({"find": "(x|y+){2,}", "regex": True}, "repeats a group"),
        ({"find": "x" * 301}, "at most 300"),
    ],
)
def test_replace_options_refuse(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReplaceOptions(**kwargs)


def test_replace_is_versioned_saves_and_stale_previews_conflict(project):
    options = ReplaceOptions("the", "THE", whole_word=True)
    hits = find_hits(project, options, 1)
    assert [h.number for h in hits] == [1, 2, 3]
    versions = {h.segment_id: h.version for h in hits}
    project.save(hits[0].segment_id, "the other text", version=1)  # saved since the preview
    result = apply_replace(project, options, 1, versions=versions, editor="Amina")
    assert [s.position + 1 for s in result.saved] == [2, 3]
    assert result.conflicts == (hits[0].segment_id,)
    history = project.history(hits[1].segment_id)
    assert [v.kind for v in history] == ["mt", "save"] and history[-1].editor == "Amina"


def test_a_literal_find_is_narrowed_in_sql_and_still_finds_every_hit(project):
    first, second, third = project.segments(1)[:3]
    project.save(first.id, "A 50%_off deal.", version=first.version)
    project.save(second.id, "The ſave button.", version=second.version)  # long s: an "s"
    project.save(third.id, "A 50% off deal.", version=third.version)
    # % and _ are the text's own, not LIKE's wildcards.
    assert [h.segment_id for h in find_hits(project, ReplaceOptions("50%_"), 1)] == [first.id]
    # Case-insensitive as Python matches: "SAVE" finds "ſave".
    assert [h.segment_id for h in find_hits(project, ReplaceOptions("SAVE"), 1)] == [second.id]
    assert [t.id for t in project.texts(1, "50%")] == [first.id, second.id, third.id]


def test_word_diff():
    assert word_diff("a b c", "a b c") == []
    ops = word_diff("The ministry said so.", "The Ministry of Foreign Affairs said so.")
    assert ops == [
        ("=", "The "),
        ("-", "ministry "),
        ("+", "Ministry of Foreign Affairs "),
        ("=", "said so."),
    ]
    assert "".join(t for op, t in ops if op != "-") == "The Ministry of Foreign Affairs said so."


def test_distinct_alternatives_fold_near_duplicates_and_give_percentages():
    hyps = [
        Hypothesis("Thank you very much.", -0.1),
        Hypothesis("Thank you very much!", -0.2),
        Hypothesis("thank you  very much.", -0.3),
        Hypothesis("Many thanks.", -0.5),
        Hypothesis("Thanks a lot.", -0.9),
    ]
    out = distinct_alternatives(hyps, 5)
    assert [a["text"] for a in out] == ["Thank you very much.", "Many thanks.", "Thanks a lot."]
    assert sum(a["percent"] for a in out) == pytest.approx(100, abs=0.2)
    assert out[0]["percent"] > out[1]["percent"] > out[2]["percent"]


def test_progress_agrees_with_the_document_summary(project):
    segs = project.segments(1)
    project.save(segs[0].id, "The Ministry of Foreign Affairs agreed.", version=1)
    project.save(segs[1].id, segs[1].target, version=1, status="approved")
    project.save(segs[2].id, "Talks go on.", version=1, status="approved")
    project.save(segs[3].id, segs[3].target, version=1, status="rejected")
    summary = project.summary(1)
    progress = project.progress(1)
    assert progress["segments"] == summary.segments == 4
    assert progress["approved"] == summary.approved == 2
    assert progress["open_flags"] == summary.open_flags
    assert progress["hter"] == pytest.approx(summary.hter)
    with pytest.raises(KeyError):
        project.progress(99)


@pytest.mark.parametrize("pattern", [r"(\d+)\.(\d)", r"(ab)+", r"a+b*", r"\(x+\)+"])
def test_replace_accepts_patterns_without_nested_repetition(pattern):
    ReplaceOptions(pattern, "y", regex=True)


def test_every_meaning_level_kind_of_the_engine_is_a_review_flag_with_a_weight():
    from review.qa import FLAGS, SEVERITY
    from translate.flags import TRUST_KINDS

    for kind in TRUST_KINDS:
        assert kind in FLAGS and kind in SEVERITY
        assert trust_flags([{"kind": kind, "detail": "x"}])[0].code == kind
