"""The one resolver for names (ppo_graph/names.py, issue 23): the names a consultant uses work
alike in a query parameter, in the organisation import and in ``ppo queries --values``; an
ambiguous name lists its candidates, a wrong one offers names of its own kind only."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import ROOT
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from ppo_graph.backends.reference.query import run_query
from ppo_graph.backends.reference.reason import Reasoned
from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.errors import UsageError
from ppo_graph.names import AmbiguousName, UnknownName, from_rows, key
from ppo_graph.namespaces import PPOD_NS, compact

CONSULTANT = {
    "ITSCM Process Manager": "ppod:ITServiceContinuityManagementProcessManager",
    "ISM Owner": "ppod:InformationSecurityManagementProcessOwner",
    "itscm process manager": "ppod:ITServiceContinuityManagementProcessManager",
    "Capacity Manager": "ppod:CapacityManagementProcessManager",
}
HEADER = "person,name,email,team,post,role,from,to\n"


@pytest.fixture(scope="module")
def union(_shipped_reasoned: Reasoned) -> Graph:
    return _shipped_reasoned.union()


@pytest.fixture(scope="module")
def engine() -> KnowledgeGraph:
    return KnowledgeGraph.open([])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("name", sorted(CONSULTANT))
def test_the_consultants_names_resolve_in_a_query_as_in_the_org_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, union: Graph, name: str
) -> None:
    curie = CONSULTANT[name]
    code, by_name, err = run(
        capsys, "query", "role-duties", "-p", f"role={name}", "--format", "csv"
    )
    assert code == 0, err
    code, by_curie, _ = run(
        capsys, "query", "role-duties", "-p", f"role={curie}", "--format", "csv"
    )
    assert by_name == by_curie and len(_csv(by_name)) > 5
    # the reference engine resolves it the same
    assert run_query(union, "role-duties", {"role": name}) == run_query(
        union, "role-duties", {"role": curie}
    )
    people = tmp_path / "people.csv"
    people.write_text(HEADER + f"p1,Ann,,T,P,{name},2024-01-01,\n", encoding="utf-8")
    out = tmp_path / "org.ttl"
    assert main(["org", "import", str(people), "--out", str(out)]) == 0
    assert curie in out.read_text(encoding="utf-8")


def test_a_bad_theme_lists_the_themes_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "theme-duties", "-p", "theme=nothing like it")
    assert code == 2
    assert "parameter theme: unknown skos:Concept of ppod:DutyThemes 'nothing like it'" in err
    assert "ppod:theme-risk" in err and "ppod:theme-testing" in err
    assert "raci" not in err  # the RACI letters are concepts too, but of another scheme
    assert "`ppo queries --values theme`" in err
    code, _, err = run(capsys, "query", "theme-duties", "-p", "theme=Acountable")
    assert code == 2 and "Accountable" not in err and "raci" not in err
    code, _, err = run(capsys, "query", "theme-duties", "-p", "theme=riskk")
    assert code == 2 and "close matches: 'risk'" in err


def test_a_raci_letter_is_not_a_theme(union: Graph) -> None:
    with pytest.raises(UsageError, match="unknown skos:Concept of ppod:DutyThemes 'ppod:raci-A'"):
        run_query(union, "theme-duties", {"theme": "ppod:raci-A"})
    assert run_query(union, "theme-duties", {"theme": "Risk"}) == run_query(
        union, "theme-duties", {"theme": "ppod:theme-risk"}
    )


def _role(
    node: str, label: str, kind: str, process: str, abbreviation: str
) -> list[dict[str, str]]:
    base = {"node": node, "kind": "", "abbreviation": "", "process": "", "scheme": ""}
    return [
        {**base, "name": label, "how": "label"},
        {**base, "name": "", "how": "", "kind": kind, "process": process},
        {
            **base,
            "name": "",
            "how": "",
            "kind": kind,
            "process": process,
            "abbreviation": abbreviation,
        },
    ]


def test_an_ambiguous_short_form_lists_its_candidates() -> None:
    rows = _role(
        "x:ChangeMgr", "Change Management Process Manager", "manager", "Change Management", "CM"
    )
    rows += _role(
        "x:ConfigMgr",
        "Configuration Management Process Manager",
        "manager",
        "Configuration Management",
        "CM",
    )
    resolver = from_rows(rows, "role")
    assert resolver.resolve("Change Manager") == "x:ChangeMgr"
    with pytest.raises(AmbiguousName) as caught:
        resolver.resolve("CM Process Manager")
    assert caught.value.candidates == ["x:ChangeMgr", "x:ConfigMgr"]
    assert "role 'CM Process Manager' is ambiguous; it could be x:ChangeMgr, x:ConfigMgr" in str(
        caught.value
    )
    # a label wins over another role's short form: the tiers are tried in order
    rows += _role("x:Other", "CM Manager", "", "", "")[:1]
    assert from_rows(rows, "role").resolve("cm manager") == "x:Other"


def test_a_typo_offers_names_of_the_right_kind_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "process-interfaces", "-p", "process=Capacity Managment")
    assert code == 2
    assert "unknown ppo:Process 'Capacity Managment'; close matches: 'Capacity Management'" in err
    assert "Process Manager" not in err and "Process Owner" not in err  # no role offered
    code, _, err = run(capsys, "query", "role-duties", "-p", "role=Capacity Plan")
    assert code == 2 and "unknown ppo:Role 'Capacity Plan'" in err
    offered = err.split("close matches: ", 1)[1].split(" (")[0]
    assert offered and all("Process" in name for name in offered.split(", "))  # roles, no artefact


def test_every_roles_short_forms_name_it_alone(engine: KnowledgeGraph) -> None:
    rows = [dict(r) for r in engine.rows("name-index", {"class": "org:Role"}, text=True)]
    resolver = from_rows(rows, "role")
    process_roles = {r["node"] for r in rows if r["kind"]}
    assert len(process_roles) == 10 and set(resolver.forms) == process_roles
    clashes = {k: nodes for k, nodes in resolver.index["short"].items() if len(nodes) > 1}
    assert clashes == {}
    for node, forms in resolver.forms.items():
        assert len(forms) >= 4
        for form in forms:  # no other role's name shadows a short form
            assert resolver.resolve(form) == node, form
            assert resolver.resolve(form.upper()) == node
    names = {k for k, nodes in resolver.index["name"].items() if len(nodes) > 1}
    assert names == set(), "a name of two roles"
    with pytest.raises(UnknownName, match="close matches: 'Capacity Management Process Manager'"):
        resolver.resolve("Capacity Managr")


def test_values_lists_what_a_parameter_takes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "queries", "--values", "theme", "--format", "csv")
    assert code == 0
    rows = _csv(out)
    themes = Graph().parse(ROOT / "ontology" / "themes.ttl")
    scheme = URIRef(PPOD_NS + "DutyThemes")
    expected = sorted(
        (str(themes.value(c, SKOS.prefLabel)), compact(str(c)))
        for c in themes.subjects(SKOS.inScheme, scheme)
        if (c, RDF.type, SKOS.Concept) in themes
    )
    assert sorted((r["label"], r["value"]) for r in rows) == expected and len(expected) >= 10
    assert list(rows[0]) == ["label", "value", "names"]
    code, out, _ = run(capsys, "queries", "--values", "role-duties.role", "--format", "csv")
    by_value = {r["value"]: r for r in _csv(out)}
    itscm = by_value["ppod:ITServiceContinuityManagementProcessManager"]
    assert itscm["label"] == "IT Service Continuity Management Process Manager"
    assert "ITSCM Process Manager" in itscm["names"].split(", ")
    assert all(key(n) != key(itscm["label"]) for n in itscm["names"].split(", "))
    code, _, err = run(capsys, "queries", "--values", "nope")
    assert code == 2 and "--values: no query has an IRI parameter 'nope'" in err


def test_the_workbench_sends_any_name_of_a_role_to_its_page(engine: KnowledgeGraph) -> None:
    from test_serve import make_client

    client = make_client(engine)
    moved = client.get("/roles/ITSCM Process Manager", follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == "/roles/ITServiceContinuityManagementProcessManager"
    moved = client.get("/roles/ism owner.md?as_of=2024-01-01", follow_redirects=False)
    assert moved.headers["location"] == "/roles/InformationSecurityManagementProcessOwner.md" + (
        "?as_of=2024-01-01"
    )
    page = client.get("/roles/Capacity Manager")
    assert page.status_code == 200 and "Capacity Management Process Manager" in page.text
    missing = client.get("/roles/Capacity Managr")
    assert missing.status_code == 404
    assert "unknown role" in missing.text and "Capacity Management Process Manager" in missing.text
    assert "Capacity Plan" not in missing.text  # an artefact is no role


def test_whatif_role_takes_the_same_names(capsys: pytest.CaptureFixture[str]) -> None:
    org = str(ROOT / "examples" / "org" / "org.ttl")
    argv = ["org", "whatif", org, "--split", "Capacity Analyst", "Continuity Lead"]
    answers = []
    for role in ("ITSCM Process Manager", "ppod:ITServiceContinuityManagementProcessManager"):
        code, out, err = run(
            capsys, *argv, "--holder", "p12", "--role", role, "--format", "json", "--top", "0"
        )
        assert code == 0, err
        answers.append(out)
    assert answers[0] == answers[1] and "IT Service Continuity Management Process Manager" in out
    code, _, err = run(capsys, *argv, "--holder", "p12", "--role", "ITSCM Proces Manager")
    assert code == 2 and "--role: unknown role 'ITSCM Proces Manager'; close matches:" in err


def test_the_endpoint_offers_the_themes_and_resolves_short_forms(engine: KnowledgeGraph) -> None:
    from test_serve import make_client

    client = make_client(engine)
    listing = {q["name"]: q for q in client.get("/queries").json()}
    (theme,) = listing["theme-duties"]["parameters"]
    values = [v["value"] for v in theme["values"]]
    assert "ppod:theme-risk" in values and not [v for v in values if "raci" in v]
    answer = client.get("/queries/role-duties", params={"role": "ISM Owner", "format": "csv"})
    by_curie = client.get(
        "/queries/role-duties",
        params={"role": "ppod:InformationSecurityManagementProcessOwner", "format": "csv"},
    )
    assert answer.status_code == 200 and answer.text == by_curie.text
