"""Training MarianMT models from scratch or fine-tuning existing checkpoints.

The output folder is laid out like an OPUS-MT checkpoint, so ``MarianMTModel`` /
``MarianTokenizer.from_pretrained`` load it and CTranslate2's Marian converter accepts it:
``</s>`` is id 0, ``<unk>`` id 1, and ``<pad>`` is the last id and the decoder start token.

Resumable state (weights, optimizer, step, RNG) lives in ``OUT/checkpoint/``; the best model
by dev BLEU lives in ``OUT/`` itself; with ``keep_snapshots`` the weights of the last few
evaluations stay in ``OUT/snapshots/step-NNNNNNN/`` for checkpoint averaging. Only ``OUT/``
minus ``checkpoint/`` and ``snapshots/`` is meant to ship.
"""

from __future__ import annotations

import json
import logging
import math
import random
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from translate.batching import plan_batches
from translate.corpus import ParallelCorpus
from translate.devices import check_device_name
from translate.textio import InputError, replace_folder

if TYPE_CHECKING:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

__all__ = [
    "TrainConfig",
    "TrainResult",
    "train",
    "build_tokenizer_files",
    "build_marian_config",
    "read_training_record",
]

log = logging.getLogger(__name__)

CHECKPOINT_DIR = "checkpoint"
SNAPSHOT_DIR = "snapshots"
SPECIAL_PIECES = ("</s>", "<unk>")
PRECISIONS = ("fp32", "bf16")


@dataclass(frozen=True)
class TrainConfig:
    """Settings for one training run. Defaults are the compact model's recipe.

    The shape follows what works for small data on a CPU: shared embeddings, a deeper encoder
    than decoder (decoding cost is in the decoder), dropout 0.1, label smoothing 0.1, and a
    higher peak learning rate than big models use.
    """

    vocab_size: int = 8000
    joint_vocab: bool = True
    split_digits: bool = False
    d_model: int = 256
    encoder_layers: int = 4
    decoder_layers: int = 2
    attention_heads: int = 4
    ffn_dim: int = 1024
    dropout: float = 0.1
    label_smoothing: float = 0.1
    peak_lr: float = 1e-3
    warmup_steps: int = 500
    batch_tokens: int = 2500
    max_length: int = 128
    clip_norm: float = 1.0
    minutes: float = 60.0
    max_steps: int = 0
    eval_every_minutes: float = 20.0
    keep_snapshots: int = 0
    dev_size: int = 500
    eval_beam: int = 1
    seed: int = 1234
    device: str = "auto"
    #: "fp32", or "bf16": matrix products in bfloat16 under autocast, weights and optimizer
    #: state still float32. For GPUs, where it is several times faster; on a CPU it is slower.
    precision: str = "fp32"
    threads: int = 0
    log_every: int = 50
    init: str | None = None
    #: The languages the model reads and writes, recorded in its tokenizer_config.json
    #: (``tafsiri train --reverse`` trains en→sw).
    source_lang: str = "sw"
    target_lang: str = "en"

    def __post_init__(self) -> None:
        positive = (
            "vocab_size",
            "d_model",
            "encoder_layers",
            "decoder_layers",
            "attention_heads",
            "ffn_dim",
            "batch_tokens",
            "max_length",
            "dev_size",
            "eval_beam",
            "log_every",
        )
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if self.d_model % self.attention_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by attention_heads")
        if not 0 <= self.dropout < 1 or not 0 <= self.label_smoothing < 1:
            raise ValueError("dropout and label_smoothing must be in [0, 1)")
        if self.split_digits and self.init:
            raise ValueError(
                "split_digits changes the vocabulary: it needs training from scratch, not init"
            )
        if self.keep_snapshots < 0:
            raise ValueError(f"keep_snapshots must be 0 or more, got {self.keep_snapshots}")
        if self.minutes <= 0 and self.max_steps <= 0:
            raise ValueError("give a time budget (minutes > 0) or max_steps > 0")
        check_device_name(self.device)
        if self.precision not in PRECISIONS:
            raise ValueError(
                f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}"
            )


@dataclass
class TrainResult:
    """What a run did: steps, time, and the dev curve it kept."""

    output_dir: Path
    steps: int
    epochs: float
    elapsed_minutes: float
    best_bleu: float
    best_chrf: float
    curve: list[dict] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Vocabulary and model layout


def _train_spm(lines: list[str], prefix: Path, vocab_size: int, split_digits: bool) -> Path:
    import sentencepiece as spm

    corpus = prefix.with_suffix(".txt")
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # bos/eos/pad are not SentencePiece's business: Marian adds </s> itself via vocab.json.
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        unk_id=0,
        input_sentence_size=2_000_000,
        # The whole corpus fits under input_sentence_size, so no sampling: the vocabulary is
        # the same on every run.
        shuffle_input_sentence=False,
        num_threads=2,
        minloglevel=2,
        hard_vocab_limit=False,
        # One piece per digit: "523.7" is cut the same way wherever it stands, which helps
        # a model copy figures (issue 12 compares it on dev).
        split_digits=split_digits,
    )
    return prefix.with_suffix(".model")


def _pieces(model_path: Path) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model_path))
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not sp.is_unknown(i)]


def build_tokenizer_files(
    sources: list[str],
    targets: list[str],
    out: Path,
    vocab_size: int,
    joint: bool,
    split_digits: bool = False,
) -> int:
    """Train SentencePiece model(s) and write ``source.spm``, ``target.spm``, ``vocab.json``.

    Returns:
        The vocabulary size, ``<pad>`` included (it is the last id).
    """
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        if joint:
            model = _train_spm(sources + targets, tmpdir / "joint", vocab_size, split_digits)
            shutil.copy(model, out / "source.spm")
            shutil.copy(model, out / "target.spm")
            pieces = _pieces(model)
        else:
            src_model = _train_spm(sources, tmpdir / "src", vocab_size // 2, split_digits)
            tgt_model = _train_spm(targets, tmpdir / "tgt", vocab_size // 2, split_digits)
            shutil.copy(src_model, out / "source.spm")
            shutil.copy(tgt_model, out / "target.spm")
            # One shared id space (OPUS-MT's usual layout) even when the pieces come from two models.
            pieces = list(dict.fromkeys(_pieces(src_model) + _pieces(tgt_model)))
    vocab = {piece: i for i, piece in enumerate(SPECIAL_PIECES)}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(
        json.dumps(vocab, ensure_ascii=False, indent=0), encoding="utf-8"
    )
    (out / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "MarianTokenizer",
                "source_lang": "sw",
                "target_lang": "en",
                "model_max_length": 512,
                "separate_vocabs": False,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return len(vocab)


def build_marian_config(cfg: TrainConfig, vocab_size: int):
    """A ``MarianConfig`` laid out like OPUS-MT checkpoints (pad last, pad starts decoding)."""
    from transformers import MarianConfig

    pad = vocab_size - 1
    return MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        d_model=cfg.d_model,
        encoder_layers=cfg.encoder_layers,
        decoder_layers=cfg.decoder_layers,
        encoder_attention_heads=cfg.attention_heads,
        decoder_attention_heads=cfg.attention_heads,
        encoder_ffn_dim=cfg.ffn_dim,
        decoder_ffn_dim=cfg.ffn_dim,
        max_position_embeddings=512,
        activation_function="swish",
        dropout=cfg.dropout,
        attention_dropout=0.0,
        activation_dropout=0.0,
        scale_embedding=True,
        pad_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        decoder_start_token_id=pad,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
    )


def _set_generation_defaults(model, beam: int, max_length: int) -> None:
    pad = model.config.pad_token_id
    assert pad is not None  # set by build_marian_config and every OPUS-MT checkpoint
    gen = model.generation_config
    gen.num_beams = beam
    gen.max_length = max_length
    gen.decoder_start_token_id = pad
    gen.pad_token_id = pad
    gen.eos_token_id = 0
    gen.forced_eos_token_id = 0
    gen.bad_words_ids = [[pad]]


# ---------------------------------------------------------------------------------------------
# Batching


@dataclass(frozen=True)
class _Example:
    src: tuple[int, ...]
    tgt: tuple[int, ...]


def _encode(
    tokenizer, texts: list[str], max_length: int, target: bool = False
) -> list[tuple[int, ...]]:
    kwargs = {"text_target": texts} if target else {"text": texts}
    enc = tokenizer(**kwargs, truncation=True, max_length=max_length)
    return [tuple(ids) for ids in enc["input_ids"]]


def token_budget_batches(
    examples: list[_Example], batch_tokens: int, rng: random.Random
) -> list[list[_Example]]:
    """Group examples of similar length so that padded size stays under ``batch_tokens``.

    Shuffling before the length sort mixes examples of equal length between epochs; the batch
    order is shuffled too so each epoch sees the lengths mixed.
    """
    shuffled = list(examples)
    rng.shuffle(shuffled)
    lengths = [max(len(e.src), len(e.tgt)) for e in shuffled]
    batches = [[shuffled[i] for i in batch] for batch in plan_batches(lengths, batch_tokens)]
    rng.shuffle(batches)
    return batches


def _collate(batch: list[_Example], pad: int):
    import torch

    src_len = max(len(e.src) for e in batch)
    tgt_len = max(len(e.tgt) for e in batch)
    input_ids = torch.full((len(batch), src_len), pad, dtype=torch.long)
    attention = torch.zeros((len(batch), src_len), dtype=torch.long)
    labels = torch.full((len(batch), tgt_len), -100, dtype=torch.long)
    decoder_in = torch.full((len(batch), tgt_len), pad, dtype=torch.long)
    for i, ex in enumerate(batch):
        input_ids[i, : len(ex.src)] = torch.tensor(ex.src)
        attention[i, : len(ex.src)] = 1
        labels[i, : len(ex.tgt)] = torch.tensor(ex.tgt)
        # Teacher forcing: the decoder sees <pad> (the start token) then the target shifted right.
        decoder_in[i, 1 : len(ex.tgt)] = torch.tensor(ex.tgt[:-1])
    return input_ids, attention, decoder_in, labels


# ---------------------------------------------------------------------------------------------
# Evaluation


def _translate_dev(
    model, tokenizer, sources: list[str], beam: int, device, batch_size: int = 64
) -> list[str]:
    import torch

    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    out: list[str] = [""] * len(sources)
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer(
                [sources[i] for i in idx],
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=256,
            ).to(device)
            gen = model.generate(**enc, num_beams=beam)
            for i, text in zip(
                idx, tokenizer.batch_decode(gen, skip_special_tokens=True), strict=True
            ):
                out[i] = text
    model.train()
    return out


def _score(hyps: list[str], refs: list[str]) -> tuple[float, float]:
    import sacrebleu

    return (sacrebleu.corpus_bleu(hyps, [refs]).score, sacrebleu.corpus_chrf(hyps, [refs]).score)


# ---------------------------------------------------------------------------------------------
# The loop


def _lr_at(step: int, cfg: TrainConfig) -> float:
    # Inverse square root schedule with linear warm-up (Vaswani et al. 2017, as in Marian/fairseq).
    step = max(step, 1)
    return cfg.peak_lr * min(step / cfg.warmup_steps, math.sqrt(cfg.warmup_steps / step))


def _resolve_device(name: str) -> torch.device:
    import torch

    from translate.devices import resolve_device

    return torch.device(resolve_device(name, torch.cuda.device_count()))


@contextmanager
def _stop_requests() -> Iterator[threading.Event]:
    """An event set by Ctrl-C or SIGTERM, so the loop stops between updates and saves.

    Stopping between updates (not inside ``optimizer.step``) keeps the checkpoint consistent;
    the handlers are installed only where Python allows it (the main thread).
    """
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stop.set())
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _resumed_config(saved: dict, config: TrainConfig) -> TrainConfig:
    """The checkpoint's recipe, with this run's time budget and evaluation settings."""
    # Checkpoints from before the direction was recorded take this run's.
    direction = {"source_lang": config.source_lang, "target_lang": config.target_lang}
    return replace(
        TrainConfig(**{**direction, **saved}),
        minutes=config.minutes,
        max_steps=config.max_steps,
        eval_every_minutes=config.eval_every_minutes,
        keep_snapshots=config.keep_snapshots,
        dev_size=config.dev_size,
        eval_beam=config.eval_beam,
        device=config.device,
        precision=config.precision,
        threads=config.threads,
        log_every=config.log_every,
    )


def _load_model(
    cfg: TrainConfig,
    corpus: ParallelCorpus,
    ckpt: Path,
    state: dict | None,
    say: Callable[[str], None],
) -> tuple[MarianTokenizer, MarianMTModel, dict | None]:
    """:func:`_start_model`, its tokenizer labelled with the run's direction (an en→sw model
    fine-tuned from the sw→en one would otherwise say sw→en)."""
    tokenizer, model, lineage = _start_model(cfg, corpus, ckpt, state, say)
    for name in ("source_lang", "target_lang"):
        setattr(tokenizer, name, getattr(cfg, name))
        tokenizer.init_kwargs[name] = getattr(cfg, name)  # what save_pretrained writes
    return tokenizer, model, lineage


def _start_model(
    cfg: TrainConfig,
    corpus: ParallelCorpus,
    ckpt: Path,
    state: dict | None,
    say: Callable[[str], None],
) -> tuple[MarianTokenizer, MarianMTModel, dict | None]:
    """The tokenizer, the model and the training record it descends from.

    From the checkpoint when resuming; from ``cfg.init`` when fine-tuning (the run's dropout
    replaces the checkpoint's); else a new SentencePiece vocabulary and a new model.
    The record is the starting model's ``training.json``, kept as "previous" so that a model
    trained in stages carries its whole history.
    """
    from transformers import MarianMTModel, MarianTokenizer

    if state is not None:
        return (
            MarianTokenizer.from_pretrained(ckpt),
            MarianMTModel.from_pretrained(ckpt),
            state.get("previous"),
        )
    if cfg.init:
        from translate.model_catalog import resolve_model_path

        init_path = resolve_model_path(cfg.init)
        tokenizer = MarianTokenizer.from_pretrained(init_path)
        # .float(): a folder may store float16 weights to stay small; training needs float32.
        model = MarianMTModel.from_pretrained(init_path, dropout=cfg.dropout).float()
        say(
            f"fine-tuning {cfg.init} ({sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters)"
        )
        return tokenizer, model, read_training_record(init_path)
    say(
        f"training SentencePiece ({'joint' if cfg.joint_vocab else 'separate'}, {cfg.vocab_size} pieces)"
    )
    vocab_size = build_tokenizer_files(
        list(corpus.sources),
        list(corpus.targets),
        ckpt,
        cfg.vocab_size,
        cfg.joint_vocab,
        cfg.split_digits,
    )
    tokenizer = MarianTokenizer.from_pretrained(ckpt)
    model = MarianMTModel(build_marian_config(cfg, vocab_size))
    say(
        f"new MarianMT: {sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters, "
        f"vocab {vocab_size}, d_model {cfg.d_model}, {cfg.encoder_layers}+{cfg.decoder_layers} layers"
    )
    return tokenizer, model, None


class _Run:
    """One training run: its state (model, optimizer, position in the data, dev curve) and
    its steps (:meth:`update`, :meth:`evaluate_and_keep`, :meth:`save_checkpoint`, …).

    Everything a checkpoint holds is an attribute here, so that :meth:`save_checkpoint` and
    :meth:`restore` are the only places that know its layout.
    """

    def __init__(
        self,
        cfg: TrainConfig,
        corpus: ParallelCorpus,
        dev: ParallelCorpus,
        out: Path,
        device: torch.device,
        tokenizer: MarianTokenizer,
        model: MarianMTModel,
        lineage: dict | None,
        say: Callable[[str], None],
    ) -> None:
        import torch

        self._torch = torch
        self.cfg, self.corpus, self.dev, self.out = cfg, corpus, dev, out
        self.tokenizer, self.model, self.lineage, self.say = tokenizer, model, lineage, say
        self.device = device
        _set_generation_defaults(model, cfg.eval_beam, 256)
        # transformers types .to through a decorator that mypy reads as taking the model.
        model.to(self.device)  # type: ignore[arg-type]
        model.train()
        pad = model.config.pad_token_id
        assert pad is not None  # set by build_marian_config and every OPUS-MT checkpoint
        self.pad: int = pad
        say(f"encoding {len(corpus)} training pairs")
        src_ids = _encode(tokenizer, list(corpus.sources), cfg.max_length)
        tgt_ids = _encode(tokenizer, list(corpus.targets), cfg.max_length, target=True)
        self.examples = [_Example(s, t) for s, t in zip(src_ids, tgt_ids, strict=True)]
        self.dev_src = list(dev.sources[: cfg.dev_size])
        self.dev_ref = list(dev.targets[: cfg.dev_size])
        self.optimizer = torch.optim.AdamW(
            model.parameters(), lr=cfg.peak_lr, betas=(0.9, 0.98), eps=1e-9, weight_decay=0.0
        )
        self.step, self.epoch, self.batch_pos = 0, 0, 0
        self.curve: list[dict] = []
        self.best_bleu, self.best_chrf = -1.0, 0.0
        self.previous_minutes = 0.0
        self.rng = random.Random(cfg.seed)
        self.batches: list[list[_Example]] = []
        self.epoch_rng_state = self.rng_after_epoch = self.rng.getstate()
        self.started = self.last_eval = self.window_start = time.monotonic()
        self.window_loss, self.window_tokens = 0.0, 0

    # -- position in the data ------------------------------------------------------------------

    def restore(self, state: dict) -> None:
        """Continue from a checkpoint: weights, optimizer, position, curve, random states."""
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.step, self.epoch, self.batch_pos = state["step"], state["epoch"], state["batch_pos"]
        self.curve, self.best_bleu = state["curve"], state["best_bleu"]
        self.best_chrf = state["best_chrf"]
        self.previous_minutes = state["minutes"]
        self._torch.set_rng_state(state["torch_rng"])
        # Replay the epoch's shuffle to where the interrupted run stopped.
        self.rng.setstate(state["epoch_rng"])
        self.say(
            f"resumed at step {self.step} (epoch {self.epoch}, {self.previous_minutes:.1f} min trained), best dev BLEU {self.best_bleu:.2f}"
        )

    def shuffle_epoch(self) -> None:
        """This epoch's batches, and the random states before and after drawing them."""
        self.epoch_rng_state = self.rng.getstate()
        self.batches = token_budget_batches(self.examples, self.cfg.batch_tokens, self.rng)
        self.rng_after_epoch = self.rng.getstate()

    def next_batch(self) -> list[_Example]:
        if self.batch_pos >= len(self.batches):
            self.epoch += 1
            self.batch_pos = 0
            self.shuffle_epoch()
        batch = self.batches[self.batch_pos]
        self.batch_pos += 1
        return batch

    def epoch_position(self) -> float:
        return self.epoch + self.batch_pos / max(len(self.batches), 1)

    # -- time ---------------------------------------------------------------------------------

    def start_clock(self) -> None:
        self.started = self.last_eval = self.window_start = time.monotonic()

    def elapsed(self) -> float:
        """Minutes this run has trained (earlier runs of a resumed model not included)."""
        return (time.monotonic() - self.started) / 60

    def minutes(self) -> float:
        """Minutes trained in all, earlier runs included."""
        return self.previous_minutes + self.elapsed()

    def out_of_budget(self) -> bool:
        if self.cfg.max_steps and self.step >= self.cfg.max_steps:
            return True
        return self.cfg.minutes > 0 and self.elapsed() >= self.cfg.minutes

    # -- steps --------------------------------------------------------------------------------

    def update(self, batch: list[_Example]) -> None:
        """One optimizer step on ``batch``, its loss counted toward the next progress line."""
        torch, cfg = self._torch, self.cfg
        cpu_batch = _collate(batch, self.pad)
        # Counted on the CPU copy, and the loss summed on the device: no update waits for the
        # GPU, so the next batch is collated while this one computes.
        ntok = int((cpu_batch[3] != -100).sum())
        input_ids, attention, decoder_in, labels = (
            t.to(self.device, non_blocking=True) for t in cpu_batch
        )
        for group in self.optimizer.param_groups:
            group["lr"] = _lr_at(self.step + 1, cfg)
        with torch.autocast(
            self.device.type, dtype=torch.bfloat16, enabled=cfg.precision == "bf16"
        ):
            logits = self.model(
                input_ids=input_ids, attention_mask=attention, decoder_input_ids=decoder_in
            ).logits
        # The loss in float32 whatever the precision: a bfloat16 log-softmax over the
        # vocabulary loses the small differences label smoothing works with.
        loss = torch.nn.functional.cross_entropy(
            logits.float().view(-1, logits.size(-1)),
            labels.view(-1),
            ignore_index=-100,
            label_smoothing=cfg.label_smoothing,
        )
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.clip_norm)
        self.optimizer.step()
        self.step += 1
        self.window_loss += loss.detach() * ntok
        self.window_tokens += ntok

    def report(self) -> None:
        """One progress line: loss per target token since the last line, rate, time."""
        rate = self.window_tokens / max(time.monotonic() - self.window_start, 1e-9)
        self.say(
            f"step {self.step} epoch {self.epoch + self.batch_pos / len(self.batches):.2f} loss "
            f"{float(self.window_loss) / max(self.window_tokens, 1):.3f} lr {_lr_at(self.step, self.cfg):.2e} "
            f"{rate:.0f} tgt tok/s {self.minutes():.1f} min"
        )
        self.window_loss, self.window_tokens, self.window_start = 0.0, 0, time.monotonic()

    def loop(self, stop: threading.Event) -> bool:
        """Update until the budget is spent, reporting and evaluating on schedule.

        Returns:
            True when a stop request (Ctrl-C, SIGTERM) ended the run early.
        """
        cfg = self.cfg
        while not self.out_of_budget():
            if stop.is_set():
                self.say("interrupted: saving a checkpoint")
                return True
            self.update(self.next_batch())
            if self.step % cfg.log_every == 0:
                self.report()
            if (time.monotonic() - self.last_eval) / 60 >= cfg.eval_every_minutes:
                self.evaluate_and_keep()
                self.save_checkpoint()
                self.last_eval = time.monotonic()
        return False

    def evaluate_and_keep(self) -> None:
        """Score dev, extend the curve, and make the model in ``OUT/`` this one if it is best."""
        cfg = self.cfg
        hyps = _translate_dev(self.model, self.tokenizer, self.dev_src, cfg.eval_beam, self.device)
        bleu, chrf = _score(hyps, self.dev_ref)
        self.curve.append(
            {
                "step": self.step,
                "epoch": round(self.epoch_position(), 3),
                "minutes": round(self.minutes(), 1),
                "dev_bleu": round(bleu, 2),
                "dev_chrf": round(chrf, 2),
            }
        )
        improved = bleu > self.best_bleu
        self.say(
            f"eval step {self.step}: dev BLEU {bleu:.2f} chrF {chrf:.2f} ({len(self.dev_src)} sentences, beam "
            f"{cfg.eval_beam}){' — best so far, saved' if improved else ''}"
        )
        if improved:
            self.best_bleu, self.best_chrf = bleu, chrf
            tmp = Path(tempfile.mkdtemp(prefix=".best.", dir=self.out))
            try:
                self._write_best(tmp, bleu, chrf)
                for item in tmp.iterdir():
                    item.replace(self.out / item.name)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)

    # -- saving -------------------------------------------------------------------------------

    def _write_best(self, tmp: Path, bleu: float, chrf: float) -> None:
        self._save_model(tmp)
        record = {
            "config": asdict(self.cfg),
            "step": self.step,
            "dev_bleu": bleu,
            "dev_chrf": chrf,
            "curve": self.curve,
            "train_origin": self.corpus.origin,
            "dev_origin": self.dev.origin,
        }
        if self.lineage is not None:
            record["previous"] = self.lineage
        (tmp / "training.json").write_text(json.dumps(record, indent=2), encoding="utf-8")

    def _save_model(self, tmp: Path) -> None:
        """Weights, tokenizer and the decoding settings a shipped model uses (beam 4)."""
        _set_generation_defaults(self.model, 4, 256)
        self.model.save_pretrained(tmp)
        self.tokenizer.save_pretrained(tmp)
        _set_generation_defaults(self.model, self.cfg.eval_beam, 256)

    def _save_snapshot(self) -> None:
        # Weights only (no optimizer state): inputs for `tafsiri model average`.
        snapshots = self.out / SNAPSHOT_DIR
        snapshots.mkdir(exist_ok=True)
        replace_folder(snapshots / f"step-{self.step:07d}", self._save_model)
        for stale in sorted(snapshots.glob("step-*"))[: -self.cfg.keep_snapshots]:
            shutil.rmtree(stale)

    def save_checkpoint(self) -> None:
        """Everything :meth:`restore` needs, in ``OUT/checkpoint/``; a snapshot if kept."""
        torch = self._torch

        def write(tmp: Path) -> None:
            self.model.save_pretrained(tmp)
            self.tokenizer.save_pretrained(tmp)
            torch.save(
                {
                    "config": asdict(self.cfg),
                    "model": self.model.state_dict(),
                    "optimizer": self.optimizer.state_dict(),
                    "step": self.step,
                    "epoch": self.epoch,
                    "batch_pos": self.batch_pos,
                    "epoch_rng": self.epoch_rng_state,
                    "curve": self.curve,
                    "best_bleu": self.best_bleu,
                    "best_chrf": self.best_chrf,
                    "minutes": self.minutes(),
                    "rng": self.rng_after_epoch,
                    "torch_rng": torch.get_rng_state(),
                    "previous": self.lineage,
                },
                tmp / "state.pt",
            )

        replace_folder(self.out / CHECKPOINT_DIR, write)
        if self.cfg.keep_snapshots:
            self._save_snapshot()


def train(
    corpus: ParallelCorpus,
    dev: ParallelCorpus,
    output_dir: str | Path,
    config: TrainConfig = TrainConfig(),
    resume: bool = False,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Train (or fine-tune, with ``config.init``) a MarianMT model and keep the best by dev BLEU.

    Args:
        corpus: training pairs.
        dev: development pairs; the first ``config.dev_size`` are used to select checkpoints.
        output_dir: where the best model is saved; ``output_dir/checkpoint`` holds resumable state.
        config: the recipe.
        resume: continue from ``output_dir/checkpoint`` (its recipe wins over ``config`` except
            for the time budget and evaluation settings).
        progress: called with one line of progress at a time (the CLI prints them).

    Returns:
        A :class:`TrainResult` with the dev curve of this and earlier runs.
    """
    import torch

    say = progress or log.info
    out = Path(output_dir)
    ckpt = out / CHECKPOINT_DIR
    out.mkdir(parents=True, exist_ok=True)
    state: dict | None = None
    if resume:
        if not (ckpt / "state.pt").exists():
            raise ValueError(f"{ckpt}: no checkpoint to resume from")
        state = torch.load(ckpt / "state.pt", map_location="cpu", weights_only=False)
        config = _resumed_config(state["config"], config)
    cfg = config
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = _resolve_device(cfg.device)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    tokenizer, model, lineage = _load_model(cfg, corpus, ckpt, state, say)
    run = _Run(cfg, corpus, dev, out, device, tokenizer, model, lineage, say)
    if state is not None:
        run.restore(state)
    run.shuffle_epoch()
    run.start_clock()
    with _stop_requests() as stop:
        interrupted = run.loop(stop)
    if not interrupted:
        run.evaluate_and_keep()
    run.save_checkpoint()
    total = run.minutes()
    say(f"done: {run.step} steps, {total:.1f} min in all; best dev BLEU {run.best_bleu:.2f}")
    if interrupted:
        raise KeyboardInterrupt
    return TrainResult(
        out, run.step, run.epoch_position(), total, run.best_bleu, run.best_chrf, run.curve
    )


def read_training_record(folder: Path) -> dict | None:
    """A model folder's training.json, or None for a model that has none (a hub checkpoint)."""
    path = folder / "training.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise InputError(f"{path}: not valid JSON ({err})") from None


def iter_curve(output_dir: str | Path) -> Iterator[dict]:
    """The dev curve recorded with the best model in ``output_dir``."""
    yield from (read_training_record(Path(output_dir)) or {}).get("curve", [])
