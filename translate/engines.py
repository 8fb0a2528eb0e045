"""How a batch's documents get translated: one step that every engine runs.

``tafsiri translate`` plans a batch (:mod:`translate.jobs`), reads each pending document and
hands it to an engine as a :class:`Request`; the engine hands back one :class:`Outcome` per
request (the translation, or the error that stopped it) and the command writes the outputs and
the manifest itself. Every engine runs :func:`translate_request` on each document:
:class:`LocalEngine` in this process (``--engine local``), :class:`translate.ray_engine.RayEngine`
in Ray actors on a cluster (``--engine ray``). So the words are the same whichever engine ran
them, and a document that raises is one error, never a stopped batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from translate.pipeline import DocumentTranslation, Translator

__all__ = ["ENGINES", "Request", "Outcome", "Engine", "EngineError", "LocalEngine"]

log = logging.getLogger(__name__)

#: The engines ``tafsiri translate --engine`` takes.
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class Request:
    """One document to translate.

    Attributes:
        text: the whole document.
        options: keyword arguments for :meth:`translate.pipeline.Translator.translate_document`
            (``markdown``, ``mark``); plain values, so that they travel to other machines.
        segments: how many segments it has (for progress bars; 0 when unknown).
        key: the caller's handle on it (the command's job and checksum). Engines hand it back
            untouched and never send it anywhere.
    """

    text: str
    options: Mapping[str, Any] = field(default_factory=dict)
    segments: int = 0
    key: Any = None


@dataclass(frozen=True)
class Outcome:
    """What translating one document gave: its translation, or the error that stopped it.

    Attributes:
        result: the translation (text and segment records), ``None`` after an error.
        error: one line saying what went wrong, ``None`` when it was translated.
    """

    result: DocumentTranslation | None = None
    error: str | None = None


class EngineError(RuntimeError):
    """An engine stopped before every document had an outcome (a cluster lost, a worker that
    kept dying). What was written stays written: running the same command again resumes."""


def describe_error(err: BaseException) -> str:
    """One line for a document's error: the message of a ``ValueError`` (bad input, already
    worded for users), the exception's type and message for anything else."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    if isinstance(err, ValueError) and text:
        return text
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def translate_request(
    translator: Translator, request: Request, progress: Callable[[int], None] | None = None
) -> Outcome:
    """Translate one document: the step every engine runs.

    Any ``Exception`` raised while translating is caught and becomes the outcome's ``error``
    (logged with its traceback at DEBUG level), so one bad document never stops the others nor
    kills a worker. ``KeyboardInterrupt`` and ``SystemExit`` pass through.
    """
    try:
        result = translator.translate_document(request.text, progress=progress, **request.options)
    except Exception as err:
        log.debug("document failed", exc_info=True)
        return Outcome(error=describe_error(err))
    return Outcome(result=result)


class Engine(Protocol):
    """Turns requests into outcomes; the command writes them."""

    @property
    def description(self) -> str | None:
        """What ran, in words, for the summary line (``None`` until something ran)."""
        ...

    def run(
        self, requests: Iterable[Request], advance: Callable[[int], None]
    ) -> Iterator[tuple[Request, Outcome]]:
        """Each request with its outcome, in any order; ``advance`` is called with the number
        of segments finished."""
        ...

    def close(self) -> None:
        """Release what the engine holds (a cluster connection)."""
        ...


class LocalEngine:
    """Translate in this process, one document after another (``--engine local``)."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    @property
    def description(self) -> str | None:
        return self.translator.info.description

    def run(
        self, requests: Iterable[Request], advance: Callable[[int], None]
    ) -> Iterator[tuple[Request, Outcome]]:
        for request in requests:
            yield request, translate_request(self.translator, request, advance)

    def close(self) -> None:
        pass
