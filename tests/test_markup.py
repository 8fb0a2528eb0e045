"""Markdown markup as tags around the model's text: parse, restore, tables, the pipeline.

Exact outputs come from an Echo back end (it upper-cases its input, so the text the model saw is
visible in the output); invariants are checked against back ends that reorder, drop, pad or
invent markup, since a real model does all of that.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.conftest import StubBackend
from translate.backend import Hypothesis
from translate.markup import markdown_segments, parse, phrases_to_translate, restore
from translate.pipeline import Translator
from translate.segment import segment_document


class Echo(StubBackend):
    """Upper-cases its input; ``transform`` changes that (reorder, drop, invent)."""

    max_input_tokens = 200

    def __init__(self, transform=str.upper, table=None):
        self.transform = transform
        self.table = table or {}
        self.sent: list[str] = []

    def translate_batch(self, texts, options, prefixes=None):
        self.sent.extend(texts)
        return [[Hypothesis(self.table.get(t, self.transform(t)), 0.0)] for t in texts]


def md(text: str, backend=None) -> str:
    return (
        Translator(backend or Echo(), glossary=None, degenerate=None)
        .translate_document(text, markdown=True)
        .text
    )


# -- exact outputs ----------------------------------------------------------------------------

CASES = [
    # (source, English with Echo)
    ("**Samia** amesema.", "**SAMIA** AMESEMA."),
    ("**Rais amewasili.**", "**RAIS AMEWASILI.**"),
    ("**Rais amewasili**.", "**RAIS AMEWASILI**."),
    ("Rais *amewasili* leo.", "RAIS *AMEWASILI* LEO."),
    ("Rais _amewasili_ leo.", "RAIS _AMEWASILI_ LEO."),
    ("__Muhimu__ sana.", "__MUHIMU__ SANA."),
    ("***Muhimu sana***: soma.", "***MUHIMU SANA***: SOMA."),
    ("Bei ~~ilipanda~~ ilishuka.", "BEI ~~ILIPANDA~~ ILISHUKA."),
    (
        "[Waziri Mkuu](https://example.com/waziri) amewasili.",
        "[WAZIRI MKUU](https://example.com/waziri) AMEWASILI.",
    ),
    (
        'Soma [hapa](https://x.org/a_(b) "Kichwa") leo.',
        'SOMA [HAPA](https://x.org/a_(b) "Kichwa") LEO.',
    ),
    ("Soma [ripoti][1] leo.", "SOMA [RIPOTI][1] LEO."),
    (
        "Angalia [**Samia**](https://x.y) na _Mwinyi_.",
        "ANGALIA [**SAMIA**](https://x.y) NA _MWINYI_.",
    ),
    ("Picha: ![Rais akihutubia](img/rais.png)", "PICHA: ![RAIS AKIHUTUBIA](img/rais.png)"),
    ("Picha ![](img/a.png) hapa.", "PICHA ![](img/a.png) HAPA."),
    ("Endesha `tafsiri translate` sasa.", "ENDESHA `tafsiri translate` SASA."),
    ("`tafsiri` ni zana.", "`tafsiri` NI ZANA."),
    ("Faili (`config.toml`) lipo.", "FAILI (`config.toml`) LIPO."),
    ("Tembelea https://example.com/habari_leo.", "TEMBELEA https://example.com/habari_leo."),
    ("Tembelea <https://example.com> leo.", "TEMBELEA <https://example.com> LEO."),
    ("Andika info@example.co.tz leo.", "ANDIKA info@example.co.tz LEO."),
    ("Mstari<br>mpya hapa.", "MSTARI<br>MPYA HAPA."),
    ("Bei ni \\*5 tu.", "BEI NI \\*5 TU."),
    ("2 * 3 ni sita.", "2 * 3 NI SITA."),
    ("jina_la_faili ni hili.", "JINA_LA_FAILI NI HILI."),
    ("# **Habari** za leo", "# **HABARI** ZA LEO"),
    ("- [Soma zaidi](https://x.y/z)", "- [SOMA ZAIDI](https://x.y/z)"),
    ("**Kwanza. Pili.**", "**KWANZA. PILI.**"),
    ("**2024**", "**2024**"),
    ("`code` tu", "`code` TU"),
    ("https://example.com", "https://example.com"),
]


@pytest.mark.parametrize(("source", "english"), CASES)
def test_echo_shows_what_the_model_saw_and_the_markup_comes_back(source, english):
    assert md(source + "\n") == english + "\n"


def test_the_model_never_sees_markup_urls_or_code():
    backend = Echo()
    md("\n\n".join(source for source, _ in CASES) + "\n", backend)
    for text in backend.sent:
        assert not re.search(r"\*\*|`|\]\(|https?://|<br>|~~|@example", text), text


@pytest.mark.parametrize(
    ("source", "plain", "tags", "atoms"),
    [
        ("**Samia** amesema.", "Samia amesema.", [("strong", 0, 5)], []),
        ("Tembelea https://x.com.", "Tembelea.", [], [("url", "https://x.com", 8)]),
        ("faili (`x`) ina", "faili ina", [], [("code", "(`x`)", 6)]),
        ("**Kwanza.", "Kwanza.", [], [("marker", "**", 0)]),
        ("Pili.**", "Pili.", [], [("marker", "**", 5)]),
        ("[*a* b](u)", "a b", [("link", 0, 3), ("em", 0, 1)], []),
        ("2*3 na 4 * 5", "2*3 na 4 * 5", [], []),
    ],
)
def test_parse_gives_plain_text_tags_and_atoms(source, plain, tags, atoms):
    m = parse(source)
    assert m.plain == plain
    assert [(t.kind, t.start, t.end) for t in m.tags] == tags
    assert [(a.kind, a.text, a.pos) for a in m.atoms] == atoms


# -- where tags go when the words change ------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "english", "phrases", "expected"),
    [
        # A name passes through: found where it is.
        ("Rais **Samia** amesema.", "President Samia said.", {}, "President **Samia** said."),
        # The link text is translated on its own and found in the sentence.
        (
            "Soma [Waziri Mkuu](https://e.x/w) leo.",
            "Read the prime minister today.",
            {"Waziri Mkuu": "Prime Minister."},
            "Read the [prime minister](https://e.x/w) today.",
        ),
        # Part of the phrase's English is all the sentence has.
        (
            "Mkutano wa **Umoja wa Ulaya** ulifanyika.",
            "The European Summit took place.",
            {"Umoja wa Ulaya": "European Union"},
            "The **European** Summit took place.",
        ),
        # Nothing to go by: word position.
        (
            "Endesha `tafsiri translate` kwenye faili.",
            "Run on the file.",
            {},
            "Run `tafsiri translate` on the file.",
        ),
        # Sentence-initial tags start the English; a final one ends before the full stop.
        ("**Rais** amewasili leo.", "Today the head arrived.", {}, "**Today** the head arrived."),
        ("Tembelea https://x.com.", "Visit us.", {}, "Visit us https://x.com."),
        ("[Soma zaidi](https://x.y)", "Read more.", {}, "[Read more](https://x.y)."),
    ],
)
def test_tags_are_placed_by_the_words_then_by_position(source, english, phrases, expected):
    assert restore(parse(source), english, phrases) == expected


def test_only_phrases_whose_words_are_missing_are_translated_again():
    m = parse("**Samia** na [Waziri Mkuu](u) na **Rais wa Tanzania.**")
    assert phrases_to_translate(m, "Samia and the Prime Minister and the President") == [
        "Waziri Mkuu",
        "Rais wa Tanzania.",
    ]
    assert phrases_to_translate(parse("**Rais amewasili.**"), "The President arrived.") == []


def test_the_pipeline_translates_missing_phrases_once_and_places_their_tags():
    backend = Echo(
        table={
            "Soma ripoti ya Waziri Mkuu leo.": "Read the report of the Prime Minister today.",
            "Waziri Mkuu": "Prime Minister",
        }
    )
    text = "Soma ripoti ya [Waziri Mkuu](https://example.com/waziri) leo.\n"
    assert md(text, backend) == (
        "Read the report of the [Prime Minister](https://example.com/waziri) today.\n"
    )
    assert backend.sent == ["Soma ripoti ya Waziri Mkuu leo.", "Waziri Mkuu"]


# -- invariants against a misbehaving model ---------------------------------------------------


def _reverse(text: str) -> str:
    return " ".join(reversed(text.split()))


def _drop(text: str) -> str:
    return text.split()[0] if text.split() else ""


def _pad(text: str) -> str:
    return "In short, " + text + " and so on and so forth"


def _invent(text: str) -> str:
    return "*" + text.replace(" ", " _ ", 1) + " `x"


def _empty(text: str) -> str:
    return ""


# Literal "*" and "_" are text: the model may drop them; they are not tags.
LITERAL = {"2 * 3 ni sita.", "jina_la_faili ni hili."}
DOCUMENT = (
    "\n\n".join(source for source, _ in CASES if source not in LITERAL)
    + "\n\n"
    + (
        "| Jina | Cheo |\n|:---|---:|\n| **Samia** | Rais wa [Tanzania](https://tz.go.tz) |\n"
        "| `x|y` | 2024 |\n\n[1]: https://example.com/ref\n\n```\n**si** [kiungo](u)\n```\n"
    )
)
_URL_OR_CODE = re.compile(r"`[^`]+`|\]\([^)]*\)|<[^>]+>|https?://[^\s)]*[^\s).,]|\w+@[\w.]+\w")


def _tags(text: str) -> Counter:
    unescaped = re.sub(r"\\.", "", text)
    return Counter(
        {
            "**": len(re.findall(r"\*\*", unescaped)),
            "*": unescaped.count("*"),
            "_": len(re.findall(r"(?<!\w)_|_(?!\w)", unescaped)),
            "~~": unescaped.count("~~"),
            "`": unescaped.count("`"),
            "[": unescaped.count("["),
            "](": unescaped.count("]("),
            "<": unescaped.count("<"),
            "|": unescaped.count("|"),
            "#": unescaped.count("#"),
        }
    )


@pytest.mark.parametrize("transform", [str.upper, _reverse, _drop, _pad, _invent, _empty])
def test_no_tag_is_lost_or_doubled_and_urls_and_code_are_byte_identical(transform):
    english = md(DOCUMENT, Echo(transform))
    tags_in, tags_out = _tags(DOCUMENT), _tags(english)
    if transform is _empty:  # "*" "*" around no English reads as one "**"; "*" still counts
        del tags_in["**"], tags_out["**"]
    assert tags_out == tags_in
    unescaped = re.sub(r"\\.", "", english)
    assert sorted(_URL_OR_CODE.findall(unescaped)) == sorted(_URL_OR_CODE.findall(DOCUMENT))
    assert english.count("\n") == DOCUMENT.count("\n")
    assert "|:---|---:|" in english and "[1]: https://example.com/ref" in english
    assert "```\n**si** [kiungo](u)\n```\n" in english


@pytest.mark.parametrize("transform", [str.upper, _reverse, _pad, _empty])
def test_nothing_outside_the_translated_segments_changes(transform):
    doc = Translator(Echo(transform), glossary=None, degenerate=None).translate_document(
        DOCUMENT, markdown=True
    )
    pos = 0
    english: list[str] = []
    for seg in doc.segments:
        english.append(DOCUMENT[pos : seg.start])
        english.append(seg.translation)
        pos = seg.end
    english.append(DOCUMENT[pos:])
    assert "".join(english) == doc.text
    assert [line.startswith("|") for line in doc.text.splitlines()] == [
        line.startswith("|") for line in DOCUMENT.splitlines()
    ]


# -- tables and blocks ------------------------------------------------------------------------


def test_table_cells_are_units_and_pipes_and_alignment_row_stay():
    text = "| Nchi | Mji mkuu |\n|---|:---:|\n| Ubelgiji. Ni nchi. | Brussels |\n"
    segments = markdown_segments(text, segment_document(text))
    assert [s.text for s in segments] == ["Nchi", "Mji mkuu", "Ubelgiji. Ni nchi.", "Brussels"]
    assert [s.index for s in segments] == [0, 1, 2, 3]
    assert all(text[s.start : s.end] == s.text for s in segments)
    assert md(text) == "| NCHI | MJI MKUU |\n|---|:---:|\n| UBELGIJI. NI NCHI. | BRUSSELS |\n"


@pytest.mark.parametrize(
    "text", ["Rais | Waziri ni cheo.\n\nHabari.\n", "Rais | Waziri ni cheo.\n---\nHabari.\n"]
)
def test_a_pipe_in_prose_is_not_a_table(text):
    texts = [s.text for s in markdown_segments(text, segment_document(text))]
    assert texts[0] == "Rais | Waziri ni cheo." and texts[-1] == "Habari."


def test_an_empty_translation_keeps_every_tag():
    assert restore(parse("Rais *amewasili* [leo](https://x.y) `x`."), "") == "**[](https://x.y) `x`"


def test_plain_text_mode_leaves_markup_alone():
    backend = Echo()
    doc = Translator(backend, glossary=None, degenerate=None).translate_document(
        "**Samia** amesema.\n"
    )
    assert doc.text == "**SAMIA** AMESEMA.\n" and backend.sent == ["**Samia** amesema."]
