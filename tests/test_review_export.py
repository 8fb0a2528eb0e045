"""Exports: the article in its layout, TMX/XLIFF valid against their schemas, records, training
pairs and effort that the rest of Tafsiri reads back, a static page that escapes everything."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from review.export import render_article, render_html, write_export
from review.importing import import_paths
from review.project import Project
from tests.conftest import SHARED
from tests.review_support import ARTICLE, make_run
from translate.corpus import read_parallel, read_tmx_pairs
from translate.records import read_records
from translate.textio import InputError

SCHEMAS = SHARED / "schemas"
FIXED = "The Ministry of Foreign Affairs of Belgium said the budget was $523.7 million in 2023."


@pytest.fixture
def project(tmp_path):
    run = make_run(tmp_path)
    (tmp_path / "habari.txt").write_text(ARTICLE, encoding="utf-8")
    path = tmp_path / "p.sqlite"
    import_paths(path, [run], sources=tmp_path / "habari.txt")
    with Project(path) as proj:
        segs = proj.segments(1)
        proj.save(segs[0].id, FIXED, version=1, status="approved", editor="Amina")
        proj.save(segs[3].id, "Thank you\tso much.", version=1, status="approved")
        proj.save(segs[2].id, "Talks go on.", version=1, status="rejected")
        yield proj


def _schemas_or_skip():
    if not (SCHEMAS / "tmx14.dtd").exists():
        pytest.skip(f"{SCHEMAS} is not here (the shared folder beside the repository)")


def test_article_keeps_the_source_layout_with_the_final_english(project):
    assert render_article(project, 1) == (
        f"{FIXED}\n\n"
        "The President said <script>alert(1)</script> ni dangerous. Talks go on.\n\n"
        "Thank you\tso much.\n"
    )


def test_article_without_sources_rebuilds_paragraphs(tmp_path):
    path = tmp_path / "p.sqlite"
    import_paths(path, [make_run(tmp_path)])
    with Project(path) as proj:
        text = render_article(proj, 1)
    assert text.split("\n\n")[1] == (
        "The President said <script>alert(1)</script> ni dangerous. "
        "The consultations will continue tomorrow."
    )


def test_tmx_validates_against_the_tmx14_dtd_and_reads_back(project, tmp_path):
    _schemas_or_skip()
    out = tmp_path / "approved.tmx"
    write_export(project, "tmx", out)
    dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
    assert dtd.validate(etree.parse(str(out))), dtd.error_log
    corpus = read_tmx_pairs(out, "sw", "en")
    assert corpus.targets == (FIXED, "Thank you\tso much.")  # rejected pairs are left out


def test_xliff_validates_against_the_xliff12_strict_schema(project, tmp_path):
    _schemas_or_skip()
    out = tmp_path / "approved.xlf"
    write_export(project, "xliff", out)
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-1.2-strict.xsd")))
    tree = etree.parse(str(out))
    assert schema.validate(tree), schema.error_log
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    assert tree.xpath("//x:trans-unit/x:target/text()", namespaces=ns)[0] == FIXED
    assert tree.xpath("//x:trans-unit/@approved", namespaces=ns) == ["yes", "yes"]


def test_xml_exports_survive_control_characters(project, tmp_path):
    seg = project.segments(1)[1]
    project.save(seg.id, "Bell \x07 here <b>&</b>", version=1, status="approved")
    _schemas_or_skip()
    out = tmp_path / "a.tmx"
    write_export(project, "tmx", out)
    assert "Bell \ufffd here <b>&</b>" in read_tmx_pairs(out, "sw", "en").targets


def test_jsonl_records_carry_the_final_english_and_read_back(project, tmp_path):
    out = tmp_path / "final.jsonl"
    write_export(project, "jsonl", out)
    records = read_records(out)
    assert [r.segment.translation for r in records][0] == FIXED
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["review"]["status"] == "approved"
    assert first["review"]["mt"] == "The ministry said the budget was $523.7 million in 2023."


def test_train_pairs_are_what_tafsiri_train_reads(project, tmp_path):
    out = tmp_path / "edits.tsv"
    write_export(project, "train", out)
    corpus = read_parallel([out])
    assert corpus.targets == (FIXED, "Thank you so much.")
    assert len(corpus.sources) == 2


def test_effort_reports_hter_and_time_with_the_ter_signature(project, tmp_path):
    out = tmp_path / "effort.json"
    write_export(project, "effort", out)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["signature"].startswith("nrefs:1|case:lc|tok:tercom")
    (doc,) = report["documents"]
    assert doc["approved"] == 2 and doc["hter"] > 0
    assert [s["status"] for s in doc["by_segment"]] == ["approved", "new", "rejected", "approved"]


def test_static_html_escapes_sources_and_has_no_script(project):
    page = render_html(project, 1)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.replace("&lt;script", "")


def test_txt_of_several_documents_is_a_folder(project, tmp_path):
    other = make_run(tmp_path / "..", "Asante sana.\n", name="news/asante.txt")
    import_paths(project.path, [other])
    written = write_export(project, "txt", tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in written] == [
        "habari.txt",
        "news/asante.txt",
    ]
    assert (written[0]).read_text(encoding="utf-8").startswith(FIXED)


@pytest.mark.parametrize(
    ("fmt", "document", "message"),
    [
        ("pdf", None, "unknown export format 'pdf'"),
        ("txt", "nope.txt", "no document 'nope.txt'"),
    ],
)
def test_bad_exports_are_one_line_errors(project, tmp_path, fmt, document, message):
    with pytest.raises(InputError, match=message):
        write_export(project, fmt, tmp_path / "x", document)
    assert not (tmp_path / "x").exists()


def test_pairs_need_approved_segments(tmp_path):
    path = tmp_path / "p.sqlite"
    import_paths(path, [make_run(tmp_path)])
    with Project(path) as proj, pytest.raises(InputError, match="no approved segments"):
        write_export(proj, "tmx", tmp_path / "a.tmx")
