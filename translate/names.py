"""Names the English lost: capitalised Swahili words that should reach the English as written.

Protection (:mod:`translate.protect`) enforces names it can recognise as foreign ("Vassilenko",
"EU"); Swahili-looking names ("Mtendeli", "Nyarugusu", "Kamau") pass its test for Swahili words
and are left to the model, which mangles the rare ones ("Mtenden", "Committee"). This check
asks, after translation, whether every capitalised word in mid-sentence reached the English —
unless it is a word that translates.

Which capitalised words translate ("Marekani" → America, "Wizara" → Ministry, "Jumapili" →
Sunday) was counted on the real training pairs (``benchmarks/trust_tables.py`` writes
``translate/data/translated-capitals.txt``): those the English reference mostly does not
repeat; common Swahili words ("Uangalizi" in a title) are skipped too, by a word list made
from the same data. A sentence's first word is skipped (any word is capitalised there), and so are spans
the caller has already enforced (protected names, glossary terms), which report their own
outcome.
"""

from __future__ import annotations

import lzma
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

from translate.protect_tables import PLACES

__all__ = ["missing_names"]

_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
# People and languages of a place: "Wamakedonia", "Kimakedonia", "Wacolombia" translate.
_CLASS_PREFIXED = re.compile(r"(?:wa|ki)[^aeiou'-][a-z'-]{3,}")
# A noun-class prefix on a borrowed name: "Msingapore" (a Singaporean), "Uwahhabi" (Wahhabism).
_PREFIX = re.compile(r"(?:mw|m|wa|u)(?=[^aeiou'-][a-z'-]{3,})")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;“”\"«»(\[—–-]\s*|\n)\s*$")


@cache
def translated_capitals() -> frozenset[str]:
    """Capitalised Swahili words that translate (casefolded)."""
    text = resources.files("translate").joinpath("data/translated-capitals.txt").read_text("utf-8")
    return frozenset(text.split())


@cache
def swahili_words() -> frozenset[str]:
    """Common Swahili words, seen in lower case more often than capitalised."""
    data = resources.files("translate").joinpath("data/swahili-words.txt.xz").read_bytes()
    return frozenset(lzma.decompress(data).decode("utf-8").split())


@cache
def _not_names() -> frozenset[str]:
    # Well-known places: the model renders them reliably, and translators often turn them into
    # adjectives or drop them ("wananchi wa Guinea" → "Guineans").
    return translated_capitals() | swahili_words() | PLACES


def _fold(text: str) -> str:
    stripped = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in stripped if not unicodedata.combining(c)).replace("’", "'")


def _carried(name: str, english_words: set[str]) -> bool:
    """The English has the name, or a word made from it: "Guinean", "Kamau's", "Slovak"."""
    stems = [name]
    if name.endswith("ia") and len(name) > 5:
        stems.append(name[:-2])  # Slovakia → Slovak
    for word in english_words:
        if word.startswith(name) or word in stems:
            return True
    # A hyphenated name reaches the English if its parts do ("Ould-Abdallah").
    parts = [p for p in name.split("-") if p]
    return len(parts) > 1 and all(_carried(p, english_words) for p in parts)


def missing_names(source: str, english: str, covered: Iterable[tuple[int, int]] = ()) -> list[str]:
    """Capitalised source words in mid-sentence that translate into nothing like themselves.

    Args:
        source: the Swahili text.
        english: its translation.
        covered: (start, end) offsets of source spans already enforced, which are skipped.
    """
    skip = list(covered)
    english_words = {_fold(w) for w in _TOKEN.findall(english)}
    table = _not_names()
    missing: list[str] = []
    for match in _TOKEN.finditer(source):
        word = match.group(0)
        if not word[0].isupper() or len(word) < 3 or word.isupper():
            continue  # acronyms are protection's
        if _SENTENCE_START.search(source[: match.start()]):
            continue
        if any(start <= match.start() < end for start, end in skip):
            continue
        folded = _fold(word)
        if folded in table or _CLASS_PREFIXED.fullmatch(folded) or _carried(folded, english_words):
            continue
        prefix = _PREFIX.match(folded)
        if prefix and _carried(folded[prefix.end() :], english_words):
            continue
        if word not in missing:
            missing.append(word)
    return missing
