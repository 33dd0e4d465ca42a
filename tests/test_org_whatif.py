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


def test_moving_someone_into_the_vacancy_covers_what_was_uncovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    org = ORG / "org.ttl"
    before = org.read_bytes()
    uncovered = {
        r["item"]
        for r in gaps(KnowledgeGraph.open([org]), None, 0)
        if r["finding"] == "uncovered duty"
    }
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
    assert "--merge POST OTHER or --move PERSON POST" in capsys.readouterr().err
