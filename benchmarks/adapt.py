"""``tafsiri review adapt`` on 50 and 500 approved pairs: held-out BLEU up, general BLEU down by
at most 0.5 (issue 26 item 13).

    python benchmarks/adapt.py [--sizes 50 500] [--general-limit 0] [--work DIR] [--threads N]

The "approved pairs" are the last N pairs of MAFAND-MT train (../shared/data/lafand-mt-en-sw),
taken as if editors had approved them; the rest of MAFAND-MT train is the replay data and
MAFAND-MT dev the general set (its first ``--general-limit`` pairs; 0: all 1,791). Each size
runs :func:`review.adapt.adapt_pairs` with its defaults from the embedded model into
``WORK/adapt-N`` (resumable) and prints a Markdown table: pairs trained and held out, replay
pairs, updates, held-out and general BLEU before → after, chrF++ and the verdict.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
MAFAND = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"


def read_pair(stem: str) -> list[tuple[str, str]]:
    sw = (MAFAND / f"{stem}.sw").read_text(encoding="utf-8").splitlines()
    en = (MAFAND / f"{stem}.en").read_text(encoding="utf-8").splitlines()
    return [(s.strip(), e.strip()) for s, e in zip(sw, en, strict=True) if s.strip() and e.strip()]


def main() -> int:
    from review.adapt import AdaptOptions, adapt_pairs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--general-limit", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/tafsiri-adapt"))
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()

    train, dev = read_pair("train"), read_pair("dev")
    rows = []
    for n in args.sizes:
        edits, replay = train[-n:], train[:-n]
        options = AdaptOptions(general_limit=args.general_limit, threads=args.threads)
        start = time.monotonic()
        result = adapt_pairs(
            edits,
            args.work / f"adapt-{n}",
            replay=replay,
            general=dev,
            options=options,
            progress=lambda line, n=n: print(f"  [{n}] {line}", flush=True),
        )
        minutes = (time.monotonic() - start) / 60
        print(f"{n} pairs: {result.summary()} ({minutes:.1f} min)", flush=True)
        rows.append((n, result, minutes))
    print()
    print(
        "| approved pairs | trained / held out | replay | updates | held-out BLEU | held-out "
        "chrF++ | general BLEU | general chrF++ | registered | minutes |"
    )
    print("| ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- | ---: |")
    for n, r, minutes in rows:
        h, g = r.held_out, r.general
        print(
            f"| {n} | {r.trained} / {h.segments} | {r.replay} | {r.steps} | "
            f"{h.bleu_before:.2f} → {h.bleu_after:.2f} ({h.bleu_change:+.2f}) | "
            f"{h.chrf_before:.2f} → {h.chrf_after:.2f} | "
            f"{g.bleu_before:.2f} → {g.bleu_after:.2f} ({g.bleu_change:+.2f}, {g.segments} seg.) | "
            f"{g.chrf_before:.2f} → {g.chrf_after:.2f} | "
            f"{'yes' if r.registered else 'no: ' + r.reason} | {minutes:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
