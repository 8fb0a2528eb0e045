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
from the same data, also behind Swahili prefixes ("Yasiyokamili" = ya-si-yo-kamili) and one typo
away ("Marekeni"). A name the English spells its own way is carried when that spelling is one
English writes ("Yemeni" → Yemen, "Korani" → Quran: a table of the words English news
capitalises), so a model's "Nyarugus" for "Nyarugusu" still counts as lost. A sentence's first
word is skipped (any word is capitalised there), and so are hashtags, a first name dropped
before a surname the English keeps ("Thabo Mbeki" → "President Mbeki"), and spans the caller
has already enforced (protected names, glossary terms), which report their own outcome.
"""

from __future__ import annotations

import lzma
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

from translate.protect_tables import PLACES

__all__ = ["missing_names", "same_name"]

_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
# People and languages of a place: "Wamakedonia", "Kimakedonia", "Wacolombia" translate.
_CLASS_PREFIXED = re.compile(r"(?:wa|ki)[^aeiou'-][a-z'-]{3,}")
# A noun-class prefix on a borrowed name: "Msingapore" (a Singaporean), "Uwahhabi" (Wahhabism).
_PREFIX = re.compile(r"(?:mw|m|wa|u)(?=[^aeiou'-][a-z'-]{3,})")
_VOWEL_PREFIX = re.compile(r"(?:wa|mw|ki|u)(?=[aeiou][a-z'-]{3,})")
# What a Swahili word may carry in front of a common stem: a negation, a subject or noun-class
# prefix, a tense, a relative and an object marker ("Yasiyokamili" = ya-si-yo-kamili,
# "Mwanakamati" = mwana-kamati, "Kuhabarishwa" = ku-habarishwa).
_SWAHILI_PREFIXES = re.compile(
    r"(?:ha|si)?"
    r"(?:mwana|mw|mu|m|wa|ki|vi|ch|u|ma|ku|li|ya|zi|i|a|tu|ni|pa|ji)?"
    r"(?:na|li|ta|me|ki|ka|nge|si|ja|ku)?"
    r"(?:o|yo|cho|vyo|lo|zo|ko|po|mo|ye|we)?"
    r"(?:m|mw|wa|ki|vi|li|ya|zi|i|u|ku|tu|ni|ji)?"
)
# Spelling that Swahili and English versions of one name differ by ("Korani"/Quran,
# "Teresa"/Theresa, "Vatikani"/Vatican): compared on consonants, c and q read as k, h silent.
_SPELLING = str.maketrans({"c": "k", "q": "k", "h": None, "a": None, "e": None, "i": None,
                           "o": None, "u": None, "y": None, "'": None, "-": None})  # fmt: skip
_SENTENCE_START = re.compile(r"(?:^|[.!?:;“”\"«»(\[—–-]\s*|\n)\s*$")


@cache
def translated_capitals() -> frozenset[str]:
    """Capitalised Swahili words that translate (casefolded)."""
    text = resources.files("translate").joinpath("data/translated-capitals.txt").read_text("utf-8")
    return frozenset(text.split())


@cache
def _swahili_table() -> tuple[frozenset[str], frozenset[str]]:
    data = resources.files("translate").joinpath("data/swahili-words.txt.xz").read_bytes()
    lines = lzma.decompress(data).decode("utf-8").split()
    return (
        frozenset(w for w in lines if not w.startswith("^")),
        frozenset(w.removeprefix("^") for w in lines),
    )


def swahili_words() -> frozenset[str]:
    """Common Swahili words, seen in lower case more often than capitalised."""
    return _swahili_table()[0]


def swahili_stems() -> frozenset[str]:
    """Every Swahili word seen in lower case three times or more, "rais" (mostly "Rais" before a
    name) included: the stems a capitalised word of a title may be made from."""
    return _swahili_table()[1]


@cache
def english_capitals() -> frozenset[str]:
    """Words English news and the English Bible capitalise in mid-sentence (casefolded): the
    English spellings a Swahili name may be written as ("Yemen" for "Yemeni")."""
    data = resources.files("translate").joinpath("data/english-capitals.txt.xz").read_bytes()
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


def _skeleton(word: str) -> str:
    letters = word.replace("ph", "f").translate(_SPELLING)
    return "".join(c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1])


def same_name(name: str, english: str, spelled: Iterable[str] = ()) -> bool:
    """``english`` (a word English spells with a capital) writes the Swahili ``name`` another
    way: "Yemeni" → Yemen, "Korani" → Quran, "Guadalupe" → Guadeloupe, "China" → Chinese.

    Both casefolded. A Swahili name the model cut short ("Nyarugusu" → "Nyarugus") is not one:
    the English word must be one English writes (or ``spelled``, one the source writes too).
    """
    if english not in english_capitals() and english not in spelled:
        return False
    ours, theirs = _skeleton(name), _skeleton(english)
    if len(ours) < 2:
        return False
    # "China" → Chinese: a longer English word that starts like the name.
    return ours == theirs or (
        theirs.startswith(ours) and name[:3].replace("c", "k") == english[:3].replace("c", "k")
    )


# Noun-class prefixes a stem takes in other words: "Uhandisi" (engineering) is known from
# "mhandisi" (an engineer).
_CLASS_SWAPS = ("", "m", "mw", "wa", "ki", "vi", "u", "ma", "mi", "ku", "ji", "n")


def _swahili_form(folded: str, stems: frozenset[str]) -> bool:
    """A known Swahili stem behind prefixes: a word of a title, not a name. Stems of five
    letters or more: "Mbeki" is no m-beki (a football back)."""
    for cut in range(0, len(folded) - 4):
        if _SWAHILI_PREFIXES.fullmatch(folded[:cut]):
            stem = folded[cut:]
            # An agent noun is known from its verb: "Mfichuaji" (whistleblower), "kufichua".
            verbs = (stem[:-3] + "a", "ku" + stem[:-3] + "a") if stem.endswith("aji") else ()
            if any(swap + stem in stems for swap in _CLASS_SWAPS) or stems.intersection(verbs):
                return True
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _misspelt(folded: str, words: frozenset[str]) -> bool:
    """One letter away from a Swahili word that is no name ("Marekeni", "Waanadishi",
    "Mawasilano"): news copy has typos, and a typo of a word is not a name. Short words have
    too many neighbours to judge."""
    if len(folded) < 6:
        return False
    splits = [(folded[:i], folded[i:]) for i in range(len(folded) + 1)]
    edits = (
        [a + b[1:] for a, b in splits if b]
        + [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
        + [a + c + b for a, b in splits for c in _LETTERS]
        + [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    )
    return any(edit in words for edit in edits if edit != folded)


def missing_names(source: str, english: str, covered: Iterable[tuple[int, int]] = ()) -> list[str]:
    """Capitalised source words in mid-sentence that translate into nothing like themselves.

    Args:
        source: the Swahili text.
        english: its translation.
        covered: (start, end) offsets of source spans already enforced, which are skipped.
    """
    skip = list(covered)
    english_words = {_fold(w) for w in _TOKEN.findall(english)}
    # "Inspector-General" carries "Inspekta".
    english_words |= {part for w in english_words if "-" in w for part in w.split("-") if part}
    # A spelling the source itself writes is a real one: "Amrani" is the source's "Amran" too.
    spelled = {_fold(w) for w in _TOKEN.findall(source) if w[0].isupper()}
    # A handle or hashtag carries the names run into it: "@KagutaMuseveni", "#CycloneIdai".
    tags = [_fold(t) for t in re.findall(r"[#@](\w+)", english)]
    table = _not_names()
    missing: list[str] = []
    tokens = list(_TOKEN.finditer(source))
    for i, match in enumerate(tokens):
        word = match.group(0)
        if not word[0].isupper() or len(word) < 3 or word.isupper():
            continue  # acronyms are protection's
        if _SENTENCE_START.search(source[: match.start()]):
            continue
        if match.start() and source[match.start() - 1] in "#@":
            continue  # hashtags and handles ("#PapaFrancis") are tags, not prose
        if any(start <= match.start() < end for start, end in skip):
            continue
        folded = _fold(word)
        if folded in table or _CLASS_PREFIXED.fullmatch(folded) or _carried(folded, english_words):
            continue
        prefix = _PREFIX.match(folded)
        bare = folded[prefix.end() :] if prefix else folded
        if prefix and _carried(bare, english_words):
            continue
        # A people or language of a vowel-initial name: "Waoromo" → Oromo, "Kiarabu" → Arabic.
        vowel = _VOWEL_PREFIX.match(folded)
        if vowel and _carried(folded[vowel.end() :], english_words):
            continue
        if any(same_name(folded, w, spelled) or same_name(bare, w, spelled) for w in english_words):
            continue
        if _swahili_form(folded, swahili_stems()) or _misspelt(folded, table):
            continue
        if len(folded) >= 4 and any(folded in tag for tag in tags):
            continue
        # A first name the English leaves out before a surname it keeps: "Thabo Mbeki" →
        # "President Mbeki".
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            after is not None
            and source[match.end() : after.start()] == " "
            and after.group(0)[0].isupper()
            and _carried(_fold(after.group(0)), english_words)
        ):
            continue
        if word not in missing:
            missing.append(word)
    return missing
