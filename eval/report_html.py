# HTML fragments read better unbroken than wrapped at 100 columns.
# ruff: noqa: E501
"""A single self-contained HTML report an evaluator can email.

Everything is inline: CSS in a ``<style>`` element, charts as SVG drawn by matplotlib (Agg,
no pyplot state), no scripts, no external URLs. Every piece of user text (system names, segments,
file names) goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
import io
import os
from collections.abc import Sequence
from typing import Any

from eval.evaluation import EvalReport, Score
from translate.textio import write_text_atomic

__all__ = ["render_html", "write_html"]

# Colour-blind-safe palette (Okabe & Ito 2008), baseline first.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

CSS = """
:root { --ink:#1f2328; --muted:#57606a; --line:#d0d7de; --soft:#f6f8fa; --accent:#0072B2; }
* { box-sizing: border-box; }
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       margin: 0; background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 36px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
p.lead { color: var(--muted); margin: 0 0 18px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.baseline td { background: #fff8e6; }
.score { font-weight: 600; font-size: 15px; }
.ci, .p { color: var(--muted); font-size: 12px; display: block; }
.sig { color: #b35900; font-weight: 700; }
.tag { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; background: #fff0cc;
       color: #7a4d00; margin-left: 6px; }
code, .sigline { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.sigline { background: var(--soft); padding: 2px 6px; border-radius: 4px; word-break: break-all; }
figure.chart { margin: 10px 0 18px; }
figure.chart svg { width: 100%; height: auto; max-width: 920px; }
figure.chart figcaption { color: var(--muted); font-size: 12px; }
.seg { border: 1px solid var(--line); border-radius: 6px; margin: 12px 0; overflow: hidden; }
.seg header { background: var(--soft); padding: 6px 10px; font-size: 12px; color: var(--muted); }
.seg table { margin: 0; } .seg td:first-child { width: 180px; color: var(--muted); white-space: nowrap; }
.note { color: var(--muted); font-size: 12px; }
del { background: #ffebe9; color: #82071e; text-decoration: line-through; }
ins { background: #dafbe1; color: #116329; text-decoration: none; }
.gain { font-weight: 600; } .gain.up { color: #116329; } .gain.down { color: #82071e; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _text(value: str) -> str:
    return _e(value) if value.strip() else '<span class="note">(empty)</span>'


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _mpl_text(text: str) -> str:
    # A "$" would switch matplotlib to mathtext; system names are plain text.
    return text.replace("$", r"\$")


def _legend_label(name: str) -> str:
    # matplotlib leaves labels that start with "_" out of the legend; a zero-width space in
    # front keeps a system named "_base" in it and draws nothing.
    text = _mpl_text(name)
    return "\u200b" + text if text.startswith("_") else text


def _svg(fig: Any, salt: str) -> str:
    from matplotlib import rc_context

    buf = io.StringIO()
    # A fixed salt per chart makes element ids stable (same report, same bytes) and distinct
    # between the charts that share the page.
    # Text stays <text> (not glyph paths): smaller, faster, selectable; the browser's sans-serif
    # font draws it, so nothing is fetched.
    with rc_context({"svg.hashsalt": f"tafsiri-{salt}", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    # Drop the XML prolog and DOCTYPE: inline SVG in HTML starts at <svg>.
    return text[text.index("<svg") :]


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _style_axes(ax: Any) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(axis="y", color="#e5e7eb", linewidth=0.8)
    ax.set_axisbelow(True)


def _chart_scores(report: EvalReport) -> str:
    names = [s.name for s in report.systems]
    metrics = report.metrics
    fig = _figure(3.2 * len(metrics), 3.0)
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, info in zip(axes, metrics, strict=True):
        values = [s.scores[info.key].score for s in report.systems]
        errs = [s.scores[info.key].ci or 0.0 for s in report.systems]
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
        ax.bar(range(len(names)), values, yerr=errs, color=colours, capsize=4, width=0.65)
        ax.set_xticks(
            range(len(names)), [_mpl_text(n) for n in names], rotation=20, ha="right", fontsize=8
        )
        direction = "higher is better" if info.higher_is_better else "lower is better"
        ax.set_title(f"{_mpl_text(info.name)} ({direction})", fontsize=9)
        _style_axes(ax)
    fig.tight_layout()
    return _svg(fig, "scores")


def _chart_buckets(report: EvalReport) -> str:
    an = report.analysis
    key = an.metric
    labels = [b.label for b in an.length_buckets]
    fig = _figure(7.5, 3.0)
    ax = fig.add_subplot(1, 1, 1)
    for i, system in enumerate(report.systems):
        ys = [b.scores[system.name][key] for b in an.length_buckets]
        xs = [x for x, y in zip(range(len(labels)), ys, strict=True) if y is not None]
        ax.plot(
            xs,
            [y for y in ys if y is not None],
            marker="o",
            color=PALETTE[i % len(PALETTE)],
            label=_legend_label(system.name),
        )
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlabel(f"{an.length_basis} length (words)", fontsize=9)
    ax.set_ylabel(_mpl_text(report.metric(key).name), fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    _style_axes(ax)
    fig.tight_layout()
    return _svg(fig, "buckets")


def _chart_histogram(report: EvalReport) -> str:
    an = report.analysis
    hist = next(h for h in an.histograms if h.metric == an.metric)
    n_sys = len(report.systems)
    width = 0.8 / n_sys
    fig = _figure(7.5, 3.0)
    ax = fig.add_subplot(1, 1, 1)
    for i, system in enumerate(report.systems):
        xs = [x + (i - (n_sys - 1) / 2) * width for x in range(len(hist.labels))]
        ax.bar(
            xs,
            hist.counts[system.name],
            width=width,
            color=PALETTE[i % len(PALETTE)],
            label=_legend_label(system.name),
        )
    ax.set_xticks(range(len(hist.labels)), hist.labels, fontsize=8)
    ax.set_xlabel(f"segment {_mpl_text(report.metric(an.metric).name)}", fontsize=9)
    ax.set_ylabel("segments", fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    _style_axes(ax)
    fig.tight_layout()
    return _svg(fig, "histogram")


def _score_cell(report: EvalReport, name: str, score: Score) -> str:
    parts = [f'<span class="score">{_fmt(score.score)}</span>']
    if name != report.baseline and report.significant(score):
        parts.append('<span class="sig" title="significantly different from the baseline">*</span>')
    if score.mean is not None and score.ci is not None:
        low, high = score.mean - score.ci, score.mean + score.ci
        parts.append(
            f'<span class="ci">μ {_fmt(score.mean)} ± {_fmt(score.ci)} [{_fmt(low)}, {_fmt(high)}]</span>'
        )
    if name != report.baseline and (score.p_bootstrap is not None or score.p_ar is not None):
        parts.append(
            f'<span class="p">p<sub>bs</sub> {_p(score.p_bootstrap)} · p<sub>ar</sub> {_p(score.p_ar)}</span>'
        )
    return f'<td class="num">{"".join(parts)}</td>'


def _score_table(report: EvalReport) -> str:
    head = "".join(f'<th class="num">{_e(m.name)}</th>' for m in report.metrics)
    rows = []
    for system in report.systems:
        is_base = system.name == report.baseline
        tag = '<span class="tag">baseline</span>' if is_base else ""
        cells = "".join(
            _score_cell(report, system.name, system.scores[m.key]) for m in report.metrics
        )
        rows.append(
            f'<tr class="{"baseline" if is_base else "system"}"><td>{_e(system.name)}{tag}</td>{cells}</tr>'
        )
    return f'<table id="scores"><thead><tr><th>System</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _signatures(report: EvalReport) -> str:
    items = []
    for m in report.metrics:
        items.append(
            f'<dt>{_e(m.name)}</dt><dd><span class="sigline">{_e(m.signature)}</span></dd>'
            f'<dt>{_e(m.name)} per segment</dt><dd><span class="sigline">{_e(m.segment_signature)}</span></dd>'
            f'<dt>{_e(m.name)} tests</dt><dd><span class="sigline">{_e(m.significance_signature)}</span></dd>'
        )
    return f'<dl class="facts" id="signatures">{"".join(items)}</dl>'


def _terms_table(report: EvalReport) -> str:
    systems = [(s.name, s.terms) for s in report.systems if s.terms is not None]
    if not systems:
        return ""
    keys: list[str] = []
    for _, terms in systems:
        for k, v in terms.items():
            # bool is an int too, but not a measure worth a column.
            if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in keys:
                keys.append(k)

    def cell(value: Any) -> str:
        text = _fmt(value, 3) if isinstance(value, float) else _e("–" if value is None else value)
        return f'<td class="num">{text}</td>'

    head = "".join(f'<th class="num">{_e(k)}</th>' for k in keys)
    rows = "".join(
        f"<tr><td>{_e(name)}</td>{''.join(cell(terms.get(k)) for k in keys)}</tr>"
        for name, terms in systems
    )
    signatures = sorted({str(t["signature"]) for _, t in systems if t.get("signature")})
    note = "".join(
        f'<p class="note">Signature: <span class="sigline">{_e(sig)}</span></p>'
        for sig in signatures
    )
    return (
        '<h2 id="terminology">Terminology</h2>'
        f'<table id="terms"><thead><tr><th>System</th>{head}</tr></thead><tbody>{rows}</tbody></table>{note}'
    )


def _fidelity_table(report: EvalReport) -> str:
    """Number and name fidelity per system (``eval.fidelity``), with its paired tests."""
    systems = [(s.name, s.fidelity) for s in report.systems if s.fidelity is not None]
    if not systems:
        return ""
    keys = (
        "score",
        "numbers",
        "names",
        "carried",
        "spans",
        "ci95_halfwidth",
        "p_bootstrap",
        "p_ar",
    )

    def cell(value: Any) -> str:
        text = _fmt(value, 2) if isinstance(value, float) else _e("–" if value is None else value)
        return f'<td class="num">{text}</td>'

    head = "".join(f'<th class="num">{_e(k)}</th>' for k in keys)
    rows = "".join(
        f"<tr><td>{_e(name)}</td>{''.join(cell(f.get(k)) for k in keys)}</tr>"
        for name, f in systems
    )
    sig = str(systems[0][1].get("signature", ""))
    return (
        '<h2 id="fidelity">Number and name fidelity</h2>'
        '<p class="note">Share (%) of the source\'s protected spans (figures, dates, names, '
        "addresses) whose English is in the output; paired tests against the baseline.</p>"
        f'<table id="fidelity-table"><thead><tr><th>System</th>{head}</tr></thead>'
        f'<tbody>{rows}</tbody></table><p class="note">Signature: <span class="sigline">'
        f"{_e(sig)}</span></p>"
    )


def _documents_table(report: EvalReport) -> str:
    if not report.documents:
        return ""
    others = list(report.metrics)
    head = "".join(
        f'<th class="num">{_e(s.name)}<br>{_e(m.name)}</th>' for m in others for s in report.systems
    )
    rows = []
    for d in report.documents:
        cells = "".join(
            f'<td class="num">{_fmt(d.scores[s.name][m.key])}</td>'
            for m in others
            for s in report.systems
        )
        rows.append(f'<tr><td>{_e(d.doc)}</td><td class="num">{len(d.segments)}</td>{cells}</tr>')
    return (
        '<h2 id="documents">Documents</h2>'
        f'<table id="doc-scores"><thead><tr><th>Document</th><th class="num">Segments</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _buckets_table(report: EvalReport) -> str:
    an = report.analysis
    head = "".join(
        f'<th class="num">{_e(s.name)}<br>{_e(m.name)}</th>'
        for m in report.metrics
        for s in report.systems
    )
    rows = []
    for b in an.length_buckets:
        cells = "".join(
            f'<td class="num">{_fmt(b.scores[s.name][m.key])}</td>'
            for m in report.metrics
            for s in report.systems
        )
        rows.append(f'<tr><td>{_e(b.label)}</td><td class="num">{b.n_segments}</td>{cells}</tr>')
    return (
        f'<table id="length-buckets"><thead><tr><th>{_e(an.length_basis.capitalize())} words</th>'
        f'<th class="num">Segments</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _segments(report: EvalReport, views: Sequence[Any], section_id: str) -> str:
    if not views:
        return '<p class="note">Nothing to show.</p>'
    metric = report.metric(report.analysis.metric).name
    blocks = []
    for v in views:
        rows = []
        if v.source is not None:
            rows.append(f"<tr><td>Source</td><td>{_e(v.source)}</td></tr>")
        for k, ref in enumerate(v.references, start=1):
            label = "Reference" if len(v.references) == 1 else f"Reference {k}"
            rows.append(f"<tr><td>{label}</td><td>{_e(ref)}</td></tr>")
        for name, hyp in v.hypotheses.items():
            rows.append(
                f'<tr><td>{_e(name)} <span class="note">{_e(metric)} {_fmt(v.scores[name], 1)}</span></td><td>{_text(hyp)}</td></tr>'
            )
        doc = f" · document {_e(v.doc)}" if v.doc is not None else ""
        blocks.append(
            f'<div class="seg"><header>Segment {v.number}{doc} · spread {_fmt(v.spread, 1)}</header>'
            f"<table>{''.join(rows)}</table></div>"
        )
    return f'<div id="{section_id}">{"".join(blocks)}</div>'


def _diff_side(diff: Sequence[Any], side: str) -> str:
    # A's line marks what B dropped or replaced (<del>); B's line what it added instead (<ins>).
    tag = "del" if side == "a" else "ins"
    parts = []
    for d in diff:
        words = d.a if side == "a" else d.b
        if not words:
            continue
        parts.append(_e(words) if d.op == "equal" else f"<{tag}>{_e(words)}</{tag}>")
    return " ".join(parts) if parts else '<span class="note">(empty)</span>'


def _comparison(report: EvalReport) -> str:
    pc = report.comparison
    if pc is None:
        return ""
    metric = report.metric(pc.metric).name
    better = "higher" if pc.higher_is_better else "lower"
    summary = (
        f"{pc.n_differ} of {report.n_segments} segments differ; on those, {_e(pc.b)} has the "
        f"better segment {_e(metric)} ({better} is better) in {pc.n_b_better}, {_e(pc.a)} in "
        f"{pc.n_a_better}, the same score in {pc.n_same_score}. Largest changes first; "
        f"<del>struck</del> words are in {_e(pc.a)} only, <ins>marked</ins> words in {_e(pc.b)} only."
    )
    blocks = []
    for seg in pc.segments:
        gain = seg.difference if pc.higher_is_better else -seg.difference
        direction = "up" if gain > 0 else "down" if gain < 0 else "same"
        rows = []
        if seg.source is not None:
            rows.append(f"<tr><td>Source</td><td>{_e(seg.source)}</td></tr>")
        for k, ref in enumerate(seg.references, start=1):
            label = "Reference" if len(seg.references) == 1 else f"Reference {k}"
            rows.append(f"<tr><td>{label}</td><td>{_e(ref)}</td></tr>")
        for side, name, score in (("a", pc.a, seg.a_score), ("b", pc.b, seg.b_score)):
            rows.append(
                f'<tr class="side-{side}"><td>{_e(name)} <span class="note">{_e(metric)} {_fmt(score, 1)}</span></td>'
                f"<td>{_diff_side(seg.diff, side)}</td></tr>"
            )
        doc = f" · document {_e(seg.doc)}" if seg.doc is not None else ""
        blocks.append(
            f'<div class="seg"><header>Segment {seg.number}{doc} · {_e(metric)} {_fmt(seg.a_score, 1)} → {_fmt(seg.b_score, 1)} '
            f'<span class="gain {direction}">({seg.difference:+.1f})</span></header>'
            f"<table>{''.join(rows)}</table></div>"
        )
    if blocks:
        listing = "".join(blocks)
    elif pc.n_differ:
        listing = '<p class="note">No segments listed (--examples 0).</p>'
    else:
        listing = '<p class="note">The two systems give the same output for every segment.</p>'
    return (
        f'<h3 id="compare-heading">{_e(pc.a)} vs {_e(pc.b)}: where they differ (segment {_e(metric)})</h3>'
        f'<p class="note" id="compare-summary">{summary}</p><div id="compare">{listing}</div>'
    )


def _inputs(report: EvalReport) -> str:
    if not report.inputs:
        return ""
    rows = "".join(
        f"<tr><td>{_e(i.role)}</td><td>{_e(i.name)}</td><td>{_e(i.path)}</td><td>{_e(i.fmt)}</td>"
        f"<td><code>{_e(i.sha256[:16])}…</code></td></tr>"
        for i in report.inputs
    )
    return (
        '<h2 id="inputs">Inputs</h2><table><thead><tr><th>Role</th><th>Name</th><th>File</th><th>Format</th>'
        f"<th>SHA-256</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def render_html(report: EvalReport, title: str = "Translation evaluation report") -> str:
    """Render the report as one self-contained HTML page."""
    opts = report.options
    an = report.analysis
    metric_name = report.metric(an.metric).name
    tests = []
    if opts.n_bootstrap:
        tests.append(f"paired bootstrap resampling ({opts.n_bootstrap} resamples)")
    if opts.n_ar:
        tests.append(f"approximate randomisation ({opts.n_ar} trials)")
    tests_text = " and ".join(tests) if tests else "no significance tests"
    facts = (
        f"<dt>Segments</dt><dd>{report.n_segments}</dd>"
        f"<dt>References</dt><dd>{len(report.references)}</dd>"
        f"<dt>Systems</dt><dd>{len(report.systems)}</dd>"
        f"<dt>Baseline</dt><dd>{_e(report.baseline)}</dd>"
        f"<dt>Tests</dt><dd>{_e(tests_text)}, seed {opts.seed}</dd>"
        f"<dt>sacreBLEU</dt><dd>{_e(report.sacrebleu_version)}</dd>"
    )
    legend = (
        f"Score, then the bootstrap mean ± half-width of its 95% interval [low, high]. For each system, "
        f"p<sub>bs</sub> (paired bootstrap) and p<sub>ar</sub> (approximate randomisation) test whether it "
        f'differs from the baseline; <span class="sig">*</span> marks p &lt; {opts.alpha:g} in every test '
        f"that ran. A significant difference says the systems differ, not which is better."
    )
    body = [
        f"<h1>{_e(title)}</h1>",
        '<p class="lead">Scores by sacreBLEU; every number can be reproduced from the signatures below.</p>',
        f'<dl class="facts">{facts}</dl>',
        '<h2 id="scores-heading">Scores</h2>',
        _score_table(report),
        f'<p class="note">{legend}</p>',
        '<figure class="chart" id="chart-scores">',
        _chart_scores(report),
        "<figcaption>Corpus scores; error bars: half-width of the 95% bootstrap interval.</figcaption></figure>",
        "<h3>Signatures</h3>",
        _signatures(report),
        _terms_table(report),
        _fidelity_table(report),
        _documents_table(report),
        '<h2 id="analysis">Analysis</h2>',
        f"<h3>By {_e(an.length_basis)} length</h3>",
        _buckets_table(report),
        '<figure class="chart" id="chart-buckets">',
        _chart_buckets(report),
        f"<figcaption>{_e(metric_name)} of each length bucket (corpus score over its segments).</figcaption></figure>",
        f"<h3>Segment {_e(metric_name)} distribution</h3>",
        '<figure class="chart" id="chart-histogram">',
        _chart_histogram(report),
        f"<figcaption>Number of segments per ten-point band of segment-level {_e(metric_name)}.</figcaption></figure>",
        _comparison(report),
        f"<h3>Where the systems differ most (segment {_e(metric_name)})</h3>",
        _segments(report, an.most_different, "most-different"),
        f"<h3>Worst segments (lowest mean segment {_e(metric_name)})</h3>",
        _segments(report, an.worst, "worst"),
        _inputs(report),
        "<footer>Made by tafsiri eval. Self-contained: no scripts, no external resources.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def write_html(
    report: EvalReport, path: str | os.PathLike[str], title: str = "Translation evaluation report"
) -> None:
    """Write the HTML report atomically."""
    write_text_atomic(path, render_html(report, title))
