"""`tafsiri translate` through CliRunner: outputs, layout, JSONL, resume, and bad input.

Translation runs use the tiny random model (``--beam 1 --max-length 4`` keeps them fast) and
``--no-glossary``; the glossary's own tests cover enforcement through the CLI.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import DATA, SEED_ARTICLE, StubBackend
from translate.cli import app
from translate.flags import DEGENERATE_KINDS
from translate.jobs import MANIFEST_NAME

runner = CliRunner()


@pytest.fixture(scope="module")
def base(tiny_model_dir) -> list[str]:
    return ["--model", str(tiny_model_dir), "--beam", "1", "--max-length", "4", "--no-glossary"]


def run(args: list[str], **kwargs):
    return runner.invoke(app, ["translate", *args], **kwargs)


def _paragraph_count(text: str) -> int:
    return len([p for p in re.split(r"\n[ \t]*\n", text) if p.strip()])


def _no_partials(folder: Path) -> None:
    assert not [p for p in folder.rglob("*") if p.name.endswith(".part")]


# -- happy paths ------------------------------------------------------------------------------


def test_seed_article_keeps_its_paragraphs(base, tmp_path):
    out = tmp_path / "out"
    result = run([str(SEED_ARTICLE), "-o", str(out), *base])
    assert result.exit_code == 0, result.output
    english = (out / SEED_ARTICLE.name).read_text(encoding="utf-8")
    source = SEED_ARTICLE.read_text(encoding="utf-8")
    assert _paragraph_count(english) == _paragraph_count(source)
    assert english.count("\n") == source.count("\n")
    assert "translated 1 document" in result.stderr


def test_jsonl_records_cover_the_article_exactly(base, tmp_path):
    out = tmp_path / "out"
    result = run([str(SEED_ARTICLE), "-o", str(out), "--format", "jsonl", *base])
    assert result.exit_code == 0, result.output
    target = out / SEED_ARTICLE.with_suffix(".jsonl").name
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    source = SEED_ARTICLE.read_text(encoding="utf-8")
    pos = 0
    for r in records:
        assert source[r["start"] : r["end"]] == r["source"]
        assert source[pos : r["start"]].strip() == ""
        assert r["document"] == SEED_ARTICLE.name
        assert r["schema"] == "tafsiri.segment/1" and r["decode"]["beam"] == 1
        pos = r["end"]
    assert source[pos:].strip() == ""


def test_single_file_without_output_goes_to_stdout(base):
    result = run([str(DATA / "lafand-dev-40.sw"), "-q", *base])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 40
    assert result.stderr == ""


def _stdout_of(args: list[str], terminal: bool) -> bytes:
    """What `tafsiri translate ARGS` writes to a pipe, or to a pseudo-terminal."""
    import os
    import pty
    import subprocess
    import sys

    command = [sys.executable, "-c", "from translate.cli import app; app()", "translate", *args]
    if not terminal:
        return subprocess.run(command, capture_output=True, check=True, timeout=300).stdout
    leader, follower = pty.openpty()
    try:
        subprocess.run(command, stdout=follower, stderr=subprocess.DEVNULL, check=True, timeout=300)
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed and everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks)


def test_a_terminal_gets_a_final_newline_a_pipe_gets_the_sources_ending(base, tmp_path):
    # Otherwise the summary line (stderr) is glued to the last line of English on the screen.
    source = tmp_path / "no-final-newline.txt"
    source.write_text("Habari za leo.\n\nAsante sana.", encoding="utf-8")
    piped = _stdout_of([str(source), "-q", *base], terminal=False)
    shown = _stdout_of([str(source), "-q", *base], terminal=True)
    assert piped and not piped.endswith(b"\n")
    assert shown.replace(b"\r\n", b"\n") == piped + b"\n"


def test_stdin_to_stdout(base):
    result = run(["-", "-q", *base], input="Habari za leo.\n\nAsante sana.\n")
    assert result.exit_code == 0, result.output
    assert _paragraph_count(result.stdout) == 2


def test_folders_are_searched_recursively_and_mirrored(base, tmp_path):
    src = tmp_path / "src"
    (src / "news" / "2024").mkdir(parents=True)
    (src / "a.txt").write_text("Habari za leo.\n", encoding="utf-8")
    (src / "news" / "2024" / "b.md").write_text("# Kichwa\n\nRais amewasili.\n", encoding="utf-8")
    (src / "notes.csv").write_text("x,y\n", encoding="utf-8")
    (src / ".hidden.txt").write_text("Siri.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run([str(src), "-o", str(out), *base])
    assert result.exit_code == 0, result.output
    written = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.name != MANIFEST_NAME
    )
    assert written == ["a.txt", "news", "news/2024", "news/2024/b.md"]
    assert (out / "news/2024/b.md").read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bom.txt", b"\xef\xbb\xbfHabari za leo.\n\nAsante.\n"),
        ("utf16.txt", "Habari za leo.\n\nAsante.\n".encode("utf-16")),
    ],
)
def test_bom_encodings_are_accepted(base, tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    result = run([str(tmp_path / name), "-o", str(tmp_path / "out"), *base])
    assert result.exit_code == 0, result.output
    assert _paragraph_count((tmp_path / "out" / name).read_text(encoding="utf-8")) == 2


def test_empty_file_gives_empty_output(base, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run([str(tmp_path / "empty.txt"), "-o", str(tmp_path / "out"), *base])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "empty.txt").read_bytes() == b""


def test_a_single_3000_word_line_is_translated_whole(base, tmp_path, train_pairs):
    words = re.sub(r"[.!?…\"“”'‘’()]", "", " ".join(train_pairs[0][:100])).split()
    (tmp_path / "long.txt").write_text(
        " ".join(words[i % len(words)] for i in range(3000)) + "\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run([str(tmp_path / "long.txt"), "-o", str(out), "--format", "jsonl", *base])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(x) for x in (out / "long.jsonl").read_text().splitlines()]
    assert record["pieces"] > 1 and record["translation"]


def test_a_5mb_article_streams_through(tiny_model_dir, tmp_path, monkeypatch):
    """Scale, not the model: a stand-in back end keeps the 36k segments fast."""
    from translate.backend import Hypothesis

    class Upper(StubBackend):
        name, description = "upper", "upper-casing stand-in"

        def __init__(self, model, **settings):
            self.model_id = str(model)

        def translate_batch(self, texts, options, prefixes=None):
            return [[Hypothesis(t.upper(), 0.0)] for t in texts]

    monkeypatch.setattr("translate.marian.MarianBackend", Upper)
    source = SEED_ARTICLE.read_text(encoding="utf-8")
    big = (source.rstrip("\n") + "\n\n") * (5_000_000 // len(source) + 1)
    (tmp_path / "big.txt").write_text(big, encoding="utf-8")
    out = tmp_path / "out"
    args = [str(tmp_path / "big.txt"), "-o", str(out), "--model", str(tiny_model_dir)]
    args += ["--backend", "transformers"]
    result = run([*args, "--no-glossary"])
    assert result.exit_code == 0, result.output
    english = (out / "big.txt").read_text(encoding="utf-8")
    assert english.count("\n") == big.count("\n")
    assert _paragraph_count(english) == _paragraph_count(big)


# -- resume -----------------------------------------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in [
        ("a.txt", "Habari za leo.\n"),
        ("b.txt", "Asante sana.\n"),
        ("c.txt", "Karibu.\n"),
    ]:
        (src / name).write_text(text, encoding="utf-8")
    return src


def test_rerun_skips_complete_documents_and_redoes_missing_or_changed(base, tmp_path):
    src, out = _folder(tmp_path), tmp_path / "out"
    assert run([str(src), "-o", str(out), *base]).exit_code == 0
    (out / "b.txt").unlink()
    (src / "c.txt").write_text("Karibu tena.\n", encoding="utf-8")
    result = run([str(src), "-o", str(out), *base])
    assert result.exit_code == 0, result.output
    assert "translated 2 documents" in result.stderr and "skipped 1" in result.stderr
    assert (out / "b.txt").exists()
    again = run([str(src), "-o", str(out), *base])
    assert "translated 0 documents" in again.stderr and "skipped 3" in again.stderr


def test_changed_settings_translate_again(base, tmp_path):
    src, out = _folder(tmp_path), tmp_path / "out"
    assert run([str(src), "-o", str(out), *base]).exit_code == 0
    result = run([str(src), "-o", str(out), *base, "--batch-tokens", "512"])
    assert "translated 3 documents" in result.stderr
    flag_only = run([str(src), "-o", str(out), *base, "--batch-tokens", "512", "--no-redecode"])
    assert "translated 3 documents" in flag_only.stderr


def test_degenerate_outputs_are_redecoded_flagged_and_counted(base, tmp_path):
    # Four target tokens for a 40-word sentence is "too short" however it is decoded.
    out = tmp_path / "out"
    result = run([str(SEED_ARTICLE), "-o", str(out), "--format", "jsonl", *base])
    assert result.exit_code == 0, result.output
    records = [
        json.loads(line)
        for line in (out / SEED_ARTICLE.with_suffix(".jsonl").name).read_text().splitlines()
    ]
    kinds = DEGENERATE_KINDS
    redecoded = [r for r in records if any(f["redecoded"] for f in r["flags"])]
    degenerate = [
        r for r in records if any(f["persists"] and f["kind"] in kinds for f in r["flags"])
    ]
    assert degenerate and any(f["kind"] == "too_short" for r in degenerate for f in r["flags"])
    summary = result.stderr.strip().splitlines()[-1]
    assert f"; {len(redecoded)} segments re-decoded, {len(degenerate)} flagged degenerate" in (
        summary
    )
    plain = run([str(SEED_ARTICLE), "-q", *base, "--no-redecode", "--format", "jsonl"])
    flags = [f for line in plain.stdout.splitlines() for f in json.loads(line)["flags"]]
    assert flags and not any(f["redecoded"] for f in flags)


def test_an_interrupted_run_leaves_no_partial_file_and_resumes(base, tmp_path, monkeypatch):
    from translate.pipeline import Translator

    src, out = _folder(tmp_path), tmp_path / "out"
    real = Translator.translate_document
    calls = {"n": 0}

    def dies_on_second(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Translator, "translate_document", dies_on_second)
    result = run([str(src), "-o", str(out), *base])
    assert result.exit_code == 130
    assert "run the same command again to resume" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "a.txt"]
    _no_partials(out)
    monkeypatch.setattr(Translator, "translate_document", real)
    result = run([str(src), "-o", str(out), *base])
    assert result.exit_code == 0
    assert "translated 2 documents" in result.stderr and "skipped 1" in result.stderr


def test_a_failed_write_leaves_no_partial_file(base, tmp_path, monkeypatch):
    import translate.textio

    src, out = _folder(tmp_path), tmp_path / "out"

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(translate.textio.os, "fsync", broken_fsync)
    result = run([str(src), "-o", str(out), *base])
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert [p.name for p in out.iterdir()] == []


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({}, ["missing.txt"], r"missing\.txt: no such file or folder"),
        ({"bad.txt": b"Habari \xff za leo\n"}, ["bad.txt"], r"bad\.txt: not valid UTF-8 at byte 7"),
        (
            {"bin.txt": b"\x89PNG\r\n\x1a\n\x00\x00"},
            ["bin.txt"],
            r"bin\.txt: looks like a binary file",
        ),
        ({"dir/x.csv": b"a"}, ["dir"], r"dir: folder holds no \.txt or \.md files"),
        ({"a.txt": b"x", "b.txt": b"y"}, ["a.txt", "b.txt", "--no-out"], r"pass -o OUT"),
        ({"a.txt": b"x", "d/a.txt": b"y"}, ["a.txt", "d"], r"same output"),
        ({"a.txt": b"x"}, ["a.txt", "-o", "."], r"would overwrite the input"),
        ({"a.txt": b"x", "f": b""}, ["a.txt", "-o", "f"], r"f: exists and is not a folder"),
        ({"a.txt": b"x", "f": b""}, ["a.txt", "-o", "f/out"], r"f/out: .*not a folder"),
        ({"a.txt": b"x"}, ["a.txt", "-", "-o", "o"], r"stdin cannot be combined"),
        ({"a.txt": b"x"}, ["a.txt", "--format", "docx"], r"--format must be one of txt, md, jsonl"),
        ({"a.txt": b"x"}, ["a.txt", "--beam", "0"], r"beam must be at least 1"),
        ({"a.txt": b"x"}, ["a.txt", "--device", "tpu"], r"device must be auto, cpu, cuda"),
    ],
)
def test_bad_input_is_one_clear_line(tiny_model_dir, tmp_path, monkeypatch, files, args, message):
    monkeypatch.chdir(tmp_path)
    for name, data in files.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_bytes(data)
    if "--no-out" in args:
        args = [a for a in args if a != "--no-out"]
    elif "-o" not in args:
        args = [*args, "-o", "out"]
    result = run([*args, "--model", str(tiny_model_dir), "--no-glossary"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in result.output
    assert not Path("out").exists() or not any(Path("out").iterdir())


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (
            "no-such-org/opus-mt-sw-en",
            r"'no-such-org/opus-mt-sw-en' is not a folder.*--model FOLDER",
        ),
        ("{tmp}", r"not a model folder \(no config\.json\)"),
    ],
)
def test_unknown_model_fails_at_once(tmp_path, model, message):
    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    result = run([str(tmp_path / "a.txt"), "--model", model.format(tmp=tmp_path), "--no-glossary"])
    assert result.exit_code == 1
    assert re.search(message, result.stderr.strip())
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_model_and_no_embedded_model(tmp_path, monkeypatch):
    monkeypatch.setattr("translate.model_catalog.EMBEDDED_MODEL", tmp_path / "missing")
    monkeypatch.delenv("TAFSIRI_MODEL", raising=False)
    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    result = run([str(tmp_path / "a.txt"), "--no-glossary"])
    assert result.exit_code == 1
    assert "no embedded model in this install" in result.stderr


def test_tafsiri_model_environment_variable(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("TAFSIRI_MODEL", str(tiny_model_dir))
    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    result = run(
        [str(tmp_path / "a.txt"), "--beam", "1", "--max-length", "4", "--no-glossary", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


def test_glossary_flags_conflict(tmp_path):
    result = run(["x.txt", "--glossary", "g.tsv", "--no-glossary"])
    assert result.exit_code == 1
    assert "cannot be used together" in result.stderr


def test_threads_option_is_accepted(base, tmp_path):
    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    result = run([str(tmp_path / "a.txt"), "--threads", "1", "-q", *base])
    assert result.exit_code == 0, result.output
    assert run([str(tmp_path / "a.txt"), "--threads", "-1", *base]).exit_code != 0


def test_unwritable_output_folder_fails_before_translating(base, tmp_path, monkeypatch):
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    (tmp_path / "a.txt").write_text("Habari.\n", encoding="utf-8")
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", denied)
    result = run([str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), *base])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {tmp_path / 'out'}: cannot write to the output folder (Permission denied)"
    )
    assert not (tmp_path / "out" / "a.txt").exists()


# -- Markdown follows the input, not the output format ----------------------------------------

MD = "## Kichwa cha habari\n\n**Samia** amesema [hapa](https://example.com/a_b).\n"


def _sources(jsonl: str) -> list[str]:
    return [json.loads(line)["source"] for line in jsonl.splitlines()]


@pytest.mark.parametrize(
    ("args", "markdown"),
    [
        (["a.md", "--format", "jsonl"], True),
        (["a.md"], True),
        (["a.md", "--format", "txt"], True),
        (["a.md", "--format", "jsonl", "--no-markdown"], False),
        (["a.txt", "--format", "jsonl"], False),
        (["a.txt", "--format", "jsonl", "--markdown"], True),
        (["a.txt", "--format", "md"], True),
        (["-", "--format", "jsonl"], False),
        (["-", "--format", "jsonl", "--markdown"], True),
        (["-", "--format", "md"], True),
    ],
)
def test_markdown_is_decided_by_the_input_or_the_flag(base, tmp_path, monkeypatch, args, markdown):
    monkeypatch.chdir(tmp_path)
    for name in ("a.md", "a.txt"):
        (tmp_path / name).write_text(MD, encoding="utf-8")
    result = run([*args, "-q", *base], input=MD if args[0] == "-" else None)
    assert result.exit_code == 0, result.output
    if "jsonl" in args:
        sources = _sources(result.stdout)
        assert ("Kichwa cha habari" in sources) == markdown
        assert all(not s.startswith("##") for s in sources) == markdown
    else:
        assert result.stdout.startswith("## ") == markdown
        assert ("](https://example.com/a_b)" in result.stdout) == markdown


def test_the_markdown_choice_is_part_of_the_resume_key(base, tmp_path):
    (tmp_path / "a.md").write_text(MD, encoding="utf-8")
    out = tmp_path / "out"
    assert run([str(tmp_path / "a.md"), "-o", str(out), *base]).exit_code == 0
    again = run([str(tmp_path / "a.md"), "-o", str(out), *base])
    assert "skipped 1" in again.stderr
    plain = run([str(tmp_path / "a.md"), "-o", str(out), *base, "--no-markdown"])
    assert "translated 1 document" in plain.stderr
