"""Shared makings of the review tests: a scripted back end with known English, and runs made
with it through the real pipeline and record writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from translate.backend import Hypothesis
from translate.pipeline import Translator

#: A short article: glossary terms, figures, a script tag, three paragraphs.
ARTICLE = (
    "Wizara ya Mambo ya Nje ya Ubelgiji ilisema bajeti ilikuwa dola milioni 523.7 mwaka 2023.\n"
    "\n"
    "Rais alisema <script>alert(1)</script> ni hatari. Mashauriano yataendelea kesho.\n"
    "\n"
    "Asante sana.\n"
)

#: The scripted English: the first sentence drops the ministry's name and Belgium; the second
#: leaves Swahili in; the third is right.
ENGLISH = {
    "Wizara ya Mambo ya Nje ya Ubelgiji ilisema bajeti ilikuwa dola milioni 523.7 mwaka 2023.": (
        "The ministry said the budget was $523.7 million in 2023."
    ),
    "Rais alisema <script>alert(1)</script> ni hatari.": (
        "The President said <script>alert(1)</script> ni dangerous."
    ),
    "Mashauriano yataendelea kesho.": "The consultations will continue tomorrow.",
    "Asante sana.": "Thank you very much.",
}


@dataclass
class ScriptedBackend:
    """Translates from :data:`ENGLISH` (anything else becomes ``[source]``); n-best lists are
    the translation and numbered variants."""

    english: dict[str, str] = field(default_factory=lambda: dict(ENGLISH))
    model_id: str = "scripted"
    name: str = "scripted"
    device: str = "cpu"
    fingerprint: str = "scripted"
    max_input_tokens: int = 512
    description: str = "scripted test back end"
    compute_type: str = "float32"

    def count_tokens(self, texts):
        return [len(t.split()) + 1 for t in texts]

    def translate_batch(self, texts, options, prefixes=None):
        out = []
        for text in texts:
            best = self.english.get(text, f"[{text}]")
            variants = [best] + [f"{best} (variant {k})" for k in range(1, options.nbest)]
            out.append([Hypothesis(v, -0.1 * k) for k, v in enumerate(variants)])
        return out


def scripted_translator(english: dict[str, str] | None = None) -> Translator:
    backend = ScriptedBackend(english=dict(ENGLISH if english is None else english))
    return Translator(model=backend, glossary=None)


def make_run(
    folder: Path,
    text: str = ARTICLE,
    name: str = "habari.txt",
    translator: Translator | None = None,
) -> Path:
    """Translate ``text`` as document ``name`` and write its JSONL run into ``folder``."""
    tr = translator or scripted_translator()
    doc = tr.translate_document(text)
    path = folder / (Path(name).stem + ".jsonl")
    path.write_text(doc.to_jsonl(name), encoding="utf-8")
    return path
