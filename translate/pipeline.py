"""The translation pipeline: documents → segments → batches → back end → English documents.

:class:`Translator` is the one model handle. It segments a document
(:func:`translate.segment.segment_document`), splits over-long segments
(:mod:`translate.longsplit`), sorts the work by length into batches under the token budget,
sends each batch to the back end (through a decoder hook such as a glossary, when one is set),
and rebuilds the document with its whitespace layout intact. Results are frozen dataclasses;
:meth:`DocumentTranslation.records` gives the JSONL segment records (:mod:`translate.records`,
documented in ``docs/pipeline.md``).

One handle serves many requests: decode options and the hook can be given per call, so a
server keeps one model loaded and translates with different beams or glossaries.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.backend import Backend, DecodeOptions, Hypothesis, Scorer, load_backend
from translate.batching import plan_batches
from translate.degenerate import (
    DEFAULT_CHECK,
    DegenerateCheck,
    Flag,
    Problem,
    drop_doubled_words,
    find_problems,
    flags_for,
)
from translate.figures import drop_figure_echoes
from translate.hooks import DecoderHook, SpanOutcome
from translate.longsplit import join_pieces, split_long
from translate.markup import Markup, markdown_segments, parse, phrases_to_translate, restore
from translate.records import RECORD_SCHEMA, SegmentRecord, record_dict, to_jsonl
from translate.rerank import RerankedBackend, Reranker, declared_reranker
from translate.roundtrip import round_trip_flags
from translate.segment import Segment, rebuild, segment_document
from translate.settings import OutputSettings, model_name, tafsiri_version
from translate.textio import read_text
from translate.trust import DEFAULT_TRUST, TrustCheck, trust_flags

__all__ = [
    "RECORD_SCHEMA",
    "KEEP",
    "DEFAULT_HOOK",
    "Translator",
    "TranslationInfo",
    "SegmentRecord",
    "DocumentTranslation",
    "markdown_segments",
    "tafsiri_version",
]

log = logging.getLogger(__name__)


class _Keep:
    """The type of :data:`KEEP`."""

    def __repr__(self) -> str:
        return "KEEP"


#: Per-call ``glossary=KEEP`` (the default) uses the handle's own hook; ``None`` uses none.
KEEP = _Keep()


class _Default:
    """The type of :data:`DEFAULT_HOOK`."""

    def __repr__(self) -> str:
        return "DEFAULT_HOOK"


#: ``Translator(glossary=DEFAULT_HOOK)`` (the default): the hook ``tafsiri translate`` uses,
#: :func:`translate.constraints.default_hook` — the shipped glossary and protected spans.
DEFAULT_HOOK = _Default()
# Quality drops well before MarianMT's 512-position limit; longer segments are split.
DEFAULT_MAX_SEGMENT_TOKENS = 200

Progress = Callable[[int], None]


@dataclass(frozen=True)
class TranslationInfo:
    """How a translation was made: enough to reproduce it and to tell runs apart.

    Attributes:
        model: the model's name (:func:`translate.settings.model_name`: the catalogue or
            folder base name, or a hub id; never a path on this machine).
        backend: the back-end name (``"transformers"``, ``"ct2"``).
        device: the device the back end runs on.
        decode: the decode options used.
        max_segment_tokens: the token cap above which segments were split.
        glossary: the decoder hook's checksum (the glossary's), or ``None`` without one.
        fingerprint: a hash of the model files (changes when the weights change).
        description: what ran, in words (``"ct2 int8 on cpu, 2 threads"``).
        degenerate: the degenerate-output check (and its re-decode settings), or ``None``
            when it was off.
        compute_type: the quantization the back end runs (``"int8_float32"``, ``"float16"``,
            ``"float32"``).
        trust: whether the meaning-level checks ran (``Translator(trust=None)``: not).
        round_trip: the round-trip check's English→Swahili model (``name:fingerprint``), or
            None when it did not run.
        rerank: the noisy-channel reranker (``name:fingerprint:weightxcandidates``,
            :mod:`translate.rerank`), or None when the beam's own ranking was kept.
    """

    model: str
    backend: str
    device: str
    decode: DecodeOptions
    max_segment_tokens: int
    glossary: str | None = None
    fingerprint: str | None = None
    description: str = ""
    degenerate: DegenerateCheck | None = None
    compute_type: str = "default"
    trust: bool = True
    round_trip: str | None = None
    rerank: str | None = None

    @property
    def settings(self) -> OutputSettings:
        """The settings that changed the words: the one record signatures are made from."""
        return OutputSettings(
            model=self.model,
            fingerprint=self.fingerprint,
            backend=self.backend,
            compute_type=self.compute_type,
            decode=self.decode,
            max_segment_tokens=self.max_segment_tokens,
            glossary=self.glossary,
            degenerate=self.degenerate.signature() if self.degenerate else None,
            trust=self.trust,
            round_trip=self.round_trip,
            rerank=self.rerank,
        )

    def decode_settings(self) -> dict[str, Any]:
        """The decode settings as written into each JSONL record."""
        return {
            **dataclasses.asdict(self.decode),
            "max_segment_tokens": self.max_segment_tokens,
            "degenerate": self.degenerate.signature() if self.degenerate else None,
        }

    def signature(self) -> str:
        """A sacreBLEU-style signature of :attr:`settings`: everything that changes the output.

        Example: ``tafsiri:0.1.0|model:sw-en-compact|fp:1a2b…|backend:ct2|ct:int8_float32|…``;
        see :meth:`translate.settings.OutputSettings.signature`.
        """
        return self.settings.signature()


@dataclass(frozen=True)
class DocumentTranslation:
    """A translated document.

    Attributes:
        source: the source document.
        text: the English document, with the source's whitespace layout.
        segments: one record per segment, in document order.
        info: how it was translated.
    """

    source: str
    text: str
    segments: tuple[SegmentRecord, ...]
    info: TranslationInfo

    def records(self, document: str = "") -> list[dict[str, Any]]:
        """The JSONL records of all segments, ``document`` naming the document."""
        return [record_dict(s, document, self.info) for s in self.segments]

    def to_jsonl(self, document: str = "") -> str:
        """All records as JSON Lines (one per segment, each ending in a newline)."""
        return to_jsonl(self.records(document))


@dataclass(frozen=True)
class _Piece:
    """What the model (or the hook) gave for one piece: text, span outcomes, flags, and the
    decode's score of the text where it is a hypothesis as the model wrote it."""

    text: str
    terms: tuple[SpanOutcome, ...] = ()
    flags: tuple[Flag, ...] = ()
    score: float | None = None


@dataclass(frozen=True)
class _Unit:
    """What translating one text gave: its translation, piece count, outcomes, flags and the
    model's confidence in it."""

    translation: str
    pieces: int
    terms: tuple[SpanOutcome, ...] = field(default=())
    flags: tuple[Flag, ...] = field(default=())
    confidence: float | None = None


def redecode_options(options: DecodeOptions, check: DegenerateCheck) -> DecodeOptions | None:
    """The options a degenerate piece is decoded again with, or ``None`` for no re-decode.

    The first decode's options with the check's repetition penalty (or the first decode's,
    when higher) and n-gram ban (the first decode's, when it had one). ``None`` when the check
    says not to re-decode, or when that would repeat the first decode exactly.
    """
    if not check.redecode:
        return None
    retry = dataclasses.replace(
        options,
        repetition_penalty=max(options.repetition_penalty, check.repetition_penalty),
        no_repeat_ngram_size=options.no_repeat_ngram_size or check.no_repeat_ngram_size,
    )
    return None if retry == options else retry


def _drop_doubled(
    source: str, piece: _Piece, problems: tuple[Problem, ...], check: DegenerateCheck
) -> tuple[_Piece, tuple[Problem, ...], bool]:
    """A doubled word that survived the re-decode, written once (see drop_doubled_words)."""
    if not (check.doubled_words and problems):
        return piece, problems, False
    keep = [
        (at, at + len(t.found))
        for t in piece.terms
        if t.found
        for at in _occurrences(piece.text, t.found)
    ]
    text = drop_doubled_words(source, piece.text, keep)
    if text == piece.text:
        return piece, problems, False
    return (
        dataclasses.replace(piece, text=text, score=None),
        find_problems(source, text, check),
        True,
    )


def _drop_echoes(source: str, piece: _Piece) -> _Piece:
    """The piece with a figure's echo beside it written once (see drop_figure_echoes)."""
    text, notes = drop_figure_echoes(source, piece.text)
    if not notes:
        return piece
    flag = Flag("repetition", f"figure echo written once: {'; '.join(notes)}", False, False)
    return dataclasses.replace(piece, text=text, score=None, flags=(*piece.flags, flag))


def _occurrences(text: str, part: str) -> list[int]:
    """Where ``part`` starts in ``text`` (every occurrence)."""
    found, at = [], text.find(part)
    while at != -1:
        found.append(at)
        at = text.find(part, at + 1)
    return found


#: What ``translate_document(mark=True)`` (``tafsiri translate --mark``) puts around the English
#: of a flagged segment: brackets that occur in no news text, so a search finds every one.
MARKS = ("⟦", "⟧")


def _flagged(record: SegmentRecord) -> bool:
    return bool(record.trust_flags) or record.degenerate


def _mean(scores: Sequence[float | None]) -> float | None:
    """A text's confidence from its pieces' (None when any piece was not scored)."""
    if not scores or any(s is None for s in scores):
        return None
    return sum(s for s in scores if s is not None) / len(scores)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


class Translator:
    """The one model handle: translate texts, documents and files.

    Args:
        model: a model folder, a name (embedded or registered, see
            :mod:`translate.model_catalog`), a hub id in the local cache, or a ready
            :class:`Backend` (useful for wrapping one). ``None`` uses the embedded compact
            model.
        backend: the runtime: ``"auto"`` (CTranslate2 when the model converts, else
            transformers), ``"transformers"`` or ``"ct2"``; see
            :func:`translate.backend.load_backend`.
        device: ``"auto"`` (CUDA when present), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        threads: CPU threads for the back end (0 = its default, see
            :func:`translate.backend.default_threads`).
        compute_type: CTranslate2 quantization (``"default"``: int8 on CPU).
        glossary: the decoder hook used by default. :data:`DEFAULT_HOOK` (the default) is
            what ``tafsiri translate`` uses: the shipped glossary plus protected figures,
            dates, names and addresses (:func:`translate.constraints.default_hook`); build
            another with ``default_hook(["my.tsv"])``, ``default_hook(glossary=False)``
            (``--no-glossary``) or ``default_hook(protect=False)`` (``--no-protect``), or
            pass ``None`` for no hook at all (the model's output unconstrained).
        options: default decode options (beam, n-best, lengths, batch token budget).
        max_segment_tokens: segments longer than this (or than the model's own input limit,
            whichever is smaller) are split at safe points and translated in pieces.
        registry: the registered-models file used to resolve names (the CLI passes
            ``$TAFSIRI_HOME/models.json``); ``None`` resolves embedded names and folders only.
        cache_dir: where CTranslate2 conversions are cached (default ``~/.cache/tafsiri``).
        degenerate: how to catch repetition loops and outputs far too long or short
            (:class:`translate.degenerate.DegenerateCheck`): such pieces are decoded again
            with repetition control and flagged in the records when that does not cure them.
            ``None`` turns the check off.
        trust: the meaning-level checks (:class:`translate.trust.TrustCheck`: polarity,
            names, invented figures, low confidence), written as flags into the records;
            they never change the English. Each record's ``confidence`` is the model's score
            of the English it kept (the decode's own, or a teacher-forced pass where the
            English was changed after it). ``None`` turns both off.
        round_trip: an English→Swahili model (folder, name or back end) to translate the
            English back with; segments whose round trip keeps too little of the source are
            flagged ``round-trip`` (:mod:`translate.roundtrip`; about 50% more time). Needs
            ``trust``.
        rerank: the noisy-channel reranker (:class:`translate.rerank.Reranker`): the beam's
            candidates rescored by an English→Swahili model. :data:`DEFAULT_HOOK` (the
            default) uses the one the model folder declares in its ``rerank.json`` if it
            runs by default (the embedded model declares the embedded ``en-sw-compact``, off
            by default: pass ``Reranker("en-sw-compact")``, whose defaults are its settings; a
            ready back end declares none); ``None`` keeps the beam's own ranking.

    Raises:
        InputError: the model is missing or unreadable.
        ValueError: an unknown back end or device, or a bad ``max_segment_tokens``.

    Example:
        >>> tr = Translator("models/sw-en")          # doctest: +SKIP
        >>> tr.translate_document("Habari.\\n\\nAsante.").text  # doctest: +SKIP
    """

    def __init__(
        self,
        model: str | Path | Backend | None = None,
        *,
        backend: str = "auto",
        device: str = "auto",
        threads: int = 0,
        compute_type: str = "default",
        glossary: DecoderHook | None | _Default = DEFAULT_HOOK,
        options: DecodeOptions | None = None,
        max_segment_tokens: int = DEFAULT_MAX_SEGMENT_TOKENS,
        registry: Path | None = None,
        cache_dir: Path | None = None,
        degenerate: DegenerateCheck | None = DEFAULT_CHECK,
        trust: TrustCheck | None = DEFAULT_TRUST,
        round_trip: str | Path | Backend | None = None,
        rerank: Reranker | None | _Default = DEFAULT_HOOK,
    ) -> None:
        if max_segment_tokens < 8:
            raise ValueError(f"max_segment_tokens must be at least 8, got {max_segment_tokens}")
        if isinstance(glossary, _Default):
            from translate.constraints import default_hook

            glossary = default_hook()
        _check_hook(glossary)
        if degenerate is not None and not isinstance(degenerate, DegenerateCheck):
            raise ValueError(
                f"degenerate must be a DegenerateCheck or None, got {type(degenerate).__name__}"
            )
        if trust is not None and not isinstance(trust, TrustCheck):
            raise ValueError(f"trust must be a TrustCheck or None, got {type(trust).__name__}")
        self.degenerate = degenerate
        self.trust = trust
        self.options = options if options is not None else DecodeOptions()
        self.glossary = glossary
        self.max_segment_tokens = max_segment_tokens
        folder: Path | None = None
        if isinstance(model, (str, Path)) or model is None:
            from translate.model_catalog import resolve_model

            folder = resolve_model(model, registry)
            self.backend: Backend = load_backend(
                backend,
                folder,
                device=device,
                threads=threads,
                compute_type=compute_type,
                cache_dir=cache_dir,
            )
        elif isinstance(model, Backend):
            self.backend = model
        else:
            raise ValueError(
                f"model must be a folder, a model name, None or a Backend (with model_id, name, "
                f"device, fingerprint, max_input_tokens, description, compute_type, count_tokens and "
                f"translate_batch), got {type(model).__name__}"
            )
        if isinstance(rerank, _Default):
            declared = declared_reranker(folder) if folder is not None else None
            rerank = declared[0] if declared is not None and declared[1] else None
        self.rerank_label: str | None = None
        if rerank is not None:
            self.backend, self.rerank_label = self._reranked(
                rerank, registry, device, threads, cache_dir
            )
        self.max_tokens = min(self.backend.max_input_tokens, max_segment_tokens)
        self.round_trip: Translator | None = None
        if round_trip is not None:
            if trust is None:
                raise ValueError("round_trip is a meaning-level check: it needs trust")
            # The way back is a plain translation: no glossary or checks of its own.
            self.round_trip = Translator(
                round_trip,
                backend=backend,
                device=device,
                threads=threads,
                compute_type=compute_type,
                glossary=None,
                registry=registry,
                cache_dir=cache_dir,
                trust=None,
            )
        self.info = self._info(self.options, glossary)

    def _reranked(
        self,
        reranker: Reranker,
        registry: Path | None,
        device: str,
        threads: int,
        cache_dir: Path | None,
    ) -> tuple[Backend, str]:
        """The back end wrapped by ``reranker``'s channel model, and its signature."""
        from translate.model_catalog import resolve_model

        if not isinstance(reranker, Reranker):
            raise ValueError(f"rerank must be a Reranker or None, got {type(reranker).__name__}")
        folder = resolve_model(reranker.model, registry)
        # The channel runs as CTranslate2 when it converts, whatever the forward back end: it
        # only scores, and the embedded one ships as an int8 conversion alone.
        channel = load_backend("auto", folder, device=device, threads=threads, cache_dir=cache_dir)
        label = reranker.signature(model_name(folder), channel.fingerprint)
        wrapped = RerankedBackend(
            self.backend, channel, reranker.weight, reranker.candidates, model_name(folder)
        )
        return wrapped, label

    def _info(self, options: DecodeOptions, hook: DecoderHook | None) -> TranslationInfo:
        backend = self.backend
        return TranslationInfo(
            model=model_name(backend.model_id),
            backend=backend.name,
            device=backend.device,
            decode=options,
            max_segment_tokens=self.max_segment_tokens,
            glossary=hook.checksum if hook is not None else None,
            fingerprint=backend.fingerprint,
            description=backend.description,
            degenerate=self.degenerate,
            compute_type=backend.compute_type,
            trust=self.trust is not None,
            round_trip=(
                f"{model_name(self.round_trip.backend.model_id)}:{self.round_trip.backend.fingerprint}"
                if self.round_trip is not None
                else None
            ),
            rerank=self.rerank_label,
        )

    def _resolve(
        self, options: DecodeOptions | None, glossary: DecoderHook | None | _Keep
    ) -> tuple[DecodeOptions, DecoderHook | None]:
        hook = self.glossary if isinstance(glossary, _Keep) else glossary
        _check_hook(hook)
        return (options if options is not None else self.options), hook

    def info_for(
        self, options: DecodeOptions | None = None, glossary: DecoderHook | None | _Keep = KEEP
    ) -> TranslationInfo:
        """The :class:`TranslationInfo` a call with these per-call settings would report."""
        return self._info(*self._resolve(options, glossary))

    # -- the core: texts in, units out ---------------------------------------------------

    def _run(
        self, texts: list[str], options: DecodeOptions, hook: DecoderHook | None
    ) -> list[_Piece]:
        """Send one batch to the back end, or through the decoder hook."""
        if hook is None:
            hyps = self.backend.translate_batch(texts, options)
            return [_Piece(h[0].text, score=h[0].score) if h else _Piece("") for h in hyps]
        return [
            _Piece(r.text, tuple(r.outcomes), score=r.score)
            for r in hook.decode(self.backend, texts, options)
        ]

    def _pieces(
        self, texts: Sequence[str]
    ) -> tuple[list[list[tuple[int, int]]], list[tuple[int, str]], list[int]]:
        """Split ``texts`` into model inputs: (spans per text, (owner, piece) work, lengths).

        Texts without letters get no spans: they are copied, not translated.
        """
        spans: list[list[tuple[int, int]]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if _has_letters(t)]
        counts = self.backend.count_tokens([texts[i] for i in todo])
        work: list[tuple[int, str]] = []
        work_len: list[int] = []
        for i, n in zip(todo, counts, strict=True):
            text = texts[i]
            if n <= self.max_tokens:
                spans[i] = [(0, len(text))]
                work.append((i, text.strip()))
                work_len.append(n)
                continue
            spans[i] = split_long(text, self.backend.count_tokens, self.max_tokens)
            log.info("segment of %d tokens split into %d pieces", n, len(spans[i]))
            pieces = [text[a:b].strip() for a, b in spans[i]]
            for piece, m in zip(pieces, self.backend.count_tokens(pieces), strict=True):
                work.append((i, piece))
                work_len.append(m)
        return spans, work, work_len

    def _translate_units(
        self,
        texts: Sequence[str],
        options: DecodeOptions,
        hook: DecoderHook | None,
        progress: Progress | None = None,
    ) -> list[_Unit]:
        spans, work, work_len = self._pieces(texts)
        results: list[_Piece | None] = [None] * len(work)
        remaining = [len(s) for s in spans]
        done_without_model = sum(1 for s in spans if not s)
        if progress and done_without_model:
            progress(done_without_model)
        for batch in plan_batches(work_len, options.batch_tokens):
            outputs = self._run([work[k][1] for k in batch], options, hook)
            finished = 0
            for k, piece in zip(batch, outputs, strict=True):
                results[k] = piece
                i = work[k][0]
                remaining[i] -= 1
                finished += remaining[i] == 0
            if progress and finished:
                progress(finished)
        pieces = [r for r in results if r is not None]
        if self.degenerate is not None:
            pieces = self._check_degenerate(work, work_len, pieces, options, hook)
            if self.degenerate.figure_echoes:
                pieces = [_drop_echoes(src, p) for (_, src), p in zip(work, pieces, strict=True)]
        scores = self._confidence(work, pieces, options)
        by_text: list[list[_Piece]] = [[] for _ in texts]
        scores_by: list[list[float | None]] = [[] for _ in texts]
        for (i, _), piece, score in zip(work, pieces, scores, strict=True):
            by_text[i].append(piece)
            scores_by[i].append(score)
        units: list[_Unit] = []
        for i, text in enumerate(texts):
            if not spans[i]:
                units.append(_Unit(text, 0))
                continue
            parts = by_text[i]
            translation = parts[0].text if len(parts) == 1 else join_pieces([p.text for p in parts])
            terms = tuple(t for p in parts for t in p.terms)
            flags = tuple(f for p in parts for f in p.flags)
            units.append(_Unit(translation, len(parts), terms, flags, _mean(scores_by[i])))
        return units

    def _confidence(
        self, work: list[tuple[int, str]], pieces: list[_Piece], options: DecodeOptions
    ) -> list[float | None]:
        """The model's mean log-probability per token of each piece's English as kept.

        A piece kept as the model wrote it takes the decode's own score, which is that mean
        when the search ranked by it (length penalty 1, no repetition penalty: both back ends
        then score a hypothesis as teacher forcing would). Only English changed after the
        decode (a forced term, a re-decode's repair) costs a scoring pass.
        """
        if self.trust is None or not pieces:
            return [None] * len(pieces)
        plain = options.length_penalty == 1.0 and options.repetition_penalty == 1.0
        scores = [p.score if plain else None for p in pieces]
        todo = [k for k, score in enumerate(scores) if score is None and pieces[k].text]
        if todo and isinstance(self.backend, Scorer):
            scored = self.backend.score_batch(
                [work[k][1] for k in todo], [pieces[k].text for k in todo]
            )
            for k, score in zip(todo, scored, strict=True):
                scores[k] = score
        return scores

    def _check_degenerate(
        self,
        work: list[tuple[int, str]],
        work_len: list[int],
        pieces: list[_Piece],
        options: DecodeOptions,
        hook: DecoderHook | None,
    ) -> list[_Piece]:
        """Re-decode degenerate pieces with repetition control; flag what stays degenerate.

        The re-decode goes through the same hook as the first decode, with the same options
        except :func:`redecode_options`. The re-decoded output is kept unless it shows more
        problems than the first one.
        """
        check = self.degenerate
        assert check is not None
        first = [
            find_problems(src, p.text, check) for (_, src), p in zip(work, pieces, strict=True)
        ]
        bad = [k for k, problems in enumerate(first) if problems]
        if not bad:
            return pieces
        retry = redecode_options(options, check)
        out = list(pieces)
        if retry is None:
            for k in bad:
                out[k] = dataclasses.replace(pieces[k], flags=flags_for(first[k], first[k], False))
            return out
        log.info("re-decoding %d degenerate piece(s) with repetition control", len(bad))
        for batch in plan_batches([work_len[k] for k in bad], options.batch_tokens):
            ks = [bad[b] for b in batch]
            again = self._run([work[k][1] for k in ks], retry, hook)
            for k, redone in zip(ks, again, strict=True):
                source = work[k][1]
                second = find_problems(source, redone.text, check)
                if len(second) <= len(first[k]):
                    # Decoded under a repetition penalty: its score is not the model's own.
                    kept, final = dataclasses.replace(redone, score=None), second
                else:
                    kept, final = pieces[k], first[k]
                kept, final, dropped = _drop_doubled(source, kept, final, check)
                flags = flags_for(first[k], final, True)
                if dropped:
                    flags = tuple(
                        dataclasses.replace(
                            f, detail=f"{f.detail}; written once after the re-decode"
                        )
                        if f.kind == "repetition" and not f.persists
                        else f
                        for f in flags
                    )
                out[k] = dataclasses.replace(kept, flags=flags)
        return out

    # -- public API ----------------------------------------------------------------------

    def translate_texts(
        self,
        texts: Sequence[str],
        options: DecodeOptions | None = None,
        glossary: DecoderHook | None | _Keep = KEEP,
        *,
        progress: Progress | None = None,
    ) -> list[str]:
        """Translate each text as one unit (no sentence segmentation; long ones are split).

        Args:
            texts: source texts; texts without letters are returned unchanged.
            options: decode options for this call (default: the handle's).
            glossary: the decoder hook for this call (default :data:`KEEP`: the handle's;
                ``None``: none).
            progress: called with the number of texts just finished, as batches complete.

        Returns:
            One translation per text, in order.
        """
        opts, hook = self._resolve(options, glossary)
        return [u.translation for u in self._translate_units(list(texts), opts, hook, progress)]

    def alternatives(
        self, text: str, n: int = 5, options: DecodeOptions | None = None
    ) -> list[Hypothesis]:
        """The model's ``n`` best translations of one segment, best first (no hook applied).

        The beam is widened to ``n`` when the options' beam is smaller. A segment too long for
        the model is translated piece by piece and only the best joined text is returned.

        Raises:
            ValueError: ``n`` < 1.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        opts = options if options is not None else self.options
        opts = dataclasses.replace(opts, beam=max(opts.beam, n), nbest=n)
        if not _has_letters(text):
            return [Hypothesis(text, 0.0)]
        spans, work, _ = self._pieces([text])
        if len(work) > 1:
            best = self._translate_units([text], dataclasses.replace(opts, nbest=1), None)[0]
            return [Hypothesis(best.translation, 0.0)]
        (hyps,) = self.backend.translate_batch([work[0][1]], opts)
        unique: dict[str, Hypothesis] = {}
        for hyp in hyps:
            unique.setdefault(hyp.text, hyp)
        return list(unique.values())

    def translate_document(
        self,
        text: str,
        options: DecodeOptions | None = None,
        glossary: DecoderHook | None | _Keep = KEEP,
        *,
        progress: Progress | None = None,
        markdown: bool = False,
        segments: Sequence[Segment] | None = None,
        mark: bool = False,
    ) -> DocumentTranslation:
        """Segment ``text``, translate every segment once, and rebuild the English document.

        Args:
            text: the whole article (paragraphs separated by blank lines).
            options: decode options for this call (default: the handle's).
            glossary: the decoder hook for this call (default :data:`KEEP`: the handle's;
                ``None``: none).
            progress: called with the number of segments just finished.
            markdown: keep Markdown markup (headings, bullets, code blocks) out of translation.
            segments: the segments of ``text`` when already computed by :meth:`segment`.
            mark: put :data:`MARKS` around the English of every flagged segment (a
                meaning-level flag, or degenerate output that persists) in the text, so an
                editor reading the plain article sees where to look; the records are the same.

        Returns:
            The translation, its segment records and the settings used.
        """
        opts, hook = self._resolve(options, glossary)
        if segments is None:
            segments = self.segment(text, markdown)
        # model_text: hard-wrapped line breaks and zero-width characters become plain spaces.
        model_texts = [s.model_text for s in segments]
        marks = [parse(t) for t in model_texts] if markdown else None
        if marks is not None:
            model_texts = [m.plain for m in marks]
        units = self._translate_units(model_texts, opts, hook, progress)
        if marks is not None:
            units = self._restore_markup(marks, units, opts, hook)
        trips = self._round_trips(segments, units)
        records = tuple(
            SegmentRecord(
                s.paragraph,
                s.index,
                s.start,
                s.end,
                s.text,
                u.translation,
                u.pieces,
                u.terms,
                u.flags + self._trust_flags(s.text, u) + ((trip,) if trip else ()),
                u.confidence,
            )
            for s, u, trip in zip(segments, units, trips, strict=True)
        )
        translations = [
            f"{MARKS[0]}{u.translation}{MARKS[1]}" if mark and _flagged(r) else u.translation
            for u, r in zip(units, records, strict=True)
        ]
        english = rebuild(text, list(segments), translations)
        return DocumentTranslation(text, english, records, self._info(opts, hook))

    def _round_trips(self, segments: Sequence[Segment], units: list[_Unit]) -> list[Flag | None]:
        """The ``round-trip`` flag of each segment (all None without an English→Swahili model)."""
        if self.round_trip is None:
            return [None] * len(units)
        assert self.trust is not None  # the constructor refuses a round trip without trust
        english = [u.translation if u.pieces else "" for u in units]
        return round_trip_flags(
            self.round_trip.translate_texts,
            [s.text for s in segments],
            english,
            self.trust.round_trip,
        )

    def _trust_flags(self, source: str, unit: _Unit) -> tuple[Flag, ...]:
        if self.trust is None or not unit.pieces:
            return ()
        return trust_flags(source, unit.translation, unit.confidence, unit.terms, self.trust)

    def _restore_markup(
        self,
        marks: list[Markup],
        units: list[_Unit],
        options: DecodeOptions,
        hook: DecoderHook | None,
    ) -> list[_Unit]:
        """Put each segment's inline markup back around its English.

        Tagged phrases whose words are not in the sentence's English (a link whose text was
        translated) are translated once more on their own, all in one pass, so their tags can
        be placed around their English in the sentence (:func:`translate.markup.restore`).
        """
        wanted: dict[str, None] = {}
        for m, u in zip(marks, units, strict=True):
            if m.tags and u.pieces:
                wanted.update(dict.fromkeys(phrases_to_translate(m, u.translation)))
        phrases: dict[str, str] = {}
        if wanted:
            sources = list(wanted)
            english = self._translate_units(sources, options, hook)
            phrases = {s: e.translation for s, e in zip(sources, english, strict=True)}
        return [
            dataclasses.replace(u, translation=restore(m, u.translation, phrases))
            for m, u in zip(marks, units, strict=True)
        ]

    def translate_file(
        self,
        path: str | Path,
        options: DecodeOptions | None = None,
        glossary: DecoderHook | None | _Keep = KEEP,
        *,
        progress: Progress | None = None,
        markdown: bool | None = None,
    ) -> DocumentTranslation:
        """Read ``path`` (UTF-8, UTF-8/UTF-16 with BOM) and translate it as a document.

        ``markdown`` defaults to whether the file name ends in ``.md``.

        Raises:
            InputError: unreadable, binary or badly encoded file.
        """
        path = Path(path)
        md = path.suffix.lower() == ".md" if markdown is None else markdown
        return self.translate_document(
            read_text(path), options, glossary, progress=progress, markdown=md
        )

    @staticmethod
    def segment(text: str, markdown: bool = False) -> list[Segment]:
        """The segments :meth:`translate_document` translates (before long-sentence splitting)."""
        segments = segment_document(text)
        return markdown_segments(text, segments) if markdown else list(segments)


def _check_hook(hook: object) -> None:
    if hook is not None and not isinstance(hook, DecoderHook):
        raise ValueError(
            f"glossary must be a decoder hook (an object with .decode() and .checksum, such as "
            f"glossary.Glossary) or None, got {type(hook).__name__}"
        )
