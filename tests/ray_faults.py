"""Fault injection for the Ray engine's tests: a Ray ``worker_process_setup_hook``.

``tests/test_ray_engine.py`` starts a driver with ``RAY_JOB_CONFIG_JSON_ENV_VAR`` naming
:func:`install` as the job's setup hook, so it runs in every worker process of that run (and in
no other process): a document holding :data:`MARKER` then raises inside the worker, as a
document that breaks the pipeline would.
"""

from __future__ import annotations

MARKER = "TAFSIRI-TEST-RAISE"


def install() -> None:
    """Make ``Translator.translate_document`` raise on a document holding :data:`MARKER`."""
    from translate.pipeline import Translator

    real = Translator.translate_document

    def translate_document(self, text, *args, **kwargs):
        if MARKER in text:
            raise RuntimeError("injected failure")
        return real(self, text, *args, **kwargs)

    Translator.translate_document = translate_document  # type: ignore[method-assign]
