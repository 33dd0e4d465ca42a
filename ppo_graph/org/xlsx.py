"""The RACI matrix as an Excel workbook (openpyxl, the optional ``[xlsx]`` extra): the matrix
sheet with its header row and duty column frozen, and a legend sheet."""

from __future__ import annotations

import io

from ppo_graph.errors import UsageError
from ppo_graph.org.raci import CELL_NOTE, Matrix

INSTALL = "pip install 'ppo-graph[xlsx]' (or pip install openpyxl)"
FILLS = {"R": "D9ECD0", "A": "F7D9A8", "C": "D5E3F5", "I": "EEEEEE"}


def matrix_xlsx(matrix: Matrix) -> bytes:
    """The workbook's bytes: sheet "RACI" (frozen at B2: the header row and the duty column stay
    in view) and sheet "Legend" (each letter, its meaning, and how a cell is computed)."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
    except ImportError:
        raise UsageError(f"--format xlsx needs the Python package openpyxl: {INSTALL}") from None

    book = Workbook()
    sheet = book.active
    sheet.title = "RACI"
    sheet.append(matrix.header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    first_letter_column = len(matrix.header) - len(matrix.columns) + 1
    for row in matrix.rows:
        values: list[object] = [row[c] for c in matrix.header]
        position = row["position"]  # a number; the section stays text ("7.10" is not 7.1)
        values[2] = int(position) if position.isdigit() else position
        sheet.append(values)
        for cell in sheet[sheet.max_row][first_letter_column - 1 :]:
            if cell.value:
                cell.fill = PatternFill("solid", fgColor=FILLS[str(cell.value)[0]])
                cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["D"].width = 60

    legend = book.create_sheet("Legend")
    legend.append(["letter", "meaning", "definition"])
    for cell in legend[1]:
        cell.font = Font(bold=True)
    for item in matrix.legend:
        legend.append([item["letter"], item["label"], item["definition"]])
    legend.append([])
    legend.append(["cell", f"by {matrix.by.value}", f"{matrix.rule} {CELL_NOTE}"])
    legend.column_dimensions["C"].width = 100

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
