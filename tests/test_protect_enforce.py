"""Protected spans enforced with the glossary in one pass: model → n-best → forced → failed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from typer.testing import CliRunner

from glossary import Glossary, Term, default_glossary
from tests.conftest import SEED_ARTICLE
from tests.test_glossary_enforce import OPTS, FakeBackend
from translate.backend import DecodeOptions, Hypothesis
from translate.cli import app
from translate.cli_translate import _summary
from translate.constraints import Constraints, Requirement, enforce, requirements
from translate.protect import find_spans, locate_all

G = Glossary(
    (
        Term("Ubelgiji", ("Belgium",), pos="proper noun"),
        Term("Oktoba", ("October",), pos="proper noun"),
        Term("mashauriano", ("consultations",)),
    )
)


def kinds(result):
    return [(o.kind, o.status) for o in result.outcomes]


def test_span_in_the_first_output_is_model_and_decoded_once():
    src = "Mauzo yalifikia dola milioni 523.7 mwaka jana."
    fake = FakeBackend({src: ["Sales reached $523.7 million last year."]})
    (r,) = enforce(fake, [src], OPTS, G, protect=True)
    assert kinds(r) == [("money", "model")]
    assert r.outcomes[0].found == "$523.7 million" and r.outcomes[0].sw == "dola milioni 523.7"
    assert len(fake.calls) == 1


def test_a_wrong_figure_is_forced_and_terms_go_in_the_same_pass():
    src = "Ubelgiji iliuza dola milioni 523.7 na mashauriano yaliendelea."
    fake = FakeBackend({src: ["Belgium sold $2072.20.7 million and talks went on."] * 4})
    (r,) = enforce(fake, [src], OPTS, G, protect=True)
    assert kinds(r) == [("term", "model"), ("money", "forced"), ("term", "forced")]
    assert "$523.7 million" in r.text and "consultations" in r.text
    # one plain decode (n-best), then forced rounds: one call per round for both kinds
    assert len(fake.calls) <= 1 + 3


@pytest.mark.parametrize(
    ("english", "ok"),
    [
        ("Sales reached 1523.7 million dollars.", False),  # not a whole number
        ("Sales reached $523.75 million.", False),
        ("Sales reached $523.7 million.", True),
        ("Sales reached 523.7 million dollars.", True),
        ("Sales reached US$523.7 million.", True),
    ],
)
def test_only_whole_figures_count(english, ok):
    src = "Mauzo yalifikia dola milioni 523.7."
    fake = FakeBackend({src: [english] * 4})
    (r,) = enforce(fake, [src], OPTS, Glossary(()), protect=True)
    assert r.outcomes[0].status == ("model" if ok else "forced")
    assert r.outcomes[0].found and locate_all(find_spans(src), r.text)[0] is not None


def test_a_span_the_back_end_cannot_keep_is_failed_never_hidden():
    src = "Walikaa miezi minane mjini Brussels."
    fake = FakeBackend({src: ["They stayed 20 months in Brussels."] * 4}, keep_prefix=False)
    (r,) = enforce(fake, [src], OPTS, Glossary(()), protect=True)
    numword = r.outcomes[0]
    assert (numword.kind, numword.status, numword.found) == ("numword", "failed", None)
    assert numword.reason and numword.expected[0] == "eight months"
    assert r.outcomes[1].kind == "name" and r.outcomes[1].status == "model"


def test_a_date_takes_in_the_month_term_it_contains():
    reqs = requirements("Walikutana Oktoba 18 mjini Brussels.", G, protect=True)
    assert [(r.kind, r.surface, r.preferred) for r in reqs] == [
        ("date", "Oktoba 18", "October 18"),
        ("name", "Brussels", "Brussels"),
    ]
    # a term the span does not render stays a term; the span gives way
    reqs = requirements("Ubelgiji na Kazakhstan", G, protect=True)
    assert [(r.kind, r.surface) for r in reqs] == [("term", "Ubelgiji"), ("name", "Kazakhstan")]


def test_a_sum_takes_in_its_currency_term_and_forces_a_rendering_that_holds_it():
    g = Glossary((Term("Marekani", ("United States", "US"), pos="proper noun"),))
    (req,) = requirements("Walilipa dola za Marekani 2,587 jana.", g, protect=True)
    assert (req.kind, req.surface) == ("money", "dola za Marekani 2,587")
    assert req.preferred == "US$2,587" and "$2,587" not in req.targets
    # a name never takes in a term: the glossary's renderings stay accepted
    g = Glossary((Term("EU", ("EU", "European Union"), pos="proper noun", case_sensitive=True),))
    assert [r.kind for r in requirements("Nchi za EU zilikubali.", g, protect=True)] == ["term"]


def test_a_span_and_a_term_never_share_one_english_occurrence():
    g = Glossary(
        (
            Term(
                "Jumuiya ya Maendeleo Kusini mwa Afrika",
                ("Southern African Development Community", "SADC"),
                pos="proper noun",
            ),
        )
    )
    src = "Jumuiya ya Maendeleo Kusini mwa Afrika (SADC) ilikutana."
    fake = FakeBackend({src: ["The SADC met."] * 4})
    (r,) = enforce(fake, [src], OPTS, g, protect=True)
    term, name = r.outcomes
    assert (term.kind, term.status, term.found) == (
        "term",
        "forced",
        "Southern African Development Community",
    )
    assert name.kind == "name" and name.found == "SADC" and "SADC" in r.text
    # the first output had only "SADC": the name's, so the term was missing, not found
    assert fake.calls[1][2] is not None


def test_without_protection_only_terms_are_required():
    reqs = requirements("Ubelgiji ilipata dola milioni 5 Oktoba 18.", G)
    assert all(r.kind == "term" for r in reqs) and len(reqs) == 2
    assert isinstance(reqs[0], Requirement) and reqs[0].span is None


def test_text_with_nothing_to_carry_is_decoded_with_the_callers_options():
    src = "habari za asubuhi"
    fake = FakeBackend({src: ["good morning"]})
    (r,) = enforce(fake, [src], OPTS, G, protect=True)
    assert r.text == "good morning" and r.outcomes == ()
    assert fake.calls[0][1] == OPTS.nbest


def test_constraints_checksum_tells_protection_apart():
    g = default_glossary()
    assert Constraints(g, protect=False).checksum == g.checksum
    assert Constraints(g).checksum != g.checksum
    assert Constraints(Glossary(())).checksum != Constraints(g).checksum
    with pytest.raises(ValueError, match="source must supply requirements"):
        Constraints(source="x")  # type: ignore[arg-type]


def test_constraints_without_glossary_still_enforces_spans():
    src = "Mkutano ulifanyika Oktoba 18."
    fake = FakeBackend({src: ["The meeting was held on 18."] * 4})
    (r,) = Constraints(Glossary(())).decode(fake, [src], OPTS)
    assert kinds(r) == [("date", "forced")] and "October 18" in r.text
    (r,) = Constraints(Glossary(()), protect=False).decode(fake, [src], OPTS)
    assert r.outcomes == ()


def test_summary_line_counts_protected_spans_apart_from_terms():
    from collections import Counter

    tally = Counter({"segments": 3, "model": 2, "span:model": 9, "span:forced": 3})
    line = _summary(1, 0, tally, True, None, protect_on=True)
    assert "glossary: 2 terms found, 0 enforced" in line
    assert line.endswith("; protected: 12 spans, 3 enforced, 0 failed")
    assert "protected" not in _summary(1, 0, tally, True, None)


# -- the seed article, embedded model, CTranslate2, defaults ----------------------------------

SEED_FIGURES = [
    "523.7 million",
    "$220.7 million",
    "$303 million",
    "1.7%",
    "2022",
    "2023",
    "2024",
    "$514.9 million",
    "eight",
    "$289 million",
    "$114.3 million",
    "$174.7 million",
    "October 18",
    "Roman Vassilenko",
    "Jeroen Cooreman",
    "Brussels",
    "Kazakhstan",
    "OSCE",
]


@pytest.fixture(scope="module")
def seed_jsonl(tmp_path_factory):
    pytest.importorskip("ctranslate2")
    out = tmp_path_factory.mktemp("seed")
    result = CliRunner().invoke(
        app, ["translate", str(SEED_ARTICLE), "-o", str(out), "--format", "jsonl", "--threads", "1"]
    )
    assert result.exit_code == 0, result.output
    lines = (out / SEED_ARTICLE.with_suffix(".jsonl").name).read_text(encoding="utf-8")
    return [json.loads(line) for line in lines.splitlines()], result.stderr


def test_seed_article_carries_every_figure_date_and_name(seed_jsonl):
    records, stderr = seed_jsonl
    english = "\n".join(r["translation"] for r in records)
    for figure in SEED_FIGURES:
        assert figure in english, figure
    assert "eight months" in english or "eight first months" in english
    spans = [t for r in records for t in r["terms"] if t["kind"] != "term"]
    assert len(spans) >= 30
    for span in spans:
        # a span is right or flagged: never silently wrong
        assert span["status"] != "failed" or span["reason"]
        if span["status"] != "failed":
            assert span["found"] in next(r["translation"] for r in records if span in r["terms"])
    assert "; protected: " in stderr and "glossary: " in stderr


def test_no_protect_gives_the_glossary_alone(tmp_path):
    pytest.importorskip("ctranslate2")
    result = CliRunner().invoke(
        app,
        ["translate", str(SEED_ARTICLE), "-o", str(tmp_path), "--format", "jsonl", "--no-protect"],
    )
    assert result.exit_code == 0, result.output
    records = [
        json.loads(line)
        for line in (tmp_path / SEED_ARTICLE.with_suffix(".jsonl").name).read_text().splitlines()
    ]
    assert {t["kind"] for r in records for t in r["terms"]} == {"term"}
    assert records[0]["glossary"] == default_glossary().checksum
    assert "protected" not in result.stderr


# -- repair: a forced item replaces the model's own attempt where the back end aligns ---------


@pytest.mark.parametrize(
    ("text", "pieces", "offsets"),
    [
        (
            "They met in Brussels.",
            ["▁They", "▁met", "▁in", "▁Br", "us", "sels", "."],
            [(0, 4), (5, 8), (9, 11), (12, 14), (14, 16), (16, 20), (20, 21)],
        ),
        ("a b", ["▁a", "▁", "b", "</s>"], [(0, 1), (1, 1), (2, 3), (3, 3)]),
        ("ﬁve", ["▁five"], None),  # normalised by SentencePiece: not trusted
    ],
)
def test_piece_offsets(text, pieces, offsets):
    from translate.backend import piece_offsets

    assert piece_offsets(text, pieces) == offsets


@dataclass
class AligningBackend(FakeBackend):
    """Aligns each English word to the source word at the same index (enough for a test)."""

    aligned: list = field(default_factory=list)

    def translate_aligned(self, texts, options, prefixes=None):
        lists = self.translate_batch(texts, options, prefixes)
        self.aligned.append([h.text for hyps in lists for h in hyps][:1])
        out = []
        for src, hyps in zip(texts, lists, strict=True):
            sw = [m.span() for m in re.finditer(r"\S+", src)]
            out.append(
                [
                    Hypothesis(
                        h.text,
                        h.score,
                        tuple(
                            (m.start(), m.end(), *sw[min(i, len(sw) - 1)])
                            for i, m in enumerate(re.finditer(r"\S+", h.text))
                        ),
                    )
                    for h in hyps
                ]
            )
        return out


def test_an_aligned_item_replaces_the_models_attempt():
    src = "Walikaa miezi minane huko."
    attempt = "They-stayed months 20 there."
    fake = AligningBackend({src: [attempt] * 4}, tail="and left.")
    (r,) = enforce(fake, [src], OPTS, Glossary(()), protect=True, align=True)
    (o,) = r.outcomes
    assert (o.kind, o.status) == ("numword", "forced") and "cross-attention" in o.reason
    prefix = fake.calls[-1][2][0]
    # "months 20", aligned with "miezi minane", is replaced by "eight months".
    assert prefix == "They-stayed eight months"
    assert "20" not in r.text and fake.aligned[0] == [attempt]


def test_without_an_alignment_the_record_says_it_may_be_misplaced():
    src = "Walikaa miezi minane huko."
    fake = AligningBackend({src: ["They stayed 20 months there."] * 4})
    (r,) = enforce(fake, [src], OPTS, Glossary(()), protect=True, align=False)
    assert "may be misplaced" in r.outcomes[0].reason and not fake.aligned
    (r,) = Constraints(Glossary(())).decode(fake, [src], OPTS)
    assert "cross-attention" in r.outcomes[0].reason


def test_constraints_checksum_tells_alignment_apart():
    g = default_glossary()
    assert Constraints(g).checksum != Constraints(g, align=False).checksum
    assert Constraints(g, protect=False, align=False).checksum == g.checksum


def test_ct2_aligned_decode_gives_the_same_hypotheses_with_links():
    pytest.importorskip("ctranslate2")
    from translate.ct2 import CT2Backend
    from translate.model_catalog import default_model

    backend = CT2Backend(default_model(), device="cpu", threads=1)
    src = ["Walikutana mjini Brussels jana.", "Mauzo yalifikia dola milioni 523.7."]
    opts = DecodeOptions(beam=4, nbest=2, max_length=64)
    plain = backend.translate_batch(src, opts)
    aligned = backend.translate_aligned(src, opts, prefixes=[None, "Sales reached"])
    assert [h.text for h in plain[0]] == [h.text for h in aligned[0]]
    assert aligned[1][0].text.startswith("Sales reached")
    for text, hyps in zip(src, aligned, strict=True):
        for h in hyps:
            assert h.links is not None and len(h.links) >= len(h.text.split())
            for a, b, c, d in h.links:
                assert 0 <= a <= b <= len(h.text) and 0 <= c <= d <= len(text)
    best = aligned[0][0]
    if "Brussels" in best.text:
        at = best.text.index("Brussels")
        assert {src[0][c:d] for a, b, c, d in best.links if a == at} <= {"Br", "Brussels"}
    assert all(h.links is None for h in plain[0])


def test_transformers_aligned_decode_gives_the_same_hypotheses_with_links():
    from translate.marian import MarianBackend
    from translate.model_catalog import default_model

    backend = MarianBackend(default_model(), device="cpu")
    src = ["Walikutana mjini Brussels jana.", "Mauzo yalifikia dola milioni 523.7."]
    opts = DecodeOptions(beam=2, nbest=2, max_length=32)
    plain = backend.translate_batch(src, opts)
    aligned = backend.translate_aligned(src, opts)
    assert [[h.text for h in hs] for hs in plain] == [[h.text for h in hs] for hs in aligned]
    for text, hyps in zip(src, aligned, strict=True):
        for h in hyps:
            assert h.links is not None
            for a, b, c, d in h.links:
                assert 0 <= a <= b <= len(h.text) and 0 <= c <= d <= len(text)
    best = aligned[0][0]
    if "Brussels" in best.text:
        at = best.text.index("Brussels")
        assert {src[0][c:d] for a, b, c, d in best.links if a == at} <= {"Br", "Brussels"}
