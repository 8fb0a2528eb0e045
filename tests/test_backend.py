"""Decode options: validation and the source-relative output length cap."""

from __future__ import annotations

import pytest

from translate.backend import DecodeOptions


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"beam": 0}, "beam must be at least 1"),
        ({"beam": 2, "nbest": 3}, "nbest must be between 1 and beam"),
        ({"max_length": 0}, "must be positive"),
        ({"max_length_ratio": -1}, "max_length_ratio must be 0"),
    ],
)
def test_bad_options_are_refused_with_the_allowed_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DecodeOptions(**kwargs)


@pytest.mark.parametrize(
    ("ratio", "source_tokens", "limit"),
    [(2.0, 5, 20), (2.0, 200, 256), (1.5, 20, 40), (0, 5, 256)],
)
def test_output_length_is_capped_relative_to_the_source(ratio, source_tokens, limit):
    assert (
        DecodeOptions(max_length=256, max_length_ratio=ratio).length_limit(source_tokens) == limit
    )


def test_a_model_that_never_stops_is_cut_at_the_source_relative_cap(tiny_model_dir):
    from translate.marian import MarianBackend

    backend = MarianBackend(str(tiny_model_dir), device="cpu")
    source = "Rais alizungumza na waandishi wa habari."
    (n_source,) = backend.count_tokens([source])
    options = DecodeOptions(beam=1, max_length=200, max_length_ratio=1.0)
    (hyps,) = backend.translate_batch([source], options)
    produced = len(backend.tokenizer(text_target=hyps[0].text)["input_ids"])
    # The random fixture model rarely emits </s>: the cap, not max_length, ends it.
    assert produced <= n_source + 10 + 1


SPECIALS = frozenset({"</s>", "<pad>"})


@pytest.mark.parametrize(
    "tgt, attention, links",
    [
        # each target piece links to its most-attended source piece, in characters
        (
            ["▁Brussels", "▁yesterday"],
            [[0.1, 0.8, 0.1, 0.0], [0.1, 0.1, 0.7, 0.1]],
            ((0, 8, 8, 16), (9, 18, 17, 21)),
        ),
        # the special </s> column is never linked to, however much it is attended
        (["▁Brussels"], [[0.1, 0.2, 0.1, 0.9]], ((0, 8, 8, 16),)),
        # fewer attention rows than target pieces: no alignment
        (["▁Brussels", "▁yesterday"], [[0.1, 0.8, 0.1, 0.0]], None),
        # pieces that are not in the text as written: no alignment
        (["▁Bruxelles"], [[0.1, 0.8, 0.1, 0.0]], None),
    ],
)
def test_attention_links(tgt, attention, links):
    from translate.backend import attention_links

    source, src = "Mkutano Brussels jana", ["▁Mkutano", "▁Brussels", "▁jana", "</s>"]
    translation = "Brussels yesterday"
    assert attention_links(source, src, translation, tgt, attention, SPECIALS) == links
