"""Splitting sentences that are too long for the model into pieces it can translate.

A MarianMT encoder has a fixed position table, and quality falls well before that limit, so a
segment over the token cap is cut at the safest points available — clause punctuation first
(``;`` and ``:``, then dashes, then commas), then word windows, and only for a single
"word" longer than the cap, character windows. Pieces are translated on their own and joined
with a space. Nothing is ever truncated: the pieces cover the segment exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["split_long", "join_pieces"]

# Break points, safest first; each break falls after the matched text (the mark stays left).
_LEVELS = (
    re.compile(r"[;:]\s+"),
    re.compile(r"\s*[—–]\s*|\s+-\s+"),
    re.compile(r",\s+"),
    re.compile(r"\s+"),
)

CountTokens = Callable[[list[str]], list[int]]


def _cut(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` ending just after each match; together they cover ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in pattern.finditer(text):
        if m.end() <= start or m.end() >= len(text) or m.start() == 0:
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _char_windows(
    start: int, end: int, text: str, count: CountTokens, limit: int
) -> list[tuple[int, int]]:
    # One unbroken run of characters (a URL, a long number): halve it until every piece fits.
    if end - start <= 1 or count([text[start:end]])[0] <= limit:
        return [(start, end)]
    mid = (start + end) // 2
    return _char_windows(start, mid, text, count, limit) + _char_windows(
        mid, end, text, count, limit
    )


def _split(
    text: str, start: int, end: int, count: CountTokens, limit: int, level: int
) -> list[tuple[int, int]]:
    if level >= len(_LEVELS):
        return _char_windows(start, end, text, count, limit)
    local = [(start + a, start + b) for a, b in _cut(text[start:end], _LEVELS[level])]
    if len(local) == 1:
        return _split(text, start, end, count, limit, level + 1)
    sizes = count([text[a:b] for a, b in local])
    pieces: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    current_size = 0
    for (a, b), size in zip(local, sizes, strict=True):
        if size > limit:
            if current:
                pieces.append(current)
                current, current_size = None, 0
            pieces.extend(_split(text, a, b, count, limit, level + 1))
            continue
        # Each count includes one </s>; a merged piece has one, not two.
        if current and current_size + size - 1 <= limit:
            current, current_size = (current[0], b), current_size + size - 1
        else:
            if current:
                pieces.append(current)
            current, current_size = (a, b), size
    if current:
        pieces.append(current)
    # Token counts of parts do not always add up to the whole's; re-check the merged pieces.
    checked: list[tuple[int, int]] = []
    for (a, b), size in zip(pieces, count([text[a:b] for a, b in pieces]), strict=True):
        if size <= limit:
            checked.append((a, b))
        else:
            checked.extend(_split(text, a, b, count, limit, level + 1))
    return checked


def split_long(text: str, count_tokens: CountTokens, max_tokens: int) -> list[tuple[int, int]]:
    """Cut ``text`` into spans of at most ``max_tokens`` tokens each, at the safest points.

    Args:
        text: one segment.
        count_tokens: the back end's token counter (``</s>`` included).
        max_tokens: the most tokens per piece.

    Returns:
        ``(start, end)`` spans that cover ``text`` in order, without gaps or overlaps;
        ``[(0, len(text))]`` when the whole text fits.
    """
    if max_tokens < 2:
        raise ValueError(f"max_tokens must be at least 2, got {max_tokens}")
    if not text or count_tokens([text])[0] <= max_tokens:
        return [(0, len(text))]
    return _split(text, 0, len(text), count_tokens, max_tokens, 0)


def join_pieces(translations: list[str]) -> str:
    """Join the translations of a segment's pieces with single spaces."""
    return " ".join(t.strip() for t in translations if t.strip())
