"""Checkpoint averaging: the element-wise mean of the weights of several checkpoints of one run.

Averaging the last few checkpoints of a training run smooths out the noise of the last updates
and usually translates better than any one of them (Vaswani et al. 2017 averaged the last 5 or
20; Marian and fairseq ship the same tool). It only makes sense for checkpoints of the same
architecture and vocabulary, which :func:`average_checkpoints` checks before reading weights.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from translate.textio import InputError, replace_folder
from translate.train import SNAPSHOT_DIR, read_training_record

__all__ = ["average_checkpoints"]

WEIGHTS = "model.safetensors"
# Files that must be byte-identical: a different vocabulary gives the same ids other meanings.
_VOCAB_FILES = ("vocab.json", "source.spm", "target.spm", "target_vocab.json")
# Config keys that may differ between checkpoints of one run.
_CONFIG_NOISE = {"_name_or_path", "transformers_version", "torch_dtype", "dtype"}


def average_checkpoints(folders: Sequence[str | Path], output: str | Path) -> Path:
    """Write a model folder whose weights are the mean of ``folders``' weights.

    Args:
        folders: two or more Marian model folders from one training run (same config and
            vocabulary), e.g. the snapshots ``tafsiri train --keep-snapshots`` leaves.
        output: the folder to write (replaced atomically); config, tokenizer and generation
            settings are copied from the last of ``folders``.

    Raises:
        InputError: fewer than two folders, a folder without weights, or checkpoints that do
            not share architecture, vocabulary or parameter names and shapes.
    """
    paths = [Path(f) for f in folders]
    out = Path(output)
    if len(paths) < 2:
        raise InputError("averaging needs at least two checkpoint folders")
    if any(p.resolve() == out.resolve() for p in paths):
        raise InputError(f"{out}: the output folder must not be one of the checkpoints")
    for path in paths:
        if not (path / WEIGHTS).is_file() or not (path / "config.json").is_file():
            raise InputError(f"{path}: not a model folder (needs config.json and {WEIGHTS})")
    first = paths[0]
    reference_config = _config(first)
    for path in paths[1:]:
        if _config(path) != reference_config:
            raise InputError(
                f"{path}: its config.json differs from {first}'s (another architecture)"
            )
        for name in _VOCAB_FILES:
            a, b = first / name, path / name
            if a.exists() != b.exists() or (a.exists() and a.read_bytes() != b.read_bytes()):
                raise InputError(f"{path}: {name} differs from {first}'s (another vocabulary)")

    sums: dict[str, torch.Tensor] = {}
    latest: dict[str, torch.Tensor] = {}
    for path in paths:
        weights = load_file(path / WEIGHTS)
        if latest and weights.keys() != latest.keys():
            raise InputError(f"{path}: its parameters differ from {first}'s")
        for name, tensor in weights.items():
            if name in latest and tensor.shape != latest[name].shape:
                raise InputError(f"{path}: parameter {name} has shape {tuple(tensor.shape)}")
            latest[name] = tensor
            if tensor.is_floating_point():
                # Sum in float64 so the mean of many float32 checkpoints loses nothing.
                summed = tensor.to(torch.float64)
                sums[name] = sums[name] + summed if name in sums else summed
    # Tensors that are not floating point (counters and the like) come from the last checkpoint.
    averaged = {
        name: (sums[name] / len(paths)).to(tensor.dtype).contiguous() if name in sums else tensor
        for name, tensor in latest.items()
    }

    def write(tmp: Path) -> None:
        source = paths[-1]
        for item in source.iterdir():
            if item.is_file() and item.name not in {WEIGHTS, "training.json"}:
                shutil.copy2(item, tmp / item.name)
        save_file(averaged, str(tmp / WEIGHTS), metadata={"format": "pt"})
        (tmp / "training.json").write_text(
            json.dumps(_record(paths), indent=2) + "\n", encoding="utf-8"
        )

    out.parent.mkdir(parents=True, exist_ok=True)
    replace_folder(out, write)
    return out


def _record(paths: list[Path]) -> dict:
    """The averaged model's training.json: its run's record plus what was averaged.

    Snapshots (``OUT/snapshots/step-NNNNNNN``) carry no record of their own, so the run's is
    the one beside them in ``OUT/training.json``; a checkpoint folder with its own record
    (the last one's wins) is used as it is. The steps come from the snapshot names.
    """
    last = paths[-1]
    record = read_training_record(last)
    if record is None and last.parent.name == SNAPSHOT_DIR:
        record = read_training_record(last.parent.parent)
    record = record or {}
    averaged: dict = {
        "checkpoints": [str(p) for p in paths],
        "how": "tafsiri model average: the element-wise mean of these weights (no optimizer state)",
    }
    steps = [_snapshot_step(p) for p in paths]
    if all(s is not None for s in steps):
        averaged["steps"] = steps
    record["averaged"] = averaged
    return record


def _snapshot_step(path: Path) -> int | None:
    prefix = "step-"
    if path.parent.name == SNAPSHOT_DIR and path.name.startswith(prefix):
        digits = path.name[len(prefix) :]
        if digits.isdigit():
            return int(digits)
    return None


def _config(path: Path) -> dict:
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{path / 'config.json'}: unreadable ({err})") from None
    return {k: v for k, v in config.items() if k not in _CONFIG_NOISE}
