"""How fast does the pipeline translate a line-per-sentence test set?

Prints segments per second, target tokens per second, and the share of wall time spent outside
model generation (segmentation, tokenisation, batching, detokenisation, rebuilding) — the part
a faster runtime would not help with.

    python benchmarks/translate_speed.py --model FOLDER
        [--input ../shared/data/lafand-mt-en-sw/test.sw] [--limit N] [--beam N]
        [--batch-tokens N] [--device auto] [--threads N]

Model loading is timed separately and left out of the rates.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = REPO.parent / "shared" / "data" / "lafand-mt-en-sw" / "test.sw"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="model folder or cached hub id")
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT, help="line-per-sentence file")
    parser.add_argument("--limit", type=int, default=0, help="first N lines only (0 = all)")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--batch-tokens", type=int, default=4096)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = default)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    import torch

    from translate.backend import DecodeOptions
    from translate.pipeline import Translator
    from translate.textio import read_lines

    if args.threads:
        torch.set_num_threads(args.threads)
    lines = read_lines(args.input)
    if args.limit:
        lines = lines[: args.limit]
    text = "\n".join(lines) + "\n"

    t0 = time.perf_counter()
    options = DecodeOptions(
        beam=args.beam, batch_tokens=args.batch_tokens, max_length=args.max_length
    )
    translator = Translator(args.model, device=args.device, options=options)
    load_s = time.perf_counter() - t0

    model = translator.backend.model
    pad = model.config.pad_token_id
    generate = model.generate
    stats = {"seconds": 0.0, "calls": 0, "tokens": 0}

    def timed_generate(*a, **kw):
        start = time.perf_counter()
        out = generate(*a, **kw)
        if translator.info.device.startswith("cuda"):
            torch.cuda.synchronize()
        stats["seconds"] += time.perf_counter() - start
        stats["calls"] += 1
        sequences = out.sequences if hasattr(out, "sequences") else out
        # Everything after the decoder start token that is not padding (</s> included).
        stats["tokens"] += int((sequences[:, 1:] != pad).sum())
        return out

    model.generate = timed_generate
    t0 = time.perf_counter()
    doc = translator.translate_document(text)
    wall = time.perf_counter() - t0
    segments = len(doc.segments)
    outside = wall - stats["seconds"]

    info = translator.info
    print(f"model          {info.model} ({info.backend}, {info.device})")
    print(f"input          {args.input} ({len(lines)} lines, {segments} segments)")
    print(
        f"settings       beam {args.beam}, batch_tokens {args.batch_tokens}, "
        f"max_length {args.max_length}, threads {torch.get_num_threads()}"
    )
    print(f"load           {load_s:.2f} s (not counted below)")
    gen_s, calls = stats["seconds"], stats["calls"]
    print(f"wall           {wall:.2f} s; generate {gen_s:.2f} s in {calls} batches")
    print(f"segments/s     {segments / wall:.2f}")
    print(f"target tok/s   {stats['tokens'] / wall:.1f} ({stats['tokens']} tokens)")
    print(f"outside gen    {100 * outside / wall:.1f}% of wall time ({outside:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
