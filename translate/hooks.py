"""The decoder hook, and the requirements a package supplies to the engine's constraints.

A hook gets the texts of one batch, the back end and the decode options, and returns one
:class:`HookResult` per text: the translation and a :class:`SpanOutcome` for every source span
it had to carry over (a glossary term, a figure, a name). The engine's hook is
:class:`translate.constraints.Constraints`; it enforces :class:`Requirement` s, which come from
the protected spans (:mod:`translate.protect`) and from any :class:`RequirementSource` — the
glossary is one, plugged in through the ``tafsiri.requirements`` entry point
(:data:`ENTRY_POINT_GROUP`, see :func:`translate.constraints.load_source`). The engine never
imports a supplier's package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from translate.backend import Backend, DecodeOptions
from translate.protect import ProtectedSpan

__all__ = [
    "STATUSES",
    "ENTRY_POINT_GROUP",
    "SpanOutcome",
    "HookResult",
    "DecoderHook",
    "Requirement",
    "RequirementSource",
    "SourceLoader",
]

#: The entry-point group under which packages offer a :class:`SourceLoader` (pyproject.toml:
#: ``[project.entry-points."tafsiri.requirements"]``).
ENTRY_POINT_GROUP = "tafsiri.requirements"

#: What happened to a span, cheapest first: the model produced it, an n-best hypothesis had
#: it, it was forced as a target prefix, it could not be placed, or the source is ambiguous.
STATUSES = ("model", "nbest", "forced", "failed", "ambiguous")


@dataclass(frozen=True)
class SpanOutcome:
    """What happened to one span of the source that must appear in the translation.

    Attributes:
        sw: the entry that required it (a glossary term, or " | "-joined entries when
            ambiguous).
        source: the occurrence as written in the source.
        start: its character offset in the text sent to the model.
        end: offset just past it.
        number: "singular", "plural" or "unknown".
        expected: the accepted English renderings, preferred first.
        status: one of :data:`STATUSES`.
        found: the rendering found in the translation (None when missing).
        reason: why it is failed or ambiguous; for a forced span, how it was placed (over
            the model's own attempt by cross-attention, or by relative position, when it may
            be misplaced); "" otherwise.
        kind: what the span is: ``"term"`` for glossary entries, else the protected span's
            kind (``"number"``, ``"money"``, ``"date"``, ``"name"``, …; see
            :data:`translate.protect.KINDS`).
    """

    sw: str
    source: str
    start: int
    end: int
    number: str
    expected: tuple[str, ...]
    status: str
    found: str | None = None
    reason: str = ""
    kind: str = "term"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {self.status!r}")

    @property
    def ok(self) -> bool:
        """The span's English is in the translation."""
        return self.found is not None

    def to_dict(self) -> dict[str, object]:
        """The form written into JSONL records."""
        return {
            "kind": self.kind,
            "sw": self.sw,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "number": self.number,
            "expected": list(self.expected),
            "status": self.status,
            "found": self.found,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> SpanOutcome:
        """Read back :meth:`to_dict` (records written before ``kind`` existed are terms).

        Raises:
            ValueError: a missing or mistyped field.
        """
        try:
            return cls(
                sw=str(data["sw"]),
                source=str(data["source"]),
                start=int(data["start"]),  # type: ignore[call-overload]
                end=int(data["end"]),  # type: ignore[call-overload]
                number=str(data.get("number", "unknown")),
                expected=tuple(str(e) for e in data["expected"]),  # type: ignore[attr-defined]
                status=str(data["status"]),
                found=None if data.get("found") is None else str(data["found"]),
                reason=str(data.get("reason", "")),
                kind=str(data.get("kind", "term")),
            )
        except (KeyError, TypeError) as err:
            raise ValueError(f"not a span outcome ({err})") from None


@dataclass(frozen=True)
class HookResult:
    """A translation, the outcome of every span its source required, and its model score.

    ``score`` is the decode's own score of ``text`` (:attr:`Hypothesis.score`) where the text
    is a hypothesis as the model wrote it; None where the hook changed or assembled it (a
    forced term), so that the pipeline scores the kept English itself.
    """

    text: str
    outcomes: tuple[SpanOutcome, ...] = ()
    score: float | None = None


@runtime_checkable
class DecoderHook(Protocol):
    """Decodes a batch so that required spans reach the output, reporting each one.

    Attributes:
        checksum: identifies the hook's content (a glossary's checksum), so runs made with
            different glossaries are told apart in records and resume manifests.
    """

    @property
    def checksum(self) -> str: ...

    def decode(
        self, backend: Backend, texts: Sequence[str], options: DecodeOptions
    ) -> list[HookResult]:
        """Translate ``texts`` with ``backend``; one result per text, in order."""
        ...


@dataclass(frozen=True)
class Requirement:
    """One occurrence in the source whose English must reach the translation.

    The common shape of a glossary term's occurrence and a protected span
    (:class:`~translate.protect.ProtectedSpan`): the enforcer only needs these fields.

    Attributes:
        start: character offset of the occurrence in the source.
        end: offset just past it.
        surface: the occurrence as written.
        targets: accepted English renderings, preferred first.
        kind: ``"term"``, or the span's kind (``"number"``, ``"money"``, ``"name"``, …).
        sw: label for records: the glossary entry (" | "-joined when ambiguous), or the
            span's source text.
        number: "singular", "plural" or "unknown".
        ambiguous: accepted in any rendering but never forced (terms only).
        note: why it is ambiguous (the competing entries), "" otherwise.
        span: the protected span, looked up in English with
            :func:`translate.protect.locate_all`; None for terms
            (:func:`translate.locate.locate_targets`).
    """

    start: int
    end: int
    surface: str
    targets: tuple[str, ...]
    kind: str = "term"
    sw: str = ""
    number: str = "unknown"
    ambiguous: bool = False
    note: str = ""
    span: ProtectedSpan | None = None

    @property
    def preferred(self) -> str:
        """The rendering that is forced (the first target)."""
        return self.targets[0]

    @classmethod
    def from_span(cls, span: ProtectedSpan) -> Requirement:
        """A protected span (figure, date, name, address)."""
        return cls(
            start=span.start,
            end=span.end,
            surface=span.source,
            targets=span.expected,
            kind=span.kind,
            sw=span.source,
            span=span,
        )


@runtime_checkable
class RequirementSource(Protocol):
    """What a package supplies: the requirements (kind ``"term"``) found in a source text.

    Attributes:
        checksum: identifies the content (a glossary's sha256), for records and resume
            manifests.
    """

    @property
    def checksum(self) -> str: ...

    def requirements(self, text: str) -> list[Requirement]:
        """The occurrences in ``text`` that must reach the English, in source order."""
        ...


class SourceLoader(Protocol):
    """What a ``tafsiri.requirements`` entry point names: a function building the source.

    Called with the user's specs (e.g. glossary files; empty for the package's default) and
    returning the source and any warnings to show (one line each). Raises ``ValueError`` (or
    :class:`translate.textio.InputError`) for a missing or broken spec.
    """

    def __call__(self, specs: Sequence[str]) -> tuple[RequirementSource, list[str]]: ...
