"""`tafsiri translate --engine ray` against `--engine local` on this machine; prints its figures.

    python benchmarks/scale.py [--docs 200] [--small 10000] [--skip-rss]

1. Throughput: the first three sentences of ``--docs`` VOA Swahili news articles
   (``../shared/data/news-sw/voa-swahili-articles.csv``), CLI defaults (beam 4, glossary and
   protected spans on), each engine from a fresh output folder: documents/s and sentences/s
   (segments/s) end to end, model load and Ray start-up included, for the local engine
   (its default threads) and Ray with 1 worker × 1 CPU, 1 worker × 2 CPUs and 2 workers × 1 CPU.
   Ray's overhead is the Ray run's time over the local run's with the same CPUs (2).
2. Peak RSS of the driver process (``wait4``'s ``ru_maxrss``) for ``--small`` one-sentence
   documents against a tenth as many, beam 1, 2 workers: whether it stays flat.

Every Ray run starts its own local Ray instance (no ``--address``), as a user's first run
would. Outputs of every Ray run are checked byte for byte against the local engine's.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CSV = REPO.parent / "shared" / "data" / "news-sw" / "voa-swahili-articles.csv"


def articles(count: int, sentences: int) -> list[str]:
    from translate.pipeline import Translator

    found = []
    with CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lines = [line.strip() for line in row["Text"].replace("\r\n", "\n").split("\n")]
            text = "\n\n".join(line for line in lines if line)
            segments = Translator.segment(text)
            if len(segments) < sentences:
                continue
            found.append(text[: segments[sentences - 1].end].strip() + "\n")
            if len(found) == count:
                return found
    raise SystemExit(f"{CSV} holds fewer than {count} articles of {sentences} sentences")


def write_folder(folder: Path, texts: list[str]) -> None:
    folder.mkdir(parents=True)
    for k, text in enumerate(texts):
        (folder / f"doc-{k:05d}.txt").write_text(text, encoding="utf-8")


def run(args: list[str]) -> tuple[float, int, str]:
    """Seconds, the driver's peak RSS in MB, and stderr of one ``tafsiri translate`` run."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "translate", "translate", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"tafsiri translate {' '.join(args)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss // 1024, stderr


def same(a: Path, b: Path) -> bool:
    files = sorted(p.name for p in a.iterdir() if not p.name.startswith("."))
    return files == sorted(p.name for p in b.iterdir() if not p.name.startswith(".")) and all(
        (a / f).read_bytes() == (b / f).read_bytes() for f in files
    )


RAY_ROWS = [
    ("ray, 1 worker × 1 CPU", ["--workers", "1", "--cpus-per-worker", "1"]),
    ("ray, 1 worker × 2 CPUs", ["--workers", "1", "--cpus-per-worker", "2"]),
    ("ray, 2 workers × 1 CPU", ["--workers", "2", "--cpus-per-worker", "1"]),
]


def throughput(work: Path, docs: int) -> None:
    texts = articles(docs, 3)
    src = work / "news"
    write_folder(src, texts)
    from translate.pipeline import Translator

    sentences = sum(len(Translator.segment(t)) for t in texts)
    print(f"# {docs} VOA Swahili articles (first 3 sentences, {sentences} segments), CLI defaults")
    print("| engine | seconds | documents/s | sentences/s | driver peak RSS MB | same bytes |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    local_out = work / "local"
    seconds, rss, _ = run([str(src), "-o", str(local_out), "-q"])
    times = {"local": seconds}
    print(
        f"| local (2 threads) | {seconds:.1f} | {docs / seconds:.2f} | {sentences / seconds:.1f} | {rss} | — |"
    )
    for name, flags in RAY_ROWS:
        out = work / name.replace(" ", "").replace(",", "-").replace("×", "x")
        seconds, rss, _ = run([str(src), "-o", str(out), "-q", "--engine", "ray", *flags])
        times[name] = seconds
        print(
            f"| {name} | {seconds:.1f} | {docs / seconds:.2f} | {sentences / seconds:.1f} | "
            f"{rss} | {'yes' if same(out, local_out) else 'NO'} |"
        )
    print()
    for name in ("ray, 1 worker × 2 CPUs", "ray, 2 workers × 1 CPU"):
        print(
            f"- {name} vs local (both 2 CPUs): Ray overhead {100 * (times[name] / times['local'] - 1):+.1f}%"
        )
    one, two = times["ray, 1 worker × 1 CPU"], times["ray, 2 workers × 1 CPU"]
    print(f"- 2 workers vs 1 worker (1 CPU each): {one / two:.2f}× the throughput")
    print()


def peak_rss(work: Path, small: int) -> None:
    print("# Driver peak RSS, one-sentence documents, beam 1, 2 workers × 1 CPU")
    print("| documents | seconds | documents/s | driver peak RSS MB |")
    print("| ---: | ---: | ---: | ---: |")
    sentence = "Rais amesema kwamba serikali itajenga shule mpya mwaka huu.\n"
    for count in (small // 10, small):
        src = work / f"small-{count}"
        write_folder(src, [f"{k}. {sentence}" for k in range(count)])
        out = work / f"small-{count}-out"
        args = [str(src), "-o", str(out), "-q", "--beam", "1", "--engine", "ray", "--workers", "2"]
        seconds, rss, _ = run(args)
        print(f"| {count} | {seconds:.1f} | {count / seconds:.1f} | {rss} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--small", type=int, default=10000)
    parser.add_argument("--skip-rss", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    options = parser.parse_args()
    print(f"# {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start\n")
    work = Path(tempfile.mkdtemp(prefix="tafsiri-scale-"))
    try:
        if not options.skip_throughput:
            throughput(work, options.docs)
        if not options.skip_rss:
            peak_rss(work, options.small)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"# load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
