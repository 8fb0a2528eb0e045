"""Glossary enforcement: model → n-best → forced prefix → failed; ambiguity never forced."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest

from glossary import Glossary, Term, default_glossary
from tests.conftest import StubBackend, WrappedBackend
from translate.backend import DecodeOptions, Hypothesis
from translate.constraints import STATUSES, enforce, summarize
from translate.hooks import SpanOutcome

OPTS = DecodeOptions(beam=4, nbest=1)


@dataclass
class FakeBackend(StubBackend):
    """Scripted n-best lists; a forced prefix is kept and followed by ``tail``."""

    nbest: dict[str, list[str]]
    tail: str = "and the talks went on."
    keep_prefix: bool = True
    calls: list[tuple[list[str], int, list | None]] = field(default_factory=list)
    max_input_tokens: int = 512

    def translate_batch(self, texts, options, prefixes=None):
        self.calls.append((list(texts), options.nbest, prefixes, options.beam))
        out = []
        for i, text in enumerate(texts):
            if prefixes and prefixes[i]:
                head = prefixes[i] if self.keep_prefix else "something else"
                out.append([Hypothesis(f"{head} {self.tail}", -1.0)])
                continue
            hyps = self.nbest.get(text, ["(no translation)"])
            out.append([Hypothesis(h, -float(k)) for k, h in enumerate(hyps[: options.nbest])])
        return out


G = Glossary(
    (
        Term("Wizara ya Mambo ya Nje", ("Ministry of Foreign Affairs", "Foreign Ministry")),
        Term("Ubelgiji", ("Belgium",), pos="proper noun"),
        Term("mashauriano ya kisiasa", ("political consultations",)),
        Term("Balozi", ("ambassador",), ("Mabalozi",), ("ambassadors",), pos="title"),
        Term("Ubalozi", ("embassy",), ("Balozi",), ("embassies",)),
        Term("mkutano", ("meeting",), ("mikutano",), ("meetings",)),
    )
)


def statuses(result):
    return [t.status for t in result.outcomes]


def test_term_already_there_is_model_and_decoded_once():
    src = "Wizara ya Mambo ya Nje ya Ubelgiji ilisema."
    fake = FakeBackend({src: ["The Ministry of Foreign Affairs of Belgium said."]})
    (r,) = enforce(fake, [src], OPTS, G)
    assert r.text == "The Ministry of Foreign Affairs of Belgium said."
    assert statuses(r) == ["model", "model"]
    # One decode; a text with terms asks for the whole beam up front (same beam search).
    assert len(fake.calls) == 1 and fake.calls[0][1] == OPTS.beam


def test_compliant_nbest_hypothesis_is_taken():
    src = "Wizara ya Mambo ya Nje ilisema."
    fake = FakeBackend(
        {src: ["The ministry said.", "The State Department said.", "The Foreign Ministry said."]}
    )
    (r,) = enforce(fake, [src], OPTS, G)
    assert r.text == "The Foreign Ministry said."
    assert statuses(r) == ["nbest"]
    assert [c[1] for c in fake.calls] == [OPTS.beam]  # the n-best list of the one decode


def test_missing_term_is_forced_where_it_belongs_not_appended():
    src = "Tunatarajia mashauriano ya kisiasa mjini Brussels wiki ijayo."
    fake = FakeBackend({src: ["We expect the political talks in Brussels next week."] * 4})
    (r,) = enforce(fake, [src], OPTS, G)
    assert statuses(r) == ["forced"]
    assert "political consultations" in r.text
    prefix = fake.calls[-1][2][0]
    assert prefix.startswith("We ") and prefix.endswith("political consultations")
    # the model continued after the term
    assert r.text.endswith("and the talks went on.")


def test_the_models_echo_of_a_forced_term_is_dropped():
    # Forced to write the term, the model goes on with the end of its own attempt.
    src = "Tunatarajia mashauriano ya kisiasa mjini Brussels wiki ijayo."
    fake = FakeBackend(
        {src: ["We expect the political talks in Brussels next week."] * 4},
        tail="consultations in Brussels next week.",
    )
    (r,) = enforce(fake, [src], OPTS, G)
    assert statuses(r) == ["forced"]
    assert r.text.endswith("political consultations in Brussels next week.")


def test_a_partial_attempt_before_the_term_gives_way_to_it():
    # The model wrote "the director" where the glossary wants "director general": the term
    # takes the partial attempt's place instead of following it ("director Director General").
    g = Glossary((Term("Mkurugenzi Mkuu", ("director general",), pos="title"),))
    src = "Hotuba iliyosikika jana ilikuwa ya mkurugenzi mkuu."
    fake = FakeBackend({src: ["Speech of the director was heard."] * 4})
    (r,) = enforce(fake, [src], OPTS, g)
    assert statuses(r) == ["forced"]
    assert fake.calls[-1][2] == ["Speech of the director general"]


def test_several_missing_terms_are_forced_left_to_right():
    src = "Ubelgiji na Wizara ya Mambo ya Nje walifanya mashauriano ya kisiasa jana."
    fake = FakeBackend({src: ["They held talks yesterday."] * 4})
    (r,) = enforce(fake, [src], OPTS, G)
    assert statuses(r) == ["forced", "forced", "forced"]
    for en in ("Belgium", "Ministry of Foreign Affairs", "political consultations"):
        assert en in r.text
    assert (
        r.text.index("Belgium") < r.text.index("Ministry") < r.text.index("political consultations")
    )


def test_sentence_initial_term_is_capitalised_proper_nouns_keep_case():
    src = "mashauriano ya kisiasa yalianza."
    fake = FakeBackend({src: ["Talks began."] * 4})
    (r,) = enforce(fake, [src], OPTS, G)
    assert r.text.startswith("Political consultations")
    assert r.outcomes[0].status == "forced"


def test_plural_source_forces_plural_target():
    src = "mikutano ilifanyika."
    fake = FakeBackend({src: ["Gatherings took place."] * 4})
    (r,) = enforce(fake, [src], OPTS, G)
    assert r.outcomes[0].number == "plural"
    assert r.text.startswith("Meetings")


@pytest.mark.parametrize(
    "src, model, forced",
    [
        # the sentence: no en_plural listed, the English plural by rule
        (
            "Mawaziri wa Mambo ya Nje walikutana Arusha.",
            "The Minister of Foreign Affairs met Arusha.",
            "Ministers of Foreign Affairs",
        ),
        (
            "Makatibu Wakuu wa Umoja wa Mataifa walikutana.",
            "The Secretary-General of the United Nations met.",
            "Secretaries-General of the United Nations",
        ),
    ],
)
def test_plural_source_without_en_plural_gets_the_rule_plural(src, model, forced):
    glossary = Glossary(
        (
            Term("Waziri wa Mambo ya Nje", ("Minister of Foreign Affairs",), pos="title"),
            Term(
                "Katibu Mkuu wa Umoja wa Mataifa",
                ("Secretary-General of the United Nations",),
                pos="title",
            ),
        )
    )
    fake = FakeBackend({src: [model] * 4})
    (r,) = enforce(fake, [src], OPTS, glossary)
    assert [(o.number, o.status) for o in r.outcomes] == [("plural", "forced")]
    assert r.text.startswith(forced), r.text


def test_forcing_that_does_not_survive_is_flagged_failed():
    src = "Ubelgiji ilikubali."
    fake = FakeBackend({src: ["It agreed."] * 4}, keep_prefix=False)
    (r,) = enforce(fake, [src], OPTS, G)
    assert statuses(r) == ["failed"]
    assert r.outcomes[0].reason and r.outcomes[0].found is None


def test_ambiguous_term_accepts_any_reading_and_is_never_forced():
    src = "Balozi alisema."
    ok = FakeBackend({src: ["The embassies said."]})
    assert statuses(enforce(ok, [src], OPTS, G)[0]) == ["model"]
    missing = FakeBackend({src: ["The envoy said."] * 4})
    (r,) = enforce(missing, [src], OPTS, G)
    assert statuses(r) == ["ambiguous"]
    assert "Ubalozi" in r.outcomes[0].reason
    assert r.text == "The envoy said."
    assert all(c[2] is None for c in missing.calls)


def test_texts_without_terms_are_identical_and_not_redecoded():
    plain = ["Habari za asubuhi.", "Mvua ilinyesha jana."]
    src = [plain[0], "Ubelgiji ilikubali.", plain[1]]
    fake = FakeBackend(
        {
            plain[0]: ["Good morning."],
            plain[1]: ["It rained yesterday."],
            src[1]: ["It agreed."] * 4,
        }
    )
    results = enforce(fake, src, OPTS, G)
    assert [results[0].text, results[2].text] == ["Good morning.", "It rained yesterday."]
    assert results[0].outcomes == () and results[2].outcomes == ()
    # Texts without terms: one call with the caller's options exactly, never decoded again.
    assert fake.calls[0] == (plain, OPTS.nbest, None, OPTS.beam)
    assert all(plain[0] not in c[0] and plain[1] not in c[0] for c in fake.calls[1:])


def test_empty_input():
    assert enforce(FakeBackend({}), [], OPTS, G) == []


def test_greedy_options_skip_nbest():
    src = "Ubelgiji ilikubali."
    fake = FakeBackend({src: ["It agreed."]})
    (r,) = enforce(fake, [src], DecodeOptions(beam=1, nbest=1), G)
    assert statuses(r) == ["forced"]
    assert [c[1] for c in fake.calls] == [1, 1]


def test_outcome_dict_and_summary():
    src = "Ubelgiji na Balozi."
    (r,) = enforce(FakeBackend({src: ["Belgium and someone."]}), [src], OPTS, G)
    d = r.outcomes[0].to_dict()
    assert d["status"] in STATUSES and d["expected"] == ["Belgium"] and d["found"] == "Belgium"
    assert summarize([r]) == {
        "found": 2,
        "model": 1,
        "nbest": 0,
        "forced": 0,
        "failed": 0,
        "ambiguous": 1,
    }


def test_outcome_validates_status():
    with pytest.raises(ValueError, match="status must be one of"):
        SpanOutcome("x", "x", 0, 1, "singular", ("x",), "guessed")


def test_tiny_model_puts_every_matched_term_in_the_output(tiny_model_dir, seed_article):
    from translate.marian import MarianBackend
    from translate.segment import segment_document

    backend = MarianBackend(tiny_model_dir, device="cpu")
    glossary = default_glossary()
    sentences = [s.text for s in segment_document(seed_article) if glossary.match(s.text)][:5]
    assert sentences
    options = DecodeOptions(beam=2, nbest=1, max_length=32)
    results = enforce(backend, sentences, options, glossary)
    assert len(results) == len(sentences)
    for sentence, result in zip(sentences, results, strict=True):
        assert len(result.outcomes) == len(glossary.match(sentence))
        for term in result.outcomes:
            if term.status == "ambiguous":
                continue
            assert term.status in {"model", "nbest", "forced"}, (sentence, result.text, term)
            assert term.found is not None


def test_generic_title_before_a_name_is_written_as_a_title():
    g = Glossary((Term("Rais", ("president",), ("Marais",), ("presidents",), pos="title"),))
    src = "Jana Rais Samia alisema."
    fake = FakeBackend({src: ["Yesterday, Samia said."] * 4})
    (r,) = enforce(fake, [src], OPTS, g)
    assert r.text.startswith("Yesterday, President ")
    assert r.outcomes[0].found == "President"


FIVE = Glossary(
    tuple(
        Term(sw, (en,), pos="proper noun")
        for sw, en in (
            ("Ubelgiji", "Belgium"),
            ("Ujerumani", "Germany"),
            ("Ufaransa", "France"),
            ("Uingereza", "Britain"),
            ("Urusi", "Russia"),
        )
    )
)
FIVE_SRC = "Ubelgiji, Ujerumani, Ufaransa, Uingereza na Urusi zilikutana jana mjini."


def test_rounds_are_capped_and_the_last_round_forces_the_rest_at_once():
    from translate.constraints import MAX_FORCED_ROUNDS

    fake = FakeBackend({FIVE_SRC: ["They met in the city yesterday."] * 4}, tail="met.")
    (r,) = enforce(fake, [FIVE_SRC], OPTS, FIVE)
    assert statuses(r) == ["forced"] * 5
    assert len(fake.calls) == 1 + MAX_FORCED_ROUNDS
    order = [r.text.index(c) for c in ("Belgium", "Germany", "France", "Britain", "Russia")]
    assert order == sorted(order)
    assert r.text.endswith("met.")


@pytest.mark.parametrize(("rounds", "calls"), [(1, 2), (2, 2), (3, 4), (5, 6)])
def test_max_rounds_bounds_the_calls(rounds, calls):
    # Five missing terms: one per round while the rounds left can take them two at a time,
    # else all at once (two rounds for five terms: all at once in the first).
    fake = FakeBackend({FIVE_SRC: ["They met."] * 4}, tail="met.")
    (r,) = enforce(fake, [FIVE_SRC], OPTS, FIVE, max_rounds=rounds)
    assert len(fake.calls) == calls <= 1 + rounds
    assert statuses(r) == ["forced"] * 5


@pytest.mark.parametrize(("forced_beam", "beam"), [(1, 1), (None, OPTS.beam), (9, OPTS.beam)])
def test_forced_continuations_use_the_forced_beam(forced_beam, beam):
    fake = FakeBackend({FIVE_SRC: ["They met."] * 4}, tail="met.")
    enforce(fake, [FIVE_SRC], OPTS, FIVE, forced_beam=forced_beam)
    assert [c[3] for c in fake.calls] == [OPTS.beam] + [beam] * 3
    with pytest.raises(ValueError, match="forced_beam"):
        enforce(fake, [FIVE_SRC], OPTS, FIVE, forced_beam=0)


def test_forcing_off_flags_every_missing_term_failed():
    fake = FakeBackend({FIVE_SRC: ["They met."] * 4})
    (r,) = enforce(fake, [FIVE_SRC], OPTS, FIVE, max_rounds=0)
    assert statuses(r) == ["failed"] * 5 and all(t.reason for t in r.outcomes)
    assert len(fake.calls) == 1
    with pytest.raises(ValueError, match="max_rounds"):
        enforce(fake, [FIVE_SRC], OPTS, FIVE, max_rounds=-1)


def test_terms_the_cap_leaves_out_are_failed_with_reason_cap():
    # A model with 12 positions: the combined last-round prefix cannot hold all five terms.
    fake = FakeBackend({FIVE_SRC: ["They met."] * 4}, tail="met.", max_input_tokens=12)
    (r,) = enforce(fake, [FIVE_SRC], OPTS, FIVE)
    by_status = Counter(statuses(r))
    assert by_status["forced"] >= 3 and by_status["failed"] >= 1
    for term in r.outcomes:
        assert term.found is not None or term.reason.startswith("cap:")
        assert term.status == ("forced" if term.found else "failed")


def test_identical_occurrences_count_once_each():
    src = "Ubelgiji na Ubelgiji na Ubelgiji."
    two = FakeBackend({src: ["Belgium and Belgium, they said."] * 4}, tail="and more.")
    (r,) = enforce(two, [src], OPTS, G)
    assert statuses(r) == ["model", "model", "forced"]
    assert r.text.count("Belgium") == 3
    # A glossary term is the user's contract: forced even where the only place left is beside
    # itself (the degenerate check then re-decodes the stutter). Figures and names are not.
    beside = FakeBackend({src: ["Belgium and Belgium."] * 4}, tail=".")
    (r,) = enforce(beside, [src], OPTS, G)
    assert statuses(r) == ["model", "model", "forced"]


class CountingBackend(WrappedBackend):
    """Wraps a real back end and counts its decode calls."""

    def __init__(self, inner):
        super().__init__(inner)
        self.calls = 0

    def translate_batch(self, texts, options, prefixes=None):
        self.calls += 1
        return self.inner.translate_batch(texts, options, prefixes)


@pytest.mark.timeout(120)
def test_backend_calls_do_not_grow_with_occurrences(tiny_model_dir):
    """Bounded cost: one plain decode plus at most MAX_FORCED_ROUNDS forced ones per batch."""
    from translate.constraints import MAX_FORCED_ROUNDS
    from translate.marian import MarianBackend

    backend = CountingBackend(MarianBackend(tiny_model_dir, device="cpu"))
    glossary = default_glossary()
    options = DecodeOptions(beam=2, nbest=1, max_length=48)
    calls = []
    for n in (1, 3, 10, 40):
        backend.calls = 0
        text = " ".join(["mashauriano"] * n)
        (r,) = enforce(backend, [text], options, glossary)
        assert len(r.outcomes) == n
        assert all(t.found is not None or t.reason for t in r.outcomes)  # never silent
        calls.append(backend.calls)
    assert max(calls) <= 1 + MAX_FORCED_ROUNDS
    assert calls[-1] <= calls[1]
