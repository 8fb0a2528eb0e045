"""Segmentation: Swahili sentence rules, layouts, and the offset/rebuild contract."""

from __future__ import annotations

import random
import re
import textwrap

import pytest

from tests.conftest import DATA
from translate.segment import KINDS, LAYOUTS, Segment, rebuild, segment_document

TEST_SW_300 = DATA / "segment_lafand-test-300.sw"
LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def texts(text: str, **options) -> list[str]:
    return [s.text for s in segment_document(text, **options)]


def check_contract(text: str, segments: list[Segment]) -> None:
    """Everything ``rebuild`` and the pipeline rely on, checked independently of the code."""
    pos = 0
    for seg in segments:
        assert text[seg.start : seg.end] == seg.text
        assert seg.text and seg.text == seg.text.strip(), f"edge whitespace in {seg.text!r}"
        assert seg.start >= pos, "segments overlap or are out of order"
        assert text[pos : seg.start].strip() == "", f"non-space gap {text[pos : seg.start]!r}"
        assert seg.kind in KINDS
        pos = seg.end
    assert text[pos:].strip() == ""
    # A paragraph begins exactly where the gap holds a blank line (two or more line ends).
    for prev, seg in zip(segments, segments[1:], strict=False):
        gap = text[prev.end : seg.start]
        blank = len(LINE_BREAK.findall(gap)) >= 2
        assert seg.paragraph == prev.paragraph + blank
        assert seg.index == (0 if blank else prev.index + 1)
    if segments:
        assert (segments[0].paragraph, segments[0].index) == (0, 0)
    assert rebuild(text, segments, [s.text for s in segments]) == text


# --- Swahili sentence rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Bw. Juma alifika jana. Kisha akaondoka.", ["Bw. Juma alifika jana.", "Kisha akaondoka."]),
        ("Jana Bi. Amina alikuja. Sawa.", ["Jana Bi. Amina alikuja.", "Sawa."]),
        ("Dkt. Mwinyi ni rais. Sawa.", ["Dkt. Mwinyi ni rais.", "Sawa."]),
        ("Mhe. Spika alisema hivyo. Sawa.", ["Mhe. Spika alisema hivyo.", "Sawa."]),
        ("Prof. Lipumba alihutubia. Sawa.", ["Prof. Lipumba alihutubia.", "Sawa."]),
        ("Matunda, mboga n.k. yanauzwa. Sawa.", ["Matunda, mboga n.k. yanauzwa.", "Sawa."]),
        ("Vitu vingi k.m. vitabu vimefika. Sawa.", ["Vitu vingi k.m. vitabu vimefika.", "Sawa."]),
        ("Mkutano ulifanyika Jan. 5 mjini. Sawa.", ["Mkutano ulifanyika Jan. 5 mjini.", "Sawa."]),
        ("Alifanya kazi U.N. kwa miaka. Sawa.", ["Alifanya kazi U.N. kwa miaka.", "Sawa."]),
        ("Walilipa Sh. 5,000 jana. Sawa.", ["Walilipa Sh. 5,000 jana.", "Sawa."]),
        ("Rais J. Magufuli alifika. Sawa.", ["Rais J. Magufuli alifika.", "Sawa."]),
        ("Mch. Mtikila alihubiri. Sawa.", ["Mch. Mtikila alihubiri.", "Sawa."]),
    ],
)
def test_abbreviations_do_not_end_sentences(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize(
    "month", ["Jan", "Feb", "Mac", "Apr", "Jun", "Jul", "Ago", "Sep", "Sept", "Okt", "Nov", "Des"]
)
def test_month_abbreviation_before_a_day_stays_in_its_sentence(month):
    text = f"Kikao kilifanyika {month}. 12 mwaka jana. Kisha kikaahirishwa."
    assert texts(text) == [f"Kikao kilifanyika {month}. 12 mwaka jana.", "Kisha kikaahirishwa."]


@pytest.mark.parametrize(
    "text, expected",
    [
        # "n.k." (etc.) often closes a list and its sentence: a capital after it starts a new one.
        (
            "Walinunua matunda, mboga n.k. Kisha wakaondoka.",
            ["Walinunua matunda, mboga n.k.", "Kisha wakaondoka."],
        ),
        (
            "Walinunua matunda, mboga etc. Kisha wakaondoka.",
            ["Walinunua matunda, mboga etc.", "Kisha wakaondoka."],
        ),
        (
            "Walinunua matunda, mboga n.k. 20 zilibaki.",
            ["Walinunua matunda, mboga n.k. 20 zilibaki."],
        ),
    ],
)
def test_abbreviations_at_a_sentence_end(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Biashara ilifikia dola milioni 523.7 mnamo 2023.",
        "Mauzo ya nje - $ 220.7 milioni, uagizaji - $ 303 milioni.",
        "Ongezeko la 1.7% kutoka 2022 ($ 514.9 milioni) lilionekana.",
        "Kiasi kilikuwa $289 milioni (mauzo ya nje—$114.3 milioni, uagizaji—$174.7 milioni).",
        "Bei ilipanda kwa asilimia 3.5. Hii ni 0.5 zaidi ya mwaka jana.",
        "Walilipa TSh. 1,250.50 kwa kila lita.",
    ],
)
def test_numbers_money_and_dashes_do_not_split(text):
    segments = texts(text)
    for number in re.findall(r"\d+(?:[.,]\d+)+%?", text):
        assert any(number in s for s in segments), f"{number} was cut"
    assert len(segments) == text.count(". ") + 1 - len(re.findall(r"TSh\. ", text))


def test_lowercase_after_a_full_stop_continues_the_sentence():
    assert texts("Hii ni sentensi. hii ni mwendelezo wake. Mpya.") == [
        "Hii ni sentensi. hii ni mwendelezo wake.",
        "Mpya.",
    ]


def test_list_markers_stay_with_their_item():
    assert texts("1. Kwanza tunakula. 2. Kisha tunalala.") == [
        "1. Kwanza tunakula.",
        "2. Kisha tunalala.",
    ]


# --- quotations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # The seed article's shape: opened with a straight quote, closed with a curly one.
        (
            'Alisema hivyo (EU). "Nchi zetu zina uwezo. Tunatilia mkazo nishati,” alisema. Sawa.',
            [
                "Alisema hivyo (EU).",
                '"Nchi zetu zina uwezo. Tunatilia mkazo nishati,” alisema.',
                "Sawa.",
            ],
        ),
        (
            "Alisema: “Hatutakubali. Hii ni dhuluma. Tutapigana,” alisema Bw. Juma. Sawa.",
            ["Alisema: “Hatutakubali. Hii ni dhuluma. Tutapigana,” alisema Bw. Juma.", "Sawa."],
        ),
        ('Moja. "Mbili. Tatu," alisema. Nne.', ["Moja.", '"Mbili. Tatu," alisema.', "Nne."]),
        ('Alisema, "Moja. Mbili." Tatu.', ['Alisema, "Moja. Mbili."', "Tatu."]),
        # A quotation that ends the sentence is followed by a new one.
        ('Aliuliza, "Unakwenda wapi?" Nikajibu.', ['Aliuliza, "Unakwenda wapi?"', "Nikajibu."]),
        # A quotation that never closes does not swallow what follows.
        ('Alisema "hapana. Moja. Mbili.', ['Alisema "hapana.', "Moja.", "Mbili."]),
    ],
)
def test_quotations_stay_whole_with_their_attribution(text, expected):
    assert texts(text) == expected


def test_quotation_joining_can_be_turned_off():
    text = '"Nchi zetu zina uwezo. Tunatilia mkazo nishati,” alisema.'
    assert texts(text, max_quote_chars=0) == [
        '"Nchi zetu zina uwezo.',
        "Tunatilia mkazo nishati,” alisema.",
    ]


def test_a_very_long_quotation_is_split_into_sentences():
    body = " ".join(f"Sentensi ya {i} ni hii." for i in range(200))
    segments = texts(f'"{body}" alisema.', max_quote_chars=1000)
    assert len(segments) > 100


def test_a_stray_bracket_does_not_swallow_a_long_line():
    words = " ".join(
        f"Sentensi namba {i} inaeleza jambo fulani kwa kirefu kidogo." for i in range(300)
    )
    segments = texts("(" + words)
    assert len(segments) >= 250


# --- the seed article ---------------------------------------------------------------------------


def test_seed_article_sentences(seed_article):
    segments = segment_document(seed_article)
    check_contract(seed_article, segments)
    by_text = [s.text for s in segments]
    assert not any(t.endswith(("Bw.", "523.", "1.", "114.")) for t in by_text)
    quote = [t for t in by_text if "alisema." in t and "endelevu,”" in t]
    assert len(quote) == 1
    assert quote[0].startswith('"Nchi zetu') and "fedha. Tunatilia" in quote[0]
    assert any(t.startswith('"Ubelgiji inaiona') and t.endswith('," alisema.') for t in by_text)
    assert sum("523.7" in t for t in by_text) == 1
    assert any(
        t.endswith("(mauzo ya nje—$114.3 milioni, uagizaji—$174.7 milioni).") for t in by_text
    )


@pytest.mark.parametrize(
    "line, kind",
    [
        ("SHARE:", "boilerplate"),
        ("Imechapishwa", "boilerplate"),
        ("on", "boilerplate"),
        ("Shiriki nakala hii:", "boilerplate"),
        ("Trending", "boilerplate"),
        ("Ubelgiji", "heading"),
        (
            "Kazakhstan na Ubelgiji hufanya mashauriano ya kisiasa juu ya kupanua uhusiano wa nchi"
            " mbili",
            "heading",
        ),
    ],
)
def test_seed_article_one_line_paragraphs_are_their_own_segments(seed_article, line, kind):
    [segment] = [s for s in segment_document(seed_article) if s.text == line]
    assert segment.kind == kind


def test_seed_article_rebuilds_with_its_paragraphs(seed_article):
    segments = segment_document(seed_article)
    out = rebuild(seed_article, segments, [f"<{s.paragraph}.{s.index}>" for s in segments])
    source_paragraphs = [p for p in re.split(r"\n\s*\n", seed_article) if p.strip()]
    rebuilt_paragraphs = [p for p in re.split(r"\n\s*\n", out) if p.strip()]
    assert len(rebuilt_paragraphs) == len(source_paragraphs) == segments[-1].paragraph + 1


@pytest.mark.parametrize("layout", LAYOUTS)
def test_boilerplate_is_not_glued_to_the_next_paragraph_without_blank_lines(layout):
    text = "SHARE:\nImechapishwa\non\nNaibu Waziri alisema jambo. Kisha akaondoka.\nTrending"
    assert texts(text, layout=layout)[:3] == ["SHARE:", "Imechapishwa", "on"]
    assert texts(text, layout=layout)[-1] == "Trending"


# --- layouts: line-per-segment files and hard-wrapped prose --------------------------------------


@pytest.mark.parametrize("layout", ["auto", "lines"])
def test_line_per_segment_file_stays_line_aligned(layout):
    text = TEST_SW_300.read_text(encoding="utf-8")
    segments = segment_document(text, layout=layout)
    check_contract(text, segments)
    assert not any("\n" in s.text for s in segments)
    out = rebuild(text, segments, [f"T{i}" for i in range(len(segments))])
    assert out.count("\n") == text.count("\n") == 300
    assert len(segments) >= 300


def test_one_segment_per_line_without_sentence_splitting():
    text = TEST_SW_300.read_text(encoding="utf-8")
    segments = segment_document(text, layout="lines", split_sentences=False)
    assert [s.text for s in segments] == [line.strip() for line in text.splitlines()]


@pytest.mark.parametrize("width", [40, 60, 72, 80])
def test_hard_wrapped_article_gives_the_same_sentences(seed_article, width):
    wrapped = "\n\n".join(textwrap.fill(p, width) for p in seed_article.split("\n\n"))
    segments = segment_document(wrapped)
    check_contract(wrapped, segments)
    assert [s.model_text for s in segments] == [
        s.model_text for s in segment_document(seed_article)
    ]
    assert any("\n" in s.text for s in segments)
    # The translation of a segment that crossed line ends takes one line.
    out = rebuild(wrapped, segments, ["x" for _ in segments])
    assert out.count("\n\n") == wrapped.count("\n\n")
    assert out.count("\n") < wrapped.count("\n")


@pytest.mark.parametrize(
    "text, expected",
    [
        # Continues in lowercase after a line ending mid-sentence: joined.
        (
            "Mkutano huo ulihudhuriwa na viongozi wengi wa\nnchi za Afrika Mashariki.",
            ["Mkutano huo ulihudhuriwa na viongozi wengi wa\nnchi za Afrika Mashariki."],
        ),
        # A short line is a list item or a heading, not a wrapped line.
        ("Habari\nleo ni siku njema.", ["Habari", "leo ni siku njema."]),
        # A line ending in a full stop ends its sentence.
        (
            "Mkutano huo ulihudhuriwa na viongozi wengi.\nnchi zote zilikuja.",
            ["Mkutano huo ulihudhuriwa na viongozi wengi.", "nchi zote zilikuja."],
        ),
        # Bullets are never joined.
        (
            "Mambo muhimu tuliyoyajadili katika mkutano wa\n- bei ya mafuta",
            ["Mambo muhimu tuliyoyajadili katika mkutano wa", "- bei ya mafuta"],
        ),
    ],
)
def test_auto_layout_joins_only_wrapped_lines(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize(
    "layout, expected",
    [
        ("lines", ["Mkutano huo ulihudhuriwa na viongozi wa", "nchi nyingi."]),
        ("paragraphs", ["Mkutano huo ulihudhuriwa na viongozi wa\nnchi nyingi."]),
        ("auto", ["Mkutano huo ulihudhuriwa na viongozi wa\nnchi nyingi."]),
    ],
)
def test_layout_option(layout, expected):
    assert texts("Mkutano huo ulihudhuriwa na viongozi wa\nnchi nyingi.", layout=layout) == expected


def test_model_text_is_whitespace_normalised():
    [segment] = segment_document("  Mkutano huo ulihudhuriwa na viongozi wa\r\n\tnchi  nyingi.  ")
    assert segment.text == "Mkutano huo ulihudhuriwa na viongozi wa\r\n\tnchi  nyingi."
    assert segment.model_text == "Mkutano huo ulihudhuriwa na viongozi wa nchi nyingi."


# --- line ends, whitespace, empty input ---------------------------------------------------------


def test_windows_line_ends_segment_like_unix_ones(seed_article):
    crlf = seed_article.replace("\n", "\r\n")
    segments = segment_document(crlf)
    check_contract(crlf, segments)
    assert not any("\r" in s.text or "\n" in s.text for s in segments)
    assert [(s.text, s.paragraph, s.index, s.kind) for s in segments] == [
        (s.text, s.paragraph, s.index, s.kind) for s in segment_document(seed_article)
    ]


def test_stray_whitespace_stays_in_the_gaps():
    text = " \t Kwanza hapa.\u00a0 Pili hapa. \n \n\n\t Tatu.\u2028Nne \r\r\n"
    segments = segment_document(text)
    check_contract(text, segments)
    assert [(s.text, s.paragraph) for s in segments] == [
        ("Kwanza hapa.", 0),
        ("Pili hapa.", 0),
        ("Tatu.", 1),
        ("Nne", 1),
    ]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\r\n \t\r\n", "\u00a0\u2028\u3000"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_empty_or_blank_input_has_no_segments(text, layout):
    assert segment_document(text, layout=layout) == []
    assert rebuild(text, [], []) == text


@pytest.mark.parametrize(
    "text, kind",
    [
        ("2024", "nontext"),
        ("* * *", "nontext"),
        ("Habari za Dunia", "heading"),
        ("Habari za dunia ni nzuri.", "sentence"),
        ("SHARE:", "boilerplate"),
    ],
)
def test_kinds(text, kind):
    [segment] = segment_document(text)
    assert segment.kind == kind


# --- random texts: the contract holds whatever the input ----------------------------------------

PIECES = [
    "Bw.",
    "Dkt.",
    "n.k.",
    "Jan.",
    "U.N.",
    "523.7",
    "$",
    "1.7%",
    "—",
    " - ",
    '"',
    "“",
    "”",
    "'",
    "(",
    ")",
    "...",
    "…",
    "?",
    "!",
    ".",
    ",",
    ":",
    "alisema",
    "Kazakhstan",
    "ng'ombe",
    "habari",
    "ya",
    "na",
    "Mhe.",
    "2023",
    "🙂",
    "\u200b",
    "SHARE:",
    "on",
    "https://t.co/x",
    "A.",
    "1.",
]
SPACES = [" ", " ", " ", "  ", "\t", "\u00a0", "\n", "\r\n", "\n\n", "\r", "\n \n", "\u2028", ""]


def random_text(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(0, 120)):
        words.append(rng.choice(PIECES) if rng.random() < 0.5 else rng.choice(PIECES).upper())
        words.append(rng.choice(SPACES))
    return "".join(words)


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("layout", LAYOUTS)
def test_contract_holds_on_random_text(seed, layout):
    text = random_text(random.Random(seed))
    segments = segment_document(text, layout=layout)
    check_contract(text, segments)
    if layout == "lines":
        assert not any(LINE_BREAK.search(s.text) for s in segments)


@pytest.mark.parametrize("seed", range(10))
def test_random_line_per_segment_text_keeps_its_lines(seed):
    rng = random.Random(seed)
    lines = [" ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) for _ in range(50)]
    text = "\n".join(lines) + "\n"
    segments = segment_document(text, layout="lines")
    out = rebuild(text, segments, ["x" for _ in segments])
    assert out.count("\n") == len(lines)


# --- options and rebuild errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "options, message",
    [({"layout": "sentences"}, "auto, lines, paragraphs"), ({"max_quote_chars": -1}, "0 (off)")],
)
def test_bad_options_are_refused_with_the_choices(options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        segment_document("Habari.", **options)


def test_segment_kind_is_checked():
    with pytest.raises(ValueError, match="sentence, heading, boilerplate, nontext"):
        Segment("x", 0, 1, 0, 0, kind="title")


def test_rebuild_refuses_mismatched_outputs_and_disordered_segments():
    text = "Moja. Mbili."
    segments = segment_document(text)
    with pytest.raises(ValueError, match="2 segments but 1 outputs"):
        rebuild(text, segments, ["x"])
    with pytest.raises(ValueError, match="in order"):
        rebuild(text, segments[::-1], ["a", "b"])


@pytest.mark.parametrize(
    "unit", ["A. ", ".", '"A. ', "(", "(A. ", "Bw. ", "x. ", ".)", "“A.” ", "1. ", "a\n", "\r\n"]
)
def test_degenerate_repetitions_keep_the_contract(unit):
    # The benchmark shows these run in linear time; here they must simply come out right.
    text = unit * (20_000 // len(unit))
    check_contract(text, segment_document(text))
