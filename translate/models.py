"""Finding MarianMT checkpoints: local folders, the embedded model, and the offline hub cache."""

from __future__ import annotations

from pathlib import Path

from translate.textio import InputError

__all__ = ["resolve_model_path", "default_model", "EMBEDDED_MODEL"]

# The compact model shipped in the package (made by `tafsiri train`; absent in a bare checkout).
EMBEDDED_MODEL = Path(__file__).parent / "embedded" / "sw-en-compact"


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
            "download it on a connected machine (huggingface-cli download ...) "
            "or pass --model FOLDER"
        ) from None
