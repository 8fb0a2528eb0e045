"""The glossary in the pipeline: the seed article, the tiny model and the default glossary."""

from __future__ import annotations

import json

import pytest

from glossary import default_glossary
from translate.backend import DecodeOptions
from translate.hooks import STATUSES


@pytest.fixture(scope="module")
def seed_translation(tiny_model_dir, seed_article):
    from translate.pipeline import Translator

    translator = Translator(
        tiny_model_dir,
        device="cpu",
        glossary=default_glossary(),
        options=DecodeOptions(beam=2, nbest=1, max_length=32),
    )
    return translator.translate_document(seed_article)


def test_every_occurrence_is_in_the_output_or_flagged(seed_translation):
    glossary = default_glossary()
    seen = 0
    for record in seed_translation.segments:
        if record.pieces == 1:
            assert len(record.terms) == len(glossary.match(record.source))
        for term in record.terms:
            seen += 1
            assert term.status in STATUSES
            if term.status in {"model", "nbest", "forced"}:
                assert term.found is not None
                assert term.found.casefold() in record.translation.casefold()
            else:
                assert term.reason
    assert seen >= 30
    statuses = {t.status for r in seed_translation.segments for t in r.terms}
    assert statuses <= {"model", "nbest", "forced", "ambiguous"}, (
        "the tiny model still gets every term"
    )


def test_jsonl_records_carry_terms_and_checksum(seed_translation):
    checksum = default_glossary().checksum
    lines = seed_translation.to_jsonl("seed").splitlines()
    with_terms = 0
    for line in lines:
        record = json.loads(line)
        assert record["glossary"] == checksum
        for term in record["terms"]:
            assert term["status"] in STATUSES
            assert set(term) >= {"sw", "source", "start", "end", "expected", "found", "number"}
        with_terms += bool(record["terms"])
    assert with_terms >= 5


def test_ct2_batches_forced_prefixes_of_different_lengths_together(tiny_model_dir, tmp_path):
    """Glossary repairs send one prefix per sentence; CTranslate2 decodes them in one call."""
    from translate.backend import load_backend

    backend = load_backend("ct2", tiny_model_dir, device="cpu", threads=1, cache_dir=tmp_path)
    calls = []
    inner = backend.translator

    class Counting:
        def translate_batch(self, *args, **kwargs):
            calls.append(len(args[0]))
            return inner.translate_batch(*args, **kwargs)

    backend.translator = Counting()
    texts = ["Habari za asubuhi.", "Mvua ilinyesha jana.", "Rais alisema."]
    prefixes = ["The", "It rained on", "The president said that"]
    out = backend.translate_batch(texts, DecodeOptions(beam=2, max_length=8), prefixes=prefixes)
    assert calls == [3]
    for prefix, hyps in zip(prefixes, out, strict=True):
        assert hyps[0].text.startswith(prefix)
