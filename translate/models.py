"""Finding MarianMT checkpoints: local folders, the embedded model, and the offline hub cache."""

from __future__ import annotations

from pathlib import Path

from translate.textio import InputError

__all__ = ["resolve_model_path"]


def resolve_model_path(name: str | Path) -> Path:
    """Return a local folder holding the checkpoint ``name``, never downloading anything."""
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists():
            raise InputError(f"{path}: not a model folder (no config.json)")
        return path
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(str(name), local_files_only=True))
    except (LocalEntryNotFoundError, ValueError, OSError):
        raise InputError(
            f"model {name!r} is not a folder and not in the local Hugging Face cache; "
            "download it on a connected machine (huggingface-cli download ...) or pass --model FOLDER"
        ) from None
