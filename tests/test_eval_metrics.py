"""eval scores are sacrebleu's: published expected values, sentence and document scores."""

from __future__ import annotations

import pytest
import sacrebleu

from eval import EvalOptions, MetricOptions, evaluate
from tests.conftest import DATA

NO_TESTS = {"n_bootstrap": 0, "n_ar": 0}

# sacrebleu's own test suite, test/test_bleu.py (mjpost/sacrebleu, `test_corpus_bleu_cases`): the
# README example, three hypotheses against two reference streams.
SACREBLEU_REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]
SACREBLEU_HYPS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]


@pytest.mark.parametrize(
    ("tokenize", "expected"),
    [
        ("13a", 48.530827),  # "test for default BLEU settings"
        ("none", 49.1919566),
        ("intl", 43.91623493),
    ],
)
def test_sacrebleu_published_bleu_reproduces(tokenize, expected):
    options = EvalOptions(
        metric_options=MetricOptions(metrics=("bleu",), bleu_tokenize=tokenize), **NO_TESTS
    )
    report = evaluate(SACREBLEU_REFS, {"sys": SACREBLEU_HYPS}, options=options)
    assert report.system("sys").scores["bleu"].score == pytest.approx(expected, abs=1e-6)
    assert report.metric("bleu").signature.startswith("nrefs:2|")


def test_default_options_reproduce_published_bleu_with_all_metrics():
    report = evaluate(SACREBLEU_REFS, {"sys": SACREBLEU_HYPS}, options=EvalOptions(**NO_TESTS))
    assert report.system("sys").scores["bleu"].score == pytest.approx(48.530827, abs=1e-6)
    assert [m.name for m in report.metrics] == ["BLEU", "chrF2++", "TER"]


# sacrebleu test/test_chrf.py, `test_cases` (corpus chrF, char_order=6, word_order=0, beta=3,
# eps_smoothing=True) and `test_sentence_level_chrf` (sentence_chrf with eps_smoothing=True).
# sacrebleu checks these to 1e-4; the cases kept here are published to enough digits for 1e-6
# (its "Die Beziehung..." case, 64.1302698, is 4.8e-5 off the exact value and is left out).
CHRF_CORPUS_CASES = [
    (
        [
            " risk assessment must be made of those who are qualified and expertise in the sector"
            " - these are the scientists ."
        ],
        [
            "risk assessment has to be undertaken by those who are qualified and expert in that "
            "area - that is the scientists ."
        ],
        63.361730,
    ),
    (
        ["Niemand hat die Absicht, eine Mauer zu errichten"],
        ["Niemand hat die Absicht, eine Mauer zu errichten"],
        100.0,
    ),
]
CHRF_SENTENCE_CASES = [
    (
        "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
        "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.",
        39.14078509,
    ),
    (
        "Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
        "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.",
        31.22557079,
    ),
    (
        "Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
        "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.",
        57.15704367,
    ),
]


@pytest.mark.parametrize(("hyps", "refs", "expected"), CHRF_CORPUS_CASES)
def test_sacrebleu_published_corpus_chrf_reproduces(hyps, refs, expected):
    metric_options = MetricOptions(
        metrics=("chrf",), chrf_word_order=0, chrf_beta=3, chrf_eps_smoothing=True
    )
    report = evaluate(
        refs, {"sys": hyps}, options=EvalOptions(metric_options=metric_options, **NO_TESTS)
    )
    assert report.system("sys").scores["chrf"].score == pytest.approx(expected, abs=1e-6)
    assert report.metric("chrf").name == "chrF3"


def test_sacrebleu_published_sentence_chrf_reproduces_as_segment_scores():
    hyps = [case[0] for case in CHRF_SENTENCE_CASES]
    refs = [case[1] for case in CHRF_SENTENCE_CASES]
    metric_options = MetricOptions(metrics=("chrf",), chrf_word_order=0, chrf_eps_smoothing=True)
    report = evaluate(
        refs, {"sys": hyps}, options=EvalOptions(metric_options=metric_options, **NO_TESTS)
    )
    segment = report.system("sys").segment_scores["chrf"]
    for got, (_, _, expected) in zip(segment, CHRF_SENTENCE_CASES, strict=True):
        assert got == pytest.approx(expected, abs=1e-6)


@pytest.fixture(scope="module")
def small_report():
    refs = (DATA / "eval_ref200.en").read_text(encoding="utf-8").splitlines()[:60]
    hyps = {
        "A": (DATA / "eval_sysA200.en").read_text(encoding="utf-8").splitlines()[:60],
        "C": (DATA / "eval_sysC200.en").read_text(encoding="utf-8").splitlines()[:60],
    }
    docs = [f"d{i // 25}" for i in range(60)]
    return refs, hyps, docs, evaluate(refs, hyps, doc_ids=docs, options=EvalOptions(**NO_TESTS))


@pytest.mark.parametrize(
    ("key", "sentence_fn"),
    [
        ("bleu", lambda h, r: sacrebleu.sentence_bleu(h, [r])),
        ("chrf", lambda h, r: sacrebleu.sentence_chrf(h, [r], word_order=2)),
        ("ter", lambda h, r: sacrebleu.sentence_ter(h, [r])),
    ],
)
def test_segment_scores_equal_sacrebleu_sentence_scores(small_report, key, sentence_fn):
    refs, hyps, _, report = small_report
    for name, outputs in hyps.items():
        got = report.system(name).segment_scores[key]
        assert len(got) == len(refs)
        expected = [sentence_fn(h, r).score for h, r in zip(outputs, refs, strict=True)]
        assert list(got) == expected


@pytest.mark.parametrize(
    ("key", "corpus_fn"),
    [
        ("bleu", lambda h, r: sacrebleu.corpus_bleu(h, [r])),
        ("chrf", lambda h, r: sacrebleu.corpus_chrf(h, [r], word_order=2)),
        ("ter", lambda h, r: sacrebleu.corpus_ter(h, [r])),
    ],
)
def test_corpus_and_document_scores_equal_sacrebleu_corpus_scores(small_report, key, corpus_fn):
    refs, hyps, docs, report = small_report
    assert [d.doc for d in report.documents] == ["d0", "d1", "d2"]
    for name, outputs in hyps.items():
        assert report.system(name).scores[key].score == corpus_fn(outputs, refs).score
        for doc in report.documents:
            idx = list(doc.segments)
            assert all(docs[i] == doc.doc for i in idx)
            expected = corpus_fn([outputs[i] for i in idx], [refs[i] for i in idx]).score
            assert doc.scores[name][key] == expected


def test_documents_partition_the_segments(small_report):
    refs, _, _, report = small_report
    covered = sorted(i for d in report.documents for i in d.segments)
    assert covered == list(range(len(refs)))


def test_empty_hypotheses_are_scored_not_dropped():
    report = evaluate(SACREBLEU_REFS, {"empty": ["", "", ""]}, options=EvalOptions(**NO_TESTS))
    assert report.system("empty").scores["bleu"].score == 0.0
    assert len(report.system("empty").segment_scores["ter"]) == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metrics": ()}, "at least one"),
        ({"metrics": ("bleu", "comet")}, "unknown metric 'comet'"),
        ({"metrics": ("bleu", "bleu")}, "twice"),
        ({"bleu_tokenize": "moses"}, "unknown BLEU tokenizer"),
        ({"chrf_word_order": -1}, "chrf_word_order"),
        ({"chrf_beta": 0}, "chrf_beta"),
    ],
)
def test_metric_options_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MetricOptions(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_bootstrap": 1}, "n_bootstrap"),
        ({"n_ar": -1}, "n_ar"),
        ({"seed": 0}, "seed must be a positive"),
        ({"alpha": 1.5}, "alpha"),
        ({"length_edges": (20, 10)}, "length_edges"),
        (
            {"analysis_metric": "ter", "metric_options": MetricOptions(metrics=("bleu",))},
            "analysis_metric",
        ),
    ],
)
def test_eval_options_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        EvalOptions(**kwargs)


@pytest.mark.parametrize(
    ("systems", "kwargs", "message"),
    [
        ({}, {}, "at least one system"),
        ({"a": ["x"]}, {}, "has 1 segments but the references have 3"),
        ({"a": SACREBLEU_HYPS}, {"sources": ["x"]}, "sources has 1"),
        (
            {"a": SACREBLEU_HYPS},
            {"options": EvalOptions(baseline="b", **NO_TESTS)},
            "baseline 'b' is not a system",
        ),
    ],
)
def test_evaluate_refuses_inconsistent_inputs(systems, kwargs, message):
    with pytest.raises(ValueError, match=message):
        evaluate(SACREBLEU_REFS, systems, **kwargs)
