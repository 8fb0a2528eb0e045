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

from translate.batching import plan_batches
from translate.corpus import ParallelCorpus
from translate.devices import check_device_name
from translate.textio import InputError, replace_folder

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
    threads: int = 0
    log_every: int = 50
    init: str | None = None

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


def _resolve_device(name: str):
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
    import torch.nn.functional as F
    from transformers import MarianMTModel, MarianTokenizer

    say = progress or log.info
    out = Path(output_dir)
    ckpt = out / CHECKPOINT_DIR
    out.mkdir(parents=True, exist_ok=True)
    state: dict | None = None
    # The training record of the model fine-tuned from (its own training.json), kept as
    # "previous" so a model trained in stages carries its whole history.
    lineage: dict | None = None
    if resume:
        if not (ckpt / "state.pt").exists():
            raise ValueError(f"{ckpt}: no checkpoint to resume from")
        state = torch.load(ckpt / "state.pt", map_location="cpu", weights_only=False)
        saved = TrainConfig(**state["config"])
        config = replace(
            saved,
            minutes=config.minutes,
            max_steps=config.max_steps,
            eval_every_minutes=config.eval_every_minutes,
            keep_snapshots=config.keep_snapshots,
            dev_size=config.dev_size,
            eval_beam=config.eval_beam,
            device=config.device,
            threads=config.threads,
            log_every=config.log_every,
        )
    cfg = config
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = _resolve_device(cfg.device)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    if state is not None:
        tokenizer = MarianTokenizer.from_pretrained(ckpt)
        model = MarianMTModel.from_pretrained(ckpt)
        lineage = state.get("previous")
    elif cfg.init:
        from translate.model_catalog import resolve_model_path

        init_path = resolve_model_path(cfg.init)
        tokenizer = MarianTokenizer.from_pretrained(init_path)
        # The architecture comes from the checkpoint, but dropout is part of the recipe: the
        # run's value replaces the one the checkpoint was trained with.
        model = MarianMTModel.from_pretrained(init_path, dropout=cfg.dropout)
        lineage = read_training_record(init_path)
        say(
            f"fine-tuning {cfg.init} ({sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters)"
        )
    else:
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
    _set_generation_defaults(model, cfg.eval_beam, 256)
    model.to(device)
    model.train()
    pad = model.config.pad_token_id
    assert pad is not None  # set by build_marian_config and every OPUS-MT checkpoint

    say(f"encoding {len(corpus)} training pairs")
    src_ids = _encode(tokenizer, list(corpus.sources), cfg.max_length)
    tgt_ids = _encode(tokenizer, list(corpus.targets), cfg.max_length, target=True)
    examples = [_Example(s, t) for s, t in zip(src_ids, tgt_ids, strict=True)]
    dev_src = list(dev.sources[: cfg.dev_size])
    dev_ref = list(dev.targets[: cfg.dev_size])

    optimizer = torch.optim.AdamW(
        model.parameters(), lr=cfg.peak_lr, betas=(0.9, 0.98), eps=1e-9, weight_decay=0.0
    )
    step, epoch, batch_pos = 0, 0, 0
    curve: list[dict] = []
    best_bleu, best_chrf = -1.0, 0.0
    previous_minutes = 0.0
    rng = random.Random(cfg.seed)
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, epoch, batch_pos = state["step"], state["epoch"], state["batch_pos"]
        curve, best_bleu, best_chrf = state["curve"], state["best_bleu"], state["best_chrf"]
        previous_minutes = state["minutes"]
        rng.setstate(state["rng"])
        torch.set_rng_state(state["torch_rng"])
        say(
            f"resumed at step {step} (epoch {epoch}, {previous_minutes:.1f} min trained), best dev BLEU {best_bleu:.2f}"
        )

    epoch_rng_state = rng.getstate()
    batches = token_budget_batches(examples, cfg.batch_tokens, rng)
    started = time.monotonic()
    last_eval = started
    window_loss, window_tokens, window_start = 0.0, 0, time.monotonic()

    def elapsed_run() -> float:
        return (time.monotonic() - started) / 60

    def save_checkpoint() -> None:
        def write(tmp: Path) -> None:
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            torch.save(
                {
                    "config": asdict(cfg),
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "step": step,
                    "epoch": epoch,
                    "batch_pos": batch_pos,
                    "epoch_rng": epoch_rng_state,
                    "curve": curve,
                    "best_bleu": best_bleu,
                    "best_chrf": best_chrf,
                    "minutes": previous_minutes + elapsed_run(),
                    "rng": rng_after_epoch,
                    "torch_rng": torch.get_rng_state(),
                    "previous": lineage,
                },
                tmp / "state.pt",
            )

        replace_folder(ckpt, write)
        if cfg.keep_snapshots:
            save_snapshot()

    def save_model(tmp: Path) -> None:
        """Weights, tokenizer and the decoding settings a shipped model uses (beam 4)."""
        _set_generation_defaults(model, 4, 256)
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        _set_generation_defaults(model, cfg.eval_beam, 256)

    def save_snapshot() -> None:
        # Weights only (no optimizer state): inputs for `tafsiri model average`.
        snapshots = out / SNAPSHOT_DIR
        snapshots.mkdir(exist_ok=True)

        replace_folder(snapshots / f"step-{step:07d}", save_model)
        for stale in sorted(snapshots.glob("step-*"))[: -cfg.keep_snapshots]:
            shutil.rmtree(stale)

    def evaluate_and_keep() -> None:
        nonlocal best_bleu, best_chrf
        hyps = _translate_dev(model, tokenizer, dev_src, cfg.eval_beam, device)
        bleu, chrf = _score(hyps, dev_ref)
        total_minutes = previous_minutes + elapsed_run()
        curve.append(
            {
                "step": step,
                "epoch": round(epoch + batch_pos / max(len(batches), 1), 3),
                "minutes": round(total_minutes, 1),
                "dev_bleu": round(bleu, 2),
                "dev_chrf": round(chrf, 2),
            }
        )
        improved = bleu > best_bleu
        say(
            f"eval step {step}: dev BLEU {bleu:.2f} chrF {chrf:.2f} ({len(dev_src)} sentences, beam "
            f"{cfg.eval_beam}){' — best so far, saved' if improved else ''}"
        )
        if improved:
            best_bleu, best_chrf = bleu, chrf

            def write_best(tmp: Path) -> None:
                save_model(tmp)
                record = {
                    "config": asdict(cfg),
                    "step": step,
                    "dev_bleu": bleu,
                    "dev_chrf": chrf,
                    "curve": curve,
                    "train_origin": corpus.origin,
                    "dev_origin": dev.origin,
                }
                if lineage is not None:
                    record["previous"] = lineage
                (tmp / "training.json").write_text(json.dumps(record, indent=2), encoding="utf-8")

            tmp = Path(tempfile.mkdtemp(prefix=".best.", dir=out))
            try:
                write_best(tmp)
                for item in tmp.iterdir():
                    item.replace(out / item.name)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)

    # On resume, replay the epoch's shuffle to where the interrupted run stopped.
    if state is not None:
        rng.setstate(state["epoch_rng"])
        epoch_rng_state = state["epoch_rng"]
        batches = token_budget_batches(examples, cfg.batch_tokens, rng)
    rng_after_epoch = rng.getstate()

    def out_of_budget() -> bool:
        if cfg.max_steps and step >= cfg.max_steps:
            return True
        return cfg.minutes > 0 and elapsed_run() >= cfg.minutes

    interrupted = False
    with _stop_requests() as stop:
        while not out_of_budget():
            if stop.is_set():
                interrupted = True
                say("interrupted: saving a checkpoint")
                break
            if batch_pos >= len(batches):
                epoch += 1
                batch_pos = 0
                epoch_rng_state = rng.getstate()
                batches = token_budget_batches(examples, cfg.batch_tokens, rng)
                rng_after_epoch = rng.getstate()
            batch = batches[batch_pos]
            batch_pos += 1
            input_ids, attention, decoder_in, labels = (t.to(device) for t in _collate(batch, pad))
            for group in optimizer.param_groups:
                group["lr"] = _lr_at(step + 1, cfg)
            logits = model(
                input_ids=input_ids, attention_mask=attention, decoder_input_ids=decoder_in
            ).logits
            loss = F.cross_entropy(
                logits.view(-1, logits.size(-1)),
                labels.view(-1),
                ignore_index=-100,
                label_smoothing=cfg.label_smoothing,
            )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip_norm)
            optimizer.step()
            step += 1
            ntok = int((labels != -100).sum())
            window_loss += loss.item() * ntok
            window_tokens += ntok
            if step % cfg.log_every == 0:
                rate = window_tokens / max(time.monotonic() - window_start, 1e-9)
                say(
                    f"step {step} epoch {epoch + batch_pos / len(batches):.2f} loss "
                    f"{window_loss / max(window_tokens, 1):.3f} lr {_lr_at(step, cfg):.2e} "
                    f"{rate:.0f} tgt tok/s {previous_minutes + elapsed_run():.1f} min"
                )
                window_loss, window_tokens, window_start = 0.0, 0, time.monotonic()
            if (time.monotonic() - last_eval) / 60 >= cfg.eval_every_minutes:
                evaluate_and_keep()
                save_checkpoint()
                last_eval = time.monotonic()
    if not interrupted:
        evaluate_and_keep()
    save_checkpoint()
    total = previous_minutes + elapsed_run()
    say(f"done: {step} steps, {total:.1f} min in all; best dev BLEU {best_bleu:.2f}")
    if interrupted:
        raise KeyboardInterrupt
    return TrainResult(
        out, step, epoch + batch_pos / max(len(batches), 1), total, best_bleu, best_chrf, curve
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
