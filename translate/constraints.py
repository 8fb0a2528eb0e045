"""Constraints: the engine's one mechanism for carrying required spans into the English.

What is required of a text is a list of :class:`~translate.hooks.Requirement` s: the protected
spans of :func:`translate.protect.find_spans` — figures, dates, names, addresses — and whatever
a :class:`~translate.hooks.RequirementSource` supplies (the glossary's terms, plugged in through
the ``tafsiri.requirements`` entry point: :func:`load_source`). Both go through the same stages
in one pass and get one list of per-occurrence outcomes, each with its ``kind`` (``"term"``, or
the span's kind: ``"number"``, ``"money"``, ``"name"``, …). They are looked up in English with
:func:`translate.locate.locate_requirements` (spans whole-number and count-aware, terms with the
glossary's rules), the same finder review QA, ``glossary score`` and the evaluation use.

For each text, cheapest first:

1. **model** — one decode. Texts with no requirement are decoded with the caller's options
   exactly and never again, so their output is identical to a run without constraints. Texts
   with one are decoded once with ``nbest = beam`` (the same beam search; the back ends
   return the same best hypothesis either way) and are done when the best one has every item.
2. **nbest** — otherwise the best-ranked hypothesis of that same list that has every item is
   taken: no second decode.
3. **forced** — repair: keep the translation's words up to where the missing item belongs
   (its relative position in the source, mapped onto the translation's words), force that
   plus the exact English as the target prefix, and let the model finish the sentence
   (greedily by default, :data:`FORCED_BEAM`). With ``align`` and a back end that aligns its
   output to the source (:class:`translate.backend.Aligner`: cross-attention, from
   CTranslate2's decodes themselves or one teacher-forced transformers pass) the item goes
   where the model's own attempt at it was, and that attempt is dropped: repair, not
   insertion. Each forced outcome's ``reason`` says which placement it got. One missing item
   per round, left to right, all texts of the batch in one call; an item is never just
   appended. Rounds are capped (:data:`MAX_FORCED_ROUNDS`): the last round — or the first,
   for a text missing more than twice as many items as there are rounds — forces every item
   still missing in one prefix, so the work per text is bounded however often one repeats.
4. Whatever is still missing is **failed** — flagged, never hidden (reason ``cap: …`` when the
   cap left it out). An **ambiguous** term (the context does not decide between entries, e.g.
   "balozi" = ambassador or embassies) is accepted in any of its renderings but never forced.

English casing adapts to position: a lower-case term opening a sentence is capitalised;
renderings with capitals (proper nouns, titles) keep theirs.

The default hook — the shipped glossary, protection and (in :class:`translate.Translator`) the
degenerate-output check — is built in one place, :func:`default_hook`, which both
``tafsiri translate`` and the Python API use.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib.metadata import entry_points

from translate.backend import Aligner, Backend, DecodeOptions, Hypothesis, Link
from translate.degenerate import doubled_word, plain_word
from translate.hooks import (
    ENTRY_POINT_GROUP,
    STATUSES,
    DecoderHook,
    HookResult,
    Requirement,
    RequirementSource,
    SourceLoader,
    SpanOutcome,
)
from translate.locate import Hit, locate_requirements
from translate.protect import VERBATIM_KINDS, ProtectedSpan, find_spans

__all__ = [
    "STATUSES",
    "MAX_FORCED_ROUNDS",
    "FORCED_BEAM",
    "PROTECT_VERSION",
    "EMPTY_CHECKSUM",
    "DEFAULT_SOURCE",
    "Requirement",
    "requirements",
    "Constraints",
    "enforce",
    "summarize",
    "load_source",
    "default_hook",
]

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
_NAME_FOLLOWS = re.compile(r"[ \t]+[A-ZÀ-Þ]")

#: Forced-prefix rounds per text at most; the last forces every item still missing at once.
MAX_FORCED_ROUNDS = 3
#: Beam for the forced continuations: the prefix fixes the start, the model only finishes the
#: sentence. Greedy halves the glossary's cost on the seed article for the same term accuracy
#: and BLEU within 0.05 of beam 4 on MAFAND-MT test (docs/glossary.md, Figures).
FORCED_BEAM = 1
#: An aligned attempt replaced by a forced item has at most this many words more than it.
_MAX_EXTRA_WORDS = 3
#: A combined prefix leaves at least this many of the model's positions for it to finish.
_MIN_NEW_TOKENS = 8
#: Bumped when what protection enforces changes, so records and resume manifests tell runs apart.
PROTECT_VERSION = "1"
#: The checksum of no requirement source: sha256 of nothing, as an empty glossary's (so runs
#: with ``--no-glossary`` keep their resume manifests).
EMPTY_CHECKSUM = hashlib.sha256(b"").hexdigest()
#: The entry point (group :data:`translate.hooks.ENTRY_POINT_GROUP`) that supplies the default
#: requirements: the shipped glossary.
DEFAULT_SOURCE = "glossary"


def requirements(
    text: str, source: RequirementSource | None = None, protect: bool = False
) -> list[Requirement]:
    """What ``text`` requires, in source order.

    The source's terms, and with ``protect`` the protected spans. Where they overlap the terms
    win (always over names and addresses), except that a span wholly containing terms takes
    them in when some of its renderings hold every one of their English forms; it then accepts
    (and forces) only those renderings. "Oktoba 18" is the date "October 18", not the term
    "October" plus a number "18" that could land elsewhere ("October in Brussels 18");
    "dola za Marekani 2,587" (with the term "Marekani" → United States, US) is "US$2,587", not
    "US" plus a bare "2,587". So a span that is found also satisfies the terms it took in.
    """
    terms = source.requirements(text) if source is not None else []
    if not protect:
        return list(terms)
    spans = find_spans(text)
    if terms:
        narrowed: dict[tuple[int, int], ProtectedSpan] = {}
        absorbed: set[int] = set()
        for span in spans:
            inside = [k for k, m in enumerate(terms) if m.start < span.end and span.start < m.end]
            verbatim = span.kind in VERBATIM_KINDS  # a name gives way to the glossary's
            forms = _holding(span, [terms[k] for k in inside]) if inside and not verbatim else ()
            if forms:
                absorbed.update(inside)
                narrowed[(span.start, span.end)] = replace(span, expected=forms)
        terms = [m for k, m in enumerate(terms) if k not in absorbed]
        if terms:
            spans = find_spans(text, skip=[(m.start, m.end) for m in terms])
        spans = [narrowed.get((s.start, s.end), s) for s in spans]
    out = [*terms, *(Requirement.from_span(s) for s in spans)]
    return sorted(out, key=lambda r: r.start)


def _holding(span: ProtectedSpan, terms: Sequence[Requirement]) -> tuple[str, ...]:
    """The span's renderings that hold an English form of every term (all wholly inside it)."""
    if not all(span.start <= m.start and m.end <= span.end for m in terms):
        return ()

    def holds(form: str, m: Requirement) -> bool:
        folded = form.casefold()
        return any(re.search(rf"(?<!\w){re.escape(t.casefold())}(?!\w)", folded) for t in m.targets)

    return tuple(e for e in span.expected if all(holds(e, m) for m in terms))


@dataclass(frozen=True)
class Constraints:
    """The decoder hook that enforces supplied terms and the protected spans in one pass.

    Implements :class:`translate.hooks.DecoderHook`. Most callers want :func:`default_hook`.

    >>> hook = Constraints(glossary)                   # doctest: +SKIP  (terms + spans)
    >>> only_spans = Constraints()                      # --no-glossary, protection on
    >>> only_terms = Constraints(glossary, protect=False)  # doctest: +SKIP  (--no-protect)

    Attributes:
        source: what supplies the terms (a :class:`glossary.Glossary`, or any
            :class:`~translate.hooks.RequirementSource`); None for none.
        protect: enforce the protected spans of :func:`translate.protect.find_spans` too.
            Off, the hook behaves (and its checksum reads) exactly as the source alone.
        max_rounds: forced-prefix rounds per text (see :func:`enforce`).
        align: place forced items over the model's own attempt where the back end offers
            an alignment (CTranslate2); see :func:`enforce`. Only with ``protect``.
    """

    source: RequirementSource | None = None
    protect: bool = True
    max_rounds: int = MAX_FORCED_ROUNDS
    align: bool = True

    def __post_init__(self) -> None:
        if self.source is not None and not isinstance(self.source, RequirementSource):
            raise ValueError(
                "source must supply requirements (a checksum and requirements(text)), got "
                f"{type(self.source).__name__}"
            )
        if self.max_rounds < 0:
            raise ValueError(f"max_rounds must be 0 or positive, got {self.max_rounds}")

    @cached_property
    def checksum(self) -> str:
        """The source's checksum, combined with the protection version when it is on."""
        base = self.source.checksum if self.source is not None else EMPTY_CHECKSUM
        if not self.protect:
            return base
        key = f"{base}+protect:{PROTECT_VERSION}"
        if self.align:
            key += "+align:1"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def decode(
        self, backend: Backend, texts: Sequence[str], options: DecodeOptions
    ) -> list[HookResult]:
        """Translate ``texts``, enforcing terms and (``protect``) protected spans."""
        return enforce(
            backend,
            list(texts),
            options,
            self.source,
            self.max_rounds,
            protect=self.protect,
            align=self.align and self.protect,
        )


def load_source(
    specs: Sequence[str] = (), name: str = DEFAULT_SOURCE
) -> tuple[RequirementSource, list[str]]:
    """The requirement source the installed plug-in ``name`` builds from ``specs``.

    Plug-ins register under the ``tafsiri.requirements`` entry-point group; tafsiri's own
    ``glossary`` package is ``glossary`` (specs are glossary files, ``+FILE`` adds to the
    shipped one; none is the shipped glossary).

    Returns:
        The source and the warnings to show (e.g. conflicts between merged glossaries).

    Raises:
        ValueError: no such plug-in is installed, or the plug-in refused ``specs``.
    """
    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if name not in found:
        installed = ", ".join(sorted(found)) or "none"
        raise ValueError(
            f"no requirement plug-in {name!r} in entry-point group {ENTRY_POINT_GROUP!r} "
            f"(installed: {installed}); reinstall tafsiri (pip install -e .)"
        )
    loader: SourceLoader = found[name].load()
    return loader(list(specs))


def default_hook(
    glossaries: Sequence[str] | RequirementSource | None = (),
    *,
    glossary: bool = True,
    protect: bool = True,
    warn: Callable[[str], None] | None = None,
) -> DecoderHook | None:
    """The hook ``tafsiri translate`` uses, and :class:`translate.Translator` by default.

    Args:
        glossaries: glossary files merged in order (``+FILE`` adds to the shipped glossary;
            empty: the shipped glossary alone), or a ready source.
        glossary: False for no glossary (``--no-glossary``).
        protect: False to leave figures, dates, names and addresses to the model
            (``--no-protect``).
        warn: called with each warning line (merge conflicts); logged when None.

    Returns:
        A :class:`Constraints` hook, or None when both ``glossary`` and ``protect`` are off.

    Raises:
        ValueError: the glossary plug-in is not installed, or a glossary file is missing or
            broken (:class:`translate.textio.InputError` is a ``ValueError``).
    """
    if not glossary and not protect:
        return None
    source: RequirementSource | None = None
    if glossary:
        if isinstance(glossaries, RequirementSource):
            source = glossaries
        else:
            source, warnings = load_source(list(glossaries or ()))
            for line in warnings:
                (warn or log.warning)(line)
    return Constraints(source, protect=protect)


@dataclass
class _State:
    index: int
    source: str
    matches: list[Requirement]
    first: str = ""
    text: str = ""
    stage: str = "model"
    first_hits: list[Hit | None] = field(default_factory=list)
    forced: set[int] = field(default_factory=set)
    locked_chars: int = 0
    given_up: set[int] = field(default_factory=set)
    capped: set[int] = field(default_factory=set)
    links: tuple[Link, ...] | None = None  # the back end's alignment of ``text``
    score: float | None = None  # the decode's score of ``text``; None once the text is changed
    aligned: set[int] = field(default_factory=set)  # forced where the model's attempt was
    doubled: set[int] = field(default_factory=set)  # not forced: it would write a word twice


_hits = locate_requirements


def _missing_required(hits: Sequence[Hit | None], matches: Sequence[Requirement]) -> list[int]:
    pairs = enumerate(zip(hits, matches, strict=True))
    return [k for k, (hit, m) in pairs if hit is None and not m.ambiguous]


def enforce(
    backend: Backend,
    texts: list[str],
    options: DecodeOptions,
    source: RequirementSource | None = None,
    max_rounds: int = MAX_FORCED_ROUNDS,
    forced_beam: int | None = FORCED_BEAM,
    *,
    protect: bool = False,
    align: bool = False,
) -> list[HookResult]:
    """Translate ``texts`` so that every term ``source`` finds in them appears in the English.

    With ``protect`` the protected spans of each text (figures, dates, names, addresses; see
    :func:`translate.protect.find_spans`) are enforced in the same pass.

    The cost is bounded: at most two plain decodes of the batch (texts without terms, texts
    with terms) plus ``max_rounds`` forced-prefix calls, however many terms a text holds.

    Args:
        backend: any :class:`~translate.backend.Backend` (n-best and forced prefixes are used).
        texts: Swahili sentences.
        options: decoding options, used as given for texts without glossary terms.
        source: what supplies the terms (a :class:`glossary.Glossary`; None for none).
        max_rounds: forced-prefix rounds per text at most (0 = never force: missing terms are
            flagged ``failed`` right away).
        forced_beam: beam for the forced continuations (None = ``options.beam``; never more).
        protect: enforce protected spans too (off by default here; the
            :class:`Constraints` hook turns it on).
        align: where the back end is a :class:`translate.backend.Aligner`, force each
            missing item where the model's own attempt at it is (by cross-attention) and drop
            that attempt, instead of at its relative position in the source.

    Returns:
        One :class:`~translate.hooks.HookResult` per text, in order.
    """
    if max_rounds < 0:
        raise ValueError(f"max_rounds must be 0 (never force) or positive, got {max_rounds}")
    if forced_beam is not None and forced_beam < 1:
        raise ValueError(f"forced_beam must be None (the caller's beam) or ≥ 1, got {forced_beam}")
    if not texts:
        return []
    aligner = backend if align and isinstance(backend, Aligner) else None
    states = [_State(i, text, requirements(text, source, protect)) for i, text in enumerate(texts)]
    plain = [s for s in states if not s.matches]
    termed = [s for s in states if s.matches]
    if plain:
        outs = backend.translate_batch([s.source for s in plain], options)
        for s, hyps in zip(plain, outs, strict=True):
            s.first = s.text = hyps[0].text if hyps else ""
            s.score = hyps[0].score if hyps else None
    pending = []
    if termed:
        wide = replace(options, nbest=options.beam)
        decode = aligner.translate_aligned if aligner is not None else backend.translate_batch
        lists = decode([s.source for s in termed], wide)
        for s, hyps in zip(termed, lists, strict=True):
            s.first = s.text = hyps[0].text if hyps else ""
            s.score = hyps[0].score if hyps else None
            s.links = hyps[0].links if hyps else None
            s.first_hits = _hits(s.first, s.matches)
            if not _missing_required(s.first_hits, s.matches):
                continue
            choice = _choose(hyps[1:], s.matches)
            if choice is None:
                pending.append(s)
                s.score = None  # whatever is kept will be forced
            else:
                s.text, s.score, s.stage = choice.text, choice.score, "nbest"
    if pending and max_rounds:
        beam = min(forced_beam or options.beam, options.beam)
        _force(backend, pending, replace(options, beam=beam, nbest=1), max_rounds, aligner)
    return [_outcomes(s, max_rounds) for s in states]


def _choose(hyps: Sequence[Hypothesis], matches: Sequence[Requirement]) -> Hypothesis | None:
    """The best-ranked hypothesis with every required term, preferring more ambiguous ones found."""
    best: tuple[int, Hypothesis] | None = None
    for hyp in hyps:
        hits = _hits(hyp.text, matches)
        if _missing_required(hits, matches):
            continue
        found = sum(h is not None for h in hits)
        if best is None or found > best[0]:
            best = (found, hyp)
    return best[1] if best else None


def _force(
    backend: Backend,
    pending: list[_State],
    options: DecodeOptions,
    rounds: int,
    aligner: Aligner | None = None,
) -> None:
    """Force missing terms: one per text per round, every one still missing in the last round.

    A text missing more than twice as many terms as rounds are left (a term repeated all
    through a long line) gets the all-at-once round straight away. ``options`` are those of
    the forced decodes (beam :data:`FORCED_BEAM` by default: a beam would carry every long
    prefix through each of its beams for the few words left).
    """
    for round_no in range(1, rounds + 1):
        batch: list[tuple[_State, list[int], str]] = []
        for s in pending:
            hits = _hits(s.text, s.matches)
            missing = [k for k in _missing_required(hits, s.matches) if k not in s.given_up]
            if not missing:
                continue
            left = rounds - round_no  # rounds after this one
            if left and len(missing) <= 2 * (left + 1):
                prefix = _prefix(s, missing[:1], hits)
                if missing[0] in s.doubled:
                    s.given_up.add(missing[0])
                else:
                    batch.append((s, missing[:1], prefix))
                continue
            placed, prefix = _fitting_prefix(backend, s, missing, hits)
            s.given_up.update(k for k in placed if k in s.doubled)
            s.capped.update(k for k in missing if k not in placed)
            placed = [k for k in placed if k not in s.doubled]
            if placed:
                batch.append((s, placed, prefix))
        if not batch:
            return
        outs = _decode_with_prefixes(backend, batch, options, aligner)
        for (s, ks, prefix), hyps in zip(batch, outs, strict=True):
            new = _word_boundary(hyps[0].text if hyps else "", prefix)
            links = _shifted(hyps[0].links, hyps[0].text, new, len(prefix)) if hyps else None
            echo = _drop_echo(new, prefix) if doubled_word(s.source) is None else new
            if echo != new:
                new, links = echo, None
            s.forced.update(ks)
            after = _hits(new, s.matches)
            lost = [k for k in ks if after[k] is None]
            if len(lost) == len(ks):
                # The back end lost the forced words (e.g. a tokenizer cannot spell them).
                log.info(
                    "forced term %r did not survive decoding: %r", s.matches[ks[0]].preferred, new
                )
                s.given_up.update(ks)
                continue
            s.given_up.update(lost)
            s.text, s.stage, s.links = new, "forced", links
            s.locked_chars = len(prefix)


def _aligned(s: _State, k: int, hits: Sequence[Hit | None], floor: int) -> tuple[int, int] | None:
    """Where in the translation the model put its own attempt at item ``k``: whole words.

    The longest run of consecutive target tokens attending to the item's source characters,
    widened to whole words. None without an alignment, when the run is punctuation only,
    starts before ``floor``, is more than :data:`_MAX_EXTRA_WORDS` words longer than the item,
    or would take in another item already in place.
    """
    if not s.links:
        return None
    m = s.matches[k]
    runs: list[tuple[int, int]] = []
    current: list[int] = []
    for start, end, src_start, src_end in s.links:
        if src_start < m.end and m.start < src_end and end > start:
            if current and start > current[1] and s.text[current[1] : start].strip():
                runs.append((current[0], current[1]))
                current = []
            current = [current[0], end] if current else [start, end]
        elif current and end > start:
            runs.append((current[0], current[1]))
            current = []
    if current:
        runs.append((current[0], current[1]))
    # Punctuation alone is no attempt (a full stop attending to a figure would drop a word).
    runs = [r for r in runs if any(ch.isalnum() for ch in s.text[r[0] : r[1]])]
    if not runs:
        return None
    a, b = max(runs, key=lambda r: (r[1] - r[0], -r[0]))
    text = s.text
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    # An attempt far longer than the item is an alignment gone astray: do not drop it.
    if a < floor or len(text[a:b].split()) > len(m.preferred.split()) + _MAX_EXTRA_WORDS:
        return None
    for j, hit in enumerate(hits):
        if hit is not None and j != k and hit[0] < b and a < hit[1]:
            return None
    return a, b


def _fitting_prefix(
    backend: Backend, s: _State, missing: list[int], hits: Sequence[Hit | None]
) -> tuple[list[int], str]:
    """One prefix placing as many of ``missing`` (left to right) as leaves room to finish.

    A single term is always tried (as in the earlier rounds); more only while the prefix keeps
    :data:`_MIN_NEW_TOKENS` of the model's positions (``backend.max_input_tokens``) free.
    Terms left out are the cap's.
    """
    ks = list(missing)
    prefix = _prefix(s, ks, hits, keep_placed=True)
    limit = backend.max_input_tokens - _MIN_NEW_TOKENS
    while len(ks) > 1 and backend.count_tokens([prefix])[0] > limit:
        ks = ks[: len(ks) // 2]
        prefix = _prefix(s, ks, hits, keep_placed=True)
    return ks, prefix


def _shifted(
    links: tuple[Link, ...] | None, text: str, new: str, at: int
) -> tuple[Link, ...] | None:
    """``links`` of ``text`` as links of ``new`` (:func:`_word_boundary` may add a space at
    ``at``)."""
    if links is None or new == text:
        return links
    return tuple(
        (a + (a >= at), b + (b > at), c, d) if len(new) == len(text) + 1 else (a, b, c, d)
        for a, b, c, d in links
    )


def _decode_with_prefixes(
    backend: Backend,
    batch: list[tuple[_State, list[int], str]],
    options: DecodeOptions,
    aligner: Aligner | None = None,
) -> list[list[Hypothesis]]:
    """Decode with forced prefixes, keeping whole outputs within ``options.max_length`` tokens.

    The back end counts ``max_length`` as new tokens after the prefix; a long prefix plus a full
    ``max_length`` could outgrow the model's positions, and would let a forced output run
    longer than a plain one. Where a text's own length cap (``options.length_limit``) already
    fits in what the prefix leaves, the remaining budget does not bind and the text shares one
    call with the others; the rest are grouped by their remaining budget.
    """
    sizes = backend.count_tokens([p for _, _, p in batch])
    sources = backend.count_tokens([s.source for s, _, _ in batch])
    groups: dict[int, list[int]] = {}
    for i, (size, source) in enumerate(zip(sizes, sources, strict=True)):
        budget = max(_MIN_NEW_TOKENS, options.max_length - size)
        key = options.max_length if options.length_limit(source) <= budget else budget
        groups.setdefault(key, []).append(i)
    outs: list[list[Hypothesis]] = [[] for _ in batch]
    for budget, members in groups.items():
        decode = aligner.translate_aligned if aligner is not None else backend.translate_batch
        hyps = decode(
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


def _drop_echo(text: str, prefix: str) -> str:
    """Drop the model's echo of the forced words' last word ("$114.3 million million").

    Having been forced to write the item, the model often goes on with the end of its own
    attempt at it; a word repeated right at the junction is that echo, not English.
    """
    if not text.startswith(prefix):
        return text
    head = prefix.split()
    rest = text[len(prefix) :]
    match = re.match(r"\s+(\S+)", rest)
    if not head or match is None:
        return text
    word = match.group(1)
    if plain_word(word) and plain_word(word) == plain_word(head[-1]):
        return prefix + rest[match.end() :]
    return text


def _in_other_hit(cut: int, k: int, words: list[int], placed: list[tuple[int, int, int]]) -> bool:
    """Whether the translation's last word before ``cut`` is part of another item in place.

    ``words`` are the translation's word starts, ``placed`` the items found in it as sorted
    ``(start, end, index)``; both are searched by bisection, so a line repeating one term
    thousands of times stays linear.
    """
    w = bisect.bisect_left(words, cut) - 1
    if w < 0:
        return False
    a = words[w]
    i = bisect.bisect_left(placed, (cut, -1, -1)) - 1
    while i >= 0 and placed[i][1] > a:
        if placed[i][2] != k:
            return True
        i -= 1
    return False


def _doubles(head: str, term: str) -> bool:
    """Whether ``term`` written after ``head`` repeats its last word ("Kazakhstan Kazakhstan")."""
    last, first = plain_word(head.split()[-1]) if head.split() else "", plain_word(term.split()[0])
    return last == first and any(ch.isalpha() for ch in first)


def _prefix(
    s: _State, ks: Sequence[int], hits: Sequence[Hit | None], keep_placed: bool = False
) -> str:
    """The translation's words up to where each term of ``ks`` belongs, each followed by it.

    With one term this is the translation's head and the term. With several (the last round)
    the translation's words between one term's place and the next are kept in between, and
    with ``keep_placed`` the words up to the end of the last term already in place after them
    too, so that the last round cannot lose a term an earlier one placed.
    """
    text = s.text
    words = [m.start() for m in re.finditer(r"\S+", text)]
    placed = sorted((h[0], h[1], j) for j, h in enumerate(hits) if h is not None)
    out = ""
    floor = s.locked_chars
    for k in ks:
        cut, resume = _cut(s, k, hits, words, floor)
        piece = text[floor:cut].strip() if out else text[:cut].rstrip()
        head = f"{out} {piece}".strip() if piece else out
        term = _term_text(s, k, head)
        if _doubles(head, term):
            if piece and not _in_other_hit(cut, k, words, placed):
                # The word before is the model's partial attempt ("the director" + "Director
                # General"): the item takes its place.
                head = head.rsplit(None, 1)[0] if len(head.split()) > 1 else ""
                term = _term_text(s, k, head)
            elif s.matches[k].kind != "term":
                # Beside another occurrence of itself ("between Kazakhstan Kazakhstan"): the
                # translation has no place for this one. A figure or name is flagged rather
                # than stuttered; a glossary term, the user's explicit contract, is still
                # forced (and the degenerate check re-decodes the stutter).
                s.doubled.add(k)
                continue
        out = f"{head} {term}" if head else term
        floor = max(floor, resume)
    if keep_placed:
        last = max((h[1] for h in hits if h is not None and h[1] > floor), default=floor)
        tail = text[floor:last].strip()
        if tail:
            out = f"{out}{tail}" if tail[0] in ",.;:!?)'’" else f"{out} {tail}"
    return out


def _cut(
    s: _State, k: int, hits: Sequence[Hit | None], words: list[int], floor: int
) -> tuple[int, int]:
    """Where in the translation item ``k`` belongs, and where the translation resumes after it.

    With an alignment, the item replaces the model's own attempt at it (``resume`` is the end
    of that attempt); otherwise it goes at a word start by its relative position in the
    source, never inside a placed term, and nothing is dropped (``resume == cut``).
    """
    span = _aligned(s, k, hits, floor)
    if span is not None:
        same_before = [
            h
            for j, h in enumerate(hits)
            if h is not None and j < k and s.matches[j].targets == s.matches[k].targets
        ]
        if all(h[1] <= span[0] for h in same_before):
            s.aligned.add(k)
            return span
    s.aligned.discard(k)
    cut = _relative_cut(s, k, hits, words, floor)
    return cut, cut


def _relative_cut(
    s: _State, k: int, hits: Sequence[Hit | None], words: list[int], floor: int
) -> int:
    """Where in the translation term ``k`` belongs: a word start, never inside a placed term."""
    match = s.matches[k]
    text = s.text
    rel = match.start / max(len(s.source), 1)
    cut_word = min(round(rel * len(words)), max(len(words) - 1, 0))
    cut = words[cut_word] if words else 0
    cut = max(cut, floor)
    # Never cut through an English term that is already in place, and keep the earlier
    # occurrences of the same term before it: the k-th "Belgium" goes after the first k-1.
    for j, hit in enumerate(hits):
        if hit is None:
            continue
        same_before = j < k and s.matches[j].targets == match.targets
        if hit[0] < cut < hit[1] or (same_before and cut < hit[1]):
            cut = hit[1]
    if cut < len(text) and cut > floor and not text[cut - 1].isspace():
        nxt = text.find(" ", cut)
        cut = len(text) if nxt == -1 else nxt
    return cut


def _term_text(s: _State, k: int, head: str) -> str:
    """Term ``k``'s preferred English, cased for where it goes after ``head``."""
    match = s.matches[k]
    term = match.preferred
    if match.kind == "term" and term.islower() and _NAME_FOLLOWS.match(s.source, match.end):
        # A generic title before a name is written as a title: "Rais Samia" → "President Samia".
        term = " ".join(w[:1].upper() + w[1:] for w in term.split())
    opens_sentence = not head or bool(_SENTENCE_END.search(head))
    if opens_sentence and term[:1].islower() and match.kind not in VERBATIM_KINDS:
        term = term[:1].upper() + term[1:]
    return term


def _outcomes(s: _State, max_rounds: int) -> HookResult:
    if not s.matches:
        return HookResult(s.text, (), s.score)
    hits = _hits(s.text, s.matches)
    out = []
    for k, (m, hit) in enumerate(zip(s.matches, hits, strict=True)):
        reason = ""
        if hit is None:
            if m.ambiguous:
                status = "ambiguous"
                reason = m.note
            else:
                status = "failed"
                reason = _failure(s, k, max_rounds)
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
            if status == "forced" and k in s.forced:
                reason = (
                    "placed over the model's own attempt (cross-attention)"
                    if k in s.aligned
                    else "placed by its relative position in the source: may be misplaced, "
                    "and the model's own attempt may remain beside it"
                )
        else:
            status = "model"
        out.append(
            SpanOutcome(
                sw=m.sw,
                source=m.surface,
                start=m.start,
                end=m.end,
                number=m.number,
                expected=m.targets,
                status=status,
                found=hit[2] if hit else None,
                reason=reason,
                kind=m.kind,
            )
        )
    return HookResult(s.text, tuple(out), s.score)


def _failure(s: _State, k: int, max_rounds: int) -> str:
    """Why a required term is missing from the final translation."""
    if k in s.doubled:
        return (
            "not forced: next to the model's own words it would write a word twice (the "
            "translation has no place for this occurrence)"
        )
    if k in s.given_up:
        return "not in any hypothesis; forcing it did not survive decoding"
    if not max_rounds:
        return "not in the translation (forcing is off)"
    if k in s.capped:
        return "cap: the forced prefix had no room left for it within the model's length limit"
    return (
        f"cap: still missing after {max_rounds} forced "
        f"round{'s' * (max_rounds != 1)} (the model dropped it after the forced prefix)"
    )


def summarize(results: Sequence[HookResult]) -> dict[str, int]:
    """Counts for an end-of-run summary: found (all occurrences) and one count per status."""
    counts = {"found": 0, **{status: 0 for status in STATUSES}}
    for result in results:
        for term in result.outcomes:
            counts["found"] += 1
            counts[term.status] += 1
    return counts
