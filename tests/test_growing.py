"""Growing a model: wider feed-forward layers or a deeper encoder that translate as before until
trained."""

from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

from translate.cli import app
from translate.growing import grow_model
from translate.textio import InputError

runner = CliRunner()

SENTENCES = ["Wizara ya Mambo ya Nje imesema leo.", "Watu 15 waliuawa mjini Goma."]


def _load(folder):
    from transformers import MarianMTModel, MarianTokenizer

    return MarianTokenizer.from_pretrained(folder), MarianMTModel.from_pretrained(folder).eval()


def _backward_once(tokenizer, model) -> None:
    model.train()
    batch = tokenizer(
        SENTENCES,
        text_target=["The ministry said.", "15 people died."],
        return_tensors="pt",
        padding=True,
    )
    model(**batch).loss.backward()


@pytest.mark.parametrize(
    "growth",
    [{"encoder_ffn_dim": 128}, {"encoder_layers": 4}, {"encoder_ffn_dim": 96, "encoder_layers": 3}],
    ids=["wider", "deeper", "both"],
)
def test_the_grown_model_scores_every_token_as_the_old_one(tiny_model_dir, tmp_path, growth):
    out = grow_model(tiny_model_dir, tmp_path / "grown", **growth)
    tokenizer, old = _load(tiny_model_dir)
    _, new = _load(out)
    batch = tokenizer(SENTENCES, return_tensors="pt", padding=True)
    with torch.no_grad():
        hyp = old.generate(**batch, num_beams=2, max_length=20)
        assert torch.equal(new.generate(**batch, num_beams=2, max_length=20), hyp)
        old_logits = old(**batch, decoder_input_ids=hyp).logits
        new_logits = new(**batch, decoder_input_ids=hyp).logits
    torch.testing.assert_close(new_logits, old_logits, atol=1e-5, rtol=0)


def test_only_the_named_side_grows_and_the_folder_says_how(tiny_model_dir, tmp_path):
    out = grow_model(tiny_model_dir, tmp_path / "grown", decoder_ffn_dim=96, seed=7)
    config = json.loads((out / "config.json").read_text())
    assert (config["encoder_ffn_dim"], config["decoder_ffn_dim"]) == (64, 96)
    _, model = _load(out)
    assert model.model.decoder.layers[0].fc1.out_features == 96
    assert model.model.encoder.layers[0].fc1.out_features == 64
    grown = json.loads((out / "training.json").read_text())["grown"]
    assert (grown["decoder_ffn_dim"], grown["seed"]) == (96, 7)
    for name in ("source.spm", "target.spm", "vocab.json", "generation_config.json"):
        assert (out / name).read_bytes() == (tiny_model_dir / name).read_bytes()


def test_the_new_units_learn(tiny_model_dir, tmp_path):
    """Zero output weights would be useless if no gradient reached them."""
    out = grow_model(tiny_model_dir, tmp_path / "grown", encoder_ffn_dim=128)
    tokenizer, model = _load(out)
    _backward_once(tokenizer, model)
    fc2 = model.model.encoder.layers[0].fc2
    assert fc2.weight[:, 64:].abs().sum() == 0
    assert fc2.weight.grad[:, 64:].abs().sum() > 0


def test_new_encoder_layers_go_on_top_and_learn(tiny_model_dir, tmp_path):
    out = grow_model(tiny_model_dir, tmp_path / "grown", encoder_layers=4, seed=5)
    config = json.loads((out / "config.json").read_text())
    assert (config["encoder_layers"], config["decoder_layers"]) == (4, 1)
    assert json.loads((out / "training.json").read_text())["grown"]["encoder_layers"] == 4
    tokenizer, model = _load(out)
    _, old = _load(tiny_model_dir)
    assert torch.equal(
        model.model.encoder.layers[0].fc1.weight, old.model.encoder.layers[0].fc1.weight
    )
    _backward_once(tokenizer, model)
    for layer in model.model.encoder.layers[1:]:
        assert layer.fc2.weight.abs().sum() == 0
        assert layer.fc2.weight.grad.abs().sum() > 0
        assert layer.self_attn.out_proj.weight.grad.abs().sum() > 0


def test_the_same_seed_grows_the_same_weights(tiny_model_dir, tmp_path):
    a = grow_model(tiny_model_dir, tmp_path / "a", encoder_ffn_dim=80, seed=3)
    b = grow_model(tiny_model_dir, tmp_path / "b", encoder_ffn_dim=80, seed=3)
    assert (a / "model.safetensors").read_bytes() == (b / "model.safetensors").read_bytes()


def test_the_grown_model_converts_for_ctranslate2(tiny_model_dir, tmp_path):
    from translate.ct2 import convert_model

    out = grow_model(tiny_model_dir, tmp_path / "grown", encoder_ffn_dim=128)
    conversion = convert_model(out, "int8", tmp_path / "cache", force=True)
    assert (conversion.path / "model.bin").is_file()


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ({"encoder_ffn_dim": 64}, "does not grow 64"),
        ({"decoder_ffn_dim": 32}, "does not grow 64"),
        ({"encoder_layers": 1}, "encoder depth 1 does not grow 1"),
        ({}, "give a new encoder or decoder"),
    ],
)
def test_sizes_that_do_not_grow_are_refused(tiny_model_dir, tmp_path, sizes, message):
    with pytest.raises(InputError, match=message):
        grow_model(tiny_model_dir, tmp_path / "grown", **sizes)
    assert not (tmp_path / "grown").exists()


def test_the_cli_grows_a_folder_and_refuses_a_non_model_in_one_line(tiny_model_dir, tmp_path):
    result = runner.invoke(
        app,
        ["model", "grow", str(tiny_model_dir), "-o", str(tmp_path / "g")]
        + ["--encoder-ffn", "96", "--encoder-layers", "2"],
    )
    assert result.exit_code == 0, result.output
    config = json.loads((tmp_path / "g" / "config.json").read_text())
    assert (config["encoder_ffn_dim"], config["encoder_layers"]) == (96, 2)

    result = runner.invoke(
        app, ["model", "grow", str(tmp_path), "-o", str(tmp_path / "h"), "--encoder-ffn", "96"]
    )
    assert result.exit_code == 1
    assert "not a model folder" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "h").exists()


def test_model_info_shows_both_widths_when_only_the_encoder_grew(tiny_model_dir, tmp_path):
    out = grow_model(tiny_model_dir, tmp_path / "grown", encoder_ffn_dim=128)
    result = runner.invoke(app, ["model", "info", str(out)])
    assert result.exit_code == 0, result.output
    assert "ffn 128 encoder / 64 decoder" in result.output
    plain = runner.invoke(app, ["model", "info", str(tiny_model_dir)])
    assert plain.exit_code == 0 and "heads, ffn 64\n" in plain.output
