"""Checkpoint averaging: the mean of several checkpoints' weights, refused across architectures."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from safetensors.torch import load_file, save_file
from typer.testing import CliRunner

from translate.averaging import average_checkpoints
from translate.cli import app
from translate.textio import InputError

runner = CliRunner()


@pytest.fixture()
def two_checkpoints(tiny_model_dir, tmp_path):
    """The tiny model and a copy whose float weights are shifted by +1 (same vocab and config)."""
    a = tmp_path / "a"
    b = tmp_path / "b"
    shutil.copytree(tiny_model_dir, a)
    shutil.copytree(tiny_model_dir, b)
    weights = load_file(b / "model.safetensors")
    save_file(
        {k: v + 1 if v.is_floating_point() else v for k, v in weights.items()},
        str(b / "model.safetensors"),
        metadata={"format": "pt"},
    )
    return a, b


def test_the_average_is_the_element_wise_mean(two_checkpoints, tmp_path):
    a, b = two_checkpoints
    out = average_checkpoints([a, b], tmp_path / "avg")
    wa, wb, avg = (load_file(p / "model.safetensors") for p in (a, b, out))
    assert avg.keys() == wa.keys()
    for name, tensor in avg.items():
        assert tensor.dtype == wa[name].dtype
        torch.testing.assert_close(tensor, (wa[name] + wb[name]) / 2)
    averaged = json.loads((out / "training.json").read_text())["averaged"]
    assert averaged["checkpoints"] == [str(a), str(b)]
    assert "steps" not in averaged, "these folders are not snapshots of a run"


def test_the_average_keeps_the_last_checkpoints_training_record(two_checkpoints, tmp_path):
    a, b = two_checkpoints
    (b / "training.json").write_text(json.dumps({"step": 7, "previous": {"step": 3}}))
    out = average_checkpoints([a, b], tmp_path / "avg")
    record = json.loads((out / "training.json").read_text())
    assert record["step"] == 7 and record["previous"] == {"step": 3}
    assert record["averaged"]["checkpoints"] == [str(a), str(b)]


def test_the_averaged_folder_loads_and_translates(two_checkpoints, tmp_path):
    a, b = two_checkpoints
    out = average_checkpoints([a, b], tmp_path / "avg")
    result = runner.invoke(
        app, ["translate", "-", "--model", str(out), "--no-glossary", "-q"], input="Habari.\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


def test_the_cli_writes_the_average(two_checkpoints, tmp_path):
    a, b = two_checkpoints
    result = runner.invoke(app, ["model", "average", str(a), str(b), "-o", str(tmp_path / "avg")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "avg" / "model.safetensors").is_file()
    info = runner.invoke(app, ["model", "info", str(tmp_path / "avg")])
    assert info.exit_code == 0, info.output
    assert "average of 2 checkpoints" in info.output


def _break_vocab(folder):
    vocab = json.loads((folder / "vocab.json").read_text())
    vocab["zzz-extra"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab))


def _break_config(folder):
    config = json.loads((folder / "config.json").read_text())
    config["encoder_layers"] += 1
    (folder / "config.json").write_text(json.dumps(config))


@pytest.mark.parametrize(
    "damage, message",
    [
        (_break_vocab, "vocab.json differs"),
        (_break_config, "config.json differs"),
        (lambda folder: (folder / "model.safetensors").unlink(), "not a model folder"),
    ],
)
def test_checkpoints_of_different_models_are_refused_and_nothing_is_written(
    two_checkpoints, tmp_path, damage, message
):
    a, b = two_checkpoints
    damage(b)
    result = runner.invoke(app, ["model", "average", str(a), str(b), "-o", str(tmp_path / "avg")])
    assert result.exit_code == 1
    assert message in result.stderr and str(b) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "avg").exists()


def test_one_checkpoint_is_not_enough(tiny_model_dir, tmp_path):
    with pytest.raises(InputError, match="at least two"):
        average_checkpoints([tiny_model_dir], tmp_path / "avg")
