"""Spreadsheet-safe output (issue 18): an organisation whose names are formulas
(``=HYPERLINK(...)``, ``+1``, ``@SUM(A1)``, ``-2+3``, a tab-led name) or break a Markdown table
(``a|b``), through the real commands: ``ppo raci`` as CSV, Markdown, XLSX and HTML, ``ppo org
gaps --format csv`` and ``ppo org export``. No CSV cell starts with a formula starter, no XLSX
cell is a formula, every Markdown row keeps its columns, the HTML shows the names as text, and
``ppo org import`` reads back what ``ppo org export`` wrote."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from conftest import html_table, require_module
from hypothesis import given
from hypothesis import strategies as st

from ppo_graph.cli import main
from ppo_graph.org.html import PAGE_HEAD
from ppo_graph.org.raci import ROW_HEAD
from ppo_graph.tables import (
    FORMULA_STARTERS,
    csv_cell,
    excel_cell,
    format_csv,
    format_md,
    md_cell,
    safe_cell,
    unescape_cell,
)

HYPERLINK = '=HYPERLINK("http://x","y")'
#: person id -> name: each a way a cell can turn into a formula, or break a Markdown table.
NAMES = {
    "p1": HYPERLINK,
    "p2": "+1",
    "p3": "@SUM(A1)",
    "p4": "-2+3",
    "p5": "\tTabby",  # the importer strips cells, so this one is put in the Turtle by hand
    "p6": "a|b",
    "p7": "''=twice",  # apostrophes of its own before a formula starter: kept
}
ROLES = {
    "p1": "Capacity Manager",
    "p2": "Availability Manager",
    "p3": "Demand Manager",
    "p4": "ISM Owner",
    "p5": "ITSCM Manager",
    "p6": "Capacity Owner",
    "p7": "ISM Manager",
}


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The organisation's Turtle, imported from a people and a RACI CSV with hostile cells."""
    folder = tmp_path_factory.mktemp("hostile")
    people = folder / "people.csv"
    lines = ["person,name,email,team,post,role,from,to"]
    for pid, name in NAMES.items():
        team = "=1+1" if pid == "p1" else "Ops"
        post = "+Capacity post" if pid == "p1" else f"post {pid}"
        # as a file our export wrote: an apostrophe before a formula starter is our escape
        shown = "Tabby" if pid == "p5" else safe_cell(name) if pid == "p7" else name
        lines.append(
            f"{pid},{_quote(shown)},,{_quote(team)},{_quote(post)},{ROLES[pid]},2024-01-01,"
        )
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raci = folder / "raci.csv"
    raci.write_text(
        'who,duty,letter\np1,ppod:duty-7.6-01,A\n"+Capacity post",ppod:duty-7.6-02,C\n',
        encoding="utf-8",
    )
    org = folder / "org.ttl"
    assert main(["org", "import", str(people), "--raci", str(raci), "--out", str(org)]) == 0
    text = org.read_text(encoding="utf-8")
    assert text.count('"Tabby"') == 1
    org.write_text(text.replace('"Tabby"', '"\\tTabby"'), encoding="utf-8")
    return org


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def _assert_safe_csv(text: str) -> list[list[str]]:
    """The rows of a CSV: none of its cells starts with a formula starter."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    for row in rows:
        for cell in row:
            assert cell[:1] not in FORMULA_STARTERS, f"a formula starter leads {cell!r} in {row}"
    return rows


# -- the rule itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1", "'+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("-3", "'-3"),  # text that looks like a negative number is text: escaped
        ("\tTabby", "'\tTabby"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),  # its own apostrophe kept: one more in front
        ("'hello", "'hello"),  # an apostrophe before no formula starter: nothing to do
        ("a|b", "a|b"),
        ("O'Brien", "O'Brien"),
        ("", ""),
    ],
)
def test_a_formula_starter_gets_one_apostrophe_and_reading_takes_it_off(
    value: str, written: str
) -> None:
    assert safe_cell(value) == written
    assert unescape_cell(written) == value


@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", "1", " "])))
def test_reading_back_gives_exactly_what_was_written(value: str) -> None:
    assert unescape_cell(safe_cell(value)) == value
    assert safe_cell(value)[:1] not in FORMULA_STARTERS


def test_numbers_stay_numbers_and_text_that_looks_like_one_does_not() -> None:
    """A numeric column (int, float or a numeric literal) is written as it is: -3 stays -3;
    the same characters as text are escaped."""
    ox = require_module("pyoxigraph")
    integer = ox.Literal("-3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    bogus = ox.Literal("=1+1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert [csv_cell(v) for v in (-3, -2.5, integer, "-3", bogus, True)] == [
        "-3",
        "-2.5",
        "-3",
        "'-3",
        "'=1+1",  # not a number's lexical form: text
        "True",
    ]
    assert format_csv([{"n": -3, "t": "-3"}]) == "n,t\n-3,'-3\n"


def test_markdown_cells_keep_their_columns() -> None:
    assert md_cell("a|b") == "a\\|b"
    assert md_cell("=1+1") == "\\=1+1"  # rendered "=1+1"; the raw line starts with no formula
    assert md_cell("\tx\ny\r\nz") == " x y z"
    assert md_cell("back\\slash") == "back\\\\slash"
    table = format_md([{"a|b": "x|y", "c": "-1"}])
    assert table.splitlines()[0] == "| a\\|b | c |"
    assert table.splitlines()[2] == "| x\\|y | \\-1 |"


def test_excel_cells() -> None:
    """For Excel opening a CSV: text it would read as a number or a date is marked as text."""
    assert [excel_cell(v) for v in ("7.10", "7.6", "14", "00123", "2024-01-02", "1e5", "Ops")] == [
        "'7.10",
        "'7.6",
        "14",
        "'00123",
        "'2024-01-02",
        "'1e5",
        "Ops",
    ]


# -- through the commands ----------------------------------------------------------------------


def test_raci_csv(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _assert_safe_csv(_run(capsys, "raci", str(hostile), "--by", "person", "--format", "csv"))
    assert rows[0][len(ROW_HEAD)] == "asOf"  # the date, then the people
    people = [unescape_cell(c) for c in rows[0][len(ROW_HEAD) + 1 :]]
    assert sorted(people) == sorted(NAMES.values())
    assert "'" + HYPERLINK in rows[0] and "'\tTabby" in rows[0] and "a|b" in rows[0]


def test_raci_markdown(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _run(capsys, "raci", str(hostile), "--by", "person", "--format", "md").splitlines()
    assert lines[0].startswith("As of ") and lines[1] == ""  # the date, then the table
    lines = lines[2:]
    width = len(ROW_HEAD) + len(NAMES)
    assert lines[1] == "|" + "|".join(["---"] * width) + "|"
    for line in lines[:1] + lines[2:]:
        cells = line.replace("\\|", "").strip("|").split("|")
        assert len(cells) == width, line  # a | in a name does not add a column
        assert all(c.strip()[:1] not in FORMULA_STARTERS for c in cells), line
    assert "\\=HYPERLINK" in lines[0] and "a\\|b" in lines[0] and "\\-2+3" in lines[0]


def test_raci_xlsx_has_no_formula(hostile: Path, tmp_path: Path) -> None:
    openpyxl = require_module("openpyxl")
    out = tmp_path / "raci.xlsx"
    assert (
        main(["raci", str(hostile), "--by", "person", "--format", "xlsx", "--out", str(out)]) == 0
    )
    book = openpyxl.load_workbook(out)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    header = [c.value for c in book["RACI"][1]]
    assert sorted(header[len(ROW_HEAD) :]) == sorted(NAMES.values())  # the names, exactly
    for cell in book["RACI"][1][len(ROW_HEAD) :]:
        assert cell.data_type == "s"
        assert cell.quotePrefix == (str(cell.value)[:1] in FORMULA_STARTERS)
    with zipfile.ZipFile(out) as archive:  # no formula element anywhere in the workbook
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_raci_html_shows_the_names_as_text(hostile: Path, tmp_path: Path) -> None:
    page = tmp_path / "raci.html"
    assert (
        main(["raci", str(hostile), "--by", "person", "--format", "html", "--out", str(page)]) == 0
    )
    text = page.read_text(encoding="utf-8")
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in text
    assert 'mso-number-format: "\\@"' in text  # Excel opening the page reads every cell as text
    table = html_table(text, "raci")
    assert sorted(table.rows[0][len(PAGE_HEAD) :]) == sorted(NAMES.values())


def test_gaps_csv(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "org", "gaps", str(hostile), "--format", "csv", "--top", "0")
    rows = _assert_safe_csv(out)
    header = rows[0]
    workload = {
        unescape_cell(r[header.index("label")]): r[header.index("count")]
        for r in rows[1:]
        if r[0] == "workload"
    }
    assert set(workload) == set(NAMES.values())
    assert all(count.isdigit() for count in workload.values())  # numbers stay numbers
    people = {
        unescape_cell(r[header.index("people")]) for r in rows[1:] if r[0].startswith("single")
    }
    assert f"{HYPERLINK} (p1)" in people


def test_export_is_safe_and_import_reads_it_back(
    hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people, raci = tmp_path / "people.csv", tmp_path / "raci.csv"
    assert main(["org", "export", str(hostile), "--out", str(people), "--raci-out", str(raci)]) == 0
    rows = _assert_safe_csv(people.read_text(encoding="utf-8"))
    _assert_safe_csv(raci.read_text(encoding="utf-8"))
    name, team, post = (rows[0].index(c) for c in ("name", "team", "post"))
    assert {unescape_cell(r[name]) for r in rows[1:]} == set(NAMES.values())
    assert {unescape_cell(r[team]) for r in rows[1:]} == {"=1+1", "Ops"}
    assert "'+Capacity post" in {r[post] for r in rows[1:]}

    # round trip: import what export wrote, export again: the same files
    again = tmp_path / "again.ttl"
    assert main(["org", "import", str(people), "--raci", str(raci), "--out", str(again)]) == 0
    people2, raci2 = tmp_path / "people2.csv", tmp_path / "raci2.csv"
    assert main(["org", "export", str(again), "--out", str(people2), "--raci-out", str(raci2)]) == 0
    # the tab-led name comes back tab-led: what the importer strips is outside the apostrophe
    assert people2.read_text(encoding="utf-8") == people.read_text(encoding="utf-8")
    assert raci2.read_text(encoding="utf-8") == raci.read_text(encoding="utf-8")
