"""Tables behind :mod:`translate.protect`: Swahili words for numbers, months, money, units, times.

Everything the span detector knows about Swahili lives here as plain data (tuples and dicts), so
that adding a currency, a unit or a month spelling is a one-line change with no regex edits. The
detector builds its patterns from these tables once, at import.

Keys are lower case; the detector matches them case-insensitively unless a table says otherwise.
See ``docs/protect.md`` for why each entry is (or is not) here.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "MONTHS",
    "MONTH_NAMES",
    "MONTH_ABBREVIATIONS",
    "SCALES",
    "CURRENCIES",
    "CURRENCY_WORDS",
    "CURRENCY_SYMBOLS",
    "CURRENCY_QUALIFIERS",
    "UNITS",
    "UNIT_WORDS",
    "UNIT_ABBREVIATIONS",
    "UNITS_BEFORE",
    "UNITS_AFTER",
    "CARDINAL_STEMS",
    "ADJECTIVE_PREFIXES",
    "INVARIABLE_NUMBERS",
    "TENS",
    "ENGLISH_NUMBERS",
    "ENGLISH_ORDINALS",
    "ORDINAL_MARKERS",
    "ORDINAL_STEMS",
    "DAY_PERIODS",
    "NAME_STOPWORDS",
    "NAME_PARTICLES",
    "PLACES",
    "NOT_NAME_ACRONYMS",
    "TLDS",
    "Currency",
    "Unit",
]

# English month names, January first; the value format uses the index + 1.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Swahili (and the English or Portuguese-style spellings seen in East African and Global Voices
# text) → month number. Abbreviations need a day next to them; the detector checks that.
MONTHS = MappingProxyType(
    {
        "januari": 1,
        "jan": 1,
        "january": 1,
        "februari": 2,
        "feb": 2,
        "february": 2,
        "machi": 3,
        "mac": 3,
        "march": 3,
        "aprili": 4,
        "apr": 4,
        "april": 4,
        "mei": 5,
        "may": 5,
        "juni": 6,
        "jun": 6,
        "june": 6,
        "julai": 7,
        "jul": 7,
        "july": 7,
        "agosti": 8,
        "ogasti": 8,
        "ago": 8,
        "aug": 8,
        "august": 8,
        "septemba": 9,
        "sep": 9,
        "sept": 9,
        "september": 9,
        "oktoba": 10,
        "octoba": 10,
        "okt": 10,
        "oct": 10,
        "october": 10,
        "novemba": 11,
        "nov": 11,
        "november": 11,
        "desemba": 12,
        "disemba": 12,
        "des": 12,
        "dec": 12,
        "december": 12,
    }
)
# Short forms that are months only when a day follows or precedes ("Okt. 5", "5 Des"), because
# "des", "mac", "ago" and "may" are also ordinary words or name parts.
MONTH_ABBREVIATIONS = frozenset(
    "jan feb mac apr jun jul ago aug sep sept okt oct nov des dec may".split()
)

# Scale words: Swahili puts them before the number ("milioni 523.7"), news copy sometimes after
# ("$289 milioni"). Value: power of ten and the English word ("" when English writes digits).
SCALES = MappingProxyType(
    {
        "elfu": (3, "thousand"),
        "laki": (5, ""),
        "milioni": (6, "million"),
        "bilioni": (9, "billion"),
        "trilioni": (12, "trillion"),
    }
)


@dataclass(frozen=True)
class Currency:
    """One currency: its code and English renderings.

    Attributes:
        code: ISO 4217 where the currency is known; ``SHS`` for a shilling whose country the text
            does not say.
        templates: English renderings with ``{n}`` for the amount, preferred first (the one a
            decoder forces).
    """

    code: str
    templates: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.templates or any("{n}" not in t for t in self.templates):
            raise ValueError(f"{self.code}: every template must contain {{n}}")


# English renderings per currency, preferred first. A decoder forces the first one.
CURRENCIES = MappingProxyType(
    {
        "USD": Currency(
            "USD",
            (
                "${n}",
                "US${n}",
                "US$ {n}",
                "US ${n}",
                "USD {n}",
                "USD{n}",
                "$ {n}",
                "{n} dollars",
                "{n} US dollars",
                "{n} U.S. dollars",
                "{n} dollar",
            ),
        ),
        "SHS": Currency(
            "SHS",
            (
                "{n} shillings",
                "Sh{n}",
                "Sh {n}",
                "Shs {n}",
                "Shs{n}",
                "TSh {n}",
                "TSh{n}",
                "KSh {n}",
                "KSh{n}",
                "USh {n}",
                "{n} Tanzanian shillings",
                "{n} Kenyan shillings",
                "{n} Ugandan shillings",
                "{n} shilling",
            ),
        ),
        "TZS": Currency(
            "TZS",
            (
                "{n} Tanzanian shillings",
                "TSh {n}",
                "TSh{n}",
                "Tsh {n}",
                "Tsh{n}",
                "TZS {n}",
                "Sh{n}",
                "Sh {n}",
                "Shs {n}",
                "{n} shillings",
            ),
        ),
        "KES": Currency(
            "KES",
            (
                "{n} Kenyan shillings",
                "KSh {n}",
                "KSh{n}",
                "Ksh {n}",
                "Ksh{n}",
                "KES {n}",
                "Sh{n}",
                "Sh {n}",
                "{n} shillings",
            ),
        ),
        "UGX": Currency(
            "UGX",
            (
                "{n} Ugandan shillings",
                "USh {n}",
                "USh{n}",
                "UGX {n}",
                "Ush {n}",
                "Sh{n}",
                "Sh {n}",
                "{n} shillings",
                "{n} Uganda shillings",
            ),
        ),
        "EUR": Currency("EUR", ("€{n}", "€ {n}", "{n} euros", "{n} euro", "EUR {n}")),
        "GBP": Currency("GBP", ("£{n}", "£ {n}", "{n} pounds", "GBP {n}", "{n} pound")),
        "CNY": Currency("CNY", ("{n} yuan", "CNY {n}", "RMB {n}", "¥{n}", "{n} renminbi")),
        "JPY": Currency("JPY", ("{n} yen", "¥{n}", "JPY {n}")),
        "ZAR": Currency("ZAR", ("{n} rand", "R{n}", "R {n}", "ZAR {n}")),
        "INR": Currency("INR", ("{n} rupees", "Rs {n}", "Rs{n}", "INR {n}", "₹{n}")),
        "CHF": Currency("CHF", ("{n} Swiss francs", "CHF {n}", "{n} francs")),
        "XOF": Currency("XOF", ("{n} francs", "{n} CFA francs", "CFA {n}", "XOF {n}")),
        "CAD": Currency("CAD", ("C${n}", "CA${n}", "{n} Canadian dollars", "CAD {n}")),
        "AUD": Currency("AUD", ("A${n}", "AU${n}", "{n} Australian dollars", "AUD {n}")),
        "AED": Currency("AED", ("{n} dirhams", "AED {n}", "{n} Emirati dirhams")),
    }
)

# Swahili currency words and abbreviations written before the amount → code. Matched
# case-insensitively and followed by an optional full stop ("Sh.", "TSh.").
CURRENCY_WORDS = MappingProxyType(
    {
        "dola": "USD",
        "dolla": "USD",
        "dollar": "USD",
        "dola za kimarekani": "USD",
        "dola za marekani": "USD",
        "dola ya marekani": "USD",
        "dolla za kimarekani": "USD",
        "dolla za marekani": "USD",
        "dola za kanada": "CAD",
        "dola za australia": "AUD",
        "usd": "USD",
        "shilingi": "SHS",
        "shilingi za kitanzania": "TZS",
        "shilingi za tanzania": "TZS",
        "shilingi za kenya": "KES",
        "shilingi za kikenya": "KES",
        "shilingi ya kenya": "KES",
        "shilingi za uganda": "UGX",
        "shilingi za kiganda": "UGX",
        "shilingi ya uganda": "UGX",
        "sh": "SHS",
        "shs": "SHS",
        "tsh": "TZS",
        "tshs": "TZS",
        "tzs": "TZS",
        "ksh": "KES",
        "kshs": "KES",
        "kes": "KES",
        "ush": "UGX",
        "ugx": "UGX",
        "yuro": "EUR",
        "euro": "EUR",
        "eur": "EUR",
        "pauni": "GBP",
        "paundi": "GBP",
        "gbp": "GBP",
        "yuan": "CNY",
        "yeni": "JPY",
        "randi": "ZAR",
        "rupia": "INR",
        "faranga ya uswisi": "CHF",
        "faranga za uswisi": "CHF",
        "faranga": "XOF",
        "dirham": "AED",
        "dirhamu": "AED",
    }
)
# Symbols written before the amount ("$ 220.7", "US$5", "€20").
CURRENCY_SYMBOLS = MappingProxyType(
    {"$": "USD", "us$": "USD", "us $": "USD", "€": "EUR", "£": "GBP"}
)
# "za Marekani" after the amount ("dola 900 za Marekani") names the country; it joins the span
# and, for a generic word, fixes the code.
CURRENCY_QUALIFIERS = MappingProxyType(
    {
        "za marekani": "USD",
        "za kimarekani": "USD",
        "ya marekani": "USD",
        "za tanzania": "TZS",
        "za kitanzania": "TZS",
        "za kenya": "KES",
        "za kikenya": "KES",
        "za uganda": "UGX",
        "za kiganda": "UGX",
    }
)


@dataclass(frozen=True)
class Unit:
    """One unit of measurement and its English forms.

    Attributes:
        symbol: canonical symbol, used in ``ProtectedSpan.value`` ("km", "kg", "ha").
        singular: English name for a quantity of exactly 1 ("kilometre").
        plural: preferred English name otherwise ("kilometres").
        extra: other accepted English forms (American spellings, abbreviations).
    """

    symbol: str
    singular: str
    plural: str
    extra: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (self.symbol and self.singular and self.plural):
            raise ValueError("a unit needs a symbol, a singular and a plural")


# Units by canonical symbol. English: preferred plural first (British spelling, as the desk's
# style guide; American spellings are accepted).
UNITS = MappingProxyType(
    {
        "km": Unit("km", "kilometre", "kilometres", ("kilometers", "kilometer", "km", "kms")),
        "km2": Unit(
            "km2",
            "square kilometre",
            "square kilometres",
            ("square kilometers", "square kilometer", "km2", "km²", "sq km"),
        ),
        "m": Unit("m", "metre", "metres", ("meters", "meter", "m")),
        "m2": Unit("m2", "square metre", "square metres", ("square meters", "m2", "m²", "sq m")),
        "cm": Unit("cm", "centimetre", "centimetres", ("centimeters", "centimeter", "cm")),
        "mm": Unit("mm", "millimetre", "millimetres", ("millimeters", "millimeter", "mm")),
        "kg": Unit("kg", "kilogram", "kilograms", ("kilos", "kilo", "kg", "kgs")),
        "g": Unit("g", "gram", "grams", ("grammes", "g")),
        "t": Unit("t", "tonne", "tonnes", ("tons", "ton", "metric tons", "metric tonnes", "t")),
        "l": Unit("l", "litre", "litres", ("liters", "liter", "l")),
        "ha": Unit("ha", "hectare", "hectares", ("ha",)),
        "ac": Unit("ac", "acre", "acres", ()),
        "mi": Unit("mi", "mile", "miles", ()),
        "ft": Unit("ft", "foot", "feet", ("ft",)),
        "MW": Unit("MW", "megawatt", "megawatts", ("MW",)),
        "kW": Unit("kW", "kilowatt", "kilowatts", ("kW",)),
        "degC": Unit("degC", "degree Celsius", "degrees Celsius", ("°C", "degrees", "° C")),
    }
)
# Swahili unit words written before the number ("kilomita 450") → symbol.
UNIT_WORDS = MappingProxyType(
    {
        "kilomita": "km",
        "kilometa": "km",
        "kilomita za mraba": "km2",
        "kilometa za mraba": "km2",
        "mita": "m",
        "meta": "m",
        "mita za mraba": "m2",
        "sentimita": "cm",
        "milimita": "mm",
        "kilo": "kg",
        "kilogramu": "kg",
        "gramu": "g",
        "tani": "t",
        "lita": "l",
        "hekta": "ha",
        "hekari": "ha",
        "ekari": "ac",
        "maili": "mi",
        "futi": "ft",
        "megawati": "MW",
        "kilowati": "kW",
        "nyuzi joto": "degC",
        "nyuzijoto": "degC",
        "digrii": "degC",
    }
)
# Abbreviations written after the number ("450 km", "20kg"); case-sensitive, so that "m" the
# metre is not "M" and "t" is never a stray letter ("2 t" is accepted, "2t" too).
UNIT_ABBREVIATIONS = MappingProxyType(
    {
        "km": "km",
        "km2": "km2",
        "km²": "km2",
        "m": "m",
        "m2": "m2",
        "m²": "m2",
        "cm": "cm",
        "mm": "mm",
        "kg": "kg",
        "ha": "ha",
        "MW": "MW",
        "kW": "kW",
        "°C": "degC",
    }
)
UNITS_BEFORE = tuple(sorted(UNIT_WORDS, key=len, reverse=True))
UNITS_AFTER = tuple(sorted(UNIT_ABBREVIATIONS, key=len, reverse=True))

# Adjectival number stems that agree with their noun: prefix + stem ("wa-tano", "mi-nane").
# 1 ("-moja") is left out on purpose: see docs/protect.md (it is "a", "once", "directly", ...).
CARDINAL_STEMS = MappingProxyType({"wili": 2, "tatu": 3, "nne": 4, "tano": 5, "nane": 8})
# Noun-class prefixes of those stems: m-wa (wa-), m-mi (mi-), ji-ma (ma-), ki-vi (vi-), and the
# bare N-class form ("nchi tatu"); "mbili" is the N-class form of "-wili".
ADJECTIVE_PREFIXES = ("wa", "mi", "ma", "vi", "")
# Numbers that do not agree, and the N-class "mbili".
INVARIABLE_NUMBERS = MappingProxyType(
    {"mbili": 2, "sita": 6, "saba": 7, "tisa": 9, "kumi": 10, "ishirini": 20}
)
# Tens from 20 to 90 (invariable); "kumi" is 10.
TENS = MappingProxyType(
    {
        "ishirini": 20,
        "thelathini": 30,
        "arobaini": 40,
        "hamsini": 50,
        "sitini": 60,
        "sabini": 70,
        "themanini": 80,
        "tisini": 90,
    }
)
# English words for 0–20 and the tens; compound numbers are built from them ("twenty-five").
ENGLISH_NUMBERS = MappingProxyType(
    {
        0: "zero",
        1: "one",
        2: "two",
        3: "three",
        4: "four",
        5: "five",
        6: "six",
        7: "seven",
        8: "eight",
        9: "nine",
        10: "ten",
        11: "eleven",
        12: "twelve",
        13: "thirteen",
        14: "fourteen",
        15: "fifteen",
        16: "sixteen",
        17: "seventeen",
        18: "eighteen",
        19: "nineteen",
        20: "twenty",
        30: "thirty",
        40: "forty",
        50: "fifty",
        60: "sixty",
        70: "seventy",
        80: "eighty",
        90: "ninety",
    }
)
ENGLISH_ORDINALS = MappingProxyType(
    {
        1: "first",
        2: "second",
        3: "third",
        4: "fourth",
        5: "fifth",
        6: "sixth",
        7: "seventh",
        8: "eighth",
        9: "ninth",
        10: "tenth",
        11: "eleventh",
        12: "twelfth",
    }
)

# Associative markers that turn a bare number stem into an ordinal: "wa pili" (second),
# "ya tatu" (third), "la kwanza" (first). "kwa" is not one ("kwa tatu" is not "third").
ORDINAL_MARKERS = ("wa", "ya", "la", "cha", "vya", "za", "pa", "mwa")
ORDINAL_STEMS = MappingProxyType(
    {
        "kwanza": 1,
        "pili": 2,
        "tatu": 3,
        "nne": 4,
        "tano": 5,
        "sita": 6,
        "saba": 7,
        "nane": 8,
        "tisa": 9,
        "kumi": 10,
    }
)

# Times of day after "saa N" and the Western (24-hour) hours they cover, [from, to). Used to
# check which reading of the hour fits: Swahili time counts from 6 (saa 1 = 7 o'clock).
DAY_PERIODS = MappingProxyType(
    {
        "alfajiri": ((4, 7),),
        "asubuhi": ((5, 12),),
        "mchana": ((12, 17),),
        "adhuhuri": ((12, 15),),
        "alasiri": ((15, 18),),
        "jioni": ((16, 20),),
        "usiku": ((19, 24), (0, 5)),
    }
)

# Capitalised words that are not names (or not passed through unchanged): weekdays, titles,
# compass words that are translated ("Afrika Kusini" → "South Africa"), and sentence-initial
# function words that can look foreign. Compared case-folded, full stop removed.
NAME_STOPWORDS = frozenset(
    """
    jumatatu jumanne jumatano alhamisi ijumaa jumamosi jumapili
    rais waziri naibu bw bi bibi dkt dk dr mhe mheshimiwa prof profesa jaji balozi seneta
    mkurugenzi mkuu katibu spika mbunge mwenyekiti askofu papa padri padre sheikh shehe mtakatifu
    mchungaji mwalimu kamishna meya gavana jenerali kanali kapteni luteni sajini inspekta
    mr mrs ms mx sir lord lady st hon rev gen col capt lt sgt insp
    kaskazini kusini mashariki magharibi kati
    tarehe mwaka mwezi saa siku asilimia dola shilingi mama baba
    wizara serikali bunge jeshi mahakama chama shirika umoja jumuiya halmashauri tume baraza
    kamati idara ofisi chuo kituo benki mkoa wilaya jiji mji kanisa msikiti hospitali kampuni
    taasisi mamlaka ikulu jamhuri muungano
    urais uislamu ukristo uislam
    afrika marekani misri ulaya asia uarabuni kiarabu japani
    lakini kabla baada labda hata kwa na ni pia hivyo hii hiyo huyo kama kwamba ila wakati tangu
    kutoka katika zaidi maalum asante sasa leo jana kesho wao sisi yeye mimi wewe nyinyi
    the a an of and in on at for to by
    """.split()
)
# Lower-case words inside a name ("Juan Manuel Santos", "Ana Paula da Silva", "Rio de Janeiro").
NAME_PARTICLES = frozenset(
    "de da do dos das di del della du van von der den ten ter le la al el es bin ibn".split()
)
# Places written the same in Swahili and English that often come right before a person's name
# ("Waziri wa Kazakhstan Roman Vassilenko"): a name run is cut after them.
PLACES = frozenset(
    """
    kazakhstan uzbekistan kyrgyzstan tajikistan turkmenistan afghanistan pakistan
    kenya tanzania uganda rwanda burundi somalia sudan ethiopia nigeria ghana angola zambia malawi
    zimbabwe botswana namibia senegal mali niger cameroon liberia guinea benin togo gabon
    brussels london paris berlin geneva washington beijing moscow tokyo nairobi kampala kigali
    dodoma arusha mombasa zanzibar astana almaty colombia brazil mexico canada india iran iraq
    israel japan ukraine poland
    """.split()
)
# All-capital words that are Swahili abbreviations with an English equivalent, or shouting.
NOT_NAME_ACRONYMS = frozenset("UKIMWI VVU SHARE TRENDING HABARI BREAKING".split())

# Top-level domains for bare domains ("papa.mk", "mwananchi.co.tz"); URLs with a scheme or
# "www." need none.
TLDS = (
    "com org net gov edu int info biz io co tz ke ug rw bi cd ss so et za ng gh mk uk us eu fr de be"
    " kz ru cn in ca au br es it nl ch se no africa news online"
).split()
