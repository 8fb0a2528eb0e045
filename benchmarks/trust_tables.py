"""Build the data tables the trust flags ship with, from the real training pairs.

    python benchmarks/trust_tables.py [--shared ../shared]

Writes ``translate/data/translated-capitals.txt``: capitalised Swahili words (seen at least
twice in mid-sentence) whose English reference mostly does *not* repeat them — words that
translate ("Marekani" → America, "Wizara" → Ministry, "Daudi" → David). Every other
capitalised word is a name the English must carry as written (``translate.names``).

Writes ``translate/data/swahili-words.txt.xz``: Swahili words seen in lower case at least three
times, and at least as often as capitalised in mid-sentence — common words, so a capitalised
"Uangalizi" in a title is not taken for a name; those capitalised more often are kept with a
``^`` mark, as stems only ("rais" for "Uraisi").

Writes ``translate/data/english-capitals.txt.xz``: words the English of the pairs and the English
news sentences capitalise in mid-sentence at least twice — the spellings English gives names,
so "Yemeni" is carried by "Yemen" and a model's "Nyarugus" carries nothing.

Writes ``translate/data/unsupported-lexicon.json``: for each family of high-stakes English words
(``translate.unsupported.FAMILIES``), the Swahili words seen at least three times in sources
whose reference has a word of the family, in at least a quarter of all their occurrences
("kizuizini" for detention) — the forms the hand-cut stems miss.

Reads MAFAND-MT train, AfriQA, the Bible training split (``data/bible/prepare.py`` first) and
the Voice of America Swahili sentences and the English news sentences (monolingual); never dev
or test.
"""

from __future__ import annotations

import argparse
import collections
import json
import lzma
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")


def _pairs(shared: Path) -> list[tuple[str, str]]:
    files = [
        (shared / "data/lafand-mt-en-sw/train.sw", shared / "data/lafand-mt-en-sw/train.en"),
        (shared / "data/afriqa-sw-en/questions.sw", shared / "data/afriqa-sw-en/questions.en"),
        (REPO / "data/bible/train.sw", REPO / "data/bible/train.en"),
    ]
    pairs: list[tuple[str, str]] = []
    for sw, en in files:
        pairs += zip(
            sw.read_text("utf-8").splitlines(), en.read_text("utf-8").splitlines(), strict=True
        )
    return pairs


def translated_capitals(pairs: list[tuple[str, str]]) -> list[str]:
    seen: collections.Counter[str] = collections.Counter()
    copied: collections.Counter[str] = collections.Counter()
    for sw, en in pairs:
        english = {w.casefold() for w in _TOKEN.findall(en)}
        for i, match in enumerate(_TOKEN.finditer(sw)):
            word = match.group(0)
            if i == 0 or not word[0].isupper():
                continue
            folded = word.casefold()
            seen[folded] += 1
            copied[folded] += folded in english
    return sorted(w for w, n in seen.items() if n >= 2 and copied[w] / n < 0.5)


def swahili_words(lines: list[str]) -> list[str]:
    lower: collections.Counter[str] = collections.Counter()
    capital: collections.Counter[str] = collections.Counter()
    for line in lines:
        for i, match in enumerate(_TOKEN.finditer(line)):
            word = match.group(0)
            if word[0].islower():
                lower[word] += 1
            elif i > 0:
                capital[word.casefold()] += 1
    # "^rais": seen in lower case, but capitalised more often ("Rais Buhari") — a stem for
    # the prefixed forms of a title ("Uraisi"), never taken for a common word on its own.
    return sorted(w if n >= capital[w] else "^" + w for w, n in lower.items() if n >= 3)


def english_capitals(lines: list[str]) -> list[str]:
    seen: collections.Counter[str] = collections.Counter()
    for line in lines:
        for i, match in enumerate(_TOKEN.finditer(line)):
            word = match.group(0)
            if i > 0 and word[0].isupper() and not word.isupper():
                seen[word.casefold()] += 1
    return sorted(w for w, n in seen.items() if n >= 2)


def unsupported_lexicon(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    from translate.unsupported import FAMILIES

    patterns = {
        name: re.compile(rf"(?<![\w$])(?:{f.english})(?![\w])", re.IGNORECASE)
        for name, f in FAMILIES.items()
    }
    seen: collections.Counter[str] = collections.Counter()
    joint: dict[str, collections.Counter[str]] = {name: collections.Counter() for name in FAMILIES}
    for sw, en in pairs:
        words = {w.casefold() for w in _TOKEN.findall(sw) if w.islower()}
        seen.update(words)
        for name, pattern in patterns.items():
            if pattern.search(en):
                joint[name].update(words)
    return {
        name: sorted(w for w, n in counts.items() if n >= 3 and n / seen[w] >= 0.25)
        for name, counts in joint.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    words = translated_capitals(_pairs(args.shared))
    out = REPO / "translate/data/translated-capitals.txt"
    out.write_text("".join(w + "\n" for w in words), encoding="utf-8")
    print(f"{out.relative_to(REPO)}: {len(words)} words")
    pairs = _pairs(args.shared)
    voa = args.shared / "data/news-sw/voa-swahili-sentences.sw"
    common = swahili_words([sw for sw, _ in pairs] + voa.read_text("utf-8").splitlines())
    out = REPO / "translate/data/swahili-words.txt.xz"
    # A fixed preset and no timestamp: the same data gives the same bytes.
    out.write_bytes(lzma.compress("".join(w + "\n" for w in common).encode(), preset=9))
    print(f"{out.relative_to(REPO)}: {len(common)} words")
    news_en = args.shared / "data/news-en/lafand-other-pairs.en"
    capitals = english_capitals([en for _, en in pairs] + news_en.read_text("utf-8").splitlines())
    out = REPO / "translate/data/english-capitals.txt.xz"
    out.write_bytes(lzma.compress("".join(w + "\n" for w in capitals).encode(), preset=9))
    print(f"{out.relative_to(REPO)}: {len(capitals)} words")
    lexicon = unsupported_lexicon(pairs)
    out = REPO / "translate/data/unsupported-lexicon.json"
    out.write_text(json.dumps(lexicon, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
    print(f"{out.relative_to(REPO)}: {sum(map(len, lexicon.values()))} words")


if __name__ == "__main__":
    main()
