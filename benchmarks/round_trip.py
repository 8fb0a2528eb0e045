"""Does a round trip through English→Swahili find bad English that the other flags miss?

    python benchmarks/round_trip.py [--limit N]

Issue 25's optional sixth signal. MAFAND-MT dev is translated as shipped (sw→en, every flag
on); the English is translated back with the English→Swahili model ``en-sw-compact`` (``data/models/en-sw-v2``, embedded)
(beam 4, no glossary, no protection, no trust checks), and each line's round trip is scored
against its Swahili source with sentence chrF, segment by segment, as
``Translator(round_trip=...)`` does (segments of fewer than five words are not judged); a line
counts its worst segment. The worst tenth would be flagged ``round-trip``. Printed: how much worse (sentence chrF of the English against the human
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

from trust import _bootstrap_gap, _read, line_of  # noqa: E402

from translate.pipeline import Translator  # noqa: E402
from translate.roundtrip import MIN_WORDS, round_trip_scores  # noqa: E402

BACKWARD = "en-sw-compact"


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
    text = "\n".join(src)
    began = time.perf_counter()
    doc = Translator().translate_document(text)
    forward_seconds = time.perf_counter() - began
    english = doc.text.split("\n")
    # The way back exactly as Translator(round_trip=...) builds and runs it, segment by segment.
    backward = Translator(BACKWARD, glossary=None, trust=None)
    segments = doc.segments
    began = time.perf_counter()
    scores = round_trip_scores(
        backward.translate_texts,
        [s.source for s in segments],
        [s.translation if s.pieces else "" for s in segments],
    )
    back_seconds = time.perf_counter() - began
    worst: list[float | None] = [None] * len(src)  # a line's worst segment
    kinds: list[set[str]] = [set() for _ in src]
    for k, scored, record in zip(line_of(src, segments), scores, segments, strict=True):
        kinds[k].update(f.kind for f in record.trust_flags)
        if scored is not None:
            worst[k] = scored[0] if worst[k] is None else min(worst[k], scored[0])
    judged = [i for i in range(len(src)) if worst[i] is not None]
    threshold = sorted(worst[i] for i in judged)[len(judged) // 10]
    chrf = [sacrebleu.sentence_chrf(english[i], [ref[i]]).score for i in judged]
    flagged = [worst[i] < threshold for i in judged]
    print(
        f"MAFAND-MT dev, {len(src)} lines, {len(judged)} with a segment of ≥ {MIN_WORDS} words; "
        f"round-trip chrF threshold (worst tenth) {threshold:.1f} (translate.roundtrip.ROUND_TRIP_CHRF)"
    )
    print(_gap("round-trip", chrf, flagged))
    low = ["low-confidence" in kinds[i] for i in judged]
    print(_gap("low-confidence", chrf, low))
    alone = [j for j, i in enumerate(judged) if not kinds[i]]
    print(
        _gap(
            "round-trip among lines no other flag marks",
            [chrf[j] for j in alone],
            [flagged[j] for j in alone],
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
