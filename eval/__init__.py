"""Tafsiri evaluation: sacrebleu-based scores, statistics, analysis and reports.

Write ``from eval import evaluate`` (never ``import eval``, which would shadow the builtin).
"""

from eval.evaluation import EvalOptions, EvalReport, evaluate
from eval.metrics import MetricOptions

__all__ = ["evaluate", "EvalOptions", "EvalReport", "MetricOptions"]
