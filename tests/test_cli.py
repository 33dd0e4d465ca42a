"""The ``ppo`` command as a user runs it: exit codes, messages, outputs."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import SH

from ppo_graph.build import ASSERTED_GRAPH, INFERRED_GRAPH
from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.engine.answers import check_violations

CARRIES = URIRef("https://w3id.org/ppo-graph/ontology#carriesDuty")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def malformed(tmp_path: Path) -> Path:
    path = tmp_path / "malformed.ttl"
    path.write_text(
        "@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .\n"
        "<https://example.org/x> a ppo:Role ;\n"
        '    ppo:verbatimText "unterminated .\n'
    )
    return path


def test_help_is_instant_and_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from ppo_graph.cli import build_parser\n"
        "build_parser().format_help()\n"
        "print(sorted(m for m in ('owlrl', 'pyshacl', 'networkx', 'pyoxigraph', 'rdflib') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_help_lists_the_commands_and_exit_codes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ppo_graph", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for command in ("validate", "build", "stats", "run"):
        assert command in result.stdout
    assert "2 usage or input error" in result.stdout


def test_validate_shipped_graph_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert out.startswith("Conforms")


def test_validate_without_reasoning_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "validate", "--no-reason")
    assert code == 0


def test_validate_broken_extension_exits_1_naming_the_nodes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "validate", str(FIXTURES / "broken.ttl"))
    assert code == 1
    assert "https://example.org/acme/CapacityAnalyst" in out
    assert "Role has no duty" in out
    assert "https://example.org/acme/duty-untitled" in out
    assert "verbatimText" in out
    # grouped by shape, then focus node
    assert out.index("duty shape") < out.index("duty-untitled") < out.index("role shape")


def test_validate_json_and_turtle_reports(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--format", "json", str(FIXTURES / "broken.ttl"))
    payload = json.loads(out)
    assert code == 1 and payload["conforms"] is False
    assert {v["focus"] for v in payload["violations"]} == {
        "https://example.org/acme/CapacityAnalyst",
        "https://example.org/acme/duty-untitled",
    }
    code, out, _ = run(capsys, "validate", "--format", "turtle", str(FIXTURES / "broken.ttl"))
    report = Graph().parse(data=out, format="turtle")
    assert code == 1
    assert len(list(report.subjects(None, SH.ValidationResult))) == 2


def test_malformed_turtle_exits_2_with_file_and_line(
    capsys: pytest.CaptureFixture[str], malformed: Path
) -> None:
    code, out, err = run(capsys, "validate", str(malformed))
    assert code == 2
    assert f"{malformed}:3:" in err
    assert "Traceback" not in err + out


def test_missing_file_and_unknown_type_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.ttl"))
    assert code == 2 and "no such file" in err
    odd = tmp_path / "notes.docx"
    odd.write_text("x")
    code, _, err = run(capsys, "validate", str(odd))
    assert code == 2 and "unknown RDF file type" in err


def test_usage_error_exits_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ppo_graph", "validate", "--format", "yaml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_build_trig_keeps_inferred_triples_in_their_own_graph(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "graph.trig"
    code, _, err = run(capsys, "build", "--out", str(out), "--format", "trig")
    assert code == 0 and str(out) in err
    dataset = Dataset()
    dataset.parse(out, format="trig")
    asserted, inferred = dataset.graph(ASSERTED_GRAPH), dataset.graph(INFERRED_GRAPH)
    assert len(asserted) > 3000 and len(inferred) > 1000
    assert not list(asserted.triples((None, CARRIES, None)))
    assert len(list(inferred.triples((None, CARRIES, None)))) == 277  # 177 own + 100 inherited


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "nquads"])
def test_build_formats_parse_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    code, _, _ = run(capsys, "build", "--out", str(out), "--format", fmt)
    assert code == 0
    text = out.read_text(encoding="utf-8")
    if fmt in ("turtle", "nt"):
        assert "# ---- Inferred by OWL RL (fast)" in text
        graph = Graph().parse(out, format=fmt)
    else:
        dataset = Dataset()
        dataset.parse(out, format={"jsonld": "json-ld", "nquads": "nquads"}[fmt])
        inferred = dataset.graph(INFERRED_GRAPH)
        assert len(list(inferred.triples((None, CARRIES, None)))) == 277
        graph = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
    assert len(list(graph.triples((None, CARRIES, None)))) == 277


def test_build_takes_the_format_from_the_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "graph.trig"
    code, _, err = run(capsys, "build", "--out", str(out))
    assert code == 0 and err.rstrip().endswith("trig)")
    dataset = Dataset()
    dataset.parse(out, format="trig")
    assert len(dataset.graph(INFERRED_GRAPH)) > 1000


def test_build_failure_leaves_existing_output_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, malformed: Path
) -> None:
    out = tmp_path / "graph.ttl"
    out.write_text("previous content")
    code, _, err = run(capsys, "build", "--out", str(out), str(malformed))
    assert code == 2 and "malformed.ttl:3" in err
    assert out.read_text() == "previous content"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".graph")] == []
    code, _, err = run(capsys, "build", "--out", str(tmp_path / "no" / "such" / "dir.ttl"))
    assert code == 2 and "does not exist" in err


def test_stats_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", "--format", "json")
    stats = json.loads(out)
    assert code == 0
    assert stats["counts"]["roles"] == 13
    assert stats["counts"]["duties"] == 177
    assert stats["counts"]["PPO processes"] == 5
    roles = {r["label"]: (r["direct"], r["inherited"]) for r in stats["roles"]}
    assert roles["Capacity Management Process Manager"] == (25, 9)
    assert roles["Demand Management Process Owner"] == (2, 11)
    assert roles["Process Practitioner"] == (5, 0)
    code, out, _ = run(capsys, "stats")
    assert "Capacity Management Process Manager" in out and "inherited" in out


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """``ppo run --out DIR`` once, for the tests that read what a plain run writes and says:
    its exit code, its standard output and the folder."""
    out = tmp_path_factory.mktemp("run") / "out"
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        code = main(["run", "--out", str(out)])
    return code, text.getvalue(), out


def test_run_writes_outputs_and_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, plain_run: tuple[int, str, Path]
) -> None:
    code, text, out = plain_run
    assert code == 0
    for name in ("ppo-graph.trig", "validation.txt", "stats.txt", "answers.txt"):
        assert (out / name).is_file() and str(out / name) in text
    assert (out / "ppo-interfaces.html").is_file()
    assert str(out / "quiz.gift") in text  # the sample quiz (issue 22), listed once
    assert all((out / name).is_file() for name in ("quiz.gift", "quiz.html", "quiz-key.html"))
    assert "  validation  conforms" in text
    assert "Conforms" in (out / "validation.txt").read_text(encoding="utf-8")
    assert "Duties per role" in (out / "stats.txt").read_text(encoding="utf-8")
    answers = (out / "answers.txt").read_text(encoding="utf-8")
    assert "== CAB attendance and change assessment" in answers
    assert len(text.splitlines()) <= 26, "a short summary; the answers live in answers.txt"
    again = tmp_path / "out"  # run again into a folder that holds a run's outputs
    shutil.copytree(out, again)
    code, full, _ = run(capsys, "run", "--out", str(again), "--answers")
    assert code == 0 and answers in full


ORG_FILES = ("org-validation.txt", "raci-by-role.html", "raci-by-role.csv", "org-gaps.txt")


def test_run_reports_on_the_example_organisation(
    capsys: pytest.CaptureFixture[str], plain_run: tuple[int, str, Path]
) -> None:
    """Each organisation file is what the organisation commands give on examples/org/org.ttl,
    and its deliberate gaps leave the exit code the shipped graph's: 0."""
    code, text, out = plain_run
    assert code == 0
    for name in ORG_FILES:
        assert str(out / name) in text
    org = str(ROOT / "examples" / "org" / "org.ttl")
    same_as = {
        "org-validation.txt": ("validate", "--checks", org),
        "org-gaps.txt": ("org", "gaps", org),
        "raci-by-role.csv": ("raci", org, "--by", "role", "--format", "csv"),
        "raci-by-role.html": ("raci", org, "--by", "role", "--format", "html"),
    }
    for name, argv in same_as.items():
        status, expected, _ = run(capsys, *argv)
        assert status == (1 if argv[0] == "validate" else 0), argv  # the gaps fail ppo validate
        assert (out / name).read_text(encoding="utf-8") == expected, name
    found = check_violations(KnowledgeGraph.open([org]))
    assert {v.shape.split("/")[-1][:4] for v in found} == {"org-"}
    summary = " ".join(text.split())
    assert f"the organisation checks find its {len(found)} deliberate gaps, which do not fail" in (
        summary
    )
    assert "UNEXPECTED" not in summary


def test_run_writes_a_sample_self_assessment(plain_run: tuple[int, str, Path]) -> None:
    """Issue 22: the example organisation's processes assessed with made-up ratings, one line in
    the summary; the answers are examples/assess/answers.csv, scored as ppo assess score does."""
    _, text, out = plain_run
    folder = out / "assessment"
    assert f"{folder}  " in text and "a sample self-assessment of examples/org's 5" in text
    answers = (folder / "answers.csv").read_text(encoding="utf-8")
    assert answers == (ROOT / "examples" / "assess" / "answers.csv").read_text(encoding="utf-8")
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and '<table id="by-process">' in report
    assert (folder / "chart.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "ppo:SelfAssessment" in (folder / "assessment.ttl").read_text(encoding="utf-8")


def test_run_without_the_organisation(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, text, _ = run(capsys, "run", "--no-org", "--out", str(out))
    assert code == 0 and "example org" not in text
    assert (out / "validation.txt").is_file()
    assert not any((out / name).exists() for name in ORG_FILES)
    assert not (out / "assessment").exists()


def test_run_fails_on_an_example_organisation_with_unexpected_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the organisation checks' gaps are deliberate: a SHACL violation in the example (a
    broken package) is a failure, exit 1."""
    from ppo_graph import paths

    broken = tmp_path / "org"
    broken.mkdir()
    org = (ROOT / "examples" / "org" / "org.ttl").read_text(encoding="utf-8")
    bad = (FIXTURES / "broken.ttl").read_text(encoding="utf-8")
    (broken / "org.ttl").write_text(org + "\n" + bad, encoding="utf-8")
    monkeypatch.setattr(paths, "example_org_dir", lambda: broken)
    out = tmp_path / "out"
    code, text, _ = run(capsys, "run", "--out", str(out))
    assert code == 1
    summary = " ".join(text.split())
    assert "validation conforms" in summary  # the shipped graph itself is fine
    report = (out / "org-validation.txt").read_text(encoding="utf-8")
    assert "RoleShape" in report and "duty-text-violation" in report
    results = int(report.split(" result(s)")[0].rsplit(" ", 1)[1])
    assert "20 deliberate gaps, which do not fail the run" in summary
    assert f"and {results - 20} UNEXPECTED problem(s): see {out / 'org-validation.txt'}" in summary
