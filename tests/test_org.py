"""The organisation model (issue 11): ``ppo org import``/``export`` on the example organisation
(``examples/org``), its deliberate gaps found by the checks by name, a clean variant that
conforms, the round trip, and every kind of bad CSV row (exit 2, line numbers, nothing written)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.engine.answers import check_violations

ROOT = Path(__file__).resolve().parent.parent
ORG = ROOT / "examples" / "org"
BANK = ["--name", "Example Bank", "--base", "https://example.org/bank/"]
HEADER = "person,name,email,team,post,role,from,to\n"
ORG_CHECKS = ("role-unheld", "accountable", "duty-without-responsible", "segregation")


def _import(tmp_path: Path, people: str, raci: str | None = None, name: str = "org.ttl") -> Path:
    out = tmp_path / name
    argv = ["org", "import", str(ORG / people), *BANK, "--out", str(out)]
    assert main([*argv, *(["--raci", str(ORG / raci)] if raci else [])]) == 0
    return out


def _org_violations(org_ttl: Path) -> set[tuple[str, str]]:
    kg = KnowledgeGraph.open([org_ttl], cache=False)
    assert kg.validate().conforms
    return {
        (v.shape.rsplit("/", 1)[-1].removesuffix("-violation.rq"), v.focus)
        for v in check_violations(kg)
    }


def test_the_shipped_turtle_is_the_import_of_the_csv(tmp_path: Path) -> None:
    made = _import(tmp_path, "people.csv", "raci.csv")
    assert isomorphic(Graph().parse(made), Graph().parse(ORG / "org.ttl"))


def test_the_example_has_exactly_its_deliberate_gaps() -> None:
    bank, ppod = "https://example.org/bank/", "https://w3id.org/ppo-graph/id/"
    demand_manager_duties = {f"{ppod}duty-7.14-{n:02d}" for n in range(3, 10)}
    # and the generic manager duties (7.4) it carries for Demand Management (issue 18)
    demand_manager_duties |= {f"{ppod}duty-7.4-{n:02d}" for n in range(1, 10)}
    assert _org_violations(ORG / "org.ttl") == {
        # Kavya Rao left the Demand Manager post on 2024-09-30 and nobody followed her
        ("org-role-unheld", f"{ppod}DemandManagementProcessManager"),
        *(("org-duty-without-responsible", duty) for duty in demand_manager_duties),
        # both the owner (p04) and the Availability Manager post are marked A
        ("org-accountable", f"{ppod}AvailabilityManagement"),
        # nobody is marked A for continuity
        ("org-accountable", f"{ppod}ITServiceContinuityManagement"),
        # Hiro Tanaka, CISO, also took over Security Operations when Ines Moreau left
        ("org-segregation", f"{bank}person/p08"),
    }


def test_the_messages_name_person_post_role_and_duty() -> None:
    kg = KnowledgeGraph.open([ORG / "org.ttl"], cache=False)
    messages = {v.focus.rsplit("/", 1)[-1]: v.message for v in check_violations(kg)}
    assert messages["p08"] == (
        "Hiro Tanaka holds both Information Security Management Process Manager (post Security "
        "Operations Lead) and Information Security Management Process Owner (post Chief "
        "Information Security Officer), roles the organisation declared incompatible"
    )
    assert "Demand Management Process Manager" in messages["DemandManagementProcessManager"]
    assert "Elif Demir" in messages["AvailabilityManagement"]
    assert "Dara Byrne" in messages["AvailabilityManagement"]
    assert "of the Demand Management Process Manager" in messages["duty-7.14-03"]


def test_the_clean_variant_conforms(tmp_path: Path) -> None:
    made = _import(tmp_path, "people-clean.csv", "raci-clean.csv")
    assert _org_violations(made) == set()


def test_the_checks_are_quiet_without_an_organisation() -> None:
    assert check_violations(KnowledgeGraph.open(cache=False)) == []


def test_import_then_export_gives_the_same_rows(tmp_path: Path) -> None:
    made = _import(tmp_path, "people.csv", "raci.csv")
    people, raci = tmp_path / "people.csv", tmp_path / "raci.csv"
    assert main(["org", "export", str(made), "--out", str(people), "--raci-out", str(raci)]) == 0
    # the example names some roles by short form or abbreviation; export gives their labels
    exported = list(csv.DictReader(people.open(encoding="utf-8")))
    original = list(csv.DictReader((ORG / "people.csv").open(encoding="utf-8")))
    assert [{**r, "role": ""} for r in exported] == [{**r, "role": ""} for r in original]
    assert {r["role"] for r in exported} >= {"Information Security Management Process Owner"}
    # exported again, the labels round-trip exactly
    again = _import(tmp_path, str(people), None, "again.ttl")
    assert main(["org", "export", str(again), "--out", str(tmp_path / "again.csv")]) == 0
    assert (tmp_path / "again.csv").read_text() == people.read_text()
    # RACI: posts stay posts; duties come back as CURIEs, as the example gives them
    assert sorted(csv.reader(raci.open())) == sorted(csv.reader((ORG / "raci.csv").open()))


@pytest.mark.parametrize(
    "role",
    [
        "https://w3id.org/ppo-graph/id/CapacityManagementProcessManager",
        "ppod:CapacityManagementProcessManager",
        "capacity management process manager",
        "Capacity Manager",
        "CAPACITY  MANAGER",
    ],
)
def test_a_role_is_matched_by_iri_label_or_short_form(tmp_path: Path, role: str) -> None:
    people = tmp_path / "people.csv"
    people.write_text(HEADER + f"p1,Ann,,T,P,{role},2024-01-01,\n", encoding="utf-8")
    out = tmp_path / "org.ttl"
    assert main(["org", "import", str(people), "--out", str(out)]) == 0
    assert "ppod:CapacityManagementProcessManager" in out.read_text(encoding="utf-8")


def test_an_abbreviation_names_the_process_role(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(HEADER + "p1,Ann,,T,P,ITSCM Process Owner,2024-01-01,\n", encoding="utf-8")
    out = tmp_path / "org.ttl"
    assert main(["org", "import", str(people), "--out", str(out)]) == 0
    assert "ITServiceContinuityManagementProcessOwner" in out.read_text(encoding="utf-8")


BAD_PEOPLE = {
    "missing column": (
        "person,name,email,team,post,role,from\np1,Ann,,T,P,ISM Owner,2024-01-01\n",
        ["1: missing column(s): to"],
    ),
    "short row": (HEADER + "p1,Ann,,T,P\n", ["2: 5 field(s) where the header has 8"]),
    "unknown role": (
        HEADER + "p1,Ann,,T,P,Capacity Manger,2024-01-01,\n",
        ["2: unknown role 'Capacity Manger'; close matches: 'Capacity Management Process Manager'"],
    ),
    "bad date": (
        HEADER + "p1,Ann,,T,P,ISM Owner,2024-02-30,\np2,Bo,,T,Q,ISM Owner,1/2/2024,\n",
        ["2: bad date in from: '2024-02-30'", "3: bad date in from: '1/2/2024'"],
    ),
    "reversed dates": (
        HEADER + "p1,Ann,,T,P,ISM Owner,2024-02-01,2024-01-31\n",
        ["2: reversed dates: to 2024-01-31 is before from 2024-02-01"],
    ),
    "duplicate person id": (
        HEADER + "p1,Ann,,T,P,ISM Owner,2024-01-01,\np1,Bob,,T,Q,ISM Manager,2024-01-01,\n",
        ["3: duplicate person id 'p1': line 2 gives it to 'Ann'"],
    ),
    "every bad row": (
        HEADER
        + "p1,Ann,,T,P,ISM Owner,2024-01-01,\np2,Bo,,T,Q,Nobody,2024-01-01,\n"
        + "p3,Cy,,T,R,ISM Manager,2024-13-01,\n",
        ["3: unknown role 'Nobody'", "4: bad date in from: '2024-13-01'"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_PEOPLE))
def test_a_bad_people_csv_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    text, problems = BAD_PEOPLE[case]
    people, out = tmp_path / "people.csv", tmp_path / "org.ttl"
    people.write_text(text, encoding="utf-8")
    assert main(["org", "import", str(people), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{len(problems)} problem(s), nothing written" in err
    for problem in problems:
        assert f"{people}:{problem}" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [people]


def test_a_non_utf8_csv_is_named_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people, out = tmp_path / "people.csv", tmp_path / "org.ttl"
    people.write_bytes((HEADER + "p1,Ann,,T,P,ISM Owner,2024-01-01,\np2,Jos").encode() + b"\xe9\n")
    assert main(["org", "import", str(people), "--out", str(out)]) == 2
    assert f"{people}:3: not UTF-8 (byte 0xe9)" in capsys.readouterr().err
    assert not out.exists()


def test_a_bad_raci_csv_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raci, out = tmp_path / "raci.csv", tmp_path / "org.ttl"
    raci.write_text(
        "who,duty,letter\np01,ppod:duty-7.6-01,A\nnobody,ppod:duty-7.6-01,R\n"
        "p01,ppod:duty-9.9-99,R\np01,duty-7.6-02,X\np01,duty-7.6-01,A\n",
        encoding="utf-8",
    )
    argv = ["org", "import", str(ORG / "people.csv"), "--raci", str(raci), "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{raci}:3: unknown person id or post 'nobody'" in err
    assert f"{raci}:4: unknown duty 'ppod:duty-9.9-99'; close matches:" in err
    assert f"{raci}:5: bad letter 'X'" in err
    assert f"{raci}:6: the same assignment as line 2" in err
    assert not out.exists()


@pytest.mark.parametrize(
    "name",
    [
        "org-people",
        "org-raci",
        "org-roles",
        "org-current-members",
        "org-assignments",
        "org-role-holders",
        "raci-role-duties",
        "raci-legend",
        "role-page-holders",
        "org-loaded",
        "workbench-roles",
        "artefact-accountable",
        "team-duties",
        "services-without-role",
        *(f"org-{c}-violation" for c in ORG_CHECKS),
    ],
)
def test_the_org_queries_give_the_same_rows_on_rdflib(
    name: str, org_union: Graph, org_union_engine: KnowledgeGraph
) -> None:
    """The parity test (tests/test_oxigraph_parity.py) on the example organisation, which the
    shipped graph alone does not have."""
    from test_oxigraph_parity import compare

    from ppo_graph.catalogue import default_catalogue

    assert compare(org_union, org_union_engine, default_catalogue().get(name), {}) > 0


@pytest.mark.parametrize(
    "role", ["ppod:DemandManagementProcessManager", "ppod:ProcessPractitioner", "ppod:ProcessOwner"]
)
def test_the_role_page_holders_give_the_same_rows_on_rdflib(
    role: str, org_union: Graph, org_union_engine: KnowledgeGraph
) -> None:
    """The workbench's holders on the example organisation, for an unheld PPO role, a role many
    hold and a generic role nobody holds directly."""
    from test_oxigraph_parity import compare

    from ppo_graph.catalogue import default_catalogue

    spec = default_catalogue().get("role-page-holders")
    assert compare(org_union, org_union_engine, spec, {"role": role}) > 0


def test_plain_validate_runs_the_organisation_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ppo validate org.ttl`` (no --checks) reports the organisation's gaps and exits 1; the
    clean variant exits 0; the Turtle report, which cannot hold them, says so on stderr."""
    assert main(["validate", "--no-cache", str(ORG / "org.ttl")]) == 1
    out = capsys.readouterr().out
    for check in ORG_CHECKS:
        assert f"queries/checks/org-{check}-violation.rq" in out
    assert "phrase-unlinked" not in out  # the other checks stay behind --checks
    clean = _import(tmp_path, "people-clean.csv", "raci-clean.csv")
    assert main(["validate", "--no-cache", str(clean)]) == 0
    assert "checked against the SHACL shapes and the organisation checks" in capsys.readouterr().out
    assert main(["validate", "--no-cache", "--format", "turtle", str(ORG / "org.ttl")]) == 1
    gaps = len(_org_violations(ORG / "org.ttl"))  # the deliberate gaps, each asserted above
    assert f"the organisation checks found {gaps} problem(s)" in capsys.readouterr().err
