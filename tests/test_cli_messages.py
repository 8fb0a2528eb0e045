"""What a newcomer sees: help, version, messages, refusals and batches with one bad file."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def base(tiny_model_dir) -> list[str]:
    return ["--model", str(tiny_model_dir), "--beam", "1", "--max-length", "4", "--no-glossary"]


def translate(args: list[str], **kwargs):
    return runner.invoke(app, ["translate", *args], **kwargs)


def _one_error(result, *needles: str) -> str:
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.output
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


# -- help and version -----------------------------------------------------------------------


def test_help_keeps_bracketed_and_parenthesised_text_and_h_is_help():
    result = runner.invoke(app, ["translate", "-h"])
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "txt, md or jsonl (default: md for *.md inputs, else txt)" in flat
    assert "Glossary file to enforce (default: the shipped one)" in flat


def test_version_prints_the_distribution_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("tafsiri ")


def test_help_and_model_list_answer_fast_without_loading_torch(tmp_path):
    script = (
        "import sys, time; t = time.perf_counter();"
        "from translate.cli import app;"
        "sys.argv = ['tafsiri', 'model', 'list'];"
        "import contextlib\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"TAFSIRI_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip().endswith("False False"), out.stdout + out.stderr
    assert "sw-en-compact" in out.stdout
    assert time.perf_counter() - started < 10  # generous: the point is no model or torch load


# -- refusals -------------------------------------------------------------------------------


def test_a_file_with_another_suffix_is_refused_with_a_hint(base, tmp_path):
    (tmp_path / "run.jsonl").write_text('{"schema": "tafsiri.segment/1"}\n', encoding="utf-8")
    _one_error(translate([str(tmp_path / "run.jsonl"), *base]), "run.jsonl", "--any-suffix")
    ok = translate([str(tmp_path / "run.jsonl"), "--any-suffix", "-q", *base])
    assert ok.exit_code == 0, ok.output


def test_the_output_folder_being_the_input_folder_is_named_as_such(base, tmp_path):
    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    _one_error(
        translate([str(tmp_path), "-o", str(tmp_path), *base]),
        "the output folder is the input folder",
    )


def test_legacy_encodings_are_read_with_encoding_and_the_utf8_error_points_to_it(base, tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Habari za São Tomé – leo.\n".encode("cp1252"))
    _one_error(translate([str(path), *base]), "not valid UTF-8", "--encoding")
    result = translate([str(path), "--encoding", "cp1252", "-q", *base])
    assert result.exit_code == 0, result.output
    _one_error(translate([str(path), "--encoding", "klingon", *base]), "unknown encoding")


def test_a_missing_shipped_glossary_is_an_error_not_a_silent_run_without_it(
    tiny_model_dir, tmp_path, monkeypatch
):
    from translate.textio import InputError

    def broken():
        raise InputError("glossary/data/diplomatic.sw-en.tsv: no such file")

    monkeypatch.setattr("glossary.merge.default_glossary", broken)
    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    result = translate([str(tmp_path / "a.txt"), "--model", str(tiny_model_dir)])
    _one_error(result, "diplomatic.sw-en.tsv")


# -- batches --------------------------------------------------------------------------------


def _batch(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Habari za leo.\n", encoding="utf-8")
    (src / "b.txt").write_bytes(b"\x89PNG\r\n\x00\x00binary")
    (src / "c.txt").write_text("Asante sana.\n", encoding="utf-8")
    return src


def test_a_bad_file_in_a_batch_is_skipped_and_the_rest_translated(base, tmp_path):
    src, out = _batch(tmp_path), tmp_path / "out"
    result = translate([str(src), "-o", str(out), *base])
    assert result.exit_code == 1
    assert "b.txt" in result.output and "(skipped)" in result.output
    assert "1 document could not be read and was skipped" in result.output
    assert (out / "a.txt").exists() and (out / "c.txt").exists() and not (out / "b.txt").exists()
    assert "translated 2 documents" in result.output


def test_fail_fast_stops_at_the_first_bad_file(base, tmp_path):
    src, out = _batch(tmp_path), tmp_path / "out"
    result = translate([str(src), "-o", str(out), "--fail-fast", *base])
    _one_error(result, "b.txt")
    assert not (out / "a.txt").exists(), "nothing is translated before the inputs are checked"


def test_a_rerun_of_a_complete_batch_loads_no_model(base, tmp_path, monkeypatch):
    src, out = _batch(tmp_path), tmp_path / "out"
    (src / "b.txt").unlink()
    assert translate([str(src), "-o", str(out), *base]).exit_code == 0

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded for a complete batch")

    monkeypatch.setattr("translate.pipeline.Translator.__init__", no_model)
    again = translate([str(src), "-o", str(out), *base])
    assert again.exit_code == 0, again.output
    assert "translated 0 documents" in again.output and "skipped 2 already complete" in again.output


def test_messages_use_singulars_and_stdout_runs_do_not_promise_resume(base, tmp_path):
    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    result = translate([str(tmp_path / "a.txt"), *base])
    assert "translated 1 document (1 segment)" in result.output
    assert "resume" not in result.output


def test_ctrl_c_while_the_model_loads_is_one_line_and_exit_130(base, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("translate.pipeline.Translator.__init__", interrupted)
    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    result = translate([str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), *base])
    assert result.exit_code == 130
    assert result.output.strip() == "interrupted while loading the model; nothing was written"
    assert not (tmp_path / "out" / "a.txt").exists()
