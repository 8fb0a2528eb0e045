"""Models compared on news dev and out of the news domain, as they would ship.

    python benchmarks/model_dev.py sw-en-compact ~/.cache/tafsiri/runs/sw-en-v3-avg
    python benchmarks/model_dev.py MODEL --test        # MAFAND-MT test too (the acceptance)

Each model is decoded as ``tafsiri translate --no-glossary`` decodes (CTranslate2, beam 4,
protected spans on) on:

- MAFAND-MT dev (news, all 1,791 pairs): BLEU and chrF2 (sacreBLEU), the figures of the
  source its reference copies that the English copies too, and the negations kept: the lines
  whose Swahili negates clearly (``translate.polarity``) and whose human English negates too,
  and how many of those the model's English negates;
- the held-out Bible books (Ruth, Philippians, Neno against the World English Bible: no model
  trains on them; ``python data/bible/prepare.py`` makes them);
- TICO-19 (COVID-19 texts, the first 1,000 units). Every model since the first trained on all
  of TICO-19, so its scores are in-sample: they show a model has not forgotten the domain, not
  that it generalises.

``--test`` adds MAFAND-MT test; choose between models on dev, and read test once, at the end.
Each model decodes as ``tafsiri translate`` does by default (the embedded model: no
reranking); ``--rerank`` reranks each with the reranker its folder declares (``rerank.json``:
the embedded model, by the embedded ``en-sw-compact``), ``--rerank-with MODEL`` reranks every
model by MODEL (``--rerank-weight``).
Prints a markdown table, one row per model and data set.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sacrebleu

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from decoding_dev import numbers_copied  # noqa: E402

from translate.constraints import default_hook  # noqa: E402
from translate.corpus import read_tmx_pairs  # noqa: E402
from translate.model_catalog import resolve_model  # noqa: E402
from translate.pipeline import Translator  # noqa: E402
from translate.polarity import polarity  # noqa: E402
from translate.rerank import choose_reranker  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
NEWS = SHARED / "lafand-mt-en-sw"
BIBLE = REPO / "data" / "bible"
TICO_LINES = 1000


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def data_sets(test: bool) -> list[tuple[str, list[str], list[str]]]:
    """(name, Swahili, English) of every set scored."""
    sets = [("news dev", _lines(NEWS / "dev.sw"), _lines(NEWS / "dev.en"))]
    if not (BIBLE / "heldout.sw").exists():
        raise SystemExit(
            "error: data/bible/heldout.sw is missing: run python data/bible/prepare.py"
        )
    sets.append(("Bible held-out", _lines(BIBLE / "heldout.sw"), _lines(BIBLE / "heldout.en")))
    tico = read_tmx_pairs(SHARED / "tico19" / "all.en-sw.tmx", "sw", "en")
    sets.append(
        (
            "TICO-19 (in-sample)",
            list(tico.sources[:TICO_LINES]),
            list(tico.targets[:TICO_LINES]),
        )
    )
    if test:
        sets.append(("news test", _lines(NEWS / "test.sw"), _lines(NEWS / "test.en")))
    return sets


def negations_kept(sources: list[str], references: list[str], hyps: list[str]) -> tuple[int, int]:
    """(kept, total): lines whose Swahili and human English both negate, and the model's
    English negates too."""
    kept = total = 0
    for src, ref, hyp in zip(sources, references, hyps, strict=True):
        found = polarity(src, ref)
        if found.swahili and found.english:
            total += 1
            kept += bool(polarity(src, hyp).english)
    return kept, total


def score(model: str, sets, args: argparse.Namespace) -> list[dict]:
    rerank = choose_reranker(
        resolve_model(model),
        on=True if args.rerank else None,
        model=args.rerank_with,
        weight=args.rerank_weight,
    )
    translator = Translator(
        model,
        backend="ct2",
        threads=args.threads,
        glossary=default_hook(glossary=False),
        trust=None,
        rerank=rerank,
    )
    label = Path(model).name + (" + rerank" if translator.info.rerank else "")
    rows = []
    for name, sources, references in sets:
        began = time.perf_counter()
        # One line a paragraph, as `tafsiri translate` reads a file: segmented into sentences.
        hyps = translator.translate_document("\n".join(sources)).text.split("\n")
        if len(hyps) != len(sources):
            raise SystemExit(f"error: {name}: {len(hyps)} lines out for {len(sources)} in")
        seconds = time.perf_counter() - began
        copied, numbers = numbers_copied(sources, references, hyps)
        kept, negated = negations_kept(sources, references, hyps)
        rows.append(
            {
                "model": label,
                "set": name,
                "lines": len(sources),
                "bleu": sacrebleu.corpus_bleu(hyps, [references]).score,
                "chrf": sacrebleu.corpus_chrf(hyps, [references]).score,
                "numbers": f"{copied}/{numbers}",
                "negations": f"{kept}/{negated}",
                "seconds": seconds,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help="model folders or names (sw-en-compact)")
    parser.add_argument("--test", action="store_true", help="add MAFAND-MT test")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rerank", action="store_true", help="the declared reranker, on")
    parser.add_argument("--rerank-with", metavar="MODEL", help="rerank every model by MODEL")
    parser.add_argument("--rerank-weight", type=float, help="the channel model's weight")
    args = parser.parse_args()
    sets = data_sets(args.test)
    print("| model | set | lines | BLEU | chrF2 | numbers copied | negations kept | seconds |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for model in args.models:
        for row in score(model, sets, args):
            print(
                f"| {row['model']} | {row['set']} | {row['lines']} | {row['bleu']:.2f} "
                f"| {row['chrf']:.2f} | {row['numbers']} | {row['negations']} "
                f"| {row['seconds']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
