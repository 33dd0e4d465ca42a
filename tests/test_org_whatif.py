"""``ppo org whatif`` (issue 18): a reorganisation tried on a copy of the example bank, nothing
written. Moving an analyst into the vacant Demand Manager post covers exactly what ``ppo org
gaps`` said was uncovered; merging the two security posts of the clean bank gives both holders a
segregation conflict; merging two owner posts gives both holders both roles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.errors import UsageError
from ppo_graph.org.gaps import gaps
from ppo_graph.org.whatif import COLUMNS, PARTS

ROOT = Path(__file__).resolve().parent.parent
ORG = ROOT / "examples" / "org"


def _whatif(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, list[dict[str, str]]]:
    capsys.readouterr()
    assert main(["org", "whatif", *argv, "--format", "json", "--top", "0"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert all(list(r) == list(COLUMNS) for r in rows)
    order = [PARTS.index(r["part"]) for r in rows]
    assert order == sorted(order)
    out: dict[str, list[dict[str, str]]] = {part: [] for part in PARTS}
    for row in rows:
        out[row["part"]].append(row)
    return out


def _uncovered(org: Path) -> set[str]:
    """The duties ``ppo org gaps`` finds uncovered in ``org`` as it stands."""
    return {
        str(r["item"])
        for r in gaps(KnowledgeGraph.open([org]), None, 0)
        if r["finding"] == "uncovered duty"
    }


def test_moving_someone_into_the_vacancy_covers_what_was_uncovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    org = ORG / "org.ttl"
    before = org.read_bytes()
    uncovered = _uncovered(org)
    assert len(uncovered) == 16
    got = _whatif(capsys, str(org), "--move", "Liam Novak", "Demand Manager")
    changes = {(r["item"], r["detail"].split(":")[0]) for r in got["change"]}
    assert ("p12", "changed post") in changes and ("p12", "changed role") in changes
    assert ("ppod:DemandManagementProcessManager", "role held again") in changes
    assert got["uncovered duty"] == [] and got["unheld role"] == []
    # the duties the mover now carries: the vacancy's, each once
    assert {r["item"] for r in got["duties"]} == uncovered
    assert {r["detail"] for r in got["duties"]} == {"Liam Novak (p12)"}
    assert org.read_bytes() == before and list(tmp_path.iterdir()) == []  # nothing written


def test_merging_the_security_posts_makes_a_conflict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = tmp_path / "clean.ttl"
    people, raci = ORG / "people-clean.csv", ORG / "raci-clean.csv"
    assert main(["org", "import", str(people), "--raci", str(raci), "--out", str(clean)]) == 0
    got = _whatif(
        capsys,
        str(clean),
        "--merge",
        "Chief Information Security Officer",
        "Security Operations Lead",
    )
    assert {r["item"] for r in got["conflict"]} == {"p08", "p09"}
    new = {r["item"] for r in got["change"] if r["detail"].startswith("conflict:")}
    assert new == {"p08", "p09"}
    assert got["uncovered duty"] == []


def test_merging_two_owner_posts(capsys: pytest.CaptureFixture[str]) -> None:
    got = _whatif(capsys, str(ORG / "org.ttl"), "--merge", "head of capacity", "Head of Demand")
    roles = {r["item"]: r["detail"] for r in got["change"] if "changed role" in r["detail"]}
    both = "Capacity Management Process Owner; Demand Management Process Owner"
    assert set(roles) == {"p01", "p10"} and all(d.endswith(both) for d in roles.values())
    load = {r["item"]: r["detail"] for r in got["workload"]}
    assert load["p01"] == load["p10"]
    duties = {(r["item"], r["detail"]) for r in got["duties"]}
    mine = {d for d, who in duties if who == "Amara Okafor (p01)"}
    assert mine == {d for d, who in duties if who == "Jonas Weber (p10)"}
    assert len(mine) == len({r["item"] for r in got["duties"]})  # each duty once a person


def test_bad_requests_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    org = str(ORG / "org.ttl")
    assert main(["org", "whatif", org, "--merge", "Head of Capacity", "Head of Capacty"]) == 2
    assert "close matches: 'Head of Capacity'" in capsys.readouterr().err  # a typo: offered
    assert main(["org", "whatif", org, "--merge", "Head of Capacity", "Nope"]) == 2
    assert "no post 'Nope'" in capsys.readouterr().err
    assert main(["org", "whatif", org, "--move", "Nobody Here", "Demand Manager"]) == 2
    assert "no person 'Nobody Here'" in capsys.readouterr().err
    assert main(["org", "whatif", org]) == 2
    err = capsys.readouterr().err
    assert "--merge POST OTHER, --move PERSON POST or --split POST NEW" in err


def test_splitting_a_post_moves_the_holders_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two of the seven Capacity Analysts move to a new post in the Demand Manager's role: the
    vacancy is covered, they carry its duties, the other five stay; nothing is written."""
    monkeypatch.chdir(tmp_path)
    org = ORG / "org.ttl"
    before = org.read_bytes()
    uncovered = _uncovered(org)
    got = _whatif(
        capsys, str(org), "--split", "Capacity Analyst", "Demand Lead",
        "--holder", "Liam Novak", "--holder", "p17", "--role", "Demand Manager",
    )  # fmt: skip
    moved = {
        (r["item"], r["detail"].split(":")[0])
        for r in got["change"]
        if r["item"][:1] == "p" and ":" not in r["item"]
    }
    assert moved == {
        (p, change) for p in ("p12", "p17") for change in ("changed post", "changed role")
    }
    posts = {r["detail"] for r in got["change"] if "changed post" in r["detail"]}
    assert posts == {"changed post: Capacity Analyst (Capacity) -> Demand Lead (Capacity)"}
    assert got["uncovered duty"] == [] and got["unheld role"] == []
    for who in ("Liam Novak (p12)", "Qi Zhang (p17)"):
        assert {r["item"] for r in got["duties"] if r["detail"] == who} == uncovered
    assert {r["detail"] for r in got["duties"]} == {"Liam Novak (p12)", "Qi Zhang (p17)"}
    assert org.read_bytes() == before and list(tmp_path.iterdir()) == []  # nothing written


def test_a_post_with_one_holder_keeps_them_and_the_new_post_is_vacant(
    capsys: pytest.CaptureFixture[str],
) -> None:
    got = _whatif(
        capsys, str(ORG / "org.ttl"), "--split", "Head of Demand", "Demand Strategy Lead",
        "--role", "Demand Manager",
    )  # fmt: skip
    assert got["change"] == [] and got["duties"] == []  # Jonas Weber stays the owner
    assert [r["item"] for r in got["unheld role"]] == ["ppod:DemandManagementProcessManager"]
    assert len(got["uncovered duty"]) == 16  # a post to fill covers nothing yet


def test_a_split_says_who_goes_where(capsys: pytest.CaptureFixture[str]) -> None:
    org = str(ORG / "org.ttl")
    assert main(["org", "whatif", org, "--split", "Capacity Analyst", "Capacity Planner"]) == 2
    err = capsys.readouterr().err
    assert "--holder: post 'Capacity Analyst' has 7 holders" in err
    assert "Liam Novak (p12)" in err and "Dina Aziz (p30)" in err
    assert main(["org", "whatif", org, "--split", "Head of Demand", "Head of Capacity"]) == 2
    assert "a post 'Head of Capacity' is in the organisation already" in capsys.readouterr().err
    argv = ["org", "whatif", org, "--split", "Capacity Analyst", "Planner", "--holder"]
    assert main([*argv, "Amara Okafor"]) == 2
    assert "--holder: Amara Okafor (p01) does not hold 'Capacity Analyst'" in (
        capsys.readouterr().err
    )
    assert main([*argv, "Nobody Here"]) == 2
    assert "--holder: no person 'Nobody Here'" in capsys.readouterr().err
    assert main([*argv, "p12", "--role", "Capacity Manger"]) == 2
    assert "--role: unknown role 'Capacity Manger'; close matches:" in capsys.readouterr().err
    assert main(["org", "whatif", org, "--move", "p12", "Demand Manager", "--holder", "p12"]) == 2
    assert "--holder is an option of --split" in capsys.readouterr().err


def test_splitting_a_post_of_two_roles() -> None:
    """A post that holds two roles (as a merge leaves it): NEW takes the role named, POST keeps
    the other; its one holder stays and the new post is vacant, or moves when named."""
    from ppo_graph.org.csvfile import PersonRow
    from ppo_graph.org.whatif import Change, apply

    owner, manager = "ppod:CapacityOwner", "ppod:CapacityManager"
    people = [
        PersonRow(2, "p1", "Ann", "", "T", "Head", owner, "2020-01-01", "", ""),
        PersonRow(3, "p1", "Ann", "", "T", "Head", manager, "2020-01-01", "", ""),
    ]
    today = "2026-01-10"
    with pytest.raises(UsageError, match="--role: post 'Head' holds 2 roles"):
        apply(Change("split", "Head", "Lead"), people, [], today)
    out, _raci, touched = apply(Change("split", "Head", "Lead", role=manager), people, [], today)
    held = {(r.person, r.post, r.role) for r in out if not r.end}
    assert held == {("p1", "Head", owner)} and touched == {"p1"}
    assert [(r.role, r.end) for r in out if r.end] == [(manager, "2026-01-09")]
    change = Change("split", "Head", "Lead", holders=("Ann",), role=manager)
    out, _raci, touched = apply(change, people, [], today)
    held = {(r.person, r.post, r.role) for r in out if not r.end}
    assert held == {("p1", "Lead", manager)} and touched == {"p1"}
