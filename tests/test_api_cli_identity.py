"""The Python API's defaults are the CLI's: ``Translator()`` translates like ``tafsiri translate``.

Both go through :func:`translate.constraints.default_hook` (the shipped glossary and protected
spans) and the default degenerate-output check. The seed article and 20 MAFAND-MT test
documents (their first four lines each) are translated both ways with the embedded model and
must give byte-identical text and JSONL records.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import DATA, SEED_ARTICLE
from translate.cli import app

pytestmark = pytest.mark.timeout(600)


def _documents(folder: Path) -> list[Path]:
    """The seed article and the 20 MAFAND-MT documents as files (one line a paragraph)."""
    docs: dict[str, list[str]] = {}
    rows = (DATA / "lafand-test-20docs.sw.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        doc, line = row.split("\t")
        docs.setdefault(doc, []).append(line)
    assert len(docs) == 20
    folder.mkdir()
    paths = [folder / SEED_ARTICLE.name]
    paths[0].write_bytes(SEED_ARTICLE.read_bytes())
    for doc, lines in docs.items():
        path = folder / f"{doc}.txt"
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_translator_defaults_give_the_cli_output(tmp_path, monkeypatch):
    from translate import Translator

    monkeypatch.delenv("TAFSIRI_MODEL", raising=False)
    paths = _documents(tmp_path / "in")
    runner = CliRunner()
    for fmt in ("txt", "jsonl"):
        result = runner.invoke(
            app, ["translate", str(tmp_path / "in"), "-o", str(tmp_path / fmt), "--format", fmt]
        )
        assert result.exit_code == 0, result.output
    translator = Translator()
    docs = [translator.translate_document(path.read_text(encoding="utf-8")) for path in paths]
    for path, doc in zip(paths, docs, strict=True):
        assert doc.info.glossary is not None, "the API enforces the glossary by default"
        cli_text = (tmp_path / "txt" / path.name).read_text(encoding="utf-8")
        cli_records = (tmp_path / "jsonl" / path.with_suffix(".jsonl").name).read_text(
            encoding="utf-8"
        )
        assert doc.text == cli_text, path.name
        assert doc.to_jsonl(path.name) == cli_records, path.name
    seed = docs[0]  # the seed article
    kinds = {t.kind for s in seed.segments for t in s.terms}
    assert "term" in kinds and "name" in kinds, "glossary terms and protected names both ran"


def test_opting_out_is_explicit_and_matches_the_cli_flags(tmp_path, monkeypatch):
    from translate import Translator
    from translate.constraints import Constraints, default_hook

    monkeypatch.delenv("TAFSIRI_MODEL", raising=False)
    bare = Translator(glossary=None, degenerate=None)
    assert bare.glossary is None and bare.info.glossary is None
    assert default_hook(glossary=False, protect=False) is None
    spans_only = default_hook(glossary=False)
    assert isinstance(spans_only, Constraints) and spans_only.source is None
    terms_only = default_hook(protect=False)
    assert isinstance(terms_only, Constraints) and not terms_only.protect
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    api = Translator(glossary=spans_only).translate_document(text).text
    result = CliRunner().invoke(app, ["translate", str(SEED_ARTICLE), "--no-glossary", "-q"])
    assert result.exit_code == 0, result.output
    assert api == result.stdout


def test_no_trust_is_the_api_without_a_trust_check(tmp_path, monkeypatch):
    from translate import Translator

    monkeypatch.delenv("TAFSIRI_MODEL", raising=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["translate", str(SEED_ARTICLE), "-o", str(out), "--format", "jsonl", "--no-trust"]
    )
    assert result.exit_code == 0, result.output
    doc = Translator(trust=None).translate_document(SEED_ARTICLE.read_text(encoding="utf-8"))
    cli_records = (out / SEED_ARTICLE.with_suffix(".jsonl").name).read_text(encoding="utf-8")
    assert doc.to_jsonl(SEED_ARTICLE.name) == cli_records
    assert all(s.confidence is None and not s.trust_flags for s in doc.segments)
    assert "trust:off" in doc.info.signature()
    assert "low-confidence" not in result.output and "invented-figure" not in result.output
