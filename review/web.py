"""The review web app: pages and a JSON API over one project (Starlette + Jinja2).

Pages are rendered on the server with autoescaping Jinja2 templates (:mod:`review.pages`); the
only script is the packaged ``static/review.js`` (the Content-Security-Policy forbids inline
script). The app reads and writes nothing but the project database and its packaged templates and
static files; downloads are rendered from the database in memory.

Routes (one function each in :mod:`review.views`):

- ``GET /``: the document list with progress, open flags, HTER and time.
- ``GET /documents/{id}?status=&flag=&q=&sort=``: the segment grid, filtered (``sort=risk``:
  riskiest first).
- ``GET /documents/{id}/download/{format}``: an export of that document (see
  :data:`review.export.FORMATS`).
- ``GET /api/documents``: every document with its progress.
- ``GET /api/segments/{id}``, ``/history``, ``/memory``: a segment, its versions, TM matches.
- ``POST /api/segments/{id}``: save ``{"text", "version", "status"?, "editor"?, "seconds"?}``;
  200 with the segment, or 409 with both texts when ``version`` is stale.
- ``POST /api/segments/{id}/check`` ``{"text"}``: the QA flags the text would get.
- ``POST /api/segments/{id}/ignore`` ``{"code", "ignore"}``: mark a flag ignored.
- ``POST /api/segments/{id}/alternatives`` ``{"n"}``: the model's n-best, distinct, with
  percentages.
- ``GET|POST /api/segments/{id}/comments``: a segment's comments; add one ``{"text"}``.
- ``GET /api/segments/{id}/diff?a=&b=``: word-level diff of two history entries.
- ``POST /api/documents/{id}/terms`` ``{"sw", "ignore"}``: ignore a glossary term in a document.
- ``GET|POST /api/glossary``: the project glossary; add a rendering ``{"sw", "en"}``.
- ``GET /api/lookup?q=``: a term's concordance (glossaries, memory, approved segments).
- ``POST /api/replace/preview``, ``POST /api/replace``: find & replace (see
  :mod:`review.replace`).

Every error, from a view, from routing (unknown address, wrong method) or from the guard, is
answered in one shape: ``{"error": "one line"}`` with its 4xx status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib.resources import files
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from review import views
from review.pages import environment
from review.project import Project
from review.security import LOOPBACK_HOSTS, Guard

__all__ = ["create_app", "ROUTES"]

log = logging.getLogger(__name__)

#: The app's routes: (path, view, methods).
ROUTES: tuple[tuple[str, Callable[..., Any], tuple[str, ...]], ...] = (
    ("/", views.index, ("GET",)),
    ("/documents/{doc_id:int}", views.document_page, ("GET",)),
    ("/documents/{doc_id:int}/download/{fmt}", views.download, ("GET",)),
    ("/api/documents", views.documents_api, ("GET",)),
    ("/api/segments/{seg_id:int}", views.get_segment, ("GET",)),
    ("/api/segments/{seg_id:int}", views.save_segment, ("POST",)),
    ("/api/segments/{seg_id:int}/check", views.check_segment, ("POST",)),
    ("/api/segments/{seg_id:int}/ignore", views.ignore_flag, ("POST",)),
    ("/api/segments/{seg_id:int}/history", views.history, ("GET",)),
    ("/api/segments/{seg_id:int}/memory", views.memory, ("GET",)),
    ("/api/segments/{seg_id:int}/alternatives", views.alternatives, ("POST",)),
    ("/api/segments/{seg_id:int}/comments", views.comments, ("GET",)),
    ("/api/segments/{seg_id:int}/comments", views.add_comment, ("POST",)),
    ("/api/segments/{seg_id:int}/diff", views.diff, ("GET",)),
    ("/api/documents/{doc_id:int}/terms", views.ignore_term, ("POST",)),
    ("/api/glossary", views.glossary_api, ("GET",)),
    ("/api/glossary", views.add_glossary, ("POST",)),
    ("/api/lookup", views.lookup, ("GET",)),
    ("/api/replace/preview", views.replace_preview, ("POST",)),
    ("/api/replace", views.replace_apply, ("POST",)),
)

_HTTP_ERRORS = {404: "no such page", 405: "method not allowed"}


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, views.ApiError)
    return JSONResponse({"error": str(exc)}, status_code=exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = _HTTP_ERRORS.get(exc.status_code, exc.detail)
    return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"error": "internal error; the server log has the details"}, 500)


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
    routes: list[Any] = [Route(path, view, methods=list(m)) for path, view, m in ROUTES]
    routes.append(Mount("/static", StaticFiles(directory=str(files("review") / "static"))))
    guard = Middleware(Guard, allowed_hosts=allowed_hosts, token=token, secret=csrf_secret)
    app = Starlette(
        routes=routes,
        middleware=[guard],
        exception_handlers={
            views.ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.review = views.Review(project, alternatives, environment())
    return app
