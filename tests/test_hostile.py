"""Hostile and malformed input, one named test per row of the issue: each feeds the input to the
real command and expects no hang, no traceback, and an error that names its place."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from conftest import require_tool

from ppo_graph import engine
from ppo_graph.backends.reference.load import load_graph
from ppo_graph.cli import main
from ppo_graph.errors import InputError
from ppo_graph.output import atomic_write

PPO = [sys.executable, "-m", "ppo_graph"]

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description>
</rdf:RDF>
"""

LEGACY = """@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .
@prefix ppod: <https://w3id.org/ppo-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:Legacy a ppo:Process ; rdfs:label "<Legacy R&D process> \\"quoted\\" \\\\N & more" .
ex:itf a ppo:Interface , ppo:CoordinationInterface ; ppo:fromProcess ppod:CapacityManagement ;
  ppo:toProcess ex:Legacy ; ppo:evidencedBy ppod:duty-7.6-01 ; ppo:stated false .
"""


def ppo(*argv: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*PPO, *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, **env),
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    bomb = tmp_path / "lol.rdf"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    result = ppo("validate", str(bomb), timeout=20)
    assert result.returncode == 2
    assert f"{bomb}:3: declares XML entities" in result.stderr
    with pytest.raises(InputError, match="declares XML entities"):  # the rdflib path too
        load_graph([bomb], shipped=False)


def test_a_big_input_gets_a_size_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    extension = tmp_path / "big.ttl"
    extension.write_text("<https://e/a> <https://e/b> <https://e/c> .\n" * 50, encoding="utf-8")
    monkeypatch.setattr(engine, "BIG_BYTES", 1000)
    assert main(["validate", "--no-cache", str(extension)]) == 0
    err = capsys.readouterr().err
    assert f"ppo: warning: big input, 0 MB ({extension})" in err
    assert "cached for the next command" in err


@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        (
            "no-final-dot.ttl",
            b"@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b ex:d",
            ":3: ",
        ),
        ("latin1.ttl", b'@prefix ex: <http://e/> .\nex:a ex:b "caf\xe9" .\n', ":2: "),
        ("binary.ttl", b"@prefix ex: <http://e/> .\n\x12\x00\xff\xfe garbage", ":2: "),
        ("binary.nt", b"<http://e/a> <http://e/b> <http://e/c> .\n\x00\x01\x02\n", ":2: "),
    ],
    ids=["turtle-without-final-dot", "non-utf8", "binary-turtle", "binary-ntriples"],
)
def test_parse_errors_name_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, where: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    assert main(["validate", "--no-cache", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}{where}" in err
    assert re.search(r"column \d+", err)
    assert err.isprintable() or set(err) - set(err.strip()) <= {"\n"}, "no raw control bytes"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_narrow_output_encoding_escapes_instead_of_crashing(encoding: str) -> None:
    result = ppo("query", "artefact-mentions", PYTHONIOENCODING=encoding)
    assert result.returncode == 0
    result = ppo(
        "query", "duty-search", "-p", "phrase=organization", "--format", "json",
        PYTHONIOENCODING=encoding,
    )  # fmt: skip
    assert result.returncode == 0
    rows = json.loads(result.stdout)  # the escapes are JSON escapes: the text survives
    assert any("organization’s" in row["text"] for row in rows)


def test_user_labels_are_escaped_in_every_picture_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extension = tmp_path / "legacy.ttl"
    extension.write_text(LEGACY, encoding="utf-8")
    label = '<Legacy R&D process> "quoted" \\N & more'
    dot = tmp_path / "l.dot"
    assert main(["viz", str(extension), "--out", str(dot)]) == 0
    if shutil.which("dot") or os.environ.get("CI", "").lower() == "true":
        graphviz = require_tool("dot", "apt-get install graphviz")
        checked = subprocess.run([graphviz, "-Tsvg", str(dot)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        ET.fromstring(checked.stdout)
    graphml = tmp_path / "l.graphml"
    assert main(["viz", str(extension), "--out", str(graphml)]) == 0
    labels = {attrs.get("label") for _, attrs in nx.read_graphml(graphml).nodes(data=True)}
    assert label in labels
    svg = tmp_path / "l.svg"
    assert main(["viz", str(extension), "--out", str(svg)]) == 0
    ET.parse(svg)  # well-formed XML whatever the label holds
    html = tmp_path / "l.html"
    assert main(["viz", str(extension), "--out", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    assert "<Legacy R&D" not in page  # only ever inside escaped JSON or text
    assert "Traceback" not in capsys.readouterr().err


def test_an_empty_query_file_says_it_is_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.rq"
    empty.write_text("# just a comment\n\n", encoding="utf-8")
    assert main(["query", "--file", str(empty)]) == 2
    assert f"{empty}: the file is empty" in capsys.readouterr().err


def test_a_runaway_query_is_stopped_by_the_timeout(tmp_path: Path) -> None:
    cartesian = tmp_path / "cartesian.rq"
    cartesian.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n",
        encoding="utf-8",
    )
    result = ppo("query", "--file", str(cartesian), "--timeout", "1", timeout=30)
    assert result.returncode == 2
    assert "did not finish within 1 s" in result.stderr


def test_build_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--out", "-", "--format", "nt"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count(" .\n") > 4000
    assert not Path("-").exists()
    assert "wrote standard output" in captured.err


def test_temp_files_of_a_killed_writer_are_cleaned(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".graph.ttl.{dead.pid}.abc123.tmp"
    live = tmp_path / f".graph.ttl.{os.getpid()}.def456.tmp"
    stale.write_text("half", encoding="utf-8")
    live.write_text("being written", encoding="utf-8")
    atomic_write(target, "done")
    assert target.read_text(encoding="utf-8") == "done"
    assert not stale.exists(), "a dead writer's temp file is removed"
    assert live.exists(), "a live writer's temp file is left alone"


def test_select_star_keeps_the_query_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    star = tmp_path / "star.rq"
    star.write_text(
        "PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>\n"
        "SELECT * WHERE { ?duty ppo:isDutyOf ?role ; ppo:position ?pos . ?role ppo:inSection ?sec }"
        " LIMIT 3\n",
        encoding="utf-8",
    )
    headers = set()
    for _ in range(3):
        assert main(["query", "--file", str(star), "--format", "csv"]) == 0
        headers.add(capsys.readouterr().out.splitlines()[0])
    assert headers == {"duty,role,pos,sec"}


SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .
@prefix ex: <https://example.org/rules#> .
ex:RoleCarriesTenDuties a sh:NodeShape ; rdfs:label "governance rule" ;
    sh:targetClass ppo:Role ;
    sh:property [ sh:path ppo:carriesDuty ; sh:minCount 10 ;
                  sh:message "A role must carry at least ten duties." ] .
"""


def test_the_users_own_shapes_are_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes = tmp_path / "rules.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    assert main(["validate", "--format", "json", "--shapes", str(shapes)]) == 1
    report = json.loads(capsys.readouterr().out)
    flagged = {v["focus"].rsplit("/", 1)[-1] for v in report["violations"]}
    assert flagged == {"ProcessManager", "ProcessPractitioner"}  # 9 and 5 duties
    assert {v["message"] for v in report["violations"]} == {
        "A role must carry at least ten duties."
    }
    # the same file given as data is not silently ignored: it is used, and ppo says so
    assert main(["validate", "--format", "json", str(shapes)]) == 1
    captured = capsys.readouterr()
    assert f"{shapes} declares SHACL shapes" in captured.err
    assert len(json.loads(captured.out)["violations"]) == 2
