"""The compact model shipped inside the package: the README's main command works offline."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.conftest import SEED_ARTICLE
from translate.backend import DecodeOptions, load_backend
from translate.cli import app
from translate.model_catalog import EMBEDDED_DIR, default_model, list_models, model_details

runner = CliRunner()
EMBEDDED = EMBEDDED_DIR / "sw-en-compact"


def test_the_embedded_model_is_the_default_and_fits_the_size_budget():
    assert default_model() == EMBEDDED
    details = model_details(EMBEDDED)
    assert details.size_bytes <= 64_000_000  # issue 24's budget for the shipped folder
    assert details.card and "CC BY-NC 4.0" in details.card
    # Trained on the Bibles too: an adaptation under CC BY-SA 4.0 that credits both versions.
    for credit in ("CC BY-SA 4.0", "Unlocked Literal Bible", "Neno"):
        assert credit in details.card
    config = json.loads((EMBEDDED / "config.json").read_text())
    # OPUS-MT layout, which CTranslate2's converter needs: <pad> last, and it starts decoding.
    assert config["pad_token_id"] == config["decoder_start_token_id"] == config["vocab_size"] - 1
    assert not (EMBEDDED / "checkpoint").exists(), "no optimizer state ships"


def test_model_list_shows_the_embedded_model(tmp_path, monkeypatch):
    monkeypatch.setenv("TAFSIRI_HOME", str(tmp_path))
    assert any(e.origin == "embedded" and e.name == "sw-en-compact" for e in list_models())
    result = runner.invoke(app, ["model", "list"])
    assert result.exit_code == 0 and "sw-en-compact" in result.output


def test_the_embedded_english_to_swahili_model_is_small_and_says_where_it_came_from():
    channel = EMBEDDED_DIR / "en-sw-compact"
    details = model_details(channel)
    assert details.size_bytes <= 10_000_000  # the reranker's channel: an int8 conversion alone
    assert details.card and "CC BY-SA 4.0" in details.card and "non-commercial" in details.card
    result = runner.invoke(app, ["model", "info", "en-sw-compact"])
    assert result.exit_code == 0, result.output
    assert "origin:       converted from en-sw-v2" in result.output


def test_model_info_prints_architecture_and_card():
    result = runner.invoke(app, ["model", "info", "sw-en-compact"])
    assert result.exit_code == 0, result.output
    assert "d_model 256" in result.output and "MAFAND-MT" in result.output


def test_the_seed_article_comes_out_in_english_with_no_model_option(monkeypatch, tmp_path):
    monkeypatch.delenv("TAFSIRI_MODEL", raising=False)
    monkeypatch.setenv("TAFSIRI_HOME", str(tmp_path))
    result = runner.invoke(
        app, ["translate", str(SEED_ARTICLE), "--no-glossary", "-q", "--beam", "1"]
    )
    assert result.exit_code == 0, result.output
    source = SEED_ARTICLE.read_text(encoding="utf-8")
    english = result.stdout
    blocks = lambda text: [b for b in text.split("\n\n") if b.strip()]  # noqa: E731
    assert len(blocks(english)) == len(blocks(source))
    # Real English, not copied Swahili: common English function words appear.
    words = english.lower().split()
    assert sum(w in {"the", "of", "and", "to", "in"} for w in words) >= 20


@pytest.mark.parametrize("beam", [1, 4])
@pytest.mark.parametrize("name", ["transformers", "ct2"])
def test_a_decode_scores_its_english_as_teacher_forcing_does(name, beam, tmp_path):
    """The pipeline takes a segment's confidence from its decode: a hypothesis's score must be
    the mean log-probability per token, ``</s>`` included, that a scoring pass computes."""
    backend = load_backend(name, EMBEDDED, threads=1, cache_dir=tmp_path)
    sources = [
        "Kazakhstan na Ubelgiji hufanya mashauriano ya kisiasa.",
        "Rais alisema serikali itaendelea kushirikiana na wananchi wote.",
        "Hatutakubali kamwe uamuzi huo.",
        "Wizara ya Mambo ya Nje ilitoa taarifa jana.",
    ]
    hyps = [h[0] for h in backend.translate_batch(sources, DecodeOptions(beam=beam))]
    forced = backend.score_batch(sources, [h.text for h in hyps])
    for hyp, teacher_forced in zip(hyps, forced, strict=True):
        assert teacher_forced is not None
        assert hyp.score == pytest.approx(teacher_forced, abs=0.01), hyp.text
