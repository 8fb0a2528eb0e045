"""Degenerate output: repetition loops and outputs far longer or shorter than their source.

A small model sometimes falls into a loop ("U.S.S.S.S.S.S.S. A A A AMASSSS…", "radio radio
radio", "develop develop developing", "Slovakiakiakiakia") or drops most of a sentence
("Shingo" for *Urefu wa Mstari wa Shingo*). :func:`find_problems` says whether one output looks
like that; the pipeline re-decodes such pieces with repetition control
(:attr:`DegenerateCheck.repetition_penalty`, :attr:`DegenerateCheck.no_repeat_ngram_size`) and
flags the ones that stay degenerate, so they are never passed on silently.

Every test is a row of :data:`TESTS` (kind, what it looks for, the threshold field). The
defaults were chosen on the MAFAND-MT dev set so that its English *references* are almost never
flagged while the embedded model's loops are; ``benchmarks/degenerate.py`` measures both, and
``docs/pipeline.md`` has the figures.

>>> [p.kind for p in find_problems("Rais alisema.", "He said said said said.")]
['repetition']
>>> find_problems("Rais alisema.", "The President said.")
()
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from translate.flags import Flag

__all__ = [
    "KINDS",
    "TESTS",
    "Problem",
    "DegenerateCheck",
    "DEFAULT_CHECK",
    "Flag",
    "find_problems",
    "flags_for",
    "doubled_word",
    "drop_doubled_words",
    "plain_word",
]

#: What :func:`find_problems` can report.
KINDS = ("repetition", "characters", "too_long", "too_short")

# Edge punctuation is not part of a word: "said," and "said" repeat each other.
_EDGE = re.compile(r"^[^\w]+|[^\w]+$")
# A letter four or more times in a row ("sssss").
_LETTER_RUN = re.compile(r"([^\W\d_])\1{3,}", re.IGNORECASE)
# A unit of 2-6 non-space characters, with a letter, three or more times in a row
# ("kiakiakia", "mentmentment", ".S.S.S").
_UNIT_RUN = re.compile(r"(\S{2,6}?)\1{2,}", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One sign of degenerate output.

    Attributes:
        kind: one of :data:`KINDS`.
        detail: what was seen, in words (``"'radio' 3 times in a row"``).
    """

    kind: str
    detail: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")


@dataclass(frozen=True)
class DegenerateCheck:
    """Thresholds for :func:`find_problems`, and how the pipeline re-decodes what it flags.

    Pass ``Translator(degenerate=None)`` to turn the check off; ``redecode=False`` keeps the
    check (outputs are still flagged) without the second decode.

    Attributes:
        word_run: a word (or words each starting with it, "develop develop developing")
            this many times in a row is a loop. Words compare case-folded, edge punctuation
            stripped; a run the source itself has is not counted.
        doubled_words: a word with letters written twice in a row ("also also", "West West")
            is a repetition too. A small model stutters like this in about one sentence in
            twenty; English references almost never do ("had had" aside), and a source that
            doubles a word itself ("pole pole") is not counted.
        ngram_run: an n-gram of 2-4 words this many times back to back is a loop.
        ngram_share: one n-gram (1-4 words) occurring at least ``ngram_run`` times and covering
            more than this share of the output's words is a loop (outputs of at least
            ``share_min_words`` words).
        share_min_words: shortest output the share test looks at.
        letter_run: a letter this many times in a row ("ssss") is a character loop.
        unit_run: a 2-6 character unit with a letter this many times in a row ("kiakiakia")
            is a character loop. Character runs that are in the source are not counted.
        max_word_ratio: output words over source words above this is too long.
        min_word_ratio: output words over source words below this is too short.
        ratio_min_words: the length tests apply to sources of at least this many words.
        redecode: re-decode flagged pieces with the two settings below.
        figure_echoes: write a figure's echo once: "319,200,200" for 319,200, "42 42,210" for
            42,210 (:func:`translate.figures.drop_figure_echoes`; a ``repetition`` flag that
            no longer persists says so).
        repetition_penalty: the re-decode's repetition penalty (the first decode's, if higher).
        no_repeat_ngram_size: the re-decode's ban on repeated n-grams (the first decode's, if
            set).
    """

    word_run: int = 3
    doubled_words: bool = True
    ngram_run: int = 3
    ngram_share: float = 0.4
    share_min_words: int = 8
    letter_run: int = 4
    unit_run: int = 3
    max_word_ratio: float = 3.0
    min_word_ratio: float = 0.25
    ratio_min_words: int = 5
    redecode: bool = True
    figure_echoes: bool = True
    repetition_penalty: float = 1.3
    no_repeat_ngram_size: int = 3

    def __post_init__(self) -> None:
        for name in ("word_run", "ngram_run", "letter_run", "unit_run"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be at least 2, got {getattr(self, name)}")
        if not 0 < self.ngram_share <= 1:
            raise ValueError(f"ngram_share must be in (0, 1], got {self.ngram_share}")
        if self.share_min_words < 1 or self.ratio_min_words < 1:
            raise ValueError("share_min_words and ratio_min_words must be positive")
        if not 0 <= self.min_word_ratio < self.max_word_ratio:
            raise ValueError(
                f"need 0 <= min_word_ratio < max_word_ratio, got {self.min_word_ratio} and "
                f"{self.max_word_ratio}"
            )
        if self.repetition_penalty < 1:
            raise ValueError(
                f"repetition_penalty must be at least 1 (1 = off), got {self.repetition_penalty}"
            )
        if self.no_repeat_ngram_size < 0:
            raise ValueError(
                f"no_repeat_ngram_size must be 0 (off) or positive, got {self.no_repeat_ngram_size}"
            )

    def signature(self) -> str:
        """A short form for run signatures: ``"1.3/3+doubled"``, ``"flag"`` (no re-decode).

        ``+doubled`` when :attr:`doubled_words` is on (it changes which pieces are re-decoded),
        ``+echoes`` when :attr:`figure_echoes` is.
        """
        base = (
            f"{self.repetition_penalty:g}/{self.no_repeat_ngram_size}" if self.redecode else "flag"
        )
        base = f"{base}+doubled" if self.doubled_words else base
        return f"{base}+echoes" if self.figure_echoes else base


#: The thresholds the pipeline uses unless told otherwise.
DEFAULT_CHECK = DegenerateCheck()


def plain_word(word: str) -> str:
    """A word as the repetition tests compare it: case-folded, edge punctuation stripped."""
    return _EDGE.sub("", word).casefold()


def doubled_word(text: str) -> str | None:
    """The first word with letters that ``text`` writes twice in a row ("also also")."""
    return _doubled(_words(text))


def drop_doubled_words(source: str, text: str, keep: Sequence[tuple[int, int]] = ()) -> str:
    """``text`` with each word written twice in a row written once ("the will will be" → "the
    will be"; "million millions" → "million"), unless ``source`` itself doubles a word (then
    it may be meant).

    The last resort for a doubled word that survives the re-decode: the n-gram ban cannot
    forbid a single repeated word, and an enforced span can land beside the model's own echo.
    Of the two, the second is kept with the first one's leading punctuation; of a word and its
    plural, the first (usually the enforced span's) with the second's trailing one — unless the
    second lies in ``keep`` (character ranges of ``text`` holding required renderings, e.g.
    a forced plural term: "Minister Ministers of Foreign Affairs" → "Ministers of Foreign
    Affairs"). Longer runs ("the the the") are left alone: they are loops, flagged as such.
    """
    if _doubled(_words(source)):
        return text
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    tokens = text.split()
    words = [plain_word(t) for t in tokens]
    kept: list[str] = []
    for i, token in enumerate(tokens):
        word = words[i]
        pair = (
            i > 0
            and _same_word(words[i - 1], word)
            and (i < 2 or words[i - 2] != word)
            and (i + 1 == len(words) or words[i + 1] != word)
        )
        if pair:
            prev = kept[-1]
            if words[i - 1] == word:
                kept[-1] = _lead(prev) + token[len(_lead(token)) :]
            elif any(a <= starts[i] < b for a, b in keep) and not any(
                a <= starts[i - 1] < b for a, b in keep
            ):  # the second is a required rendering's: keep it, with the first's lead
                kept[-1] = _lead(prev) + token[len(_lead(token)) :]
            else:  # a word and its plural: keep the first
                kept[-1] = prev[: len(prev) - len(_tail(prev))] + _tail(token)
            continue
        kept.append(token)
    return " ".join(kept) if len(kept) < len(tokens) else text


def _lead(token: str) -> str:
    """The punctuation a token starts with (the ``"`` of ``"also``)."""
    for i, ch in enumerate(token):
        if ch.isalnum() or ch == "_":
            return token[:i]
    return token


def _tail(token: str) -> str:
    """The punctuation a token ends with (the ``,`` of ``millions,``)."""
    return _lead(token[::-1])[::-1]


def _words(text: str) -> list[str]:
    return [w for w in (plain_word(t) for t in text.split()) if w]


def _word_run(words: list[str], need: int) -> tuple[str, int] | None:
    """The first run of ``need`` or more repeats of a word (or words starting with it)."""
    i = 0
    while i < len(words):
        head = words[i]
        j = i + 1
        while j < len(words) and (
            words[j] == head or (len(head) >= 4 and words[j].startswith(head))
        ):
            j += 1
        if j - i >= need:
            return head, j - i
        i += 1
    return None


def _doubled(words: list[str]) -> str | None:
    """The first word with letters written twice in a row."""
    for a, b in zip(words, words[1:], strict=False):
        if _same_word(a, b):
            return a
    return None


def _same_word(a: str, b: str) -> bool:
    """Two plain words that make a doubled word: equal and with letters (not "5 5"), or a word
    of three letters or more and its plural ("million millions", not "a as")."""
    if a == b:
        return any(ch.isalpha() for ch in a)
    return len(a) >= 3 and a.isalpha() and b == a + "s"


def _ngram_run(words: list[str], need: int) -> tuple[str, int] | None:
    for n in (2, 3, 4):
        for i in range(len(words) - n * need + 1):
            gram = words[i : i + n]
            k = 1
            while words[i + k * n : i + (k + 1) * n] == gram:
                k += 1
            if k >= need:
                return " ".join(gram), k
    return None


def _repetition(source: str, output: str, check: DegenerateCheck) -> str | None:
    words = _words(output)
    src = _words(source)
    run = _word_run(words, check.word_run)
    if run and not _word_run(src, check.word_run):
        return f"{run[0]!r} {run[1]} times in a row"
    if check.doubled_words:
        doubled = _doubled(words)
        if doubled and not _doubled(src):
            return f"{doubled!r} twice in a row"
    gram = _ngram_run(words, check.ngram_run)
    if gram and not _ngram_run(src, check.ngram_run):
        return f"{gram[0]!r} {gram[1]} times in a row"
    if len(words) >= check.share_min_words and not _dominated(src, check):
        return _dominated(words, check)
    return None


def _dominated(words: list[str], check: DegenerateCheck) -> str | None:
    """One n-gram (1-4 words) covering more than ``ngram_share`` of ``words``, described."""
    for n in (1, 2, 3, 4):
        counts = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
        if not counts:
            break
        top, k = counts.most_common(1)[0]
        if k >= check.ngram_run and k * n / len(words) > check.ngram_share:
            return f"{' '.join(top)!r} {k} times, {k * n}/{len(words)} words"
    return None


def _characters(source: str, output: str, check: DegenerateCheck) -> str | None:
    src = source.casefold()
    for m in _LETTER_RUN.finditer(output):
        run = m.group(0)
        if len(run) >= check.letter_run and run.casefold() not in src:
            return f"{m.group(1)!r} {len(run)} times in a row"
    for m in _UNIT_RUN.finditer(output):
        unit = m.group(1)
        times = len(m.group(0)) // len(unit)
        if (
            times >= check.unit_run
            and any(c.isalpha() for c in unit)
            and len(set(unit.casefold())) > 1
            and m.group(0).casefold() not in src
        ):
            return f"{unit!r} {times} times in a row"
    return None


def _too_long(source: str, output: str, check: DegenerateCheck) -> str | None:
    n_src, n_out = len(source.split()), len(output.split())
    if n_src >= check.ratio_min_words and n_out > check.max_word_ratio * n_src:
        return f"{n_out} words for {n_src} source words"
    return None


def _too_short(source: str, output: str, check: DegenerateCheck) -> str | None:
    n_src, n_out = len(source.split()), len(output.split())
    if n_src >= check.ratio_min_words and n_out < check.min_word_ratio * n_src:
        return f"{n_out} words for {n_src} source words"
    return None


#: (kind, test): each test returns a detail string when it finds its problem, else ``None``.
TESTS: tuple[tuple[str, Callable[[str, str, DegenerateCheck], str | None]], ...] = (
    ("repetition", _repetition),
    ("characters", _characters),
    ("too_long", _too_long),
    ("too_short", _too_short),
)


def find_problems(
    source: str, output: str, check: DegenerateCheck = DEFAULT_CHECK
) -> tuple[Problem, ...]:
    """The signs of degenerate output in ``output``, a translation of ``source``.

    Args:
        source: the text the model was given.
        output: its translation.
        check: the thresholds (default :data:`DEFAULT_CHECK`).

    Returns:
        One :class:`Problem` per failed test, in :data:`TESTS` order; ``()`` when the output
        looks sound (and for empty outputs of sources without words).
    """
    found = []
    for kind, test in TESTS:
        detail = test(source, output, check)
        if detail is not None:
            found.append(Problem(kind, detail))
    return tuple(found)


def flags_for(
    first: tuple[Problem, ...], final: tuple[Problem, ...], redecoded: bool
) -> tuple[Flag, ...]:
    """The flags of one piece: what the first decode showed, and what the kept output shows.

    Args:
        first: the problems of the first output.
        final: the problems of the output kept (the same as ``first`` when not re-decoded,
            or when the re-decode was no better and the first output was kept).
        redecoded: whether a second decode was made.
    """
    left = {p.kind for p in final}
    flags = [Flag(p.kind, p.detail, redecoded, p.kind in left) for p in first]
    seen = {p.kind for p in first}
    flags += [Flag(p.kind, p.detail, redecoded, True) for p in final if p.kind not in seen]
    return tuple(flags)
