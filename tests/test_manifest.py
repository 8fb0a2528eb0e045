"""The resume manifest: every finished output noted at once, a batch's cost linear in its size."""

from __future__ import annotations

import json

import pytest

import translate.jobs as jobs
from translate.jobs import JOURNAL_NAME, MANIFEST_NAME, Manifest


def _record(manifest: Manifest, out, names, key="key"):
    for name in names:
        target = out / name
        target.write_text("English\n", encoding="utf-8")
        manifest.record(target, f"sum-{name}", key, "sig")


def test_an_output_is_complete_once_recorded_even_if_the_run_dies_before_closing(tmp_path):
    _record(Manifest(tmp_path), tmp_path, ["a.txt", "b.txt"])  # never closed: a killed run
    again = Manifest(tmp_path)
    assert again.is_complete(tmp_path / "a.txt", "sum-a.txt", "key")
    assert again.is_complete(tmp_path / "b.txt", "sum-b.txt", "key")
    assert not again.is_complete(tmp_path / "b.txt", "sum-b.txt", "other settings")
    assert not again.is_complete(tmp_path / "b.txt", "another input", "key")


def test_closing_folds_the_journal_into_the_manifest_file(tmp_path):
    manifest = Manifest(tmp_path)
    (tmp_path / "sub").mkdir()
    _record(manifest, tmp_path, ["a.txt", "sub/b.txt"])
    manifest.close()
    assert not (tmp_path / JOURNAL_NAME).exists()
    data = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["outputs"]["sub/b.txt"] == {
        "input": "sum-sub/b.txt",
        "settings": "key",
        "signature": "sig",
    }


def test_a_line_cut_short_by_a_crash_loses_only_that_output(tmp_path):
    _record(Manifest(tmp_path), tmp_path, ["a.txt", "b.txt"])
    journal = tmp_path / JOURNAL_NAME
    journal.write_text(journal.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    again = Manifest(tmp_path)
    assert again.is_complete(tmp_path / "a.txt", "sum-a.txt", "key")
    assert not again.is_complete(tmp_path / "b.txt", "sum-b.txt", "key")


def test_a_crash_between_folding_and_removing_the_journal_changes_nothing(tmp_path):
    manifest = Manifest(tmp_path)
    _record(manifest, tmp_path, ["a.txt", "b.txt"])
    kept = (tmp_path / JOURNAL_NAME).read_text(encoding="utf-8")
    manifest.close()
    (tmp_path / JOURNAL_NAME).write_text(kept, encoding="utf-8")  # as if unlink never ran
    again = Manifest(tmp_path)
    assert again.is_complete(tmp_path / "b.txt", "sum-b.txt", "key")
    again.close()
    assert len(json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))["outputs"]) == 2


def test_a_later_entry_for_the_same_output_wins(tmp_path):
    manifest = Manifest(tmp_path)
    _record(manifest, tmp_path, ["a.txt"], key="old settings")
    _record(manifest, tmp_path, ["a.txt"], key="new settings")
    again = Manifest(tmp_path)
    assert again.is_complete(tmp_path / "a.txt", "sum-a.txt", "new settings")
    assert not again.is_complete(tmp_path / "a.txt", "sum-a.txt", "old settings")


def test_a_manifest_from_before_the_journal_still_resumes(tmp_path):
    (tmp_path / "a.txt").write_text("English\n", encoding="utf-8")
    entry = {"input": "sum", "settings": "key", "signature": "sig"}
    (tmp_path / MANIFEST_NAME).write_text(
        json.dumps({"version": 1, "outputs": {"a.txt": entry}}), encoding="utf-8"
    )
    assert Manifest(tmp_path).is_complete(tmp_path / "a.txt", "sum", "key")


@pytest.mark.parametrize("documents", [200, 2000])
def test_the_manifest_is_rewritten_a_logarithmic_number_of_times(tmp_path, monkeypatch, documents):
    # Rewriting the whole manifest per document made a 5,000-document batch write 3.8 GB.
    rewrites = []
    real = jobs.write_text_atomic
    monkeypatch.setattr(
        jobs, "write_text_atomic", lambda p, t: (rewrites.append(len(t)), real(p, t))
    )
    monkeypatch.setattr(
        jobs.os, "fsync", lambda fd: None
    )  # speed only; durability is not tested here
    manifest = Manifest(tmp_path)
    for i in range(documents):
        target = tmp_path / f"{i}.txt"
        target.touch()
        manifest.record(target, str(i), "key", "sig")
    manifest.close()
    final = rewrites[-1]
    assert len(rewrites) <= 2 + (documents // jobs.FOLD_AT_LEAST).bit_length()
    assert sum(rewrites) <= 3 * final  # each fold at least doubles the manifest
    assert Manifest(tmp_path).is_complete(
        tmp_path / f"{documents - 1}.txt", str(documents - 1), "key"
    )
