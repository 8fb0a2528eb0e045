"""Tafsiri evaluation: sacrebleu-based scores, statistics, analysis and reports.

Write ``from eval import evaluate`` (never ``import eval``, which would shadow the builtin).
The names below load on first use, so ``tafsiri --help`` does not pay for numpy and sacrebleu.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eval.evaluation import EvalOptions, EvalReport, evaluate
    from eval.metrics import MetricOptions

__all__ = ["evaluate", "EvalOptions", "EvalReport", "MetricOptions"]

_HOMES = {
    "evaluate": "eval.evaluation",
    "EvalOptions": "eval.evaluation",
    "EvalReport": "eval.evaluation",
    "MetricOptions": "eval.metrics",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'eval' has no attribute {name!r}")
