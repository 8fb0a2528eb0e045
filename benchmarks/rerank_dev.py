"""How many candidates, and what channel weight: the reranker's settings on MAFAND-MT dev.

    python benchmarks/rerank_dev.py                      # the embedded model and channel
    python benchmarks/rerank_dev.py --model M --channel C --threads 2

Decodes all 1,791 dev pairs once (CTranslate2, beam 4, the four best kept, no glossary or
protection: the bare model), scores every candidate once with the channel model (the
English→Swahili model's mean log-probability of the Swahili given the English), then prints
BLEU / chrF2 (sacreBLEU) of each setting's choice, over all of dev and over its odd and even
lines apart: a weight chosen on one half should hold on the other. ``candidates 1`` is the
beam's own ranking. The settings a model ships go into its folder's ``rerank.json``; the run as
shipped (protected spans on) is compared with ``python benchmarks/model_dev.py MODEL
[--rerank]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sacrebleu

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate.backend import DecodeOptions, load_backend  # noqa: E402
from translate.model_catalog import resolve_model  # noqa: E402
from translate.rerank import rerank  # noqa: E402

NEWS = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"
BEAM = 4
WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.8)


def scores(hyps: list[str], refs: list[str]) -> str:
    """One table row's cells: BLEU | chrF2 | BLEU of the even lines | BLEU of the odd lines."""
    halves = [sacrebleu.corpus_bleu(hyps[k::2], [refs[k::2]]).score for k in (0, 1)]
    return (
        f"{sacrebleu.corpus_bleu(hyps, [refs]).score:.2f} | "
        f"{sacrebleu.corpus_chrf(hyps, [refs]).score:.2f} | {halves[0]:.2f} | {halves[1]:.2f}"
    )


class _Memo:
    """A channel model that scores each (English, Swahili) pair once, for every setting tried."""

    def __init__(self, channel) -> None:
        self.channel, self.model_id = channel, channel.model_id
        self.table: dict[tuple[str, str], float | None] = {}
        self.seconds = 0.0

    def score_batch(self, english: list[str], swahili: list[str]) -> list[float | None]:
        pairs = list(zip(english, swahili, strict=True))
        todo = sorted(set(pairs) - self.table.keys())
        if todo:
            began = time.perf_counter()
            values = self.channel.score_batch([p[0] for p in todo], [p[1] for p in todo])
            self.seconds += time.perf_counter() - began
            self.table.update(zip(todo, values, strict=True))
        return [self.table[pair] for pair in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="sw-en-compact")
    parser.add_argument("--channel", default="en-sw-compact")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    sources = (NEWS / "dev.sw").read_text(encoding="utf-8").splitlines()
    refs = (NEWS / "dev.en").read_text(encoding="utf-8").splitlines()
    forward = load_backend("ct2", resolve_model(args.model), threads=args.threads)
    channel = _Memo(load_backend("auto", resolve_model(args.channel), threads=args.threads))
    began = time.perf_counter()
    nbest = forward.translate_batch(sources, DecodeOptions(beam=BEAM, nbest=BEAM))
    decoded = time.perf_counter() - began
    rerank(sources, nbest, channel, 1.0)  # every candidate scored once, and timed
    print(
        f"{len(sources)} dev lines; beam {BEAM} decode {decoded:.1f} s, channel scores of "
        f"every candidate {channel.seconds:.1f} s ({forward.description})\n"
    )
    print("| candidates | weight | BLEU | chrF2 | BLEU, even lines | BLEU, odd lines |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| 1 | – | {scores([h[0].text for h in nbest], refs)} |", flush=True)
    for candidates in (2, 3, 4):
        for weight in WEIGHTS:
            ranked = rerank(sources, nbest, channel, weight, candidates)
            print(
                f"| {candidates} | {weight:g} | {scores([h[0].text for h in ranked], refs)} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
