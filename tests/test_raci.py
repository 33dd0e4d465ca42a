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


def expected_by_person(
    kg: KnowledgeGraph, people: Path = ORG / "people.csv", raci: Path = ORG / "raci.csv"
) -> dict[tuple[str, str, str], str]:
    """(duty CURIE, process label, person name) -> letters, computed from the people and RACI
    CSV files by hand: a person counts while a membership lasts; R for each duty a held role
    carries (the graph says which), and the letters assigned to the person or to a post the
    person holds, each on the row of the process it counts for (issue 18): a generic duty
    carried for several processes has a row per process. A held role's R counts for the
    processes the role owns or manages; an assigned letter for the process of the role the
    person holds it under (a post's role; each role of a person assigned directly) and the
    process the duty is listed for; a letter that counts for none of the duty's processes
    sits on the duty's row with no process ("")."""
    roles = role_names(rows_of(kg, "org-roles"))
    carries: dict[str, set[str]] = defaultdict(set)
    role_processes: dict[str, set[str]] = defaultdict(set)
    duty_processes: dict[str, set[str]] = defaultdict(set)
    label = {"": ""}
    for row in rows_of(kg, "raci-role-duties"):
        duty = compact(row["duty"])
        carries[row["role"]].add(duty)
        if row["process"]:
            role_processes[row["role"]].add(row["process"])
            duty_processes[duty].add(row["process"])
            label[row["process"]] = row["processLabel"]
    listed_for = {compact(d["duty"]): d["role"] for d in rows_of(kg, "graph-duties")}

    def rows_for(duty: str, reach: set[str]) -> set[str]:
        found = (duty_processes.get(duty) or {""}) & (reach | {""})
        return {label[p] for p in found} or {""}

    current = current_memberships(people)
    name = {r["person"]: r["name"] for r in current}
    cells: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in current:
        role = roles.resolve(r["role"])
        for duty in carries[role]:
            for process in rows_for(duty, role_processes[role]):
                cells[(duty, process, r["name"])].add("R")
    for a in csv.DictReader(raci.open(encoding="utf-8")):
        for r in current:
            if a["who"] not in (r["person"], r["post"]):
                continue
            role = roles.resolve(r["role"])
            reach = role_processes[role] | role_processes[listed_for[a["duty"]]]
            for process in rows_for(a["duty"], reach):
                cells[(a["duty"], process, name[r["person"]])].add(a["letter"])
    return {key: letters(found) for key, found in cells.items()}


def _cells(rows: list[dict[str, str]], columns: list[str]) -> dict[tuple[str, str, str], str]:
    return {(r["duty"], r["process"], c): r[c] for r in rows for c in columns if r[c]}


def test_csv_by_person_cell_by_cell(
    org_kg: KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(
        csv.DictReader(io.StringIO(_run(capsys, str(ORG_TTL), "--by", "person", "--format", "csv")))
    )
    header = list(rows[0])
    people = [c for c in header[len(ROW_HEAD) :] if c != "asOf"]
    assert header[: len(ROW_HEAD)] == ["duty", "section", "position", "process", "text"]
    # 33 people, of whom Ines Moreau and Kavya Rao have left
    assert len(people) == 31 and "Kavya Rao" not in people and "Ines Moreau" not in people
    assert people[:2] == ["Amara Okafor", "Bruno Lindqvist"]  # by person id
    assert _cells(rows, people) == expected_by_person(org_kg)
    at = {(r["duty"], r["process"]): r for r in rows}
    assert len(at) == len(rows)  # one row per (duty, process)
    # 157 duties of one process or none, and the 20 generic owner and manager duties (7.3, 7.4)
    # once for each of the 5 processes whose owner or manager role carries them
    assert len(rows) == 157 + 20 * 5
    assert at["ppod:duty-7.6-01", "Capacity Management"]["Amara Okafor"] == "RA"  # role, and A
    assert at["ppod:duty-7.9-01", "Availability Management"]["Elif Demir"] == "RA"  # post's A
    assert at["ppod:duty-7.8-03", "Availability Management"]["Elif Demir"] == "C"
    assert at["ppod:duty-7.6-05", "Capacity Management"]["Bruno Lindqvist"] == "R"  # assigned
    assert at["ppod:duty-7.7-20", "Capacity Management"]["Liam Novak"] == "I"
    assert at["ppod:duty-7.5-01", ""]["Liam Novak"] == "R"  # practitioner: no process
    # a generic owner duty, inherited from Process Owner: in the row of the process owned only
    assert at["ppod:duty-7.3-01", "Demand Management"]["Jonas Weber"] == "R"
    assert at["ppod:duty-7.3-01", "Capacity Management"]["Jonas Weber"] == ""
    assert at["ppod:duty-7.3-01", "Capacity Management"]["Amara Okafor"] == "R"
    # rows in the tutorial's order, a generic duty's processes in the order of their sections
    assert [(r["duty"], r["process"]) for r in rows[:5]] == [
        ("ppod:duty-7.3-01", process)
        for process in (
            "Capacity Management",
            "Availability Management",
            "IT Service Continuity Management",
            "Information Security Management",
            "Demand Management",
        )
    ]
    assert rows.index(at["ppod:duty-7.9-01", "Availability Management"]) < rows.index(
        at["ppod:duty-7.10-01", "IT Service Continuity Management"]
    )
    six = at["ppod:duty-7.6-01", "Capacity Management"]
    assert (six["section"], six["position"]) == ("7.6", "1")
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


PROCESSES = [
    "Capacity Management",
    "Availability Management",
    "IT Service Continuity Management",
    "Information Security Management",
    "Demand Management",
]


def _at(rows: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["duty"], r["process"]): r for r in rows}


def test_by_role_and_by_process(org_kg: KnowledgeGraph) -> None:
    by_role = _at(build(org_kg, "role").rows)
    # a generic duty has a row per process: the owner role of each carries it in its own row
    owners = [f"{p} Process Owner" for p in PROCESSES]
    for process, owner in zip(PROCESSES, owners, strict=True):
        row = by_role["ppod:duty-7.3-01", process]
        assert [row[o] for o in owners] == ["R" if o == owner else "" for o in owners]
        assert row["Process Owner"] == "" and row["Capacity Management Process Manager"] == ""
    # the generic role carries it for no process: its R sits on the row with no process
    template = by_role["ppod:duty-7.3-01", ""]
    assert [c for c in build(org_kg, "role").columns if template[c]] == ["Process Owner"]
    # the Capacity Manager appoints people for Capacity Management, and for no other process
    appointing = [
        p for p in ["", *PROCESSES]
        if by_role["ppod:duty-7.4-03", p]["Capacity Management Process Manager"]
    ]  # fmt: skip
    assert appointing == ["Capacity Management"]
    assert by_role["ppod:duty-7.9-01", "Availability Management"][
        "Availability Management Process Manager"
    ] == "RA"  # fmt: skip
    assert by_role["ppod:duty-7.8-03", "Availability Management"][
        "Availability Management Process Manager"
    ] == "C"  # fmt: skip
    # a role nobody holds still carries its duties: the matrix says what the tutorial says
    demand = by_role["ppod:duty-7.4-03", "Demand Management"]
    assert demand["Demand Management Process Manager"] == "R"
    assert by_role["ppod:duty-7.14-03", "Demand Management"]["Demand Management Process Manager"]
    by_process = build(org_kg, "process")
    assert by_process.columns == PROCESSES
    rows = _at(by_process.rows)
    for process in PROCESSES:  # every manager, each in its own process's row
        row = rows["ppod:duty-7.4-01", process]
        assert [row[c] for c in PROCESSES] == ["R" if c == process else "" for c in PROCESSES]
    assert [rows["ppod:duty-7.6-01", "Capacity Management"][c] for c in PROCESSES] == [
        "RA", "", "", "", ""
    ]  # fmt: skip
    assert {rows["ppod:duty-7.5-01", ""][c] for c in PROCESSES} == {""}  # practitioners
    assert len(rows) == len(by_process.rows) == 157 + 20 * 5


def test_the_demand_managers_vacancy_leaves_demand_rows_without_r(
    org_kg: KnowledgeGraph,
) -> None:
    """Issue 18: the nine generic manager duties (7.4) and the seven of the Demand Manager
    (7.14-03..09) have no R in their Demand Management rows, while the other managers' rows of
    the same generic duties keep theirs; the same 16 as ppo org gaps' uncovered duties."""
    from ppo_graph.org.gaps import gaps

    matrix = build(org_kg, "person")
    unheld = [
        (r["duty"], r["process"])
        for r in matrix.rows
        if not any("R" in r[c] for c in matrix.columns)
    ]
    want = [
        *((f"ppod:duty-7.4-{n:02d}", "Demand Management") for n in range(1, 10)),
        *((f"ppod:duty-7.14-{n:02d}", "Demand Management") for n in range(3, 10)),
    ]
    assert unheld == want
    uncovered = [r["item"] for r in gaps(org_kg) if r["finding"] == "uncovered duty"]
    assert sorted(uncovered) == sorted(duty for duty, _ in want)
    rows = _at(matrix.rows)
    for process in ("Capacity Management", "Availability Management"):
        assert any(rows["ppod:duty-7.4-03", process][c] == "R" for c in matrix.columns)


def test_an_assignment_counts_in_the_row_of_its_process(
    tmp_path: Path, org_kg: KnowledgeGraph
) -> None:
    """Letters on a generic duty land on the row of the process they count for: an assignment
    to a Capacity Manager's post on the Capacity Management row; one to the Availability owner
    by id on the Availability Management row; one to a practitioner's post (a role of no
    process) on the duty's row with no process, added for it. Cell by cell against the
    independent computation."""
    raci = tmp_path / "raci.csv"
    raci.write_text(
        (ORG / "raci.csv").read_text(encoding="utf-8")
        + "Capacity Manager (Retail),ppod:duty-7.4-03,A\n"
        + "p04,ppod:duty-7.4-01,I\n"
        + "Capacity Analyst,ppod:duty-7.4-03,C\n",
        encoding="utf-8",
    )
    org = tmp_path / "org.ttl"
    people = ORG / "people.csv"
    assert main(["org", "import", str(people), "--raci", str(raci), "--out", str(org)]) == 0
    kg = KnowledgeGraph.open([org], cache=False)
    matrix = build(kg, "person")
    assert _cells(matrix.rows, matrix.columns) == expected_by_person(kg, people, raci)
    rows = _at(matrix.rows)

    def where(duty: str, person: str) -> dict[str, str]:
        return {p: r[person] for (d, p), r in rows.items() if d == duty and r[person]}

    assert where("ppod:duty-7.4-03", "Bruno Lindqvist") == {"Capacity Management": "RA"}
    assert where("ppod:duty-7.4-01", "Dara Byrne") == {"Availability Management": "I"}
    assert where("ppod:duty-7.4-03", "Liam Novak") == {"": "C"}
    assert len(matrix.rows) == 157 + 20 * 5 + 1  # the one row with no process, for the C
    by_process = _at(build(kg, "process").rows)
    assert by_process["ppod:duty-7.4-03", "Capacity Management"]["Capacity Management"] == "RA"
    assert by_process["ppod:duty-7.4-03", "Demand Management"]["Capacity Management"] == ""


def test_the_shipped_graph_alone_by_role_and_a_person_matrix_needs_people(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = list(csv.DictReader(io.StringIO(_run(capsys, "--format", "csv"))))
    # the generic owner's duty: first its row with no process, the generic role's R
    assert (rows[0]["process"], rows[0]["Process Owner"]) == ("", "R")
    assert (rows[1]["process"], rows[1]["Capacity Management Process Owner"]) == (
        "Capacity Management",
        "R",
    )
    assert "A" not in {v for r in rows for v in r.values()}
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
        assert [v or "" for v in values[len(ROW_HEAD) :]] == [row[c] for c in matrix.columns]
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
            r["process"],
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
