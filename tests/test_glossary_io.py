"""Glossary files: TSV/CSV/TBX loading, clear errors for bad input, TBX round trip, XML attacks."""

from __future__ import annotations

import codecs
import contextlib
import gc

import pytest

from glossary import Glossary, Term, default_glossary, export_glossary, load_glossary
from glossary.io import build_glossary, glossary_to_text, read_entries
from tests.conftest import DATA, SHARED
from translate.textio import InputError

HEADER = "sw\ten\tsw_plural\ten_plural\tnote\tpos\tcase_sensitive\tforbidden\n"


def write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_default_glossary_is_shipped_real_and_big_enough():
    g = default_glossary()
    assert len(g) >= 150
    by_sw = {t.sw: t for t in g}
    for sw, en in [
        ("Wizara ya Mambo ya Nje", "Ministry of Foreign Affairs"),
        ("Naibu Waziri wa Mashauri ya Kigeni", "Deputy Minister of Foreign Affairs"),
        ("Mkurugenzi Mkuu", "Director General"),
        ("mashauriano ya kisiasa", "political consultations"),
        ("Umoja wa Ulaya", "European Union"),
        ("Asia ya Kati", "Central Asia"),
        ("Ubelgiji", "Belgium"),
        (
            "Shirika la Usalama na Ushirikiano barani Ulaya",
            "Organization for Security and Co-operation in Europe",
        ),
        ("Umoja wa Mataifa", "United Nations"),
    ]:
        assert by_sw[sw].en[0].casefold() == en.casefold()
    assert len(g.checksum) == 64


def test_checksum_ignores_order_and_format(tmp_path):
    g = default_glossary()
    shuffled = Glossary(tuple(reversed(g.terms)))
    assert shuffled.checksum == g.checksum
    changed = Glossary(g.terms[:-1])
    assert changed.checksum != g.checksum


@pytest.mark.parametrize("fmt", ["tsv", "csv", "tbx"])
def test_export_reimports_identically(tmp_path, fmt):
    g = default_glossary()
    path = tmp_path / f"g.{fmt}"
    export_glossary(g, path)
    again = load_glossary(path)
    assert again.terms == g.terms
    assert again.checksum == g.checksum


@pytest.mark.parametrize(
    "body, sw, en, extra",
    [
        ("Balozi\tambassador|envoy\n", "Balozi", ("ambassador", "envoy"), {}),
        (
            "waziri\tMinister\tmawaziri\tMinisters\n",
            "waziri",
            ("Minister",),
            {"sw_plural": ("mawaziri",), "en_plural": ("Ministers",)},
        ),
        (
            "UN\tUN\t\t\tacronym\tproper noun\tyes\n",
            "UN",
            ("UN",),
            {"case_sensitive": True, "pos": "proper noun", "note": "acronym"},
        ),
        (
            "Uingereza\tBritain\t\t\t\t\t\tEngland\n",
            "Uingereza",
            ("Britain",),
            {"forbidden": ("England",)},
        ),
    ],
)
def test_tsv_columns(tmp_path, body, sw, en, extra):
    term = load_glossary(write(tmp_path, "g.tsv", HEADER + body)).terms[0]
    assert (term.sw, term.en) == (sw, en)
    for name, value in extra.items():
        assert getattr(term, name) == value


def test_headerless_two_columns_and_comments(tmp_path):
    g = load_glossary(
        write(tmp_path, "g.tsv", "# diplomatic terms\nUbelgiji\tBelgium\n\nMisri\tEgypt\n")
    )
    assert [(t.sw, t.en[0], t.line) for t in g] == [
        ("Ubelgiji", "Belgium", 2),
        ("Misri", "Egypt", 4),
    ]


def test_csv_with_aliases_and_quotes(tmp_path):
    text = (
        "Swahili,English,Notes\n"
        '"Wizara ya Elimu, Sayansi na Teknolojia",'
        '"Ministry of Education, Science and Technology",TZ\n'
    )
    term = load_glossary(write(tmp_path, "g.csv", text)).terms[0]
    assert term.sw == "Wizara ya Elimu, Sayansi na Teknolojia"
    assert term.en == ("Ministry of Education, Science and Technology",)
    assert term.note == "TZ"


@pytest.mark.parametrize(
    "encoding_bom",
    [codecs.BOM_UTF8, codecs.BOM_UTF16_LE],
)
def test_bom_is_accepted(tmp_path, encoding_bom):
    text = "sw\ten\nUbelgiji\tBelgium\n"
    data = encoding_bom + (
        text.encode("utf-16-le") if encoding_bom == codecs.BOM_UTF16_LE else text.encode()
    )
    g = load_glossary(write(tmp_path, "g.tsv", data))
    assert [t.sw for t in g] == ["Ubelgiji"]


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("g.tsv", "sw,en\nUbelgiji,Belgium\n", "looks comma-separated"),
        ("g.csv", "sw\ten\nUbelgiji\tBelgium\n", "looks tab-separated"),
        ("g.tsv", "sw\tnote\nUbelgiji\tBelgium\n", "missing column 'en'"),
        ("g.tsv", "sw\ten\nUbelgiji\t\n", "line 2: empty 'en' cell"),
        ("g.tsv", "sw\ten\n\tBelgium\n", "line 2: empty 'sw' cell"),
        ("g.tsv", "sw\ten\nbalozi\tambassador\nbalozi\tembassy\n", "line 3: 'balozi'"),
        ("g.tsv", "sw\ten\tcase_sensitive\nUN\tUN\tperhaps\n", "case_sensitive must be yes/no"),
        ("g.tsv", "sw\ten\tpos\nUN\tUN\tgerund\n", "pos 'gerund' is not one of"),
        ("g.tsv", "sw\ten\nUbelgiji\tBelgium\textra\n", "line 2 has 3 columns, expected 2"),
        ("g.tsv", "", "the glossary is empty"),
        ("g.json", "{}", "unknown glossary format '.json'"),
        ("g.tsv", b"sw\ten\n\xff\xfe\x00", "looks like a binary file"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, name, text, message):
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as err:
        load_glossary(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_loading_builds_the_same_terms_as_the_entries_lint_reads(tmp_path):
    # load_glossary goes straight from rows to terms; lint reads Entry objects. Both must
    # agree on every cell: decomposed accents, whitespace runs, alternatives, short rows.
    text = (
        "sw\ten\tpos\tnote\tcase_sensitive\talternatives\tid\n"
        "Waziri wa Mambo ya Nje\tForeign  Minister | Minister of Foreign Affairs\ttitle\n"
        "Ufaransa\tFrance\tPROPN\t  Paris \n"
        "UN\tUN\tacronym\t\tyes\tUnited Nations\t7\n"
        "Bi. Sa\u0301da\tMs  Saada\t\t\t\t|Saada\n"
        "   \t\t\n"
        "  # indented comment\n"
    )
    path = write(tmp_path, "g.tsv", text)
    loaded = load_glossary(path)
    entries, reversed_ = read_entries(path)
    assert not reversed_
    assert loaded.terms == build_glossary(entries, str(path)).terms
    assert [t.line for t in loaded] == [2, 3, 4, 5]
    assert loaded.terms[0].en == ("Foreign Minister", "Minister of Foreign Affairs")
    assert loaded.terms[1].pos == "proper noun" and loaded.terms[1].note == "Paris"
    assert loaded.terms[2].en == ("UN", "United Nations") and loaded.terms[2].case_sensitive
    assert loaded.terms[3].sw == "Bi. Sáda" and loaded.terms[3].en == ("Ms Saada", "Saada")


@pytest.mark.parametrize("text", ["sw\ten\nUbelgiji\tBelgium\n", "sw\ten\nUbelgiji\t\n"])
def test_loading_leaves_the_garbage_collector_as_it_found_it(tmp_path, text):
    path = write(tmp_path, "g.tsv", text)
    assert gc.isenabled()
    with contextlib.suppress(InputError):
        load_glossary(path)
    assert gc.isenabled()
    gc.disable()
    try:
        load_glossary(write(tmp_path, "ok.tsv", "sw\ten\nMisri\tEgypt\n"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_conflict_disambiguated_by_note_or_pos_loads(tmp_path):
    text = (
        HEADER + "Katibu Mkuu\tPermanent Secretary\t\t\tministry\ttitle\n"
        "Katibu Mkuu\tSecretary-General\t\t\torganisation\ttitle\n"
    )
    assert len(load_glossary(write(tmp_path, "g.tsv", text))) == 2


def test_exact_duplicate_is_dropped(tmp_path):
    g = load_glossary(write(tmp_path, "g.tsv", "sw\ten\nMisri\tEgypt\nmisri\tEgypt\n"))
    assert len(g) == 1


def test_merge_duplicates_makes_alternatives(tmp_path):
    path = write(tmp_path, "g.tsv", "sw\ten\nkarantini\tquarantine\nkarantini\tisolation\n")
    g = load_glossary(path, merge_duplicates=True)
    assert g.terms[0].en == ("quarantine", "isolation")


@pytest.mark.parametrize("name", ["glossary_tico_facebook.csv", "glossary_tico_google.csv"])
def test_tico_fixture_loads_reversed(name):
    g = load_glossary(DATA / name)
    # The files are English→Swahili: the Swahili column must land in sw.
    assert all(t.sw and t.en for t in g)
    assert any(t.en[0] == "acute bronchitis" and t.sw == "mkamba mkali" for t in g) or any(
        t.en[0] == "contagious" and t.sw == "huambukizwa" for t in g
    )


@pytest.mark.parametrize(
    "name", ["terminology-facebook.en-sw_KE.csv", "terminology-google.en-sw.csv"]
)
def test_real_tico_files_import(name):
    path = SHARED / "data" / "tico19" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the shared data folder is expected beside the checkout")
    g = load_glossary(path)
    assert len(g) > 250
    assert {t.sw for t in g} >= {"virusi vya korona"}


def test_tico_layout_without_languages_asks_for_direction(tmp_path):
    path = write(tmp_path, "t.csv", "sourceString,targetString\nfever,homa\n")
    with pytest.raises(InputError, match="cannot tell which column is Swahili"):
        load_glossary(path)
    assert load_glossary(path, reverse=True).terms[0].sw == "homa"


TBX2 = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
<termEntry id="e1"><descrip type="definition">foreign ministry</descrip>
 <langSet xml:lang="sw"><tig><term>Wizara ya Mambo ya Nje</term>
   <termNote type="partOfSpeech">noun</termNote></tig></langSet>
 <langSet xml:lang="en"><tig><term>Ministry of Foreign Affairs</term></tig>
   <tig><term>Foreign Ministry</term></tig>
   <tig><term>Ministry of External Affairs</term>
     <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
 <langSet xml:lang="fr"><tig><term>ministère des Affaires étrangères</term></tig></langSet>
</termEntry></body></text></martif>
"""


def test_tbx_v2_termentry_layout(tmp_path):
    term = load_glossary(write(tmp_path, "g.tbx", TBX2)).terms[0]
    assert term == Term(
        sw="Wizara ya Mambo ya Nje",
        en=("Ministry of Foreign Affairs", "Foreign Ministry"),
        note="foreign ministry",
        pos="noun",
        forbidden=("Ministry of External Affairs",),
    )


XXE = """<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<martif><text><body><termEntry><langSet xml:lang="sw"><tig><term>&xxe;</term></tig></langSet>
<langSet xml:lang="en"><tig><term>x</term></tig></langSet></termEntry></body></text></martif>
"""
BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<martif><text><body><termEntry><langSet xml:lang="sw"><tig><term>&lol3;</term></tig></langSet>
</termEntry></body></text></martif>
"""


@pytest.mark.parametrize("attack", [XXE, BOMB], ids=["external-entity", "entity-expansion"])
def test_xml_attacks_are_refused(tmp_path, attack):
    with pytest.raises(InputError, match="refused for safety"):
        load_glossary(write(tmp_path, "evil.tbx", attack))


@pytest.mark.parametrize(
    "text, message",
    [
        ("<martif><text><body><termEntry>", "not well-formed XML"),
        ("<tmx version='1.4'><body/></tmx>", "not a TBX file"),
        ("<martif><text><body/></text></martif>", "no Swahili–English term entries"),
    ],
)
def test_bad_tbx(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        load_glossary(write(tmp_path, "g.tbx", text))


def test_tbx_export_is_tbx_v3_core_structure():
    from lxml import etree

    root = etree.fromstring(glossary_to_text(default_glossary(), "tbx").encode())
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}
    assert etree.QName(root).localname == "tbx"
    entries = root.findall(".//t:conceptEntry", ns)
    assert len(entries) == len(default_glossary())
    assert entries[0].find("t:langSec/t:termSec/t:term", ns).text == default_glossary().terms[0].sw


SPREADSHEET_TERMS = (
    # Notes are not split at "|", so the whole payload is one cell there.
    Term("hesabu", ("@SUM(1+1)",), note="=cmd|' /C calc'!A0"),
    Term("jumla", ("+1+1",), note='=HYPERLINK("http://evil.example","x")'),
    Term("kutoa", ("-2+3", "minus")),
    Term("'nukuu", ("'quoted",), note="''two"),
    Term("'=nusu", ("'-half",)),
    Term("ng'ombe", ("cattle",)),
)


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_spreadsheet_exports_neutralise_formulas_and_read_back_unchanged(tmp_path, fmt):
    import csv

    g = Glossary(SPREADSHEET_TERMS)
    path = tmp_path / f"g.{fmt}"
    export_glossary(g, path)
    delimiter = "\t" if fmt == "tsv" else ","
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    by_sw = {row[0]: row for row in rows[1:]}
    assert by_sw["hesabu"][1] == "'@SUM(1+1)" and by_sw["hesabu"][4] == "'=cmd|' /C calc'!A0"
    assert by_sw["jumla"][1] == "'+1+1" and by_sw["jumla"][4].startswith("'=HYPERLINK(")
    assert by_sw["kutoa"][1] == "'-2+3|minus"
    # A leading apostrophe is doubled so that reading can tell it from the guard.
    assert by_sw["''nukuu"][1] == "''quoted" and by_sw["''nukuu"][4] == "'''two"
    assert by_sw["''=nusu"][1] == "''-half" and by_sw["ng'ombe"][1] == "cattle"
    again = load_glossary(path)
    assert again.terms == g.terms and again.checksum == g.checksum


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("'=1+1", "=1+1"),
        ("'@x", "@x"),
        ("''x", "'x"),
        ("'x", "'x"),
        ("ng'ombe", "ng'ombe"),
        ("'", "'"),
    ],
)
def test_hand_written_cells_lose_only_a_guard_apostrophe(tmp_path, cell, read):
    path = write(tmp_path, "g.tsv", f"sw\ten\nneno\t{cell}\n")
    (term,) = load_glossary(path).terms
    assert term.en == (read,)
