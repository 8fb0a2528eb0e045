"""Unsupported content: high-stakes English words with nothing in the Swahili behind them.

"Rais Donald Trump alimteua Michael Pack" (appointed) came out as "… **killed** Michael Pack";
"mazungumzo … yamekwama" (stalled) as "… have been **raped**"; "amekashifu" (condemned) as
"has **commended**". A reader trusts such words most and an editor must check them first.

The table below pairs each family of high-stakes news words (killing, attacks, arrests, courts,
money, wins and losses, praise and condemnation …) with the Swahili that expresses it — stems
matched inside a source word, so "aliuawa", "waliuawa" and "kuuawa" all carry "uaw". The
Swahili side was drawn from the real training pairs (MAFAND-MT train and the Bible: the words
most often found in sources whose reference has the English word; ``benchmarks/trust_tables.py
--lexicon`` prints them) and cut to stems by hand, checked so that a stem is not part of
everyday words ("teua", appoint, shares no stem with "ua", kill). The words counted for each
family are shipped too (``translate/data/unsupported-lexicon.json``), for the forms a stem
misses ("kizuizini" for detention). A segment whose English has a word of a family and whose
Swahili has none of the stems or words of that family or its kin (:data:`KIN`: detention
rendered "prison", weapons "armed attack"; killing, death and rape have none) is flagged.
Idioms in which the word is no event ("heart attack", "screen shot") are skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "FAMILIES",
    "KIN",
    "OMISSIONS",
    "Family",
    "omitted_words",
    "strong_words",
    "unsupported_words",
]


@dataclass(frozen=True)
class Family:
    """High-stakes English words and the Swahili stems that support them."""

    english: str
    swahili: tuple[str, ...]


def _f(english: str, swahili: str) -> Family:
    return Family(english, tuple(swahili.split()))


#: English word forms (a regular expression) and Swahili stems, one family a line.
FAMILIES: dict[str, Family] = {
    "kill": _f(
        r"kill(?:s|ed|ing|ings|er|ers)?|murder(?:s|ed|ing|er|ers|ous)?|massacred?",
        "uaw uaj uauw muua kuua waua niua akaua aliua liua meua taua tuua kiua mwua uliwa "
        "uwawa euwa liuwa kuuwa muuwa mauwaji halaiki kimbari nyong fyeka chinja shaua kifo vifo",
    ),
    "die": _f(
        r"die|dies|died|dying|deaths?|dead|perish(?:ed)?",
        "kufa kifo vifo fariki afa kufia mefa lifa wafu mauti maiti uaw uawa uaj uwawa "
        "kufariki kafa tafa meku mazishi zik marehemu hayati angamia poteza maisha muua kuua waua",
    ),
    "attack": _f(
        r"attack(?:s|ed|ing|er|ers)?|assault(?:s|ed|ing)?|raid(?:s|ed)?|ambush(?:ed)?",
        "shambul vamia vamiz vamiw piga kipigo gaidi jeruh",
    ),
    "bomb": _f(
        r"bomb(?:s|ed|ing|ings|er|ers)?|explosions?|explosives?|blasts?",
        "bomu mabomu lipuk lipu",
    ),
    "shoot": _f(
        r"shoot(?:s|ing|ings)?|shot|gunfire|gunm[ae]n",
        "risasi fyatu tungu pigwa bunduki shambul",
    ),
    "rape": _f(r"rap(?:e|es|ed|ing|ist|ists)", "bak najisi nyanyas dhalilish"),
    "torture": _f(r"tortur(?:e|es|ed|ing)", "tes adhib"),
    "kidnap": _f(r"kidnap(?:s|ped|ping|pers?)?|abduct(?:s|ed|ing|ions?)?|hostages?", "tek mateka"),
    "war": _f(
        r"wars?|warfare|battles?|fighting|clashes",
        "vita pigan mapigano pamban kivita mgogoro migogoro machafuko ghasia vurugu",
    ),
    "terror": _f(r"terror(?:ism|ist|ists)?", "gaidi ugaidi kigaidi magaidi tisho"),
    "injure": _f(
        r"injur(?:e|es|ed|ing|y|ies)|wound(?:s|ed)?", "jeruh jeraha majeraha vidonda umia"
    ),
    "arrest": _f(
        r"arrest(?:s|ed|ing)?|detain(?:s|ed)?|detention|custody",
        "kamat kamaty nguvuni kizui zuizi zuili shikiliw mahabus korokoro uangalizi achiliw achiw",
    ),
    "jail": _f(
        r"jail(?:s|ed)?|prisons?|prisoners?|imprison(?:ed|ment)?",
        "jela jera gereza kifungo fung mahabus kizui zuizi",
    ),
    "convict": _f(
        r"sentenc(?:e|es|ed|ing)|convict(?:s|ed|ion|ions)?|guilty",
        "hukum hatia kifungo fung",
    ),
    "accuse": _f(
        r"accus(?:e|es|ed|ing|ations?)|allegations?|charged",
        "tuhum shutum shtum shtak shitak dai madai lalamik kashif",
    ),
    "fraud": _f(
        r"fraud(?:s|ulent)?|rigg(?:ed|ing)|corrupt(?:ion)?|brib(?:e|es|ed|ery)",
        "udanganyifu danganya utapeli tapeli rushwa ufisadi fisadi hongo wizi iba kashfa chakachu",
    ),
    "steal": _f(
        r"steal(?:s|ing)?|stole|stolen|theft|thefts|robb(?:ed|ery)|loot(?:ed|ing)",
        "iba wizi mwizi wezi pora ujambazi jambazi nyang",
    ),
    "coup": _f(r"coups?", "mapinduzi pindu"),
    "resign": _f(r"resign(?:s|ed|ing|ation)?", "jiuzulu achia ngatuka"),
    "sack": _f(r"sacked|dismissed", "fukuz ondolew ondoa simamish tumbuliw"),
    "ban": _f(r"bann(?:ed|ing)|bans?|prohibit(?:s|ed|ion)?", "marufuku zui katazw kataz"),
    "condemn": _f(
        r"condemn(?:s|ed|ing|ation)?|denounc(?:e|es|ed|ing)",
        "laani kashif kemea lalamik pinga hukum shutum shtum",
    ),
    "praise": _f(
        r"prais(?:e|es|ed|ing)|commend(?:s|ed|ing)?|applaud(?:s|ed)?|congratulat\w*",
        "sifu sifa pongez pongezi shukur honger furah",
    ),
    "deny": _f(r"den(?:y|ies|ied|ial)", "kana kanush kataa pinga nyimw nyima"),
    "threaten": _f(r"threat(?:s|en|ened|ening)?", "tish tisho vitisho hatari"),
    "money": _f(
        r"dollars?|USD|\$|euros?|shillings?|pounds?",
        "dola $ usd shilingi sh tsh ksh euro yuro pauni fedha pesa",
    ),
    "weapon": _f(r"weapons?|guns?|rifles?|firearms?", "silaha bunduki risasi"),
    "win": _f(
        r"won(?!['’]t)|win|wins|winning|victory|victories|winners?", "shind ushindi mshindi tuzo"
    ),
    "lose": _f(
        r"lost|lose|loses|losing|defeat(?:s|ed)?",
        "shindw poteza potea potez hasara kosa angush fiw",
    ),
}

#: The other direction, for the gravest families: Swahili word endings (and, after ``=``, whole
#: words) specific enough to say the source *does* report a killing, a rape, an arrest …, and
#: the English words that carry it. "limeuwa wanachama 15" (has killed 15 members) → "it had
#: 15 members" loses the killing. Endings, not stems, because "upasuaji" (surgery) holds
#: "uaji" and "umeuwasilisha" (has presented it) holds "euwa".
OMISSIONS: dict[str, Family] = {
    "kill": _f(
        r"kill\w*|murder\w*|dead|deaths?|died|die|slain|slaughter\w*|massacre\w*|assassinat\w*"
        r"|lynch\w*|execut\w*|fatal\w*|victims?|bodies|lives|shot|gunned|homicides?",
        "uawa uwawa euwa meua muua kuua waua =mauaji =mauwaji =wauaji =muuaji",
    ),
    "rape": _f(
        r"rap(?:e|es|ed|ing|ist|ists)|sexual\w*|assault\w*|abuse\w*",
        "bakwa =ubakaji =kubaka =kuwabaka =kumbaka",
    ),
    "arrest": _f(
        r"arrest\w*|detain\w*|detention|custody|held|seiz\w*|captur\w*|jail\w*|prison\w*",
        "kamatwa",
    ),
    "kidnap": _f(r"kidnap\w*|abduct\w*|hostages?|captiv\w*|seiz\w*", "tekwa =utekaji"),
    "bomb": _f(
        r"bomb\w*|explo\w*|blast\w*|grenade\w*|detonat\w*|IED",
        "=bomu =mabomu lipuka =mlipuko =milipuko",
    ),
}

#: Families a translator renders one by another: "vizuizini" (in detention) comes out as
#: "in prison", "mahabusu" (custody) as "jailed", "silaha" (weapons) as "armed attack". Support
#: for one is support for its kin. Killing, death and rape stand alone: "died" for "was killed"
#: is a change of meaning an editor must see.
KIN_GROUPS: tuple[tuple[str, ...], ...] = (
    ("arrest", "jail", "convict", "accuse"),
    ("shoot", "weapon", "attack", "war", "bomb", "terror"),
    ("fraud", "steal"),
    ("condemn", "accuse", "deny"),
    ("sack", "ban"),  # "alipoondolewa katika kinyang'anyiro" → "was banned from running"
)
KIN: dict[str, tuple[str, ...]] = {}
for _group in KIN_GROUPS:
    for _name in _group:
        KIN[_name] = tuple(dict.fromkeys(KIN.get(_name, (_name,)) + _group))

_STEMS_OF = {name: tuple(s.casefold() for s in f.swahili) for name, f in FAMILIES.items()}
# Idioms in which a family's word says nothing of its kind: a "heart attack", a "screen shot".
_IDIOMS = re.compile(r"\bheart\s+attacks?\b|\bscreen\s*shots?\b", re.IGNORECASE)
_ENGLISH = {
    name: re.compile(rf"(?<![\w$])(?:{f.english})(?![\w])", re.IGNORECASE)
    for name, f in FAMILIES.items()
}
_WORD = re.compile(r"[^\W\d_]+|\$")


@cache
def learned_words() -> dict[str, frozenset[str]]:
    """Per family, the Swahili words counted on the training pairs
    (``translate/data/unsupported-lexicon.json``, made by ``benchmarks/trust_tables.py``)."""
    path = resources.files("translate").joinpath("data/unsupported-lexicon.json")
    data = json.loads(path.read_text("utf-8"))
    return {name: frozenset(words) for name, words in data.items()}


def _supports(name: str, words: list[str], learned: dict[str, frozenset[str]]) -> bool:
    """The Swahili ``words`` hold a stem or a learned word of family ``name``."""
    return any(stem in word for word in words for stem in _STEMS_OF[name]) or bool(
        learned.get(name, frozenset()).intersection(words)
    )


def strong_words(english: str) -> list[tuple[str, str]]:
    """The high-stakes words of ``english``: (family, the first of that family as written)."""
    english = _IDIOMS.sub(" ", english)
    found = ((name, pattern.search(english)) for name, pattern in _ENGLISH.items())
    return [(name, match.group(0)) for name, match in found if match is not None]


def unsupported_words(source: str, english: str) -> list[str]:
    """High-stakes words of ``english`` whose family has no stem (or learned word) in
    ``source``, as written."""
    words = [w.casefold() for w in _WORD.findall(source)]
    learned = learned_words()
    return [
        written
        for name, written in strong_words(english)
        if not any(_supports(kin, words, learned) for kin in KIN.get(name, (name,)))
    ]


_OMISSION_STEMS = {name: tuple(f.swahili) for name, f in OMISSIONS.items()}
_OMISSION_ENGLISH = {
    name: re.compile(rf"\b(?:{f.english})\b", re.IGNORECASE) for name, f in OMISSIONS.items()
}


def omitted_words(source: str, english: str) -> list[str]:
    """Words of ``source`` that report a killing, rape, arrest, kidnapping or bombing while
    ``english`` has no word for it, as written in the source (the first of each family)."""
    # Capitalised words are names and hashtags ("Guajira", "#WoteKwaJan"), never the verb.
    # "kutokamatwa" is *not* being arrested.
    words = [w for w in _WORD.findall(source) if w.islower() and not w.startswith("kuto")]
    found: list[str] = []
    for name, stems in _OMISSION_STEMS.items():
        hits = [
            w
            for w in words
            if any(w == s[1:] if s.startswith("=") else w.endswith(s) for s in stems)
        ]
        if hits and not _OMISSION_ENGLISH[name].search(english):
            found.append(hits[0])
    return found
