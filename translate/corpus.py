"""Parallel corpora: line-aligned file pairs, TSV and TMX, read into (source, target) pairs.

Used by training (``tafsiri train``) and shared with evaluation. XML goes through lxml with
entity resolution and network access off.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from translate.textio import InputError, from_spreadsheet_cell, read_lines, read_text

__all__ = ["ParallelCorpus", "read_parallel", "read_tmx_pairs", "safe_xml_parser"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class ParallelCorpus:
    """Aligned sources and targets, and where they came from."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    origin: str

    def __len__(self) -> int:
        return len(self.sources)


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
    )


def parse_xml(path: str | os.PathLike[str]) -> etree._ElementTree:
    """Parse an XML file safely; entity declarations (XXE, billion laughs) are refused."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except (IsADirectoryError, PermissionError) as err:
        raise InputError(f"{p}: cannot read ({err.strerror})") from None
    try:
        tree = etree.parse(io.BytesIO(data), safe_xml_parser())
    except etree.XMLSyntaxError as err:
        raise InputError(f"{p}: not well-formed XML ({err.msg})") from None
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None and docinfo.internalDTD.entities():
        raise InputError(f"{p}: XML declares entities, which are refused for safety")
    for node in tree.iter():
        if isinstance(node, etree._Entity):
            raise InputError(f"{p}: XML uses entity references, which are refused for safety")
    return tree


def _text_of(seg: etree._Element) -> str:
    # Inline markup (<bpt>, <ph>, ...) carries formatting codes, not words: keep only the text.
    parts = [seg.text or ""]
    for child in seg:
        parts.append(child.tail or "")
    return "".join(parts).strip()


def read_tmx_pairs(
    path: str | os.PathLike[str], source_lang: str, target_lang: str
) -> ParallelCorpus:
    """Read the ``source_lang``→``target_lang`` pairs of a TMX file (language prefixes match)."""
    tree = parse_xml(path)
    root = tree.getroot()
    if root.tag != "tmx":
        raise InputError(f"{path}: not a TMX file (root element is <{root.tag}>)")
    sources: list[str] = []
    targets: list[str] = []
    for tu in root.iter("tu"):
        by_lang: dict[str, str] = {}
        for tuv in tu.iter("tuv"):
            lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower()
            seg = tuv.find("seg")
            if seg is not None:
                by_lang[lang.split("-")[0].split("_")[0]] = _text_of(seg)
        src, tgt = by_lang.get(source_lang), by_lang.get(target_lang)
        if src and tgt:
            sources.append(src)
            targets.append(tgt)
    if not sources:
        raise InputError(f"{path}: no {source_lang}→{target_lang} translation units found")
    return ParallelCorpus(tuple(sources), tuple(targets), str(path))


def _read_tsv(path: Path) -> ParallelCorpus:
    """``source<TAB>target`` rows; a cell's spreadsheet guard (a leading apostrophe before
    ``= + - @ '``, see :func:`translate.textio.spreadsheet_cell`) is removed, so the TSV that
    ``tafsiri review export -f train`` writes reads back exactly."""
    text = read_text(path)
    sources: list[str] = []
    targets: list[str] = []
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    for lineno, row in enumerate(reader, start=1):
        if not row:
            continue
        if len(row) < 2:
            raise InputError(
                f"{path}: line {lineno} has {len(row)} column; expected source<TAB>target"
            )
        sources.append(from_spreadsheet_cell(row[0].strip()))
        targets.append(from_spreadsheet_cell(row[1].strip()))
    return ParallelCorpus(tuple(sources), tuple(targets), str(path))


def read_parallel(
    paths: list[str | os.PathLike[str]],
    source_lang: str = "sw",
    target_lang: str = "en",
    allow_empty: bool = False,
) -> ParallelCorpus:
    """Read a parallel corpus from two line-aligned files, one TSV, or one TMX.

    Args:
        paths: ``[src, tgt]`` line-aligned files, or ``[file.tsv]`` / ``[file.tmx]``.
        source_lang: the source language code (TMX only).
        target_lang: the target language code (TMX only).
        allow_empty: accept empty lines; training refuses them because they teach the model
            to drop sentences.

    Raises:
        InputError: unreadable files, different line counts, empty lines, missing columns.
    """
    files = [Path(p) for p in paths]
    if len(files) == 2:
        src_lines, tgt_lines = read_lines(files[0]), read_lines(files[1])
        if len(src_lines) != len(tgt_lines):
            raise InputError(
                f"{files[0]} has {len(src_lines)} lines but {files[1]} has {len(tgt_lines)}; "
                "line-aligned files must have the same number of lines"
            )
        corpus = ParallelCorpus(tuple(src_lines), tuple(tgt_lines), f"{files[0]} + {files[1]}")
        names = (str(files[0]), str(files[1]))
    elif len(files) == 1:
        suffix = files[0].suffix.lower()
        if suffix in {".tmx"}:
            corpus = read_tmx_pairs(files[0], source_lang, target_lang)
        elif suffix in {".tsv", ".tab", ".txt"}:
            corpus = _read_tsv(files[0])
        else:
            raise InputError(
                f"{files[0]}: unknown corpus format (use .tsv, .tmx, or two text files)"
            )
        names = (str(files[0]), str(files[0]))
    else:
        raise InputError("give a parallel corpus as two line-aligned files, one .tsv or one .tmx")
    if not corpus.sources:
        raise InputError(f"{corpus.origin}: the corpus is empty")
    if not allow_empty:
        for i, (src, tgt) in enumerate(zip(corpus.sources, corpus.targets, strict=True), start=1):
            if not src.strip():
                raise InputError(f"{names[0]}: line {i} is empty (source side)")
            if not tgt.strip():
                raise InputError(f"{names[1]}: line {i} is empty (target side)")
    return corpus


@dataclass(frozen=True)
class CorpusPart:
    """One line of a corpus spec: files, how often to repeat them, and a source tag."""

    weight: int
    tag: str
    files: tuple[Path, ...]
    pairs: int = 0
    dropped: int = 0


def spec_parts(path: str | os.PathLike[str]) -> list[CorpusPart]:
    """A corpus spec's lines (format: :func:`read_corpus_spec`), its files not yet read.

    Raises:
        InputError: a malformed line, naming the spec and the line.
    """
    spec = Path(path)
    parts = []
    for lineno, line in enumerate(read_lines(spec), start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) < 3 or not fields[0].isdigit() or int(fields[0]) < 1:
            raise InputError(
                f"{spec}: line {lineno}: expected 'WEIGHT TAG FILE [FILE]' with a weight ≥ 1, "
                f"got {line.strip()!r}"
            )
        tag = "" if fields[1] == "-" else fields[1]
        parts.append(CorpusPart(int(fields[0]), tag, tuple(spec.parent / f for f in fields[2:])))
    return parts


def read_corpus_spec(
    path: str | os.PathLike[str], reverse: bool = False
) -> tuple[ParallelCorpus, list[CorpusPart]]:
    """Read a corpus spec: several corpora, each with a weight and an optional source tag.

    One corpus per line, ``#`` comments and blank lines ignored::

        # weight  tag   files (relative to the spec file; .gz/.xz read as they are)
        2         -     train.sw train.en
        1         -     tico19.tmx
        1         <bt>  news.bt.sw.xz news.en.xz

    A weight of N repeats the corpus N times (upsampling real data next to synthetic data);
    a tag other than ``-`` is put before every source sentence, so the model can tell
    back-translated pairs from real ones (tagged back-translation, Caswell et al. 2019).
    Pairs with an empty side are dropped and counted. Every file is read and checked before
    anything else happens. ``reverse`` swaps the sides of every corpus (for the English→Swahili
    model that back-translation needs), before tags are added.

    Returns:
        The combined corpus and what each line contributed.

    Raises:
        InputError: a malformed line, a missing or bad file (naming it), or an empty result.
    """
    spec = Path(path)
    sources: list[str] = []
    targets: list[str] = []
    parts: list[CorpusPart] = []
    for part in spec_parts(spec):
        corpus = read_parallel(list(part.files), allow_empty=True)
        pairs = zip(corpus.sources, corpus.targets, strict=True)
        kept = [(s.strip(), t.strip()) for s, t in pairs if s.strip() and t.strip()]
        if reverse:
            kept = [(t, s) for s, t in kept]
        for _ in range(part.weight):
            sources.extend(f"{part.tag} {s}" if part.tag else s for s, _ in kept)
            targets.extend(t for _, t in kept)
        parts.append(replace(part, pairs=len(kept), dropped=len(corpus.sources) - len(kept)))
    if not sources:
        raise InputError(f"{spec}: the spec names no corpus with pairs")
    return ParallelCorpus(tuple(sources), tuple(targets), str(spec)), parts
