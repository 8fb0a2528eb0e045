"""The translation pipeline: documents → segments → batches → back end → English documents.

:class:`Translator` is the one model handle. It segments a document
(:func:`translate.segment.segment_document`), splits over-long segments
(:mod:`translate.longsplit`), sorts the work by length into batches under the token budget,
sends each batch to the back end (through glossary enforcement when a glossary is set), and
rebuilds the document with its whitespace layout intact. Results are frozen dataclasses;
:meth:`DocumentTranslation.records` gives the JSONL segment records (schema
:data:`RECORD_SCHEMA`, documented in ``docs/pipeline.md``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.backend import Backend, DecodeOptions
from translate.batching import plan_batches
from translate.longsplit import join_pieces, split_long
from translate.segment import Segment, rebuild, segment_document
from translate.textio import read_text

__all__ = [
    "RECORD_SCHEMA",
    "BACKENDS",
    "Translator",
    "TranslationInfo",
    "SegmentRecord",
    "DocumentTranslation",
    "markdown_segments",
]

log = logging.getLogger(__name__)

RECORD_SCHEMA = "tafsiri.segment/1"
BACKENDS = ("transformers",)
# Quality drops well before MarianMT's 512-position limit; longer segments are split.
DEFAULT_MAX_SEGMENT_TOKENS = 200

Progress = Callable[[int], None]


@dataclass(frozen=True)
class TranslationInfo:
    """How a translation was made: enough to reproduce it and to tell runs apart.

    Attributes:
        model: the model id as given (folder path or hub id).
        backend: the back-end name (``"transformers"``).
        device: the device the back end runs on.
        decode: the decode options used.
        max_segment_tokens: the token cap above which segments were split.
        glossary: the glossary checksum, or ``None`` without a glossary.
        fingerprint: a hash of the model files (changes when the weights change).
    """

    model: str
    backend: str
    device: str
    decode: DecodeOptions
    max_segment_tokens: int
    glossary: str | None = None
    fingerprint: str | None = None

    def decode_settings(self) -> dict[str, Any]:
        """The decode settings as written into each JSONL record."""
        return {**dataclasses.asdict(self.decode), "max_segment_tokens": self.max_segment_tokens}


@dataclass(frozen=True)
class SegmentRecord:
    """One translated segment.

    Attributes:
        paragraph: 0-based paragraph index in the document.
        index: 0-based segment index within the paragraph.
        start: source character offset of the segment's first character.
        end: source character offset one past its last character.
        source: the source text, ``document[start:end]``.
        translation: the English text that replaced it.
        pieces: how many pieces the segment was split into (1 = not split; 0 = not sent to
            the model because it holds no letters, e.g. ``"***"`` or ``"2024"``).
        terms: glossary outcomes (objects with ``to_dict()`` and ``status``), empty without a
            glossary.
    """

    paragraph: int
    index: int
    start: int
    end: int
    source: str
    translation: str
    pieces: int = 1
    terms: tuple[Any, ...] = ()

    def to_dict(self, document: str, info: TranslationInfo) -> dict[str, Any]:
        """The JSONL record of this segment (see ``docs/pipeline.md``)."""
        return {
            "schema": RECORD_SCHEMA,
            "document": document,
            "paragraph": self.paragraph,
            "segment": self.index,
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "translation": self.translation,
            "pieces": self.pieces,
            "model": info.model,
            "backend": info.backend,
            "decode": info.decode_settings(),
            "terms": [t.to_dict() for t in self.terms],
            "glossary": info.glossary,
        }


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
        return [s.to_dict(document, self.info) for s in self.segments]

    def to_jsonl(self, document: str = "") -> str:
        """All records as JSON Lines (one per segment, each ending in a newline)."""
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records(document))


@dataclass(frozen=True)
class _Unit:
    """What translating one text gave: its translation, piece count and glossary outcomes."""

    translation: str
    pieces: int
    terms: tuple[Any, ...] = field(default=())


# Block markers that are markup, not text: headings, quotes, list bullets and numbers.
_MD_MARKER = re.compile(r"(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)+")
_MD_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)


def markdown_segments(text: str, segments: Sequence[Segment]) -> list[Segment]:
    """Keep Markdown markup out of the text sent to the model.

    Segments inside fenced code blocks are dropped (so they are copied unchanged), and block
    markers at the start of a segment (``#``, ``>``, ``-``, ``1.``) are moved out of its span.
    """
    fenced: list[tuple[int, int]] = []
    fences = list(_MD_FENCE.finditer(text))
    for opening, closing in zip(fences[::2], fences[1::2], strict=False):
        fenced.append((opening.start(), closing.end()))
    if len(fences) % 2:
        fenced.append((fences[-1].start(), len(text)))
    out: list[Segment] = []
    for seg in segments:
        if any(a <= seg.start < b for a, b in fenced):
            continue
        line_start = text.rfind("\n", 0, seg.start) + 1
        if text[line_start : seg.start].strip() == "":
            marker = _MD_MARKER.match(seg.text)
            if marker and marker.end() < len(seg.text):
                skip = marker.end()
                seg = dataclasses.replace(seg, text=seg.text[skip:], start=seg.start + skip)
        out.append(seg)
    return out


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


class Translator:
    """The one model handle: translate texts, documents and files.

    Args:
        model: a model folder, a hub id in the local cache, or a ready :class:`Backend`
            (useful for wrapping one). ``None`` uses the embedded compact model.
        device: ``"auto"`` (CUDA when present), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        backend: the runtime; only ``"transformers"`` for now.
        glossary: a :class:`glossary.Glossary` to enforce, or ``None`` for none.
        options: decode options (beam, n-best, lengths, batch token budget).
        max_segment_tokens: segments longer than this (or than the model's own input limit,
            whichever is smaller) are split at safe points and translated in pieces.

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
        device: str = "auto",
        backend: str = "transformers",
        glossary: Any = None,
        options: DecodeOptions | None = None,
        max_segment_tokens: int = DEFAULT_MAX_SEGMENT_TOKENS,
    ) -> None:
        if max_segment_tokens < 8:
            raise ValueError(f"max_segment_tokens must be at least 8, got {max_segment_tokens}")
        self.options = options if options is not None else DecodeOptions()
        self.glossary = glossary
        if isinstance(model, (str, Path)) or model is None:
            if backend not in BACKENDS:
                raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
            from translate.marian import MarianBackend
            from translate.models import default_model

            self.backend: Backend = MarianBackend(
                model if model is not None else default_model(), device
            )
        else:
            self.backend = model
        self.max_tokens = min(self.backend.max_input_tokens, max_segment_tokens)
        self.info = TranslationInfo(
            model=self.backend.model_id,
            backend=self.backend.name,
            device=str(getattr(self.backend, "device", "unknown")),
            decode=self.options,
            max_segment_tokens=max_segment_tokens,
            glossary=getattr(glossary, "checksum", None) if glossary is not None else None,
            fingerprint=getattr(self.backend, "fingerprint", None),
        )

    # -- the core: texts in, units out ---------------------------------------------------

    def _run(self, texts: list[str]) -> list[tuple[str, tuple[Any, ...]]]:
        """Send one batch to the back end (or through glossary enforcement)."""
        if self.glossary is None:
            hyps = self.backend.translate_batch(texts, self.options)
            return [(h[0].text, ()) for h in hyps]
        from glossary.enforce import enforce_terms

        enforced = enforce_terms(self.backend, texts, self.options, self.glossary)
        return [(e.text, tuple(e.terms)) for e in enforced]

    def _translate_units(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[_Unit]:
        # Work list: (owner text index, piece text); texts without letters skip the model.
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
        outputs: list[list[tuple[str, tuple[Any, ...]] | None]] = [[None] * len(s) for s in spans]
        slot = [0] * len(work)
        seen = [0] * len(texts)
        for k, (i, _) in enumerate(work):
            slot[k] = seen[i]
            seen[i] += 1
        remaining = [len(s) for s in spans]
        done_without_model = len(texts) - len(todo)
        if progress and done_without_model:
            progress(done_without_model)
        for batch in plan_batches(work_len, self.options.batch_tokens):
            results = self._run([work[k][1] for k in batch])
            finished = 0
            for k, result in zip(batch, results, strict=True):
                i = work[k][0]
                outputs[i][slot[k]] = result
                remaining[i] -= 1
                finished += remaining[i] == 0
            if progress and finished:
                progress(finished)
        units: list[_Unit] = []
        for i, text in enumerate(texts):
            if not spans[i]:
                units.append(_Unit(text, 0))
                continue
            parts = [o for o in outputs[i] if o is not None]
            translation = parts[0][0] if len(parts) == 1 else join_pieces([p[0] for p in parts])
            terms = tuple(t for p in parts for t in p[1])
            units.append(_Unit(translation, len(parts), terms))
        return units

    # -- public API ----------------------------------------------------------------------

    def translate_texts(self, texts: Sequence[str], progress: Progress | None = None) -> list[str]:
        """Translate each text as one unit (no sentence segmentation; long ones are split).

        Args:
            texts: source texts; texts without letters are returned unchanged.
            progress: called with the number of texts just finished, as batches complete.

        Returns:
            One translation per text, in order.
        """
        return [u.translation for u in self._translate_units(list(texts), progress)]

    def translate_document(
        self,
        text: str,
        progress: Progress | None = None,
        markdown: bool = False,
        segments: Sequence[Segment] | None = None,
    ) -> DocumentTranslation:
        """Segment ``text``, translate every segment once, and rebuild the English document.

        Args:
            text: the whole article (paragraphs separated by blank lines).
            progress: called with the number of segments just finished.
            markdown: keep Markdown markup (headings, bullets, code blocks) out of translation.
            segments: the segments of ``text`` when already computed by :meth:`segment`.

        Returns:
            The translation, its segment records and the settings used.
        """
        if segments is None:
            segments = self.segment(text, markdown)
        # model_text: hard-wrapped line breaks and zero-width characters become plain spaces.
        units = self._translate_units([s.model_text for s in segments], progress)
        records = tuple(
            SegmentRecord(
                s.paragraph, s.index, s.start, s.end, s.text, u.translation, u.pieces, u.terms
            )
            for s, u in zip(segments, units, strict=True)
        )
        english = rebuild(text, list(segments), [u.translation for u in units])
        return DocumentTranslation(text, english, records, self.info)

    def translate_file(
        self, path: str | Path, progress: Progress | None = None, markdown: bool | None = None
    ) -> DocumentTranslation:
        """Read ``path`` (UTF-8, UTF-8/UTF-16 with BOM) and translate it as a document.

        ``markdown`` defaults to whether the file name ends in ``.md``.

        Raises:
            InputError: unreadable, binary or badly encoded file.
        """
        path = Path(path)
        md = path.suffix.lower() == ".md" if markdown is None else markdown
        return self.translate_document(read_text(path), progress, md)

    @staticmethod
    def segment(text: str, markdown: bool = False) -> list[Segment]:
        """The segments :meth:`translate_document` translates (before long-sentence splitting)."""
        segments = segment_document(text)
        return markdown_segments(text, segments) if markdown else list(segments)
