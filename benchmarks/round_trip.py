"""Does a round trip through English→Swahili find bad English that the other flags miss?

    python benchmarks/round_trip.py [--limit N]

Issue 25's optional sixth signal. MAFAND-MT dev is translated as shipped (sw→en, every flag
on); the English is translated back with the English→Swahili model ``data/models/en-sw-v2``
(beam 4, no glossary, no protection, no trust checks), and each line's round trip is scored
against its Swahili source with sentence chrF. The worst tenth would be flagged
``round-trip``. Printed: how much worse (sentence chrF of the English against the human
reference) those lines are than the rest, the same among the lines no other flag marks (what
the signal would add), its overlap with ``low-confidence``, and what the round trip costs
against the forward translation.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import sacrebleu

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from trust import _bootstrap_gap, _read, translate_lines  # noqa: E402

from translate.pipeline import Translator  # noqa: E402

BACKWARD = REPO / "data" / "models" / "en-sw-v2"


def _gap(label: str, chrf: list[float], flagged: list[bool]) -> str:
    hit = [c for c, f in zip(chrf, flagged, strict=True) if f]
    rest = [c for c, f in zip(chrf, flagged, strict=True) if not f]
    if len(hit) < 2 or len(rest) < 2:
        return f"{label}: {len(hit)} lines flagged"
    low, high = _bootstrap_gap(hit, rest)
    gap = statistics.fmean(rest) - statistics.fmean(hit)
    return (
        f"{label}: {len(hit)} of {len(chrf)} lines flagged, chrF {statistics.fmean(hit):.1f} "
        f"against {statistics.fmean(rest):.1f}: gap {gap:.1f} [95% CI {low:.1f}, {high:.1f}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="the first N dev lines only")
    args = parser.parse_args()
    src, ref = _read("dev.sw", args.limit), _read("dev.en", args.limit)
    forward = Translator()
    english, info, forward_seconds = translate_lines(forward, src)
    backward = Translator(BACKWARD, glossary=None, trust=None)
    began = time.perf_counter()
    back = backward.translate_document("\n".join(english)).text.split("\n")
    back_seconds = time.perf_counter() - began
    round_trip = [sacrebleu.sentence_chrf(b, [s]).score for b, s in zip(back, src, strict=True)]
    threshold = sorted(round_trip)[len(round_trip) // 10]
    flagged = [r < threshold for r in round_trip]
    chrf = [sacrebleu.sentence_chrf(h, [r]).score for h, r in zip(english, ref, strict=True)]
    print(
        f"MAFAND-MT dev, {len(src)} lines; round-trip chrF threshold (worst tenth) {threshold:.1f}"
    )
    print(_gap("round-trip", chrf, flagged))
    low = [("low-confidence" in kinds) for kinds, _ in info]
    print(_gap("low-confidence", chrf, low))
    unflagged = [i for i, (kinds, _) in enumerate(info) if not kinds]
    print(
        _gap(
            "round-trip among lines no other flag marks",
            [chrf[i] for i in unflagged],
            [flagged[i] for i in unflagged],
        )
    )
    both = sum(f and lo for f, lo in zip(flagged, low, strict=True))
    print(f"overlap with low-confidence: {both} of {sum(flagged)} round-trip lines")
    print(
        f"cost: forward {forward_seconds:.1f} s, round trip {back_seconds:.1f} s "
        f"({back_seconds / forward_seconds:+.0%})"
    )


if __name__ == "__main__":
    main()
