"""Term accuracy (WMT21 terminology task, Alam et al. 2021): exact match and window overlap."""

from __future__ import annotations

import pytest

from glossary import Glossary, Term, term_accuracy

G = Glossary(
    (
        Term("Ubelgiji", ("Belgium",), pos="proper noun"),
        Term("Wizara ya Mambo ya Nje", ("Ministry of Foreign Affairs", "Foreign Ministry")),
        Term("mashauriano ya kisiasa", ("political consultations",)),
    )
)


@pytest.mark.parametrize(
    "src, hyp, exact, strict",
    [
        ("Ubelgiji ilisema.", "Belgium said.", 1.0, 1.0),
        ("Ubelgiji ilisema.", "Belgian said.", 0.0, 0.0),
        ("Ubelgiji ilisema.", "belgium said.", 1.0, 0.0),
        ("Wizara ya Mambo ya Nje ilisema.", "The Foreign Ministry said.", 1.0, 1.0),
        ("mashauriano ya kisiasa yalianza.", "Political consultations began.", 1.0, 1.0),
        # each hypothesis position serves one occurrence
        ("Ubelgiji na Ubelgiji.", "Belgium and Brussels.", 0.5, 0.5),
        ("Ubelgiji na Ubelgiji.", "Belgium and Belgium.", 1.0, 1.0),
        # whole words only
        ("Ubelgiji ilisema.", "Belgiumese said.", 0.0, 0.0),
    ],
)
def test_exact_match(src, hyp, exact, strict):
    result = term_accuracy([src], [hyp], [hyp], G)
    assert result.exact == pytest.approx(exact)
    assert result.exact_strict_case == pytest.approx(strict)


def test_counts_and_sentences_without_terms():
    result = term_accuracy(
        ["Habari za asubuhi.", "Ubelgiji na Wizara ya Mambo ya Nje."],
        ["Good morning.", "Belgium and the ministry."],
        ["Good morning.", "Belgium and the Ministry of Foreign Affairs."],
        G,
    )
    assert (result.sentences, result.occurrences, result.correct) == (1, 2, 1)
    assert result.exact == pytest.approx(0.5)


def test_nothing_to_count_is_none_not_zero():
    result = term_accuracy(["Habari."], ["Hello."], ["Hello."], G)
    assert result.exact is None and result.window_2 is None
    assert result.to_dict()["occurrences"] == 0


@pytest.mark.parametrize(
    "hyp, ref, w2, w3",
    [
        (
            "the talks with Belgium began yesterday",
            "the talks with Belgium began today",
            3 / 4,
            4 / 5,
        ),
        ("the talks with Belgium began today", "the talks with Belgium began today", 1.0, 1.0),
        # punctuation tokens are not part of a window
        ("the talks with Belgium , began today", "the talks with Belgium began today", 1.0, 1.0),
        # term missing from the hypothesis: the sentence scores 0
        ("the talks began today", "the talks with Belgium began today", 0.0, 0.0),
    ],
)
def test_window_overlap(hyp, ref, w2, w3):
    result = term_accuracy(["Ubelgiji"], [hyp], [ref], G)
    assert result.window_2 == pytest.approx(w2)
    assert result.window_3 == pytest.approx(w3)
    assert result.window_sentences == 1


def test_window_needs_the_term_in_the_reference():
    result = term_accuracy(["Ubelgiji"], ["Belgium said"], ["The Belgians said"], G)
    assert result.window_2 is None and result.window_sentences == 0
    assert result.exact == 1.0


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="equally long"):
        term_accuracy(["a", "b"], ["a"], ["a", "b"], G)


def test_to_dict_carries_a_signature():
    d = term_accuracy(["Ubelgiji"], ["Belgium"], ["Belgium"], G).to_dict()
    assert d["signature"].startswith("term-acc:wmt21")
    assert set(d) >= {"exact", "exact_strict_case", "window_2", "window_3", "occurrences"}


LENIENT = Glossary(
    (
        Term("Ubelgiji", ("Belgium", "Belgian", "Belgians"), pos="proper noun"),
        Term(
            "Balozi", ("ambassador", "envoy"), ("Mabalozi",), ("ambassadors", "envoys"), pos="title"
        ),
        Term(
            "Waziri wa Mambo ya Nje",
            ("Minister of Foreign Affairs", "foreign minister"),
            pos="title",
        ),
        Term("Wizara", ("ministry",), ("Wizara",), ("ministries",), pos="noun"),
    )
)


@pytest.mark.parametrize(
    "src, hyp, exact, preferred",
    [
        # an accepted alternative is a hit for exact, a miss for the preferred rendering
        ("Balozi wa Ubelgiji alisema.", "The ambassador to Belgian said.", 1.0, 0.5),
        ("Balozi wa Ubelgiji alisema.", "The ambassador to Belgium said.", 1.0, 1.0),
        ("Balozi wa Ubelgiji alisema.", "The envoy to Belgium said.", 1.0, 0.5),
        # the preferred rendering in the source's number: plural Swahili, plural English
        ("Mabalozi walisema.", "The ambassadors said.", 1.0, 1.0),
        ("Mabalozi walisema.", "The ambassador said.", 1.0, 0.0),
        ("Balozi wa Ubelgiji alisema.", "The ambassadors to Belgium said.", 1.0, 0.5),
        # a plural by rule when the entry lists no en_plural
        ("Mawaziri wa Mambo ya Nje walikutana.", "The Ministers of Foreign Affairs met.", 1.0, 1.0),
        ("Mawaziri wa Mambo ya Nje walikutana.", "The foreign ministers met.", 1.0, 0.0),
        # Swahili that does not show its number accepts either preferred form
        ("Wizara ilisema.", "The ministry said.", 1.0, 1.0),
        ("Wizara zilisema.", "The ministries said.", 1.0, 1.0),
    ],
)
def test_preferred_rendering_only(src, hyp, exact, preferred):
    result = term_accuracy([src], [hyp], [hyp], LENIENT)
    assert result.exact == pytest.approx(exact)
    assert result.exact_preferred == pytest.approx(preferred)
    assert result.correct_preferred == round(preferred * result.occurrences)


def test_both_ways_in_the_dict_and_the_signature():
    d = term_accuracy(["Ubelgiji"], ["Belgian"], ["Belgium"], LENIENT).to_dict()
    assert (d["exact"], d["exact_preferred"], d["correct_preferred"]) == (1.0, 0.0, 0)
    assert "alts:any+preferred" in d["signature"]
    assert term_accuracy(["Habari."], ["Hi."], ["Hi."], LENIENT).exact_preferred is None
