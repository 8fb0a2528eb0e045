"""The ensemble teacher's English for distillation: consensus choice and the committed file."""

from __future__ import annotations

import importlib.util
import lzma
import unicodedata
from pathlib import Path

import pytest
from sacrebleu.metrics import CHRF

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
KD = REPO / "data" / "kd"


def _visible(text: str) -> bool:
    return any(unicodedata.category(ch)[0] not in "ZC" for ch in text)


def _teacher():
    spec = importlib.util.spec_from_file_location("teacher", KD / "teacher.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_consensus_is_the_candidate_the_others_agree_with_most():
    candidates = [
        "The minister arrived in Nairobi on Monday.",
        "The minister arrived at Nairobi on Monday.",
        "Minister came to the city yesterday.",
        "The minister arrived in Nairobi on Monday.",
    ]
    assert _teacher().consensus(candidates, CHRF()) == candidates[0]


def test_an_outlier_is_never_the_consensus():
    candidates = ["We will win.", "We will win!", "We won't win.", "We will win."]
    assert _teacher().consensus(candidates, CHRF()) != "We won't win."


def test_one_candidate_is_its_own_consensus():
    assert _teacher().consensus(["Only one."], CHRF()) == "Only one."


@pytest.mark.parametrize(
    ("english", "swahili", "lines"),
    [
        ("voa-swahili-sentences.ens4.en.xz", "news-sw/voa-swahili-sentences.sw", 8954),
        ("mafand-train.ens4.en.xz", "lafand-mt-en-sw/train.sw", 30782),
    ],
)
def test_the_committed_english_is_line_aligned_with_its_swahili(english, swahili, lines):
    source = SHARED / swahili
    if not source.exists():
        pytest.skip(f"needs ../shared/data/{swahili} beside the repository")
    english_lines = lzma.decompress((KD / english).read_bytes()).decode("utf-8").splitlines()
    swahili_lines = source.read_text(encoding="utf-8").splitlines()
    assert len(english_lines) == len(swahili_lines) == lines
    # A line gets English exactly where its Swahili shows something (MAFAND-MT train has two
    # lines holding only a direction mark, which is neither a space nor visible).
    for english_line, swahili_line in zip(english_lines, swahili_lines, strict=True):
        assert bool(english_line.strip()) == _visible(swahili_line)
