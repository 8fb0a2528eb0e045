"""Glossary enforcement that works with any back end offering n-best lists and forced prefixes.

For each text, cheapest first:

1. **model** — decode exactly as without a glossary; accept when every term's English is there.
   Texts with no glossary term are never decoded again, so their output is identical to a run
   without the glossary.
2. **nbest** — decode again returning ``beam`` hypotheses; take the best-ranked one that has
   every term.
3. **forced** — repair: keep the translation's words up to where the missing term belongs
   (the term's relative position in the source, mapped onto the translation's words), force
   that plus the exact English term as the target prefix, and let the model finish the
   sentence. Repeated for each missing term, left to right; a term is never just appended.
4. Whatever is still missing is **failed** — flagged, never hidden. An **ambiguous** term (the
   context does not decide between entries, e.g. "balozi" = ambassador or embassies) is
   accepted in any of its renderings but never forced.

English casing adapts to position: a lower-case term opening a sentence is capitalised;
renderings with capitals (proper nouns, titles) keep theirs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from glossary.match import TermMatch, locate_targets
from glossary.model import Glossary
from translate.backend import Backend, DecodeOptions
from translate.hooks import STATUSES, HookResult, SpanOutcome

__all__ = ["STATUSES", "TermOutcome", "EnforcedTranslation", "enforce_terms", "summarize"]

log = logging.getLogger(__name__)

# The outcome types are the engine's (translate.hooks): one record format for every hook.
TermOutcome = SpanOutcome
EnforcedTranslation = HookResult
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
_NAME_FOLLOWS = re.compile(r"[ \t]+[A-ZÀ-Þ]")


@dataclass
class _State:
    index: int
    source: str
    matches: list[TermMatch]
    first: str
    text: str
    stage: str = "model"
    first_hits: list = field(default_factory=list)
    forced: set[int] = field(default_factory=set)
    locked_chars: int = 0
    given_up: set[int] = field(default_factory=set)


def _hits(text: str, matches: Sequence[TermMatch]) -> list[tuple[int, int, str] | None]:
    return locate_targets(text, [m.targets for m in matches], case="adaptive")


def _missing_required(hits: Sequence, matches: Sequence[TermMatch]) -> list[int]:
    pairs = enumerate(zip(hits, matches, strict=True))
    return [k for k, (hit, m) in pairs if hit is None and not m.ambiguous]


def enforce_terms(
    backend: Backend, texts: list[str], options: DecodeOptions, glossary: Glossary
) -> list[EnforcedTranslation]:
    """Translate ``texts`` so that every glossary term found in them appears in the English.

    Args:
        backend: any :class:`~translate.backend.Backend` (n-best and forced prefixes are used).
        texts: Swahili sentences.
        options: decoding options, used as given for the first pass.
        glossary: the terms to enforce.

    Returns:
        One :class:`EnforcedTranslation` per text, in order.
    """
    if not texts:
        return []
    first = backend.translate_batch(texts, options)
    states = []
    for i, (text, hyps) in enumerate(zip(texts, first, strict=True)):
        best = hyps[0].text if hyps else ""
        states.append(_State(i, text, glossary.match(text), best, best))
    for s in states:
        s.first_hits = _hits(s.first, s.matches) if s.matches else []

    pending = [s for s in states if s.matches and _missing_required(s.first_hits, s.matches)]
    if pending and options.beam > 1:
        nbest_opts = replace(options, nbest=options.beam)
        lists = backend.translate_batch([s.source for s in pending], nbest_opts)
        still = []
        for s, hyps in zip(pending, lists, strict=True):
            choice = _choose(hyps, s.matches)
            if choice is None:
                still.append(s)
            elif choice != s.first:
                s.text, s.stage = choice, "nbest"
        pending = still
    if pending:
        _force(backend, pending, options)
    return [_outcomes(s) for s in states]


def _choose(hyps, matches: Sequence[TermMatch]) -> str | None:
    """The best-ranked hypothesis with every required term, preferring more ambiguous ones found."""
    best: tuple[int, int, str] | None = None
    for rank, hyp in enumerate(hyps):
        hits = _hits(hyp.text, matches)
        if _missing_required(hits, matches):
            continue
        found = sum(h is not None for h in hits)
        if best is None or found > best[0]:
            best = (found, -rank, hyp.text)
    return best[2] if best else None


def _force(backend: Backend, pending: list[_State], options: DecodeOptions) -> None:
    one = replace(options, nbest=1)
    rounds = max(len(s.matches) for s in pending)
    for _ in range(rounds):
        batch: list[tuple[_State, int, str]] = []
        for s in pending:
            hits = _hits(s.text, s.matches)
            missing = [k for k in _missing_required(hits, s.matches) if k not in s.given_up]
            if missing:
                k = missing[0]
                batch.append((s, k, _prefix(s, k, hits)))
        if not batch:
            return
        outs = _decode_with_prefixes(backend, batch, one)
        for (s, k, prefix), hyps in zip(batch, outs, strict=True):
            new = _word_boundary(hyps[0].text if hyps else "", prefix)
            s.forced.add(k)
            if _hits(new, [s.matches[k]])[0] is None:
                # The back end lost the forced words (e.g. a tokenizer cannot spell them).
                log.warning(
                    "forced term %r did not survive decoding: %r", s.matches[k].preferred, new
                )
                s.given_up.add(k)
                continue
            s.text, s.stage = new, "forced"
            s.locked_chars = len(prefix)


def _decode_with_prefixes(backend: Backend, batch: list, options: DecodeOptions) -> list:
    """Decode with forced prefixes, keeping whole outputs within ``options.max_length`` tokens.

    The back end counts ``max_length`` as new tokens after the prefix; a long prefix plus a full
    ``max_length`` could outgrow the model's positions, and would let a forced output run
    longer than a plain one. Inputs are grouped by their remaining budget.
    """
    sizes = backend.count_tokens([p for _, _, p in batch])
    groups: dict[int, list[int]] = {}
    for i, size in enumerate(sizes):
        groups.setdefault(max(8, options.max_length - size), []).append(i)
    outs: list = [None] * len(batch)
    for budget, members in groups.items():
        hyps = backend.translate_batch(
            [batch[i][0].source for i in members],
            replace(options, max_length=budget),
            prefixes=[batch[i][2] for i in members],
        )
        for i, h in zip(members, hyps, strict=True):
            outs[i] = h
    return outs


def _word_boundary(text: str, prefix: str) -> str:
    """Keep the forced term a whole word.

    A subword model may continue the forced prefix with a piece that has no word-start marker
    ("Belgium" + "wakati" → "Belgiumwakati"); the term is complete by construction, so a
    letter glued straight onto it starts a new word. Possessives and punctuation ("'s", ",")
    stay attached.
    """
    if text.startswith(prefix) and len(text) > len(prefix) and text[len(prefix)].isalnum():
        return f"{prefix} {text[len(prefix) :]}"
    return text


def _prefix(s: _State, k: int, hits: Sequence) -> str:
    """The translation's words up to where term ``k`` belongs, then the term itself."""
    match = s.matches[k]
    text = s.text
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    rel = match.start / max(len(s.source), 1)
    cut_word = min(round(rel * len(words)), max(len(words) - 1, 0))
    cut = words[cut_word][0] if words else 0
    cut = max(cut, s.locked_chars)
    # Never cut through an English term that is already in place.
    for hit in hits:
        if hit is not None and hit[0] < cut < hit[1]:
            cut = hit[1]
    if cut < len(text) and cut > s.locked_chars and not text[cut - 1].isspace():
        nxt = text.find(" ", cut)
        cut = len(text) if nxt == -1 else nxt
    head = text[:cut].rstrip()
    term = match.preferred
    if term.islower() and _NAME_FOLLOWS.match(s.source, match.end):
        # A generic title before a name is written as a title: "Rais Samia" → "President Samia".
        term = " ".join(w[:1].upper() + w[1:] for w in term.split())
    opens_sentence = not head or bool(_SENTENCE_END.search(head))
    if opens_sentence and term[:1].islower():
        term = term[:1].upper() + term[1:]
    return f"{head} {term}" if head else term


def _outcomes(s: _State) -> EnforcedTranslation:
    if not s.matches:
        return EnforcedTranslation(s.text, ())
    hits = _hits(s.text, s.matches)
    out = []
    for k, (m, hit) in enumerate(zip(s.matches, hits, strict=True)):
        reason = ""
        if hit is None:
            if m.ambiguous:
                status = "ambiguous"
                reason = "the context does not decide between: " + " | ".join(
                    f"{t.sw} → {t.en[0]}" for t in m.terms
                )
            else:
                status = "failed"
                reason = (
                    "not in any hypothesis; forcing it did not survive decoding"
                    if s.forced
                    else "not in the translation"
                )
        elif s.first_hits and s.first_hits[k] is not None and s.stage == "model":
            status = "model"
        elif s.stage == "nbest":
            status = "model" if s.first_hits and s.first_hits[k] is not None else "nbest"
        elif s.stage == "forced":
            status = (
                "forced"
                if (s.forced and k in s.forced) or not (s.first_hits and s.first_hits[k])
                else "model"
            )
        else:
            status = "model"
        out.append(
            TermOutcome(
                sw=" | ".join(t.sw for t in m.terms),
                source=m.surface,
                start=m.start,
                end=m.end,
                number=m.number,
                expected=m.targets,
                status=status,
                found=hit[2] if hit else None,
                reason=reason,
            )
        )
    return EnforcedTranslation(s.text, tuple(out))


def summarize(results: Sequence[EnforcedTranslation]) -> dict[str, int]:
    """Counts for an end-of-run summary: found (all occurrences) and one count per status."""
    counts = {"found": 0, **{status: 0 for status in STATUSES}}
    for result in results:
        for term in result.outcomes:
            counts["found"] += 1
            counts[term.status] += 1
    return counts
