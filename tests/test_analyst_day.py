"""The twelve questions a client asked (docs/analyst-day.md, issue 23): every command on the page
is run as written, from the repository's root, with ``--format json`` (and ``--out``) added
where it prints rows, and its answer is checked against a derivation of this file's own from the
reviewed Turtle read as written (data/, no reasoning, no SPARQL): the verbatim texts, the
sections and the roles they are listed for.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, require_module
from rdflib import RDFS, Graph, URIRef

from ppo_graph.backends.reference.namespaces import PPO, PPOD
from ppo_graph.cli import main
from ppo_graph.paths import data_dir

PAGE = ROOT / "docs" / "analyst-day.md"
QUESTION = re.compile(r"^## (\d+)\. (.+)$", re.M)
COMMAND = re.compile(r"```sh\n(.*?)\n```", re.S)


def questions() -> list[tuple[int, str, str | None]]:
    """(number, question, its one command or None) in the page's order."""
    text = PAGE.read_text(encoding="utf-8")
    found = []
    heads = list(QUESTION.finditer(text))
    for head, after in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.end() : after.start() if after else len(text)]
        commands = COMMAND.findall(body)
        assert len(commands) <= 1, f"question {head.group(1)} has more than one command"
        found.append((int(head.group(1)), head.group(2), commands[0] if commands else None))
    return found


def test_the_page_has_twelve_questions_each_with_one_command() -> None:
    found = questions()
    assert [n for n, _, _ in found] == list(range(1, 13))
    assert all(c is not None and c.startswith("ppo ") and "\n" not in c for _, _, c in found)


@functools.cache
def _as_written() -> Graph:
    """data/ and its sections as written: the texts, sections and roles, no reasoning."""
    graph = Graph()
    for path in sorted(data_dir().glob("*.ttl")) + sorted((data_dir() / "sections").glob("*.ttl")):
        graph.parse(path)
    return graph


def _curie(node: object) -> str:
    return "ppod:" + str(node).removeprefix(str(PPOD))


@functools.cache
def texts() -> dict[str, str]:
    """duty CURIE -> verbatim text."""
    return {_curie(d): str(t) for d, t in _as_written().subject_objects(PPO.verbatimText)}


@functools.cache
def listed_for() -> dict[str, str]:
    """duty CURIE -> the label of the role it is listed for."""
    graph = _as_written()
    return {
        _curie(d): str(graph.value(r, RDFS.label)) for d, r in graph.subject_objects(PPO.isDutyOf)
    }


def section(duty: str) -> str:
    return duty.removeprefix("ppod:duty-").rsplit("-", 1)[0]


def having(*patterns: str) -> set[str]:
    """The duties whose verbatim text matches every pattern (case-blind)."""
    return {d for d, t in texts().items() if all(re.search(p, t, re.IGNORECASE) for p in patterns)}


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


#: The properties whose values two duties share when one restates the other in other words.
FEATURES = [
    PPO[p]
    for p in [
        "hasTheme",
        "mentionsRole",
        "mentionsProcess",
        "mentionsParty",
        "mentionsArtefact",
        "produces",
        "maintains",
        "reviews",
        "uses",
        "contributesTo",
    ]
]


def restated(owner: str, manager: str) -> set[tuple[str, str]]:
    """(owner duty, manager duty) pairs of the sections ``owner`` and ``manager`` (the pairing
    rule that docs/query.md gives for owner-manager-restatements, worked out here in Python on
    the Turtle as written): the same text once lower-cased and stripped to letters and digits;
    or, for two duties with no such partner, the same properties with the same values, at least
    one."""
    graph = _as_written()
    own = [d for d in texts() if section(d) == owner]
    its = [d for d in texts() if section(d) == manager]
    pairs = {(o, m) for o in own for m in its if norm(texts()[o]) == norm(texts()[m])}
    paired = {d for pair in pairs for d in pair}

    def features(duty: str) -> frozenset[tuple[Any, Any]]:
        node = URIRef(str(PPOD) + duty.removeprefix("ppod:"))
        return frozenset((p, v) for p in FEATURES for v in graph.objects(node, p))

    for o in own:
        for m in its:
            if o in paired or m in paired:
                continue
            if features(o) and features(o) == features(m):
                pairs.add((o, m))
    return pairs


def run(number: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """Question ``number``'s command as the page gives it, from the repository's root: its JSON
    rows, or the path of the file it writes (moved under tmp_path)."""
    command = dict((n, c) for n, _, c in questions())[number]
    assert command is not None
    argv = shlex.split(command)[1:]
    if "--out" in argv:
        at = argv.index("--out") + 1
        argv[at] = str(tmp_path / argv[at])
        target: Path | None = Path(argv[at])
    else:
        target = tmp_path / "answer.json"
        argv += ["--format", "json", "--out", str(target)]
    argv = [str(ROOT / a) if a.startswith("examples/") else a for a in argv]
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == 0, err
    assert target is not None and target.exists()
    if target.suffix == ".json":
        return json.loads(target.read_text(encoding="utf-8"))
    return target


def test_1_change_assessment_and_cab(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(1, tmp_path, capsys)
    got = {(r["activity"], r["duty"]) for r in rows}
    assessing = having(r"assess", r"\bchanges\b")
    cab = having(r"\bCAB\b")
    assert got == {("assesses changes", d) for d in assessing} | {
        ("attends CAB meetings", d) for d in cab
    }
    assert {r["role"] for r in rows} == {listed_for()[d] for d in assessing | cab}
    assert all(r["text"] == texts()[r["duty"]] for r in rows)
    # six roles assess changes, five attend the CAB: not the ITSCM owner
    assert len({listed_for()[d] for d in assessing}) == 6
    assert {listed_for()[d] for d in assessing} - {listed_for()[d] for d in cab} == {
        "IT Service Continuity Management Process Owner"
    }


def test_2_the_capacity_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(2, tmp_path, capsys)
    expected = having(r"capacity plan")
    assert {r["duty"] for r in rows} == expected
    assert (
        {r["role"] for r in rows}
        == {listed_for()[d] for d in expected}
        == {
            "Capacity Management Process Owner",
            "Capacity Management Process Manager",
        }
    )
    assert all("produces" in r["how"] for r in rows)


def test_3_itscm_owner_and_manager_both_ways(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run(3, tmp_path, capsys)
    sides: dict[str, set[str]] = {}
    for r in rows:
        sides.setdefault(r["side"], set()).add(r["duty"])
    pairs = restated("7.10", "7.11")
    assert len(pairs) == 9
    assert sides["both"] == {o for o, _ in pairs}
    generic_owner = {d for d in texts() if section(d) == "7.3"}
    generic_manager = {d for d in texts() if section(d) == "7.4"}
    own = {d for d in texts() if section(d) == "7.10"}
    its = {d for d in texts() if section(d) == "7.11"}
    assert sides["only a"] == generic_owner | (own - {o for o, _ in pairs})
    assert sides["only b"] == generic_manager | (its - {m for _, m in pairs})


def test_4_availability_interfaces_with_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run(4, tmp_path, capsys)
    assert rows and all(r["text"] == texts()[r["duty"]] for r in rows)
    (coordinating,) = having(r"^Coordinating interfaces between availability management")
    named = texts()[coordinating].lower()
    stated = {r["otherProcess"] for r in rows if r["stated"] in ("true", True)}
    for process in ("service level management", "capacity management"):
        assert process in named
        assert process in {s.lower() for s in stated}
    # every stated interface's duty names the process at its other end: the partner in an
    # Availability duty ("Financial Management for IT Services" as "Financial Management"),
    # Availability in the partner's duty
    for r in rows:
        if r["stated"] in ("true", True):
            own = listed_for()[r["duty"]].startswith("Availability Management")
            named = r["otherProcess"].split(" for ")[0] if own else "Availability"
            assert named.lower() in r["text"].lower()


def test_5_the_bia(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(5, tmp_path, capsys)
    expected = having(r"business impact analys")
    assert len(expected) == 4
    assert {r["duty"] for r in rows} == expected
    how = {listed_for()[r["duty"]].split(" Process ")[0]: r["how"] for r in rows}
    assert how == {
        "IT Service Continuity Management": "produces",
        "Information Security Management": "contributes to",
    }


def _role_duties(role: str, generic: str) -> set[str]:
    return {d for d, r in listed_for().items() if r in (role, generic)}


def test_6_two_posts_merged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(6, tmp_path, capsys)
    owner = _role_duties("Availability Management Process Owner", "Process Owner")
    manager = _role_duties("Availability Management Process Manager", "Process Manager")
    # the manager's restatements of the owner's bullets count once
    restatements = {m for _, m in restated("7.8", "7.9")}
    distinct = (owner | manager) - restatements
    assert len(owner) + len(manager) == 56
    for person in ("Dara Byrne (p04)", "Elif Demir (p05)"):
        carried = {r["item"] for r in rows if r["part"] == "duties" and person in r["detail"]}
        assert carried == distinct
        workload = next(
            r["detail"] for r in rows if r["part"] == "workload" and r["label"] in person
        )
        assert workload == f"{len(distinct)} duties ({len(owner) + len(manager)} as listed)"
    assert all(r["asOf"] == "2026-12-06" for r in rows)


def test_7_supplier_duties(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(7, tmp_path, capsys)
    expected = having(r"suppl|third-party")
    assert {r["duty"] for r in rows} == expected and len(expected) == 4
    assert {r["type"] for r in rows} == {"supplier interface"}


def test_8_the_ism_manager_as_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = require_module("openpyxl")
    path = run(8, tmp_path, capsys)
    sheet = openpyxl.load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if "duty" in row)
    duty = values[header].index("duty")
    got = {row[duty] for row in values[header + 1 :] if row[duty]}
    expected = _role_duties("Information Security Management Process Manager", "Process Manager")
    assert got == expected
    assert all(
        c.data_type == "s" for row in sheet.iter_rows(min_row=header + 2) for c in row if c.value
    )


def test_9_measurement_duties(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(9, tmp_path, capsys)
    triggers = r"monitor|report|measur|\bKPIs?\b|threshold"
    got = {r["duty"] for r in rows}
    assert got and all(re.search(triggers, texts()[d], re.IGNORECASE) for d in got)
    assert got >= {d for d in having(triggers) if section(d) in ("7.6", "7.7")}


def test_10_the_slide(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = run(10, tmp_path, capsys)
    svg = ET.parse(path).getroot()
    width, height = (float(v) for v in svg.attrib["viewBox"].split()[2:])
    assert width / height == pytest.approx(16 / 9, rel=0.01)
    words = " ".join(t for t in svg.itertext())
    for process in ("Capacity", "Availability", "Continuity", "Security", "Demand"):
        assert process in words


def test_11_gaps_and_workload(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(11, tmp_path, capsys)
    uncovered = {r["item"] for r in rows if r["finding"] == "uncovered duty"}
    assert uncovered == _role_duties("Demand Management Process Manager", "Process Manager")
    assert len(uncovered) == 16
    assert [r["item"] for r in rows if r["finding"] == "unheld role"] == [
        "ppod:DemandManagementProcessManager"
    ]
    workload = [r for r in rows if r["finding"] == "workload"]
    assert all(int(r["count"]) <= int(r["listed"]) for r in workload)
    assert max(workload, key=lambda r: int(r["count"]))["label"] == "Hiro Tanaka"


def test_the_section_numbers_are_real() -> None:
    # the derivations above rest on duty CURIEs naming their section: spot-check against the Turtle
    graph = _as_written()
    for d in texts():
        number = graph.value(
            graph.value(URIRef(str(PPOD) + d.removeprefix("ppod:")), PPO.inSection),
            PPO.sectionNumber,
        )
        assert number is None or str(number) == section(d)


def test_12_itil4_practices_per_duty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every duty's ITIL 4 practices as the SSSOM table gives them (read here with csv)."""
    import csv

    rows = run(12, tmp_path, capsys)
    table = (data_dir() / "crosswalk" / "itil4.sssom.tsv").read_text(encoding="utf-8")
    lines = [line for line in table.splitlines() if not line.startswith("#")]
    expected: dict[str, set[str]] = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        if row["subject_id"].startswith("ppod:duty-"):
            target = row["object_label"] or "(no term found)"
            expected.setdefault(row["subject_id"], set()).add(target)
    got: dict[str, set[str]] = {}
    for row in rows:
        got.setdefault(row["duty"], set()).add(row["target"] or "(no term found)")
        assert row["text"] == texts()[row["duty"]]
    assert set(got) == set(texts()) and len(got) == 177  # every duty, each with its text
    assert {d: {t for t in ts if t != "(no term found)"} for d, ts in got.items()} == {
        d: {t for t in ts if t != "(no term found)"} for d, ts in expected.items()
    }
    homeless = {d for d, ts in expected.items() if ts == {"(no term found)"}}
    assert homeless == {d for d, ts in got.items() if not ts - {"(no term found)"}}
    assert {section(d) for d in homeless} == {"7.5"} and len(homeless) == 4
