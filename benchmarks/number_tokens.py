"""How a model's SentencePiece vocabulary cuts numbers, on MAFAND-MT dev (both sides).

    python benchmarks/number_tokens.py [--model translate/embedded/sw-en-compact]
    python benchmarks/number_tokens.py --vocab-size 4000 [--split-digits]

With ``--vocab-size`` a joint SentencePiece vocabulary is trained first on MAFAND-MT's
``train.{sw,en}``, with the same trainer settings as ``tafsiri train`` (stage 1's data), so
that vocabularies can be compared without training a model.

A model copies a figure most easily when the source and the reference cut it into the same
pieces. For every number (digits with inner ``.`` or ``,``) in dev.sw and dev.en this prints
how many pieces it takes, and, for each number written the same way in a source sentence and
its reference, how often the two sides cut it identically (in context: the piece before it
decides whether it starts with ``▁``). Also the numeric pieces in the vocabulary, and the
numbers cut most differently across sides. Only dev is read; test stays unseen.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import sentencepiece as spm

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "lafand-mt-en-sw"
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NUMERIC_PIECE = re.compile(r"▁?[\d.,]*\d[\d.,]*")


def pieces_of(sp: spm.SentencePieceProcessor, line: str) -> dict[str, list[tuple[str, ...]]]:
    """Each number in ``line`` → the pieces covering it, one tuple per occurrence."""
    pieces = sp.encode(line, out_type=str)
    # Character offsets of the pieces in the normalised line (▁ stands for one space).
    text = "".join(pieces).replace("▁", " ")
    spans, pos = [], 0
    for piece in pieces:
        spans.append((pos, pos + len(piece), piece))
        pos += len(piece)
    found: dict[str, list[tuple[str, ...]]] = {}
    for match in NUMBER.finditer(text):
        covering = tuple(p for a, b, p in spans if a < match.end() and b > match.start())
        found.setdefault(match.group(), []).append(covering)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "translate/embedded/sw-en-compact")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", type=int, default=10, help="differently cut numbers to list")
    parser.add_argument("--vocab-size", type=int, default=0, help="train a vocabulary this size")
    parser.add_argument("--split-digits", action="store_true", help="with --vocab-size")
    args = parser.parse_args()
    if args.vocab_size:
        with tempfile.TemporaryDirectory() as tmp:
            args.model = Path(tmp)
            _train_vocabulary(args)
            report(args)
    else:
        report(args)


def _train_vocabulary(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    from translate.train import build_tokenizer_files

    sources = (args.data / "train.sw").read_text(encoding="utf-8").splitlines()
    targets = (args.data / "train.en").read_text(encoding="utf-8").splitlines()
    size = build_tokenizer_files(
        sources, targets, args.model, args.vocab_size, joint=True, split_digits=args.split_digits
    )
    print(
        f"trained a joint vocabulary on train.sw + train.en: {size} ids"
        f"{', digits split' if args.split_digits else ''}"
    )


def report(args: argparse.Namespace) -> None:
    source = spm.SentencePieceProcessor(model_file=str(args.model / "source.spm"))
    target = spm.SentencePieceProcessor(model_file=str(args.model / "target.spm"))
    sw = (args.data / "dev.sw").read_text(encoding="utf-8").splitlines()
    en = (args.data / "dev.en").read_text(encoding="utf-8").splitlines()

    for side, sp, lines in (("sw", source, sw), ("en", target, en)):
        length = sum(len(sp.encode(line)) for line in lines) / len(lines)
        print(f"dev.{side}: {length:.1f} pieces per sentence")
        counts = [
            len(cut) for line in lines for cuts in pieces_of(sp, line).values() for cut in cuts
        ]
        single = sum(1 for n in counts if n == 1)
        print(
            f"dev.{side}: {len(counts)} numbers, {sum(counts) / len(counts):.2f} pieces each, "
            f"{single / len(counts):.1%} one piece"
        )
    numeric = [
        source.id_to_piece(i)
        for i in range(source.get_piece_size())
        if NUMERIC_PIECE.fullmatch(source.id_to_piece(i))
    ]
    print(f"numeric pieces in the source vocabulary: {len(numeric)} of {source.get_piece_size()}")

    same = differ = 0
    examples: Counter[tuple[str, tuple[str, ...], tuple[str, ...]]] = Counter()
    for s_line, e_line in zip(sw, en, strict=True):
        s_cuts, e_cuts = pieces_of(source, s_line), pieces_of(target, e_line)
        for number, cuts in s_cuts.items():
            if number not in e_cuts:
                continue
            for s_cut, e_cut in zip(cuts, e_cuts[number], strict=False):
                # The leading ▁ says only what came before; compare the cut itself.
                a = tuple(p.lstrip("▁") for p in s_cut if p != "▁")
                b = tuple(p.lstrip("▁") for p in e_cut if p != "▁")
                if a == b:
                    same += 1
                else:
                    differ += 1
                    examples[(number, s_cut, e_cut)] += 1
    total = same + differ
    print(
        f"numbers written alike in a source and its reference: {total}; cut the same way on both "
        f"sides: {same} ({same / max(total, 1):.1%})"
    )
    for (number, s_cut, e_cut), n in examples.most_common(args.show):
        print(f"  {number}: sw {' '.join(s_cut)}  |  en {' '.join(e_cut)}  ×{n}")


if __name__ == "__main__":
    main()
