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
    project.save(seg.id, "Bell here <b>&</b>", version=1, status="approved")
    with project._writing() as conn:  # saves refuse control characters; older ones stored them
        conn.execute(
            "UPDATE segments SET target = 'Bell \x07 here <b>&</b>' WHERE id = ?", (seg.id,)
        )
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


@pytest.mark.parametrize(
    "edited",
    ['=HYPERLINK("http://evil.example","click")', "+255 said", "-1 degrees", "@SUM(A1)", "'Tis so"],
)
def test_train_pairs_are_guarded_for_spreadsheets_and_read_back_exactly(project, tmp_path, edited):
    seg = project.segments(1)[1]
    project.save(seg.id, edited, version=1, status="approved")
    out = tmp_path / "edits.tsv"
    write_export(project, "train", out)
    cells = [c for line in out.read_text(encoding="utf-8").splitlines() for c in line.split("\t")]
    assert f"'{edited}" in cells and edited not in cells
    assert edited in read_parallel([out]).targets


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


# -- hardening round 2 (issues 22 and 23) ---------------------------------------------------


def _project_of(tmp_path, names):
    runs = []
    for k, name in enumerate(names):
        folder = tmp_path / f"run{k}"
        folder.mkdir()
        runs.append(make_run(folder, "Asante sana.\n", name=name))
    path = tmp_path / "p.sqlite"
    import_paths(path, runs)
    return path


@pytest.mark.parametrize(
    ("names", "fmt", "expected"),
    [
        (["coll.txt", "coll.md"], "txt", ["coll.txt", "coll-2.txt"]),
        (["dup/x.txt", "dup/../x.txt"], "txt", ["dup/x.txt", "dup/x-2.txt"]),
        (["A.txt", "a.txt", "a-2.md"], "md", ["A.md", "a-2.md", "a-2-2.md"]),
        (["../../etc/passwd", "/abs/x.txt"], "txt", ["etc/passwd.txt", "abs/x.txt"]),
    ],
)
def test_several_documents_never_share_one_file(tmp_path, names, fmt, expected):
    with Project(_project_of(tmp_path, names)) as proj:
        written = write_export(proj, fmt, tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in written] == expected
    assert all(p.read_text(encoding="utf-8") == "Thank you very much.\n" for p in written)
    assert len(list((tmp_path / "out").rglob(f"*.{fmt}"))) == len(names)


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "tmx", "xliff", "jsonl", "train", "effort"])
def test_every_export_takes_control_characters_already_in_the_database(project, tmp_path, fmt):
    with project._writing() as conn:  # as an older version of the server stored them
        conn.execute("UPDATE segments SET editor = 'Amina\x01', target = target || '\x02\x1b'")
        conn.execute("UPDATE documents SET name = 'habari\x03.txt'")
    (out,) = write_export(project, fmt, tmp_path / f"x.{fmt}", "1")
    data = out.read_bytes()
    if fmt in ("tmx", "xliff"):
        root = etree.fromstring(data)
        assert b"\x01" not in data and "\ufffd" in etree.tostring(root, encoding="unicode")


def test_one_format_registry_serves_the_cli_and_the_web(project):
    import typing

    from starlette.testclient import TestClient

    from review.cli import export_command
    from review.export import FORMATS
    from review.web import create_app

    client = TestClient(create_app(project), base_url="http://127.0.0.1")
    for name, form in FORMATS.items():
        response = client.get(f"/documents/1/download/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == form.media_type.split(";")[0]
        if name != "tmx":  # TMX carries the time it was made
            assert response.content == form.bytes(project, [1])
        assert form.extension in response.headers["content-disposition"]
    hint = typing.get_type_hints(export_command, include_extras=True)["fmt"]
    help_text = hint.__metadata__[0].help
    assert all(f"{name}: {form.description}" in help_text for name, form in FORMATS.items())


def test_no_two_review_modules_import_each_other():
    import ast

    from tests.conftest import REPO

    graph = {}
    for path in sorted((REPO / "review").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "review":
                    found.update(f"review.{a.name}" for a in node.names)
                else:
                    found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        graph[f"review.{path.stem}"] = {m for m in found if m.startswith("review.")}
    pairs = [(a, b) for a in graph for b in graph[a] if a < b and a in graph.get(b, set())]
    assert pairs == []
