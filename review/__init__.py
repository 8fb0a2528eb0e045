"""Tafsiri review: post-edit machine translation side by side, in a local web app.

>>> from review import Project, import_paths      # doctest: +SKIP
>>> import_paths("news.sqlite", ["run/article.jsonl"])  # doctest: +SKIP
>>> Project("news.sqlite").documents()            # doctest: +SKIP

The names below load on first use, so ``tafsiri --help`` does not pay for Starlette.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from review.adapt import AdaptOptions, adapt
    from review.export import FORMATS, write_export
    from review.importing import import_paths
    from review.model import STATUSES, Flag, Segment
    from review.project import Project
    from review.qa import FLAGS, check_segment
    from review.web import create_app

__all__ = [
    "Project",
    "import_paths",
    "write_export",
    "FORMATS",
    "create_app",
    "check_segment",
    "FLAGS",
    "STATUSES",
    "Segment",
    "Flag",
    "adapt",
    "AdaptOptions",
]

_HOMES = {
    "Project": "review.project",
    "import_paths": "review.importing",
    "write_export": "review.export",
    "FORMATS": "review.export",
    "create_app": "review.web",
    "check_segment": "review.qa",
    "FLAGS": "review.qa",
    "STATUSES": "review.model",
    "Segment": "review.model",
    "Flag": "review.model",
    "adapt": "review.adapt",
    "AdaptOptions": "review.adapt",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'review' has no attribute {name!r}")
