"""The RACI matrix written in each format of ``ppo raci`` (text table, CSV, Markdown, a
self-contained HTML page, an XLSX workbook): the one place a matrix is turned into a file, for
``ppo raci`` and for ``ppo run``'s example organisation. CSV and Markdown are the one table
writer's (:mod:`ppo_graph.tables`: spreadsheet-safe cells), HTML :mod:`ppo_graph.org.html`'s
(every text escaped), XLSX :mod:`ppo_graph.org.xlsx`'s (every text a string cell)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ppo_graph.formats import MatrixFormat
    from ppo_graph.org.raci import Matrix


def as_of(matrix: Matrix) -> str:
    """The date the matrix holds for (ISO): its own (an ``as_of`` or ``date`` attribute) when it
    has one, else the date it is written (local)."""
    for name in ("as_of", "date"):
        value = getattr(matrix, name, None)
        if value:
            return value.isoformat() if isinstance(value, dt.date) else str(value)
    return dt.date.today().isoformat()


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
    from ppo_graph.tables import format_csv, format_md, format_table

    if fmt is MatrixFormat.CSV:
        return format_csv(matrix.rows, matrix.header, excel=excel)
    if fmt is MatrixFormat.MD:
        return format_md(matrix.rows, matrix.header)
    # a matrix is as wide as its columns: only the text shrinks, to 40 characters
    others = [
        max([len(c), *(len(r[c]) for r in matrix.rows)]) for c in matrix.header if c != "text"
    ]
    least = sum(others) + 2 * len(others) + 40
    width = max(least, shutil.get_terminal_size((80, 24)).columns)
    return format_table(matrix.rows, matrix.header, width, cut=["text"])
