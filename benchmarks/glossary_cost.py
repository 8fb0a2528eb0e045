"""What the glossary costs: translation time with the default glossary against without it.

Issue 13 targets: with the default glossary at most 1.3× the time without it on the seed
article and on the MAFAND-MT test set, and the 3,000-word line that repeats a glossary term
("mashauriano mashauriano …") translated in under 60 s.

"Without" is what ``tafsiri translate --no-glossary`` runs (figures, dates and names still
protected: ``Constraints(Glossary(()))``), "with" what ``tafsiri translate`` runs by default
(``Constraints(default_glossary())``); the bare model (no hook, ``--no-glossary --no-protect``)
is timed too, for reference.

Each workload is translated without and with the glossary, alternately, ``--repeat`` times; the
fastest run of each counts (the machine is shared, so slower runs measure the neighbours).
Wall and CPU seconds are both printed; the verdicts use CPU seconds, which another process on
the machine barely changes (the back end runs ``--threads`` threads, 1 by default, so on an
idle machine wall ≈ CPU). The ratio is given for the translation alone and with the start-up
(imports and model load, timed here once) added, which is what a ``tafsiri translate`` run
costs. Back-end calls are counted,
and the statuses of the glossary terms are printed, so a faster run that fails terms shows.

    python benchmarks/glossary_cost.py                        # CTranslate2, embedded model
    python benchmarks/glossary_cost.py --backend transformers --limit 300 --repeat 1
    python benchmarks/glossary_cost.py --skip-line            # only seed and MAFAND-MT
    python benchmarks/glossary_cost.py --cli 3 --skip-line    # + `tafsiri translate` runs

``--cli N`` also times ``tafsiri translate SEED -q --threads 1`` (a fresh process, start-up
included, as the issue measured it) N times with and without the glossary.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

START = time.perf_counter()
START_CPU = time.process_time()
REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "kazakhstan-belgium-consultations.sw.txt"
DATA = REPO.parent / "shared" / "data" / "lafand-mt-en-sw" / "test.sw"
LINE_WORDS = 3000
LINE_TARGET_S = 60.0
RATIO_TARGET = 1.3


class CountingBackend:
    """Wraps a back end: counts decode calls and the texts sent with forced prefixes."""

    def __init__(self, inner) -> None:
        self.inner = inner
        for name in ("model_id", "name", "device", "fingerprint", "max_input_tokens"):
            setattr(self, name, getattr(inner, name))
        self.description = inner.description
        self.calls = self.forced = 0

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def translate_batch(self, texts, options, prefixes=None):
        self.calls += 1
        self.forced += len(texts) if prefixes else 0
        return self.inner.translate_batch(texts, options, prefixes)


def timed(translator, backend: CountingBackend, run, glossary) -> dict:
    backend.calls = backend.forced = 0
    start, cpu = time.perf_counter(), time.process_time()
    terms = run(translator, glossary)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "s": seconds,
        "cpu": cpu,
        "calls": backend.calls,
        "forced": backend.forced,
        "terms": terms,
    }


def _term_statuses(doc) -> Counter:
    """Statuses of the glossary terms (protected spans are counted apart, as kind:status)."""
    return Counter(
        t.status if t.kind == "term" else f"span:{t.status}" for s in doc.segments for t in s.terms
    )


def seed_run(translator, glossary) -> Counter:
    doc = translator.translate_document(SEED.read_text(encoding="utf-8"), glossary=glossary)
    return _term_statuses(doc)


def lines_run(lines: list[str]):
    def run(translator, glossary) -> Counter:
        doc = translator.translate_document("\n".join(lines), glossary=glossary)
        return _term_statuses(doc)

    return run


def line_run(translator, glossary) -> Counter:
    doc = translator.translate_document(" ".join(["mashauriano"] * LINE_WORDS), glossary=glossary)
    return _term_statuses(doc)


def report(name: str, off: dict, on: dict, startup: float, bare: dict) -> None:
    ratio = on["cpu"] / off["cpu"]
    whole = (startup + on["cpu"]) / (startup + off["cpu"])
    verdict = "ok" if whole <= RATIO_TARGET else "over"
    print(
        f"{name}: without {off['cpu']:.2f} s CPU ({off['s']:.2f} s wall, {off['calls']} calls), "
        f"with {on['cpu']:.2f} s CPU ({on['s']:.2f} s wall, {on['calls']} calls, "
        f"{on['forced']} forced texts); CPU ratio {ratio:.2f}× translation only, {whole:.2f}× "
        f"with the {startup:.1f} s CPU start-up (target ≤ {RATIO_TARGET}×: {verdict}); wall "
        f"ratio {on['s'] / off['s']:.2f}×"
    )
    print(
        f"  bare model (no hook): {bare['cpu']:.2f} s CPU ({bare['s']:.2f} s wall, "
        f"{bare['calls']} calls); terms with the glossary: {dict(sorted(on['terms'].items()))}"
    )


def cli_seconds(backend: str, threads: int, glossary: bool) -> tuple[float, float]:
    """Wall and CPU seconds of one ``tafsiri translate`` of the seed article."""
    args = [sys.executable, "-m", "translate", "translate", str(SEED), "-q"]
    args += ["--backend", backend, "--threads", str(threads)]
    if not glossary:
        args.append("--no-glossary")
    before = os.times()
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("ct2", "transformers"), default="ct2")
    parser.add_argument("--model", default=None, help="model (default: the embedded one)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for the back end")
    parser.add_argument("--data", default=str(DATA), help="MAFAND-MT test.sw")
    parser.add_argument("--limit", type=int, default=0, help="first N test sentences (0 = all)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the fastest counts")
    parser.add_argument("--skip-line", action="store_true", help="skip the 3,000-word line")
    parser.add_argument("--cli", type=int, default=0, help="time N `tafsiri translate` runs")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    from glossary import Glossary, default_glossary
    from translate.constraints import Constraints
    from translate.pipeline import Translator

    glossary = Constraints(default_glossary())
    hooks = {"bare": None, "off": Constraints(Glossary(())), "on": glossary}
    base = Translator(args.model, backend=args.backend, threads=args.threads)
    startup = time.process_time() - START_CPU
    startup_wall = time.perf_counter() - START
    backend = CountingBackend(base.backend)
    translator = Translator(backend, options=base.options)
    print(
        f"model {base.info.model} on {backend.description}; beam {base.options.beam}; "
        f"glossary {glossary.source.origin} ({len(glossary.source)} terms, "
        f"{glossary.source.checksum[:12]}), protected spans on; "
        f"start-up {startup:.1f} s CPU, {startup_wall:.1f} s wall; load average "
        f"{os.getloadavg()[0]:.2f} on "
        f"{os.cpu_count()} CPUs"
    )
    lines = Path(args.data).read_text(encoding="utf-8").splitlines()
    if args.limit:
        lines = lines[: args.limit]
    workloads = [
        ("seed article", seed_run),
        (f"MAFAND-MT test ({len(lines)} lines)", lines_run(lines)),
    ]
    for name, run in workloads:
        runs: dict[str, dict] = {}
        for _ in range(args.repeat):
            for key, hook in hooks.items():
                got = timed(translator, backend, run, hook)
                if key not in runs or got["cpu"] < runs[key]["cpu"]:
                    runs[key] = got
        report(name, runs["off"], runs["on"], startup, runs["bare"])
    if not args.skip_line:
        off = timed(translator, backend, line_run, hooks["off"])
        on = timed(translator, backend, line_run, glossary)
        verdict = "ok" if on["s"] < LINE_TARGET_S else "over"
        print(
            f"{LINE_WORDS}-word line: without {off['s']:.1f} s wall ({off['cpu']:.1f} s CPU), "
            f"with {on['s']:.1f} s wall ({on['cpu']:.1f} s CPU; {on['calls']} calls, "
            f"{on['forced']} forced texts; target < {LINE_TARGET_S:.0f} s wall: {verdict})"
        )
        print(f"  terms: {dict(sorted(on['terms'].items()))}")
    if args.cli:
        best: dict[bool, tuple[float, float]] = {}
        for _ in range(args.cli):
            for on in (False, True):
                got = cli_seconds(args.backend, args.threads, on)
                if on not in best or got[1] < best[on][1]:
                    best[on] = got
        (off_wall, off_cpu), (on_wall, on_cpu) = best[False], best[True]
        verdict = "ok" if on_cpu / off_cpu <= RATIO_TARGET else "over"
        print(
            f"tafsiri translate seed article (whole process): without {off_cpu:.1f} s CPU "
            f"({off_wall:.1f} s wall), with {on_cpu:.1f} s CPU ({on_wall:.1f} s wall); CPU ratio "
            f"{on_cpu / off_cpu:.2f}× (target ≤ {RATIO_TARGET}×: {verdict}), wall ratio "
            f"{on_wall / off_wall:.2f}×"
        )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
