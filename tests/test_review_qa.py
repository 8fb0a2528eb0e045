"""QA flags: each check raises its flag on the faulty English and stays quiet on good English."""

from __future__ import annotations

import pytest

from review.model import Term
from review.qa import FLAGS, check_segment, missing_numbers

MINISTRY = Term(
    "Wizara ya Mambo ya Nje",
    "Wizara ya Mambo ya Nje",
    0,
    22,
    ("Ministry of Foreign Affairs", "Foreign Ministry"),
    "failed",
)
BELGIUM = Term("Ubelgiji", "Ubelgiji", 26, 34, ("Belgium", "Belgian"), "model")
SOURCE = "Wizara ya Mambo ya Nje ya Ubelgiji ilisema bajeti ilikuwa dola milioni 523.7 mwaka 2023."
GOOD = "The Ministry of Foreign Affairs of Belgium said the budget was $523.7 million in 2023."


def codes(source, target, terms=()):
    return [f.code for f in check_segment(source, target, terms)]


def test_good_english_has_no_flags():
    assert codes(SOURCE, GOOD, (MINISTRY, BELGIUM)) == []


@pytest.mark.parametrize(
    ("target", "missing"),
    [
        ("The ministry of Belgium said the budget was $523.7 million in 2023.", ["Ministry"]),
        ("The Foreign Ministry said the budget was $523.7 million in 2023.", ["Belgium"]),
        ("The Foreign Ministry of Belgium said the budget was $523.7 million in 2023.", []),
        # Capitalised renderings must keep their capitals (the glossary's adaptive case).
        ("the foreign ministry of belgium said it.", ["Ministry", "Belgium"]),
    ],
)
def test_term_flag_names_each_missing_term_and_accepts_any_rendering(target, missing):
    flags = [f for f in check_segment(SOURCE, target, (MINISTRY, BELGIUM)) if f.code == "term"]
    assert len(flags) == (1 if missing else 0)
    for word in missing:
        assert word in flags[0].message


@pytest.mark.parametrize(
    ("source", "target", "missing"),
    [
        (SOURCE, GOOD, []),
        (SOURCE, "The budget was $523 million in 2023.", ["$523.7 million"]),
        (SOURCE, "The budget was $523.7 million last year.", ["2023"]),
        ("Bei ilipanda kwa asilimia 1.7.", "Prices rose by 1.7%.", []),
        ("Bei ilipanda kwa asilimia 1.7.", "Prices rose by 1.7 percent.", []),
        ("Bei ilipanda kwa asilimia 1.7.", "Prices rose by 17%.", ["1.7%"]),
        ("Watu 2023 na 2023.", "2023 people and 2023.", []),
        ("Watu 2023 na 2023.", "2023 people.", ["2023"]),
        ("Habari njema.", "Good news.", []),
    ],
)
def test_numbers_not_carried_over(source, target, missing):
    assert [english for _, english in missing_numbers(source, target)] == missing
    assert ("number" in codes(source, target)) == bool(missing)


@pytest.mark.parametrize(
    ("source", "target", "flag"),
    [
        ("Habari za asubuhi.", "", "empty"),
        ("Habari za asubuhi.", "   ", "empty"),
        ("Habari za asubuhi.", "Habari za asubuhi.", "identical"),
        ("Habari za asubuhi.", " Habari  za asubuhi. ", "identical"),
        (
            "Serikali imesema kwamba mazungumzo hayo yataendelea wiki ijayo mjini Nairobi.",
            "The government said.",
            "length",
        ),
        (
            "Alisema.",
            "He said that the talks would continue next week in Nairobi, as planned before.",
            None,  # short sources are not judged on length
        ),
        ("Alisema (jana) kwamba.", "He said (yesterday that.", "brackets"),
        ("Alisema “ndiyo” jana.", "He said “yes jana.", "brackets"),
        ("Alisema “ndiyo jana.", "He said “yes yesterday.", None),  # the source opens it too
        ('Alisema "ndiyo" jana.', 'He said "yes yesterday.', "brackets"),
        ("Rais alisema ni hatari.", "The President said ni dangerous.", "untranslated"),
        ("Walikutana kwenye mkutano.", "They met kwenye the meeting.", "untranslated"),
        ("Walizungumza kuhusu uchumi.", "They talked about uchumi.", "untranslated"),
        ("Rais Samia alisema.", "President Samia said.", None),
        ("Tazama video ya Kenya.", "Watch the video of Kenya.", None),
    ],
)
def test_each_check(source, target, flag):
    found = codes(source, target)
    if flag is None:
        assert found == []
    else:
        assert flag in found


def test_segments_without_letters_may_be_copied():
    assert codes("2024", "2024") == []
    assert codes("***", "***") == []


def test_flags_come_in_declared_order_with_messages():
    flags = check_segment(SOURCE, "", (MINISTRY,))
    assert [f.code for f in flags] == ["term", "number", "empty"]
    assert list(FLAGS)[:3] == ["term", "number", "empty"]
    assert all(f.message for f in flags)


@pytest.mark.parametrize(
    ("source", "target", "flagged"),
    [
        ("Habari njema.", "Good news.", False),
        ("Habari \u202eevil\u202c njema.", "Good \u202eevil\u202c news.", False),  # alike
        ("Habari \u202eevil\u202c njema.", "Good evil news.", True),  # dropped
        ("Habari njema.", "Good \u202elive news.", True),  # added by the editor
        ("Habari njema.", "Good\u200b news.", True),  # zero width
        ("Habari njema.", "Good news\u2066.", True),  # isolate
        ("Habari\u200c njema.", "Good\u200c news\u200c.", True),  # counts differ
        ("Habari njema.", "Good news\ufeff.", True),
        ("Habari njema.", "Good news\u061c.", True),
    ],
)
def test_bidi_flags_hidden_characters_source_and_english_disagree_on(source, target, flagged):
    assert ("bidi" in codes(source, target)) is flagged


def test_bidi_flag_names_the_characters():
    (flag,) = [f for f in check_segment("Habari.", "\u202eNews.") if f.code == "bidi"]
    assert flag.message == (
        "U+202E RIGHT-TO-LEFT OVERRIDE (RLO): 0 in the source, 1 in the English"
    )
