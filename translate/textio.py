"""Reading user files as text, and writing outputs atomically.

Every reader in Tafsiri goes through :func:`read_text` so that encoding problems are reported
the same way everywhere: one line naming the file and the byte offset.
"""

from __future__ import annotations

import codecs
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = [
    "InputError",
    "read_text",
    "decode_bytes",
    "read_lines",
    "atomic_write",
    "write_text_atomic",
    "replace_folder",
    "FORMULA_START",
    "spreadsheet_cell",
    "from_spreadsheet_cell",
]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()

# Files bigger than this are almost certainly not articles or corpora a person meant to pass.
MAX_INPUT_BYTES = 512 * 1024 * 1024


class InputError(ValueError):
    """A user's file cannot be used; the message is one line naming the file and the problem."""


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode UTF-8 (optionally with BOM) or UTF-16 with BOM; refuse binary data.

    Args:
        data: the raw file content.
        name: how to name the file in error messages.
        encoding: a legacy encoding to use instead (``"cp1252"``, ``"latin-1"`` …), for
            archives that predate UTF-8; a BOM still wins.

    Raises:
        InputError: binary content, invalid UTF-8 (or invalid in ``encoding``), or an unknown
            encoding, with the byte offset of the first bad byte.
    """
    if encoding is not None and not data.startswith(
        (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        return _decode_legacy(data, name, encoding)
    if data.startswith(codecs.BOM_UTF8):
        body, offset = data[len(codecs.BOM_UTF8) :], len(codecs.BOM_UTF8)
        encoding = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError(f"{name}: not valid UTF-16 at byte {err.start}") from None
    else:
        body, offset, encoding = data, 0, "utf-8"
    nul = body.find(b"\x00")
    if nul != -1:
        raise InputError(f"{name}: looks like a binary file (NUL byte at offset {nul + offset})")
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(
            f"{name}: not valid UTF-8 at byte {err.start + offset} "
            f"(0x{body[err.start]:02x}); save it as UTF-8, or name its encoding with "
            "--encoding (e.g. cp1252)"
        ) from None
    return text


def _decode_legacy(data: bytes, name: str, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None
    nul = data.find(b"\x00")
    if nul != -1 and "16" not in encoding and "32" not in encoding:
        raise InputError(f"{name}: looks like a binary file (NUL byte at offset {nul})")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(
            f"{name}: not valid {encoding} at byte {err.start} (0x{data[err.start]:02x})"
        ) from None


_COMPRESSED = {".gz": "gzip", ".xz": "lzma", ".bz2": "bz2"}


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a whole file as text (see :func:`decode_bytes`), with clear errors for bad paths.

    Files ending in ``.gz``, ``.xz`` or ``.bz2`` are decompressed first (corpora are often
    kept compressed).
    """
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{p}: is a directory, expected a file")
        size = p.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"{p}: file is too large ({size} bytes)")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, expected a file") from None
    module = _COMPRESSED.get(p.suffix.lower())
    if module is not None:
        import importlib

        codec = importlib.import_module(module)
        try:
            data = codec.decompress(data)
        except (OSError, EOFError, ValueError, getattr(codec, "LZMAError", OSError)) as err:
            raise InputError(f"{p}: cannot decompress ({err})") from None
    return decode_bytes(data, str(p))


def read_lines(path: str | os.PathLike[str]) -> list[str]:
    """Read a line-per-segment file: lines without their line ends (a final newline adds none)."""
    text = read_text(path)
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


@contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it over ``path`` only if the block succeeds.

    A reader never sees a half-written file, and an interrupted run leaves the old file (or
    nothing) in place.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); outputs are meant to be shared like any other file.
        os.chmod(tmp, 0o666 & ~_UMASK)
        handle_ = (
            os.fdopen(fd, mode)
            if "b" in mode
            else os.fdopen(fd, mode, encoding=encoding, newline="")
        )
        with handle_ as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8, newlines as given)."""
    with atomic_write(path) as handle:
        handle.write(text)


def replace_folder(out: Path, save: Callable[[Path], None]) -> None:
    """Fill a fresh temporary folder with ``save`` and swap it in for ``out``.

    ``out`` is either the old folder or the complete new one, never a mix: an interrupted
    save (Ctrl-C, a full disk) leaves the old folder untouched.
    """
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        save(tmp)
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


#: First characters that make a spreadsheet read a CSV/TSV cell as a formula (OWASP, "CSV
#: Injection"): ``=cmd|' /C calc'!A0``, ``+1+1``, ``@SUM(…)``, ``=HYPERLINK(…)``.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_START = (*FORMULA_START, "'")


def spreadsheet_cell(text: str) -> str:
    """``text`` safe for a CSV/TSV cell that a spreadsheet may open.

    A cell that starts with one of :data:`FORMULA_START` gets an apostrophe in front, as OWASP
    recommends, so spreadsheets show it as text instead of running it. A cell that already
    starts with an apostrophe gets one more, so that :func:`from_spreadsheet_cell` gives back
    exactly ``text`` in every case. Other cells are returned unchanged.
    """
    return "'" + text if text.startswith(_ESCAPED_START) else text


def from_spreadsheet_cell(cell: str) -> str:
    """Undo :func:`spreadsheet_cell`: drop an apostrophe that precedes a formula character
    or another apostrophe. ``"'=1+1"`` → ``"=1+1"``; ``"'ng'ombe"`` and ``"ng'ombe"`` stay.
    """
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_ESCAPED_START) else cell
