"""The engine and its cache: every answer stays right when an input changes by one byte, when the
version changes, when the cache file is damaged and when two processes fill it at once; the fast
commands import none of the heavy reference libraries; canned queries on the engine give the
reference rows (rdflib with initBindings) on the same reasoned graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from collections import Counter
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


#: A role with no IRI: what the reasoner infers about it (its type from ppo:hasDuty's domain, the
#: duty's ppo:isDutyOf from the inverse) must land on the same blank node as what the file says.
BLANK_ROLE = EXTENSION + '_:lead ppo:hasDuty ex:duty-1 ; rdfs:label "a role with no name" .\n'
BLANK_ROLE_ASK = """PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?lead WHERE {
  ?lead a ppo:Role ; rdfs:label "a role with no name" .
  <https://example.org/acme/duty-1> ppo:isDutyOf ?lead .
}"""


@pytest.mark.parametrize("reasoner", ["fast", "owlrl"])
def test_inferred_triples_about_a_blank_node_stay_on_it(tmp_path: Path, reasoner: str) -> None:
    """A store load names every blank node afresh: the inferred triples were loaded apart from
    the asserted ones, so a blank node's inferred type and inverse went to another node (and
    SHACL reported a Role with no label), in the store and in the rdflib views alike."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from ppo_graph.paths import ontology_dir

    extension = tmp_path / "acme.ttl"
    extension.write_text(BLANK_ROLE, encoding="utf-8")
    tbox = [p for p in sorted(ontology_dir().glob("*.ttl")) if p.name != "shapes.ttl"]
    kg = KnowledgeGraph.open(  # the ontology alone beside it: owlrl over the whole graph takes 10 s
        [*tbox, extension],
        shipped=False,
        cache=False,
        reasoner=reasoner,  # type: ignore[arg-type]
    )
    assert kg.reasoner == reasoner
    assert len(list(kg.store.query(BLANK_ROLE_ASK, use_default_graph_as_union=True))) == 1
    union = kg.rdflib_graph("union")
    leads = set(union.subjects(RDFS.label, Literal("a role with no name")))
    assert len(leads) == 1
    role = URIRef("https://w3id.org/ppo-graph/ontology#Role")
    assert (next(iter(leads)), RDF.type, role) in union
    assert not any("Role has no rdfs:label" in v.message for v in kg.validate().violations)


def test_blank_nodes_of_different_files_stay_apart(tmp_path: Path) -> None:
    """Two files that use the same blank node label, Turtle and an SSSOM table (whose axioms are
    labelled by its mapping set and line: a copy of a shipped table has the same labels), each
    keep their own nodes; within one file a label is one node."""
    from ppo_graph.crosswalk import table_path

    for name, value in (("one.ttl", "one"), ("two.ttl", "two")):
        (tmp_path / name).write_text(
            f'@prefix ex: <https://example.org/> .\n_:x ex:says "{value}" ; ex:again "{value}" .\n',
            encoding="utf-8",
        )
    copy = tmp_path / "itil4-copy.sssom.tsv"
    copy.write_bytes(table_path("itil4").read_bytes())
    kg = KnowledgeGraph.open(
        [tmp_path / "one.ttl", tmp_path / "two.ttl", copy], reasoning=False, cache=False
    )
    says = "SELECT DISTINCT ?x WHERE { ?x <https://example.org/says> ?v ; <https://example.org/again> ?v }"
    assert len(list(kg.store.query(says, use_default_graph_as_union=True))) == 2
    axioms = (
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?set <https://w3id.org/sssom/mappings> ?a . "
        "FILTER (?set = <https://w3id.org/ppo-graph/crosswalk/itil4.sssom.tsv>) }"
    )
    rows = table_path("itil4").read_text(encoding="utf-8").count("\nppod:")
    found = next(iter(kg.store.query(axioms, use_default_graph_as_union=True)))[0]
    assert int(found.value) == 2 * rows > 0


def test_second_open_is_served_from_the_cache(cache_dir: Path) -> None:
    first = KnowledgeGraph.open()
    assert not first.from_cache and first.cache_entry is not None and first.cache_entry.is_dir()
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


def _largest_data_file(entry: Path) -> Path:
    files = [p for p in (entry / "store").iterdir() if p.suffix in (".sst", ".nq")]
    return max(files, key=lambda p: p.stat().st_size)


def _record(meta: Path, file: Path) -> None:
    """The entry's checksums made to match ``file`` again: only reading it can tell."""
    recorded = json.loads(meta.read_text(encoding="utf-8"))
    recorded["files"][file.name] = [file.stat().st_size, zlib.crc32(file.read_bytes())]
    meta.write_text(json.dumps(recorded), encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    ["truncate", "flip", "empty", "missing", "garbage-header", "bad-snapshot", "bad-store"],
)
def test_a_damaged_cache_entry_is_rebuilt_never_answered(
    cache_dir: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ppo_graph import engine

    if damage == "bad-store":  # an on-disk store: the form of a large graph's entry
        monkeypatch.setattr(engine, "LARGE", 10)
    good = KnowledgeGraph.open()
    assert good.cache_entry is not None
    data_file = _largest_data_file(good.cache_entry)
    data = data_file.read_bytes()
    meta = good.cache_entry / "entry.json"
    if damage == "truncate":
        data_file.write_bytes(data[: len(data) // 2])
    elif damage == "flip":  # one bit, same size: only the checksum can tell
        index = len(data) // 2
        data_file.write_bytes(data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :])
    elif damage == "empty":
        data_file.write_bytes(b"")
    elif damage == "missing":
        data_file.unlink()
    elif damage == "garbage-header":
        meta.write_text("not a cache entry", encoding="utf-8")
    elif damage == "bad-snapshot":  # does not parse, though the recorded checksums match
        assert data_file.name == engine.SNAPSHOT
        data_file.write_bytes(data[: len(data) // 2] + b"<unclosed\n")
        _record(meta, data_file)
    else:  # RocksDB cannot open it, though the recorded checksums still match
        current = good.cache_entry / "store" / "CURRENT"
        current.write_bytes(b"MANIFEST-999999\n")
        _record(meta, current)
    again = KnowledgeGraph.open()
    assert not again.from_cache
    assert (again.asserted_count, again.inferred_count) == (
        good.asserted_count,
        good.inferred_count,
    )
    assert again.ask("role-coverage") == good.ask("role-coverage")
    assert KnowledgeGraph.open().from_cache  # and the entry was written anew


def test_the_cache_serves_large_graphs_from_disk_and_small_ones_from_memory(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small graph's entry is a snapshot read into memory (faster joins), its store writable
    and the entry untouched; one at or above LARGE is an on-disk store read in place,
    read-only, and still answers the same rows."""
    import pyoxigraph as ox

    from ppo_graph import engine

    small = KnowledgeGraph.open()
    small_again = KnowledgeGraph.open()
    assert small_again.from_cache and small_again.store_path is None
    assert small_again.cache_entry is not None
    snapshot = small_again.cache_entry / "store" / engine.SNAPSHOT
    before = snapshot.read_bytes()
    small_again.store.add(
        ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o"))
    )
    assert snapshot.read_bytes() == before
    assert len(KnowledgeGraph.open()) == len(small)
    monkeypatch.setattr(engine, "LARGE", 10)
    cache.clear()
    KnowledgeGraph.open()  # written as an on-disk store this time
    on_disk = KnowledgeGraph.open()
    assert on_disk.from_cache and on_disk.store_path is not None
    with pytest.raises(RuntimeError, match="read-write"):  # read in place, read-only
        on_disk.store.add(next(iter(on_disk.store)))
    assert on_disk.ask("role-coverage") == small.ask("role-coverage")
    assert len(on_disk) == len(small)
    # a worker process (forked, its files closed) opens the store itself and answers the same
    in_worker = on_disk.rows("role-duties", timeout=20, text=True)
    assert in_worker == small.rows("role-duties", text=True) and in_worker


def test_an_unchanged_input_is_not_read_again_and_a_changed_one_is(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest of an input whose stat did not change is remembered; a change of content (even
    with the same size and modification time put back) is seen."""
    extension = tmp_path / "acme.ttl"
    extension.write_text(EXTENSION, encoding="utf-8")
    settled = extension.stat().st_mtime - 60
    os.utime(extension, (settled, settled))
    monkeypatch.setattr(cache, "_SETTLED", -1.0)  # the ctime is fresh: settle at once here
    KnowledgeGraph.open([extension])
    reads: list[Path] = []
    real = cache.file_digest
    monkeypatch.setattr(cache, "file_digest", lambda p: reads.append(p) or real(p))
    assert KnowledgeGraph.open([extension]).from_cache
    assert reads == []
    stat = extension.stat()
    extension.write_text(EXTENSION.replace("Analyst", "Analysz"), encoding="utf-8")  # same size
    os.utime(extension, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert extension.stat().st_size == stat.st_size
    rebuilt = KnowledgeGraph.open([extension])
    assert reads == [extension] and not rebuilt.from_cache
    assert "Capacity Analysz" in {r["role"] for r in rebuilt.ask("role-coverage")}


def test_no_cache_reads_and_writes_nothing(cache_dir: Path) -> None:
    kg = KnowledgeGraph.open(cache=False)
    assert kg.cache_entry is None and not cache_dir.exists()
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
    assert len(cache.entries()) == 1 and not list(cache_dir.glob(".tmp-*"))
    assert KnowledgeGraph.open().from_cache


#: A process of its own (no other thread, as ``ppo`` is): an entry published aside, by a forked
#: child, while the caller goes on. ``fill`` writes its pid, waits for the rest, writes it; the
#: script prints whether it went aside, whether another process filled it, what the entry holds
#: and what temp folders are left once the command's context has ended, and how long it took.
ASIDE = """
import json, os, sys, threading, time
from pathlib import Path
from ppo_graph.engine import cache
KEY = "a" * 64
mode = sys.argv[1]
def fill(folder, later):
    folder.mkdir(parents=True)
    (folder / "by").write_text(str(os.getpid()))
    if mode in ("abandon", "vanish"):
        time.sleep(60)  # a long bulk load, before the command sends the rest
    meta, payload = later()
    (folder / "rest").write_bytes(payload)
    if mode == "interrupt":
        time.sleep(60)  # still writing when the command is interrupted
    return meta
if mode == "thread":  # another thread running: a fork would copy only this one
    threading.Thread(target=time.sleep, args=(3,), daemon=True).start()
started = time.monotonic()
try:
    with cache.writing_aside():
        aside = cache.publish_aside(KEY, fill)
        try:
            if mode == "abandon":
                raise KeyboardInterrupt  # before the rest is sent
            if mode == "vanish":  # the cache folder replaced by a file under the command
                import shutil
                while not (cache._tmp_for(KEY, aside.pid) / "store" / "by").exists():
                    time.sleep(0.01)  # the writer has made its folder and is writing
                shutil.rmtree(cache.cache_dir())
                cache.cache_dir().write_text("not a folder")
                print(json.dumps({"finished": aside.finish({"told": 1}, b"the rest"),
                                  "seconds": round(time.monotonic() - started)}))
                sys.exit(0)
            if aside is not None:
                aside.finish({"told": 1}, b"the rest")
            else:  # as the engine does: written in place, before going on
                cache.publish(KEY, lambda f: fill(f, lambda: ({"told": 1}, b"the rest")), {"told": 1})
            if mode == "interrupt":
                time.sleep(0.5)
                raise KeyboardInterrupt
        finally:
            if aside is not None:
                aside.close()
except KeyboardInterrupt:
    pass
entry = cache.path_for(KEY)
store = entry / "store"
print(json.dumps({
    "aside": aside is not None,
    "by another": entry.is_dir() and (store / "by").read_text() != str(os.getpid()),
    "rest": (store / "rest").read_text() if entry.is_dir() else None,
    "told": json.loads((entry / "entry.json").read_text()).get("told") if entry.is_dir() else None,
    "temp": sorted(p.name for p in cache.cache_dir().iterdir() if p.name.startswith(".tmp-")),
    "seconds": round(time.monotonic() - started),
}))
"""


def _aside(cache_dir: Path, mode: str) -> dict[str, object]:
    env = dict(os.environ, PPO_CACHE_DIR=str(cache_dir))
    out = subprocess.run(
        [sys.executable, "-c", ASIDE, mode],
        capture_output=True, text=True, env=env, check=True, timeout=120,
    )  # fmt: skip
    return dict(json.loads(out.stdout))


def test_a_command_writes_its_cache_entry_aside_and_waits_for_it(cache_dir: Path) -> None:
    """The entry is filled by a forked child while the command goes on, told the rest later,
    and is whole, with no temp folder left, when the command's context ends."""
    assert _aside(cache_dir, "plain") == {
        "aside": True, "by another": True, "rest": "the rest", "told": 1, "temp": [], "seconds": 0
    }  # fmt: skip


def test_with_another_thread_running_the_entry_is_written_in_place(cache_dir: Path) -> None:
    """A fork copies one thread, so a process running others (a server, a notebook) writes the
    entry itself, before going on."""
    done = _aside(cache_dir, "thread")
    assert (done["aside"], done["by another"], done["told"], done["temp"]) == (False, False, 1, [])


@pytest.mark.parametrize("mode", ["abandon", "interrupt"])
def test_a_stopped_command_stops_its_writer_and_leaves_nothing_half_written(
    cache_dir: Path, mode: str
) -> None:
    """Stopped before it sent the rest (an error, Ctrl-C) or while the writer still writes: the
    writer is ended at once (it sleeps 60 s here), no entry and no temp folder are left."""
    done = _aside(cache_dir, mode)
    assert (done["aside"], done["rest"], done["temp"]) == (True, None, [])
    assert isinstance(done["seconds"], int) and done["seconds"] < 30


def test_a_cache_folder_gone_under_the_command_stops_its_writer(cache_dir: Path) -> None:
    """The rest cannot be handed over (the folder is now a file): the command is told so at
    once, goes on without an entry, and its writer (sleeping 60 s) is stopped."""
    done = _aside(cache_dir, "vanish")
    assert done == {"finished": False, "seconds": 0}


#: ``ppo validate`` as a user runs it, every graph taken as large (an on-disk entry written
#: aside), then the entry read back against a fresh build: the same quads (blank nodes aside), and
#: the inferred triples about a blank node still meet its asserted ones (labels kept).
LARGE_ASIDE = """
import collections, contextlib, io, json, sys
import pyoxigraph as ox
from ppo_graph import engine
from ppo_graph.cli import main
engine.LARGE = 1000
engine.ASIDE_BATCH = 2000  # the shipped graph in some ten batches, the inferred in one more
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["validate", sys.argv[1]])
cached = engine.KnowledgeGraph.open([sys.argv[1]])
fresh = engine.KnowledgeGraph.open([sys.argv[1]], cache=False)
def quads(kg):
    return collections.Counter(
        tuple("_" if isinstance(t, ox.BlankNode) else str(t) for t in q) for q in kg.store
    )
JOIN = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/ppo-graph/graph/inferred> "
    "{ ?b ?q ?t } GRAPH <https://w3id.org/ppo-graph/graph/asserted> { ?b ?p ?o } FILTER isBlank(?b) }"
)
def joined(kg):
    return int(next(iter(kg.store.query(JOIN, use_default_graph_as_union=False)))[0].value)
print(json.dumps({
    "code": code, "from cache": cached.from_cache, "on disk": cached.store_path is not None,
    "same quads": quads(cached) == quads(fresh), "joined": [joined(cached), joined(fresh)],
    "counts": [cached.inferred_count, fresh.inferred_count],
}))
"""


def test_a_large_entry_written_aside_holds_the_graph(cache_dir: Path, tmp_path: Path) -> None:
    extension = tmp_path / "acme.ttl"
    extension.write_text(BLANK_ROLE, encoding="utf-8")
    env = dict(os.environ, PPO_CACHE_DIR=str(cache_dir))
    out = subprocess.run(
        [sys.executable, "-c", LARGE_ASIDE, str(extension)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    done = json.loads(out.stdout)
    assert done["from cache"] and done["on disk"] and done["same quads"], done
    joined = done["joined"]
    assert joined[0] == joined[1] > 0  # _:lead's inferred type and inverse meet its label
    assert done["counts"][0] == done["counts"][1]
    assert not list(cache_dir.glob(".tmp-*"))


def test_a_large_entry_written_in_place_in_batches_holds_the_graph(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer in place (a library caller, a process with threads), in batches that stream
    from the store: read back, the same quads as a fresh build."""
    from ppo_graph import engine

    monkeypatch.setattr(engine, "LARGE", 1000)
    monkeypatch.setattr(engine, "WRITE_BATCH", 2000)
    extension = tmp_path / "acme.ttl"
    extension.write_text(BLANK_ROLE, encoding="utf-8")
    written = KnowledgeGraph.open([extension])
    assert not written.from_cache and "cache write" in written.timings
    cached = KnowledgeGraph.open([extension])
    assert cached.from_cache and cached.store_path is not None

    def quads(kg: KnowledgeGraph) -> Counter[tuple[str, ...]]:
        return Counter(
            tuple("_" if type(t).__name__ == "BlankNode" else str(t) for t in q) for q in kg.store
        )

    assert quads(cached) == quads(KnowledgeGraph.open([extension], cache=False))
    assert len(cached.store) > 10 * 2000  # ten batches and more


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
        (
            ["--help"],
            ("rdflib", "owlrl", "pyshacl", "networkx", "pyoxigraph", "ppo_graph.role_document"),
        ),
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
