"""The CTranslate2 back end: the same MarianMT checkpoints, converted once, run int8 on CPU.

A transformers folder in the OPUS-MT layout (``<pad>`` is the last id and starts the decoder)
is converted with CTranslate2's own ``TransformersConverter`` and cached under
``CACHE/ct2/<fingerprint>-<quantization>/`` with a manifest (:data:`MANIFEST`) naming the
source fingerprint, the quantization and the library versions: a cached conversion is reused
while they match and rebuilt when the source changes. A model folder may also ship its
conversion in ``ct2-<quantization>/`` (the embedded model does), so nothing is converted on
first use. A folder that already is a CTranslate2 model (``model.bin``, such as an imported
Marian-native OPUS-MT release, see :mod:`translate.opusmt`) is loaded as it is.

Text is tokenised with the model's own SentencePiece files (``source.spm``, ``target.spm``),
exactly as ``MarianTokenizer`` does, so both back ends see the same pieces.
"""

from __future__ import annotations

import json
import logging
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.backend import (
    DecodeOptions,
    Hypothesis,
    NotConvertible,
    attention_links,
    resolve_threads,
    where,
)
from translate.batching import plan_batches
from translate.devices import resolve_device
from translate.model_catalog import fingerprint, is_ct2_model, resolve_model_path
from translate.textio import InputError, read_text, replace_folder, write_text_atomic

__all__ = [
    "CT2Backend",
    "NotConvertible",
    "QUANTIZATIONS",
    "MANIFEST",
    "convert_model",
    "Conversion",
]

log = logging.getLogger(__name__)

#: What ``tafsiri model convert --quantization`` accepts.
QUANTIZATIONS = ("int8", "int8_float32", "float16", "float32")
#: The conversion manifest written beside the converted weights.
MANIFEST = "tafsiri-ct2.json"
_SPM = ("source.spm", "target.spm")
# The longest source the converted Marian models are run on (their position tables hold 512).
_DEFAULT_MAX_INPUT = 512


def default_cache_dir() -> Path:
    """Where conversions go when no cache folder is given: ``~/.cache/tafsiri``.

    The CLI passes its own (``$TAFSIRI_CACHE`` or ``$XDG_CACHE_HOME/tafsiri``); the library
    reads no environment.
    """
    return Path.home() / ".cache" / "tafsiri"


@dataclass(frozen=True)
class Conversion:
    """A converted model on disk.

    Attributes:
        path: the CTranslate2 model folder.
        quantization: the weights' type.
        source_fingerprint: the fingerprint of the folder it was converted from.
        reused: ``True`` when an existing conversion was used, ``False`` when just made.
    """

    path: Path
    quantization: str
    source_fingerprint: str
    reused: bool


def _versions() -> dict[str, str]:
    import ctranslate2

    versions = {"ctranslate2": ctranslate2.__version__}
    try:
        import transformers

        versions["transformers"] = transformers.__version__
    except ImportError:  # pragma: no cover - transformers is a dependency
        pass
    return versions


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(read_text(folder / MANIFEST))
    except (InputError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _check_layout(folder: Path) -> None:
    """Refuse checkpoints whose vocabulary layout CTranslate2's Marian loader gets wrong."""
    try:
        config = json.loads(read_text(folder / "config.json"))
    except (InputError, ValueError) as err:
        raise NotConvertible(f"{folder}: no readable config.json ({err})") from None
    if config.get("model_type") != "marian":
        raise NotConvertible(f"{folder}: not a MarianMT checkpoint")
    vocab, pad = config.get("vocab_size"), config.get("pad_token_id")
    start = config.get("decoder_start_token_id", pad)
    if pad is None or vocab is None or pad != vocab - 1 or start != pad:
        # The converter drops the last id and starts decoding from a zero embedding, which is
        # only right when <pad> is the last id and the decoder start (the OPUS-MT layout).
        raise NotConvertible(
            f"{folder}: not in the OPUS-MT layout (<pad> must be the last id and start the "
            f"decoder; pad {pad}, decoder start {start}, vocabulary {vocab})"
        )
    missing = [name for name in _SPM if not (folder / name).exists()]
    if missing:
        raise NotConvertible(f"{folder}: no {' or '.join(missing)} (SentencePiece models)")


def convert_model(
    model: str | Path,
    quantization: str,
    cache_dir: Path,
    *,
    force: bool = False,
    out: Path | None = None,
) -> Conversion:
    """Convert a transformers MarianMT folder for CTranslate2, or reuse a current conversion.

    Looks first in the model folder (``ct2-<quantization>/``, shipped with the model), then in
    ``cache_dir/ct2/``. A conversion is current when its manifest names the source's
    fingerprint, the same quantization and the installed CTranslate2 version.

    Args:
        model: the transformers model folder (or a cached hub id).
        quantization: one of :data:`QUANTIZATIONS`.
        cache_dir: the cache root (``ct2/`` is made under it).
        force: convert again even when a current conversion exists.
        out: write the conversion to this folder instead of the cache (to ship it with the
            model as ``MODEL/ct2-<quantization>``).

    Raises:
        ValueError: an unknown quantization.
        NotConvertible: not a Marian checkpoint in the OPUS-MT layout.
        InputError: the conversion failed or the cache cannot be written.
    """
    if quantization not in QUANTIZATIONS:
        raise ValueError(
            f"quantization must be one of {', '.join(QUANTIZATIONS)}, got {quantization!r}"
        )
    folder = resolve_model_path(model)
    _check_layout(folder)
    source_fp = fingerprint(folder)
    versions = _versions()
    wanted = {"source_fingerprint": source_fp, "quantization": quantization}

    def current(candidate: Path) -> bool:
        manifest = _read_manifest(candidate)
        return (
            manifest is not None
            and all(manifest.get(k) == v for k, v in wanted.items())
            and manifest.get("versions", {}).get("ctranslate2") == versions["ctranslate2"]
            and is_ct2_model(candidate)
        )

    shipped = folder / f"ct2-{quantization}"
    target = Path(out) if out is not None else cache_dir / "ct2" / f"{source_fp}-{quantization}"
    if not force:
        for candidate in (shipped, target):
            if current(candidate):
                return Conversion(candidate, quantization, source_fp, reused=True)
    log.info("converting %s for CTranslate2 (%s) into %s", folder, quantization, target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{target.parent}: cannot create the cache ({err.strerror})") from None

    def save(tmp: Path) -> None:
        _run_converter(folder, tmp, quantization)
        for name in _SPM:
            shutil.copy2(folder / name, tmp / name)
        manifest = {
            **wanted,
            "origin": "converted",
            "source": folder.name,
            "versions": versions,
            "suppress": ["<pad>"],
            "max_input_tokens": _max_positions(folder),
        }
        write_text_atomic(tmp / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    replace_folder(target, save)
    return Conversion(target, quantization, source_fp, reused=False)


def _exact_marian_loader() -> Any:
    """CTranslate2's Marian loader, changed to start decoding exactly as transformers does.

    The stock loader drops ``<pad>`` and starts the decoder from a zero embedding, which is
    right for models converted from Marian itself, whose start embedding is zero. A model
    trained with transformers and tied embeddings learns a non-zero ``<pad>`` row (the output
    projection trains it), and there the stock conversion changes every translation's first
    words. This loader keeps ``<pad>`` in the vocabulary and starts from it, as
    ``MarianMTModel.generate`` does; decoding then suppresses ``<pad>``, as the checkpoint's
    ``bad_words_ids`` does.
    """
    from ctranslate2.converters import transformers as ct2_transformers

    base = ct2_transformers.BartLoader

    class ExactMarianLoader(ct2_transformers.MarianMTLoader):  # type: ignore[misc, name-defined]
        def get_model_spec(self, model: Any) -> Any:
            model.config.normalize_before = False
            model.config.normalize_embedding = False
            return base.get_model_spec(self, model)

        def set_config(self, config: Any, model: Any, tokenizer: Any) -> None:
            config.eos_token = tokenizer.eos_token
            config.unk_token = tokenizer.unk_token
            config.decoder_start_token = tokenizer.pad_token

        def set_decoder(self, spec: Any, decoder: Any) -> None:
            base.set_decoder(self, spec, decoder)

        def get_vocabulary(self, model: Any, tokenizer: Any) -> Any:
            return base.get_vocabulary(self, model, tokenizer)

    return ct2_transformers, ExactMarianLoader()


def _max_positions(folder: Path) -> int:
    config = json.loads(read_text(folder / "config.json"))
    return int(config.get("max_position_embeddings", _DEFAULT_MAX_INPUT))


def _run_converter(folder: Path, out: Path, quantization: str) -> None:
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    module, loader = _exact_marian_loader()
    stock = module._MODEL_LOADERS.get("MarianConfig")
    module._MODEL_LOADERS["MarianConfig"] = loader
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            TransformersConverter(str(folder)).convert(
                str(out), quantization=quantization, force=True
            )
    except (OSError, ValueError, KeyError, TypeError, NotImplementedError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise NotConvertible(f"{folder}: CTranslate2 cannot convert it ({first})") from None
    finally:
        module._MODEL_LOADERS["MarianConfig"] = stock


class CT2Backend:
    """A MarianMT model run by CTranslate2, behind the :class:`translate.backend.Backend` protocol.

    Args:
        model: a transformers MarianMT folder (converted on first use, then cached), or a
            CTranslate2 model folder holding ``model.bin`` and both SentencePiece models.
        device: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        threads: CPU threads for one translation (0 = :func:`translate.backend.default_threads`).
        compute_type: ``"default"`` (int8 on CPU, float16 on GPU) or one of
            :data:`QUANTIZATIONS`; a CTranslate2 folder runs in the type it was saved in
            unless another is asked for.
        cache_dir: where conversions are cached (default ``~/.cache/tafsiri``).

    Raises:
        NotConvertible: a transformers folder CTranslate2 cannot convert.
        InputError: the model is missing, or its files cannot be read.
        ValueError: a bad device, thread count or compute type.
    """

    name = "ct2"

    def __init__(
        self,
        model: str | Path,
        *,
        device: str = "auto",
        threads: int = 0,
        compute_type: str = "default",
        cache_dir: Path | None = None,
    ) -> None:
        if compute_type != "default" and compute_type not in QUANTIZATIONS:
            raise ValueError(
                f"compute type must be default or one of {', '.join(QUANTIZATIONS)}, "
                f"got {compute_type!r}"
            )
        threads = resolve_threads(threads)
        import ctranslate2
        import sentencepiece as spm

        self.device = resolve_device(device, ctranslate2.get_cuda_device_count())
        self.model_id = str(model)
        folder = resolve_model_path(model)
        self.threads = threads
        if is_ct2_model(folder):
            path, quantization = folder, compute_type
            self.fingerprint = fingerprint(folder)
        else:
            if compute_type == "default":
                quantization = "int8" if self.device == "cpu" else "float16"
            else:
                quantization = compute_type
            if self.device == "cpu" and quantization == "float16":
                raise ValueError(
                    "float16 needs a GPU; on the CPU use int8, int8_float32 or float32"
                )
            root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
            conversion = convert_model(folder, quantization, root)
            path = conversion.path
            self.fingerprint = conversion.source_fingerprint
        manifest = _read_manifest(path) or {}
        self.max_input_tokens = int(manifest.get("max_input_tokens", _DEFAULT_MAX_INPUT))
        suppress = manifest.get("suppress") or []
        self._suppress = [[str(token)] for token in suppress] or None
        missing = [name for name in _SPM if not (path / name).exists()]
        if missing:
            raise InputError(f"{path}: no {' or '.join(missing)} (SentencePiece models)")
        self.path = path
        index = int(self.device[5:]) if self.device.startswith("cuda:") else 0
        try:
            self.translator = ctranslate2.Translator(
                str(path),
                device="cuda" if self.device.startswith("cuda") else "cpu",
                device_index=index,
                compute_type=quantization,
                inter_threads=1,
                intra_threads=self.threads,
            )
        except (RuntimeError, ValueError) as err:
            raise InputError(f"model {model}: CTranslate2 cannot load it ({err})") from None
        self.compute_type = self.translator.compute_type
        # Models converted from Marian itself append </s> in CTranslate2; ours add it here.
        config = (
            json.loads(read_text(path / "config.json")) if (path / "config.json").exists() else {}
        )
        self._eos = [] if config.get("add_source_eos") else ["</s>"]
        self._source = spm.SentencePieceProcessor(model_file=str(path / "source.spm"))
        self._target = spm.SentencePieceProcessor(model_file=str(path / "target.spm"))
        self.description = f"ct2 {self.compute_type} on {where(self.device, self.threads)}"
        log.info("loaded %s with CTranslate2 (%s)", self.model_id, self.description)

    # -- tokens ----------------------------------------------------------------------------

    def _pieces(self, text: str) -> list[str]:
        return [*self._source.encode(text, out_type=str), *self._eos]

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Source-side token counts, ``</s>`` included."""
        return [len(p) + 1 for p in self._source.encode(list(texts), out_type=str)]

    def _decode(self, tokens: list[str]) -> str:
        # As MarianTokenizer's decode with skip_special_tokens: specials are dropped.
        return self._target.decode_pieces([t for t in tokens if t not in _SPECIALS])

    # -- decoding --------------------------------------------------------------------------

    def translate_batch(
        self,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None = None,
        _align: bool = False,
    ) -> list[list[Hypothesis]]:
        """Translate ``texts`` into ``options.nbest`` hypotheses each, best first.

        Batches are planned by padded source tokens as in the transformers back end, so the
        length cap (``options.length_limit`` of the batch's longest source) is the same.
        ``prefixes[i]`` is forced as the start of output ``i`` and is part of the text.
        CTranslate2 takes prefixes of different lengths in one batch, so they are not split
        by length (glossary repairs force one prefix per sentence: split, they ran one by
        one); the cap then adds the batch's longest prefix, as it takes the longest source.

        Raises:
            ValueError: an input longer than :attr:`max_input_tokens`, or mismatched prefixes.
        """
        if not texts:
            return []
        if prefixes is not None and len(prefixes) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(prefixes)} prefixes")
        pieces = [self._pieces(t) for t in texts]
        for i, seq in enumerate(pieces):
            if len(seq) > self.max_input_tokens:
                raise ValueError(
                    f"input {i} has {len(seq)} tokens, more than this model's limit of "
                    f"{self.max_input_tokens}; split it first (Translator does this)"
                )
        prefix_pieces: list[list[str] | None] = [
            self._target.encode(p, out_type=str) if p else None
            for p in (prefixes or [None] * len(texts))
        ]
        results: list[list[Hypothesis]] = [[] for _ in texts]
        lengths = [len(p) for p in pieces]
        extra = [len(p) if p else 0 for p in prefix_pieces]
        # Texts with and without a prefix are batched apart; prefix lengths may mix.
        for batch in plan_batches(lengths, options.batch_tokens, [e > 0 for e in extra]):
            longest = max(lengths[i] for i in batch)
            longest_prefix = max(extra[i] for i in batch)
            batch_prefixes = [prefix_pieces[i] for i in batch]
            out = self.translator.translate_batch(
                [pieces[i] for i in batch],
                target_prefix=batch_prefixes if longest_prefix else None,
                beam_size=options.beam,
                num_hypotheses=options.nbest,
                length_penalty=options.length_penalty,
                repetition_penalty=options.repetition_penalty,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                # Both back ends stop at the same length: the prefix, then the new-token cap,
                # less the last position, where transformers forces </s> (Marian checkpoints
                # set forced_eos_token_id) and CTranslate2 would emit one more word.
                max_decoding_length=max(
                    1,
                    min(options.length_limit(longest) + longest_prefix, self.max_input_tokens) - 1,
                ),
                max_input_length=0,
                suppress_sequences=self._suppress,
                return_scores=True,
                return_attention=_align,
            )
            for i, result in zip(batch, out, strict=True):
                results[i] = [
                    self._hypothesis(texts[i], pieces[i], tokens, float(score), attention)
                    for tokens, score, attention in zip(
                        result.hypotheses,
                        result.scores,
                        result.attention if _align else [None] * len(result.hypotheses),
                        strict=True,
                    )
                ]
        return results

    def _hypothesis(
        self, source: str, src: list[str], tokens: list[str], score: float, attention: Any
    ) -> Hypothesis:
        text = self._decode(tokens)
        if attention is None:
            return Hypothesis(text, score)
        kept = [k for k, t in enumerate(tokens) if t not in _SPECIALS]
        links = attention_links(
            source, src, text, [tokens[k] for k in kept], [attention[k] for k in kept], _SPECIALS
        )
        return Hypothesis(text, score, links)

    def score_batch(self, sources: list[str], translations: list[str]) -> list[float | None]:
        """The model's mean log-probability per token of each translation, ``</s>`` included
        (:class:`translate.backend.Scorer`): one teacher-forced pass, no search. None for an
        empty translation or one longer than the model takes."""
        out: list[float | None] = [None] * len(sources)
        src = [self._pieces(s) for s in sources]
        tgt = [self._target.encode(t, out_type=str) if t else [] for t in translations]
        todo = [
            i
            for i in range(len(sources))
            if tgt[i]
            and len(src[i]) <= self.max_input_tokens
            and len(tgt[i]) < self.max_input_tokens
        ]
        for batch in plan_batches([len(src[i]) + len(tgt[i]) for i in todo], 4096):
            members = [todo[j] for j in batch]
            scored = self.translator.score_batch(
                [src[i] for i in members], [tgt[i] for i in members], max_input_length=0
            )
            for i, result in zip(members, scored, strict=True):
                if result.log_probs:
                    out[i] = float(sum(result.log_probs) / len(result.log_probs))
        return out

    def translate_aligned(
        self,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None = None,
    ) -> list[list[Hypothesis]]:
        """:meth:`translate_batch` with each hypothesis aligned to its source
        (:class:`translate.backend.Aligner`): the decoder's cross-attention is returned with
        the decode, and each target token links to the source token it attends to most
        (``</s>`` excluded). The hypotheses are the same as without it."""
        return self.translate_batch(texts, options, prefixes, _align=True)


_SPECIALS = frozenset({"</s>", "<unk>", "<pad>", "<s>"})
