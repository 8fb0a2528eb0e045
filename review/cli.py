"""``tafsiri review import|serve|export``: the post-editing workflow on the command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from review.export import FORMATS
from translate.cli_support import cache_dir, registry_path
from translate.cli_support import fail as _fail
from translate.textio import InputError

ProjectArg = Annotated[Path, typer.Argument(help="The project file (.sqlite).")]


def import_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="tafsiri translate --format jsonl runs, folders of them, .txt/.md articles "
            "(translated first) or .tmx translation memories."
        ),
    ],
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project file; created when missing.")
    ],
    ref: Annotated[
        Path | None,
        typer.Option(
            "--ref",
            help="Reference English: a .tsv with eng and swa columns (matched by the Swahili), "
            "or one line per imported segment.",
        ),
    ] = None,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="The source articles of the runs (a folder holding each document under its "
            "name, or the file of a single document), so exports keep their exact layout.",
        ),
    ] = None,
    glossary: Annotated[
        list[str] | None,
        typer.Option(
            "--glossary",
            "-g",
            help="Glossary for articles and for runs made without one (default: the shipped "
            "one); repeat to merge, +FILE adds to the shipped one, as in tafsiri translate.",
        ),
    ] = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="No glossary for articles and unglossed runs.")
    ] = False,
    no_protect: Annotated[
        bool,
        typer.Option(
            "--no-protect",
            help="Translate articles without enforcing figures, dates, names and addresses.",
        ),
    ] = False,
    model: Annotated[
        str | None, typer.Option("--model", help="Model for articles (default: the embedded one).")
    ] = None,
    threads: Annotated[int, typer.Option("--threads", help="CPU threads (0 = default).")] = 0,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace documents that already have edits.")
    ] = False,
) -> None:
    """Create or update a review project (all or nothing: a bad input writes nothing).

    Articles are translated exactly as ``tafsiri translate`` would with the same options: the
    glossary and the protected spans are enforced by the same decoder hook.
    """
    from glossary import Glossary
    from review.importing import import_paths
    from translate.cli_translate import load_hook
    from translate.constraints import Constraints

    if glossary and no_glossary:
        _fail("--glossary and --no-glossary exclude each other")
    try:
        hook = load_hook(glossary, no_glossary, not no_protect)
        source = hook.source if isinstance(hook, Constraints) else None
        gloss = source if isinstance(source, Glossary) else None
        if gloss is not None and not len(gloss):
            gloss = None  # --no-glossary: nothing to match against unglossed runs

        def translator():  # type: ignore[no-untyped-def]
            from translate.pipeline import Translator

            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            return Translator(
                model or os.environ.get("TAFSIRI_MODEL") or None,
                glossary=hook,
                threads=threads,
                registry=registry_path(),
                cache_dir=cache_dir(),
            )

        summary = import_paths(
            project,
            inputs,
            reference=ref,
            sources=sources,
            glossary=gloss,
            translator=translator,
            replace_edited=replace,
        )
    except InputError as err:
        _fail(str(err))
    parts = [f"{len(summary.added)} documents added"]
    if summary.replaced:
        parts.append(f"{len(summary.replaced)} replaced")
    if summary.unchanged:
        parts.append(f"{len(summary.unchanged)} unchanged")
    parts.append(f"{summary.segments} segments")
    if summary.memory:
        parts.append(f"{summary.memory} memory pairs")
    typer.echo(f"{project}: " + ", ".join(parts), err=True)


def serve_command(
    project: ProjectArg,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on; anything but loopback requires the access token."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="Model for n-best alternatives (default: the records' model if it is on this "
            "machine, else the embedded one).",
        ),
    ] = None,
) -> None:
    """Serve the review web app for one project (Ctrl-C stops it)."""
    import uvicorn

    from review.assist import Alternatives
    from review.project import Project
    from review.security import LOOPBACK_HOSTS, is_loopback, new_token
    from review.web import create_app

    if not 0 < port < 65536:
        _fail(f"--port must be 1..65535, got {port}")
    try:
        proj = Project(project)
    except InputError as err:
        _fail(str(err))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    record_models = sorted({d.model for d in map(proj.document, [s.id for s in proj.documents()])})
    alternatives = Alternatives(model, record_models, registry=registry_path())
    token: str | None = None
    allowed: frozenset[str] | None = LOOPBACK_HOSTS
    if not is_loopback(host):
        token = new_token()
        allowed = None if host in ("0.0.0.0", "::", "") else LOOPBACK_HOSTS | {host.strip("[]")}
    app = create_app(proj, alternatives=alternatives, token=token, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    if token is not None:
        typer.echo(f"tafsiri review: {address}?token={token}", err=True)
        typer.echo(f"access token: {token} (required off loopback)", err=True)
    else:
        typer.echo(f"tafsiri review: {address}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def export_command(
    project: ProjectArg,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="One of: " + "; ".join(f"{k}: {f.description}" for k, f in FORMATS.items()),
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Output file (a folder for txt/md of several).")
    ],
    document: Annotated[
        str | None, typer.Option("--document", "-d", help="One document (name or id).")
    ] = None,
    mark_unreviewed: Annotated[
        bool,
        typer.Option(
            "--mark-unreviewed",
            help="txt/md: put ⟦…⟧ around the English of segments still unreviewed MT "
            "(new or rejected).",
        ),
    ] = False,
) -> None:
    """Export post-edited articles, approved pairs, records, effort or a static page."""
    from review.export import unreviewed, write_export
    from review.project import Project

    try:
        with Project(project) as proj:
            written = write_export(proj, fmt, output, document, mark_unreviewed=mark_unreviewed)
            doc_ids = None if document is None else [proj.find_document(document).id]
            raw = unreviewed(proj, doc_ids) if fmt in ("txt", "md") else {}
    except InputError as err:
        _fail(str(err))
    typer.echo(f"{fmt}: wrote {', '.join(str(p) for p in written)}", err=True)
    if fmt == "train" and written[0] != output:
        typer.echo(
            f"train: named {written[0]} (not {output}): tafsiri train --train reads a .tsv",
            err=True,
        )
    for name, numbers in raw.items():
        shown = ", ".join(map(str, numbers[:30])) + (" …" if len(numbers) > 30 else "")
        typer.echo(
            f"warning: {name}: {len(numbers)} segment(s) still unreviewed machine translation "
            f"(new or rejected): {shown}"
            + ("" if mark_unreviewed else "; --mark-unreviewed brackets them ⟦…⟧ in the file"),
            err=True,
        )


#: Where ``adapt`` looks for MAFAND-MT by default (the data folder beside the repository).
MAFAND = Path("..") / "shared" / "data" / "lafand-mt-en-sw"


def _pairs(paths: list[Path], what: str) -> list[tuple[str, str]]:
    from translate.corpus import read_parallel

    corpus = read_parallel(list[str | os.PathLike[str]](paths))
    if not len(corpus):
        raise InputError(f"{what}: no pairs")
    return list(zip(corpus.sources, corpus.targets, strict=True))


def adapt_command(
    project: ProjectArg,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The adapted model's folder (resumable).")
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="Register the model under this name when the general score holds."
        ),
    ] = None,
    base: Annotated[
        str | None, typer.Option("--base", help="Model to adapt (default: the embedded one).")
    ] = None,
    replay: Annotated[
        list[Path] | None,
        typer.Option(
            "--replay",
            help="Original training data to mix in: one .tsv/.tmx or two line-aligned files "
            "(repeat the option); default MAFAND-MT train in ../shared.",
        ),
    ] = None,
    ref: Annotated[
        list[Path] | None,
        typer.Option(
            "--ref",
            help="General evaluation set: one .tsv or Swahili then English files (repeat the "
            "option); default MAFAND-MT dev in ../shared.",
        ),
    ] = None,
    general_limit: Annotated[
        int, typer.Option("--general-limit", help="Score the general set on its first N (0: all).")
    ] = 0,
    max_drop: Annotated[
        float,
        typer.Option("--max-drop", help="Largest general BLEU drop that still registers."),
    ] = 0.5,
    replay_ratio: Annotated[
        float, typer.Option("--replay-ratio", help="Replay pairs per approved training pair.")
    ] = 4.0,
    minutes: Annotated[
        float, typer.Option("--minutes", help="Time limit on training (0: the step budget).")
    ] = 0.0,
    threads: Annotated[int, typer.Option("--threads", help="CPU threads (0 = default).")] = 0,
) -> None:
    """Fine-tune on the approved pairs, mixed with replayed training data, and register the
    model only if a general set does not get worse (see docs/review.md)."""
    from review.adapt import AdaptOptions, adapt
    from review.project import Project
    from translate.model_catalog import register_model

    try:
        options = AdaptOptions(
            general_limit=general_limit,
            max_drop=max_drop,
            replay_ratio=replay_ratio,
            minutes=minutes,
            threads=threads,
        )
    except ValueError as err:
        _fail(str(err))
    replay_paths = replay or [MAFAND / "train.sw", MAFAND / "train.en"]
    ref_paths = ref or [MAFAND / "dev.sw", MAFAND / "dev.en"]
    registry = registry_path()

    def register(folder: Path) -> None:
        if name:
            register_model(registry, name, folder)

    try:
        replay_pairs = _pairs(replay_paths, "--replay")
        general = _pairs(ref_paths, "--ref")
        with Project(project) as proj:
            result = adapt(
                proj,
                output,
                replay=replay_pairs,
                general=general,
                base=base,
                options=options,
                register=register,
                progress=lambda line: typer.echo(line, err=True),
            )
    except InputError as err:
        _fail(str(err))
    typer.echo(f"adapt: {result.summary()}", err=True)
    typer.echo(f"reports: {output}/adapt-held-out.html, {output}/adapt-general.html", err=True)
    if not result.registered:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``review`` command group to the root ``tafsiri`` app."""
    group = typer.Typer(
        name="review",
        help="Post-edit machine translation in a local web app: import, serve, export, adapt.",
        no_args_is_help=True,
    )
    group.command("import")(import_command)
    group.command("serve")(serve_command)
    group.command("export")(export_command)
    group.command("adapt")(adapt_command)
    app.add_typer(group, name="review")
