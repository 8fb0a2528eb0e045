"""CPU decoding cost of a model shape before any weights exist (issue 24: "keep CPU speed").

    python benchmarks/shape_speed.py [--lines 1000] [--threads 2] [--repeats 2]

Model v7 would be d_model 384 with 6+2 layers, trained on a lent GPU
(``benchmarks/gpu_from_scratch.py``). Whether that shape keeps the shipped model's CPU speed
can be known before it is trained: the shipped model (v6) translates the first N MAFAND-MT test
sentences as it ships (CTranslate2 int8, beam 4), and the length of each English is noted. Then
v6 and a randomly initialised model of each shape in ``SHAPES`` (the shipped vocabulary,
converted the same way) decode the same sentences with every output forced to exactly that
length (minimum = maximum decoding length; lengths rounded up to a multiple of four so that
batches stay pipeline-sized), so every model does the same search whatever its
weights prefer. The models take turns, ``--repeats`` times; the table gives each one's best
time and its ratio to v6. Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EMBEDDED = REPO / "translate" / "embedded" / "sw-en-compact"
TEST = REPO.parent / "shared" / "data" / "lafand-mt-en-sw" / "test.sw"
#: name → the overrides of gpu_from_scratch.SHAPE (d384, 6+2, FFN 1536).
SHAPES = {
    "d384 6+2, FFN 1536 (v7 as planned)": {},
    "d384 6+1, FFN 1536": {"decoder_layers": 1},
    "d320 8+2, FFN 1280": {"d_model": 320, "encoder_layers": 8, "heads": 5, "ffn_dim": 1280},
}


def _groups(translator, pieces: list[list[str]], beam: int) -> dict[int, list[int]]:
    """Sentence indices by the length of the shipped model's English, rounded up to a multiple
    of four target tokens: exact lengths would leave batches of a few sentences, far smaller
    than the pipeline's."""
    by_length: dict[int, list[int]] = defaultdict(list)
    results = translator.translate_batch(pieces, beam_size=beam, max_batch_size=64)
    for i, result in enumerate(results):
        by_length[-(-len(result.hypotheses[0]) // 4) * 4].append(i)
    return by_length


def _forced(translator, pieces, groups: dict[int, list[int]], beam: int) -> float:
    began = time.perf_counter()
    for length, idx in groups.items():
        translator.translate_batch(
            [pieces[i] for i in idx],
            beam_size=beam,
            max_batch_size=64,
            min_decoding_length=length,
            max_decoding_length=length,
        )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--beam", type=int, default=4)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(Path(__file__).parent))
    from gpu_from_scratch import SHAPE, new_model

    from translate.backend import quiet_waits

    quiet_waits()
    import ctranslate2
    import sentencepiece as spm

    from translate.ct2 import _run_converter

    lines = TEST.read_text(encoding="utf-8").splitlines()[: args.lines]
    sp = spm.SentencePieceProcessor(model_file=str(EMBEDDED / "source.spm"))
    pieces = [[*p, "</s>"] for p in sp.encode(lines, out_type=str)]
    folders = {"v6 (shipped, d256 8+2)": EMBEDDED / "ct2-int8"}
    with tempfile.TemporaryDirectory() as tmp:
        for name, overrides in SHAPES.items():
            folder = Path(tmp) / f"shape{len(folders)}"
            new_model(folder, SHAPE | overrides, EMBEDDED)
            _run_converter(folder, folder / "ct2", "int8")
            folders[name] = folder / "ct2"
        sizes = {name: (path / "model.bin").stat().st_size for name, path in folders.items()}
        translators = {
            name: ctranslate2.Translator(
                str(path), device="cpu", compute_type="int8", intra_threads=args.threads
            )
            for name, path in folders.items()
        }
        groups = _groups(translators["v6 (shipped, d256 8+2)"], pieces, args.beam)
        tokens = sum(length * len(idx) for length, idx in groups.items())
        best = {name: float("inf") for name in translators}
        for _ in range(args.repeats):
            for name, translator in translators.items():
                best[name] = min(best[name], _forced(translator, pieces, groups, args.beam))
    base = best["v6 (shipped, d256 8+2)"]
    print(
        f"{len(lines)} MAFAND-MT test sentences, {tokens} target tokens (v6's own lengths, "
        "rounded up to a multiple of 4), "
        f"beam {args.beam}, CTranslate2 int8, {args.threads} threads, best of {args.repeats}\n"
    )
    print("| model | int8 model.bin | time (s) | target tokens/s | × v6 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, seconds in best.items():
        print(
            f"| {name} | {sizes[name] / 2**20:.1f} MiB | {seconds:.1f} | {tokens / seconds:.0f} "
            f"| {seconds / base:.2f} |"
        )


if __name__ == "__main__":
    main()
