"""The name check: capitalised Swahili words that must reach the English as written."""

import pytest

from translate.names import missing_names, same_name

MANGLED = [
    # (Swahili, English, the name the English lost)
    (
        "Msaada huo utasaidia wakimbizi katika kambi za Nduta, Mtendeli na Nyarugusu.",
        "The aid will help refugees in the Nduta, Mtenden and Nyarugus camps.",
        ["Mtendeli", "Nyarugusu"],
    ),
    (
        "Wafanyakazi watapewa kipaumbele, kama vile Kamau.",
        "Workers first, such as Committee.",
        ["Kamau"],
    ),
    ("Alikutana na Rais Thabo Mbeki jana.", "He met President Thabo Mbika yesterday.", ["Mbeki"]),
]


@pytest.mark.parametrize(("sw", "english", "lost"), MANGLED)
def test_a_name_the_model_mangled_is_reported(sw, english, lost):
    assert missing_names(sw, english) == lost


CARRIED = [
    # English spells the Swahili form of a name its own way.
    ("Familia nyingi nchini Yemeni zina madeni.", "Many families in Yemen are in debt."),
    ("Katiba sio Biblia au Korani.", "Constitutions are neither Bible nor Quran."),
    ("Mama Teresa alizaliwa Skopje.", "Mother Theresa was born in Skopje."),
    ("Bidhaa za China zimeenea.", "Chinese goods have spread."),
    # A word of a title, made of Swahili prefixes and a known stem.
    ("Tuzo ya Mwanahabari na Yasiyokamili ilitolewa.", "The award for journalists was given."),
    ("Wagombea wa Uraisi wameanza kampeni.", "The presidential candidates have begun campaigning."),
    # A typo of a Swahili word is no name.
    ("Viwanda vya Yiwu vimepokea mahitaji kutoka Marekeni.", "Yiwu factories got US orders."),
    # "Inspector-General" carries "Inspekta"; a handle carries the names run into it.
    ("Alimkashifu Inspekta wa jeshi.", "He defamed the Inspector-General."),
    ("Maelekezo kutoka kwa Kaguta Museveni.", "A directive from @KagutaMuseveni."),
    # A first name dropped before a surname the English keeps.
    ("Baada ya kujiuzulu kwa Rais Thabo Mbeki.", "After President Mbeki resigned."),
    # A people of a vowel-initial name.
    ("Watu wengi wa Waoromo waliuawa.", "Many Oromo people were killed."),
    # Hashtags are tags, not prose.
    ("Kabla ya safari ya #PapaFrancis kesho.", "Ahead of the Pope's journey tomorrow."),
]


@pytest.mark.parametrize(("sw", "english"), CARRIED)
def test_a_name_carried_in_another_spelling_or_a_swahili_word_is_not_reported(sw, english):
    assert missing_names(sw, english) == []


def test_an_english_spelling_must_be_one_english_writes():
    assert same_name("yemeni", "yemen")
    assert same_name("guadalupe", "guadeloupe")
    # A Swahili name cut short by the model is not an English spelling of it.
    assert not same_name("nyarugusu", "nyarugus")
    # ... unless the source writes that spelling itself ("kambi za Amrani" beside "Amran").
    assert same_name("amrani", "amran", spelled={"amran"})
    assert not same_name("kamau", "committee")
