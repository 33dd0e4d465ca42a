"""Rows as an Excel workbook (openpyxl, the optional ``[xlsx]`` extra): :func:`rows_xlsx`, any
command's rows (``--format xlsx``): one sheet, the header row bold and frozen, an autofilter on
it; and :func:`matrix_xlsx`, the RACI matrix: the matrix sheet with its header row and duty column frozen, an autofilter on the header, set up to print
(landscape, one page wide, the header row and duty column on every page, the date in the page
header), and a legend sheet with the date the matrix holds for.

Every text cell is written as a string (``t="inlineStr"``), never as a formula, whatever it
starts with; one that starts with a formula starter (``= + - @``, a tab, a carriage return) is
also marked ``quotePrefix`` (what Excel does for a typed ``'=...``), so editing it in Excel keeps
it text. Characters XML cannot hold (control characters other than tab and line breaks) are
dropped. This module is the package's only writer of XLSX and the only importer of openpyxl."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from ppo_graph.errors import UsageError
from ppo_graph.org.raci import Matrix
from ppo_graph.tables import FORMULA_STARTERS, Row, display, is_number, simplify

INSTALL = "pip install 'ppo-graph[xlsx]' (or pip install openpyxl)"
#: Cell colours by letters: R green, A orange, RA (Responsible and Accountable) a darker orange,
#: C blue, I grey; a cell takes the colour of its first letter, RA apart.
FILLS = {"RA": "E8A25C", "R": "D9ECD0", "A": "F7D9A8", "C": "D5E3F5", "I": "EEEEEE"}


def require_openpyxl() -> None:
    """Exit 2 (a :class:`UsageError` saying what to install) when openpyxl is missing."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise UsageError(f"--format xlsx needs the Python package openpyxl: {INSTALL}") from None


def fill_key(value: str) -> str:
    """The key of :data:`FILLS` for a cell's letters ("" for an empty cell)."""
    return "RA" if value.startswith("RA") else value[:1]


def put_row(sheet: Any, row: int, values: Sequence[object]) -> list[Any]:
    """Write ``values`` into ``row`` of ``sheet``: numbers as numbers, everything else as a string
    cell (never a formula); returns the cells."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = []
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, int | float) and not isinstance(value, bool):
            cell.value = value
        elif value is not None and value != "":
            text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            cell.value = text
            cell.data_type = "s"  # openpyxl would make a text starting with "=" a formula
            if text[:1] in FORMULA_STARTERS:
                cell.quotePrefix = True
        cells.append(cell)
    return cells


def _header(sheet: Any, values: Sequence[object], rows: int, freeze: str) -> None:
    """The header row of a sheet of ``rows`` data rows: bold, wrapped, frozen at ``freeze`` (the
    header row, and the columns left of it, stay in view) and an autofilter on every column."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for cell in put_row(sheet, 1, values):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(values), 1))}{rows + 1}"


def _cell(value: object) -> object:
    """A row's value as a cell: a number (an int or float, or a numeric RDF literal) as a
    number, anything else as its text (CURIEs for IRIs)."""
    if value is None:
        return ""
    if is_number(value):
        number = simplify(value)
        if isinstance(number, int | float) and not isinstance(number, bool):
            return number
        try:
            return float(display(value))
        except ValueError:
            return display(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return display(value)


def rows_xlsx(
    rows: Sequence[Row],
    columns: Sequence[str],
    title: str = "rows",
    *,
    whole_numbers: Mapping[str, tuple[int, int]] | None = None,
) -> bytes:
    """The workbook of any command's rows (``--format xlsx``): one sheet named ``title``, the
    header row bold and frozen with an autofilter, then a row per row; numbers are numbers,
    every text a string cell (:func:`put_row`). ``whole_numbers``: columns whose cells Excel
    accepts only as a whole number in the range given, or blank (data validation: the
    self-assessment's rating, 0 to 5)."""
    require_openpyxl()
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(title)
    _header(sheet, list(columns), len(rows), "A2")
    widths = [len(c) for c in columns]
    for line, row in enumerate(rows, start=2):
        values = [_cell(row.get(c)) for c in columns]
        put_row(sheet, line, values)
        widths = [max(w, len(str(v))) for w, v in zip(widths, values, strict=True)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6) + 2, 80)
    for column, (low, high) in (whole_numbers or {}).items():
        letter = get_column_letter(list(columns).index(column) + 1)
        check = DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{column}: {low} to {high}",
            error=f"A whole number from {low} to {high}, or blank.",
        )
        check.add(f"{letter}2:{letter}{max(len(rows), 1) + 1}")
        sheet.add_data_validation(check)
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:31] or "rows"


def matrix_xlsx(matrix: Matrix, date: str) -> bytes:
    """The workbook's bytes: sheet "RACI" (frozen at B2: the header row and the duty column stay
    in view; an autofilter on every column; printed landscape, a page wide, the header row and
    duty column repeated, the date in the page header) and sheet "Legend" (each letter, its
    meaning, how a cell is computed, and ``date``, the date the matrix holds for)."""
    require_openpyxl()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "RACI"
    _header(sheet, matrix.header, len(matrix.rows), "B2")
    first_letter_column = len(matrix.header) - len(matrix.columns) + 1
    fills = {key: PatternFill("solid", fgColor=colour) for key, colour in FILLS.items()}
    centre = Alignment(horizontal="center")
    for line, row in enumerate(matrix.rows, start=2):
        values: list[object] = [row[c] for c in matrix.header]
        position = row["position"]  # a number; the section stays text ("7.10" is not 7.1)
        values[2] = int(position) if position.isdigit() else position
        for cell in put_row(sheet, line, values)[first_letter_column - 1 :]:
            if cell.value:
                cell.fill = fills[fill_key(str(cell.value))]
                cell.alignment = centre
                if "A" in str(cell.value):
                    cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["D"].width = 30  # the process
    sheet.column_dimensions["E"].width = 60  # the text
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.center.text = f"RACI matrix by {matrix.by.value}, as of {date}"
    sheet.oddFooter.center.text = "page &P of &N"

    legend = book.create_sheet("Legend")
    for cell in put_row(legend, 1, ["letter", "meaning", "definition"]):
        cell.font = Font(bold=True)
    line = 2
    for item in matrix.legend:
        put_row(legend, line, [item["letter"], item["label"], item["definition"]])
        line += 1
    line += 1
    put_row(legend, line, ["cell", f"by {matrix.by.value}", f"{matrix.rule} {matrix.note}"])
    put_row(legend, line + 1, ["as of", date, "the date the memberships were counted for"])
    put_row(legend, line + 2, ["colours", "RA", "Responsible and Accountable, apart from R"])
    legend.cell(line + 2, 2).fill = fills["RA"]
    legend.column_dimensions["C"].width = 100
    book.properties.title = f"RACI matrix by {matrix.by.value}, as of {date}"

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
