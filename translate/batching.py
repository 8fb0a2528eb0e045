"""Grouping inputs into length-sorted batches under a padded-token budget."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["plan_batches"]


def plan_batches(
    lengths: Sequence[int], batch_tokens: int, keys: Sequence[int] | None = None
) -> list[list[int]]:
    """Group input indices by length so that each batch's padded size stays under a budget.

    Inputs are sorted by ``(key, length)``; a batch holds inputs of one key only (the back end
    uses the forced-prefix length as key, since a batch's decoder prefixes must line up). A
    single input longer than the budget gets a batch of its own rather than being dropped.

    Args:
        lengths: token count of each input.
        batch_tokens: the most ``longest × batch size`` tokens per batch.
        keys: optional grouping key per input.

    Returns:
        Batches of input indices, shortest first.
    """
    keys = keys if keys is not None else [0] * len(lengths)
    order = sorted(range(len(lengths)), key=lambda i: (keys[i], lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        size = lengths[i]
        if current and (
            keys[current[0]] != keys[i] or max(longest, size) * (len(current) + 1) > batch_tokens
        ):
            batches.append(current)
            current, longest = [], 0
        current.append(i)
        longest = max(longest, size)
    if current:
        batches.append(current)
    return batches
