"""`tafsiri train`: a short real run, resuming it, and input checks before any training starts."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import DATA
from translate.cli import app
from translate.train import TrainConfig, _Example, _lr_at, token_budget_batches

runner = CliRunner()

TRAIN = [str(DATA / "lafand-train-500.sw"), str(DATA / "lafand-train-500.en")]
DEV = [str(DATA / "lafand-dev-40.sw"), str(DATA / "lafand-dev-40.en")]
# Small enough that a minute on a CI core makes hundreds of updates.
TINY = [
    "--vocab-size",
    "800",
    "--d-model",
    "64",
    "--encoder-layers",
    "2",
    "--decoder-layers",
    "1",
    "--heads",
    "2",
    "--ffn-dim",
    "128",
    "--batch-tokens",
    "1200",
    "--warmup",
    "50",
    "--dev-size",
    "20",
    "--threads",
    "1",
]


def _args(out: Path, *extra: str, train=TRAIN, dev=DEV) -> list[str]:
    args = ["train"]
    for path in train:
        args += ["--train", str(path)]
    for path in dev:
        args += ["--dev", str(path)]
    return args + ["-o", str(out), *TINY, *extra]


@pytest.fixture(scope="module")
def one_minute_run(tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("train") / "model"
    result = runner.invoke(
        app, _args(out, "--minutes", "1", "--eval-every", "0.25", "--keep-snapshots", "2")
    )
    return out, result


def test_a_one_minute_run_writes_a_folder_that_loads_and_translates(one_minute_run):
    from transformers import MarianMTModel, MarianTokenizer

    out, result = one_minute_run
    assert result.exit_code == 0, result.output
    assert "best dev BLEU" in result.output
    tokenizer = MarianTokenizer.from_pretrained(out)
    model = MarianMTModel.from_pretrained(out)
    pad = model.config.pad_token_id
    # The OPUS-MT layout CTranslate2's converter expects: </s> first, <pad> last and starting decoding.
    assert pad == len(tokenizer) - 1 == model.config.decoder_start_token_id
    assert tokenizer.convert_ids_to_tokens([0, pad]) == ["</s>", "<pad>"]
    batch = tokenizer(["Rais alizungumza na waandishi wa habari."], return_tensors="pt")
    output = model.generate(**batch, max_new_tokens=20)
    assert tokenizer.batch_decode(output, skip_special_tokens=True)[0].strip()
    training = json.loads((out / "training.json").read_text())
    assert training["curve"], "the dev curve is recorded with the model"
    assert (out / "checkpoint" / "state.pt").exists()


def test_snapshots_keep_the_last_evaluations_for_averaging(one_minute_run, tmp_path):
    out, result = one_minute_run
    assert result.exit_code == 0, result.output
    # An evaluation every quarter minute plus the final one: more than two happened (even on a
    # loaded machine, where updates are slow but the clock is not), two are kept.
    snapshots = sorted((out / "snapshots").glob("step-*"))
    assert len(snapshots) == 2
    assert not any((s / "state.pt").exists() for s in snapshots), "weights only"
    averaged = runner.invoke(
        app, ["model", "average", *map(str, snapshots), "-o", str(tmp_path / "avg")]
    )
    assert averaged.exit_code == 0, averaged.output
    record = json.loads((tmp_path / "avg" / "training.json").read_text())
    run = json.loads((out / "training.json").read_text())
    assert record["averaged"]["steps"] == [int(s.name.removeprefix("step-")) for s in snapshots]
    assert record["curve"] == run["curve"], "the run's record comes along"
    translated = runner.invoke(
        app,
        ["translate", "-", "--model", str(tmp_path / "avg"), "--no-glossary", "-q"],
        input="Rais alizungumza na waandishi wa habari.\n",
    )
    assert translated.exit_code == 0, translated.output


def test_resume_continues_from_the_checkpoint(one_minute_run):
    out, first = one_minute_run
    assert first.exit_code == 0, first.output
    import torch

    before = torch.load(out / "checkpoint" / "state.pt", weights_only=False)
    result = runner.invoke(app, _args(out, "--resume", "--minutes", "0.3", "--eval-every", "5"))
    assert result.exit_code == 0, result.output
    assert f"resumed at step {before['step']}" in result.output
    after = torch.load(out / "checkpoint" / "state.pt", weights_only=False)
    assert after["step"] > before["step"]
    assert after["curve"][: len(before["curve"])] == before["curve"]
    assert after["minutes"] > before["minutes"]


def test_a_second_run_into_a_trained_folder_needs_resume(one_minute_run):
    out, _ = one_minute_run
    result = runner.invoke(app, _args(out, "--minutes", "0.1"))
    assert result.exit_code == 1
    assert "--resume" in result.output


def _write(path: Path, data: str | bytes) -> str:
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("case", "make_train", "expected"),
    [
        (
            "different line counts",
            lambda d: [_write(d / "a.sw", "moja\nmbili\n"), _write(d / "a.en", "one\n")],
            "has 2 lines but",
        ),
        (
            "an empty line",
            lambda d: [
                _write(d / "a.sw", "moja\n\ntatu\n"),
                _write(d / "a.en", "one\ntwo\nthree\n"),
            ],
            "line 2 is empty",
        ),
        (
            "non-UTF-8 bytes",
            lambda d: [_write(d / "a.sw", b"moja\nmb\xffili\n"), _write(d / "a.en", "one\ntwo\n")],
            "not valid UTF-8 at byte 7",
        ),
        (
            "a TSV row with one column",
            lambda d: [_write(d / "a.tsv", "moja\tone\nmbili\n")],
            "line 2 has 1 column",
        ),
        (
            "a missing file",
            lambda d: [str(d / "nowhere.sw"), str(d / "nowhere.en")],
            "no such file",
        ),
    ],
)
def test_bad_training_data_fails_before_training_starts(tmp_path, case, make_train, expected):
    out = tmp_path / "model"
    result = runner.invoke(app, _args(out, "--minutes", "1", train=make_train(tmp_path)))
    assert result.exit_code == 1, (case, result.output)
    assert expected in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1
    assert not out.exists(), "nothing is written when the input is bad"


def test_a_missing_dev_set_is_an_error(tmp_path):
    out = tmp_path / "model"
    missing = runner.invoke(
        app, _args(out, "--minutes", "1", dev=[tmp_path / "dev.sw", tmp_path / "dev.en"])
    )
    assert missing.exit_code == 1
    assert "dev.sw: no such file" in missing.output
    omitted = runner.invoke(app, _args(out, "--minutes", "1", dev=[]))
    assert omitted.exit_code != 0
    assert "--dev" in omitted.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("d_model", 102, "divisible"),
        ("dropout", 1.5, "dropout"),
        ("vocab_size", 0, "vocab_size"),
        ("device", "tpu", "device must be"),
        ("precision", "fp16", "precision must be one of fp32, bf16"),
    ],
)
def test_recipe_values_are_checked(field, value, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**{field: value})


def test_batches_respect_the_token_budget_and_cover_every_example_once():
    rng = random.Random(0)
    examples = [
        _Example(tuple(range(rng.randint(1, 60))), tuple(range(rng.randint(1, 60))))
        for _ in range(500)
    ]
    batches = token_budget_batches(examples, 400, random.Random(1))
    assert sorted(id(e) for b in batches for e in b) == sorted(id(e) for e in examples)
    for batch in batches:
        longest = max(max(len(e.src), len(e.tgt)) for e in batch)
        assert longest * len(batch) <= 400 or len(batch) == 1


def test_learning_rate_warms_up_then_decays_as_inverse_square_root():
    cfg = TrainConfig(peak_lr=1e-3, warmup_steps=100)
    assert _lr_at(50, cfg) == pytest.approx(5e-4)
    assert _lr_at(100, cfg) == pytest.approx(1e-3)
    assert _lr_at(400, cfg) == pytest.approx(5e-4)


def test_a_killed_run_saves_a_checkpoint_that_resumes(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "model"
    cmd = [sys.executable, "-m", "translate", *_args(out, "--minutes", "10", "--eval-every", "10")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = ""
    deadline = time.monotonic() + 120
    # Wait until updates are being made, then stop it the way a scheduler would.
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        log += line
        if line.startswith("step "):
            break
    proc.send_signal(signal.SIGTERM)
    log += proc.communicate(timeout=120)[0]
    assert proc.returncode == 130, log
    assert "interrupted: saving a checkpoint" in log
    assert (out / "checkpoint" / "state.pt").exists()
    resumed = runner.invoke(app, _args(out, "--resume", "--minutes", "0.1", "--eval-every", "5"))
    assert resumed.exit_code == 0, resumed.output
    assert "resumed at step" in resumed.output


def test_fine_tuning_starts_from_a_named_model(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("TAFSIRI_HOME", str(tmp_path))
    assert runner.invoke(app, ["model", "add", "tiny", str(tiny_model_dir)]).exit_code == 0
    out = tmp_path / "tuned"
    result = runner.invoke(app, _args(out, "--init", "tiny", "--max-steps", "3", "--dev-size", "5"))
    assert result.exit_code == 0, result.output
    assert f"fine-tuning {tiny_model_dir.resolve()}" in result.output
    assert (out / "model.safetensors").exists()


def test_a_model_stored_in_float16_fine_tunes_and_translates_in_float32(tiny_model_dir, tmp_path):
    from transformers import MarianMTModel

    from translate.marian import MarianBackend

    half = tmp_path / "half"
    shutil.copytree(tiny_model_dir, half)
    MarianMTModel.from_pretrained(tiny_model_dir).half().save_pretrained(half)
    out = tmp_path / "tuned"
    result = runner.invoke(
        app, _args(out, "--init", str(half), "--max-steps", "3", "--dev-size", "5")
    )
    assert result.exit_code == 0, result.output
    tuned = MarianMTModel.from_pretrained(out)
    assert {p.dtype for p in tuned.parameters()} == {tuned.dtype} and str(
        tuned.dtype
    ) == "torch.float32"
    backend = MarianBackend(str(half))
    assert {str(p.dtype) for p in backend.model.parameters()} == {"torch.float32"}


def test_bf16_training_learns_and_keeps_float32_weights(tiny_model_dir, tmp_path):
    # bf16 is meant for GPUs; autocast works the same way on the CPU, which is what CI has.
    from transformers import MarianMTModel

    out = tmp_path / "bf16"
    result = runner.invoke(
        app,
        _args(
            out,
            "--init",
            str(tiny_model_dir),
            "--precision",
            "bf16",
            "--max-steps",
            "150",
            "--dev-size",
            "5",
        ),
    )
    assert result.exit_code == 0, result.output
    losses = [
        float(line.split(" loss ")[1].split()[0])
        for line in result.output.splitlines()
        if " loss " in line
    ]
    assert len(losses) == 3 and losses[-1] < losses[0]  # a line every 50 updates
    record = json.loads((out / "training.json").read_text())
    assert record["config"]["precision"] == "bf16"
    tuned = MarianMTModel.from_pretrained(out)
    assert {str(p.dtype) for p in tuned.parameters()} == {"torch.float32"}


def test_an_unknown_precision_is_one_clear_error(tmp_path):
    result = runner.invoke(app, _args(tmp_path / "m", "--precision", "fp8", "--max-steps", "3"))
    assert result.exit_code == 1
    assert "precision must be one of fp32, bf16, got 'fp8'" in result.output
    assert "Traceback" not in result.output


def test_a_fine_tuned_model_keeps_the_record_of_the_model_it_started_from(tiny_model_dir, tmp_path):
    start = tmp_path / "stage1"
    shutil.copytree(tiny_model_dir, start)
    stage1 = {"step": 123, "train_origin": "stage-one data", "dev_bleu": 1.5}
    (start / "training.json").write_text(json.dumps(stage1), encoding="utf-8")
    out = tmp_path / "stage2"
    result = runner.invoke(
        app, _args(out, "--init", str(start), "--max-steps", "3", "--dev-size", "5")
    )
    assert result.exit_code == 0, result.output
    record = json.loads((out / "training.json").read_text())
    assert record["config"]["init"] == str(start)
    assert json.loads((out / "config.json").read_text())["dropout"] == 0.1
    assert record["previous"] == stage1
    # The history survives a resume, even when the starting folder is gone by then.
    shutil.rmtree(start)
    resumed = runner.invoke(
        app, _args(out, "--resume", "--max-steps", "6", "--dev-size", "5", "--eval-every", "5")
    )
    assert resumed.exit_code == 0, resumed.output
    import torch

    state = torch.load(out / "checkpoint" / "state.pt", weights_only=False)
    assert state["step"] == 6 and state["previous"] == stage1


def test_fine_tuning_uses_the_runs_dropout_not_the_checkpoints(tiny_model_dir, tmp_path):
    before = json.loads((tiny_model_dir / "config.json").read_text())["dropout"]
    out = tmp_path / "tuned"
    result = runner.invoke(
        app,
        _args(
            out,
            "--init",
            str(tiny_model_dir),
            "--dropout",
            "0.3",
            "--max-steps",
            "2",
            "--dev-size",
            "5",
        ),
    )
    assert result.exit_code == 0, result.output
    assert before != 0.3
    assert json.loads((out / "config.json").read_text())["dropout"] == 0.3


def test_a_model_trained_from_scratch_has_no_previous_record(one_minute_run):
    out, result = one_minute_run
    assert result.exit_code == 0, result.output
    assert "previous" not in json.loads((out / "training.json").read_text())


def test_fine_tuning_from_an_unknown_model_is_one_clear_error(tmp_path):
    result = runner.invoke(
        app, _args(tmp_path / "out", "--init", "no/such-model", "--minutes", "1")
    )
    assert result.exit_code == 1
    assert "no/such-model" in result.output and "--model" in result.output


def test_split_digits_cuts_every_number_into_single_digits(tmp_path):
    import sentencepiece as spm

    out = tmp_path / "digits"
    result = runner.invoke(app, _args(out, "--split-digits", "--max-steps", "1", "--dev-size", "5"))
    assert result.exit_code == 0, result.output
    sp = spm.SentencePieceProcessor(model_file=str(out / "source.spm"))
    pieces = [p.lstrip("▁") for p in sp.encode("dola milioni 523.7 mwaka 2019", out_type=str)]
    assert [p for p in pieces if p and p[0].isdigit()] == ["5", "2", "3", "7", "2", "0", "1", "9"]
    assert json.loads((out / "training.json").read_text())["config"]["split_digits"] is True


def test_split_digits_with_init_is_one_clear_error(tiny_model_dir, tmp_path):
    result = runner.invoke(
        app, _args(tmp_path / "out", "--init", str(tiny_model_dir), "--split-digits")
    )
    assert result.exit_code == 1
    assert "split_digits" in result.output and "from scratch" in result.output


def test_a_reversed_run_records_that_it_writes_swahili(tiny_model_dir, tmp_path):
    # Fine-tuned from a sw→en model, an en→sw model must not inherit its label.
    forward = json.loads((tiny_model_dir / "tokenizer_config.json").read_text())
    assert (forward["source_lang"], forward["target_lang"]) == ("sw", "en")
    out = tmp_path / "en-sw"
    result = runner.invoke(
        app,
        _args(
            out, "--reverse", "--init", str(tiny_model_dir), "--max-steps", "3", "--dev-size", "5"
        ),
    )
    assert result.exit_code == 0, result.output
    for folder in (out, out / "checkpoint"):
        config = json.loads((folder / "tokenizer_config.json").read_text())
        assert (config["source_lang"], config["target_lang"]) == ("en", "sw")
    record = json.loads((out / "training.json").read_text())["config"]
    assert (record["source_lang"], record["target_lang"]) == ("en", "sw")
