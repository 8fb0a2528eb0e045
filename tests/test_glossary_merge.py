"""Merging glossaries: order, later wins, one conflict per term, the + prefix, default."""

from __future__ import annotations

import pytest

from glossary import Glossary, Term, default_glossary, load_glossaries, merge_glossaries
from glossary.merge import DEFAULT_SPEC, parse_specs
from translate.textio import InputError

A = Glossary(
    (
        Term("Ubelgiji", ("Belgium",), pos="proper noun", line=2),
        Term("Balozi", ("ambassador",), pos="title", note="person", line=3),
        Term("Balozi", ("embassies",), note="plural of ubalozi", line=4),
        Term("mkutano", ("meeting",), line=5),
    ),
    origin="a.tsv",
)
B = Glossary(
    (
        Term("balozi", ("envoy",), pos="title", line=2),
        Term("Ubelgiji", ("Belgium",), pos="proper noun", line=3),  # identical: no conflict
        Term("Ujerumani", ("Germany",), line=4),
    ),
    origin="b.tsv",
)
C = Glossary((Term("Balozi", ("high commissioner",), line=1),), origin="c.tsv")


def test_later_glossary_replaces_every_entry_for_the_term():
    merged, conflicts = merge_glossaries([A, B])
    assert [(t.sw, t.en) for t in merged] == [
        ("Ubelgiji", ("Belgium",)),
        ("balozi", ("envoy",)),
        ("mkutano", ("meeting",)),
        ("Ujerumani", ("Germany",)),
    ]
    assert merged.origin == "a.tsv + b.tsv"
    assert [c.sw for c in conflicts] == ["balozi"]
    (c,) = conflicts
    assert (c.origin, c.replaced_origin) == ("b.tsv", "a.tsv")
    assert c.message() == ("'balozi': b.tsv:2 (envoy) replaces a.tsv:3,4 (ambassador / embassies)")
    # the merged glossary matches with the later entry only: no ambiguity left
    (m,) = merged.match("Balozi alisema.")
    assert not m.ambiguous and m.targets[0] == "envoy"


def test_each_conflict_is_reported_once_with_the_final_winner():
    merged, conflicts = merge_glossaries([A, B, C])
    (c,) = conflicts
    assert (c.origin, c.replaced_origin) == ("c.tsv", "a.tsv")
    assert [t.en for t in c.kept] == [("high commissioner",)]
    assert [t.en for t in merged if t.sw.casefold() == "balozi"] == [("high commissioner",)]


@pytest.mark.parametrize(
    ("glossaries", "n_conflicts"),
    [([A], 0), ([A, A], 0), ([B, A], 1), ([A, B, C], 1)],
)
def test_conflict_counts(glossaries, n_conflicts):
    assert len(merge_glossaries(glossaries)[1]) == n_conflicts


def test_merge_needs_a_glossary():
    with pytest.raises(ValueError, match="at least one"):
        merge_glossaries([])


@pytest.mark.parametrize(
    ("specs", "names"),
    [
        ([], [DEFAULT_SPEC]),
        (["a.tsv"], ["a.tsv"]),
        (["+a.tsv"], [DEFAULT_SPEC, "a.tsv"]),
        (["+a.tsv", "+b.tsv"], [DEFAULT_SPEC, "a.tsv", "b.tsv"]),
        (["a.tsv", "+b.tsv"], [DEFAULT_SPEC, "a.tsv", "b.tsv"]),
        (["a.tsv", "default"], ["a.tsv", DEFAULT_SPEC]),
        (["+a.tsv", "default"], [DEFAULT_SPEC, "a.tsv"]),
    ],
)
def test_specs(specs, names):
    assert parse_specs(specs) == names


def test_bare_plus_is_refused():
    with pytest.raises(ValueError, match="followed by a glossary file"):
        parse_specs(["+"])


def test_plus_adds_a_house_glossary_to_the_default(tmp_path):
    house = tmp_path / "house.tsv"
    house.write_text(
        "sw\ten\tpos\nMbunge\tmember of parliament\ttitle\nkampuni\tcompany\tnoun\n",
        encoding="utf-8",
    )
    merged, conflicts = load_glossaries([f"+{house}"])
    default = default_glossary()
    assert len(merged) == len(default) + 1
    assert [c.sw for c in conflicts] == ["Mbunge"]
    assert conflicts[0].replaced_origin == default.origin
    alone, none = load_glossaries([str(house)])
    assert len(alone) == 2 and none == []
    assert load_glossaries([])[0] is default


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="missing.tsv"):
        load_glossaries([f"+{tmp_path / 'missing.tsv'}"])
