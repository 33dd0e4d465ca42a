"""The benchmark's own tools: the generator is exact and deterministic, its output conforms, the
harness starts, and the rows of issue 17's targets measure something, in small (the whole
benchmark is not run here: ``python bench/run.py --quick``)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    return _module("generate")


def test_generator_is_exact_and_deterministic(generate: ModuleType, tmp_path: Path) -> None:
    first, again, other = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    assert generate.write(first, 3000, seed=7) == 3000
    generate.write(again, 3000, seed=7)
    generate.write(other, 3000, seed=8)
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    assert len(first.read_text(encoding="utf-8").splitlines()) == 3000
    assert len(Graph().parse(first, format="nt")) == 3000


def test_generator_turtle_has_the_same_triples(generate: ModuleType, tmp_path: Path) -> None:
    nt, ttl = tmp_path / "x.nt", tmp_path / "x.ttl"
    generate.write(nt, 1500, seed=3)
    generate.write(ttl, 1500, seed=3)
    from rdflib.compare import isomorphic

    assert isomorphic(Graph().parse(nt, format="nt"), Graph().parse(ttl, format="turtle"))


def test_sizes_parse(generate: ModuleType) -> None:
    assert generate.parse_size("10k") == 10_000
    assert generate.parse_size("1M") == 1_000_000
    assert generate.parse_size("2.5k") == 2_500
    assert generate.size_label(1_000_000) == "1M"
    assert generate.size_label(100_000) == "100k"


def test_generated_extension_conforms_and_reasons(generate: ModuleType, tmp_path: Path) -> None:
    engine = pytest.importorskip("ppo_graph.engine")
    path = tmp_path / "ext.nt"
    generate.write(path, 2000, seed=1)
    kg = engine.KnowledgeGraph.open([path], cache=False)
    report = kg.validate()
    assert report.conforms, report.violations[:3]
    # The tailored roles inherit duties along specialises chains (deputy -> tailored -> shipped
    # role -> generic role): carriesDuty triples for duties of the shipped graph.
    rows = kg.query(
        "PREFIX ppo: <https://w3id.org/ppo-graph/ontology#> SELECT (COUNT(*) AS ?n) WHERE { "
        "?role ppo:carriesDuty ?duty . FILTER(STRSTARTS(STR(?role), 'https://example.org/')) "
        "FILTER(STRSTARTS(STR(?duty), 'https://w3id.org/ppo-graph/id/')) }"
    )
    assert int(next(iter(rows))["n"].value) > 0


def test_run_help() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--quick" in result.stdout and "--sizes" in result.stdout


def test_generated_organisation_imports_and_validates(tmp_path: Path) -> None:
    """``bench/generate_org.py`` at 50 people: deterministic, valid input for ``ppo org import``,
    and ``ppo validate`` runs on it (exit 0 or 1, never 2)."""
    generate_org = _module("generate_org")
    people, raci = generate_org.write(tmp_path / "a", 50, seed=3)
    generate_org.write(tmp_path / "b", 50, seed=3)
    assert people >= 50 and raci > 0
    for name in ("people.csv", "raci.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    ppo = [sys.executable, "-m", "ppo_graph"]
    org = tmp_path / "org.ttl"
    done = subprocess.run(
        [*ppo, "org", "import", str(tmp_path / "a" / "people.csv"), "--raci",
         str(tmp_path / "a" / "raci.csv"), "--out", str(org)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert org.stat().st_size > 0
    done = subprocess.run(
        [*ppo, "validate", "--checks", "--no-cache", str(org)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr


def test_issue17_rows_measure(generate: ModuleType, tmp_path: Path) -> None:
    """Each row of issue 17's targets, measured in small (a 2k extension, 50 people, one run
    each): a number in every row, no error, and the report prints them."""
    run = _module("run")
    from ppo_graph.paths import resource_root

    args = run.parse_args(["--quick", "--repeat", "1", "--sizes", "2k", "--org-people", "50"])
    big = tmp_path / "big.nt"
    generate.write(big, 2000, seed=1)
    try:
        cases = run.cold_runs(args, tmp_path, resource_root(), only={"import_rdflib", "query"})
        top = run.top_runs(args, tmp_path, big)
        org = run.org_runs(args, tmp_path, tmp_path)
    finally:
        run.Launcher.close()
    shipped = {"queries": 3, "queries_fast": {"s": 0.01}}  # measured in its own child, not here
    targets = run.issue17_targets(args, cases, shipped, top, org)
    assert [t.name.split(" <")[0] for t in targets] == [
        "warm `ppo query role-duties BIG.nt` at 1M",
        "warm `ppo query role-duties` (shipped graph)",
        "warm `ppo serve BIG.nt` ready (GET /health 200) at 1M",
        "cold `ppo validate BIG.nt` at 1M (whole process, empty cache)",
        "cold `ppo validate BIG.nt` at 1M: peak RSS",
        "all 3 canned queries warm on the shipped graph, in total,",
        "`ppo org gaps` at 35k people, warm,",
    ]
    for target in targets:
        assert re.match(r"\d", target.measured), (target.name, target.measured)
        assert "error" not in target.measured and "exit" not in target.measured, target.measured
    # Below 1M triples and 35k people the size targets say "not measured", with the size.
    assert [t.passed is None for t in targets] == [True, False, True, True, True, False, True]
    assert "at 2k only" in targets[0].measured and "at 50 people only" in targets[-1].measured
    assert top["serve_ready"].rss > 0 and top["validate_cold"].rss > 0
    assert not list((tmp_path / "ppo-cache-top").glob("*"))  # removed after use
    text = run.report(args, cases, shipped, [], 0.0, top, org)
    assert "## Targets (issue 17)" in text and "## Earlier targets" in text
    assert "`ppo serve big.nt`" in text and "`ppo org gaps org.ttl` (50 people)" in text
