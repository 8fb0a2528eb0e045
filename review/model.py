"""The review project's values: segments, terms, flags, versions, documents, save results.

All are frozen dataclasses built from database rows by :mod:`review.project`; the web layer turns
them into JSON with their ``to_dict`` methods.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from review.diff import word_diff

__all__ = [
    "STATUSES",
    "Term",
    "Flag",
    "Segment",
    "Version",
    "Comment",
    "GlossaryEntry",
    "Document",
    "DocumentSummary",
    "Conflict",
    "SaveResult",
    "MemoryMatch",
]

#: A segment's review status: untouched MT, edited, approved by an editor, or rejected (the
#: editor judged the MT unusable and left it for retranslation; rejected pairs are never exported
#: as approved and do not count towards post-editing effort).
STATUSES = ("new", "edited", "approved", "rejected")


@dataclass(frozen=True)
class Term:
    """A glossary term occurring in a segment's source.

    Attributes:
        sw: the glossary entry (" | "-joined entries when ambiguous).
        surface: the occurrence as written in the source.
        start: its offset in the segment's source (-1 when it could not be placed there).
        end: the offset just past it (-1 likewise).
        expected: the accepted English renderings, preferred first.
        status: what the pipeline did: ``model``, ``nbest``, ``forced``, ``failed`` or
            ``ambiguous`` (see :data:`translate.hooks.STATUSES`).
        reason: why it failed or is ambiguous ("" otherwise).
    """

    sw: str
    surface: str
    start: int
    end: int
    expected: tuple[str, ...]
    status: str
    reason: str = ""

    @property
    def preferred(self) -> str:
        """The English the glossary requires first."""
        return self.expected[0] if self.expected else ""

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["expected"] = list(self.expected)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Term:
        expected = data["expected"]
        if not isinstance(expected, list):
            raise ValueError(f"term expected must be a list, got {expected!r}")
        return cls(
            sw=str(data["sw"]),
            surface=str(data["surface"]),
            start=int(str(data["start"])),
            end=int(str(data["end"])),
            expected=tuple(str(e) for e in expected),
            status=str(data["status"]),
            reason=str(data.get("reason", "")),
        )


@dataclass(frozen=True)
class Flag:
    """One QA finding on a segment's current English.

    Attributes:
        code: the check that raised it (a key of :data:`review.qa.FLAGS`).
        message: what is wrong, for the editor ("missing: Ministry of Foreign Affairs").
        terms: for a ``term`` flag, the glossary entries (:attr:`Term.sw`) that are missing,
            so the editor can ignore one for the document or add a rendering of it.
    """

    code: str
    message: str
    terms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"code": self.code, "message": self.message}
        if self.terms:
            data["terms"] = list(self.terms)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Flag:
        terms = data.get("terms") or []
        return cls(
            str(data["code"]),
            str(data["message"]),
            tuple(str(t) for t in terms) if isinstance(terms, list) else (),
        )


@dataclass(frozen=True)
class Segment:
    """A segment as the editor sees it.

    Attributes:
        id: the database id (stable across the project's life; used in URLs).
        document_id: its document's id.
        position: 0-based order in the document.
        paragraph: 0-based paragraph index in the source article.
        index: 0-based index within the paragraph.
        source: the Swahili source.
        mt: the machine translation, never changed.
        target: the current English.
        reference: a reference translation, when one was imported.
        status: one of :data:`STATUSES`.
        version: goes up by one with every accepted save; a save must name the version it
            edited (optimistic concurrency).
        terms: glossary terms in the source.
        flags: QA findings on ``target``, ignored ones included.
        ignored: codes of the flags the editor marked "ignore" for this segment.
        hter: TER of the MT against the current English, in percent (0 = unchanged).
        seconds: active editing time spent on the segment, all editors together.
        editor: who saved last (None before any save).
        updated_at: when (ISO 8601, UTC).
        confidence: the model's mean log-probability per token of the MT, from its record
            (None for records written before confidence existed).
        comments: how many comments the segment has.
        trust: the meaning-level flags of its record (about the MT; part of ``flags`` while
            the English is the MT unchanged).
    """

    id: int
    document_id: int
    position: int
    paragraph: int
    index: int
    source: str
    mt: str
    target: str
    reference: str | None
    status: str
    version: int
    terms: tuple[Term, ...]
    flags: tuple[Flag, ...]
    ignored: tuple[str, ...]
    hter: float
    seconds: float
    editor: str | None
    updated_at: str | None
    confidence: float | None = None
    comments: int = 0
    trust: tuple[Flag, ...] = ()

    @property
    def reviewed(self) -> bool:
        """Saved by an editor (edited or approved): its HTER means something."""
        return self.status in ("edited", "approved")

    @property
    def open_flags(self) -> tuple[Flag, ...]:
        """The flags not marked "ignore"."""
        return tuple(f for f in self.flags if f.code not in self.ignored)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "document_id": self.document_id,
            "position": self.position,
            "number": self.position + 1,
            "paragraph": self.paragraph,
            "index": self.index,
            "source": self.source,
            "mt": self.mt,
            "target": self.target,
            "reference": self.reference,
            "status": self.status,
            "version": self.version,
            "terms": [t.to_dict() for t in self.terms],
            "flags": [f.to_dict() for f in self.flags],
            "ignored": list(self.ignored),
            "open_flags": [f.code for f in self.open_flags],
            "hter": round(self.hter, 2),
            "seconds": round(self.seconds, 1),
            "editor": self.editor,
            "updated_at": self.updated_at,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "comments": self.comments,
            "reviewed": self.reviewed,
            "diff": [list(op) for op in word_diff(self.mt, self.target)],
        }


@dataclass(frozen=True)
class Comment:
    """A note an editor left on a segment (exported as TMX and XLIFF ``<note>``).

    Attributes:
        id: the database id.
        segment_id: its segment.
        editor: who wrote it.
        text: the note.
        at: when (ISO 8601, UTC).
    """

    id: int
    segment_id: int
    editor: str
    text: str
    at: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class GlossaryEntry:
    """A rendering an editor added to the project glossary.

    Attributes:
        sw: the Swahili term (a glossary entry's ``sw``, or text selected in a source).
        en: the English rendering accepted for it.
        editor: who added it.
        at: when (ISO 8601, UTC).
    """

    sw: str
    en: str
    editor: str
    at: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Version:
    """One stored text of a segment.

    Attributes:
        version: the segment version this text became (0 for the MT); for a refused stale save,
            the version the editor had edited.
        kind: ``mt`` (the imported machine translation), ``save`` (an accepted save) or
            ``conflict`` (a stale save refused but kept, so no typed text is lost).
        text: the English.
        status: the status saved with it.
        editor: who wrote it.
        seconds: the active editing time reported with it.
        at: when (ISO 8601, UTC).
    """

    version: int
    kind: str
    text: str
    status: str
    editor: str
    seconds: float
    at: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    """A document of the project and how it was translated.

    Attributes:
        id: the database id.
        name: the document id from the records (usually a path relative to the input folder).
        origin: the file it was imported from.
        exact_layout: whether the whole source text is known (imported as an article, or with
            ``--sources``), so exports rebuild its layout exactly; otherwise paragraphs are
            separated by blank lines and segments by spaces.
        markdown: whether the source is Markdown.
        model: the model id that translated it.
        backend: the back end.
        glossary: the glossary checksum of the run, or None.
        signature: the run's signature, or None.
        imported_at: when (ISO 8601, UTC).
    """

    id: int
    name: str
    origin: str
    exact_layout: bool
    markdown: bool
    model: str
    backend: str
    glossary: str | None
    signature: str | None
    imported_at: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class DocumentSummary:
    """A document's progress, for the document list.

    Attributes:
        id: the database id.
        name: the document id from the records (usually a file name).
        segments: how many segments it has.
        approved: how many are approved.
        edited: how many are edited (not yet approved).
        rejected: how many are rejected.
        open_flags: segments with at least one flag not ignored.
        hter: corpus TER (percent) of the MT against the final English over the reviewed
            (edited or approved) segments; None before any is reviewed.
        seconds: active editing time, all segments.
        has_reference: whether any segment has a reference translation.
    """

    id: int
    name: str
    segments: int
    approved: int
    edited: int
    rejected: int
    open_flags: int
    hter: float | None
    seconds: float
    has_reference: bool

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Conflict:
    """A stale save: someone else saved the segment after this editor loaded it.

    Attributes:
        yours: the text the stale save sent (stored as a ``conflict`` version).
        theirs: the newer text the server kept.
        your_version: the version the stale save was based on.
        segment: the segment as stored now.
    """

    yours: str
    theirs: str
    your_version: int
    segment: Segment

    def to_dict(self) -> dict[str, object]:
        return {
            "conflict": True,
            "yours": self.yours,
            "theirs": self.theirs,
            "your_version": self.your_version,
            "segment": self.segment.to_dict(),
            "message": (
                f"Not saved: this segment was changed to version {self.segment.version} "
                f"(by {self.segment.editor or 'someone'}) after you opened version "
                f"{self.your_version}. Both texts are kept; choose one and save again."
            ),
        }


@dataclass(frozen=True)
class SaveResult:
    """The outcome of a save: the stored segment, or a conflict (then nothing was overwritten)."""

    segment: Segment
    conflict: Conflict | None = None

    @property
    def ok(self) -> bool:
        return self.conflict is None


@dataclass(frozen=True)
class MemoryMatch:
    """A translation-memory suggestion.

    Attributes:
        score: fuzzy-match score in percent (100 = the same source).
        source: the stored Swahili.
        target: its approved English.
        origin: where it comes from: a document name of this project, or an imported TMX.
    """

    score: float
    source: str
    target: str
    origin: str

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "score": round(self.score, 1)}
