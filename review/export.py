"""Exports: post-edited articles, TMX 1.4, XLIFF 1.2, JSONL records, training pairs, effort, and a
static side-by-side HTML page.

Every format is one :class:`Format` record in :data:`FORMATS` (its name, file extension, media
type and render function, as datasette registers output renderers): the web app serves what
``render`` returns as downloads, and :func:`write_export` writes it to files atomically. Adding a
format touches only this module. TMX and XLIFF are written with lxml and hold approved pairs only;
rejected segments are never exported as translations.

Exporters take what the database holds as it is: text or names with characters XML cannot carry
(stored by older versions, before saves refused them) are replaced by U+FFFD in TMX and XLIFF,
never an error.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from review.model import Segment
from review.pages import render_static_document
from review.project import Project
from translate.records import RECORD_SCHEMA, to_jsonl
from translate.textio import InputError, atomic_write, spreadsheet_cell

__all__ = [
    "Format",
    "FORMATS",
    "PAIR_FORMATS",
    "unique_names",
    "render_article",
    "render_tmx",
    "render_xliff",
    "render_jsonl",
    "render_train",
    "render_effort",
    "render_html",
    "render_glossary_tsv",
    "render_glossary_tbx",
    "project_glossary",
    "UNREVIEWED",
    "unreviewed",
    "write_export",
]

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot hold (C0 controls other than tab and line ends, surrogates, FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _version() -> str:
    from translate.pipeline import tafsiri_version

    return tafsiri_version()


def _tmx_date(iso: str | None) -> str:
    moment = datetime.fromisoformat(iso) if iso else datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class _Pair:
    document: str
    segment: Segment


def _documents(project: Project, document_ids: Sequence[int] | None) -> list[int]:
    return list(document_ids) if document_ids is not None else [d.id for d in project.documents()]


def _approved(project: Project, document_ids: Sequence[int] | None) -> list[_Pair]:
    pairs: list[_Pair] = []
    for doc_id in _documents(project, document_ids):
        name = project.document(doc_id).name
        pairs.extend(
            _Pair(name, s)
            for s in project.segments(doc_id)
            if s.status == "approved" and s.target.strip()
        )
    return pairs


#: Statuses of English no editor vouched for: machine translation never saved, or rejected.
UNREVIEWED = ("new", "rejected")


def render_article(project: Project, document_id: int, mark_unreviewed: bool = False) -> str:
    """The post-edited article: the source's layout with every segment's current English.

    Args:
        project: the project.
        document_id: the document.
        mark_unreviewed: put :data:`translate.pipeline.MARKS` (``⟦…⟧``, as ``tafsiri translate
            --mark`` does for flagged segments) around the English no editor vouched for:
            segments still ``new`` or ``rejected``.
    """
    from translate.pipeline import MARKS

    rows, tail = project.layout(document_id)

    def english(seg: Segment) -> str:
        if mark_unreviewed and seg.status in UNREVIEWED and seg.target.strip():
            return f"{MARKS[0]}{seg.target}{MARKS[1]}"
        return seg.target

    return "".join(prefix + english(seg) for prefix, seg in rows) + tail


def render_tmx(project: Project, document_ids: Sequence[int] | None = None) -> bytes:
    """TMX 1.4 (``tmx14.dtd``) of the approved pairs, Swahili source, English target."""
    from lxml import etree

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="tafsiri",
        creationtoolversion=_version(),
        segtype="sentence",
        adminlang="en",
        srclang="sw",
        datatype="plaintext",
        creationdate=_tmx_date(None),
        **{"o-tmf": "tafsiri-review"},
    )
    body = etree.SubElement(root, "body")
    for pair in _approved(project, document_ids):
        seg = pair.segment
        attrs = {"tuid": f"{seg.id}", "changedate": _tmx_date(seg.updated_at)}
        if seg.editor:
            attrs["changeid"] = _xml_text(seg.editor)
        tu = etree.SubElement(body, "tu", **attrs)
        for comment in project.comments(seg.id) if seg.comments else ():
            note = etree.SubElement(tu, "note")
            note.text = _xml_text(f"{comment.editor} ({comment.at}): {comment.text}")
        prop = etree.SubElement(tu, "prop", type="x-document")
        prop.text = _xml_text(pair.document)
        for lang, text in (("sw", seg.source), ("en", seg.target)):
            tuv = etree.SubElement(tu, "tuv", {_XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = _xml_text(text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_xliff(project: Project, document_ids: Sequence[int] | None = None) -> bytes:
    """XLIFF 1.2 (strict schema) of the approved pairs: one ``<file>`` per document that has
    any, each pair a ``trans-unit`` marked approved with its target in state ``final``."""
    from lxml import etree

    ns = "{" + XLIFF_NS + "}"
    root = etree.Element(ns + "xliff", version="1.2", nsmap={None: XLIFF_NS})
    by_document: dict[str, list[Segment]] = {}
    for pair in _approved(project, document_ids):
        by_document.setdefault(pair.document, []).append(pair.segment)
    for name, segments in by_document.items():
        file = etree.SubElement(
            root,
            ns + "file",
            original=_xml_text(name),
            datatype="plaintext",
            **{"source-language": "sw", "target-language": "en"},
        )
        header = etree.SubElement(file, ns + "header")
        etree.SubElement(
            header,
            ns + "tool",
            **{"tool-id": "tafsiri", "tool-name": "tafsiri", "tool-version": _version()},
        )
        body = etree.SubElement(file, ns + "body")
        for seg in segments:
            unit = etree.SubElement(
                body,
                ns + "trans-unit",
                id=f"s{seg.id}",
                approved="yes",
                resname=f"{seg.position + 1}",
            )
            etree.SubElement(unit, ns + "source").text = _xml_text(seg.source)
            etree.SubElement(unit, ns + "target", state="final").text = _xml_text(seg.target)
            for comment in project.comments(seg.id) if seg.comments else ():
                note = etree.SubElement(unit, ns + "note", **{"from": _xml_text(comment.editor)})
                note.text = _xml_text(comment.text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _record(project: Project, document: str, seg: Segment) -> dict[str, Any]:
    stored = project.stored_record(seg.id)
    return {
        "schema": RECORD_SCHEMA,
        "document": document,
        "paragraph": seg.paragraph,
        "segment": seg.index,
        "start": stored["start"],
        "end": stored["end"],
        "source": seg.source,
        "translation": seg.target,
        "pieces": stored["pieces"],
        "model": stored["model"],
        "backend": stored["backend"],
        "decode": stored["decode"],
        "terms": stored["terms"],
        "flags": stored.get("flags", []),
        "confidence": stored.get("confidence"),
        "glossary": stored["glossary"],
        "signature": stored["signature"],
        "review": {
            "status": seg.status,
            "mt": seg.mt,
            "version": seg.version,
            "editor": seg.editor,
            "updated_at": seg.updated_at,
            "hter": round(seg.hter, 2),
            "seconds": round(seg.seconds, 1),
            "reference": seg.reference,
            "open_flags": [f.code for f in seg.open_flags],
            "comments": [
                {"editor": c.editor, "text": c.text, "at": c.at} for c in project.comments(seg.id)
            ]
            if seg.comments
            else [],
        },
    }


def render_jsonl(project: Project, document_ids: Sequence[int] | None = None) -> str:
    """``tafsiri.segment/1`` records whose ``translation`` is the final English; the MT, status,
    HTER and time are in an extra ``review`` object (readers of the schema ignore it)."""
    records: list[dict[str, Any]] = []
    for doc_id in _documents(project, document_ids):
        name = project.document(doc_id).name
        records.extend(_record(project, name, s) for s in project.segments(doc_id))
    return to_jsonl(records)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_train(project: Project, document_ids: Sequence[int] | None = None) -> str:
    """Approved pairs as ``source<TAB>target`` lines (whitespace runs, tabs and line breaks
    become single spaces), the TSV form ``tafsiri train --train X.tsv`` reads.

    Editors type the text, so a cell a spreadsheet would run as a formula gets an apostrophe
    in front (:func:`translate.textio.spreadsheet_cell`); ``tafsiri train`` removes it again.
    """
    lines = []
    for pair in _approved(project, document_ids):
        src, tgt = _one_line(pair.segment.source), _one_line(pair.segment.target)
        if src and tgt:
            lines.append(f"{spreadsheet_cell(src)}\t{spreadsheet_cell(tgt)}\n")
    return "".join(lines)


def render_effort(project: Project, document_ids: Sequence[int] | None = None) -> str:
    """Post-editing effort as JSON: per document HTER (corpus TER of the reviewed segments) and
    time, and per segment its status, HTER and time, with sacreBLEU's TER signature."""
    from review.effort import ter_signature

    wanted = set(_documents(project, document_ids))
    docs = []
    for summary in project.documents():
        if summary.id not in wanted:
            continue
        docs.append(
            {
                **summary.to_dict(),
                "hter": None if summary.hter is None else round(summary.hter, 2),
                "seconds": round(summary.seconds, 1),
                "by_segment": [
                    {
                        "number": s.position + 1,
                        "status": s.status,
                        "hter": round(s.hter, 2),
                        "seconds": round(s.seconds, 1),
                        "editor": s.editor,
                    }
                    for s in project.segments(summary.id)
                ],
            }
        )
    report = {"metric": "HTER", "signature": ter_signature(), "documents": docs}
    return json.dumps(report, ensure_ascii=False, indent=1) + "\n"


def project_glossary(project: Project) -> Any:
    """The project glossary (renderings editors added) as a :class:`glossary.Glossary`, one
    entry per Swahili term with its renderings as alternatives."""
    from glossary.model import Glossary, Term

    by_term: dict[str, list[str]] = {}
    for entry in project.glossary():
        # An ambiguous term is stored as "a | b": each entry gets the rendering.
        for sw in entry.sw.split(" | "):
            by_term.setdefault(sw, []).append(entry.en)
    terms = [Term(sw=sw, en=tuple(dict.fromkeys(en))) for sw, en in by_term.items()]
    return Glossary(tuple(terms), origin=f"{project.path.name}:glossary")


def render_glossary_tsv(project: Project, document_ids: Sequence[int] | None = None) -> str:
    """The project glossary as the TSV ``tafsiri translate --glossary`` reads."""
    from glossary.io import glossary_to_text

    return glossary_to_text(project_glossary(project), "tsv")


def render_glossary_tbx(project: Project, document_ids: Sequence[int] | None = None) -> str:
    """The project glossary as TBX (ISO 30042), which ``--glossary`` reads too."""
    from glossary.io import glossary_to_text

    return glossary_to_text(project_glossary(project), "tbx")


def render_html(project: Project, document_id: int) -> str:
    """A self-contained side-by-side page of one document (no scripts, no external files)."""
    return render_static_document(project, document_id)


def _one(render: Callable[[Project, int], str]) -> Callable[[Project, Sequence[int]], str]:
    def render_one(project: Project, document_ids: Sequence[int]) -> str:
        (document_id,) = document_ids
        return render(project, document_id)

    return render_one


@dataclass(frozen=True)
class Format:
    """One export format.

    Attributes:
        name: what ``--format`` and the download address call it.
        extension: the file suffix, dot included.
        media_type: the HTTP ``Content-Type`` of a download.
        description: one line for ``--help`` and docs.
        render: ``(project, document ids) -> str | bytes``; for a ``per_document`` format the
            ids are exactly one.
        per_document: one document per file (several documents make a folder, or are refused
            when ``folder`` is False).
        folder: several documents may be written as a folder of files.
        pairs: made of approved pairs only (refused when there are none).
        glossary: the project glossary (refused when it is empty).
    """

    name: str
    extension: str
    media_type: str
    description: str
    render: Callable[[Project, Sequence[int]], str | bytes]
    per_document: bool = False
    folder: bool = False
    pairs: bool = False
    glossary: bool = False

    def bytes(self, project: Project, document_ids: Sequence[int]) -> bytes:
        """The rendered export, encoded as UTF-8 when the renderer gives text."""
        data = self.render(project, document_ids)
        return data.encode("utf-8") if isinstance(data, str) else data


_FORMAT_LIST = (
    Format(
        "txt",
        ".txt",
        "text/plain; charset=utf-8",
        "the post-edited article(s), in the source's layout",
        _one(render_article),
        per_document=True,
        folder=True,
    ),
    Format(
        "md",
        ".md",
        "text/markdown; charset=utf-8",
        "the same, with a .md name (Markdown sources keep their markup)",
        _one(render_article),
        per_document=True,
        folder=True,
    ),
    Format(
        "tmx", ".tmx", "application/xml", "TMX 1.4 of the approved pairs", render_tmx, pairs=True
    ),
    Format(
        "xliff",
        ".xlf",
        "application/xml",
        "XLIFF 1.2 of the approved pairs, one <file> per document",
        render_xliff,
        pairs=True,
    ),
    Format(
        "jsonl",
        ".jsonl",
        "application/x-ndjson; charset=utf-8",
        "tafsiri.segment/1 records with the final English (and a review field)",
        render_jsonl,
    ),
    Format(
        "train",
        ".tsv",
        "text/tab-separated-values; charset=utf-8",
        "approved pairs as source<TAB>target, for tafsiri train --train X.tsv",
        render_train,
        pairs=True,
    ),
    Format(
        "effort",
        ".json",
        "application/json",
        "HTER and editing time per document and segment (JSON)",
        render_effort,
    ),
    Format(
        "glossary",
        ".tsv",
        "text/tab-separated-values; charset=utf-8",
        "the project glossary (renderings editors added), TSV for tafsiri translate --glossary",
        render_glossary_tsv,
        glossary=True,
    ),
    Format(
        "tbx",
        ".tbx",
        "application/xml",
        "the project glossary as TBX",
        render_glossary_tbx,
        glossary=True,
    ),
    Format(
        "html",
        ".html",
        "text/html; charset=utf-8",
        "a static side-by-side page of one document, for sharing without the server",
        _one(render_html),
        per_document=True,
    ),
)
#: Every export format by name: the one registry the CLI and the web app both use.
FORMATS: dict[str, Format] = {f.name: f for f in _FORMAT_LIST}
#: Formats made of approved pairs only.
PAIR_FORMATS = tuple(f.name for f in _FORMAT_LIST if f.pairs)


def _safe_name(name: str, suffix: str) -> Path:
    parts = [p for p in Path(name).parts if p not in ("", ".", "..", "/", "\\")]
    path = Path(*parts) if parts else Path("document")
    return path.with_suffix(suffix) if path.suffix else path.with_name(path.name + suffix)


def unique_names(names: Sequence[str], suffix: str) -> list[Path]:
    """Relative file paths for documents ``names`` with ``suffix``, one per document and all
    different, even on a case-insensitive file system.

    A name is made safe first (``..``, ``.`` and absolute parts dropped; the suffix replaced);
    a path already taken gets ``-2``, ``-3``… before its suffix: ``coll.txt`` and ``coll.md``
    become ``coll.txt`` and ``coll-2.txt``; ``dup/x.txt`` and ``dup/../x.txt`` become
    ``dup/x.txt`` and ``dup/x-2.txt``.
    """
    taken: set[str] = set()
    out: list[Path] = []
    for name in names:
        path = _safe_name(name, suffix)
        candidate, n = path, 1
        while candidate.as_posix().casefold() in taken:
            n += 1
            candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        taken.add(candidate.as_posix().casefold())
        out.append(candidate)
    return out


def write_export(
    project: Project,
    fmt: str,
    out: str | Path,
    document: str | None = None,
    *,
    mark_unreviewed: bool = False,
) -> list[Path]:
    """Write one export; returns the files written.

    Args:
        project: the project.
        fmt: a key of :data:`FORMATS`.
        out: the output file; for ``txt``/``md`` of several documents, a folder (one file per
            document, named after it; names that clash once made safe get ``-2``, ``-3``…, see
            :func:`unique_names`, so no document is written over another).
        document: a document name or id (default: all; ``html`` needs one unless the project
            has only one).
        mark_unreviewed: ``txt``/``md`` only: ``⟦…⟧`` around the English of segments still
            ``new`` or ``rejected`` (see :func:`render_article`).

    Raises:
        InputError: an unknown format or document, ``html`` without a document, an export
            of approved pairs when none is approved yet, or ``mark_unreviewed`` with a format
            other than ``txt``/``md``.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    form = FORMATS[fmt]
    if mark_unreviewed:
        if fmt not in ("txt", "md"):
            raise InputError(f"--mark-unreviewed is for txt and md articles, not {fmt}")
        form = replace(form, render=_one(functools.partial(render_article, mark_unreviewed=True)))
    out = Path(out)
    docs = project.documents()
    if document is not None:
        try:
            ids = [project.find_document(document).id]
        except KeyError:
            names = ", ".join(d.name for d in docs[:10])
            raise InputError(
                f"{project.path}: no document {document!r} (documents: {names})"
            ) from None
    else:
        ids = [d.id for d in docs]
    if not ids:
        raise InputError(f"{project.path}: the project has no documents")
    if form.pairs and not _approved(project, ids):
        raise InputError(f"{project.path}: no approved segments to export as {fmt} yet")
    if form.glossary and not project.glossary():
        raise InputError(f"{project.path}: the project glossary is empty; nothing to export")
    if form.per_document and not form.folder and len(ids) != 1:
        raise InputError(f"--format {fmt} shows one document: pick it with --document")
    if form.per_document and len(ids) > 1 and out.suffix and not out.is_dir():
        raise InputError(
            f"{out}: {len(ids)} documents make one {form.extension} file each, so -o must be a "
            f"folder (e.g. -o {out.with_suffix('')}/), or pick one with --document"
        )
    if fmt == "train" and out.suffix.lower() != ".tsv":
        # tafsiri train tells a TSV from two line-aligned files by its suffix.
        out = out.with_suffix(".tsv") if out.suffix else out.with_name(out.name + ".tsv")
    if form.per_document and (len(ids) > 1 or out.is_dir() or str(out).endswith("/")):
        doc_names = [project.document(doc_id).name for doc_id in ids]
        paths = [out / rel for rel in unique_names(doc_names, form.extension)]
        rendered = [form.bytes(project, [doc_id]) for doc_id in ids]  # all, before any write
        for path, data in zip(paths, rendered, strict=True):
            _write(path, data)
        return paths
    _write(out, form.bytes(project, ids))
    return [out]


def unreviewed(project: Project, document_ids: Sequence[int] | None = None) -> dict[str, list[int]]:
    """Per document name, the numbers (1-based) of the segments that are still machine
    translation no editor saved (status ``new``) or that were rejected: what an exported
    article holds that nobody vouched for."""
    out: dict[str, list[int]] = {}
    for doc_id in _documents(project, document_ids):
        numbers = [
            s.position + 1
            for s in project.segments(doc_id)
            if s.status in UNREVIEWED and s.source.strip()
        ]
        if numbers:
            out[project.document(doc_id).name] = numbers
    return out


def _write(path: Path, data: bytes) -> None:
    with atomic_write(path, "wb", encoding=None) as handle:
        handle.write(data)
