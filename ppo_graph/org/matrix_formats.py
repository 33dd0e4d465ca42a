"""The RACI matrix written in each format of ``ppo raci`` (text table, CSV, Markdown, a
self-contained HTML page, an XLSX workbook): the one place a matrix is turned into a file, for
``ppo raci`` and for ``ppo run``'s example organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ppo_graph.formats import MatrixFormat
    from ppo_graph.org.raci import Matrix


def matrix_content(matrix: Matrix, fmt: MatrixFormat) -> str | bytes:
    """The matrix in a format of ``ppo raci``: the one table writer for table, CSV and Markdown,
    a self-contained page, or an XLSX workbook (``ppo raci``, and ``ppo docs``' example
    organisation)."""
    import shutil

    from ppo_graph.formats import MatrixFormat

    if fmt is MatrixFormat.XLSX:
        from ppo_graph.org.xlsx import matrix_xlsx

        return matrix_xlsx(matrix)
    if fmt is MatrixFormat.HTML:
        from ppo_graph.org.html import matrix_html

        return matrix_html(matrix)
    from ppo_graph.tables import format_csv, format_md, format_table

    if fmt is MatrixFormat.CSV:
        return format_csv(matrix.rows, matrix.header)
    if fmt is MatrixFormat.MD:
        return format_md(matrix.rows, matrix.header)
    # a matrix is as wide as its columns: only the text shrinks, to 40 characters
    others = [
        max([len(c), *(len(r[c]) for r in matrix.rows)]) for c in matrix.header if c != "text"
    ]
    least = sum(others) + 2 * len(others) + 40
    width = max(least, shutil.get_terminal_size((80, 24)).columns)
    return format_table(matrix.rows, matrix.header, width, cut=["text"])
