"""The round trip: English that translates back into little of its source is flagged."""

from __future__ import annotations

import json

import pytest
from conftest import StubBackend
from typer.testing import CliRunner

from translate.backend import Hypothesis
from translate.cli import app
from translate.pipeline import Translator
from translate.roundtrip import ROUND_TRIP_CHRF, round_trip_flags, round_trip_scores

SOURCE = "Rais alimteua Michael Pack kuwa mkuu wa shirika hilo jana."
FAITHFUL = "The president appointed Michael Pack head of the agency yesterday."
GARBLED = "The president killed the engine of the car."
BACK = {
    FAITHFUL: "Rais alimteua Michael Pack kuwa mkuu wa shirika hilo jana.",
    GARBLED: "Rais aliua injini ya gari.",
    "Belgium": "Belgium",
}


class _Table(StubBackend):
    """Writes the translation a table gives for each input (the model id names the table)."""

    def __init__(self, table: dict[str, str], model_id: str = "stub") -> None:
        self.table, self.model_id = table, model_id

    def translate_batch(self, texts, options, prefixes=None):
        return [[Hypothesis(self.table[t], -0.2)] * options.nbest for t in texts]


def _back(texts: list[str]) -> list[str]:
    return [BACK[t] for t in texts]


def test_english_that_comes_back_as_the_source_is_not_flagged():
    (flag,) = round_trip_flags(_back, [SOURCE], [FAITHFUL])
    assert flag is None


def test_english_that_comes_back_as_something_else_is_flagged_with_what_came_back():
    (flag,) = round_trip_flags(_back, [SOURCE], [GARBLED])
    assert flag is not None and flag.kind == "round-trip"
    assert "Rais aliua injini ya gari." in flag.detail
    (scored,) = round_trip_scores(_back, [SOURCE], [GARBLED])
    assert scored is not None and scored[0] < ROUND_TRIP_CHRF


def test_short_segments_and_empty_english_are_not_judged():
    asked: list[str] = []

    def back(texts):
        asked.extend(texts)
        return _back(texts)

    assert round_trip_flags(back, ["Ubelgiji", SOURCE], ["Belgium", ""]) == [None, None]
    assert asked == []


def test_the_translator_flags_the_round_trip_in_the_records():
    forward = _Table({SOURCE: GARBLED})
    tr = Translator(forward, glossary=None, round_trip=_Table(BACK, "en-sw"))
    (record,) = tr.translate_document(SOURCE).segments
    assert "round-trip" in {f.kind for f in record.trust_flags}
    assert "|rt:en-sw:stub" in tr.translate_document(SOURCE).info.signature()
    plain = Translator(forward, glossary=None)
    (record,) = plain.translate_document(SOURCE).segments
    assert "round-trip" not in {f.kind for f in record.trust_flags}
    assert "|rt:" not in plain.info.signature()


def test_the_round_trip_needs_the_trust_checks():
    with pytest.raises(ValueError, match="trust"):
        Translator(_Table({}), glossary=None, trust=None, round_trip=_Table(BACK))


def test_the_cli_counts_round_trip_flags_and_names_the_model(tmp_path, tiny_model_dir):
    # The tiny model's Swahili is noise: every judged segment comes back as something else.
    src = tmp_path / "a.txt"
    src.write_text(SOURCE + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["translate", str(src), "-o", str(out), "--format", "jsonl"]
    result = CliRunner().invoke(app, [*args, "--round-trip", str(tiny_model_dir)])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in (out / "a.jsonl").read_text().splitlines()]
    assert "round-trip" in {f["kind"] for f in record["flags"]}
    assert f"|rt:{tiny_model_dir.name}:" in record["signature"]
    assert "round-trip" in result.output.split("flags: ")[1]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--round-trip", "no-such-model"], "no-such-model"),
        (["--round-trip", "sw-en-compact", "--no-trust"], "--no-trust"),
    ],
)
def test_a_bad_round_trip_is_one_line_and_writes_nothing(tmp_path, extra, message):
    src = tmp_path / "a.txt"
    src.write_text(SOURCE + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["translate", str(src), "-o", str(out), *extra])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())
