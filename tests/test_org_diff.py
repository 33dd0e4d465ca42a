"""``ppo org diff OLD NEW`` (issue 18): a reorganisation of the clean example bank, in which the
Demand Manager leaves, a capacity manager moves post, an analyst is promoted, a new analyst
joins and the CISO also takes over security operations, compared as Turtle and as people CSVs;
each kind of change against what the edit made, the uncovered duties against ``ppo org gaps``
on each side."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.org.diff import CHANGES, COLUMNS
from ppo_graph.org.gaps import gaps

ROOT = Path(__file__).resolve().parent.parent
ORG = ROOT / "examples" / "org"
NEW_ROWS = (
    "p40,Hana Ito,,Capacity,Capacity Analyst,Process Practitioner,2024-01-01,,\n"
    "p08,Hiro Tanaka,hiro.tanaka@example.org,Security,Acting Security Operations Lead,"
    "ISM Manager,2024-01-01,,\n"
)


def _reorganised(text: str) -> str:
    lines = text.splitlines(keepends=True)
    out = []
    for line in lines:
        if line.startswith("p11,"):  # the Demand Manager left
            continue
        if line.startswith("p03,"):  # moves post, same role
            line = line.replace("Capacity Manager (Payments)", "Capacity Manager (Cards)")
        if line.startswith("p12,"):  # promoted: another role in another post
            line = line.replace(
                "Capacity Analyst,Process Practitioner", "Capacity Lead,Capacity Manager"
            )
        out.append(line)
    return "".join(out) + NEW_ROWS


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("diff")
    old_csv, new_csv = folder / "old.csv", folder / "new.csv"
    old_csv.write_text((ORG / "people-clean.csv").read_text(encoding="utf-8"), encoding="utf-8")
    new_csv.write_text(_reorganised(old_csv.read_text(encoding="utf-8")), encoding="utf-8")
    old_ttl, new_ttl = folder / "old.ttl", folder / "new.ttl"
    old_raci, new_raci = ORG / "raci-clean.csv", folder / "raci.csv"
    new_raci.write_text(  # the assignment to the post follows its new name
        old_raci.read_text(encoding="utf-8").replace("(Payments)", "(Cards)"), encoding="utf-8"
    )
    for people, raci, ttl in ((old_csv, old_raci, old_ttl), (new_csv, new_raci, new_ttl)):
        assert main(["org", "import", str(people), "--raci", str(raci), "--out", str(ttl)]) == 0
    return {"old.csv": old_csv, "new.csv": new_csv, "old.ttl": old_ttl, "new.ttl": new_ttl}


def _diff(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(["org", "diff", *argv]) == 0
    return capsys.readouterr().out


def _by_change(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        out.setdefault(row["change"], []).append(row)
    return out


def test_every_kind_of_change(sides: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out = _diff(capsys, str(sides["old.ttl"]), str(sides["new.ttl"]), "--format", "json")
    rows = json.loads(out)
    assert all(list(r) == list(COLUMNS) for r in rows)
    order = [CHANGES.index(r["change"]) for r in rows]
    assert order == sorted(order)
    got = _by_change(rows)
    assert [(r["item"], r["label"]) for r in got["joined"]] == [("p40", "Hana Ito")]
    assert got["joined"][0]["after"] == "Capacity Analyst (Capacity)"
    assert [(r["item"], r["label"]) for r in got["left"]] == [("p11", "Kavya Rao")]
    moved = {r["item"]: (r["before"], r["after"]) for r in got["changed post"]}
    assert moved["p03"] == (
        "Capacity Manager (Payments) (Capacity)",
        "Capacity Manager (Cards) (Capacity)",
    )
    assert moved["p12"] == ("Capacity Analyst (Capacity)", "Capacity Lead (Capacity)")
    assert moved["p08"][1] == (
        "Acting Security Operations Lead (Security); Chief Information Security Officer (Security)"
    )
    assert set(moved) == {"p03", "p08", "p12"}
    roles = {r["item"]: (r["before"], r["after"]) for r in got["changed role"]}
    assert roles["p12"] == ("Process Practitioner", "Capacity Management Process Manager")
    assert set(roles) == {"p08", "p12"}  # p03 keeps the role: a post change only
    assert [r["item"] for r in got["role unheld"]] == ["ppod:DemandManagementProcessManager"]
    assert [r["item"] for r in got["conflict"]] == ["p08"]
    assert got["conflict"][0]["after"] == (
        "Information Security Management Process Manager + "
        "Information Security Management Process Owner"
    )
    assert "conflict resolved" not in got and "role held again" not in got

    # the duties that become uncovered: what ppo org gaps finds after and not before
    def uncovered(path: Path) -> set[tuple[str, str]]:
        found = gaps(KnowledgeGraph.open([path]), None, 0)
        return {(r["item"], r["label"]) for r in found if r["finding"] == "uncovered duty"}

    want = uncovered(sides["new.ttl"]) - uncovered(sides["old.ttl"])
    assert {(r["item"], r["label"]) for r in got["duty uncovered"]} == want
    assert len(want) == 16  # the Demand Manager's own duties and the generic manager duties
    assert ("ppod:duty-7.4-03", "Appointing people to the required roles (Demand Management "
            "Process Manager)") in want  # fmt: skip


def test_the_other_way_round(sides: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(
        _diff(capsys, str(sides["new.ttl"]), str(sides["old.ttl"]), "--format", "json")
    )
    got = _by_change(rows)
    assert [r["item"] for r in got["joined"]] == ["p11"]
    assert [r["item"] for r in got["left"]] == ["p40"]
    assert [r["item"] for r in got["role held again"]] == ["ppod:DemandManagementProcessManager"]
    assert len(got["duty covered again"]) == 16
    assert [r["item"] for r in got["conflict resolved"]] == ["p08"]


def test_people_csvs_and_csv_output(
    sides: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Two people CSVs, read by the importer: the same people changes (no RACI on either side)."""
    out = _diff(capsys, str(sides["old.csv"]), str(sides["new.csv"]), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(COLUMNS)
    got = _by_change(rows)
    assert [r["item"] for r in got["joined"]] == ["p40"]
    assert [r["item"] for r in got["left"]] == ["p11"]
    assert {r["item"] for r in got["changed post"]} == {"p03", "p08", "p12"}
    assert [r["item"] for r in got["conflict"]] == ["p08"]


def test_text_and_no_change(sides: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    text = _diff(capsys, str(sides["old.ttl"]), str(sides["new.ttl"]))
    assert "joined: 1" in text and "left: 1" in text and "duty uncovered: 16" in text
    assert "Kavya Rao" in text and "conflict: 1" in text
    same = _diff(capsys, str(sides["old.ttl"]), str(sides["old.ttl"]))
    assert "0 change(s)" in same and "joined" not in same


def test_bad_input_exits_2(
    sides: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["org", "diff", str(sides["old.ttl"]), str(tmp_path / "missing.ttl")]) == 2
    assert "missing.ttl: no such file" in capsys.readouterr().err
    assert main(["org", "diff", str(sides["old.ttl"]), str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "person,name,email,team,post,role,from,to\np1,A,,T,P,No Such Role,2024-01-01,\n",
        encoding="utf-8",
    )
    assert main(["org", "diff", str(sides["old.ttl"]), str(bad)]) == 2
    assert f"{bad}:2:" in capsys.readouterr().err
