"""Exports: post-edited articles, TMX 1.4, XLIFF 1.2, JSONL records, training pairs, effort, and a
static side-by-side HTML page.

Every format is first built in memory by a ``render_*`` function (the web app serves the same
bytes as downloads), and :func:`export` writes files atomically. TMX and XLIFF are written with
lxml and hold approved pairs only; rejected segments are never exported as translations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from review.model import Segment
from review.project import Project
from translate.records import RECORD_SCHEMA, to_jsonl
from translate.textio import InputError, atomic_write, write_text_atomic

__all__ = [
    "FORMATS",
    "PAIR_FORMATS",
    "render_article",
    "render_tmx",
    "render_xliff",
    "render_jsonl",
    "render_train",
    "render_effort",
    "render_html",
    "write_export",
]

#: Export formats: what each one writes.
FORMATS = {
    "txt": "the post-edited article(s), in the source's layout",
    "md": "the same, with a .md name (Markdown sources keep their markup)",
    "tmx": "TMX 1.4 of the approved pairs",
    "xliff": "XLIFF 1.2 of the approved pairs, one <file> per document",
    "jsonl": "tafsiri.segment/1 records with the final English (and a review field)",
    "train": "approved pairs as source<TAB>target, for tafsiri train --train X.tsv",
    "effort": "HTER and editing time per document and segment (JSON)",
    "html": "a static side-by-side page of one document, for sharing without the server",
}
#: Formats made of approved pairs only.
PAIR_FORMATS = ("tmx", "xliff", "train")

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


def render_article(project: Project, document_id: int) -> str:
    """The post-edited article: the source's layout with every segment's current English."""
    rows, tail = project.layout(document_id)
    return "".join(prefix + seg.target for prefix, seg in rows) + tail


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
            attrs["changeid"] = seg.editor
        tu = etree.SubElement(body, "tu", **attrs)
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
    become single spaces), the TSV form ``tafsiri train --train X.tsv`` reads."""
    lines = []
    for pair in _approved(project, document_ids):
        src, tgt = _one_line(pair.segment.source), _one_line(pair.segment.target)
        if src and tgt:
            lines.append(f"{src}\t{tgt}\n")
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


def render_html(project: Project, document_id: int) -> str:
    """A self-contained side-by-side page of one document (no scripts, no external files)."""
    from review.web import render_static_document

    return render_static_document(project, document_id)


def _safe_name(name: str, suffix: str) -> Path:
    parts = [p for p in Path(name).parts if p not in ("", ".", "..", "/")]
    path = Path(*parts) if parts else Path("document")
    return path.with_suffix(suffix) if path.suffix else path.with_name(path.name + suffix)


def write_export(
    project: Project, fmt: str, out: str | Path, document: str | None = None
) -> list[Path]:
    """Write one export; returns the files written.

    Args:
        project: the project.
        fmt: a key of :data:`FORMATS`.
        out: the output file; for ``txt``/``md`` of several documents, a folder (one file per
            document, named after it).
        document: a document name or id (default: all; ``html`` needs one unless the project
            has only one).

    Raises:
        InputError: an unknown format or document, ``html`` without a document, or an export
            of approved pairs when none is approved yet.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
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
    if fmt in PAIR_FORMATS and not _approved(project, ids):
        raise InputError(f"{project.path}: no approved segments to export as {fmt} yet")
    if fmt == "html":
        if len(ids) != 1:
            raise InputError("--format html shows one document: pick it with --document")
        write_text_atomic(out, render_html(project, ids[0]))
        return [out]
    if fmt in ("txt", "md"):
        if len(ids) == 1 and not (out.is_dir() or str(out).endswith("/")):
            write_text_atomic(out, render_article(project, ids[0]))
            return [out]
        written = []
        for doc_id in ids:
            path = out / _safe_name(project.document(doc_id).name, "." + fmt)
            write_text_atomic(path, render_article(project, doc_id))
            written.append(path)
        return written
    if fmt in ("tmx", "xliff"):
        data = render_tmx(project, ids) if fmt == "tmx" else render_xliff(project, ids)
        with atomic_write(out, "wb", encoding=None) as handle:
            handle.write(data)
        return [out]
    render = {"jsonl": render_jsonl, "train": render_train, "effort": render_effort}[fmt]
    write_text_atomic(out, render(project, ids))
    return [out]
