"""An organisation's own roles and segregation pairs (issue 11): ``ppo org import --with
audit.ttl --segregation segregation.csv`` on ``examples/org-extension``, where the CISO also
holds a security auditor post the organisation defines itself, and a past auditor post of the
security manager does not count."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.engine.answers import check_violations

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "examples" / "org-extension"
AUDITOR = "https://example.org/roles/SecurityAuditor"
PPOD = "https://w3id.org/ppo-graph/id/"
INCOMPATIBLE = URIRef("https://w3id.org/ppo-graph/ontology#incompatibleWith")


def _import(out: Path, *extra: str, people: Path = EXT / "people.csv") -> int:
    return main(
        ["org", "import", str(people), "--with", str(EXT / "audit.ttl"), "--out", str(out), *extra]
    )


def _pairs_in(path: Path) -> set[frozenset[str]]:
    return {
        frozenset((str(s), str(o))) for s, o in Graph().parse(path).subject_objects(INCOMPATIBLE)
    }


def _pairs_in_csv() -> list[tuple[str, str]]:
    return [
        (r["role"], r["incompatible_with"])
        for r in csv.DictReader((EXT / "segregation.csv").open())
    ]


def test_a_role_of_your_own_needs_its_turtle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "org.ttl"
    assert main(["org", "import", str(EXT / "people.csv"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    auditor_lines = [
        i + 2
        for i, row in enumerate(csv.DictReader((EXT / "people.csv").open()))
        if row["role"] == "Security Auditor"
    ]
    assert len(auditor_lines) == 3
    for line in auditor_lines:
        assert f"people.csv:{line}: unknown role 'Security Auditor'" in err
    assert not out.exists()


def test_the_pairs_are_imported_with_the_roles_they_name(tmp_path: Path) -> None:
    out = tmp_path / "org.ttl"
    assert _import(out, "--segregation", str(EXT / "segregation.csv")) == 0
    names = {"ISM Owner": PPOD + "InformationSecurityManagementProcessOwner",
             "Information Security Manager": PPOD + "InformationSecurityManagementProcessManager",
             "Security Auditor": AUDITOR, "IT Security Auditor": AUDITOR}  # fmt: skip
    assert _pairs_in(out) == {frozenset((names[a], names[b])) for a, b in _pairs_in_csv()}
    roles = {
        str(o) for o in Graph().parse(out).objects(None, URIRef("http://www.w3.org/ns/org#role"))
    }
    assert AUDITOR in roles


def test_only_the_current_holder_of_both_roles_is_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "org.ttl"
    assert _import(out, "--segregation", str(EXT / "segregation.csv")) == 0
    kg = KnowledgeGraph.open([out, EXT / "audit.ttl"], cache=False)
    found = [v for v in check_violations(kg) if v.shape.endswith("org-segregation-violation.rq")]
    # a1 holds ISM Owner and (since 2025) Security Auditor; a2's auditor post ended in 2021
    assert [(v.focus, v.value) for v in found] == [
        ("https://example.org/org/person/a1", PPOD + "InformationSecurityManagementProcessOwner")
    ]
    assert found[0].message == (
        "Ines Duarte holds both Security Auditor (post Interim Security Auditor) and Information "
        "Security Management Process Owner (post Chief Information Security Officer), roles the "
        "organisation declared incompatible"
    )
    # without the pairs, the shipped example pair alone (ISM owner vs. ISM manager) finds nothing
    plain = tmp_path / "plain.ttl"
    assert _import(plain) == 0
    kg = KnowledgeGraph.open([plain, EXT / "audit.ttl"], cache=False)
    assert not [v for v in check_violations(kg) if v.shape.endswith("org-segregation-violation.rq")]


def test_the_pairs_round_trip(tmp_path: Path) -> None:
    out, people, pairs = tmp_path / "org.ttl", tmp_path / "people.csv", tmp_path / "pairs.csv"
    assert _import(out, "--segregation", str(EXT / "segregation.csv")) == 0
    argv = ["org", "export", str(out), "--out", str(people), "--segregation-out", str(pairs)]
    assert main(argv) == 0
    rows = list(csv.DictReader(pairs.open()))
    assert len(rows) == len(_pairs_in_csv())
    # the shipped example pair is not the organisation's own: it is not exported
    assert {frozenset(r.values()) for r in rows} == {frozenset((f"{a}", f"{b}")) for a, b in (
        ("ppod:InformationSecurityManagementProcessOwner", AUDITOR),
        ("ppod:InformationSecurityManagementProcessManager", AUDITOR))}  # fmt: skip
    again = tmp_path / "again.ttl"
    assert _import(again, "--segregation", str(pairs), people=people) == 0
    # the same organisation; each pair the same pair (ppo:incompatibleWith is symmetric: the
    # export writes a pair in IRI order, whichever way round the CSV gave it)
    assert _pairs_in(again) == _pairs_in(out)
    first, second = Graph().parse(again), Graph().parse(out)
    for graph in (first, second):
        graph.remove((None, INCOMPATIBLE, None))
    assert isomorphic(first, second)


def test_bad_pairs_are_named_by_line_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs, out = tmp_path / "pairs.csv", tmp_path / "org.ttl"
    pairs.write_text(
        "role,incompatible_with\nISM Owner,Security Auditor\nISM Owner,Capacity Managr\n"
        "Security Auditor,Security Auditor\nSecurity Auditor,ISM Owner\n,ISM Owner\n",
        encoding="utf-8",
    )
    assert _import(out, "--segregation", str(pairs)) == 2
    err = capsys.readouterr().err
    assert f"{pairs}:3: incompatible_with: unknown role 'Capacity Managr'; close matches:" in err
    assert f"{pairs}:4: a role paired with itself: 'Security Auditor'" in err
    assert f"{pairs}:5: the same pair as line 2" in err
    assert f"{pairs}:6: empty role" in err
    assert not out.exists()
    pairs.write_text("role,other\nISM Owner,Security Auditor\n", encoding="utf-8")
    assert _import(out, "--segregation", str(pairs)) == 2
    assert f"{pairs}:1: missing column(s): incompatible_with" in capsys.readouterr().err
    assert not out.exists()
