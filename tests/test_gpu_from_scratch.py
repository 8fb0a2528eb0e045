"""benchmarks/gpu_from_scratch.py, the one-call GPU run of issue 24, rehearsed on the CPU.

A lent GPU gives 15 minutes and no second chance, so what the call does there is tried here
with a tiny shape and the test data: both stages, the averages, the float16 weights in parts
the device tool brings back, and joining them into a model that translates.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "gpu_from_scratch.py"
TINY = {"d_model": 32, "encoder_layers": 1, "decoder_layers": 1, "heads": 2, "ffn_dim": 64}


@pytest.fixture(scope="module")
def device_output(tmp_path_factory, tiny_model_dir) -> tuple[Path, subprocess.CompletedProcess]:
    tmp = tmp_path_factory.mktemp("gpu")
    spec = tmp / "tiny.spec"
    spec.write_text(
        f"1 - {DATA / 'lafand-train-500.sw'} {DATA / 'lafand-train-500.en'}\n", encoding="utf-8"
    )
    out = tmp / "out"
    # A minute in all, on the CPU, in float32 (bf16 autocast on a CPU is slow, and its
    # own test is in test_train.py).
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "train",
            "--out",
            str(out),
            "--work",
            str(tmp / "work"),
            "--stage-a",
            str(spec),
            "--stage-b",
            str(spec),
            "--tokenizer",
            str(tiny_model_dir),
            "--shape",
            json.dumps(TINY),
            "--deadline",
            "1",
            "--reserve",
            "0.2",
            "--dev",
            str(DATA / "lafand-dev-40.sw"),
            str(DATA / "lafand-dev-40.en"),
            "--dev-size",
            "10",
            "--batch-tokens",
            "800",
            "--device",
            "cpu",
            "--precision",
            "fp32",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out, done


def test_the_run_trains_both_stages_within_its_deadline(device_output):
    out, done = device_output
    assert done.returncode == 0, done.stderr[-2000:]
    log = (out / "log.txt").read_text(encoding="utf-8")
    assert "a: averaged" in log and "b: averaged" in log
    minutes = float(log.strip().splitlines()[-1].split("done in ")[1].split()[0])
    assert minutes <= 1
    for stage in ("a", "b"):
        record = json.loads((out / f"training-{stage}.json").read_text(encoding="utf-8"))
        assert record["train_origin"].endswith("tiny.spec") and record["curve"]
    # Stage B starts from stage A's average, at a quarter of its learning rate.
    record_b = json.loads((out / "training-b.json").read_text(encoding="utf-8"))
    assert record_b["config"]["init"].endswith("a-avg")
    assert record_b["config"]["peak_lr"] == pytest.approx(8e-4 / 4)


def test_the_parts_fit_what_the_device_tool_brings_back(device_output):
    out, _ = device_output
    files = [p for p in out.iterdir() if p.is_file()]
    assert 1 <= len(files) <= 8
    assert all(p.stat().st_size < 16 * 2**20 for p in files)


def test_the_parts_join_into_a_float16_model_that_translates(device_output, tmp_path):
    from transformers import MarianMTModel, MarianTokenizer

    out, _ = device_output
    parts = sorted(out.glob("model.tar.part*"))
    subprocess.run(
        [sys.executable, str(SCRIPT), "unpack", *map(str, parts), "-o", str(tmp_path)], check=True
    )
    folder = tmp_path / "model"
    model = MarianMTModel.from_pretrained(folder)
    assert str(model.dtype) == "torch.float16"
    assert model.config.d_model == TINY["d_model"] and model.config.encoder_layers == 1
    assert "averaged" in json.loads((folder / "training.json").read_text(encoding="utf-8"))
    tokenizer = MarianTokenizer.from_pretrained(folder)
    ids = model.float().generate(**tokenizer(["Habari za asubuhi."], return_tensors="pt"))
    assert ids.shape[0] == 1 and ids.shape[1] >= 2


def test_unpack_without_parts_is_one_clear_error(tmp_path):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "unpack", str(tmp_path / "log.txt"), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "error: no model.tar.partNN files given"


def test_every_file_the_v7_specs_name_is_there_to_pack():
    sys.path.insert(0, str(SCRIPT.parent))
    from gpu_from_scratch import SPECS, _spec_files

    for spec in ("sw-en-v7.spec", "real.spec"):
        files = _spec_files(SPECS / spec)
        assert files
        missing = [f for f in files if not f.exists() and "data/bible" not in f.as_posix()]
        assert not missing, missing


def test_the_training_path_imports_nothing_the_device_image_lacks():
    # The device image has torch, transformers, sentencepiece, sacrebleu, lxml, jinja2 and
    # typer, and nothing can be installed there: CTranslate2 and sentencex must stay out.
    code = (
        "import sys; sys.path.insert(0, 'benchmarks'); import gpu_from_scratch; "
        "import translate.corpus, translate.train, translate.averaging, translate.model_catalog; "
        "print(sorted(m for m in ('ctranslate2', 'sentencex', 'starlette', 'uvicorn') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
