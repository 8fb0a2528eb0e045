"""What the glossary costs: translation time with the default glossary against without it.

Issue 13 targets: with the default glossary at most 1.3× the time without it on the seed
article and on the MAFAND-MT test set, and the 3,000-word line that repeats a glossary term
("mashauriano mashauriano …") translated in under 60 s.

Each workload is translated without and with the glossary, alternately, ``--repeat`` times; the
fastest run of each counts (the machine is shared, so slower runs measure the neighbours). The
ratio is given for the translation alone and with the start-up (imports and model load, timed
here once) added, which is what a ``tafsiri translate`` run costs. Back-end calls are counted,
and the statuses of the glossary terms are printed, so a faster run that fails terms shows.

    python benchmarks/glossary_cost.py                        # CTranslate2, embedded model
    python benchmarks/glossary_cost.py --backend transformers --limit 300 --repeat 1
    python benchmarks/glossary_cost.py --skip-line            # only seed and MAFAND-MT
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from pathlib import Path

START = time.perf_counter()
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
    start = time.perf_counter()
    terms = run(translator, glossary)
    seconds = time.perf_counter() - start
    return {"s": seconds, "calls": backend.calls, "forced": backend.forced, "terms": terms}


def seed_run(translator, glossary) -> Counter:
    doc = translator.translate_document(SEED.read_text(encoding="utf-8"), glossary=glossary)
    return Counter(t.status for s in doc.segments for t in s.terms)


def lines_run(lines: list[str]):
    def run(translator, glossary) -> Counter:
        doc = translator.translate_document("\n".join(lines), glossary=glossary)
        return Counter(t.status for s in doc.segments for t in s.terms)

    return run


def line_run(translator, glossary) -> Counter:
    doc = translator.translate_document(" ".join(["mashauriano"] * LINE_WORDS), glossary=glossary)
    return Counter(t.status for s in doc.segments for t in s.terms)


def report(name: str, off: dict, on: dict, startup: float) -> None:
    ratio = on["s"] / off["s"]
    whole = (startup + on["s"]) / (startup + off["s"])
    verdict = "ok" if whole <= RATIO_TARGET else "over"
    print(
        f"{name}: without {off['s']:.2f} s ({off['calls']} calls), with {on['s']:.2f} s "
        f"({on['calls']} calls, {on['forced']} forced texts); ratio {ratio:.2f}× translation "
        f"only, {whole:.2f}× with the {startup:.1f} s start-up (target ≤ {RATIO_TARGET}×: "
        f"{verdict})"
    )
    print(f"  terms: {dict(sorted(on['terms'].items()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("ct2", "transformers"), default="ct2")
    parser.add_argument("--model", default=None, help="model (default: the embedded one)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for the back end")
    parser.add_argument("--data", default=str(DATA), help="MAFAND-MT test.sw")
    parser.add_argument("--limit", type=int, default=0, help="first N test sentences (0 = all)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the fastest counts")
    parser.add_argument("--skip-line", action="store_true", help="skip the 3,000-word line")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    from glossary import default_glossary
    from translate.pipeline import Translator

    glossary = default_glossary()
    base = Translator(args.model, backend=args.backend, threads=args.threads)
    startup = time.perf_counter() - START
    backend = CountingBackend(base.backend)
    translator = Translator(backend, options=base.options)
    print(
        f"model {base.info.model} on {backend.description}; beam {base.options.beam}; "
        f"glossary {glossary.origin} ({len(glossary)} terms, {glossary.checksum[:12]}); "
        f"start-up {startup:.1f} s; load average {os.getloadavg()[0]:.2f} on "
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
        runs: dict[bool, dict] = {}
        for _ in range(args.repeat):
            for on in (False, True):
                got = timed(translator, backend, run, glossary if on else None)
                if on not in runs or got["s"] < runs[on]["s"]:
                    runs[on] = got
        report(name, runs[False], runs[True], startup)
    if not args.skip_line:
        off = timed(translator, backend, line_run, None)
        on = timed(translator, backend, line_run, glossary)
        verdict = "ok" if on["s"] < LINE_TARGET_S else "over"
        print(
            f"{LINE_WORDS}-word line: without {off['s']:.1f} s, with {on['s']:.1f} s "
            f"({on['calls']} calls, {on['forced']} forced texts; target < {LINE_TARGET_S:.0f} s: "
            f"{verdict})"
        )
        print(f"  terms: {dict(sorted(on['terms'].items()))}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
