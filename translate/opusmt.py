"""Importing Marian-native OPUS-MT / Tatoeba-Challenge releases with CTranslate2's converter.

Such a release (a ``.zip`` or its unpacked folder) holds ``decoder.yml`` naming the weights
(``*.npz``) and vocabularies (``*.vocab.yml``), plus ``source.spm`` and ``target.spm``.
transformers 5 no longer ships a converter for them; CTranslate2's ``OpusMTConverter`` reads
them directly. :func:`import_release` converts one into a model folder that the CTranslate2
back end runs (``model.bin``, both SentencePiece models, the release's README and licence,
and a :data:`translate.ct2.MANIFEST` saying where it came from). Nothing is downloaded.

Zip files are checked before anything is extracted: absolute paths, ``..`` and links are
refused. The model folder is written atomically: a failed import leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from translate.textio import InputError, read_text, replace_folder, write_text_atomic

__all__ = ["ImportedModel", "import_release", "find_release_root"]

log = logging.getLogger(__name__)

_KEEP = ("README.md", "LICENSE", "LICENSE.txt", "benchmark_results.txt")


@dataclass(frozen=True)
class ImportedModel:
    """A converted release.

    Attributes:
        path: the CTranslate2 model folder.
        name: the name it is registered under.
        quantization: the weights' type.
        source: the zip or folder it came from.
    """

    path: Path
    name: str
    quantization: str
    source: Path


def _safe_members(archive: zipfile.ZipFile, path: Path) -> None:
    for info in archive.infolist():
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or info.filename.startswith(("/", "\\")):
            raise InputError(f"{path}: unsafe path {info.filename!r} in the zip; refused")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise InputError(f"{path}: link {info.filename!r} in the zip; refused")


def find_release_root(folder: Path) -> Path:
    """The folder holding ``decoder.yml``: ``folder`` itself or its only sub-folder.

    Raises:
        InputError: no ``decoder.yml``.
    """
    if (folder / "decoder.yml").is_file():
        return folder
    subfolders = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(subfolders) == 1 and (subfolders[0] / "decoder.yml").is_file():
        return subfolders[0]
    raise InputError(f"{folder}: no decoder.yml (not a Marian-native OPUS-MT release)")


def _check_release(root: Path, shown: Path) -> None:
    import yaml

    try:
        config = yaml.safe_load(read_text(root / "decoder.yml"))
    except yaml.YAMLError as err:
        raise InputError(f"{shown}: decoder.yml is not valid YAML ({err})") from None
    if not isinstance(config, dict):
        raise InputError(f"{shown}: decoder.yml is not a mapping")
    models, vocabs = config.get("models"), config.get("vocabs")
    if not isinstance(models, list) or not models or not isinstance(vocabs, list) or not vocabs:
        raise InputError(f"{shown}: decoder.yml names no models or vocabs")
    for name in [*models, *vocabs, "source.spm", "target.spm"]:
        member = PurePosixPath(str(name))
        if member.is_absolute() or ".." in member.parts:
            raise InputError(f"{shown}: decoder.yml names an unsafe path {name!r}")
        if not (root / str(name)).is_file():
            raise InputError(f"{shown}: {name} is missing (named in decoder.yml or required)")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_release(
    source: Path, store: Path, name: str | None = None, quantization: str = "int8"
) -> ImportedModel:
    """Convert a Marian-native release into ``store/NAME`` for the CTranslate2 back end.

    Args:
        source: a release ``.zip`` or its unpacked folder.
        store: the folder holding imported models (created if needed).
        name: the model's name (default: the zip's or folder's name).
        quantization: one of :data:`translate.ct2.QUANTIZATIONS`.

    Raises:
        InputError: not a zip or folder, unsafe zip members, missing or malformed files, or
            weights CTranslate2 cannot convert (names and shapes checked by its converter).
        ValueError: a bad name or quantization.
    """
    from translate.ct2 import MANIFEST, QUANTIZATIONS

    if quantization not in QUANTIZATIONS:
        raise ValueError(
            f"quantization must be one of {', '.join(QUANTIZATIONS)}, got {quantization!r}"
        )
    source = Path(source)
    name = name or (source.stem if source.is_file() else source.name)
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"model name must be a plain name without slashes, got {name!r}")
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{store}: cannot create the model store ({err.strerror})") from None
    with tempfile.TemporaryDirectory(prefix=".import.", dir=store) as scratch:
        if source.is_dir():
            root = find_release_root(source)
            checksum = None
        elif zipfile.is_zipfile(source):
            try:
                with zipfile.ZipFile(source) as archive:
                    _safe_members(archive, source)
                    archive.extractall(scratch)
            except (zipfile.BadZipFile, OSError) as err:
                raise InputError(f"{source}: cannot unpack ({err})") from None
            root = find_release_root(Path(scratch))
            checksum = _sha256(source)
        else:
            raise InputError(f"{source}: not a zip file or a release folder")
        _check_release(root, source)
        target = store / name

        def save(tmp: Path) -> None:
            _convert(root, tmp, quantization, source)
            for keep in ("source.spm", "target.spm", *_KEEP):
                if (root / keep).is_file():
                    shutil.copy2(root / keep, tmp / keep)
            manifest = {
                "origin": "opus-mt release",
                "source": str(source.resolve()),
                "source_sha256": checksum,
                "quantization": quantization,
                "versions": _versions(),
                "max_input_tokens": 512,
            }
            write_text_atomic(tmp / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")

        replace_folder(target, save)
    log.info("imported %s as %s (%s)", source, target, quantization)
    return ImportedModel(target, name, quantization, source)


def _versions() -> dict[str, str]:
    import ctranslate2

    return {"ctranslate2": ctranslate2.__version__}


def _convert(root: Path, out: Path, quantization: str, shown: Path) -> None:
    from ctranslate2.converters import OpusMTConverter

    try:
        OpusMTConverter(str(root)).convert(str(out), quantization=quantization, force=True)
    except Exception as err:  # the converter raises anything from numpy, yaml or its checks
        text = str(err).strip().splitlines()
        first = text[0] if text else type(err).__name__
        raise InputError(f"{shown}: CTranslate2 cannot convert these weights ({first})") from None
