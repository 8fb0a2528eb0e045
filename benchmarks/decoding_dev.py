"""Decoding settings compared on MAFAND-MT dev: BLEU, chrF2, number-copy rate, repeated words.

Issue 12 asks for the decoding settings (beam, length penalty, repetition control) to be chosen
on dev, and for a number-copy rate next to BLEU for every variant. Each variant translates the
dev set through :class:`translate.pipeline.Translator` exactly as ``tafsiri translate FILE``
does (segmentation, long-sentence splitting, the degenerate-output check, the protected spans
unless ``--no-protect``; no glossary), then prints:

- BLEU and chrF2 (sacreBLEU, 13a, the signatures once at the end);
- **numbers copied**: of the figures in a source sentence that its reference also writes the
  same way ("523.7", "2022", "15"), the share the translation writes too (whole tokens);
- **repeats**: translations holding a word written twice in a row ("also also");
- seconds of translation (CPU and wall), threads as given.

    python benchmarks/decoding_dev.py                          # the default grid, full dev
    python benchmarks/decoding_dev.py --model ~/.cache/tafsiri/runs/x --limit 500 --no-protect
    python benchmarks/decoding_dev.py --variant beam=6,lp=1.2 --variant beam=4,norepeat=3

Dev is for choices; test is for reports only (``tafsiri translate`` + ``sacrebleu``).
"""

from __future__ import annotations

import argparse
import os
import re
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"
#: The grid run without ``--variant``: the shipped beam 4 first, then one change at a time.
GRID = (
    "beam=4",
    "beam=1",
    "beam=6",
    "beam=4,lp=0.8",
    "beam=4,lp=1.2",
    "beam=4,lp=1.4",
    "beam=4,norepeat=3",
    "beam=4,rp=1.1",
    "beam=6,lp=1.2",
)
_KEYS = {
    "beam": ("beam", int),
    "lp": ("length_penalty", float),
    "norepeat": ("no_repeat_ngram_size", int),
    "rp": ("repetition_penalty", float),
}
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,:/]\d+)*(?![\w]|[.,]\d)")
_REPEAT = re.compile(r"\b([^\W\d_]+)\s+\1\b", re.IGNORECASE)


def parse_variant(text: str) -> dict:
    """``beam=6,lp=1.2`` → the DecodeOptions fields it sets."""
    fields = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        if key not in _KEYS or not value:
            raise SystemExit(f"error: bad variant {text!r}: use {', '.join(_KEYS)} as key=value")
        name, kind = _KEYS[key]
        fields[name] = kind(value)
    return fields


def numbers_copied(sources: list[str], references: list[str], hyps: list[str]) -> tuple[int, int]:
    """(copied, total): figures of each source that its reference writes identically."""
    copied = total = 0
    for src, ref, hyp in zip(sources, references, hyps, strict=True):
        wanted = [n for n in _NUMBER.findall(src) if n in _NUMBER.findall(ref)]
        got = _NUMBER.findall(hyp)
        for number in wanted:
            total += 1
            if number in got:
                copied += 1
                got.remove(number)
    return copied, total


def repeats(hyps: list[str]) -> int:
    """Translations with a word written twice in a row."""
    return sum(bool(_REPEAT.search(h)) for h in hyps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="model (default: the embedded one)")
    parser.add_argument("--source", default=str(DEV / "dev.sw"))
    parser.add_argument("--reference", default=str(DEV / "dev.en"))
    parser.add_argument("--limit", type=int, default=0, help="first N dev pairs (0 = all)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--backend", default="ct2", choices=("ct2", "transformers"))
    parser.add_argument("--no-protect", action="store_true", help="the bare model, no hook")
    parser.add_argument("--variant", action="append", help="e.g. beam=6,lp=1.2 (repeatable)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    import sacrebleu

    from glossary import Glossary
    from translate.backend import DecodeOptions
    from translate.constraints import Constraints
    from translate.pipeline import Translator

    sources = Path(args.source).read_text(encoding="utf-8").splitlines()
    references = Path(args.reference).read_text(encoding="utf-8").splitlines()
    if args.limit:
        sources, references = sources[: args.limit], references[: args.limit]
    hook = None if args.no_protect else Constraints(Glossary(()))
    translator = Translator(args.model, backend=args.backend, threads=args.threads, glossary=hook)
    print(
        f"model {translator.info.model} on {translator.backend.description}; "
        f"{len(sources)} pairs of {args.source}; protected spans {'off' if hook is None else 'on'}; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'variant':<22} {'BLEU':>6} {'chrF2':>6} {'numbers copied':>16} {'repeats':>8} "
        f"{'CPU s':>7} {'wall s':>7}"
    )
    bleu = chrf = None
    for variant in args.variant or GRID:
        options = replace(DecodeOptions(), **parse_variant(variant))
        wall, cpu = time.perf_counter(), time.process_time()
        doc = translator.translate_document("\n".join(sources), options=options)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        hyps = doc.text.split("\n")
        if len(hyps) != len(sources):
            raise SystemExit(f"error: {len(hyps)} output lines for {len(sources)} sources")
        bleu = sacrebleu.metrics.BLEU()
        chrf = sacrebleu.metrics.CHRF()
        b = bleu.corpus_score(hyps, [references])
        c = chrf.corpus_score(hyps, [references])
        copied, total = numbers_copied(sources, references, hyps)
        print(
            f"{variant:<22} {b.score:6.2f} {c.score:6.2f} "
            f"{f'{copied}/{total} {100 * copied / max(total, 1):.1f}%':>16} "
            f"{repeats(hyps):8d} {cpu:7.1f} {wall:7.1f}",
            flush=True,
        )
    if bleu is not None and chrf is not None:
        print(f"signatures: {bleu.get_signature()}; {chrf.get_signature()}")


if __name__ == "__main__":
    main()
