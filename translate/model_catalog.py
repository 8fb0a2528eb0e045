"""Model names and the catalogue: the embedded model, the offline hub cache, registered folders.

This is the one place where a ``--model`` value becomes a folder (:func:`resolve_model`):
registered names first, then embedded names, then folders, then hub ids already in the local
Hugging Face cache. Nothing is ever downloaded. A folder is either a transformers MarianMT
checkpoint (``config.json`` with ``model_type`` ``marian``) or a CTranslate2 model
(``model.bin``, e.g. an imported Marian-native OPUS-MT release).

The registry of user folders is a small JSON file whose location the caller chooses (the CLI
uses ``$TAFSIRI_HOME/models.json``, default ``~/.config/tafsiri``); nothing here reads the
environment.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from translate.textio import InputError, read_text, write_text_atomic

__all__ = [
    "ModelEntry",
    "ModelDetails",
    "EMBEDDED_DIR",
    "EMBEDDED_MODEL",
    "default_model",
    "resolve_model",
    "resolve_model_path",
    "is_ct2_model",
    "fingerprint",
    "list_models",
    "model_details",
    "register_model",
    "unregister_model",
    "lookup_registered",
]

log = logging.getLogger(__name__)

EMBEDDED_DIR = Path(__file__).parent / "embedded"
# The compact model shipped in the package (made by `tafsiri train`).
EMBEDDED_MODEL = EMBEDDED_DIR / "sw-en-compact"


def default_model() -> Path:
    """The embedded compact model's folder, used when no model is named.

    Raises:
        InputError: this install has no embedded model.
    """
    if (EMBEDDED_MODEL / "config.json").exists():
        return EMBEDDED_MODEL
    raise InputError(
        f"no embedded model in this install ({EMBEDDED_MODEL} is missing); pass --model FOLDER "
        "or set TAFSIRI_MODEL"
    )


def is_ct2_model(folder: Path) -> bool:
    """Whether ``folder`` is a CTranslate2 model (converted weights in ``model.bin``)."""
    return (folder / "model.bin").is_file()


def resolve_model_path(name: str | Path) -> Path:
    """Return a local folder holding the checkpoint ``name``, never downloading anything.

    Raises:
        InputError: not a model folder, and not a hub id in the local cache.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists() and not is_ct2_model(path):
            raise InputError(f"{path}: not a model folder (no config.json)")
        return path
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(str(name), local_files_only=True))
    except (LocalEntryNotFoundError, ValueError, OSError):
        raise InputError(
            f"model {name!r} is not a folder and not in the local Hugging Face cache; "
            "download it on a connected machine (huggingface-cli download ...) "
            "or pass --model FOLDER"
        ) from None


def resolve_model(name: str | Path | None, registry: Path | None = None) -> Path:
    """A ``--model`` value as a folder: registered names, embedded names, folders, cached hub ids.

    Args:
        name: what the user gave; ``None`` is the embedded default model.
        registry: the registered-models file (``None``: no registered names).

    Raises:
        InputError: nothing of that name on this machine.
    """
    if name is None:
        return default_model()
    text = str(name)
    registered = lookup_registered(registry, text)
    if registered is not None:
        return resolve_model_path(registered)
    if "/" not in text and (EMBEDDED_DIR / text / "config.json").exists():
        return EMBEDDED_DIR / text
    return resolve_model_path(name)


@dataclass(frozen=True)
class ModelEntry:
    """One model a user can pass to ``--model``."""

    name: str
    path: Path
    origin: str  # "embedded" | "hub-cache" | "registered"
    size_bytes: int


@dataclass(frozen=True)
class ModelDetails:
    """What ``tafsiri model info`` shows."""

    path: Path
    model_type: str
    d_model: int
    encoder_layers: int
    decoder_layers: int
    attention_heads: int
    ffn_dim: int
    vocab_size: int
    parameters: int
    size_bytes: int
    card: str | None
    training: dict | None
    # A grown model's decoder may keep the narrower feed-forward layers (0: not known).
    decoder_ffn_dim: int = 0


def fingerprint(folder: Path) -> str:
    """A short hash of what identifies a model on disk, the same on every copy of it.

    Small files (configs, vocabularies, SentencePiece models) are hashed whole; weight files by
    their size and their first and last MiB, which every training update changes. Times are
    left out so that a fresh clone of the same model has the same fingerprint, and so are the
    files that do not change a translation (model card, training log, sub-folders such as a
    shipped CTranslate2 conversion).
    """
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name in _NOT_THE_MODEL:
            continue
        if path.suffix.lower() == ".md":
            continue
        size = path.stat().st_size
        digest.update(f"{path.name}:{size}\n".encode())
        with path.open("rb") as handle:
            if size <= 4 * _MIB:
                digest.update(handle.read())
            else:
                digest.update(handle.read(_MIB))
                handle.seek(size - _MIB)
                digest.update(handle.read(_MIB))
    return digest.hexdigest()[:16]


_MIB = 1 << 20
# rerank.json changes the words, but the reranker it declares is named in every signature by
# itself (:mod:`translate.rerank`); left in, it would make a shipped conversion look stale.
_NOT_THE_MODEL = frozenset(
    {"training.json", "tafsiri-ct2.json", "rerank.json", "LICENSE", "LICENSE.txt"}
)


def _folder_size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in path.rglob("*") if p.is_file() and "checkpoint" not in p.parts
    )


def _is_marian(folder: Path) -> bool:
    """A transformers MarianMT checkpoint, or a CTranslate2 model (an imported release)."""
    if is_ct2_model(folder):
        return True
    config = folder / "config.json"
    try:
        return json.loads(config.read_text(encoding="utf-8")).get("model_type") == "marian"
    except (OSError, ValueError):
        return False


def _read_registry(registry: Path | None) -> dict[str, str]:
    if registry is None or not registry.exists():
        return {}
    try:
        data = json.loads(read_text(registry))
    except ValueError as err:
        raise InputError(f"{registry}: not a valid model registry ({err})") from None
    if not isinstance(data, dict):
        raise InputError(f"{registry}: not a valid model registry (expected a JSON object)")
    return {str(k): str(v) for k, v in data.items()}


def register_model(registry: Path, name: str, folder: Path) -> ModelEntry:
    """Remember ``folder`` under ``name`` so that ``--model NAME`` finds it."""
    folder = folder.expanduser().resolve()
    if not _is_marian(folder):
        raise InputError(
            f"{folder}: not a MarianMT model folder (no config.json with model_type 'marian')"
        )
    entries = _read_registry(registry)
    entries[name] = str(folder)
    write_text_atomic(registry, json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
    return ModelEntry(name, folder, "registered", _folder_size(folder))


def unregister_model(registry: Path, name: str) -> None:
    entries = _read_registry(registry)
    if name not in entries:
        raise InputError(f"{registry}: no registered model named {name!r}")
    del entries[name]
    write_text_atomic(registry, json.dumps(entries, indent=2, ensure_ascii=False) + "\n")


def lookup_registered(registry: Path | None, name: str) -> Path | None:
    """The folder registered as ``name``, if any."""
    folder = _read_registry(registry).get(name)
    return Path(folder) if folder else None


def _hub_cache_models() -> list[ModelEntry]:
    try:
        from huggingface_hub import scan_cache_dir
        from huggingface_hub.errors import CacheNotFound
    except ImportError:  # pragma: no cover - huggingface_hub comes with transformers
        return []
    try:
        info = scan_cache_dir()
    except CacheNotFound:
        return []
    entries = []
    for repo in info.repos:
        if repo.repo_type != "model":
            continue
        for revision in repo.revisions:
            if _is_marian(Path(revision.snapshot_path)):
                entries.append(
                    ModelEntry(
                        repo.repo_id, Path(revision.snapshot_path), "hub-cache", repo.size_on_disk
                    )
                )
                break
    return entries


def list_models(
    registry: Path | None = None, embedded_dir: Path = EMBEDDED_DIR
) -> list[ModelEntry]:
    """Every model usable offline: embedded first, then the hub cache, then registered folders."""
    entries: list[ModelEntry] = []
    if embedded_dir.is_dir():
        for folder in sorted(embedded_dir.iterdir()):
            if _is_marian(folder):
                entries.append(ModelEntry(folder.name, folder, "embedded", _folder_size(folder)))
    entries.extend(_hub_cache_models())
    for name, location in _read_registry(registry).items():
        path = Path(location)
        if _is_marian(path):
            entries.append(ModelEntry(name, path, "registered", _folder_size(path)))
        else:
            log.warning(
                "registered model %s points to %s, which is not a Marian model folder", name, path
            )
    return entries


def model_details(folder: Path) -> ModelDetails:
    """Architecture, vocabulary, size and card of the model in ``folder`` (no weights loaded)."""
    config_path = folder / "config.json"
    if not config_path.exists():
        raise InputError(f"{folder}: not a model folder (no config.json)")
    config = json.loads(read_text(config_path))
    if is_ct2_model(folder) and config.get("model_type") != "marian":
        # An imported release: CTranslate2's config holds no architecture; its manifest says
        # where the model came from.
        manifest_path = folder / "tafsiri-ct2.json"
        manifest = json.loads(read_text(manifest_path)) if manifest_path.exists() else {}
        kind = f"ctranslate2 {manifest.get('quantization', '?')}"
        origin = {"origin": manifest.get("origin", "?"), "source": manifest.get("source", "?")}
        readme = read_text(folder / "README.md") if (folder / "README.md").exists() else None
        return ModelDetails(folder, kind, 0, 0, 0, 0, 0, 0, 0, _folder_size(folder), readme, origin)
    d, enc, dec = (
        config.get("d_model", 0),
        config.get("encoder_layers", 0),
        config.get("decoder_layers", 0),
    )
    ffn, vocab = config.get("encoder_ffn_dim", 0), config.get("vocab_size", 0)
    parameters = _count_parameters(folder)
    card = None
    for name in ("MODEL_CARD.md", "README.md"):
        if (folder / name).exists():
            card = read_text(folder / name)
            break
    training = None
    if (folder / "training.json").exists():
        training = json.loads(read_text(folder / "training.json"))
    return ModelDetails(
        folder,
        config.get("model_type", "?"),
        d,
        enc,
        dec,
        config.get("encoder_attention_heads", 0),
        ffn,
        vocab,
        parameters,
        _folder_size(folder),
        card,
        training,
        config.get("decoder_ffn_dim", ffn),
    )


def _count_parameters(folder: Path) -> int:
    # Read tensor shapes from the safetensors header: counting needs no weights in memory.
    weights = folder / "model.safetensors"
    if not weights.exists():
        return 0
    from safetensors import safe_open

    total = 0
    with safe_open(str(weights), framework="numpy") as handle:
        for key in handle.keys():
            shape = handle.get_slice(key).get_shape()
            count = 1
            for dim in shape:
                count *= dim
            total += count
    return total
