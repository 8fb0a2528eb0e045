"""The ensemble teacher's English for distillation: consensus choice and the committed file."""

from __future__ import annotations

import importlib.util
import lzma
from pathlib import Path

import pytest
from sacrebleu.metrics import CHRF

REPO = Path(__file__).resolve().parent.parent
VOA = REPO.parent / "shared" / "data" / "news-sw" / "voa-swahili-sentences.sw"


def _teacher():
    spec = importlib.util.spec_from_file_location("teacher", REPO / "data" / "kd" / "teacher.py")
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


@pytest.mark.skipif(not VOA.exists(), reason="needs ../shared/data/news-sw beside the repository")
def test_the_committed_english_is_line_aligned_with_the_voa_swahili():
    english = lzma.decompress((REPO / "data/kd/voa-swahili-sentences.ens4.en.xz").read_bytes())
    english_lines = english.decode("utf-8").splitlines()
    swahili_lines = VOA.read_text(encoding="utf-8").splitlines()
    assert len(english_lines) == len(swahili_lines) == 8954
    assert all(line.strip() for line in english_lines)
