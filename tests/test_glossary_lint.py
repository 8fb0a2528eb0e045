"""Glossary lint: what `tafsiri glossary check` reports."""

from __future__ import annotations

import pytest

from glossary.lint import LintIssue, lint_file
from tests.conftest import REPO

HEADER = "sw\ten\tsw_plural\ten_plural\tnote\tpos\n"


def codes(tmp_path, body: str, name: str = "g.tsv") -> list[tuple[str, str, int]]:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return [(i.severity, i.code, i.line) for i in lint_file(path)]


@pytest.mark.parametrize(
    "body, expected",
    [
        (HEADER + "Ubelgiji\tBelgium\n", []),
        (HEADER + "Ubelgiji\t\n", [("error", "empty-cell", 2)]),
        (HEADER + "\tBelgium\n", [("error", "empty-cell", 2)]),
        (HEADER + "balozi\tambassador\nbalozi\tembassy\n", [("error", "conflict", 3)]),
        (
            HEADER + "balozi\tambassador\t\t\tperson\nbalozi\tembassies\t\t\tmission\n",
            [("note", "ambiguous", 3)],
        ),
        (HEADER + "Misri\tEgypt\nMisri\tEgypt\n", [("warning", "duplicate", 3)]),
        # sw_plural without en_plural: the English plural by rule, a warning when it may be wrong
        (HEADER + "waziri\tMinister\tmawaziri\n", [("note", "english-plural", 2)]),
        (HEADER + "uhusiano\trelations\tmahusiano\n", [("warning", "english-plural", 2)]),
        (HEADER + "ushirikiano\tcooperation\tmashirikiano\n", [("warning", "english-plural", 2)]),
        (HEADER + "mkuu\tchief|head\twakuu\n", [("note", "english-plural", 2)]),
        (HEADER + "mlinzi\tbodyguard|staff\t\t\t\tperson\n", []),
        (HEADER + "mlinzi\tbodyguard|scarf\t\t\t\tperson\n", [("warning", "english-plural", 2)]),
        (HEADER + "waziri\tMinister\t\tMinisters\n", [("warning", "unbalanced", 2)]),
        (HEADER + "Waziri\tMinister\nWaziri Mkuu\tPrime Minister\n", [("note", "nested", 2)]),
        # m-/mw- nouns: a person is read from the English (note); undecided is a warning.
        (HEADER + "Mbunge\tmember of parliament\n", [("note", "noun-class", 2)]),
        (HEADER + "mwandishi\twriter\t\t\t\tnoun\n", [("note", "noun-class", 2)]),
        (HEADER + "mkutano\tmeeting\n", [("warning", "noun-class", 2)]),
        (HEADER + "mkutano\tmeeting\t\t\t\tnoun\n", []),
        (HEADER + "mkutano\tmeeting\tmikutano\tmeetings\n", []),
        (HEADER + "Mbunge\tmember of parliament\t\t\t\ttitle\n", []),
        (HEADER + "Ubelgiji\tBelgium||Belgique\n", [("warning", "empty-alternative", 2)]),
        ("sw\ten\tforbidden\nUingereza\tBritain\tbritain\n", [("error", "forbidden-target", 2)]),
        ("sw\ten\tpos\nUN\tUN\tgerund\n", [("error", "invalid", 2)]),
        ("sw,en\nUbelgiji,Belgium\n", [("error", "unreadable", 0)]),
    ],
)
def test_findings(tmp_path, body, expected):
    assert codes(tmp_path, body) == expected


def test_reversed_list_duplicates_are_merged_notes(tmp_path):
    body = (
        "id,sourceLang,targetLang,sourceString,targetString\n1,en,sw,quarantine,karantini\n"
        "2,en,sw,isolation,karantini\n"
    )
    assert codes(tmp_path, body, "t.csv") == [("note", "merged", 3)]


def test_shipped_glossary_has_no_errors():
    issues = lint_file(REPO / "glossary" / "data" / "diplomatic.sw-en.tsv")
    assert [i for i in issues if i.severity == "error"] == []
    assert {i.code for i in issues} <= {"nested", "ambiguous"}


def test_nested_terms_are_notes_as_the_docs_say():
    issues = lint_file(REPO / "glossary" / "data" / "diplomatic.sw-en.tsv")
    nested = [i for i in issues if i.code == "nested"]
    assert nested and {i.severity for i in nested} == {"note"}
    assert "| `nested` | note |" in (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")


def test_noun_class_messages_name_the_plural(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text(HEADER + "Mbunge\tmember of parliament\nmradi\tproject\n", encoding="utf-8")
    messages = [i.message for i in lint_file(path)]
    assert "'Wabunge'" in messages[0] and "person" in messages[0]
    assert "'miradi'" in messages[1] and "class 3/4" in messages[1]


def test_english_plural_note_names_the_rule_plural(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text(HEADER + "Katibu Mkuu\tSecretary-General\tMakatibu Wakuu\n", encoding="utf-8")
    (issue,) = lint_file(path)
    assert issue.code == "english-plural" and "'Secretaries-General'" in issue.message


def test_issue_format_and_validation():
    issue = LintIssue("warning", "nested", 4, "x is nested in y")
    assert issue.format("g.tsv") == "g.tsv:4: warning: x is nested in y [nested]"
    with pytest.raises(ValueError, match="severity must be one of"):
        LintIssue("fatal", "x", 1, "m")
