"""Speed of ``tafsiri eval``'s significance tests: old proxy path against the vectorised one.

    python benchmarks/eval_speed.py [--repeat 1] [--bootstrap 1000] [--ar-trials 1000]
                                    [--no-cli | --no-sacrebleu]

Data: MAFAND-MT ``test.en`` (1,835 segments, from ../shared) as the reference, and three systems
made from it by seeded word drops and swaps (:func:`perturb`), so that the scores spread out
like real ones and every run sees the same text:

- ``drop10``: 10% of the words dropped (seed 1);
- ``drop30``: 30% dropped, one adjacent pair swapped in a third of the segments (seed 2);
- ``drop50``: 50% dropped, one pair swapped in half of the segments (seed 3).

Metrics: BLEU, chrF++ (word order 2) and TER; 1,000 paired bootstrap resamples (with intervals
for every system) and 1,000 approximate-randomisation trials, seed 12345. Timed, in one process:

1. sacreBLEU's statistics extraction for the three systems (shared by both paths, done once);
2. the significance tests through ``eval.stats_reference`` (sacreBLEU's ``_paired_bs_test`` /
   ``_paired_ar_test`` on the extracted statistics: the code before the change);
3. the same through ``eval.stats.paired_tests`` (count matrix @ statistics); the script
   asserts that every mean, interval and p-value equals the old path's, float for float;
4. ``evaluate()`` end to end (extraction, tests, analysis) with each path.

Then, unless ``--no-cli``, the command lines: ``tafsiri eval`` (HTML + JSON reports) against
``sacrebleu REF -i H1 H2 H3 --paired-bs -m bleu chrf ter --chrf-word-order 2`` (bootstrap only)
and ``--paired-ar`` with the same number of trials.

Prints wall-clock and CPU seconds (user + system; steadier than wall time on a shared machine).
Target: the tests of step 3 and a whole ``tafsiri eval`` within 30 s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
MAFAND = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"
SEED = 12345
SYSTEMS = {"drop10": (0.10, 0.0, 1), "drop30": (0.30, 0.33, 2), "drop50": (0.50, 0.5, 3)}


def perturb(lines: list[str], drop: float, swap: float, seed: int) -> list[str]:
    """Drop each word with probability ``drop``; swap one adjacent pair with probability ``swap``."""
    rng = random.Random(seed)
    out = []
    for line in lines:
        words = [w for w in line.split() if rng.random() > drop]
        if len(words) > 3 and rng.random() < swap:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        out.append(" ".join(words))
    return out


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run ``fn`` ``repeat`` times; return the best wall and CPU seconds and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def timed_command(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Run ``cmd`` ``repeat`` times; best (wall seconds, child CPU seconds)."""
    best: tuple[float, float] | None = None
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = (wall, cpu) if best is None else (min(wall, best[0]), min(cpu, best[1]))
    assert best is not None
    return best


def line(label: str, wall: float, cpu: float, note: str = "") -> None:
    print(f"  {label:62s} wall {wall:7.2f} s   cpu {cpu:7.2f} s  {note}")


def in_process(refs: list[str], systems: dict[str, list[str]], args: argparse.Namespace) -> None:
    import eval.evaluation as evaluation
    from eval import EvalOptions, MetricOptions, evaluate
    from eval.metrics import MetricSet
    from eval.stats import paired_tests
    from eval.stats_reference import paired_tests_reference

    n_bs, n_ar = args.bootstrap, args.ar_trials
    metric_set = MetricSet([refs], MetricOptions())
    wall, cpu, stats = best_of(
        args.repeat,
        lambda: {
            n: {k: metric_set.extract(k, h) for k in metric_set.keys} for n, h in systems.items()
        },
    )
    print("in one process:")
    line("statistics extraction (sacreBLEU, 3 systems x 3 metrics)", wall, cpu)
    entries = [(name, hyps, stats[name]) for name, hyps in systems.items()]
    test_args = (metric_set, entries, n_bs, n_ar, SEED)
    old_wall, old_cpu, old = best_of(args.repeat, lambda: paired_tests_reference(*test_args))
    line(f"tests, old proxy path (bootstrap {n_bs} + AR {n_ar})", old_wall, old_cpu)
    new_wall, new_cpu, new = best_of(args.repeat, lambda: paired_tests(*test_args))
    assert new == old, "the vectorised tests disagree with sacreBLEU's own test functions"
    line(
        f"tests, vectorised (bootstrap {n_bs} + AR {n_ar})",
        new_wall,
        new_cpu,
        f"{old_wall / new_wall:4.1f}x faster; identical means, CIs, p-values",
    )

    options = EvalOptions(n_bootstrap=n_bs, n_ar=n_ar, seed=SEED)
    wall, cpu, report = best_of(args.repeat, lambda: evaluate(refs, systems, options=options))
    try:
        evaluation.paired_tests = paired_tests_reference  # type: ignore[assignment]
        old_e = best_of(args.repeat, lambda: evaluate(refs, systems, options=options))
    finally:
        evaluation.paired_tests = paired_tests
    assert [s.scores for s in old_e[2].systems] == [s.scores for s in report.systems]
    line("evaluate() end to end, old proxy path", old_e[0], old_e[1])
    line("evaluate() end to end, vectorised", wall, cpu)


def command_lines(refs: list[str], systems: dict[str, list[str]], args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="eval-speed-") as tmp:
        out = Path(tmp)
        for name, lines in {"ref": refs, **systems}.items():
            (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        hyps = [str(out / s) for s in systems]
        sacrebleu = [sys.executable, "-m", "sacrebleu", str(out / "ref"), "-i", *hyps]
        metrics = ["-m", "bleu", "chrf", "ter", "--chrf-word-order", "2", "-f", "text"]
        tafsiri = [
            *(sys.executable, "-c", "from translate.cli import app; app()", "eval"),
            *("--ref", str(out / "ref")),
            *(a for s in systems for a in ("--hyp", f"{s}={out / s}")),
            *("--bootstrap", str(args.bootstrap), "--ar-trials", str(args.ar_trials)),
            *("-o", str(out / "report.html"), "--json", str(out / "report.json"), "--score-only"),
        ]
        runs = {
            f"sacrebleu --paired-bs --paired-bs-n {args.bootstrap}": [
                *sacrebleu,
                *metrics,
                *("--paired-bs", "--paired-bs-n", str(args.bootstrap)),
            ],
            f"sacrebleu --paired-ar --paired-ar-n {args.ar_trials}": [
                *sacrebleu,
                *metrics,
                *("--paired-ar", "--paired-ar-n", str(args.ar_trials)),
            ],
            f"tafsiri eval (bootstrap {args.bootstrap} + AR {args.ar_trials}, HTML + JSON)": tafsiri,
        }
        if args.no_sacrebleu:
            runs = {k: v for k, v in runs.items() if k.startswith("tafsiri")}
        print("command lines (each a fresh process, imports included):")
        for label, cmd in runs.items():
            line(label, *timed_command(cmd, args.repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step (best is kept)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--ar-trials", type=int, default=1000, help="AR trials")
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line timings")
    parser.add_argument(
        "--no-sacrebleu",
        action="store_true",
        help="time only the tafsiri eval command line (sacreBLEU's take about 3.5 minutes each)",
    )
    args = parser.parse_args()

    refs = (MAFAND / "test.en").read_text(encoding="utf-8").splitlines()
    systems = {name: perturb(refs, *spec) for name, spec in SYSTEMS.items()}
    print(
        f"3 systems x {len(refs)} segments (MAFAND-MT test.en with seeded word drops/swaps: "
        + ", ".join(f"{n} drop {d:.0%} swap {s:.0%} seed {r}" for n, (d, s, r) in SYSTEMS.items())
        + f"), BLEU + chrF++ + TER, seed {SEED}"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    in_process(refs, systems, args)
    if not args.no_cli:
        command_lines(refs, systems, args)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
