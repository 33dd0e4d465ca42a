"""The one writer of tables for every command: plain text (wrapped or cut to a width), CSV, JSON
and Markdown, for rows of RDF terms from either engine (pyoxigraph's or rdflib's) or of plain
Python values; plus the aligned listings inside reports and the JSON of whole documents. No RDF
library is imported.

Spreadsheet-safe (OWASP's CSV-injection rule): a CSV cell of text that starts with a formula
starter (``= + - @``, a tab or a carriage return) gets one leading apostrophe, so no spreadsheet
runs it as a formula; a cell that is a number (an int or float, or an xsd:integer, decimal,
double or float literal with a number's lexical form) is written as it is, so -3 stays a number,
while the text "-3" becomes '-3. A text that already starts with apostrophes before a formula
starter gets one more, so :func:`unescape_cell` (what ``ppo org import`` applies to every cell)
gives back exactly what was written. Markdown escapes ``\\``, ``|`` and a leading formula
starter with a backslash (rendered as the character itself) and turns tabs and line breaks into
spaces. The RACI matrix's HTML and XLSX writers (:mod:`ppo_graph.org.html`,
:mod:`ppo_graph.org.xlsx`) escape every text and store every XLSX cell as a string.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from ppo_graph.formats import Format
from ppo_graph.namespaces import RDF_NS, XSD_NS, compact

#: One result row: column name -> RDF term (None when the variable is unbound).
Row = dict[str, Any]
Node = Any

_INTEGER_TYPES = frozenset(
    XSD_NS + n
    for n in [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)
_FLOAT_TYPES = frozenset({XSD_NS + "double", XSD_NS + "float"})
_NUMBER_TYPES = _INTEGER_TYPES | _FLOAT_TYPES | {XSD_NS + "decimal"}
#: Every numeric datatype: xsd:decimal and the integers derived from it, xsd:float, xsd:double.
NUMBER_TYPES = _NUMBER_TYPES
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTERS = frozenset("=+-@\t\r")
#: Text Excel would turn into a number or a date when it opens a CSV (7.10 into 7.1, 00123
#: into 123, 2024-01-02 or 3/4 into a date, 1e5, 50%): ``format_csv(excel=True)`` marks it.
_EXCEL_CONVERTS = re.compile(r"[\d.,:/%eE+\- ]*\d[\d.,:/%eE+\- ]*")
_PLAIN_INTEGER = re.compile(r"0|[1-9]\d{0,14}")
_LANG_STRING = RDF_NS + "langString"
_STRING = XSD_NS + "string"


def parts(term: Node) -> tuple[str, str, str | None, str | None]:
    """(kind, text, datatype, language) of a pyoxigraph or rdflib term (or a plain string, shown
    as text); kind is iri, bnode or literal; a plain literal's datatype is xsd:string, a
    language-tagged one rdf:langString."""
    name = type(term).__name__
    if type(term).__module__.startswith("pyoxigraph"):
        if name == "NamedNode":
            return "iri", term.value, None, None
        if name == "BlankNode":
            return "bnode", term.value, None, None
        return "literal", term.value, term.datatype.value, term.language
    if name == "Literal":
        language = term.language
        datatype = str(term.datatype) if term.datatype else _LANG_STRING if language else _STRING
        return "literal", str(term), datatype, language
    if name == "BNode":
        return "bnode", str(term), None, None
    if name == "URIRef":
        return "iri", str(term), None, None
    return "literal", str(term), _STRING, None  # a plain Python value: shown as text


def display(term: Node | None) -> str:
    """How a term is shown to people: CURIEs for IRIs, the lexical form for literals."""
    if term is None:
        return ""
    if type(term) is str:  # a plain string is shown as it is (quick: a matrix has millions)
        return term
    kind, text, _, _ = parts(term)
    return compact(text) if kind == "iri" else text


def simplify(term: Node | None) -> Any:
    """A plain Python value for a term: CURIE string, int, bool, float or str (None if unbound)."""
    if term is None:
        return None
    kind, text, datatype, _ = parts(term)
    if kind != "literal":
        return display(term)
    try:
        if datatype in _INTEGER_TYPES:
            return int(text)
        if datatype == XSD_NS + "boolean":
            return text.strip().lower() in ("true", "1")
        if datatype in _FLOAT_TYPES:
            return float(text)
    except ValueError:
        return text
    return text


def simplify_rows(rows: Iterable[Row]) -> list[dict[str, Any]]:
    return [{key: simplify(value) for key, value in row.items()} for row in rows]


def _is_int(term: Node | None) -> bool:
    if term is None or parts(term)[0] != "literal":
        return False
    value = simplify(term)
    return isinstance(value, int) and not isinstance(value, bool)


def _columns_of(rows: Sequence[Row], columns: Sequence[str] | None) -> list[str]:
    if columns:
        return list(columns)
    return list(rows[0]) if rows else []


def _fit_widths(
    natural: list[int], floors: list[int], budget: int, *, below_floors: bool = True
) -> list[int]:
    """Shrink the widest columns first, down to their floor, then (``below_floors``) below it if
    still too wide."""
    widths = list(natural)
    limits = [floors, [min(6, w) for w in natural]] if below_floors else [floors]
    for limit in limits:
        while sum(widths) > budget:
            shrinkable = [i for i, w in enumerate(widths) if w > limit[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i] - limit[i])
            widths[widest] -= 1
    return widths


def _line(values: Sequence[str], widths: Sequence[int], right: Sequence[bool], gap: str) -> str:
    cells = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)]
    return gap.join(cells).rstrip()


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(
    rows: Sequence[Row],
    columns: Sequence[str] | None = None,
    width: int = 80,
    *,
    cut: Sequence[str] = (),
    footer: bool = True,
) -> str:
    """A plain-text table that fits ``width`` columns, long cells wrapped on word boundaries.

    With ``cut``, a row stays on one line instead: only the columns named there shrink (down to 8
    characters) and their long cells are cut short with "…". ``footer`` adds "(N rows)".
    """
    cols = _columns_of(rows, columns)
    if not cols:
        return "(no rows)\n"
    gap = "  "
    cells = [[display(row.get(c)) for c in cols] for row in rows]
    numeric = [all(_is_int(row.get(c)) for row in rows if row.get(c) is not None) for c in cols]
    natural = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(cols)]
    budget = width - len(gap) * (len(cols) - 1)
    if cut:
        floors = [min(n, 8) if c in cut else n for c, n in zip(cols, natural, strict=True)]
        widths = _fit_widths(natural, floors, budget, below_floors=False)
    else:
        longest_word = [
            max([0, *(len(w) for r in cells for w in r[i].split())]) for i in range(len(cols))
        ]
        floors = [
            min(natural[i], max(len(c), min(longest_word[i], 24), 8)) for i, c in enumerate(cols)
        ]
        widths = _fit_widths(natural, floors, budget)

    def render(values: list[str], align: bool) -> list[str]:
        if cut:
            wrapped = [[_cut(v, widths[i])] for i, v in enumerate(values)]
        else:
            wrapped = [
                textwrap.wrap(v, widths[i], break_on_hyphens=False) or [""]
                for i, v in enumerate(values)
            ]
        height = max(len(w) for w in wrapped)
        right = [align and n for n in numeric]
        return [
            _line([w[k] if k < len(w) else "" for w in wrapped], widths, right, gap)
            for k in range(height)
        ]

    out = [*render(cols, False), gap.join("-" * w for w in widths)]
    blocks = [render(r, True) for r in cells]
    spaced = any(len(b) > 1 for b in blocks)
    for i, block in enumerate(blocks):
        if spaced and i:
            out.append("")
        out.extend(block)
    if footer:
        out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_columns(
    lines: Sequence[Sequence[Any]],
    align: str,
    *,
    indent: str = "",
    gap: str = "  ",
    widths: Sequence[int] = (),
) -> list[str]:
    """Lines of plain aligned columns, without rule or footer, for the listings inside a report
    (``ppo stats``, ``ppo run``): each column as wide as its widest cell (at least ``widths[i]``),
    ``align`` one character a column, ``<`` left or ``>`` right."""
    cells = [[str(value) for value in line] for line in lines]
    count = len(align)
    least = [*widths, *([0] * count)][:count]
    sizes = [max([least[i], *(len(c[i]) for c in cells)]) for i in range(count)]
    right = [a == ">" for a in align]
    return [indent + _line(c, sizes, right, gap) for c in cells]


def json_text(data: Any) -> str:
    """Every command's JSON: indented, characters as they are (not \\u escapes), a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def is_number(value: Any) -> bool:
    """A number, to be written as one: an int or float (not a bool), or a numeric literal
    (xsd:integer and its kin, decimal, double, float) whose lexical form is a number."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        return False
    kind, text, datatype, _ = parts(value)
    return kind == "literal" and datatype in _NUMBER_TYPES and bool(_NUMBER.fullmatch(text))


def safe_cell(text: str) -> str:
    """``text`` with one apostrophe in front when it starts with a formula starter, after any
    apostrophes of its own (OWASP's CSV-injection rule; :func:`unescape_cell` undoes it)."""
    bare = text.lstrip("'")
    return "'" + text if bare and bare[0] in FORMULA_STARTERS else text


def unescape_cell(text: str) -> str:
    """What :func:`safe_cell` was given: one leading apostrophe taken off a cell that starts with
    apostrophes and then a formula starter (``'=x`` is ``=x``; ``'hello`` stays as it is)."""
    bare = text.lstrip("'")
    if text.startswith("'") and bare and bare[0] in FORMULA_STARTERS:
        return text[1:]
    return text


def excel_cell(text: str) -> str:
    """:func:`safe_cell`, and an apostrophe in front of text Excel would read as a number or a
    date (section 7.10, an id 00123, 2024-01-02); a plain integer (14) stays a number."""
    text = safe_cell(text)
    if _EXCEL_CONVERTS.fullmatch(text) and not _PLAIN_INTEGER.fullmatch(text):
        return "'" + text
    return text


def csv_cell(value: Any, *, excel: bool = False) -> str:
    """One cell of every CSV this package writes: a number as it is, any text made safe."""
    if type(value) is str:  # text, most cells (a RACI matrix has millions): made safe, no more
        return excel_cell(value) if excel else safe_cell(value)
    if is_number(value):
        return display(value)
    text = display(value)
    return excel_cell(text) if excel else safe_cell(text)


def format_csv(
    rows: Sequence[Row], columns: Sequence[str] | None = None, *, excel: bool = False
) -> str:
    """The one CSV writer: a header, then a line per row, every cell through :func:`csv_cell`.
    ``excel``: for Microsoft Excel opening the file directly: a UTF-8 byte order mark (so
    accents and CJK are read as UTF-8), CRLF line ends, and text that Excel would read as a
    number or date (a section such as 7.10) marked as text with a leading apostrophe."""
    cols = _columns_of(rows, columns)
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerow([csv_cell(c, excel=excel) for c in cols])
    # Each distinct text made safe once: a RACI matrix has millions of cells and a few values.
    safe = _SafeTexts(excel)
    for row in rows:
        writer.writerow(
            [
                safe[v] if v is None or type(v) is str else csv_cell(v, excel=excel)
                for v in map(row.get, cols)
            ]
        )
    return buffer.getvalue()


class _SafeTexts(dict[str | None, str]):
    """Text (or None) -> its CSV cell (:func:`csv_cell`), each worked out on first use."""

    def __init__(self, excel: bool) -> None:
        super().__init__()
        self.excel = excel

    def __missing__(self, text: str | None) -> str:
        cell = self[text] = csv_cell(text, excel=self.excel)
        return cell


def format_json(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    cols = _columns_of(rows, columns)
    return json_text([{c: simplify(row.get(c)) for c in cols} for row in rows])


def md_cell(text: str) -> str:
    """A Markdown table cell showing ``text`` as it is: backslashes and pipes escaped, tabs and
    line breaks as spaces, and a leading formula starter (``= + - @``) escaped with a backslash,
    so the rendered cell shows it while the raw line pasted into a spreadsheet starts with none.
    """
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    text = " ".join(text.replace("\r\n", " ").splitlines()).replace("\t", " ")
    stripped = text.lstrip(" ")
    if stripped[:1] in ("=", "+", "-", "@"):
        text = "\\" + stripped
    return text


def format_md(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    """The one Markdown table writer: every header and cell through :func:`md_cell`."""
    cols = _columns_of(rows, columns)
    if not cols:
        return "(no rows)\n"
    out = [
        "| " + " | ".join(md_cell(c) for c in cols) + " |",
        "|" + "|".join("---" for _ in cols) + "|",
    ]
    out += ["| " + " | ".join(md_cell(display(row.get(c))) for c in cols) + " |" for row in rows]
    return "\n".join(out) + "\n"


def format_rows(
    rows: Sequence[Row],
    columns: Sequence[str] | None = None,
    fmt: Format | str = Format.TABLE,
    width: int = 80,
) -> str:
    fmt = Format(fmt)
    if fmt is Format.TABLE:
        return format_table(rows, columns, width)
    if fmt is Format.CSV:
        return format_csv(rows, columns)
    if fmt is Format.JSON:
        return format_json(rows, columns)
    if fmt is Format.XLSX:  # a workbook, not text: ppo_graph.org.xlsx.rows_xlsx
        raise ValueError("xlsx is a workbook: write it with ppo_graph.org.xlsx.rows_xlsx")
    return format_md(rows, columns)
