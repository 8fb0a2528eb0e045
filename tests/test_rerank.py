"""Noisy-channel reranking: the beam's candidates reordered by an English→Swahili model."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import StubBackend
from typer.testing import CliRunner

from translate.backend import DecodeOptions, Hypothesis
from translate.cli import app
from translate.model_catalog import EMBEDDED_DIR, EMBEDDED_MODEL, fingerprint
from translate.pipeline import Translator
from translate.rerank import (
    RERANK_FILE,
    RerankedBackend,
    Reranker,
    choose_reranker,
    declared_reranker,
    rerank,
)
from translate.textio import InputError

SOURCE = "Rais alimteua Michael Pack kuwa mkuu wa shirika hilo."
# The forward model's beam, best first: fluent English that drops the appointment first.
BEAM = [
    Hypothesis("The president killed Michael Pack.", -0.30),
    Hypothesis("The president appointed Michael Pack head of the agency.", -0.35),
    Hypothesis("The president appointed Michael Pack.", -0.40),
    Hypothesis("President Pack.", -0.90),
]
# How well each English accounts for the Swahili (the channel model's mean log-probability).
CHANNEL = {
    "The president killed Michael Pack.": -2.0,
    "The president appointed Michael Pack head of the agency.": -0.6,
    "The president appointed Michael Pack.": -1.2,
    "President Pack.": -0.1,
}


class _Beam(StubBackend):
    """A forward model whose beam is :data:`BEAM` for every source, cut to ``nbest``."""

    def __init__(self) -> None:
        self.asked: list[DecodeOptions] = []

    def translate_batch(self, texts, options, prefixes=None):
        self.asked.append(options)
        return [BEAM[: options.nbest] for _ in texts]

    def score_batch(self, sources, translations):
        return [-0.5 for _ in sources]


class _Channel(StubBackend):
    """An English→Swahili model that scores by the :data:`CHANNEL` table."""

    model_id = "channel"

    def __init__(self) -> None:
        self.scored: list[tuple[str, str]] = []

    def translate_batch(self, texts, options, prefixes=None):
        raise AssertionError("the channel model only scores")

    def score_batch(self, sources, translations):
        self.scored.extend(zip(sources, translations, strict=True))
        return [CHANNEL.get(s) for s in sources]


def test_the_channel_promotes_the_candidate_that_accounts_for_the_source():
    (ranked,) = rerank([SOURCE], [BEAM[:3]], _Channel(), weight=0.4)
    # -0.35 + 0.4 × -0.6 = -0.59 beats -0.30 + 0.4 × -2.0 = -1.10 and -0.40 + 0.4 × -1.2.
    assert [h.text for h in ranked] == [BEAM[1].text, BEAM[2].text, BEAM[0].text]
    assert ranked[0].score == BEAM[1].score  # the forward score stays the hypothesis's own


def test_a_small_weight_keeps_the_beams_order():
    (ranked,) = rerank([SOURCE], [BEAM[:3]], _Channel(), weight=0.01)
    assert [h.text for h in ranked] == [h.text for h in BEAM[:3]]


def test_only_the_first_candidates_compete_and_the_rest_keep_their_place():
    channel = _Channel()
    (ranked,) = rerank([SOURCE], [BEAM], channel, weight=0.4, candidates=2)
    assert [h.text for h in ranked] == [BEAM[1].text, BEAM[0].text, BEAM[2].text, BEAM[3].text]
    # The channel scores English given Swahili: the candidate is its source side.
    assert sorted(channel.scored) == sorted((h.text, SOURCE) for h in BEAM[:2])


def test_a_candidate_the_channel_cannot_score_goes_last():
    beam = [Hypothesis("", -0.1), BEAM[2]]
    (ranked,) = rerank([SOURCE], [beam], _Channel(), weight=0.4)
    assert [h.text for h in ranked] == [BEAM[2].text, ""]


def test_the_wrapped_back_end_decodes_wide_and_returns_what_was_asked():
    beam = _Beam()
    backend = RerankedBackend(beam, _Channel(), weight=0.4, candidates=3, label="channel")
    (hyps,) = backend.translate_batch([SOURCE], DecodeOptions(beam=4))
    assert beam.asked[-1].nbest == 3
    assert [h.text for h in hyps] == [BEAM[1].text]
    assert backend.description == "stub, reranked by channel"
    assert backend.score_batch([SOURCE], ["x"]) == [-0.5]  # the forward model's confidence


def test_greedy_decodes_pass_straight_through():
    beam, channel = _Beam(), _Channel()
    backend = RerankedBackend(beam, channel, weight=0.4, candidates=3, label="channel")
    (hyps,) = backend.translate_batch([SOURCE], DecodeOptions(beam=1))
    assert [h.text for h in hyps] == [BEAM[0].text]
    assert beam.asked[-1].nbest == 1 and channel.scored == []


def test_a_translator_over_a_ready_back_end_declares_no_reranker():
    tr = Translator(_Beam(), glossary=None, trust=None)
    assert tr.info.rerank is None
    assert tr.translate_texts([SOURCE])[0] == BEAM[0].text


def test_the_embedded_model_declares_the_embedded_channel_model_off_by_default():
    declared = declared_reranker(EMBEDDED_MODEL)
    assert declared == (Reranker("en-sw-compact", 0.4, 3), False)
    assert (EMBEDDED_DIR / "en-sw-compact" / "model.bin").is_file()
    assert choose_reranker(EMBEDDED_MODEL) is None
    assert choose_reranker(EMBEDDED_MODEL, on=False) is None
    assert choose_reranker(EMBEDDED_MODEL, on=True) == Reranker("en-sw-compact", 0.4, 3)
    assert choose_reranker(EMBEDDED_MODEL, weight=0.9) == Reranker("en-sw-compact", 0.9, 3)
    assert Translator(glossary=None, trust=None).info.rerank is None


def test_rerank_on_for_a_model_that_declares_none_says_what_to_do(tiny_model_dir):
    with pytest.raises(InputError, match="declares no reranker.*--rerank-with"):
        choose_reranker(tiny_model_dir, on=True)
    assert choose_reranker(tiny_model_dir) is None
    assert choose_reranker(tiny_model_dir, model="en-sw-compact") == Reranker("en-sw-compact")


def test_the_declaration_is_not_part_of_the_models_fingerprint(tmp_path, tiny_model_dir):
    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir, folder)
    before = fingerprint(folder)
    (folder / RERANK_FILE).write_text(json.dumps({"model": "en-sw-compact"}), encoding="utf-8")
    assert fingerprint(folder) == before  # a shipped conversion stays current
    assert declared_reranker(folder) == (Reranker("en-sw-compact"), True)


@pytest.mark.parametrize(
    "text",
    [
        "{",
        '{"weight": 0.4}',
        '{"model": "en-sw-compact", "weight": -1}',
        '{"model": "en-sw-compact", "by_default": "no"}',
        '["en-sw-compact"]',
    ],
)
def test_a_broken_declaration_is_a_one_line_error_naming_the_file(tmp_path, text):
    (tmp_path / RERANK_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"rerank\.json: not a valid reranker declaration"):
        declared_reranker(tmp_path)


def test_a_model_with_a_declared_reranker_translates_reranked(tmp_path, tiny_model_dir):
    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir, folder)
    (folder / RERANK_FILE).write_text(
        json.dumps({"model": str(tiny_model_dir), "weight": 0.5, "candidates": 2}),
        encoding="utf-8",
    )
    tr = Translator(folder, backend="transformers", glossary=None, trust=None)
    assert tr.info.rerank is not None and tr.info.rerank.endswith(":0.5x2")
    assert "|rr:" in tr.info.signature()
    assert "reranked by" in tr.backend.description
    assert len(tr.translate_texts(["Habari ya leo.", "Asante sana."])) == 2
    plain = Translator(folder, backend="transformers", glossary=None, trust=None, rerank=None)
    assert plain.info.rerank is None and "|rr:" not in plain.info.signature()


def test_cli_rerank_is_off_by_default_and_named_in_the_signature_when_on(tmp_path):
    source = tmp_path / "in.sw"
    source.write_text("Tutashinda.\n", encoding="utf-8")
    runner = CliRunner()
    signatures = {}
    for name, flags in (("default", []), ("on", ["--rerank"]), ("off", ["--no-rerank"])):
        out = tmp_path / name
        result = runner.invoke(
            app, ["translate", str(source), "-o", str(out), "--format", "jsonl", "-q", *flags]
        )
        assert result.exit_code == 0, result.output
        record = json.loads((out / "in.jsonl").read_text(encoding="utf-8").splitlines()[0])
        signatures[name] = record["signature"]
    assert "|rr:en-sw-compact:" in signatures["on"] and signatures["on"].endswith(":0.4x3")
    assert "|rr:" not in signatures["default"] and signatures["off"] == signatures["default"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--no-rerank", "--rerank-weight", "0.5"], "--no-rerank cannot be used with"),
        (["--rerank-with", "no-such-model"], "'no-such-model' is not a folder"),
        (["--rerank-weight", "-1"], "the rerank weight must be a positive number"),
    ],
)
def test_cli_rerank_mistakes_are_one_line_errors(tmp_path, flags, message):
    source = tmp_path / "in.sw"
    source.write_text("Tutashinda.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["translate", str(source), "-o", str(tmp_path / "o"), *flags])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_cli_rerank_for_a_model_that_declares_none_is_a_one_line_error(tmp_path, tiny_model_dir):
    source = tmp_path / "in.sw"
    source.write_text("Tutashinda.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["translate", str(source), "--model", str(tiny_model_dir), "--rerank"]
    )
    assert result.exit_code != 0
    assert "declares no reranker" in result.output
