"""Batch jobs: which document goes where, and the manifest that makes a rerun resume.

:func:`plan_jobs` turns inputs (files, folders, ``-``) into :class:`Job` s with their output
paths. :class:`Manifest` remembers, per output, the input checksum and a key of the settings
that produced it (:meth:`translate.settings.OutputSettings.key`), so a rerun skips what is complete and redoes what
changed. The key is computed from the model's files, not from a loaded model: checking a
finished batch costs no model load.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.settings import OutputSettings
from translate.textio import InputError, write_text_atomic

__all__ = [
    "FORMATS",
    "INPUT_SUFFIXES",
    "MANIFEST_NAME",
    "JOURNAL_NAME",
    "STDIN_NAME",
    "Job",
    "plan_jobs",
    "is_markdown",
    "check_writable",
    "RunSettings",
    "Manifest",
]

log = logging.getLogger(__name__)

FORMATS = ("txt", "md", "jsonl")
INPUT_SUFFIXES = (".txt", ".md")
# Named files may also carry the language code, as parallel corpora do (test.sw, train.swa).
NAMED_SUFFIXES = (*INPUT_SUFFIXES, ".sw", ".swa")
# Written in the output folder after each document: input checksum + settings per output.
MANIFEST_NAME = ".tafsiri-manifest.json"
#: Entries appended since the manifest was last written (see :class:`Manifest`).
JOURNAL_NAME = ".tafsiri-manifest.journal"
#: Journal entries below which the manifest is not rewritten before the run ends.
FOLD_AT_LEAST = 64
STDIN_NAME = "stdin"


@dataclass(frozen=True)
class Job:
    """One document to translate.

    Attributes:
        source: the input file, or ``None`` for stdin.
        document: the document id written into JSONL records (path relative to the input).
        target: the output file, or ``None`` for stdout.
        fmt: ``"txt"``, ``"md"`` or ``"jsonl"``.
        markdown: translate the input as Markdown (see :func:`is_markdown`), whatever ``fmt``.
    """

    source: Path | None
    document: str
    target: Path | None
    fmt: str
    markdown: bool = False


def is_markdown(source: Path | None, fmt: str | None, markdown: bool | None) -> bool:
    """Whether an input is translated as Markdown: the input decides, not the output format.

    ``--markdown``/``--no-markdown`` (``markdown``) when given; else a ``.md`` file is
    Markdown and other files and stdin are plain text, unless ``--format md`` was asked for
    (Markdown out has always meant Markdown in). So ``a.md --format jsonl`` gives the records
    of exactly the segments ``a.md`` gives as Markdown, and ``- --markdown`` reads Markdown
    from stdin.
    """
    if markdown is not None:
        return markdown
    if source is not None and source.suffix.lower() == ".md":
        return True
    return fmt == "md"


def _format_for(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    return "md" if path.suffix.lower() == ".md" else "txt"


def _target(out: Path, rel: Path, fmt: str) -> Path:
    return out / (rel.with_suffix(".jsonl") if fmt == "jsonl" else rel)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def plan_jobs(
    inputs: list[str],
    out: Path | None,
    fmt: str | None,
    any_suffix: bool = False,
    markdown: bool | None = None,
) -> list[Job]:
    """Turn the command's INPUT arguments into documents and output paths.

    A file ``dir/a.txt`` goes to ``OUT/a.txt``; a folder ``D`` is searched recursively for
    ``*.txt`` and ``*.md`` (hidden names skipped) and ``D/x/b.md`` goes to ``OUT/x/b.md``; with
    ``--format jsonl`` the suffix becomes ``.jsonl``. ``-`` reads stdin. Without ``-o`` a single
    document goes to stdout. A file named explicitly must end in ``.txt``, ``.md`` or ``.sw`` unless
    ``any_suffix`` is set: a ``.jsonl`` or ``.docx`` passed by mistake would otherwise be
    translated as Swahili text. Whether each input is Markdown is :func:`is_markdown`'s call
    (``markdown`` is ``--markdown``/``--no-markdown``, ``None`` when neither was given).

    Raises:
        InputError: a missing path, an empty folder, a file with another suffix, two inputs
            with the same output, an output that would overwrite its input, or several
            documents without ``-o``.
    """
    jobs: list[Job] = []
    if "-" in inputs:
        if len(inputs) > 1:
            raise InputError("-: stdin cannot be combined with other inputs")
        chosen = fmt or "txt"
        target = None if out is None else out / f"{STDIN_NAME}.{chosen}"
        return [Job(None, STDIN_NAME, target, chosen, is_markdown(None, fmt, markdown))]
    for arg in inputs:
        path = Path(arg)
        if path.is_dir():
            jobs.extend(_folder_jobs(path, out, fmt, markdown))
        elif path.is_file():
            if not any_suffix and path.suffix.lower() not in NAMED_SUFFIXES:
                raise InputError(
                    f"{path}: not a .txt, .md or .sw file; pass --any-suffix to translate it "
                    "as plain text anyway"
                )
            chosen = _format_for(path, fmt)
            target = None if out is None else _target(out, Path(path.name), chosen)
            jobs.append(Job(path, path.name, target, chosen, is_markdown(path, fmt, markdown)))
        elif path.exists():
            raise InputError(f"{path}: not a regular file or folder")
        else:
            raise InputError(f"{path}: no such file or folder")
    if out is None and len(jobs) > 1:
        raise InputError(
            f"{len(jobs)} documents to translate: pass -o OUT (a folder) for the outputs"
        )
    seen: dict[Path, Path] = {}
    for job in jobs:
        if job.target is None or job.source is None:
            continue
        key = job.target.resolve()
        if key == job.source.resolve():
            raise InputError(
                f"{job.source}: the output would overwrite the input; choose another -o"
            )
        if key in seen:
            raise InputError(
                f"{job.source}: same output {job.target} as {seen[key]}; translate them separately"
            )
        seen[key] = job.source
    return jobs


def _folder_jobs(path: Path, out: Path | None, fmt: str | None, markdown: bool | None) -> list[Job]:
    candidates = sorted(
        p
        for p in path.rglob("*")
        if p.suffix.lower() in INPUT_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )
    found = [p for p in candidates if not (out is not None and _inside(p, out))]
    if not found:
        if candidates and out is not None and _inside(out, path) and _inside(path, out):
            raise InputError(f"{path}: the output folder is the input folder; choose another -o")
        if candidates:
            raise InputError(
                f"{path}: every .txt or .md file in it is inside the output folder {out}; "
                "choose another -o"
            )
        raise InputError(f"{path}: folder holds no .txt or .md files")
    jobs = []
    for p in found:
        rel = p.relative_to(path)
        chosen = _format_for(p, fmt)
        target = None if out is None else _target(out, rel, chosen)
        jobs.append(Job(p, rel.as_posix(), target, chosen, is_markdown(p, fmt, markdown)))
    return jobs


def check_writable(out: Path) -> None:
    """Create the output folder if needed and prove a file can be written there.

    Raises:
        InputError: the path is a file, a parent is not a folder, or writing is refused.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".tafsiri-probe."):
            pass
    except FileExistsError:
        raise InputError(f"{out}: exists and is not a folder") from None
    except NotADirectoryError:
        raise InputError(f"{out}: a parent of the output folder is not a folder") from None
    except OSError as err:
        raise InputError(
            f"{out}: cannot write to the output folder ({err.strerror or err})"
        ) from None


#: The settings a resume key is made of: the one settings record (also the signature's).
RunSettings = OutputSettings


class Manifest:
    """The resume manifest of one output folder (``OUT/.tafsiri-manifest.json``).

    Each finished output is appended to a journal beside it (``.tafsiri-manifest.journal``, one
    JSON line, flushed to disk) rather than rewriting the whole manifest: rewriting made a batch
    quadratic (5,000 documents wrote 3.8 GB; ``benchmarks/manifest.py``). The journal is folded
    into the manifest, atomically, once it holds as many entries as the manifest (so the
    rewrites add up to a constant times the manifest) and when the run ends (:meth:`close`).
    Reading replays the journal over the manifest; a line cut short by a crash is ignored, and
    a crash between the fold and the journal's removal only replays entries already there.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out / MANIFEST_NAME
        self.journal = out / JOURNAL_NAME
        self._outputs = self._load()
        self._folded = len(self._outputs)
        self._journalled = self._replay()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning(
                "%s: unreadable manifest ignored; every document will be translated", self.path
            )
            return {}
        outputs = data.get("outputs", {}) if isinstance(data, dict) else {}
        return outputs if isinstance(outputs, dict) else {}

    def _replay(self) -> int:
        """Apply the journal's entries to the outputs; how many there were."""
        try:
            lines = self.journal.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return 0
        except OSError:
            log.warning("%s: unreadable journal ignored", self.journal)
            return 0
        replayed = 0
        for line in lines:
            try:
                entry = json.loads(line)
                output = entry.pop("output")
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # the last line of a run that was killed mid-write
            if isinstance(output, str):
                self._outputs[output] = entry
                replayed += 1
        return replayed

    def entries(self) -> dict[str, dict[str, Any]]:
        """Every output noted so far (journal included), by path relative to the folder."""
        return dict(self._outputs)

    def _rel(self, target: Path) -> str:
        return target.relative_to(self.out).as_posix()

    def is_complete(self, target: Path, checksum: str, key: str) -> bool:
        """Whether ``target`` exists and was made from this input with these settings."""
        entry = self._outputs.get(self._rel(target))
        return (
            target.exists()
            and isinstance(entry, dict)
            and entry.get("input") == checksum
            and entry.get("settings") == key
        )

    def record(self, target: Path, checksum: str, key: str, signature: str) -> None:
        """Note ``target`` as complete: one line appended to the journal, on disk on return."""
        entry = {"input": checksum, "settings": key, "signature": signature}
        rel = self._rel(target)
        self._outputs[rel] = entry
        line = json.dumps({"output": rel, **entry}, sort_keys=True) + "\n"
        with open(self.journal, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        self._journalled += 1
        if self._journalled > max(self._folded, FOLD_AT_LEAST):
            self.close()

    def close(self) -> None:
        """Fold the journal into the manifest (atomically) and remove it."""
        if not self._journalled and not self.journal.exists():
            return
        body = json.dumps({"version": 1, "outputs": self._outputs}, indent=1, sort_keys=True)
        write_text_atomic(self.path, body + "\n")
        self.journal.unlink(missing_ok=True)
        self._folded, self._journalled = len(self._outputs), 0
