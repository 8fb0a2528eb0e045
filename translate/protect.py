"""Protected spans: figures, dates, names and addresses that a translation must carry over exactly.

A diplomatic desk cannot publish a wrong figure or a mangled name, and a neural model gets both
wrong in ways that read fluently ("first 20 months" for "miezi minane ya kwanza"). This module
finds such spans in the Swahili source and gives each its accepted English renderings, the way a
glossary entry has them; a decoder can force the preferred one, and QA can check that one of them
is in the output.

>>> spans = find_spans("yalifikia dola milioni 523.7 mnamo Oktoba 18 huko Brussels")
>>> [(s.kind, s.source, s.preferred) for s in spans]  # doctest: +NORMALIZE_WHITESPACE
[('money', 'dola milioni 523.7', '$523.7 million'), ('date', 'Oktoba 18', 'October 18'),
 ('name', 'Brussels', 'Brussels')]

Detection is table-driven (:mod:`translate.protect_tables`): each detector is a compiled pattern
built from the tables plus a small function that turns a match into a span, or rejects it, or
masks it (claims the text without protecting it, e.g. "saa tatu" — 9 o'clock, never "three").
All candidates compete longest-first; the result never overlaps and is sorted by start.

``ProtectedSpan.value`` is a canonical value for QA and de-duplication:

- numbers: plain decimal below a million ("2530", "523.7", "20000"), else mantissa and a power of
  ten that is a multiple of three ("523.7e6", "2.5e9", "1.69431e6"); ranges ``"1910..1997"``;
- percent: the number and ``%`` ("1.7%"); money: number, space, ISO 4217 code ("523.7e6 USD");
  ``SHS`` is a shilling of unstated country;
- dates: ISO 8601 and its truncated forms: "2023-01-05", "2019-03", "2023", "--10-18"
  (month-day), "--05" (month), "---25" (day of month), "1960s" (a decade);
- time: 24-hour "HH:MM"; measure: number, space, unit symbol ("450 km");
- numword: the integer ("8"), ordinals "ord:2", multiplicatives "times:2";
- name, url, email, handle, hashtag: the text itself.

See ``docs/protect.md`` for what is protected, what is left to the model and why.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from translate import protect_tables as T

__all__ = [
    "KINDS",
    "VERBATIM_KINDS",
    "FIGURE_KINDS",
    "Hit",
    "ProtectedSpan",
    "find_spans",
    "locate_span",
    "locate_all",
    "fidelity",
]

KINDS = (
    "number",
    "percent",
    "money",
    "date",
    "time",
    "measure",
    "numword",
    "name",
    "url",
    "email",
    "handle",
    "hashtag",
)
"""Values of ``ProtectedSpan.kind``."""

#: Kinds written exactly as in the source: their renderings are compared exactly (the others
#: ignore case: "Eight", "OCTOBER"), and enforcement forces them as written, whatever their
#: position (a URL opening a sentence).
VERBATIM_KINDS = frozenset({"name", "url", "email", "handle", "hashtag"})
#: Kinds that are figures ("number fidelity"); the rest (names, addresses) are reported apart.
FIGURE_KINDS = frozenset({"number", "percent", "money", "date", "time", "measure", "numword"})

Hit = tuple[int, int, str]
"""Where a rendering was found in English: (start, end, text found)."""


@dataclass(frozen=True)
class ProtectedSpan:
    """A stretch of Swahili text whose English rendering is fixed.

    Attributes:
        kind: one of :data:`KINDS`.
        start: offset of the first character in the Swahili text.
        end: offset just past the last character (``text[start:end] == source``).
        source: the Swahili surface text.
        expected: accepted English renderings, preferred first; a decoder forces the first.
        value: canonical value for QA and de-duplication (format in the module docstring).
    """

    kind: str
    start: int
    end: int
    source: str
    expected: tuple[str, ...]
    value: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"need 0 <= start < end, got {self.start}..{self.end}")
        if len(self.source) != self.end - self.start:
            raise ValueError(f"source {self.source!r} does not span {self.start}..{self.end}")
        if not self.expected or not all(isinstance(e, str) and e for e in self.expected):
            raise ValueError(f"expected must be non-empty strings, got {self.expected!r}")
        if not self.value:
            raise ValueError("value must not be empty")

    @property
    def preferred(self) -> str:
        """The rendering a decoder forces into the output."""
        return self.expected[0]


# --------------------------------------------------------------------------------------------
# Numbers


@dataclass(frozen=True)
class _Number:
    """A parsed amount: its value and its English digit forms, as written first."""

    value: Decimal
    forms: tuple[str, ...]


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _plain(value: Decimal) -> str:
    """Decimal without exponent or trailing zeros: 20000, 523.7, 0.5."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _canon(value: Decimal) -> str:
    """The value format: plain below a million, else mantissa e(6|9|12|...)."""
    if abs(value) < 1_000_000:
        return _plain(value)
    power = 6
    while abs(value) >= Decimal(10) ** (power + 3):
        power += 3
    return f"{_plain(value / Decimal(10) ** power)}e{power}"


def _grouped(value: Decimal) -> str:
    """English digit grouping: 1,694,310 and 1,500.5."""
    whole, _, frac = _plain(value).partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


def _english_word(n: int) -> str | None:
    """English words for 0–999 ("eight", "twenty-five", "three hundred and fifty"); else None."""
    if n in T.ENGLISH_NUMBERS:
        return T.ENGLISH_NUMBERS[n]
    if 20 < n < 100:
        return f"{T.ENGLISH_NUMBERS[n - n % 10]}-{T.ENGLISH_NUMBERS[n % 10]}"
    if 100 <= n < 1000:
        hundreds = f"{T.ENGLISH_NUMBERS[n // 100]} hundred"
        rest = _english_word(n % 100) if n % 100 else None
        return f"{hundreds} and {rest}" if rest else hundreds
    return None


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?")
_LONE_DOT_GROUP = re.compile(r"[1-9]\d{0,2}\.\d{3}")


def _parse_numeral(text: str, *, decimal_dot: bool = False) -> _Number:
    """Parse digits as written in Swahili text.

    Args:
        text: "523.7", "1,694,310", "1.694.310", "12.500", "2530".
        decimal_dot: read a lone ".ddd" as a decimal point (after a scale word: "milioni 1.500"
            is 1.5 million) instead of a thousands separator.

    Returns:
        The value and its English forms, preferred first.
    """
    if _COMMA_GROUPS.fullmatch(text):
        value = Decimal(text.replace(",", ""))
        return _Number(value, _dedupe((text, _plain(value))))
    if _DOT_GROUPS.fullmatch(text):
        value = Decimal(text.replace(".", "").replace(",", "."))
        return _Number(value, _dedupe((_grouped(value), _plain(value), text)))
    if not decimal_dot and _LONE_DOT_GROUP.fullmatch(text):
        # "12.500": thousands in European-style copy, a decimal elsewhere. The value takes the
        # thousands reading; the preferred rendering is the text as written, which is never less
        # right than the source.
        value = Decimal(text.replace(".", ""))
        return _Number(value, _dedupe((text, _grouped(value), _plain(value))))
    value = Decimal(text)
    forms = [text]
    if value == value.to_integral_value():
        if value >= 1000 and not text.startswith("0"):
            forms.append(_grouped(value))
        word = _english_word(int(value)) if value <= 20 or int(value) % 10 == 0 else None
        if word and value <= 90:
            forms.append(word)
        if 1800 <= value <= 2090 and value % 10 == 0:
            forms.append(f"{text}s")  # "katikati ya 1990" is "the mid-1990s"
    return _Number(value, _dedupe(forms))


def _numword_value(text: str) -> int | None:
    """Value of a spelled Swahili number ("ishirini na tano" → 25, "mia tatu" → 300)."""
    total = 0
    words = text.lower().split()
    i = 0
    while i < len(words):
        word = words[i]
        if word == "na":
            i += 1
            continue
        if word == "mia":
            nxt = _unit_value(words[i + 1]) if i + 1 < len(words) else None
            if nxt is None:
                return None
            total += 100 * nxt
            i += 2
            continue
        unit = T.TENS.get(word) or (10 if word == "kumi" else None) or _unit_value(word)
        if unit is None:
            return None
        total += unit
        i += 1
    return total or None


def _unit_value(word: str) -> int | None:
    if word in T.INVARIABLE_NUMBERS:
        return T.INVARIABLE_NUMBERS[word]
    if word in _ONE_FORMS:
        return 1
    for prefix in T.ADJECTIVE_PREFIXES:
        if word.startswith(prefix) and word[len(prefix) :] in T.CARDINAL_STEMS:
            stem = word[len(prefix) :]
            if prefix or stem != "wili":
                return T.CARDINAL_STEMS[stem]
    return None


_ONE_FORMS = ("moja", "mmoja", "kimoja", "limoja")


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _numword_pattern() -> tuple[str, str]:
    """Regex sources for spelled numbers: (without "one", allowing "one")."""
    units = [w for w in T.INVARIABLE_NUMBERS if w not in ("kumi", "ishirini")]
    units += [p + s for s in T.CARDINAL_STEMS for p in T.ADJECTIVE_PREFIXES if p or s != "wili"]
    unit = _alternation(units)
    unit_one = _alternation([*units, *_ONE_FORMS])
    tens = _alternation(T.TENS)
    below_100 = rf"(?:(?:{tens}|kumi)(?:\s+na\s+(?:{unit_one}))?|(?:{unit}))"
    below_100_one = rf"(?:(?:{tens}|kumi)(?:\s+na\s+(?:{unit_one}))?|(?:{unit_one}))"
    hundreds = rf"mia\s+(?:{unit_one})(?:\s+na\s+{below_100_one})?"
    word = rf"(?<![\w'’-])(?:{hundreds}|{below_100})(?![\w'’-])"
    word_one = rf"(?<![\w'’-])(?:{hundreds}|{below_100_one})(?![\w'’-])"
    return word, word_one


_NUMWORD, _NUMWORD_ONE = _numword_pattern()

# Digits as written: comma groups, dot groups (2+), or plain with an optional decimal point.
# Not inside a word or a longer number ("COVID-19" is a name; "1523.75" is not "523.7").
_NUM_CORE = (
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?|\d+(?:\.\d+)?)"
    r"(?![.,]\d)"
)
_NUM = r"(?<![\w])(?<!\d[.,])(?<![^\W\d_]-)" + _NUM_CORE
_NUM_END = r"(?![\w])"
_RANGE_SEP = r"(?:[-–—/]|\s[-–—]\s)"
_SCALE = rf"(?i:{_alternation(T.SCALES)})"


def _amount_source(num: str = "num", *, bounded: bool = True) -> str:
    """A quantity: scale word + digits or spelled number, or digits with an optional scale.

    Args:
        num: prefix of the group names (read back by :func:`_amount`).
        bounded: require a word boundary before leading digits; off after a currency
            abbreviation written against the number ("Sh5,000").
    """
    lead = _NUM if bounded else _NUM_CORE
    return (
        rf"(?:(?P<{num}_scale1>{_SCALE})\s+(?:(?P<{num}_d1>{_NUM}){_NUM_END}"
        rf"|(?P<{num}_w1>(?i:{_NUMWORD_ONE})))"
        rf"|(?P<{num}_d2>{lead})(?:(?P<{num}_r>{_RANGE_SEP})(?P<{num}_d3>{_NUM}))?{_NUM_END}"
        rf"(?:\s*(?P<{num}_scale2>{_SCALE})(?![\w]))?)"
    )


@dataclass(frozen=True)
class _Amount:
    """An amount with its English forms; ``value`` is already in canonical form."""

    value: str
    forms: tuple[str, ...]
    number: Decimal | None  # None for ranges


def _scaled_forms(mantissa: _Number, scale: str) -> tuple[Decimal, tuple[str, ...]]:
    power, word = T.SCALES[scale.lower()]
    value = mantissa.value * Decimal(10) ** power
    integral = value == value.to_integral_value()
    expanded = (
        (_grouped(value), _plain(value), _grouped(value).replace(",", " ")) if integral else ()
    )
    if not word:  # laki: English writes the digits
        return value, _dedupe(expanded)
    named = [f"{m} {word}" for m in mantissa.forms] + [f"{mantissa.forms[0]}-{word}"]
    if mantissa.value == 1:
        named.append(f"a {word}")
    if power == 3:  # elfu 20 → 20,000 first: English writes thousands in digits
        return value, _dedupe((*expanded, *named))
    short = {"million": ("m", "mn"), "billion": ("bn", "b"), "trillion": ("tn", "trn")}[word]
    abbreviated = [f"{m}{s}" for m in mantissa.forms[:1] for s in short]
    return value, _dedupe((*named, *abbreviated, *expanded))


def _amount(match: re.Match[str], num: str = "num") -> _Amount | None:
    """Read the groups of :func:`_amount_source` into an amount."""
    groups = match.groupdict()
    if groups.get(f"{num}_scale1"):
        scale = groups[f"{num}_scale1"]
        if groups.get(f"{num}_d1"):
            mantissa = _parse_numeral(groups[f"{num}_d1"], decimal_dot=True)
        else:
            n = _numword_value(groups[f"{num}_w1"])
            if n is None:
                return None
            word = _english_word(n)
            mantissa = _Number(Decimal(n), _dedupe((str(n), word or "")))
        value, forms = _scaled_forms(mantissa, scale)
        return _Amount(_canon(value), forms, value)
    digits = groups[f"{num}_d2"]
    if groups.get(f"{num}_r"):
        sep = groups[f"{num}_r"]
        a = _parse_numeral(digits)
        b = _parse_numeral(groups[f"{num}_d3"])
        if groups.get(f"{num}_scale2"):
            return None  # "2-3 milioni": rare; the model gets it
        return _Amount(f"{_canon(a.value)}..{_canon(b.value)}", _range_forms(a, b, sep), None)
    scale = groups.get(f"{num}_scale2")
    mantissa = _parse_numeral(digits, decimal_dot=bool(scale))
    if scale:
        value, forms = _scaled_forms(mantissa, scale)
        return _Amount(_canon(value), forms, value)
    return _Amount(_canon(mantissa.value), mantissa.forms, mantissa.value)


def _range_forms(a: _Number, b: _Number, sep: str) -> tuple[str, ...]:
    first, second = a.forms[0], b.forms[0]
    forms = [f"{first}{sep.strip()}{second}", f"{first}-{second}", f"{first}–{second}"]
    forms += [f"{first} to {second}", f"{first} - {second}", f"{first} – {second}"]
    forms += [f"{first} and {second}", f"{first}/{second}"]
    if len(first) == 4 and len(second) == 2:  # 2025/26 → also 2025/2026
        second = first[:2] + second
        forms += [
            f"{first}/{second}",
            f"{first}-{second}",
            f"{first}–{second}",
            f"{first} to {second}",
        ]
    if len(first) == len(second) == 4 and first[:2] == second[:2]:  # 2025/2026 → 2025/26
        forms += [f"{first}/{second[2:]}", f"{first}-{second[2:]}", f"{first}–{second[2:]}"]
    return _dedupe(forms)


# --------------------------------------------------------------------------------------------
# Detectors. Each returns a span, _MASK (claim the text, protect nothing) or None (no candidate).


class _Mask:
    """Marker for text that is claimed but left to the model (e.g. "saa tatu", "mara moja")."""


_MASK = _Mask()
_Result = ProtectedSpan | _Mask | None
_Builder = Callable[[re.Match[str], str], _Result]


def _span(kind: str, match: re.Match[str], expected: Iterable[str], value: str) -> ProtectedSpan:
    return ProtectedSpan(kind, match.start(), match.end(), match.group(0), _dedupe(expected), value)


_ORDINAL_BEFORE = re.compile(rf"(?:^|\s)(?i:{'|'.join(T.ORDINAL_MARKERS)})\s+$")


def _build_number(match: re.Match[str], text: str) -> _Result:
    amount = _amount(match)
    if amount is None:
        return None
    forms = list(amount.forms)
    # "lugha ya 34" is "the 34th language", "karne ya 20" "the 20th century"; "ibara ya 3" is
    # "Article 3": both are accepted, the digits stay preferred.
    n = amount.number
    if n is not None and n == n.to_integral_value() and 0 < n < 1000:
        if _ORDINAL_BEFORE.search(text[max(0, match.start() - 6) : match.start()]):
            forms.append(_ordinal_suffix(int(n)))
    return _span("number", match, forms, amount.value)


_PERCENT_TEMPLATES = ("{n}%", "{n} percent", "{n} per cent", "{n} %", "{n}pc", "{n} pc")


def _build_percent(match: re.Match[str], text: str) -> _Result:
    if match.groupdict().get("pw"):
        n = _numword_value(match.group("pw"))
        if n is None:
            return None
        word = _english_word(n)
        bases: tuple[str, ...] = _dedupe((str(n), word or ""))
        value = str(n)
    else:
        amount = _amount(match)
        if amount is None:
            return None
        bases, value = amount.forms, amount.value
    return _span(
        "percent", match, (t.format(n=b) for b in bases for t in _PERCENT_TEMPLATES), f"{value}%"
    )


def _currency_code(*parts: str | None) -> str:
    code = "SHS"
    for part in parts:
        if not part:
            continue
        key = " ".join(part.lower().rstrip(".").split())
        found = T.CURRENCY_WORDS.get(key) or T.CURRENCY_SYMBOLS.get(key)
        found = found or T.CURRENCY_QUALIFIERS.get(key)
        if found and (code == "SHS" or found != "SHS"):
            code = found
    return code


def _build_money(match: re.Match[str], text: str) -> _Result:
    amount = _amount(match)
    if amount is None:
        return None
    groups = match.groupdict()
    code = _currency_code(groups.get("cur"), groups.get("sym"), groups.get("q2"))
    currency = T.CURRENCIES[code]
    # Every template for the number as written first, then the other forms of the number.
    expected = (t.format(n=b) for b in amount.forms for t in currency.templates)
    return _span("money", match, expected, f"{amount.value} {code}")


def _build_measure(match: re.Match[str], text: str) -> _Result:
    amount = _amount(match)
    if amount is None:
        return None
    word = match.groupdict().get("uw")
    symbol = T.UNIT_WORDS[" ".join(word.lower().split())] if word else None
    symbol = symbol or T.UNIT_ABBREVIATIONS[match.group("ua")]
    unit = T.UNITS[symbol]
    first = unit.singular if amount.number == 1 else unit.plural
    names = (first, unit.plural, unit.singular, *unit.extra)
    expected = [f"{b} {n}" for b in amount.forms for n in names]
    expected += [f"{b}{unit.symbol}" for b in amount.forms[:1]]
    expected += [f"{b}-{unit.singular}" for b in amount.forms[:1]]
    return _span("measure", match, expected, f"{amount.value} {unit.symbol}")


# Dates -------------------------------------------------------------------------------------


def _month_alternation(abbreviations: bool) -> str:
    # Capitalised or all-caps only: "Mei" the month, not "mei"; "MACHI" in a headline.
    full = [
        f for w in T.MONTHS if w not in T.MONTH_ABBREVIATIONS for f in (w.capitalize(), w.upper())
    ]
    if not abbreviations:
        return rf"(?:{_alternation(full)})"
    short = [f for w in T.MONTH_ABBREVIATIONS for f in (w.capitalize(), w.upper())]
    # Only a short form takes a full stop: "Juni." at a sentence end is "Juni" and the stop.
    return rf"(?:(?:{_alternation(short)})\.?(?![^\W\d_])|{_alternation(full)})"


_MONTH_FULL = _month_alternation(False)
_MONTH_ANY = _month_alternation(True)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?![\d.,]\d|\d)"
_YEAR = r"(?:1[5-9]\d\d|20\d\d|21\d\d)(?!\d)"
_B = r"(?<![\w])"  # word start
_E = r"(?![\w])"  # word end


def _month_number(word: str) -> int:
    return T.MONTHS[word.lower().rstrip(".")]


def _date_forms(day: int | None, month: int | None, year: int | None, day_first: bool) -> list[str]:
    name = T.MONTH_NAMES[month - 1] if month else ""
    short = name[:3]
    if day and month and year:
        dmy = [f"{day} {name} {year}", f"{_ordinal_suffix(day)} {name} {year}"]
        mdy = [
            f"{name} {day}, {year}",
            f"{name} {day} {year}",
            f"{name} {_ordinal_suffix(day)}, {year}",
        ]
        rest = [f"{day} {short} {year}", f"{short} {day}, {year}", f"{short}. {day}, {year}"]
        rest += [f"the {_ordinal_suffix(day)} of {name} {year}", f"{day} {name}, {year}"]
        return (dmy + mdy if day_first else mdy + dmy) + rest
    if day and month:
        dm = [f"{day} {name}", f"{_ordinal_suffix(day)} {name}", f"{day} {short}"]
        md = [
            f"{name} {day}",
            f"{name} {_ordinal_suffix(day)}",
            f"{short} {day}",
            f"{short}. {day}",
        ]
        return (dm + md if day_first else md + dm) + [f"the {_ordinal_suffix(day)} of {name}"]
    if month and year:
        return [f"{name} {year}", f"{name}, {year}", f"{short} {year}"]
    if month:
        return [name]
    if year:
        return [str(year)]
    if day:
        return [_ordinal_suffix(day), str(day)]
    return []


def _iso(day: int | None, month: int | None, year: int | None) -> str:
    if year and month and day:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if year and month:
        return f"{year:04d}-{month:02d}"
    if year:
        return f"{year:04d}"
    if month and day:
        return f"--{month:02d}-{day:02d}"
    if month:
        return f"--{month:02d}"
    return f"---{day:02d}"


def _build_date(match: re.Match[str], text: str) -> _Result:
    g = match.groupdict()
    day = int(g["d"]) if g.get("d") else None
    month = _month_number(g["m"]) if g.get("m") else None
    year = int(g["y"]) if g.get("y") else None
    if g.get("m") and g["m"].lower().rstrip(".") in T.MONTH_ABBREVIATIONS and not day:
        return None  # "Des" or "Mac" alone is a word, not a month
    if g.get("dc") and not g.get("t"):
        return None  # "April 7, mwezi Desemba": a comma after the day needs "tarehe" before it
    if g.get("y2"):  # "mwaka 2025/2026"
        second = g["y2"] if len(g["y2"]) == 4 else g["y"][:2] + g["y2"]
        a, b = _parse_numeral(g["y"]), _parse_numeral(second)
        written = f"{g['y']}{g['ys']}{g['y2']}"
        ranges = (written, *_range_forms(a, b, g["ys"]))
        return _span("date", match, ranges, f"{g['y']}..{second}")
    day_first = match.start("d") < match.start("m") if day and month else True
    forms = _date_forms(day, month, year, day_first)
    return _span("date", match, forms, _iso(day, month, year))


def _build_numeric_date(match: re.Match[str], text: str) -> _Result:
    g = match.groupdict()
    if g.get("iy"):
        year, month, day = int(g["iy"]), int(g["im"]), int(g["id"])
    else:
        a, b, year = int(g["a"]), int(g["b"]), int(g["y"])
        # East African copy writes day first; a month above 12 means the US order.
        day, month = (a, b) if b <= 12 else (b, a)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    whole = match.group("nd")
    forms = _date_forms(day, month, year, day_first=True)
    forms.insert(1, whole)
    forms += [_iso(day, month, year), whole.replace("/", ".").replace("-", ".")]
    return _span("date", match, forms, _iso(day, month, year))


def _build_decade(match: re.Match[str], text: str) -> _Result:
    year = match.group("y")
    forms = [f"{year}s", f"{year}'s", f"the {year}s"]
    return _span("date", match, forms, f"{year}s")


# Times -------------------------------------------------------------------------------------


def _time_forms(hour: int, minute: int, as_written: str | None) -> list[str]:
    h12 = hour % 12 or 12
    ampm = "am" if hour < 12 else "pm"
    dotted = "a.m." if hour < 12 else "p.m."
    mm = f"{minute:02d}"
    forms = [as_written] if as_written else []
    if minute == 0:
        forms += [f"{h12} {ampm}", f"{h12}{ampm}", f"{h12} {dotted}", f"{h12}:00 {ampm}"]
        forms += [f"{h12}:00{ampm}", f"{h12}:00 {dotted}", f"{hour:02d}:00", f"{hour}:00"]
        forms += [f"{h12} o'clock", f"{h12}:00"]
        if hour == 0:
            forms.insert(0, "midnight")
        if hour == 12:
            forms.insert(0, "noon")
            forms.append("midday")
    else:
        forms += [f"{h12}:{mm} {ampm}", f"{h12}:{mm}{ampm}", f"{h12}:{mm} {dotted}"]
        forms += [f"{h12}.{mm} {ampm}", f"{h12}.{mm}{ampm}", f"{hour:02d}:{mm}", f"{hour}:{mm}"]
        forms += [f"{h12}:{mm}"]
    return forms


def _fits(hour: int, period: str) -> bool:
    return any(lo <= hour < hi for lo, hi in T.DAY_PERIODS[period])


def _swahili_hour(hour: int, period: str) -> int | None:
    """24-hour reading of a Swahili-time hour (saa 1 = 7 o'clock) that fits the time of day."""
    base = (hour + 5) % 12 + 1  # saa 1 → 7, saa 6 → 12, saa 12 → 6
    for candidate in (base % 12, base % 12 + 12):
        if _fits(candidate, period):
            return candidate
    return None


def _build_saa(match: re.Match[str], text: str) -> _Result:
    """Clock times after "saa". Spelled hours and a bare "saa N" are masked (docs/protect.md)."""
    hour_text, minute_text = match.group("h"), match.group("min")
    period = (match.group("p") or "").lower()
    if hour_text is None:
        return _MASK  # "saa tatu" is 9 o'clock; the model knows, a number table does not
    hour, minute = int(hour_text), int(minute_text or 0)
    if hour > 23 or minute > 59:
        return _MASK
    # A 24-hour clock has no Swahili reading: hours past 12, or a leading zero ("saa 09:30").
    if hour >= 13 or (minute_text and hour_text.startswith("0")):
        written = f"{hour_text}:{minute_text}" if minute_text else None
        return _span("time", match, _time_forms(hour, minute, written), f"{hour:02d}:{minute:02d}")
    if not period or hour == 0:
        return _MASK  # "saa 4" is 10 o'clock in Swahili time, 4 o'clock in Western copy
    western = _swahili_hour(hour, period)
    if western is None:
        # The Swahili reading does not fit the time of day ("saa 6 jioni"): Western copy.
        western = next((h for h in (hour % 12, hour % 12 + 12) if _fits(h, period)), None)
    if western is None:
        return _MASK
    value = f"{western:02d}:{minute:02d}"
    return _span("time", match, _time_forms(western, minute, None), value)


def _build_clock(match: re.Match[str], text: str) -> _Result:
    hour, minute = int(match.group("h")), int(match.group("min"))
    written = match.group(0)
    forms = _time_forms(hour, minute, written)
    forms.insert(1, written.replace(".", ":"))
    return _span("time", match, forms, f"{hour:02d}:{minute:02d}")


# Spelled numbers ---------------------------------------------------------------------------


def _build_numword(match: re.Match[str], text: str) -> _Result:
    n = _numword_value(match.group(0))
    if n is None:
        return None
    word = _english_word(n)
    forms = [word or str(n), str(n)]
    if word and " and " in word:
        forms.append(word.replace(" and ", " "))  # American "three hundred fifty"
    return _span("numword", match, forms, str(n))


# Periods counted in words: "miezi minane" is "eight months", a figure as much as "8 months".
_PERIODS = {
    "miezi": "months",
    "siku": "days",
    "wiki": "weeks",
    "miaka": "years",
    "dakika": "minutes",
}


def _build_period(match: re.Match[str], text: str) -> _Result:
    n = _numword_value(match.group("pw"))
    if n is None or n < 2:
        return None
    unit = _PERIODS[match.group("u").lower()]
    word = _english_word(n) or str(n)
    return _span("numword", match, (f"{word} {unit}", f"{n} {unit}", f"{n}-{unit[:-1]}"), str(n))


def _build_ordinal(match: re.Match[str], text: str) -> _Result:
    n = T.ORDINAL_STEMS[match.group("o").lower()]
    return _span("numword", match, (T.ENGLISH_ORDINALS[n], _ordinal_suffix(n)), f"ord:{n}")


_MULTIPLICATIVES = {
    1: ("once", "one time"),
    2: ("twice", "two times"),
    3: ("three times", "thrice"),
}


def _build_times(match: re.Match[str], text: str) -> _Result:
    n = _numword_value(match.group("tw"))
    if n is None or n == 1:
        return _MASK  # "mara moja" is "immediately" more often than "once"
    word = _english_word(n) or str(n)
    forms = [*_MULTIPLICATIVES.get(n, ()), f"{word} times", f"{n} times"]
    return _span("numword", match, forms, f"times:{n}")


def _build_both(match: re.Match[str], text: str) -> _Result:
    return _span("numword", match, ("both", "two", "2"), "2")


def _build_bilateral(match: re.Match[str], text: str) -> _Result:
    forms = ("bilateral", "two countries", "two-country", "both countries", "two")
    return _span("numword", match, forms, "2")


def _build_mask(match: re.Match[str], text: str) -> _Result:
    return _MASK


# Addresses ---------------------------------------------------------------------------------

_TRAILING_PUNCT = ".,;:!?'\"”’)»"


def _build_verbatim(kind: str) -> _Builder:
    def build(match: re.Match[str], text: str) -> _Result:
        surface = match.group(0)
        trimmed = surface.rstrip(_TRAILING_PUNCT)
        if trimmed.count("(") > trimmed.count(")") and surface[len(trimmed) :].startswith(")"):
            trimmed += ")"  # a URL with parentheses in it (Wikipedia), not one in parentheses
        if not trimmed or (kind == "hashtag" and not re.search(r"[^\W\d_]", trimmed)):
            return None
        start = match.start()
        return ProtectedSpan(kind, start, start + len(trimmed), trimmed, (trimmed,), trimmed)

    return build


# --------------------------------------------------------------------------------------------
# The detector table. Patterns are compiled once here; a longer candidate always wins, the
# table order (rank) only breaks ties between candidates of equal length. A detector runs on a
# text only when its trigger fires: the text has a digit (when ``digits``) or contains one of
# ``words`` (case-folded substrings). Triggers are cheap; most segments have no digit, and
# running every pattern on every segment would cost several times more.


@dataclass(frozen=True)
class _Detector:
    """One row of the table: pattern, builder, tie-break rank and trigger."""

    pattern: re.Pattern[str]
    build: _Builder
    rank: int
    digits: bool
    words: re.Pattern[str] | None

    def fires(self, folded: str, has_digit: bool) -> bool:
        if self.digits and has_digit:
            return True
        return self.words is not None and self.words.search(folded) is not None


def _trigger(words: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(re.escape(w) for w in words)) if words else None


_DIGITS = (True, ())
_SCALE_WORDS = tuple(T.SCALES)
_NUMBER_STEMS = (*T.CARDINAL_STEMS, *T.INVARIABLE_NUMBERS, *T.TENS, "mia")

_CUR_WORD = rf"(?i:{_alternation(T.CURRENCY_WORDS)})\.?(?![^\W\d_])"
_CUR_SYM = r"(?:US\s?\$|\$|€|£)"
_QUALIFIER = rf"(?i:{_alternation(T.CURRENCY_QUALIFIERS)})(?![\w])"
_PERIOD = rf"(?i:{_alternation(T.DAY_PERIODS)})(?![\w])"
_SAA = (
    rf"{_B}(?i:saa)\s+(?:(?P<h>\d{{1,2}})(?:[:.](?P<min>[0-5]\d))?(?![\d.,]\d|\d)|(?i:{_NUMWORD_ONE}))"
    rf"(?:\s+(?i:na\s+(?:nusu|robo)))?"
    rf"(?:\s+(?:(?i:za|ya)\s+)?(?P<p>{_PERIOD}))?"
)
_ORDINAL = (
    rf"{_B}(?i:{'|'.join(T.ORDINAL_MARKERS)})\s+(?P<o>(?i:{_alternation(T.ORDINAL_STEMS)})){_E}"
)
_AMT = _amount_source()

_DETECTORS: tuple[_Detector, ...] = tuple(
    _Detector(re.compile(source), builder, rank, digits, _trigger(words))
    for rank, (source, builder, (digits, words)) in enumerate(
        (
            # Addresses first: digits and capitals inside them are not numbers or names.
            (
                r"(?<![\w.+-])[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}",
                _build_verbatim("email"),
                (False, ("@",)),
            ),
            (
                r"(?i:https?://|www\.)[^\s<>\"“”‘’\[\]{}]+",
                _build_verbatim("url"),
                (False, ("http", "www.")),
            ),
            (
                rf"(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+(?i:{'|'.join(T.TLDS)})(?![\w-])"
                r"(?:/[^\s<>\"“”‘’\[\]{}]*)?",
                _build_verbatim("url"),
                (False, tuple(f".{tld}" for tld in T.TLDS)),
            ),
            (r"(?<![\w@])@[A-Za-z0-9_]{1,30}(?![\w@])", _build_verbatim("handle"), (False, ("@",))),
            (r"(?<![\w#&/])#[^\W][\w]*", _build_verbatim("hashtag"), (False, ("#",))),
            # Money before plain numbers: a longer match wins anyway, the rank decides ties.
            (
                rf"{_B}(?P<cur>{_CUR_WORD})\s*(?:(?P<sym>{_CUR_SYM})\s*)?"
                rf"{_amount_source(bounded=False)}(?:\s+(?P<q2>{_QUALIFIER}))?",
                _build_money,
                (True, _SCALE_WORDS),
            ),
            (
                rf"(?<![\w$€£])(?P<sym>{_CUR_SYM})\s?{_AMT}(?:\s+(?P<q2>{_QUALIFIER}))?",
                _build_money,
                (True, _SCALE_WORDS),
            ),
            (
                rf"{_B}(?i:asilimia)\s+(?:(?P<pw>(?i:{_NUMWORD_ONE}))|{_AMT})(?:\s?%)?",
                _build_percent,
                (False, ("asilimia",)),
            ),
            (rf"{_AMT}\s?%", _build_percent, (False, ("%",))),
            (
                rf"{_B}(?P<uw>(?i:{_alternation(T.UNITS_BEFORE)})){_E}\s+{_AMT}",
                _build_measure,
                _DIGITS,
            ),
            (
                rf"(?P<num_d2>{_NUM})\s?(?P<ua>{_alternation(T.UNITS_AFTER)})(?![\w])",
                _build_measure,
                _DIGITS,
            ),
            # Dates: numeric, then day-month-year, month-day-year, month-year, month, year.
            (
                rf"{_B}(?:(?i:tarehe)\s+)?(?P<nd>(?P<a>[0-3]?\d)(?P<s>[/.-])(?P<b>[01]?\d)(?P=s)"
                rf"(?P<y>{_YEAR})|(?P<iy>{_YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d)){_E}",
                _build_numeric_date,
                _DIGITS,
            ),
            (
                rf"{_B}(?:(?P<t>(?i:tarehe))\s+)?(?P<d>{_DAY})(?P<dc>\s*,)?\s+"
                rf"(?:(?i:(?:ya\s+)?mwezi(?:\s+wa)?)\s+)?(?P<m>{_MONTH_ANY}){_E}"
                rf"(?:\s*,?\s*(?:(?i:mwaka)\s+)?(?P<y>{_YEAR}))?",
                _build_date,
                _DIGITS,
            ),
            (
                rf"{_B}(?:(?i:tarehe|mwezi)\s+)?(?P<m>{_MONTH_ANY})\s+(?P<d>{_DAY})"
                rf"(?:\s*,?\s*(?P<y>{_YEAR}))?{_E}",
                _build_date,
                _DIGITS,
            ),
            (
                rf"{_B}(?:(?i:mwezi|mwaka|tarehe)\s+)?(?P<m>{_MONTH_FULL})\s*,?\s+(?:(?i:mwaka)\s+)?"
                rf"(?P<y>{_YEAR}){_E}",
                _build_date,
                _DIGITS,
            ),
            (
                rf"{_B}(?:(?i:mwezi)\s+(?:(?i:wa)\s+)?)?(?P<m>{_MONTH_FULL}){_E}",
                _build_date,
                (False, tuple(m for m in T.MONTHS if m not in T.MONTH_ABBREVIATIONS)),
            ),
            (
                rf"{_B}(?i:mwaka)\s+(?:(?i:wa)\s+)?(?P<y>{_YEAR})"
                rf"(?:(?P<ys>[-–/])(?P<y2>{_YEAR}|\d\d(?!\d)))?{_E}",
                _build_date,
                _DIGITS,
            ),
            (
                rf"{_B}(?i:miaka\s+ya)\s+(?P<y>1[5-9]\d0|20[0-9]0)(?!\d){_E}",
                _build_decade,
                _DIGITS,
            ),
            (rf"{_B}(?i:tarehe)\s+(?P<d>{_DAY}){_E}", _build_date, _DIGITS),
            # Clock times.
            (_SAA, _build_saa, (False, ("saa",))),
            # A bare clock needs a two-digit hour ("09:30", "14:30"): "Mathayo 5:14" is a verse.
            (
                r"(?<![\w.:,])(?P<h>[01]\d|2[0-3]):(?P<min>[0-5]\d)(?![\w:]|[.,]\d)",
                _build_clock,
                _DIGITS,
            ),
            # Spelled numbers, their idioms, ordinals.
            (
                rf"{_B}(?i:moja\s+kwa\s+moja|mmoja\s+mmoja|upande\s+wa\s+pili){_E}",
                _build_mask,
                (False, ("moja", "pili")),
            ),
            (rf"{_B}(?i:mara)\s+(?P<tw>(?i:{_NUMWORD_ONE}))", _build_times, (False, ("mara",))),
            (
                rf"{_B}(?i:wote|zote|yote|vyote|pande\s+zote)\s+(?i:wawili|mbili|mawili|viwili){_E}",
                _build_both,
                (False, ("wote", "zote", "yote")),
            ),
            (
                rf"{_B}(?i:wa|ya)\s+(?i:nchi)\s+(?i:mbili){_E}",
                _build_bilateral,
                (False, ("mbili",)),
            ),
            (
                rf"{_B}(?P<u>(?i:{'|'.join(_PERIODS)}))\s+(?P<pw>(?i:{_NUMWORD})){_E}",
                _build_period,
                (False, tuple(_PERIODS)),
            ),
            (_ORDINAL, _build_ordinal, (False, tuple(T.ORDINAL_STEMS))),
            (rf"(?i:{_NUMWORD})", _build_numword, (False, _NUMBER_STEMS)),
            (_AMT, _build_number, (True, _SCALE_WORDS)),
        )
    )
)

_HAS_DIGIT = re.compile(r"\d")

# --------------------------------------------------------------------------------------------
# Names


_NAME_TOKEN = re.compile(
    r"(?<![\w'’@#./-])[A-Z\u00c0-\u00de\u0100-\u024f\u1e00-\u1eff][\w'’]*(?:-[\w'’]+)*"
)
_LATIN = re.compile(r"[A-Za-z0-9\u00c0-\u00ff\u0100-\u024f\u1e00-\u1eff'’-]+")
# Swahili phonotactics: (nasal) consonant(s) + vowel syllables, ending in a vowel. A capitalised
# word that fails this test (Brussels, Vassilenko, Cooreman, Roman) is not a Swahili word.
# Loanword clusters (Afrika, Demokrasia, Kabla, Askari, Falme) count as Swahili: protecting a
# Swahili word as a name would force it untranslated into the English.
_C = (
    r"(?:ch|sh|th|dh|gh|kh|ny|ng'?|mb|mv|nd|nj|nz|[bdfgkpt][rl]|s[kltpmn]|lm"
    r"|[bdfghjklmnprstvwyz])[wy]?"
)
_SWAHILI_WORD = re.compile(rf"(?:(?:m(?=[bcdfghjklnprstvwz])|n(?=[cdgjsyz]))?(?:{_C})?[aeiou]+)+")
# Words with a Swahili noun-class prefix that end in a vowel are Swahili common nouns or Swahili
# place names ("Ubelgiji", "Mkurugenzi", "Kiswahili", "Wakristo"), loanword clusters or not:
# never part of a name.
_SWAHILI_PREFIXED = re.compile(r"(?:u[^aeo]|m[^aeiouy]|ki[^aeiou]|wa[^aeiou]|chi[^aeiou]).*[aeiou]")
_NAME_GAP = re.compile(
    rf"\.? (?:(?:{'|'.join(sorted(T.NAME_PARTICLES, key=len, reverse=True))}) ){{0,2}}"
)


def _token_class(token: str) -> str:
    """'stop', 'swahili' (breaks a name), 'neutral', 'foreign' or 'acronym'."""
    folded = token.casefold().replace("’", "'")
    month = folded in T.MONTHS and folded not in T.MONTH_ABBREVIATIONS  # "Jan Kuciak" is a name
    if folded in T.NAME_STOPWORDS or month or folded.rstrip(".") in T.NAME_STOPWORDS:
        return "stop"
    if not _LATIN.fullmatch(token):
        return "stop"
    letters = [c for c in token if c.isalpha()]
    if all(c.isupper() for c in letters) and (len(letters) >= 2 or any(c.isdigit() for c in token)):
        return "stop" if token in T.NOT_NAME_ACRONYMS else "acronym"  # EU, OSCE, G20
    if len(letters) == 1:
        return "initial"
    if any(c.isupper() for c in token[1:]) or not token.isascii():
        return "foreign"  # McDonald, WhatsApp, Kušnírová
    if _SWAHILI_PREFIXED.fullmatch(folded):
        return "swahili"
    if any(not _SWAHILI_WORD.fullmatch(part) for part in folded.split("-") if part):
        return "foreign"
    return "neutral"


def _shouted(text: str, tokens: list[tuple[int, int, str]]) -> set[int]:
    """Indexes of tokens in a run of 3+ all-capital words: a headline, not acronyms."""
    shouted: set[int] = set()
    group: list[int] = []
    for i, (start, end, _) in enumerate(tokens):
        word = text[start:end]
        caps = len(word) > 1 and word.isupper()
        if caps and group and text[tokens[group[-1]][1] : start].isspace():
            group.append(i)
        else:
            if len(group) >= 3:
                shouted.update(group)
            group = [i] if caps else []
    if len(group) >= 3:
        shouted.update(group)
    return shouted


def _name_spans(text: str) -> list[ProtectedSpan]:
    """Runs of capitalised Latin-script words that contain at least one non-Swahili word."""
    tokens = [(m.start(), m.end(), _token_class(m.group(0))) for m in _NAME_TOKEN.finditer(text)]
    shouted = _shouted(text, tokens) if len(tokens) >= 3 else set()
    spans: list[ProtectedSpan] = []
    run: list[tuple[int, int, str]] = []

    def close() -> None:
        # Initials and neutral words join a name but never make one on their own.
        while run and run[-1][2] == "initial":
            run.pop()
        classes = [c for _, _, c in run]
        if "foreign" in classes or "acronym" in classes:
            start, end = run[0][0], run[-1][1]
            source = text[start:end]
            spans.append(ProtectedSpan("name", start, end, source, (source,), source))
        run.clear()

    for i, (start, end, cls) in enumerate(tokens):
        if cls == "swahili" and run and text[run[-1][1] : start] == " ":
            cls = "neutral"  # a Swahili-looking surname after a first name: "Philip Mpango"
        if cls in ("stop", "swahili") or i in shouted:
            close()
            continue
        if run:
            gap = text[run[-1][1] : start]
            joined = _NAME_GAP.fullmatch(gap) and (gap[0] != "." or run[-1][2] == "initial")
            previous = text[run[-1][0] : run[-1][1]].casefold()
            if not joined or previous in T.PLACES or text[start:end].casefold() in T.PLACES:
                close()
        if cls == "initial" and not text.startswith(".", end):
            close()  # a lone capital letter ("A", "W") without a full stop is no initial
            continue
        run.append((start, end, cls))
    close()
    return spans


# --------------------------------------------------------------------------------------------
# Selection


def find_spans(text: str, *, skip: Sequence[tuple[int, int]] = ()) -> list[ProtectedSpan]:
    """Find the protected spans in a Swahili text.

    Args:
        text: Swahili text (a sentence, a paragraph or a whole article).
        skip: character ranges (start, end) already claimed, e.g. by glossary terms; no span
            overlaps them.

    Returns:
        Non-overlapping spans sorted by start. Where candidates overlap, the longest wins
        ("dola milioni 523.7" over "523.7"); on equal length the detector table order decides.
    """
    if not text:
        return []
    candidates: list[tuple[int, int, int, ProtectedSpan | _Mask]] = []
    has_digit = _HAS_DIGIT.search(text) is not None
    folded = text.lower()
    for detector in _DETECTORS:
        if not detector.fires(folded, has_digit):
            continue
        for match in detector.pattern.finditer(text):
            result = detector.build(match, text)
            if result is not None:
                start, end = _extent(result, match)
                candidates.append((start, end, detector.rank, result))
    name_rank = len(_DETECTORS)
    candidates += [(s.start, s.end, name_rank, s) for s in _name_spans(text)]
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken = [(s, e) for s, e in skip if e > s]
    chosen: list[ProtectedSpan] = []
    for start, end, _, result in candidates:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        if isinstance(result, ProtectedSpan):
            chosen.append(result)
    return sorted(chosen, key=lambda s: s.start)


def _extent(result: ProtectedSpan | _Mask, match: re.Match[str]) -> tuple[int, int]:
    if isinstance(result, ProtectedSpan):
        return result.start, result.end
    return match.start(), match.end()


# --------------------------------------------------------------------------------------------
# English side

# Same-length replacements, so offsets into the normalised text are offsets into the original.
_ENGLISH_FOLD = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "’": "'", "‘": "'"})


# A figure's renderings are asked for once per check of each segment it is in (enforcement
# checks again after every forced decode), and the same figures recur through an article.
@functools.lru_cache(maxsize=4096)
def _rendering_regex(expected: tuple[str, ...], verbatim: bool) -> re.Pattern[str]:
    alternatives = []
    for form in sorted(set(expected), key=len, reverse=True):
        form = form.translate(_ENGLISH_FOLD)
        # The left-boundary test comes after the first character, looking back over it: with
        # every alternative starting with a character, `re` skips to the places one could match
        # (3.5 times faster than testing the boundary at every position first).
        body = re.escape(form[0])
        if form[0].isalnum():
            body += r"(?<!\w[\s\S])(?<!\d[.,][\s\S])"
        body += re.escape(form[1:])
        if form[-1].isalnum():
            body += r"(?![\w])(?![.,]\d)"
        alternatives.append(body)
    return re.compile("|".join(alternatives), 0 if verbatim else re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _fold_english(english: str) -> str:
    folded = unicodedata.normalize("NFC", english).translate(_ENGLISH_FOLD)
    if len(folded) != len(english):  # NFC changed the length: offsets must follow the input
        folded = english.translate(_ENGLISH_FOLD)
    return folded


def _hits(span: ProtectedSpan, english: str) -> Iterable[Hit]:
    folded = _fold_english(english)
    for match in _rendering_regex(span.expected, span.kind in VERBATIM_KINDS).finditer(folded):
        yield match.start(), match.end(), english[match.start() : match.end()]


def locate_span(span: ProtectedSpan, english: str) -> Hit | None:
    """Find the first of a span's accepted renderings in an English translation.

    Numbers match whole ("523.7" is not in "1523.75", "18" not in "2018"), words match whole
    words; names, URLs, e-mail addresses, handles and hashtags match exactly, everything else
    ignores case ("Eight", "october 18").

    Args:
        span: a span from :func:`find_spans`.
        english: an English translation of the text the span came from.

    Returns:
        (start, end, text found) of the leftmost occurrence, the longest rendering there; None
        when no accepted rendering occurs.
    """
    return next(iter(_hits(span, english)), None)


def locate_all(spans: Sequence[ProtectedSpan], english: str) -> list[Hit | None]:
    """Find every span in an English translation, each English occurrence used at most once.

    A figure written twice in the source must be written twice in the translation: two spans for
    "2023" claim two distinct "2023"s, in order. Spans with longer renderings claim first, so
    the number "18" does not take the "18" of the date "October 18".

    Args:
        spans: spans of one source text (from :func:`find_spans`).
        english: its English translation.

    Returns:
        One entry per span, in the order given: (start, end, text found) or None.
    """
    order = sorted(
        range(len(spans)), key=lambda i: (-max(len(e) for e in spans[i].expected), spans[i].start)
    )
    used: list[tuple[int, int]] = []
    found: list[Hit | None] = [None] * len(spans)
    for i in order:
        for hit in _hits(spans[i], english):
            if all(hit[1] <= s or hit[0] >= e for s, e in used):
                used.append((hit[0], hit[1]))
                found[i] = hit
                break
    return found


def fidelity(
    text: str, english: str, spans: Sequence[ProtectedSpan] | None = None
) -> list[tuple[ProtectedSpan, Hit | None]]:
    """Pair each protected span of a source text with where it is in the translation.

    Args:
        text: the Swahili source.
        english: its English translation.
        spans: the source's spans; found with :func:`find_spans` when None.

    Returns:
        (span, hit or None) per span, in source order; a None hit is a figure, date or name
        the translation lost or changed.
    """
    spans = find_spans(text) if spans is None else spans
    return list(zip(spans, locate_all(spans, english), strict=True))
