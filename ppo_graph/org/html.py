"""The RACI matrix as one self-contained HTML page: no script, no external asset (a
Content-Security-Policy forbids any request), every label and text escaped."""

from __future__ import annotations

from html import escape

from ppo_graph.org.raci import CELL_NOTE, ROW_HEAD, Matrix

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
thead th { position: sticky; top: 0; background: #f4f4f4; vertical-align: bottom; }
tbody th { position: sticky; left: 0; background: #fff; text-align: left; font-weight: normal; }
td.raci { text-align: center; font-weight: bold; min-width: 2em; }
td.has-R { background: #d9ecd0; } td.has-A { background: #f7d9a8; }
td.has-C { background: #d5e3f5; } td.has-I { background: #eee; }
dl.legend dt { font-weight: bold; float: left; width: 1.5em; }
"""


def matrix_html(matrix: Matrix, title: str = "RACI matrix") -> str:
    """The page: the legend (letters, their meaning and how a cell is computed), then the table
    (``table#raci``; each letter cell ``td.raci`` with ``data-letters``)."""
    e = escape
    heading = f"{title} by {matrix.by.value}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{e(heading)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(heading)}</h1>",
        '<dl class="legend" id="legend">',
    ]
    for item in matrix.legend:
        out.append(
            f"<dt>{e(item['letter'])}</dt><dd>{e(item['label'])}: {e(item['definition'])}</dd>"
        )
    out += [
        "</dl>",
        f'<p id="rule">{e(matrix.rule)} {e(CELL_NOTE)}</p>',
        '<table id="raci"><thead><tr>',
        *(f'<th scope="col">{e(c)}</th>' for c in (*ROW_HEAD, *matrix.columns)),
        "</tr></thead><tbody>",
    ]
    for row in matrix.rows:
        cells = [f'<th scope="row">{e(row["duty"])}</th>']
        cells += [f"<td>{e(row[c])}</td>" for c in ROW_HEAD[1:]]
        for column in matrix.columns:
            value = row[column]
            classes = " ".join(["raci", *(f"has-{letter}" for letter in value)])
            cells.append(f'<td class="{classes}" data-letters="{e(value)}">{e(value)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody></table>", f"<p>{len(matrix.rows)} duties, {len(matrix.columns)} columns.</p>"]
    out.append("</body></html>")
    return "\n".join(out) + "\n"
