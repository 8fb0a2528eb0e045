"""Reading references, outputs, sources and document ids in every supported format."""

from __future__ import annotations

import json

import pytest

from eval.inputs import read_doc_ids, read_side
from tests.conftest import DATA, SHARED
from translate.textio import InputError

REF = DATA / "eval_ref200.en"
SRC = DATA / "eval_src200.sw"
DOCS_TSV = DATA / "eval_test200.docs.tsv"
TMX = DATA / "eval_tico5.tmx"


def _record(document: str, index: int, source: str, translation: str) -> dict:
    """A record exactly as ``tafsiri translate --format jsonl`` writes it."""
    from translate.backend import DecodeOptions
    from translate.pipeline import TranslationInfo
    from translate.records import SegmentRecord, record_dict

    info = TranslationInfo("m", "ct2", "cpu", DecodeOptions(), 200)
    segment = SegmentRecord(0, index, 0, len(source), source, translation)
    return record_dict(segment, document, info)


def _jsonl(tmp_path, records, name="out.jsonl"):
    path = tmp_path / name
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def test_plain_text_is_one_segment_per_line_without_trailing_space(tmp_path):
    path = tmp_path / "hyp.txt"
    path.write_text("one  \ntwo\r\n\nfour\n", encoding="utf-8")
    side = read_side(path)
    assert side.texts == ("one", "two", "", "four")
    assert side.fmt == "text" and side.sources is None and side.doc_ids is None
    assert len(side.sha256) == 64


def test_pipeline_jsonl_gives_translations_sources_and_documents(tmp_path):
    records = [_record("a.txt", i, f"chanzo {i}", f"output {i}") for i in range(3)]
    records.append(_record("b.txt", 0, "x", "y"))
    path = _jsonl(tmp_path, records)
    side = read_side(path)
    assert side.texts == ("output 0", "output 1", "output 2", "y")
    assert side.sources == ("chanzo 0", "chanzo 1", "chanzo 2", "x")
    assert side.doc_ids == ("a.txt", "a.txt", "a.txt", "b.txt")
    assert read_side(path, "source").texts == side.sources
    assert read_doc_ids(path).doc_ids == side.doc_ids


def test_mafand_docs_tsv_numbers_documents_and_puts_english_on_the_target_side():
    side = read_side(DOCS_TSV)
    assert side.fmt == "docs-tsv"
    assert len(side) == 200
    first_lines = REF.read_text(encoding="utf-8").splitlines()
    # The .docs.tsv copy of MAFAND differs from test.en only in spacing on a few lines.
    assert sum(a.split() == b.split() for a, b in zip(side.texts, first_lines, strict=True)) == 200
    assert side.sources[0].startswith("Picha Rasmi")
    assert side.doc_ids[0] == "doc1" and len(set(side.doc_ids)) == 5
    # Document ids only go up: a document is one contiguous block.
    numbers = [int(d[3:]) for d in side.doc_ids]
    assert numbers == sorted(numbers)


def test_tsv_and_tmx_read_through_the_corpus_readers(tmp_path):
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("habari\thello\nasante\tthanks\n", encoding="utf-8")
    side = read_side(tsv)
    assert side.texts == ("hello", "thanks") and side.sources == ("habari", "asante")
    tmx = read_side(TMX)
    assert tmx.fmt == "tmx" and len(tmx) == 5
    assert tmx.texts[0].startswith("about how long") and tmx.sources[0].startswith("je, dalili")


def test_real_tico19_tmx_reads_with_english_as_the_target():
    # ../shared is beside every checkout and CI run (see shared/README.md).
    side = read_side(SHARED / "data" / "tico19" / "all.en-sw.tmx")
    assert len(side) == 3071 and side.fmt == "tmx"


def test_document_ids_one_per_line(tmp_path):
    path = tmp_path / "docids"
    path.write_text("d1\nd1\nd2\n", encoding="utf-8")
    assert read_doc_ids(path).doc_ids == ("d1", "d1", "d2")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "no segments found"),
        ("binary.txt", b"abc\x00def", "binary"),
        ("latin1.txt", "caf\u00e9\n".encode("latin-1"), "not valid UTF-8 at byte 3"),
        ("bad.jsonl", b'{"translation": "a"}\n{oops\n', "line 1 is not a tafsiri record"),
        ("broken.jsonl", b"{oops\n", "line 1 is not valid JSON"),
        ("list.jsonl", b"[1, 2]\n", "line 1 is not a tafsiri record: not a JSON object"),
        ("nofield.jsonl", b'{"source": "a"}\n', "line 1 is not a tafsiri record: no schema"),
        ("x.docs.tsv", b"eng\tfra\nhello\tbonjour\n", "no column for 'sw'"),
        ("y.docs.tsv", b"eng\tswa\nhello\n", "line 2 has 1 columns"),
        ("pairs.tsv", b"only one column\n", "expected source<TAB>target"),
        ("bad.tmx", b"<tmx><body><tu>", "not well-formed XML"),
    ],
)
def test_bad_files_are_one_clear_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        read_side(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_missing_file_and_bad_document_ids(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_side(tmp_path / "missing.txt")
    blank = tmp_path / "ids"
    blank.write_text("d1\n\nd2\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2 is empty"):
        read_doc_ids(blank)
    with pytest.raises(InputError, match="one id per line"):
        read_doc_ids(TMX)


def test_xml_entities_are_refused(tmp_path):
    path = tmp_path / "evil.tmx"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x "boom">]>'
        '<tmx version="1.4"><body><tu><tuv xml:lang="sw"><seg>&x;</seg></tuv>'
        '<tuv xml:lang="en"><seg>a</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="entit"):
        read_side(path)


def test_side_must_be_source_or_target():
    with pytest.raises(ValueError, match="source, target"):
        read_side(REF, side="hypothesis")


def test_an_absurdly_long_segment_is_refused_naming_file_and_segment(tmp_path):
    from eval.inputs import MAX_SEGMENT_CHARS

    path = tmp_path / "hyp.txt"
    path.write_text("short\n" + "x" * (MAX_SEGMENT_CHARS + 1) + "\nshort\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_side(path)
    assert str(err.value).startswith(f"{path}: segment 2 has 10,001 characters, more than")
    assert read_side(path, max_chars=0).texts[1] == "x" * (MAX_SEGMENT_CHARS + 1)
    assert read_side(path, max_chars=MAX_SEGMENT_CHARS + 1).texts[1].startswith("x")


def test_a_long_source_in_a_jsonl_file_is_refused(tmp_path):
    path = _jsonl(tmp_path, [_record("d", 0, "s" * 200, "t"), _record("d", 1, "s" * 20, "t")])
    with pytest.raises(InputError, match=r"out.jsonl: the source of segment 1 has 200 characters"):
        read_side(path, max_chars=100)
    with pytest.raises(InputError, match=r"out.jsonl: segment 1 has 200 characters"):
        read_side(path, side="source", max_chars=100)
