"""The CTranslate2 back end: same contract and same outputs as transformers, cached conversions.

The tiny random model's English is noise, so parity is checked token for token: at float32,
greedy CTranslate2 must produce exactly what ``MarianMTModel.generate`` produces.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from translate.backend import DecodeOptions, load_backend
from translate.ct2 import MANIFEST, CT2Backend, NotConvertible, convert_model
from translate.marian import MarianBackend
from translate.textio import InputError

SOURCES = [
    "Rais alizungumza na waandishi wa habari.",
    "Wizara ya Mambo ya Nje ilitoa taarifa jana.",
    "Habari.",
    "Mkutano huo ulifanyika Dodoma, mji mkuu wa Tanzania, mwezi uliopita.",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ct2-cache")


@pytest.fixture(scope="module")
def hf(tiny_model_dir) -> MarianBackend:
    return MarianBackend(tiny_model_dir, device="cpu", threads=1)


@pytest.fixture(scope="module")
def ct2_f32(tiny_model_dir, cache) -> CT2Backend:
    return CT2Backend(
        tiny_model_dir, device="cpu", threads=1, compute_type="float32", cache_dir=cache
    )


def test_float32_greedy_output_is_exactly_the_transformers_output(hf, ct2_f32):
    options = DecodeOptions(beam=1, max_length=20)
    ours = [h[0].text for h in ct2_f32.translate_batch(SOURCES, options)]
    theirs = [h[0].text for h in hf.translate_batch(SOURCES, options)]
    assert ours == theirs


def test_forced_prefixes_start_the_output_as_in_transformers(hf, ct2_f32):
    options = DecodeOptions(beam=1, max_length=12)
    prefixes = ["Belgium", None, "The", "Ministry of Foreign Affairs"]
    # One input per call: batch-mates share a length cap, and the two back ends group
    # prefixes differently (transformers by prefix length, CTranslate2 all together).
    for source, prefix in zip(SOURCES, prefixes, strict=True):
        (ours,) = ct2_f32.translate_batch([source], options, [prefix])
        (theirs,) = hf.translate_batch([source], options, [prefix])
        assert ours[0].text == theirs[0].text
    mixed = ct2_f32.translate_batch(SOURCES, options, prefixes)
    for prefix, hyps in zip(prefixes, mixed, strict=True):
        assert hyps[0].text.startswith(prefix or "")


def test_nbest_lists_are_sized_and_ranked(ct2_f32):
    options = DecodeOptions(beam=4, nbest=3, max_length=10)
    for hyps in ct2_f32.translate_batch(SOURCES, options):
        assert len(hyps) == 3
        assert [h.score for h in hyps] == sorted((h.score for h in hyps), reverse=True)


def test_token_counts_and_limits_match_transformers(hf, ct2_f32):
    assert ct2_f32.count_tokens(SOURCES) == hf.count_tokens(SOURCES)
    assert ct2_f32.max_input_tokens == hf.max_input_tokens
    assert ct2_f32.fingerprint == hf.fingerprint


def test_over_long_input_is_refused_not_truncated(ct2_f32):
    long = " ".join(["habari"] * (ct2_f32.max_input_tokens + 5))
    with pytest.raises(ValueError, match="split it first"):
        ct2_f32.translate_batch([long], DecodeOptions(beam=1))


def test_int8_is_the_default_on_cpu_and_says_so(tiny_model_dir, cache):
    backend = CT2Backend(tiny_model_dir, device="cpu", threads=1, cache_dir=cache)
    assert backend.compute_type.startswith("int8")
    assert backend.description.startswith("ct2 int8") and "1 threads" in backend.description
    (hyps,) = backend.translate_batch(["Habari za leo."], DecodeOptions(beam=2, max_length=8))
    assert isinstance(hyps[0].text, str)


# -- conversion cache --------------------------------------------------------------------------


def test_a_current_conversion_is_reused_and_a_changed_source_is_converted_again(
    tiny_model_dir, tmp_path
):
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    cache = tmp_path / "cache"
    first = convert_model(model, "int8", cache)
    assert not first.reused and (first.path / "model.bin").exists()
    manifest = json.loads((first.path / MANIFEST).read_text())
    assert manifest["source_fingerprint"] == first.source_fingerprint
    assert manifest["quantization"] == "int8" and "ctranslate2" in manifest["versions"]
    again = convert_model(model, "int8", cache)
    assert again.reused and again.path == first.path
    # New weights (as after more training): a new fingerprint, a new conversion.
    weights = model / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-100] ^= 0xFF
    weights.write_bytes(bytes(data))
    changed = convert_model(model, "int8", cache)
    assert not changed.reused and changed.source_fingerprint != first.source_fingerprint


def test_a_conversion_shipped_in_the_model_folder_is_used_without_converting(
    tiny_model_dir, tmp_path
):
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    shipped = convert_model(model, "int8", tmp_path / "c1", out=model / "ct2-int8")
    assert shipped.path == model / "ct2-int8"
    found = convert_model(model, "int8", tmp_path / "c2")
    assert found.reused and found.path == model / "ct2-int8"
    assert not (tmp_path / "c2" / "ct2").exists()


def test_the_embedded_model_ships_a_current_int8_conversion(tmp_path):
    from translate.model_catalog import default_model

    conversion = convert_model(default_model(), "int8", tmp_path)
    assert conversion.reused and conversion.path.parent == default_model()


def test_a_failed_conversion_leaves_no_half_written_folder(tiny_model_dir, tmp_path, monkeypatch):
    def explode(folder, out, quantization):
        (out / "model.bin").write_bytes(b"partial")
        raise NotConvertible(f"{folder}: CTranslate2 cannot convert it (boom)")

    monkeypatch.setattr("translate.ct2._run_converter", explode)
    cache = tmp_path / "cache"
    with pytest.raises(NotConvertible, match="boom"):
        convert_model(tiny_model_dir, "int8", cache)
    assert not any(p.name.endswith("-int8") for p in (cache / "ct2").iterdir())


def _with_config(src: Path, dst: Path, **changes) -> Path:
    shutil.copytree(src, dst)
    config = json.loads((dst / "config.json").read_text())
    config.update(changes)
    (dst / "config.json").write_text(json.dumps(config))
    return dst


def test_a_checkpoint_not_in_the_opus_mt_layout_is_not_convertible(tiny_model_dir, tmp_path):
    odd = _with_config(tiny_model_dir, tmp_path / "odd", pad_token_id=1)
    with pytest.raises(NotConvertible, match="OPUS-MT layout"):
        convert_model(odd, "int8", tmp_path / "cache")


@pytest.mark.parametrize("quantization", ["int4", "bf16", ""])
def test_unknown_quantizations_list_the_choices(tiny_model_dir, tmp_path, quantization):
    with pytest.raises(ValueError, match="int8, int8_float32, float16, float32"):
        convert_model(tiny_model_dir, quantization, tmp_path)


# -- the registry --------------------------------------------------------------------------------


def test_the_registry_builds_each_back_end_by_name(tiny_model_dir, cache):
    ct2 = load_backend("ct2", tiny_model_dir, device="cpu", threads=1, cache_dir=cache)
    hf = load_backend("transformers", tiny_model_dir, device="cpu", threads=1)
    assert (ct2.name, hf.name) == ("ct2", "transformers")
    assert ct2.fingerprint == hf.fingerprint


def test_auto_prefers_ct2_and_falls_back_when_the_model_does_not_convert(
    tiny_model_dir, tmp_path, caplog
):
    assert load_backend("auto", tiny_model_dir, device="cpu", cache_dir=tmp_path).name == "ct2"
    odd = _with_config(tiny_model_dir, tmp_path / "odd", pad_token_id=1)
    with caplog.at_level("INFO", logger="translate.backend"):
        backend = load_backend("auto", odd, device="cpu", cache_dir=tmp_path)
    assert backend.name == "transformers"
    assert "OPUS-MT layout" in caplog.text and "using transformers" in caplog.text


def test_auto_does_not_hide_a_model_that_cannot_be_found(tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        load_backend("auto", tmp_path / "missing", cache_dir=tmp_path)


@pytest.mark.parametrize("name", ["ct3", "onnx", ""])
def test_unknown_back_ends_list_the_choices(tiny_model_dir, name):
    with pytest.raises(ValueError, match="auto, transformers, ct2"):
        load_backend(name, tiny_model_dir)


def test_transformers_refuses_a_quantization_it_cannot_run(tiny_model_dir):
    with pytest.raises(ValueError, match="--backend ct2"):
        load_backend("transformers", tiny_model_dir, compute_type="int8")


def test_threads_are_the_back_ends_business(tiny_model_dir, cache):
    backend = load_backend("ct2", tiny_model_dir, device="cpu", threads=2, cache_dir=cache)
    assert backend.threads == 2 and "2 threads" in backend.description
    with pytest.raises(ValueError, match="threads"):
        load_backend("ct2", tiny_model_dir, threads=-1, cache_dir=cache)
