"""Glossary acceptance figures on MAFAND-MT test: term accuracy and BLEU with vs without glossary.

Issue #4 targets: exact-match term accuracy >= 99% with the glossary on the test sentences that
contain glossary terms, and corpus BLEU on the whole test set at most 0.3 below the same model
without the glossary.

Only sentences with a glossary term are decoded twice. Sentences without one are decoded once
and used by both systems: :func:`translate.constraints.enforce` returns the plain first-pass
output for them unchanged, so their translations are identical by construction.

    python benchmarks/glossary_accuracy.py                      # embedded model, else the run
    python benchmarks/glossary_accuracy.py --model FOLDER --limit 300 --out /tmp/gacc
    python benchmarks/glossary_accuracy.py --backend ct2           # the CTranslate2 back end
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"
CANDIDATES = [
    REPO / "translate" / "embedded" / "sw-en-compact",
    Path.home() / ".cache" / "tafsiri" / "runs" / "compact-v1",
]


def pick_model(given: str | None) -> Path:
    if given:
        return Path(given)
    for folder in CANDIDATES:
        if (folder / "config.json").is_file():
            return folder
    raise SystemExit(f"no model found; tried {', '.join(map(str, CANDIDATES))}; use --model")


def decode(backend, texts, options, cache: Path | None, name: str) -> list[str]:
    if cache is not None and (cache / name).is_file():
        lines = (cache / name).read_text(encoding="utf-8").split("\n")[:-1]
        if len(lines) == len(texts):
            return lines
    out = [h[0].text for h in backend.translate_batch(texts, options)] if texts else []
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / name).write_text(
            "".join(t.replace("\n", " ") + "\n" for t in out), encoding="utf-8"
        )
    return out


def _shipped_beam(model: Path) -> int:
    """The beam the model ships with (generation_config.json), else 4."""
    config = model / "generation_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("num_beams") or 4)
    return 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="model folder (default: embedded, else the training run)")
    parser.add_argument("--data", default=str(DATA), help="folder with test.sw and test.en")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N test pairs")
    parser.add_argument("--out", help="folder to cache plain translations in (reruns are cheap)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for the back end")
    parser.add_argument(
        "--backend", choices=("transformers", "ct2"), default="transformers", help="the runtime"
    )
    parser.add_argument("--max-length", type=int, default=256, help="most output tokens")
    parser.add_argument("--beam", type=int, default=0, help="beam (default: as the model ships)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    from sacrebleu.metrics import BLEU

    from glossary import default_glossary, term_accuracy
    from translate.backend import DecodeOptions, load_backend
    from translate.constraints import enforce, summarize
    from translate.textio import read_lines

    src = read_lines(Path(args.data) / "test.sw")
    ref = read_lines(Path(args.data) / "test.en")
    if args.limit:
        src, ref = src[: args.limit], ref[: args.limit]
    glossary = default_glossary()
    matches = [glossary.match(s) for s in src]
    with_terms = [i for i, m in enumerate(matches) if m]
    without_terms = [i for i, m in enumerate(matches) if not m]
    occurrences = sum(len(m) for m in matches)

    model = pick_model(args.model)
    backend = load_backend(args.backend, model, device="cpu", threads=args.threads)
    beam = args.beam or _shipped_beam(model)
    options = DecodeOptions(beam=beam, nbest=1, max_length=args.max_length)
    cache = Path(args.out) if args.out else None
    print(
        f"model: {model} (fingerprint {getattr(backend, 'fingerprint', '?')}), "
        f"{backend.description}, beam {beam}, "
        f"max_length {options.max_length}"
    )
    print(f"glossary: {glossary.origin}, {len(glossary)} terms, checksum {glossary.checksum[:12]}")
    print(
        f"test pairs: {len(src)}; with glossary terms: {len(with_terms)} sentences, "
        f"{occurrences} occurrences"
    )

    start = time.perf_counter()
    rest = decode(backend, [src[i] for i in without_terms], options, cache, "rest.txt")
    t_rest = time.perf_counter() - start
    start = time.perf_counter()
    plain = decode(backend, [src[i] for i in with_terms], options, cache, "plain-terms.txt")
    t_plain = time.perf_counter() - start
    start = time.perf_counter()
    enforced = enforce(backend, [src[i] for i in with_terms], options, glossary)
    t_enforced = time.perf_counter() - start

    hyp_without = [""] * len(src)
    hyp_with = [""] * len(src)
    for i, text in zip(without_terms, rest, strict=True):
        hyp_without[i] = hyp_with[i] = text
    for i, text, result in zip(with_terms, plain, enforced, strict=True):
        hyp_without[i] = text
        hyp_with[i] = result.text
    term_src = [src[i] for i in with_terms]
    term_ref = [ref[i] for i in with_terms]
    acc_without = term_accuracy(term_src, [hyp_without[i] for i in with_terms], term_ref, glossary)
    acc_with = term_accuracy(term_src, [hyp_with[i] for i in with_terms], term_ref, glossary)
    acc_ref = term_accuracy(term_src, term_ref, term_ref, glossary)
    metric = BLEU()
    bleu_without = metric.corpus_score(hyp_without, [ref])
    bleu_with = metric.corpus_score(hyp_with, [ref])
    sub_without = metric.corpus_score([hyp_without[i] for i in with_terms], [term_ref])
    sub_with = metric.corpus_score([hyp_with[i] for i in with_terms], [term_ref])
    status = summarize(enforced)
    changed = sum(hyp_with[i] != hyp_without[i] for i in with_terms)
    compliant_same = sum(
        all(t.status == "model" or t.status == "ambiguous" for t in r.outcomes)
        and r.text == plain[k]
        for k, r in enumerate(enforced)
    )
    first_pass_model = sum(
        all(t.status in {"model", "ambiguous"} for t in r.outcomes) for r in enforced
    )

    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{100 * x:.2f}%"

    print()
    print(
        f"exact-match term accuracy without glossary: {pct(acc_without.exact)} "
        f"({acc_without.correct}/{acc_without.occurrences}); strict case "
        f"{pct(acc_without.exact_strict_case)}"
    )
    print(
        f"exact-match term accuracy with glossary:    {pct(acc_with.exact)} "
        f"({acc_with.correct}/{acc_with.occurrences}); strict case "
        f"{pct(acc_with.exact_strict_case)}   (target >= 99%)"
    )
    print(f"  (the references themselves: {pct(acc_ref.exact)})")
    print(
        f"window overlap w=2 without/with: {pct(acc_without.window_2)} / {pct(acc_with.window_2)}; "
        f"w=3: {pct(acc_without.window_3)} / {pct(acc_with.window_3)}"
    )
    print(f"statuses: {dict(status)}")
    print(
        f"term sentences changed by enforcement: {changed}/{len(with_terms)}; "
        f"all-terms-found-by-the-model sentences: {first_pass_model}, identical to plain: "
        f"{compliant_same}"
    )
    print(f"BLEU whole test set without glossary: {bleu_without.score:.2f}")
    print(
        f"BLEU whole test set with glossary:    {bleu_with.score:.2f}  "
        f"(delta {bleu_with.score - bleu_without.score:+.2f}; target >= -0.30)"
    )
    print(
        f"BLEU on the {len(with_terms)} term sentences without/with: {sub_without.score:.2f} / "
        f"{sub_with.score:.2f}"
    )
    print(f"BLEU signature: {metric.get_signature()}")
    print(
        f"decode time: rest {t_rest:.0f} s, term sentences plain {t_plain:.0f} s, "
        f"enforced {t_enforced:.0f} s"
    )
    summary = {
        "model": str(model),
        "beam": beam,
        "glossary": glossary.checksum,
        "test_pairs": len(src),
        "term_sentences": len(with_terms),
        "occurrences": occurrences,
        "term_accuracy_without": acc_without.to_dict(),
        "term_accuracy_with": acc_with.to_dict(),
        "bleu_without": round(bleu_without.score, 2),
        "bleu_with": round(bleu_with.score, 2),
        "statuses": dict(status),
        "failed_examples": [
            {"source": term_src[k], "output": r.text, "term": t.to_dict()}
            for k, r in enumerate(enforced)
            for t in r.outcomes
            if t.status in {"failed"}
        ][:10],
        "top_terms": Counter(m.term.sw for ms in matches for m in ms).most_common(15),
    }
    if cache is not None:
        (cache / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        (cache / "with-glossary.txt").write_text(
            "".join(h + "\n" for h in hyp_with), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
