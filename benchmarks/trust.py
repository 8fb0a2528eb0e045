"""How well the meaning-level flags point at bad English, and what they cost.

    python benchmarks/trust.py                  # MAFAND-MT test: flagged vs unflagged chrF
    python benchmarks/trust.py --calibrate      # MAFAND-MT dev: the low-confidence threshold
    python benchmarks/trust.py --limit 300      # a quicker run on the first 300 lines
    python benchmarks/trust.py --aligned        # also: dev's false alarms without shifted lines
    python benchmarks/trust.py --cost           # only the cost, by parts (seed article, test)

For each flag kind, on the shipped model's output (defaults: glossary, protection), the number
of lines flagged and their mean sentence chrF (sacreBLEU) against the unflagged lines', with a
95% bootstrap interval of the gap (1,000 resamples of the lines), the gap to the lines no
flag of any kind marks (those an editor would pass over), and the gap to the lines its check
examined and passed (lines with a name to carry, a high-stakes word, a figure, a negation).
Then the false alarms: the share of lines whose *human* English is flagged by the polarity,
name, unsupported and invented-figure checks — on dev, and on 10,000 train lines that no rule
was written from (``--aligned``: and on dev without the lines whose English belongs to a
neighbour). Then the cost: the same test run with ``Translator(trust=None)``, which neither
scores nor checks.

``--cost`` times the two parts the flags add inside one translation — the checks, and the
scoring pass for English changed after the decode (the rest takes the decode's own score) —
against the whole run, on the seed article and on test; on a shared machine whole runs vary too
much for a difference of two runs to mean anything.

``--calibrate`` translates dev and prints the tenth percentile of the per-line confidence (the
model's mean log-probability per token of the English kept): ``translate.trust.LOW_CONFIDENCE``.
"""

from __future__ import annotations

import argparse
import bisect
import random
import re
import statistics
import sys
import time
from pathlib import Path

import sacrebleu

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate.figures import english_figures, judged_figures  # noqa: E402
from translate.flags import TRUST_KINDS  # noqa: E402
from translate.names import missing_names  # noqa: E402
from translate.pipeline import Translator  # noqa: E402
from translate.polarity import polarity, polarity_flag  # noqa: E402
from translate.protect import VERBATIM_KINDS, find_spans  # noqa: E402
from translate.trust import TrustCheck, trust_flags  # noqa: E402
from translate.unsupported import omitted_words, strong_words, unsupported_words  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "lafand-mt-en-sw"


def _read(name: str, limit: int | None) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return lines[:limit] if limit else lines


def line_of(lines: list[str], segments) -> list[int]:
    """The line (of ``lines``, joined with newlines) each segment record starts in."""
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return [bisect.bisect_right(starts, record.start) - 1 for record in segments]


def translate_lines(translator: Translator, lines: list[str]) -> tuple[list[str], list, float]:
    """English per line, ({flag kind: details}, confidence) per line, and the seconds it took."""
    text = "\n".join(lines)
    began = time.perf_counter()
    doc = translator.translate_document(text)
    seconds = time.perf_counter() - began
    english = doc.text.split("\n")
    per_line: list[tuple[dict[str, list[str]], list[float]]] = [({}, []) for _ in lines]
    for record, k in zip(doc.segments, line_of(lines, doc.segments), strict=True):
        kinds, scores = per_line[k]
        for flag in record.trust_flags:
            kinds.setdefault(flag.kind, []).append(flag.detail)
        if record.confidence is not None:
            scores.append(record.confidence)
    info = [(kinds, statistics.fmean(s) if s else None) for kinds, s in per_line]
    return english, info, seconds


def examined(kind: str, source: str, english: str) -> bool | None:
    """Whether a check had anything to look at on a line (None: it looks at every line).

    A flag can only fire where its check has something to judge, and those lines are not
    average: lines with names copy them and score high, lines with figures are reports. So
    each flag is also held against the lines its check examined and passed.
    """
    if kind == "name":
        # The capitalised words it would ask the English for, were the English empty.
        enforced = [(s.start, s.end) for s in find_spans(source) if s.kind in VERBATIM_KINDS]
        return bool(missing_names(source, "", enforced))
    if kind == "unsupported":
        return bool(strong_words(english))
    if kind == "omission":
        return bool(omitted_words(source, ""))
    if kind == "invented-figure":
        return bool(english_figures(english))
    if kind == "polarity":
        found = polarity(source, english)
        return bool(found.swahili or found.english)
    return None


def _bootstrap_gap(flagged: list[float], rest: list[float], rounds: int = 1000) -> tuple:
    rng = random.Random(1234)
    gaps = []
    for _ in range(rounds):
        a = [rng.choice(flagged) for _ in flagged]
        b = [rng.choice(rest) for _ in rest]
        gaps.append(statistics.fmean(b) - statistics.fmean(a))
    gaps.sort()
    return gaps[int(0.025 * rounds)], gaps[int(0.975 * rounds) - 1]


_DETAIL_ITEMS = re.compile(r"^[^:]*:\s*")


def reference_agrees(kind: str, details: list[str], source: str, reference: str) -> bool | None:
    """Whether the human English bears a flag out (None: this kind cannot be judged so).

    chrF moves little when one word is wrong, so the flags are also held against the
    reference itself: a ``name`` the English lacks is in the reference; an ``unsupported``
    word or an ``invented-figure`` is not; a lost negation is there, an invented one is not.
    """
    items = [i.strip() for d in details for i in _DETAIL_ITEMS.sub("", d, count=1).split(",")]
    items = [i for i in items if i]
    if kind == "name":
        ref = reference.casefold()
        return all(re.search(rf"(?<!\w){re.escape(i.casefold())}", ref) for i in items)
    if kind == "invented-figure":
        return not any(_has_figure(reference, i) for i in items)
    if kind == "unsupported":
        return not any(_has_word(reference, i) for i in items)
    if kind == "polarity":
        negates = bool(polarity(source, reference).english)
        return all(negates == d.startswith("negation lost") for d in details)
    return None


def _has_figure(reference: str, literal: str) -> bool:
    pattern = rf"(?<![\w.,]){re.escape(literal)}(?!\w|[.,]\d)"
    return re.search(pattern, reference, re.IGNORECASE) is not None


def _has_word(reference: str, word: str) -> bool:
    # By its stem: "arrest" in the reference backs "arrested".
    stem = word.casefold()[: max(4, len(word) - 3)]
    return re.search(rf"\b{re.escape(stem)}", reference.casefold()) is not None


def word_level(src: list[str], english: list[str], ref: list[str]) -> list[str]:
    """The flagged words and figures against the rest of their kind, one by one: the share
    the reference lacks. A sentence with one wrong word keeps most of its chrF, so this is
    where ``unsupported`` and ``invented-figure`` show whether they point at the wrong part.
    Every flagged item counts, whatever other flag its line has; the gap (with a bootstrap
    interval over items) is the flagged share less the rest's."""
    # flagged?: one entry per item, True where the reference lacks it
    words: dict[bool, list[float]] = {True: [], False: []}
    figures: dict[bool, list[float]] = {True: [], False: []}
    for s, e, r in zip(src, english, ref, strict=True):
        flagged = set(unsupported_words(s, e))
        for _, written in strong_words(e):
            words[written in flagged].append(not _has_word(r, written))
        for written, invented in judged_figures(s, e):
            figures[invented].append(not _has_figure(r, written))

    def share(items: list[float]) -> str:
        return f"{int(sum(items))}/{len(items)} ({sum(items) / max(len(items), 1):.0%})"

    def gap(kind: dict[bool, list[float]]) -> str:
        if not kind[True] or not kind[False]:
            return "-"
        low, high = _bootstrap_gap(kind[False], kind[True])
        difference = statistics.fmean(kind[True]) - statistics.fmean(kind[False])
        return f"{difference:.0%} [{low:.0%}, {high:.0%}]"

    return [
        f"high-stakes words the reference lacks: flagged unsupported {share(words[True])}, "
        f"the rest (the source supports them) {share(words[False])}; gap {gap(words)}",
        f"figures the reference lacks: flagged invented {share(figures[True])}, "
        f"the rest (the source has them, or a year) {share(figures[False])}; gap {gap(figures)}",
    ]


#: The kinds whose false alarms on human English the target (3%) counts; omission is shown too.
_ALARM_KINDS = ("polarity", "name", "unsupported", "invented-figure")


def false_alarms(label: str, src: list[str], ref: list[str]) -> str:
    """The share of lines whose (human) English the checks flag, per kind and together."""
    check = TrustCheck(low_confidence=None)
    alarms: dict[str, int] = {}
    together = 0
    for s, r in zip(src, ref, strict=True):
        kinds = {f.kind for f in trust_flags(s, r, check=check)}
        together += bool(kinds & set(_ALARM_KINDS))
        for kind in kinds:
            alarms[kind] = alarms.get(kind, 0) + 1
    shown = ", ".join(f"{k} {alarms.get(k, 0) / len(src):.2%}" for k in (*_ALARM_KINDS, "omission"))
    return (
        f"false alarms on {label} ({len(src)} lines): {together / len(src):.2%} "
        f"for {', '.join(_ALARM_KINDS)} together ({shown})"
    )


_NEGATION_EN = re.compile(r"\s*\b(?:not|never|no)\b|n't\b", re.IGNORECASE)
_AUXILIARY = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|did|does|do)\b"
)


def polarity_probe(src: list[str], ref: list[str]) -> str:
    """The polarity check against the human English turned around: every negation removed
    from references that negate where the Swahili does (must be flagged), and "not" put after
    the first auxiliary of references with no negation on either side (must be flagged)."""
    removed = removed_hit = added = added_hit = 0
    for s, r in zip(src, ref, strict=True):
        found = polarity(s, r)
        if found.swahili and found.english:
            removed += 1
            removed_hit += polarity_flag(s, _NEGATION_EN.sub("", r)) is not None
        elif not found.swahili and not found.english and not found.swahili_weak:
            auxiliary = _AUXILIARY.search(r)
            if auxiliary:
                added += 1
                turned = r[: auxiliary.end()] + " not" + r[auxiliary.end() :]
                added_hit += polarity_flag(s, turned) is not None
    return (
        f"polarity on dev's English turned around: negation removed from {removed} lines, "
        f"flagged {removed_hit} ({removed_hit / max(removed, 1):.0%}); 'not' added to {added}, "
        f"flagged {added_hit} ({added_hit / max(added, 1):.0%})"
    )


def shifted_lines(translator: Translator, src: list[str], ref: list[str]) -> set[int]:
    """Lines whose reference translates a neighbouring line, not their own (MAFAND-MT dev has
    a few runs shifted by one): the model's English of a line matches a neighbour's reference,
    or a neighbour's English matches this reference, by 10 chrF more than its own pair. Lines
    of under six words are left alone (short lines look alike). The flags play no part."""
    english, _, _ = translate_lines(translator, src)

    def chrf(i: int, j: int) -> float:
        return sacrebleu.sentence_chrf(english[i], [ref[j]]).score

    shifted = set()
    for i in range(len(src)):
        if len(ref[i].split()) < 6:
            continue
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(src)]
        best = max([chrf(i, j) for j in near] + [chrf(j, i) for j in near])
        if best > chrf(i, i) + 10:
            shifted.add(i)
    return shifted


def report(limit: int | None, aligned: bool = False) -> None:
    src, ref = _read("test.sw", limit), _read("test.en", limit)
    translator = Translator()
    english, info, seconds = translate_lines(translator, src)
    chrf = [sacrebleu.sentence_chrf(h, [r]).score for h, r in zip(english, ref, strict=True)]
    print(f"MAFAND-MT test, {len(src)} lines, shipped defaults ({translator.backend.description})")
    print(
        f"{'flag':<16} {'lines':>6} {'share':>7} {'chrF flagged':>13} {'unflagged':>10}  "
        f"gap [95% CI]   gap to lines with no flag [95% CI]   "
        f"gap to lines it examined and passed [95% CI]   the reference agrees"
    )
    # The lines an editor would pass over: no flag of any kind.
    clean = [c for c, (kinds, _) in zip(chrf, info, strict=True) if not kinds]
    for kind in TRUST_KINDS:
        hit = [c for c, (kinds, _) in zip(chrf, info, strict=True) if kind in kinds]
        rest = [c for c, (kinds, _) in zip(chrf, info, strict=True) if kind not in kinds]
        if not hit:
            print(f"{kind:<16} {0:>6}")
            continue
        low, high = _bootstrap_gap(hit, rest)
        gap = statistics.fmean(rest) - statistics.fmean(hit)
        clean_low, clean_high = _bootstrap_gap(hit, clean)
        clean_gap = statistics.fmean(clean) - statistics.fmean(hit)
        looked = [examined(kind, s, e) for s, e in zip(src, english, strict=True)]
        passed = [
            c
            for c, seen, (kinds, _) in zip(chrf, looked, info, strict=True)
            if seen and kind not in kinds
        ]
        if passed:
            passed_low, passed_high = _bootstrap_gap(hit, passed)
            passed_gap = statistics.fmean(passed) - statistics.fmean(hit)
            versus = f"{passed_gap:.1f} [{passed_low:.1f}, {passed_high:.1f}] of {len(passed)}"
        else:
            versus = "-"
        verdicts = [
            reference_agrees(kind, kinds[kind], s, r)
            for s, r, (kinds, _) in zip(src, ref, info, strict=True)
            if kind in kinds
        ]
        judged = [v for v in verdicts if v is not None]
        agrees = f"{sum(judged)}/{len(judged)}" if judged else "-"
        print(
            f"{kind:<16} {len(hit):>6} {len(hit) / len(src):>7.1%} {statistics.fmean(hit):>13.1f} "
            f"{statistics.fmean(rest):>10.1f}  {gap:.1f} [{low:.1f}, {high:.1f}]   "
            f"{clean_gap:.1f} [{clean_low:.1f}, {clean_high:.1f}]   {versus}   {agrees}"
        )
    anyflag = [c for c, (kinds, _) in zip(chrf, info, strict=True) if kinds]
    print(f"{'any':<16} {len(anyflag):>6} {len(anyflag) / len(src):>7.1%}")
    print(
        f"{'none':<16} {len(clean):>6} {len(clean) / len(src):>7.1%} {statistics.fmean(clean):>13.1f}"
    )
    for line in word_level(src, english, ref):
        print(line)

    dev_src, dev_ref = _read("dev.sw", limit), _read("dev.en", limit)
    print(false_alarms("the human English of dev", dev_src, dev_ref))
    print(polarity_probe(dev_src, dev_ref))
    # The same on lines of train no rule was written from (dev's false alarms were read).
    train_src = _read("train.sw", None)[5000:15000]
    train_ref = _read("train.en", None)[5000:15000]
    print(false_alarms("the human English of train lines 5,001-15,000", train_src, train_ref))
    if aligned:
        shifted = shifted_lines(translator, dev_src, dev_ref)
        keep = [i for i in range(len(dev_src)) if i not in shifted]
        print(f"dev lines whose English translates a neighbour's Swahili: {len(shifted)}")
        print(
            false_alarms(
                "dev without them",
                [dev_src[i] for i in keep],
                [dev_ref[i] for i in keep],
            )
        )

    bare = Translator(trust=None)
    bare.translate_document("Habari.")  # load and warm up like the first
    _, _, without = translate_lines(bare, src)
    _, _, again = translate_lines(translator, src)
    print(
        f"time: {again:.1f} s with the checks and scoring, {without:.1f} s without "
        f"({(again - without) / without:+.1%}); first run {seconds:.1f} s"
    )


def cost_by_parts(translator: Translator, text: str) -> tuple[float, float, float, int, int]:
    """(whole run, scoring pass, checks) in seconds, pieces rescored, segments translated."""
    parts = {"score": 0.0, "checks": 0.0, "rescored": 0}

    def timed(fn, part: str):
        def run(*args):
            began = time.perf_counter()
            try:
                return fn(*args)
            finally:
                parts[part] += time.perf_counter() - began
                if part == "score":
                    parts["rescored"] += len(args[0])

        return run

    translator.backend.score_batch = timed(translator.backend.score_batch, "score")  # type: ignore[method-assign]
    translator._trust_flags = timed(translator._trust_flags, "checks")  # type: ignore[method-assign]
    try:
        began = time.perf_counter()
        doc = translator.translate_document(text)
        whole = time.perf_counter() - began
    finally:
        del translator.backend.score_batch, translator._trust_flags
    return whole, parts["score"], parts["checks"], int(parts["rescored"]), len(doc.segments)


def cost(limit: int | None, rounds: int = 3) -> None:
    translator = Translator()
    translator.translate_document("Habari.")  # load and warm up
    seed = (REPO / "seeds").glob("*.txt")
    inputs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(seed)][:1]
    inputs.append(("MAFAND-MT test", "\n".join(_read("test.sw", limit))))
    print(f"cost by parts ({translator.backend.description}), {rounds} runs each, fastest shown")
    for label, text in inputs:
        runs = [cost_by_parts(translator, text) for _ in range(rounds)]
        whole, score, checks, rescored, segments = min(runs)
        added = score + checks
        print(
            f"{label}: {segments} segments, whole run {whole:.2f} s; scoring pass {score:.2f} s "
            f"({rescored} pieces rescored), checks {checks:.2f} s: "
            f"{added / (whole - added):+.1%} over the run without them"
        )


def calibrate(limit: int | None) -> None:
    src, ref = _read("dev.sw", limit), _read("dev.en", limit)
    english, info, _ = translate_lines(Translator(), src)
    pairs = [
        (conf, sacrebleu.sentence_chrf(h, [r]).score)
        for h, r, (_, conf) in zip(english, ref, info, strict=True)
        if conf is not None
    ]
    confidences = sorted(c for c, _ in pairs)
    threshold = confidences[len(confidences) // 10]
    low = [f for c, f in pairs if c < threshold]
    high = [f for c, f in pairs if c >= threshold]
    print(f"MAFAND-MT dev, {len(pairs)} scored lines")
    print(f"tenth percentile of confidence: {threshold:.2f} (translate.trust.LOW_CONFIDENCE)")
    print(
        f"mean chrF below it {statistics.fmean(low):.1f}, at or above it "
        f"{statistics.fmean(high):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true", help="measure the threshold on dev")
    parser.add_argument("--limit", type=int, default=None, help="use the first N lines only")
    parser.add_argument("--cost", action="store_true", help="only the cost, by parts")
    parser.add_argument(
        "--aligned",
        action="store_true",
        help="also translate dev and report false alarms without its shifted lines",
    )
    args = parser.parse_args()
    if args.calibrate:
        calibrate(args.limit)
    elif args.cost:
        cost(args.limit)
    else:
        report(args.limit, aligned=args.aligned)


if __name__ == "__main__":
    main()
