"""A role's description as a document a governance lead hands on: Word (DOCX), PDF, Markdown or a
self-contained HTML page (``ppo role``, and ``/roles/NAME.docx`` etc. on the workbench).

The content is the role page's (:func:`ppo_graph.serve.workbench.roles.role_data`: the same
catalogue reports), laid out once as blocks (:func:`blocks`: headings, paragraphs, tables) and
written by one writer per format. The DOCX is WordprocessingML written with the standard library;
the PDF needs the package fpdf2 and the DejaVu Sans font (Debian's fonts-dejavu-core), so curly
quotes and accents print."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ppo_graph.errors import UsageError
from ppo_graph.formats import ROLE_FORMATS
from ppo_graph.namespaces import compact

if TYPE_CHECKING:
    from ppo_graph.serve.workbench.roles import RoleData

#: The formats of a role's document, in the order ``ppo role --format`` lists them.
FORMATS = ROLE_FORMATS


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    #: "" plain, "subtitle", "caveat" (a notice the reader must see), "note" (small print).
    style: str = ""


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    #: Relative column widths.
    widths: tuple[int, ...] = field(default=())


Block = Heading | Paragraph | Table


def _text(term: Any) -> str:
    from ppo_graph.tables import parts

    return "" if term is None else parts(term)[1]


def _duty_table(rows: list[dict[str, Any]], *, listed_for: bool) -> Table:
    """Section, bullet, verbatim and corrected text of each duty; ``listed_for``: and the role
    whose list it stands in (for inherited duties)."""
    names = ["section", "position", "text", "correctedText", "listedFor"][: 4 + listed_for]
    columns = ("section", "bullet", "duty (verbatim)", "corrected text", "listed for")
    widths = (8, 7, 45, 25, 15) if listed_for else (8, 7, 55, 30)
    body = [tuple(_text(row[c]) for c in names) for row in rows]
    return Table(columns[: len(names)], body, widths)


def blocks(data: RoleData) -> list[Block]:
    """The description of ``data``'s role: who it is, who holds it (with an organisation), its
    caveat, its own and inherited duties (section, bullet, verbatim and corrected text), what they
    mention and its process's interfaces."""
    role = data.role
    own, inherited = data.own, data.inherited
    out: list[Block] = [
        Heading(1, role.label),
        Paragraph(
            "Role description" + "".join(f" · {x}" for x in (role.kind, role.process) if x),
            "subtitle",
        ),
        Paragraph(f"IRI: {role.iri}", "note"),
        Paragraph(f"Process: {role.process or '(any process: a generic role)'}"),
    ]
    parents = sorted({_text(row["listedFor"]) for row in inherited} - {"", role.label})
    out.append(
        Paragraph(
            "Specialises: "
            + (", ".join(parents) if parents else "no other role (it inherits no duty)")
        )
    )
    if data.org_loaded:
        date = data.day.isoformat()
        people = data.people
        out.append(Heading(2, f"Held by as of {date} ({len(people)})"))
        if people:
            out.append(
                Table(
                    ("name", "id", "post", "team"),
                    [tuple(p[c] for c in ("name", "person", "post", "team")) for p in people],
                    (30, 20, 25, 25),
                )
            )
        else:
            gap = " Every PPO process owner and manager role must be held." * data.must_be_held
            out.append(Paragraph(f"Nobody holds this role as of {date}.{gap}", "caveat"))
    out.append(Heading(2, f"Duties ({len(own)} own, {len(inherited)} inherited)"))
    if data.caveat:
        out.append(Paragraph(f"Caveat: {data.caveat}", "caveat"))
    out.append(Heading(3, "Own duties"))
    out.append(_duty_table(own, listed_for=False) if own else Paragraph("No duty of its own."))
    if inherited:
        out += [Heading(3, "Inherited duties"), _duty_table(inherited, listed_for=True)]
    out.append(Heading(2, "Artefacts and processes its duties mention"))
    if data.mentions:
        mentioned = [
            (m.kind, f"{m.label} ({compact(m.target)})", ", ".join(m.how), " ".join(m.duties))
            for m in data.mentions
        ]
        out.append(Table(("kind", "mentioned", "how", "duties"), mentioned, (12, 33, 20, 35)))
    else:
        out.append(Paragraph("Its duties mention no artefact or process."))
    out.append(Heading(2, "Interfaces of its process"))
    if data.interfaces:
        columns = ("process", "direction", "otherProcess", "type")
        rows = [
            (
                *(_text(row[c]) for c in columns),
                "stated" if _text(row["stated"]) == "true" else "implied",
                compact(_text(row["duty"])),
            )
            for row in data.interfaces
        ]
        out.append(
            Table(
                ("process", "direction", "other process", "type", "stated", "evidence"),
                rows,
                (20, 10, 20, 20, 10, 20),
            )
        )
    else:
        out.append(
            Paragraph("It acts in no process with interfaces (a generic role, or none recorded).")
        )
    out.append(
        Paragraph(
            "From the ppo-graph knowledge graph of the ITIL v3 PPO roles (the catalogue reports "
            "role-page-holders, role-page-duties, role-page-mentions and role-page-interfaces). "
            "Duty texts are verbatim from the source; a corrected text is given where the "
            "source is defective.",
            "note",
        )
    )
    return out


def document(data: RoleData, fmt: str) -> str | bytes:
    """``data``'s role description in ``fmt`` (one of :data:`FORMATS`)."""
    content = blocks(data)
    title = f"{data.role.label}: role description"
    if fmt == "md":
        return markdown(content)
    if fmt == "html":
        return html(content, title)
    if fmt == "docx":
        return docx(content, title)
    if fmt == "pdf":
        return pdf(content, title)
    raise ValueError(f"not a role document format: {fmt}")


# --- Markdown and HTML -----------------------------------------------------------------------


def markdown(content: Sequence[Block]) -> str:
    from ppo_graph.tables import format_md, md_cell

    out: list[str] = []
    for block in content:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {md_cell(block.text)}\n")
        elif isinstance(block, Paragraph):
            text = md_cell(block.text)
            out.append({"caveat": f"> **{text}**", "note": f"*{text}*"}.get(block.style, text))
            out.append("")
        else:
            rows = [dict(zip(block.columns, row, strict=True)) for row in block.rows]
            out.append(format_md(rows, block.columns))
    return "\n".join(out).rstrip("\n") + "\n"


_HTML_STYLE = (
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;margin:2em;max-width:60em}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0 1em}"
    "th,td{border:1px solid #999;padding:.25em .4em;vertical-align:top;text-align:left}"
    "th{background:#e8e8e8}.caveat{border-left:4px solid #c60;background:#fff4e5;padding:.5em}"
    ".note{color:#555;font-size:9pt}.subtitle{color:#444}"
)


def html(content: Sequence[Block], title: str) -> str:
    """A self-contained page (its style inline, nothing fetched), every text escaped."""
    from ppo_graph.serve.workbench.markup import Markup, h

    body: list[Markup] = []
    for block in content:
        if isinstance(block, Heading):
            body.append(h(f"h{block.level}", None, block.text))
        elif isinstance(block, Paragraph):
            body.append(h("p", {"class": block.style or None}, block.text))
        else:
            head = h("tr", None, [h("th", None, c) for c in block.columns])
            rows = [h("tr", None, [h("td", None, cell) for cell in row]) for row in block.rows]
            body.append(h("table", None, h("thead", None, head), h("tbody", None, rows)))
    head = h(
        "head",
        None,
        h("meta", {"charset": "utf-8"}),
        h("title", None, title),
        h("style", None, Markup(_HTML_STYLE)),
    )
    return f"<!DOCTYPE html>\n{h('html', {'lang': 'en'}, head, h('body', None, body))}\n"


# --- DOCX (WordprocessingML, standard library only) ------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
#: Characters XML 1.0 cannot hold at all (escaping does not help): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The text width of an A4 page with 2 cm margins, in twentieths of a point.
_TEXT_WIDTH = 11906 - 2 * 1134

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)


def _style(style_id: str, name: str, ppr: str = "", rpr: str = "", kind: str = "paragraph") -> str:
    based = "" if style_id == "Normal" or kind != "paragraph" else '<w:basedOn w:val="Normal"/>'
    return (
        f'<w:style w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>{based}'
        f"<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


_BORDER = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="999999"/>'
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:styles xmlns:w="{_W}">'
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    '<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri" w:eastAsia="Calibri"/>'
    '<w:sz w:val="20"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults>'
    + _style("Normal", "Normal")
    + _style(
        "Heading1",
        "heading 1",
        '<w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/>',
        '<w:b/><w:color w:val="1F3864"/><w:sz w:val="36"/>',
    )
    + _style(
        "Heading2",
        "heading 2",
        '<w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/>',
        '<w:b/><w:color w:val="2F5496"/><w:sz w:val="28"/>',
    )
    + _style(
        "Heading3",
        "heading 3",
        '<w:keepNext/><w:spacing w:before="160" w:after="60"/><w:outlineLvl w:val="2"/>',
        '<w:b/><w:sz w:val="22"/>',
    )
    + _style("Subtitle", "Subtitle", "", '<w:color w:val="444444"/><w:sz w:val="22"/>')
    + _style(
        "Caveat",
        "Caveat",
        '<w:pBdr><w:left w:val="single" w:sz="24" w:space="4" w:color="CC6600"/></w:pBdr>'
        '<w:shd w:val="clear" w:color="auto" w:fill="FFF4E5"/>',
        "<w:b/>",
    )
    + _style("Note", "Note", "", '<w:color w:val="555555"/><w:sz w:val="16"/>')
    + '<w:style w:type="table" w:styleId="RoleTable"><w:name w:val="Role Table"/>'
    '<w:rPr><w:sz w:val="18"/></w:rPr><w:tblPr><w:tblBorders>'
    + "".join(_BORDER.format(side) for side in ("top", "left", "bottom", "right"))
    + "".join(_BORDER.format(side) for side in ("insideH", "insideV"))
    + '</w:tblBorders><w:tblCellMar><w:left w:w="80" w:type="dxa"/>'
    '<w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr>'
    '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E8E8E8"/></w:tcPr></w:tblStylePr>'
    "</w:style></w:styles>"
)
_STYLE_OF = {"subtitle": "Subtitle", "caveat": "Caveat", "note": "Note"}


def _xml_text(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def _runs(text: str, bold: bool = False) -> str:
    """A run per line of ``text`` (line breaks between), every character escaped."""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    lines = [f'<w:t xml:space="preserve">{_xml_text(line)}</w:t>' for line in text.split("\n")]
    return f"<w:r>{rpr}{'<w:br/>'.join(lines)}</w:r>"


def _paragraph(text: str, style: str = "", bold: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{_runs(text, bold)}</w:p>"


def _docx_table(table: Table) -> str:
    weights = table.widths or (1,) * len(table.columns)
    total = sum(weights)
    widths = [_TEXT_WIDTH * w // total for w in weights]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)

    def row(cells: Sequence[str], header: bool) -> str:
        trpr = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" if header else ""
        tcs = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>'
            f"{_paragraph(cell, bold=header)}</w:tc>"
            for cell, w in zip(cells, widths, strict=True)
        )
        return f"<w:tr>{trpr}{tcs}</w:tr>"

    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="RoleTable"/>'
        f'<w:tblW w:w="{_TEXT_WIDTH}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:firstRow="1" w:val="0020"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        + row(table.columns, True)
        + "".join(row(cells, False) for cells in table.rows)
        + "</w:tbl>"
    )


def docx(content: Sequence[Block], title: str) -> bytes:
    """A Word document: Heading 1-3, the Subtitle, Caveat and Note paragraph styles and the
    RoleTable table style (a header row repeated on each page), on A4."""
    body: list[str] = []
    for block in content:
        if isinstance(block, Heading):
            body.append(_paragraph(block.text, f"Heading{block.level}"))
        elif isinstance(block, Paragraph):
            body.append(_paragraph(block.text, _STYLE_OF.get(block.style, "")))
        else:
            body.append(_docx_table(block))
    section = (
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" '
        'w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>'
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>'
        + "".join(body)
        + f"<w:p/>{section}</w:body></w:document>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{_xml_text(title)}</dc:title><dc:creator>ppo-graph</dc:creator>"
        "</cp:coreProperties>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("docProps/core.xml", core),
            ("word/_rels/document.xml.rels", _DOCUMENT_RELS),
            ("word/styles.xml", _STYLES),
            ("word/document.xml", document),
        ):
            # a fixed date: the same role and graph give the same bytes
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


# --- PDF (fpdf2 and DejaVu Sans) -------------------------------------------------------------

#: Where Debian's fonts-dejavu-core puts the fonts.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_PDF_INSTALL = "pip install 'ppo-graph[pdf]' (or: pip install fpdf2)"


def require_pdf() -> None:
    """Exit 2 (a :class:`UsageError` saying what to install) without fpdf2 or DejaVu Sans."""
    try:
        import fpdf  # noqa: F401
    except ImportError:
        raise UsageError(f"--format pdf needs the Python package fpdf2: {_PDF_INSTALL}") from None
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        if not (FONT_DIR / name).is_file():
            raise UsageError(
                f"--format pdf needs the font {FONT_DIR / name} (so curly quotes and accents "
                "print): install the package fonts-dejavu-core (apt-get install fonts-dejavu-core)"
            )


def pdf(content: Sequence[Block], title: str) -> bytes:
    """An A4 PDF in DejaVu Sans: the headings, the caveat in a shaded box, the tables with their
    header row repeated on each page."""
    require_pdf()
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    doc = FPDF(format="A4")
    doc.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    doc.set_title(title)
    doc.set_creator("ppo-graph")
    doc.set_margins(15, 15, 15)
    doc.set_auto_page_break(True, margin=15)
    doc.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    doc.add_page()
    sizes = {1: 18, 2: 13, 3: 11}
    for block in content:
        if isinstance(block, Heading):
            doc.set_font("DejaVu", "B", sizes.get(block.level, 11))
            doc.ln(2 if block.level > 1 else 0)
            doc.multi_cell(0, sizes.get(block.level, 11) * 0.5, block.text)
            doc.ln(1)
        elif isinstance(block, Paragraph):
            if block.style == "caveat":
                doc.set_font("DejaVu", "B", 9)
                doc.set_fill_color(255, 244, 229)
                doc.multi_cell(0, 5, block.text, border="L", fill=True, padding=2)
            else:
                doc.set_font("DejaVu", "", 7.5 if block.style == "note" else 9.5)
                doc.set_text_color(85 if block.style else 0)
                doc.multi_cell(0, 5, block.text)
                doc.set_text_color(0)
            doc.ln(2)
        else:
            doc.set_font("DejaVu", "", 8)
            heading = FontFace(emphasis="BOLD", fill_color=(232, 232, 232))
            with doc.table(
                col_widths=block.widths or None,
                headings_style=heading,
                line_height=4,
                text_align="LEFT",
                padding=1,
            ) as table:
                for cells in (block.columns, *block.rows):
                    row = table.row()
                    for cell in cells:
                        row.cell(cell)
            doc.ln(2)
    return bytes(doc.output())
