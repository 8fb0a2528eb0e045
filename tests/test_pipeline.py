"""Translator: segmentation → batches → back end → rebuilt document, and the JSONL records.

The tiny model's English is noise, so these tests check structure: offsets, layout, that every
segment reaches the model exactly once, that long inputs are split and never truncated.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest

from tests.conftest import DATA, StubBackend, WrappedBackend
from translate.backend import DecodeOptions, Hypothesis
from translate.hooks import HookResult, SpanOutcome
from translate.longsplit import join_pieces, split_long
from translate.pipeline import RECORD_SCHEMA, DocumentTranslation, Translator
from translate.textio import InputError

FAST = DecodeOptions(beam=1, max_length=6)


class RecordingBackend(WrappedBackend):
    """Wraps a real back end and remembers every text and batch it was given."""

    def __init__(self, inner):
        super().__init__(inner)
        self.description = f"recording {inner.description}"
        self.sent: list[str] = []
        self.batches = 0

    def translate_batch(self, texts, options, prefixes=None):
        self.sent.extend(texts)
        self.batches += 1
        return self.inner.translate_batch(texts, options, prefixes)


@pytest.fixture(scope="module")
def translator(tiny_model_dir) -> Translator:
    return Translator(tiny_model_dir, device="cpu", options=FAST, glossary=None)


@pytest.fixture()
def recording(translator) -> tuple[Translator, RecordingBackend]:
    rec = RecordingBackend(translator.backend)
    # The tiny model's noise is often "degenerate"; these tests count calls, so no re-decoding.
    return Translator(rec, options=FAST, glossary=None, degenerate=None), rec


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]


def _check_coverage(source: str, doc: DocumentTranslation) -> None:
    pos = 0
    for rec in doc.segments:
        assert rec.source == source[rec.start : rec.end]
        assert rec.start >= pos
        assert source[pos : rec.start].strip() == ""
        pos = rec.end
    assert source[pos:].strip() == ""


# -- documents --------------------------------------------------------------------------------


def test_seed_article_segments_cover_the_source_and_layout_is_rebuilt(recording, seed_article):
    tr, rec = recording
    doc = tr.translate_document(seed_article)
    _check_coverage(seed_article, doc)
    assert len(_paragraphs(doc.text)) == len(_paragraphs(seed_article))
    assert doc.text.count("\n") == seed_article.count("\n")
    assert [r.paragraph for r in doc.segments] == sorted(r.paragraph for r in doc.segments)


def test_every_segment_is_translated_exactly_once(recording, seed_article):
    tr, rec = recording
    doc = tr.translate_document(seed_article)
    expected = Counter(" ".join(r.source.split()) for r in doc.segments if r.pieces == 1)
    assert Counter(rec.sent) == expected
    assert all(r.translation for r in doc.segments)


def test_line_per_sentence_file_keeps_its_line_count(translator):
    text = (DATA / "lafand-dev-40.sw").read_text(encoding="utf-8")
    doc = translator.translate_document(text)
    assert len(doc.text.splitlines()) == len(text.splitlines()) == 40
    assert doc.text.endswith("\n")


@pytest.mark.parametrize("text", ["", "\n\n", "   \n"])
def test_empty_documents_give_empty_translations(recording, text):
    tr, rec = recording
    doc = tr.translate_document(text)
    assert doc.segments == ()
    assert doc.text == text
    assert rec.sent == []


def test_segments_without_letters_are_copied_not_translated(recording):
    tr, rec = recording
    doc = tr.translate_document("Habari za leo.\n\n***\n\n2024\n")
    kept = [r for r in doc.segments if r.pieces == 0]
    assert [r.translation for r in kept] == [r.source for r in kept]
    assert {"***", "2024"} <= {r.source for r in kept}
    assert "***" not in rec.sent and "2024" not in rec.sent


def test_progress_counts_every_segment(translator, seed_article):
    ticks: list[int] = []
    doc = translator.translate_document(seed_article, progress=ticks.append)
    assert sum(ticks) == len(doc.segments)


# -- long sentences ---------------------------------------------------------------------------


def _words_count(texts: list[str]) -> list[int]:
    return [len(t.split()) + 1 for t in texts]  # words + </s>, a predictable stand-in tokenizer


@pytest.mark.parametrize(
    ("text", "limit", "first_piece_ends_with"),
    [
        ("a b c; d e f; g h i", 5, ";"),
        ("a b c, d e f; g h i j", 7, ";"),  # a semicolon beats an earlier comma
        ("a b c, d e f, g h i", 5, ","),
        ("a b c — d e f — g h", 5, "—"),
        ("a b c d e f g h i j", 4, "c"),  # no punctuation: word windows
    ],
)
def test_split_long_prefers_clause_marks_then_words(text, limit, first_piece_ends_with):
    spans = split_long(text, _words_count, limit)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(_words_count([text[a:b]])[0] <= limit for a, b in spans)
    assert len(spans) > 1
    assert text[spans[0][0] : spans[0][1]].rstrip().endswith(first_piece_ends_with)


def test_split_long_cuts_an_unbroken_run_into_character_windows():
    def count(texts):
        return [len(t) // 10 + 1 for t in texts]

    text = "x" * 1000
    spans = split_long(text, count, 5)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(count([text[a:b]])[0] <= 5 for a, b in spans)


def test_split_long_keeps_short_text_whole():
    assert split_long("a b c", _words_count, 10) == [(0, 5)]
    assert split_long("", _words_count, 10) == [(0, 0)]
    assert join_pieces(["One ", "", " two."]) == "One two."


def test_a_3000_word_line_is_split_never_truncated(recording, train_pairs):
    tr, rec = recording
    # Real Swahili words, no sentence-ending marks: one 3,000-word sentence the segmenter keeps.
    words = re.sub(r"[.!?…\"“”'‘’()]", "", " ".join(train_pairs[0][:200])).split()
    line = " ".join(words[i % len(words)] for i in range(3000))
    doc = tr.translate_document(line + "\n")
    (record,) = doc.segments
    assert record.pieces == len(rec.sent) > 1
    counts = tr.backend.count_tokens(rec.sent)
    assert max(counts) <= tr.max_tokens
    # The pieces sent (in length order) hold the whole line: nothing dropped, nothing repeated.
    assert Counter(" ".join(rec.sent).split()) == Counter(line.split())
    assert set(rec.sent) <= {
        line[a:b].strip() for a, b in split_long(line, tr.backend.count_tokens, tr.max_tokens)
    }
    assert doc.text.endswith("\n") and "\n" not in doc.text[:-1]


def test_max_segment_tokens_is_checked(translator):
    with pytest.raises(ValueError, match="max_segment_tokens"):
        Translator(translator.backend, glossary=None, max_segment_tokens=2)


# -- translate_texts --------------------------------------------------------------------------


def test_translate_texts_returns_one_translation_per_text(recording):
    tr, rec = recording
    texts = ["Habari ya asubuhi.", "", "Asante sana.", "   ", "---"]
    out = tr.translate_texts(texts)
    assert len(out) == len(texts)
    assert out[1] == "" and out[3] == "   " and out[4] == "---"
    assert rec.sent == ["Habari ya asubuhi.", "Asante sana."] or sorted(rec.sent) == sorted(
        ["Habari ya asubuhi.", "Asante sana."]
    )
    assert tr.translate_texts([]) == []


def test_batches_follow_the_token_budget(translator):
    rec = RecordingBackend(translator.backend)
    tr = Translator(
        rec,
        options=DecodeOptions(beam=1, max_length=4, batch_tokens=64),
        glossary=None,
        degenerate=None,
    )
    lines = (DATA / "lafand-dev-40.sw").read_text(encoding="utf-8").splitlines()
    tr.translate_texts(lines)
    assert rec.batches > 1
    assert sorted(rec.sent) == sorted(line.strip() for line in lines)


# -- records ----------------------------------------------------------------------------------


def test_jsonl_records_cover_the_source_and_carry_settings(
    translator, seed_article, tiny_model_dir
):
    doc = translator.translate_document(seed_article)
    lines = doc.to_jsonl("seed.txt").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len(doc.segments)
    for r in records:
        assert r["schema"] == RECORD_SCHEMA
        assert r["document"] == "seed.txt"
        assert seed_article[r["start"] : r["end"]] == r["source"]
        assert r["backend"] == translator.backend.name == "ct2"  # auto: the model converts
        assert r["model"] == translator.info.model == tiny_model_dir.name  # never a path
        assert f"|ct:{translator.backend.compute_type}|" in r["signature"]
        assert r["decode"]["beam"] == 1 and r["decode"]["max_segment_tokens"] == 200
        assert r["terms"] == [] and r["glossary"] is None
    covered = "".join(seed_article[r["start"] : r["end"]] for r in records)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", seed_article)
    assert [(r["paragraph"], r["segment"]) for r in records] == sorted(
        (r["paragraph"], r["segment"]) for r in records
    )


# -- markdown ---------------------------------------------------------------------------------


def test_markdown_markup_is_kept_out_of_the_model(recording):
    tr, rec = recording
    text = "# Habari za leo\n\n- Rais amewasili.\n- Waziri ameondoka.\n\n```\ncode stays\n```\n"
    doc = tr.translate_document(text, markdown=True)
    assert doc.text.startswith("# ")
    assert "```\ncode stays\n```\n" in doc.text
    assert all(not s.startswith(("#", "- ", "```")) and "code stays" not in s for s in rec.sent)


# -- glossary hook ----------------------------------------------------------------------------


@dataclass
class TaggingHook:
    """A decoder hook that remembers its calls and reports one outcome per text."""

    checksum: str = "abc123"
    calls: list = field(default_factory=list)

    def decode(self, backend, texts, options):
        self.calls.append((list(texts), options))
        hyps = backend.translate_batch(list(texts), options)
        outcome = SpanOutcome("Rais", "Rais", 0, 4, "singular", ("president",), "forced")
        return [HookResult(h[0].text, (outcome,)) for h in hyps]


def test_the_hook_decodes_every_batch_and_its_outcomes_land_in_records(recording):
    tr, rec = recording
    hook = TaggingHook()
    gtr = Translator(rec, options=FAST, glossary=hook, degenerate=None)
    doc = gtr.translate_document("Rais amewasili.\n\nWaziri ameondoka.\n")
    assert sorted(t for texts, _ in hook.calls for t in texts) == [
        "Rais amewasili.",
        "Waziri ameondoka.",
    ]
    records = doc.records("d")
    assert all(r["glossary"] == "abc123" for r in records)
    assert all(r["terms"][0]["status"] == "forced" for r in records)
    assert all(r["terms"][0]["kind"] == "term" for r in records)


def test_options_and_hook_can_change_per_call_on_one_handle(recording):
    tr, rec = recording
    hook = TaggingHook()
    gtr = Translator(rec, options=FAST, glossary=hook, degenerate=None)
    wide = DecodeOptions(beam=2, max_length=8)
    plain = gtr.translate_document("Rais amewasili.\n", options=wide, glossary=None)
    assert not hook.calls, "glossary=None must bypass the handle's hook"
    assert plain.info.decode == wide and plain.info.glossary is None
    assert all(r["terms"] == [] for r in plain.records())
    other = TaggingHook(checksum="other")
    swapped = gtr.translate_document("Rais amewasili.\n", glossary=other)
    assert other.calls and not hook.calls and swapped.info.glossary == "other"
    default = gtr.translate_document("Rais amewasili.\n")
    assert hook.calls and default.info.decode == FAST and default.info.glossary == "abc123"
    assert gtr.info.decode == FAST, "per-call settings never change the handle"


def test_something_that_is_not_a_hook_is_refused(recording):
    tr, _ = recording
    with pytest.raises(ValueError, match="decoder hook"):
        Translator(tr.backend, glossary=object())
    with pytest.raises(ValueError, match="decoder hook"):
        tr.translate_document("Habari.", glossary="glossary.tsv")


def test_alternatives_are_distinct_and_best_first(translator):
    alts = translator.alternatives("Rais amewasili Dodoma leo.", n=3)
    assert 1 <= len(alts) <= 3
    assert len({a.text for a in alts}) == len(alts)
    assert [a.score for a in alts] == sorted((a.score for a in alts), reverse=True)
    assert translator.alternatives("2024", n=3) == [Hypothesis("2024", 0.0)]


def test_signature_names_what_changes_the_output(translator):
    sig = translator.info.signature()
    fields = dict(part.split(":", 1) for part in sig.split("|"))
    assert fields["beam"] == str(FAST.beam) and fields["backend"] == translator.info.backend
    assert fields["fp"] == translator.backend.fingerprint and fields["gloss"] == "none"
    assert "tafsiri" in fields
    records = translator.translate_document("Habari.\n").records("d")
    assert records[0]["signature"] == sig


# -- construction -----------------------------------------------------------------------------


def test_unknown_backend_lists_the_choices(tiny_model_dir):
    with pytest.raises(ValueError, match="transformers"):
        Translator(tiny_model_dir, backend="ct3")


def test_no_model_and_no_embedded_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("translate.model_catalog.EMBEDDED_MODEL", tmp_path / "missing")
    with pytest.raises(InputError, match="--model FOLDER"):
        Translator()


def test_translate_file_reads_bom_and_utf16(translator, tmp_path):
    text = "Habari za leo.\n\nAsante.\n"
    for name, data in [
        ("a.txt", b"\xef\xbb\xbf" + text.encode()),
        ("b.txt", text.encode("utf-16")),
    ]:
        (tmp_path / name).write_bytes(data)
        doc = translator.translate_file(tmp_path / name)
        assert doc.source == text
        assert len(doc.segments) == 2


def test_hypothesis_from_fake_backend_is_used_verbatim():
    class Echo(StubBackend):
        name, device, max_input_tokens = "echo", "nowhere", 100

        def translate_batch(self, texts, options, prefixes=None):
            return [[Hypothesis(t.upper(), 0.0)] for t in texts]

    doc = Translator(Echo(), glossary=None).translate_document("Habari.\n\nAsante sana.\n")
    assert doc.text == "HABARI.\n\nASANTE SANA.\n"
    assert doc.info.backend == "echo" and doc.info.device == "nowhere"
