"""``ppo raci`` (issue 11): the RACI matrix of the example organisation, cell by cell in CSV and
Markdown against an independent computation from the CSV files, the XLSX workbook reopened with
openpyxl, the HTML page read back from a real headless chromium, hostile labels escaped."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import current_memberships, html_table, require_module, require_tool

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.namespaces import compact
from ppo_graph.org.html import PAGE_HEAD
from ppo_graph.org.names import role_names
from ppo_graph.org.raci import ROW_HEAD, build, letters
from ppo_graph.org.rdf import rows_of

ROOT = Path(__file__).resolve().parent.parent
ORG = ROOT / "examples" / "org"
ORG_TTL = ORG / "org.ttl"


@pytest.fixture(scope="module")
def org_kg() -> KnowledgeGraph:
    return KnowledgeGraph.open([ORG_TTL], cache=False)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["raci", *argv]) == 0
    return capsys.readouterr().out


def expected_by_person(kg: KnowledgeGraph) -> dict[tuple[str, str], str]:
    """(duty CURIE, person name) -> letters, computed from people.csv and raci.csv by hand: a
    person counts while a membership lasts; R for each duty a held role carries (the graph says
    which), and the letters assigned to the person or to a post the person holds."""
    roles = role_names(rows_of(kg, "org-roles"))
    carries: dict[str, set[str]] = defaultdict(set)
    for row in rows_of(kg, "raci-role-duties"):
        carries[row["role"]].add(compact(row["duty"]))
    current = current_memberships(ORG / "people.csv")
    name = {r["person"]: r["name"] for r in current}
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in current:
        for duty in carries[roles.resolve(r["role"])]:
            cells[(duty, r["name"])].add("R")
    for a in csv.DictReader((ORG / "raci.csv").open(encoding="utf-8")):
        holders = {r["person"] for r in current if a["who"] in (r["person"], r["post"])}
        for pid in holders:
            cells[(a["duty"], name[pid])].add(a["letter"])
    return {key: letters(found) for key, found in cells.items()}


def _cells(rows: list[dict[str, str]], columns: list[str]) -> dict[tuple[str, str], str]:
    return {(r["duty"], c): r[c] for r in rows for c in columns if r[c]}


def test_csv_by_person_cell_by_cell(
    org_kg: KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(
        csv.DictReader(io.StringIO(_run(capsys, str(ORG_TTL), "--by", "person", "--format", "csv")))
    )
    header = list(rows[0])
    people = [c for c in header[len(ROW_HEAD) :] if c != "asOf"]
    assert header[: len(ROW_HEAD)] == ["duty", "section", "position", "text"]
    # 33 people, of whom Ines Moreau and Kavya Rao have left
    assert len(people) == 31 and "Kavya Rao" not in people and "Ines Moreau" not in people
    assert people[:2] == ["Amara Okafor", "Bruno Lindqvist"]  # by person id
    assert _cells(rows, people) == expected_by_person(org_kg)
    by_duty = {r["duty"]: r for r in rows}
    assert len(by_duty) == len(rows) == 177
    assert by_duty["ppod:duty-7.6-01"]["Amara Okafor"] == "RA"  # owner role, and A
    assert by_duty["ppod:duty-7.9-01"]["Elif Demir"] == "RA"  # through the post assigned A
    assert by_duty["ppod:duty-7.8-03"]["Elif Demir"] == "C"  # consulted on the owner's duty
    assert by_duty["ppod:duty-7.6-05"]["Bruno Lindqvist"] == "R"  # an owner's duty, assigned
    assert by_duty["ppod:duty-7.7-20"]["Liam Novak"] == "I"
    assert by_duty["ppod:duty-7.5-01"]["Liam Novak"] == "R"  # practitioner
    assert by_duty["ppod:duty-7.3-01"]["Jonas Weber"] == "R"  # inherited from Process Owner
    # the Demand Manager left: nobody carries her seven duties
    for n in range(3, 10):
        assert not any(by_duty[f"ppod:duty-7.14-{n:02d}"][p] for p in people)
    # rows in the tutorial's order, with their place and a short text
    assert [r["duty"] for r in rows[:2]] == ["ppod:duty-7.3-01", "ppod:duty-7.3-02"]
    assert rows.index(by_duty["ppod:duty-7.9-01"]) < rows.index(by_duty["ppod:duty-7.10-01"])
    assert (by_duty["ppod:duty-7.6-01"]["section"], by_duty["ppod:duty-7.6-01"]["position"]) == (
        "7.6",
        "1",
    )
    assert all(len(r["text"]) <= 60 for r in rows)


def want_date(text: str) -> str:
    """The date of a RACI CSV (its asOf column)."""
    return next(csv.DictReader(io.StringIO(text)))["asOf"]


def test_markdown_carries_the_same_cells(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run(capsys, str(ORG_TTL), "--by", "person", "--format", "csv")
    want = list(csv.reader(io.StringIO(text)))
    dated = want[0].index("asOf")  # the CSV's column of the date; Markdown says it above
    assert {r[dated] for r in want[1:]} == {want[1][dated]}
    want = [r[:dated] + r[dated + 1 :] for r in want]
    md = _run(capsys, str(ORG_TTL), "--by", "person", "--format", "md").splitlines()
    assert md[:2] == [f"As of {want_date(text)}: memberships current then.", ""]
    md = md[2:]
    got = [[c.strip() for c in line.strip("|").split(" | ")] for line in md]
    assert got[0] == want[0] and md[1].startswith("|---|")
    assert len(got) == len(want) + 1
    for md_row, csv_row in zip(got[2:], want[1:], strict=True):
        assert [c.replace("\\|", "|") for c in md_row] == [c.strip() for c in csv_row]


def test_by_role_and_by_process(org_kg: KnowledgeGraph) -> None:
    by_role = {r["duty"]: r for r in build(org_kg, "role").rows}
    assert by_role["ppod:duty-7.3-01"]["Process Owner"] == "R"
    assert by_role["ppod:duty-7.3-01"]["Capacity Management Process Owner"] == "R"  # inherited
    assert by_role["ppod:duty-7.3-01"]["Capacity Management Process Manager"] == ""
    assert by_role["ppod:duty-7.9-01"]["Availability Management Process Manager"] == "RA"
    assert by_role["ppod:duty-7.8-03"]["Availability Management Process Manager"] == "C"
    # a role nobody holds still carries its duties: the matrix says what the tutorial says
    assert by_role["ppod:duty-7.14-03"]["Demand Management Process Manager"] == "R"
    by_process = build(org_kg, "process")
    assert by_process.columns == [
        "Capacity Management",
        "Availability Management",
        "IT Service Continuity Management",
        "Information Security Management",
        "Demand Management",
    ]
    rows = {r["duty"]: r for r in by_process.rows}
    assert {rows["ppod:duty-7.4-01"][c] for c in by_process.columns} == {"R"}  # every manager
    assert [rows["ppod:duty-7.6-01"][c] for c in by_process.columns] == ["RA", "", "", "", ""]
    assert {rows["ppod:duty-7.5-01"][c] for c in by_process.columns} == {""}  # practitioners


def test_the_shipped_graph_alone_by_role_and_a_person_matrix_needs_people(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = list(csv.DictReader(io.StringIO(_run(capsys, "--format", "csv"))))
    assert rows[0]["Process Owner"] == "R" and "A" not in {v for r in rows for v in r.values()}
    assert main(["raci", "--by", "person"]) == 2
    assert "needs an organisation" in capsys.readouterr().err


def test_xlsx_reopened(tmp_path: Path, org_kg: KnowledgeGraph) -> None:
    openpyxl = require_module("openpyxl")
    out = tmp_path / "raci.xlsx"
    assert (
        main(["raci", str(ORG_TTL), "--by", "person", "--format", "xlsx", "--out", str(out)]) == 0
    )
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["RACI", "Legend"]
    sheet = book["RACI"]
    assert sheet.freeze_panes == "B2"  # the header row and the duty column stay in view
    matrix = build(org_kg, "person")
    header = [c.value for c in sheet[1]]
    assert header == matrix.header
    assert sheet.max_row == len(matrix.rows) + 1
    for i, row in enumerate(matrix.rows, start=2):
        values = [c.value for c in sheet[i]]
        assert values[0] == row["duty"] and values[1] == row["section"]
        assert values[2] == int(row["position"])
        assert [v or "" for v in values[4:]] == [row[c] for c in matrix.columns]
    col = header.index("Amara Okafor") + 1
    line = next(
        i for i in range(2, sheet.max_row + 1) if sheet.cell(i, 1).value == "ppod:duty-7.6-01"
    )
    assert sheet.cell(line, col).value == "RA"
    legend = [[c.value for c in r] for r in book["Legend"].iter_rows()]
    assert legend[0] == ["letter", "meaning", "definition"]
    assert [r[:2] for r in legend[1:5]] == [
        ["R", "Responsible"],
        ["A", "Accountable"],
        ["C", "Consulted"],
        ["I", "Informed"],
    ]
    assert legend[6][:2] == ["cell", "by person"]
    assert f"holds on {legend[7][1]}" in legend[6][2] and legend[7][0] == "as of"
    assert [p.name for p in tmp_path.iterdir()] == ["raci.xlsx"]  # no temp file left


def test_xlsx_without_openpyxl_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    out = tmp_path / "raci.xlsx"
    assert main(["raci", str(ORG_TTL), "--format", "xlsx", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "openpyxl" in err and "pip install 'ppo-graph[xlsx]'" in err
    assert not out.exists()
    assert main(["raci", "--format", "xlsx"]) == 2
    assert "--out" in capsys.readouterr().err


HOSTILE = '<script>alert(1)</script> & "Eve" <img src=x onerror=alert(2)>'


def _hostile_org(tmp_path: Path) -> Path:
    people = tmp_path / "people.csv"
    people.write_text(
        "person,name,email,team,post,role,from,to\n"
        f'p1,"{HOSTILE.replace(chr(34), chr(34) * 2)}",,T,P,Capacity Manager,2024-01-01,\n',
        encoding="utf-8",
    )
    out = tmp_path / "org.ttl"
    assert main(["org", "import", str(people), "--out", str(out)]) == 0
    return out


def test_html_escapes_hostile_labels(tmp_path: Path) -> None:
    page = tmp_path / "raci.html"
    assert (
        main(
            [
                "raci",
                str(_hostile_org(tmp_path)),
                "--by",
                "person",
                "--format",
                "html",
                "--out",
                str(page),
            ]
        )
        == 0
    )
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Eve&quot;" in text
    assert "default-src 'none'" in text  # no request can leave the page
    assert "http:" not in text and "https:" not in text.replace("https://w3id.org", "")


def _chromium_dom(page: Path, tmp_path: Path) -> str:
    binary = require_tool("chromium", "apt-get install chromium")
    result = subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--proxy-server=127.0.0.1:9", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stdout


@pytest.mark.needs_tool
def test_html_matrix_in_chromium(tmp_path: Path, org_kg: KnowledgeGraph) -> None:
    page = tmp_path / "raci.html"
    assert (
        main(["raci", str(ORG_TTL), "--by", "person", "--format", "html", "--out", str(page)]) == 0
    )
    table = html_table(_chromium_dom(page, tmp_path), "raci")
    matrix = build(org_kg, "person")
    assert table.rows[0] == [*PAGE_HEAD, *matrix.columns]
    # the process per row, the first words and then (opened on demand) the whole text
    want = [
        [
            *(r[c] for c in ("duty", "section", "position")),
            matrix.processes[r["duty"]],
            r["text"] + ("" if matrix.texts[r["duty"]] == r["text"] else matrix.texts[r["duty"]]),
            *(r[c] for c in matrix.columns),
        ]
        for r in matrix.rows
    ]
    assert table.rows[1:] == want


@pytest.mark.needs_tool
def test_hostile_labels_stay_text_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "raci.html"
    org = _hostile_org(tmp_path)
    assert main(["raci", str(org), "--by", "person", "--format", "html", "--out", str(page)]) == 0
    table = html_table(_chromium_dom(page, tmp_path), "raci")
    assert table.scripts == 0
    assert table.rows[0][len(PAGE_HEAD)] == HOSTILE
