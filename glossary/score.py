"""Term accuracy as in the WMT21 terminology task.

Alam et al. (2021), "On the Evaluation of Machine Translation for Terminology Consistency"
(arXiv:2106.11891), and their scorer ``evaluate_term_wmt.py`` in
github.com/mahfuzibnalam/terminology_evaluation. Terms are the glossary occurrences found in
each source sentence (the task annotated them by hand; we match them, see
:mod:`glossary.match`).

* **Exact-match accuracy**: the share of source term occurrences whose English (any accepted
  rendering) appears in the hypothesis as whole words; each hypothesis position serves one
  occurrence only. The scorer matched lower-cased text; ``exact_strict_case`` keeps the
  glossary's casing (a lower-case rendering may still open a sentence with a capital).
* **Preferred-rendering accuracy** (ours, not the task's): the same count accepting only the
  rendering enforcement forces — the first English of each entry, in the number the source
  shows (singular, plural, or either when the Swahili does not tell). Lenient alternatives
  hide wrong English ("Balozi wa Ubelgiji" → "ambassador to Belgian" is a hit for ``exact``
  because "Belgian" is accepted, a miss here).
  Differences from the released script: we match whole words with regular expressions instead
  of space-padded substrings (so "Belgium," counts), accept singular and plural renderings
  alike, and do not lemmatise.
* **Window overlap** (w = 2, 3): for each term occurrence whose English appears in the
  reference, take the w non-punctuation tokens left and right of it in the reference and in
  the hypothesis; the score of a (reference, hypothesis) occurrence pair is the share of the
  reference window found in the hypothesis window (multiset). Pairs are matched greedily by
  score, each used once; a sentence scores the mean over matched pairs (0 when the term is
  missing from the hypothesis) and the corpus figure is the mean over sentences with at least
  one term found in the reference — as the released scorer does.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from glossary.match import TermMatch, english_forms
from glossary.model import Glossary
from translate.locate import locate_targets

__all__ = ["TermAccuracy", "term_accuracy", "SIGNATURE"]

SIGNATURE = "term-acc:wmt21|match:word|case:{case}|alts:{alts}|lemma:no"
_PUNCT = set(string.punctuation) | {"“", "”", "‘", "’", "—", "–", "…"}


@dataclass(frozen=True)
class TermAccuracy:
    """Term accuracy figures (fractions in [0, 1]; None when nothing could be counted).

    Attributes:
        exact: exact-match accuracy, case-insensitive.
        exact_strict_case: exact-match accuracy keeping the glossary's casing.
        exact_preferred: exact-match accuracy counting only the preferred rendering in the
            source's number (case-insensitive).
        window_2: window overlap with w = 2.
        window_3: window overlap with w = 3.
        sentences: sentences with at least one term occurrence.
        occurrences: term occurrences in the sources.
        correct: occurrences found in the hypothesis (case-insensitive).
        correct_strict_case: occurrences found keeping case.
        correct_preferred: occurrences whose preferred rendering was found.
        window_sentences: sentences with a term found in the reference (window denominator).
    """

    exact: float | None
    exact_strict_case: float | None
    exact_preferred: float | None
    window_2: float | None
    window_3: float | None
    sentences: int
    occurrences: int
    correct: int
    correct_strict_case: int
    correct_preferred: int
    window_sentences: int

    @property
    def signature(self) -> str:
        return SIGNATURE.format(case="insensitive+strict", alts="any+preferred")

    def to_dict(self) -> dict[str, object]:
        return {
            "exact": self.exact,
            "exact_strict_case": self.exact_strict_case,
            "exact_preferred": self.exact_preferred,
            "window_2": self.window_2,
            "window_3": self.window_3,
            "sentences": self.sentences,
            "occurrences": self.occurrences,
            "correct": self.correct,
            "correct_strict_case": self.correct_strict_case,
            "correct_preferred": self.correct_preferred,
            "window_sentences": self.window_sentences,
            "signature": self.signature,
        }


def _all_forms(m: TermMatch) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for t in m.terms for f in english_forms(t, "unknown")))


def _preferred_forms(m: TermMatch) -> tuple[str, ...]:
    """The renderings enforcement forces: each entry's first English in the match's number."""
    numbers = ("singular", "plural") if m.number == "unknown" else (m.number,)
    return tuple(dict.fromkeys(english_forms(t, n)[0] for t in m.terms for n in numbers))


def _tokens(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """Whitespace tokens left of ``start`` and right of ``end``, punctuation-only tokens dropped."""
    left = [t for t in text[:start].split() if t not in _PUNCT]
    right = [t for t in text[end:].split() if t not in _PUNCT]
    return left, right


def _window(text: str, span: tuple[int, int], w: int) -> list[str]:
    left, right = _tokens(text, *span)
    return left[-w:] + right[:w] if w else []


def _sentence_window(hyp: str, ref: str, forms: list[tuple[str, ...]], w: int) -> float | None:
    ref_hits = locate_targets(ref, forms, case="insensitive")
    pairs = [(f, h) for f, h in zip(forms, ref_hits, strict=True) if h is not None]
    if not pairs:
        return None
    total = matched = 0.0
    for group in {f for f, _ in pairs}:
        ref_spans = [h for f, h in pairs if f == group]
        hyp_spans = [
            h for h in locate_targets(hyp, [group] * len(ref_spans), case="insensitive") if h
        ]
        scores = []
        for j, rs in enumerate(ref_spans):
            ref_words = _window(ref, (rs[0], rs[1]), w)
            for k, hs in enumerate(hyp_spans):
                hyp_words = _window(hyp, (hs[0], hs[1]), w)
                hits = 0
                for word in ref_words:
                    if word in hyp_words:
                        hits += 1
                        hyp_words.remove(word)
                scores.append((hits / len(ref_words) if ref_words else 0.0, j, k))
        used_r: set[int] = set()
        used_h: set[int] = set()
        for score, j, k in sorted(scores, key=lambda x: -x[0]):
            if j not in used_r and k not in used_h:
                used_r.add(j)
                used_h.add(k)
                matched += 1
                total += score
    return total / matched if matched else 0.0


def term_accuracy(
    sources: list[str], hypotheses: list[str], references: list[str], glossary: Glossary
) -> TermAccuracy:
    """WMT21 terminology-task accuracy of ``hypotheses`` for glossary terms in ``sources``.

    Args:
        sources: Swahili source sentences.
        hypotheses: their machine translations.
        references: reference translations (used by the window-overlap figures).
        glossary: the terms.

    Raises:
        ValueError: the three lists differ in length.
    """
    if not len(sources) == len(hypotheses) == len(references):
        raise ValueError(
            f"sources, hypotheses and references must be equally long, got "
            f"{len(sources)}, {len(hypotheses)}, {len(references)}"
        )
    sentences = occurrences = correct = strict = preferred = 0
    windows: dict[int, list[float]] = {2: [], 3: []}
    for src, hyp, ref in zip(sources, hypotheses, references, strict=True):
        matches = glossary.match(src)
        if not matches:
            continue
        sentences += 1
        occurrences += len(matches)
        forms = [_all_forms(m) for m in matches]
        correct += sum(h is not None for h in locate_targets(hyp, forms, case="insensitive"))
        strict += sum(h is not None for h in locate_targets(hyp, forms, case="adaptive"))
        best = [_preferred_forms(m) for m in matches]
        preferred += sum(h is not None for h in locate_targets(hyp, best, case="insensitive"))
        for w in windows:
            score = _sentence_window(hyp, ref, forms, w)
            if score is not None:
                windows[w].append(score)

    def ratio(a: int | float, b: int) -> float | None:
        return a / b if b else None

    return TermAccuracy(
        exact=ratio(correct, occurrences),
        exact_strict_case=ratio(strict, occurrences),
        exact_preferred=ratio(preferred, occurrences),
        window_2=ratio(sum(windows[2]), len(windows[2])),
        window_3=ratio(sum(windows[3]), len(windows[3])),
        sentences=sentences,
        occurrences=occurrences,
        correct=correct,
        correct_strict_case=strict,
        correct_preferred=preferred,
        window_sentences=len(windows[2]),
    )
