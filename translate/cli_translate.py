"""``tafsiri translate``: translate files, folders or stdin with a MarianMT model.

The command is a thin layer over :class:`translate.pipeline.Translator`: it finds the inputs,
plans where each output goes, skips documents a previous run completed (see
:data:`MANIFEST_NAME`), translates the rest with a progress bar, and writes every output
atomically. Output layout and the JSONL record format are described in ``docs/pipeline.md``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from translate.cli_support import fail as _fail
from translate.textio import InputError, decode_bytes, write_text_atomic

__all__ = ["register", "plan_jobs", "Job", "MANIFEST_NAME"]

log = logging.getLogger(__name__)

FORMATS = ("txt", "md", "jsonl")
INPUT_SUFFIXES = (".txt", ".md")
# Written in the output folder after each document: input checksum + settings per output, so a
# rerun skips what is complete and redoes what changed.
MANIFEST_NAME = ".tafsiri-manifest.json"
STDIN_NAME = "stdin"


@dataclass(frozen=True)
class Job:
    """One document to translate.

    Attributes:
        source: the input file, or ``None`` for stdin.
        document: the document id written into JSONL records (path relative to the input).
        target: the output file, or ``None`` for stdout.
        fmt: ``"txt"``, ``"md"`` or ``"jsonl"``.
    """

    source: Path | None
    document: str
    target: Path | None
    fmt: str


def _format_for(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    return "md" if path.suffix.lower() == ".md" else "txt"


def _target(out: Path, rel: Path, fmt: str) -> Path:
    return out / (rel.with_suffix(".jsonl") if fmt == "jsonl" else rel)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def plan_jobs(inputs: list[str], out: Path | None, fmt: str | None) -> list[Job]:
    """Turn the command's INPUT arguments into documents and output paths.

    A file ``dir/a.txt`` goes to ``OUT/a.txt``; a folder ``D`` is searched recursively for
    ``*.txt`` and ``*.md`` (hidden names skipped) and ``D/x/b.md`` goes to ``OUT/x/b.md``; with
    ``--format jsonl`` the suffix becomes ``.jsonl``. ``-`` reads stdin. Without ``-o`` a single
    document goes to stdout.

    Raises:
        InputError: a missing path, an empty folder, two inputs with the same output, an
            output that would overwrite its input, or several documents without ``-o``.
    """
    jobs: list[Job] = []
    if "-" in inputs:
        if len(inputs) > 1:
            raise InputError("-: stdin cannot be combined with other inputs")
        chosen = fmt or "txt"
        target = None if out is None else out / f"{STDIN_NAME}.{chosen}"
        return [Job(None, STDIN_NAME, target, chosen)]
    for arg in inputs:
        path = Path(arg)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in INPUT_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not (out is not None and _inside(p, out))
            )
            if not found:
                raise InputError(f"{path}: folder holds no .txt or .md files")
            for p in found:
                rel = p.relative_to(path)
                chosen = _format_for(p, fmt)
                target = None if out is None else _target(out, rel, chosen)
                jobs.append(Job(p, rel.as_posix(), target, chosen))
        elif path.is_file():
            chosen = _format_for(path, fmt)
            target = None if out is None else _target(out, Path(path.name), chosen)
            jobs.append(Job(path, path.name, target, chosen))
        elif path.exists():
            raise InputError(f"{path}: not a regular file or folder")
        else:
            raise InputError(f"{path}: no such file or folder")
    if out is None and len(jobs) > 1:
        raise InputError(
            f"{len(jobs)} documents to translate: pass -o OUT (a folder) for the outputs"
        )
    seen: dict[Path, Path] = {}
    for job in jobs:
        if job.target is None or job.source is None:
            continue
        key = job.target.resolve()
        if key == job.source.resolve():
            raise InputError(
                f"{job.source}: the output would overwrite the input; choose another -o"
            )
        if key in seen:
            raise InputError(
                f"{job.source}: same output {job.target} as {seen[key]}; translate them separately"
            )
        seen[key] = job.source
    return jobs


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".tafsiri-probe."):
            pass
    except FileExistsError:
        raise InputError(f"{out}: exists and is not a folder") from None
    except NotADirectoryError:
        raise InputError(f"{out}: a parent of the output folder is not a folder") from None
    except OSError as err:
        raise InputError(
            f"{out}: cannot write to the output folder ({err.strerror or err})"
        ) from None


def _load_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("%s: unreadable manifest ignored; every document will be translated", path)
        return {}
    return data.get("outputs", {}) if isinstance(data, dict) else {}


def _settings_key(info: Any, fmt: str) -> str:
    from translate.pipeline import RECORD_SCHEMA

    settings = {
        "schema": RECORD_SCHEMA,
        "model": info.model,
        "fingerprint": info.fingerprint,
        "backend": info.backend,
        "decode": info.decode_settings(),
        "glossary": info.glossary,
        "format": fmt,
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def _load_glossary(path: Path | None, off: bool) -> Any:
    if off:
        return None
    try:
        package = importlib.import_module("glossary")
        loader = package.load_glossary if path is not None else package.default_glossary
    except (ImportError, AttributeError):
        # The glossary package may not provide these yet; only an explicit --glossary is an error.
        if path is not None:
            raise InputError(f"{path}: glossary support is not available in this install") from None
        log.info("no shipped glossary in this install; translating without one")
        return None
    return loader(path) if path is not None else loader()


def _summary(done: int, skipped: int, segments: int, records: list[Any], glossary_on: bool) -> str:
    parts = [f"translated {done} document{'s' * (done != 1)} ({segments} segments)"]
    if skipped:
        parts.append(f"skipped {skipped} already complete")
    line = ", ".join(parts)
    if glossary_on:
        status = Counter(t.status for r in records for t in r.terms)
        found = sum(status.values())
        enforced = status["nbest"] + status["forced"]
        line += (
            f"; glossary: {found} terms found, {enforced} enforced, "
            f"{status['failed']} failed, {status['ambiguous']} ambiguous"
        )
    return line


def translate_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...", help="Files, folders (searched for *.txt and *.md), or - for stdin."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output folder; omit to print one document to stdout."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Model folder, registered name or cached hub id "
            "[default: $TAFSIRI_MODEL, else the embedded model].",
        ),
    ] = None,
    beam: Annotated[int, typer.Option("--beam", help="Beam size (1 = greedy).")] = 4,
    max_length: Annotated[
        int, typer.Option("--max-length", help="Most target tokens per segment piece.")
    ] = 256,
    batch_tokens: Annotated[
        int, typer.Option("--batch-tokens", help="Padded source tokens per batch.")
    ] = 4096,
    device: Annotated[str, typer.Option("--device", help="auto, cpu, cuda or cuda:N.")] = "auto",
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="txt, md or jsonl [default: md for *.md inputs, else txt]."),
    ] = None,
    glossary_file: Annotated[
        Path | None,
        typer.Option("--glossary", help="Glossary file to enforce [default: the shipped one]."),
    ] = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Do not enforce any glossary.")
    ] = False,
    max_segment_tokens: Annotated[
        int,
        typer.Option(
            "--max-segment-tokens", help="Split longer segments at clause marks, then word windows."
        ),
    ] = 200,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")
    ] = False,
    threads: Annotated[
        int,
        typer.Option(
            "--threads", help="CPU threads for torch (0 = torch's default: all cores).", min=0
        ),
    ] = 0,
) -> None:
    """Translate Swahili articles into English, keeping their paragraph and line layout."""
    if fmt is not None and fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if glossary_file is not None and no_glossary:
        _fail("--glossary and --no-glossary cannot be used together")
    # Belt and braces for transformers/huggingface_hub: this process never goes online.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model_name = model or os.environ.get("TAFSIRI_MODEL") or None
    try:
        jobs = plan_jobs(inputs, output, fmt)
        if output is not None:
            _check_writable(output)
        texts: dict[int, tuple[str, str]] = {}
        for n, job in enumerate(jobs):
            data = sys.stdin.buffer.read() if job.source is None else _read_bytes(job.source)
            name = "<stdin>" if job.source is None else str(job.source)
            texts[n] = (decode_bytes(data, name), hashlib.sha256(data).hexdigest())
        from translate.backend import DecodeOptions
        from translate.pipeline import Translator

        options = DecodeOptions(beam=beam, max_length=max_length, batch_tokens=batch_tokens)
        _quiet_transformers()
        if threads:
            # On a busy machine fewer threads than cores avoids threads waiting on each other.
            import torch

            torch.set_num_threads(threads)
        glossary = _load_glossary(glossary_file, no_glossary)
        if model_name is not None:
            # Named as in `tafsiri model list`: registered, embedded, folders, hub ids.
            from translate.cli_train import resolve_cli_model

            model_name = str(resolve_cli_model(model_name))
        translator = Translator(
            model_name,
            device=device,
            glossary=glossary,
            options=options,
            max_segment_tokens=max_segment_tokens,
        )
    except (InputError, ValueError) as err:
        _fail(str(err))
        return
    _run_jobs(jobs, texts, translator, output, quiet)


def _quiet_transformers() -> None:
    # Our own progress bar is the one the user sees; transformers' "Loading weights" bar is noise.
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None


def _run_jobs(
    jobs: list[Job],
    texts: dict[int, tuple[str, str]],
    translator: Any,
    output: Path | None,
    quiet: bool,
) -> None:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    manifest = _load_manifest(output) if output is not None else {}
    pending: list[tuple[int, Job, str, list[Any]]] = []
    skipped = 0
    for n, job in enumerate(jobs):
        text, checksum = texts[n]
        key = _settings_key(translator.info, job.fmt)
        if job.target is not None and output is not None:
            entry = manifest.get(job.target.relative_to(output).as_posix())
            if job.target.exists() and entry == {"input": checksum, "settings": key}:
                skipped += 1
                continue
        pending.append((n, job, key, translator.segment(text, job.fmt == "md")))
    console = Console(stderr=True)
    total = sum(len(p[3]) for p in pending)
    records: list[Any] = []
    done = 0
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )
    try:
        with progress:
            task = progress.add_task("translating", total=total)
            for n, job, key, segments in pending:
                text, checksum = texts[n]
                progress.update(task, description=job.document)
                result = translator.translate_document(
                    text, lambda k: progress.advance(task, k), job.fmt == "md", segments
                )
                body = result.to_jsonl(job.document) if job.fmt == "jsonl" else result.text
                if job.target is None or output is None:
                    sys.stdout.write(body)
                    sys.stdout.flush()
                else:
                    write_text_atomic(job.target, body)
                    rel = job.target.relative_to(output).as_posix()
                    manifest[rel] = {"input": checksum, "settings": key}
                    write_text_atomic(
                        output / MANIFEST_NAME,
                        json.dumps({"version": 1, "outputs": manifest}, indent=1, sort_keys=True)
                        + "\n",
                    )
                records.extend(result.segments)
                done += 1
    except KeyboardInterrupt:
        typer.echo(
            f"interrupted after {done} of {len(pending)} documents; "
            "run the same command again to resume",
            err=True,
        )
        raise typer.Exit(130) from None
    except BrokenPipeError:
        # The reader of stdout went away (e.g. `| head`); nothing more to say.
        raise typer.Exit(0) from None
    except OSError as err:
        where = err.filename or output
        _fail(f"{where}: cannot write ({err.strerror or err})")
    except (InputError, ValueError) as err:
        _fail(str(err))
    if not quiet:
        typer.echo(
            _summary(done, skipped, len(records), records, translator.glossary is not None),
            err=True,
        )


def register(app: typer.Typer) -> None:
    """Add ``tafsiri translate`` to the root app."""
    app.command("translate")(translate_command)
