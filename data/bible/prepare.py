"""Cut the verse-aligned Bibles in ../shared/data/bible-sw-en into training and held-out pairs.

Writes, beside this file (git-ignored, rebuilt in seconds):

- ``train.sw`` / ``train.en``: every verse pair of both Swahili versions (ULB, Neno) with the
  World English Bible, except the held-out books;
- ``heldout.sw`` / ``heldout.en``: the held-out books (Ruth and Philippians), Neno only, as an
  out-of-domain check that training never sees.

Verses missing in a version (empty lines) and ULB's ``<range>`` placeholder are skipped. Whole
books are held out rather than random verses because the two Swahili versions share one English
side: a random split would put the same English verse on both sides of it.

    python data/bible/prepare.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELD_OUT_BOOKS = ("RUT", "PHP")
HERE = Path(__file__).resolve().parent


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared")
    args = parser.parse_args()
    bible = args.shared / "data" / "bible-sw-en"
    refs = _lines(bible / "vref.txt")
    english = _lines(bible / "web.en")
    train: list[tuple[str, str]] = []
    heldout: list[tuple[str, str]] = []
    for version in ("ulb", "neno"):
        swahili = _lines(bible / f"{version}.sw")
        if not len(swahili) == len(english) == len(refs):
            raise SystemExit(f"{bible}: {version}.sw, web.en and vref.txt differ in length")
        for ref, sw, en in zip(refs, swahili, english, strict=True):
            sw, en = sw.strip(), en.strip()
            if not sw or not en or sw == "<range>" or en == "<range>":
                continue
            if ref.split()[0] in HELD_OUT_BOOKS:
                if version == "neno":
                    heldout.append((sw, en))
            else:
                train.append((sw, en))
    for name, pairs in (("train", train), ("heldout", heldout)):
        (HERE / f"{name}.sw").write_text("".join(s + "\n" for s, _ in pairs), encoding="utf-8")
        (HERE / f"{name}.en").write_text("".join(e + "\n" for _, e in pairs), encoding="utf-8")
        print(f"{name}: {len(pairs)} pairs")


if __name__ == "__main__":
    main()
