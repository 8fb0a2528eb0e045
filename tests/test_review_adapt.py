"""``review adapt`` (issue 26 item 13): split, replay, budget, before/after report and the gate,
on the tiny random-weight model (structure only; benchmarks/adapt.py measures quality)."""

from __future__ import annotations

import json

import pytest

from review.adapt import AdaptOptions, _split, adapt_pairs
from translate.textio import InputError

SMALL = AdaptOptions(
    min_pairs=6,
    min_held_out=2,
    selection=3,
    min_replay=10,
    min_steps=2,
    max_steps=2,
    batch_tokens=200,
    threads=1,
)


def _pairs(n, tag):
    return [(f"Habari {tag} nambari {k} leo.", f"News {tag} number {k} today.") for k in range(n)]


def test_the_split_holds_pairs_out_and_is_stable():
    pairs = _pairs(50, "a")
    trained, held = _split(pairs, AdaptOptions())
    assert len(held) == 10 and not set(held) & set(trained) and len(trained) + len(held) == 50
    assert _split(pairs, AdaptOptions()) == (trained, held)


@pytest.mark.parametrize(("n", "steps"), [(20, 30), (5000, 30), (50000, 300), (200000, 600)])
def test_the_step_budget_follows_the_data(n, steps):
    assert AdaptOptions().steps_for(_pairs(n, "x")) == steps


def test_too_few_pairs_is_refused(tmp_path):
    with pytest.raises(InputError, match="only 3 approved pairs; adapt needs at least 20"):
        adapt_pairs(_pairs(3, "a"), tmp_path / "m", replay=_pairs(50, "r"), general=[])


def test_adapt_trains_scores_and_gates(tmp_path, tiny_model_dir):
    registered = []
    options = AdaptOptions(**{**SMALL.__dict__, "max_drop": 1000.0})
    result = adapt_pairs(
        _pairs(10, "edit"),
        tmp_path / "m",
        replay=_pairs(40, "replay") + _pairs(3, "edit"),  # approved sources are left out
        general=_pairs(4, "general"),
        base=tiny_model_dir,
        options=options,
        register=registered.append,
    )
    assert result.registered and registered == [tmp_path / "m"]
    assert (result.pairs, result.trained, result.held_out.segments) == (10, 8, 2)
    assert result.replay == 32 and result.steps == 2 and result.general.segments == 4
    for name in ("adapt.json", "adapt-held-out.html", "adapt-general.json", "adapt-split.json"):
        assert (tmp_path / "m" / name).exists()
    saved = json.loads((tmp_path / "m" / "adapt.json").read_text(encoding="utf-8"))
    assert saved["general"]["segments"] == 4 and "bleu_change" in saved["held_out"]
    assert "held-out approved pairs BLEU" in result.summary()
    # The same run with a gate no drop can pass (negative drops cannot happen below 0 BLEU
    # here only when the score rises): a model whose general BLEU falls is not registered.
    strict = AdaptOptions(**{**SMALL.__dict__, "max_drop": 0.0})
    again = adapt_pairs(
        _pairs(10, "edit"),
        tmp_path / "m",
        replay=_pairs(40, "replay"),
        general=_pairs(4, "general"),
        base=tiny_model_dir,
        options=strict,
        register=registered.append,
    )
    drop = again.general.bleu_before - again.general.bleu_after
    assert again.registered is (drop <= 0.0)
    assert again.registered or "general BLEU dropped" in again.reason
