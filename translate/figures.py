"""Invented figures: numbers in the English that the Swahili does not have.

Protection (:mod:`translate.protect`) makes sure every figure of the source reaches the English;
this is the other direction. An English number, amount, percentage or date part is *supported*
when its value is one of the source's figures: a protected span's value (``dola milioni
523.7`` is 523,700,000; ``saa 5 asubuhi`` is 11 o'clock; ``tarehe 29 Januari`` gives 29 and 1)
or a number written in digits anywhere in the source, or an hour of "saa" the model was left to
render ("saa saba mchana" is 13:00 or 1 pm; in Western copy 7). Anything else the model made up — an
echo of a real figure with a digit lost ("$23.7 million" beside "$523.7 million"), a scale
changed ("14 million" for 14) — is reported.

A licence's version ("CC BY-SA 2.0") is boilerplate, not a figure. Number words in the English
("eight months") are not checked: the model's usual mistakes with
figures are on digits, and English number words often render Swahili words that protection
does not treat as figures ("wote wawili" → "both").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from translate.protect import FIGURE_KINDS, ProtectedSpan, find_spans
from translate.protect_tables import ORDINAL_STEMS, SCALES

__all__ = [
    "drop_figure_echoes",
    "english_figures",
    "invented_figures",
    "judged_figures",
    "source_values",
]

_SCALES = {
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}
# A number in digits (1,234.5 or 1.234,5 are both seen in news), with an optional scale word.
# Minutes after a colon are part of a time, which protection checks ("13:00"); digits in a
# hashtag or handle ("#15M") are a name.
_SCALE_WORD = r"[\s-]*(thousand|million|billion|trillion|bn|mn|m)\b"
_EN_FIGURE = re.compile(
    r"(?<![\w.,:#@])(\d{1,3}(?:[,\u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
    rf"(?:{_SCALE_WORD})?",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
# A clock hour protection leaves to the model ("saa saba mchana", "saa 4"): its English may be
# the Swahili reading (saa 7 is 13:00, 1 pm) or, in Western copy, the hour as written.
# Swahili scale words and their powers of ten, as protection reads them.
_SW_SCALES = {word: Decimal(10) ** power for word, (power, _) in SCALES.items()}
_RANGE_END = re.compile(r"\s*(?:hadi|mpaka|au|-|–)\s*(\d[\d.,]*\d|\d)\b", re.IGNORECASE)
_HOURS = {**ORDINAL_STEMS, "moja": 1, "mbili": 2, "kumi na moja": 11, "kumi na mbili": 12}
_SAA_HOUR = re.compile(
    r"\bsaa\s+(\d{1,2}|kumi na (?:moja|mbili)|" + "|".join(_HOURS) + r")\b", re.IGNORECASE
)
_LICENCE = re.compile(r"\bCC[ -]BY(?:-[A-Z]{2})*\s+\d(?:\.\d)?", re.IGNORECASE)
_VALUE_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e\d+)?")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _literal_values(literal: str) -> set[Decimal]:
    """What a digit string may mean: "1,234" is 1234 or 1.234, "1.234,5" is 1234.5."""
    values: set[Decimal] = set()
    compact = re.sub(r"[\u00a0\u202f]", "", literal)
    readings = (
        compact.replace(",", ""),  # English grouping: 1,234.5
        compact.replace(".", "").replace(",", "."),  # Continental: 1.234,5
        compact.replace(",", "."),  # a decimal comma: 2,5
    )
    for candidate in readings:
        value = _decimal(candidate)
        if value is not None:
            values.add(value.normalize())
    return values


def _readings(literal: str, scale: str | None) -> set[Decimal]:
    """What a digit string with its scale word may mean: "20 billion" is a value as a whole
    (20 million does not support it)."""
    readings = _literal_values(literal)
    if scale:
        readings = {(v * _SCALES[scale.lower()]).normalize() for v in readings}
    return readings


def _english_value(literal: str) -> Decimal | None:
    """The English reading of a digit string: commas group thousands unless they cannot."""
    compact = re.sub(r"[\u00a0\u202f]", "", literal)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", compact):
        return _decimal(compact.replace(",", ""))
    return _decimal(compact.replace(",", "."))


def _span_values(span: ProtectedSpan) -> set[Decimal]:
    values: set[Decimal] = set()
    for number in _VALUE_NUMBER.findall(span.value):
        value = _decimal(number)
        if value is not None:
            values.add(abs(value).normalize())
    if span.kind == "time":
        # "saa 5 asubuhi" is 11:00: the English may say 11 or 11:00, 23:00 or 11 pm.
        for part in re.findall(r"\d+", span.value):
            hour = int(part)
            values.update({Decimal(hour), Decimal(hour % 12 or 12)})
    return values


def source_values(source: str, spans: Iterable[ProtectedSpan] | None = None) -> set[Decimal]:
    """Every figure value the Swahili ``source`` supports.

    Digits inside a figure span support only that span's values ("milioni 200" is 200,000,000,
    so a bare "200" beside "200 million" is an echo); digits elsewhere support themselves.
    """
    found = list(find_spans(source) if spans is None else spans)
    values: set[Decimal] = set()
    covered: list[tuple[int, int]] = []
    for span in found:
        if span.kind in FIGURE_KINDS:
            values.update(_span_values(span))
            covered.append((span.start, span.end))
    # A range shares its scale: "bilioni 8 hadi 12" is 8 to 12 billion.
    for span in found:
        scale = next((v for w, v in _SW_SCALES.items() if w in span.source.casefold()), None)
        if span.kind not in FIGURE_KINDS or scale is None:
            continue
        after = _RANGE_END.match(source, span.end)
        if after:
            values.update((v * scale).normalize() for v in _literal_values(after.group(1)))
    for match in _SAA_HOUR.finditer(source):
        word = match.group(1).casefold()
        hour = int(word) if word.isdigit() else _HOURS[word]
        for reading in (hour, (hour + 6) % 12 or 12):
            values.update({Decimal(reading % 12 or 12), Decimal(reading % 12 + 12)})
    for match in _DIGITS.finditer(source):
        if any(start <= match.start() < end for start, end in covered):
            continue
        literal = match.group(0)
        values.update(_literal_values(literal))
        values.update(_literal_values(re.split(r"[.,]", literal)[0]))
    return values


def english_figures(english: str) -> list[tuple[Decimal, str]]:
    """The figures written in digits in ``english``: (value, text as written)."""
    figures: list[tuple[Decimal, str]] = []
    for match in _EN_FIGURE.finditer(english):
        value = _english_value(match.group(1))
        if value is None:
            continue
        if match.group(2):
            value *= _SCALES[match.group(2).lower()]
        figures.append((value.normalize(), match.group(0).strip()))
    return figures


def judged_figures(
    source: str, english: str, spans: Iterable[ProtectedSpan] | None = None
) -> list[tuple[str, bool]]:
    """Every figure of ``english`` as written, and whether it matches none of ``source``'s
    (invented).

    Args:
        source: the Swahili text.
        english: its translation.
        spans: the source's protected spans when already found (saves finding them again).
    """
    supported = source_values(source, spans)
    # Numbers the source has verbatim: dotted dates, codes, version numbers ("20.04.2019", "2.0").
    verbatim = {d for d in _DIGITS.findall(source) if re.search(r"\d[.,]\d", d)}
    judged: list[tuple[str, bool]] = []
    # A licence's version is boilerplate, not a figure: "(CC BY-SA 2.0)".
    english = _LICENCE.sub(lambda m: " " * len(m.group(0)), english)
    for match in _EN_FIGURE.finditer(english):
        literal, scale = match.group(1), match.group(2)
        written = match.group(0).strip()
        whole = _DIGITS.match(english, match.start())
        real = (
            (not scale and whole is not None and whole.group(0) in verbatim)
            # A year the Swahili does not write is context a translator adds ("mwaka jana" →
            # "in 2018"); the model did not invent one on MAFAND-MT dev.
            or (not scale and _YEAR.fullmatch(literal) is not None)
            or bool(_readings(literal, scale) & supported)
        )
        if not real and whole and whole.end() > match.end(1):
            # A malformed number ("$220.7.7 million"): show all of it, not a real figure.
            written = whole.group(0)
        judged.append((written, not real))
    return judged


def invented_figures(
    source: str, english: str, spans: Iterable[ProtectedSpan] | None = None
) -> list[str]:
    """The figures of ``english`` that match none of ``source``'s, as written in the English
    (:func:`judged_figures`, the invented ones)."""
    return [written for written, invented in judged_figures(source, english, spans) if invented]


# A number with two separators, or two numbers side by side: where an echo can be.
_MAYBE_ECHO = re.compile(r"\d[.,]\d+[.,]\d|\d\s+\d")
_SCALE_AFTER = re.compile(_SCALE_WORD, re.IGNORECASE)
# A whole number as written, not part of a longer one.
_NUMBER_TOKEN = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w.,]\d)")


def _supported(literal: str, supported: set[Decimal], english: str, end: int) -> bool:
    """Whether the source has the value of ``literal``, with the scale word after it in
    ``english`` (at ``end``), if any."""
    scale = _SCALE_AFTER.match(english, end)
    return bool(_readings(literal, scale.group(1) if scale else None) & supported)


def _digits_only(literal: str) -> str:
    return re.sub(r"\D", "", literal)


def _within(small: str, big: str) -> bool:
    """``small`` is ``big`` with some digits left out ("582" in 5482, "42" in 42210)."""
    rest = iter(big)
    return all(digit in rest for digit in small)


def drop_figure_echoes(
    source: str, english: str, spans: Iterable[ProtectedSpan] | None = None
) -> tuple[str, list[str]]:
    """``english`` with the model's echoes of a real figure removed, and what was removed.

    Two stutters a small model makes around a figure it copied right, seen on MAFAND-MT:
    the figure's last group written twice ("319,200,200" for 319,200; "$220.7.7 million"),
    and a fragment of the figure, digits left out, written beside it ("42 42,210", "582
    5,482"). Only a number the source does not support is touched, and only when it is part
    of a supported figure it stands against; anything else stays for the ``invented-figure``
    flag.
    """
    if not _MAYBE_ECHO.search(english):
        return english, []  # the usual case, found without reading the source's figures
    supported = source_values(source, spans)
    notes: list[str] = []

    def stutter(match: re.Match[str]) -> str:
        literal, end = match.group(0), match.end()
        if _supported(literal, supported, english, end) or _YEAR.fullmatch(literal):
            return literal
        for cut in (m.start() for m in re.finditer(r"[.,]", literal)):
            head, tail = literal[:cut], literal[cut:]
            if head.endswith(tail) and _supported(head, supported, english, end):
                notes.append(f"{literal} → {head}")
                return head
        return literal

    english = _DIGITS.sub(stutter, english)
    tokens = list(_NUMBER_TOKEN.finditer(english))
    drop: list[tuple[int, int]] = []
    for token, after in zip(tokens, tokens[1:], strict=False):
        if english[token.end() : after.start()].strip():
            continue  # only a number directly beside another, spaces between
        for echo, real, cut in (
            (token, after, (token.start(), after.start())),
            (after, token, (token.end(), after.end())),
        ):
            small, big = _digits_only(echo.group(0)), _digits_only(real.group(0))
            if (
                len(small) >= 2
                and len(small) < len(big)
                and _within(small, big)
                and not _supported(echo.group(0), supported, english, echo.end())
                and not _YEAR.fullmatch(echo.group(0))
                and _supported(real.group(0), supported, english, real.end())
            ):
                drop.append(cut)
                notes.append(f"{echo.group(0)} beside {real.group(0)}")
                break
    for start, end in sorted(drop, reverse=True):
        english = english[:start] + english[end:]
    return english, notes
