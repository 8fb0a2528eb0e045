"""``tafsiri eval`` against the equivalent ``sacrebleu`` command: 3 systems × 1,835 segments.

    python benchmarks/eval_speed.py [--repeat 1] [--ar-trials 1000]

Data: MAFAND-MT ``test.en`` (1,835 segments, from ../shared) as the reference, and three systems
made from it so that the scores spread out like real ones:

- ``drop10``: the reference with 10% of its words dropped (seeded);
- ``drop30``: 30% of words dropped and one adjacent pair swapped in a third of the segments;
- ``copy``: the Swahili source copied unchanged (a "do nothing" system).

Both tools compute BLEU, chrF++ and TER and run a paired bootstrap with 1,000 resamples:

- sacrebleu: ``sacrebleu REF -i H1 H2 H3 --paired-bs --paired-bs-n 1000 -m bleu chrf ter
  --chrf-word-order 2`` (``--chrf-word-order 2`` makes its chrF the chrF++ that eval reports);
- tafsiri: ``tafsiri eval --ref REF --hyp ... --bootstrap 1000`` with its defaults (also
  approximate randomisation with 1,000 trials, intervals for every system, per-segment and
  per-document scores, analysis), writing the HTML and JSON reports; and once more with
  ``--ar-trials 0``, the like-for-like bootstrap-only run.

Prints wall-clock and CPU seconds (user + system of the child process; steadier than wall time
on a shared machine) and the tafsiri/sacrebleu ratios. Target: ≤ 1.5×.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAFAND = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"


def perturb(lines: list[str], drop: float, swap: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for line in lines:
        words = [w for w in line.split() if rng.random() > drop]
        if len(words) > 3 and rng.random() < swap:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        out.append(" ".join(words))
    return out


def timed(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, child CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command (best is kept)")
    parser.add_argument(
        "--ar-trials", type=int, default=1000, help="tafsiri's AR trials (default run)"
    )
    args = parser.parse_args()

    refs = (MAFAND / "test.en").read_text(encoding="utf-8").splitlines()
    sources = (MAFAND / "test.sw").read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory(prefix="eval-speed-") as tmp:
        out = Path(tmp)
        files = {
            "ref": refs,
            "drop10": perturb(refs, 0.10, 0.0, 1),
            "drop30": perturb(refs, 0.30, 0.33, 2),
            "copy": sources,
        }
        for name, lines in files.items():
            (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        systems = ["drop10", "drop30", "copy"]
        sacrebleu = [
            sys.executable,
            "-m",
            "sacrebleu",
            str(out / "ref"),
            "-i",
            *(str(out / s) for s in systems),
            "--paired-bs",
            "--paired-bs-n",
            "1000",
            "-m",
            "bleu",
            "chrf",
            "ter",
            "--chrf-word-order",
            "2",
            "-f",
            "text",
        ]
        tafsiri = [
            sys.executable,
            "-c",
            "from translate.cli import app; app()",
            "eval",
            "--ref",
            str(out / "ref"),
            *(a for s in systems for a in ("--hyp", f"{s}={out / s}")),
            "--src",
            str(MAFAND / "test.sw"),
            "--docs",
            str(MAFAND / "test.docs.tsv"),
            "--bootstrap",
            "1000",
            "-o",
            str(out / "report.html"),
            "--json",
            str(out / "report.json"),
            "--score-only",
        ]
        runs = {
            "sacrebleu --paired-bs (1000)": sacrebleu,
            f"tafsiri eval (bootstrap 1000 + AR {args.ar_trials}, HTML + JSON)": [
                *tafsiri,
                "--ar-trials",
                str(args.ar_trials),
            ],
            "tafsiri eval (bootstrap 1000 only, HTML + JSON)": [*tafsiri, "--ar-trials", "0"],
        }
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.repeat):
            for label, cmd in runs.items():
                wall, cpu = timed(cmd)
                old = best.get(label)
                best[label] = (min(wall, old[0]), min(cpu, old[1])) if old else (wall, cpu)

    print(f"3 systems x {len(refs)} segments, BLEU + chrF++ + TER, 1000 bootstrap resamples")
    base_wall, base_cpu = best["sacrebleu --paired-bs (1000)"]
    for label, (wall, cpu) in best.items():
        line = f"{label:58s} wall {wall:6.1f} s   cpu {cpu:6.1f} s"
        if not label.startswith("sacrebleu"):
            line += f"   ratio wall {wall / base_wall:4.2f}x  cpu {cpu / base_cpu:4.2f}x"
        print(line)
    print("target: ratio <= 1.5x")


if __name__ == "__main__":
    main()
