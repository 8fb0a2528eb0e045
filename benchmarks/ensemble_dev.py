"""How much an ensemble of sw→en models gains on MAFAND-MT dev: the teacher for distillation.

    python benchmarks/ensemble_dev.py MODEL MODEL ...     # catalogue names or folders

Decodes all 1,791 dev pairs with each model as ``data/kd/teacher.py`` does (CTranslate2, beam 4,
the bare model), then prints BLEU / chrF2 (sacreBLEU) of each model alone and of the consensus
(per line, the candidate with the highest summed sentence chrF2 against the other models'),
over all of dev and its even and odd lines apart. Running several models costs that many times
the decoding, so the consensus is a teacher to distil into one model, not a way to translate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sacrebleu.metrics import CHRF

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "data" / "kd"))
sys.path.insert(0, str(REPO / "benchmarks"))

from rerank_dev import scores  # noqa: E402
from teacher import consensus, each_model  # noqa: E402

NEWS = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    sources = (NEWS / "dev.sw").read_text(encoding="utf-8").splitlines()
    refs = (NEWS / "dev.en").read_text(encoding="utf-8").splitlines()
    outputs = each_model(sources, args.models, args.threads)
    print("| model | BLEU | chrF2 | BLEU, even lines | BLEU, odd lines |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, hyps in zip(args.models, outputs, strict=True):
        print(f"| {name} | {scores(hyps, refs)} |")
    chrf = CHRF()
    chosen = [consensus(list(line), chrf) for line in zip(*outputs, strict=True)]
    print(f"| consensus of all {len(outputs)} | {scores(chosen, refs)} |")


if __name__ == "__main__":
    main()
