"""Translation memory: approved pairs (of this project and of imported TMX files) that resemble a
segment's source, with a fuzzy-match score.

The score is difflib's similarity of the two sources as word sequences (2 × matching words /
words in both, case and punctuation ignored), in percent: the usual "fuzzy match" of CAT tools
measured on words rather than characters, so one changed word in a ten-word sentence scores 90.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from review.model import MemoryMatch

if TYPE_CHECKING:
    from review.project import Project

__all__ = ["MIN_SCORE", "CONCORDANCE_LIMIT", "fuzzy_score", "best_matches", "concordance"]

#: A concordance lists at most this many lines of each kind.
CONCORDANCE_LIMIT = 20

#: Matches under this score are not shown (CAT tools' customary fuzzy threshold).
MIN_SCORE = 60.0

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def fuzzy_score(a: str, b: str) -> float:
    """Word-level similarity of two sources in percent (100 = the same words in order)."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta and not tb:
        return 100.0 if a.strip() == b.strip() else 0.0
    return 100.0 * SequenceMatcher(None, ta, tb, autojunk=False).ratio()


def best_matches(
    source: str,
    candidates: Iterable[tuple[str, str, str]],
    *,
    limit: int = 3,
    min_score: float = MIN_SCORE,
) -> list[MemoryMatch]:
    """The ``limit`` best candidates scoring at least ``min_score``, best first.

    Args:
        source: the segment's Swahili.
        candidates: (source, target, origin) pairs; duplicates (same source and target) are
            shown once.
        limit: how many to return.
        min_score: the threshold in percent.
    """
    query = _tokens(source)
    if not query:
        return []
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(query)
    cutoff = min_score / 100.0
    found: dict[tuple[str, str], MemoryMatch] = {}
    for cand_source, cand_target, origin in candidates:
        tokens = _tokens(cand_source)
        matcher.set_seq1(tokens)
        # The cheap upper bounds rule out most of a memory before the quadratic ratio().
        if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
            continue
        ratio = matcher.ratio()
        if ratio < cutoff:
            continue
        key = (cand_source, cand_target)
        if key not in found or found[key].score < 100.0 * ratio:
            found[key] = MemoryMatch(100.0 * ratio, cand_source, cand_target, origin)
    ranked = sorted(found.values(), key=lambda m: (-m.score, m.source, m.target))
    return ranked[:limit]


def concordance(project: Project, query: str) -> dict[str, list[dict[str, Any]]]:
    """Where a term occurs: ``glossary`` (entries of the shipped glossary and the project
    glossary whose Swahili or English holds it), ``memory`` (imported TMX pairs) and
    ``approved`` (approved segments of the project), each at most
    :data:`CONCORDANCE_LIMIT`, matched case-insensitively."""
    from glossary import default_glossary

    needle = " ".join(query.casefold().split())

    def has(*texts: str) -> bool:
        return any(needle in " ".join(t.casefold().split()) for t in texts)

    terms: list[dict[str, Any]] = []
    for entry in project.glossary():
        if has(entry.sw, entry.en) and len(terms) < CONCORDANCE_LIMIT:
            terms.append({"sw": entry.sw, "en": [entry.en], "origin": "project"})
    for term in default_glossary():
        if len(terms) >= CONCORDANCE_LIMIT:
            break
        if has(term.sw, *term.en, *term.sw_plural, *term.en_plural):
            terms.append({"sw": term.sw, "en": list(term.en), "origin": "glossary"})
    memory: list[dict[str, Any]] = []
    approved: list[dict[str, Any]] = []
    for source, target, origin, kind in project.concordance_candidates():
        bucket = memory if kind == "memory" else approved
        if len(bucket) < CONCORDANCE_LIMIT and has(source, target):
            bucket.append({"source": source, "target": target, "origin": origin})
        if len(memory) >= CONCORDANCE_LIMIT and len(approved) >= CONCORDANCE_LIMIT:
            break
    return {"glossary": terms, "memory": memory, "approved": approved}
