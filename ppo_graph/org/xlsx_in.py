"""Reading the people, RACI or segregation table from an Excel workbook (``.xlsx``), as the
CSV reader reads text: the rows of one sheet, every cell as a string.

openpyxl reads it (``pip install 'ppo-graph[xlsx]'``), in read-only mode and with the values
Excel last computed (``data_only``: a formula's result, never the formula). A date cell becomes
its ISO date (``2024-01-31``; a date with a time of day keeps the time), a whole number stored
as a float (an employee id ``1001.0``) its digits, and an empty cell "".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from ppo_graph.errors import InputError

INSTALL = "pip install 'ppo-graph[xlsx]'"


def cell_text(value: object) -> str:
    """A cell's value as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheet_rows(
    path: Path, sheet: str | None = None, notes: list[str] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """The rows of the first sheet (or of ``sheet``) as (row number, cells as text), whatever
    the file's name (an .xlsx renamed .csv too); a note in ``notes`` names the sheet read when
    the workbook has several and none was asked for.

    :class:`InputError` when openpyxl is missing, the file is not a workbook, or the sheet is not
    in it (the message lists the sheets there are)."""
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:
        raise InputError(
            path, f"is an Excel workbook; reading one needs the Python package openpyxl: {INSTALL}"
        ) from None
    from zipfile import BadZipFile

    with path.open("rb") as handle:  # a file object: openpyxl would refuse a .csv name
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
            raise InputError(path, f"cannot be read as an Excel workbook (.xlsx): {err}") from None
        try:
            names = list(book.sheetnames)
            listed = ", ".join(repr(n) for n in names)
            if sheet is not None and sheet not in names:
                raise InputError(path, f"has no sheet {sheet!r}; its sheets: {listed}")
            if sheet is None and len(names) > 1 and notes is not None:
                notes.append(
                    f"note: {path}: read its first sheet, {names[0]!r}, of {listed} "
                    "(--sheet NAME for another)"
                )
            ws = book[sheet] if sheet is not None else book.worksheets[0]
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, [cell_text(value) for value in row]
        finally:
            book.close()
