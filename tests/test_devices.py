"""One device resolver for every back end: names checked once, availability passed in."""

from __future__ import annotations

import pytest

from translate.devices import check_device_name, resolve_device


@pytest.mark.parametrize(
    ("asked", "gpus", "expected"),
    [
        ("auto", 0, "cpu"),
        ("auto", 1, "cuda"),
        ("cpu", 0, "cpu"),
        ("cpu", 2, "cpu"),
        ("cuda", 1, "cuda"),
        ("cuda:0", 1, "cuda:0"),
        ("cuda:1", 2, "cuda:1"),
    ],
)
def test_valid_names_resolve(asked, gpus, expected):
    assert resolve_device(asked, gpus) == expected


@pytest.mark.parametrize("device", ["tpu", "cuda:x", "gpu", "", "CPU", "cuda:"])
def test_bad_names_list_the_choices(device):
    with pytest.raises(ValueError, match="auto, cpu, cuda or cuda:N"):
        check_device_name(device)
    with pytest.raises(ValueError, match="auto, cpu, cuda or cuda:N"):
        resolve_device(device, 1)


@pytest.mark.parametrize(
    ("asked", "gpus", "message"),
    [
        ("cuda", 0, "CUDA is not available"),
        ("cuda:0", 0, "CUDA is not available"),
        ("cuda:2", 2, "only 2 CUDA device"),
    ],
)
def test_unavailable_gpus_are_refused(asked, gpus, message):
    with pytest.raises(ValueError, match=message):
        resolve_device(asked, gpus)
