"""The project database: one SQLite file, its tables, its version, and how it is opened.

A project is a single SQLite file so that an editor can copy, mail or back it up like a document.
It is opened in WAL mode with ``synchronous=FULL``: a commit returns only after the write-ahead
log is on disk, so a save the server has acknowledged survives the process being killed (or the
machine losing power). Readers never block the writer in WAL mode, which keeps the document view
fast while twenty editors save.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from translate.textio import InputError

__all__ = ["SCHEMA_VERSION", "connect", "transaction"]

#: Goes up by one whenever a table changes; :data:`_MIGRATIONS` holds the step from each older
#: version. Version 1 is the first release; version 2 adds the meaning-level flags and
#: confidence of each segment's record, comments, per-document term decisions and the project
#: glossary. A new project is made at version 1 and migrated, so old files and new ones take
#: the same path.
SCHEMA_VERSION = 2

_TABLES = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    source_text TEXT,
    exact_layout INTEGER NOT NULL,
    markdown INTEGER NOT NULL,
    tail TEXT NOT NULL,
    model TEXT NOT NULL,
    backend TEXT NOT NULL,
    decode TEXT NOT NULL,
    glossary TEXT,
    signature TEXT,
    imported_at TEXT NOT NULL
);
CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    source TEXT NOT NULL,
    mt TEXT NOT NULL,
    target TEXT NOT NULL,
    reference TEXT,
    pieces INTEGER NOT NULL,
    record TEXT NOT NULL,
    terms TEXT NOT NULL,
    flags TEXT NOT NULL,
    ignored TEXT NOT NULL DEFAULT '[]',
    open_flags INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'edited', 'approved', 'rejected')),
    version INTEGER NOT NULL DEFAULT 1,
    ter_edits REAL NOT NULL DEFAULT 0,
    ter_words REAL NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    editor TEXT,
    updated_at TEXT,
    UNIQUE (document_id, position)
);
CREATE INDEX segments_by_status ON segments (status);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('mt', 'save', 'conflict')),
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    editor TEXT NOT NULL,
    seconds REAL NOT NULL DEFAULT 0,
    at TEXT NOT NULL
);
CREATE INDEX versions_by_segment ON versions (segment_id, id);
CREATE TABLE memory (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    origin TEXT NOT NULL,
    UNIQUE (source, target, origin)
);
"""

# version → SQL that brings a project of that version to version + 1.
_MIGRATIONS: dict[int, str] = {
    1: """
ALTER TABLE segments ADD COLUMN confidence REAL;
ALTER TABLE segments ADD COLUMN trust TEXT NOT NULL DEFAULT '[]';
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
    editor TEXT NOT NULL,
    text TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX comments_by_segment ON comments (segment_id, id);
CREATE INDEX segments_progress ON segments (document_id, status, open_flags, ter_edits, ter_words);
CREATE TABLE term_ignores (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    sw TEXT NOT NULL,
    editor TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (document_id, sw)
);
CREATE TABLE glossary (
    id INTEGER PRIMARY KEY,
    sw TEXT NOT NULL,
    en TEXT NOT NULL,
    editor TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (sw, en)
);
""",
}


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it commits first, which would end the transaction around it.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: the WAL is synced at every commit, so an acknowledged save is on disk.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.row_factory = sqlite3.Row


def connect(path: str | Path, *, create: bool = False) -> sqlite3.Connection:
    """Open a project database, creating it when ``create`` is true and it does not exist.

    The connection is in autocommit mode; group writes with :func:`transaction`. It may be used
    from the thread that opened it only (the server keeps one per worker thread).

    Raises:
        InputError: the file is missing (without ``create``), is not a Tafsiri project, or was
            made by a newer Tafsiri.
    """
    path = Path(path)
    exists = path.exists()
    if not exists and not create:
        raise InputError(f"{path}: no such project (create one with tafsiri review import)")
    if exists and not path.is_file():
        raise InputError(f"{path}: not a file")
    if not exists:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        _configure(conn)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as err:
        raise InputError(f"{path}: not a Tafsiri review project ({err})") from None
    if not tables:
        with transaction(conn):
            _run_script(conn, _TABLES)
            conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
        tables = {"meta"}
    if "meta" not in tables:
        conn.close()
        raise InputError(f"{path}: not a Tafsiri review project (no meta table)")
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        conn.close()
        raise InputError(
            f"{path}: project schema {version} is newer than this Tafsiri's {SCHEMA_VERSION}; "
            "upgrade tafsiri"
        )
    while version < SCHEMA_VERSION:
        with transaction(conn):
            _run_script(conn, _MIGRATIONS[version])
            version += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block as one write transaction: committed at the end, rolled back on error.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so two writers never both read a version
    and then fail to upgrade their lock; the second one waits (up to the busy timeout).
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
