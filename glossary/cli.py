"""``tafsiri glossary …``: check, match, score and export glossaries."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from glossary.io import FORMATS, export_glossary, load_glossary
from glossary.lint import lint_file
from glossary.merge import load_glossaries
from glossary.model import Glossary
from glossary.score import term_accuracy
from translate.cli_support import fail as _fail
from translate.textio import InputError, read_lines, read_text

GlossaryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary file (.tsv/.csv/.tbx); repeat to merge (later files win), +FILE adds to "
        "the diplomatic glossary, 'default' names it. Default: the diplomatic one.",
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


def _glossary(specs: list[str] | None, reverse: bool | None = None) -> Glossary:
    """The merged glossary the specs name; each conflict is one ``warning:`` line on stderr."""
    try:
        glossary, conflicts = load_glossaries(specs or [], reverse=reverse)
    except (InputError, ValueError) as err:
        _fail(str(err))
    for conflict in conflicts:
        typer.echo(f"warning: {conflict.message()}", err=True)
    return glossary


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


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
        notes = sum(i.severity == "note" for i in issues)
        entries = ""
        if not errors:
            entries = _count(len(load_glossary(file, reverse=reverse)), "term") + ", "
        counts = ", ".join(
            [_count(errors, "error"), _count(warnings, "warning"), _count(notes, "note")]
        )
        typer.echo(f"{file}: {entries}{counts}")
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
    elif _looks_like_path(text):
        what = "is a folder, not a file" if path.is_dir() else "no such file"
        _fail(f"{text}: {what} (give Swahili text, or the path of an existing file)")
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


#: Suffixes that make a one-word argument a file name rather than Swahili text.
_FILE_SUFFIXES = frozenset({".txt", ".md", ".tsv", ".csv", ".tbx", ".xml", ".json", ".jsonl"})


def _looks_like_path(text: str) -> bool:
    """One word with a path separator or a known file suffix: meant as a file, not as text."""
    if not text or any(ch.isspace() for ch in text):
        return False
    return "/" in text or os.sep in text or Path(text).suffix.lower() in _FILE_SUFFIXES


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
    typer.echo(
        f"{output}: {_count(len(gloss), 'term')} written as {fmt} (checksum {gloss.checksum[:12]})"
    )


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
