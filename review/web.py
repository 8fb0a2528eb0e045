"""The review web app: pages and a JSON API over one project (Starlette + Jinja2).

Pages are rendered on the server with autoescaping Jinja2 templates; the only script is the
packaged ``static/review.js`` (the Content-Security-Policy forbids inline script). The app reads
and writes nothing but the project database and its packaged templates and static files;
downloads are rendered from the database in memory.

Routes:

- ``GET /``: the document list with progress, open flags, HTER and time.
- ``GET /documents/{id}?status=&flag=&q=``: the segment grid, filtered.
- ``GET /documents/{id}/download/{format}``: an export of that document (see
  :data:`review.export.FORMATS`).
- ``GET /api/segments/{id}``, ``/history``, ``/memory``: a segment, its versions, TM matches.
- ``POST /api/segments/{id}``: save ``{"text", "version", "status"?, "editor"?, "seconds"?}``;
  200 with the segment, or 409 with both texts when ``version`` is stale.
- ``POST /api/segments/{id}/check`` ``{"text"}``: the QA flags the text would get.
- ``POST /api/segments/{id}/ignore`` ``{"code", "ignore"}``: mark a flag ignored.
- ``POST /api/segments/{id}/alternatives`` ``{"n"}``: the model's n-best.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from review.assist import AssistUnavailable
from review.memory import best_matches
from review.model import STATUSES, Segment, Term
from review.project import Project
from review.qa import FLAGS
from review.security import LOOPBACK_HOSTS, Guard

__all__ = ["create_app", "render_static_document", "source_chunks", "filter_segments"]

log = logging.getLogger(__name__)

_DOWNLOADS = {
    "txt": ("text/plain; charset=utf-8", ".txt"),
    "md": ("text/markdown; charset=utf-8", ".md"),
    "html": ("text/html; charset=utf-8", ".html"),
    "tmx": ("application/xml", ".tmx"),
    "xliff": ("application/xml", ".xlf"),
    "jsonl": ("application/x-ndjson; charset=utf-8", ".jsonl"),
    "train": ("text/tab-separated-values; charset=utf-8", ".tsv"),
    "effort": ("application/json", ".json"),
}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("review", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["minutes"] = _minutes
    env.globals.update(FLAGS=FLAGS, STATUSES=STATUSES)
    return env


def _minutes(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


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
    segments: list[Segment], status: str = "", flag: str = "", query: str = ""
) -> list[Segment]:
    """The segments a document view shows.

    Args:
        segments: a document's segments.
        status: one of :data:`review.model.STATUSES`, or "" for all.
        flag: a flag code (segments with that flag open), ``"any"`` (any open flag),
            ``"none"`` (no open flag), or "" for all.
        query: case-insensitive text to find in the source or the current English.
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
    return out


def _paragraphs(segments: list[Segment]) -> list[list[Segment]]:
    groups: list[list[Segment]] = []
    for seg in segments:
        if not groups or groups[-1][-1].paragraph != seg.paragraph:
            groups.append([])
        groups[-1].append(seg)
    return groups


def _document_context(project: Project, document_id: int, **filters: str) -> dict[str, Any]:
    segments = project.segments(document_id)
    shown = filter_segments(segments, **filters)
    return {
        "document": project.document(document_id),
        "summary": project.summary(document_id),
        "paragraphs": _paragraphs(shown),
        "shown": len(shown),
        "total": len(segments),
        "has_reference": any(s.reference for s in segments),
        "chunks": {s.id: source_chunks(s.source, s.terms) for s in shown},
    }


def render_static_document(project: Project, document_id: int) -> str:
    """The static side-by-side page of one document (self-contained; no script)."""
    context = _document_context(project, document_id)
    return _environment().get_template("static.html").render(**context)


class _BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        raise _BadRequest("the request body is not JSON") from None
    if not isinstance(data, dict):
        raise _BadRequest("the request body must be a JSON object")
    return data


def _field(data: dict[str, Any], key: str, kind: type, default: Any = ...) -> Any:
    if key not in data or data[key] is None:
        if default is ...:
            raise _BadRequest(f'"{key}" is required')
        return default
    value = data[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _BadRequest(f'"{key}" must be a {kind.__name__}')
    return value


Handler = Callable[[Request], Awaitable[Response]]


def _api(handler: Handler) -> Handler:
    """JSON errors for bad input and unknown ids, instead of HTML error pages."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except _BadRequest as err:
            return _error(str(err), err.status)
        except KeyError:
            return _error("no such segment or document", 404)
        except ValueError as err:
            return _error(str(err), 400)

    return wrapped


def create_app(
    project: Project,
    *,
    alternatives: Callable[[str, int], list[Any]] | None = None,
    token: str | None = None,
    allowed_hosts: frozenset[str] | None = LOOPBACK_HOSTS,
    csrf_secret: bytes | None = None,
) -> Starlette:
    """The review app over ``project``.

    Args:
        project: the open project (shared by all requests; one SQLite connection per thread).
        alternatives: ``(text, n) -> hypotheses`` (a :class:`review.assist.Alternatives`);
            None: the feature says no model is configured.
        token: the access token every request must carry (None: loopback, no token).
        allowed_hosts: accepted ``Host`` names (None: any, only together with a token).
        csrf_secret: the key for CSRF tokens (random by default; tests fix it).
    """
    env = _environment()

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        context["csrf_token"] = request.scope["state"]["csrf_token"]
        return HTMLResponse(env.get_template(name).render(**context))

    async def index(request: Request) -> Response:
        docs = await run_in_threadpool(project.documents)
        return page(request, "index.html", documents=docs, project=project.path.name)

    async def document_view(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        q = request.query_params
        filters = {
            "status": q.get("status", ""),
            "flag": q.get("flag", ""),
            "query": q.get("q", ""),
        }
        if filters["status"] and filters["status"] not in STATUSES:
            filters["status"] = ""
        try:
            context = await run_in_threadpool(_document_context, project, doc_id, **filters)
        except KeyError:
            return HTMLResponse("no such document", status_code=404)
        return page(request, "document.html", filters=filters, project=project.path.name, **context)

    async def download(request: Request) -> Response:
        from review.export import (
            render_article,
            render_effort,
            render_html,
            render_jsonl,
            render_tmx,
            render_train,
            render_xliff,
        )

        doc_id = request.path_params["doc_id"]
        fmt = request.path_params["fmt"]
        if fmt not in _DOWNLOADS:
            return HTMLResponse("unknown format", status_code=404)

        def render() -> tuple[str, bytes]:
            name = project.document(doc_id).name
            if fmt in ("txt", "md"):
                data: str | bytes = render_article(project, doc_id)
            elif fmt == "html":
                data = render_html(project, doc_id)
            elif fmt == "tmx":
                data = render_tmx(project, [doc_id])
            elif fmt == "xliff":
                data = render_xliff(project, [doc_id])
            else:
                renderers = {
                    "jsonl": render_jsonl,
                    "train": render_train,
                    "effort": render_effort,
                }
                data = renderers[fmt](project, [doc_id])
            return name, data.encode("utf-8") if isinstance(data, str) else data

        try:
            name, data = await run_in_threadpool(render)
        except KeyError:
            return HTMLResponse("no such document", status_code=404)
        media, suffix = _DOWNLOADS[fmt]
        stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.rsplit(".", 1)[0])
        disposition = f'attachment; filename="{stem or "document"}{suffix}"'
        return Response(data, media_type=media, headers={"content-disposition": disposition})

    @_api
    async def get_segment(request: Request) -> Response:
        seg = await run_in_threadpool(project.segment, request.path_params["seg_id"])
        return JSONResponse(seg.to_dict())

    @_api
    async def save_segment(request: Request) -> Response:
        data = await _body(request)
        text = _field(data, "text", str)
        version = _field(data, "version", int)
        status = _field(data, "status", str, None)
        editor = _field(data, "editor", str, "editor")
        seconds = _field(data, "seconds", float, 0.0)
        result = await run_in_threadpool(
            lambda: project.save(
                request.path_params["seg_id"],
                text,
                version=version,
                status=status,
                editor=editor,
                seconds=seconds,
            )
        )
        if result.conflict is not None:
            return JSONResponse(result.conflict.to_dict(), status_code=409)
        return JSONResponse({"conflict": False, "segment": result.segment.to_dict()})

    @_api
    async def check_segment(request: Request) -> Response:
        data = await _body(request)
        text = _field(data, "text", str)
        seg_id = request.path_params["seg_id"]
        seg, flags = await run_in_threadpool(
            lambda: (project.segment(seg_id), project.check(seg_id, text))
        )
        return JSONResponse(
            {
                "flags": [f.to_dict() for f in flags],
                "open_flags": [f.code for f in flags if f.code not in seg.ignored],
                "ignored": list(seg.ignored),
            }
        )

    @_api
    async def ignore_flag(request: Request) -> Response:
        data = await _body(request)
        code = _field(data, "code", str)
        ignore = _field(data, "ignore", bool, True)
        seg = await run_in_threadpool(
            project.set_ignored, request.path_params["seg_id"], code, ignore
        )
        return JSONResponse(seg.to_dict())

    @_api
    async def history(request: Request) -> Response:
        versions = await run_in_threadpool(project.history, request.path_params["seg_id"])
        return JSONResponse({"versions": [v.to_dict() for v in versions]})

    @_api
    async def memory(request: Request) -> Response:
        seg_id = request.path_params["seg_id"]

        def find() -> list[Any]:
            seg = project.segment(seg_id)
            return best_matches(seg.source, project.memory(exclude=seg_id))

        matches = await run_in_threadpool(find)
        return JSONResponse({"matches": [m.to_dict() for m in matches]})

    @_api
    async def nbest(request: Request) -> Response:
        data = await _body(request)
        n = _field(data, "n", int, 5)
        seg = await run_in_threadpool(project.segment, request.path_params["seg_id"])
        if alternatives is None:
            return _error("alternatives are off: no model configured for this server", 503)
        try:
            hyps = await run_in_threadpool(alternatives, seg.source, n)
        except AssistUnavailable as err:
            return _error(str(err), 503)
        return JSONResponse(
            {"alternatives": [{"text": h.text, "score": round(h.score, 4)} for h in hyps]}
        )

    @_api
    async def documents_api(request: Request) -> Response:
        docs = await run_in_threadpool(project.documents)
        return JSONResponse({"documents": [d.to_dict() for d in docs]})

    static = StaticFiles(directory=str(files("review") / "static"))
    routes = [
        Route("/", index),
        Route("/documents/{doc_id:int}", document_view),
        Route("/documents/{doc_id:int}/download/{fmt}", download),
        Route("/api/documents", documents_api),
        Route("/api/segments/{seg_id:int}", get_segment, methods=["GET"]),
        Route("/api/segments/{seg_id:int}", save_segment, methods=["POST"]),
        Route("/api/segments/{seg_id:int}/check", check_segment, methods=["POST"]),
        Route("/api/segments/{seg_id:int}/ignore", ignore_flag, methods=["POST"]),
        Route("/api/segments/{seg_id:int}/history", history),
        Route("/api/segments/{seg_id:int}/memory", memory),
        Route("/api/segments/{seg_id:int}/alternatives", nbest, methods=["POST"]),
        Mount("/static", static, name="static"),
    ]
    guard = Middleware(Guard, allowed_hosts=allowed_hosts, token=token, secret=csrf_secret)
    return Starlette(routes=routes, middleware=[guard])
