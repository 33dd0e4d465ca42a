"""A role's description as a document (``ppo role``, ``/roles/NAME.docx``): the caveat, every
duty of role-page-duties with its section, reopened by a reader of its own (the DOCX's XML parsed
here: python-docx is not a dependency), hostile text kept verbatim, and the workbench's download
links with their media types."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from conftest import ROOT, require_module, skip_or_fail
from starlette.testclient import TestClient
from test_serve import make_client

from ppo_graph.cli import main
from ppo_graph.dates import params as dated
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.role_document import FONT_DIR, blocks, document
from ppo_graph.serve.workbench.roles import EXPORTS, find_role, role_data

ISM = "ppod:InformationSecurityManagementProcessManager"
ORG_TTL = ROOT / "examples" / "org" / "org.ttl"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HOSTILE_TTL = """@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .
@prefix ppod: <https://w3id.org/ppo-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/acme/> .
ex:Odd a ppo:ProcessOwnerRole ; rdfs:label "R&D <Owner> \\u2019s role" ;
  ppo:specialises ppod:ProcessOwner ; ppo:actsInProcess ex:OddProcess .
ex:OddProcess a ppo:Process ; rdfs:label "Q&A <process>" .
ex:duty-1 a ppo:Duty ; ppo:isDutyOf ex:Odd ; ppo:position 1 ;
  ppo:verbatimText "Keep </w:t></w:r> & <b>bold</b> \\u201cquoted\\u201d caf\\u00e9 ]]> apart" .
"""


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def docx_parts(content: bytes) -> dict[str, ElementTree.Element]:
    """Every XML part of the package, parsed (a part that is not well-formed XML fails)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: ElementTree.fromstring(archive.read(name)) for name in archive.namelist()}


def paragraph_text(p: ElementTree.Element) -> str:
    return "".join(
        "\n" if node.tag == f"{W}br" else node.text or ""
        for node in p.iter()
        if node.tag in (f"{W}t", f"{W}br")
    )


def docx_tables(document_xml: ElementTree.Element) -> list[list[list[str]]]:
    """Each table's rows of cell texts, the header row first."""
    return [
        [
            ["\n".join(paragraph_text(p) for p in tc.iter(f"{W}p")) for tc in tr.findall(f"{W}tc")]
            for tr in tbl.findall(f"{W}tr")
        ]
        for tbl in document_xml.iter(f"{W}tbl")
    ]


def styled_paragraphs(document_xml: ElementTree.Element) -> list[tuple[str, str]]:
    """(style id, text) of each body paragraph outside the tables."""
    body = document_xml.find(f"{W}body")
    assert body is not None
    out = []
    for p in body.findall(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        out.append(("" if style is None else style.get(f"{W}val", ""), paragraph_text(p)))
    return out


def test_ism_managers_docx_carries_the_caveat_and_every_duty_with_its_section(
    graph: KnowledgeGraph, tmp_path: Path
) -> None:
    out = tmp_path / "ism.docx"
    assert main(["role", "ISM Manager", "--out", str(out)]) == 0
    parts = docx_parts(out.read_bytes())
    assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml"} <= set(
        parts
    )
    styles = {s.get(f"{W}styleId") for s in parts["word/styles.xml"].iter(f"{W}style")}
    assert {"Heading1", "Heading2", "RoleTable"} <= styles
    doc = parts["word/document.xml"]
    paragraphs = styled_paragraphs(doc)
    assert ("Heading1", "Information Security Management Process Manager") in paragraphs

    expected = graph.ask("role-page-duties", role=ISM)
    caveat = expected[0]["caveat"]
    assert "cuts this role's list short" in caveat  # the source's shortened list, 7.13
    assert ("Caveat", f"Caveat: {caveat}") in paragraphs

    duty_rows = [
        row
        for table in docx_tables(doc)
        if table[0][:3] == ["section", "bullet", "duty (verbatim)"]
        for row in table[1:]
    ]
    assert len(duty_rows) == len(expected) > 20
    got = {(r[0], r[1], r[2], r[3]) for r in duty_rows}
    for duty in expected:
        key = (duty["section"], str(duty["position"]), duty["text"], duty["correctedText"] or "")
        assert key in got
    own = sum(1 for d in expected if d["how"] == "own")
    heading = f"Duties ({own} own, {len(expected) - own} inherited)"
    assert ("Heading2", heading) in paragraphs
    interfaces = graph.ask("role-page-interfaces", role=ISM)
    table = next(t for t in docx_tables(doc) if t[0][0] == "process")
    assert len(table) - 1 == len(interfaces) > 0


def test_a_corrected_duty_shows_both_texts(graph: KnowledgeGraph) -> None:
    corrected = [
        (role, duty)
        for role in (r["role"] for r in graph.ask("workbench-roles"))
        for duty in graph.ask("role-page-duties", role=role)
        if duty["correctedText"] and duty["how"] == "own"
    ]
    assert corrected, "the source has defective duties with a corrected text"
    role, duty = corrected[0]
    content = document(role_data(graph, find_role(graph, role)), "docx")
    assert isinstance(content, bytes)
    rows = [r for t in docx_tables(docx_parts(content)["word/document.xml"]) for r in t]
    assert [duty["section"], str(duty["position"]), duty["text"], duty["correctedText"]] in [
        r[:4] for r in rows
    ]


def test_xml_special_characters_survive_in_every_format(tmp_path: Path) -> None:
    extra = tmp_path / "odd.ttl"
    extra.write_text(HOSTILE_TTL, encoding="utf-8")
    graph = KnowledgeGraph.open([extra])
    data = role_data(graph, find_role(graph, "https://example.org/acme/Odd"))
    label = "R&D <Owner> \u2019s role"
    text = "Keep </w:t></w:r> & <b>bold</b> \u201cquoted\u201d caf\u00e9 ]]> apart"
    content = document(data, "docx")
    assert isinstance(content, bytes)
    doc = docx_parts(content)["word/document.xml"]
    assert ("Heading1", label) in styled_paragraphs(doc)
    assert any(row[2] == text for table in docx_tables(doc) for row in table)
    html = document(data, "html")
    assert isinstance(html, str)
    assert "Keep &lt;/w:t&gt;&lt;/w:r&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>" not in html
    md = document(data, "md")
    assert isinstance(md, str) and "\u201cquoted\u201d caf\u00e9" in md


def _pdf_tools() -> Any:
    """pypdf, once fpdf2 and the DejaVu font are there; else skip naming the install (fail
    under CI=true, where .ci/run installs the font and the dev extras hold both packages)."""
    require_module("fpdf", "pip install fpdf2 (ppo-graph[pdf])")
    pypdf = require_module("pypdf", "pip install pypdf (the dev extras)")
    if not (FONT_DIR / "DejaVuSans.ttf").is_file():
        skip_or_fail(
            "needs the DejaVu Sans font: install it with `apt-get install fonts-dejavu-core`"
        )
    return pypdf


def test_pdf_reopened_carries_the_caveat_and_every_duty(
    graph: KnowledgeGraph, tmp_path: Path
) -> None:
    pypdf = _pdf_tools()
    out = tmp_path / "ism.pdf"
    assert main(["role", ISM, "--out", str(out)]) == 0
    reader = pypdf.PdfReader(out)
    assert reader.metadata.title.startswith("Information Security Management Process Manager")
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    duties = graph.ask("role-page-duties", role=ISM)
    assert " ".join(f"Caveat: {duties[0]['caveat']}".split()) in text
    for duty in duties:  # every duty's text, after its section and bullet
        assert f"{duty['section']} {duty['position']} {' '.join(duty['text'].split())}" in text


def test_pdf_prints_curly_quotes_and_accents(tmp_path: Path) -> None:
    pypdf = _pdf_tools()
    extra = tmp_path / "odd.ttl"
    extra.write_text(HOSTILE_TTL, encoding="utf-8")
    graph = KnowledgeGraph.open([extra])
    content = document(role_data(graph, find_role(graph, "https://example.org/acme/Odd")), "pdf")
    assert isinstance(content, bytes)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "R&D <Owner> \u2019s role" in text
    assert "\u201cquoted\u201d caf\u00e9" in " ".join(text.split())


def test_markdown_with_an_organisation_names_the_holders_as_of_the_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    role = "ppod:CapacityManagementProcessManager"
    assert main(["role", role, str(ORG_TTL), "--as-of", "2023-06-30"]) == 0
    md = capsys.readouterr().out
    org = KnowledgeGraph.open([ORG_TTL])
    import datetime as dt

    holders = org.ask("role-page-holders", role=role, **dated(dt.date(2023, 6, 30)))
    names = [h["name"] for h in holders if h["person"]]
    assert names
    assert f"## Held by as of 2023-06-30 ({len(names)})" in md
    for name in names:
        assert f"| {name} |" in md


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["No Such Role"], "ROLE: unknown role 'No Such Role'"),
        (["ISM Manager", "--format", "docx"], "give --out FILE.docx"),
        (["ISM Manager", "--out", "x.csv"], "does not write .csv files"),
    ],
)
def test_bad_requests_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["role", *argv]) == 2
    assert message in capsys.readouterr().err


def test_the_out_file_is_never_an_input(tmp_path: Path) -> None:
    extra = tmp_path / "odd.md"
    extra.write_text("keep", encoding="utf-8")
    assert main(["role", "ISM Manager", str(extra), "--out", str(extra)]) == 2
    assert extra.read_text(encoding="utf-8") == "keep"


def test_the_role_page_links_its_documents_and_serves_them(graph: KnowledgeGraph) -> None:
    client: TestClient = make_client(graph)
    name = ISM.split(":")[1]
    page = client.get(f"/roles/{name}").text
    for suffix in EXPORTS:
        assert f'href="/roles/{name}.{suffix}"' in page
    response = client.get(f"/roles/{name}.docx")
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX_TYPE
    assert f'filename="{name}.docx"' in response.headers["content-disposition"]
    rows = docx_tables(docx_parts(response.content)["word/document.xml"])
    duties = graph.ask("role-page-duties", role=ISM)
    assert sum(len(t) - 1 for t in rows if t[0][0] == "section") == len(duties)
    md = client.get(f"/roles/{name}.md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text == document(role_data(graph, find_role(graph, ISM)), "md")
    dated_page = client.get(f"/roles/{name}?as_of=2024-09-01").text
    assert f'href="/roles/{name}.pdf?as_of=2024-09-01"' in dated_page
    assert client.get("/roles/NoSuchRole.docx").status_code == 404
    assert client.get(f"/roles/{name}.exe").status_code == 404
    assert client.get(f"/roles/{name}.docx?as_of=2023-13-01").status_code == 400


def test_the_page_and_the_documents_share_one_gathering(graph: KnowledgeGraph) -> None:
    data = role_data(graph, find_role(graph, ISM))
    assert data.duties == graph.rows("role-page-duties", {"role": data.role.iri})
    assert [b for b in blocks(data) if getattr(b, "style", "") == "caveat"]
