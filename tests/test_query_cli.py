"""``ppo queries`` and ``ppo query``: exit codes, messages (never a traceback) and output.

Most tests call ``ppo_graph.cli.main`` with the graph builder replaced by the session's reasoned
graph (plus any ``--data`` file, unreasoned), so that each does not reason again; one test runs
the real thing end to end in a subprocess, ``python -m ppo_graph``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from rdflib import Graph

from ppo_graph.backends.reference.reason import Reasoned
from ppo_graph.cli import main
from ppo_graph.cli import query as cli_query

_CACHE = Path(tempfile.mkdtemp(prefix="ppo-cache-query-cli-"))
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"


@pytest.fixture(scope="module")
def union(_shipped_reasoned: Reasoned) -> Graph:
    return _shipped_reasoned.union()


@pytest.fixture
def built(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> list[list[Path]]:
    """Record each load of the graph (its extra files); the engine's cache is shared by the
    tests of this module, so the shipped graph is reasoned once."""
    calls: list[list[Path]] = []
    real = cli_query.open_graph
    monkeypatch.setenv("PPO_CACHE_DIR", str(_CACHE))

    def recording(args: Any, extra: Sequence[Path] | None = None) -> Any:
        calls.append([Path(p) for p in (args.extra if extra is None else extra)])
        return real(args, extra)

    monkeypatch.setattr(cli_query, "open_graph", recording)
    return calls


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_queries_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "queries")
    assert code == 0
    assert out.startswith("Questions\n")
    assert "role-duties\n    Duties of a role, own and inherited\n" in out
    assert "    --param role=ppod:CapacityManagementProcessManager  (IRI of a ppo:Role)" in out
    assert "Checks (each must return no rows)" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_queries_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "queries", "--kind", "check", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    checks = sorted(p.stem for p in (ROOT / "queries" / "checks").glob("*.rq"))
    assert sorted(row["name"] for row in listed) == checks and len(checks) >= 16
    assert {row["kind"] for row in listed} == {"check"}
    assert all(row["name"].endswith("-violation") for row in listed)


def test_query_prints_a_table_that_fits(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]]
) -> None:
    code, out, err = run(capsys, "query", "cab-and-change-assessment")
    assert (code, err) == (0, "")
    title, question, rest = out.split("\n", 2)
    assert title == "CAB attendance and change assessment, per process"
    assert question.startswith("Which roles attend Change Advisory Board meetings")
    assert "\n\nprocess " in rest
    assert out.rstrip().endswith("(11 rows)")
    assert max(len(line) for line in out.splitlines()) <= 80
    assert built == [[]]


def test_query_with_a_parameter_by_label_as_csv(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]]
) -> None:
    code, out, _ = run(
        capsys, "query", "artefact-mentions", "--param", "artefact=BIA", "--format", "csv"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["duty"] for r in rows] == [
        "ppod:duty-7.11-03",
        "ppod:duty-7.10-01",
        "ppod:duty-7.13-07",
        "ppod:duty-7.12-05",
    ]


def test_query_as_markdown_with_a_narrow_table(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]]
) -> None:
    code, out, _ = run(capsys, "query", "theme-matrix", "--format", "md")
    assert code == 0
    assert out.splitlines()[0] == (
        "| process | duties | risk | testing | incidents | cost | suppliers | training |"
    )
    code, out, _ = run(capsys, "query", "role-coverage", "--width", "40")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 40


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "role-dutys"], "unknown query 'role-dutys'; did you mean role-duties"),
        (["query", "role-duties", "--param", "person=x"], "has no parameter 'person'"),
        (["query", "role-duties", "--param", "role"], "--param needs KEY=VALUE, not 'role'"),
        (["query", "role-duties", "-p", "role=a", "-p", "role=b"], "--param role given twice"),
        (["query"], "give a query NAME (see `ppo queries`) or --file FILE.rq"),
        (["query", "roles", "--file", "x.rq"], "give a query NAME or --file FILE.rq, not both"),
        (["query", "roles", "--allow-remote"], "--allow-remote applies to --file queries only"),
        (["query", "roles", "--width", "5"], "--width must be at least 20"),
        (["query", "--file", "no/such/file.rq"], "no/such/file.rq: no such file"),
    ],
    ids=["unknown-name", "unknown-param", "no-equals", "twice", "nothing", "both",
         "remote-for-canned", "width", "missing-file"],
)  # fmt: skip
def test_usage_errors_exit_2_before_loading_the_graph(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("ppo query: error: ")
    assert message in err
    assert out == ""
    assert built == []  # failed fast: the graph was never loaded


def test_a_value_that_does_not_resolve_says_which_exist(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]]
) -> None:
    code, _, err = run(capsys, "query", "role-duties", "--param", "role=ppod:Nobody")
    assert code == 2
    assert "parameter role: unknown ppo:Role 'ppod:Nobody'; valid values: " in err
    assert "ppod:CapacityManagementProcessOwner" in err and "ppod:ProcessPractitioner" in err


def test_injection_through_the_command_line_is_a_plain_value(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]]
) -> None:
    code, out, _ = run(
        capsys, "query", "duty-search", "--param", 'phrase="} ; DROP ALL ; {"', "--format", "json"
    )
    assert (code, json.loads(out)) == (0, [])


def test_a_syntax_error_in_a_user_query_names_file_and_line(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]], tmp_path: Path
) -> None:
    query = tmp_path / "broken.rq"
    query.write_text("# my query\nSELECT ?s WHERE {\n  ?s ?p \n}\n", encoding="utf-8")
    code, _, err = run(capsys, "query", "--file", str(query))
    assert code == 2
    assert f"{query}:3: SPARQL syntax error" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DROP ALL\n", "this is a SPARQL update"),
        ("SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }\n", "--allow-remote"),
    ],
    ids=["update", "service"],
)  # fmt: skip
def test_user_queries_stay_local(
    capsys: pytest.CaptureFixture[str],
    built: list[list[Path]],
    tmp_path: Path,
    text: str,
    message: str,
) -> None:
    query = tmp_path / "remote.rq"
    query.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "query", "--file", str(query))
    assert code == 2
    assert message in err
    assert built == []


def test_a_user_query_with_a_parameter_and_an_ask(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]], tmp_path: Path
) -> None:
    select = tmp_path / "mine.rq"
    select.write_text(
        "PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>\n"
        "SELECT ?duty WHERE { ?duty ppo:isDutyOf ?role } ORDER BY ?duty\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "query", "--file", str(select), "-p", "role=ppod:ProcessPractitioner", "--format", "csv"
    )  # fmt: skip
    assert code == 0
    assert out.splitlines() == ["duty"] + [f"ppod:duty-7.5-{i:02d}" for i in range(1, 6)]
    ask = tmp_path / "ask.rq"
    ask.write_text(
        "PREFIX ppod: <https://w3id.org/ppo-graph/id/>\nASK { ppod:ChangeAdvisoryBoard ?p ?o }\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "query", "--file", str(ask), "--format", "json")
    assert (code, json.loads(out)) == (0, [{"ask": True}])


def test_a_check_that_finds_rows_exits_1(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]]
) -> None:
    fixture = FIXTURES / "interface-self-loop-violation.ttl"
    code, out, err = run(capsys, "query", "interface-self-loop-violation", "--data", str(fixture))
    assert code == 1
    assert "ppod:interface-loop" in out
    assert "check interface-self-loop-violation found 1 violation(s)" in err
    assert built == [[fixture]]
    code, _, _ = run(capsys, "query", "interface-self-loop-violation")
    assert code == 0


def test_a_bad_data_file_exits_2(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    code, _, err = run(capsys, "query", "roles", "--data", str(bad))
    assert code == 2
    assert str(bad) in err


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--param", "--file", "--data", "--format", "--allow-remote", "examples:"):
        assert option in out
    with pytest.raises(SystemExit):
        main(["--help"])
    top = capsys.readouterr().out
    assert "queries" in top and "query" in top


def test_end_to_end_in_a_subprocess(tmp_path: Path) -> None:
    """The real pipeline: load the shipped graph and the user's file, reason, query."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .\n"
        "@prefix ppod: <https://w3id.org/ppo-graph/id/> .\n"
        "ppod:duty-extra a ppo:Duty ; ppo:isDutyOf ppod:ProcessOwner ;\n"
        '    ppo:verbatimText "Keeping the extra register" .\n',
        encoding="utf-8",
    )
    query = tmp_path / "who.rq"
    query.write_text(
        "# title: Who carries the extra duty\n"
        "PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>\n"
        "SELECT ?role WHERE { ?role ppo:carriesDuty ?duty .\n"
        '  ?duty ppo:verbatimText "Keeping the extra register" } ORDER BY ?role\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "ppo_graph", "query", "--file", str(query), "--data", str(extra),
         "--format", "csv"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # Listed for the generic process owner, so carried by it and, through the reasoner, by the
    # five process-specific owners that specialise it.
    assert done.stdout.splitlines() == [
        "role",
        "ppod:AvailabilityManagementProcessOwner",
        "ppod:CapacityManagementProcessOwner",
        "ppod:DemandManagementProcessOwner",
        "ppod:ITServiceContinuityManagementProcessOwner",
        "ppod:InformationSecurityManagementProcessOwner",
        "ppod:ProcessOwner",
    ]


def test_the_readme_shows_real_output(
    capsys: pytest.CaptureFixture[str], built: list[list[Path]]
) -> None:
    """The README and docs/query.md quote three commands with their output: they must still be
    true. The README keeps one of them, its answer to a question."""
    pattern = r"```text\n\$ (ppo query [^\n]*)\n(.*?)```"
    readme = (ROOT / "README.md").read_text("utf-8")
    guide = (ROOT / "docs" / "query.md").read_text("utf-8")
    in_readme = re.findall(pattern, readme, flags=re.DOTALL)
    blocks = in_readme + re.findall(pattern, guide, flags=re.DOTALL)
    assert len(in_readme) >= 1
    assert len(blocks) == 3
    for command, shown in blocks:
        code, out, _ = run(capsys, *shlex.split(command)[1:])
        assert code == 0
        assert out == shown, command
