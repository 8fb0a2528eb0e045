"""Checking a glossary file before use (``tafsiri glossary check FILE``).

Errors make :func:`~glossary.io.load_glossary` refuse the file; warnings point at entries that
load but probably do not do what the author meant; notes explain behaviour (ambiguity, nested
terms, a noun class read from the English).
"""

from __future__ import annotations

import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from glossary.io import SEPARATOR, Entry, entry_to_term, read_entries
from glossary.model import ANIMATE_POS, Term
from glossary.morphology import english_plural_checked, is_m_noun, pluralize
from translate.textio import InputError

__all__ = ["LintIssue", "SEVERITIES", "lint_entries", "lint_file"]

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True)
class LintIssue:
    """One finding.

    Attributes:
        severity: "error", "warning" or "note".
        code: a short stable name (empty-cell, conflict, duplicate, unbalanced, english-plural,
            nested, ...).
        line: the line (TSV/CSV) or entry number (TBX); 0 for the whole file.
        message: what is wrong and how to fix it.
    """

    severity: str
    code: str
    line: int
    message: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(
                f"severity must be one of {', '.join(SEVERITIES)}, got {self.severity!r}"
            )

    def format(self, origin: str) -> str:
        where = f"{origin}:{self.line}" if self.line else origin
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "line": self.line,
            "message": self.message,
        }


def _key(text: str) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", text).casefold().split())


def _cell_issues(entry: Entry) -> list[LintIssue]:
    issues = []
    for column in ("sw", "en"):
        if not entry.get(column):
            issues.append(LintIssue("error", "empty-cell", entry.line, f"empty {column!r} cell"))
    for column in ("en", "sw_plural", "en_plural", "forbidden"):
        raw = entry.get(column)
        if raw and any(not piece.strip() for piece in raw.split(SEPARATOR)):
            issues.append(
                LintIssue(
                    "warning",
                    "empty-alternative",
                    entry.line,
                    f"{column!r} has an empty alternative between '{SEPARATOR}': {raw!r}",
                )
            )
    if entry.get("en_plural") and not entry.get("sw_plural"):
        issues.append(
            LintIssue(
                "warning",
                "unbalanced",
                entry.line,
                "en_plural is given but sw_plural is not; give both or neither",
            )
        )
    return issues


def _english_plural_issue(term: Term) -> LintIssue | None:
    """Say which English a plural match gets when the entry lists no ``en_plural``.

    Only for entries whose plural is sure to be met (a listed ``sw_plural``, or a person or
    title): a note naming the rule's plural, a warning when the rule may be wrong for it
    ("relations" may already be plural, "cooperation" is uncountable, -f/-fe, -o).
    """
    if term.en_plural or not (term.sw_plural or term.pos in ANIMATE_POS):
        return None
    checked = [(en, *english_plural_checked(en)) for en in term.en]
    doubts = [f"{doubt} ({en!r} → {plural!r})" for en, plural, doubt in checked if doubt]
    if doubts:
        return LintIssue(
            "warning",
            "english-plural",
            term.line,
            f"{term.sw!r} has no en_plural and the English plural by rule may be wrong: "
            f"{'; '.join(doubts)}; give en_plural",
        )
    if not term.sw_plural:
        return None
    plurals = SEPARATOR.join(plural for _, plural, _ in checked)
    return LintIssue(
        "note",
        "english-plural",
        term.line,
        f"{term.sw!r} lists sw_plural but no en_plural: plural matches are rendered "
        f"{plurals!r} by rule",
    )


def lint_entries(
    entries: list[Entry], origin: str, merge_duplicates: bool = False
) -> list[LintIssue]:
    """Every problem in ``entries`` (as read by :func:`glossary.io.read_entries`).

    With ``merge_duplicates`` (how reversed English→Swahili lists load), conflicting
    duplicates are notes saying they will be merged instead of errors.
    """
    issues: list[LintIssue] = []
    terms = []
    for entry in entries:
        cell_issues = _cell_issues(entry)
        issues.extend(cell_issues)
        if any(i.severity == "error" for i in cell_issues):
            continue
        try:
            term = entry_to_term(entry, origin)
        except InputError as err:
            message = str(err).split(": ", 2)[-1]
            issues.append(LintIssue("error", "invalid", entry.line, message))
            continue
        terms.append(term)
        targets = {e.casefold() for e in (*term.en, *term.en_plural)}
        for bad in term.forbidden:
            if bad.casefold() in targets:
                issues.append(
                    LintIssue(
                        "error",
                        "forbidden-target",
                        entry.line,
                        f"{bad!r} is both an accepted and a forbidden rendering",
                    )
                )

    by_sw: dict[tuple[str, ...], list] = defaultdict(list)
    for term in terms:
        by_sw[_key(term.sw)].append(term)
    for group in by_sw.values():
        for i, later in enumerate(group[1:], start=1):
            for earlier in group[:i]:
                same_en = {e.casefold() for e in earlier.en} == {e.casefold() for e in later.en}
                told_apart = (earlier.note.casefold(), earlier.pos) != (
                    later.note.casefold(),
                    later.pos,
                )
                if same_en and not told_apart:
                    issues.append(
                        LintIssue(
                            "warning",
                            "duplicate",
                            later.line,
                            f"{later.sw!r} repeats line {earlier.line}",
                        )
                    )
                elif not same_en and not told_apart and merge_duplicates:
                    issues.append(
                        LintIssue(
                            "note",
                            "merged",
                            later.line,
                            f"{later.sw!r} also on line {earlier.line}; its English is merged into "
                            f"that entry's alternatives",
                        )
                    )
                elif not same_en and not told_apart:
                    issues.append(
                        LintIssue(
                            "error",
                            "conflict",
                            later.line,
                            f"{later.sw!r} → {SEPARATOR.join(later.en)!r} conflicts with line "
                            f"{earlier.line} ({SEPARATOR.join(earlier.en)!r}); add a note or pos "
                            f"that tells them apart, or list both renderings in one 'en' cell",
                        )
                    )
                elif not same_en:
                    issues.append(
                        LintIssue(
                            "note",
                            "ambiguous",
                            later.line,
                            f"{later.sw!r} also on line {earlier.line} with other English; matches "
                            f"will be reported as ambiguous unless the context decides",
                        )
                    )
                break

    keys = {_key(t.sw): t for t in terms}
    for term in terms:
        words = _key(term.sw)
        for size in range(1, len(words)):
            for start in range(len(words) - size + 1):
                inner = keys.get(words[start : start + size])
                if inner is not None:
                    issues.append(
                        LintIssue(
                            "note",
                            "nested",
                            inner.line,
                            f"{inner.sw!r} is nested in {term.sw!r} (line {term.line}); the longer "
                            f"term wins where both match",
                        )
                    )
    issues.extend(filter(None, map(_noun_class_issue, terms)))
    issues.extend(filter(None, map(_english_plural_issue, terms)))
    issues.sort(key=lambda i: (i.line, SEVERITIES.index(i.severity)))
    return issues


def _noun_class_issue(term: Term) -> LintIssue | None:
    """Say how an m-/mw- noun's class was decided when the entry does not say it.

    A note when its English names a person (read as class 1/2), a warning when nothing
    decides (no pos, no plural, English not a person): the generated plural may be wrong.
    """
    if term.sw_plural or term.pos in ANIMATE_POS or term.pos not in ("", "noun"):
        return None
    if not is_m_noun(term.sw.split()[0]):
        return None
    plural = pluralize(term.sw, animate=term.animate)[0]
    if term.animate:
        return LintIssue(
            "note",
            "noun-class",
            term.line,
            f"{term.sw!r} is read as a person noun (class 1/2, plural {plural!r}) because "
            f"{term.en[0]!r} names a person; give pos or sw_plural to say otherwise",
        )
    if term.pos:
        return None
    return LintIssue(
        "warning",
        "noun-class",
        term.line,
        f"{term.sw!r} has no pos and no sw_plural: an m-/mw- noun is taken as class 3/4 "
        f"(plural {plural!r}); give pos (person, title, noun, proper noun) or sw_plural",
    )


def lint_file(
    path: str | os.PathLike[str], reverse: bool | None = None, merge_duplicates: bool | None = None
) -> list[LintIssue]:
    """Lint a glossary file; a file that cannot be read at all gives one error.

    ``reverse`` and ``merge_duplicates`` mean what they mean for
    :func:`~glossary.io.load_glossary`.
    """
    try:
        entries, reversed_ = read_entries(path, reverse)
    except InputError as err:
        message = str(err)
        prefix = f"{path}: "
        return [
            LintIssue(
                "error",
                "unreadable",
                0,
                message[len(prefix) :] if message.startswith(prefix) else message,
            )
        ]
    merge = reversed_ if merge_duplicates is None else merge_duplicates
    return lint_entries(entries, str(path), merge_duplicates=merge)
