"""The review app's pages and JSON API, one small function per route.

Every view reads the app's :class:`Review` (the project, the n-best helper and the templates)
from ``request.app.state.review``, as datasette hands its one ``Datasette`` object to every view.
Views raise :class:`ApiError` (or let the project's ``KeyError``/``ValueError`` through
:func:`call`); :mod:`review.web` turns every error into the one JSON shape ``{"error": "..."}``.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from review.assist import MAX_ALTERNATIVES, AssistUnavailable
from review.diff import word_diff
from review.export import FORMATS
from review.memory import best_matches, concordance
from review.model import STATUSES, SaveResult
from review.pages import document_context
from review.project import MAX_ID, Project
from review.replace import ReplaceOptions, apply_replace, find_hits

__all__ = [
    "Review",
    "ApiError",
    "NotFound",
    "BadRequest",
    "call",
    "content_disposition",
    "index",
    "document_page",
    "download",
    "documents_api",
    "get_segment",
    "save_segment",
    "check_segment",
    "ignore_flag",
    "history",
    "memory",
    "alternatives",
    "distinct_alternatives",
    "comments",
    "add_comment",
    "ignore_term",
    "glossary_api",
    "add_glossary",
    "lookup",
    "replace_preview",
    "replace_apply",
    "diff",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Review:
    """What every view needs.

    Attributes:
        project: the open project (one SQLite connection per thread).
        alternatives: ``(text, n) -> hypotheses``, or None when no model is configured.
        env: the templates.
    """

    project: Project
    alternatives: Callable[[str, int], list[Any]] | None
    env: jinja2.Environment


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with ``status``."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class BadRequest(ApiError):
    """400: the request is malformed or a value is out of range."""


class NotFound(ApiError):
    """404: no such segment, document or format."""

    status = 404


def _review(request: Request) -> Review:
    review: Review = request.app.state.review
    return review


@functools.cache
def _project_threads() -> anyio.CapacityLimiter:
    # A few threads, not the pool's 40: on a small machine 20 editors' requests each in its own
    # thread spend their time passing the GIL and the write lock around (20 editors saving
    # without pause: 170 saves/s, against 286/s for 4). Requests beyond these wait in the event
    # loop, which costs nothing.
    return anyio.CapacityLimiter(4)


async def call(
    function: Callable[..., T], *args: Any, missing: str = "no such segment", model: bool = False
) -> T:
    """Run a project call in a worker thread: KeyError becomes :class:`NotFound` (``missing``),
    ValueError :class:`BadRequest`. ``model``: a decode that takes seconds, run in the common
    pool so it never holds up the project's few threads."""
    try:
        return await anyio.to_thread.run_sync(
            functools.partial(function, *args), limiter=None if model else _project_threads()
        )
    except KeyError:
        raise NotFound(missing) from None
    except ValueError as err:
        raise BadRequest(str(err)) from None


def _id(request: Request, name: str, missing: str) -> int:
    value: int = request.path_params[name]
    if not 0 <= value <= MAX_ID:
        raise NotFound(missing)
    return value


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        data = json.loads(raw)
    except RecursionError:
        raise BadRequest("the request body is nested too deeply") from None
    except ValueError:
        raise BadRequest("the request body is not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return data


def _field(data: dict[str, Any], key: str, kind: type, default: Any = ...) -> Any:
    if key not in data or data[key] is None:
        if default is ...:
            raise BadRequest(f'"{key}" is required')
        return default
    value: Any = data[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value) if abs(value) < 2**1023 else math.inf
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadRequest(f'"{key}" must be a {kind.__name__}')
    if isinstance(value, float) and not math.isfinite(value):
        raise BadRequest(f'"{key}" must be a finite number, got {value}')
    if isinstance(value, int) and not 0 <= value <= MAX_ID:
        raise BadRequest(f'"{key}" must be a whole number from 0 to {MAX_ID}')
    return value


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    context["csrf_token"] = request.scope["state"]["csrf_token"]
    return HTMLResponse(_review(request).env.get_template(name).render(**context))


def content_disposition(filename: str) -> str:
    """An ``attachment`` header value for any file name (RFC 6266 with RFC 5987's
    ``filename*=UTF-8''…``, and an ASCII ``filename=`` for clients that know only that)."""
    ascii_only = (c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    fallback = "".join(ascii_only).lstrip(".") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


# -- pages ---------------------------------------------------------------------------------


async def index(request: Request) -> Response:
    """``GET /``: the document list with progress, open flags, HTER and time."""
    project = _review(request).project
    docs = await call(project.documents)
    return _page(request, "index.html", documents=docs, project=project.path.name)


async def document_page(request: Request) -> Response:
    """``GET /documents/{id}?status=&flag=&q=``: the segment grid, filtered."""
    project = _review(request).project
    doc_id = _id(request, "doc_id", "no such document")
    q = request.query_params
    filters = {
        "status": q.get("status", ""),
        "flag": q.get("flag", ""),
        "query": q.get("q", ""),
        "sort": q.get("sort", ""),
    }
    if filters["status"] not in STATUSES:
        filters["status"] = ""
    if filters["sort"] not in ("", "risk"):
        filters["sort"] = ""
    context = await call(
        functools.partial(document_context, project, doc_id, **filters), missing="no such document"
    )
    return _page(request, "document.html", filters=filters, project=project.path.name, **context)


async def download(request: Request) -> Response:
    """``GET /documents/{id}/download/{format}``: one document in a format of
    :data:`review.export.FORMATS`, rendered in memory."""
    project = _review(request).project
    doc_id = _id(request, "doc_id", "no such document")
    form = FORMATS.get(request.path_params["fmt"])
    if form is None:
        raise NotFound(f"no such format; choose one of {', '.join(FORMATS)}")

    def render() -> tuple[str, bytes]:
        return project.document(doc_id).name, form.bytes(project, [doc_id])

    name, data = await call(render, missing="no such document")
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "document"
    headers = {"content-disposition": content_disposition(stem + form.extension)}
    return Response(data, media_type=form.media_type, headers=headers)


# -- JSON API --------------------------------------------------------------------------------


async def documents_api(request: Request) -> Response:
    """``GET /api/documents``: every document with its progress."""
    docs = await call(_review(request).project.documents)
    return JSONResponse({"documents": [d.to_dict() for d in docs]})


async def get_segment(request: Request) -> Response:
    """``GET /api/segments/{id}``: one segment."""
    seg_id = _id(request, "seg_id", "no such segment")
    seg = await call(_review(request).project.segment, seg_id)
    return JSONResponse(seg.to_dict())


async def save_segment(request: Request) -> Response:
    """``POST /api/segments/{id}`` ``{"text", "version", "status"?, "editor"?, "seconds"?}``:
    200 with the segment, or 409 with both texts when ``version`` is stale."""
    seg_id = _id(request, "seg_id", "no such segment")
    data = await _body(request)
    text = _field(data, "text", str)
    version = _field(data, "version", int)
    status = _field(data, "status", str, None)
    editor = _field(data, "editor", str, "editor")
    seconds = _field(data, "seconds", float, 0.0)
    project = _review(request).project

    def save() -> tuple[SaveResult, dict[str, Any]]:
        result = project.save(
            seg_id, text, version=version, status=status, editor=editor, seconds=seconds
        )
        return result, project.progress(result.segment.document_id)

    result, summary = await call(save)
    if result.conflict is not None:
        return JSONResponse({**result.conflict.to_dict(), "summary": summary}, status_code=409)
    return JSONResponse(
        {"conflict": False, "segment": result.segment.to_dict(), "summary": summary}
    )


async def check_segment(request: Request) -> Response:
    """``POST /api/segments/{id}/check`` ``{"text"}``: the QA flags the text would get."""
    seg_id = _id(request, "seg_id", "no such segment")
    text = _field(await _body(request), "text", str)
    project = _review(request).project
    seg, flags = await call(lambda: (project.segment(seg_id), project.check(seg_id, text)))
    return JSONResponse(
        {
            "flags": [f.to_dict() for f in flags],
            "open_flags": [f.code for f in flags if f.code not in seg.ignored],
            "ignored": list(seg.ignored),
        }
    )


async def ignore_flag(request: Request) -> Response:
    """``POST /api/segments/{id}/ignore`` ``{"code", "ignore"}``: mark a flag ignored."""
    seg_id = _id(request, "seg_id", "no such segment")
    data = await _body(request)
    code = _field(data, "code", str)
    ignore = _field(data, "ignore", bool, True)
    seg = await call(_review(request).project.set_ignored, seg_id, code, ignore)
    return JSONResponse(seg.to_dict())


async def history(request: Request) -> Response:
    """``GET /api/segments/{id}/history``: every stored text of the segment."""
    seg_id = _id(request, "seg_id", "no such segment")
    versions = await call(_review(request).project.history, seg_id)
    return JSONResponse({"versions": [v.to_dict() for v in versions]})


async def memory(request: Request) -> Response:
    """``GET /api/segments/{id}/memory``: translation-memory matches for its source."""
    seg_id = _id(request, "seg_id", "no such segment")
    project = _review(request).project

    def find() -> list[Any]:
        seg = project.segment(seg_id)
        return best_matches(seg.source, project.memory(exclude=seg_id))

    matches = await call(find)
    return JSONResponse({"matches": [m.to_dict() for m in matches]})


async def alternatives(request: Request) -> Response:
    """``POST /api/segments/{id}/alternatives`` ``{"n"}``: the model's n-best."""
    seg_id = _id(request, "seg_id", "no such segment")
    n = _field(await _body(request), "n", int, 5)
    if not 1 <= n <= MAX_ALTERNATIVES:
        raise BadRequest(f"n must be 1..{MAX_ALTERNATIVES}, got {n}")
    review = _review(request)
    seg = await call(review.project.segment, seg_id)
    if review.alternatives is None:
        raise ApiError("alternatives are off: no model configured for this server", 503)
    try:
        # A wider beam than shown: near-identical variants are folded into one.
        hyps = await call(review.alternatives, seg.source, min(2 * n, MAX_ALTERNATIVES), model=True)
    except AssistUnavailable as err:
        raise ApiError(str(err), 503) from None
    return JSONResponse({"alternatives": distinct_alternatives(hyps, n)})


def _fold(text: str) -> str:
    return " ".join("".join(c for c in text.casefold() if c.isalnum() or c.isspace()).split())


def distinct_alternatives(hypotheses: list[Any], n: int) -> list[dict[str, Any]]:
    """The ``n`` best hypotheses that differ in more than case, punctuation and spacing, each
    with ``percent``: its share of the probability of those shown (a softmax of the
    length-normalised log-probabilities), and the raw ``score``."""
    seen: set[str] = set()
    kept = []
    for hyp in hypotheses:
        key = _fold(hyp.text)
        if key in seen or not hyp.text.strip():
            continue
        seen.add(key)
        kept.append(hyp)
        if len(kept) >= n:
            break
    if not kept:
        return []
    top = max(h.score for h in kept)
    weights = [math.exp(h.score - top) for h in kept]
    total = sum(weights)
    return [
        {"text": h.text, "score": round(h.score, 4), "percent": round(100 * w / total, 1)}
        for h, w in zip(kept, weights, strict=True)
    ]


# -- comments, term decisions, the project glossary, find & replace, diff ---------------------


async def comments(request: Request) -> Response:
    """``GET /api/segments/{id}/comments``: a segment's comments."""
    seg_id = _id(request, "seg_id", "no such segment")
    found = await call(_review(request).project.comments, seg_id)
    return JSONResponse({"comments": [c.to_dict() for c in found]})


async def add_comment(request: Request) -> Response:
    """``POST /api/segments/{id}/comments`` ``{"text", "editor"?}``: leave a comment."""
    seg_id = _id(request, "seg_id", "no such segment")
    data = await _body(request)
    text = _field(data, "text", str)
    editor = _field(data, "editor", str, "editor")
    project = _review(request).project
    comment = await call(lambda: project.add_comment(seg_id, text, editor=editor))
    return JSONResponse({"comment": comment.to_dict()})


async def ignore_term(request: Request) -> Response:
    """``POST /api/documents/{id}/terms`` ``{"sw", "ignore"?, "editor"?}``: ignore a glossary
    term in the whole document (or stop ignoring it); the document is checked again."""
    doc_id = _id(request, "doc_id", "no such document")
    data = await _body(request)
    sw = _field(data, "sw", str)
    ignore = _field(data, "ignore", bool, True)
    editor = _field(data, "editor", str, "editor")
    project = _review(request).project
    changed = await call(
        lambda: project.ignore_term(doc_id, sw, ignore, editor=editor), missing="no such document"
    )
    ignored = await call(project.ignored_terms, doc_id, missing="no such document")
    return JSONResponse({"segments": [seg.to_dict() for seg in changed], "ignored": ignored})


async def glossary_api(request: Request) -> Response:
    """``GET /api/glossary``: the renderings editors added to the project glossary."""
    entries = await call(_review(request).project.glossary)
    return JSONResponse({"entries": [e.to_dict() for e in entries]})


async def add_glossary(request: Request) -> Response:
    """``POST /api/glossary`` ``{"sw", "en", "editor"?}``: accept a rendering of a term in the
    whole project; every segment with that term is checked again."""
    data = await _body(request)
    sw = _field(data, "sw", str)
    en = _field(data, "en", str)
    editor = _field(data, "editor", str, "editor")
    project = _review(request).project
    changed = await call(lambda: project.add_glossary(sw, en, editor=editor))
    return JSONResponse({"segments": [seg.to_dict() for seg in changed]})


async def lookup(request: Request) -> Response:
    """``GET /api/lookup?q=``: a term's concordance: glossary entries (shipped and project),
    translation-memory pairs and approved segments that hold it."""
    query = request.query_params.get("q", "")
    if not query.strip():
        raise BadRequest("q is empty; type a term to look up")
    if len(query) > 200:
        raise BadRequest("q holds at most 200 characters")
    found = await call(concordance, _review(request).project, query)
    return JSONResponse(found)


def _replace_options(data: dict[str, Any]) -> ReplaceOptions:
    try:
        return ReplaceOptions(
            find=_field(data, "find", str),
            replace=_field(data, "replace", str, ""),
            regex=_field(data, "regex", bool, False),
            whole_word=_field(data, "whole_word", bool, False),
            case=_field(data, "case", bool, False),
        )
    except ValueError as err:
        raise BadRequest(str(err)) from None


async def replace_preview(request: Request) -> Response:
    """``POST /api/replace/preview`` ``{"find", "replace", "regex"?, "whole_word"?, "case"?,
    "document_id"?}``: the segments a replacement would change (none is saved)."""
    data = await _body(request)
    options = _replace_options(data)
    doc_id = _field(data, "document_id", int, None)
    hits = await call(
        find_hits, _review(request).project, options, doc_id, missing="no such document"
    )
    return JSONResponse({"hits": [h.to_dict() for h in hits]})


async def replace_apply(request: Request) -> Response:
    """``POST /api/replace`` (the preview's fields, ``"versions": {id: version}``,
    ``"editor"``): replace, one versioned save per segment; segments saved by someone else
    since the preview are conflicts."""
    data = await _body(request)
    options = _replace_options(data)
    doc_id = _field(data, "document_id", int, None)
    editor = _field(data, "editor", str, "editor")
    raw = _field(data, "versions", dict, None)
    versions = None
    if raw is not None:
        try:
            versions = {int(k): int(v) for k, v in raw.items()}
        except (TypeError, ValueError):
            raise BadRequest('"versions" must map segment ids to versions') from None
    project = _review(request).project
    result = await call(
        lambda: apply_replace(project, options, doc_id, versions=versions, editor=editor),
        missing="no such document",
    )
    summary = None
    if doc_id is not None:
        summary = await call(project.progress, doc_id, missing="no such document")
    return JSONResponse(
        {
            "saved": [s.to_dict() for s in result.saved],
            "conflicts": list(result.conflicts),
            "summary": summary,
        }
    )


async def diff(request: Request) -> Response:
    """``GET /api/segments/{id}/diff?a=N&b=M``: the word-level diff between two entries of the
    segment's history (their positions in ``/history``, 0 = the MT; default: the MT and the
    current English)."""
    seg_id = _id(request, "seg_id", "no such segment")
    project = _review(request).project
    versions = await call(project.history, seg_id)
    seg = await call(project.segment, seg_id)

    def pick(name: str, default: str) -> str:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        if not raw.isdigit() or int(raw) >= len(versions):
            raise BadRequest(f"{name} must be a position in the history, 0 to {len(versions) - 1}")
        return versions[int(raw)].text

    old, new = pick("a", seg.mt), pick("b", seg.target)
    return JSONResponse({"diff": [list(op) for op in word_diff(old, new)]})
