"""``ppo raci``'s outputs for real readers (issue 18), each reopened: the HTML page with the
process per row and the whole duty text on demand, the XLSX workbook set up to filter and print
(autofilter, header row and duty column on every page, landscape, a page wide, the date) with RA
coloured apart from R, and ``--excel``'s CSV (byte order mark, CRLF, sections kept as text)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from conftest import html_table, require_module

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.org.html import PAGE_HEAD
from ppo_graph.org.matrix_formats import as_of
from ppo_graph.org.raci import ROW_HEAD, TEXT_WIDTH, Matrix, build
from ppo_graph.org.xlsx import FILLS

ROOT = Path(__file__).resolve().parent.parent
ORG_TTL = ROOT / "examples" / "org" / "org.ttl"
FIRST_DUTY = "ppod:duty-7.6-01"  # Capacity Management's first duty, longer than 60 characters


@pytest.fixture(scope="module")
def matrix() -> Matrix:
    return build(KnowledgeGraph.open([ORG_TTL], cache=False), "person")


def test_the_date_is_the_matrix_s_own_or_today() -> None:
    import datetime as dt
    from dataclasses import dataclass

    @dataclass
    class Dated:
        as_of: dt.date

    assert as_of(Dated(dt.date(2025, 3, 31))) == "2025-03-31"  # type: ignore[arg-type]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of(object()))  # type: ignore[arg-type]


def test_html_process_per_row_and_whole_text_on_demand(tmp_path: Path, matrix: Matrix) -> None:
    page = tmp_path / "raci.html"
    assert (
        main(["raci", str(ORG_TTL), "--by", "person", "--format", "html", "--out", str(page)]) == 0
    )
    text = page.read_text(encoding="utf-8")
    assert f'<time datetime="{as_of(matrix)}">' in text
    table = html_table(text, "raci")
    assert table.rows[0] == [*PAGE_HEAD, *matrix.columns]
    process = PAGE_HEAD.index("process")
    rows = {(r[0], r[process]): r for r in table.rows[1:]}
    assert len(rows) == len(matrix.rows)  # one row per (duty, process)
    first = rows[FIRST_DUTY, "Capacity Management"]
    assert first[PAGE_HEAD.index("process")] == "Capacity Management"
    whole = matrix.texts[FIRST_DUTY]
    assert len(whole) > TEXT_WIDTH and whole.startswith("Ensuring that there is adequate IT")
    row = next(r for r in matrix.rows if r["duty"] == FIRST_DUTY)
    assert first[PAGE_HEAD.index("text")] == row["text"] + whole  # summary, then the whole
    assert f"<details><summary>{row['text']}</summary>{whole}</details>" in text
    # a generic owner duty has a row for every process with an owner role, each its own
    generic = [p for duty, p in rows if duty == "ppod:duty-7.3-01"]
    assert generic == [r["process"] for r in matrix.rows if r["duty"] == "ppod:duty-7.3-01"]
    assert "Capacity Management" in generic and "Demand Management" in generic
    # RA has a colour of its own
    assert "td.has-R.has-A" in text


def test_xlsx_filters_prints_and_colours_ra_apart(tmp_path: Path, matrix: Matrix) -> None:
    openpyxl = require_module("openpyxl")
    out = tmp_path / "raci.xlsx"
    assert (
        main(["raci", str(ORG_TTL), "--by", "person", "--format", "xlsx", "--out", str(out)]) == 0
    )
    book = openpyxl.load_workbook(out)
    sheet = book["RACI"]
    last = openpyxl.utils.get_column_letter(len(matrix.header))
    assert sheet.auto_filter.ref == f"A1:{last}{len(matrix.rows) + 1}"
    assert sheet.print_title_rows == "$1:$1" and sheet.print_title_cols == "$A:$A"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    date = as_of(matrix)
    assert sheet.oddHeader.center.text == f"RACI matrix by person, as of {date}"
    legend = {r[0].value: [c.value for c in r] for r in book["Legend"].iter_rows() if r[0].value}
    assert legend["as of"][1] == date
    # RA and R look different
    colours: dict[str, set[str]] = {}
    for row in sheet.iter_rows(min_row=2, min_col=len(ROW_HEAD) + 1):
        for cell in row:
            if cell.value:
                colours.setdefault(str(cell.value), set()).add(cell.fill.fgColor.rgb[-6:])
    assert colours["RA"] == {FILLS["RA"]} and colours["R"] == {FILLS["R"]}
    assert FILLS["RA"] != FILLS["R"]


def test_excel_csv(capsys: pytest.CaptureFixture[str], matrix: Matrix) -> None:
    assert main(["raci", str(ORG_TTL), "--by", "person", "--format", "csv", "--excel"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("\ufeffduty,section,position,process,text,")
    assert text.count("\r\n") == len(matrix.rows) + 1 and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    sections = {r[1] for r in rows[1:]}
    assert "'7.10" in sections and "'7.6" in sections and "7.10" not in sections
    assert all(r[2].isdigit() for r in rows[1:])  # positions stay numbers
    dated = len(ROW_HEAD)  # the date after the duty's columns, as text: Excel keeps it
    assert rows[0][dated] == "asOf" and {r[dated] for r in rows[1:]} == {f"'{matrix.as_of}"}
    assert [[c.removeprefix("'") for c in r[:dated] + r[dated + 1 :]] for r in rows[1:]] == [
        [r[c] for c in matrix.header] for r in matrix.rows
    ]


def test_excel_is_an_option_of_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["raci", "--format", "md", "--excel"]) == 2
    assert "--excel is an option of --format csv" in capsys.readouterr().err
