"""The ``tafsiri.segment/1`` JSONL records: one writer, one reader that checks the schema.

Every front end goes through this module: ``tafsiri translate --format jsonl`` writes records,
``tafsiri eval`` and ``tafsiri review`` read them. The fields are documented in
``docs/pipeline.md``; the reader refuses foreign or malformed lines with one message naming the
file and the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.degenerate import Flag
from translate.hooks import SpanOutcome
from translate.textio import InputError, read_lines

if TYPE_CHECKING:
    from translate.pipeline import TranslationInfo

__all__ = [
    "RECORD_SCHEMA",
    "SegmentRecord",
    "StoredRecord",
    "record_dict",
    "to_jsonl",
    "read_records",
    "iter_records",
    "parse_record",
]

RECORD_SCHEMA = "tafsiri.segment/1"


@dataclass(frozen=True)
class SegmentRecord:
    """One translated segment.

    Attributes:
        paragraph: 0-based paragraph index in the document.
        index: 0-based segment index within the paragraph.
        start: source character offset of the segment's first character.
        end: source character offset one past its last character.
        source: the source text, ``document[start:end]``.
        translation: the English text that replaced it.
        pieces: how many pieces the segment was split into (1 = not split; 0 = not sent to
            the model because it holds no letters, e.g. ``"***"`` or ``"2024"``).
        terms: outcomes of the spans the decoder hook had to carry over (glossary terms);
            empty without a hook.
        flags: signs of degenerate output (repetition loops, far too long or short) found in
            the first decode, whether the segment was re-decoded and whether the problem
            persists; empty when the output looked sound.
    """

    paragraph: int
    index: int
    start: int
    end: int
    source: str
    translation: str
    pieces: int = 1
    terms: tuple[SpanOutcome, ...] = ()
    flags: tuple[Flag, ...] = ()

    @property
    def redecoded(self) -> bool:
        """Some piece of the segment was decoded a second time, with repetition control."""
        return any(f.redecoded for f in self.flags)

    @property
    def degenerate(self) -> bool:
        """The translation kept still looks degenerate (a flag persists)."""
        return any(f.persists for f in self.flags)


def record_dict(segment: SegmentRecord, document: str, info: TranslationInfo) -> dict[str, Any]:
    """The JSONL record of ``segment`` of ``document`` translated as ``info`` says."""
    return {
        "schema": RECORD_SCHEMA,
        "document": document,
        "paragraph": segment.paragraph,
        "segment": segment.index,
        "start": segment.start,
        "end": segment.end,
        "source": segment.source,
        "translation": segment.translation,
        "pieces": segment.pieces,
        "model": info.model,
        "backend": info.backend,
        "decode": info.decode_settings(),
        "terms": [t.to_dict() for t in segment.terms],
        "flags": [f.to_dict() for f in segment.flags],
        "glossary": info.glossary,
        "signature": info.signature(),
    }


def to_jsonl(records: Iterable[dict[str, Any]]) -> str:
    """Records as JSON Lines (one per line, each ending in a newline, UTF-8 kept readable)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


@dataclass(frozen=True)
class StoredRecord:
    """A record read back from a JSONL file.

    Attributes:
        document: the document id.
        segment: the segment, with its outcomes.
        model: the model id that translated it.
        backend: the back-end name.
        decode: the decode settings as written.
        glossary: the glossary checksum, or ``None``.
        signature: the run's signature (``None`` in records written before it existed).
        line: the 1-based line the record came from.
    """

    document: str
    segment: SegmentRecord
    model: str
    backend: str
    decode: dict[str, Any]
    glossary: str | None
    signature: str | None
    line: int


_REQUIRED: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("document", str),
    ("paragraph", int),
    ("segment", int),
    ("start", int),
    ("end", int),
    ("source", str),
    ("translation", str),
    ("pieces", int),
    ("model", str),
    ("backend", str),
    ("decode", dict),
    ("terms", list),
)


def parse_record(data: Any) -> StoredRecord:
    """Check one decoded JSON value against the schema and build a :class:`StoredRecord`.

    Raises:
        ValueError: not a record of this schema; the message says which field is wrong.
    """
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    schema = data.get("schema")
    if schema != RECORD_SCHEMA:
        what = "no schema field" if schema is None else f"schema {schema!r}"
        raise ValueError(f"{what}; expected {RECORD_SCHEMA!r} (tafsiri translate --format jsonl)")
    for key, kind in _REQUIRED:
        value = data.get(key)
        # bool is an int in Python; a record's counts and offsets never are.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f'field "{key}" is missing or not a {getattr(kind, "__name__", kind)}')
    if not 0 <= data["start"] <= data["end"]:
        raise ValueError(f"bad offsets start={data['start']} end={data['end']}")
    glossary = data.get("glossary")
    if glossary is not None and not isinstance(glossary, str):
        raise ValueError('field "glossary" is not a string or null')
    terms = []
    for k, term in enumerate(data["terms"]):
        if not isinstance(term, dict):
            raise ValueError(f"terms[{k}] is not an object")
        try:
            terms.append(SpanOutcome.from_dict(term))
        except ValueError as err:
            raise ValueError(f"terms[{k}]: {err}") from None
    # Records written before flags existed have none.
    raw_flags = data.get("flags", [])
    if not isinstance(raw_flags, list):
        raise ValueError('field "flags" is not a list')
    flags = []
    for k, flag in enumerate(raw_flags):
        if not isinstance(flag, dict):
            raise ValueError(f"flags[{k}] is not an object")
        try:
            flags.append(Flag.from_dict(flag))
        except ValueError as err:
            raise ValueError(f"flags[{k}]: {err}") from None
    segment = SegmentRecord(
        data["paragraph"],
        data["segment"],
        data["start"],
        data["end"],
        data["source"],
        data["translation"],
        data["pieces"],
        tuple(terms),
        tuple(flags),
    )
    signature = data.get("signature")
    return StoredRecord(
        document=data["document"],
        segment=segment,
        model=data["model"],
        backend=data["backend"],
        decode=dict(data["decode"]),
        glossary=glossary,
        signature=signature if isinstance(signature, str) else None,
        line=0,
    )


def iter_records(path: str | Path) -> Iterator[StoredRecord]:
    """Yield the records of a JSONL file in order (blank lines skipped).

    Raises:
        InputError: unreadable file, invalid JSON, or a line that is not a record of
            :data:`RECORD_SCHEMA` (the message names the file and the line).
    """
    path = Path(path)
    for lineno, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: line {lineno} is not valid JSON ({err.msg})") from None
        try:
            record = parse_record(data)
        except ValueError as err:
            raise InputError(f"{path}: line {lineno} is not a tafsiri record: {err}") from None
        yield replace(record, line=lineno)


def read_records(path: str | Path) -> list[StoredRecord]:
    """All records of a JSONL file; see :func:`iter_records`."""
    return list(iter_records(path))
