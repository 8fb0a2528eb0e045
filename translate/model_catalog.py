"""Which MarianMT models this machine has: the embedded one, the offline hub cache, registered folders.

The registry of user folders is a small JSON file whose location the caller chooses (the CLI
uses ``$TAFSIRI_HOME/models.json``, default ``~/.config/tafsiri``); nothing here reads the
environment.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from translate.textio import InputError, read_text, write_text_atomic

__all__ = [
    "ModelEntry",
    "ModelDetails",
    "EMBEDDED_DIR",
    "list_models",
    "model_details",
    "register_model",
    "unregister_model",
    "lookup_registered",
]

log = logging.getLogger(__name__)

EMBEDDED_DIR = Path(__file__).parent / "embedded"


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


def _folder_size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in path.rglob("*") if p.is_file() and "checkpoint" not in p.parts
    )


def _is_marian(folder: Path) -> bool:
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
