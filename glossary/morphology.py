"""Just enough Swahili (and English) morphology to match glossary terms in running text.

Swahili nouns fall into classes that pair a singular and a plural prefix, and words that
follow a noun agree with its class: the connective "of" (wa/ya/la/za/cha/vya), demonstratives
(huyo, hizo, ...) and adjectives (mkuu → wakuu / mikuu). We use this to

* generate the plural of a term when the glossary does not list one
  (waziri → mawaziri, mkurugenzi mkuu → wakurugenzi wakuu, mkutano wa kilele → mikutano ya
  kilele, ziara ya kikazi → ziara za kikazi, ubalozi mdogo → balozi ndogo);
* read the number of a match from the word after it ("balozi wa" is one ambassador,
  "balozi za" is plural: embassies);
* accept the locative suffix -ni (Ulaya → Ulayani "in Europe").

Class numbers follow the Bantu convention (Ashton 1944; Mohamed 2001, *Modern Swahili Grammar*).
"""

from __future__ import annotations

__all__ = [
    "NounClass",
    "noun_class",
    "is_m_noun",
    "denotes_person",
    "infer_animate",
    "pluralize",
    "agreement_markers",
    "ALL_MARKERS",
    "locative_forms",
    "english_plural",
    "english_plural_checked",
]

NounClass = tuple[int, int]  # (singular class, plural class)

ANIMATE: NounClass = (1, 2)
M_MI: NounClass = (3, 4)
JI_MA: NounClass = (5, 6)
KI_VI: NounClass = (7, 8)
N_N: NounClass = (9, 10)
U_N: NounClass = (11, 10)

# The connective and the three demonstratives (near, referential, far) that agree with each class.
_MARKERS: dict[int, frozenset[str]] = {
    1: frozenset({"wa", "huyu", "huyo", "yule"}),
    2: frozenset({"wa", "hawa", "hao", "wale"}),
    3: frozenset({"wa", "huu", "huo", "ule"}),
    4: frozenset({"ya", "hii", "hiyo", "ile"}),
    5: frozenset({"la", "hili", "hilo", "lile"}),
    6: frozenset({"ya", "haya", "hayo", "yale"}),
    7: frozenset({"cha", "hiki", "hicho", "kile"}),
    8: frozenset({"vya", "hivi", "hivyo", "vile"}),
    9: frozenset({"ya", "hii", "hiyo", "ile"}),
    10: frozenset({"za", "hizi", "hizo", "zile"}),
    11: frozenset({"wa", "huu", "huo", "ule"}),
}
ALL_MARKERS: frozenset[str] = frozenset().union(*_MARKERS.values())

# Connectives inside a term change with the head noun's number (class → plural class).
_CONNECTIVE_PLURAL = {1: "wa", 3: "ya", 5: "ya", 7: "vya", 9: "za", 11: "za"}
_CONNECTIVES = frozenset({"wa", "ya", "la", "za", "cha", "vya"})
_VOWELS = "aeiou"


def agreement_markers(cls: NounClass | None, plural: bool) -> frozenset[str]:
    """Words that agree with a noun of class ``cls`` in that number (empty when unknown)."""
    if cls is None:
        return frozenset()
    return _MARKERS[cls[1] if plural else cls[0]]


def _is_consonant(ch: str) -> bool:
    return ch.isalpha() and ch.lower() not in _VOWELS


def _with_case(template: str, word: str) -> str:
    """Give ``word`` the capitalisation of ``template`` (first letter only)."""
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def noun_class(singular: str, plural: str | None = None, animate: bool = False) -> NounClass | None:
    """Guess the class pair of a (head) noun from its singular and, when known, its plural.

    Animate nouns (people, titles) take class 1/2 agreement whatever their prefix
    ("kiongozi wa", "mawaziri wa"). Returns None when there is no safe guess.
    """
    if animate:
        return ANIMATE
    s = singular.lower()
    p = plural.lower() if plural else None
    if p is not None:
        if p == s:
            return N_N
        if s.startswith("m") and p.startswith("mi"):
            return M_MI
        if s.startswith("m") and p.startswith("w"):
            return ANIMATE
        if s.startswith(("ki", "ch")) and p.startswith(("vi", "vy")):
            return KI_VI
        if p.startswith("ma"):
            return JI_MA
        if s.startswith("u") and p == s[1:]:
            return U_N
        return None
    if s.startswith("m") and len(s) > 2 and (_is_consonant(s[1]) or s.startswith("mw")):
        return M_MI
    if s.startswith(("ki", "ch")) and len(s) > 3:
        return KI_VI
    if s.startswith("u") and len(s) > 3 and _is_consonant(s[1]):
        return U_N
    return N_N


def is_m_noun(word: str) -> bool:
    """An m-/mw- noun: class 1 (a person: mbunge/wabunge) or class 3 (mkutano/mikutano)."""
    w = word.lower()
    return len(w) > 2 and w.startswith("m") and (_is_consonant(w[1]) or w.startswith("mw"))


# Heads of English renderings that name people, and agent endings ("-er", "-or", "-ist",
# "-ian", "-man"/"-person"); the endings skip the things in _NOT_PEOPLE (river, border, ...).
_PEOPLE = frozenset(
    """
    member minister director officer writer teacher president ambassador secretary envoy
    delegate representative deputy chief head leader king queen monarch emperor prince
    princess person people man woman child citizen official diplomat refugee spokesperson
    chair chairperson commissioner governor mayor senator judge lawyer advocate attorney
    general journalist reporter correspondent editor expert specialist agent assistant
    participant immigrant migrant merchant servant accountant consultant student pupil
    professor scholar scientist doctor nurse patient priest bishop pastor sheikh imam
    men women children prophet mp legislator parliamentarian lawmaker candidate voter boss worker farmer
    trader vendor musician artist athlete player coach captain engineer architect driver
    pilot passenger traveller traveler tourist visitor guest host resident neighbour
    neighbor founder owner heir ally partner friend colleague enemy opponent rival winner
    victim suspect witness hero soldier youth adult baby girl boy son daughter mother father
    wife husband brother sister uncle aunt relative ceo mediator negotiator observer
    """.split()
)
_NOT_PEOPLE = frozenset(
    """
    river border tower water paper number order letter power center centre chapter corner
    meter metre matter sector factor floor door error mirror motor color colour corridor
    tractor computer printer container folder filter fertilizer fertiliser weather winter
    summer dinner finger shoulder thunder silver copper rubber timber leather ladder cover
    layer barrier charter register theater theatre poster banner cluster quarter parameter
    diameter list mist fist twist median indicator calculator generator transformer
    elevator escalator radiator reactor monitor processor conductor cursor vector meridian
    """.split()
)
_AGENT_ENDINGS = ("er", "or", "ist", "ian", "man", "woman", "person")


def _english_head(phrase: str) -> str:
    """The head noun of an English rendering: the word before "of"/"for"/…, else the last."""
    words = phrase.lower().replace("-", " ").split()
    for i, word in enumerate(words):
        if i > 0 and word in {"of", "for", "to", "on", "in", "at"}:
            return words[i - 1]
    return words[-1] if words else ""


def denotes_person(english: str) -> bool:
    """Whether an English rendering names a person ("member of parliament", "writer")."""
    head = _english_head(english).strip(".,;:'\"()")
    if head in _PEOPLE or (head.endswith("s") and head[:-1] in _PEOPLE):
        return True
    if head in _NOT_PEOPLE or len(head) < 5:
        return False
    return head.endswith(_AGENT_ENDINGS)


def infer_animate(sw: str, english: tuple[str, ...] | list[str]) -> bool:
    """An m-/mw- noun whose English names a person is class 1/2 (mbunge → wabunge).

    Only the m-/mw- prefix is ambiguous between people (class 1) and things (class 3:
    mkutano → mikutano); other prefixes are left to their usual class.
    """
    words = sw.split()
    return bool(words) and is_m_noun(words[0]) and any(denotes_person(e) for e in english)


def _plural_head(word: str, cls: NounClass) -> str:
    w = word
    lower = w.lower()
    if cls == ANIMATE:
        if lower.startswith("mw") and len(w) > 2 and w[2].lower() in _VOWELS:
            # mwana- → wana- (mwananchi → wananchi), mwe- → we- (mwenyeji → wenyeji),
            # otherwise wa- before the vowel: mwandishi → waandishi, mwimbaji → waimbaji.
            if lower.startswith(("mwana", "mwe")):
                return _with_case(w, "w" + w[2:])
            return _with_case(w, "wa" + w[2:])
        if lower.startswith("m") and len(w) > 1 and _is_consonant(w[1]):
            return _with_case(w, "wa" + w[1:])
        if lower.startswith("ki"):
            return _with_case(w, "vi" + w[2:])
        return _with_case(w, "ma" + w[0].lower() + w[1:])
    if cls == M_MI:
        if lower.startswith("mw"):
            return _with_case(w, "mi" + w[2:])
        return _with_case(w, "mi" + w[1:])
    if cls == KI_VI:
        if lower.startswith("ch"):
            return _with_case(w, "vy" + w[2:])
        return _with_case(w, "vi" + w[2:])
    if cls == JI_MA:
        if lower.startswith("ji") and len(w) > 3:
            return _with_case(w, "ma" + w[2:])
        return _with_case(w, "ma" + w[0].lower() + w[1:])
    if cls == U_N:
        return _with_case(w, w[1:])
    return w


def _plural_modifier(word: str, cls: NounClass) -> str:
    """Make an adjective that follows the head agree in the plural (mkuu → wakuu/mikuu/kuu)."""
    lower = word.lower()
    if cls == ANIMATE and lower.startswith("m") and len(word) > 2 and _is_consonant(word[1]):
        return _with_case(word, "wa" + word[1:])
    if cls == M_MI and lower.startswith("m") and len(word) > 2 and _is_consonant(word[1]):
        return _with_case(word, "mi" + word[1:])
    if cls == KI_VI and lower.startswith("ki"):
        return _with_case(word, "vi" + word[2:])
    if cls == U_N and lower.startswith("m") and len(word) > 2 and _is_consonant(word[1]):
        # Class 10 adjectives take a nasal: mdogo → ndogo, mkuu → kuu, mpya → mpya.
        rest = word[1:]
        if rest[0].lower() in "dgjz":
            return _with_case(word, "n" + rest)
        return _with_case(word, rest) if rest[0].lower() in "kt" else word
    return word


def pluralize(phrase: str, animate: bool = False) -> tuple[str, NounClass | None]:
    """The Swahili plural of a noun phrase: head noun, agreeing adjectives, first connective.

    Words after the first connective belong to the possessor and stay as they are
    ("Waziri wa Mambo ya Nje" → "Mawaziri wa Mambo ya Nje").

    Returns:
        (plural phrase, class pair of the head; None when unknown).
    """
    words = phrase.split()
    if not words:
        return phrase, None
    cls = noun_class(words[0], animate=animate)
    if cls is None:
        return phrase, None
    out = [_plural_head(words[0], cls)]
    for i, word in enumerate(words[1:], start=1):
        if word.lower() in _CONNECTIVES:
            out.append(_with_case(word, _CONNECTIVE_PLURAL.get(cls[0], word.lower())))
            out.extend(words[i + 1 :])
            break
        out.append(_plural_modifier(word, cls))
    return " ".join(out), cls


def locative_forms(word: str) -> tuple[str, ...]:
    """The locative -ni forms of a noun: bara → barani, Ulaya → Ulayani, nyumba → nyumbani.

    A final -a may also become -eni (meza → mezani/mezeni in regional use); both are accepted.
    """
    lower = word.lower()
    if len(word) < 3 or lower[-1] not in _VOWELS or lower.endswith("ni"):
        return ()
    forms = [word + "ni"]
    if lower.endswith("a"):
        forms.append(word[:-1] + "eni")
    return tuple(forms)


_ES_ENDINGS = ("s", "x", "z", "ch", "sh")
_IRREGULAR = {
    "man": "men",
    "woman": "women",
    "child": "children",
    "person": "people",
    "foot": "feet",
    "tooth": "teeth",
    "mouse": "mice",
    "memorandum": "memoranda",
    "criterion": "criteria",
    "phenomenon": "phenomena",
    "axis": "axes",
    "wife": "wives",
    "life": "lives",
    "knife": "knives",
    "leaf": "leaves",
    "half": "halves",
    "self": "selves",
    "shelf": "shelves",
    "thief": "thieves",
    "wolf": "wolves",
    "calf": "calves",
    "hero": "heroes",
    "veto": "vetoes",
    "embargo": "embargoes",
    "potato": "potatoes",
    "tomato": "tomatoes",
    "torpedo": "torpedoes",
    "echo": "echoes",
    "cargo": "cargoes",
}
#: Nouns whose plural is the same word.
_INVARIANT = frozenset(
    {"police", "staff", "personnel", "aircraft", "sheep", "fish", "series", "species", "deer"}
)
#: Words in -f/-fe and consonant + -o that take a plain -s (the rule doubts the others).
_S_REGULAR = frozenset(
    {
        "belief", "brief", "chef", "chief", "proof", "reef", "roof", "safe",
        "auto", "casino", "demo", "disco", "euro", "kilo", "logo", "memo", "photo", "piano",
        "solo", "zero",
    }
)  # fmt: skip
#: Words ending in -man whose plural is regular (-mans), not -men.
_MAN_REGULAR = frozenset({"human", "german", "roman", "ottoman", "shaman", "talisman", "caiman"})
#: Heads usually uncountable: a plural by rule would be wrong, and the rule leaves them alone.
_UNCOUNTABLE = frozenset(
    {
        "advice", "aid", "assistance", "cooperation", "co-operation", "diplomacy", "equipment",
        "evidence", "health", "information", "infrastructure", "integration", "justice",
        "legislation", "news", "peace", "progress", "research", "security", "tourism", "trade",
    }
)  # fmt: skip
#: Titles that go before a postpositive "general": directors general, attorneys general.
_POSTPOSITIVE_GENERAL = frozenset(
    {
        "accountant", "attorney", "auditor", "commissioner", "consul", "director", "governor",
        "inspector", "postmaster", "procurator", "registrar", "secretary", "solicitor", "surgeon",
    }
)  # fmt: skip
#: Hyphenated tails that stay singular: secretaries-general, commanders-in-chief.
_FIXED_TAILS = ("-general", "-in-chief", "-in-law", "-at-large", "-elect", "-designate")
#: Words a head noun comes before: "Minister *of* Foreign Affairs", "Chargé *d'*Affaires".
_HEAD_BEFORE = frozenset({"of", "for", "to", "on", "in", "at", "with", "from", "de", "du", "des"})
#: Words and their lower case ending in -s that take -es (press, status, crisis is irregular).
_S_TAKES_ES = ("ss", "us", "as")


def _plural_word(word: str) -> tuple[str, str | None]:
    """The plural of one word, and why it may be wrong (None when the rule is sure)."""
    lower = word.lower()
    for tail in _FIXED_TAILS:
        if lower.endswith(tail) and len(lower) > len(tail):
            head, doubt = _plural_word(word[: -len(tail)])
            return head + word[-len(tail) :], doubt
    if "-" in word.strip("-"):
        left, _, right = word.rpartition("-")
        plural, doubt = _plural_word(right)
        return f"{left}-{plural}", doubt
    if lower in _IRREGULAR:
        return _with_case(word, _IRREGULAR[lower]), None
    if lower in _INVARIANT:
        return word, None
    if lower in _UNCOUNTABLE:
        return word, f"{word!r} is usually uncountable"
    if word.isupper() and len(word) > 1:  # an acronym: MP → MPs, CEO → CEOs
        return word + "s", None
    if lower.endswith("man") and lower not in _MAN_REGULAR:
        return word[:-3] + _with_case(word[-3:], "men"), None
    if lower.endswith("sis"):  # crisis → crises, analysis → analyses
        return word[:-2] + "es", None
    if lower.endswith("s") and not lower.endswith(_S_TAKES_ES):
        return word, f"{word!r} may already be plural"
    if lower.endswith("y") and len(word) > 1 and word[-2].lower() not in _VOWELS:
        return word[:-1] + "ies", None
    if lower.endswith(_ES_ENDINGS):
        return word + "es", None
    if lower in _S_REGULAR:
        return word + "s", None
    if lower.endswith(("f", "fe")) and not lower.endswith("ff"):
        return word + "s", f"{word!r} may take -ves"
    if lower.endswith("o") and len(word) > 1 and word[-2].lower() not in _VOWELS:
        return word + "s", f"{word!r} may take -es"
    return word + "s", None


def _head_index(words: list[str]) -> int:
    """The head noun of an English noun phrase: before the first of/for/to/…, else the last."""
    for i, word in enumerate(words):
        lower = word.lower()
        if i > 0 and (lower in _HEAD_BEFORE or lower.startswith(("d'", "d\u2019"))):
            return i - 1
    return len(words) - 1


def english_plural_checked(phrase: str) -> tuple[str, str | None]:
    """The English plural of a noun phrase by rule, and why it may be wrong (None: confident).

    The head noun is the word before the first "of"/"for"/"to"/… (or the last word);
    a postpositive "general" leaves it to the title before it ("Directors General").
    Exceptions: irregular plurals (men, memoranda, crises, embargoes), invariant nouns
    (police, staff), hyphenated titles (secretaries-general, commanders-in-chief, vice-chairmen),
    acronyms (MPs). Words the rule cannot decide — already plural ("relations"), uncountable
    ("cooperation"), -f/-fe, consonant + o — are left alone or given -s, with a reason, so that
    ``tafsiri glossary check`` can ask for an ``en_plural``.
    """
    words = phrase.split()
    if not words:
        return phrase, None
    i = _head_index(words)
    if i > 0 and words[i].lower() == "general" and words[i - 1].lower() in _POSTPOSITIVE_GENERAL:
        i -= 1
    words[i], doubt = _plural_word(words[i])
    return " ".join(words), doubt


def english_plural(phrase: str) -> str:
    """The English plural of a noun phrase by rule (see :func:`english_plural_checked`).

    "Minister of Foreign Affairs" → "Ministers of Foreign Affairs", "working visit" → "working
    visits", "embassy" → "embassies", "Secretary-General of the United Nations" →
    "Secretaries-General of the United Nations". Plurals the rule cannot know belong in the
    glossary's en_plural column.
    """
    return english_plural_checked(phrase)[0]
