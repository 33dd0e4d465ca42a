"""CONTRIBUTING.md's worked example, run the documented way: a new learning unit
(examples/new-unit/) encoded end to end with tools/tutorial.py and checked with ppo validate."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import to_isomorphic

from ppo_graph.cli import main

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "examples" / "new-unit"
SECTION = "sections/8.02-change-management-process-owner.ttl"


def tool(unit: Path, *args: str) -> subprocess.CompletedProcess[str]:
    where = ["--source", str(unit / "source" / "unit-8.txt"), "--data", str(unit)]
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "tutorial.py"),
            *args,
            *where,
            "--document",
            "source-unit-8",
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def unit_files(unit: Path) -> list[str]:
    return [str(p) for p in sorted(unit.rglob("*.ttl"))]


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    copy = tmp_path / "new-unit"
    shutil.copytree(UNIT, copy)
    return copy


def test_contributing_shows_the_commands_this_test_runs() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for command in (
        "python tools/tutorial.py write-source",
        "python tools/tutorial.py scaffold 8.2",
        "python tools/tutorial.py check",
        "ppo validate --checks",
        "examples/new-unit",
    ):
        assert command in guide, command


def where_new_code_goes() -> str:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    return guide.split("\n## Where new code goes\n", 1)[1].split("\n## ", 1)[0]


def test_contributing_says_where_new_code_goes() -> None:
    section = where_new_code_goes()
    for kind in ("A new command", "A new output format", "A new backend", "A new canned query"):
        assert f"**{kind}.**" in section, kind
    for path in (
        "ppo_graph/cli/",
        "ppo_graph/cli/__init__.py",
        "ppo_graph/engine/__init__.py",
        "ppo_graph/formats.py",
        "ppo_graph/tables.py",
        "ppo_graph/serve/results.py",
        "ppo_graph/backends/<name>/",
        "ppo_graph/backends/reference/",
        "queries/questions/",
        "tests/test_queries.py",
    ):
        assert f"`{path}`" in section, path
    assert "COMMAND_MODULES" in (ROOT / "ppo_graph" / "cli" / "__init__.py").read_text("utf-8")


def test_the_paths_where_new_code_goes_exist() -> None:
    paths = [
        p
        for p in re.findall(r"`([^`\s]+)`", where_new_code_goes())
        if "/" in p and not re.search(r"[<*]", p)
    ]
    assert len(paths) >= 15
    for path in paths:
        assert (ROOT / path).exists(), path


def test_write_source_reproduces_the_committed_record(unit: Path) -> None:
    (unit / "source.ttl").unlink()
    result = tool(unit, "write-source")
    assert result.returncode == 0, result.stderr
    made = Graph().parse(unit / "source.ttl")
    committed = Graph().parse(UNIT / "source.ttl")
    assert to_isomorphic(made) == to_isomorphic(committed)
    assert len(made) > 0


def test_scaffold_prints_the_duties_as_committed(unit: Path) -> None:
    result = tool(unit, "scaffold", "8.2")
    assert result.returncode == 0, result.stderr
    scaffold = Graph().parse(data=result.stdout, format="turtle")
    committed = Graph().parse(UNIT / SECTION)
    assert len(scaffold) == 3 * 6  # three duties: type, label, text, section, position, role
    assert set(scaffold) <= set(committed)


def test_the_worked_example_passes_the_tool_and_validation(
    unit: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = tool(unit, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert main(["validate", "--checks", *unit_files(unit)]) == 0
    assert capsys.readouterr().out.startswith("Conforms:")
    # the new role inherits the generic owner's duties and its three own ones are queryable
    argv = ["query", "role-duties", *unit_files(unit), "-p", "role=Change Management Process Owner"]
    assert main([*argv, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.count("duty-8.2-") == 3 and out.count("duty-7.3-") == 11


def test_a_missing_link_fails_validation_naming_the_phrase(
    unit: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    section = unit / SECTION
    text = section.read_text(encoding="utf-8")
    cut = text.replace(
        "    ppo:mentionsProcess ppod:ChangeManagement ;\n    ppo:hasTheme", "    ppo:hasTheme"
    )
    assert cut != text
    section.write_text(cut, encoding="utf-8")
    assert main(["validate", "--checks", *unit_files(unit)]) == 1
    out = capsys.readouterr().out
    assert "phrase-unlinked-violation" in out
    assert re.search(r"ppod:duty-8\.2-03\n.*'changes'.*ppod:ChangeManagement", out)


def test_a_changed_verbatim_text_fails_the_tool(unit: Path) -> None:
    section = unit / SECTION
    text = section.read_text(encoding="utf-8")
    section.write_text(text.replace('the Change Schedule" ;', 'the change schedule" ;'), "utf-8")
    result = tool(unit, "check")
    assert result.returncode == 1
    assert "ppod:duty-8.2-02 ppo:verbatimText" in result.stdout
