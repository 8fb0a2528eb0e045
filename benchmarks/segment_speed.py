"""How fast ``segment_document`` is on big inputs; prints one line per case.

    python benchmarks/segment_speed.py [--mb 5]

Cases: a ~5 MB article (the seed article's paragraphs repeated), the same hard-wrapped at 72
columns, a ~5 MB line-per-segment file (MAFAND-MT train.sw from ../shared, or the test fixture
repeated), and single lines of 3,000-24,000 words (plain, with a stray "(" and with no
punctuation at all) to show time grows linearly, not quadratically. CPU seconds are printed
beside wall-clock seconds because the figures are often taken on a machine busy with training.
"""

from __future__ import annotations

import argparse
import resource
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate.segment import segment_document  # noqa: E402

SEED = REPO / "seeds" / "kazakhstan-belgium-consultations.sw.txt"
TRAIN_SW = REPO.parent / "shared" / "data" / "lafand-mt-en-sw" / "train.sw"
FIXTURE = REPO / "tests" / "data" / "segment_lafand-test-300.sw"


def repeat_to(text: str, size: int, sep: str) -> str:
    copies = max(1, size // (len(text) + len(sep)) + 1)
    return sep.join([text] * copies)[:size]


def run(name: str, text: str, **options) -> None:
    start, cpu_start = time.perf_counter(), time.process_time()
    segments = segment_document(text, **options)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    longest = max((len(s.text) for s in segments), default=0)
    print(
        f"{name:<38} {len(text) / 1e6:6.2f} M chars  {len(segments):7d} segments  "
        f"longest {longest:6d}  {seconds:6.2f} s wall  {cpu:6.2f} s CPU  "
        f"{len(text) / 1e6 / max(cpu, 1e-9):5.1f} M chars/CPU s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="size of the big cases (MB)")
    size = int(parser.parse_args().mb * 1_000_000)

    seed = SEED.read_text(encoding="utf-8")
    article = repeat_to(seed, size, "\n\n")
    run("article (auto)", article)
    wrapped = "\n\n".join(textwrap.fill(p, 72) for p in seed.split("\n\n"))
    run("hard-wrapped article, 72 cols (auto)", repeat_to(wrapped, size, "\n\n"))
    lines_source = TRAIN_SW if TRAIN_SW.exists() else FIXTURE
    lines = repeat_to(lines_source.read_text(encoding="utf-8"), size, "\n")
    run(f"{lines_source.name} lines (auto)", lines)
    run(f"{lines_source.name} lines (lines)", lines, layout="lines")

    words = seed.split()
    for n in (3000, 6000, 12000, 24000):
        line = " ".join(words[i % len(words)] for i in range(n))
        run(f"one line, {n} words", line)
        run(f"one line, {n} words, stray '('", "(" + line)
        bare = " ".join(w.strip('.,!?;:()"”') or "x" for w in line.split())
        run(f"one line, {n} words, no punctuation", bare)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
