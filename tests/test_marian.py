"""The transformers back end and batch planning (the tiny model's English is noise)."""

from __future__ import annotations

import json
import shutil

import pytest

from translate.backend import Backend, DecodeOptions
from translate.batching import plan_batches
from translate.marian import MarianBackend
from translate.textio import InputError

FAST = DecodeOptions(beam=1, max_length=8)
SOURCES = [
    "Habari ya asubuhi.",
    "Kazakhstan na Ubelgiji hufanya mashauriano ya kisiasa juu ya kupanua uhusiano wa nchi mbili.",
    "Asante.",
    "Rais alisema serikali itaendelea kushirikiana na wananchi wote.",
]


@pytest.fixture(scope="module")
def backend(tiny_model_dir) -> MarianBackend:
    return MarianBackend(tiny_model_dir, device="cpu")


@pytest.mark.parametrize(
    ("lengths", "budget", "keys"),
    [
        ([5, 3, 9, 1, 7], 10, None),
        ([5, 3, 9, 1, 7], 100, None),
        ([50, 2, 2], 10, None),  # one input over budget still gets a batch of its own
        ([4, 4, 4, 4], 8, [0, 1, 0, 1]),
        ([], 10, None),
    ],
)
def test_plan_batches_covers_every_input_once_under_budget(lengths, budget, keys):
    batches = plan_batches(lengths, budget, keys)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= budget
        if keys is not None:
            assert len({keys[i] for i in batch}) == 1


def test_plan_batches_sorts_by_length():
    batches = plan_batches([9, 1, 5, 3], 1000)
    assert batches == [[1, 3, 2, 0]]


def test_backend_meets_the_protocol_and_reads_limits(backend, tiny_model_dir):
    assert isinstance(backend, Backend)
    assert backend.name == "transformers"
    assert backend.model_id == str(tiny_model_dir)
    config = json.loads((tiny_model_dir / "config.json").read_text())
    assert backend.max_input_tokens == min(512, config["max_position_embeddings"])
    assert backend.device == "cpu"


def test_count_tokens_includes_end_of_sentence(backend):
    counts = backend.count_tokens(["", "Habari", "Habari ya asubuhi"])
    assert counts[0] == 1
    assert counts[1] < counts[2]
    assert backend.count_tokens([]) == []


@pytest.mark.parametrize(("beam", "nbest"), [(1, 1), (2, 1), (3, 2), (4, 4)])
def test_translate_batch_returns_nbest_per_input_best_first(backend, beam, nbest):
    options = DecodeOptions(beam=beam, nbest=nbest, max_length=8)
    result = backend.translate_batch(SOURCES, options)
    assert len(result) == len(SOURCES)
    for hyps in result:
        assert len(hyps) == nbest
        scores = [h.score for h in hyps]
        assert scores == sorted(scores, reverse=True)
        assert all(s <= 0 for s in scores)  # length-normalised log-probabilities


def test_results_come_back_in_input_order_whatever_the_batching(backend):
    one_by_one = [backend.translate_batch([s], FAST)[0][0].text for s in SOURCES]
    reversed_batch = backend.translate_batch(
        SOURCES[::-1], DecodeOptions(beam=1, max_length=8, batch_tokens=40)
    )
    assert [h[0].text for h in reversed_batch[::-1]] == one_by_one


def test_batches_stay_under_the_token_budget(backend, monkeypatch):
    shapes: list[tuple[int, int]] = []
    generate = backend.model.generate

    def recording_generate(**kwargs):
        shapes.append(tuple(kwargs["input_ids"].shape))
        return generate(**kwargs)

    monkeypatch.setattr(backend.model, "generate", recording_generate)
    budget = 60
    backend.translate_batch(SOURCES * 3, DecodeOptions(beam=1, max_length=4, batch_tokens=budget))
    assert sum(rows for rows, _ in shapes) == len(SOURCES) * 3
    assert len(shapes) > 1
    assert all(rows == 1 or rows * width <= budget for rows, width in shapes)


@pytest.mark.parametrize("beam", [1, 3])
def test_forced_prefixes_start_the_output(backend, beam):
    prefixes = ["The minister", None, "Good", ""]
    result = backend.translate_batch(
        SOURCES, DecodeOptions(beam=beam, max_length=6), prefixes=prefixes
    )
    assert result[0][0].text.startswith("The minister")
    assert result[2][0].text.startswith("Good")
    assert len(result) == len(SOURCES)


def test_prefixes_must_match_the_inputs(backend):
    with pytest.raises(ValueError, match="prefixes"):
        backend.translate_batch(SOURCES, FAST, prefixes=["The"])


def test_an_input_over_the_model_limit_is_refused_not_truncated(backend):
    with pytest.raises(ValueError, match="split it first"):
        backend.translate_batch(["neno " * 2000], FAST)


def test_empty_batch(backend):
    assert backend.translate_batch([], FAST) == []


def test_unknown_hub_id_fails_at_once_naming_it():
    with pytest.raises(InputError, match="no-such-org/opus-mt-xx-yy.*--model FOLDER"):
        MarianBackend("no-such-org/opus-mt-xx-yy", device="cpu")


def test_folder_without_config_is_not_a_model(tmp_path):
    with pytest.raises(InputError, match="no config.json"):
        MarianBackend(tmp_path, device="cpu")


def test_broken_checkpoint_is_one_clear_error(tmp_path, tiny_model_dir):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model_dir, broken)
    (broken / "model.safetensors").unlink()
    with pytest.raises(InputError, match="cannot be loaded"):
        MarianBackend(broken, device="cpu")
