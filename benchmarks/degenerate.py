"""Degenerate-output check: false alarms on references, loops caught, BLEU and time.

    python benchmarks/degenerate.py [--limit N] [--threads 1] [--glossary] [--grid]

1. Runs :func:`translate.degenerate.find_problems` on the MAFAND-MT English *references*
   (dev, test, train) against their Swahili sources: every reference flagged is a false alarm.
2. Translates MAFAND-MT ``dev.sw`` as ``tafsiri translate`` does (the file as one document,
   its lines kept) and the seed article with the embedded model at its shipped settings
   (beam 4), once with the check off and once with the default check (re-decode with
   repetition control). Prints segments flagged, re-decoded, still degenerate, corpus BLEU
   and chrF2 (sacreBLEU, 13a) against ``dev.en``, and the wall time of each run.
3. ``--grid``: re-decodes the dev segments the first decode flagged with a few
   (repetition_penalty, no_repeat_ngram_size) settings, to show how the default was chosen.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"
SEED = REPO / "seeds" / "kazakhstan-belgium-consultations.sw.txt"
GRID = ((1.1, 3), (1.2, 0), (1.2, 3), (1.3, 3), (1.3, 4), (1.5, 3))


def _references() -> None:
    from translate.degenerate import find_problems
    from translate.textio import read_lines

    print("false alarms on references (source, reference) pairs:")
    for split in ("dev", "test", "train"):
        src, ref = read_lines(DATA / f"{split}.sw"), read_lines(DATA / f"{split}.en")
        kinds: Counter = Counter()
        flagged = 0
        for s, r in zip(src, ref, strict=True):
            problems = find_problems(s, r)
            flagged += bool(problems)
            kinds.update(p.kind for p in problems)
        share = flagged / len(ref)
        print(f"  {split:5} {flagged:4} of {len(ref):5} ({share:.2%})  {dict(kinds)}")


def _run(tr, text: str, check, hook):
    tr.degenerate = check
    start = time.perf_counter()
    doc = tr.translate_document(text, glossary=hook)
    return doc, time.perf_counter() - start


def _counts(doc) -> tuple[int, int, int]:
    flagged = sum(bool(s.flags) for s in doc.segments)
    redecoded = sum(s.redecoded for s in doc.segments)
    degenerate = sum(s.degenerate for s in doc.segments)
    return flagged, redecoded, degenerate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="first N dev lines (0 = all)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--glossary", action="store_true", help="with the default glossary")
    parser.add_argument("--grid", action="store_true", help="compare re-decode settings")
    args = parser.parse_args()

    from sacrebleu.metrics import BLEU, CHRF

    from translate.backend import DecodeOptions
    from translate.degenerate import DEFAULT_CHECK, DegenerateCheck, find_problems
    from translate.pipeline import Translator
    from translate.segment import Segment, rebuild
    from translate.textio import read_lines

    _references()
    hook = None
    if args.glossary:
        from glossary import default_glossary

        hook = default_glossary()
    tr = Translator(None, threads=args.threads, glossary=hook)
    print(f"\nembedded model: {tr.info.description}; glossary: {'default' if hook else 'none'}")
    src, ref = read_lines(DATA / "dev.sw"), read_lines(DATA / "dev.en")
    if args.limit:
        src, ref = src[: args.limit], ref[: args.limit]
    dev = "\n".join(src) + "\n"
    bleu, chrf = BLEU(), CHRF()
    plain_doc, plain_s = _run(tr, dev, None, hook)
    flag_doc, _ = _run(tr, dev, DegenerateCheck(redecode=False), hook)
    fixed_doc, fixed_s = _run(tr, dev, DEFAULT_CHECK, hook)
    print(f"MAFAND-MT dev, {len(src)} lines, {len(plain_doc.segments)} segments:")
    for name, doc, secs in (("check off", plain_doc, plain_s), ("re-decode", fixed_doc, fixed_s)):
        hyp = doc.text.splitlines()
        b, c = bleu.corpus_score(hyp, [ref]).score, chrf.corpus_score(hyp, [ref]).score
        print(f"  {name:10} BLEU {b:5.2f}  chrF2 {c:5.2f}  {secs:6.1f} s")
    flagged, _, _ = _counts(flag_doc)
    _, redecoded, degenerate = _counts(fixed_doc)
    print(
        f"  flagged {flagged} segments; re-decoded {redecoded}; still degenerate {degenerate}; "
        f"time +{fixed_s - plain_s:.1f} s ({(fixed_s - plain_s) / plain_s:+.1%})"
    )
    print(f"  signature: {bleu.get_signature()}")

    seed = SEED.read_text(encoding="utf-8")
    seed_plain, seed_plain_s = _run(tr, seed, None, hook)
    seed_fixed, seed_fixed_s = _run(tr, seed, DEFAULT_CHECK, hook)
    _, redecoded, degenerate = _counts(seed_fixed)
    print(
        f"\nseed article, {len(seed_fixed.segments)} segments: re-decoded {redecoded}, still "
        f"degenerate {degenerate}; {seed_plain_s:.1f} s → {seed_fixed_s:.1f} s"
    )
    for before, after in zip(seed_plain.segments, seed_fixed.segments, strict=True):
        if after.flags:
            print(f"  {[f.to_dict() for f in after.flags]}")
            print(f"    first:   {before.translation[:160]}")
            print(f"    kept:    {after.translation[:160]}")

    if args.grid:
        print("\nre-decode settings on the dev segments the first decode flagged:")
        sources = [s.source for s in plain_doc.segments]
        first = [s.translation for s in plain_doc.segments]
        bad = [
            k for k, (s, t) in enumerate(zip(sources, first, strict=True)) if find_problems(s, t)
        ]
        segments = [
            Segment(s.source, s.start, s.end, s.paragraph, s.index) for s in plain_doc.segments
        ]
        for penalty, ngram in GRID:
            opts = dataclasses.replace(
                DecodeOptions(), repetition_penalty=penalty, no_repeat_ngram_size=ngram
            )
            tr.degenerate = None
            start = time.perf_counter()
            again = tr.translate_texts([sources[k] for k in bad], opts, hook)
            secs = time.perf_counter() - start
            kept = list(first)
            cured = 0
            for k, text in zip(bad, again, strict=True):
                second = find_problems(sources[k], text)
                cured += not second
                if len(second) <= len(find_problems(sources[k], first[k])):
                    kept[k] = text
            english = rebuild(dev, segments, kept).splitlines()
            b = bleu.corpus_score(english, [ref]).score
            print(
                f"  penalty {penalty} no-repeat {ngram}: cured {cured}/{len(bad)}, "
                f"BLEU {b:5.2f}, {secs:.1f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
