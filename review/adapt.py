"""Fine-tune a model on a project's approved pairs without making it worse elsewhere.

``tafsiri review adapt P.sqlite -o my-model`` (issue 26 item 13). Following the old recipe
literally (fine-tune on 23 approved pairs alone) made the model worse: MAFAND-MT dev BLEU
21.43 → 16.38. This module does it the careful way:

1. **Split.** The approved pairs (deduplicated by source) are split by a hash of the source:
   :attr:`AdaptOptions.held_out` of them are held out and never trained on; they measure whether
   the model learnt the editors' way of translating.
2. **Replay.** The training pairs are mixed with a random sample of the original training data
   (:attr:`AdaptOptions.replay_ratio` replay pairs per approved pair, at least
   :attr:`AdaptOptions.min_replay`), so a few dozen edits cannot pull the whole model towards
   them. Replay pairs whose source is approved or in the general set are left out.
3. **Budget.** A conservative learning rate (:attr:`AdaptOptions.peak_lr`, a twentieth of
   training from scratch) and a step budget from the data size:
   :attr:`AdaptOptions.epochs` passes over the mixed data, between ``min_steps`` and
   ``max_steps``. The checkpoint kept is the best on a general-domain selection set taken from
   the replay pool (never the held-out pairs, never the general test set).
4. **Report.** The base model and the adapted one translate the held-out pairs and a general
   set (MAFAND-MT dev by default); BLEU and chrF++ of both, with ``tafsiri eval``'s JSON and
   HTML reports, go to the output folder.
5. **Gate.** If the general BLEU drops by more than :attr:`AdaptOptions.max_drop`, the model is
   not registered and the result says why.

Training is :func:`translate.train.train` (resumable: an interrupted run continues from its
checkpoint when run again with the same output folder).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from review.project import Project
from translate.textio import InputError, write_text_atomic

__all__ = ["AdaptOptions", "AdaptResult", "SetScore", "adapt", "adapt_pairs", "approved_pairs"]

log = logging.getLogger(__name__)

Pair = tuple[str, str]


@dataclass(frozen=True)
class AdaptOptions:
    """How an adaptation is made.

    Attributes:
        held_out: fraction of the approved pairs held out for the before/after score (at
            least ``min_held_out`` pairs).
        min_held_out: the fewest held-out pairs.
        min_pairs: the fewest approved pairs an adaptation starts with.
        replay_ratio: replay pairs of the original training data per approved training pair.
        min_replay: the fewest replay pairs.
        selection: general-domain pairs (from the replay pool, not trained on) that choose the
            checkpoint kept.
        epochs: passes over the mixed data.
        min_steps: the fewest updates.
        max_steps: the most updates.
        peak_lr: the learning rate after warm-up (training from scratch uses 1e-3).
        batch_tokens: target tokens per update.
        max_drop: the largest general BLEU drop allowed; a larger one and the model is not
            registered.
        general_limit: score the general set on its first N pairs only (0: all).
        minutes: a time limit on training (0: none; the step budget decides).
        seed: for the split, the replay sample and training.
        threads: CPU threads for training and translation (0: default).
    """

    held_out: float = 0.2
    min_held_out: int = 5
    min_pairs: int = 20
    replay_ratio: float = 4.0
    min_replay: int = 400
    selection: int = 200
    epochs: float = 2.0
    min_steps: int = 30
    max_steps: int = 600
    peak_lr: float = 5e-5
    batch_tokens: int = 2500
    max_drop: float = 0.5
    general_limit: int = 0
    minutes: float = 0.0
    seed: int = 1234
    threads: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.held_out < 1:
            raise ValueError(f"held_out must be between 0 and 1, got {self.held_out}")
        if self.min_pairs < self.min_held_out + 1:
            raise ValueError("min_pairs must leave at least one pair to train on")
        if self.replay_ratio < 0 or self.min_replay < 0 or self.selection < 1:
            raise ValueError("replay_ratio and min_replay must be >= 0, selection >= 1")
        if not 0 < self.min_steps <= self.max_steps:
            raise ValueError("need 0 < min_steps <= max_steps")
        if self.peak_lr <= 0 or self.max_drop < 0 or self.epochs <= 0:
            raise ValueError("peak_lr and epochs must be > 0 and max_drop >= 0")

    def steps_for(self, pairs: Sequence[Pair]) -> int:
        """The update budget for ``pairs``: ``epochs`` passes of ``batch_tokens`` (about 1.3
        tokens per English word), clamped to ``min_steps``..``max_steps``."""
        tokens = sum(1.3 * len(tgt.split()) + 1 for _, tgt in pairs)
        steps = math.ceil(self.epochs * tokens / self.batch_tokens)
        return min(max(steps, self.min_steps), self.max_steps)


@dataclass(frozen=True)
class SetScore:
    """Before/after scores on one evaluation set."""

    name: str
    segments: int
    bleu_before: float
    bleu_after: float
    chrf_before: float
    chrf_after: float

    @property
    def bleu_change(self) -> float:
        return self.bleu_after - self.bleu_before


@dataclass(frozen=True)
class AdaptResult:
    """What an adaptation did.

    Attributes:
        output: the adapted model's folder.
        pairs: approved pairs used (after deduplication).
        trained: approved pairs trained on.
        replay: replay pairs mixed in.
        steps: the update budget.
        held_out: scores on the held-out approved pairs.
        general: scores on the general set.
        registered: whether the model was registered (or may be: no name asked).
        reason: why it was not, or "".
    """

    output: str
    pairs: int
    trained: int
    replay: int
    steps: int
    held_out: SetScore
    general: SetScore
    registered: bool
    reason: str = ""
    settings: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """The one line the command prints at the end."""
        h, g = self.held_out, self.general
        verdict = "registered" if self.registered else f"NOT registered: {self.reason}"
        return (
            f"held-out approved pairs BLEU {h.bleu_before:.2f} → {h.bleu_after:.2f} "
            f"({h.bleu_change:+.2f}, {h.segments} segments); general BLEU {g.bleu_before:.2f} → "
            f"{g.bleu_after:.2f} ({g.bleu_change:+.2f}, {g.segments} segments); {verdict}"
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["held_out"]["bleu_change"] = round(self.held_out.bleu_change, 2)
        data["general"]["bleu_change"] = round(self.general.bleu_change, 2)
        return data


def approved_pairs(project: Project) -> list[Pair]:
    """The project's approved pairs (one line each, whitespace runs made one space), the first
    of each source."""
    seen: dict[str, str] = {}
    for doc in project.documents():
        for seg in project.segments(doc.id):
            if seg.status != "approved":
                continue
            src, tgt = " ".join(seg.source.split()), " ".join(seg.target.split())
            if src and tgt and src not in seen:
                seen[src] = tgt
    return list(seen.items())


def _split(pairs: Sequence[Pair], options: AdaptOptions) -> tuple[list[Pair], list[Pair]]:
    def key(pair: Pair) -> str:
        return hashlib.sha256(f"{options.seed}\t{pair[0]}".encode()).hexdigest()

    ranked = sorted(pairs, key=key)
    n_held = max(options.min_held_out, round(options.held_out * len(pairs)))
    held = set(ranked[:n_held])
    return [p for p in pairs if p not in held], [p for p in pairs if p in held]


def _translate(model: str | Path | None, sources: Sequence[str], threads: int) -> list[str]:
    from translate.pipeline import Translator

    # The models are compared as models: no glossary, no meaning-level checks.
    translator = Translator(model, glossary=None, threads=threads, trust=None)
    return translator.translate_texts(list(sources))


def _score(
    name: str,
    sources: Sequence[str],
    refs: Sequence[str],
    before: Sequence[str],
    after: Sequence[str],
    out: Path,
) -> SetScore:
    from sacrebleu.metrics import BLEU, CHRF

    from eval import evaluate
    from eval.report_html import write_html
    from eval.report_json import report_to_dict

    bleu, chrf = BLEU(), CHRF(word_order=2)
    report = evaluate(list(refs), {"before": list(before), "after": list(after)}, sources=sources)
    write_text_atomic(
        out / f"adapt-{name}.json",
        json.dumps(report_to_dict(report), ensure_ascii=False, indent=1) + "\n",
    )
    write_html(report, out / f"adapt-{name}.html", title=f"review adapt: {name}")
    return SetScore(
        name,
        len(refs),
        round(bleu.corpus_score(list(before), [list(refs)]).score, 2),
        round(bleu.corpus_score(list(after), [list(refs)]).score, 2),
        round(chrf.corpus_score(list(before), [list(refs)]).score, 2),
        round(chrf.corpus_score(list(after), [list(refs)]).score, 2),
    )


def adapt_pairs(
    pairs: Sequence[Pair],
    output: str | Path,
    *,
    replay: Sequence[Pair],
    general: Sequence[Pair],
    base: str | Path | None = None,
    options: AdaptOptions | None = None,
    register: Callable[[Path], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> AdaptResult:
    """Adapt ``base`` (default: the embedded model) to approved ``pairs``.

    Args:
        pairs: approved (Swahili, English) pairs.
        output: the adapted model's folder (resumable; reports and ``adapt.json`` go there).
        replay: the original training data to mix in (a sample is used).
        general: a general-domain evaluation set (MAFAND-MT dev by default in the CLI).
        base: the model adapted (a name or folder; None: the embedded one).
        options: the recipe.
        register: called with the output folder when the general score holds.
        progress: one line at a time (training progress included).

    Raises:
        InputError: too few approved pairs, or no replay data.
    """
    from translate.corpus import ParallelCorpus
    from translate.model_catalog import default_model
    from translate.train import TrainConfig, train

    opts = options or AdaptOptions()
    say = progress or log.info
    out = Path(output)
    pairs = list(dict.fromkeys(pairs))
    if len(pairs) < opts.min_pairs:
        raise InputError(
            f"only {len(pairs)} approved pairs; adapt needs at least {opts.min_pairs} (a few "
            "dozen edits alone make the model worse elsewhere; approve more first)"
        )
    trained, held = _split(pairs, opts)
    general = list(general)[: opts.general_limit or None]
    taken = {src for src, _ in pairs} | {src for src, _ in general}
    pool = [p for p in dict.fromkeys(replay) if p[0] not in taken and p[0].strip() and p[1].strip()]
    rng = random.Random(opts.seed)
    rng.shuffle(pool)
    selection, pool = pool[: opts.selection], pool[opts.selection :]
    n_replay = min(len(pool), max(opts.min_replay, round(opts.replay_ratio * len(trained))))
    if not selection or not n_replay:
        raise InputError("no replay data left to mix in; give the original training data")
    mixed = trained + pool[:n_replay]
    rng.shuffle(mixed)
    steps = opts.steps_for(mixed)
    base_path = Path(base) if base is not None else default_model()
    warmup = max(1, steps // 10)
    settings: dict[str, Any] = {
        "base": str(base_path),
        "peak_lr": opts.peak_lr,
        "steps": steps,
        "warmup_steps": warmup,
        "replay": n_replay,
        "trained": len(trained),
        "held_out": len(held),
        "selection": len(selection),
        "seed": opts.seed,
    }
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "adapt-split.json", json.dumps({"held_out": held}, ensure_ascii=False))
    say(
        f"adapt: {len(trained)} approved pairs + {n_replay} replay pairs, {steps} updates at "
        f"lr {opts.peak_lr:g}; {len(held)} approved pairs held out"
    )
    config = TrainConfig(
        init=str(base_path),
        peak_lr=opts.peak_lr,
        warmup_steps=warmup,
        max_steps=steps,
        minutes=opts.minutes,
        eval_every_minutes=1e9,  # one selection at the end: the step budget is small
        dev_size=len(selection),
        batch_tokens=opts.batch_tokens,
        seed=opts.seed,
        threads=opts.threads,
    )
    corpus = ParallelCorpus(
        tuple(s for s, _ in mixed), tuple(t for _, t in mixed), "approved + replay"
    )
    dev = ParallelCorpus(
        tuple(s for s, _ in selection), tuple(t for _, t in selection), "replay selection"
    )
    resume = (out / "checkpoint").exists()
    train(corpus, dev, out, config, resume=resume, progress=say)

    scores = []
    for name, subset in (("held-out", held), ("general", general)):
        sources = [s for s, _ in subset]
        say(f"adapt: translating the {name} set ({len(sources)}) with both models")
        before = _translate(base_path, sources, opts.threads)
        after = _translate(out, sources, opts.threads)
        scores.append(_score(name, sources, [t for _, t in subset], before, after, out))
    held_score, general_score = scores
    drop = general_score.bleu_before - general_score.bleu_after
    reason = ""
    if drop > opts.max_drop:
        reason = (
            f"general BLEU dropped by {drop:.2f} (> {opts.max_drop}); approve more pairs or "
            "raise --replay-ratio"
        )
    elif register is not None:
        register(out)
    result = AdaptResult(
        str(out),
        len(pairs),
        len(trained),
        n_replay,
        steps,
        held_score,
        general_score,
        not reason,
        reason,
        settings,
    )
    write_text_atomic(
        out / "adapt.json", json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n"
    )
    return result


def adapt(project: Project, output: str | Path, **kwargs: Any) -> AdaptResult:
    """:func:`adapt_pairs` on the project's approved pairs (:func:`approved_pairs`)."""
    return adapt_pairs(approved_pairs(project), output, **kwargs)
