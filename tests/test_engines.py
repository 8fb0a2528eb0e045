"""The per-document step every engine runs, and `--engine` on the command line (no Ray needed)."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from tests.conftest import SEED_ARTICLE
from translate.cli import app
from translate.engines import LocalEngine, Request, describe_error, translate_request
from translate.ray_engine import INSTALL_HINT, RayOptions
from translate.textio import InputError

runner = CliRunner()


class _Fake:
    """A translator whose ``translate_document`` raises what it is given, or echoes."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error
        self.calls: list[tuple[str, dict]] = []

    def translate_document(self, text, progress=None, **options):
        self.calls.append((text, options))
        if self.error is not None:
            raise self.error
        return text.upper()


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (InputError("a.txt: not UTF-8"), "a.txt: not UTF-8"),
        (ValueError("bad value"), "bad value"),
        (RuntimeError("injected failure"), "RuntimeError: injected failure"),
        (RuntimeError("first line\nsecond line"), "RuntimeError: first line"),
        (ZeroDivisionError(), "ZeroDivisionError"),
        (ValueError(""), "ValueError"),
    ],
)
def test_a_document_that_raises_is_an_error_outcome(error, line):
    outcome = translate_request(_Fake(error), Request("Habari."))
    assert outcome.result is None and outcome.error == line
    assert describe_error(error) == line


def test_interrupts_are_not_document_errors():
    with pytest.raises(KeyboardInterrupt):
        translate_request(_Fake(KeyboardInterrupt()), Request("Habari."))


def test_the_local_engine_passes_options_and_keeps_the_order():
    fake = _Fake()
    requests = [Request(t, {"markdown": t == "b"}, key=t) for t in ("a", "b", "c")]
    outcomes = list(LocalEngine(fake).run(requests, lambda k: None))  # type: ignore[arg-type]
    assert [(r.key, o.result) for r, o in outcomes] == [("a", "A"), ("b", "B"), ("c", "C")]
    assert [c[1] for c in fake.calls] == [
        {"markdown": False},
        {"markdown": True},
        {"markdown": False},
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": -1}, "--workers must be 0"),
        ({"cpus_per_worker": 0}, "--cpus-per-worker must be 1 or more"),
        ({"max_restarts": -2}, "--max-restarts must be -1"),
        ({"batch_size": 0}, "batch_size must be 1 or more"),
    ],
)
def test_ray_options_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RayOptions(**kwargs)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--engine", "spark"], "error: --engine must be one of local, ray, got 'spark'"),
        (["--address", "auto"], "error: --address: only with --engine ray"),
        (
            ["--workers", "2", "--cpus-per-worker", "2"],
            "error: --workers, --cpus-per-worker: only with --engine ray",
        ),
        (
            ["--engine", "ray", "--threads", "2"],
            "error: --threads is for --engine local; with --engine ray use --cpus-per-worker",
        ),
    ],
)
def test_engine_flags_are_one_line_errors(args, line, tmp_path):
    result = runner.invoke(app, ["translate", str(SEED_ARTICLE), "-o", str(tmp_path), *args])
    assert result.exit_code == 1
    assert result.stderr.strip() == line


def test_without_ray_the_ray_engine_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    result = runner.invoke(
        app, ["translate", str(SEED_ARTICLE), "-o", str(tmp_path), "--engine", "ray"]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {INSTALL_HINT}"
    assert not list(tmp_path.iterdir())
