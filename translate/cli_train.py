"""`tafsiri train` and `tafsiri model list|info|add|remove|average|grow|convert|import`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from translate.cli_support import cache_dir, registry_path, tafsiri_home
from translate.cli_support import fail as _fail
from translate.textio import InputError
from translate.train import TrainConfig

if TYPE_CHECKING:
    from translate.model_catalog import ModelDetails

# The recipe's defaults live in TrainConfig alone; the options below show them.
_RECIPE = TrainConfig()

model_app = typer.Typer(
    help="List and inspect the MarianMT models available offline.", no_args_is_help=True
)


def train_command(
    dev: Annotated[
        list[Path],
        typer.Option(
            "--dev", help="Development data in the same forms; used to keep the best checkpoint."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="Model folder to write (the best model; resumable state in OUT/checkpoint).",
        ),
    ],
    train: Annotated[
        list[Path] | None,
        typer.Option(
            "--train",
            help="Training data: two line-aligned files (source then target), one .tsv or one .tmx. Repeat the option for two files.",
        ),
    ] = None,
    corpora: Annotated[
        Path | None,
        typer.Option(
            "--corpora",
            help="A corpus spec instead of --train: one 'WEIGHT TAG FILE [FILE]' line per corpus (see docs/training.md).",
        ),
    ] = None,
    reverse: Annotated[
        bool,
        typer.Option(
            "--reverse", help="Swap source and target of the training and dev data (en→sw)."
        ),
    ] = False,
    init: Annotated[
        str | None,
        typer.Option(
            "--init",
            help="Fine-tune this Marian checkpoint (folder or cached hub id) instead of training from scratch.",
        ),
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from OUT/checkpoint.")] = False,
    minutes: Annotated[
        float, typer.Option("--minutes", help="Time budget of this run, in minutes.")
    ] = _RECIPE.minutes,
    max_steps: Annotated[
        int, typer.Option("--max-steps", help="Stop after this many updates in all (0 = no limit).")
    ] = _RECIPE.max_steps,
    vocab_size: Annotated[
        int, typer.Option("--vocab-size", help="SentencePiece vocabulary size.")
    ] = _RECIPE.vocab_size,
    separate_vocab: Annotated[
        bool,
        typer.Option(
            "--separate-vocab", help="Train source and target SentencePiece models separately."
        ),
    ] = False,
    split_digits: Annotated[
        bool,
        typer.Option(
            "--split-digits",
            help="Cut numbers into single digits in SentencePiece (from scratch only).",
        ),
    ] = False,
    d_model: Annotated[int, typer.Option("--d-model")] = _RECIPE.d_model,
    encoder_layers: Annotated[int, typer.Option("--encoder-layers")] = _RECIPE.encoder_layers,
    decoder_layers: Annotated[int, typer.Option("--decoder-layers")] = _RECIPE.decoder_layers,
    heads: Annotated[int, typer.Option("--heads")] = _RECIPE.attention_heads,
    ffn_dim: Annotated[int, typer.Option("--ffn-dim")] = _RECIPE.ffn_dim,
    dropout: Annotated[float, typer.Option("--dropout")] = _RECIPE.dropout,
    label_smoothing: Annotated[float, typer.Option("--label-smoothing")] = _RECIPE.label_smoothing,
    lr: Annotated[float, typer.Option("--lr", help="Peak learning rate.")] = _RECIPE.peak_lr,
    warmup: Annotated[
        int, typer.Option("--warmup", help="Warm-up updates before the inverse-square-root decay.")
    ] = _RECIPE.warmup_steps,
    batch_tokens: Annotated[
        int,
        typer.Option("--batch-tokens", help="Padded tokens per batch (longest side × sentences)."),
    ] = _RECIPE.batch_tokens,
    eval_every: Annotated[
        float, typer.Option("--eval-every", help="Minutes between dev evaluations.")
    ] = _RECIPE.eval_every_minutes,
    dev_size: Annotated[
        int, typer.Option("--dev-size", help="Dev sentences used for checkpoint selection.")
    ] = _RECIPE.dev_size,
    keep_snapshots: Annotated[
        int,
        typer.Option(
            "--keep-snapshots",
            help="Keep the weights of the last N evaluations in OUT/snapshots (for `tafsiri model average`).",
        ),
    ] = _RECIPE.keep_snapshots,
    seed: Annotated[int, typer.Option("--seed")] = _RECIPE.seed,
    device: Annotated[
        str, typer.Option("--device", help="auto, cpu or cuda[:N].")
    ] = _RECIPE.device,
    precision: Annotated[
        str,
        typer.Option(
            "--precision",
            help="fp32, or bf16 (autocast; for GPUs, where it is several times faster).",
        ),
    ] = _RECIPE.precision,
    threads: Annotated[
        int, typer.Option("--threads", help="CPU threads (0 = torch's default).")
    ] = _RECIPE.threads,
) -> None:
    """Train a MarianMT model from scratch, or fine-tune one with --init.

    All data is read and checked before any training starts.
    """
    import logging

    from translate.backend import quiet_waits

    quiet_waits()  # before torch loads: idle OpenMP threads sleep instead of spinning

    from translate.corpus import ParallelCorpus, read_corpus_spec, read_parallel
    from translate.train import CHECKPOINT_DIR
    from translate.train import train as run_training

    try:
        config = TrainConfig(
            vocab_size=vocab_size,
            joint_vocab=not separate_vocab,
            split_digits=split_digits,
            d_model=d_model,
            encoder_layers=encoder_layers,
            decoder_layers=decoder_layers,
            attention_heads=heads,
            ffn_dim=ffn_dim,
            dropout=dropout,
            label_smoothing=label_smoothing,
            peak_lr=lr,
            warmup_steps=warmup,
            batch_tokens=batch_tokens,
            minutes=minutes,
            max_steps=max_steps,
            eval_every_minutes=eval_every,
            keep_snapshots=keep_snapshots,
            dev_size=dev_size,
            seed=seed,
            device=device,
            precision=precision,
            threads=threads,
            init=init,
            source_lang="en" if reverse else "sw",
            target_lang="sw" if reverse else "en",
        )
        if (train is None) == (corpora is None):
            raise InputError("give the training data with either --train or --corpora")
        if corpora is not None:
            corpus, parts = read_corpus_spec(corpora, reverse=reverse)
            for part in parts:
                tag = f", tag {part.tag}" if part.tag else ""
                dropped = f", {part.dropped} empty dropped" if part.dropped else ""
                typer.echo(
                    f"  {' + '.join(map(str, part.files))}: {part.pairs} pairs × {part.weight}"
                    f"{tag}{dropped}",
                    err=True,
                )
        else:
            corpus = read_parallel(list(train or []))
        dev_corpus = read_parallel(list(dev))
        if reverse:
            if corpora is None:
                corpus = ParallelCorpus(corpus.targets, corpus.sources, corpus.origin)
            dev_corpus = ParallelCorpus(dev_corpus.targets, dev_corpus.sources, dev_corpus.origin)
    except (InputError, ValueError) as err:
        _fail(str(err))
    has_checkpoint = (output / CHECKPOINT_DIR / "state.pt").exists()
    if resume and not has_checkpoint:
        _fail(f"{output}: no checkpoint to resume from (expected {output / CHECKPOINT_DIR})")
    if not resume and has_checkpoint:
        _fail(
            f"{output}: already holds a training checkpoint; pass --resume to continue it or choose another folder"
        )
    if not resume and init is not None:
        # Accept the same names as --model elsewhere (embedded, registered) and train from the folder.
        try:
            config = replace(config, init=str(resolve_cli_model(init)))
        except InputError as err:
            _fail(str(err))
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        _fail(f"{output}: cannot create the output folder ({err.strerror})")
    typer.echo(
        f"training on {len(corpus)} pairs ({corpus.origin}); dev {len(dev_corpus)} pairs", err=True
    )
    logging.getLogger("transformers").setLevel(logging.ERROR)
    try:
        result = run_training(
            corpus,
            dev_corpus,
            output,
            config,
            resume=resume,
            progress=lambda line: typer.echo(line, err=True),
        )
    except KeyboardInterrupt:
        typer.echo(f"stopped; continue with: tafsiri train ... -o {output} --resume", err=True)
        raise typer.Exit(130) from None
    except ValueError as err:
        _fail(str(err))
    typer.echo(
        f"best dev BLEU {result.best_bleu:.2f} chrF {result.best_chrf:.2f}; model in {output}"
    )


def _ffn(details: ModelDetails) -> str:
    """The feed-forward width, or both ("2048 encoder / 1024 decoder") where they differ."""
    if details.decoder_ffn_dim and details.decoder_ffn_dim != details.ffn_dim:
        return f"{details.ffn_dim} encoder / {details.decoder_ffn_dim} decoder"
    return str(details.ffn_dim)


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


@model_app.command("list")
def list_command() -> None:
    """List the embedded model, Marian models in the local hub cache, and registered folders."""
    from rich.console import Console
    from rich.table import Table

    from translate.model_catalog import list_models

    try:
        entries = list_models(registry_path())
    except InputError as err:
        _fail(str(err))
    table = Table("name", "origin", "size", "path")
    for entry in entries:
        table.add_row(entry.name, entry.origin, _human(entry.size_bytes), str(entry.path))
    Console().print(table)


def resolve_cli_model(name: str) -> Path:
    """A ``--model`` value as a folder (see :func:`translate.model_catalog.resolve_model`)."""
    from translate.model_catalog import resolve_model

    return resolve_model(name, registry_path())


@model_app.command("info")
def info_command(
    name: Annotated[
        str,
        typer.Argument(
            help="A model name from `tafsiri model list`, a folder, or a cached hub id."
        ),
    ],
) -> None:
    """Show a model's architecture, vocabulary, size and card."""
    from translate.model_catalog import model_details

    try:
        details = model_details(resolve_cli_model(name))
    except InputError as err:
        _fail(str(err))
    typer.echo(f"path:         {details.path}")
    if details.model_type.startswith("ctranslate2"):
        origin = details.training or {}
        typer.echo(f"format:       {details.model_type} (runs with --backend ct2)")
        typer.echo(f"origin:       {origin.get('origin', '?')} from {origin.get('source', '?')}")
        typer.echo(f"size:         {_human(details.size_bytes)}")
        if details.card:
            typer.echo("")
            typer.echo(details.card.rstrip())
        return
    typer.echo(
        f"architecture: {details.model_type}, d_model {details.d_model}, "
        f"{details.encoder_layers} encoder + {details.decoder_layers} decoder layers, "
        f"{details.attention_heads} heads, ffn {_ffn(details)}"
    )
    typer.echo(f"vocabulary:   {details.vocab_size}")
    typer.echo(f"parameters:   {details.parameters / 1e6:.2f}M")
    typer.echo(f"size:         {_human(details.size_bytes)}")
    averaged = (details.training or {}).get("averaged")
    if averaged:
        steps = averaged.get("steps")
        what = (
            f"average of steps {', '.join(str(s) for s in steps)}"
            if steps
            else f"average of {len(averaged.get('checkpoints', []))} checkpoints"
        )
        # The average's own dev score is measured after averaging, when someone does.
        score = f", dev BLEU {averaged['dev_bleu']:.2f}" if "dev_bleu" in averaged else ""
        typer.echo(f"training:     {what}{score}")
    elif details.training:
        typer.echo(
            f"training:     step {details.training.get('step')}, dev BLEU "
            f"{details.training.get('dev_bleu', 0):.2f}"
        )
    if details.card:
        typer.echo("")
        typer.echo(details.card.rstrip())


@model_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="Name to use with --model.")],
    folder: Annotated[Path, typer.Argument(help="A MarianMT model folder.")],
) -> None:
    """Register a local model folder under a name."""
    from translate.model_catalog import register_model

    try:
        entry = register_model(registry_path(), name, folder)
    except InputError as err:
        _fail(str(err))
    typer.echo(f"registered {entry.name} → {entry.path}")


@model_app.command("remove")
def remove_command(name: Annotated[str, typer.Argument(help="A registered model name.")]) -> None:
    """Forget a registered model folder (the files stay)."""
    from translate.model_catalog import unregister_model

    try:
        unregister_model(registry_path(), name)
    except InputError as err:
        _fail(str(err))
    typer.echo(f"removed {name}")


@model_app.command("average")
def average_command(
    checkpoints: Annotated[
        list[Path],
        typer.Argument(help="Two or more model folders from one training run (same vocabulary)."),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Model folder to write.")],
) -> None:
    """Average the weights of several checkpoints of one run into a new model folder."""
    from translate.averaging import average_checkpoints

    try:
        out = average_checkpoints(checkpoints, output)
    except InputError as err:
        _fail(str(err))
    typer.echo(f"averaged {len(checkpoints)} checkpoints → {out}")


@model_app.command("grow")
def grow_command(
    name: Annotated[
        str, typer.Argument(help="A model name from `tafsiri model list`, a folder or a hub id.")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Model folder to write.")],
    encoder_ffn: Annotated[
        int | None,
        typer.Option("--encoder-ffn", help="New hidden size of the encoder's feed-forward layers."),
    ] = None,
    decoder_ffn: Annotated[
        int | None,
        typer.Option("--decoder-ffn", help="New hidden size of the decoder's feed-forward layers."),
    ] = None,
    encoder_layers: Annotated[
        int | None,
        typer.Option("--encoder-layers", help="New number of encoder layers (added on top)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seeds the new units' weights.")] = 1234,
) -> None:
    """Widen a model's feed-forward layers or deepen its encoder; it translates as before until
    trained (--init)."""
    from translate.growing import grow_model

    try:
        out = grow_model(
            resolve_cli_model(name),
            output,
            encoder_ffn_dim=encoder_ffn,
            decoder_ffn_dim=decoder_ffn,
            encoder_layers=encoder_layers,
            seed=seed,
        )
    except InputError as err:
        _fail(str(err))
    typer.echo(f"grew {name} → {out}")


@model_app.command("convert")
def convert_command(
    name: Annotated[
        str, typer.Argument(help="A model name from `tafsiri model list`, a folder or a hub id.")
    ],
    quantization: Annotated[
        str,
        typer.Option("--quantization", help="int8, int8_float32, float16 or float32."),
    ] = "int8",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write the conversion here (e.g. MODEL/ct2-int8 to ship it with the model) "
            "instead of the cache.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Convert even if current.")] = False,
) -> None:
    """Convert a MarianMT model for the CTranslate2 back end (cached; reused while current)."""
    from translate.ct2 import convert_model

    try:
        folder = resolve_cli_model(name)
        if output is not None:
            conversion = convert_model(folder, quantization, cache_dir(), force=True, out=output)
        else:
            conversion = convert_model(folder, quantization, cache_dir(), force=force)
    except (InputError, ValueError) as err:
        _fail(str(err))
    verb = "reused" if conversion.reused else "converted"
    typer.echo(f"{verb} {name} ({conversion.quantization}) → {conversion.path}")


@model_app.command("import")
def import_command(
    path: Annotated[
        Path, typer.Argument(help="A Marian-native OPUS-MT release: its .zip or unpacked folder.")
    ],
    name: Annotated[
        str | None,
        typer.Option("--name", help="Name for --model (default: the zip's or folder's name)."),
    ] = None,
    quantization: Annotated[
        str, typer.Option("--quantization", help="int8, int8_float32, float16 or float32.")
    ] = "int8",
) -> None:
    """Import a Marian-native OPUS-MT release (decoder.yml + .npz), converted with CTranslate2.

    The model is stored under $TAFSIRI_HOME/models/NAME and registered for --model.
    """
    from translate.model_catalog import register_model
    from translate.opusmt import import_release

    try:
        model = import_release(path, tafsiri_home() / "models", name, quantization)
        register_model(registry_path(), model.name, model.path)
    except (InputError, ValueError) as err:
        _fail(str(err))
    typer.echo(f"imported {path} as {model.name} ({model.quantization}) → {model.path}")


def register(app: typer.Typer) -> None:
    """Add `train` and `model` to the root ``tafsiri`` app."""
    app.command("train")(train_command)
    app.add_typer(model_app, name="model")
