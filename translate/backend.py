"""The back-end protocol and registry: a batch of texts and decode options in, n-best out.

Everything else (batching by token budget, long-sentence splitting, glossary enforcement,
caching) wraps a back end; back ends hold no module state. :func:`load_backend` builds one by
name from :data:`BACKENDS`, a table of lazily imported classes (like sacreBLEU's tokenizer
table), so torch, transformers and CTranslate2 are imported only by the back end that needs them.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from translate.textio import InputError

__all__ = [
    "DecodeOptions",
    "Hypothesis",
    "Backend",
    "Link",
    "Aligner",
    "Scorer",
    "piece_offsets",
    "attention_links",
    "BACKENDS",
    "BACKEND_CHOICES",
    "load_backend",
    "default_threads",
    "quiet_waits",
    "resolve_threads",
    "where",
]

log = logging.getLogger(__name__)

#: name → "module:Class"; imported on first use.
BACKENDS = {
    "transformers": "translate.marian:MarianBackend",
    "ct2": "translate.ct2:CT2Backend",
}
#: What ``load_backend`` and ``--backend`` accept: a registered name, or ``auto``.
BACKEND_CHOICES = ("auto", *BACKENDS)


class NotConvertible(InputError):
    """The model is not one CTranslate2 can convert (``--backend auto`` then uses transformers).

    Raised by the ``ct2`` back end (:mod:`translate.ct2`); defined here, with the loader that
    catches it, so that this module never imports a back end's module by name.
    """


@dataclass(frozen=True)
class DecodeOptions:
    """How to decode.

    Attributes:
        beam: beam size (1 = greedy).
        nbest: how many hypotheses to return per input (≤ beam).
        max_length: the most target tokens per output.
        length_penalty: exponent on length when ranking beams (1.0 = average log-prob).
        batch_tokens: the padded source-token budget of one batch.
        max_length_ratio: outputs are also capped at ``ratio × source tokens + 10`` (the
            longest source of the batch), so a model that starts repeating itself stops early
            instead of running to ``max_length``; 0 turns the cap off.
        repetition_penalty: > 1 discourages tokens already generated (1 = off).
        no_repeat_ngram_size: forbid repeating any n-gram of this size (0 = off).
    """

    beam: int = 4
    nbest: int = 1
    max_length: int = 256
    length_penalty: float = 1.0
    batch_tokens: int = 4096
    max_length_ratio: float = 2.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0

    def __post_init__(self) -> None:
        if self.beam < 1:
            raise ValueError(f"beam must be at least 1, got {self.beam}")
        if not 1 <= self.nbest <= self.beam:
            raise ValueError(f"nbest must be between 1 and beam ({self.beam}), got {self.nbest}")
        if self.max_length < 1 or self.batch_tokens < 1:
            raise ValueError("max_length and batch_tokens must be positive")
        if self.max_length_ratio < 0:
            raise ValueError(
                f"max_length_ratio must be 0 (off) or positive, got {self.max_length_ratio}"
            )
        if self.repetition_penalty <= 0:
            raise ValueError(
                f"repetition_penalty must be positive (1 = off), got {self.repetition_penalty}"
            )
        if self.no_repeat_ngram_size < 0:
            raise ValueError(
                f"no_repeat_ngram_size must be 0 (off) or positive, got {self.no_repeat_ngram_size}"
            )

    def length_limit(self, source_tokens: int) -> int:
        """The most new tokens for a source of ``source_tokens`` tokens."""
        if not self.max_length_ratio:
            return self.max_length
        return min(self.max_length, int(self.max_length_ratio * source_tokens) + 10)


Link = tuple[int, int, int, int]
"""One target token's alignment: (target start, target end, source start, source end), in
characters of the translation and of the source."""


@dataclass(frozen=True)
class Hypothesis:
    """One translation candidate and its model score (sum of log-probs, length-normalised).

    Attributes:
        text: the translation.
        score: its model score.
        links: with :meth:`Aligner.translate_aligned`, one :data:`Link` per target token
            (None otherwise, or where the tokens do not map back onto the characters).
    """

    text: str
    score: float
    links: tuple[Link, ...] | None = None


@runtime_checkable
class Backend(Protocol):
    """What the pipeline needs from a model runtime.

    Attributes:
        model_id: the model as it was asked for (folder, name or hub id).
        name: the registry name (``"transformers"``, ``"ct2"``).
        device: the device actually used (``"cpu"``, ``"cuda:0"`` …).
        fingerprint: a short hash of the model files, so changed weights are noticed.
        max_input_tokens: the longest source the model accepts, ``</s>`` included.
        description: what runs, for summaries (e.g. ``"ct2 int8 on cpu, 2 threads"``).
        compute_type: the quantization it runs (``"int8_float32"``, ``"float16"``,
            ``"float32"``): part of every signature, since int8 and float runs differ.
    """

    model_id: str
    name: str
    device: str
    fingerprint: str
    max_input_tokens: int
    description: str
    compute_type: str

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Source-side token counts (with </s>), for batching and long-sentence splitting."""
        ...

    def translate_batch(
        self,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None = None,
    ) -> list[list[Hypothesis]]:
        """Translate ``texts``; ``prefixes[i]``, when given, is forced as the start of output i.

        Returns ``options.nbest`` hypotheses per input, best first.
        """
        ...


@runtime_checkable
class Aligner(Protocol):
    """A back end that can also say which source token each output token came from.

    Optional: enforcement uses it, when the back end offers it, to put a forced term or figure
    where the model's own attempt at it was (and drop that attempt) instead of where its
    relative position in the source suggests. CTranslate2 returns the cross-attention with the
    decode itself (no extra call); transformers reads it from one teacher-forced pass over the
    hypotheses (no search).
    """

    def translate_aligned(
        self,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None = None,
    ) -> list[list[Hypothesis]]:
        """As :meth:`Backend.translate_batch`, with :attr:`Hypothesis.links` filled in."""
        ...


@runtime_checkable
class Scorer(Protocol):
    """A back end that can score a given translation of a source (teacher forcing, no search).

    Optional: the pipeline uses it for each segment's confidence, the model's own mean
    log-probability per token of the English it kept — after enforcement and repairs, so the
    score is of the text the reader sees, not of a hypothesis that was changed afterwards.
    """

    def score_batch(self, sources: list[str], translations: list[str]) -> list[float | None]:
        """Mean log-probability per target token (``</s>`` included); None where not scored."""
        ...


def piece_offsets(text: str, pieces: list[str]) -> list[tuple[int, int]] | None:
    """Character ranges of SentencePiece ``pieces`` in ``text`` (None if they do not map).

    ``▁`` marks a word start and is not a character of the text; special tokens (``</s>``) get
    an empty range at the end. Pieces that SentencePiece normalised (so that they are not in
    the text as written) make the whole mapping None: an alignment is then not trusted.
    """
    out: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        if piece.startswith("<") and piece.endswith(">"):
            out.append((len(text), len(text)))
            continue
        body = piece.lstrip("\u2581")
        if not body:
            out.append((cursor, cursor))
            continue
        while cursor < len(text) and text[cursor].isspace() and not body[0].isspace():
            cursor += 1
        if not text.startswith(body, cursor):
            return None
        out.append((cursor, cursor + len(body)))
        cursor += len(body)
    return out


def attention_links(
    source: str,
    src_pieces: Sequence[str],
    translation: str,
    tgt_pieces: Sequence[str],
    attention: Sequence[Sequence[float]],
    specials: Collection[str],
) -> tuple[Link, ...] | None:
    """Link each target piece to the source piece it attends to most, in characters.

    Args:
        source: the source text, and ``src_pieces`` its SentencePiece pieces.
        translation: the target text, and ``tgt_pieces`` its pieces (no special tokens).
        attention: ``attention[k][j]``, how much target piece k attends to source piece j
            (a nested list, an array or a tensor).
        specials: special tokens (``</s>``, ``<pad>``, …), never linked to.

    Returns:
        one ``(target start, target end, source start, source end)`` link per target piece;
        None when the pieces do not map onto the texts (:func:`piece_offsets`), the attention
        has fewer rows than there are target pieces, or no source piece can be linked to.
    """
    src_at = piece_offsets(source, list(src_pieces))
    tgt_at = piece_offsets(translation, list(tgt_pieces))
    columns = [j for j, piece in enumerate(src_pieces) if piece not in specials]
    if src_at is None or tgt_at is None or not columns or len(attention) < len(tgt_pieces):
        return None
    links: list[Link] = []
    for k, (start, end) in enumerate(tgt_at):
        row = attention[k]
        best = max(columns, key=lambda j: float(row[j]))
        links.append((start, end, *src_at[best]))
    return tuple(links)


def default_threads() -> int:
    """Threads a back end uses when none are asked for: the cores this process may use, ≤ 4.

    Small MarianMT models gain little past four threads, and on a shared machine every extra
    thread is one more that can be descheduled while the others wait for it.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def quiet_waits() -> None:
    """Make OpenMP worker threads sleep, not spin, while they wait (unless the user chose).

    torch and CTranslate2 both run on GNU OpenMP, whose idle threads spin for a while by
    default. On a machine where another process holds a core, a spinning thread burns the time
    slice its descheduled partner needs, and a 2-thread decode becomes several times slower
    than a 1-thread one (measured by the contention section of ``benchmarks/speed.py``). The
    variable is read when the OpenMP library loads, so this must run before torch or
    CTranslate2 is imported; it changes nothing for a user who set ``OMP_WAIT_POLICY``
    themselves.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def resolve_threads(threads: int) -> int:
    """The thread count a back end runs with: ``threads``, or :func:`default_threads` for 0.

    Raises:
        ValueError: a negative count.
    """
    if threads < 0:
        raise ValueError(f"threads must be 0 (default) or positive, got {threads}")
    return threads or default_threads()


def where(device: str, threads: int) -> str:
    """How a back end's description names where it runs: ``cpu, 2 threads`` or the GPU."""
    return f"cpu, {threads} threads" if device == "cpu" else device


def _backend_class(name: str) -> type:
    if name not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKEND_CHOICES)}, got {name!r}")
    module, cls = BACKENDS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def load_backend(
    name: str,
    model: str | Path,
    *,
    device: str = "auto",
    threads: int = 0,
    compute_type: str = "default",
    cache_dir: Path | None = None,
) -> Backend:
    """Build the back end ``name`` for ``model``.

    Args:
        name: ``"transformers"``, ``"ct2"``, or ``"auto"``: CTranslate2 when the model
            converts (or already is a CTranslate2 model), else transformers; the log and the
            back end's ``description`` say which was used and why.
        model: a model folder (or a hub id already in the local cache).
        device: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        threads: CPU threads (0 = :func:`default_threads`).
        compute_type: CTranslate2's quantization (``"default"``: int8 on CPU, float16 on GPU);
            the transformers back end runs float32 and refuses anything else.
        cache_dir: where CTranslate2 keeps converted models (default ``~/.cache/tafsiri``).

    Raises:
        ValueError: an unknown back end, device or compute type.
        InputError: the model cannot be found or loaded.
    """
    resolve_threads(threads)
    quiet_waits()
    if name == "transformers" or name not in ("auto", "ct2"):
        # transformers runs float32 only; "default" means exactly that for it.
        return _backend_class(name)(
            model, device=device, threads=threads, compute_type=compute_type
        )
    if name == "ct2":
        return _backend_class("ct2")(
            model, device=device, threads=threads, compute_type=compute_type, cache_dir=cache_dir
        )
    try:
        ct2 = _backend_class("ct2")
    except ImportError as err:
        log.info("ctranslate2 is not installed (%s); using transformers", err)
    else:
        try:
            return ct2(
                model,
                device=device,
                threads=threads,
                compute_type=compute_type,
                cache_dir=cache_dir,
            )
        except NotConvertible as err:
            log.info("%s; using transformers instead", err)
    # Under auto a CTranslate2 quantization does not apply to the fallback.
    fallback = compute_type if compute_type in ("default", "float32") else "default"
    return _backend_class("transformers")(
        model, device=device, threads=threads, compute_type=fallback
    )
