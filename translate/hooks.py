"""The decoder hook: how glossaries (and anything else that must reach the output) plug in.

A hook gets the texts of one batch, the back end and the decode options, and returns one
:class:`HookResult` per text: the translation and a :class:`SpanOutcome` for every source span
it had to carry over (a glossary term, later numbers and names). The engine never imports a
hook's package; ``glossary.Glossary`` is one implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from translate.backend import Backend, DecodeOptions

__all__ = ["STATUSES", "SpanOutcome", "HookResult", "DecoderHook"]

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
    """A translation and the outcome of every span its source required."""

    text: str
    outcomes: tuple[SpanOutcome, ...] = ()


@runtime_checkable
class DecoderHook(Protocol):
    """Decodes a batch so that required spans reach the output, reporting each one.

    Attributes:
        checksum: identifies the hook's content (a glossary's checksum), so runs made with
            different glossaries are told apart in records and resume manifests.
    """

    checksum: str

    def decode(
        self, backend: Backend, texts: Sequence[str], options: DecodeOptions
    ) -> list[HookResult]:
        """Translate ``texts`` with ``backend``; one result per text, in order."""
        ...
