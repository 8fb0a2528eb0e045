"""The one device resolver: ``auto``, ``cpu``, ``cuda`` and ``cuda:N`` for every back end.

Each caller passes how many CUDA devices its runtime sees (torch and CTranslate2 count them
differently), so the naming rules live here once and no runtime is imported for them.
"""

from __future__ import annotations

__all__ = ["DEVICE_CHOICES", "check_device_name", "resolve_device"]

DEVICE_CHOICES = "auto, cpu, cuda or cuda:N"


def check_device_name(device: str) -> str:
    """Return ``device`` when it is a valid name, without asking any runtime.

    Raises:
        ValueError: not one of :data:`DEVICE_CHOICES`.
    """
    if device in ("auto", "cpu", "cuda") or (device.startswith("cuda:") and device[5:].isdigit()):
        return device
    raise ValueError(f"device must be {DEVICE_CHOICES}, got {device!r}")


def resolve_device(device: str, cuda_devices: int) -> str:
    """Turn ``"auto"`` into ``"cuda"`` when a GPU is present, else ``"cpu"``; check the others.

    Args:
        device: the name asked for.
        cuda_devices: how many CUDA devices the runtime sees.

    Raises:
        ValueError: an unknown name, CUDA where there is none, or a GPU index out of range.
    """
    check_device_name(device)
    if device == "auto":
        return "cuda" if cuda_devices > 0 else "cpu"
    if device == "cpu":
        return device
    if cuda_devices == 0:
        raise ValueError(
            f"device {device!r} asked for, but CUDA is not available here; use cpu or auto"
        )
    if device.startswith("cuda:") and int(device[5:]) >= cuda_devices:
        raise ValueError(
            f"device {device!r} asked for, but only {cuda_devices} CUDA device(s) are visible"
        )
    return device
