"""A single self-contained HTML report an evaluator can email.

The page comes from Jinja2 templates (``eval/templates/report.html`` and its macros) with
autoescaping on, as ``review/`` makes its pages: every piece of user text (system names,
segments, document ids, file names) is escaped by the template engine, not by hand. Everything
is inline: the CSS (``report.css``) in a ``<style>`` element, charts as SVG drawn by matplotlib
(Agg, no pyplot state), no scripts, no external URLs.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from eval.evaluation import EvalReport
from translate.textio import write_text_atomic

__all__ = ["render_html", "write_html"]

# Colour-blind-safe palette (Okabe & Ito 2008), baseline first.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

#: The columns of the number and name fidelity table (``eval.fidelity``), in order.
FIDELITY_COLUMNS = (
    "score",
    "numbers",
    "names",
    "carried",
    "spans",
    "ci95_halfwidth",
    "p_bootstrap",
    "p_ar",
)


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pvalue(value: float | None) -> str:
    return _num(value, 4)


def _measure(value: Any, digits: int) -> str:
    """A table cell of a measure: floats rounded, ``None`` as a dash, anything else as is."""
    return _num(value, digits) if isinstance(value, float) else "–" if value is None else str(value)


def _diff_words(diff: Sequence[Any], side: str) -> list[tuple[bool, str]]:
    """(unchanged?, words) of one side of a word diff, stretches absent from that side left out."""
    pairs = ((d.op == "equal", d.a if side == "a" else d.b) for d in diff)
    return [(equal, words) for equal, words in pairs if words]


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The autoescaping environment over the packaged templates."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("eval", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(num=_num, pvalue=_pvalue, measure=_measure, diff_words=_diff_words)
    return env


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


def _terms(report: EvalReport) -> dict[str, Any]:
    """The terminology table: systems with term accuracy, its numeric columns, signatures."""
    rows = [(s.name, s.terms) for s in report.systems if s.terms is not None]
    keys: list[str] = []
    for _, terms in rows:
        for k, v in terms.items():
            # bool is an int too, but not a measure worth a column.
            if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in keys:
                keys.append(k)
    signatures = sorted({str(t["signature"]) for _, t in rows if t.get("signature")})
    return {"rows": rows, "columns": keys, "signatures": signatures}


def _fidelity(report: EvalReport) -> dict[str, Any]:
    """The number and name fidelity table (``eval.fidelity``), with its paired tests."""
    rows = [(s.name, s.fidelity) for s in report.systems if s.fidelity is not None]
    signature = str(rows[0][1].get("signature", "")) if rows else ""
    return {"rows": rows, "columns": FIDELITY_COLUMNS, "signature": signature}


def render_html(report: EvalReport, title: str = "Translation evaluation report") -> str:
    """Render the report as one self-contained HTML page."""
    opts = report.options
    tests = []
    if opts.n_bootstrap:
        tests.append(f"paired bootstrap resampling ({opts.n_bootstrap} resamples)")
    if opts.n_ar:
        tests.append(f"approximate randomisation ({opts.n_ar} trials)")
    # matplotlib escapes the text it writes into the SVG, so the charts go in as markup.
    charts = {
        "scores": Markup(_chart_scores(report)),
        "buckets": Markup(_chart_buckets(report)),
        "histogram": Markup(_chart_histogram(report)),
    }
    return (
        environment()
        .get_template("report.html")
        .render(
            report=report,
            title=title,
            tests_text=" and ".join(tests) if tests else "no significance tests",
            metric_name=report.metric(report.analysis.metric).name,
            charts=charts,
            terms=_terms(report),
            fidelity=_fidelity(report),
            flags=[(s.name, s.flags) for s in report.systems if s.flags is not None],
        )
    )


def write_html(
    report: EvalReport, path: str | os.PathLike[str], title: str = "Translation evaluation report"
) -> None:
    """Write the HTML report atomically."""
    write_text_atomic(path, render_html(report, title))
