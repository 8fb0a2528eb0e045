"""Tafsiri: Swahili→English translation pipeline.

>>> from translate import Translator                      # doctest: +SKIP
>>> tr = Translator("models/sw-en", device="auto")         # doctest: +SKIP
>>> doc = tr.translate_document(open("article.txt").read())  # doctest: +SKIP
>>> print(doc.text)                                          # doctest: +SKIP

Names are loaded on first use, so ``import translate`` (and ``tafsiri --help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "Translator",
    "DecodeOptions",
    "DocumentTranslation",
    "SegmentRecord",
    "TranslationInfo",
    "Hypothesis",
    "Segment",
    "segment_document",
    "InputError",
]

_WHERE = {
    "Translator": "translate.pipeline",
    "DocumentTranslation": "translate.pipeline",
    "SegmentRecord": "translate.pipeline",
    "TranslationInfo": "translate.pipeline",
    "DecodeOptions": "translate.backend",
    "Hypothesis": "translate.backend",
    "Segment": "translate.segment",
    "segment_document": "translate.segment",
    "InputError": "translate.textio",
}

if TYPE_CHECKING:
    from translate.backend import DecodeOptions, Hypothesis
    from translate.pipeline import DocumentTranslation, SegmentRecord, TranslationInfo, Translator
    from translate.segment import Segment, segment_document
    from translate.textio import InputError


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'translate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
