"""The crosswalk (issue 21): the SSSOM tables of data/crosswalk/ pass the sssom package's own
validator; the project's plain reader gives the rows sssom's parser gives and the RDF sssom writes
(plus the plain SKOS triples); a bad table is refused naming its file and line (exit 2); the
tables load into the graph on both engines and the reasoners infer nothing from them; a table
that drops a duty's rows makes the check fire; and `ppo crosswalk` and the workbench's crosswalk
pages show the rows and the coverage matrix the tables say, counted here from the tables read
with csv and the sections' Turtle, not through SPARQL.

The sssom package (and its pandas and LinkML) is imported once, by a module fixture; the graph is
opened once (the session's cache)."""

from __future__ import annotations

import csv
import functools
import json
import logging
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, html_table, require_module
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS
from starlette.testclient import TestClient
from test_serve import make_client

from ppo_graph import crosswalk
from ppo_graph.backends.reference.load import load_graph
from ppo_graph.backends.reference.namespaces import PPO, PPOD
from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.errors import InputError
from ppo_graph.namespaces import SSSOM_NS, compact
from ppo_graph.paths import data_dir, shipped_graph_files

pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::FutureWarning"
)  # pandas' own, raised inside the sssom package

SHIPPED = sorted((data_dir() / "crosswalk").glob("*.sssom.tsv"))
FIXTURE_TABLES = sorted((FIXTURES / "crosswalk").glob("*.sssom.tsv"))
TABLES = SHIPPED + FIXTURE_TABLES
MATCHES = {
    str(SKOS[m]) for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
}


def _table_id(path: Path) -> str:
    return f"{'fixture' if path in FIXTURE_TABLES else 'shipped'}/{path.name}"


def test_the_tables_are_collected() -> None:
    assert [p.name for p in SHIPPED] == [f"{n}.sssom.tsv" for n in sorted(crosswalk.FRAMEWORKS)]
    assert len(FIXTURE_TABLES) == 3
    assert set(SHIPPED) <= set(shipped_graph_files())


# -- the sssom package: its validator, its parser, its RDF ------------------------------------


@pytest.fixture(scope="module")
def sssom_parsed() -> dict[Path, Any]:
    """Each table as the sssom package parses it (its warnings about propagated slots muted)."""
    require_module("sssom", "pip install sssom (in the dev extra)")
    from sssom.parsers import parse_sssom_table

    logging.getLogger().setLevel(logging.ERROR)
    return {path: parse_sssom_table(path) for path in TABLES}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_sssom_validator_passes(sssom_parsed: dict[Path, Any], path: Path) -> None:
    from sssom.validators import validate

    reports = validate(sssom_parsed[path], fail_on_error=False)
    assert reports, "the validator ran no validation"
    problems = [r.message for report in reports.values() for r in report.results]
    assert problems == []


@pytest.mark.parametrize("path", TABLES, ids=_table_id)
def test_the_reader_gives_the_rows_sssom_parses(sssom_parsed: dict[Path, Any], path: Path) -> None:
    """The same rows (sssom sorts them: compared by subject, predicate and object), the same
    IRIs for the CURIEs, labels, comments, authors and confidences."""
    ours = crosswalk.read(path)
    parsed = sssom_parsed[path]
    expand = parsed.converter.expand
    theirs = {
        (expand(r["subject_id"]), expand(r["predicate_id"]), expand(r["object_id"])): r
        for _, r in parsed.df.iterrows()
    }
    assert len(ours.rows) == len(theirs) == len(parsed.df) > 0
    for row in ours.rows:
        their = theirs[(row.subject, row.predicate, row.object)]
        assert row.iris["mapping_justification"] == [expand(their["mapping_justification"])]
        for column in ("subject_label", "object_label", "comment", "author_label"):
            value = their.get(column)
            assert row.cells.get(column, "") == (
                "" if value is None or value != value else str(value)
            )
        assert float(row.cells["confidence"]) == float(their["confidence"])
    assert ours.iri == parsed.metadata["mapping_set_id"]


#: sssom's RDF writer takes a second a table: the largest shipped table and the fixtures (whose
#: rows use more of the slots) show the form; the other tables are read by the same code.
RDF_TABLES = [data_dir() / "crosswalk" / "itil4.sssom.tsv", *FIXTURE_TABLES]


@pytest.mark.parametrize("path", RDF_TABLES, ids=_table_id)
def test_the_rdf_is_sssoms_own_plus_the_skos_triples(
    sssom_parsed: dict[Path, Any], path: Path
) -> None:
    from sssom.writers import to_rdf_graph

    table = crosswalk.read(path)
    ours = Graph().parse(data=table.ntriples(), format="nt")
    plain = {t for t in ours if str(t[1]) in MATCHES}
    assert _keyed(ours) - plain == _keyed(to_rdf_graph(sssom_parsed[path]))
    expected = {
        (URIRef(r.subject), URIRef(r.predicate), URIRef(r.object))
        for r in table.rows
        if r.object != crosswalk.NO_TERM_FOUND
    }
    assert plain == expected and plain


def _keyed(graph: Graph) -> set[tuple[Any, ...]]:
    """The graph's triples with each mapping's blank node named by what it maps (its source,
    property and target, one mapping per set): equal sets are the same graph, found far quicker
    than rdflib's isomorphism test on hundreds of blank nodes."""
    key = {
        node: (
            graph.value(node, OWL.annotatedSource),
            graph.value(node, OWL.annotatedProperty),
            graph.value(node, OWL.annotatedTarget),
        )
        for node in graph.subjects(RDF.type, OWL.Axiom)
    }
    assert all(isinstance(node, BNode) for node in key) and len(set(key.values())) == len(key)
    return {tuple(key.get(x, x) for x in triple) for triple in graph}


# -- the reader refuses what it cannot read, naming file and line --------------------------------

GOOD = (FIXTURES / "crosswalk" / "itil4.sssom.tsv").read_text(encoding="utf-8")
HEADER_LINE = 1 + next(i for i, line in enumerate(GOOD.splitlines()) if not line.startswith("#"))
FIRST_ROW = GOOD.splitlines()[HEADER_LINE]


def _spoil(row: str) -> str:
    """The good table with ``row`` added after its first row (its line: HEADER_LINE + 2)."""
    lines = GOOD.splitlines()
    return "\n".join([*lines[: HEADER_LINE + 1], row, *lines[HEADER_LINE + 1 :]]) + "\n"


def _with(cells: dict[str, str]) -> str:
    columns = GOOD.splitlines()[HEADER_LINE - 1].split("\t")
    values = dict(zip(columns, FIRST_ROW.split("\t"), strict=True)) | cells
    return "\t".join(values[c] for c in columns)


BAD_TABLES = {
    "duplicate": (_spoil(FIRST_ROW), HEADER_LINE + 2, "also on line"),
    "confidence": (_spoil(_with({"confidence": "1.2", "object_id": "itil4:x"})), HEADER_LINE + 2,
                   "is not a number from 0 to 1"),
    "not-a-number": (_spoil(_with({"confidence": "high", "object_id": "itil4:x"})), HEADER_LINE + 2,
                     "is not a number from 0 to 1"),
    "cells": (_spoil("ppod:duty-7.6-02\tskos:closeMatch"), HEADER_LINE + 2, "the row has 2 cells"),
    "prefix": (_spoil(_with({"object_id": "itil5:x"})), HEADER_LINE + 2, "'itil5' is not in the curie_map"),
    "predicate": (_spoil(_with({"predicate_id": "owl:sameAs", "object_id": "itil4:x"})),
                  HEADER_LINE + 2, "not a SKOS mapping property"),
    "date": (_spoil(_with({"mapping_date": "6 Dec 2026", "object_id": "itil4:x"})), HEADER_LINE + 2,
             "is not a date"),
    "no-justification": (_spoil(_with({"mapping_justification": "", "object_id": "itil4:x"})),
                         HEADER_LINE + 2, "no mapping_justification"),
    "quote": (_spoil(_with({"comment": '"unclosed', "object_id": "itil4:x"})), HEADER_LINE + 2,
              "cannot read the row"),
    "column": (GOOD.replace("\tcomment\n", "\tremark\n", 1), HEADER_LINE, "'remark' is not one"),
    "metadata": (GOOD.replace("# license: ", "# license ", 1), 9, "expected 'key: value'"),
    "no-license": ("\n".join(x for x in GOOD.splitlines() if "license" not in x) + "\n", 1,
                   "no license"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD_TABLES))
def test_a_bad_table_is_refused_naming_file_and_line(tmp_path: Path, name: str) -> None:
    text, line, words = BAD_TABLES[name]
    path = tmp_path / f"{name}.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        crosswalk.read(path)
    assert caught.value.path == str(path) and caught.value.line == line
    assert words in caught.value.reason


def test_a_bad_table_exits_2_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, line, words = BAD_TABLES["duplicate"]
    path = tmp_path / "mine.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    for argv in (["validate", str(path)], ["crosswalk", "--to", "itil4", str(path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"{path}:{line}: " in err and words in err and "Traceback" not in err


def test_a_table_loads_on_both_engines_and_is_read_as_the_engine_reads_it() -> None:
    """rdflib's loader (the reference) reads a table through the same reader."""
    path = FIXTURE_TABLES[0]
    reference = load_graph([path], shipped=False)
    ours = Graph().parse(data=crosswalk.read(path).ntriples(), format="nt")
    assert isomorphic(reference, ours)


# -- in the graph ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def test_the_graph_holds_every_row_and_infers_nothing_from_them(engine: KnowledgeGraph) -> None:
    rows = sum(len(crosswalk.read(p).rows) for p in SHIPPED)
    axioms = engine.query(
        f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?set <{SSSOM_NS}mappings> ?m . ?m a <{OWL}Axiom> }}"
    )
    assert int(next(iter(axioms))["n"].value) == rows
    inferred = {str(q.predicate.value) for q in engine.quads("inferred")}
    assert inferred.isdisjoint(MATCHES | {SSSOM_NS + "mappings", str(SKOS.broader)})
    assert engine.reasoner == "fast"


def test_a_table_without_a_dutys_rows_makes_the_check_fire(tmp_path: Path) -> None:
    """A copy of the shipped ITIL 4 table without 7.6-01's rows: the duty has no ITIL 4 row."""
    table = SHIPPED[[p.name for p in SHIPPED].index("itil4.sssom.tsv")]
    kept = [
        x
        for x in table.read_text("utf-8").splitlines(True)
        if not x.startswith("ppod:duty-7.6-01\t")
    ]
    copy = tmp_path / "itil4.sssom.tsv"
    copy.write_text("".join(kept), encoding="utf-8")
    files = [p for p in shipped_graph_files() if p != table] + [copy]
    graph = KnowledgeGraph.open(files, shipped=False, cache=False)
    rows = [
        (compact(r["focus"].value), compact(r["value"].value))
        for r in graph.rows("crosswalk-incomplete-violation")
    ]
    assert rows == [("ppod:duty-7.6-01", "itil4:scheme")]


# -- independent counts: the tables read with csv, the roles' processes from the sections -------


@functools.cache
def _table(name: str) -> list[dict[str, str]]:
    lines = (data_dir() / "crosswalk" / f"{name}.sssom.tsv").read_text("utf-8").splitlines()
    return list(csv.DictReader([x for x in lines if not x.startswith("#")], delimiter="\t"))


@functools.cache
def _sections() -> Graph:
    graph = Graph()
    for path in sorted((data_dir() / "sections").glob("*.ttl")):
        graph.parse(path)
    return graph


@functools.cache
def _duty_group() -> dict[str, str]:
    """duty CURIE -> the label of the process its role owns or manages, else of its role."""
    graph = _sections()
    processes = Graph().parse(data_dir() / "processes.ttl")
    out = {}
    for duty, role in graph.subject_objects(PPO.isDutyOf):
        process = graph.value(role, PPO.ownsProcess) or graph.value(role, PPO.managesProcess)
        label = processes.value(process, RDFS.label) if process else graph.value(role, RDFS.label)
        out["ppod:" + str(duty).removeprefix(str(PPOD))] = str(label)
    return out


def _expected_matrix(name: str) -> dict[tuple[str, str], int]:
    """(process or generic role label, target CURIE) -> how many duties map there."""
    groups = _duty_group()
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in _table(name):
        if row["subject_id"] in groups:
            cells[(groups[row["subject_id"]], row["object_id"])].add(row["subject_id"])
    return {key: len(duties) for key, duties in cells.items()}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("by", ["duty", "role", "process"])
def test_crosswalk_csv_has_a_row_per_mapping(capsys: pytest.CaptureFixture[str], by: str) -> None:
    code, out, _ = run(capsys, "crosswalk", "--to", "iso20000", "--by", by, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(out.splitlines()))
    groups = _duty_group()
    roles = {
        str(_sections().value(r, RDFS.label)) for r in set(_sections().objects(None, PPO.isDutyOf))
    }
    table = _table("iso20000")
    if by == "duty":
        expected = Counter(r["subject_id"] for r in table if r["subject_id"] in groups)
        assert Counter(r["duty"] for r in rows) == expected
        assert all(r["text"] for r in rows)
    else:
        mine = [
            r
            for r in table
            if r["subject_id"] not in groups and (r["subject_label"] in roles) == (by == "role")
        ]
        assert Counter(r[by] for r in rows) == Counter(r["subject_label"] for r in mine)
    assert {r["match"] for r in rows} <= {m.rsplit("#")[1] for m in MATCHES}


def test_crosswalk_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys, "crosswalk", "--to", "cobit2019", "--by", "process", "--format", "json"
    )
    assert code == 0 and json.loads(out)[0].keys() == {
        "process",
        "match",
        "target",
        "confidence",
        "comment",
    }
    code, out, _ = run(
        capsys, "crosswalk", "--to", "cobit2019", "--by", "process", "--format", "md"
    )
    assert code == 0 and out.startswith("| process | match | target | confidence | comment |")
    code, out, _ = run(capsys, "crosswalk", "--to", "cobit2019")
    assert code == 0 and "ppod:duty-7.6-01  Ensuring that there is adequate IT capacity" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    require_module("openpyxl")
    book = tmp_path / "cobit.xlsx"
    assert run(capsys, "crosswalk", "--to", "cobit2019", "--out", str(book))[0] == 0
    from openpyxl import load_workbook

    sheet = load_workbook(book).active
    assert sheet is not None and sheet.max_row == 1 + sum(
        1 for r in _table("cobit2019") if r["subject_id"] in _duty_group()
    )


def test_crosswalk_sssom_is_the_table_as_shipped(capsys: pytest.CaptureFixture[str]) -> None:
    path = data_dir() / "crosswalk" / "itil4.sssom.tsv"
    code, out, _ = run(capsys, "crosswalk", "--to", "itil4", "--format", "sssom")
    assert code == 0 and out == path.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "crosswalk", "--to", "itil4", "--format", "sssom", "--by", "role")
    written = path.read_text(encoding="utf-8").splitlines(True)
    roles = {
        "ppod:" + str(r).removeprefix(str(PPOD))
        for r in set(_sections().objects(None, PPO.isDutyOf))
    }
    expected = [
        x
        for x in written
        if x.startswith("#") or x.startswith("subject_id\t") or x.split("\t")[0] in roles
    ]
    assert code == 0 and out.splitlines(True) == expected


def test_crosswalk_html_is_the_coverage_matrix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "itil4.html"
    assert run(capsys, "crosswalk", "--to", "itil4", "--out", str(page))[0] == 0
    text = page.read_text(encoding="utf-8")
    assert "default-src 'none'" in text and "<script" not in text and 'href="/' not in text
    _assert_matrix(text, "itil4")


def _header(terms: Graph, curie: str) -> str:
    """How the matrix's header names a target: its code (a clause number, an objective code), or
    its name when it has none (an ITIL 4 practice)."""
    if curie == "sssom:NoTermFound":
        return crosswalk.NO_TERM_LABEL
    prefix, _, local = curie.partition(":")
    node = URIRef(str(dict(terms.namespaces())[prefix]) + local)
    return str(terms.value(node, SKOS.notation) or terms.value(node, RDFS.label))


def _assert_matrix(text: str, name: str) -> None:
    """The page's matrix (table#matrix) has the counts the table says, and each count links to a
    section of the page that lists that many duties."""
    table = html_table(text, "matrix").rows
    terms = Graph().parse(data_dir() / "crosswalk" / f"{name}.ttl")
    expected = {
        (group, _header(terms, target)): count
        for (group, target), count in _expected_matrix(name).items()
    }
    header = table[0][1:-1]
    got = {
        (row[0], column): int(cell)
        for row in table[1:]
        for column, cell in zip(header, row[1:-1], strict=True)
        if cell
    }
    assert got == expected
    links = re.findall(r'<a href="#(cell-[^"]+)">(\d+)</a>', text)
    assert len(links) == len(expected)
    for cell, count in links:
        section = text[text.index(f'id="{cell}"') :]
        section = section[: section.index("</section>")]
        assert len(set(re.findall(r"ppod:duty-[0-9.]+-[0-9]+", section))) == int(count)


# -- the workbench -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(engine: KnowledgeGraph) -> TestClient:
    return make_client(engine)


def test_the_workbench_links_the_crosswalk_pages(client: TestClient) -> None:
    index = client.get("/crosswalk")
    assert index.status_code == 200 and 'href="/crosswalk"' in client.get("/").text
    rows = html_table(index.text, "frameworks").rows[1:]
    for name, row in zip(
        sorted(crosswalk.FRAMEWORKS, key=list(crosswalk.FRAMEWORKS).index), rows, strict=True
    ):
        duties = sum(1 for r in _table(name) if r["subject_id"] in _duty_group())
        assert f'href="/crosswalk/{name}"' in index.text and int(row[1]) == duties
    assert client.get("/crosswalk/itil5").status_code == 404


@pytest.mark.parametrize("name", sorted(crosswalk.FRAMEWORKS))
def test_the_workbench_page_is_the_coverage_matrix(client: TestClient, name: str) -> None:
    response = client.get(f"/crosswalk/{name}")
    assert response.status_code == 200 and "Content-Security-Policy" in response.headers
    _assert_matrix(response.text, name)


def test_a_role_page_shows_the_roles_mappings(client: TestClient) -> None:
    text = client.get("/roles/CapacityManagementProcessOwner").text
    rows = html_table(text, "mappings").rows[1:]
    own = [r for r in rows if r[4] == "the role's own row"]
    expected = [
        r
        for n in crosswalk.FRAMEWORKS
        for r in _table(n)
        if r["subject_id"] == "ppod:CapacityManagementProcessOwner"
    ]
    assert len(own) == len(expected) > 0
    assert {r[5] for r in own} == {r["comment"] for r in expected}
    assert any(r[4].endswith("of its duties") for r in rows)


HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'


def test_hostile_text_is_escaped_on_both_pages() -> None:
    """A table is data, and data can be hostile: every label, text and comment is escaped on the
    workbench's page and in the file ``ppo crosswalk --format html`` writes."""
    from ppo_graph.serve.workbench.crosswalk import crosswalk_page, standalone_page

    def mapped(kind: str, subject: str, target: str) -> crosswalk.Mapped:
        return crosswalk.Mapped(
            kind, subject, HOSTILE, HOSTILE, "https://example.org/p", HOSTILE, "process",
            str(SKOS.closeMatch), target, HOSTILE, HOSTILE, "0.5", HOSTILE, "2026-01-01", HOSTILE,
        )  # fmt: skip

    term = crosswalk.Term("https://example.org/t", HOSTILE, HOSTILE, HOSTILE, "ITIL4Practice")
    cov = crosswalk.Coverage(
        crosswalk.FRAMEWORKS["itil4"],
        [term],
        [
            mapped("duty", "https://example.org/duty-1", term.iri),
            mapped("role", "https://example.org/r", term.iri),
        ],
    )
    for page in (crosswalk_page(cov), standalone_page(cov)):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img" in page
        assert html_table(page, "matrix").rows[1][1] == "1"


def test_the_guide_counts_the_tables_rows() -> None:
    """docs/crosswalk.md's table of row counts is the tables' (read with csv)."""
    guide = (Path(__file__).resolve().parent.parent / "docs" / "crosswalk.md").read_text("utf-8")
    listed = {
        name: tuple(int(n) for n in numbers.split(" | "))
        for name, numbers in re.findall(r"(?m)^\| `([a-z0-9]+)` \| ([0-9 |]+?) \|$", guide)
    }
    roles = {
        "ppod:" + str(r).removeprefix(str(PPOD))
        for r in set(_sections().objects(None, PPO.isDutyOf))
    }
    counted = {}
    for name in crosswalk.FRAMEWORKS:
        rows = _table(name)
        duties = sum(r["subject_id"] in _duty_group() for r in rows)
        role_rows = sum(r["subject_id"] in roles for r in rows)
        none = sum(r["object_id"] == "sssom:NoTermFound" for r in rows)
        counted[name] = (duties, role_rows, len(rows) - duties - role_rows, none)
    assert listed == counted


def test_an_edited_table_is_a_cache_miss(tmp_path: Path) -> None:
    """The cache key holds each table's content: a table edited after a graph was cached is read
    again, not answered from the cache."""
    from ppo_graph.paths import ontology_dir

    table = tmp_path / "mine.sssom.tsv"
    table.write_text(GOOD, encoding="utf-8")
    tbox = [p for p in sorted(ontology_dir().glob("*.ttl")) if p.name != "shapes.ttl"]
    files = [*tbox, FIXTURES / "crosswalk" / "itil4.ttl", table]
    query = f"SELECT ?c WHERE {{ ?m <{RDFS.comment}> ?c }} ORDER BY ?c"
    first = KnowledgeGraph.open(files, shipped=False)
    assert not first.from_cache
    assert KnowledgeGraph.open(files, shipped=False).from_cache
    table.write_text(GOOD.replace("is the practice's purpose", "names the practice"), "utf-8")
    again = KnowledgeGraph.open(files, shipped=False)
    assert not again.from_cache
    comments = {str(r["c"].value) for r in again.query(query)}
    assert any(c.endswith("names the practice") for c in comments)
    assert not any(c.endswith("is the practice's purpose") for c in comments)


def test_framework_terms_nest_at_most_two_steps_under_another() -> None:
    """iso20000-clause-evidence and crosswalk-terms follow skos:broader two steps, not with a
    ``*`` path (Virtuoso 7.2 loses rows of one): the framework terms as written nest no deeper
    (a clause 8.7.2 under 8.7 under 8), and none is its own ancestor."""
    graph = Graph()
    for path in sorted((data_dir() / "crosswalk").glob("*.ttl")):
        graph.parse(path)
    parents = {s: o for s, o in graph.subject_objects(SKOS.broader)}
    assert len(parents) == len(set(graph.subjects(SKOS.broader))), "one parent each"
    assert parents, "the clauses do nest"
    depths = {}
    for term in parents:
        chain, node = [], term
        while node in parents:
            assert node not in chain, f"{term} is its own ancestor"
            chain.append(node)
            node = parents[node]
        depths[term] = len(chain)
    assert max(depths.values()) == 2, sorted(depths.items(), key=lambda kv: -kv[1])[:3]
