"""Find and replace across a document or the whole project.

A replacement is applied as ordinary saves (:meth:`review.project.Project.save`): each changed
segment gets a new version with the editor's name, so every replacement can be seen in the
history and undone by saving the version before it. A segment someone saved after the preview
is a conflict, never overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from review.model import Segment
from review.project import Project

__all__ = ["MAX_HITS", "ReplaceOptions", "Hit", "ReplaceResult", "find_hits", "apply_replace"]

#: A preview lists at most this many segments.
MAX_HITS = 1000
#: Longest find pattern (a regular expression longer than a sentence is a mistake).
MAX_PATTERN = 300

# A repeated group that itself repeats ("(a+)+", "(\w*)*", "(x|y+){2,}"): Python's re can take
# exponential time on such a pattern and cannot be interrupted, which would stall the server.
_NESTED_REPEAT = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")


@dataclass(frozen=True)
class ReplaceOptions:
    """What to find in the English and what to put instead.

    Attributes:
        find: the text (or regular expression) to find; not empty.
        replace: what replaces each hit (with ``regex``, ``\\1`` and ``\\g<name>`` refer to
            groups).
        regex: ``find`` is a Python regular expression.
        whole_word: only hits that are whole words (not inside a longer word).
        case: match case exactly (default: case-insensitive).
    """

    find: str
    replace: str = ""
    regex: bool = False
    whole_word: bool = False
    case: bool = False
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.find:
            raise ValueError("find is empty; type what to find")
        if len(self.find) > MAX_PATTERN or len(self.replace) > MAX_PATTERN:
            raise ValueError(f"find and replace hold at most {MAX_PATTERN} characters")
        if self.regex and _NESTED_REPEAT.search(self.find):
            raise ValueError(
                "find repeats a group that repeats itself (such as (a+)+), which can take "
                "forever; write it without the nesting"
            )
        body = self.find if self.regex else re.escape(self.find)
        if self.whole_word:
            body = rf"(?<!\w)(?:{body})(?!\w)"
        try:
            pattern = re.compile(body, 0 if self.case else re.IGNORECASE)
        except re.error as err:
            raise ValueError(f"find is not a valid regular expression: {err}") from None
        object.__setattr__(self, "_pattern", pattern)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where ``find`` occurs in ``text`` (empty matches left out)."""
        return [m.span() for m in self._pattern.finditer(text) if m.end() > m.start()]

    def apply(self, text: str) -> str:
        """``text`` with every hit replaced."""

        def one(match: re.Match[str]) -> str:
            if match.end() == match.start():
                return match.group()
            return match.expand(self.replace) if self.regex else self.replace

        try:
            return self._pattern.sub(one, text)
        except (re.error, IndexError) as err:
            raise ValueError(f"replace refers to a group find does not have: {err}") from None


@dataclass(frozen=True)
class Hit:
    """One segment the replacement would change."""

    segment_id: int
    document_id: int
    document: str
    number: int
    version: int
    status: str
    before: str
    after: str
    spans: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "segment_id": self.segment_id,
            "document_id": self.document_id,
            "document": self.document,
            "number": self.number,
            "version": self.version,
            "status": self.status,
            "before": self.before,
            "after": self.after,
            "spans": [list(s) for s in self.spans],
        }


@dataclass(frozen=True)
class ReplaceResult:
    """What a replacement saved, and the segments changed by someone else since the preview."""

    saved: tuple[Segment, ...]
    conflicts: tuple[int, ...]


def find_hits(
    project: Project, options: ReplaceOptions, document_id: int | None = None
) -> list[Hit]:
    """The segments whose English ``options`` would change, in document order (at most
    :data:`MAX_HITS`), in one document or (None) the whole project.

    Raises:
        KeyError: no such document.
    """
    docs = (
        [project.document(document_id)]
        if document_id is not None
        else [project.document(d.id) for d in project.documents()]
    )
    hits: list[Hit] = []
    for doc in docs:
        # A literal find narrows the scan in SQL; a regular expression reads every segment.
        for seg in project.texts(doc.id, None if options.regex else options.find):
            spans = options.spans(seg.target)
            if not spans:
                continue
            after = options.apply(seg.target)
            if after == seg.target:
                continue
            hits.append(
                Hit(
                    seg.id,
                    doc.id,
                    doc.name,
                    seg.position + 1,
                    seg.version,
                    seg.status,
                    seg.target,
                    after,
                    tuple(spans),
                )
            )
            if len(hits) >= MAX_HITS:
                return hits
    return hits


def apply_replace(
    project: Project,
    options: ReplaceOptions,
    document_id: int | None = None,
    *,
    versions: dict[int, int] | None = None,
    editor: str = "editor",
) -> ReplaceResult:
    """Replace in every hit of :func:`find_hits`, one versioned save per segment.

    Args:
        versions: segment id → the version the editor previewed; a segment saved since is
            left alone and reported as a conflict (its refused text kept in its history).
            Segments not in it are replaced at their current version; None: all of them.
        editor: who is replacing.
    """
    saved: list[Segment] = []
    conflicts: list[int] = []
    for hit in find_hits(project, options, document_id):
        if versions is not None and hit.segment_id not in versions:
            continue
        version = versions.get(hit.segment_id, hit.version) if versions else hit.version
        result = project.save(hit.segment_id, hit.after, version=version, editor=editor)
        if result.ok:
            saved.append(result.segment)
        else:
            conflicts.append(hit.segment_id)
    return ReplaceResult(tuple(saved), tuple(conflicts))
