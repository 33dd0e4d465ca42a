"""The engine and its cache: every answer stays right when an input changes by one byte, when the
version changes, when the cache file is damaged and when two processes fill it at once; the fast
commands import none of the heavy reference libraries; canned queries on the engine give the
reference rows (rdflib with initBindings) on the same reasoned graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph, cache

EXTENSION = """@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .
@prefix ppod: <https://w3id.org/ppo-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/acme/> .
ex:CapacityAnalyst a ppo:Role ; rdfs:label "Capacity Analyst" ;
    ppo:specialises ppod:CapacityManagementProcessManager ; ppo:inSection ppod:section-7.7 .
ex:duty-1 a ppo:Duty ; ppo:verbatimText "Tunes the batch window" ; ppo:inSection ppod:section-7.7 ;
    ppo:position 1 ; ppo:isDutyOf ex:CapacityAnalyst .
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PPO_CACHE_DIR", str(folder))
    monkeypatch.delenv("PPO_NO_CACHE", raising=False)
    return folder


def duties_of(kg: KnowledgeGraph, role: str) -> list[str]:
    return [row["duty"] for row in kg.ask("role-duties", role=role)]


def test_second_open_is_served_from_the_cache(cache_dir: Path) -> None:
    first = KnowledgeGraph.open()
    assert not first.from_cache and first.cache_file is not None and first.cache_file.exists()
    second = KnowledgeGraph.open()
    assert second.from_cache
    assert (second.asserted_count, second.inferred_count) == (
        first.asserted_count,
        first.inferred_count,
    )

    def named(kg: KnowledgeGraph) -> set[str]:  # blank nodes get fresh ids on every parse
        return {str(q) for q in kg.quads() if "BlankNode" not in repr(q)}

    assert named(second) == named(first)
    assert second.ask("role-coverage") == first.ask("role-coverage")


def test_one_changed_byte_in_an_input_is_a_rebuild(cache_dir: Path, tmp_path: Path) -> None:
    extension = tmp_path / "acme.ttl"
    extension.write_text(EXTENSION, encoding="utf-8")
    before = KnowledgeGraph.open([extension])
    rows = {r["role"]: r for r in before.ask("role-coverage")}
    analyst = rows["Capacity Analyst"]
    extension.write_text(EXTENSION.replace("Capacity Analyst", "Capacity Analysz"), "utf-8")
    after = KnowledgeGraph.open([extension])
    assert not after.from_cache
    labels = {r["role"] for r in after.ask("role-coverage")}
    assert "Capacity Analysz" in labels and "Capacity Analyst" not in labels
    # its own duty and, inherited, every duty the Capacity Manager carries
    assert analyst["total"] == 1 + rows["Capacity Management Process Manager"]["total"]
    assert len(cache.entries()) == 2


def test_a_new_version_is_a_rebuild(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    KnowledgeGraph.open()
    assert KnowledgeGraph.open().from_cache
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    rebuilt = KnowledgeGraph.open()
    assert not rebuilt.from_cache
    assert rebuilt.inferred_count > 1000


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage-header"])
def test_a_damaged_cache_file_is_rebuilt_never_answered(cache_dir: Path, damage: str) -> None:
    good = KnowledgeGraph.open()
    assert good.cache_file is not None
    data = good.cache_file.read_bytes()
    if damage == "truncate":
        # cut at a line boundary: still valid N-Quads, so only the checksum can tell
        cut = data.rfind(b"\n", 0, len(data) // 2) + 1
        good.cache_file.write_bytes(data[:cut])
    elif damage == "flip":
        index = len(data) - 200
        good.cache_file.write_bytes(data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :])
    elif damage == "empty":
        good.cache_file.write_bytes(b"")
    else:
        good.cache_file.write_bytes(b"not a cache\n" + data)
    again = KnowledgeGraph.open()
    assert not again.from_cache
    assert (again.asserted_count, again.inferred_count) == (
        good.asserted_count,
        good.inferred_count,
    )
    assert again.ask("role-coverage") == good.ask("role-coverage")
    assert KnowledgeGraph.open().from_cache  # and the entry was written anew


def test_no_cache_reads_and_writes_nothing(cache_dir: Path) -> None:
    kg = KnowledgeGraph.open(cache=False)
    assert kg.cache_file is None and not cache_dir.exists()
    assert main(["validate", "--no-cache"]) == 0
    assert not cache_dir.exists()


def test_two_processes_filling_the_cache_at_once(cache_dir: Path) -> None:
    code = (
        "from ppo_graph.engine import KnowledgeGraph as K; k = K.open(); "
        "print(k.asserted_count, k.inferred_count, len(k.ask('role-coverage')))"
    )
    env = dict(os.environ, PPO_CACHE_DIR=str(cache_dir))
    runs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120)[0].split() for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert len({tuple(o) for o in outputs}) == 1
    assert len(cache.entries()) == 1 and not list(cache_dir.glob(".*.tmp"))
    assert KnowledgeGraph.open().from_cache


def test_cache_info_and_clear(cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    KnowledgeGraph.open()
    assert main(["cache", "info", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["folder"] == str(cache_dir) and len(info["entries"]) == 1
    assert info["entries"][0]["reasoner"] == "fast"
    assert main(["cache", "clear"]) == 0
    assert "removed 1" in capsys.readouterr().out
    assert cache.entries() == []


# ------------------------------------------------------------------------------------------------
# Imports: the fast commands stay light
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "forbidden"),
    [
        (["--help"], ("rdflib", "owlrl", "pyshacl", "networkx", "pyoxigraph")),
        (["query", "roles", "--format", "json"], ("rdflib", "owlrl", "pyshacl", "networkx")),
        (["queries"], ("rdflib", "owlrl", "pyshacl", "networkx")),
        (["validate"], ("rdflib", "owlrl", "pyshacl", "networkx")),
    ],
    ids=["help", "query", "queries", "validate"],
)
def test_fast_commands_import_no_heavy_library(
    tmp_path: Path, argv: list[str], forbidden: tuple[str, ...]
) -> None:
    code = (
        "import sys, contextlib, io\n"
        "from ppo_graph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        code = main({argv!r})\n"
        "    except SystemExit as e:\n"
        "        code = e.code\n"
        f"print(code, [m for m in {forbidden!r} if m in sys.modules])\n"
    )
    env = dict(os.environ, PPO_CACHE_DIR=str(tmp_path / "cache"))
    for _ in range(2):  # the first run fills the cache, the second answers from it
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.split(maxsplit=1)
        assert out[0] == "0", out
        assert out[1].strip() == "[]", f"imported: {out[1]}"


# ------------------------------------------------------------------------------------------------
# One input convention
# ------------------------------------------------------------------------------------------------


def test_query_takes_extra_files_like_every_command(
    cache_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extension = tmp_path / "acme.ttl"
    extension.write_text(EXTENSION, encoding="utf-8")
    assert main(["query", "role-coverage", str(extension), "--format", "json"]) == 0
    positional = json.loads(capsys.readouterr().out)
    assert any(r["role"] == "Capacity Analyst" for r in positional)
    assert main(["query", "role-coverage", "--data", str(extension), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == positional
    assert "--data is deprecated" in captured.err
    assert main(["query", "role-coverage", str(extension), "--no-reason", "--format", "json"]) == 0
    unreasoned = json.loads(capsys.readouterr().out)
    analyst = next(r for r in unreasoned if r["role"] == "Capacity Analyst")
    assert (analyst["direct"], analyst["total"]) == (1, 0)  # nothing carried without reasoning


def test_progress_for_large_inputs(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Large inputs say what they are doing (load, reason, validate); small ones stay quiet."""
    from ppo_graph import engine

    said: list[str] = []
    KnowledgeGraph.open(progress=said.append, cache=False).validate()
    assert said == []
    monkeypatch.setattr(engine, "LARGE", 1000)
    kg = KnowledgeGraph.open(progress=said.append, cache=False)
    kg.validate()
    assert [m.split()[0] for m in said if not m[0].isdigit()] == [
        "loaded",
        "reasoning",
        "validating",
        "validated",
    ]
    assert "triples inferred" in said[2]
    # not a terminal (as under pytest): the default progress writes nothing
    assert engine._progress_default() is not None
    engine._progress_default()("hello")
    assert "hello" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "DROP ALL",
    ],
)
def test_the_python_api_stays_local_and_read_only(cache_dir: Path, text: str) -> None:
    from ppo_graph.errors import UsageError

    kg = KnowledgeGraph.open()
    with pytest.raises(UsageError, match=r"refused|beyond the local graph"):
        kg.query(text)
    assert kg.query("ASK { ?s ?p ?o }")
