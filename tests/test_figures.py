"""Invented figures: every number in the English must be one the Swahili has."""

from __future__ import annotations

from decimal import Decimal

import pytest

from translate.figures import (
    drop_figure_echoes,
    english_figures,
    invented_figures,
    judged_figures,
)

SEED_SW = (
    "Kulingana na Wizara ya Mambo ya Nje ya Kazakhstan, mauzo ya biashara kati ya Kazakhstan na "
    "Ubelgiji yalifikia dola milioni 523.7 mnamo 2023 (mauzo ya nje - $ 220.7 milioni, "
    "uagizaji - $ 303 milioni), kuashiria ongezeko la 1.7% kutoka 2022 ($ 514.9 milioni)."
)
# What the shipped model wrote for it (docs/seed-translation.md, stage 7).
SEED_EN = (
    "According to the Ministry of Foreign Affairs Kazakhstan, trade turnover between Kazakhstan "
    "and Belgium reached $ 523.7 million per cent of 2023 ($23.7 million - $220.7 million, "
    "exports imports - $303 million indication of 1.7% from 2022 $514.9 million (14 million)."
)


def test_the_seed_articles_invented_figures_are_found_and_no_real_one_is():
    assert invented_figures(SEED_SW, SEED_EN) == ["23.7 million", "14 million"]


def test_every_figure_is_judged_real_or_invented_in_the_order_written():
    judged = dict(judged_figures(SEED_SW, SEED_EN))
    assert [w for w, invented in judged_figures(SEED_SW, SEED_EN) if invented] == [
        "23.7 million",
        "14 million",
    ]
    assert judged["523.7 million"] is False and judged["2023"] is False
    assert judged["514.9 million"] is False and judged["23.7 million"] is True


SUPPORTED = [
    ("Watu milioni 200 wanaishi huko.", "200 million people live there."),
    ("Watu milioni 200 wanaishi huko.", "200,000,000 people live there."),
    ("Ongezeko la asilimia 1.7 mwaka 2022.", "A 1.7% rise in 2022."),
    ("Mkutano utafanyika tarehe 29 Januari.", "The meeting is on January 29th."),
    ("Laki moja walihudhuria.", "100,000 attended."),
    ("Watoto wawili walifika.", "2 children arrived."),
    ("Alifika saa 5 asubuhi.", "He arrived at 11 am."),
    ("Kazi ilianza 1.234,5", "Work began 1,234.5"),
    ("Hakuna tarakimu hapa.", "No figures here."),
    # Swahili time spelled out: saa saba mchana is 13:00 (1 pm), saa moja asubuhi 7 am.
    ("Mkutano utafanyika leo saa saba mchana.", "The conference is today at 13:00."),
    ("Alihamishiwa Abuja saa moja asubuhi.", "He was moved to Abuja around 7:00 a.m."),
    ("Idadi ya watu milioni 200.", "Its 200-million population."),
    # A licence's version is boilerplate, not a figure.
    ("Picha na Ubalozi wa Marekani.", "Photo by the US Embassy (CC BY-SA 2.0)"),
    ("Maandamano ya #15M mjini.", "The #15M protests in the city."),
    # A range shares its scale.
    ("Inategemea bilioni 8 hadi 12 kila mwaka.", "It depends on 8 billion to 12 billion a year."),
]


@pytest.mark.parametrize(("sw", "en"), SUPPORTED)
def test_figures_the_source_has_in_any_form_are_supported(sw, en):
    assert invented_figures(sw, en) == []


INVENTED = [
    ("Watu milioni 200 wanaishi huko.", "200 200 million people live there.", ["200"]),
    ("Viti 70 vya ubunge.", "70 seats of the 210 seats.", ["210"]),
    ("Dozi milioni moja ni mwanzo tu.", "14 million doses are only the start.", ["14 million"]),
    ("Watu milioni 20 wanaishi huko.", "20 billion people live there.", ["20 billion"]),
    ("Mkutano utafanyika leo saa saba mchana.", "The conference is today at 15:00.", ["15"]),
    ("Idadi ya watu milioni 200.", "Its 300-million population.", ["300-million"]),
    # The seed article with model v3: a real figure garbled, shown whole, not as the real one.
    ("mauzo ya nje—$220.7 milioni", "exports ($220.7.7 million, $220.7 million", ["220.7.7"]),
]


@pytest.mark.parametrize(("sw", "en", "invented"), INVENTED)
def test_a_figure_the_source_lacks_is_reported_as_written(sw, en, invented):
    assert invented_figures(sw, en) == invented


def test_a_date_range_is_not_read_as_a_grouped_number():
    assert [text for _, text in english_figures("June 3-6 2008")] == ["3", "6", "2008"]


def test_english_figures_carry_their_scale():
    assert english_figures("$23.7 million and 1,500") == [
        (Decimal("2.37E+7"), "23.7 million"),
        (Decimal("1500"), "1,500"),
    ]


ECHOES = [
    # The last group written twice, with or without a scale word after it.
    ("Ilitumiwa mara 319,200.", "It was used 319,200,200 times.", "It was used 319,200 times."),
    ("Mauzo ya nje - $ 220.7 milioni.", "Exports - $220.7.7 million.", "Exports - $220.7 million."),
    # A fragment of the figure beside it, before or after.
    ("Nyumba 42,210 zilibomoka.", "42 42,210 houses collapsed.", "42,210 houses collapsed."),
    ("Mifugo 5,482 ilikufa.", "582 5,482 livestock died.", "5,482 livestock died."),
    ("Mifugo 5,482 ilikufa.", "5,482 482 livestock died.", "5,482 livestock died."),
]
NOT_ECHOES = [
    # Two real figures side by side, a year, a range cut short, a figure far from its echo.
    ("Watu 400 na 4,000.", "400 4,000 people."),
    ("Mwaka 2022 walikuwa 2,022.", "In 2022 2,022 were there."),
    ("Mei 18-22.", "May 18-2."),
    ("Nyumba 42,210 zilibomoka.", "42 houses and 42,210 collapsed."),
    ("Nyumba 42,210 zilibomoka.", "4 42,210 houses collapsed."),  # one digit: too little to tell
    ("Hakuna tarakimu.", "No 1,1 2 figure."),  # nothing real to echo
]


@pytest.mark.parametrize(("source", "english", "expected"), ECHOES)
def test_an_echo_of_a_real_figure_is_dropped(source, english, expected):
    fixed, notes = drop_figure_echoes(source, english)
    assert fixed == expected and len(notes) == 1
    assert invented_figures(source, english) and not invented_figures(source, fixed)


@pytest.mark.parametrize(("source", "english"), NOT_ECHOES)
def test_what_is_no_echo_of_a_real_figure_is_left_to_the_flag(source, english):
    assert drop_figure_echoes(source, english) == (english, [])
