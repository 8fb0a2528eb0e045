"""Reading what goes into a project: JSONL runs, source articles, references, TMX memories.

Everything is read and checked before the project is touched, so a bad line in the fifth file
leaves the project as it was (and creates no project file). JSONL goes through the pipeline's own
record reader (:func:`translate.records.read_records`), which names the file and line of anything
malformed or foreign.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from review.model import Term
from review.project import ImportedDocument, ImportSummary, Project
from translate.hooks import SpanOutcome
from translate.records import StoredRecord, parse_record, read_records
from translate.textio import InputError, read_lines, read_text

if TYPE_CHECKING:
    from glossary import Glossary
    from translate.pipeline import Translator

__all__ = [
    "RECORD_SUFFIXES",
    "ARTICLE_SUFFIXES",
    "MEMORY_SUFFIXES",
    "place_terms",
    "load_run",
    "translate_article",
    "attach_references",
    "attach_sources",
    "import_paths",
]

RECORD_SUFFIXES = (".jsonl",)
ARTICLE_SUFFIXES = (".txt", ".md")
MEMORY_SUFFIXES = (".tmx",)

_REF_HEADERS = {"en": ("eng", "en", "english"), "sw": ("swa", "sw", "swahili")}


def _surface_pattern(surface: str) -> re.Pattern[str]:
    # The glossary matched the model text, where line breaks and space runs are one space.
    return re.compile(r"\s+".join(re.escape(part) for part in surface.split()))


def place_terms(source: str, outcomes: Sequence[SpanOutcome]) -> tuple[Term, ...]:
    """Turn a record's term outcomes into :class:`Term` s placed in the segment's source.

    Outcome offsets are relative to the text sent to the model (one piece of a split segment,
    whitespace collapsed), so each occurrence is found again by its surface, in order.
    """
    terms: list[Term] = []
    cursor = 0
    for outcome in outcomes:
        if outcome.kind != "term":
            continue
        start = end = -1
        if outcome.source.strip():
            pattern = _surface_pattern(outcome.source)
            hit = pattern.search(source, cursor) or pattern.search(source)
            if hit is not None:
                start, end = hit.start(), hit.end()
                cursor = max(cursor, end)
        terms.append(
            Term(
                outcome.sw,
                outcome.source,
                start,
                end,
                outcome.expected,
                outcome.status,
                outcome.reason,
            )
        )
    return tuple(terms)


def _match_terms(source: str, translation: str, glossary: Glossary) -> tuple[Term, ...]:
    """Terms of a record made without a glossary: matched now, with what the MT did."""
    from glossary.match import locate_targets

    matches = glossary.match(source)
    if not matches:
        return ()
    hits = locate_targets(translation, [m.targets for m in matches])
    terms = []
    for m, hit in zip(matches, hits, strict=True):
        if m.ambiguous:
            status, reason = "ambiguous", "the source fits several glossary entries"
        elif hit is not None:
            status, reason = "model", ""
        else:
            status, reason = "failed", "not in the MT (the run had no glossary)"
        terms.append(
            Term(
                " | ".join(t.sw for t in m.terms),
                m.surface,
                m.start,
                m.end,
                m.targets,
                status,
                reason,
            )
        )
    return tuple(terms)


def _terms_for(record: StoredRecord, glossary: Glossary | None) -> tuple[Term, ...]:
    seg = record.segment
    if record.glossary is None and not seg.terms and glossary is not None:
        return _match_terms(seg.source, seg.translation, glossary)
    return place_terms(seg.source, seg.terms)


def _documents(
    path: Path, records: Sequence[StoredRecord], glossary: Glossary | None, text: str | None = None
) -> list[ImportedDocument]:
    """Group records by document, checking that each document's spans are in order."""
    groups: dict[str, list[StoredRecord]] = {}
    for rec in records:
        group = groups.setdefault(rec.document, [])
        if group and rec.segment.start < group[-1].segment.end:
            raise InputError(
                f"{path}: line {rec.line}: segment {rec.segment.start}:{rec.segment.end} of "
                f"{rec.document!r} overlaps or precedes the one before it; records must be in "
                "document order"
            )
        group.append(rec)
    markdown = {name: Path(name).suffix.lower() == ".md" for name in groups}
    return [
        ImportedDocument(
            name=name,
            origin=str(path),
            records=tuple(recs),
            terms=tuple(_terms_for(r, glossary) for r in recs),
            references=tuple(None for _ in recs),
            text=text,
            markdown=markdown[name],
        )
        for name, recs in groups.items()
    ]


def load_run(path: str | Path, glossary: Glossary | None = None) -> list[ImportedDocument]:
    """The documents of one ``tafsiri translate --format jsonl`` file.

    Args:
        path: the JSONL file.
        glossary: matched against records written without a glossary, so their terms are
            checked too (None: such records have no terms).

    Raises:
        InputError: unreadable, malformed or foreign lines (the message names file and line),
            or records out of document order.
    """
    path = Path(path)
    records = read_records(path)
    if not records:
        raise InputError(f"{path}: no records (an empty file)")
    return _documents(path, records, glossary)


def translate_article(
    path: str | Path, translator: Translator, name: str | None = None
) -> ImportedDocument:
    """Translate a source article with ``translator`` and make it a document (its text kept,
    so exports rebuild its layout exactly).

    Raises:
        InputError: unreadable, binary or badly encoded file, or an empty one.
    """
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise InputError(f"{path}: the article is empty")
    name = name or path.name
    markdown = path.suffix.lower() == ".md"
    doc = translator.translate_document(text, markdown=markdown)
    records = [
        replace(parse_record(data), line=k) for k, data in enumerate(doc.records(name), start=1)
    ]
    (document,) = _documents(path, records, None, text=text)
    return replace(document, markdown=markdown)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _reference_table(path: Path) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(read_text(path)), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        raise InputError(f"{path}: the reference file is empty")
    header = [cell.strip().lower() for cell in rows[0]]
    try:
        en = next(i for i, h in enumerate(header) if h in _REF_HEADERS["en"])
        sw = next(i for i, h in enumerate(header) if h in _REF_HEADERS["sw"])
    except StopIteration:
        raise InputError(
            f"{path}: line 1 must name the English and Swahili columns (eng and swa, or en and "
            f"sw), got {rows[0]!r}"
        ) from None
    table: dict[str, str] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines separate documents in .docs.tsv files
        if len(row) <= max(en, sw):
            raise InputError(
                f"{path}: line {lineno} has {len(row)} columns, expected {len(header)}"
            )
        table.setdefault(_norm(row[sw]), row[en].strip())
    return table


def attach_references(
    documents: Sequence[ImportedDocument], path: str | Path
) -> list[ImportedDocument]:
    """Give the documents' segments reference translations from ``path``.

    ``path`` is either a TSV with a header naming its English and Swahili columns (such as
    MAFAND-MT's ``test.docs.tsv``: ``eng<TAB>swa``), matched to segments by their Swahili
    (whitespace-insensitive; segments without a match get none), or a plain file of English
    lines, one per segment of all imported documents in order.

    Raises:
        InputError: unreadable file, a TSV without its header, or a line count that is not the
            number of segments.
    """
    path = Path(path)
    if path.suffix.lower() == ".tsv":
        table = _reference_table(path)
        return [
            replace(d, references=tuple(table.get(_norm(r.segment.source)) for r in d.records))
            for d in documents
        ]
    lines = read_lines(path)
    total = sum(len(d.records) for d in documents)
    if len(lines) != total:
        raise InputError(
            f"{path}: {len(lines)} lines, but the import has {total} segments; a line-aligned "
            "reference needs one English line per segment (or use a .tsv with eng/swa columns)"
        )
    out: list[ImportedDocument] = []
    pos = 0
    for doc in documents:
        refs = lines[pos : pos + len(doc.records)]
        pos += len(doc.records)
        out.append(replace(doc, references=tuple(r.strip() or None for r in refs)))
    return out


def _source_file(root: Path, name: str, single: bool) -> Path:
    if root.is_file():
        if not single:
            raise InputError(
                f"{root}: a file given as --sources, but the import has several documents; give their folder"
            )
        return root
    candidate = (root / name).resolve()
    if not candidate.is_relative_to(root.resolve()):
        raise InputError(f"{root}: document name {name!r} points outside the sources folder")
    return candidate


def attach_sources(
    documents: Sequence[ImportedDocument], root: str | Path
) -> list[ImportedDocument]:
    """Give documents their whole source text (``root/<document name>``, or the file ``root``
    for one document), so exports keep the article's layout exactly.

    Raises:
        InputError: a missing or unreadable source, or one whose text at the records' offsets
            is not the records' source (the message names the JSONL line).
    """
    root = Path(root)
    if not root.exists():
        raise InputError(f"{root}: no such file or folder (--sources)")
    out: list[ImportedDocument] = []
    for doc in documents:
        if doc.text is not None:
            out.append(doc)
            continue
        path = _source_file(root, doc.name, len(documents) == 1)
        if not path.is_file():
            raise InputError(f"{path}: no such file (the source of {doc.name!r}, --sources)")
        text = read_text(path)
        for rec in doc.records:
            seg = rec.segment
            if text[seg.start : seg.end] != seg.source:
                raise InputError(
                    f"{path}: does not match {doc.origin} line {rec.line}: characters "
                    f"{seg.start}:{seg.end} are not the record's source"
                )
        out.append(replace(doc, text=text))
    return out


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RECORD_SUFFIXES
        )
        if not found:
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
        found = [
            p for p in found if not any(part.startswith(".") for part in p.relative_to(path).parts)
        ]
        if not found:
            raise InputError(f"{path}: no .jsonl runs (or .txt/.md articles) in this folder")
        return found
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix not in RECORD_SUFFIXES + ARTICLE_SUFFIXES + MEMORY_SUFFIXES:
        raise InputError(
            f"{path}: unknown input type {suffix or '(no suffix)'}; use .jsonl (tafsiri translate "
            "--format jsonl), .txt/.md articles, .tmx memories, or a folder"
        )
    return [path]


def import_paths(
    project: str | Path,
    inputs: Sequence[str | Path],
    *,
    reference: str | Path | None = None,
    sources: str | Path | None = None,
    glossary: Glossary | None = None,
    translator: Callable[[], Translator] | None = None,
    replace_edited: bool = False,
) -> ImportSummary:
    """Create or update a project from runs, articles and memories, all or nothing.

    Args:
        project: the project file (created when missing, but only once every input is read,
            and removed again when the import fails).
        inputs: ``.jsonl`` runs, ``.txt``/``.md`` articles (translated first), ``.tmx``
            translation memories, or folders of runs (or, failing those, of articles).
        reference: reference translations (see :func:`attach_references`).
        sources: the runs' source articles (see :func:`attach_sources`).
        glossary: matched against records written without a glossary.
        translator: makes the model handle for articles (called once, only if needed).
        replace_edited: replace documents that already have saved edits.

    Raises:
        InputError: any bad input (nothing is written), or a document with edits in the way.
    """
    files: list[tuple[Path, Path | None]] = []
    for given in inputs:
        path = Path(given)
        for file in _expand(path):
            files.append((file, path if path.is_dir() else None))
    documents: list[ImportedDocument] = []
    memories: list[tuple[Path, list[tuple[str, str]]]] = []
    handle: Translator | None = None
    for file, folder in files:
        suffix = file.suffix.lower()
        if suffix in RECORD_SUFFIXES:
            documents.extend(load_run(file, glossary))
        elif suffix in MEMORY_SUFFIXES:
            from translate.corpus import read_tmx_pairs

            corpus = read_tmx_pairs(file, "sw", "en")
            memories.append((file, list(zip(corpus.sources, corpus.targets, strict=True))))
        else:
            if translator is None:
                raise InputError(f"{file}: articles need a model to translate them")
            handle = handle or translator()
            name = file.relative_to(folder).as_posix() if folder else file.name
            documents.append(translate_article(file, handle, name))
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.name in seen:
            raise InputError(
                f"{doc.origin}: document {doc.name!r} is also in {seen[doc.name]}; "
                "import one of them at a time"
            )
        seen[doc.name] = doc.origin
    if sources is not None:
        documents = attach_sources(documents, sources)
    if reference is not None:
        documents = attach_references(documents, reference)
    path = Path(project)
    created = not path.exists()
    try:
        with Project(path, create=True) as proj:
            summary = proj.add_documents(documents, replace=replace_edited)
            added = sum(proj.add_memory(pairs, str(file)) for file, pairs in memories)
    except BaseException:
        if created:  # a failed import leaves no project behind
            for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
        raise
    return replace(summary, memory=added)
