"""Markdown in, Markdown out: markup is kept out of the model and put back around its English.

Two levels, as DeepL's tag handling does it:

**Blocks** (:func:`markdown_segments`): fenced code blocks and link reference definitions are
copied, never translated; heading, quote and list markers (``#``, ``>``, ``-``, ``1.``) stay
outside the segment; a table row (``| a | b |``) becomes one segment per cell, its pipes and
the alignment row (``|---|:-:|``) untouched.

**Inline markup** (:func:`parse`, :func:`restore`): a segment's text is parsed into the plain
text the model sees and a tree of tags over it:

- *paired tags* wrap text the model translates: ``**strong**``, ``__strong__``, ``*em*``,
  ``_em_``, ``~~strike~~``, ``[link text](url "title")``, ``[text][ref]``, ``![alt](src)``;
- *atoms* are never sent to the model and come back byte for byte: code spans, URLs and
  e-mail addresses (bare or ``<autolinks>``), inline HTML tags, backslash escapes, images
  without alt text, and emphasis delimiters that close nothing (a bold run cut in two by a
  sentence end: ``**Kwanza. Pili.**`` is two segments, ``**Kwanza.`` and ``Pili.**``).

Link and image targets are part of their tag's closing text (``](https://…)``), so a URL is
copied, never translated. After translation, :func:`restore` inserts every tag's opening and
closing text into the English exactly once, in an order that keeps the tags nested as they were,
at the place found by the first rule that applies:

1. the tag covers all of its parent's text (give or take punctuation): it covers all of the
   English (``**Rais amewasili.**`` → ``**The President has arrived.**``);
2. the tagged text itself is in the English (names and numbers pass through:
   ``**Samia** amesema`` → ``**Samia** said``), or its translation on its own is (the
   pipeline translates tagged phrases separately: ``[Waziri Mkuu](…)`` → ``Prime Minister``);
   the occurrence nearest its proportional position wins;
3. otherwise its start and end are mapped by word position (a sentence-initial tag starts the
   English, one before the final punctuation ends before it).

Atoms are placed by rule 3 (at the start, before the final punctuation, or by word position),
with the spaces they had in the source. The rules are tables (:data:`INLINE_RULES`,
:data:`BRACKET_PAIRS`) and small functions; nothing is lost or doubled whatever the model
writes, and model output containing ``*``, ``_`` or backticks that the source text did not
have is escaped, so the tag count in equals the tag count out.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from translate.segment import Segment

__all__ = [
    "TAG_KINDS",
    "ATOM_KINDS",
    "INLINE_RULES",
    "Tag",
    "Atom",
    "Markup",
    "parse",
    "restore",
    "phrases_to_translate",
    "markdown_segments",
]

#: Paired tags: their text goes to the model.
TAG_KINDS = ("strong", "em", "strike", "link", "image")
#: Atoms: copied byte for byte, never sent to the model.
ATOM_KINDS = ("code", "url", "email", "autolink", "html", "escape", "image", "marker")

#: Atoms found by pattern, tried in this order at each position (links, images and emphasis
#: delimiters have parsers of their own). URLs and e-mails only start after a non-word
#: character; trailing sentence punctuation is not part of a URL.
INLINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("escape", re.compile(r"\\[!-/:-@\[-`{-~]")),
    ("code", re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")),
    (
        "autolink",
        re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)>"),
    ),
    ("html", re.compile(r"</?[A-Za-z][A-Za-z0-9\-]*(?:\s+[^<>]*)?/?>")),
    ("url", re.compile(r"(?:https?://|ftp://|www\.)[^\s<>]+")),
    ("email", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
)
# A URL ends before trailing punctuation (and a closing bracket it did not open).
_URL_TAIL = ".,;:!?'\"”’»"
#: Brackets and quotes that an atom takes with it when they enclose nothing else:
#: "faili (`config.toml`)" sends "faili" to the model, not "faili ()".
BRACKET_PAIRS = {"(": ")", "[": "]", '"': '"', "“": "”", "‘": "’", "'": "'", "«": "»"}
_ARTICLES = ("the ", "a ", "an ")
_WORD = re.compile(r"\S+")
_EDGE_PUNCT = re.compile(r"^\W+|\W+$")
# Punctuation that closes: no space before it when the atom before it is cut out.
_CLOSING = ".,;:!?)]}”’»"


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


# -- the public result ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tag:
    """A paired tag around text the model translates.

    Attributes:
        kind: one of :data:`TAG_KINDS`.
        open: the opening text as in the source (``"**"``, ``"["``, ``"!["``).
        close: the closing text as in the source (``"**"``, ``"](https://example.com)"``).
        start: offset of the tagged text in :attr:`Markup.plain`.
        end: offset just past it.
    """

    kind: str
    open: str
    close: str
    start: int
    end: int


@dataclass(frozen=True)
class Atom:
    """Source text that is never sent to the model.

    Attributes:
        kind: one of :data:`ATOM_KINDS`.
        text: the text, byte for byte as in the source.
        pos: where it was, as an offset in :attr:`Markup.plain`.
        space_before: a space preceded it in the source.
        space_after: a space followed it in the source.
    """

    kind: str
    text: str
    pos: int
    space_before: bool
    space_after: bool


@dataclass(frozen=True)
class _PWrap:
    tag: Tag
    children: tuple[_PNode, ...]


_PNode = _PWrap | Atom


@dataclass(frozen=True)
class Markup:
    """A segment's text split into what the model sees and the markup around it.

    Attributes:
        source: the text parsed.
        plain: the text for the model: the source without markup, atoms cut out.
        tags: the paired tags, in source order (outer before inner).
        atoms: the atoms, in source order.
    """

    source: str
    plain: str
    tags: tuple[Tag, ...]
    atoms: tuple[Atom, ...]
    tree: tuple[_PNode, ...] = field(default=(), repr=False, compare=False)

    @property
    def has_markup(self) -> bool:
        """Whether there is any tag or atom (else ``plain == source``)."""
        return bool(self.tags or self.atoms)


# -- parsing: source → nodes ------------------------------------------------------------------


@dataclass
class _Text:
    text: str


@dataclass
class _Atom:
    kind: str
    raw: str
    start: int
    end: int


@dataclass
class _Wrap:
    kind: str
    open: str
    close: str
    children: list[_Node]


@dataclass
class _Delim:
    char: str
    count: int
    can_open: bool
    can_close: bool
    start: int


_Node = _Text | _Atom | _Wrap | _Delim


def _close_bracket(text: str, i: int, hi: int) -> int | None:
    """Index of the ``]`` matching the ``[`` at ``i`` (escapes and code spans skipped)."""
    depth = 0
    j = i
    code = INLINE_RULES[1][1]
    while j < hi:
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "`":
            m = code.match(text, j, hi)
            if m:
                j = m.end()
                continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return None


_TITLE = re.compile(r"""\s*(?:"[^"]*"|'[^']*'|\([^()]*\))?\s*\)""")


def _destination_end(text: str, i: int, hi: int) -> int | None:
    """Index just past the ``)`` of a link destination starting with ``(`` at ``i``."""
    j = i + 1
    while j < hi and text[j] == " ":
        j += 1
    if j < hi and text[j] == "<":
        k = text.find(">", j, hi)
        if k < 0:
            return None
        j = k + 1
    else:
        depth = 0
        while j < hi and not text[j].isspace():
            if text[j] == "\\":
                j += 2
                continue
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
        if depth:
            return None
    m = _TITLE.match(text, j, hi)
    return m.end() if m else None


def _link(text: str, i: int, hi: int) -> tuple[_Node, int] | None:
    image = text[i] == "!"
    opening = i + 1 if image else i
    close = _close_bracket(text, opening, hi)
    if close is None or close + 1 >= hi:
        return None
    after = close + 1
    if text[after] == "(":
        end = _destination_end(text, after, hi)
    elif text[after] == "[":
        m = re.compile(r"\[[^\[\]]*\]").match(text, after, hi)
        end = m.end() if m else None
    else:
        end = None
    if end is None:
        return None
    children = _inline(text, opening + 1, close)
    kind = "image" if image else "link"
    if not any(_has_word(c.text) for c in children if isinstance(c, _Text)) and not any(
        isinstance(c, _Wrap) for c in children
    ):
        return _Atom(kind, text[i:end], i, end), end
    return _Wrap(kind, text[i : opening + 1], text[close:end], children), end


def _delimiter(text: str, i: int, hi: int) -> tuple[_Node, int]:
    ch = text[i]
    j = i
    while j < hi and text[j] == ch:
        j += 1
    before = text[i - 1] if i > 0 else " "
    after = text[j] if j < len(text) else " "
    left = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
    right = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
    if ch == "_":
        can_open = left and (not right or _is_punct(before))
        can_close = right and (not left or _is_punct(after))
    else:
        can_open, can_close = left, right
    if ch == "~" and j - i != 2:
        return _Text(text[i:j]), j
    return _Delim(ch, j - i, can_open, can_close, i), j


def _inline(text: str, lo: int, hi: int) -> list[_Node]:
    """Parse ``text[lo:hi]`` into text, atoms, links and emphasis."""
    nodes: list[_Node] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            nodes.append(_Text("".join(buf)))
            buf.clear()

    i = lo
    while i < hi:
        ch = text[i]
        found: tuple[_Node, int] | None = None
        if ch in "![" and (ch == "[" or text.startswith("![", i)):
            found = _link(text, i, hi)
        elif ch in "*_" or (ch == "~" and text.startswith("~~", i)):
            found = _delimiter(text, i, hi)
        else:
            word_start = i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "._-+")
            for kind, pattern in INLINE_RULES:
                if kind in ("url", "email") and not word_start:
                    continue
                m = pattern.match(text, i, hi)
                if m:
                    end = m.end()
                    if kind == "url":
                        end = _trim_url(text, i, end)
                    found = (_Atom(kind, text[i:end], i, end), end)
                    break
        if found is None:
            buf.append(ch)
            i += 1
            continue
        flush()
        nodes.append(found[0])
        i = found[1]
    flush()
    nodes = _emphasis(nodes)
    return _absorb_brackets(nodes)


def _trim_url(text: str, start: int, end: int) -> int:
    while end > start and (
        text[end - 1] in _URL_TAIL
        or (text[end - 1] == ")" and text.count("(", start, end) < text.count(")", start, end))
    ):
        end -= 1
    return end


def _emphasis(tokens: list[_Node]) -> list[_Node]:
    """Match emphasis delimiters (CommonMark's delimiter stack, without the rule of three)."""
    i = 0
    while i < len(tokens):
        closer = tokens[i]
        if not (isinstance(closer, _Delim) and closer.can_close and closer.count):
            i += 1
            continue
        j = i - 1
        while j >= 0:
            opener = tokens[j]
            if (
                isinstance(opener, _Delim)
                and opener.can_open
                and opener.char == closer.char
                and opener.count
            ):
                break
            j -= 1
        if j < 0:
            i += 1
            continue
        opener = tokens[j]
        assert isinstance(opener, _Delim)
        if opener.char == "~":
            k, kind = 2, "strike"
        elif opener.count >= 2 and closer.count >= 2:
            k, kind = 2, "strong"
        else:
            k, kind = 1, "em"
        wrap = _Wrap(kind, opener.char * k, closer.char * k, tokens[j + 1 : i])
        opener.count -= k
        closer.count -= k
        tokens[j + 1 : i] = [wrap]
        i = j + 2
        if opener.count == 0:
            del tokens[j]
            i -= 1
        if closer.count == 0:
            del tokens[i]
    out: list[_Node] = []
    for t in tokens:
        if isinstance(t, _Delim):
            raw = t.char * t.count
            # An opener or closer that matched nothing is markup cut off by a segment end;
            # a run that could be either ("2*3") or neither ("2 * 3") is text.
            if t.can_open != t.can_close:
                out.append(_Atom("marker", raw, t.start, t.start + t.count))
            else:
                out.append(_Text(raw))
        else:
            out.append(t)
    return _merge_text(out)


def _merge_text(nodes: list[_Node]) -> list[_Node]:
    out: list[_Node] = []
    for n in nodes:
        if isinstance(n, _Text) and out and isinstance(out[-1], _Text):
            out[-1] = _Text(out[-1].text + n.text)
        else:
            out.append(n)
    return out


def _absorb_brackets(nodes: list[_Node]) -> list[_Node]:
    for k in range(1, len(nodes) - 1):
        atom, before, after = nodes[k], nodes[k - 1], nodes[k + 1]
        if not (isinstance(atom, _Atom) and isinstance(before, _Text) and before.text):
            continue
        if not (isinstance(after, _Text) and after.text):
            continue
        closing = BRACKET_PAIRS.get(before.text[-1])
        if closing is not None and after.text[0] == closing:
            atom.raw = before.text[-1] + atom.raw + closing
            atom.start, atom.end = atom.start - 1, atom.end + 1
            before.text = before.text[:-1]
            after.text = after.text[1:]
    return [n for n in nodes if not (isinstance(n, _Text) and not n.text)]


# -- flattening: nodes → plain text and positions ---------------------------------------------


class _Flat:
    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.length = 0
        self.tags: list[Tag] = []
        self.atoms: list[Atom] = []
        self.after_atom = False

    def text(self, text: str) -> None:
        if (not self.parts or self.parts[-1].endswith(" ")) and text.startswith(" "):
            text = text.lstrip(" ")
        if self.after_atom and self.parts and not self.parts[-1][-1:].isspace():
            if text[:1].isalnum() and self.parts[-1][-1:].isalnum():
                # "Mstari<br>mpya": the model sees two words, not "Mstarimpya".
                text = " " + text
        if self.after_atom and text[:1] in _CLOSING and self.parts and self.parts[-1][-1:] == " ":
            # "Tembelea https://x.com." gives "Tembelea.", not "Tembelea .".
            self.parts[-1] = self.parts[-1][:-1]
            self.length -= 1
            self.atoms[-1] = dataclasses.replace(self.atoms[-1], pos=self.length)
        if text:
            self.parts.append(text)
            self.length += len(text)
            self.after_atom = False

    def nodes(self, nodes: Sequence[_Node]) -> tuple[_PNode | int, ...]:
        """Flatten ``nodes``; atoms in the tree are indices into :attr:`atoms` until done."""
        placed: list[_PNode | int] = []
        for node in nodes:
            if isinstance(node, _Text):
                self.text(node.text)
            elif isinstance(node, _Atom):
                src = self.source
                atom = Atom(
                    node.kind,
                    node.raw,
                    self.length,
                    node.start > 0 and src[node.start - 1].isspace(),
                    node.end < len(src) and src[node.end].isspace(),
                )
                placed.append(len(self.atoms))
                self.atoms.append(atom)
                self.after_atom = True
            elif isinstance(node, _Wrap):
                index = len(self.tags)
                self.tags.append(Tag(node.kind, node.open, node.close, 0, 0))
                start = self.length
                children = self.nodes(node.children)
                tag = Tag(node.kind, node.open, node.close, start, self.length)
                self.tags[index] = tag
                placed.append(_PWrap(tag, children))  # type: ignore[arg-type]
        return tuple(placed)


def parse(text: str) -> Markup:
    """Split one segment's Markdown into the text for the model and the tags around it.

    Args:
        text: the segment text (block markers already removed, e.g. a segment's
            ``model_text``).

    Returns:
        The :class:`Markup`; without markup, ``plain == text`` and there are no tags.

    Example:
        >>> m = parse("[Waziri Mkuu](https://example.com/waziri) amewasili.")
        >>> m.plain, m.tags[0].close
        ('Waziri Mkuu amewasili.', '](https://example.com/waziri)')
    """
    flat = _Flat(text)
    raw_tree = flat.nodes(_inline(text, 0, len(text)))
    plain = "".join(flat.parts).rstrip()
    cut = len(plain)
    atoms = [dataclasses.replace(a, pos=min(a.pos, cut)) for a in flat.atoms]
    tags: list[Tag] = []
    tree = _resolve(raw_tree, atoms, cut, tags)
    return Markup(text, plain, tuple(tags), tuple(atoms), tree)


def _resolve(
    tree: Sequence[_PNode | int], atoms: list[Atom], cut: int, tags: list[Tag]
) -> tuple[_PNode, ...]:
    """Atoms for indices, positions clamped to the plain text; ``tags`` filled in order."""
    out: list[_PNode] = []
    for n in tree:
        if isinstance(n, int):
            out.append(atoms[n])
        elif isinstance(n, _PWrap):
            tag = dataclasses.replace(n.tag, start=min(n.tag.start, cut), end=min(n.tag.end, cut))
            tags.append(tag)
            out.append(_PWrap(tag, _resolve(n.children, atoms, cut, tags)))
    return tuple(out)


# -- restoring: English + tags → English with markup ------------------------------------------


def _word_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text, lo, hi)]


def _proportional(
    plain: str, p0: int, p1: int, x: int, tr: str, t0: int, t1: int, side: str
) -> int:
    """Map plain offset ``x`` (window p0:p1) into ``tr[t0:t1]`` by word position."""
    source_words = _word_spans(plain, p0, p1)
    target_words = _word_spans(tr, t0, t1)
    if not target_words:
        return t0
    n, m = max(1, len(source_words)), len(target_words)
    if side == "end":
        k = sum(1 for a, _ in source_words if a < x)
        j = min(m, max(1, int(k * m / n + 0.5)))
        return target_words[j - 1][1]
    k = sum(1 for _, b in source_words if b <= x)
    j = int(k * m / n + 0.5)
    if side == "start":
        return target_words[min(j, m - 1)][0]
    return t0 if j == 0 else target_words[min(j, m) - 1][1]


def _lead(text: str, lo: int, hi: int, punct: bool) -> int:
    while lo < hi and (text[lo].isspace() or (punct and not text[lo].isalnum())):
        lo += 1
    return lo


def _trail(text: str, lo: int, hi: int, punct: bool) -> int:
    while hi > lo and (text[hi - 1].isspace() or (punct and not text[hi - 1].isalnum())):
        hi -= 1
    return hi


def _candidates(content: str, phrases: Mapping[str, str]) -> list[str]:
    out = [content]
    english = phrases.get(content)
    if english:
        english = english.strip().rstrip(".!?;:,").strip("\"'“”‘’ ")
        out.append(english)
        low = english.casefold()
        for article in _ARTICLES:
            if low.startswith(article) and len(english) > len(article):
                out.append(english[len(article) :])
    return [c for c in out if _has_word(c)]


def _find(candidates: list[str], tr: str, lo: int, hi: int, near: int) -> tuple[int, int] | None:
    for cand in candidates:
        pattern = re.compile(r"(?<!\w)" + re.escape(cand) + r"(?!\w)", re.IGNORECASE)
        hits = [(m.start(), m.end()) for m in pattern.finditer(tr, lo, hi)]
        if hits:
            return min(hits, key=lambda h: abs(h[0] - near))
    return None


# Words too common to place a tag by on their own.
_COMMON = frozenset("the a an of and in on at to for by with from is was be as or".split())


def _find_part(
    candidates: list[str], tr: str, lo: int, hi: int, near: int
) -> tuple[int, int] | None:
    """The longest run of a candidate's words found together in ``tr[lo:hi]``.

    "European Union" placed in "The European Summit took place" wraps "European". A run
    must hold a word that is not one of :data:`_COMMON`.
    """
    words = [(a, b, _EDGE_PUNCT.sub("", tr[a:b]).casefold()) for a, b in _word_spans(tr, lo, hi)]
    best: tuple[int, int, int] | None = None  # (-length, distance, start index)
    for cand in candidates[1:] or candidates:
        want = [_EDGE_PUNCT.sub("", w).casefold() for w in cand.split()]
        for i in range(len(words)):
            for j in range(len(want)):
                n = 0
                while i + n < len(words) and j + n < len(want) and words[i + n][2] == want[j + n]:
                    n += 1
                if n and any(w[2] not in _COMMON and w[2] for w in words[i : i + n]):
                    key = (-n, abs(words[i][0] - near), i)
                    if best is None or key < best:
                        best = (key[0], key[1], i)
    if best is None:
        return None
    i, n = best[2], -best[0]
    start, end = words[i][0], words[i + n - 1][1]
    while end > start and not tr[end - 1].isalnum():
        end -= 1
    return start, end


class _Placer:
    """Walks the tag tree, giving every tag a span and every atom a point in the English."""

    def __init__(self, markup: Markup, tr: str, phrases: Mapping[str, str]) -> None:
        self.plain, self.tr, self.phrases = markup.plain, tr, phrases
        self.events: list[tuple[int, str, Atom | None]] = []

    def place(self, nodes: Sequence[_PNode], p0: int, p1: int, t0: int, t1: int) -> None:
        cursor = t0
        for node in nodes:
            if isinstance(node, Atom):
                at = min(max(self._point(node, p0, p1, t0, t1), cursor), t1)
                self.events.append((at, node.text, node))
                cursor = at
                continue
            tag = node.tag
            ts, te = self._span(tag, p0, p1, t0, t1, cursor)
            self.events.append((ts, tag.open, None))
            self.place(node.children, tag.start, tag.end, ts, te)
            self.events.append((te, tag.close, None))
            cursor = te

    def _point(self, atom: Atom, p0: int, p1: int, t0: int, t1: int) -> int:
        plain, tr = self.plain, self.tr
        x = atom.pos
        before, after = plain[p0:x], plain[x:p1]
        if not _has_word(before):
            return _lead(tr, t0, t1, bool(before.strip()))
        if not _has_word(after):
            return _trail(tr, t0, t1, bool(after.strip()))
        # An atom written against the next word ("\\*5", "(`x` …") goes before its English.
        side = "start" if atom.space_before and not atom.space_after else "point"
        return _proportional(plain, p0, p1, x, tr, t0, t1, side)

    def _span(self, tag: Tag, p0: int, p1: int, t0: int, t1: int, lo: int) -> tuple[int, int]:
        plain, tr = self.plain, self.tr
        s, e = tag.start, tag.end
        before, content, after = plain[p0:s], plain[s:e].strip(), plain[e:p1]
        start_anchor = not _has_word(before)
        end_anchor = not _has_word(after)
        ts = te = -1
        if start_anchor:
            ts = max(lo, _lead(tr, t0, t1, bool(before.strip())))
        if end_anchor:
            # Punctuation the model added at the end stays outside: "[Read more](…)."
            punct = bool(after.strip()) or not _is_punct(content[-1:] or "a")
            te = _trail(tr, max(lo, t0), t1, punct)
        if not (start_anchor and end_anchor):
            near = _proportional(plain, p0, p1, s, tr, t0, t1, "start")
            candidates = _candidates(content, self.phrases)
            hit = _find(candidates, tr, lo, t1, near) or _find_part(candidates, tr, lo, t1, near)
            if hit is not None:
                ts, te = hit
        if ts < 0:
            ts = max(lo, _proportional(plain, p0, p1, s, tr, t0, t1, "start"))
        if te < 0:
            te = _proportional(plain, p0, p1, e, tr, t0, t1, "end")
            while te > ts and tr[te - 1] in ",.;:!?" and not content.endswith(tr[te - 1]):
                te -= 1
        ts = min(max(ts, lo), t1)
        te = min(max(te, ts), t1)
        if te == ts and ts < t1:
            # Never an empty tag while there is English left: take the next word.
            ts = _lead(tr, ts, t1, False)
            te = ts
            while te < t1 and not tr[te].isspace():
                te += 1
        return ts, te


def _escape_invented(translation: str, plain: str) -> str:
    """Escape ``*``, ``_`` and backticks when the model wrote more of them than it was given."""
    for ch in "*_`":
        if translation.count(ch) > plain.count(ch):
            translation = re.sub(r"(?<!\\)" + re.escape(ch), "\\" + ch, translation)
    return translation


def restore(markup: Markup, translation: str, phrases: Mapping[str, str] | None = None) -> str:
    """Put the markup of ``markup`` back around ``translation``, its plain text's English.

    Args:
        markup: what :func:`parse` gave for the source segment.
        translation: the English of ``markup.plain``.
        phrases: English for tagged phrases translated on their own (source text → English),
            see :func:`phrases_to_translate`; they help place tags whose words changed.

    Returns:
        The English with every tag and atom of the source exactly once: tags nested as in
        the source, URLs and code spans byte for byte. Without markup, ``translation``.
    """
    if not markup.plain.strip():
        return markup.source
    tr = _escape_invented(translation.strip(), markup.plain)
    if not markup.has_markup:
        return tr
    placer = _Placer(markup, tr, phrases or {})
    placer.place(markup.tree, 0, len(markup.plain), 0, len(tr))
    out: list[str] = []
    last = ""
    prev = 0
    for pos, text, atom in placer.events:
        if pos > prev:
            out.append(tr[prev:pos])
            last = tr[pos - 1]
        prev = max(prev, pos)
        if atom is not None:
            right = tr[pos : pos + 1]
            if atom.space_before and last and not last.isspace():
                text = " " + text
            if atom.space_after and right and not right.isspace() and right not in _CLOSING:
                text = text + " "
            if not (atom.space_before or atom.space_after) and right == " " and last:
                prev += 1  # glued to both words in the source ("Mstari<br>mpya"): keep it so
        if text:
            out.append(text)
            last = text[-1]
    out.append(tr[prev:])
    return "".join(out)


def phrases_to_translate(markup: Markup, translation: str) -> list[str]:
    """Tagged phrases worth translating on their own to place their tags in ``translation``.

    A tag that covers its parent's whole text, or whose text is in the translation as it
    stands (a name, a number), needs none.
    """
    out: list[str] = []
    low = translation.casefold()

    def walk(nodes: Sequence[_PNode], p0: int, p1: int) -> None:
        for node in nodes:
            if isinstance(node, Atom):
                continue
            tag = node.tag
            content = markup.plain[tag.start : tag.end].strip()
            whole = not _has_word(markup.plain[p0 : tag.start]) and not _has_word(
                markup.plain[tag.end : p1]
            )
            if not whole and _has_word(content) and content.casefold() not in low:
                out.append(content)
            walk(node.children, tag.start, tag.end)

    walk(markup.tree, 0, len(markup.plain))
    return out


# -- blocks -----------------------------------------------------------------------------------

# Block markers that are markup, not text: headings, quotes, list bullets and numbers.
_MD_MARKER = re.compile(r"(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)+")
_MD_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$", re.MULTILINE)
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its line end."""
    out = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((pos, pos + len(body)))
        pos += len(line)
    return out


def _table_lines(text: str, lines: list[tuple[int, int]]) -> dict[int, bool]:
    """Line index → is it a table's alignment row, for every line of a (GFM) table."""
    rows: dict[int, bool] = {}
    k = 0
    while k + 1 < len(lines):
        head = text[slice(*lines[k])]
        delimiter = text[slice(*lines[k + 1])]
        # The alignment row needs a pipe too: "Rais | Waziri" over "---" is a heading.
        if "|" in head and "|" in delimiter and _TABLE_DELIMITER.match(delimiter):
            rows[k], rows[k + 1] = False, True
            k += 2
            while k < len(lines) and "|" in text[slice(*lines[k])]:
                rows[k] = False
                k += 1
            continue
        k += 1
    return rows


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the stripped, non-empty cells of a table row."""
    code = INLINE_RULES[1][1]
    cuts = [start - 1]
    j = start
    while j < end:
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "`":
            m = code.match(text, j, end)
            if m:
                j = m.end()
                continue
        if ch == "|":
            cuts.append(j)
        j += 1
    cuts.append(end)
    spans = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        s, e = a + 1, b
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((s, e))
    return spans


# Inline constructs a sentence splitter must not cut ("Picha: ![Rais](a.png)" ends at "!").
_UNSPLITTABLE = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)|(`+)[^`\n]+?\1|<[^<>\n]+>")


def _merge_split_constructs(text: str, segments: list[Segment]) -> list[Segment]:
    """Join neighbouring segments of a paragraph when a link, image or code span crosses them."""
    spans = [(m.start(), m.end()) for m in _UNSPLITTABLE.finditer(text)]
    out: list[Segment] = []
    for seg in segments:
        if out and out[-1].paragraph == seg.paragraph:
            prev = out[-1]
            if any(a < prev.end <= seg.start < b for a, b in spans):
                out[-1] = Segment(
                    text[prev.start : seg.end], prev.start, seg.end, prev.paragraph, prev.index
                )
                continue
        out.append(seg)
    return out


def markdown_segments(text: str, segments: Sequence[Segment]) -> list[Segment]:
    """Keep Markdown block markup out of the segments sent to the model.

    Segments inside fenced code blocks and on link reference definition lines are dropped
    (so they are copied unchanged); block markers at the start of a segment (``#``, ``>``,
    ``-``, ``1.``) are moved out of its span; a table row becomes one segment per cell and
    its alignment row none; neighbouring segments that a sentence end split inside a link,
    image or code span are joined again. Segment indices are renumbered within each paragraph.
    """
    fenced: list[tuple[int, int]] = []
    fences = list(_MD_FENCE.finditer(text))
    for opening, closing in zip(fences[::2], fences[1::2], strict=False):
        fenced.append((opening.start(), closing.end()))
    if len(fences) % 2:
        fenced.append((fences[-1].start(), len(text)))
    fenced += [(m.start(), m.end()) for m in _LINK_DEFINITION.finditer(text)]
    segments = _merge_split_constructs(text, list(segments))
    lines = _lines(text)
    table = _table_lines(text, lines)
    starts = [a for a, _ in lines]
    done_rows: set[int] = set()
    out: list[Segment] = []
    for seg in segments:
        if any(a <= seg.start < b for a, b in fenced):
            continue
        row = bisect.bisect_right(starts, seg.start) - 1
        if row in table:
            if row not in done_rows and not table[row]:
                done_rows.add(row)
                for s, e in _cells(text, *lines[row]):
                    if out and s < out[-1].end:
                        continue  # a segment joined into this row from the line above keeps it
                    kind = "sentence" if any(c.isalpha() for c in text[s:e]) else "nontext"
                    out.append(Segment(text[s:e], s, e, seg.paragraph, 0, kind))
            continue
        line_start = text.rfind("\n", 0, seg.start) + 1
        if text[line_start : seg.start].strip() == "":
            marker = _MD_MARKER.match(seg.text)
            if marker and marker.end() < len(seg.text):
                skip = marker.end()
                seg = dataclasses.replace(seg, text=seg.text[skip:], start=seg.start + skip)
        out.append(seg)
    renumbered: list[Segment] = []
    for seg in out:
        index = (
            renumbered[-1].index + 1
            if renumbered and renumbered[-1].paragraph == seg.paragraph
            else 0
        )
        renumbered.append(dataclasses.replace(seg, index=index))
    return renumbered
