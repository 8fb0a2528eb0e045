"""Polarity: does the English say *not* where the Swahili does, and only there?

Swahili marks negation inside the verb — a negative subject prefix (``si-``, ``ha-``, ``hatu-``,
``ham-``, ``hawa-`` and the noun-class forms ``hai-``, ``hazi-``, ``hali-`` …) with a past
(``-ku-``), future (``-ta-``) or not-yet (``-ja-``) marker or a final ``-i`` (``hawezi``), the
conditional ``-singe-`` — and in a few words (``hakuna``, ``hapana``, ``kamwe``). English marks
it with *not*, *n't*, *no*, *never*, *without* and a few more.

A segment is flagged when one side negates and the other shows no sign of it at all:

- **lost**: the Swahili has a clear negation and the English has no negation cue, not even a
  weak one (*un-*, *-less*, *fail*, *lack*, *refuse*, …: human translators often carry a
  negative verb that way, "haijulikani" → "unknown");
- **invented**: the English has a clear negation and the Swahili has no cue, not even a weak
  one (the relative and subjunctive ``-si-`` forms, "isiyo", "asije"; the negative infinitive
  ``kuto-`` and the copula ``si``/``sio``, which translators render with a word as often as
  with *not* — "kutokuwa salama" → "insecurity", "sio sawa" → "inappropriate").

Counting only presence, and asking the other side for *any* cue, keeps false alarms on human
translations low (see ``docs/trust.md`` for the figures); the price is that a sentence with two
negations that loses one is not flagged.

The tables are at the top of this module: words that look negative but are not (``habari``,
``hatari``, ``sitini``) were found by counting, on MAFAND-MT *train*, how often each
negative-looking word's English reference negates (``benchmarks/trust.py --learn-polarity``
prints the candidates), then checked by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Polarity", "polarity", "polarity_flag"]

# Negative subject prefixes (1sg si-, 3sg ha-, 1pl hatu-, 2pl ham-, 3pl hawa-, noun classes).
# The 2sg hu- is left out: in news it is almost always the habitual hu- ("husafiri").
_SUBJECT = r"(?:si|ha|hatu|ham|hamu|hawa|hai|hazi|hali|haya|haki|havi|hau|hapa|haku)"
_STRONG_SW = re.compile(
    rf"(?:{_SUBJECT}(?:ku|ta|ja)[a-z]{{2,}}"  # hakuenda, hawatakuwa, hajafika
    rf"|{_SUBJECT}na"  # hana, hawana, sina, hakuna: "does not have"
    rf"|{_SUBJECT}[a-z]{{2,}}i"  # hawezi, hajui, haiwezekani: present negative
    rf"|(?:a|u|i|wa|ya|ki|vi|zi|li|ku|pa|m|tu|ni|mu)?singe[a-z]{{2,}}"  # asingeweza
    rf"|{_SUBJECT}(?:yu)?(?:po|ko|mo)"  # hayupo, siko, haipo: "is not (there)"
    r"|hu(?:na|wezi|jui|kuwa|taweza)"  # the few 2sg negatives news quotes use
    r")"
)
# Relative and subjunctive negatives (isiyo, wasiokuwa, asije, usiende), and verbs and words
# that English often renders with a negation: refuse, deny, fail, stop, prevent, "bado" (not yet).
_WEAK_SW = re.compile(
    r"(?:a|u|i|wa|ya|ki|vi|zi|li|ku|pa|m|tu|ni|mu)si[a-z]{2,}"
    # The negative infinitive (kutokuwa, kutofanya) names a state or a failure, and translators
    # render it with a word ("insecurity", "withhold", "decriminalisation") as often as with
    # "not"; not kutoka "from", kutosha "enough", kutolewa "be issued", kutofautisha
    # "distinguish", kutokomeza "eradicate".
    r"|kuto(?!ka|ke|sha|lew|fau|rok|kom|a$|wa$)[a-z]{3,}"
    # present negatives of loanwords keep their final -u: "simfahamu", "hawadharau"
    rf"|{_SUBJECT}[a-z]{{3,}}u"
    r"|[a-z]*(?:kata[al]|kana|shindw|zui|kosa|kosek|acha|pig[aw]a?[ -]?marufuku)[a-z]*|bado"
)
STRONG_SWAHILI_WORDS = frozenset({"hapana", "hakuna", "hamna", "kamwe"})
# "bila" (without) and "wala" (nor) are prepositions that translators often turn around
# ("bila mafanikio" → "in vain"); the copula "si"/"sio" ("sio sawa" → inappropriate, "sio
# maarufu" → infamous) and "haijalishi" (no matter, regardless) are as often a negative word
# as a "not". They still count as a sign of negation for "invented".
WEAK_SWAHILI_WORDS = frozenset({"bila", "wala", "si", "sio", "siyo", "haijalishi"})
# "bila shaka", "sina shaka": "without doubt", "I have no doubt", i.e. "certainly" — on both
# sides a negation that asserts.
_CERTAINLY = re.compile(
    r"\b(?:bila|hapana|hakuna|sina|hatuna|hana|hawana)(?: ya)? (?:ma)?shaka\b"
    # "hawana budi": "they have no choice but", i.e. they must.
    r"|\b(?:hakuna|sina|huna|hana|hatuna|hamna|hawana)\s+budi\b",
    re.IGNORECASE,
)
# Phrases whose copula is a clear negation: "si lazima" (not necessarily, need not) is a
# "not" in all seven of MAFAND-MT train's English.
_NEGATING_PHRASES = re.compile(r"\bsi(?:o|yo)? lazima\b", re.IGNORECASE)
_CERTAINLY_EN = re.compile(
    r"\b(?:(?:there is |there's |i have |we have |has |have )?no doubt|without (?:a )?doubt"
    r"|undoubtedly|doubtless|no matter"
    # Litotes: two negations that assert ("not without controversy", "not least").
    r"|not without|not least)\b",
    re.IGNORECASE,
)
# Words of the negative shape that are not negations (nouns, adjectives, numbers, names).
NOT_NEGATIONS = frozenset(
    {
        "habari", "habri", "hadharani", "hadhi", "hadithi", "haiti", "hajambo", "hakimiliki",
        "halaiki", "halali", "halisi", "halmashauri", "hamsini", "hanani", "harakati",
        "hariri", "harusi", "hatari", "hatarini", "hatarishi", "hatiani", "hayati", "siagi",
        "siddiqui", "sifuri", "sikukuu", "simulizi", "sissi", "sitini", "hazali", "hakimi",
        "sikuzote", "hasani", "hussaini", "hawai", "hanoi", "harari", "hashitagi", "hashtagi",
        "halmshauri", "hapo", "hako", "hamo", "haya", "hayo", "hawa", "hao", "hapa", "huko",
        "hatamu", "hayawani", "simanzi", "simenti", "sinema", "sigara", "hatimiliki", "hawaii",
    }
)  # fmt: skip
# Clear English negation.
# "whether or not" and "not only … but" do not negate; MAFAND-MT's English often lost its
# apostrophes ("dont", "wasnt").
_STRONG_EN = re.compile(
    r"\b(?<!or )not(?! only)\b"
    r"|\b(?:never|none|nobody|nothing|nowhere|neither|nor|without|cannot|no(?!\.\s*(?:\d|of\b)))\b"
    r"|n't\b|n’t\b"
    r"|\b(?:do|does|did|ca|could|wo|would|was|were|is|are|has|have|had|should)nt\b",
    re.IGNORECASE,
)
# Weaker signs that a human translator carried a negation: negative affixes and verbs.
_WEAK_EN = re.compile(
    r"\b(?:un(?!i(?:t|on|ver|que|form|fy|ted)|til|der|cles?\b|animous)[a-z]{3,}"
    r"|non-?[a-z]+|[a-z]{3,}less|in(?:capable|complete|correct|effective|sufficient|valid)"
    r"|im(?:possible|proper|mune)|il(?:legal|legally)|in(?:active|nocent|dependent|secure)"
    r"|mis(?:represent|understand|inform|lead|use|treat|manage|conduct|take)[a-z]*"
    r"|dis(?:agree|trust|cord|harmon|honest|approv|satisf|obe|respect|regard|appear|abl|allow"
    r"|continu|belief|pute)[a-z]*|secular|hunger|fail(?:s|ed|ing|ure)?|lack(?:s|ed|ing)?"
    r"|refus(?:e|es|ed|ing|al)|den(?:y|ies|ied|ial)|absen(?:t|ce)|instead|rather|free|few"
    r"|hardly|barely|scarcely|unless|avoid(?:s|ed|ing)?|prevent(?:s|ed|ing)?|missing|ban(?:s|ned)?"
    r"|stop(?:s|ped|ping)?|ignore[sd]?|neglect(?:s|ed)?|reject(?:s|ed|ing)?|only|yet|still)\b",
    re.IGNORECASE,
)
_SW_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Polarity:
    """The negation cues found on each side of one segment.

    Attributes:
        swahili: clear Swahili negations, as written.
        english: clear English negations, as written.
        swahili_weak: weak Swahili cues (relative and subjunctive negatives).
        english_weak: weak English cues (negative affixes and verbs).
    """

    swahili: tuple[str, ...]
    english: tuple[str, ...]
    swahili_weak: tuple[str, ...] = ()
    english_weak: tuple[str, ...] = ()

    @property
    def lost(self) -> bool:
        """The Swahili negates and the English shows no sign of it."""
        return bool(self.swahili) and not self.english and not self.english_weak

    @property
    def invented(self) -> bool:
        """The English negates and the Swahili shows no sign of it."""
        return bool(self.english) and not self.swahili and not self.swahili_weak


def _mid_sentence(text: str, start: int) -> bool:
    """A capital at ``start`` follows a word or a comma, not a sentence or quote opening."""
    before = text[:start].rstrip()
    return (
        bool(before)
        and before[-1].isalnum()
        and not (
            text[start : start + 2].isupper()  # shouted text: "LAKINI HAUTAWEZA"
        )
    )


def _swahili_cues(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    strong: list[str] = []
    weak: list[str] = []
    recent: list[str] = []  # the words before this one, up to three
    for match in _SW_WORD.finditer(text):
        word = match.group(0)
        folded = word.casefold()
        # "kabla (Malema) hajazaliwa" is "before (Malema) was born", and "atagombea au
        # hatagombea" is "whether or not he will run": the negative form, no negation.
        asserting = "kabla" in recent or recent[-1:] == ["au"]
        recent = (recent + [folded])[-3:]
        if folded in NOT_NEGATIONS or (word[0].isupper() and _mid_sentence(text, match.start())):
            continue  # a name in mid-sentence ("Hassani", "Haiti") is never a verb
        if folded in WEAK_SWAHILI_WORDS:
            weak.append(word)
        elif folded in STRONG_SWAHILI_WORDS or _STRONG_SW.fullmatch(folded):
            (weak if asserting else strong).append(word)
        elif _WEAK_SW.fullmatch(folded):
            weak.append(word)
    return tuple(strong), tuple(weak)


def polarity(source: str, english: str) -> Polarity:
    """The negation cues of ``source`` (Swahili) and ``english``."""
    source_cues = _CERTAINLY.sub(" ", source)
    phrases = tuple(m.group(0) for m in _NEGATING_PHRASES.finditer(source_cues))
    strong, weak = _swahili_cues(_NEGATING_PHRASES.sub(" ", source_cues))
    # A cue the source has verbatim is quoted or code-switched text ("no" in Portuguese).
    words = {w.casefold() for w in _SW_WORD.findall(source)}
    return Polarity(
        swahili=phrases + strong,
        english=tuple(
            m.group(0)
            for m in _STRONG_EN.finditer(_CERTAINLY_EN.sub(" ", english))
            if m.group(0).casefold() not in words
        ),
        swahili_weak=weak,
        english_weak=tuple(m.group(0) for m in _WEAK_EN.finditer(english)),
    )


def polarity_flag(source: str, english: str) -> str | None:
    """A one-line reason when the English may reverse the Swahili's polarity, else None."""
    found = polarity(source, english)
    if found.lost:
        cues = ", ".join(dict.fromkeys(found.swahili))
        return f"negation lost: the Swahili negates ({cues}) and the English does not"
    if found.invented:
        cues = ", ".join(dict.fromkeys(w.casefold() for w in found.english))
        return f"negation invented: the English says '{cues}' and the Swahili has no negation"
    return None
