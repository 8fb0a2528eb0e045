"""Before/after excerpt: the seed article translated without and with the diplomatic glossary.

    python benchmarks/glossary_seed.py --model FOLDER [--segments 4]

Prints, for the first segments that contain glossary terms, the source, the translation
without the glossary, the translation with it, and each term's status.
"""

from __future__ import annotations

import argparse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "kazakhstan-belgium-consultations.sw.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="model folder")
    parser.add_argument("--segments", type=int, default=4, help="how many segments to show")
    parser.add_argument("--max-length", type=int, default=256, help="most output tokens")
    args = parser.parse_args()

    from glossary import default_glossary
    from translate.backend import DecodeOptions
    from translate.constraints import enforce
    from translate.marian import MarianBackend
    from translate.segment import segment_document

    glossary = default_glossary()
    backend = MarianBackend(args.model, device="cpu")
    beam = int(getattr(backend.model.generation_config, "num_beams", 0) or 4)
    options = DecodeOptions(beam=beam, max_length=args.max_length)
    text = SEED.read_text(encoding="utf-8")
    segments = [s.text for s in segment_document(text) if glossary.match(s.text)][: args.segments]
    plain = [h[0].text for h in backend.translate_batch(segments, options)]
    enforced = enforce(backend, segments, options, glossary)
    for source, before, after in zip(segments, plain, enforced, strict=True):
        print(f"sw:      {source}")
        print(f"without: {before}")
        print(f"with:    {after.text}")
        for term in after.outcomes:
            print(
                f"         - {term.source} → {term.found or '(missing)'} [{term.status}]"
                f"{' ' + term.reason if term.reason else ''}"
            )
        print()


if __name__ == "__main__":
    main()
