"""Recipe variants compared on MAFAND-MT dev: equal-budget runs, one change from the base each.

Issue 12 asks for vocabulary size, dropout, label smoothing, depth/width, ``split_digits`` and
tagged against untagged back-translation to be compared on dev, with a number-copy rate next
to BLEU for each. Every variant here is one ``translate.train.train`` run with the same budget
(minutes or updates) on the same data, differing from the base recipe in one setting. The best
checkpoint of each run (greedy dev BLEU on the first ``--dev-size`` pairs, as training keeps
it) is then decoded as shipped (CTranslate2, beam 4, through the pipeline, protected spans
off so that the model's own number copying is what is measured) on the same dev pairs, and a
markdown table is printed: updates, epochs, greedy and beam-4 BLEU, chrF2, numbers copied.

    python benchmarks/recipe_dev.py --minutes 30                     # every variant, from scratch
    python benchmarks/recipe_dev.py --variant base --variant vocab4k --max-steps 3000 --device cuda
    python benchmarks/recipe_dev.py --init sw-en-compact --variant base --variant dropout0.3 \\
        --minutes 15                                               # fine-tuning variants only

Runs live in ``--runs`` (one folder per variant, resumable); a variant whose ``result.json``
exists is not trained again, so an interrupted comparison continues where it stopped. Vocabulary
and architecture variants need training from scratch and are refused with ``--init``. Dev is
for choices; test is never read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"
SPECS = REPO / "data" / "corpora"
#: name → (TrainConfig fields, corpus spec or None for --corpora). One change each from base.
VARIANTS: dict[str, tuple[dict, str | None]] = {
    "base": ({}, None),
    "vocab4k": ({"vocab_size": 4000}, None),
    "vocab16k": ({"vocab_size": 16000}, None),
    "split-digits": ({"split_digits": True}, None),
    "dropout0.3": ({"dropout": 0.3}, None),
    "ls0.2": ({"label_smoothing": 0.2}, None),
    "enc6": ({"encoder_layers": 6}, None),
    "dec3": ({"decoder_layers": 3}, None),
    "untagged-bt": ({}, "sw-en-bt-untagged.spec"),
}
#: Variants that change the vocabulary or the architecture: from scratch only.
_FROM_SCRATCH = {"vocab4k", "vocab16k", "split-digits", "enc6", "dec3"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS))
    parser.add_argument("--corpora", type=Path, default=SPECS / "sw-en-bt.spec")
    parser.add_argument("--data", type=Path, default=DEV)
    parser.add_argument("--runs", type=Path, default=Path.home() / ".cache/tafsiri/recipe")
    parser.add_argument("--init", default=None, help="fine-tune this model instead")
    parser.add_argument("--minutes", type=float, default=30.0, help="budget of each run")
    parser.add_argument("--max-steps", type=int, default=0, help="or a budget in updates")
    parser.add_argument("--lr", type=float, default=None, help="peak learning rate")
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument(
        "--eval-every",
        type=float,
        default=None,
        help="minutes between dev evaluations (default: a quarter of --minutes); each run is "
        "also evaluated at its end, and its best evaluation is the one decoded",
    )
    parser.add_argument("--dev-size", type=int, default=500)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="another seed for the same variants (runs go to VARIANT-seedN): short runs from "
        "scratch vary from run to run, so compare variants over more than one seed",
    )
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

    from decoding_dev import numbers_copied

    from translate.corpus import read_corpus_spec, read_parallel
    from translate.train import TrainConfig, train

    names = args.variant or list(VARIANTS)
    if args.init:
        refused = sorted(set(names) & _FROM_SCRATCH)
        if refused:
            raise SystemExit(
                f"error: {', '.join(refused)} change the vocabulary or architecture: "
                "they need training from scratch, not --init"
            )
    dev = read_parallel([args.data / "dev.sw", args.data / "dev.en"])
    base = TrainConfig(
        minutes=args.minutes,
        max_steps=args.max_steps,
        eval_every_minutes=args.eval_every or max(args.minutes / 4, 0.5),
        dev_size=args.dev_size,
        device=args.device,
        threads=args.threads,
        init=args.init,
    )
    if args.lr is not None:
        base = replace(base, peak_lr=args.lr)
    if args.warmup is not None:
        base = replace(base, warmup_steps=args.warmup)
    if args.seed is not None:
        base = replace(base, seed=args.seed)
    corpora: dict[Path, object] = {}
    rows = []
    for name in names:
        fields, spec_name = VARIANTS[name]
        spec = SPECS / spec_name if spec_name else args.corpora
        out = args.runs / (name if args.seed is None else f"{name}-seed{args.seed}")
        done = out / "result.json"
        if not done.exists():
            if spec not in corpora:
                corpora[spec] = read_corpus_spec(spec)[0]
            config = replace(base, **fields)
            resume = (out / "checkpoint" / "state.pt").exists()
            print(
                f"== {name}: {fields or 'the base recipe'} on {spec.name}"
                f"{' (resuming)' if resume else ''}",
                flush=True,
            )
            started = time.perf_counter()
            result = train(corpora[spec], dev, out, config, resume=resume, progress=print)
            row = {
                "variant": name,
                "seed": config.seed,
                "changes": fields,
                "corpora": str(spec.relative_to(REPO) if spec.is_relative_to(REPO) else spec),
                "config": asdict(config),
                "steps": result.steps,
                "epochs": round(result.epochs, 2),
                "minutes": round(result.elapsed_minutes, 1),
                "wall_minutes": round((time.perf_counter() - started) / 60, 1),
                "greedy_bleu": round(result.best_bleu, 2),
                "greedy_chrf": round(result.best_chrf, 2),
            }
            row.update(_decode_dev(out, dev, args.dev_size, args.threads, numbers_copied))
            done.write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
        rows.append(json.loads(done.read_text(encoding="utf-8")))

    print()
    print(f"dev: first {args.dev_size} pairs of {args.data / 'dev.sw'}; runs in {args.runs}")
    print(
        "| variant | change | updates | epochs | greedy BLEU | beam-4 BLEU | chrF2 | numbers copied |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        change = ", ".join(f"{k} {v}" for k, v in row["changes"].items()) or "—"
        if row["variant"] == "untagged-bt":
            change = "no <bt> tag on synthetic sources"
        seed = row.get("seed", TrainConfig.seed)
        print(
            f"| {row['variant']}{'' if seed == TrainConfig.seed else f' (seed {seed})'} | {change} | {row['steps']} | {row['epochs']} | "
            f"{row['greedy_bleu']:.2f} | {row['bleu']:.2f} | {row['chrf']:.2f} | "
            f"{row['copied']}/{row['numbers']} ({100 * row['copied'] / max(row['numbers'], 1):.1f}%) |"
        )


def _decode_dev(model: Path, dev, limit: int, threads: int, numbers_copied) -> dict:
    """Beam-4 BLEU, chrF2 and numbers copied for the best checkpoint, as it would ship."""
    import sacrebleu

    from translate.pipeline import Translator

    sources, references = list(dev.sources[:limit]), list(dev.targets[:limit])
    translator = Translator(str(model), backend="ct2", threads=threads, glossary=None)
    hyps = translator.translate_document("\n".join(sources)).text.split("\n")
    if len(hyps) != len(sources):
        raise SystemExit(f"error: {len(hyps)} output lines for {len(sources)} sources")
    copied, total = numbers_copied(sources, references, hyps)
    return {
        "bleu": round(sacrebleu.corpus_bleu(hyps, [references]).score, 2),
        "chrf": round(sacrebleu.corpus_chrf(hyps, [references]).score, 2),
        "copied": copied,
        "numbers": total,
    }


if __name__ == "__main__":
    main()
