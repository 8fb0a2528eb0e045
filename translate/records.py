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

from translate.flags import Flag
from translate.hooks import SpanOutcome
from translate.textio import MAX_INPUT_BYTES, InputError, read_lines

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
            persists; then the meaning-level flags (:mod:`translate.trust`: polarity, names,
            invented figures, low confidence); empty when the output looked sound.
        confidence: the model's mean log-probability per token of ``translation`` (None when
            the back end cannot score, or nothing was sent to the model).
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
    confidence: float | None = None

    @property
    def redecoded(self) -> bool:
        """Some piece of the segment was decoded a second time, with repetition control."""
        return any(f.redecoded for f in self.flags)

    @property
    def degenerate(self) -> bool:
        """The translation kept still looks degenerate (a degenerate flag persists)."""
        return any(f.persists for f in self.flags if f.degenerate)

    @property
    def trust_flags(self) -> tuple[Flag, ...]:
        """The meaning-level flags: where the English may reverse or invent meaning."""
        return tuple(f for f in self.flags if not f.degenerate)


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
        "confidence": None if segment.confidence is None else round(segment.confidence, 4),
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


#: The largest offset, index or count a record may hold: no text tafsiri reads has more
#: characters than :data:`translate.textio.MAX_INPUT_BYTES` bytes, and a bigger number would
#: overflow a database column where review stores it.
MAX_INDEX = MAX_INPUT_BYTES

_Field = tuple[str, type | tuple[type, ...], bool]

# (name, type, required) of a record's fields that the reader uses.
_RECORD_FIELDS: tuple[_Field, ...] = (
    ("document", str, True),
    ("paragraph", int, True),
    ("segment", int, True),
    ("start", int, True),
    ("end", int, True),
    ("source", str, True),
    ("translation", str, True),
    ("pieces", int, True),
    ("model", str, True),
    ("backend", str, True),
    ("decode", dict, True),
    ("terms", list, True),
)

# The same for each entry of "terms" (see SpanOutcome.to_dict); records written before
# "kind" existed lack it, and "number", "found" and "reason" have defaults.
_TERM_FIELDS: tuple[_Field, ...] = (
    ("sw", str, True),
    ("source", str, True),
    ("start", int, True),
    ("end", int, True),
    ("expected", list, True),
    ("status", str, True),
    ("number", str, False),
    ("found", (str, type(None)), False),
    ("reason", str, False),
    ("kind", str, False),
)

# A decode setting is a number, a string, true/false or null (DecodeOptions and the
# degenerate check's signature), never a nested structure.
_SCALARS = (str, int, float, bool, type(None))


def _type_name(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, tuple):
        return " or ".join("null" if k is type(None) else k.__name__ for k in kind)
    return kind.__name__


def _check_fields(data: dict[str, Any], fields: tuple[_Field, ...]) -> None:
    """Types of ``fields`` in ``data``; integers must lie in ``0..MAX_INDEX``.

    Raises:
        ValueError: the first field that is missing (and required), mistyped or out of range.
    """
    for key, kind, required in fields:
        if key not in data and not required:
            continue
        value = data.get(key)
        # bool is an int in Python; a record's counts and offsets never are.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f'field "{key}" is missing or not a {_type_name(kind)}')
        if isinstance(value, int) and kind is int and not 0 <= value <= MAX_INDEX:
            raise ValueError(f'field "{key}" is {value}, outside 0..{MAX_INDEX}')
    if "start" in data and not data["start"] <= data["end"]:
        raise ValueError(f"bad offsets start={data['start']} end={data['end']}")


def _check_term(term: Any) -> SpanOutcome:
    """One entry of a record's "terms", checked before it is built."""
    if not isinstance(term, dict):
        raise ValueError("not an object")
    _check_fields(term, _TERM_FIELDS)
    if not all(isinstance(e, str) for e in term["expected"]):
        raise ValueError('field "expected" is not a list of strings')
    return SpanOutcome.from_dict(term)


def parse_record(data: Any) -> StoredRecord:
    """Check one decoded JSON value against the schema and build a :class:`StoredRecord`.

    Every field the reader uses is checked: its type (a list is a list, not a string), and
    for offsets, indices and counts a range of ``0..MAX_INDEX``.

    Raises:
        ValueError: not a record of this schema; the message says which field is wrong.
    """
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    schema = data.get("schema")
    if schema != RECORD_SCHEMA:
        what = "no schema field" if schema is None else f"schema {schema!r}"
        raise ValueError(f"{what}; expected {RECORD_SCHEMA!r} (tafsiri translate --format jsonl)")
    _check_fields(data, _RECORD_FIELDS)
    for key, value in data["decode"].items():
        if not isinstance(value, _SCALARS):
            raise ValueError(f'decode setting "{key}" is not a number, string, boolean or null')
    glossary = data.get("glossary")
    if glossary is not None and not isinstance(glossary, str):
        raise ValueError('field "glossary" is not a string or null')
    terms = []
    for k, term in enumerate(data["terms"]):
        try:
            terms.append(_check_term(term))
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
    # Records written before confidence existed have none; json has no NaN or Infinity here.
    confidence = data.get("confidence")
    if confidence is not None and (
        isinstance(confidence, bool) or not isinstance(confidence, int | float)
    ):
        raise ValueError('field "confidence" is not a number or null')
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
        None if confidence is None else float(confidence),
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


def _refuse_constant(name: str) -> None:
    # Python's json reads NaN and Infinity, which JSON itself does not allow.
    raise ValueError(f"{name} is not a JSON number")


def iter_records(path: str | Path) -> Iterator[StoredRecord]:
    """Yield the records of a JSONL file in order (blank lines skipped).

    Raises:
        InputError: unreadable file, invalid JSON (``NaN`` and ``Infinity`` included, and
            nesting too deep to read), or a line that is not a record of
            :data:`RECORD_SCHEMA` (the message names the file and the line).
    """
    path = Path(path)
    for lineno, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line, parse_constant=_refuse_constant)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: line {lineno} is not valid JSON ({err.msg})") from None
        except ValueError as err:
            raise InputError(f"{path}: line {lineno} is not valid JSON ({err})") from None
        except RecursionError:
            raise InputError(
                f"{path}: line {lineno} is not a tafsiri record: nested too deeply"
            ) from None
        try:
            record = parse_record(data)
        except ValueError as err:
            raise InputError(f"{path}: line {lineno} is not a tafsiri record: {err}") from None
        yield replace(record, line=lineno)


def read_records(path: str | Path) -> list[StoredRecord]:
    """All records of a JSONL file; see :func:`iter_records`."""
    return list(iter_records(path))
