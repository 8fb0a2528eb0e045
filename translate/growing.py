"""Growing a trained model: wider or deeper layers that start out translating exactly as before.

A model sized for less data can be given more capacity without training from scratch, which on
a CPU costs days. Every change here preserves the model's function, so the grown model's first
translation is the old model's (a test holds it to the same logits) and training starts from
the old quality rather than from noise (Chen et al. 2016, "Net2Net", make the same argument):

- wider: each feed-forward layer gets more hidden units, their input weights random (as a fresh
  model's) and their output weights zero, so they add nothing until training moves them
  (Net2Net splits units instead, which needs noise added to break symmetry);
- deeper: new encoder layers go on top, their attention output and feed-forward output weights
  zero, so each adds nothing to its residual stream. Marian normalises after each sublayer
  (post-norm), so a new layer would still renormalise its input: the old top layer's output
  scale and shift move to the new top layer's last norm, and every norm in between is left
  plain, which normalises already-normalised vectors (an identity up to LayerNorm's epsilon).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from translate.averaging import WEIGHTS
from translate.textio import InputError, replace_folder
from translate.train import read_training_record

__all__ = ["grow_model"]


def grow_model(
    folder: str | Path,
    output: str | Path,
    *,
    encoder_ffn_dim: int | None = None,
    decoder_ffn_dim: int | None = None,
    encoder_layers: int | None = None,
    seed: int = 1234,
) -> Path:
    """Write a copy of a Marian model folder with wider feed-forward layers or more encoder layers.

    Args:
        folder: a MarianMT model folder (config.json and model.safetensors).
        output: the folder to write (replaced atomically); tokenizer files are copied.
        encoder_ffn_dim: the new hidden size of every encoder feed-forward layer (None: keep).
        decoder_ffn_dim: the same for the decoder.
        encoder_layers: the new number of encoder layers (None: keep). New layers have the
            (new) encoder feed-forward size.
        seed: seeds the new units' input weights, so a growth can be repeated exactly.

    Raises:
        InputError: not a model folder, the output is the input, or a size that does not
            grow the model.
    """
    src, out = Path(folder), Path(output)
    if not (src / WEIGHTS).is_file() or not (src / "config.json").is_file():
        raise InputError(f"{src}: not a model folder (needs config.json and {WEIGHTS})")
    if out.resolve() == src.resolve():
        raise InputError(f"{out}: the output folder must not be the model being grown")
    try:
        config = json.loads((src / "config.json").read_text(encoding="utf-8"))
    except ValueError as err:
        raise InputError(f"{src / 'config.json'}: not valid JSON ({err})") from None
    targets = {"encoder": encoder_ffn_dim, "decoder": decoder_ffn_dim}
    if all(size is None for size in targets.values()) and encoder_layers is None:
        raise InputError("give a new encoder or decoder feed-forward size or encoder depth")
    for side, size in targets.items():
        current = config.get(f"{side}_ffn_dim")
        if size is not None and (current is None or size <= current):
            raise InputError(f"{src}: {side} feed-forward size {size} does not grow {current}")
    depth = config.get("encoder_layers")
    if encoder_layers is not None and (depth is None or encoder_layers <= depth):
        raise InputError(f"{src}: encoder depth {encoder_layers} does not grow {depth}")

    weights = load_file(src / WEIGHTS)
    generator = torch.Generator().manual_seed(seed)
    std = float(config.get("init_std", 0.02))
    _widen(weights, targets, generator, std)
    for side, size in targets.items():
        if size is not None:
            config[f"{side}_ffn_dim"] = size
    if encoder_layers is not None:
        _deepen_encoder(weights, int(depth), encoder_layers, generator, std)
        config["encoder_layers"] = encoder_layers

    record = read_training_record(src) or {}
    record["grown"] = {
        "from": str(src),
        "encoder_ffn_dim": encoder_ffn_dim,
        "decoder_ffn_dim": decoder_ffn_dim,
        "encoder_layers": encoder_layers,
        "seed": seed,
        "how": "tafsiri model grow: new feed-forward units and encoder layers whose output "
        "weights are zero (the same translations until trained)",
    }

    def write(tmp: Path) -> None:
        for item in src.iterdir():
            if item.is_file() and item.name not in {WEIGHTS, "config.json", "training.json"}:
                shutil.copy2(item, tmp / item.name)
        save_file(weights, str(tmp / WEIGHTS), metadata={"format": "pt"})
        (tmp / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        (tmp / "training.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    out.parent.mkdir(parents=True, exist_ok=True)
    replace_folder(out, write)
    return out


def _widen(
    weights: dict[str, torch.Tensor],
    targets: dict[str, int | None],
    generator: torch.Generator,
    std: float,
) -> None:
    for name in sorted(weights):
        parts = name.split(".")  # model.encoder.layers.N.fc1.weight and the like
        size = targets.get(parts[1]) if parts[0] == "model" and len(parts) > 2 else None
        if size is None:
            continue
        tensor, kind = weights[name], ".".join(parts[-2:])
        if kind == "fc1.weight":  # (ffn, d_model): new rows read the input
            extra = torch.randn(size - tensor.shape[0], tensor.shape[1], generator=generator)
            weights[name] = torch.cat([tensor, (extra * std).to(tensor.dtype)])
        elif kind == "fc1.bias":
            weights[name] = torch.cat([tensor, tensor.new_zeros(size - tensor.shape[0])])
        elif kind == "fc2.weight":  # (d_model, ffn): new columns write nothing yet
            extra = tensor.new_zeros(tensor.shape[0], size - tensor.shape[1])
            weights[name] = torch.cat([tensor, extra], dim=1)


def _deepen_encoder(
    weights: dict[str, torch.Tensor],
    depth: int,
    new_depth: int,
    generator: torch.Generator,
    std: float,
) -> None:
    top = f"model.encoder.layers.{depth - 1}."
    template = {name[len(top) :]: weights[name] for name in weights if name.startswith(top)}
    scale, shift = template["final_layer_norm.weight"], template["final_layer_norm.bias"]
    weights[top + "final_layer_norm.weight"] = torch.ones_like(scale)
    weights[top + "final_layer_norm.bias"] = torch.zeros_like(shift)
    reads = {"q_proj", "k_proj", "v_proj", "fc1"}  # random, as a fresh layer's
    for index in range(depth, new_depth):
        for part, tensor in sorted(template.items()):
            if part.endswith("norm.weight"):
                new = torch.ones_like(tensor)
            elif part.endswith(".weight") and part.split(".")[-2] in reads:
                noise = torch.randn(tuple(tensor.shape), generator=generator) * std
                new = noise.to(tensor.dtype)
            else:  # biases, out_proj and fc2: the layer writes nothing yet
                new = torch.zeros_like(tensor)
            weights[f"model.encoder.layers.{index}.{part}"] = new
    last = f"model.encoder.layers.{new_depth - 1}."
    weights[last + "final_layer_norm.weight"] = scale.clone()
    weights[last + "final_layer_norm.bias"] = shift.clone()
