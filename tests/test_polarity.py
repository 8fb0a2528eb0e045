"""Polarity: a segment is flagged when the English drops or adds a negation.

The Swahili sentences are real: MAFAND-MT dev (with its human English, which must pass, and
with the English turned around, which must be flagged) and Voice of America Swahili (with the
English the shipped model wrote for them, as reported by a newcomer).
"""

from __future__ import annotations

import pytest

from translate.polarity import polarity, polarity_flag

# (Swahili, English that agrees, English that reverses it) — MAFAND-MT dev.
NEGATION_LOST = [
    (
        "Utawala wa kimabavu Burundi lazima ujue kuwa jela haielimishi.",
        "The Burundian autocratic regime must know that prison doesn't educate.",
        "The Burundian autocratic regime must know that prison educates.",
    ),
    (
        "Hapa nina ujasiri sitakamatwa.",
        "I am confident I will not be arrested here.",
        "Here I am confident I will be arrested.",
    ),
    (
        "Tunaamini serikali ina mambo ya kutosha kuhusu sera yao ya ulinzi na idadi hii "
        "haitaendelea kuongezeka.",
        "We hope the government has enough with their security policies and this number "
        "does not continue to grow.",
        "We believe the government has enough on its security policy and this number will "
        "continue to rise.",
    ),
    (
        "Mwanae wa kiume hatatokwa na mshtuko huo wa kumuona baba yake akipigwa risasi.",
        "His son will never be over the trauma of watching his father being shot.",
        "His son will get over the shock of seeing his father shot.",
    ),
    (
        "Tuilaepa alisisitiza kuwa hayupo dhidi ya wananchi wanaotoa mawazo yao:",
        "Tuilaepa insisted that he is not against citizens expressing their views:",
        "Tuilaepa insisted that he is against citizens expressing their views:",
    ),
]

# (Swahili, English that agrees, English that invents a negation).
NEGATION_INVENTED = [
    (
        "Uongozi wa taifa lazima utukusanye kwa pamoja kwa jambo la muhimu.",
        "The management of the nation must gather us around what is essential.",
        "The national guideline should not collect us together with a crucial issue.",
    ),
    (
        "Fayulu amewaambia kwamba wakongo wanamwita askari wa watu.",
        "Fayulu has reportedly said that the Congolese call him the people's soldier.",
        "Fayulu has told you that they do not call the soldiers of the people.",
    ),
]

# Voice of America Swahili and the English the shipped model wrote (issue 25's examples).
VOA = [
    (
        "“Sina shaka kwamba tutashinda uchaguzi huu.",
        "“I have no doubt that we won't win this election.",
    ),
    (
        "Trump alitangaza kwamba chama cha Republican kimeungana na hana mpango wa kujaribu "
        "kuanzisha chama kipya wazo ambalo aliwahi kujadili na washauri wake.",
        "Trump announced that the Republican party has united and has joined an attempt to "
        "establish a new party, an idea he had discussed with his advisers.",
    ),
]

# Negative-looking words and phrases that do not negate, with a faithful English.
NO_NEGATION = [
    ("Habari za hatari zilienea usiku.", "News of the danger spread at night."),
    ("Bila shaka ataapishwa mara moja.", "He will certainly be sworn in at once."),
    ("Asilimia sitini ya wasichana walihudhuria.", "Sixty percent of the girls attended."),
    ("Kabla hajachaguliwa kuwa mbunge, alikuwa meya.", "Before she was elected, she was mayor."),
    ("Alisafiri kutoka Nairobi kwenda Haiti.", "She travelled from Nairobi to Haiti."),
    ("Jumla ya viti = 543", "Total no. of seats = 543"),
]


@pytest.mark.parametrize(("sw", "good", "bad"), NEGATION_LOST)
def test_a_lost_negation_is_flagged_and_a_kept_one_is_not(sw, good, bad):
    assert polarity_flag(sw, good) is None
    flag = polarity_flag(sw, bad)
    assert flag is not None and flag.startswith("negation lost")


@pytest.mark.parametrize(("sw", "good", "bad"), NEGATION_INVENTED)
def test_an_invented_negation_is_flagged_and_a_faithful_english_is_not(sw, good, bad):
    assert polarity_flag(sw, good) is None
    flag = polarity_flag(sw, bad)
    assert flag is not None and flag.startswith("negation invented")


@pytest.mark.parametrize(("sw", "english"), VOA)
def test_the_newcomers_reversed_sentences_are_flagged(sw, english):
    assert polarity_flag(sw, english) is not None


@pytest.mark.parametrize(("sw", "english"), NO_NEGATION)
def test_words_that_only_look_negative_raise_no_flag(sw, english):
    assert polarity_flag(sw, english) is None
    assert not polarity(sw, english).swahili


def test_a_negative_translated_by_a_negative_affix_is_not_lost():
    # "haijulikani" → "unclear": human translators carry negation into the word.
    assert polarity_flag("Haijulikani kwa nini alikimbia.", "It is unclear why he ran.") is None


def test_the_flag_names_the_swahili_negation():
    flag = polarity_flag("Hapa nina ujasiri sitakamatwa.", "Here I will be arrested.")
    assert flag is not None and "sitakamatwa" in flag


def test_empty_text_has_no_polarity():
    assert polarity_flag("", "") is None


ASSERTING = [
    # The negative infinitive and the copula are as often a negative word as a "not".
    (
        "Serikali imeweka vikwazo kama vile vyama kutokuwa na mikutano ya siasa.",
        "The government imposed restrictions such as limitations on political rallies.",
    ),
    (
        "Wenzake huona kuwa sio sawa.",
        "A colleague thought it was inappropriate.",
    ),
    # "hawana budi": they have no choice but, i.e. they must.
    (
        "Wataalamu wa afya hawana budi kuwasiliana na mashirika.",
        "Medical professionals should contact organisations.",
    ),
    # "kabla X hajazaliwa": before X was born; "atagombea au hatagombea": whether or not.
    (
        "Wimbo huu uliimbwa kwa miaka mingi kabla Malema hajazaliwa.",
        "This song was sung for many years before Malema was born.",
    ),
    (
        "Watu wataamua kama atagombea au hatagombea muhula wa tatu.",
        "The people will decide whether or not he will have a third term.",
    ),
    ("Hakuna mashaka kwamba alishinda.", "There is no doubt that he won."),
]


@pytest.mark.parametrize(("sw", "english"), ASSERTING)
def test_negative_forms_that_translators_render_without_not_raise_no_flag(sw, english):
    assert polarity_flag(sw, english) is None


def test_a_weak_swahili_negation_still_licenses_an_english_not():
    # "kutokuwa" is no longer enough to flag a lost negation, but it is a sign of one.
    assert (
        polarity_flag("Alilalamika kutokuwa na kazi.", "He complained of not having work.") is None
    )


def test_not_before_a_verb_in_un_is_a_negation():
    assert polarity_flag("Sielewi kwa nini.", "I do not understand why.") is None
    assert polarity_flag("Sielewi kwa nini.", "I understand why.") is not None


def test_si_lazima_is_a_negation_though_the_copula_alone_is_not():
    # The seed article's disclaimer, as model v6 translated it, and as a translator would.
    sw = "Nafasi zilizochukuliwa katika makala haya si lazima ziwe za Mtangazaji wa Umoja wa Ulaya."
    assert "negation lost" in polarity_flag(
        sw, "Responsed in this post must be the European Union's Breakers."
    )
    assert (
        polarity_flag(sw, "The positions taken in this article are not necessarily EU Reporter's.")
        is None
    )
    assert (
        polarity_flag("Wenzake huona kuwa sio sawa.", "A colleague thought it was inappropriate.")
        is None
    )
