"""Several glossaries as one: a house glossary on top of the diplomatic one, or any stack.

Glossaries are merged in order and the later one wins: every entry of a later glossary whose
Swahili term (case-folded) an earlier glossary also has *replaces* all of the earlier entries
for that term — its readings, notes, plurals and forbidden renderings together, so a house
``Balozi → ambassador`` is not left ambiguous with the default's two readings. Where the two
sets of entries differ, that is one :class:`Conflict`, reported once per term; identical
entries merge silently.

On the command line (``--glossary`` may be repeated) a specification is a file, ``+FILE``
(the file *added to* the default diplomatic glossary: the default comes first, once, however
many specs carry a ``+``), or ``default`` (the diplomatic glossary at that place in the order,
e.g. ``--glossary house.tsv --glossary default`` lets the default win).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from glossary.io import SEPARATOR, default_glossary, load_glossary
from glossary.model import Glossary, Term

__all__ = ["Conflict", "DEFAULT_SPEC", "merge_glossaries", "parse_specs", "load_glossaries"]

#: The spec that names the shipped diplomatic glossary.
DEFAULT_SPEC = "default"
_ADD = "+"


@dataclass(frozen=True)
class Conflict:
    """A term that a later glossary defines differently from an earlier one.

    Attributes:
        sw: the Swahili term as the winning glossary writes it.
        origin: the glossary whose entries are kept (the later one).
        kept: its entries for the term.
        replaced_origin: the glossary whose entries were replaced.
        replaced: those entries.
    """

    sw: str
    origin: str
    kept: tuple[Term, ...]
    replaced_origin: str
    replaced: tuple[Term, ...]

    def message(self) -> str:
        """One line for a ``warning:``: which file wins, with both renderings."""
        return (
            f"{self.sw!r}: {_where(self.origin, self.kept)} ({_english(self.kept)}) replaces "
            f"{_where(self.replaced_origin, self.replaced)} ({_english(self.replaced)})"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "sw": self.sw,
            "origin": self.origin,
            "kept": [t.canonical() for t in self.kept],
            "replaced_origin": self.replaced_origin,
            "replaced": [t.canonical() for t in self.replaced],
        }


def _where(origin: str, terms: tuple[Term, ...]) -> str:
    lines = [t.line for t in terms if t.line]
    if not lines:
        return origin
    return f"{origin}:{lines[0]}" if len(lines) == 1 else f"{origin}:{','.join(map(str, lines))}"


def _english(terms: tuple[Term, ...]) -> str:
    return " / ".join(SEPARATOR.join(t.en) for t in terms)


def _key(term: Term) -> str:
    return term.sw.casefold()


def _same(a: Sequence[Term], b: Sequence[Term]) -> bool:
    def rows(terms: Sequence[Term]) -> list[str]:
        return sorted(repr(sorted(t.canonical().items())) for t in terms)

    return rows(a) == rows(b)


def merge_glossaries(glossaries: Sequence[Glossary]) -> tuple[Glossary, list[Conflict]]:
    """Merge ``glossaries`` in order; a later glossary's entries for a term replace earlier ones.

    Args:
        glossaries: at least one glossary, earliest (lowest priority) first.

    Returns:
        (the merged glossary, one :class:`Conflict` per term a later glossary redefined). The
        merged glossary keeps each term at its first position; its origin joins the origins
        with ``" + "``. A single glossary comes back unchanged.

    Raises:
        ValueError: no glossaries.
    """
    if not glossaries:
        raise ValueError("merge_glossaries needs at least one glossary")
    if len(glossaries) == 1:
        return glossaries[0], []
    groups: dict[str, tuple[str, list[Term]]] = {}
    conflicts: list[Conflict] = []
    for glossary in glossaries:
        mine: dict[str, list[Term]] = {}
        for term in glossary:
            mine.setdefault(_key(term), []).append(term)
        for key, terms in mine.items():
            earlier = groups.get(key)
            if earlier is not None and not _same(earlier[1], terms):
                conflicts.append(
                    Conflict(
                        terms[0].sw, glossary.origin, tuple(terms), earlier[0], tuple(earlier[1])
                    )
                )
            groups[key] = (glossary.origin, terms)
    origin = " + ".join(dict.fromkeys(g.origin for g in glossaries))
    merged = tuple(t for _, terms in groups.values() for t in terms)
    return Glossary(merged, origin), _once(conflicts)


def _once(conflicts: list[Conflict]) -> list[Conflict]:
    """One conflict per term: a term redefined by several later glossaries keeps the last word.

    Reported is what the final glossary keeps against what the first one that had it said.
    """
    by_term: dict[str, Conflict] = {}
    for c in conflicts:
        first = by_term.get(c.sw.casefold())
        if first is None:
            by_term[c.sw.casefold()] = c
        else:
            by_term[c.sw.casefold()] = Conflict(
                c.sw, c.origin, c.kept, first.replaced_origin, first.replaced
            )
    return list(by_term.values())


def parse_specs(specs: Sequence[str]) -> list[str]:
    """The glossaries ``specs`` name, in merge order: ``default`` or a path.

    ``+FILE`` puts the default glossary first (once) and then ``FILE``; no specs at all means
    the default alone.
    """
    if not specs:
        return [DEFAULT_SPEC]
    names: list[str] = []
    if any(spec.startswith(_ADD) for spec in specs):
        names.append(DEFAULT_SPEC)
    for spec in specs:
        name = spec[len(_ADD) :] if spec.startswith(_ADD) else spec
        if not name:
            raise ValueError("'+' must be followed by a glossary file, e.g. +house.tsv")
        if name == DEFAULT_SPEC and DEFAULT_SPEC in names:
            continue
        names.append(name)
    return names


def load_glossaries(
    specs: Sequence[str | os.PathLike[str]], reverse: bool | None = None
) -> tuple[Glossary, list[Conflict]]:
    """Load and merge the glossaries ``specs`` name (see the module docstring for the syntax).

    Args:
        specs: files, ``+FILE`` (on top of the default glossary) or ``default``; empty = the
            default glossary alone.
        reverse: passed to :func:`~glossary.io.load_glossary` for every file (not the default).

    Returns:
        (the merged glossary, its conflicts, one per term, for the caller to report).

    Raises:
        InputError: a file that cannot be loaded (one line naming it).
        ValueError: a bare ``+``.
    """
    glossaries = [
        default_glossary() if name == DEFAULT_SPEC else load_glossary(name, reverse=reverse)
        for name in parse_specs([os.fspath(s) for s in specs])
    ]
    return merge_glossaries(glossaries)
