"""Corpus specs: several corpora, weights that repeat them, tags on synthetic sources."""

from __future__ import annotations

import lzma

import pytest

from translate.corpus import read_corpus_spec
from translate.textio import InputError


@pytest.fixture()
def spec(tmp_path):
    (tmp_path / "real.sw").write_text("Habari.\nAsante.\n", encoding="utf-8")
    (tmp_path / "real.en").write_text("News.\nThanks.\n", encoding="utf-8")
    (tmp_path / "bt.sw.xz").write_bytes(lzma.compress(b"Karibu.\n\n"))
    (tmp_path / "bt.en").write_text("Welcome.\nDropped.\n", encoding="utf-8")
    path = tmp_path / "train.spec"
    path.write_text(
        "# weight tag files\n2 - real.sw real.en\n\n1 <bt> bt.sw.xz bt.en  # synthetic\n",
        encoding="utf-8",
    )
    return path


def test_weights_repeat_tags_prefix_and_empty_pairs_are_dropped(spec):
    corpus, parts = read_corpus_spec(spec)
    assert corpus.sources == ("Habari.", "Asante.", "Habari.", "Asante.", "<bt> Karibu.")
    assert corpus.targets == ("News.", "Thanks.", "News.", "Thanks.", "Welcome.")
    assert [(p.weight, p.tag, p.pairs, p.dropped) for p in parts] == [
        (2, "", 2, 0),
        (1, "<bt>", 1, 1),
    ]


def test_reverse_swaps_sides_before_tagging(spec):
    corpus, _ = read_corpus_spec(spec, reverse=True)
    assert corpus.sources[0] == "News." and corpus.targets[0] == "Habari."
    assert corpus.sources[-1] == "<bt> Welcome." and corpus.targets[-1] == "Karibu."


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("0 - a b", "weight ≥ 1"),
        ("x - a b", "expected 'WEIGHT TAG FILE"),
        ("1 -", "expected 'WEIGHT TAG FILE"),
        ("1 - missing.sw missing.en", "missing.sw: no such file"),
    ],
)
def test_bad_lines_name_the_spec_and_line_or_the_file(tmp_path, line, message):
    path = tmp_path / "bad.spec"
    path.write_text(f"# ok\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_corpus_spec(path)


def test_a_corrupt_compressed_file_is_one_clear_error(tmp_path):
    (tmp_path / "a.sw.xz").write_bytes(b"not xz")
    (tmp_path / "a.en").write_text("x\n", encoding="utf-8")
    (tmp_path / "s.spec").write_text("1 - a.sw.xz a.en\n", encoding="utf-8")
    with pytest.raises(InputError, match="a.sw.xz: cannot decompress"):
        read_corpus_spec(tmp_path / "s.spec")
