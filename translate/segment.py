"""Segmentation: article → paragraphs → sentences, with exact character offsets.

Contract (the pipeline, review and glossary code rely on it):
- ``segment_document(text)`` returns ``Segment``s in order; ``text[s.start:s.end] == s.text``.
- Segments never overlap; everything between them is whitespace, so
  ``rebuild(text, segments, outputs)`` puts each output in its segment's place and keeps the
  whitespace (paragraph and line layout) as it was.

How it works:

1. The text is cut into lines (the line ends ``str.splitlines`` knows, ``\\r\\n`` included) and
   lines into paragraphs at blank (whitespace-only) lines.
2. Lines are grouped into *blocks*: each line on its own (``layout="lines"``), the whole
   paragraph (``"paragraphs"``), or, by default (``"auto"``), lines joined only where the
   paragraph looks hard-wrapped (see :func:`segment_document`). Known one-line boilerplate
   ("SHARE:", "Imechapishwa", "Trending", ...) is always a block of its own.
3. Each block is split into sentences by ``sentencex`` (Swahili rules), then corrected for
   Swahili: titles and other abbreviations ("Bw.", "Dkt.", "Mhe.", "Jan. 5"), sentences that
   continue in lowercase, list markers ("1."), quotations that run over several sentences and end
   in an attribution ("...endelevu,” alisema."), and opening quotes left at the end of the
   previous sentence.

See ``docs/segmentation.md`` for the rules, the layout option and known limits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Segment", "segment_document", "rebuild", "LAYOUTS", "KINDS"]

logger = logging.getLogger(__name__)

LAYOUTS = ("auto", "lines", "paragraphs")
"""Values of ``segment_document(layout=...)``."""

KINDS = ("sentence", "heading", "boilerplate", "nontext")
"""Values of ``Segment.kind``."""

# Hard-wrapped plain text (mail, READMEs) is wrapped at 72-80 columns, sometimes 100-120; a
# paragraph with longer lines is line-per-segment text, whose lines are never joined.
MAX_WRAP_WIDTH = 120
# Narrower "paragraphs" are lists, tables or verse rather than wrapped prose.
MIN_WRAP_WIDTH = 25
# Share of a paragraph's lines (all but the last) that must be filled to the wrap width before
# any of its lines are joined.
WRAPPED_FILLED_SHARE = 0.75

# A quotation longer than this is split into its sentences even if it closes later: the
# translation model handles a few sentences at once well, a page badly.
DEFAULT_MAX_QUOTE_CHARS = 1000

# sentencex pieces longer than this are checked again for plain sentence ends it skipped.
LONG_PIECE_CHARS = 500

# Titles and units that always precede something: a full stop after them never ends a sentence.
_TITLES = frozenset(
    """Bw Bi Bibi Dkt Dk Dr Mhe Mh Prof Mch Mwl Mt St Mr Mrs Ms Jen Kan Kapt Capt Lt Sgt Rev Hon
    Sh Shs Tsh TSh Ksh KSh Ush USh""".split()
)
# Abbreviations that are followed by a number ("Jan. 5", "Uk. 12", "Nam. 3").
_BEFORE_NUMBER = frozenset(
    """Jan Feb Mac Mar Apr Jun Jul Ago Aug Sep Sept Okt Oct Nov Des Dec
    No Nam Uk Kif Ib Art Sec Fig Vol""".split()
)
# Abbreviations inside a sentence ("n.k.", "k.m."): no split when the sentence goes on in
# lowercase or with a number; a capital after them starts a new sentence.
_INLINE = frozenset("n.k k.m k.v n.a mf yaani etc e.g i.e a.m p.m".split())

# Whole lines of web-page furniture, compared case-folded without a trailing colon.
_BOILERPLATE = frozenset(
    s.casefold()
    for s in (
        "SHARE",
        "Shiriki",
        "Shiriki nakala hii",
        "Shiriki makala hii",
        "Share this article",
        "Imechapishwa",
        "Published",
        "on",
        "Trending",
        "Kuungana na sisi",
        "Connect with us",
        "Soma zaidi",
        "Soma pia",
        "Read more",
        "Tangazo",
        "Matangazo",
        "Advertisement",
        "Habari zinazohusiana",
        "Related",
        "Related posts",
        "Tufuate",
        "Follow us",
        "Maoni",
        "Comments",
        "Print",
        "Chapisha",
        "Tweet",
        "Email",
        "Barua pepe",
        "Facebook",
        "Twitter",
        "WhatsApp",
        "LinkedIn",
        "Telegram",
    )
)

_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Same length in, same length out: offsets found in the masked block are offsets in the text.
_BREAK_CHAR = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

_OPEN_QUOTES = "“„«"
_CLOSE_QUOTES = "”»"
_DOUBLE_QUOTES = '"' + _OPEN_QUOTES + _CLOSE_QUOTES
# Single quotes are left alone: Swahili spells ng'ombe, ng'ambo with an apostrophe.
_BEFORE_OPENING = "([{—–-/"
_AFTER_CLOSING = ".,;:!?)]}—–-…"
_OPENERS = _DOUBLE_QUOTES + "(["

_TERMINAL_END = re.compile(r"[.!?…:]['\"”’»)\]]*$")
_LAST_TOKEN = re.compile(r"(?:^|[\s(\[\"“„«'‘])([^\s(\[\"“„«'‘]+)$")
_LIST_MARKER = re.compile(r"\(?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,6})[.)]")
_BULLET = re.compile(r"(?:[-*•–—·▪►]\s|\(?\d{1,3}[.)]\s)")
# The lookbehind starts a match only at the first mark of a run: "......" stays linear.
_PLAIN_END = re.compile(r"(?<![.!?…])[.!?…]+['\"”’»)\]]*(?=\s)")
_LIST_END = re.compile(r"(?<![\w.])(?:n\.k|n\.k\.w|nk|etc)\.(?=\s)", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)")
_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")


@dataclass(frozen=True)
class Segment:
    """A span of the source to translate as one unit.

    Attributes:
        text: the source text, exactly ``document[start:end]``; never starts or ends with
            whitespace, and may hold line breaks when hard-wrapped lines were joined.
        start: character offset of the first character in the document.
        end: character offset one past the last character.
        paragraph: 0-based paragraph index (paragraphs are separated by blank lines).
        index: 0-based position of the segment within its paragraph.
        kind: advisory label for review: ``"sentence"``; ``"heading"`` (a one-line paragraph
            without sentence-final punctuation); ``"boilerplate"`` (known web-page furniture such
            as "SHARE:" or "Imechapishwa"); ``"nontext"`` (no letters at all, e.g. "2024", "***").
            All kinds are segments to translate; a pipeline may copy ``"nontext"`` verbatim.
    """

    text: str
    start: int
    end: int
    paragraph: int
    index: int
    kind: str = "sentence"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Segment kind {self.kind!r} is not one of {', '.join(KINDS)}")

    @property
    def model_text(self) -> str:
        """The text to give the translation model: whitespace runs (line breaks of a joined
        hard-wrapped sentence included) become one space; zero-width spaces and BOMs go."""
        return " ".join(self.text.replace("\u200b", "").replace("\ufeff", "").split())


def segment_document(
    text: str,
    *,
    layout: str = "auto",
    split_sentences: bool = True,
    max_quote_chars: int = DEFAULT_MAX_QUOTE_CHARS,
) -> list[Segment]:
    """Cut a document into paragraphs and sentences with exact offsets.

    Args:
        text: the whole document (any line ends).
        layout: how lines relate to segments. ``"lines"``: a segment never crosses a line end
            (line-per-segment corpora, subtitles). ``"paragraphs"``: the lines of a paragraph are
            one running text, so a sentence may cross line ends. ``"auto"`` (default): like
            ``"lines"``, except that a line is joined with the next when the paragraph looks
            hard-wrapped: lines no longer than ``MAX_WRAP_WIDTH`` (120) columns, the line ends
            mid-sentence (no ``. ! ? … :``), the next line's first word would not have fitted on
            it, and the next line goes on in lowercase (or, in a paragraph of three or more lines
            that are all filled that way, with any word that is not a list item). A line-per-
            segment file keeps its lines whatever ``layout`` says except ``"paragraphs"``;
            pass ``"lines"`` to be certain.
        split_sentences: ``False`` makes every block one segment (with ``layout="lines"``, one
            segment per non-blank line).
        max_quote_chars: a quotation (or bracketed aside) up to this long that spans sentences
            stays in one segment, with its attribution; ``0`` turns this off.

    Returns:
        The segments, in document order. Empty or whitespace-only text gives ``[]``.

    Raises:
        ValueError: an unknown ``layout`` or a negative ``max_quote_chars``.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r} is not one of {', '.join(LAYOUTS)}")
    if max_quote_chars < 0:
        raise ValueError(f"max_quote_chars must be 0 (off) or positive, got {max_quote_chars}")

    segments: list[Segment] = []
    for paragraph, lines in enumerate(_paragraphs(text)):
        index = 0
        for first, last in _blocks(text, lines, layout):
            start, end = lines[first][0], lines[last][1]
            if split_sentences:
                spans = _sentences(text, start, end, max_quote_chars)
            else:
                spans = [(start, end)]
            whole_line_heading = first == last and len(lines) == 1
            for s, e in spans:
                piece = text[s:e]
                kind = _kind(piece, alone=whole_line_heading and len(spans) == 1)
                segments.append(Segment(piece, s, e, paragraph, index, kind))
                index += 1
    logger.debug("segmented %d characters into %d segments", len(text), len(segments))
    return segments


def rebuild(text: str, segments: Sequence[Segment], outputs: Sequence[str]) -> str:
    """Replace each segment's span in ``text`` by its output, keeping everything between.

    The whitespace between segments (line ends, blank lines, indentation) is copied as it is,
    so identity outputs (``[s.text for s in segments]``) give back ``text`` exactly. A segment
    that joined hard-wrapped lines is replaced as a whole, so its output takes one line.

    Raises:
        ValueError: the counts differ, or the segments are out of order or outside ``text``.
    """
    if len(segments) != len(outputs):
        raise ValueError(f"{len(segments)} segments but {len(outputs)} outputs")
    parts: list[str] = []
    pos = 0
    for seg, out in zip(segments, outputs, strict=True):
        if seg.start < pos or seg.end < seg.start or seg.end > len(text):
            raise ValueError(
                f"segment {seg.start}:{seg.end} overlaps the previous one or lies outside the "
                f"text ({len(text)} characters); segments must be in order and non-overlapping"
            )
        parts.append(text[pos : seg.start])
        parts.append(out)
        pos = seg.end
    parts.append(text[pos:])
    return "".join(parts)


# --- lines and paragraphs -------------------------------------------------------------------


def _paragraphs(text: str) -> list[list[tuple[int, int]]]:
    """Non-blank lines as (start, end) of their stripped content, grouped at blank lines."""
    paragraphs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    pos = 0
    breaks = [m.span() for m in _LINE_BREAK.finditer(text)] + [(len(text), len(text))]
    for brk_start, brk_end in breaks:
        line = text[pos:brk_start]
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            current.append((pos + lead, pos + lead + len(stripped)))
        elif current:
            paragraphs.append(current)
            current = []
        pos = brk_end
    if current:
        paragraphs.append(current)
    return paragraphs


def _blocks(text: str, lines: list[tuple[int, int]], layout: str) -> list[tuple[int, int]]:
    """Group a paragraph's lines into runs (first, last line index) segmented as one text."""
    n = len(lines)
    if n == 1:
        return [(0, 0)]
    boiler = [_is_boilerplate(text[s:e]) for s, e in lines]
    if layout == "lines":
        joins = [False] * (n - 1)
    elif layout == "paragraphs":
        joins = [not (boiler[i] or boiler[i + 1]) for i in range(n - 1)]
    else:
        joins = _wrapped_joins(text, lines, boiler)
    blocks: list[tuple[int, int]] = []
    first = 0
    for i in range(n - 1):
        if not joins[i]:
            blocks.append((first, i))
            first = i + 1
    blocks.append((first, n - 1))
    return blocks


def _wrapped_joins(text: str, lines: list[tuple[int, int]], boiler: list[bool]) -> list[bool]:
    """For each line but the last: does it run on into the next (hard-wrapped prose)?"""
    # Width counts the indentation too: a wrapper fills the whole line.
    starts = [_line_start(text, s) for s, _ in lines]
    widths = [e - ls for (_, e), ls in zip(lines, starts, strict=True)]
    width = max(widths)
    n = len(lines)
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH:
        return [False] * (n - 1)
    filled = []
    for i in range(n - 1):
        s, e = lines[i + 1]
        first_word = len(text[s:e].split(None, 1)[0])
        filled.append(widths[i] + 1 + first_word > width)
    # A wrapper fills (nearly) every line; lines of a list or a line-per-segment file have
    # lengths that leave room for the next word.
    if sum(filled) < WRAPPED_FILLED_SHARE * (n - 1):
        return [False] * (n - 1)
    ends = [_ends_sentence(text[s:e]) for s, e in lines[:-1]]
    rights = [text[s:e] for s, e in lines[1:]]
    lower = [r[0].isalpha() and r[0].islower() for r in rights]
    runs_on = [filled[i] and not ends[i] and lower[i] for i in range(n - 1)]
    # Every line filled and a sentence seen running on into a lowercase line: wrapped prose,
    # so the whole paragraph is one running text (names may start a line; a quotation may
    # cross line ends).
    wrapped = n >= 3 and all(filled) and any(runs_on)
    joins = []
    for i in range(n - 1):
        if boiler[i] or boiler[i + 1] or _BULLET.match(rights[i]) or _URL.match(rights[i]):
            joins.append(False)
        else:
            joins.append(wrapped or runs_on[i])
    return joins


def _line_start(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1] not in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029":
        pos -= 1
    return pos


def _ends_sentence(line: str) -> bool:
    if not _TERMINAL_END.search(line):
        return False
    token = _last_token(line[-40:])
    return token is None or token[:-1] not in _TITLES


def _is_boilerplate(line: str) -> bool:
    return line.rstrip(":： ").casefold() in _BOILERPLATE


def _kind(piece: str, *, alone: bool) -> str:
    if not any(c.isalpha() for c in piece):
        return "nontext"
    if "\n" not in piece and "\r" not in piece and _is_boilerplate(piece):
        return "boilerplate"
    if alone and not _TERMINAL_END.search(piece.rstrip(":")) and len(piece.split()) <= 20:
        return "heading"
    return "sentence"


# --- sentences ------------------------------------------------------------------------------


def _sentences(text: str, start: int, end: int, max_quote_chars: int) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets, stripped) of ``text[start:end]``."""
    import sentencex  # type: ignore[import-untyped]  # compiled; loaded on first use

    block = text[start:end]
    block = _BREAK_CHAR.sub(" ", block)
    cuts = sorted(
        {b["end_index"] for b in sentencex.get_sentence_boundaries("sw", block)} - {0, len(block)}
    )
    # sentencex does not split inside an open bracket or quote even when it never closes, so
    # one stray "(" can swallow a page; long pieces get a second, plain look.
    bounds = [0, *cuts, len(block)]
    extra = [
        cut
        for a, b in zip(bounds, bounds[1:], strict=False)
        if b - a > LONG_PIECE_CHARS
        for cut in _plain_cuts(block, a, b)
    ]
    # "n.k." (etc.) often closes a list and its sentence; sentencex never ends a sentence there.
    extra += _plain_cuts(block, 0, len(block), _LIST_END)
    if extra:
        cuts = sorted(set(cuts).union(extra))
    quotes = _protected_spans(block, max_quote_chars) if max_quote_chars else []
    spans: list[tuple[int, int]] = []
    prev = 0
    q = 0
    for cut in [*cuts, len(block)]:
        s, e = _strip(block, prev, cut)
        if s == e:
            prev = cut
            continue
        if cut < len(block):
            # sentencex leaves an opening quote or bracket on the sentence before it.
            while e - 1 > s and block[e - 1] in _OPENERS and _is_opening(block, e - 1):
                e = _strip(block, s, e - 1)[1]
                cut = e
        if spans:
            ps, pe = spans[-1]
            while q < len(quotes) and quotes[q][1] < s:
                q += 1
            inside_quote = q < len(quotes) and quotes[q][0] < pe and s <= quotes[q][1]
            if inside_quote or _runs_on(block, ps, pe, s, e):
                spans[-1] = (ps, e)
                prev = cut
                continue
        spans.append((s, e))
        prev = cut
    return [(start + s, start + e) for s, e in spans]


def _strip(block: str, s: int, e: int) -> tuple[int, int]:
    while s < e and block[s].isspace():
        s += 1
    while e > s and block[e - 1].isspace():
        e -= 1
    return s, e


def _runs_on(block: str, ps: int, pe: int, s: int, e: int) -> bool:
    """Is the boundary between ``block[ps:pe]`` and ``block[s:e]`` a false sentence end?"""
    nxt = block[s]
    if nxt.isalpha() and nxt.islower():
        return True
    left = block[max(ps, pe - 40) : pe]
    if pe - ps <= 8 and _LIST_MARKER.fullmatch(block[ps:pe]):
        return True
    token = _last_token(left)
    if token is None or not token.endswith("."):
        return False
    word = token[:-1].lstrip("(")
    if word in _TITLES:
        return True
    if nxt.isdigit() and (word in _BEFORE_NUMBER or word.casefold() in _INLINE):
        return True
    # "J. Magufuli": a lone capital is an initial.
    return bool(_INITIAL.search(left)) and nxt.isupper()


def _last_token(text: str) -> str | None:
    m = _LAST_TOKEN.search(text)
    return m.group(1) if m else None


def _is_opening(block: str, i: int) -> bool:
    c = block[i]
    if c in "([":
        return True
    before = block[i - 1] if i > 0 else " "
    after = block[i + 1] if i + 1 < len(block) else " "
    side = _quote_side(before, after)
    return c in _OPEN_QUOTES if side is None else side


def _quote_side(before: str, after: str) -> bool | None:
    """True: a quote mark between these characters opens; False: closes; None: can't tell."""
    space_before = before.isspace() or before in _BEFORE_OPENING
    word_after = not (after.isspace() or after in _AFTER_CLOSING)
    # ' "Nchi' opens and 'fedha," ' closes; ' " ' and 'a"b' say nothing.
    return space_before if space_before == word_after else None


def _plain_cuts(
    block: str, start: int, end: int, pattern: re.Pattern[str] | None = None
) -> list[int]:
    """Offsets after sentence-final punctuation (or ``pattern``) followed by a capital or digit."""
    cuts = []
    for m in (pattern or _PLAIN_END).finditer(block, start, end):
        nxt = m.end() + 1
        while nxt < end and (block[nxt].isspace() or block[nxt] in _OPENERS):
            nxt += 1
        if nxt < end and (block[nxt].isupper() or block[nxt].isdigit()):
            cuts.append(m.end())
    return cuts


def _protected_spans(block: str, max_chars: int) -> list[tuple[int, int]]:
    """Quotations and brackets closing within ``max_chars``: (open, close), merged, sorted."""
    spans = _quote_spans(block, max_chars)
    stack: list[int] = []
    for m in re.finditer(r"[()\[\]]", block):
        if m.group() in "([":
            stack.append(m.start())
        elif stack:
            opened = stack.pop()
            if m.start() - opened <= max_chars:
                spans.append((opened, m.start()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _quote_spans(block: str, max_chars: int) -> list[tuple[int, int]]:
    """(open, close) offsets of double quotations that close within ``max_chars``.

    Straight and curly quotes pair with each other (the seed article opens with ``"`` and
    closes with ``”``); whether a mark opens or closes is read from the characters around it.
    """
    spans: list[tuple[int, int]] = []
    open_at = -1
    for m in re.finditer(f"[{_DOUBLE_QUOTES}]", block):
        i = m.start()
        if block[i] == '"':
            before = block[i - 1] if i > 0 else " "
            after = block[i + 1] if i + 1 < len(block) else " "
            side = _quote_side(before, after)
            opening = open_at < 0 if side is None else side
        else:
            opening = _is_opening(block, i)
        if opening:
            open_at = i
        elif open_at >= 0:
            if i - open_at <= max_chars:
                spans.append((open_at, i))
            open_at = -1
    return spans
