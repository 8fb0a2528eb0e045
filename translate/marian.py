"""The transformers back end: MarianMT checkpoints run with ``MarianMTModel.generate``.

Loading goes through :func:`translate.model_catalog.resolve_model_path` and always passes
``local_files_only=True``: a model that is not on disk is an error naming it, never a download.
torch and transformers are imported here, not at package import, so ``tafsiri --help`` is fast.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from translate.backend import (
    DecodeOptions,
    Hypothesis,
    Link,
    attention_links,
    quiet_waits,
    resolve_threads,
    where,
)
from translate.batching import plan_batches
from translate.devices import resolve_device
from translate.model_catalog import fingerprint, is_ct2_model, resolve_model_path
from translate.textio import InputError

__all__ = ["MarianBackend"]

log = logging.getLogger(__name__)


class MarianBackend:
    """A MarianMT checkpoint on CPU or GPU, behind the :class:`translate.backend.Backend` protocol.

    Args:
        model: a checkpoint folder or a hub id already in the local cache.
        device: ``"auto"`` (CUDA if present, else CPU), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        threads: torch's CPU threads (0 = :func:`translate.backend.default_threads`). torch
            has one thread pool per process, so this sets it for the whole process.
        compute_type: ``"default"`` or ``"float32"`` (this back end runs float32 only).

    Attributes:
        model_id: the name the model was asked for by (folder path or hub id).
        name: ``"transformers"``.
        max_input_tokens: the longest source (in tokens, ``</s>`` included) the model accepts:
            the smaller of the tokenizer's ``model_max_length`` and the position table size.
        device: the device actually used.
        fingerprint: a short hash of the checkpoint files, so changed weights are noticed.

    Raises:
        InputError: the model is not on disk or cannot be loaded.
        ValueError: a bad device name.
    """

    name = "transformers"

    def __init__(
        self,
        model: str | Path,
        *,
        device: str = "auto",
        threads: int = 0,
        compute_type: str = "default",
    ) -> None:
        if compute_type not in ("default", "float32"):
            raise ValueError(
                f"the transformers back end runs float32; compute type {compute_type!r} needs "
                "--backend ct2"
            )
        threads = resolve_threads(threads)
        folder = resolve_model_path(model)
        has_weights = any((folder / n).exists() for n in ("model.safetensors", "pytorch_model.bin"))
        if is_ct2_model(folder) and not has_weights:
            raise InputError(
                f"model {model}: a CTranslate2 model (no transformers weights); use --backend ct2"
            )
        quiet_waits()
        import torch

        self.device = resolve_device(device, torch.cuda.device_count())
        self.model_id = str(model)
        self.path = folder
        self.threads = threads
        if self.device == "cpu":
            torch.set_num_threads(self.threads)
        from transformers import MarianMTModel, MarianTokenizer
        from transformers.utils import logging as hf_logging

        # Our progress bar is the one the user sees; transformers' "Loading weights" bar and
        # its load report are noise (and print raw escape codes when interrupted).
        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()

        try:
            with warnings.catch_warnings():
                # MarianTokenizer nags about sacremoses, which only matters for its own detokenizer.
                warnings.filterwarnings("ignore", message=".*sacremoses.*")
                self.tokenizer = MarianTokenizer.from_pretrained(str(folder), local_files_only=True)
            loaded: Any = MarianMTModel.from_pretrained(str(folder), local_files_only=True)
        except (OSError, ValueError, KeyError, TypeError) as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise InputError(
                f"model {model}: cannot be loaded as a MarianMT checkpoint ({first})"
            ) from None
        # Weights stored in float16 (to keep a model folder small) compute in float32 here: the
        # CPU has no fast float16 path, and the numbers must match the CTranslate2 copy's.
        self.model: Any = loaded.float().to(torch.device(self.device)).eval()
        self._torch = torch
        limits = [self.model.config.max_position_embeddings]
        if self.tokenizer.model_max_length and self.tokenizer.model_max_length < 10**9:
            limits.append(int(self.tokenizer.model_max_length))
        self.max_input_tokens = min(limits)
        self.fingerprint = fingerprint(folder)
        self.compute_type = "float32"
        self.description = f"transformers {self.compute_type} on {where(self.device, self.threads)}"
        self._pad = self.model.config.pad_token_id
        self._start = self.model.generation_config.decoder_start_token_id
        if self._start is None:
            self._start = self.model.config.decoder_start_token_id
        self._eos = self.tokenizer.eos_token_id
        log.info(
            "loaded %s on %s (max %d input tokens)",
            self.model_id,
            self.device,
            self.max_input_tokens,
        )

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Source-side token counts, ``</s>`` included."""
        if not texts:
            return []
        ids = self.tokenizer(list(texts), truncation=False, verbose=False)["input_ids"]
        return [len(x) for x in ids]

    def _encode(self, texts: list[str]) -> list[list[int]]:
        ids = self.tokenizer(list(texts), truncation=False, verbose=False)["input_ids"]
        for i, seq in enumerate(ids):
            if len(seq) > self.max_input_tokens:
                # Truncating would silently drop a sentence's end; splitting is the caller's job.
                raise ValueError(
                    f"input {i} has {len(seq)} tokens, more than this model's limit of "
                    f"{self.max_input_tokens}; split it first (Translator does this)"
                )
        return ids

    def _encode_prefixes(self, prefixes: list[str | None] | None, n: int) -> list[list[int]]:
        if prefixes is None:
            return [[] for _ in range(n)]
        if len(prefixes) != n:
            raise ValueError(f"{n} texts but {len(prefixes)} prefixes")
        out: list[list[int]] = []
        for prefix in prefixes:
            if not prefix:
                out.append([])
            else:
                out.append(
                    list(self.tokenizer(text_target=prefix, add_special_tokens=False)["input_ids"])
                )
        return out

    def translate_batch(
        self,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None = None,
    ) -> list[list[Hypothesis]]:
        """Translate ``texts`` into ``options.nbest`` hypotheses each, best first.

        Inputs are sorted by length and run in batches whose padded source size stays under
        ``options.batch_tokens``; results come back in input order. ``prefixes[i]``, when
        given, is forced as the start of output ``i`` (the decoder continues from it) and is
        part of the returned text.

        Raises:
            ValueError: an input longer than :attr:`max_input_tokens`, or mismatched prefixes.
        """
        if not texts:
            return []
        ids = self._encode(texts)
        prefix_ids = self._encode_prefixes(prefixes, len(texts))
        results: list[list[Hypothesis]] = [[] for _ in texts]
        batches = plan_batches(
            [len(x) for x in ids], options.batch_tokens, [len(p) for p in prefix_ids]
        )
        for batch in batches:
            hyps = self._generate(
                [ids[i] for i in batch],
                prefix_ids[batch[0]] and [prefix_ids[i] for i in batch],
                options,
            )
            for i, h in zip(batch, hyps, strict=True):
                results[i] = h
        return results

    def _generate(
        self, ids: list[list[int]], prefixes: list[list[int]] | list, options: DecodeOptions
    ) -> list[list[Hypothesis]]:
        torch = self._torch
        longest = max(len(x) for x in ids)
        input_ids = torch.full((len(ids), longest), self._pad, dtype=torch.long)
        mask = torch.zeros((len(ids), longest), dtype=torch.long)
        for row, seq in enumerate(ids):
            input_ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
            mask[row, : len(seq)] = 1
        kwargs = {"input_ids": input_ids.to(self.device), "attention_mask": mask.to(self.device)}
        prefix_len = len(prefixes[0]) if prefixes else 0
        if prefix_len:
            decoder = torch.tensor([[self._start, *p] for p in prefixes], dtype=torch.long)
            kwargs["decoder_input_ids"] = decoder.to(self.device)
        gen = copy.deepcopy(self.model.generation_config)
        gen.num_beams = options.beam
        gen.num_return_sequences = options.nbest
        gen.length_penalty = options.length_penalty
        gen.repetition_penalty = options.repetition_penalty
        gen.no_repeat_ngram_size = options.no_repeat_ngram_size
        gen.do_sample = False
        # max_length counts the decoder start and forced prefix; options.max_length, new tokens.
        # The decoder's position table bounds start token + prefix + new tokens together.
        gen.max_length = min(
            options.length_limit(longest) + 1 + prefix_len,
            self.model.config.max_position_embeddings,
        )
        gen.max_new_tokens = None
        gen.output_scores = True
        gen.return_dict_in_generate = True
        with torch.inference_mode():
            out = self.model.generate(**kwargs, generation_config=gen)
        sequences = out.sequences
        scores = self._scores(out, sequences, 1 + prefix_len, options.length_penalty)
        texts = self.tokenizer.batch_decode(sequences, skip_special_tokens=True)
        n = options.nbest
        return [
            [Hypothesis(texts[r * n + k], float(scores[r * n + k])) for k in range(n)]
            for r in range(len(ids))
        ]

    def translate_aligned(
        self,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None = None,
    ) -> list[list[Hypothesis]]:
        """:meth:`translate_batch` with each hypothesis aligned to its source
        (:class:`translate.backend.Aligner`).

        The hypotheses are those of :meth:`translate_batch`; each is then run through the model
        once more with teacher forcing (one parallel pass, no search) to read the last decoder
        layer's cross-attention, averaged over heads: each target token links to the source
        token it attends to most (``</s>`` excluded).
        """
        results = self.translate_batch(texts, options, prefixes)
        flat = [(i, k) for i, hyps in enumerate(results) for k in range(len(hyps))]
        links = self._align([texts[i] for i, _ in flat], [results[i][k].text for i, k in flat])
        for (i, k), found in zip(flat, links, strict=True):
            h = results[i][k]
            results[i][k] = Hypothesis(h.text, h.score, found)
        return results

    def score_batch(self, sources: list[str], translations: list[str]) -> list[float | None]:
        """The model's mean log-probability per token of each translation, ``</s>`` included
        (:class:`translate.backend.Scorer`): one teacher-forced pass, no search. None for an
        empty translation or one longer than the model takes."""
        torch = self._torch
        src = self._encode(sources)
        tgt = [
            list(self.tokenizer(text_target=t, add_special_tokens=False)["input_ids"]) + [self._eos]
            if t
            else []
            for t in translations
        ]
        out: list[float | None] = [None] * len(sources)
        limit = self.model.config.max_position_embeddings
        todo = [i for i in range(len(sources)) if tgt[i] and len(tgt[i]) <= limit]
        for members, inputs in self._teacher_forced(src, tgt, todo):
            with torch.inference_mode():
                logits = self.model(**inputs).logits
            log_probs = torch.log_softmax(logits.float(), dim=-1).cpu()
            for row, i in enumerate(members):
                wanted = torch.tensor(tgt[i], dtype=torch.long)
                steps = log_probs[row, : len(tgt[i])].gather(1, wanted.unsqueeze(1))
                out[i] = float(steps.mean())
        return out

    def _align(self, sources: list[str], translations: list[str]) -> list[tuple[Link, ...] | None]:
        torch = self._torch
        src = self._encode(sources)
        tgt = [
            list(self.tokenizer(text_target=t, add_special_tokens=False)["input_ids"]) if t else []
            for t in translations
        ]
        out: list[tuple[Link, ...] | None] = [None] * len(sources)
        limit = self.model.config.max_position_embeddings
        todo = [i for i in range(len(sources)) if tgt[i] and len(tgt[i]) < limit]
        for members, inputs in self._teacher_forced(src, tgt, todo):
            with torch.inference_mode(), self._eager_attention():
                result = self.model(**inputs, output_attentions=True)
            if not result.cross_attentions:
                return out
            attention = result.cross_attentions[-1].mean(dim=1).float().cpu()
            for row, i in enumerate(members):
                out[i] = self._links(sources[i], src[i], translations[i], tgt[i], attention[row])
        return out

    def _teacher_forced(
        self, src: list[list[int]], tgt: list[list[int]], todo: list[int]
    ) -> Iterator[tuple[list[int], dict[str, Any]]]:
        """The pairs ``todo`` in batches, as the model's inputs for one teacher-forced pass.

        Yields the batch's indices and the padded ``input_ids``, ``attention_mask`` and
        ``decoder_input_ids`` (each target behind the decoder start token, so that output row
        j is the step that produced target token j), on the model's device.
        """
        torch = self._torch
        for batch in plan_batches([len(src[i]) + len(tgt[i]) for i in todo], 4096):
            members = [todo[j] for j in batch]
            s_len = max(len(src[i]) for i in members)
            t_len = max(len(tgt[i]) for i in members)
            input_ids = torch.full((len(members), s_len), self._pad, dtype=torch.long)
            mask = torch.zeros((len(members), s_len), dtype=torch.long)
            decoder = torch.full((len(members), t_len), self._pad, dtype=torch.long)
            for row, i in enumerate(members):
                input_ids[row, : len(src[i])] = torch.tensor(src[i], dtype=torch.long)
                mask[row, : len(src[i])] = 1
                decoder[row, : len(tgt[i])] = torch.tensor(
                    [self._start, *tgt[i][:-1]], dtype=torch.long
                )
            yield (
                members,
                {
                    "input_ids": input_ids.to(self.device),
                    "attention_mask": mask.to(self.device),
                    "decoder_input_ids": decoder.to(self.device),
                },
            )

    @contextlib.contextmanager
    def _eager_attention(self) -> Iterator[None]:
        """Attention weights need the eager implementation (SDPA does not return them)."""
        before = getattr(self.model.config, "_attn_implementation", None)
        if before in (None, "eager") or not hasattr(self.model, "set_attn_implementation"):
            yield
            return
        self.model.set_attn_implementation("eager")
        try:
            yield
        finally:
            self.model.set_attn_implementation(before)

    def _links(
        self, source: str, src: list[int], translation: str, tgt: list[int], attention: Any
    ) -> tuple[Link, ...] | None:
        specials = set(self.tokenizer.all_special_tokens)
        tgt_pieces = self.tokenizer.convert_ids_to_tokens(tgt)
        if any(piece in specials for piece in tgt_pieces):
            return None
        src_pieces = self.tokenizer.convert_ids_to_tokens(src)
        return attention_links(source, src_pieces, translation, tgt_pieces, attention, specials)

    def _scores(self, out, sequences, offset: int, length_penalty: float) -> list[float]:
        seq_scores = getattr(out, "sequences_scores", None)
        if seq_scores is not None:
            return seq_scores.tolist()
        # Greedy search reports per-step scores only: average the chosen tokens' log-probs.
        steps = self.model.compute_transition_scores(sequences, out.scores, normalize_logits=True)
        generated = sequences[:, offset:]
        valid = generated != self._pad
        # Padding after </s> has a -inf step score: masked out, not multiplied (-inf * 0 = nan).
        totals = self._torch.where(valid, steps, 0.0).sum(dim=1)
        lengths = valid.sum(dim=1).clamp(min=1).float()
        return (totals / lengths**length_penalty).tolist()
