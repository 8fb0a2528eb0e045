"""Reading and writing glossary files: TSV, CSV and TBX (TermBase eXchange).

Every reader first produces *entries* — dicts of raw cell strings keyed by the canonical
column names in :data:`COLUMNS`, plus the line they came from — which :mod:`glossary.lint`
inspects as written; :func:`build_glossary` turns them into :class:`~glossary.model.Term`s.

TBX goes through lxml via :func:`translate.corpus.parse_xml`, which refuses entity
declarations (external entities, "billion laughs") and never touches the network.
"""

from __future__ import annotations

import csv
import gc
import io
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from glossary.model import POS_VALUES, Glossary, Term
from translate.corpus import parse_xml
from translate.textio import (
    InputError,
    atomic_write,
    from_spreadsheet_cell,
    read_text,
    spreadsheet_cell,
)

__all__ = [
    "COLUMNS",
    "FORMATS",
    "Entry",
    "read_entries",
    "build_glossary",
    "load_glossary",
    "default_glossary",
    "export_glossary",
    "glossary_to_text",
]

log = logging.getLogger(__name__)

#: Canonical columns, in the order headerless files and exports use.
COLUMNS = ("sw", "en", "sw_plural", "en_plural", "note", "pos", "case_sensitive", "forbidden")
FORMATS = ("tsv", "csv", "tbx")
SEPARATOR = "|"  # between alternatives inside one cell

_ALIASES = {
    "sw": "sw",
    "swahili": "sw",
    "kiswahili": "sw",
    "source": "sw",
    "term": "sw",
    "sw_term": "sw",
    "en": "en",
    "english": "en",
    "target": "en",
    "translation": "en",
    "en_term": "en",
    "sw_plural": "sw_plural",
    "plural_sw": "sw_plural",
    "sw_pl": "sw_plural",
    "en_plural": "en_plural",
    "plural_en": "en_plural",
    "en_pl": "en_plural",
    "note": "note",
    "notes": "note",
    "comment": "note",
    "description": "note",
    "definition": "note",
    "pos": "pos",
    "part_of_speech": "pos",
    "partofspeech": "pos",
    "case_sensitive": "case_sensitive",
    "case": "case_sensitive",
    "casesensitive": "case_sensitive",
    "forbidden": "forbidden",
    "avoid": "forbidden",
    "do_not_use": "forbidden",
    "alternatives": "alternatives",
    "en_alternatives": "alternatives",
    # TICO-19 style lists: languages in their own columns, see _read_table.
    "sourcestring": "source_string",
    "targetstring": "target_string",
    "sourcelang": "source_lang",
    "targetlang": "target_lang",
}
_IGNORED = {"id", "stringid", "string_id"}
_TRUE = {"1", "true", "yes", "y", "x"}
_FALSE = {"", "0", "false", "no", "n"}
# Terminology lists label parts of speech more freely than we do.
_POS_ALIASES = {
    "proper_noun": "proper noun",
    "propn": "proper noun",
    "n": "noun",
    "noun phrase": "noun",
    "adj": "adjective",
    "v": "verb",
    "adv": "adverb",
    "abbreviation": "noun",
    "acronym": "noun",
}

_TBX_NS = "urn:iso:std:iso:30042:ed-2"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(slots=True)
class Entry:
    """One row (or TBX concept) as written: canonical column → cell text."""

    line: int
    cells: dict[str, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def split_alternatives(cell: str) -> tuple[str, ...]:
    """ "a | b" → ("a", "b"); empty pieces are dropped (lint reports them)."""
    return tuple(p.strip() for p in cell.split(SEPARATOR) if p.strip())


def _header_key(cell: str) -> str:
    key = unicodedata.normalize("NFC", cell).strip().lower().replace(" ", "_").replace("-", "_")
    return key


def _sniff_delimiter(first_line: str) -> str | None:
    for delim, name in (("\t", "tab"), (",", "comma"), (";", "semicolon")):
        if delim in first_line:
            return name
    return None


@dataclass(slots=True)
class _Table:
    """A delimited file after its header is understood: body rows and what each column holds.

    ``columns[i]`` is the canonical name of cell ``i`` (None for ignored columns).
    """

    columns: list[str | None]
    rows: list[tuple[int, list[str]]]
    reversed: bool


def _body_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every row that is not blank and not a # comment.

    Cells that :func:`translate.textio.spreadsheet_cell` protected on export (``'=…``,
    ``''…``) lose that apostrophe again, so exported glossaries read back unchanged.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # A first cell starting with a letter or digit is neither: only the rest need a look.
    rows = [
        (lineno, row)
        for lineno, row in enumerate(reader, start=1)
        if row and (row[0][:1].isalnum() or _is_content(row))
    ]
    if _CELL_APOSTROPHE.search(text):
        rows = [(lineno, [from_spreadsheet_cell(c) for c in row]) for lineno, row in rows]
    return rows


# An apostrophe opening a cell: only then can a cell need from_spreadsheet_cell.
_CELL_APOSTROPHE = re.compile("(?:^|[\t,\"])'", re.MULTILINE)


def _is_content(row: list[str]) -> bool:
    head = row[0].lstrip()
    if head:
        return not head.startswith("#")
    return bool("".join(row).strip())


def _read_table(path: Path, text: str, delimiter: str, reverse: bool | None) -> _Table:
    name = "tab" if delimiter == "\t" else "comma"
    if not text.isascii():
        # Once for the whole file instead of per cell: no delimiter (tab, comma, quote,
        # newline) composes with a following mark, so this equals normalising each cell.
        text = unicodedata.normalize("NFC", text)
    rows = _body_rows(text, delimiter)
    if not rows:
        raise InputError(f"{path}: the glossary is empty")
    first_line, header_row = rows[0]
    keys = [_header_key(c) for c in header_row]
    mapped = [_ALIASES.get(k) for k in keys]
    has_header = any(m in {"sw", "en", "source_string", "target_string"} for m in mapped)
    if len(header_row) == 1:
        other = _sniff_delimiter(header_row[0])
        if other and other != name:
            suffix = {"tab": ".tsv", "comma": ".csv"}.get(other)
            hint = f"; rename it to {suffix}" if suffix else "; use tabs (.tsv) or commas (.csv)"
            raise InputError(
                f"{path}: line {first_line} has a single column but looks {other}-separated"
                f" (expected {name}-separated){hint}"
            )
        raise InputError(
            f"{path}: line {first_line} has a single column; expected sw and en columns "
            f"separated by {name}s"
        )
    reversed_ = False
    if has_header:
        unknown = [
            header_row[i] for i, m in enumerate(mapped) if m is None and keys[i] not in _IGNORED
        ]
        if unknown:
            log.warning("%s: ignoring unknown columns: %s", path, ", ".join(unknown))
        if "source_string" in mapped or "target_string" in mapped:
            mapped, reversed_ = _language_columns(path, mapped, rows, reverse)
        missing = [c for c in ("sw", "en") if c not in mapped]
        if missing:
            found = ", ".join(c.strip() for c in header_row)
            raise InputError(f"{path}: missing column {missing[0]!r} (header has: {found})")
        dupes = {m for m in mapped if m and mapped.count(m) > 1}
        if dupes:
            raise InputError(f"{path}: column {sorted(dupes)[0]!r} appears twice in the header")
        columns: list[str | None] = list(mapped)
        body = rows[1:]
    else:
        if len(header_row) > len(COLUMNS):
            raise InputError(
                f"{path}: line {first_line} has {len(header_row)} columns; at most "
                f"{len(COLUMNS)} ({', '.join(COLUMNS)}) without a header"
            )
        columns = list(COLUMNS)
        body = rows
    if reverse and not reversed_:
        columns = [_swap(c) for c in columns]
        reversed_ = True
    # Languages were only needed to orient the columns.
    columns = [None if c in ("source_lang", "target_lang") else c for c in columns]
    width = len(columns)
    for lineno, row in body:
        if len(row) > width and "".join(row[width:]).strip():
            raise InputError(f"{path}: line {lineno} has {len(row)} columns, expected {width}")
    return _Table(columns, body, reversed_)


def _table_entries(table: _Table) -> list[Entry]:
    """The rows as :class:`Entry` cells, extra English alternatives folded into ``en``."""
    columns = table.columns
    entries = []
    for lineno, row in table.rows:
        # Trailing empty optional cells are often left out: a short row is fine.
        cells = {c: v for c, v in zip(columns, row, strict=False) if c is not None}
        if "alternatives" in cells:
            cells["en"] = _with_alternatives(cells.get("en", ""), cells.pop("alternatives"))
        entries.append(Entry(lineno, cells))
    return entries


def _with_alternatives(en: str, alternatives: str) -> str:
    """The ``en`` cell with an extra ``alternatives`` column's renderings appended."""
    return f"{en}{SEPARATOR}{alternatives}" if alternatives.strip() else en


def _swap(column: str | None) -> str | None:
    swaps = {"sw": "en", "en": "sw", "sw_plural": "en_plural", "en_plural": "sw_plural"}
    return swaps.get(column, column) if column else column


def _language_columns(
    path: Path, mapped: list[str | None], rows: list, reverse: bool | None
) -> tuple[list[str | None], bool]:
    """Map sourceString/targetString by the languages the rows name (TICO-19 layout)."""
    if "source_string" not in mapped or "target_string" not in mapped:
        raise InputError(f"{path}: has sourceString or targetString but not both")
    source_lang = target_lang = ""
    if "source_lang" in mapped and "target_lang" in mapped and len(rows) > 1:
        row = rows[1][1]
        si, ti = mapped.index("source_lang"), mapped.index("target_lang")
        source_lang = row[si].strip().lower() if si < len(row) else ""
        target_lang = row[ti].strip().lower() if ti < len(row) else ""
    if reverse is None:
        if source_lang.startswith("en") and target_lang.startswith("sw"):
            reverse = True
        elif source_lang.startswith("sw") and target_lang.startswith("en"):
            reverse = False
        else:
            raise InputError(
                f"{path}: cannot tell which column is Swahili (sourceLang={source_lang or '?'}, "
                f"targetLang={target_lang or '?'}); use --reverse or --no-reverse"
            )
    src, tgt = ("en", "sw") if reverse else ("sw", "en")
    out = [src if m == "source_string" else tgt if m == "target_string" else m for m in mapped]
    log.info(
        "%s: %s→%s list read %s",
        path,
        source_lang or "?",
        target_lang or "?",
        "reversed (target column is Swahili)" if reverse else "as Swahili→English",
    )
    return out, bool(reverse)


def _read_tbx(path: Path) -> list[Entry]:
    tree = parse_xml(path)
    root = tree.getroot()
    if etree.QName(root).localname not in {"martif", "tbx"}:
        raise InputError(
            f"{path}: not a TBX file (root element is <{etree.QName(root).localname}>)"
        )
    entries: list[Entry] = []
    for index, concept in enumerate(root.iter("{*}termEntry", "{*}conceptEntry"), start=1):
        entries.extend(_tbx_concept(path, concept, index))
    if not entries:
        raise InputError(f"{path}: no Swahili–English term entries found")
    return entries


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _tbx_concept(path: Path, concept: etree._Element, index: int) -> list[Entry]:
    notes = [
        " ".join("".join(n.itertext()).split())
        for n in concept
        if _local(n) in {"note", "descrip"} and "".join(n.itertext()).strip()
    ]
    sides: dict[str, dict[str, list[str]]] = {"sw": {}, "en": {}}
    pos = ""
    case_sensitive = ""
    for lang_el in concept:
        if _local(lang_el) not in {"langSet", "langSec"}:
            continue
        lang = (lang_el.get(_XML_LANG) or lang_el.get("lang") or "").lower()
        side = "sw" if lang.startswith("sw") else "en" if lang.startswith("en") else None
        if side is None:
            continue
        for term_group in lang_el:
            if _local(term_group) not in {"tig", "ntig", "termSec"}:
                continue
            term_el = next((t for t in term_group.iter() if _local(t) == "term"), None)
            if term_el is None:
                continue
            text = " ".join("".join(term_el.itertext()).split())
            props = {
                (n.get("type") or ""): " ".join("".join(n.itertext()).split())
                for n in term_group.iter()
                if _local(n) in {"termNote", "termnote", "descrip", "admin"}
            }
            number = props.get("grammaticalNumber", "").lower()
            status = props.get("administrativeStatus", "").lower()
            if status.startswith(("deprecated", "superseded")):
                kind = "forbidden"
            elif number == "plural":
                kind = f"{side}_plural"
            else:
                kind = side
            sides[side].setdefault(kind, []).append(text)
            if side == "sw" and kind == "sw":
                pos = pos or props.get("partOfSpeech", "")
                case_sensitive = case_sensitive or props.get("x-caseSensitive", "")
    if not sides["sw"].get("sw") and not sides["en"].get("en"):
        return []
    base = {
        "en": SEPARATOR.join(sides["en"].get("en", [])),
        "sw_plural": SEPARATOR.join(sides["sw"].get("sw_plural", [])),
        "en_plural": SEPARATOR.join(sides["en"].get("en_plural", [])),
        "forbidden": SEPARATOR.join(sides["en"].get("forbidden", [])),
        "note": " / ".join(notes),
        "pos": pos,
        "case_sensitive": case_sensitive,
    }
    # Swahili synonyms in one concept become one entry each, sharing the English side.
    return [Entry(index, {"sw": sw, **base}) for sw in (sides["sw"].get("sw") or [""])]


def read_entries(
    path: str | os.PathLike[str], reverse: bool | None = None
) -> tuple[list[Entry], bool]:
    """Read a glossary file's entries as written, by suffix (.tsv/.txt, .csv, .tbx/.xml).

    Args:
        path: the file.
        reverse: the file lists English first (an English→Swahili terminology list). None
            decides from the file where it says (TICO-19's sourceLang/targetLang columns).

    Returns:
        (entries, whether the columns were reversed).

    Raises:
        InputError: unreadable file, unknown suffix, wrong delimiter, missing column, unsafe XML.
    """
    p = Path(path)
    delimiter = _delimiter(p)
    if delimiter is None:
        return _read_tbx(p), False
    table = _read_table(p, read_text(p), delimiter, reverse)
    return _table_entries(table), table.reversed


def _delimiter(path: Path) -> str | None:
    """The cell delimiter the file's suffix says, None for TBX."""
    suffix = path.suffix.lower()
    if suffix in {".tbx", ".xml"}:
        return None
    if suffix not in {".tsv", ".tab", ".txt", ".csv"}:
        raise InputError(
            f"{path}: unknown glossary format {suffix or '(no suffix)'!r}; use .tsv, .csv or .tbx"
        )
    return "," if suffix == ".csv" else "\t"


def _flag(value: str) -> bool | None:
    if not value:
        return False
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def _alternatives(cell: str) -> tuple[str, ...]:
    """ "a | b" → ("a", "b") from an NFC cell; empty pieces are dropped (lint reports them)."""
    cell = " ".join(cell.split())
    if SEPARATOR not in cell:
        return (cell,) if cell else ()
    # Runs are collapsed already, so stripping each piece finishes the cleaning.
    return tuple(filter(None, map(str.strip, cell.split(SEPARATOR))))


#: The cells a term is built from, in the order :data:`_Layout` indexes them.
_TERM_CELLS = (*COLUMNS, "alternatives")
#: Where each of :data:`_TERM_CELLS` sits in a row (the row's width when it is absent).
_Layout = tuple[int, ...]
_ENTRY_LAYOUT: _Layout = tuple(range(len(_TERM_CELLS)))


def _layout(columns: list[str | None]) -> _Layout:
    width = len(columns)
    return tuple(columns.index(c) if c in columns else width for c in _TERM_CELLS)


def entry_to_term(entry: Entry, origin: str) -> Term:
    """Build a :class:`Term` from one entry; problems become :class:`InputError` naming the line."""
    cells = (entry.cells.get(c, "") for c in _TERM_CELLS)
    row = [c if c.isascii() else unicodedata.normalize("NFC", c) for c in cells]
    return _row_term(row, _ENTRY_LAYOUT, entry.line, _kind(origin), origin)


def _row_term(row: list[str], layout: _Layout, line: int, kind: str, origin: str) -> Term:
    """The one place cells become a term: cleaned, checked, built without re-checking.

    The cells must be NFC already, and ``row`` must have a cell at every index in ``layout``
    (absent columns point at a blank cell). Skipping :class:`Term`'s own checks and Entry
    objects keeps 100k-row files well under the 2 s load target.
    """
    i_sw, i_en, i_sw_pl, i_en_pl, i_note, i_pos, i_case, i_forbidden, i_alt = layout
    sw = " ".join(row[i_sw].split())
    en = _alternatives(_with_alternatives(row[i_en], row[i_alt]))
    if not sw or not en:
        if not sw:
            raise InputError(f"{origin}: {kind} {line}: empty 'sw' cell")
        raise InputError(f"{origin}: {kind} {line}: empty 'en' cell for {sw!r}")
    case_cell = row[i_case]
    flag = _flag(case_cell) if case_cell else False
    if flag is None:
        raise InputError(
            f"{origin}: {kind} {line}: case_sensitive must be yes/no, got {case_cell.strip()!r}"
        )
    pos = _pos(row[i_pos])
    if pos is None:
        allowed = ", ".join(p for p in POS_VALUES if p)
        raise InputError(
            f"{origin}: {kind} {line}: pos {row[i_pos].strip()!r} is not one of: {allowed}"
        )
    sw_pl, en_pl, note, forbidden = row[i_sw_pl], row[i_en_pl], row[i_note], row[i_forbidden]
    return Term.trusted(
        sw=sw,
        en=en,
        sw_plural=_alternatives(sw_pl) if sw_pl else (),
        en_plural=_alternatives(en_pl) if en_pl else (),
        note=" ".join(note.split()) if note else "",
        pos=pos,
        case_sensitive=flag,
        forbidden=_alternatives(forbidden) if forbidden else (),
        line=line,
    )


@lru_cache(maxsize=256)
def _pos(cell: str) -> str | None:
    """The part of speech a cell names, "" for none, None when it is not one we know."""
    pos = cell.strip().lower()
    pos = _POS_ALIASES.get(pos.replace(" ", "_"), _POS_ALIASES.get(pos, pos))
    return pos if pos in POS_VALUES else None


def _table_terms(table: _Table, origin: str) -> Iterator[Term]:
    layout = _layout(table.columns)
    width = len(table.columns)
    blank = [""] * (width + 1)
    kind = _kind(origin)
    for line, row in table.rows:
        # Short rows (trailing optional cells left out) and absent columns read as blank.
        yield _row_term(row + blank[len(row) :], layout, line, kind, origin)


def _kind(origin: str) -> str:
    return "entry" if origin.lower().endswith((".tbx", ".xml")) else "line"


def _key(sw: str) -> str:
    return sw.casefold()  # sw is already NFC with single spaces


def build_glossary(
    entries: Iterable[Entry], origin: str, merge_duplicates: bool = False
) -> Glossary:
    """Turn entries into a :class:`Glossary`, refusing conflicting duplicates.

    Two entries with the same Swahili term but different English are a conflict unless their
    note or part of speech tells them apart (then matching reports them as ambiguous). With
    ``merge_duplicates`` the English of conflicting entries is merged into one entry's
    alternatives instead. Exact duplicates are dropped with a warning.
    """
    return _collect((entry_to_term(e, origin) for e in entries), origin, merge_duplicates)


def _collect(terms_in: Iterable[Term], origin: str, merge_duplicates: bool) -> Glossary:
    terms: list[Term] = []
    seen: dict[tuple[str, str, str], int] = {}
    for term in terms_in:
        key = (_key(term.sw), term.pos, term.note.casefold())
        index = seen.setdefault(key, len(terms))
        if index == len(terms):
            terms.append(term)
            continue
        earlier = terms[index]
        if set(map(str.casefold, earlier.en)) == set(map(str.casefold, term.en)):
            log.warning(
                "%s: line %d repeats %r (line %d); ignored",
                origin,
                term.line,
                term.sw,
                earlier.line,
            )
        elif merge_duplicates:
            terms[index] = _merged(earlier, term)
        else:
            raise InputError(
                f"{origin}: line {term.line}: {term.sw!r} → {SEPARATOR.join(term.en)!r} "
                f"conflicts with line {earlier.line} ({SEPARATOR.join(earlier.en)!r}); give one "
                f"a distinguishing note or pos, or put both renderings in one 'en' cell "
                f"separated by '{SEPARATOR}'"
            )
    if not terms:
        raise InputError(f"{origin}: the glossary has no entries")
    return Glossary(tuple(terms), origin)


def _merged(a: Term, b: Term) -> Term:
    def union(x: tuple[str, ...], y: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*x, *y)))

    return Term(
        sw=a.sw,
        en=union(a.en, b.en),
        sw_plural=union(a.sw_plural, b.sw_plural),
        en_plural=union(a.en_plural, b.en_plural),
        note=a.note,
        pos=a.pos,
        case_sensitive=a.case_sensitive and b.case_sensitive,
        forbidden=union(a.forbidden, b.forbidden),
        line=a.line,
    )


def load_glossary(
    path: str | os.PathLike[str], reverse: bool | None = None, merge_duplicates: bool | None = None
) -> Glossary:
    """Load a TSV, CSV or TBX glossary.

    Args:
        path: the file (format by suffix: .tsv/.txt, .csv, .tbx/.xml).
        reverse: the file is English→Swahili; None = decide from its language columns.
        merge_duplicates: merge conflicting duplicates into alternatives instead of refusing
            them; None = merge only for reversed lists, where several English terms naming
            one Swahili term are synonyms.

    Raises:
        InputError: one line naming the file and the problem.
    """
    with _gc_paused():
        # The rows read are freed inside, so the collector never has to walk them.
        glossary = _read_glossary(Path(path), reverse, merge_duplicates)
    log.info("%s: %d terms", path, len(glossary))
    return glossary


def _read_glossary(path: Path, reverse: bool | None, merge_duplicates: bool | None) -> Glossary:
    origin = str(path)
    delimiter = _delimiter(path)
    terms: Iterable[Term]
    if delimiter is None:
        entries, reversed_ = _read_tbx(path), False
        terms = (entry_to_term(e, origin) for e in entries)
    else:
        # Straight from rows to terms: Entry objects are only needed by lint.
        table = _read_table(path, read_text(path), delimiter, reverse)
        terms, reversed_ = _table_terms(table, origin), table.reversed
    merge = reversed_ if merge_duplicates is None else merge_duplicates
    return _collect(terms, origin, merge)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small, acyclic objects.

    Each collection walks every live object, and a big glossary creates millions of them
    (cells, tuples, terms): collections took about 40% of a 100k-row load.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The diplomatic Swahili→English glossary shipped with Tafsiri (loaded once; immutable)."""
    resource = resources.files("glossary") / "data" / "diplomatic.sw-en.tsv"
    with resources.as_file(resource) as path:
        glossary = load_glossary(path)
    return Glossary(glossary.terms, origin="tafsiri:diplomatic.sw-en.tsv")


def _row(term: Term) -> list[str]:
    return [
        term.sw,
        SEPARATOR.join(term.en),
        SEPARATOR.join(term.sw_plural),
        SEPARATOR.join(term.en_plural),
        term.note,
        term.pos,
        "yes" if term.case_sensitive else "",
        SEPARATOR.join(term.forbidden),
    ]


def _delimited(glossary: Glossary, delimiter: str) -> str:
    """CSV or TSV for spreadsheets: cells that would start a formula get a leading
    apostrophe (:func:`translate.textio.spreadsheet_cell`), which reading removes."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(COLUMNS)
    for term in glossary:
        writer.writerow([spreadsheet_cell(cell) for cell in _row(term)])
    return buf.getvalue()


def _tbx(glossary: Glossary) -> bytes:
    ns = f"{{{_TBX_NS}}}"
    root = etree.Element(f"{ns}tbx", nsmap={None: _TBX_NS}, type="TBX-Basic", style="dca")
    root.set(_XML_LANG, "sw")
    header = etree.SubElement(root, f"{ns}tbxHeader")
    source = etree.SubElement(etree.SubElement(header, f"{ns}fileDesc"), f"{ns}sourceDesc")
    etree.SubElement(
        source, f"{ns}p"
    ).text = f"Tafsiri glossary {glossary.origin} ({glossary.checksum})"
    body = etree.SubElement(etree.SubElement(root, f"{ns}text"), f"{ns}body")

    def term_sec(lang_sec: etree._Element, text: str, **notes: str) -> None:
        sec = etree.SubElement(lang_sec, f"{ns}termSec")
        etree.SubElement(sec, f"{ns}term").text = text
        for kind, value in notes.items():
            if value:
                etree.SubElement(sec, f"{ns}termNote", type=kind).text = value

    for i, term in enumerate(glossary, start=1):
        concept = etree.SubElement(body, f"{ns}conceptEntry", id=f"c{i}")
        if term.note:
            etree.SubElement(concept, f"{ns}note").text = term.note
        sw = etree.SubElement(concept, f"{ns}langSec")
        sw.set(_XML_LANG, "sw")
        term_sec(
            sw,
            term.sw,
            partOfSpeech=term.pos,
            grammaticalNumber="singular",
            administrativeStatus="preferredTerm-admn-sts",
            **{"x-caseSensitive": "yes" if term.case_sensitive else ""},
        )
        for form in term.sw_plural:
            term_sec(sw, form, grammaticalNumber="plural")
        en = etree.SubElement(concept, f"{ns}langSec")
        en.set(_XML_LANG, "en")
        for k, form in enumerate(term.en):
            term_sec(
                en,
                form,
                grammaticalNumber="singular",
                administrativeStatus="preferredTerm-admn-sts"
                if k == 0
                else "admittedTerm-admn-sts",
            )
        for form in term.en_plural:
            term_sec(en, form, grammaticalNumber="plural")
        for form in term.forbidden:
            term_sec(en, form, administrativeStatus="deprecatedTerm-admn-sts")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def glossary_to_text(glossary: Glossary, fmt: str) -> str:
    """The glossary serialised as ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "tbx":
        return _tbx(glossary).decode("utf-8")
    return _delimited(glossary, "\t" if fmt == "tsv" else ",")


def export_glossary(
    glossary: Glossary, path: str | os.PathLike[str], fmt: str | None = None
) -> None:
    """Write the glossary atomically as TSV, CSV or TBX (``fmt`` defaults to the suffix)."""
    fmt = fmt or Path(path).suffix.lower().lstrip(".")
    text = glossary_to_text(glossary, fmt)
    with atomic_write(path) as handle:
        handle.write(text)
