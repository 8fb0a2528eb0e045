"""eval's numbers agree with the sacrebleu command line and with sacrebleu's PairedTest."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from eval import EvalOptions, evaluate
from tests.conftest import DATA

SACREBLEU = [sys.executable, "-m", "sacrebleu"]
METRIC_ARGS = ["-m", "bleu", "chrf", "ter", "--chrf-word-order", "2"]
KEYS = ("bleu", "chrf", "ter")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """MAFAND test references (first 200 lines) and three perturbed systems.

    ``close`` is system A with every 15th segment taken from B, so that its p-values against A
    are far from the floor and a wrong resampling would show.
    """
    out = tmp_path_factory.mktemp("eval-stats")
    paths = {
        "ref": DATA / "eval_ref200.en",
        "A": DATA / "eval_sysA200.en",
        "B": DATA / "eval_sysB200.en",
    }
    a, b = _lines(paths["A"]), _lines(paths["B"])
    close = [b[i] if i % 15 == 0 else a[i] for i in range(len(a))]
    paths["close"] = out / "close.en"
    paths["close"].write_text("\n".join(close) + "\n", encoding="utf-8")
    return paths


def _run_sacrebleu(args: list[str], seed: int | None = None) -> str:
    env = dict(os.environ)
    env.pop("SACREBLEU_FORMAT", None)
    if seed is not None:
        env["SACREBLEU_SEED"] = str(seed)
    proc = subprocess.run([*SACREBLEU, *args], capture_output=True, text=True, env=env, check=True)
    return proc.stdout


def _parse_paired_table(text: str) -> list[dict]:
    """Rows of ``sacrebleu --paired-bs -f text``: name, then per metric score, mean, ci, p."""
    rows: list[dict] = []
    number = r"(-?\d+\.\d+)"
    for line in text.splitlines():
        if "│" not in line:
            continue
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if cells[0] == "System":
            continue
        if cells[0]:
            values = [re.fullmatch(rf"{number} \({number} ± {number}\)", c) for c in cells[1:]]
            rows.append(
                {"name": cells[0], "scores": [tuple(m.groups()) for m in values], "p": None}
            )
        else:
            rows[-1]["p"] = [re.search(r"p = (\d+\.\d+)", c).group(1) for c in cells[1:]]
    return rows


@pytest.mark.parametrize("seed", [12345, 7])
def test_paired_bootstrap_agrees_with_sacrebleu_command_line(files, seed):
    systems = ["A", "close", "B"]
    out = _run_sacrebleu(
        [
            str(files["ref"]),
            "-i",
            *(str(files[s]) for s in systems),
            "--paired-bs",
            *METRIC_ARGS,
            "-f",
            "text",
            "-w",
            "6",
            "--no-color",
        ],
        seed=seed,
    )
    rows = _parse_paired_table(out)
    assert [r["name"] for r in rows] == [
        f"Baseline: {files['A']}",
        str(files["close"]),
        str(files["B"]),
    ]

    report = evaluate(
        _lines(files["ref"]),
        {s: _lines(files[s]) for s in systems},
        options=EvalOptions(seed=seed, n_ar=0),
    )
    for name, row in zip(systems, rows, strict=True):
        result = report.system(name)
        for key, (score, mean, ci) in zip(KEYS, row["scores"], strict=True):
            got = result.scores[key]
            assert (f"{got.score:.6f}", f"{got.mean:.6f}", f"{got.ci:.6f}") == (score, mean, ci)
        if name == "A":
            assert all(result.scores[k].p_bootstrap is None for k in KEYS)
        else:
            assert [f"{result.scores[k].p_bootstrap:.4f}" for k in KEYS] == row["p"]
    # The near-copy is not significantly different; the sampled p-values are not all floor.
    assert report.system("close").scores["chrf"].p_bootstrap > 0.05


def test_corpus_scores_agree_with_sacrebleu_json_to_ten_decimals(files):
    out = _run_sacrebleu(
        [str(files["ref"]), "-i", str(files["B"]), *METRIC_ARGS, "-w", "10", "-f", "json"]
    )
    expected = {entry["name"]: entry for entry in json.loads(out)}
    report = evaluate(
        _lines(files["ref"]), {"B": _lines(files["B"])}, options=EvalOptions(n_bootstrap=0, n_ar=0)
    )
    for info in report.metrics:
        entry = expected[info.name]
        assert float(f"{report.system('B').scores[info.key].score:.10f}") == entry["score"]
        assert info.signature == entry["signature"]


@pytest.mark.parametrize(("test_type", "n"), [("bs", 500), ("ar", 800)])
def test_paired_results_equal_sacrebleu_paired_test_exactly(files, monkeypatch, test_type, n):
    from sacrebleu.metrics import BLEU, CHRF, TER
    from sacrebleu.significance import PairedTest

    seed = 4242
    monkeypatch.setenv("SACREBLEU_SEED", str(seed))
    refs = _lines(files["ref"])
    systems = [(s, _lines(files[s])) for s in ("A", "close", "B")]
    metrics = {
        "BLEU": BLEU(references=[refs]),
        "CHRF": CHRF(word_order=2, references=[refs]),
        "TER": TER(references=[refs]),
    }
    _, table = PairedTest(systems, metrics, None, test_type=test_type, n_samples=n)()
    options = EvalOptions(
        seed=seed, n_bootstrap=n if test_type == "bs" else 0, n_ar=n if test_type == "ar" else 0
    )
    report = evaluate(refs, dict(systems), options=options)
    for column, key in zip(("BLEU", "chrF2++", "TER"), KEYS, strict=True):
        for index, (name, _) in enumerate(systems):
            expected = table[column][index]
            got = report.system(name).scores[key]
            assert got.score == expected.score
            if test_type == "bs":
                assert (got.mean, got.ci) == (
                    pytest.approx(expected.mean, abs=0),
                    pytest.approx(expected.ci, abs=0),
                )
            if index:
                assert (got.p_bootstrap if test_type == "bs" else got.p_ar) == expected.p_value


def test_every_system_is_compared_with_the_chosen_baseline(files):
    names = ["A", "B", "close"]
    report = evaluate(
        _lines(files["ref"]),
        {s: _lines(files[s]) for s in names},
        options=EvalOptions(baseline="B", n_bootstrap=200, n_ar=200),
    )
    assert report.baseline == "B"
    assert [s.name for s in report.systems] == ["B", "A", "close"]
    for system in report.systems:
        for key in KEYS:
            score = system.scores[key]
            assert score.mean is not None and score.ci > 0
            assert score.mean - score.ci <= score.score + 1e-9 or key == "ter"
            if system.name == "B":
                assert score.p_bootstrap is None and score.p_ar is None
            else:
                assert 0 < score.p_bootstrap <= 1 and 0 < score.p_ar <= 1
    sig = report.metric("bleu").significance_signature
    assert "bs:200" in sig and "ar:200" in sig and "seed:12345" in sig


def test_sacrebleu_command_is_available():
    # The agreement tests call sacrebleu as a module; make a missing install an explicit failure.
    assert (
        shutil.which("sacrebleu")
        or subprocess.run([*SACREBLEU, "--version"], capture_output=True).returncode == 0
    )


def _reference_and_vectorised(refs, systems, metric_options, n_bootstrap, n_ar, seed):
    from eval.metrics import MetricSet
    from eval.stats import paired_tests
    from eval.stats_reference import paired_tests_reference

    metric_set = MetricSet(refs, metric_options)
    entries = [
        (name, hyps, {key: metric_set.extract(key, hyps) for key in metric_set.keys})
        for name, hyps in systems.items()
    ]
    args = (metric_set, entries, n_bootstrap, n_ar, seed)
    return paired_tests_reference(*args), paired_tests(*args)


@pytest.mark.parametrize(
    ("case", "n_bootstrap", "n_ar", "seed"),
    [
        ("default", 300, 300, 12345),
        ("default", 257, 0, 7),
        ("default", 0, 211, 99),
        ("plain-chrf-lowercase", 200, 200, 3),
        ("bleu-tok-none", 150, 150, 12345),
        # TER's reference length is the mean over two references: fractional statistics, the
        # resample-by-resample sums.
        ("two-references", 200, 200, 12345),
    ],
)
def test_vectorised_tests_equal_sacrebleus_own_test_functions_exactly(
    files, case, n_bootstrap, n_ar, seed
):
    from eval import MetricOptions

    refs = [_lines(files["ref"])]
    options = {
        "plain-chrf-lowercase": MetricOptions(chrf_word_order=0, lowercase=True),
        "bleu-tok-none": MetricOptions(metrics=("bleu", "ter"), bleu_tokenize="none"),
    }.get(case, MetricOptions())
    if case == "two-references":
        refs.append(_lines(DATA / "eval_sysC200.en"))
    systems = {s: _lines(files[s]) for s in ("A", "close", "B")}
    reference, vectorised = _reference_and_vectorised(
        refs, systems, options, n_bootstrap, n_ar, seed
    )
    # Exact equality of every float, None where a test is off.
    assert vectorised == reference
    baseline = vectorised["A"]
    assert all(r.p_bootstrap is None and r.p_ar is None for r in baseline.values())
    assert all((r.mean is None) == (n_bootstrap == 0) for r in vectorised["B"].values())
    assert all((r.p_ar is None) == (n_ar == 0) for r in vectorised["B"].values())


def _sacrebleu_sums(stats: np.ndarray, indices: np.ndarray) -> np.ndarray:
    # What _paired_bs_test computes for every resample.
    stats32 = np.array(stats, dtype="float32")
    return np.stack([s.sum(0) for s in stats32[indices]])


@pytest.mark.parametrize(
    ("label", "values"),
    [
        ("counts", lambda rng: rng.integers(0, 50, size=(400, 6))),
        ("fractional", lambda rng: rng.integers(0, 50, size=(400, 2)) / 3),
        # Sums beyond 2**24: float32 rounds, so only sacreBLEU's own order gives its numbers.
        ("huge counts", lambda rng: rng.integers(40_000, 60_000, size=(400, 3))),
        ("zeros", lambda rng: np.zeros((400, 4))),
        ("one segment", lambda rng: np.array([[3.0, 5.0]])),
    ],
)
def test_resample_sums_equal_sacrebleus_float32_sums_bit_for_bit(label, values):
    from eval.stats import bootstrap_indices, resample_counts, resample_sums

    stats = np.asarray(values(np.random.default_rng(1)), dtype=np.float64)
    indices = bootstrap_indices(len(stats), 500, 12345)
    got = resample_sums(stats, indices, resample_counts(indices))
    expected = _sacrebleu_sums(stats, indices)
    assert got.dtype == expected.dtype == np.float32
    assert np.array_equal(got, expected)
    assert resample_counts(indices).sum(axis=1).tolist() == [len(stats)] * 500


@pytest.mark.parametrize("seed", [1, 12345])
def test_draws_are_sacrebleus(seed):
    from eval.stats import ar_selectors, bootstrap_indices

    rng = np.random.default_rng(seed)
    assert np.array_equal(bootstrap_indices(50, 20, seed), rng.choice(50, size=(20, 50)))
    rng = np.random.default_rng(seed)
    assert np.array_equal(ar_selectors(50, 20, seed), rng.integers(2, size=(20, 50), dtype=bool))
