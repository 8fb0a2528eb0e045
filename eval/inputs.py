"""Reading references, system outputs, sources and document ids for evaluation.

One reader, :func:`read_side`, takes any supported file and returns one side of it (the source
or the target text) plus whatever else the file knows: document ids and sources. Formats are
told apart by name:

- ``*.jsonl``: the records ``tafsiri translate --format jsonl`` writes, one per segment
  (``"translation"`` is the target side, ``"source"`` the source side, ``"document"`` — or
  ``"doc"`` — the document id; see ``translate/pipeline.py``);
- ``*.docs.tsv`` (or any ``.tsv`` whose header is ``eng<TAB>swa``): MAFAND-MT documents, English
  first, a line holding only a tab between documents;
- ``*.tsv``: ``source<TAB>target`` per line;
- ``*.tmx``: a TMX translation memory (parsed by lxml with entities and network off);
- anything else: line-aligned plain text, one segment per line.

Plain-text lines lose trailing whitespace, as the ``sacrebleu`` command line does, so that
scores agree exactly with it on the same files.

A segment longer than :data:`MAX_SEGMENT_CHARS` characters is refused: scoring time grows faster
than its length (TER's shift search), so one absurd line would hold a run for minutes.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from translate.corpus import read_parallel, read_tmx_pairs
from translate.textio import InputError, read_lines, read_text

if TYPE_CHECKING:
    from translate.records import SegmentRecord

__all__ = [
    "SideText",
    "read_side",
    "read_doc_ids",
    "file_sha256",
    "ISO639_3",
    "MAX_SEGMENT_CHARS",
]

# MAFAND-MT headers name languages with ISO 639-3 codes; users pass the usual two-letter ones.
ISO639_3 = {"en": "eng", "sw": "swa", "fr": "fra", "de": "deu", "yo": "yor", "ha": "hau"}

SIDES = ("source", "target")

#: The longest segment :func:`read_side` accepts, in characters: about nine times the longest
#: sentence of MAFAND-MT's training set (1,138). A realistic segment this long (reference and
#: output of 60 sentences run together) scores in a few seconds; a 20 MB line took minutes and
#: 3 GB. Pass ``max_chars=0`` to read longer segments (``--max-segment-chars 0``).
MAX_SEGMENT_CHARS = 10_000


@dataclass(frozen=True)
class SideText:
    """One side of an input file, with what else the file told us.

    Attributes:
        texts: one string per segment, in file order.
        origin: the path the texts came from (for messages and the report).
        sha256: checksum of the file's bytes, recorded in reports for reproducibility.
        fmt: the detected format: ``text``, ``jsonl``, ``docs-tsv``, ``tsv`` or ``tmx``.
        sources: the source side, when the file holds it (JSONL, TSV, TMX), else ``None``.
        doc_ids: a document id per segment, when the file knows documents, else ``None``.
        records: the segment records of a JSONL file, one per segment (their flags and
            confidence feed the report's Flags section, :mod:`eval.flags`), else ``None``.
    """

    texts: tuple[str, ...]
    origin: str
    sha256: str
    fmt: str
    sources: tuple[str, ...] | None = None
    doc_ids: tuple[str, ...] | None = None
    records: tuple[SegmentRecord, ...] | None = None

    def __len__(self) -> int:
        return len(self.texts)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_format(path: Path) -> str:
    """Name the format of ``path`` from its name (and, for ``.tsv``, its header)."""
    name = path.name.lower()
    if name.endswith(".jsonl"):
        return "jsonl"
    if name.endswith(".docs.tsv"):
        return "docs-tsv"
    if name.endswith(".tsv"):
        first = read_text(path).split("\n", 1)[0].rstrip("\r")
        header = first.split("\t")
        if len(header) == 2 and all(len(col) == 3 and col.isalpha() for col in header):
            return "docs-tsv"
        return "tsv"
    if name.endswith(".tmx"):
        return "tmx"
    return "text"


def _read_jsonl(
    path: Path, side: str
) -> tuple[list[str], list[str], list[str], list[SegmentRecord]]:
    """The records of ``tafsiri translate --format jsonl``, read and checked by the engine."""
    from translate.records import iter_records

    records = list(iter_records(path))
    texts = [r.segment.translation if side == "target" else r.segment.source for r in records]
    sources = [r.segment.source for r in records]
    docs = [r.document for r in records]
    return texts, sources, docs, [r.segment for r in records]


def _read_docs_tsv(
    path: Path, side: str, source_lang: str, target_lang: str
) -> tuple[list[str], list[str], list[str]]:
    lines = read_lines(path)
    if not lines:
        raise InputError(f"{path}: the file is empty")
    header = [col.strip() for col in lines[0].split("\t")]
    wanted = {}
    for role, lang in (("source", source_lang), ("target", target_lang)):
        code = ISO639_3.get(lang, lang)
        if code not in header:
            raise InputError(
                f"{path}: header {lines[0]!r} has no column for {lang!r} ({code}); "
                f"columns are {', '.join(header)}"
            )
        wanted[role] = header.index(code)
    texts: list[str] = []
    sources: list[str] = []
    docs: list[str] = []
    doc = 1
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            # A line holding only a tab (or nothing) closes a document.
            if docs and docs[-1] == f"doc{doc}":
                doc += 1
            continue
        cols = line.split("\t")
        if len(cols) != len(header):
            raise InputError(
                f"{path}: line {lineno} has {len(cols)} columns; the header has {len(header)}"
            )
        texts.append(cols[wanted[side]].strip())
        sources.append(cols[wanted["source"]].strip())
        docs.append(f"doc{doc}")
    return texts, sources, docs


def read_side(
    path: str | os.PathLike[str],
    side: str = "target",
    source_lang: str = "sw",
    target_lang: str = "en",
    max_chars: int = MAX_SEGMENT_CHARS,
) -> SideText:
    """Read one side of a reference, system-output or source file.

    Args:
        path: the file; its format is detected from its name (see the module docstring).
        side: ``"target"`` for references and system outputs, ``"source"`` for sources.
        source_lang: the source language code, for TMX and MAFAND files.
        target_lang: the target language code, for TMX and MAFAND files.
        max_chars: the longest segment (or source) accepted, in characters; 0 accepts any.

    Returns:
        The texts and, where the file has them, the sources, document ids and records.

    Raises:
        InputError: unreadable or malformed files, files with no segments, or a segment
            longer than ``max_chars``.
        ValueError: ``side`` is not ``"source"`` or ``"target"``.
    """
    if side not in SIDES:
        raise ValueError(f"side must be one of {', '.join(SIDES)}, not {side!r}")
    p = Path(path)
    fmt = detect_format(p)
    sources: list[str] | None = None
    docs: list[str] | None = None
    records: list[SegmentRecord] | None = None
    if fmt == "jsonl":
        texts, sources, docs, records = _read_jsonl(p, side)
    elif fmt == "docs-tsv":
        texts, sources, docs = _read_docs_tsv(p, side, source_lang, target_lang)
    elif fmt in ("tsv", "tmx"):
        if fmt == "tmx":
            corpus = read_tmx_pairs(p, source_lang, target_lang)
        else:
            corpus = read_parallel([p], allow_empty=True)
        sources = list(corpus.sources)
        texts = list(corpus.targets if side == "target" else corpus.sources)
    else:
        texts = [line.rstrip() for line in read_lines(p)]
    if not texts:
        raise InputError(f"{p}: no segments found (the file is empty)")
    if max_chars:
        _check_lengths(p, texts, "segment", max_chars)
        if sources is not None and sources is not texts:
            _check_lengths(p, sources, "the source of segment", max_chars)
    return SideText(
        texts=tuple(texts),
        origin=str(p),
        sha256=file_sha256(p),
        fmt=fmt,
        sources=tuple(sources) if sources is not None else None,
        doc_ids=tuple(docs) if docs is not None else None,
        records=tuple(records) if records is not None else None,
    )


def _check_lengths(path: Path, texts: list[str], what: str, max_chars: int) -> None:
    for number, text in enumerate(texts, start=1):
        if len(text) > max_chars:
            raise InputError(
                f"{path}: {what} {number} has {len(text):,} characters, more than the "
                f"{max_chars:,} eval accepts (split it into sentences, or raise the limit "
                "with --max-segment-chars; 0 turns it off)"
            )


def read_doc_ids(
    path: str | os.PathLike[str], source_lang: str = "sw", target_lang: str = "en"
) -> SideText:
    """Read document ids: one id per line, or the documents of a JSONL / MAFAND ``.docs.tsv`` file.

    The returned :class:`SideText` holds the ids in ``texts`` and ``doc_ids``.

    Raises:
        InputError: unreadable files, empty ids, or a format without documents.
    """
    p = Path(path)
    fmt = detect_format(p)
    if fmt in ("jsonl", "docs-tsv"):
        side = read_side(p, "target", source_lang, target_lang, max_chars=0)
        if side.doc_ids is None:
            raise InputError(f'{p}: records have no "document" field, so documents are unknown')
        ids = side.doc_ids
    elif fmt == "text":
        ids = tuple(line.strip() for line in read_lines(p))
        for lineno, doc in enumerate(ids, start=1):
            if not doc:
                raise InputError(f"{p}: line {lineno} is empty; every segment needs a document id")
    else:
        raise InputError(f"{p}: document ids must be one id per line, a .jsonl or a .docs.tsv file")
    if not ids:
        raise InputError(f"{p}: no document ids found (the file is empty)")
    return SideText(texts=ids, origin=str(p), sha256=file_sha256(p), fmt=fmt, doc_ids=ids)
