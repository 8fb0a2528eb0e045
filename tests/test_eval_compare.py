"""The pairwise A-vs-B view: word diffs, the default pair, the ranking of differing segments."""

from __future__ import annotations

import pytest

from eval import EvalOptions, evaluate
from eval.compare import DiffOp, compare_pair, default_pair, word_diff
from tests.conftest import DATA


def _lines(name: str, n: int = 80) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").splitlines()[:n]


@pytest.mark.parametrize(
    ("a", "b", "ops"),
    [
        ("the cat sat", "the cat sat", [("equal", "the cat sat", "the cat sat")]),
        ("the cat", "the black cat", [("equal", "the", "the"), ("insert", "", "black"),
                                      ("equal", "cat", "cat")]),
        ("the black cat", "the cat", [("equal", "the", "the"), ("delete", "black", ""),
                                      ("equal", "cat", "cat")]),
        ("a dog barked", "a cat barked", [("equal", "a", "a"), ("replace", "dog", "cat"),
                                          ("equal", "barked", "barked")]),
        ("", "new words", [("insert", "", "new words")]),
        ("old words", "", [("delete", "old words", "")]),
        ("", "", []),
        # Whitespace is not a difference: tokens are compared.
        ("two  spaces ", "two spaces", [("equal", "two spaces", "two spaces")]),
    ],
)  # fmt: skip
def test_word_diff(a, b, ops):
    diff = word_diff(a, b)
    assert [(d.op, d.a, d.b) for d in diff] == ops
    assert " ".join(d.a for d in diff if d.a) == " ".join(a.split())
    assert " ".join(d.b for d in diff if d.b) == " ".join(b.split())


def test_word_diff_keeps_frequent_words_in_long_segments():
    # 300 tokens of 9 words: difflib's autojunk would ignore them all as "popular" and mark
    # everything after the change as replaced.
    a_words = " ".join(f"the w{i % 7} of" for i in range(100)).split()
    b_words = list(a_words)
    b_words[151] = "z"
    diff = word_diff(" ".join(a_words), " ".join(b_words))
    assert [(d.op, d.a, d.b) for d in diff if d.op != "equal"] == [("replace", a_words[151], "z")]


def test_diff_op_rejects_unknown_ops():
    with pytest.raises(ValueError, match="choose from equal, delete, insert, replace"):
        DiffOp("move", "a", "b")


@pytest.mark.parametrize(
    ("names", "scores", "higher", "pair"),
    [
        (["base"], {"base": 1.0}, True, None),
        (["base", "x", "y"], {"base": 5.0, "x": 3.0, "y": 4.0}, True, ("base", "y")),
        # The best other system may be worse than the baseline; it is still the best other.
        (["base", "x", "y"], {"base": 50.0, "x": 3.0, "y": 4.0}, True, ("base", "y")),
        # TER: lower is better.
        (["base", "x", "y"], {"base": 5.0, "x": 3.0, "y": 4.0}, False, ("base", "x")),
        # Ties go to the system listed first.
        (["base", "x", "y"], {"base": 0.0, "x": 4.0, "y": 4.0}, True, ("base", "x")),
    ],
)
def test_default_pair(names, scores, higher, pair):
    assert default_pair(names, scores, higher) == pair


@pytest.mark.parametrize(
    ("higher", "order", "counts"),
    [
        # gains B - A: seg0 +10, seg1 identical text (left out), seg2 -30, seg3 0, seg4 +30
        (True, [2, 4, 0, 3], (2, 1, 1)),
        # For TER the same numbers mean B got worse where its score went up.
        (False, [2, 4, 0, 3], (1, 2, 1)),
    ],
)
def test_compare_pair_ranks_by_size_of_change_and_counts_directions(higher, order, counts):
    hyps = {"A": ["a0", "same", "a2", "a3", "a4"], "B": ["b0", "same", "b2", "b3", "b4"]}
    scores = {"A": [40.0, 50.0, 60.0, 20.0, 10.0], "B": [50.0, 50.0, 30.0, 20.0, 40.0]}
    refs = [["r0", "r1", "r2", "r3", "r4"]]
    pc = compare_pair(("A", "B"), hyps, scores, refs, None, list("ddeee"), "chrf", higher, 10)
    assert [s.index for s in pc.segments] == order
    assert (pc.n_b_better, pc.n_a_better, pc.n_same_score) == counts
    assert pc.n_differ == 4
    first = pc.segments[0]
    assert (first.number, first.doc, first.a, first.b) == (3, "e", "a2", "b2")
    assert (first.a_score, first.b_score, first.difference) == (60.0, 30.0, -30.0)
    assert first.references == ("r2",) and first.source is None
    assert [s.index for s in compare_pair(
        ("A", "B"), hyps, scores, refs, None, None, "chrf", higher, 2
    ).segments] == order[:2]  # fmt: skip


def test_evaluate_builds_the_view_for_the_default_and_the_chosen_pair():
    refs = _lines("eval_ref200.en")
    systems = {s: _lines(f"eval_sys{s}200.en") for s in "ABC"}
    options = EvalOptions(n_bootstrap=0, n_ar=0, n_examples=5)
    report = evaluate(refs, systems, options=options)
    pc = report.comparison
    assert pc is not None and (pc.a, pc.b, pc.metric) == ("A", "B", "chrf")
    assert pc.n_differ == sum(a != b for a, b in zip(systems["A"], systems["B"], strict=True))
    assert pc.n_b_better + pc.n_a_better + pc.n_same_score == pc.n_differ
    a_scores = report.system("A").segment_scores["chrf"]
    for seg in pc.segments:
        assert seg.a_score == a_scores[seg.index]
        assert seg.b_score == report.system("B").segment_scores["chrf"][seg.index]
    changes = [abs(s.difference) for s in pc.segments]
    assert len(changes) == 5 and changes == sorted(changes, reverse=True)

    chosen = evaluate(
        refs, systems, options=EvalOptions(n_bootstrap=0, n_ar=0, compare=("C", "B"), baseline="B")
    )
    assert chosen.comparison is not None and (chosen.comparison.a, chosen.comparison.b) == (
        "C",
        "B",
    )
    alone = evaluate(refs, {"A": systems["A"]}, options=EvalOptions(n_bootstrap=0, n_ar=0))
    assert alone.comparison is None


@pytest.mark.parametrize(
    ("compare", "error", "message"),
    [
        (("A", "A"), ValueError, "two different systems"),
        (("A", "B", "C"), ValueError, "two different systems"),
    ],
)
def test_compare_option_is_checked(compare, error, message):
    with pytest.raises(error, match=message):
        EvalOptions(compare=compare)


def test_compare_names_must_be_systems():
    refs = _lines("eval_ref200.en", 10)
    with pytest.raises(ValueError, match="compare: 'Z' is not a system; systems are A, B"):
        evaluate(
            refs,
            {"A": refs, "B": refs},
            options=EvalOptions(n_bootstrap=0, n_ar=0, compare=("A", "Z")),
        )
