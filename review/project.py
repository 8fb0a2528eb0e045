"""A review project: documents, segments, their versions and the translation memory, in SQLite.

:class:`Project` is the only code that reads or writes the database. Every write is one
transaction, committed before the method returns, so whatever a caller acknowledges is on disk.
Saves use optimistic concurrency: a save names the segment version it edited, and a save based on
an older version is refused (its text is kept as a ``conflict`` version, never dropped).
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePath
from typing import Any

from review.effort import TerStats, corpus_hter, segment_ter
from review.model import (
    STATUSES,
    Comment,
    Conflict,
    Document,
    DocumentSummary,
    Flag,
    GlossaryEntry,
    SaveResult,
    Segment,
    Term,
    Version,
)
from review.qa import FLAGS, accepted_terms, check_segment, trust_flags
from review.schema import connect, transaction
from translate.records import StoredRecord
from translate.textio import InputError

__all__ = [
    "Project",
    "ImportedDocument",
    "ImportSummary",
    "MAX_EDITOR",
    "MAX_ID",
    "MAX_SECONDS",
    "MAX_TEXT",
    "check_text",
    "clean_name",
    "model_name",
]

#: Longest editor name kept; longer ones are cut.
MAX_EDITOR = 80
#: One save reports at most this much editing time (an hour); more is a stuck clock.
MAX_SECONDS = 3600.0
#: Longest English a segment may hold, in characters: a long news sentence is under 600, so this
#: is twenty of them; QA and TER of a longer text would hold up the editor's save for nothing.
MAX_TEXT = 10_000
#: The largest id, version or offset SQLite stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1

# Characters a saved text may not hold: C0 and C1 controls other than tab and line ends, DEL,
# lone surrogates, and the non-characters U+FFFE/U+FFFF (XML cannot carry them; a terminal or
# a TMX reader chokes on them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def check_text(text: str, what: str = "the text") -> str:
    """``text`` when it may be saved as a segment's English.

    Raises:
        ValueError: longer than :data:`MAX_TEXT`, or holding a control character (named with
            its position).
    """
    if len(text) > MAX_TEXT:
        raise ValueError(
            f"{what} is {len(text):,} characters long; a segment holds at most {MAX_TEXT:,} "
            "characters"
        )
    bad = _CONTROL.search(text)
    if bad is not None:
        raise ValueError(
            f"{what} holds the control character U+{ord(bad.group()):04X} at position "
            f"{bad.start() + 1}; remove it"
        )
    return text


def clean_name(name: str, default: str = "editor") -> str:
    """An editor name as stored: control characters dropped, whitespace runs made one space,
    cut to :data:`MAX_EDITOR` characters; ``default`` when nothing is left."""
    cleaned = " ".join(_CONTROL.sub("", name).split())
    return cleaned[:MAX_EDITOR] or default


def _key(value: int) -> int:
    """An id as SQLite can look it up; KeyError (no such row) for one out of its range."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise KeyError(value)
    return value


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class ImportedDocument:
    """A document ready to be added to a project.

    Attributes:
        name: the document id.
        origin: the file it came from (for messages and the document list).
        records: its segment records in document order.
        terms: per record, the glossary terms placed in its source.
        references: per record, a reference translation or None.
        text: the whole source when known (articles, ``--sources``), else None.
        markdown: whether the source is Markdown.
    """

    name: str
    origin: str
    records: tuple[StoredRecord, ...]
    terms: tuple[tuple[Term, ...], ...]
    references: tuple[str | None, ...]
    text: str | None = None
    markdown: bool = False


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: document names added, replaced and left as they were."""

    added: tuple[str, ...]
    replaced: tuple[str, ...]
    unchanged: tuple[str, ...]
    segments: int
    memory: int = 0


def _layout(doc: ImportedDocument) -> tuple[list[str], str]:
    """The text before each segment, and after the last one."""
    prefixes: list[str] = []
    pos = 0
    prev_paragraph: int | None = None
    for rec in doc.records:
        seg = rec.segment
        if doc.text is not None:
            prefixes.append(doc.text[pos : seg.start])
        elif prev_paragraph is None:
            prefixes.append("")
        else:
            # Without the source only the paragraph structure is known (docs/review.md).
            gap = seg.start - pos
            prefixes.append("\n\n" if seg.paragraph != prev_paragraph else (" " if gap else ""))
        pos = seg.end
        prev_paragraph = seg.paragraph
    tail = doc.text[pos:] if doc.text is not None else ("\n" if doc.records else "")
    return prefixes, tail


def _check_ranges(doc: ImportedDocument) -> None:
    """Refuse a document whose records hold numbers no database column can store."""
    for rec, terms in zip(doc.records, doc.terms, strict=True):
        seg = rec.segment
        numbers = {
            "paragraph": seg.paragraph,
            "segment": seg.index,
            "start": seg.start,
            "end": seg.end,
            "pieces": seg.pieces,
        }
        for k, term in enumerate(terms):
            numbers[f"terms[{k}].start"] = term.start
            numbers[f"terms[{k}].end"] = term.end
        for name, value in numbers.items():
            if not -1 <= value <= MAX_ID:
                raise InputError(
                    f"{doc.origin}: line {rec.line}: {name} {value} is out of range (0 to {MAX_ID})"
                )


# A segment row with its number of comments.
@dataclass(frozen=True)
class SegmentText:
    """A segment's English and where it stands: what :meth:`Project.texts` reads."""

    id: int
    position: int
    version: int
    status: str
    target: str


_SELECT = (
    "SELECT s.*, (SELECT count(*) FROM comments c WHERE c.segment_id = s.id) AS comment_count "
    "FROM segments s"
)


def _segment(row: sqlite3.Row) -> Segment:
    return Segment(
        id=row["id"],
        document_id=row["document_id"],
        position=row["position"],
        paragraph=row["paragraph"],
        index=row["idx"],
        source=row["source"],
        mt=row["mt"],
        target=row["target"],
        reference=row["reference"],
        status=row["status"],
        version=row["version"],
        terms=tuple(Term.from_dict(t) for t in json.loads(row["terms"])),
        flags=tuple(Flag.from_dict(f) for f in json.loads(row["flags"])),
        ignored=tuple(json.loads(row["ignored"])),
        hter=TerStats(row["ter_edits"], row["ter_words"]).score,
        seconds=row["seconds"],
        editor=row["editor"],
        updated_at=row["updated_at"],
        confidence=row["confidence"],
        comments=row["comment_count"],
        trust=tuple(Flag.from_dict(f) for f in json.loads(row["trust"])),
    )


def model_name(model: str) -> str:
    """A model as people call it: projects imported before records named the model hold its
    folder (``/home/a/models/sw-en-compact``), shown as the folder's name."""
    return PurePath(model.replace("\\", "/")).name if "/" in model or "\\" in model else model


def _flags_json(flags: Sequence[Flag]) -> str:
    return json.dumps([f.to_dict() for f in flags], ensure_ascii=False)


def _open_count(flags: Sequence[Flag], ignored: Sequence[str]) -> int:
    return sum(f.code not in ignored for f in flags)


class Project:
    """One review project file.

    Args:
        path: the ``.sqlite`` file.
        create: create it when missing (imports do; the server never does).

    Raises:
        InputError: missing (without ``create``) or not a Tafsiri project.

    The object may be shared between threads: each thread gets its own SQLite connection.
    """

    def __init__(self, path: str | Path, *, create: bool = False) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Writers of this process queue here rather than in SQLite's busy handler, which polls
        # with sleeps of up to 100 ms and so makes the slowest saves much slower under load.
        self._write_lock = threading.Lock()
        self._remember(connect(self.path, create=create))

    def _remember(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        self._local.conn = conn
        with self._lock:
            self._all.append(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn = getattr(self._local, "conn", None)
        return conn if conn is not None else self._remember(connect(self.path))

    def close(self) -> None:
        """Close every connection this object opened."""
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock, transaction(self.conn) as conn:
            yield conn

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- import --------------------------------------------------------------------------

    def add_documents(
        self, documents: Sequence[ImportedDocument], *, replace: bool = False
    ) -> ImportSummary:
        """Add documents in one transaction (all or nothing).

        A document whose name is already in the project is left alone when its sources and MT
        are the same, replaced when nobody has saved any of its segments yet (or with
        ``replace``), and otherwise refused.

        Raises:
            InputError: a document with edits would be replaced, or a record holds a number
                SQLite cannot store; nothing is written.
        """
        for doc in documents:
            _check_ranges(doc)
        added: list[str] = []
        replaced: list[str] = []
        unchanged: list[str] = []
        count = 0
        with self._writing() as conn:
            for doc in documents:
                row = conn.execute(
                    "SELECT id FROM documents WHERE name = ?", (doc.name,)
                ).fetchone()
                if row is not None:
                    old = conn.execute(
                        "SELECT source, mt FROM segments WHERE document_id = ? ORDER BY position",
                        (row["id"],),
                    ).fetchall()
                    new = [(r.segment.source, r.segment.translation) for r in doc.records]
                    if [(o["source"], o["mt"]) for o in old] == new:
                        unchanged.append(doc.name)
                        continue
                    saves = conn.execute(
                        "SELECT count(*) FROM versions v JOIN segments s ON s.id = v.segment_id "
                        "WHERE s.document_id = ? AND v.kind != 'mt'",
                        (row["id"],),
                    ).fetchone()[0]
                    if saves and not replace:
                        raise InputError(
                            f"{doc.origin}: document {doc.name!r} is already in {self.path} "
                            f"with {saves} saved edits; import it under another name, or pass "
                            "--replace to discard them"
                        )
                    conn.execute("DELETE FROM documents WHERE id = ?", (row["id"],))
                    replaced.append(doc.name)
                else:
                    added.append(doc.name)
                self._insert(conn, doc)
                count += len(doc.records)
        return ImportSummary(tuple(added), tuple(replaced), tuple(unchanged), count)

    def _insert(self, conn: sqlite3.Connection, doc: ImportedDocument) -> None:
        first = doc.records[0] if doc.records else None
        prefixes, tail = _layout(doc)
        now = _now()
        cur = conn.execute(
            "INSERT INTO documents (name, origin, source_text, exact_layout, markdown, tail, "
            "model, backend, decode, glossary, signature, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.name,
                doc.origin,
                doc.text,
                doc.text is not None,
                doc.markdown,
                tail,
                first.model if first else "",
                first.backend if first else "",
                json.dumps(first.decode if first else {}),
                first.glossary if first else None,
                first.signature if first else None,
                now,
            ),
        )
        doc_id = cur.lastrowid
        extra = self._glossary_map(conn)
        for position, (rec, terms, ref, prefix) in enumerate(
            zip(doc.records, doc.terms, doc.references, prefixes, strict=True)
        ):
            seg = rec.segment
            trust = trust_flags([f.to_dict() for f in seg.flags])
            checked = accepted_terms(terms, extra, ())
            flags = check_segment(seg.source, seg.translation, checked) + trust
            record = {
                "document": rec.document,
                "model": rec.model,
                "backend": rec.backend,
                "decode": rec.decode,
                "glossary": rec.glossary,
                "signature": rec.signature,
                "pieces": seg.pieces,
                "terms": [t.to_dict() for t in seg.terms],
                "flags": [f.to_dict() for f in seg.flags],
                "confidence": seg.confidence,
            }
            cur = conn.execute(
                'INSERT INTO segments (document_id, position, paragraph, idx, start, "end", '
                "prefix, source, mt, target, reference, pieces, record, terms, flags, "
                "open_flags, ter_words, trust, confidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    position,
                    seg.paragraph,
                    seg.index,
                    seg.start,
                    seg.end,
                    prefix,
                    seg.source,
                    seg.translation,
                    seg.translation,
                    ref,
                    seg.pieces,
                    json.dumps(record, ensure_ascii=False),
                    json.dumps([t.to_dict() for t in terms], ensure_ascii=False),
                    _flags_json(flags),
                    len(flags),
                    float(len(seg.translation.split())),
                    _flags_json(trust),
                    seg.confidence,
                ),
            )
            conn.execute(
                "INSERT INTO versions (segment_id, version, kind, text, status, editor, at) "
                "VALUES (?, 0, 'mt', ?, 'new', ?, ?)",
                (cur.lastrowid, seg.translation, rec.model or "mt", now),
            )

    def add_memory(self, pairs: Sequence[tuple[str, str]], origin: str) -> int:
        """Add translation-memory pairs (Swahili, English) from ``origin`` (e.g. a TMX file);
        pairs already stored from the same origin are skipped. Returns how many were new."""
        with self._writing() as conn:
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO memory (source, target, origin) VALUES (?, ?, ?)",
                [(s, t, origin) for s, t in pairs],
            )
            return conn.total_changes - before

    # -- reading -------------------------------------------------------------------------

    def documents(self, document_id: int | None = None) -> list[DocumentSummary]:
        """Every document with its progress, in import order (only ``document_id``'s when
        given)."""
        where = "" if document_id is None else "WHERE d.id = ? "
        rows = self.conn.execute(
            "SELECT d.id, d.name, count(s.id) AS n, "
            "coalesce(sum(s.status = 'approved'), 0) AS approved, "
            "coalesce(sum(s.status = 'edited'), 0) AS edited, "
            "coalesce(sum(s.status = 'rejected'), 0) AS rejected, "
            "coalesce(sum(s.open_flags > 0), 0) AS flagged, "
            "coalesce(sum(s.status IN ('edited', 'approved')), 0) AS reviewed, "
            "coalesce(sum(CASE WHEN s.status IN ('edited', 'approved') THEN s.ter_edits END), 0) "
            "AS edits, "
            "coalesce(sum(CASE WHEN s.status IN ('edited', 'approved') THEN s.ter_words END), 0) "
            "AS words, "
            "coalesce(sum(s.seconds), 0) AS seconds, "
            "coalesce(max(s.reference IS NOT NULL), 0) AS has_ref "
            "FROM documents d LEFT JOIN segments s ON s.document_id = d.id "
            f"{where}GROUP BY d.id ORDER BY d.id",
            () if document_id is None else (_key(document_id),),
        ).fetchall()
        return [
            DocumentSummary(
                id=r["id"],
                name=r["name"],
                segments=r["n"],
                approved=r["approved"],
                edited=r["edited"],
                rejected=r["rejected"],
                open_flags=r["flagged"],
                hter=corpus_hter([TerStats(r["edits"], r["words"])]) if r["reviewed"] else None,
                seconds=r["seconds"],
                has_reference=bool(r["has_ref"]),
            )
            for r in rows
        ]

    def summary(self, document_id: int) -> DocumentSummary:
        """One document's progress.

        Raises:
            KeyError: no such document.
        """
        found = self.documents(document_id)
        if not found:
            raise KeyError(document_id)
        return found[0]

    def progress(self, document_id: int) -> dict[str, Any]:
        """A document's progress line (``segments``, ``approved``, ``open_flags``, ``hter``),
        read from an index alone, so every save can answer with it cheaply.

        Raises:
            KeyError: no such document.
        """
        # One group per status over the covering index: a third of the cost of CASE sums.
        rows = self.conn.execute(
            "SELECT status, count(*), sum(open_flags > 0), sum(ter_edits), sum(ter_words) "
            "FROM segments INDEXED BY segments_progress WHERE document_id = ? GROUP BY status",
            (_key(document_id),),
        ).fetchall()
        if not rows:
            self.document(document_id)
        by_status = {r[0]: tuple(r)[1:] for r in rows}
        reviewed = [by_status[s] for s in ("edited", "approved") if s in by_status]
        return {
            "segments": sum(r[1] for r in rows),
            "approved": by_status.get("approved", (0,))[0],
            "open_flags": sum(r[2] for r in rows),
            "hter": corpus_hter([TerStats(r[2], r[3]) for r in reviewed]) if reviewed else None,
        }

    def document(self, document_id: int) -> Document:
        """A document's details.

        Raises:
            KeyError: no such document.
        """
        row = self.conn.execute(
            "SELECT * FROM documents WHERE id = ?", (_key(document_id),)
        ).fetchone()
        if row is None:
            raise KeyError(document_id)
        return Document(
            id=row["id"],
            name=row["name"],
            origin=row["origin"],
            exact_layout=bool(row["exact_layout"]),
            markdown=bool(row["markdown"]),
            model=row["model"],
            backend=row["backend"],
            glossary=row["glossary"],
            signature=row["signature"],
            imported_at=row["imported_at"],
        )

    def find_document(self, name_or_id: str) -> Document:
        """A document by name, or by id when ``name_or_id`` is a number no name equals.

        Raises:
            KeyError: no such document.
        """
        row = self.conn.execute("SELECT id FROM documents WHERE name = ?", (name_or_id,)).fetchone()
        if row is not None:
            return self.document(row["id"])
        if name_or_id.isdigit():
            return self.document(int(name_or_id))
        raise KeyError(name_or_id)

    def segments(self, document_id: int) -> list[Segment]:
        """A document's segments in order (empty for an unknown document)."""
        if not 0 <= document_id <= MAX_ID:
            return []
        rows = self.conn.execute(
            _SELECT + " WHERE s.document_id = ? ORDER BY position", (document_id,)
        ).fetchall()
        return [_segment(r) for r in rows]

    def texts(self, document_id: int, containing: str | None = None) -> list[SegmentText]:
        """A document's segments in order, their English and version only: what a search over
        a whole document reads, without decoding every segment's terms and flags (a find &
        replace preview over 2,000 segments took 100 ms of CPU that way, and the other
        editors' saves waited for it).

        Args:
            document_id: the document.
            containing: only segments whose English may contain this ASCII text, in any case
                (SQLite's LIKE does the scan; a caller must still match each one).
        """
        if not 0 <= document_id <= MAX_ID:
            return []
        query = "SELECT id, position, version, status, target FROM segments WHERE document_id = ?"
        args: tuple[object, ...] = (document_id,)
        if containing is not None and containing.isascii():
            like = re.sub(r"([\\%_])", r"\\\1", containing)
            # LIKE folds ASCII case only; Python's case-insensitive match also takes "ſ" (long
            # s) for s and "K" (the Kelvin sign) for k, so segments holding those are kept.
            query += (
                " AND (target LIKE '%' || ? || '%' ESCAPE '\\' "
                "OR instr(target, 'ſ') OR instr(target, 'K'))"
            )
            args += (like,)
        rows = self.conn.execute(query + " ORDER BY position", args).fetchall()
        return [SegmentText(*row) for row in rows]

    def segment(self, segment_id: int) -> Segment:
        """One segment.

        Raises:
            KeyError: no such segment.
        """
        row = self.conn.execute(_SELECT + " WHERE s.id = ?", (_key(segment_id),)).fetchone()
        if row is None:
            raise KeyError(segment_id)
        return _segment(row)

    def history(self, segment_id: int) -> list[Version]:
        """Every stored text of a segment, oldest first (the MT is version 0).

        Raises:
            KeyError: no such segment.
        """
        rows = self.conn.execute(
            "SELECT * FROM versions WHERE segment_id = ? ORDER BY id", (_key(segment_id),)
        ).fetchall()
        if not rows:
            self.segment(segment_id)
        return [
            Version(
                r["version"],
                r["kind"],
                r["text"],
                r["status"],
                model_name(r["editor"]) if r["kind"] == "mt" else r["editor"],
                r["seconds"],
                r["at"],
            )
            for r in rows
        ]

    def layout(self, document_id: int) -> tuple[list[tuple[str, Segment]], str]:
        """(text before it, segment) per segment, and the text after the last one: what an
        export needs to rebuild the article."""
        rows = self.conn.execute(
            _SELECT + " WHERE s.document_id = ? ORDER BY position", (_key(document_id),)
        ).fetchall()
        tail = self.conn.execute(
            "SELECT tail FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if tail is None:
            raise KeyError(document_id)
        return [(r["prefix"], _segment(r)) for r in rows], tail["tail"]

    def stored_record(self, segment_id: int) -> dict[str, Any]:
        """The fields of the segment's original JSONL record that the project does not model."""
        row = self.conn.execute(
            'SELECT record, start, "end", pieces FROM segments WHERE id = ?', (_key(segment_id),)
        ).fetchone()
        if row is None:
            raise KeyError(segment_id)
        data: dict[str, Any] = json.loads(row["record"])
        data.update(start=row["start"], end=row["end"], pieces=row["pieces"])
        return data

    def memory(self, exclude: int | None = None) -> Iterator[tuple[str, str, str]]:
        """Translation-memory candidates: approved segments (source, English, document name)
        except segment ``exclude``, then imported pairs (source, English, origin)."""
        conn = self.conn
        yield from conn.execute(
            "SELECT s.source, s.target, d.name FROM segments s "
            "JOIN documents d ON d.id = s.document_id "
            "WHERE s.status = 'approved' AND s.id != ?",
            (exclude if exclude is not None and 0 <= exclude <= MAX_ID else -1,),
        )
        yield from conn.execute("SELECT source, target, origin FROM memory")

    def concordance_candidates(self) -> Iterator[tuple[str, str, str, str]]:
        """(source, English, origin, kind) of every approved segment (kind ``approved``,
        origin its document) and imported memory pair (kind ``memory``)."""
        conn = self.conn
        for row in conn.execute(
            "SELECT s.source, s.target, d.name FROM segments s "
            "JOIN documents d ON d.id = s.document_id WHERE s.status = 'approved' ORDER BY s.id"
        ):
            yield row[0], row[1], row[2], "approved"
        for row in conn.execute("SELECT source, target, origin FROM memory ORDER BY id"):
            yield row[0], row[1], row[2], "memory"

    # -- writing -------------------------------------------------------------------------

    def check(self, segment_id: int, text: str) -> tuple[Flag, ...]:
        """The QA flags ``text`` would get as the segment's English (nothing is saved).

        Raises:
            KeyError: no such segment.
            ValueError: a text :func:`check_text` refuses.
        """
        seg = self.segment(segment_id)
        return self._flags(seg, check_text(text), self._term_rules(seg.document_id))

    def save(
        self,
        segment_id: int,
        text: str,
        *,
        version: int,
        status: str | None = None,
        editor: str = "editor",
        seconds: float = 0.0,
    ) -> SaveResult:
        """Save an editor's English for a segment; committed to disk before it returns.

        Args:
            segment_id: the segment.
            text: the English.
            version: the segment version the editor edited (:attr:`Segment.version` as loaded).
            status: ``edited``, ``approved`` or ``rejected``; None sets ``edited`` when the text
                changed and keeps the status otherwise.
            editor: who is saving (cleaned with :func:`clean_name`).
            seconds: active editing time since the editor's last save of this segment (finite;
                clamped to 0..:data:`MAX_SECONDS`).

        Returns:
            The stored segment, or a :class:`Conflict` when ``version`` is stale: the newer text
            is kept and ``text`` is stored as a ``conflict`` version, so neither is lost.

        Raises:
            KeyError: no such segment.
            ValueError: an unknown status, a version out of range, a time that is not finite,
                or a text :func:`check_text` refuses.

        The QA checks and TER of the new text run before the write lock is taken (a segment's
        source, terms and MT never change), so a slow check never holds up another editor.
        """
        if status is not None and status not in STATUSES[1:]:
            raise ValueError(f"status must be one of {', '.join(STATUSES[1:])}, got {status!r}")
        if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= MAX_ID:
            raise ValueError(f"version must be a whole number from 0 to {MAX_ID}, got {version!r}")
        if not math.isfinite(seconds):
            raise ValueError(f"seconds must be a finite number, got {seconds!r}")
        check_text(text)
        editor = clean_name(editor)
        seconds = min(max(float(seconds), 0.0), MAX_SECONDS)
        before = self.segment(segment_id)
        rules = self._term_rules(before.document_id)
        flags = self._flags(before, text, rules)
        ter = segment_ter(before.mt, text)
        with self._writing() as conn:
            row = conn.execute(_SELECT + " WHERE s.id = ?", (segment_id,)).fetchone()
            if row is None:
                raise KeyError(segment_id)
            current = _segment(row)
            if (current.source, current.terms, current.mt) != (
                before.source,
                before.terms,
                before.mt,
            ):
                flags = self._flags(current, text, rules)  # not seen so far
                ter = segment_ter(current.mt, text)
            same = text == current.target and (status is None or status == current.status)
            now = _now()
            if same:
                # Nothing to version; the time still counts.
                if seconds:
                    conn.execute(
                        "UPDATE segments SET seconds = seconds + ? WHERE id = ?",
                        (seconds, segment_id),
                    )
            elif version != current.version:
                last = conn.execute(
                    "SELECT kind, version, text, status FROM versions WHERE segment_id = ? "
                    "ORDER BY id DESC LIMIT 1",
                    (segment_id,),
                ).fetchone()
                # The same stale save sent again (a blur after Ctrl+Enter) is stored once.
                if tuple(last) != ("conflict", version, text, status or "edited"):
                    conn.execute(
                        "INSERT INTO versions (segment_id, version, kind, text, status, editor, "
                        "seconds, at) VALUES (?, ?, 'conflict', ?, ?, ?, ?, ?)",
                        (segment_id, version, text, status or "edited", editor, seconds, now),
                    )
                conn.execute(
                    "UPDATE segments SET seconds = seconds + ? WHERE id = ?", (seconds, segment_id)
                )
                stored = _segment(
                    conn.execute(_SELECT + " WHERE s.id = ?", (segment_id,)).fetchone()
                )
                return SaveResult(stored, Conflict(text, stored.target, version, stored))
            else:
                new_status = status or ("edited" if text != current.target else current.status)
                conn.execute(
                    "UPDATE segments SET target = ?, status = ?, version = version + 1, "
                    "flags = ?, open_flags = ?, ter_edits = ?, ter_words = ?, "
                    "seconds = seconds + ?, editor = ?, updated_at = ? WHERE id = ?",
                    (
                        text,
                        new_status,
                        _flags_json(flags),
                        _open_count(flags, current.ignored),
                        ter.edits,
                        ter.words,
                        seconds,
                        editor,
                        now,
                        segment_id,
                    ),
                )
                conn.execute(
                    "INSERT INTO versions (segment_id, version, kind, text, status, editor, "
                    "seconds, at) VALUES (?, ?, 'save', ?, ?, ?, ?, ?)",
                    (segment_id, current.version + 1, text, new_status, editor, seconds, now),
                )
            stored = _segment(conn.execute(_SELECT + " WHERE s.id = ?", (segment_id,)).fetchone())
        return SaveResult(stored)

    def set_ignored(self, segment_id: int, code: str, ignored: bool = True) -> Segment:
        """Mark one QA flag code as ignored (or not) for one segment.

        Raises:
            KeyError: no such segment.
            ValueError: an unknown flag code.
        """
        if code not in FLAGS:
            raise ValueError(f"flag must be one of {', '.join(FLAGS)}, got {code!r}")
        with self._writing() as conn:
            row = conn.execute(_SELECT + " WHERE s.id = ?", (_key(segment_id),)).fetchone()
            if row is None:
                raise KeyError(segment_id)
            seg = _segment(row)
            codes = [c for c in seg.ignored if c != code] + ([code] if ignored else [])
            codes = [c for c in FLAGS if c in codes]
            conn.execute(
                "UPDATE segments SET ignored = ?, open_flags = ? WHERE id = ?",
                (json.dumps(codes), _open_count(seg.flags, codes), segment_id),
            )
            return _segment(conn.execute(_SELECT + " WHERE s.id = ?", (segment_id,)).fetchone())

    # -- the editor's term decisions, the project glossary, comments -------------------------

    def _glossary_map(self, conn: sqlite3.Connection | None = None) -> dict[str, list[str]]:
        extra: dict[str, list[str]] = {}
        for row in (conn or self.conn).execute("SELECT sw, en FROM glossary ORDER BY id"):
            extra.setdefault(row["sw"], []).append(row["en"])
        return extra

    def _term_rules(self, document_id: int) -> tuple[dict[str, list[str]], frozenset[str]]:
        """What the ``term`` check accepts in a document: project-glossary renderings per
        term, and the terms ignored in the document."""
        ignored = self.conn.execute(
            "SELECT sw FROM term_ignores WHERE document_id = ?", (document_id,)
        ).fetchall()
        return self._glossary_map(), frozenset(r["sw"] for r in ignored)

    @staticmethod
    def _flags(
        seg: Segment, text: str, rules: tuple[dict[str, list[str]], frozenset[str]]
    ) -> tuple[Flag, ...]:
        terms = accepted_terms(seg.terms, rules[0], rules[1])
        flags = check_segment(seg.source, text, terms)
        # The meaning-level flags describe the MT: they hold while the English is the MT.
        return flags + (seg.trust if text == seg.mt else ())

    def _recheck(
        self, conn: sqlite3.Connection, document_ids: Sequence[int] | None
    ) -> list[Segment]:
        """Run the QA checks again on the current English (after a term decision); the
        segments whose flags changed."""
        sql = _SELECT + " WHERE s.terms != '[]'"
        args: tuple[int, ...] = ()
        if document_ids is not None:
            sql += f" AND s.document_id IN ({', '.join('?' * len(document_ids))})"
            args = tuple(document_ids)
        extra = self._glossary_map(conn)
        ignores: dict[int, set[str]] = {}
        for r in conn.execute("SELECT document_id, sw FROM term_ignores"):
            ignores.setdefault(r["document_id"], set()).add(r["sw"])
        changed: list[int] = []
        for row in conn.execute(sql, args).fetchall():
            seg = _segment(row)
            rules = (extra, frozenset(ignores.get(seg.document_id, ())))
            flags = self._flags(seg, seg.target, rules)
            if flags != seg.flags:
                conn.execute(
                    "UPDATE segments SET flags = ?, open_flags = ? WHERE id = ?",
                    (_flags_json(flags), _open_count(flags, seg.ignored), seg.id),
                )
                changed.append(seg.id)
        return [
            _segment(conn.execute(_SELECT + " WHERE s.id = ?", (k,)).fetchone()) for k in changed
        ]

    def ignored_terms(self, document_id: int) -> list[str]:
        """The glossary terms (:attr:`Term.sw`) ignored in a document."""
        rows = self.conn.execute(
            "SELECT sw FROM term_ignores WHERE document_id = ? ORDER BY sw", (_key(document_id),)
        ).fetchall()
        return [r["sw"] for r in rows]

    def ignore_term(
        self, document_id: int, sw: str, ignore: bool = True, *, editor: str = "editor"
    ) -> list[Segment]:
        """Stop (or start again) holding a document's English to glossary term ``sw``: the
        editor decided the English is right without it. Returns the segments whose flags
        changed.

        Raises:
            KeyError: no such document.
        """
        self.document(document_id)
        with self._writing() as conn:
            if ignore:
                conn.execute(
                    "INSERT OR REPLACE INTO term_ignores (document_id, sw, editor, at) "
                    "VALUES (?, ?, ?, ?)",
                    (document_id, sw, clean_name(editor), _now()),
                )
            else:
                conn.execute(
                    "DELETE FROM term_ignores WHERE document_id = ? AND sw = ?", (document_id, sw)
                )
            return self._recheck(conn, [document_id])

    def glossary(self) -> list[GlossaryEntry]:
        """The renderings editors added to the project glossary, oldest first."""
        rows = self.conn.execute("SELECT sw, en, editor, at FROM glossary ORDER BY id").fetchall()
        return [GlossaryEntry(r["sw"], r["en"], r["editor"], r["at"]) for r in rows]

    def add_glossary(self, sw: str, en: str, *, editor: str = "editor") -> list[Segment]:
        """Accept ``en`` as an English rendering of ``sw`` in the whole project (the ``term``
        check accepts it from now on; exports as TSV/TBX for ``tafsiri translate --glossary``).
        Returns the segments whose flags changed.

        Raises:
            ValueError: an empty term or rendering, or one :func:`check_text` refuses.
        """
        sw, en = " ".join(sw.split()), " ".join(en.split())
        if not sw or not en:
            raise ValueError("a glossary entry needs both the Swahili and the English")
        if len(sw) > 200 or len(en) > 200:
            raise ValueError("a glossary term holds at most 200 characters")
        check_text(sw, "the Swahili")
        check_text(en, "the English")
        with self._writing() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO glossary (sw, en, editor, at) VALUES (?, ?, ?, ?)",
                (sw, en, clean_name(editor), _now()),
            )
            return self._recheck(conn, None)

    def comments(self, segment_id: int) -> list[Comment]:
        """A segment's comments, oldest first.

        Raises:
            KeyError: no such segment.
        """
        rows = self.conn.execute(
            "SELECT * FROM comments WHERE segment_id = ? ORDER BY id", (_key(segment_id),)
        ).fetchall()
        if not rows:
            self.segment(segment_id)
        return [Comment(r["id"], r["segment_id"], r["editor"], r["text"], r["at"]) for r in rows]

    def add_comment(self, segment_id: int, text: str, *, editor: str = "editor") -> Comment:
        """Leave a comment on a segment.

        Raises:
            KeyError: no such segment.
            ValueError: an empty comment, or one :func:`check_text` refuses.
        """
        text = check_text(text.strip(), "the comment")
        if not text:
            raise ValueError("the comment is empty")
        self.segment(segment_id)
        editor, now = clean_name(editor), _now()
        with self._writing() as conn:
            cur = conn.execute(
                "INSERT INTO comments (segment_id, editor, text, at) VALUES (?, ?, ?, ?)",
                (segment_id, editor, text, now),
            )
            return Comment(int(cur.lastrowid or 0), segment_id, editor, text, now)
