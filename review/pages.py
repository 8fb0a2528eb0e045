"""What the review pages show: the Jinja2 environment, the source cut into term and plain
chunks, the segment filters, and the static side-by-side page.

Shared by the web views (:mod:`review.views`) and the ``html`` export (:mod:`review.export`);
it imports neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup, escape

from review.diff import word_diff
from review.model import STATUSES, Segment, Term
from review.project import Project
from review.qa import FLAGS, INVISIBLE, SEVERITY, TRUST_FLAGS, invisible_name, risk

__all__ = [
    "Chunk",
    "environment",
    "source_chunks",
    "filter_segments",
    "document_context",
    "render_static_document",
    "reveal",
]

_INVISIBLE = re.compile("([" + "".join(INVISIBLE) + "])")


def environment() -> jinja2.Environment:
    """The autoescaping environment over the packaged templates."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("review", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["minutes"] = _minutes
    env.filters["reveal"] = reveal
    env.filters["invisibles"] = invisibles
    env.filters["diff"] = lambda seg: word_diff(seg.mt, seg.target)
    env.globals.update(FLAGS=FLAGS, STATUSES=STATUSES, SEVERITY=SEVERITY, TRUST=TRUST_FLAGS)
    return env


def _minutes(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def reveal(text: str) -> Markup:
    """``text`` escaped for HTML, with every bidi control and zero-width character
    (:data:`review.qa.INVISIBLE`) replaced by a visible label (``<span class="invisible">RLO
    </span>``), so a right-to-left override cannot reverse what the editor reads."""
    parts = _INVISIBLE.split(text)
    out = []
    for k, part in enumerate(parts):
        if k % 2:
            out.append(
                f'<span class="invisible" title="{escape(invisible_name(part))}">'
                f"{INVISIBLE[part]}</span>"
            )
        else:
            out.append(str(escape(part)))
    return Markup("".join(out))


def invisibles(text: str) -> list[str]:
    """The names of the hidden characters in ``text``, in order of first occurrence."""
    return [invisible_name(c) for c in dict.fromkeys(_INVISIBLE.findall(text))]


@dataclass(frozen=True)
class Chunk:
    """A piece of a source for display: plain text, or a glossary term occurrence."""

    text: str
    term: Term | None = None


def source_chunks(source: str, terms: tuple[Term, ...]) -> list[Chunk]:
    """Cut a source into plain text and term occurrences (for highlighting; escaped later)."""
    placed = sorted(
        (t for t in terms if 0 <= t.start < t.end <= len(source)), key=lambda t: t.start
    )
    chunks: list[Chunk] = []
    pos = 0
    for term in placed:
        if term.start < pos:
            continue  # overlapping occurrences: the first one is shown
        if term.start > pos:
            chunks.append(Chunk(source[pos : term.start]))
        chunks.append(Chunk(source[term.start : term.end], term))
        pos = term.end
    if pos < len(source):
        chunks.append(Chunk(source[pos:]))
    return chunks


def filter_segments(
    segments: list[Segment], status: str = "", flag: str = "", query: str = "", sort: str = ""
) -> list[Segment]:
    """The segments a document view shows.

    Args:
        segments: a document's segments.
        status: one of :data:`review.model.STATUSES`, or "" for all.
        flag: a flag code (segments with that flag open), ``"any"`` (any open flag),
            ``"none"`` (no open flag), or "" for all.
        query: case-insensitive text to find in the source or the current English.
        sort: ``"risk"``: riskiest first (:func:`review.qa.risk`: the open flags' severity,
            their number, then the lowest model confidence); "" keeps document order.
    """
    out = []
    needle = query.casefold().strip()
    for seg in segments:
        if status and seg.status != status:
            continue
        open_codes = {f.code for f in seg.open_flags}
        if flag == "any" and not open_codes:
            continue
        if flag == "none" and open_codes:
            continue
        if flag in FLAGS and flag not in open_codes:
            continue
        if needle and needle not in seg.source.casefold() and needle not in seg.target.casefold():
            continue
        out.append(seg)
    if sort == "risk":
        out.sort(key=lambda s: (*risk(s.open_flags, s.confidence), s.position))
    return out


def _paragraphs(segments: list[Segment], keep_order: bool = False) -> list[list[Segment]]:
    groups: list[list[Segment]] = []
    for seg in segments:
        if keep_order or not groups or groups[-1][-1].paragraph != seg.paragraph:
            groups.append([])
        groups[-1].append(seg)
    return groups


def document_context(project: Project, document_id: int, **filters: str) -> dict[str, Any]:
    """What ``document.html`` and ``static.html`` need for one document.

    Raises:
        KeyError: no such document.
    """
    document = project.document(document_id)
    segments = project.segments(document_id)
    shown = filter_segments(segments, **filters)
    return {
        "document": document,
        "summary": project.summary(document_id),
        "paragraphs": _paragraphs(shown, keep_order=filters.get("sort") == "risk"),
        "ignored_terms": project.ignored_terms(document_id),
        "shown": len(shown),
        "total": len(segments),
        "has_reference": any(s.reference for s in segments),
        "chunks": {s.id: source_chunks(s.source, s.terms) for s in shown},
    }


def render_static_document(project: Project, document_id: int) -> str:
    """The static side-by-side page of one document (self-contained; no script)."""
    context = document_context(project, document_id)
    return environment().get_template("static.html").render(**context)
