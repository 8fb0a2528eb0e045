"""``tafsiri glossary …``: check, match, score and export glossaries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from glossary.io import FORMATS, default_glossary, export_glossary, load_glossary
from glossary.lint import lint_file
from glossary.model import Glossary
from glossary.score import term_accuracy
from translate.cli_support import fail as _fail
from translate.textio import InputError, read_lines, read_text

GlossaryOpt = Annotated[
    Path | None,
    typer.Option(
        "--glossary", "-g", help="Glossary file (.tsv/.csv/.tbx); default: the diplomatic one."
    ),
]
ReverseOpt = Annotated[
    bool | None,
    typer.Option(
        "--reverse/--no-reverse",
        help="The file lists English first (an English→Swahili list). Default: read its language "
        "columns when it has them.",
    ),
]


def _glossary(path: Path | None, reverse: bool | None = None) -> Glossary:
    try:
        return default_glossary() if path is None else load_glossary(path, reverse=reverse)
    except InputError as err:
        _fail(str(err))
        raise  # unreachable: _fail exits


def check(
    file: Annotated[Path, typer.Argument(help="The glossary to check.")],
    reverse: ReverseOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only errors and the summary.")
    ] = False,
) -> None:
    """Lint a glossary (conflicts, empty cells, unbalanced plurals, nesting); exit 1 on errors."""
    issues = lint_file(file, reverse=reverse)
    errors = sum(i.severity == "error" for i in issues)
    warnings = sum(i.severity == "warning" for i in issues)
    if as_json:
        typer.echo(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=1))
    else:
        for issue in issues:
            if not quiet or issue.severity == "error":
                typer.echo(issue.format(str(file)), err=issue.severity == "error")
        entries = ""
        if not errors:
            entries = f"{len(load_glossary(file, reverse=reverse))} terms, "
        typer.echo(f"{file}: {entries}{errors} errors, {warnings} warnings")
    if errors:
        raise typer.Exit(1)


def match(
    text: Annotated[str, typer.Argument(help="Swahili text, or a file holding it.")],
    glossary: GlossaryOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per match.")] = False,
) -> None:
    """Show the glossary terms found in a text: span, form, number, ambiguity, English."""
    gloss = _glossary(glossary)
    path = Path(text)
    if len(text) < 4096 and "\n" not in text and path.is_file():
        try:
            text = read_text(path)
        except InputError as err:
            _fail(str(err))
    for m in gloss.match(text):
        if as_json:
            typer.echo(json.dumps(m.to_dict(), ensure_ascii=False))
            continue
        flags = [m.number]
        if m.locative:
            flags.append("locative")
        if m.ambiguous:
            flags.append(
                "AMBIGUOUS: " + " | ".join(f"{t.sw} ({t.note or t.en[0]})" for t in m.terms)
            )
        typer.echo(
            f"{m.start}-{m.end}\t{m.surface}\t→ {' | '.join(m.targets)}\t[{', '.join(flags)}]"
        )


def _lines(n: int) -> str:
    return f"{n} line" if n == 1 else f"{n} lines"


def _misaligned(counts: list[tuple[Path, int]]) -> str | None:
    """One line naming the file whose line count is the odd one out; ``None`` when aligned."""
    if len({n for _, n in counts}) == 1:
        return None
    for k, (path, n) in enumerate(counts):
        others = counts[:k] + counts[k + 1 :]
        # The others agree with each other and this one does not: it is the odd one out.
        if len({m for _, m in others}) == 1 and n != others[0][1]:
            agreeing = " and ".join(str(p) for p, _ in others)
            return (
                f"{path}: {_lines(n)}, but {agreeing} have {others[0][1]}; "
                "the files must be line-aligned"
            )
    listed = ", ".join(f"{p} has {_lines(n)}" for p, n in counts)
    return f"{listed}; the files must be line-aligned"


def score(
    sources: Annotated[Path, typer.Option("--src", "-s", help="Swahili sources, one per line.")],
    hypotheses: Annotated[Path, typer.Option("--hyp", "-y", help="Translations, one per line.")],
    references: Annotated[Path, typer.Option("--ref", "-r", help="References, one per line.")],
    glossary: GlossaryOpt = None,
) -> None:
    """Term accuracy (WMT21 terminology task): exact match, strict case, window overlap; JSON."""
    gloss = _glossary(glossary)
    try:
        src, hyp, ref = read_lines(sources), read_lines(hypotheses), read_lines(references)
    except InputError as err:
        _fail(str(err))
        return
    problem = _misaligned([(sources, len(src)), (hypotheses, len(hyp)), (references, len(ref))])
    if problem:
        _fail(problem)
    result = term_accuracy(src, hyp, ref, gloss)
    typer.echo(json.dumps({**result.to_dict(), "glossary": gloss.checksum}, indent=1))


def export(
    output: Annotated[Path, typer.Argument(help="Where to write the glossary.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help=f"One of {', '.join(FORMATS)}; default: from the suffix."
        ),
    ] = None,
    glossary: GlossaryOpt = None,
    reverse: ReverseOpt = None,
) -> None:
    """Write a glossary as TSV, CSV or TBX (TBX v3, TBX-Basic dialect)."""
    fmt = (fmt or output.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        _fail(f"{output}: unknown format {fmt!r}; use --format with one of {', '.join(FORMATS)}")
    gloss = _glossary(glossary, reverse)
    export_glossary(gloss, output, fmt)
    typer.echo(f"{output}: {len(gloss)} terms written as {fmt} (checksum {gloss.checksum[:12]})")


def register(app: typer.Typer) -> None:
    """Add the ``glossary`` command group to the root ``tafsiri`` app."""
    group = typer.Typer(
        name="glossary", help="Check, match, score and export glossaries.", no_args_is_help=True
    )
    group.command("check")(check)
    group.command("match")(match)
    group.command("score")(score)
    group.command("export")(export)
    app.add_typer(group, name="glossary")
