"""The tafsiri.segment/1 records: what the writer writes, the reader reads back and checks."""

from __future__ import annotations

import json

import pytest

from translate.backend import DecodeOptions
from translate.degenerate import Flag
from translate.hooks import SpanOutcome
from translate.pipeline import TranslationInfo
from translate.records import RECORD_SCHEMA, SegmentRecord, read_records, record_dict, to_jsonl
from translate.textio import InputError

INFO = TranslationInfo(
    model="models/sw-en",
    backend="ct2",
    device="cpu",
    decode=DecodeOptions(beam=4),
    max_segment_tokens=200,
    glossary="abc",
    fingerprint="f00d",
)
FLAG = Flag("repetition", "'radio' 3 times in a row", redecoded=True, persists=False)
TERM = SpanOutcome("Ubelgiji", "Ubelgiji", 3, 11, "singular", ("Belgium",), "forced", "Belgium")


def _records() -> list[dict]:
    segments = [
        SegmentRecord(0, 0, 0, 14, "Habari za leo.", "News today.", 1, ()),
        SegmentRecord(
            1, 0, 16, 40, "Na Ubelgiji ilikubali.", "And Belgium agreed.", 1, (TERM,), (FLAG,)
        ),
    ]
    return [record_dict(s, "a.txt", INFO) for s in segments]


def test_what_is_written_reads_back_the_same(tmp_path):
    path = tmp_path / "run.jsonl"
    path.write_text(to_jsonl(_records()), encoding="utf-8")
    first, second = read_records(path)
    assert (first.document, first.line, second.line) == ("a.txt", 1, 2)
    assert second.segment.terms == (TERM,)
    assert second.segment.translation == "And Belgium agreed."
    assert first.signature == INFO.signature() and first.backend == "ct2"
    assert first.decode["beam"] == 4 and first.decode["max_segment_tokens"] == 200
    assert first.segment.flags == () and second.segment.flags == (FLAG,)
    assert second.segment.redecoded and not second.segment.degenerate


def test_records_from_before_flags_read_as_unflagged(tmp_path):
    old = _records()[1]
    del old["flags"]
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(old) + "\n", encoding="utf-8")
    (record,) = read_records(path)
    assert record.segment.flags == () and not record.segment.degenerate


def test_records_from_before_kind_and_signature_still_read(tmp_path):
    old = _records()[1]
    del old["signature"]
    for term in old["terms"]:
        del term["kind"]
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(old) + "\n", encoding="utf-8")
    (record,) = read_records(path)
    assert record.signature is None and record.segment.terms[0].kind == "term"


def _mutate(record: dict, change: str) -> dict:
    if change == "schema":
        record["schema"] = "other.tool/3"
    elif change == "no schema":
        del record["schema"]
    elif change == "offsets":
        record["start"], record["end"] = 10, 2
    elif change == "bool":
        record["pieces"] = True
    elif change == "translation":
        record["translation"] = None
    elif change == "term":
        record["terms"] = [{"sw": "x"}]
    elif change == "flags":
        record["flags"] = {"kind": "repetition"}
    elif change == "flag":
        record["flags"] = [{"kind": "looping", "detail": "x"}]
    elif change == "flag field":
        record["flags"] = [{"kind": "repetition", "detail": "x", "persists": "yes"}]
    elif change == "status":
        record["terms"][0]["status"] = "guessed"
    elif change == "term start infinite":
        record["terms"][0]["start"] = float("inf")
    elif change == "term start huge":
        record["terms"][0]["start"] = 10**20
    elif change == "term offsets":
        record["terms"][0]["start"], record["terms"][0]["end"] = 9, 3
    elif change == "expected string":
        record["terms"][0]["expected"] = "president"
    elif change == "expected numbers":
        record["terms"][0]["expected"] = [1, 2]
    elif change == "found number":
        record["terms"][0]["found"] = 7
    elif change == "end huge":
        record["end"] = 10**20
    elif change == "paragraph huge":
        record["paragraph"] = 10**20
    elif change == "segment negative":
        record["segment"] = -1
    elif change == "pieces float":
        record["pieces"] = 1.0
    elif change == "nan":
        record["decode"]["length_penalty"] = float("nan")
    elif change == "decode nested":
        record["decode"]["beam"] = {"beam": [4]}
    return record


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("schema", "schema 'other.tool/3'"),
        ("no schema", "no schema field"),
        ("offsets", "bad offsets"),
        ("bool", '"pieces" is missing or not a int'),
        ("translation", '"translation" is missing or not a str'),
        ("term", "terms[0]"),
        ("status", "status must be one of"),
        ("flags", '"flags" is not a list'),
        ("flag", "flags[0]: kind must be one of"),
        ("flag field", "flags[0]: not a flag"),
        ("term start infinite", "is not valid JSON (Infinity is not a JSON number)"),
        ("term start huge", 'terms[0]: field "start" is 100000000000000000000, outside 0..'),
        ("term offsets", "terms[0]: bad offsets start=9 end=3"),
        ("expected string", 'terms[0]: field "expected" is missing or not a list'),
        ("expected numbers", 'terms[0]: field "expected" is not a list of strings'),
        ("found number", 'terms[0]: field "found" is missing or not a str or null'),
        ("end huge", 'field "end" is 100000000000000000000, outside 0..'),
        ("paragraph huge", 'field "paragraph" is 100000000000000000000, outside 0..'),
        ("segment negative", 'field "segment" is -1, outside 0..'),
        ("pieces float", '"pieces" is missing or not a int'),
        ("nan", "is not valid JSON (NaN is not a JSON number)"),
        ("decode nested", 'decode setting "beam" is not a number, string, boolean or null'),
    ],
)
def test_foreign_or_malformed_lines_are_refused_naming_file_and_line(tmp_path, change, message):
    good, bad = _records()
    path = tmp_path / "run.jsonl"
    path.write_text(to_jsonl([good, _mutate(bad, change)]), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_records(path)
    assert str(err.value).startswith(f"{path}: line 2 is not ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("line", ["{not json", "[1, 2]", '"text"'])
def test_lines_that_are_not_objects_are_refused(tmp_path, line):
    path = tmp_path / "x.jsonl"
    path.write_text(to_jsonl(_records()[:1]) + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl: line 2 "):
        read_records(path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ('{"a": ' * 50_000 + "1" + "}" * 50_000, "nested too deeply"),
        ("9" * 5_000, "not valid JSON"),
    ],
)
def test_lines_too_deep_or_too_big_to_parse_are_refused(tmp_path, line, message):
    path = tmp_path / "x.jsonl"
    path.write_text(to_jsonl(_records()[:1]) + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"x.jsonl: line 2 .*{message}"):
        read_records(path)


def test_blank_lines_are_skipped_and_the_schema_constant_is_written(tmp_path):
    path = tmp_path / "run.jsonl"
    path.write_text("\n" + to_jsonl(_records()) + "\n\n", encoding="utf-8")
    records = read_records(path)
    assert [r.line for r in records] == [2, 3]
    assert all(r["schema"] == RECORD_SCHEMA for r in _records())
