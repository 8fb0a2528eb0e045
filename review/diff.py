"""Word-level differences between two English texts (the MT and an edit, or two versions).

The diff is a list of ``(op, text)`` pieces whose ``text`` joined in order gives both texts
back: ``=`` pieces are in both, ``-`` only in the first, ``+`` only in the second. Words are
compared without the whitespace around them and cut with it, so joining the ``=`` and ``+``
pieces rebuilds ``new`` exactly (and the ``=`` and ``-`` pieces ``old``, up to whitespace).
"""

from __future__ import annotations

import difflib
import re

__all__ = ["word_diff"]

_TOKEN = re.compile(r"\s*\S+\s*|\s+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The word-level diff of ``old`` → ``new`` (empty when they are equal)."""
    if old == new:
        return []
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(
        None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False
    )
    out: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            # Whitespace may differ around equal words; keep the new text's.
            add("=", "".join(b[j1:j2]))
        else:
            add("-", "".join(a[i1:i2]))
            add("+", "".join(b[j1:j2]))
    return out
