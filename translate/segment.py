"""Segmentation: article → paragraphs → sentences, with exact character offsets.

Contract (the pipeline, review and glossary code rely on it):
- ``segment_document(text)`` returns ``Segment``s in order; ``text[s.start:s.end] == s.text``.
- Segments never overlap; everything between them is whitespace, so
  ``rebuild(text, segments, outputs)`` puts each output in its segment's place and keeps the
  whitespace (paragraph and line layout) as it was.

(Interim implementation: blank-line paragraphs, one segment per line. Being replaced by the
Swahili-aware segmenter.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Segment", "segment_document", "rebuild"]


@dataclass(frozen=True)
class Segment:
    """A span of the source to translate as one unit.

    Attributes:
        text: the source text, exactly ``document[start:end]``.
        start: character offset of the first character in the document.
        end: character offset one past the last character.
        paragraph: 0-based paragraph index (paragraphs are separated by blank lines).
        index: 0-based position of the segment within its paragraph.
    """

    text: str
    start: int
    end: int
    paragraph: int
    index: int


def segment_document(text: str) -> list[Segment]:
    segments: list[Segment] = []
    paragraph = -1
    for para in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n)[^\S\n]*\S.*)*", text):
        paragraph += 1
        for i, line in enumerate(re.finditer(r"\S(?:.*\S)?", para.group())):
            start = para.start() + line.start()
            segments.append(Segment(line.group(), start, start + len(line.group()), paragraph, i))
    return segments


def rebuild(text: str, segments: list[Segment], outputs: list[str]) -> str:
    """Replace each segment's span in ``text`` by its output, keeping everything between."""
    if len(segments) != len(outputs):
        raise ValueError(f"{len(segments)} segments but {len(outputs)} outputs")
    parts: list[str] = []
    pos = 0
    for seg, out in zip(segments, outputs):
        parts.append(text[pos : seg.start])
        parts.append(out)
        pos = seg.end
    parts.append(text[pos:])
    return "".join(parts)
