"""Degenerate output: the detector (tables of loops and sound outputs) and the pipeline's
re-decode with repetition control, flags in records, the hook path."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.conftest import StubBackend
from translate.backend import DecodeOptions, Hypothesis
from translate.degenerate import (
    DEFAULT_CHECK,
    DegenerateCheck,
    Flag,
    Problem,
    drop_doubled_words,
    find_problems,
    flags_for,
)
from translate.hooks import HookResult, SpanOutcome
from translate.pipeline import Translator, redecode_options

SRC = "Rais alisema kuwa mazungumzo yataendelea wiki ijayo mjini Dodoma."


@pytest.mark.parametrize(
    ("source", "output", "kind", "detail"),
    [
        # The embedded model's own loops (MAFAND-MT dev, the seed article).
        (SRC, "He said that the radio radio radio station will go on.", "repetition", "'radio' 3"),
        (SRC, "U.S.S.S.S.S.S.S.S.S. A A A AMASSSS", "repetition", "'a' 3 times"),
        (SRC, "They want to develop develop developing talks next week.", "repetition", "develop"),
        (
            SRC,
            "the Revolution of the Revolution of the Revolution and more",
            "repetition",
            "3 times",
        ),
        (
            SRC,
            "Last month, mothers protest corruption and other cities and other cities in "
            "Basra and other cities in Basra and other cities",
            "repetition",
            "'and other cities' 4 times",
        ),
        # A doubled word: the stutter of about one translation in twenty.
        (SRC, "The video shows protesters in South West West in April.", "repetition", "'west'"),
        (SRC, "He sent the the members home.", "repetition", "'the' twice in a row"),
        (SRC, "The Secretary of Slovakiakiakiakia spoke.", "characters", "4 times in a row"),
        (SRC, "Commentmentmentmentmentments are closed here next week.", "characters", "ment"),
        (SRC, "The talks continue at Al-Sadrrrrpora next week in Dodoma.", "characters", "'r' 4"),
        ("Urefu wa Mstari wa Shingo", "Shingo", "too_short", "1 words for 5"),
        (
            "Rais amesema leo mjini Dodoma.",
            " ".join(f"word{k}" for k in range(20)),
            "too_long",
            "20 words for 5",
        ),
    ],
)
def test_loops_and_wild_lengths_are_found(source, output, kind, detail):
    problems = find_problems(source, output)
    assert kind in {p.kind for p in problems}
    assert any(detail in p.detail for p in problems if p.kind == kind)


@pytest.mark.parametrize(
    ("source", "output"),
    [
        (SRC, "The President said that the talks will continue next week in Dodoma."),
        ("Habari.", "Hello."),
        ("Asante sana", "Thank you very much"),
        ("", ""),
        ("2024", "2024"),
        ("Urefu wa Mstari wa Shingo", "The length of the neckline"),
        (SRC, "It cost $1,000,000 and 10000000 shillings, www.example.com says."),
        (
            "Tembelea https://example.com/aaaa/ kusoma zaidi kuhusu mazungumzo.",
            "Visit https://example.com/aaaa/ to read more about the talks.",
        ),
        # Repetition the source has is the source's, not a loop.
        ("Zzzzz, alisema, la la la la.", "Zzzzz, he said, la la la la."),
        (" ".join(["mashauriano"] * 12), " ".join(["consultations"] * 12)),
        ("Juuuuuust hivyo ndivyo.", "Juuuuuust like that."),
        ("Mr. Bush", "Mr. Bush"),  # short sources are never judged on length
    ],
)
def test_sound_outputs_are_not_flagged(source, output):
    assert find_problems(source, output) == ()


def test_check_values_are_validated_with_messages():
    with pytest.raises(ValueError, match="word_run must be at least 2"):
        DegenerateCheck(word_run=1)
    with pytest.raises(ValueError, match="min_word_ratio < max_word_ratio"):
        DegenerateCheck(min_word_ratio=4.0)
    with pytest.raises(ValueError, match="repetition_penalty must be at least 1"):
        DegenerateCheck(repetition_penalty=0.5)
    with pytest.raises(ValueError, match="kind must be one of"):
        Problem("looping", "x")
    assert DEFAULT_CHECK.signature() == "1.3/3+doubled+echoes"
    assert DegenerateCheck(redecode=False, doubled_words=False).signature() == "flag+echoes"
    assert DegenerateCheck(doubled_words=False, figure_echoes=False).signature() == "1.3/3"


def test_doubled_words_count_unless_the_source_doubles_one_or_the_check_is_off():
    assert find_problems("Alitembea pole pole.", "He walked slowly slowly.") == ()
    assert find_problems(SRC, "It cost 10 10 shillings.") == ()  # figures are not words
    assert find_problems(SRC, "It cost $114.3 million millions."), "a word and its plural"
    loose = DegenerateCheck(doubled_words=False)
    assert find_problems(SRC, "He sent the the members home.", loose) == ()
    assert find_problems(SRC, "radio radio radio", loose)  # loops are still loops


def test_flags_say_what_was_cured_and_what_persists():
    rep = Problem("repetition", "'a' 3 times in a row")
    short = Problem("too_short", "1 words for 9 source words")
    assert flags_for((rep,), (), True) == (Flag("repetition", rep.detail, True, False),)
    assert flags_for((rep,), (short,), True) == (
        Flag("repetition", rep.detail, True, False),
        Flag("too_short", short.detail, True, True),
    )
    assert flags_for((rep,), (rep,), False) == (Flag("repetition", rep.detail, False, True),)
    flag = Flag("characters", "'ki' 4 times in a row", True, False)
    assert Flag.from_dict(flag.to_dict()) == flag


def test_redecode_options_add_repetition_control_to_the_first_decode():
    first = DecodeOptions(beam=2, max_length=40)
    retry = redecode_options(first, DEFAULT_CHECK)
    assert retry == DecodeOptions(
        beam=2, max_length=40, repetition_penalty=1.3, no_repeat_ngram_size=3
    )
    assert redecode_options(retry, DEFAULT_CHECK) is None, "the same decode again is pointless"
    mine = DecodeOptions(repetition_penalty=1.5, no_repeat_ngram_size=2)
    assert redecode_options(mine, DEFAULT_CHECK) is None
    assert redecode_options(first, DegenerateCheck(redecode=False)) is None


# -- the pipeline -----------------------------------------------------------------------------


@dataclass
class LoopingBackend(StubBackend):
    """Loops on sources in ``loops`` unless decoded with a repetition penalty > 1.

    ``stubborn`` sources loop whatever the options; ``doubles`` sources come out with their
    second word written twice, whatever the options (a repetition the n-gram ban cannot stop).
    """

    loops: set[str]
    stubborn: set[str] = field(default_factory=set)
    doubles: set[str] = field(default_factory=set)
    calls: list[tuple[list[str], float, int]] = field(default_factory=list)
    max_input_tokens: int = 512

    def translate_batch(self, texts, options, prefixes=None):
        self.calls.append((list(texts), options.repetition_penalty, options.no_repeat_ngram_size))
        out = []
        for text in texts:
            looping = any(s in text for s in self.stubborn) or (
                any(s in text for s in self.loops) and options.repetition_penalty == 1.0
            )
            words = text.upper().rstrip(".").split()
            if any(s in text for s in self.doubles):
                words.insert(1, words[1])
            english = " ".join([words[0]] * 6) if looping else " ".join(words) + "."
            # A confident decode: only the degenerate flags are under test.
            out.append([Hypothesis(english, -0.3)])
        return out


DOC = "Rais amewasili leo mjini Dodoma.\n\nWaziri ameondoka jana kwenda Arusha.\n\nAsante.\n"


def test_a_loop_is_redecoded_with_repetition_control_and_the_cure_kept():
    backend = LoopingBackend(loops={"Waziri ameondoka jana kwenda Arusha."})
    doc = Translator(backend, glossary=None).translate_document(DOC)
    assert doc.text == (
        "RAIS AMEWASILI LEO MJINI DODOMA.\n\nWAZIRI AMEONDOKA JANA KWENDA ARUSHA.\n\nASANTE.\n"
    )
    first, retry = backend.calls
    assert len(first[0]) == 3 and first[1:] == (1.0, 0)
    assert retry == (["Waziri ameondoka jana kwenda Arusha."], 1.3, 3)
    flagged = doc.segments[1]
    assert flagged.redecoded and not flagged.degenerate
    assert flagged.flags == (Flag("repetition", "'waziri' 6 times in a row", True, False),)
    assert [s.flags for s in (doc.segments[0], doc.segments[2])] == [(), ()]
    record = doc.records("d")[1]
    assert record["flags"] == [
        {
            "kind": "repetition",
            "detail": "'waziri' 6 times in a row",
            "redecoded": True,
            "persists": False,
        }
    ]
    assert record["decode"]["degenerate"] == "1.3/3+doubled+echoes"
    assert "degen:1.3/3+doubled+echoes" in record["signature"]


def test_a_loop_that_persists_is_kept_and_flagged_never_silently():
    backend = LoopingBackend(loops=set(), stubborn={"Rais amewasili leo mjini Dodoma."})
    doc = Translator(backend, glossary=None).translate_document(DOC)
    seg = doc.segments[0]
    assert seg.translation == "RAIS RAIS RAIS RAIS RAIS RAIS"
    assert seg.redecoded and seg.degenerate
    assert seg.flags[0].persists and seg.flags[0].kind == "repetition"


def test_a_doubled_word_that_survives_the_redecode_is_written_once_and_said_so():
    backend = LoopingBackend(loops=set(), doubles={"Waziri ameondoka jana kwenda Arusha."})
    doc = Translator(backend, glossary=None).translate_document(DOC)
    seg = doc.segments[1]
    assert len(backend.calls) == 2, "re-decoded first"
    assert seg.translation == "WAZIRI AMEONDOKA JANA KWENDA ARUSHA."
    assert seg.redecoded and not seg.degenerate
    assert seg.flags == (
        Flag(
            "repetition",
            "'ameondoka' twice in a row; written once after the re-decode",
            True,
            False,
        ),
    )
    flag_only = Translator(backend, glossary=None, degenerate=DegenerateCheck(redecode=False))
    kept = flag_only.translate_document(DOC).segments[1]
    assert kept.translation == "WAZIRI AMEONDOKA AMEONDOKA JANA KWENDA ARUSHA."
    assert kept.degenerate, "--no-redecode only flags: the output is left as the model wrote it"


def test_drop_doubled_words_keeps_punctuation_and_repetition_the_source_has():
    assert drop_doubled_words("x", "the will will be") == "the will be"
    assert drop_doubled_words("x", "($114.3 million million, imports") == "($114.3 million, imports"
    assert drop_doubled_words("x", 'said "also also," he') == 'said "also," he'
    assert drop_doubled_words("x", "$114.3 million millions, imports") == "$114.3 million, imports"
    assert drop_doubled_words("x", "a as") == "a as", "a plural needs a word of three letters"
    assert drop_doubled_words("x", "page 5 5 of") == "page 5 5 of", "figures are not words"
    assert drop_doubled_words("sana sana", "very very good") == "very very good"
    assert drop_doubled_words("x", "the the the end") == "the the the end", "a loop stays a loop"


def test_the_check_can_flag_without_redecoding_or_be_turned_off():
    backend = LoopingBackend(loops={"Waziri ameondoka jana kwenda Arusha."})
    doc = Translator(
        backend, glossary=None, degenerate=DegenerateCheck(redecode=False)
    ).translate_document(DOC)
    assert len(backend.calls) == 1
    assert doc.segments[1].degenerate and not doc.segments[1].redecoded
    assert doc.info.signature().count("degen:flag+doubled+echoes") == 1
    backend.calls.clear()
    off = Translator(backend, glossary=None, degenerate=None).translate_document(DOC)
    assert len(backend.calls) == 1 and all(s.flags == () for s in off.segments)
    assert "degen:off" in off.info.signature() and off.records()[0]["decode"]["degenerate"] is None
    with pytest.raises(ValueError, match="DegenerateCheck or None"):
        Translator(backend, glossary=None, degenerate="yes")  # type: ignore[arg-type]


def test_pieces_of_a_long_segment_are_checked_and_redecoded_one_by_one():
    clause = "waziri ameondoka jana kwenda arusha"
    backend = LoopingBackend(loops={clause}, max_input_tokens=9)
    tr = Translator(backend, glossary=None, max_segment_tokens=8)
    doc = tr.translate_document(f"Rais amewasili leo; {clause}; asante sana.")
    (seg,) = doc.segments
    assert seg.pieces >= 2 and seg.redecoded and not seg.degenerate
    first, retry = backend.calls
    assert len(first[0]) == seg.pieces and retry[0] == [t for t in first[0] if clause in t]


@dataclass
class Hook:
    checksum: str = "hook"
    options: list[DecodeOptions] = field(default_factory=list)

    def decode(self, backend, texts, options):
        self.options.append(options)
        hyps = backend.translate_batch(list(texts), options)
        term = SpanOutcome("Rais", "Rais", 0, 4, "singular", ("President",), "model", "President")
        return [HookResult(h[0].text, (term,)) for h in hyps]


def test_the_redecode_goes_through_the_hook_with_the_repetition_options():
    backend = LoopingBackend(loops={"Waziri ameondoka jana kwenda Arusha."})
    hook = Hook()
    doc = Translator(backend, glossary=hook).translate_document(DOC)
    assert [(o.repetition_penalty, o.no_repeat_ngram_size) for o in hook.options] == [
        (1.0, 0),
        (1.3, 3),
    ]
    assert doc.segments[1].terms[0].found == "President"
    assert doc.segments[1].translation == "WAZIRI AMEONDOKA JANA KWENDA ARUSHA."


@pytest.mark.parametrize(
    ("text", "required", "expected"),
    [
        # A forced plural term after the model's singular attempt: the term is kept.
        (
            "The Minister Ministers of Foreign Affairs met Arusha.",
            "Ministers of Foreign Affairs",
            "The Ministers of Foreign Affairs met Arusha.",
        ),
        # A forced figure before the model's echo: the figure is kept, as without a range.
        ("It reached $114.3 million millions.", "$114.3 million", "It reached $114.3 million."),
        ("It reached $114.3 million millions.", None, "It reached $114.3 million."),
    ],
)
def test_a_doubled_word_never_drops_a_required_rendering(text, required, expected):
    keep = [] if required is None else [(text.find(required), text.find(required) + len(required))]
    out = drop_doubled_words("Mawaziri walikutana.", text, keep)
    assert out == expected
    assert required is None or required in out


class EchoingBackend(StubBackend):
    """Writes ``english`` for every source: a model that stutters on a figure."""

    def __init__(self, english: str) -> None:
        self.english = english

    def translate_batch(self, texts, options, prefixes=None):
        return [[Hypothesis(self.english, -0.5)] for _ in texts]


def test_a_figures_echo_is_written_once_and_said_so():
    source = "Alama hiyo ilitumiwa mara 319,200 na kuwafikia watu 42,210."
    backend = EchoingBackend("The tag was used 319,200,200 times and reached 42 42,210 people.")
    seg = Translator(backend, glossary=None).translate_document(source).segments[0]
    assert seg.translation == "The tag was used 319,200 times and reached 42,210 people."
    assert seg.flags[0] == Flag(
        "repetition",
        "figure echo written once: 319,200,200 → 319,200; 42 beside 42,210",
        False,
        False,
    )
    assert not seg.degenerate and not seg.redecoded
    assert "invented-figure" not in {f.kind for f in seg.trust_flags}
    # The decode's score no longer describes the English (a back end that scores rescores it).
    assert seg.confidence is None

    kept = (
        Translator(backend, glossary=None, degenerate=DegenerateCheck(figure_echoes=False))
        .translate_document(source)
        .segments[0]
    )
    assert kept.translation == backend.english
    assert {f.kind for f in kept.trust_flags} == {"invented-figure"}
