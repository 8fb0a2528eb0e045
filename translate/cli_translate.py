"""``tafsiri translate``: translate files, folders or stdin with a MarianMT model.

The command is a thin layer over the engine: :mod:`translate.jobs` plans where each output goes
and which are already complete, :class:`translate.pipeline.Translator` translates the rest, and
every output is written atomically. When every output is complete no model is loaded. Output
layout and the JSONL record format are described in ``docs/pipeline.md``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from translate.cli_support import cache_dir, registry_path
from translate.cli_support import fail as _fail
from translate.flags import TRUST_KINDS
from translate.hooks import STATUSES, DecoderHook
from translate.textio import InputError, decode_bytes, write_text_atomic

if TYPE_CHECKING:
    from translate.engines import Engine, Request
    from translate.jobs import Job
    from translate.pipeline import DocumentTranslation
    from translate.ray_engine import RayOptions
    from translate.settings import OutputSettings

__all__ = ["load_hook", "register"]


def load_hook(specs: list[str] | None, off: bool, protect: bool = True) -> DecoderHook | None:
    """The decoder hook: :func:`translate.constraints.default_hook`, as the API's default.

    ``specs`` are merged in order (``+FILE`` adds to the shipped glossary); each conflict is
    printed once as a ``warning:`` line. A missing or broken glossary is an error, never a
    silent run without one. ``off`` is ``--no-glossary``; ``protect`` is not ``--no-protect``.
    """
    from translate.constraints import default_hook

    return default_hook(
        specs or (),
        glossary=not off,
        protect=protect,
        warn=lambda line: typer.echo(f"warning: {line}", err=True),
    )


def _summary(
    done: int,
    skipped: int,
    tally: Counter,
    glossary_on: bool,
    description: str | None,
    protect_on: bool = False,
) -> str:
    """One line: documents, segments, outcome counts of terms and protected spans, degenerate
    outputs, and segments with each meaning-level flag (``flags: 3 polarity, 1 name``).

    ``tally`` counts term statuses under the status name and protected spans under
    ``"span:" + status``.
    """
    parts = [f"translated {done} document{'s' * (done != 1)} ({_n(tally['segments'], 'segment')})"]
    if skipped:
        parts.append(f"skipped {skipped} already complete")
    line = ", ".join(parts)
    if description:
        line += f" with {description}"
    if glossary_on and done:
        status = tally
        found = sum(status[k] for k in STATUSES)
        enforced = status["nbest"] + status["forced"]
        line += (
            f"; glossary: {_n(found, 'term')} found, {enforced} enforced, "
            f"{status['failed']} failed, {status['ambiguous']} ambiguous"
        )
    if protect_on and done:
        spans = sum(tally[f"span:{k}"] for k in STATUSES)
        enforced = tally["span:nbest"] + tally["span:forced"]
        line += (
            f"; protected: {_n(spans, 'span')}, {enforced} enforced, {tally['span:failed']} failed"
        )
    if tally["redecoded"] or tally["degenerate"]:
        line += (
            f"; {_n(tally['redecoded'], 'segment')} re-decoded, "
            f"{tally['degenerate']} flagged degenerate"
        )
    flagged = [f"{tally[f'flag:{kind}']} {kind}" for kind in TRUST_KINDS if tally[f"flag:{kind}"]]
    if flagged and done:
        line += f"; flags: {', '.join(flagged)}"
    return line


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


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
            "(default: $TAFSIRI_MODEL, else the embedded model).",
        ),
    ] = None,
    backend: Annotated[
        str,
        typer.Option(
            "--backend",
            help="auto (CTranslate2 when the model converts, else transformers), transformers or ct2.",
        ),
    ] = "auto",
    compute_type: Annotated[
        str,
        typer.Option(
            "--compute-type",
            help="CTranslate2 quantization: default (int8 on CPU), int8, int8_float32, float16, float32.",
        ),
    ] = "default",
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
        typer.Option("--format", help="txt, md or jsonl (default: md for *.md inputs, else txt)."),
    ] = None,
    glossary_file: Annotated[
        list[str] | None,
        typer.Option(
            "--glossary",
            help="Glossary file to enforce (default: the shipped one); repeat to merge (later "
            "files win), +FILE adds to the shipped one.",
        ),
    ] = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Do not enforce any glossary.")
    ] = False,
    no_protect: Annotated[
        bool,
        typer.Option(
            "--no-protect",
            help="Do not enforce protected spans (figures, dates, names, addresses); by default "
            "each is carried over or flagged failed.",
        ),
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
            "--threads",
            help="CPU threads for the back end (0 = the cores this process may use, at most 4).",
            min=0,
        ),
    ] = 0,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local (in this process) or ray (on a Ray cluster: pip install 'tafsiri[ray]'; "
            "see docs/scale.md).",
        ),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="With --engine ray: auto or HOST:PORT of a running cluster (default: start "
            "Ray on this machine).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="With --engine ray: worker processes, each with its own model (default: as "
            "many as the cluster's CPUs allow).",
            min=1,
        ),
    ] = None,
    cpus_per_worker: Annotated[
        int | None,
        typer.Option(
            "--cpus-per-worker",
            help="With --engine ray: CPUs reserved for each worker, and its back-end threads "
            "(default 1).",
            min=1,
        ),
    ] = None,
    max_restarts: Annotated[
        int | None,
        typer.Option(
            "--max-restarts",
            help="With --engine ray: how often a worker whose process died is restarted, its "
            "batch run again (default -1: no limit; 0: never).",
            min=-1,
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Encoding of legacy input files, e.g. cp1252 (default: UTF-8, or UTF-16 with BOM).",
        ),
    ] = None,
    any_suffix: Annotated[
        bool,
        typer.Option("--any-suffix", help="Translate named files whatever their suffix."),
    ] = False,
    fail_fast: Annotated[
        bool,
        typer.Option(
            "--fail-fast", help="Stop at the first unreadable document instead of skipping it."
        ),
    ] = False,
    markdown: Annotated[
        bool | None,
        typer.Option(
            "--markdown/--no-markdown",
            help="Translate the inputs as Markdown, or as plain text (default: Markdown for "
            "*.md files and with --format md; plain text for other files and stdin).",
            show_default=False,
        ),
    ] = None,
    no_redecode: Annotated[
        bool,
        typer.Option(
            "--no-redecode",
            help="Flag degenerate outputs (repetition loops, far too long or short) in the "
            "records and summary without decoding them again with repetition control.",
        ),
    ] = False,
    no_trust: Annotated[
        bool,
        typer.Option(
            "--no-trust",
            help="Do not run the meaning-level checks (polarity, names, unsupported words, "
            "invented figures, confidence): they read Swahili sources, so turn them off for a "
            "model from another language (the English→Swahili back-translation model).",
        ),
    ] = False,
    round_trip: Annotated[
        str | None,
        typer.Option(
            "--round-trip",
            metavar="MODEL",
            help="Translate the English back with this English→Swahili model and flag "
            "segments whose round trip keeps too little of the Swahili (about 50% more time); "
            "see docs/trust.md.",
        ),
    ] = None,
    rerank: Annotated[
        bool | None,
        typer.Option(
            "--rerank/--no-rerank",
            help="Rerank the beam's best candidates with the English→Swahili model the model "
            "declares (the embedded model: en-sw-compact; off by default): longer, more "
            "literal English, chrF2 +0.2 on MAFAND-MT test for about a third more time "
            "(see docs/rerank.md).",
            show_default=False,
        ),
    ] = None,
    rerank_with: Annotated[
        str | None,
        typer.Option(
            "--rerank-with",
            metavar="MODEL",
            help="Rerank the beam's candidates with this English→Swahili model (noisy "
            "channel; implies --rerank) instead of the one the model declares.",
        ),
    ] = None,
    rerank_weight: Annotated[
        float | None,
        typer.Option(
            "--rerank-weight",
            metavar="W",
            help="The reranking model's weight against the translation model's own score "
            "(implies --rerank; the embedded model declares 0.4).",
        ),
    ] = None,
    mark: Annotated[
        bool,
        typer.Option(
            "--mark",
            help="In txt/md output, put ⟦…⟧ around the English of every flagged segment "
            "(polarity, name, invented figure, low confidence, degenerate); see docs/trust.md.",
        ),
    ] = False,
) -> None:
    """Translate Swahili articles into English, keeping their paragraph and line layout."""
    from translate.backend import BACKEND_CHOICES
    from translate.jobs import FORMATS

    if fmt is not None and fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if backend not in BACKEND_CHOICES:
        _fail(f"--backend must be one of {', '.join(BACKEND_CHOICES)}, got {backend!r}")
    if glossary_file and no_glossary:
        _fail("--glossary and --no-glossary cannot be used together")
    ray_options = _ray_options(engine, address, workers, cpus_per_worker, max_restarts, threads)
    if round_trip is not None and no_trust:
        _fail("--round-trip is one of the meaning-level checks: it cannot run with --no-trust")
    if mark and fmt == "jsonl":
        _fail("--mark marks txt and md output; JSONL records carry their flags themselves")
    # Belt and braces for transformers/huggingface_hub: this process never goes online.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from translate.backend import DecodeOptions
    from translate.degenerate import DEFAULT_CHECK
    from translate.devices import check_device_name
    from translate.jobs import check_writable, plan_jobs
    from translate.model_catalog import fingerprint, resolve_model
    from translate.rerank import choose_reranker, reranker_label
    from translate.settings import OutputSettings, model_name
    from translate.trust import DEFAULT_TRUST

    try:
        check_device_name(device)
        jobs = plan_jobs(inputs, output, fmt, any_suffix, markdown)
        if encoding is not None:
            decode_bytes(b"", "--encoding", encoding)
        options = DecodeOptions(beam=beam, max_length=max_length, batch_tokens=batch_tokens)
        check = replace(DEFAULT_CHECK, redecode=False) if no_redecode else DEFAULT_CHECK
        glossary = load_hook(glossary_file, no_glossary, not no_protect)
        folder = resolve_model(model or os.environ.get("TAFSIRI_MODEL") or None, registry_path())
        back = resolve_model(round_trip, registry_path()) if round_trip is not None else None
        reranker = choose_reranker(folder, on=rerank, model=rerank_with, weight=rerank_weight)
        if reranker is not None:
            # As a folder: the engine (perhaps a Ray worker) resolves no registered names.
            reranker = replace(reranker, model=str(resolve_model(reranker.model, registry_path())))
        settings = OutputSettings(
            model=str(folder),
            fingerprint=fingerprint(folder),
            backend=backend,
            compute_type=compute_type,
            decode=options,
            max_segment_tokens=max_segment_tokens,
            glossary=glossary.checksum if glossary is not None else None,
            degenerate=check.signature(),
            trust=not no_trust,
            round_trip=f"{model_name(back)}:{fingerprint(back)}" if back is not None else None,
            rerank=reranker_label(reranker, registry_path()) if reranker is not None else None,
        )
        # Last: a mistake in any setting above leaves no empty output folder behind.
        if output is not None:
            check_writable(output)
    except (InputError, ValueError) as err:
        _fail(str(err))
    run = _Run(jobs, settings, output, quiet, encoding, fail_fast)
    run.glossary_on, run.protect_on = not no_glossary, not no_protect
    run.mark = mark
    run.go(
        lambda: _engine(
            ray_options,
            settings.fingerprint,
            folder,
            threads,
            backend=backend,
            device=device,
            compute_type=compute_type,
            glossary=glossary,
            options=options,
            max_segment_tokens=max_segment_tokens,
            degenerate=check,
            trust=None if no_trust else DEFAULT_TRUST,
            round_trip=str(back) if back is not None else None,
            rerank=reranker,
        )
    )


def _ray_options(
    engine: str,
    address: str | None,
    workers: int | None,
    cpus_per_worker: int | None,
    max_restarts: int | None,
    threads: int,
) -> RayOptions | None:
    """The Ray settings of ``--engine ray`` (``None`` for the local engine). A Ray flag without
    ``--engine ray``, and ``--engine ray`` without Ray installed, are one-line errors."""
    from translate.engines import ENGINES

    if engine not in ENGINES:
        _fail(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    flags = {
        "--address": address,
        "--workers": workers,
        "--cpus-per-worker": cpus_per_worker,
        "--max-restarts": max_restarts,
    }
    given = [flag for flag, value in flags.items() if value is not None]
    if engine == "local":
        if given:
            _fail(f"{', '.join(given)}: only with --engine ray")
        return None
    if threads:
        _fail("--threads is for --engine local; with --engine ray use --cpus-per-worker")
    from translate.ray_engine import RayOptions, require_ray

    try:
        require_ray()
        return RayOptions(
            address=address,
            workers=workers or 0,
            cpus_per_worker=cpus_per_worker or 1,
            max_restarts=-1 if max_restarts is None else max_restarts,
        )
    except (ImportError, ValueError) as err:
        _fail(str(err))


def _engine(
    ray_options: RayOptions | None,
    fingerprint: str | None,
    folder: Path,
    threads: int,
    **kwargs: Any,
) -> Engine:
    """What translates: a :class:`translate.engines.LocalEngine` in this process, or a
    :class:`translate.ray_engine.RayEngine` whose workers build the same ``Translator``."""
    kwargs["cache_dir"] = cache_dir()
    if ray_options is None:
        from translate.engines import LocalEngine
        from translate.pipeline import Translator

        return LocalEngine(Translator(folder, threads=threads, **kwargs))
    from translate.ray_engine import RayEngine, WorkerSpec

    return RayEngine(WorkerSpec(str(folder), fingerprint or "", kwargs), ray_options)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None


class _Run:
    """One invocation's jobs: skip the complete ones, translate the rest, write, summarise.

    Documents are read when they are translated and dropped after they are written, so a
    large batch needs no more memory than its largest document. Each one is read once
    beforehand too, for its checksum and to report an unreadable file before the model loads.
    """

    def __init__(
        self,
        jobs: list[Job],
        settings: OutputSettings,
        output: Path | None,
        quiet: bool,
        encoding: str | None,
        fail_fast: bool,
    ) -> None:
        from translate.jobs import Manifest

        self.jobs, self.settings, self.output, self.quiet = jobs, settings, output, quiet
        self.encoding, self.fail_fast = encoding, fail_fast
        self.manifest = Manifest(output) if output is not None else None
        self.stdin: str | None = None
        self.failed = 0
        self.errors = 0
        self.glossary_on = settings.glossary is not None
        self.protect_on = False
        self.mark = False

    def _text(self, job: Job) -> tuple[str, str]:
        """The document's text and the checksum of its bytes."""
        if job.source is None:
            data = sys.stdin.buffer.read()
            return decode_bytes(data, "<stdin>", self.encoding), hashlib.sha256(data).hexdigest()
        data = _read_bytes(job.source)
        return decode_bytes(data, str(job.source), self.encoding), hashlib.sha256(data).hexdigest()

    def _skip(self, err: InputError) -> None:
        if self.fail_fast or len(self.jobs) == 1:
            _fail(str(err))
        typer.echo(f"error: {err} (skipped)", err=True)
        self.failed += 1

    def _untranslated(self, job: Job, error: str) -> None:
        """A document the engine could not translate: one ``error:`` line, and the rest go on
        (unless ``--fail-fast`` or it is the only one)."""
        name = job.source if job.source is not None else "<stdin>"
        if self.fail_fast or len(self.jobs) == 1:
            _fail(f"{name}: {error}")
        typer.echo(f"error: {name}: {error} (skipped)", err=True)
        self.errors += 1

    def _requests(
        self, pending: list[tuple[Job, str, int]], show: Callable[[str], object]
    ) -> Iterator[Request]:
        """The pending documents as engine requests, each read when the engine asks for it."""
        from translate.engines import Request

        for job, checksum, segments in pending:
            show(job.document)
            try:
                text = self.stdin if job.source is None else self._text(job)[0]
            except InputError as err:  # changed since it was checked
                self._skip(err)
                continue
            assert text is not None
            options = {"markdown": job.markdown, "mark": self.mark and job.fmt != "jsonl"}
            yield Request(text, options, segments, (job, checksum))

    def _pending(self) -> tuple[list[tuple[Job, str, int]], int]:
        from translate.pipeline import Translator

        pending, skipped = [], 0
        for job in self.jobs:
            try:
                text, checksum = self._text(job)
            except InputError as err:
                self._skip(err)
                continue
            if job.source is None:
                self.stdin = text
            key = self.settings.key(job.fmt, job.markdown, self.mark)
            if (
                job.target is not None
                and self.manifest is not None
                and self.manifest.is_complete(job.target, checksum, key)
            ):
                skipped += 1
            else:
                segments = len(Translator.segment(text, job.markdown))
                pending.append((job, checksum, segments))
        return pending, skipped

    def go(self, make_engine: Callable[[], Engine]) -> None:
        from translate.engines import EngineError

        pending, skipped = self._pending()
        engine = None
        if pending:
            try:
                engine = make_engine()
            except (InputError, ValueError, ImportError, EngineError) as err:
                _fail(str(err))
            except KeyboardInterrupt:
                typer.echo("interrupted while loading the model; nothing was written", err=True)
                raise typer.Exit(130) from None
        # Counts only: a batch's records are written and dropped, never kept for the summary.
        tally: Counter = Counter()
        try:
            done = self._translate(engine, pending, tally) if engine else 0
        finally:
            if engine is not None:
                engine.close()
            if self.manifest is not None:
                self._close_manifest()
        if not self.quiet:
            description = engine.description if engine else None
            line = _summary(done, skipped, tally, self.glossary_on, description, self.protect_on)
            typer.echo(line, err=True)
        if self.failed or self.errors:
            problems = [f"{_n(self.failed, 'document')} could not be read"] if self.failed else []
            if self.errors:
                problems.append(f"{_n(self.errors, 'document')} could not be translated")
            were = "was" if self.failed + self.errors == 1 else "were"
            _fail(f"{' and '.join(problems)} and {were} skipped (see above)")

    def _translate(
        self, engine: Engine, pending: list[tuple[Job, str, int]], tally: Counter
    ) -> int:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        from translate.engines import EngineError

        console = Console(stderr=True)
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=self.quiet or not console.is_terminal,
            transient=True,
        )
        done = 0
        try:
            with progress:
                task = progress.add_task("translating", total=sum(p[2] for p in pending))
                requests = self._requests(pending, lambda d: progress.update(task, description=d))
                for request, outcome in engine.run(requests, lambda k: progress.advance(task, k)):
                    job, checksum = request.key
                    if outcome.result is None:
                        self._untranslated(job, outcome.error or "no translation")
                        continue
                    result = outcome.result
                    self._write(job, checksum, result)
                    tally["segments"] += len(result.segments)
                    tally.update(
                        t.status if t.kind == "term" else f"span:{t.status}"
                        for r in result.segments
                        for t in r.terms
                    )
                    tally["redecoded"] += sum(r.redecoded for r in result.segments)
                    tally["degenerate"] += sum(r.degenerate for r in result.segments)
                    tally.update(
                        f"flag:{kind}"
                        for r in result.segments
                        for kind in {f.kind for f in r.trust_flags}
                    )
                    done += 1
        except KeyboardInterrupt:
            resume = "; run the same command again to resume" if self.output is not None else ""
            typer.echo(f"interrupted after {done} of {len(pending)} documents{resume}", err=True)
            raise typer.Exit(130) from None
        except EngineError as err:
            resume = "; run the same command again to resume" if self.output is not None else ""
            _fail(f"{err} ({done} of {len(pending)} documents written{resume})")
        except BrokenPipeError:
            # The reader of stdout went away (e.g. `| head`); nothing more to say.
            raise typer.Exit(0) from None
        except OSError as err:
            _fail(f"{err.filename or self.output}: cannot write ({err.strerror or err})")
        except (InputError, ValueError) as err:
            _fail(str(err))
        return done

    def _close_manifest(self) -> None:
        assert self.manifest is not None
        try:
            self.manifest.close()
        except OSError as err:
            # The journal still holds every entry; the next run folds it in.
            typer.echo(
                f"warning: {self.manifest.path}: not updated ({err.strerror or err})", err=True
            )

    def _write(self, job: Job, checksum: str, result: DocumentTranslation) -> None:
        body = result.to_jsonl(job.document) if job.fmt == "jsonl" else result.text
        if job.target is None or self.manifest is None:
            if not body.endswith("\n") and sys.stdout.isatty():
                # A source without a final newline would leave the summary line glued to the
                # last line of English on the screen; piped output stays as the source ends.
                body += "\n"
            sys.stdout.write(body)
            sys.stdout.flush()
            return
        write_text_atomic(job.target, body)
        self.manifest.record(
            job.target,
            checksum,
            self.settings.key(job.fmt, job.markdown, self.mark),
            result.info.signature(),
        )


def register(app: typer.Typer) -> None:
    """Add ``tafsiri translate`` to the root app."""
    app.command("translate")(translate_command)
