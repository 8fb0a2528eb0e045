"""Noisy-channel reranking: the beam's candidates rescored by an English→Swahili model.

A small sw→en model's beam often holds a better translation than the one it ranks first: one
that keeps more of the source instead of being merely fluent. Asking the reverse model how
likely the Swahili is *given* each English candidate (the "channel", Yee et al. 2019, "Simple
and Effective Noisy Channel Modeling for Neural Machine Translation") rewards candidates that
account for the whole source. Each candidate is ranked by

    forward score + weight × channel score

both the mean log-probability per token (the forward one of the English, the channel one of
the Swahili; for one source the channel's mean and sum differ by a constant factor, so the
mean loses nothing). The candidates are the beam's own n-best, so this costs one
teacher-forced pass of the small reverse model per candidate, no extra search.

A model folder declares its reranker in a ``rerank.json`` (``{"model": "en-sw-compact",
"weight": 0.4, "candidates": 3, "by_default": false}``): the weight belongs to the forward
model's score scale, so it lives beside its weights. The embedded ``sw-en-compact`` declares
the embedded ``en-sw-compact``, off by default: ``tafsiri translate --rerank`` turns it on.
With it, the English gets longer: MAFAND-MT test gains +0.21 chrF2 (paired bootstrap p =
0.001) and loses 0.08 BLEU (p = 0.16) for about a third more time, so speed wins the default;
see ``docs/rerank.md``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

from translate.backend import Backend, DecodeOptions, Hypothesis
from translate.textio import InputError

__all__ = [
    "RERANK_FILE",
    "DEFAULT_WEIGHT",
    "DEFAULT_CANDIDATES",
    "Reranker",
    "RerankedBackend",
    "declared_reranker",
    "choose_reranker",
    "reranker_label",
    "rerank",
]

#: The file in a model folder that declares its reranker.
RERANK_FILE = "rerank.json"
#: The channel weight when a reranker is named without one (``--rerank-with``): the embedded
#: model's, chosen on MAFAND-MT dev.
DEFAULT_WEIGHT = 0.4
#: How many of the beam's candidates are rescored (never more than the beam).
DEFAULT_CANDIDATES = 3


@dataclass(frozen=True)
class Reranker:
    """Which English→Swahili model reranks, and how.

    Attributes:
        model: the channel model: a name (``tafsiri model list``) or a folder.
        weight: the channel score's weight against the forward score (> 0).
        candidates: how many of the beam's hypotheses are rescored (≥ 2; capped by the beam).
    """

    model: str
    weight: float = DEFAULT_WEIGHT
    candidates: int = DEFAULT_CANDIDATES

    def __post_init__(self) -> None:
        if not (self.weight > 0 and math.isfinite(self.weight)):
            raise ValueError(f"the rerank weight must be a positive number, got {self.weight}")
        if self.candidates < 2:
            raise ValueError(f"reranking needs at least 2 candidates, got {self.candidates}")

    def signature(self, name: str, fingerprint: str) -> str:
        """How records name it: ``en-sw-compact:<fingerprint>:0.4x3``."""
        return f"{name}:{fingerprint}:{self.weight:g}x{self.candidates}"


def declared_reranker(folder: Path) -> tuple[Reranker, bool] | None:
    """The reranker ``folder``'s ``rerank.json`` declares, and whether it runs by default
    (its ``"by_default"``, true where left out); None where the folder declares none.

    Raises:
        InputError: the file is there but is not a valid declaration.
    """
    path = Path(folder) / RERANK_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("model"), str):
            raise ValueError('it needs a "model" name')
        by_default = data.get("by_default", True)
        if not isinstance(by_default, bool):
            raise ValueError('"by_default" must be true or false')
        reranker = Reranker(
            data["model"],
            float(data.get("weight", DEFAULT_WEIGHT)),
            int(data.get("candidates", DEFAULT_CANDIDATES)),
        )
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as err:
        raise InputError(f"{path}: not a valid reranker declaration ({err})") from None
    return reranker, by_default


def rerank(
    sources: list[str],
    nbest: list[list[Hypothesis]],
    channel: Backend,
    weight: float,
    candidates: int | None = None,
) -> list[list[Hypothesis]]:
    """Each source's first ``candidates`` hypotheses (all by default) reordered by forward
    score + ``weight`` × channel score; the others follow in their beam order.

    The hypotheses keep their forward score (what a record's confidence means); a candidate
    the channel cannot score (empty, or too long for it) goes after the scored ones, in its
    beam order. Ties keep the beam's order.
    """
    score_batch = getattr(channel, "score_batch", None)
    if score_batch is None:
        raise ValueError(f"the reranking model ({channel.model_id}) cannot score translations")
    heads = [hyps if candidates is None else hyps[:candidates] for hyps in nbest]
    # One channel pass over the distinct (English, Swahili) pairs of the whole batch.
    pairs = sorted(
        {(h.text, src) for src, head in zip(sources, heads, strict=True) for h in head if h.text}
    )
    scores = score_batch([p[0] for p in pairs], [p[1] for p in pairs])
    scored = dict(zip(pairs, scores, strict=True))
    return [
        _by_combined_score(head, [scored.get((h.text, src)) for h in head], weight)
        + hyps[len(head) :]
        for src, head, hyps in zip(sources, heads, nbest, strict=True)
    ]


def _by_combined_score(
    hyps: list[Hypothesis], channel_scores: list[float | None], weight: float
) -> list[Hypothesis]:
    """``hyps`` best first by forward + ``weight`` × channel score; the unscored last."""

    def key(k: int) -> tuple[bool, float, int]:
        channel_score = channel_scores[k]
        if channel_score is None:
            return (True, 0.0, k)
        return (False, -(hyps[k].score + weight * channel_score), k)

    return [hyps[k] for k in sorted(range(len(hyps)), key=key)]


class RerankedBackend:
    """A back end whose n-best lists come reranked by a channel model.

    It is the forward back end to everything else (its name, fingerprint, token counts,
    scores and alignments), so enforcement, the degenerate check and the confidence work on
    it unchanged: they simply see the reranked list. Greedy decodes (beam 1, such as the
    forced repairs' continuations) have nothing to rerank and pass straight through.
    """

    def __init__(
        self, inner: Backend, channel: Backend, weight: float, candidates: int, label: str
    ) -> None:
        self.inner = inner
        self.channel = channel
        self.weight = weight
        self.candidates = candidates
        self.model_id = inner.model_id
        self.name = inner.name
        self.device = inner.device
        self.fingerprint = inner.fingerprint
        self.max_input_tokens = inner.max_input_tokens
        self.compute_type = inner.compute_type
        self.description = f"{inner.description}, reranked by {label}"

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self.inner.count_tokens(texts)

    def _wide(self, options: DecodeOptions) -> DecodeOptions | None:
        k = max(options.nbest, min(options.beam, self.candidates))
        return None if min(options.beam, self.candidates) < 2 else replace(options, nbest=k)

    def _decode(
        self,
        method: str,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None,
    ) -> list[list[Hypothesis]]:
        decode = getattr(self.inner, method, None) or self.inner.translate_batch
        wide = self._wide(options)
        if wide is None:
            return decode(texts, options, prefixes)
        ranked = rerank(
            texts, decode(texts, wide, prefixes), self.channel, self.weight, self.candidates
        )
        return [hyps[: options.nbest] for hyps in ranked]

    def translate_batch(
        self,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None = None,
    ) -> list[list[Hypothesis]]:
        return self._decode("translate_batch", texts, options, prefixes)

    def translate_aligned(
        self,
        texts: list[str],
        options: DecodeOptions,
        prefixes: list[str | None] | None = None,
    ) -> list[list[Hypothesis]]:
        """The forward back end's aligned decode, reranked (plain decode where it cannot
        align: the hypotheses then carry no links, which enforcement allows for)."""
        return self._decode("translate_aligned", texts, options, prefixes)

    def score_batch(self, sources: list[str], translations: list[str]) -> list[float | None]:
        """The forward model's score (a record's confidence is the forward model's)."""
        score_batch = getattr(self.inner, "score_batch", None)
        if score_batch is None:
            return [None] * len(sources)
        return score_batch(sources, translations)


def choose_reranker(
    folder: Path,
    *,
    on: bool | None = None,
    model: str | None = None,
    weight: float | None = None,
) -> Reranker | None:
    """The reranker a run uses (``tafsiri translate --rerank/--no-rerank``).

    ``on=False``: none. ``model`` named: that one. ``on=True``: the one ``folder`` declares.
    ``on=None``: the declared one if it runs by default. ``weight`` overrides the weight.

    Raises:
        InputError: ``folder``'s declaration is not valid, or ``on=True`` and it has none.
        ValueError: a bad weight, or ``on=False`` together with a model or a weight.
    """
    if on is False:
        if model is not None or weight is not None:
            raise ValueError("--no-rerank cannot be used with --rerank-with or --rerank-weight")
        return None
    if model is not None:
        return Reranker(model, DEFAULT_WEIGHT if weight is None else weight)
    declared = declared_reranker(folder)
    if declared is None:
        if on or weight is not None:
            raise InputError(
                f"{Path(folder).name} declares no reranker ({RERANK_FILE}): name an "
                "English→Swahili model with --rerank-with"
            )
        return None
    reranker, by_default = declared
    if not (on or by_default or weight is not None):
        return None
    return reranker if weight is None else replace(reranker, weight=weight)


def reranker_label(reranker: Reranker, registry: Path | None = None) -> str:
    """The signature ``reranker`` will have in a run, found without loading its model.

    Raises:
        InputError: its model is not on this machine.
    """
    from translate.model_catalog import fingerprint, resolve_model
    from translate.settings import model_name

    folder = resolve_model(reranker.model, registry)
    return reranker.signature(model_name(folder), fingerprint(folder))
