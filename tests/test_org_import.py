"""``ppo org import`` as a governance lead uses it (issue 18): names that differ only in case or
punctuation stay apart, ``--out`` never overwrites an input, and real HR and Excel exports
(XLSX, ``;`` and tab delimiters, column mappings, extra columns) are read, with messages that
name the file, the line and what was expected."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.engine.answers import check_violations

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "org-import"
NEAR = FIXTURES / "near-names.csv"
NEAR_RACI = FIXTURES / "near-names-raci.csv"
ORG = Namespace("http://www.w3.org/ns/org#")
PPO = Namespace("https://w3id.org/ppo-graph/ontology#")
HEADER = "person,name,email,team,post,role,from,to\n"


def _import_near(tmp_path: Path) -> Path:
    out = tmp_path / "org.ttl"
    argv = ["org", "import", str(NEAR), "--raci", str(NEAR_RACI), "--out", str(out)]
    assert main(argv) == 0
    return out


def _objects(g: Graph, subject: URIRef, predicate: URIRef) -> list[object]:
    return list(g.objects(subject, predicate))


def test_posts_teams_and_services_that_differ_in_punctuation_stay_apart(tmp_path: Path) -> None:
    g = Graph().parse(_import_near(tmp_path))
    posts = list(g.subjects(RDF.type, ORG.Post))
    assert sorted(str(g.value(p, RDFS.label)) for p in posts) == sorted(
        row["post"] for row in csv.DictReader(NEAR.open(encoding="utf-8"))
    )
    for post in posts:  # one label, one team, one role each: never three of each
        assert len(_objects(g, post, RDFS.label)) == 1
        assert len(_objects(g, post, ORG.postIn)) == 1
        assert len(_objects(g, post, ORG.role)) == 1
    teams = sorted(
        str(g.value(t, RDFS.label)) for t in g.subjects(RDF.type, ORG.OrganizationalUnit)
    )
    assert teams == ["Capacity", "Retail", "Retail IT", "Service Desk", "service desk"]
    services = sorted(str(g.value(s, RDFS.label)) for s in g.subjects(RDF.type, PPO.Service))
    assert services == ["Retail banking", "retail banking"]


def test_memberships_and_assignments_are_one_person_each(tmp_path: Path) -> None:
    """Person p5 in post "Desk Agent" and person p5-desk in post "Agent" once made one
    membership IRI (p5-desk-agent-...); R to p5 and to P5 one assignment."""
    g = Graph().parse(_import_near(tmp_path))
    memberships = list(g.subjects(RDF.type, ORG.Membership))
    assert len(memberships) == 7
    for membership in memberships:
        assert len(_objects(g, membership, ORG.member)) == 1
        assert len(_objects(g, membership, PPO.throughPost)) == 1
    assignments = list(g.subjects(RDF.type, PPO.Assignment))
    assert len(assignments) == 3
    for assignment in assignments:
        assert len(_objects(g, assignment, PPO.assignedTo)) == 1


def test_an_A_given_to_one_post_reaches_one_person(tmp_path: Path) -> None:
    kg = KnowledgeGraph.open([_import_near(tmp_path)], cache=False)
    accountable = [v.message for v in check_violations(kg) if "org-accountable" in v.shape]
    assert accountable  # the other processes have none: the check did run
    assert not [m for m in accountable if m.startswith("Capacity Management")]


def test_an_imported_org_exports_row_for_row(tmp_path: Path) -> None:
    made = _import_near(tmp_path)
    people, raci = tmp_path / "people.csv", tmp_path / "raci.csv"
    assert main(["org", "export", str(made), "--out", str(people), "--raci-out", str(raci)]) == 0
    exported = list(csv.DictReader(people.open(encoding="utf-8")))
    original = list(csv.DictReader(NEAR.open(encoding="utf-8")))
    assert len(exported) == len(original) == 7

    def key(row: dict[str, str]) -> tuple[str, ...]:
        return tuple(v for k, v in sorted(row.items()) if k != "role")  # roles come back as labels

    assert sorted(map(key, exported)) == sorted(map(key, original))
    assert sorted(csv.reader(raci.open(encoding="utf-8"))) == sorted(
        csv.reader(NEAR_RACI.open(encoding="utf-8"))
    )


def test_near_names_are_noted_with_both_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import_near(tmp_path)
    err = capsys.readouterr().err
    assert (
        f"note: {NEAR}:2, {NEAR}:3 and {NEAR}:4: posts 'Capacity Manager (Retail)', "
        "'Capacity Manager - Retail' and 'Capacity-Manager Retail' differ only in case or "
        "punctuation; kept apart as 3 posts"
    ) in err
    assert f"note: {NEAR}:5 and {NEAR}:6: teams 'Service Desk' and 'service desk'" in err
    assert f"note: {NEAR}:6 and {NEAR}:7: person ids 'p5' and 'P5'" in err
    assert f"note: {NEAR}:2 and {NEAR}:3: services 'Retail banking' and 'retail banking'" in err


def test_a_raci_row_names_one_of_two_near_posts_exactly(tmp_path: Path) -> None:
    people, raci, out = tmp_path / "people.csv", tmp_path / "raci.csv", tmp_path / "org.ttl"
    people.write_text(
        HEADER
        + "p1,Ann,,T,Service Desk,ISM Owner,2024-01-01,\n"
        + "p2,Bo,,T,service desk,ISM Manager,2024-01-01,\n",
        encoding="utf-8",
    )
    raci.write_text("who,duty,letter\nservice desk,ppod:duty-7.6-01,A\n", encoding="utf-8")
    assert main(["org", "import", str(people), "--raci", str(raci), "--out", str(out)]) == 0
    g = Graph().parse(out)
    (target,) = g.objects(None, PPO.assignedTo)
    assert str(g.value(target, RDFS.label)) == "service desk"


# --- --out never overwrites an input -------------------------------------------------------


def _aliases(tmp_path: Path, target: Path) -> dict[str, Path]:
    """The same file under four spellings: itself, relative (cwd is tmp_path), a hard link and
    a symbolic link."""
    hard, soft = tmp_path / f"hard{target.suffix}", tmp_path / f"soft{target.suffix}"
    hard.hardlink_to(target)
    soft.symlink_to(target)
    return {
        "same path": target,
        "relative vs absolute": Path(target.name),
        "hard link": hard,
        "symbolic link": soft,
    }


@pytest.mark.parametrize(
    "spelling", ["same path", "relative vs absolute", "hard link", "symbolic link"]
)
@pytest.mark.parametrize("which", ["people", "raci"])
def test_import_refuses_to_overwrite_an_input(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spelling: str,
    which: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    people, raci = tmp_path / "people.csv", tmp_path / "raci.csv"
    people.write_bytes(NEAR.read_bytes())
    raci.write_bytes(NEAR_RACI.read_bytes())
    out = _aliases(tmp_path, people if which == "people" else raci)[spelling]
    argv = ["org", "import", str(people), "--raci", str(raci), "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"--out {out} is the input file {people if which == 'people' else raci}" in err
    assert people.read_bytes() == NEAR.read_bytes()
    assert raci.read_bytes() == NEAR_RACI.read_bytes()


@pytest.mark.parametrize(
    "spelling", ["same path", "relative vs absolute", "hard link", "symbolic link"]
)
@pytest.mark.parametrize(
    "command",
    [
        ["org", "export", "{input}", "--out", "{out}"],
        ["org", "export", "{input}", "--raci-out", "{out}"],
        ["org", "export", "{input}", "--segregation-out", "{out}"],
        ["raci", "{input}", "--out", "{out}"],
        ["build", "{input}", "--out", "{out}", "--no-reason"],
        ["viz", "{input}", "--out", "{out}", "--format", "dot"],
    ],
    ids=["export", "export-raci", "export-segregation", "raci", "build", "viz"],
)
def test_every_command_refuses_to_overwrite_an_input(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spelling: str,
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    org = tmp_path / "org.dot"  # a suffix ppo viz writes; the check comes before any reading
    org.write_text("not read\n", encoding="utf-8")
    out = _aliases(tmp_path, org)[spelling]
    argv = [a.format(input=org, out=out) for a in command]
    assert main(argv) == 2
    assert f" {out} is the input file {org}" in capsys.readouterr().err
    assert org.read_text(encoding="utf-8") == "not read\n"


def test_an_output_beside_the_input_is_written(tmp_path: Path) -> None:
    out = tmp_path / "org.ttl"
    assert main(["org", "import", str(NEAR), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# An organisation")


# --- real exports in: delimiters, extra columns, mappings, workbooks, clear refusals ----------


def _run(tmp_path: Path, *argv: str) -> tuple[int, Path]:
    out = tmp_path / "org.ttl"
    return main(["org", "import", *argv, "--out", str(out)]), out


def _names(out: Path) -> set[str]:
    foaf = Namespace("http://xmlns.com/foaf/0.1/")
    return {str(o) for o in Graph().parse(out).objects(None, foaf.name)}


def test_a_semicolon_export_with_extra_and_empty_columns_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """European Excel: `;`, CRLF, "Department" and "Manager", two empty columns at the end,
    accents, CJK and an emoji."""
    people = FIXTURES / "semicolon.csv"
    code, out = _run(tmp_path, str(people))
    assert code == 0
    assert _names(out) == {"Zoë Ångström", "李 小龍 🙂"}
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert notes == [
        f"note: {people}:1: ignored column(s): 'Department', 'Manager', "
        "2 empty column(s) at the end"
    ]


def test_a_tab_separated_export_is_read(tmp_path: Path) -> None:
    code, out = _run(tmp_path, str(FIXTURES / "tab.csv"))
    assert code == 0
    assert _names(out) == {"Ann"}


def test_utf16_with_a_bom_is_read(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_bytes((HEADER + "p1,Zoë 李,,T,P,ISM Owner,2024-01-01,\r\n").encode("utf-16"))
    code, out = _run(tmp_path, str(people))
    assert code == 0
    assert _names(out) == {"Zoë 李"}


def test_a_column_mapping_inline_or_in_a_file(tmp_path: Path) -> None:
    hr = str(FIXTURES / "hr-export.csv")
    inline = [
        "--columns",
        'person="Employee ID",name="Full name",email=E-mail',
        "--columns",
        'post="Job title",from="Start date",to="End date"',
    ]
    code, out = _run(tmp_path, hr, *inline)
    assert code == 0
    by_inline = out.read_text(encoding="utf-8")
    code, out = _run(tmp_path, hr, "--columns", str(FIXTURES / "hr-columns.txt"))
    assert code == 0
    assert out.read_text(encoding="utf-8") == by_inline
    assert _names(out) == {"Ann Lee", "Bo Chen"}
    assert '"E001"' in by_inline


def test_without_a_mapping_the_missing_columns_and_the_headers_found_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hr = FIXTURES / "hr-export.csv"
    code, out = _run(tmp_path, str(hr))
    assert code == 2
    err = capsys.readouterr().err
    assert f"{hr}:1: missing column(s): person, name, email, post, from, to; expected" in err
    assert "(found 'Employee ID', 'Full name'" in err
    assert '--columns person="Your header"' in err
    assert not out.exists()


def test_an_unknown_column_in_the_mapping_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _run(tmp_path, str(FIXTURES / "hr-export.csv"), "--columns", "persn=Employee ID")
    assert code == 2
    assert "--columns: unknown column 'persn'" in capsys.readouterr().err


def _unreadable(folder: Path, case: str) -> Path:
    if case == "a folder":
        return folder
    if case == "an old .xls":  # its first bytes: an OLE2 compound file
        (folder / "old.csv").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))
        return folder / "old.csv"
    return FIXTURES / {"header only": "header-only.csv", "not UTF-8": "latin1.csv"}[case]


UNREADABLE = {
    "header only": ":1: no rows: the file has a header and nothing under it",
    "a folder": ": is a folder; give the CSV or XLSX file",
    "not UTF-8": ":3: not UTF-8 (byte 0xe9); it reads as Windows-1252/Latin-1 there: "
    "'p2,José María,,T,Q,ISM Manager,2024-01-01,'",
    "an old .xls": ": is an Excel 97-2003 workbook (.xls); save it as .xlsx or as CSV UTF-8",
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_an_input_that_cannot_be_imported_is_named_with_what_was_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    people = _unreadable(folder, case)
    code, out = _run(tmp_path, str(people))
    assert code == 2
    assert f"{people}{UNREADABLE[case]}" in capsys.readouterr().err
    assert not out.exists()


def test_many_bad_rows_are_summarised_by_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = tmp_path / "people.csv"
    rows = [f"p{i},N{i},,T,P{i},ISM Owner,{i % 28 + 1:02d}/01/2024,\n" for i in range(1000)]
    people.write_text(HEADER + "".join(rows) + "px,Q,,T,PX,Nobody,2024-01-01,\n", "utf-8")
    code, out = _run(tmp_path, str(people))
    assert code == 2
    err = capsys.readouterr().err
    assert f"{people}: 1001 problem(s), nothing written; 1001 bad row(s), by kind" in err
    assert "  1000 x bad date in from: … (give YYYY-MM-DD)" in err
    assert f"    {people}:2: bad date in from: '01/01/2024'" in err
    assert f"    {people}:4: bad date in from: '03/01/2024'" in err
    assert f"{people}:5:" not in err  # the first three of a kind only
    assert "  1 x unknown role …" in err
    assert f"    {people}:1002: unknown role 'Nobody'" in err
    assert len(err.splitlines()) < 12
    assert not out.exists()


def _workbook(path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Intro"
    book.active.append(["The HR export, as of 2024-06-30"])
    sheet = book.create_sheet("People")
    sheet.append(
        ["Employee ID", "Full name", "email", "team", "post", "role", "from", "to", "Manager"]
    )
    sheet.append(
        [
            1001,
            "Ann Lee",
            "ann@example.org",
            "T",
            "P",
            "ISM Owner",
            dt.datetime(2024, 1, 31),
            None,
            "Bo",
        ]
    )
    sheet.append(
        [
            1002.0,
            "Bo Chen",
            None,
            "T",
            "Q",
            "ISM Manager",
            dt.date(2023, 5, 1),
            dt.datetime(2024, 1, 1),
        ]
    )
    book.save(path)
    return path


MAP = ["--columns", 'person="Employee ID",name="Full name"']


def test_an_xlsx_sheet_is_read_with_dates_and_ids_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = _workbook(tmp_path / "hr.xlsx")
    code, out = _run(tmp_path, str(book), "--sheet", "People", *MAP)
    assert code == 0
    g = Graph().parse(out)
    assert {str(o) for o in g.objects(None, PPO.memberFrom)} == {"2024-01-31", "2023-05-01"}
    assert {str(o) for o in g.objects(None, PPO.memberUntil)} == {"2024-01-01"}
    dcterms = Namespace("http://purl.org/dc/terms/")
    assert {str(o) for o in g.objects(None, dcterms.identifier)} == {"1001", "1002"}
    assert f"note: {book}:1: ignored column(s): 'Manager'" in capsys.readouterr().err


def test_an_xlsx_renamed_csv_is_read_as_a_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = _workbook(tmp_path / "people.csv")
    code, out = _run(tmp_path, str(book), "--sheet", "People", *MAP)
    assert code == 0
    assert _names(out) == {"Ann Lee", "Bo Chen"}
    assert f"note: {book} is an Excel workbook, read as one" in capsys.readouterr().err


def test_an_xlsx_without_sheet_reads_the_first_and_says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = _workbook(tmp_path / "hr.xlsx")
    code, _ = _run(tmp_path, str(book), *MAP)
    assert code == 2
    err = capsys.readouterr().err
    assert f"note: {book}: read its first sheet, 'Intro', of 'Intro', 'People'" in err
    assert f"{book}:1: missing column(s)" in err
    code, _ = _run(tmp_path, str(book), "--sheet", "Staff", *MAP)
    assert code == 2
    assert f"{book}: has no sheet 'Staff'; its sheets: 'Intro', 'People'" in capsys.readouterr().err


def test_a_mapped_header_the_file_lacks_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hr = FIXTURES / "hr-export.csv"
    mapping = ["--columns", str(FIXTURES / "hr-columns.txt"), "--columns", "person=Staff no"]
    code, _ = _run(tmp_path, str(hr), *mapping)
    assert code == 2
    err = capsys.readouterr().err
    assert f"{hr}:1: --columns maps person to 'Staff no', which the header does not have" in err


def test_one_header_for_two_columns_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _run(tmp_path, str(NEAR), "--columns", "person=Full name,name=Full name")
    assert code == 2
    assert "--columns: 'Full name' is given for both person and name" in capsys.readouterr().err


def test_a_raci_file_with_a_header_only_means_no_assignments(tmp_path: Path) -> None:
    """Only the people file must have rows: an empty RACI template is a RACI with nothing in it."""
    raci = tmp_path / "raci.csv"
    raci.write_text("who,duty,letter\n", encoding="utf-8")
    code, out = _run(tmp_path, str(NEAR), "--raci", str(raci))
    assert code == 0
    assert not list(Graph().parse(out).subjects(RDF.type, PPO.Assignment))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("Ann", "Ann"),
        (1001, "1001"),
        (1001.0, "1001"),  # an employee id Excel stores as a float
        (2.5, "2.5"),
        (True, "TRUE"),
        (dt.date(2024, 1, 31), "2024-01-31"),
        (dt.datetime(2024, 1, 31), "2024-01-31"),
        (dt.datetime(2024, 1, 31, 9, 30), "2024-01-31 09:30:00"),
    ],
)
def test_a_workbook_cell_as_text(value: object, text: str) -> None:
    from ppo_graph.org.xlsx_in import cell_text

    assert cell_text(value) == text


def test_a_misspelt_optional_column_is_noted_with_its_close_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "person,name,email,team,post,role,from,to,servce\np1,Ann,,T,P,ISM Owner,2024-01-01,,X\n",
        encoding="utf-8",
    )
    code, _ = _run(tmp_path, str(people))
    assert code == 0
    assert f"note: {people}:1: ignored column(s): 'servce' (did you mean service?)" in (
        capsys.readouterr().err
    )


def test_utf16_without_a_bom_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    people = tmp_path / "people.csv"
    people.write_bytes((HEADER + "p1,Ann,,T,P,ISM Owner,2024-01-01,\n").encode("utf-16-le"))
    code, _ = _run(tmp_path, str(people))
    assert code == 2
    assert "it looks like UTF-16 without a byte order mark" in capsys.readouterr().err


def test_sheet_is_for_workbooks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run(tmp_path, str(NEAR), "--sheet", "People")
    assert code == 2
    assert f"{NEAR}: is a CSV text, not a workbook: --sheet People is for .xlsx" in (
        capsys.readouterr().err
    )


def test_a_workbook_without_openpyxl_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    book = _workbook(tmp_path / "hr.xlsx")
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ImportError
    code, _ = _run(tmp_path, str(book), "--sheet", "People", *MAP)
    assert code == 2
    assert "reading one needs the Python package openpyxl: pip install 'ppo-graph[xlsx]'" in (
        capsys.readouterr().err
    )
