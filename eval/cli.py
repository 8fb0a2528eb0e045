"""``tafsiri eval``: score systems against references; table, JSON and HTML reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from translate.cli_support import fail as _fail
from translate.textio import InputError

__all__ = ["register", "eval_command"]


def _parse_hyp(spec: str) -> tuple[str, Path]:
    # NAME=FILE, or just FILE (named after the file); a path that exists wins over a split.
    if "=" in spec and not Path(spec).exists():
        name, _, path = spec.partition("=")
        if not name.strip() or not path.strip():
            raise InputError(f"--hyp {spec!r}: expected NAME=FILE or FILE")
        return name.strip(), Path(path)
    return Path(spec).stem, Path(spec)


def _parse_compare(spec: str) -> tuple[str, str]:
    names = [name.strip() for name in spec.split(",")]
    if len(names) != 2 or not all(names):
        raise ValueError(f"--compare {spec!r}: expected two system names as A,B")
    return names[0], names[1]


def _load(
    refs: list[Path],
    hyps: list[str],
    src: Path | None,
    docs: Path | None,
    source_lang: str,
    target_lang: str,
    max_chars: int,
) -> dict[str, Any]:
    from eval.evaluation import InputInfo
    from eval.inputs import read_doc_ids, read_side

    inputs: list[InputInfo] = []
    ref_sides = [read_side(p, "target", source_lang, target_lang, max_chars) for p in refs]
    first = ref_sides[0]
    n = len(first)
    for side in ref_sides:
        inputs.append(
            InputInfo("reference", Path(side.origin).name, side.origin, side.sha256, side.fmt)
        )
        if len(side) != n:
            raise InputError(
                f"{side.origin}: {len(side)} segments, but the reference {first.origin} has {n}; "
                "references must be aligned segment by segment"
            )
        for i, text in enumerate(side.texts, start=1):
            if not text.strip():
                raise InputError(
                    f"{side.origin}: segment {i} is empty; every segment needs a reference"
                )

    systems: dict[str, tuple[str, ...]] = {}
    records: dict[str, Any] = {}
    hyp_sides = []
    for spec in hyps:
        name, path = _parse_hyp(spec)
        if name in systems:
            raise InputError(
                f"--hyp {spec!r}: a system named {name!r} was already given; name them NAME=FILE"
            )
        side = read_side(path, "target", source_lang, target_lang, max_chars)
        if len(side) != n:
            raise InputError(
                f"{side.origin}: {len(side)} segments, but the reference {first.origin} has {n}; "
                "system outputs must be aligned with the references"
            )
        systems[name] = side.texts
        if side.records is not None:
            records[name] = side.records
        hyp_sides.append(side)
        inputs.append(InputInfo("system", name, side.origin, side.sha256, side.fmt))

    sources = None
    if src is not None:
        side = read_side(src, "source", source_lang, target_lang, max_chars)
        if len(side) != n:
            raise InputError(
                f"{side.origin}: {len(side)} source segments, "
                f"but the reference {first.origin} has {n}"
            )
        sources = side.texts
        inputs.append(
            InputInfo("source", Path(side.origin).name, side.origin, side.sha256, side.fmt)
        )
    else:
        sources = next((s.sources for s in [first, *hyp_sides] if s.sources is not None), None)

    doc_ids = None
    if docs is not None:
        side = read_doc_ids(docs, source_lang, target_lang)
        if len(side) != n:
            raise InputError(
                f"{side.origin}: {len(side)} document ids, "
                f"but the reference {first.origin} has {n} segments"
            )
        doc_ids = side.doc_ids
        inputs.append(InputInfo("docs", Path(side.origin).name, side.origin, side.sha256, side.fmt))
    else:
        doc_ids = next((s.doc_ids for s in [first, *hyp_sides] if s.doc_ids is not None), None)

    return {
        "references": [s.texts for s in ref_sides],
        "systems": systems,
        "sources": sources,
        "doc_ids": doc_ids,
        "inputs": inputs,
        "records": records,
    }


def _print_table(report: Any) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    opts = report.options
    table = Table(
        title=f"{report.n_segments} segments · baseline {escape(report.baseline)}",
        title_justify="left",
    )
    table.add_column("System", no_wrap=True)
    for m in report.metrics:
        arrow = "↑" if m.higher_is_better else "↓"
        table.add_column(f"{m.name} {arrow}", justify="right")
    for system in report.systems:
        is_baseline = system.name == report.baseline
        cells = []
        for m in report.metrics:
            sc = system.scores[m.key]
            text = f"{sc.score:.2f}" + ("*" if not is_baseline and report.significant(sc) else "")
            if sc.mean is not None and sc.ci is not None:
                text += f"\n[dim]μ {sc.mean:.2f} ± {sc.ci:.2f}[/dim]"
            if not is_baseline and (sc.p_bootstrap is not None or sc.p_ar is not None):
                ps = [f"{p:.4f}" if p is not None else "–" for p in (sc.p_bootstrap, sc.p_ar)]
                text += f"\n[dim]p {'/'.join(ps)}[/dim]"
            cells.append(text)
        name = escape(system.name) + (" [dim](baseline)[/dim]" if is_baseline else "")
        table.add_row(name, *cells)
    console.print(table)
    console.print(
        f"[dim]μ ± 95% bootstrap interval; p: paired bootstrap ({opts.n_bootstrap}) / "
        f"approximate randomisation ({opts.n_ar}) against the baseline, seed {opts.seed}; "
        f"* p < {opts.alpha:g} in every test that ran[/dim]"
    )
    for m in report.metrics:
        console.print(f"[dim]{escape(m.name)}: {escape(m.signature)}[/dim]")
    pc = report.comparison
    if pc is not None:
        console.print(
            f"compare {escape(pc.a)} vs {escape(pc.b)}: {pc.n_differ} segments differ; "
            f"better segment {escape(report.metric(pc.metric).name)}: {escape(pc.b)} "
            f"{pc.n_b_better}, {escape(pc.a)} {pc.n_a_better}, same {pc.n_same_score}"
        )
    for system in report.systems:
        if system.terms is not None:
            shown = ", ".join(
                f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                for k, v in system.terms.items()
                if isinstance(v, (int, float))
            )
            console.print(f"terms · {escape(system.name)}: {escape(shown)}")
        if system.fidelity is not None:
            console.print(f"fidelity · {escape(system.name)}: {escape(_fidelity(system, report))}")
    for system in report.systems:
        if system.flags is not None:
            _print_flags(console, system.name, system.flags)


def _print_flags(console: Any, name: str, flags: Any) -> None:
    """The flags table of one system given as JSONL records (``eval.flags``)."""
    from rich.markup import escape
    from rich.table import Table

    if not flags.rows:
        console.print(f"flags · {escape(name)}: no segment flagged ({flags.n_segments} segments)")
    else:
        metric = escape(flags.metric_name)
        table = Table(
            title=f"flags · {escape(name)} · {flags.n_segments} segments · segment {metric}",
            title_justify="left",
        )
        table.add_column("Flag", no_wrap=True)
        for header in ("N", "Share", "Flagged", "Unflagged"):
            table.add_column(header, justify="right")
        table.add_column("Gap [95% CI]", justify="right", no_wrap=True)
        rows = list(flags.rows) + ([flags.any] if len(flags.rows) > 1 else [])
        for row in rows:
            gap = "–" if row.gap is None else f"{row.gap:.1f}"
            if row.interval is not None:
                gap += f" [{row.interval[0]:.1f}, {row.interval[1]:.1f}]"
            table.add_row(
                "any flag" if row.kind == "any" else row.kind,
                str(row.n_flagged),
                f"{100 * row.share:.1f}%",
                f"{row.mean_flagged:.1f}",
                "–" if row.mean_unflagged is None else f"{row.mean_unflagged:.1f}",
                gap,
            )
        console.print(table)
        console.print(
            "[dim]gap = unflagged − flagged: positive when flagged segments score lower; "
            "95% bootstrap interval[/dim]"
        )
    if flags.confidence_pearson is not None:
        console.print(
            f"confidence · {escape(name)}: Pearson r {flags.confidence_pearson:.3f} with segment "
            f"{escape(flags.metric_name)} over {flags.n_confidence} segments"
        )


def _fidelity(system: Any, report: Any) -> str:
    """Number/name fidelity: score, its interval and p-values, the figure and name shares."""
    f = system.fidelity
    pct = lambda v: "n/a" if v is None else f"{v:.1f}%"  # noqa: E731
    line = f"{pct(f['score'])} of {f['spans']} protected spans"
    if f.get("ci95_halfwidth") is not None:
        line += f" (± {f['ci95_halfwidth']:.1f})"
    tests = [
        f"{label} {f[key]:.4f}"
        for label, key in (("p_bs", "p_bootstrap"), ("p_ar", "p_ar"))
        if f.get(key) is not None
    ]
    if tests:
        ps = [f[k] for k in ("p_bootstrap", "p_ar") if f.get(k) is not None]
        star = all(p < report.options.alpha for p in ps)
        line += f" [{', '.join(tests)}{' *' if star else ''}]"
    return f"{line}; numbers {pct(f['numbers'])}, names {pct(f['names'])}"


def eval_command(
    ref: Annotated[
        list[Path],
        typer.Option("--ref", "-r", help="Reference file; repeat for several references."),
    ],
    hyp: Annotated[
        list[str],
        typer.Option("--hyp", help="System output as NAME=FILE (or FILE); repeat per system."),
    ],
    src: Annotated[
        Path | None,
        typer.Option("--src", help="Source segments (text, JSONL, TSV, TMX, .docs.tsv)."),
    ] = None,
    docs: Annotated[
        Path | None,
        typer.Option("--docs", help="Document ids: one per line, a .jsonl or a .docs.tsv."),
    ] = None,
    glossary: Annotated[
        Path | None, typer.Option("--glossary", help="Glossary for term accuracy per system.")
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", help="System to compare against (default: the first)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the HTML report here.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report here.")
    ] = None,
    score_only: Annotated[
        bool, typer.Option("--score-only", help="Print only the scores: a line per system.")
    ] = False,
    metrics: Annotated[
        str, typer.Option("--metrics", "-m", help="Comma-separated: bleu, chrf, ter.")
    ] = "bleu,chrf,ter",
    tokenize: Annotated[str, typer.Option("--tokenize", help="BLEU tokenizer.")] = "13a",
    lowercase: Annotated[
        bool, typer.Option("--lowercase", help="Case-insensitive BLEU and chrF.")
    ] = False,
    chrf_word_order: Annotated[
        int, typer.Option("--chrf-word-order", help="2: chrF++ (default); 0: chrF.")
    ] = 2,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", help="Paired bootstrap resamples (0: off).")
    ] = 1000,
    ar_trials: Annotated[
        int, typer.Option("--ar-trials", help="Approximate randomisation trials (0: off).")
    ] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed of the tests (sacrebleu's default).")
    ] = 12345,
    examples: Annotated[
        int, typer.Option("--examples", help="Segments listed per analysis ranking.")
    ] = 10,
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare",
            metavar="A,B",
            help="Two systems for the pairwise view: the segments where they differ, with a "
            "word diff. Default: the baseline and the best other system.",
        ),
    ] = None,
    source_lang: Annotated[
        str, typer.Option("--src-lang", help="Source language (TMX, .docs.tsv).")
    ] = "sw",
    target_lang: Annotated[
        str, typer.Option("--tgt-lang", help="Target language (TMX, .docs.tsv).")
    ] = "en",
    title: Annotated[
        str, typer.Option("--title", help="Title of the HTML report.")
    ] = "Translation evaluation report",
    max_segment_chars: Annotated[
        int | None,
        typer.Option(
            "--max-segment-chars",
            show_default=False,
            help="Refuse inputs with a segment longer than this many characters "
            "(default 10,000: eval.inputs.MAX_SEGMENT_CHARS; 0: no limit).",
        ),
    ] = None,
) -> None:
    """Score systems against references with sacreBLEU (BLEU, chrF++, TER), with 95% intervals,
    paired significance tests against a baseline, compare-mt style analysis, and reports."""
    from eval.evaluation import EvalOptions, InputInfo, evaluate
    from eval.inputs import MAX_SEGMENT_CHARS, file_sha256
    from eval.metrics import MetricOptions

    if max_segment_chars is None:
        max_segment_chars = MAX_SEGMENT_CHARS
    if max_segment_chars < 0:
        _fail(f"--max-segment-chars must be 0 (no limit) or more, not {max_segment_chars}")
    try:
        metric_options = MetricOptions(
            metrics=tuple(m.strip().lower() for m in metrics.split(",") if m.strip()),
            bleu_tokenize=tokenize,
            lowercase=lowercase,
            chrf_word_order=chrf_word_order,
        )
        options = EvalOptions(
            metric_options=metric_options,
            baseline=baseline,
            n_bootstrap=bootstrap,
            n_ar=ar_trials,
            seed=seed,
            n_examples=examples,
            compare=_parse_compare(compare) if compare is not None else None,
        )
    except ValueError as err:
        _fail(str(err))
    try:
        loaded = _load(ref, hyp, src, docs, source_lang, target_lang, max_segment_chars)
        glossary_obj = None
        if glossary is not None:
            from eval.terms import load_glossary

            glossary_obj = load_glossary(glossary)
            loaded["inputs"].append(
                InputInfo(
                    "glossary", glossary.name, str(glossary), file_sha256(glossary), "glossary"
                )
            )
        report = evaluate(
            loaded["references"],
            loaded["systems"],
            sources=loaded["sources"],
            doc_ids=loaded["doc_ids"],
            glossary=glossary_obj,
            options=options,
            inputs=loaded["inputs"],
            records=loaded["records"],
        )
    except (InputError, ValueError) as err:
        _fail(str(err))

    try:
        if json_out is not None:
            from eval.report_json import write_json

            write_json(report, json_out)
        if output is not None:
            from eval.report_html import write_html

            write_html(report, output, title)
    except OSError as err:
        _fail(f"{err.filename or ''}: cannot write the report ({err.strerror})")

    if score_only:
        for system in report.systems:
            typer.echo("\t".join(f"{system.scores[m.key].score:.4f}" for m in report.metrics))
    else:
        _print_table(report)


def register(app: typer.Typer) -> None:
    """Add ``tafsiri eval`` to the root app."""
    app.command("eval")(eval_command)
