"""The RACI matrix as one self-contained HTML page: no script, no external asset (a
Content-Security-Policy forbids any request), every label and text escaped (:func:`html.escape`,
quotes too), and every cell marked as text for Excel (``mso-number-format``), so a page opened
in or pasted into a spreadsheet runs no formula. Each row shows the process it is for (a generic
duty has a row per process whose role carries it) and the duty's first words; its whole text
opens on demand (``<details>``, which needs no script, and prints open)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import NamedTuple

from ppo_graph.org.raci import ROW_HEAD, Matrix

#: The columns that open each row of the page: the matrix's (the process before the text).
PAGE_HEAD = ROW_HEAD

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 2px 6px; mso-number-format: "\\@"; }
thead th { position: sticky; top: 0; background: #f4f4f4; vertical-align: bottom; }
tbody th { position: sticky; left: 0; background: #fff; text-align: left; font-weight: normal; }
td.text { max-width: 40em; }
td.text summary { cursor: pointer; }
td.raci { text-align: center; font-weight: bold; min-width: 2em; }
td.has-R { background: #d9ecd0; } td.has-A { background: #f7d9a8; }
td.has-R.has-A { background: #e8a25c; }
td.has-C { background: #d5e3f5; } td.has-I { background: #eee; }
dl.legend dt { font-weight: bold; float: left; width: 1.5em; }
@media print { details > *:not(summary) { display: block; } }
"""


#: What marks a table's cells as text for Excel: a page that shows a table from
#: :func:`table_html` carries it in its style sheet.
TEXT_CELLS_CSS = 'th, td { mso-number-format: "\\@"; }'


class Cell(NamedTuple):
    """A cell of :func:`table_html` with a class of its own, or several lines (each escaped,
    joined by ``<br>``)."""

    value: object
    cls: str = ""


def table_html(
    head: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    table_id: str,
    cls: str = "",
    classes: Sequence[str] = (),
) -> str:
    """A plain table of text (an answer key, a page of scores), written here so that every HTML
    table of the package is made one way: every header and cell escaped (:func:`html.escape`,
    quotes too), a cell that is a tuple or list as lines; ``classes`` gives each column's cells a
    class, a :class:`Cell` its own. The page's style sheet marks the cells as text
    (:data:`TEXT_CELLS_CSS`)."""

    def cell(value: object, column: int) -> str:
        klass = classes[column] if column < len(classes) else ""
        if isinstance(value, Cell):
            klass = value.cls or klass
            value = value.value
        if isinstance(value, tuple | list):
            text = "<br>".join(escape(str(v)) for v in value)
        else:
            text = escape(str(value))
        return f'<td class="{escape(klass)}">{text}</td>' if klass else f"<td>{text}</td>"

    klass = f' class="{escape(cls)}"' if cls else ""
    header = "".join(f"<th>{escape(str(h))}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(cell(c, i) for i, c in enumerate(row)) + "</tr>\n" for row in rows
    )
    return (
        f'<table{klass} id="{escape(table_id)}">\n<thead><tr>{header}</tr></thead>\n'
        f"<tbody>\n{body}</tbody>\n</table>\n"
    )


def text_cell(short: str, full: str) -> str:
    """The text column's cell: the first words, and the whole text on demand when it is longer."""
    if not full or full == short:
        return f'<td class="text">{escape(short)}</td>'
    return (
        f'<td class="text"><details><summary>{escape(short)}</summary>{escape(full)}</details></td>'
    )


def matrix_html(matrix: Matrix, title: str = "RACI matrix", *, date: str = "") -> str:
    """The page: the legend (letters, their meaning and how a cell is computed), the date it
    holds for, then the table (``table#raci``; columns :data:`PAGE_HEAD` and the matrix's; each
    letter cell ``td.raci`` with ``data-letters``)."""
    e = escape
    heading = f"{title} by {matrix.by.value}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{e(heading)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(heading)}</h1>",
    ]
    if date:
        out.append(f'<p id="as-of">As of <time datetime="{e(date)}">{e(date)}</time>.</p>')
    out.append('<dl class="legend" id="legend">')
    for item in matrix.legend:
        out.append(
            f"<dt>{e(item['letter'])}</dt><dd>{e(item['label'])}: {e(item['definition'])}</dd>"
        )
    out += [
        '<dt class="has-R has-A">RA</dt><dd>Responsible and Accountable (coloured apart)</dd>',
        "</dl>",
        f'<p id="rule">{e(matrix.rule)} {e(matrix.note)}</p>',
        '<table id="raci"><thead><tr>',
        *(f'<th scope="col">{e(c)}</th>' for c in (*PAGE_HEAD, *matrix.columns)),
        "</tr></thead><tbody>",
    ]
    for row in matrix.rows:
        duty = row["duty"]
        process = row.get("process", "")  # the row's own: a generic duty has one per process
        cells = [f'<th scope="row">{e(duty)}</th>']
        cells += [f"<td>{e(row[c])}</td>" for c in ("section", "position")]
        cells.append(f'<td class="process">{e(process)}</td>')
        cells.append(text_cell(row["text"], matrix.texts.get(duty, "")))
        for column in matrix.columns:
            value = row[column]
            classes = " ".join(["raci", *(f"has-{letter}" for letter in value)])
            cells.append(f'<td class="{classes}" data-letters="{e(value)}">{e(value)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += [
        "</tbody></table>",
        f"<p>{len(matrix.rows)} rows (duty, process), {len(matrix.columns)} columns.</p>",
    ]
    out.append("</body></html>")
    return "\n".join(out) + "\n"
