"""QA checks on a segment's English, run at import and again after every edit.

Each check is a small function ``(source, target, terms) -> Flag | None``; :func:`check_segment`
runs them all. They are the checks post-editing tools (MateCat, OmegaT, Weblate) run, tuned to
Swahili→English news:

- ``term``: a glossary term of the source whose English is not in the target, found with the
  engine's target matcher (:func:`translate.locate.locate_targets`, case-adaptive);
- ``number``: a figure, date, percentage, amount or spelled number of the source whose English is
  not in the target (:mod:`translate.protect`);
- ``empty``, ``identical``: an empty target, or one equal to a source that has letters;
- ``length``: a target/source length ratio outside what human translators produce;
- ``brackets``: quotes or brackets whose balance differs from the source's;
- ``untranslated``: Swahili words left in the English;
- ``bidi``: bidirectional controls or zero-width characters (:data:`INVISIBLE`) that the source
  and the English do not hold alike: a right-to-left override makes "evil" read "live".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

from review.model import Flag, Term
from translate.flags import TRUST_KINDS
from translate.locate import locate_targets

__all__ = [
    "FLAGS",
    "TRUST_FLAGS",
    "SEVERITY",
    "INVISIBLE",
    "accepted_terms",
    "check_segment",
    "invisible_name",
    "missing_numbers",
    "risk",
    "trust_flags",
]

#: Flag codes and what they mean, in the order the checks run.
FLAGS: dict[str, str] = {
    "term": "glossary term missing",
    "number": "number not carried over",
    "empty": "target empty",
    "identical": "target identical to source",
    "length": "length ratio outlier",
    "brackets": "unbalanced quotes or brackets",
    "untranslated": "untranslated Swahili",
    "bidi": "hidden bidi or zero-width characters",
}
# The meaning-level flags of the pipeline (translate.trust), read from each record; they
# describe the MT, so they hold while the English is the MT unchanged. A kind the engine adds
# later shows under its own name until it gets a label here.
_TRUST_LABELS = {
    "polarity": "meaning may be reversed",
    "name": "name missing",
    "unsupported": "high-stakes word not in the source",
    "omission": "high-stakes content left out",
    "invented-figure": "figure not in the source",
    "low-confidence": "model unsure",
    "round-trip": "lost in the round trip",
}
#: The flags the pipeline's meaning-level checks write into records
#: (:data:`translate.flags.TRUST_KINDS`), shown like the QA flags.
TRUST_FLAGS: tuple[str, ...] = TRUST_KINDS
FLAGS.update({kind: _TRUST_LABELS.get(kind, kind.replace("-", " ")) for kind in TRUST_FLAGS})

#: How much an open flag weighs in the "riskiest first" order: flags that can reverse or
#: invent meaning first, then lost content, then form.
SEVERITY: dict[str, int] = {
    "polarity": 5,
    "unsupported": 5,
    "omission": 4,
    "invented-figure": 4,
    "empty": 4,
    "number": 3,
    "name": 3,
    "untranslated": 3,
    "identical": 2,
    "term": 2,
    "bidi": 2,
    "length": 2,
    "round-trip": 2,
    "low-confidence": 1,
    "brackets": 1,
}

#: Characters that change how text reads without being seen, with a short label for display:
#: the bidirectional embeddings, overrides and isolates, the directional marks, and the
#: zero-width characters (Unicode TR #9; CVE-2021-42574, "Trojan Source").
INVISIBLE: dict[str, str] = {
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u061c": "ALM",
    "\u200b": "ZWSP",
    "\u200c": "ZWNJ",
    "\u200d": "ZWJ",
    "\u2060": "WJ",
    "\ufeff": "ZWNBSP",
}

# On MAFAND-MT test (1,630 sources of 40+ characters) 99% of the human English is 0.57–1.33
# times as long as the Swahili and 99.5% is under 1.41; outside 0.5–1.6 a segment is almost
# always truncated or padded. Shorter sources vary too much to judge.
LENGTH_RATIO = (0.5, 1.6)
LENGTH_MIN_SOURCE = 40

_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("“", "”"), ("«", "»"))

# Frequent Swahili words that are not English words: seeing one in the English means the model
# (or the editor) left Swahili behind. Function words mostly; names are never in this list.
SWAHILI_WORDS = frozenset(
    """
    na ya wa kwa za cha vya katika kwamba lakini pia hiyo huo hilo hizo hii hizi huu wake yake
    zake wao yao zao sisi wewe yeye ambao ambayo ambapo ambaye hata sana bado zaidi pamoja dhidi
    kuhusu nchini kwenye wakati baada kabla kutoka kuwa alisema amesema ni au kama tu watu
    serikali waziri mkuu nchi siku mwaka miaka jana leo kesho hapa huko pale wengi wote kila
    """.split()
)

# English words ending in a vowel that a Swahili source may also contain (loans, Latin).
_ENGLISH_VOWEL_FINAL = frozenset(
    """
    via data media radio video area idea agenda visa opera camera extra piano pizza veto quota
    mafia taxi safari ebola malaria corona covid china india africa kenya uganda tanzania
    """.split()
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _number_variants(english: str) -> tuple[str, ...]:
    """``refugees`` → ``refugee`` and ``camp`` → ``camps``: the other grammatical number of
    the last word, which English uses when a noun modifies another ("refugee camps")."""
    words = english.split()
    if not words or not words[-1].isalpha() or len(words[-1]) < 4:
        return ()
    last = words[-1]
    other = last[:-1] if last.endswith("s") and not last.endswith("ss") else last + "s"
    return (" ".join([*words[:-1], other]),)


def accepted_terms(
    terms: Sequence[Term],
    extra: Mapping[str, Sequence[str]] | None = None,
    ignored: Collection[str] = (),
) -> tuple[Term, ...]:
    """The terms the ``term`` check holds an English to, with every rendering it accepts.

    Args:
        terms: the segment's glossary terms.
        extra: more renderings per term (:attr:`Term.sw`), from the project glossary.
        ignored: terms the editor chose to ignore in this document (left out).

    Each term accepts the glossary's renderings (its alternatives), the other grammatical
    number of each ("refugee camps" for a term whose English is "refugees"), and ``extra``.
    """
    out = []
    for term in terms:
        if term.sw in ignored or not term.expected:
            continue
        accepted = list(term.expected)
        for english in term.expected:
            accepted.extend(_number_variants(english))
        accepted.extend((extra or {}).get(term.sw, ()))
        out.append(replace(term, expected=tuple(dict.fromkeys(accepted))))
    return tuple(out)


def _term_flag(source: str, target: str, terms: Sequence[Term]) -> Flag | None:
    wanted = [t for t in terms if t.expected]
    if not wanted:
        return None
    hits = locate_targets(target, [t.expected for t in wanted], case="adaptive")
    missing = [t for t, hit in zip(wanted, hits, strict=True) if hit is None]
    if not missing:
        return None
    listed = "; ".join(f"{t.preferred} ({t.surface})" for t in missing)
    return Flag("term", f"missing: {listed}", tuple(dict.fromkeys(t.sw for t in missing)))


def missing_numbers(source: str, target: str) -> list[tuple[str, str]]:
    """The figures of ``source`` whose English is not in ``target``: (Swahili, preferred English).

    Each occurrence counts: a figure written twice in the source must be in the English twice.
    """
    from translate.protect import FIGURE_KINDS, find_spans, locate_all

    spans = [s for s in find_spans(source) if s.kind in FIGURE_KINDS]
    if not spans:
        return []
    return [
        (span.source, span.preferred)
        for span, hit in zip(spans, locate_all(spans, target), strict=True)
        if hit is None
    ]


def _number_flag(source: str, target: str, terms: Sequence[Term]) -> Flag | None:
    missing = missing_numbers(source, target)
    if not missing:
        return None
    return Flag("number", "not carried over: " + "; ".join(f"{e} ({s})" for s, e in missing))


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _empty_flag(source: str, target: str, terms: Sequence[Term]) -> Flag | None:
    if target.strip() or not source.strip():
        return None
    return Flag("empty", "the English is empty")


def _identical_flag(source: str, target: str, terms: Sequence[Term]) -> Flag | None:
    # Segments without letters ("2024", "***") are copied on purpose.
    if not _has_letters(source) or " ".join(source.split()) != " ".join(target.split()):
        return None
    return Flag("identical", "the English is the Swahili source unchanged")


def _length_flag(source: str, target: str, terms: Sequence[Term]) -> Flag | None:
    if len(source.strip()) < LENGTH_MIN_SOURCE or not target.strip():
        return None
    ratio = len(target.strip()) / len(source.strip())
    low, high = LENGTH_RATIO
    if low <= ratio <= high:
        return None
    what = "short" if ratio < low else "long"
    return Flag("length", f"the English is {ratio:.2f}× the source's length (too {what})")


def _balance(text: str) -> dict[str, int]:
    counts = {f"{a}{b}": text.count(a) - text.count(b) for a, b in _PAIRS}
    counts['"'] = text.count('"') % 2
    return counts


def _brackets_flag(source: str, target: str, terms: Sequence[Term]) -> Flag | None:
    # A quotation may open in one sentence and close in a later one, so the English is held to
    # the source's balance, not to a perfect one.
    src, tgt = _balance(source), _balance(target)
    off = [pair for pair in tgt if tgt[pair] != src[pair]]
    if not off:
        return None
    return Flag("brackets", "unbalanced compared with the source: " + " ".join(off))


def _untranslated_flag(source: str, target: str, terms: Sequence[Term]) -> Flag | None:
    source_words = {w.lower() for w in _WORD.findall(source)}
    left: list[str] = []
    for word in _WORD.findall(target):
        if word != word.lower():
            continue  # capitalised: a name, or a sentence start the model wrote in English
        copied = (
            len(word) >= 4
            and word in source_words
            and word[-1] in "aeiou"
            and word not in _ENGLISH_VOWEL_FINAL
        )
        if (word in SWAHILI_WORDS or copied) and word not in left:
            left.append(word)
    if not left:
        return None
    return Flag("untranslated", "Swahili left in the English: " + ", ".join(left))


def invisible_name(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE (RLO)`` for a character of :data:`INVISIBLE`."""
    return f"U+{ord(char):04X} {unicodedata.name(char, '')} ({INVISIBLE[char]})"


def _bidi_flag(source: str, target: str, terms: Sequence[Term]) -> Flag | None:
    src = Counter(c for c in source if c in INVISIBLE)
    tgt = Counter(c for c in target if c in INVISIBLE)
    if src == tgt:
        return None
    differ = sorted(set(src) | set(tgt), key=ord)
    listed = "; ".join(
        f"{invisible_name(c)}: {src[c]} in the source, {tgt[c]} in the English"
        for c in differ
        if src[c] != tgt[c]
    )
    return Flag("bidi", listed)


_CHECKS: dict[str, Callable[[str, str, Sequence[Term]], Flag | None]] = {
    "term": _term_flag,
    "number": _number_flag,
    "empty": _empty_flag,
    "identical": _identical_flag,
    "length": _length_flag,
    "brackets": _brackets_flag,
    "untranslated": _untranslated_flag,
    "bidi": _bidi_flag,
}


def check_segment(source: str, target: str, terms: Sequence[Term] = ()) -> tuple[Flag, ...]:
    """Run every QA check on one segment; the flags come in :data:`FLAGS` order.

    Args:
        source: the Swahili segment.
        target: its current English.
        terms: the glossary terms of the source.
    """
    flags = (check(source, target, terms) for check in _CHECKS.values())
    return tuple(f for f in flags if f is not None)


def trust_flags(records: Sequence[Mapping[str, object]]) -> tuple[Flag, ...]:
    """The meaning-level flags of a record (``{"kind", "detail"}`` dicts of
    :class:`translate.flags.Flag`) as review flags; other kinds are left out."""
    return tuple(
        Flag(str(r["kind"]), str(r.get("detail", "")))
        for r in records
        if r.get("kind") in TRUST_FLAGS
    )


def risk(flags: Sequence[Flag], confidence: float | None) -> tuple[int, int, float]:
    """A sort key, riskiest first: the summed :data:`SEVERITY` of the open flags, their count,
    then the model's confidence (lowest first; unknown last)."""
    severity = sum(SEVERITY.get(f.code, 1) for f in flags)
    return (-severity, -len(flags), confidence if confidence is not None else float("inf"))
