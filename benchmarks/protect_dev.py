"""Protected spans on MAFAND-MT dev: coverage against the reference English, and detector speed.

    python benchmarks/protect_dev.py [--misses 30] [--repeat 5]

Coverage: for every dev sentence whose Swahili has a digit, the figure spans found in it
(number, percent, money, date, time, measure) are looked up in the reference English with
:func:`translate.protect.locate_all`. Reported: the share of those sentences whose figure spans
are all found (by the preferred rendering alone, and by any accepted rendering), the share of
spans found, the same per kind, and the most frequent misses, to tune renderings with. Only dev
is used; test stays unseen.

Speed: sentences per second for :func:`translate.protect.find_spans` over all of dev.sw.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from translate.protect import find_spans, locate_all

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lafand-mt-en-sw"
FIGURES = ("number", "percent", "money", "date", "time", "measure")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--misses", type=int, default=30, help="misses to list")
    parser.add_argument("--repeat", type=int, default=5, help="timing passes over dev.sw")
    args = parser.parse_args()
    sw = (args.data / "dev.sw").read_text(encoding="utf-8").splitlines()
    en = (args.data / "dev.en").read_text(encoding="utf-8").splitlines()

    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for line in sw:
            find_spans(line)
        best = min(best, time.perf_counter() - t0)
    print(f"speed: {len(sw) / best:,.0f} sentences/s ({len(sw)} sentences, best of {args.repeat})")

    with_digit = all_pref = all_any = 0
    spans_total = spans_pref = spans_any = 0
    per_kind: Counter[str] = Counter()
    per_kind_found: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    examples: dict[str, tuple[str, str]] = {}
    all_kinds: Counter[str] = Counter()
    kind_rates: dict[str, tuple[int, int]] = {}
    for src, ref in zip(sw, en, strict=True):
        spans = find_spans(src)
        all_kinds.update(s.kind for s in spans)
        for span, hit in zip(spans, locate_all(spans, ref), strict=True):
            found, total = kind_rates.get(span.kind, (0, 0))
            kind_rates[span.kind] = (found + (hit is not None), total + 1)
        if not any(c.isdigit() for c in src):
            continue
        figures = [s for s in spans if s.kind in FIGURES]
        with_digit += 1
        found_any = locate_all(figures, ref)
        found_pref = locate_all([replace(s, expected=s.expected[:1]) for s in figures], ref)
        all_any += all(h is not None for h in found_any)
        all_pref += all(h is not None for h in found_pref)
        spans_total += len(figures)
        spans_any += sum(h is not None for h in found_any)
        spans_pref += sum(h is not None for h in found_pref)
        for span, hit in zip(figures, found_any, strict=True):
            per_kind[span.kind] += 1
            per_kind_found[span.kind] += hit is not None
            if hit is None:
                key = f"{span.kind}: {span.source!r} → {span.preferred!r}"
                misses[key] += 1
                examples.setdefault(key, (src, ref))

    print(f"dev sentences with a digit: {with_digit} of {len(sw)}")
    print(f"  all figure spans found, preferred rendering: {all_pref / with_digit:.1%}")
    print(f"  all figure spans found, any accepted rendering: {all_any / with_digit:.1%}")
    print(
        f"figure spans: {spans_total}; found preferred {spans_pref / spans_total:.1%}, "
        f"any accepted {spans_any / spans_total:.1%}"
    )
    for kind in FIGURES:
        if per_kind[kind]:
            print(
                f"  {kind:8} {per_kind_found[kind]:4}/{per_kind[kind]:<4} "
                f"{per_kind_found[kind] / per_kind[kind]:.1%}"
            )
    print("spans per kind over all dev:", dict(all_kinds.most_common()))
    print("all kinds, all dev sentences: span found in the reference (any accepted rendering)")
    for kind, (found, total) in sorted(kind_rates.items()):
        print(f"  {kind:8} {found:4}/{total:<4} {found / total:.1%}")
    print(f"most frequent misses (of {sum(misses.values())}):")
    for key, count in misses.most_common(args.misses):
        src, ref = examples[key]
        print(f"  {count:3}  {key}\n        EN: {ref[:160]}")


if __name__ == "__main__":
    main()
