"""The model's n-best alternatives for a segment, from one long-lived model handle.

The server builds a single :class:`translate.Translator` on the first request for alternatives
(loading a model takes seconds, and most sessions never ask), guarded by a lock so that two
requests never load it twice or decode on it at once. Which model: the one given to ``tafsiri
review serve --model``, else the one named in the project's records when it resolves on this
machine, else the embedded model.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from translate.textio import InputError

if TYPE_CHECKING:
    from translate.backend import Hypothesis
    from translate.pipeline import Translator

__all__ = ["AssistUnavailable", "Alternatives", "MAX_ALTERNATIVES"]

log = logging.getLogger(__name__)

#: The most alternatives one request may ask for.
MAX_ALTERNATIVES = 10


class AssistUnavailable(RuntimeError):
    """No model can be loaded; the message says why."""


def _candidates(model: str | None, record_models: Sequence[str]) -> list[str | None]:
    if model is not None:
        return [model]
    # The records' model first (it made the MT), the embedded model as the fallback.
    return [*dict.fromkeys(m for m in record_models if m), None]


class Alternatives:
    """n-best alternatives from one lazily built model handle.

    Args:
        model: the model to use (a folder, a name, a cached hub id); None tries the records'
            models, then the embedded one.
        record_models: the model ids found in the project's records.
        registry: the registered-models file for resolving names.
        factory: builds a handle from a model name (default: a CPU-friendly
            :class:`Translator`); tests pass their own.
    """

    def __init__(
        self,
        model: str | None = None,
        record_models: Sequence[str] = (),
        *,
        registry: Path | None = None,
        factory: Callable[[str | None], Translator] | None = None,
    ) -> None:
        self._names = _candidates(model, record_models)
        self._registry = registry
        self._factory = factory or self._default_factory
        self._lock = threading.Lock()
        self._translator: Translator | None = None
        self._error: str | None = None

    def _default_factory(self, name: str | None) -> Translator:
        from translate.pipeline import Translator

        return Translator(name, registry=self._registry)

    def _load(self) -> Translator:
        if self._translator is not None:
            return self._translator
        if self._error is not None:
            raise AssistUnavailable(self._error)
        problems = []
        for name in self._names:
            try:
                self._translator = self._factory(name)
                log.info("alternatives from model %s", self._translator.info.model)
                return self._translator
            except (InputError, OSError, ValueError) as err:
                problems.append(f"{name or 'embedded model'}: {err}")
        self._error = "no model for alternatives (" + "; ".join(problems) + ")"
        raise AssistUnavailable(self._error)

    @property
    def model(self) -> str | None:
        """The loaded model's id (None before the first request)."""
        return self._translator.info.model if self._translator is not None else None

    def __call__(self, text: str, n: int = 5) -> list[Hypothesis]:
        """The model's ``n`` best translations of ``text``, best first, duplicates removed.

        Raises:
            AssistUnavailable: no model could be loaded.
            ValueError: ``n`` outside 1..:data:`MAX_ALTERNATIVES`.
        """
        if not 1 <= n <= MAX_ALTERNATIVES:
            raise ValueError(f"n must be 1..{MAX_ALTERNATIVES}, got {n}")
        with self._lock:
            return self._load().alternatives(text, n)
