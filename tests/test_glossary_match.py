"""Swahili-aware term matching: forms, number, agreement, ambiguity, casing, longest match."""

from __future__ import annotations

import unicodedata

import pytest

from glossary import Glossary, Term, default_glossary
from glossary.match import locate_targets
from glossary.morphology import english_plural, english_plural_checked, locative_forms, pluralize


@pytest.fixture(scope="module")
def dip() -> Glossary:
    return default_glossary()


def found(g: Glossary, text: str):
    return [(m.surface, m.number, m.ambiguous, m.preferred) for m in g.match(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # longest match first over multiword terms
        (
            "Waziri wa Mambo ya Nje alisema",
            [("Waziri wa Mambo ya Nje", "singular", False, "Minister of Foreign Affairs")],
        ),
        ("Waziri alisema", [("Waziri", "singular", False, "minister")]),
        # listed and generated noun-class plurals
        ("mawaziri walikutana", [("mawaziri", "plural", False, "ministers")]),
        (
            "Wakurugenzi Wakuu wa mashirika",
            [("Wakurugenzi Wakuu", "plural", False, "directors general")],
        ),
        ("mikutano ya kilele", [("mikutano ya kilele", "plural", False, "summits")]),
        ("mkutano wa kilele", [("mkutano wa kilele", "singular", False, "summit")]),
        ("ziara za kikazi", [("ziara za kikazi", "plural", False, "working visits")]),
        ("mabalozi wa Afrika", [("mabalozi", "plural", False, "ambassadors")]),
        # agreement decides ambiguity: balozi = ambassador (class 1) or embassies (class 10)
        (
            "Balozi wa Ufaransa",
            [
                ("Balozi", "singular", False, "ambassador"),
                ("Ufaransa", "singular", False, "France"),
            ],
        ),
        (
            "balozi za Ufaransa",
            [("balozi", "plural", False, "embassies"), ("Ufaransa", "singular", False, "France")],
        ),
        ("balozi hizo zilifungwa", [("balozi", "plural", False, "embassies")]),
        ("balozi huyo alisema", [("balozi", "singular", False, "ambassador")]),
        # locative -ni
        ("alifanya kazi Ulayani", [("Ulayani", "singular", False, "Europe")]),
        # case-insensitive by default, case-sensitive acronyms
        (
            "WIZARA YA MAMBO YA NJE",
            [("WIZARA YA MAMBO YA NJE", "singular", False, "Ministry of Foreign Affairs")],
        ),
        (
            "UN na Umoja wa Mataifa",
            [
                ("UN", "singular", False, "UN"),
                ("Umoja wa Mataifa", "singular", False, "United Nations"),
            ],
        ),
        ("un", []),
        # whole words only
        ("Waziriwa", []),
        ("Ubelgijini", [("Ubelgijini", "singular", False, "Belgium")]),
    ],
)
def test_matches(dip, text, expected):
    assert found(dip, text) == expected


def test_ambiguity_is_recorded_not_guessed(dip):
    (m,) = dip.match("Balozi alizungumza.")
    assert m.ambiguous
    assert set(m.targets) >= {"ambassador", "embassies"}
    assert {t.sw for t in m.terms} == {"Balozi", "Ubalozi"}


def test_same_form_both_numbers_is_unknown(dip):
    (m,) = dip.match("wizara ilitoa taarifa")
    assert m.number == "unknown" and not m.ambiguous
    assert set(m.targets) == {"ministry", "ministries"}
    (m,) = dip.match("wizara za serikali")
    assert m.number == "plural" and m.targets == ("ministries",)


def test_spans_point_into_the_text(dip, seed_article):
    matches = dip.match(seed_article)
    assert len(matches) > 30
    for m in matches:
        assert seed_article[m.start : m.end] == m.surface
    starts = [m.start for m in matches]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(matches, matches[1:], strict=False))


def test_seed_terms_are_covered(dip, seed_article):
    surfaces = {m.surface for m in dip.match(seed_article)}
    for term in [
        "Naibu Waziri wa Mashauri ya Kigeni",
        "Mkurugenzi Mkuu",
        "Mahusiano ya Nchi Mbili",
        "Wizara ya Mambo ya Nje",
        "Ubelgiji",
        "mashauriano ya kisiasa",
        "Umoja wa Ulaya",
        "Asia ya Kati",
        "Shirika la Usalama na Ushirikiano barani Ulaya",
        "UN",
        "OSCE",
        "uhusiano wa nchi mbili",
        "Oktoba",
        "mabadiliko ya hali ya hewa",
    ]:
        assert term in surfaces


@pytest.mark.parametrize(
    "text",
    [
        "ng'ombe wa Rais",
        "ng\u2019ombe wa Rais",
        "ng\u02bcombe wa Rais",
    ],
)
def test_apostrophe_variants(text):
    g = Glossary((Term("ng'ombe", ("cattle",)), Term("Rais", ("President",), pos="title")))
    assert [m.preferred for m in g.match(text)] == ["cattle", "President"]


def test_nfc_and_decomposed_text_match_alike():
    g = Glossary((Term("Ureno", ("Portugal",)), Term("café", ("coffee shop",))))
    decomposed = unicodedata.normalize("NFD", "café ya Ureno")
    assert [m.preferred for m in g.match(decomposed)] == ["coffee shop", "Portugal"]


@pytest.mark.parametrize(
    "phrase, animate, plural",
    [
        ("waziri", True, "mawaziri"),
        ("Mkurugenzi Mkuu", True, "Wakurugenzi Wakuu"),
        ("mwanadiplomasia", True, "wanadiplomasia"),
        ("mkutano wa kilele", False, "mikutano ya kilele"),
        ("kiongozi", True, "viongozi"),
        ("chama cha siasa", False, "vyama vya siasa"),
        ("ziara ya kikazi", False, "ziara za kikazi"),
        ("ubalozi mdogo", False, "balozi ndogo"),
        ("Waziri wa Mambo ya Nje", True, "Mawaziri wa Mambo ya Nje"),
    ],
)
def test_swahili_plurals(phrase, animate, plural):
    assert pluralize(phrase, animate=animate)[0] == plural


@pytest.mark.parametrize(
    "phrase, plural",
    [
        ("embassy", "embassies"),
        ("working visit", "working visits"),
        ("Minister of Foreign Affairs", "Ministers of Foreign Affairs"),
        ("press", "presses"),
        ("chairman", "chairmen"),
        # exceptions to the head-noun rule
        ("Secretary-General of the United Nations", "Secretaries-General of the United Nations"),
        ("UN Secretary General", "UN Secretaries General"),
        ("Attorney General", "Attorneys General"),
        ("Major General", "Major Generals"),
        ("Chargé d'Affaires", "Chargés d'Affaires"),
        ("vice-chairman", "vice-chairmen"),
        ("commander-in-chief", "commanders-in-chief"),
        ("President-elect", "Presidents-elect"),
        ("memorandum of understanding", "memoranda of understanding"),
        ("crisis", "crises"),
        ("embargo", "embargoes"),
        ("MP", "MPs"),
        ("German", "Germans"),
        ("police", "police"),
        ("status", "statuses"),
        ("chief", "chiefs"),
        ("wife", "wives"),
    ],
)
def test_english_plurals(phrase, plural):
    assert english_plural(phrase) == plural
    assert english_plural_checked(phrase) == (plural, None)


@pytest.mark.parametrize(
    "phrase, plural, doubt",
    [
        ("bilateral relations", "bilateral relations", "may already be plural"),
        ("international cooperation", "international cooperation", "uncountable"),
        ("scarf", "scarfs", "-ves"),
        ("tornado", "tornados", "-es"),
    ],
)
def test_english_plurals_the_rule_doubts(phrase, plural, doubt):
    got, why = english_plural_checked(phrase)
    assert got == plural and why is not None and doubt in why


@pytest.mark.parametrize(
    "word, forms",
    [("Ulaya", ("Ulayani", "Ulayeni")), ("mkutano", ("mkutanoni",)), ("nyumbani", ()), ("ni", ())],
)
def test_locatives(word, forms):
    assert locative_forms(word) == forms


@pytest.mark.parametrize(
    "text, groups, case, expected",
    [
        (
            "The Foreign Ministry said",
            [("Ministry of Foreign Affairs", "Foreign Ministry")],
            "adaptive",
            ["Foreign Ministry"],
        ),
        (
            "Political consultations began",
            [("political consultations",)],
            "adaptive",
            ["Political consultations"],
        ),
        ("the foreign ministry said", [("Foreign Ministry",)], "adaptive", [None]),
        ("the foreign ministry said", [("Foreign Ministry",)], "insensitive", ["foreign ministry"]),
        (
            "Belgium and Belgium",
            [("Belgium",), ("Belgium",), ("Belgium",)],
            "adaptive",
            ["Belgium", "Belgium", None],
        ),
        ("Belgiums", [("Belgium",)], "adaptive", [None]),
        # the longer rendering claims its words first
        (
            "the Minister of Foreign Affairs",
            [("Minister",), ("Minister of Foreign Affairs",)],
            "adaptive",
            [None, "Minister of Foreign Affairs"],
        ),
        # the same words go to the group that prefers them: the acronym, not the long name
        (
            "Security and Cooperation (OSCE)",
            [("Organization for Security and Co-operation in Europe", "OSCE"), ("OSCE",)],
            "adaptive",
            [None, "OSCE"],
        ),
    ],
)
def test_locate_targets(text, groups, case, expected):
    hits = locate_targets(text, groups, case=case)
    assert [h[2] if h else None for h in hits] == expected


@pytest.mark.parametrize(
    ("sw", "en", "pos", "plural"),
    [
        # m-/mw- nouns naming people are class 1/2 without a pos (issue 13)
        ("Mbunge", ("member of parliament",), "", "Wabunge"),
        ("mwandishi", ("writer",), "", "waandishi"),
        ("mkurugenzi", ("director",), "noun", "wakurugenzi"),
        ("mwanahabari", ("journalist",), "", "wanahabari"),
        ("mfanyabiashara", ("businessman", "trader"), "", "wafanyabiashara"),
        # ... and things stay class 3/4
        ("mkutano", ("meeting",), "", "mikutano"),
        ("mradi", ("project",), "", "miradi"),
        ("mpaka", ("border",), "", "mipaka"),
        ("mto", ("river",), "", "mito"),
        # a listed plural or an explicit pos decides; other prefixes are left alone
        ("Mbunge", ("member of parliament",), "proper noun", None),
        ("waziri", ("minister",), "", "waziri"),
    ],
)
def test_noun_class_is_inferred_from_the_english(sw, en, pos, plural):
    term = Term(sw, en, pos=pos)
    forms = {m.surface for m in Glossary((term,)).match(f"{sw} na {plural or sw}")}
    if plural is None:
        assert forms == {sw}
    else:
        assert plural in forms or plural == sw


def test_inferred_person_takes_class_2_agreement():
    g = Glossary((Term("Mbunge", ("member of parliament",)),))
    (m,) = g.match("Wabunge wa Tanzania")
    assert m.number == "plural" and m.targets[0] == "members of parliament"
    assert g.match("Mibunge") == []


def test_locate_targets_rejects_unknown_case():
    with pytest.raises(ValueError, match="case must be one of"):
        locate_targets("x", [("x",)], case="upper")


def test_a_large_glossary_still_matches_longest_first(seed_article):
    terms = tuple(Term(f"neno{i} la {i % 97}", (f"word {i}",)) for i in range(10_000))
    g = Glossary(terms + default_glossary().terms)
    assert [m.preferred for m in g.match("neno42 la 42 na Ubelgiji")] == ["word 42", "Belgium"]
    assert len(g.match(seed_article)) == len(default_glossary().match(seed_article))


def test_locate_targets_leaves_taken_ranges_alone():
    from glossary.match import locate_targets

    text = "The SADC met the SADC."
    assert locate_targets(text, [("SADC",)]) == [(4, 8, "SADC")]
    assert locate_targets(text, [("SADC",)], taken=[(4, 8)]) == [(17, 21, "SADC")]
    assert locate_targets(text, [("SADC",)], taken=[(0, 22)]) == [None]
