"""An ensemble's English for Swahili sentences, to distil into one model (issue 24, step 4).

Each model translates every line (CTranslate2, beam 4, the bare model: no glossary, no
protection), then for each line the English kept is the consensus of the candidates: the one
with the highest summed sentence chrF2 (sacreBLEU) against the others, that is minimum-Bayes-risk
selection over one candidate per model. With four sw→en models this scores 24.02 / 50.54 on
MAFAND-MT dev against 23.58 / 50.03 for the shipped model alone (``python
benchmarks/ensemble_dev.py``), which is what a student trained on its English can learn from.

    python data/kd/teacher.py SOURCE OUT MODEL MODEL ...      # OUT: one English line per line

Models are anything ``tafsiri translate --model`` takes (a catalogue name or a folder).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sacrebleu.metrics import CHRF

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from translate.backend import DecodeOptions, load_backend  # noqa: E402
from translate.model_catalog import resolve_model  # noqa: E402

BEAM = 4


def each_model(sources: list[str], models: list[str], threads: int) -> list[list[str]]:
    """Every model's best English for every source, one list per model."""
    outputs = []
    for name in models:
        backend = load_backend("ct2", resolve_model(name), threads=threads)
        began = time.perf_counter()
        best = backend.translate_batch(sources, DecodeOptions(beam=BEAM, nbest=1))
        outputs.append([hyps[0].text for hyps in best])
        print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    return outputs


def consensus(candidates: list[str], chrf: CHRF) -> str:
    """The candidate the others agree with most (summed sentence chrF2; the first on ties)."""
    if len(candidates) == 1:
        return candidates[0]

    def agreement(index: int) -> float:
        return sum(
            chrf.sentence_score(candidates[index], [other]).score
            for k, other in enumerate(candidates)
            if k != index
        )

    return candidates[max(range(len(candidates)), key=agreement)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("models", nargs="+")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    sources = args.source.read_text(encoding="utf-8").splitlines()
    outputs = each_model(sources, args.models, args.threads)
    chrf = CHRF()
    chosen = [consensus(list(line), chrf) for line in zip(*outputs, strict=True)]
    args.out.write_text("\n".join(chosen) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
