"""One settings record for signatures and resume keys (translate/settings.py)."""

from __future__ import annotations

import dataclasses

import pytest

from translate.backend import DecodeOptions
from translate.degenerate import DEFAULT_CHECK
from translate.pipeline import TranslationInfo
from translate.settings import OutputSettings, model_name

SETTINGS = OutputSettings(
    model="/home/someone/tafsiri/translate/embedded/sw-en-compact",
    fingerprint="92ef2a84091a0365",
    backend="auto",
    compute_type="default",
    decode=DecodeOptions(),
    max_segment_tokens=200,
    glossary="4f1959bcd626c21fd0821a4dbc286c0b82e7524be446b85c0cb899e807bbefa9",
    degenerate="1.3/3+doubled",
)


@pytest.mark.parametrize(
    ("fmt", "markdown", "key"),
    [("txt", False, "eae91940dbb59021"), ("md", True, "0394f1f136ed79c5")],
)
def test_text_resume_keys_are_those_earlier_manifests_hold(fmt, markdown, key):
    # Computed with translate.jobs.RunSettings before the settings moved here: finished
    # text outputs stay finished across the change.
    assert SETTINGS.key(fmt, markdown) == key


def test_jsonl_runs_from_before_the_trust_flags_are_redone():
    # The key earlier manifests hold for this JSONL run: its records lack flags and confidence.
    assert SETTINGS.key("jsonl", True) != "6aacda8e18869ae0"


def test_marked_output_has_its_own_key():
    assert SETTINGS.key("txt", mark=True) != SETTINGS.key("txt")


def test_the_key_names_the_model_folder_not_its_path():
    moved = dataclasses.replace(SETTINGS, model="/elsewhere/sw-en-compact")
    assert moved.key("txt") == SETTINGS.key("txt")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("compute_type", "float16"),
        ("backend", "transformers"),
        ("fingerprint", "0000000000000000"),
        ("decode", DecodeOptions(beam=5)),
        ("max_segment_tokens", 100),
        ("glossary", None),
        ("degenerate", None),
        ("trust", False),
    ],
)
def test_every_setting_changes_both_the_signature_and_the_key(field, value):
    other = dataclasses.replace(SETTINGS, **{field: value})
    assert other.signature() != SETTINGS.signature()
    assert other.key("txt") != SETTINGS.key("txt")


def test_int8_and_float16_runs_get_different_signatures():
    info = TranslationInfo("sw-en-compact", "ct2", "cpu", DecodeOptions(), 200)
    cpu = dataclasses.replace(info, compute_type="int8_float32")
    gpu = dataclasses.replace(info, device="cuda:0", compute_type="float16")
    assert "|ct:int8_float32|" in cpu.signature() and "|ct:float16|" in gpu.signature()
    assert cpu.signature() != gpu.signature()
    # The device alone changes speed, not the words.
    assert dataclasses.replace(cpu, device="cuda:0").signature() == cpu.signature()


def test_the_signature_is_the_settings_signature():
    info = TranslationInfo(
        "sw-en-compact",
        "ct2",
        "cpu",
        DecodeOptions(beam=2),
        200,
        glossary="abc",
        fingerprint="f00d",
        degenerate=DEFAULT_CHECK,
        compute_type="int8",
    )
    settings = info.settings
    assert info.signature() == settings.signature()
    assert settings.degenerate == DEFAULT_CHECK.signature() and settings.compute_type == "int8"


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("/home/someone/tafsiri/translate/embedded/sw-en-compact", "sw-en-compact"),
        ("runs/models/sw-en/", "sw-en"),
        (
            "/root/.cache/huggingface/hub/models--Helsinki-NLP--opus-mt-swc-en/snapshots/0a1b2c",
            "Helsinki-NLP/opus-mt-swc-en",
        ),
        ("Helsinki-NLP/opus-mt-swc-en", "Helsinki-NLP/opus-mt-swc-en"),
        ("sw-en-compact", "sw-en-compact"),
        ("C:\\models\\sw-en", "sw-en"),
    ],
)
def test_model_names_never_carry_a_local_path(given, name):
    assert model_name(given) == name


def test_an_existing_relative_folder_is_named_by_its_base_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models" / "sw-en").mkdir(parents=True)
    assert model_name("models/sw-en") == "sw-en"
