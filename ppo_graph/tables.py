"""The one writer of result tables: plain text (wrapped to a width), CSV, JSON and Markdown, for
rows of RDF terms from either engine (pyoxigraph's or rdflib's). No RDF library is imported."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from .formats import Format
from .prefixes import RDF_NS, XSD_NS, compact

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


def _fit_widths(natural: list[int], floors: list[int], budget: int) -> list[int]:
    """Shrink the widest columns first, down to their floor, then below it if still too wide."""
    widths = list(natural)
    for limit in (floors, [min(6, w) for w in natural]):
        while sum(widths) > budget:
            shrinkable = [i for i, w in enumerate(widths) if w > limit[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i] - limit[i])
            widths[widest] -= 1
    return widths


def format_table(rows: Sequence[Row], columns: Sequence[str] | None = None, width: int = 80) -> str:
    """A plain-text table that fits ``width`` columns, long cells wrapped on word boundaries."""
    cols = _columns_of(rows, columns)
    if not cols:
        return "(no rows)\n"
    gap = "  "
    cells = [[display(row.get(c)) for c in cols] for row in rows]
    numeric = [all(_is_int(row.get(c)) for row in rows if row.get(c) is not None) for c in cols]
    natural = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(cols)]
    longest_word = [
        max([0, *(len(w) for r in cells for w in r[i].split())]) for i in range(len(cols))
    ]
    floors = [min(natural[i], max(len(c), min(longest_word[i], 24), 8)) for i, c in enumerate(cols)]
    widths = _fit_widths(natural, floors, width - len(gap) * (len(cols) - 1))

    def wrap(text: str, w: int) -> list[str]:
        return textwrap.wrap(text, w, break_on_hyphens=False) or [""]

    def render(values: list[str], align: bool) -> list[str]:
        wrapped = [wrap(v, widths[i]) for i, v in enumerate(values)]
        height = max(len(w) for w in wrapped)
        lines = []
        for k in range(height):
            parts = []
            for i, w in enumerate(wrapped):
                piece = w[k] if k < len(w) else ""
                right = align and numeric[i]
                parts.append(piece.rjust(widths[i]) if right else piece.ljust(widths[i]))
            lines.append(gap.join(parts).rstrip())
        return lines

    out = [*render(cols, False), gap.join("-" * w for w in widths)]
    blocks = [render(r, True) for r in cells]
    spaced = any(len(b) > 1 for b in blocks)
    for i, block in enumerate(blocks):
        if spaced and i:
            out.append("")
        out.extend(block)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_csv(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    cols = _columns_of(rows, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow([display(row.get(c)) for c in cols])
    return buffer.getvalue()


def format_json(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    cols = _columns_of(rows, columns)
    data = [{c: simplify(row.get(c)) for c in cols} for row in rows]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def format_md(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    cols = _columns_of(rows, columns)
    if not cols:
        return "(no rows)\n"

    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    out += ["| " + " | ".join(cell(display(row.get(c))) for c in cols) + " |" for row in rows]
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
    return format_md(rows, columns)
