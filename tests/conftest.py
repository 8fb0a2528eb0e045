"""Shared fixtures. No test downloads weights: the tiny model is built here from tests/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tiny models gain nothing from threads; one per test process keeps runs predictable.
os.environ.setdefault("OMP_NUM_THREADS", "1")

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED_ARTICLE = REPO / "seeds" / "kazakhstan-belgium-consultations.sw.txt"


class StubBackend:
    """The :class:`translate.backend.Backend` attributes, once, for every test fake back end.

    Subclass it and write ``translate_batch`` (and override an attribute where a test needs
    it); :class:`WrappedBackend` forwards to a real back end instead.
    """

    model_id = name = fingerprint = description = "stub"
    device = "cpu"
    max_input_tokens = 512
    compute_type = "float32"

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]


class WrappedBackend(StubBackend):
    """A real back end behind a fake's face: its attributes, its tokens and its decodes."""

    def __init__(self, inner) -> None:
        self.inner = inner
        for name in ("model_id", "name", "device", "fingerprint", "max_input_tokens"):
            setattr(self, name, getattr(inner, name))
        self.description, self.compute_type = inner.description, inner.compute_type

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self.inner.count_tokens(texts)

    def translate_batch(self, texts, options, prefixes=None):
        return self.inner.translate_batch(texts, options, prefixes)


def _read(name: str) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").splitlines()


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """CTranslate2 conversions go to a per-session folder, never the user's cache."""
    cache = tmp_path_factory.getbasetemp() / "tafsiri-cache"
    monkeypatch.setenv("TAFSIRI_CACHE", str(cache))
    monkeypatch.setattr("translate.ct2.default_cache_dir", lambda: cache)


@pytest.fixture(scope="session")
def train_pairs() -> tuple[list[str], list[str]]:
    """500 real MAFAND-MT training pairs (Swahili, English)."""
    return _read("lafand-train-500.sw"), _read("lafand-train-500.en")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, train_pairs) -> Path:
    """A random-weight MarianMT checkpoint laid out like OPUS-MT (pad last, pad starts decoding).

    Built with the same functions ``tafsiri train`` uses, saved with ``save_pretrained`` and
    loaded by tests through the normal model-loading path. Its English is noise: tests check
    structure, never wording.
    """
    import torch
    from transformers import MarianMTModel

    from translate.train import TrainConfig, build_marian_config, build_tokenizer_files

    out = tmp_path_factory.mktemp("tiny-marian")
    sources, targets = train_pairs
    vocab_size = build_tokenizer_files(sources, targets, out, vocab_size=600, joint=True)
    cfg = TrainConfig(
        vocab_size=600,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        attention_heads=2,
        ffn_dim=64,
    )
    torch.manual_seed(0)
    model = MarianMTModel(build_marian_config(cfg, vocab_size))
    gen = model.generation_config
    gen.num_beams, gen.max_length = 2, 64
    gen.bad_words_ids = [[vocab_size - 1]]
    model.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def seed_article() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")
