"""Does CTranslate2 int8 keep the quality of transformers fp32? BLEU, chrF and term accuracy.

    python benchmarks/backend_quality.py [--limit N] [--threads 2] [--out DIR]

Translates MAFAND-MT ``test.sw`` as ``tafsiri translate`` does (the file as one document, its
lines kept) with the embedded model at its shipped
settings (beam 4), through the transformers back end (float32) and the CTranslate2 back end
(int8), each with and without the default glossary. Prints corpus BLEU and chrF2 (sacreBLEU,
13a) against ``test.en``, term accuracy (exact match) and the glossary outcome counts, and the
wall time of each run. ``--out`` keeps the four outputs for inspection.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="first N test pairs (0 = all)")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    from sacrebleu.metrics import BLEU, CHRF

    from glossary import default_glossary, term_accuracy
    from translate.pipeline import Translator
    from translate.textio import read_lines

    src = read_lines(DATA / "test.sw")
    ref = read_lines(DATA / "test.en")
    if args.limit:
        src, ref = src[: args.limit], ref[: args.limit]
    glossary = default_glossary()
    print(f"{len(src)} MAFAND-MT test pairs; embedded model, beam 4; glossary {glossary.origin}")
    print(
        "| back end | glossary | BLEU | chrF2 | term accuracy | model/nbest/forced/failed | seconds |"
    )
    print("| --- | --- | ---: | ---: | ---: | --- | ---: |")
    bleu_of: dict[tuple[str, bool], float] = {}
    for backend in ("transformers", "ct2"):
        tr = Translator(None, backend=backend, device="cpu", threads=args.threads)
        for use_glossary in (False, True):
            hook = glossary if use_glossary else None
            t0 = time.perf_counter()
            doc = tr.translate_document("\n".join(src) + "\n", glossary=hook)
            wall = time.perf_counter() - t0
            hyps = doc.text.split("\n")[: len(src)]
            status = Counter(t.status for s in doc.segments for t in s.terms)
            metric = BLEU()
            bleu = metric.corpus_score(hyps, [ref])
            signature = metric.get_signature()
            chrf = CHRF().corpus_score(hyps, [ref])
            acc = term_accuracy(src, hyps, ref, glossary)
            bleu_of[backend, use_glossary] = bleu.score
            counts = "/".join(str(status[k]) for k in ("model", "nbest", "forced", "failed"))
            print(
                f"| {tr.info.description} | {'on' if use_glossary else 'off'} | "
                f"{bleu.score:.2f} | {chrf.score:.2f} | {100 * (acc.exact or 0):.1f}% "
                f"({acc.correct}/{acc.occurrences}) | {counts if use_glossary else '-'} | "
                f"{wall:.0f} |"
            )
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                name = f"{backend}-{'glossary' if use_glossary else 'plain'}.en"
                (args.out / name).write_text("\n".join(hyps) + "\n", encoding="utf-8")
    print()
    for use_glossary in (False, True):
        delta = bleu_of["ct2", use_glossary] - bleu_of["transformers", use_glossary]
        print(
            f"- glossary {'on' if use_glossary else 'off'}: ct2 int8 − transformers fp32 = "
            f"{delta:+.2f} BLEU"
        )
    print(f"- signature: {signature}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
