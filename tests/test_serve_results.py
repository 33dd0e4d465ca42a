"""How the endpoint writes results (:mod:`ppo_graph.serve.results`): every body is pyoxigraph's own
serialisation, byte for byte, in every format; the terms survive whatever they hold (tabs, line
breaks, language tags and directions, triple terms, blank nodes, literals not in canonical form);
the row cap cuts at exactly ``max_rows`` and stops the evaluation there, for SELECT and for
CONSTRUCT, however many rows the query would give."""

from __future__ import annotations

import time
from typing import Any

import pyoxigraph as ox
import pytest

from ppo_graph.engine import KnowledgeGraph
from ppo_graph.serve.negotiation import GRAPH_FORMATS, RESULT_FORMATS
from ppo_graph.serve.results import Refused, Request, answer_query, answer_rows, first_rows_tsv

X = "http://www.w3.org/2001/XMLSchema#"
E = "http://example.org/"
FORMATS = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
GRAPHS = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}
TRIPLE = ox.Triple(ox.NamedNode(E + "s"), ox.NamedNode(E + "p"), ox.Literal("o\tin a triple"))
#: Terms that a writer could get wrong.
TERMS = [
    ox.NamedNode(E + "é"),
    ox.BlankNode("b1"),
    ox.Literal('tab\there, line\nbreak, return\r, "quote", back\\slash'),
    ox.Literal("colour", language="en-GB"),
    ox.Literal("ltr", language="ar", direction=ox.BaseDirection.RTL),
    ox.Literal("01", datatype=ox.NamedNode(X + "integer")),
    ox.Literal(" 1", datatype=ox.NamedNode(X + "integer")),
    ox.Literal("1.", datatype=ox.NamedNode(X + "decimal")),
    ox.Literal("INF", datatype=ox.NamedNode(X + "double")),
    ox.Literal("TRUE", datatype=ox.NamedNode(X + "boolean")),
    ox.Literal(""),
    ox.Literal("é ü 𝄞 \u0007"),
    TRIPLE,
]


def store_graph(store: ox.Store) -> KnowledgeGraph:
    """The engine's graph over ``store``, taken as it is (the queries go through its door)."""
    return KnowledgeGraph(store, [], len(store), 0, reasoner="none")


def tricky_store() -> ox.Store:
    store = ox.Store()
    for index, term in enumerate(TERMS):
        row = ox.NamedNode(f"{E}row{index:02d}")
        store.add(ox.Quad(row, ox.NamedNode(E + "value"), term))
        if index % 2:
            store.add(ox.Quad(row, ox.NamedNode(E + "odd"), ox.Literal(str(index))))
    return store


def many_store(size: int) -> ox.Store:
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"{E}s{i}"), ox.NamedNode(E + "p"), ox.Literal(f"{i}\t" * (i % 40)))
        for i in range(size)
    )
    return store


def ask(store: ox.Store, text: str, name: str, max_rows: int = 0) -> Any:
    return answer_query(store_graph(store), text, Request(None, (name,), max_rows))


TRICKY = f"SELECT ?row ?value ?odd WHERE {{ ?row <{E}value> ?value OPTIONAL {{ ?row <{E}odd> ?odd }} }} ORDER BY ?row"


@pytest.mark.parametrize("name", list(FORMATS))
def test_select_bodies_are_pyoxigraphs_own_serialisation(name: str) -> None:
    store = tricky_store()
    answer = ask(store, TRICKY, name)
    written = store.query(TRICKY).serialize(format=getattr(ox.QueryResultsFormat, FORMATS[name]))
    assert answer.body == written
    assert (answer.count, answer.truncated) == (len(TERMS), False)
    if name == "csv":  # W3C SPARQL 1.1 CSV: lines end with CRLF
        assert answer.body.endswith(b"\r\n") and answer.body.count(b"\r\n") == len(TERMS) + 1


@pytest.mark.parametrize("name", ["json", "xml", "tsv"])
def test_every_term_survives(name: str) -> None:
    """Read back by pyoxigraph, the body gives the very terms the query gives."""
    store = tricky_store()
    body = ask(store, TRICKY, name).body
    read = ox.parse_query_results(body, getattr(ox.QueryResultsFormat, FORMATS[name]))
    assert [tuple(solution) for solution in read] == [tuple(s) for s in store.query(TRICKY)]


@pytest.mark.parametrize("name", ["json", "xml", "tsv"])
def test_rows_already_read_are_written_by_pyoxigraph_too(name: str) -> None:
    """A canned query's rows (terms in dicts) give the same body as the query itself."""
    store = tricky_store()
    names = ["row", "value", "odd"]
    rows = [dict(zip(names, solution, strict=True)) for solution in store.query(TRICKY)]
    answer = answer_rows(rows, names, Request(None, (name,), 0))
    assert answer.body == ask(store, TRICKY, name).body
    capped = answer_rows(rows, names, Request(None, (name,), 3))
    assert (capped.count, capped.truncated) == (3, True)
    read = ox.parse_query_results(capped.body, getattr(ox.QueryResultsFormat, FORMATS[name]))
    assert [tuple(solution) for solution in read] == [tuple(row.values()) for row in rows[:3]]


def test_select_star_columns_in_the_order_the_query_names_them() -> None:
    store = tricky_store()
    text = f"SELECT * WHERE {{ ?zebra <{E}value> ?apple OPTIONAL {{ ?zebra <{E}odd> ?mango }} }}"
    for name in FORMATS:
        body = ask(store, text, name).body
        if name == "csv":
            assert body.startswith(b"zebra,apple,mango\r\n")
            continue
        read = ox.parse_query_results(body, getattr(ox.QueryResultsFormat, FORMATS[name]))
        assert [v.value for v in read.variables] == ["zebra", "apple", "mango"]
        by_row = {s["zebra"]: (s["apple"], s["mango"]) for s in read}
        assert by_row == {s["zebra"]: (s["apple"], s["mango"]) for s in store.query(text)}


@pytest.mark.parametrize("cap", [1, 2, 7, 99, 100, 101, 1000])
def test_the_cap_keeps_exactly_max_rows(cap: int) -> None:
    store = many_store(100)
    text = f"SELECT ?s ?o WHERE {{ ?s <{E}p> ?o }} ORDER BY ?s"
    expected = [tuple(s) for s in store.query(text)]
    for name in ("json", "tsv"):
        answer = ask(store, text, name, max_rows=cap)
        assert (answer.count, answer.truncated) == (min(cap, 100), cap < 100)
        read = ox.parse_query_results(answer.body, getattr(ox.QueryResultsFormat, FORMATS[name]))
        assert [tuple(s) for s in read] == expected[:cap]


def test_the_cap_with_no_variables_and_no_rows() -> None:
    store = many_store(3)
    assert first_rows_tsv(store.query("SELECT * WHERE {}"), 5) == (b"\n\n", 1, False)
    assert first_rows_tsv(store.query("SELECT ?x WHERE { FILTER(false) }"), 5) == (
        b"?x\n",
        0,
        False,
    )
    three = "SELECT * WHERE { VALUES ?x { 1 2 3 } }"
    assert first_rows_tsv(store.query(three), 2) == (b"?x\n1\n2\n", 2, True)
    assert first_rows_tsv(store.query(three), 3) == (b"?x\n1\n2\n3\n", 3, False)


def test_the_cap_stops_the_evaluation() -> None:
    """About 10^15 rows: the answer comes at once, cut at the cap, for SELECT and CONSTRUCT."""
    store = many_store(100_000)
    endless = f"WHERE {{ ?a <{E}p> ?b . ?c <{E}p> ?d . ?e <{E}p> ?f }}"
    for text, name in (
        (f"SELECT * {endless}", "json"),
        (f"CONSTRUCT {{ ?a ?c ?f }} {endless}", "ntriples"),
    ):
        started = time.perf_counter()
        answer = ask(store, text, name, max_rows=5000)
        assert time.perf_counter() - started < 10
        assert (answer.count, answer.truncated) == (5000, True)


@pytest.mark.parametrize("name", list(GRAPHS))
def test_graph_bodies_are_pyoxigraphs(name: str) -> None:
    store = tricky_store()
    triple_row = f"<{E}row{TERMS.index(TRIPLE):02d}>"
    where = f"WHERE {{ ?row <{E}value> ?value FILTER(?row != {triple_row}) }}"
    text = f"CONSTRUCT {{ ?row <{E}value> ?value }} {where}"
    answer = ask(store, text, name)
    rdf_format = getattr(ox.RdfFormat, GRAPHS[name])
    assert {q.triple for q in ox.parse(answer.body, format=rdf_format)} == set(store.query(text))
    assert (answer.count, answer.truncated) == (len(TERMS) - 1, False)
    capped = ask(store, text, name, max_rows=4)
    assert len(list(ox.parse(capped.body, format=rdf_format))) == 4
    assert (capped.count, capped.truncated) == (4, True)


def test_a_triple_term_in_json_ld_is_not_acceptable() -> None:
    """pyoxigraph writes no RDF 1.2 in JSON-LD yet: 406 naming the formats that can be sent."""
    store = tricky_store()
    text = f"CONSTRUCT {{ ?row <{E}value> ?value }} WHERE {{ ?row <{E}value> ?value }}"
    with pytest.raises(Refused, match=r"cannot be written as application/ld\+json") as refused:
        ask(store, text, "jsonld")
    assert refused.value.status == 406
    turtle = ask(store, text, "turtle").body
    assert {q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)} == set(
        store.query(text)
    )


def test_ask_bodies_are_pyoxigraphs() -> None:
    store = tricky_store()
    for name, value in FORMATS.items():
        answer = ask(store, "ASK { ?s ?p ?o }", name)
        assert answer.body == store.query("ASK { ?s ?p ?o }").serialize(
            format=getattr(ox.QueryResultsFormat, value)
        )


def test_every_format_is_one_pyoxigraph_writes() -> None:
    assert {f.name for f in RESULT_FORMATS} == set(FORMATS)
    assert {f.name for f in GRAPH_FORMATS} == set(GRAPHS)
