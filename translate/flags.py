"""Flags: problems found in a segment's English, as its JSONL record carries them.

Two checks write them: the degenerate-output check (:mod:`translate.degenerate`: loops, junk,
far too long or short; the pipeline decodes such a piece again) and the meaning-level checks
(:mod:`translate.trust`: polarity, names, invented figures, low confidence; and
:mod:`translate.roundtrip`), which only tell the editor where to look.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEGENERATE_KINDS", "TRUST_KINDS", "KINDS", "Flag"]

#: Degenerate output (:func:`translate.degenerate.find_problems`).
DEGENERATE_KINDS = ("repetition", "characters", "too_long", "too_short")
#: English that may reverse or invent meaning (:func:`translate.trust.trust_flags`).
TRUST_KINDS = (
    "polarity",
    "name",
    "unsupported",
    "omission",
    "invented-figure",
    "low-confidence",
    "round-trip",
)
#: Every flag kind.
KINDS = DEGENERATE_KINDS + TRUST_KINDS


@dataclass(frozen=True)
class Flag:
    """A problem found in a segment's output, as written into its JSONL record.

    ``redecoded`` and ``persists`` belong to the degenerate-output check; a meaning-level flag
    is never re-decoded and always persists.

    Attributes:
        kind: one of :data:`KINDS`: a sign of degenerate output
            (:data:`DEGENERATE_KINDS`) or of English that may be wrong (:data:`TRUST_KINDS`).
        detail: what was seen (in the first output when it was re-decoded).
        redecoded: the piece was decoded again with repetition control.
        persists: the output kept still has this problem (``False``: re-decoding cured it).
    """

    kind: str
    detail: str
    redecoded: bool = False
    persists: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")

    def to_dict(self) -> dict[str, object]:
        """The form written into JSONL records."""
        return {
            "kind": self.kind,
            "detail": self.detail,
            "redecoded": self.redecoded,
            "persists": self.persists,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Flag:
        """Read back :meth:`to_dict`.

        Raises:
            ValueError: a missing or mistyped field.
        """
        try:
            kind, detail = data["kind"], data["detail"]
        except KeyError as err:
            raise ValueError(f"not a flag (no {err})") from None
        redecoded, persists = data.get("redecoded", False), data.get("persists", True)
        if not (isinstance(kind, str) and isinstance(detail, str)):
            raise ValueError("not a flag (kind and detail must be strings)")
        if not (isinstance(redecoded, bool) and isinstance(persists, bool)):
            raise ValueError("not a flag (redecoded and persists must be true or false)")
        return cls(kind, detail, redecoded, persists)

    @property
    def degenerate(self) -> bool:
        """A sign of degenerate output (not a meaning-level flag)."""
        return self.kind in DEGENERATE_KINDS
