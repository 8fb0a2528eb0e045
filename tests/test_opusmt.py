"""Importing Marian-native OPUS-MT releases: a tiny release built here, converted by CTranslate2.

The fixture writes what a Tatoeba-Challenge zip holds: ``decoder.yml``, an ``.npz`` with
Marian's parameter names and shapes (random weights), a vocabulary ``.yml`` and two
SentencePiece models. Its English is noise; the tests check the contract.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.opusmt import import_release
from translate.textio import InputError

DIM, HEADS, FFN = 16, 2, 32

MODEL_YML = f"""type: transformer
enc-depth: 1
dec-depth: 1
dim-emb: {DIM}
transformer-heads: {HEADS}
transformer-dim-ffn: {FFN}
transformer-ffn-activation: swish
transformer-preprocess: ""
transformer-postprocess: dan
transformer-postprocess-emb: d
transformer-decoder-autoreg: self-attention
transformer-no-projection: false
transformer-guided-alignment-layer: last
tied-embeddings-all: true
"""


def _attention(rng, prefix: str) -> dict[str, np.ndarray]:
    out = {}
    for part in "qkvo":
        out[f"{prefix}_W{part}"] = rng.normal(0, 0.2, (DIM, DIM)).astype(np.float32)
        out[f"{prefix}_b{part}"] = np.zeros((1, DIM), np.float32)
    out[f"{prefix}_Wo_ln_scale"] = np.ones((1, DIM), np.float32)
    out[f"{prefix}_Wo_ln_bias"] = np.zeros((1, DIM), np.float32)
    return out


def _ffn(rng, prefix: str) -> dict[str, np.ndarray]:
    return {
        f"{prefix}_ffn_W1": rng.normal(0, 0.2, (DIM, FFN)).astype(np.float32),
        f"{prefix}_ffn_b1": np.zeros((1, FFN), np.float32),
        f"{prefix}_ffn_W2": rng.normal(0, 0.2, (FFN, DIM)).astype(np.float32),
        f"{prefix}_ffn_b2": np.zeros((1, DIM), np.float32),
        f"{prefix}_ffn_ffn_ln_scale": np.ones((1, DIM), np.float32),
        f"{prefix}_ffn_ffn_ln_bias": np.zeros((1, DIM), np.float32),
    }


def write_release(folder: Path, spm_dir: Path, *, emb_dim: int = DIM) -> Path:
    """A Marian-native release in ``folder``, with the SentencePiece models of ``spm_dir``."""
    folder.mkdir(parents=True)
    vocab = json.loads((spm_dir / "vocab.json").read_text(encoding="utf-8"))
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1]) if t != "<pad>"]
    lines = [f"{json.dumps(t, ensure_ascii=False)}: {i}" for i, t in enumerate(tokens)]
    (folder / "opus.spm.vocab.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes((spm_dir / name).read_bytes())
    rng = np.random.default_rng(0)
    weights = {"Wemb": rng.normal(0, 0.2, (len(tokens), emb_dim)).astype(np.float32)}
    weights.update(_attention(rng, "encoder_l1_self"))
    weights.update(_ffn(rng, "encoder_l1"))
    weights.update(_attention(rng, "decoder_l1_self"))
    weights.update(_attention(rng, "decoder_l1_context"))
    weights.update(_ffn(rng, "decoder_l1"))
    weights["decoder_ff_logit_out_b"] = np.zeros((1, len(tokens)), np.float32)
    weights["special:model.yml"] = np.frombuffer((MODEL_YML + "\0").encode(), dtype=np.int8)
    np.savez(folder / "opus.spm.transformer.model1.npz", **weights)
    (folder / "decoder.yml").write_text(
        "models:\n  - opus.spm.transformer.model1.npz\n"
        "vocabs:\n  - opus.spm.vocab.yml\n  - opus.spm.vocab.yml\n"
        "beam-size: 4\nnormalize: 1\nrelative-paths: true\n",
        encoding="utf-8",
    )
    (folder / "README.md").write_text("# swa-eng (test release)\n", encoding="utf-8")
    return folder


def zip_folder(folder: Path, zip_path: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(zip_path, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{folder.name}/{path.name}")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return zip_path


@pytest.fixture(scope="module")
def release(tmp_path_factory, tiny_model_dir) -> Path:
    return write_release(tmp_path_factory.mktemp("rel") / "swa-eng-test", tiny_model_dir)


@pytest.fixture()
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("TAFSIRI_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def run(args: list[str]):
    return CliRunner().invoke(app, args)


def test_an_imported_release_is_registered_and_translates_with_the_glossary(
    release, home, tmp_path
):
    result = run(["model", "import", str(release), "--name", "swa-eng"])
    assert result.exit_code == 0, result.output
    stored = home / "models" / "swa-eng"
    assert (stored / "model.bin").exists() and (stored / "source.spm").exists()
    assert (stored / "README.md").exists()
    assert "swa-eng" in run(["model", "list"]).output
    info = run(["model", "info", "swa-eng"]).output
    assert "ctranslate2 int8" in info and "opus-mt release" in info and "test release" in info
    article = tmp_path / "a.txt"
    article.write_text("Wizara ya Mambo ya Nje ya Ubelgiji ilitoa taarifa.\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["translate", str(article), "-o", str(out), "--model", "swa-eng", "--format", "jsonl"]
    result = run([*args, "--beam", "2", "--max-length", "24"])
    assert result.exit_code == 0, result.output
    assert "with ct2" in result.output
    (record,) = [json.loads(x) for x in (out / "a.jsonl").read_text().splitlines()]
    assert record["backend"] == "ct2"
    # The glossary works on any back end: each term is in the output or flagged.
    statuses = {t["sw"]: t["status"] for t in record["terms"]}
    assert {"Wizara ya Mambo ya Nje", "Ubelgiji"} <= set(statuses)
    for term in record["terms"]:
        assert term["found"] in record["translation"] or term["status"] in ("failed", "ambiguous")


def test_a_release_zip_imports_like_its_folder(release, home, tmp_path):
    archive = zip_folder(release, tmp_path / "swa-eng-2021.zip")
    result = run(["model", "import", str(archive)])
    assert result.exit_code == 0, result.output
    assert (home / "models" / "swa-eng-2021" / "model.bin").exists()


def test_the_transformers_back_end_says_an_imported_model_needs_ct2(release, home, tmp_path):
    assert run(["model", "import", str(release), "--name", "m"]).exit_code == 0
    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    result = run(
        ["translate", str(tmp_path / "a.txt"), "--model", "m", "--backend", "transformers"]
    )
    assert result.exit_code == 1 and "use --backend ct2" in result.output


def _fails_cleanly(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for needle in needles:
        assert needle in lines[0]


def test_a_missing_vocabulary_is_one_error_and_nothing_is_stored(release, home, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in release.iterdir():
        if not path.name.endswith(".vocab.yml"):
            (broken / path.name).write_bytes(path.read_bytes())
    _fails_cleanly(run(["model", "import", str(broken)]), "opus.spm.vocab.yml is missing")
    assert not (home / "models" / "broken").exists()


def test_weights_of_the_wrong_shape_are_one_error_and_nothing_is_stored(
    home, tmp_path, tiny_model_dir
):
    bad = write_release(tmp_path / "bad", tiny_model_dir, emb_dim=DIM + 3)
    _fails_cleanly(run(["model", "import", str(bad)]), "cannot convert these weights")
    assert not (home / "models" / "bad").exists()
    assert not [p for p in (home / "models").iterdir() if not p.name.startswith(".")]


def test_a_zip_with_parent_paths_is_refused_before_extracting(release, home, tmp_path):
    archive = zip_folder(release, tmp_path / "evil.zip", {"../../escaped.txt": b"x"})
    _fails_cleanly(run(["model", "import", str(archive)]), "unsafe path")
    assert not (tmp_path / "escaped.txt").exists() and not (home / "escaped.txt").exists()
    assert not (home / "models" / "evil").exists()


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"not a zip at all", "not a zip file"), (b"PK\x03\x04broken", "not a zip file")],
)
def test_a_file_that_is_not_a_release_zip_is_one_error(home, tmp_path, content, needle):
    path = tmp_path / "model.zip"
    path.write_bytes(content)
    _fails_cleanly(run(["model", "import", str(path)]), needle)


def test_a_folder_without_decoder_yml_is_not_a_release(home, tmp_path):
    (tmp_path / "empty").mkdir()
    _fails_cleanly(run(["model", "import", str(tmp_path / "empty")]), "no decoder.yml")


def test_the_api_refuses_names_with_slashes(release, tmp_path):
    with pytest.raises(ValueError, match="plain name"):
        import_release(release, tmp_path / "store", "../x")
    with pytest.raises(InputError, match="no such file"):
        import_release(tmp_path / "nope.zip", tmp_path / "store")
