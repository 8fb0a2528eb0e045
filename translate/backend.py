"""The back-end protocol: a batch of texts and decode options in, n-best hypotheses out.

Everything else (batching by token budget, long-sentence splitting, glossary enforcement,
caching) wraps a back end; back ends hold no module state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["DecodeOptions", "Hypothesis", "Backend"]


@dataclass(frozen=True)
class DecodeOptions:
    """How to decode.

    Attributes:
        beam: beam size (1 = greedy).
        nbest: how many hypotheses to return per input (≤ beam).
        max_length: the most target tokens per output.
        length_penalty: exponent on length when ranking beams (1.0 = average log-prob).
        batch_tokens: the padded source-token budget of one batch.
        max_length_ratio: outputs are also capped at ``ratio × source tokens + 10`` (the
            longest source of the batch), so a model that starts repeating itself stops early
            instead of running to ``max_length``; 0 turns the cap off.
    """

    beam: int = 4
    nbest: int = 1
    max_length: int = 256
    length_penalty: float = 1.0
    batch_tokens: int = 4096
    max_length_ratio: float = 2.0

    def __post_init__(self) -> None:
        if self.beam < 1:
            raise ValueError(f"beam must be at least 1, got {self.beam}")
        if not 1 <= self.nbest <= self.beam:
            raise ValueError(f"nbest must be between 1 and beam ({self.beam}), got {self.nbest}")
        if self.max_length < 1 or self.batch_tokens < 1:
            raise ValueError("max_length and batch_tokens must be positive")
        if self.max_length_ratio < 0:
            raise ValueError(
                f"max_length_ratio must be 0 (off) or positive, got {self.max_length_ratio}"
            )

    def length_limit(self, source_tokens: int) -> int:
        """The most new tokens for a source of ``source_tokens`` tokens."""
        if not self.max_length_ratio:
            return self.max_length
        return min(self.max_length, int(self.max_length_ratio * source_tokens) + 10)


@dataclass(frozen=True)
class Hypothesis:
    """One translation candidate and its model score (sum of log-probs, length-normalised)."""

    text: str
    score: float


@runtime_checkable
class Backend(Protocol):
    """What the pipeline needs from a model runtime (transformers now, CTranslate2 later)."""

    model_id: str
    name: str
    max_input_tokens: int

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Source-side token counts (with </s>), for batching and long-sentence splitting."""
        ...

    def translate_batch(
        self,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None = None,
    ) -> list[list[Hypothesis]]:
        """Translate ``texts``; ``prefixes[i]``, when given, is forced as the start of output i.

        Returns ``options.nbest`` hypotheses per input, best first.
        """
        ...
