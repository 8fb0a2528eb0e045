"""Meaning-level flags: every reversed or invented case is flagged, on every output.

The Swahili of the newcomer's table is real Voice of America text
(``../shared/data/news-sw/``); the English is what the shipped model wrote for it, as reported.
"""

from __future__ import annotations

import json

import pytest
from conftest import StubBackend
from typer.testing import CliRunner

from translate.backend import DecodeOptions, Hypothesis
from translate.cli import app
from translate.hooks import HookResult
from translate.pipeline import MARKS, Translator
from translate.records import parse_record
from translate.trust import TrustCheck, trust_flags
from translate.unsupported import omitted_words, strong_words, unsupported_words

# (Swahili, the model's English, the flag kind that must be raised)
NEWCOMER = [
    (
        "“Sina shaka kwamba tutashinda uchaguzi huu.",
        "“I have no doubt that we won't win this election.",
        "polarity",
    ),
    (
        "Trump alitangaza kwamba chama cha Republican kimeungana na hana mpango wa kujaribu "
        "kuanzisha chama kipya.",
        "Trump announced that the Republican party has united and has joined an attempt to "
        "establish a new party.",
        "polarity",
    ),
    (
        "Mwakilishi wa SPLA-IO Maj Gen Martin Abucha, amekashifu tukio hilo na kuomba msamaha.",
        "SPLA-IO representative Maj Gen Martin Abucha has commended the event and apologised.",
        "unsupported",
    ),
    (
        "Rais Donald Trump alimteua Michael Pack zaidi ya miaka miwili iliyopita kua mkurugenzi "
        "mtendaji wa USAGM.",
        "President Donald Trump killed Michael Pack more than two years ago as executive "
        "director of USAGM.",
        "unsupported",
    ),
    (
        "Wakati huo huo ripoti zinasema kuwa mazungumzo kati ya Ethiopia, Sudan na Misri "
        "kuhusiana na bwawa kubwa la uzalishaji umeme la Ethiopia yamekwama.",
        "Meanwhile, reports say talks between Ethiopia, Sudan and Egypt on Ethiopia's big "
        "power dam have been raped.",
        "unsupported",
    ),
    (
        "Jeshi la Ethiopia limesema Jumapili kuwa limeuwa wanachama 15 kutoka chama cha Tigray "
        "People’s Liberation Front, TPLF.",
        "The Ethiopian army said on Sunday that it had 15 members from the Tigray People’s "
        "Liberation Front, TPLF.",
        "omission",
    ),
    (
        "Kenya inakadiriwa kuwa na watu milioni 50 kwa hivyo dozi milioni moja ni mwanzo tu.",
        "Kenya is estimated to have 50 million people so one million dollars is just the "
        "beginning.",
        "unsupported",
    ),
    (
        "Msaada huo utasaidia chakula kwa wakimbizi waliopo katika kambi za Nduta, Mtendeli na "
        "Nyarugusu Kaskazini Magharibi mwa Tanzania.",
        "The aid will help food for refugees in the Nduta, Mtenden and Nyarugus camps in "
        "northwestern Tanzania.",
        "name",
    ),
    (
        "Takribani wafanyakazi wa afya laki nne watapewa kipaumbele, kama vile Kamau.",
        "About 400,000 health workers will be given priority, such as Committee.",
        "name",
    ),
]


@pytest.mark.parametrize(("sw", "english", "kind"), NEWCOMER)
def test_every_reversed_or_invented_case_of_the_newcomer_is_flagged(sw, english, kind):
    kinds = {f.kind for f in trust_flags(sw, english)}
    assert kind in kinds


FAITHFUL = [
    (
        "Rais Donald Trump alimteua Michael Pack kuwa mkurugenzi mtendaji wa USAGM.",
        "President Donald Trump appointed Michael Pack executive director of USAGM.",
    ),
    (
        "Jeshi la Ethiopia limesema kuwa limeuwa wanachama 15 wa TPLF.",
        "The Ethiopian army said it had killed 15 TPLF members.",
    ),
    ("Polisi walimkamata mwandishi wa habari.", "Police arrested the journalist."),
    ("Mwakilishi huyo amekashifu tukio hilo.", "The representative condemned the incident."),
    ("Alilipwa dola milioni 2.", "He was paid $2 million."),
    # A kindred family supports: "vizuizini" (in detention) rendered "in prison".
    ("Mansoor bado yuko vizuizini.", "Mansoor is still in prison."),
    # Idioms: a heart attack is no attack.
    ("Dhlakama alifariki kutokana na mshtuko wa moyo.", "Dhlakama died following a heart attack."),
]


@pytest.mark.parametrize(("sw", "english"), FAITHFUL)
def test_a_faithful_translation_raises_no_meaning_flag(sw, english):
    assert trust_flags(sw, english) == ()


def test_voice_of_america_is_a_glossary_term_not_global_voices():
    # "Sauti ya Amerika" → "Global Voices" was a name no flag could catch (both words
    # translate); the shipped glossary now enforces it.
    from glossary import default_glossary

    assert any(t.sw == "Sauti ya Amerika" for t in default_glossary().terms)


def test_unsupported_and_omitted_words_are_reported_as_written():
    assert unsupported_words("Alimteua waziri.", "He killed the minister.") == ["killed"]
    assert omitted_words("Jeshi limeuwa wanachama 15.", "The army had 15 members.") == ["limeuwa"]
    # "upasuaji" (surgery) ends like "mauaji" but reports no killing.
    assert omitted_words("Alifanyiwa upasuaji.", "He had an operation.") == []


def test_strong_words_are_every_high_stakes_word_flagged_or_not():
    english = "He was arrested after the attack, which left no heart attack victims."
    written = [w for _, w in strong_words(english)]
    assert "arrested" in written and "attack" in written
    # An idiom says nothing of its family: one "attack" only.
    assert written.count("attack") == 1
    # The source supports the arrest, not the attack: only the attack is unsupported.
    assert unsupported_words("Alikamatwa jana.", english) == ["attack"]


def test_low_confidence_is_flagged_below_the_threshold_only():
    check = TrustCheck(low_confidence=-1.0)
    assert [f.kind for f in trust_flags("Habari.", "News.", -1.5, check=check)] == [
        "low-confidence"
    ]
    assert trust_flags("Habari.", "News.", -0.5, check=check) == ()
    assert trust_flags("Habari.", "News.", None, check=check) == ()


def test_checks_can_be_turned_off_one_by_one():
    sw, en = NEWCOMER[3][0], NEWCOMER[3][1]
    assert trust_flags(sw, en, check=TrustCheck(unsupported=False)) == ()


class _Echo(StubBackend):
    """Writes a fixed English for every input with a decode score; a scoring pass (teacher
    forcing) gives ``rescored`` and is logged."""

    def __init__(self, english: str, score: float, rescored: float = -9.0) -> None:
        self.english, self.score, self.rescored = english, score, rescored
        self.scored: list[str] = []

    def translate_batch(self, texts, options, prefixes=None):
        return [[Hypothesis(self.english, self.score)] * options.nbest for _ in texts]

    def score_batch(self, sources, translations):
        self.scored.extend(translations)
        return [self.rescored for _ in sources]


class _Rewrite:
    """A decoder hook that changes the model's English (as a forced term does)."""

    checksum = "rewrite"

    def decode(self, backend, texts, options):
        hyps = backend.translate_batch(list(texts), options)
        return [HookResult(h[0].text.replace("minister", "Minister"), ()) for h in hyps]


def test_english_kept_as_decoded_takes_the_decode_score_without_a_scoring_pass():
    backend = _Echo("He met the minister.", -0.4)
    (record,) = (
        Translator(backend, glossary=None).translate_document("Alikutana na waziri.").segments
    )
    assert record.confidence == -0.4
    assert backend.scored == []


def test_english_changed_after_the_decode_is_scored_as_kept():
    backend = _Echo("He met the minister.", -0.4, rescored=-0.7)
    tr = Translator(backend, glossary=_Rewrite())
    (record,) = tr.translate_document("Alikutana na waziri.").segments
    assert backend.scored == ["He met the Minister."]
    assert record.confidence == -0.7


@pytest.mark.parametrize("options", [{"length_penalty": 0.6}, {"repetition_penalty": 1.2}])
def test_a_search_that_did_not_rank_by_mean_log_probability_is_scored_again(options):
    backend = _Echo("He met the minister.", -0.4, rescored=-0.7)
    tr = Translator(backend, glossary=None, options=DecodeOptions(**options))
    (record,) = tr.translate_document("Alikutana na waziri.").segments
    assert backend.scored == ["He met the minister."]
    assert record.confidence == -0.7


def test_records_carry_the_flags_and_the_confidence():
    tr = Translator(_Echo("He killed the minister.", -2.0), glossary=None)
    doc = tr.translate_document("Alimteua waziri.")
    (record,) = doc.segments
    assert {f.kind for f in record.trust_flags} == {"unsupported", "low-confidence"}
    assert record.confidence == -2.0
    assert not record.degenerate
    stored = parse_record(doc.records("d")[0])
    assert stored.segment.flags == record.flags
    assert stored.segment.confidence == -2.0


def test_trust_none_neither_scores_nor_flags():
    tr = Translator(_Echo("He killed the minister.", -2.0), glossary=None, trust=None)
    (record,) = tr.translate_document("Alimteua waziri.").segments
    assert record.trust_flags == () and record.confidence is None


class _Table(StubBackend):
    """Writes the English a table gives for each source."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def translate_batch(self, texts, options, prefixes=None):
        return [[Hypothesis(self.table[t], -0.1)] * options.nbest for t in texts]


def test_mark_brackets_flagged_segments_only():
    tr = Translator(
        _Table({"Alimteua waziri.": "He killed the minister.", "Habari.": "News."}),
        glossary=None,
    )
    text = "Alimteua waziri.\n\nHabari."
    marked = tr.translate_document(text, mark=True).text
    assert marked == f"{MARKS[0]}He killed the minister.{MARKS[1]}\n\nNews."
    assert tr.translate_document(text).text == "He killed the minister.\n\nNews."


def test_the_summary_line_counts_segments_per_flag_kind(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(NEWCOMER[3][0] + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["translate", str(src), "-o", str(out), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "a.jsonl").read_text().splitlines()]
    kinds = {f["kind"] for r in records for f in r["flags"]}
    counted = result.output.split("; flags: ")[1] if "; flags: " in result.output else ""
    for kind in kinds:
        assert kind in counted
    assert all(isinstance(r["confidence"], float) for r in records)


def test_mark_is_refused_for_jsonl(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Habari.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["translate", str(src), "--format", "jsonl", "--mark"])
    assert result.exit_code != 0
    assert "--mark" in result.output


def test_kindred_families_support_each_other_but_a_death_is_no_killing():
    assert unsupported_words("Mansoor yuko mahabusu.", "Mansoor is in jail.") == []
    assert unsupported_words("Alifariki jana.", "He was killed yesterday.") == ["killed"]
