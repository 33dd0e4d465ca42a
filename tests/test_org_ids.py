"""Ids for posts, teams and services (issue 18): with ``post_id``, ``team_id`` or ``service_id``
columns the id is the identity (the IRI is built from it, the name is the label), one id has one
name in a file, two ids may share a name and stay two; export writes the ids back so that an
import exports as it came in; ``ppo org diff`` matches posts by id (a rename is a rename) and
reads a people table's RACI table (``--old-raci``, ``--new-raci``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, RDF, RDFS

from ppo_graph.cli import main

ORG = Namespace("http://www.w3.org/ns/org#")
PPO = Namespace("https://w3id.org/ppo-graph/ontology#")
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "org"
HEADER = "person,name,email,team,post,role,from,to,service,post_id,team_id,service_id\n"
MANAGER = "Capacity Management Process Manager"
# Two posts named "Analyst" (ids P10, P11), two teams named alike in two ways (T1 "Capacity" and
# T2 "Capacity"; T3 "capacity"), one service by id; roles by label, as export writes them.
PEOPLE = HEADER + (
    "p1,Ann Lee,ann@example.org,Capacity,Analyst,Process Practitioner,2024-01-01,,,P10,T1,\n"
    "p2,Bob Ray,,Capacity,Analyst,Process Practitioner,2024-02-01,,,P11,T2,\n"
    f"p3,Cy Fox,,capacity,Capacity Manager,{MANAGER},2024-01-01,,Retail,P12,T3,S1\n"
    "p1,Ann Lee,ann@example.org,Capacity,Analyst,Process Practitioner,2023-01-01,2023-12-31,,"
    "P10,T1,\n"
)
RACI = "who,duty,letter\nP10,ppod:duty-7.6-14,R\nP11,ppod:duty-7.6-14,A\np3,ppod:duty-7.6-01,C\n"


def _import(tmp_path: Path, people: str, raci: str | None = None) -> tuple[int, Path]:
    src, out = tmp_path / "people.csv", tmp_path / "org.ttl"
    src.write_text(people, encoding="utf-8")
    argv = ["org", "import", str(src), "--out", str(out)]
    if raci is not None:
        (tmp_path / "raci.csv").write_text(raci, encoding="utf-8")
        argv += ["--raci", str(tmp_path / "raci.csv")]
    return main(argv), out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_id_is_the_identity_and_two_ids_of_one_name_stay_two(tmp_path: Path) -> None:
    code, out = _import(tmp_path, PEOPLE, RACI)
    assert code == 0
    g = Graph().parse(out)
    posts = {str(g.value(p, DCTERMS.identifier)): p for p in g.subjects(RDF.type, ORG.Post)}
    assert sorted(posts) == ["P10", "P11", "P12"]
    assert [str(g.value(posts[i], RDFS.label)) for i in ("P10", "P11")] == ["Analyst"] * 2
    assert str(posts["P10"]).endswith("/post/p10") and str(posts["P11"]).endswith("/post/p11")
    teams = {
        str(g.value(t, DCTERMS.identifier)): str(g.value(t, RDFS.label))
        for t in g.subjects(RDF.type, ORG.OrganizationalUnit)
    }
    assert teams == {"T1": "Capacity", "T2": "Capacity", "T3": "capacity"}
    assert str(g.value(posts["P11"], ORG.postIn)).endswith("/team/t2")
    (service,) = g.subjects(RDF.type, PPO.Service)
    assert (g.value(service, DCTERMS.identifier), g.value(service, RDFS.label)) == (
        Literal("S1"),
        Literal("Retail"),
    )
    # the R and the A go to one post each, not to both holders of an "Analyst" post
    targets = {
        str(g.value(a, PPO.raci)).rsplit("-", 1)[-1]: g.value(a, PPO.assignedTo)
        for a in g.subjects(RDF.type, PPO.Assignment)
    }
    assert targets["R"] == posts["P10"] and targets["A"] == posts["P11"]


def test_one_id_with_two_names_is_refused_naming_both_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = HEADER + (
        "p1,Ann Lee,,Capacity,Analyst,Process Practitioner,2024-01-01,,,P10,T1,\n"
        "p2,Bob Ray,,Capacity,Senior Analyst,Process Practitioner,2024-01-01,,,P10,T1,\n"
        "p3,Cy Fox,,Capacity Team,Lead,Process Practitioner,2024-01-01,,,P12,T1,\n"
    )
    code, out = _import(tmp_path, people)
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    src = tmp_path / "people.csv"
    assert f"{src}:3: post_id 'P10' is named 'Senior Analyst' here and 'Analyst' at line 2" in err
    assert f"{src}:4: team_id 'T1' is named 'Capacity Team' here and 'Capacity' at line 2" in err


def test_ids_on_some_rows_only_are_refused_with_the_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = HEADER + (
        "p1,Ann Lee,,Capacity,Analyst,Process Practitioner,2024-01-01,,,P10,,\n"
        "p2,Bob Ray,,Capacity,Lead,Process Practitioner,2024-01-01,,,,,\n"
        "p3,Cy Fox,,Capacity,Head,Process Practitioner,2024-01-01,,,P12,,S9\n"
    )
    code, _ = _import(tmp_path, people)
    err = capsys.readouterr().err
    assert code == 2
    src = tmp_path / "people.csv"
    assert f"{src}:3: empty post_id: line 2 gives a post_id" in err
    assert f"{src}:4: service_id 'S9' with an empty service" in err
    assert "team_id" not in err  # an id column empty on every row: no team ids, not a problem


def test_a_raci_row_naming_a_post_two_ids_share_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _import(tmp_path, PEOPLE, "who,duty,letter\nAnalyst,ppod:duty-7.6-14,R\n")
    err = capsys.readouterr().err
    assert code == 2
    assert (
        f"{tmp_path / 'raci.csv'}:2: post 'Analyst' is the name of 2 posts "
        "(post_id 'P10' and 'P11'): give the post_id" in err
    )
    assert "post ids 'P10' and 'P11' are both named 'Analyst'; kept apart as 2 posts" in err


def _export(tmp_path: Path, org: Path) -> tuple[Path, Path]:
    people, raci = tmp_path / "out-people.csv", tmp_path / "out-raci.csv"
    assert main(["org", "export", str(org), "--out", str(people), "--raci-out", str(raci)]) == 0
    return people, raci


def test_export_of_an_import_with_ids_is_the_input(tmp_path: Path) -> None:
    code, org = _import(tmp_path, PEOPLE, RACI)
    assert code == 0
    people, raci = _export(tmp_path, org)
    assert people.read_text(encoding="utf-8").splitlines()[0] == HEADER.strip()
    original = _rows(tmp_path / "people.csv")
    assert sorted(map(sorted, (r.items() for r in _rows(people)))) == sorted(
        map(sorted, (r.items() for r in original))
    )
    assert sorted(csv.reader(raci.open(encoding="utf-8"))) == sorted(csv.reader(RACI.splitlines()))
    # and once more: the export imports to the same organisation
    again = tmp_path / "again"
    again.mkdir()
    code, org2 = _import(again, people.read_text(encoding="utf-8"), raci.read_text("utf-8"))
    assert code == 0 and Graph().parse(org2).isomorphic(Graph().parse(org))


def test_an_export_without_ids_has_no_id_columns(tmp_path: Path) -> None:
    plain = "person,name,email,team,post,role,from,to,service\n"
    plain += f"p3,Cy Fox,,Capacity,Capacity Manager,{MANAGER},2024-01-01,,Retail\n"
    code, org = _import(tmp_path, plain)
    assert code == 0
    people, _ = _export(tmp_path, org)
    assert people.read_text(encoding="utf-8").splitlines() == plain.splitlines()


def _diff(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["org", "diff", *argv, "--format", "json"]) == 0
    rows: list[dict[str, str]] = json.loads(capsys.readouterr().out)
    return rows


def test_diff_matches_posts_by_id_a_rename_is_a_rename(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text(PEOPLE, encoding="utf-8")
    new.write_text(PEOPLE.replace(",Analyst,Process Practitioner,2024-02-01", ",Data Analyst,"
                                  "Process Practitioner,2024-02-01"), encoding="utf-8")  # fmt: skip
    rows = _diff(capsys, str(old), str(new))
    assert [(r["change"], r["item"], r["before"], r["after"]) for r in rows] == [
        ("renamed post", "P11", "Analyst (Capacity)", "Data Analyst (Capacity)")
    ]
    # the same rename as Turtle, and without ids it is the person changing post
    for name, text in (("old", PEOPLE), ("new", new.read_text(encoding="utf-8"))):
        folder = tmp_path / name
        folder.mkdir()
        assert _import(folder, text)[0] == 0
    ttl = _diff(capsys, str(tmp_path / "old" / "org.ttl"), str(tmp_path / "new" / "org.ttl"))
    assert [r["change"] for r in ttl] == ["renamed post"]
    bare_old, bare_new = tmp_path / "bare-old.csv", tmp_path / "bare-new.csv"
    for src, dst in ((old, bare_old), (new, bare_new)):
        lines = src.read_text(encoding="utf-8").splitlines()
        dst.write_text("\n".join(",".join(line.split(",")[:9]) for line in lines) + "\n")
    bare = _diff(capsys, str(bare_old), str(bare_new))
    assert [(r["change"], r["item"]) for r in bare] == [("changed post", "p2")]


def test_diff_of_csv_sides_sees_a_duty_uncovered_by_the_raci_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Demand Manager has left on both sides; before, an R gave one of their duties to
    someone; after, the RACI no longer has it: that duty, and nothing else, becomes uncovered."""
    people = tmp_path / "people.csv"
    text = (EXAMPLE / "people-clean.csv").read_text(encoding="utf-8")
    people.write_text(
        "".join(line for line in text.splitlines(True) if not line.startswith("p11,")),
        encoding="utf-8",
    )
    new_raci = EXAMPLE / "raci-clean.csv"
    old_raci = tmp_path / "raci-old.csv"
    old_raci.write_text(
        new_raci.read_text(encoding="utf-8") + "p01,ppod:duty-7.14-05,R\n", encoding="utf-8"
    )
    argv = [str(people), str(people), "--old-raci", str(old_raci), "--new-raci", str(new_raci)]
    rows = _diff(capsys, *argv)
    assert [(r["change"], r["item"]) for r in rows] == [("duty uncovered", "ppod:duty-7.14-05")]
    assert rows[0]["label"].startswith("Identifies and defines user profiles (Demand Management")
    assert _diff(capsys, str(people), str(people)) == []  # without the RACI tables, nothing


def test_diff_raci_input_is_checked_as_import_checks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = EXAMPLE / "people-clean.csv"
    bad = tmp_path / "raci.csv"
    bad.write_text("who,duty,letter\np01,ppod:duty-7.6-01,A\nnobody,ppod:duty-7.6-01,X\n")
    capsys.readouterr()
    assert main(["org", "diff", str(people), str(people), "--new-raci", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3: unknown person id or post 'nobody'" in err
    assert f"{bad}:3: bad letter 'X'" in err
    org = EXAMPLE / "org.ttl"
    assert main(["org", "diff", str(org), str(people), "--old-raci", str(bad)]) == 2
    assert f"--old-raci {bad}: {org} is an organisation's RDF" in capsys.readouterr().err
    assert main(["org", "diff", str(people), str(people), "--old-raci", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_whatif_keeps_two_posts_of_one_name_apart_by_their_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ppo org whatif`` reads the ids back: a post name two ids share is refused with the ids,
    and a move named by id lands in that post only (its holders' workload unchanged)."""
    code, out = _import(tmp_path, PEOPLE, RACI)
    assert code == 0
    capsys.readouterr()
    argv = ["org", "whatif", str(out), "--as-of", "2024-06-01", "--format", "json"]
    assert main([*argv, "--move", "p3", "Analyst"]) == 2
    err = capsys.readouterr().err
    assert "2 posts are named 'Analyst'" in err and "'P10'" in err and "'P11'" in err
    assert main([*argv, "--move", "p3", "P11"]) == 0
    rows = json.loads(capsys.readouterr().out)
    moved = [r for r in rows if r["part"] == "change" and r["item"] == "p3"]
    assert any("changed post" in r["detail"] for r in moved)
    # p3 now holds P11 beside Bob: P10's R on 7.6-14 stays Ann's alone (one post merged by its
    # name would give it to p3 too)
    load = {r["item"]: r["detail"] for r in rows if r["part"] == "workload"}
    assert load["p1"].startswith("6 duties") and load["p3"].startswith("5 duties")
    carried = {r["item"] for r in rows if r["part"] == "duties"}
    assert carried and "ppod:duty-7.6-14" not in carried
