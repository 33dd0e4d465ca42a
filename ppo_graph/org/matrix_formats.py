"""The RACI matrix written in each format of ``ppo raci`` (text table, CSV, JSON, Markdown, a
self-contained HTML page, an XLSX workbook): the one place a matrix is turned into a file, for
``ppo raci`` and for ``ppo run``'s example organisation. CSV and Markdown are the one table
writer's (:mod:`ppo_graph.tables`: spreadsheet-safe cells), HTML :mod:`ppo_graph.org.html`'s
(every text escaped), XLSX :mod:`ppo_graph.org.xlsx`'s (every text a string cell).

Every format shows the date the matrix holds for (:attr:`Matrix.as_of`, ``--as-of``): the text
table and Markdown open with the line "As of YYYY-MM-DD: memberships current then."; the CSV has
a column ``asOf`` (after the duty's columns, before the matrix's), the date on every row, which
``csv`` readers, pandas and spreadsheets read (the JSON, a record per row, has it too) as data and which survives sorting and filtering
(a comment line would be read as the header, a metadata row as a duty); the HTML page and the
XLSX workbook say it above the legend, in the page header and on the legend sheet."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ppo_graph.formats import MatrixFormat
    from ppo_graph.org.raci import Matrix


#: The CSV's column that holds the date the matrix holds for, on every row.
AS_OF_COLUMN = "asOf"


def as_of(matrix: Matrix) -> str:
    """The date the matrix holds for (ISO): its own (an ``as_of`` or ``date`` attribute) when it
    has one, else the date the organisation is read as of (:func:`ppo_graph.dates.current`)."""
    from ppo_graph.dates import iso

    for name in ("as_of", "date"):
        value = getattr(matrix, name, None)
        if value:
            return iso(value if isinstance(value, dt.date) else str(value))
    return iso()


def csv_header(matrix: Matrix) -> list[str]:
    """The CSV's columns: the duty's (:data:`~ppo_graph.org.raci.ROW_HEAD`), ``asOf``, then the
    matrix's."""
    from ppo_graph.org.raci import ROW_HEAD

    return [*ROW_HEAD, AS_OF_COLUMN, *matrix.columns]


def matrix_content(matrix: Matrix, fmt: MatrixFormat, *, excel: bool = False) -> str | bytes:
    """The matrix in a format of ``ppo raci``: the one table writer for table, CSV and Markdown,
    a self-contained page, or an XLSX workbook (``ppo raci``, and ``ppo docs``' example
    organisation). ``excel``: the CSV for Excel to open directly
    (:func:`ppo_graph.tables.format_csv`)."""
    import shutil

    from ppo_graph.formats import MatrixFormat

    if fmt is MatrixFormat.XLSX:
        from ppo_graph.org.xlsx import matrix_xlsx

        return matrix_xlsx(matrix, as_of(matrix))
    if fmt is MatrixFormat.HTML:
        from ppo_graph.org.html import matrix_html

        return matrix_html(matrix, date=as_of(matrix))
    from ppo_graph.dates import stamp
    from ppo_graph.tables import format_csv, format_json, format_md, format_table

    date = as_of(matrix)
    if fmt in (MatrixFormat.CSV, MatrixFormat.JSON):
        rows = [{**row, AS_OF_COLUMN: date} for row in matrix.rows]
        if fmt is MatrixFormat.JSON:
            return format_json(rows, csv_header(matrix))
        return format_csv(rows, csv_header(matrix), excel=excel)
    if fmt is MatrixFormat.MD:
        return f"{stamp(date)}\n\n" + format_md(matrix.rows, matrix.header)
    # a matrix is as wide as its columns: only the text shrinks, to 40 characters
    others = [
        max([len(c), *(len(r[c]) for r in matrix.rows)]) for c in matrix.header if c != "text"
    ]
    least = sum(others) + 2 * len(others) + 40
    width = max(least, shutil.get_terminal_size((80, 24)).columns)
    return f"{stamp(date)}\n\n" + format_table(matrix.rows, matrix.header, width, cut=["text"])
