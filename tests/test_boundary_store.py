"""``ppo serve --store``: a query sees the served graph and nothing else the store holds.

A real Oxigraph server (the ``oxigraph`` package's binary, as in tests/test_store.py) holds the
shipped graph in graph A, which is served, and another tenant's secret in graph B and in the
store's default graph. Through the endpoint (create_app on a RemoteGraph for A), no query gives
the secret: those that would reach for it (FROM, FROM NAMED, SERVICE back into the store, behind
the grammar's escapes) are refused with 403 or 400 and never sent, and those that are allowed
(GRAPH ?g, a FILTER over every literal) answer 200 from graph A alone. Behind the boundary, the
SPARQL Protocol's ``default-graph-uri`` and ``named-graph-uri``, which RemoteStore sends with
every query, are the second wall: a FROM <B> sent straight to the store still sees only A."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from stores import NO_PROXY, oxigraph_server

from ppo_graph.cli import main
from ppo_graph.engine.boundary import MalformedQuery, QueryRefused, check_query
from ppo_graph.engine.remote import Endpoints, RemoteGraph, RemoteStore
from ppo_graph.serve.app import create_app

GRAPH_A = "https://example.org/test/tenant-a"
GRAPH_B = "https://example.org/test/tenant-b"
SECRET = "secret-of-tenant-b"
DEFAULT_SECRET = "secret-of-the-default-graph"
TENANT_B = f'<urn:tenant:b> <urn:p> "{SECRET}" .\n'
DEFAULT_GRAPH_DATA = f'<urn:tenant:default> <urn:p> "{DEFAULT_SECRET}" .\n'


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of an Oxigraph server for this module: the shipped graph in
    GRAPH_A (``ppo load --store --graph``), tenant B's secret in GRAPH_B (a Graph Store Protocol
    PUT of a small Turtle file) and another secret in the store's default graph."""
    folder = tmp_path_factory.mktemp("oxigraph-tenants")
    with oxigraph_server(folder) as base:
        assert main(["load", "--store", base, "--graph", GRAPH_A]) == 0
        tenant_b = folder / "tenant-b.ttl"  # N-Triples, which is Turtle too
        tenant_b.write_text(TENANT_B, encoding="utf-8")
        RemoteStore(Endpoints.of(base, graph=GRAPH_B)).put_graph(tenant_b.read_bytes())
        put_default = urllib.request.Request(
            f"{base}/store?default",
            data=DEFAULT_GRAPH_DATA.encode(),
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        NO_PROXY.open(put_default, timeout=30).close()
        yield base


def _store_query(store: str, text: str, **dataset: str) -> str:
    """The store's own answer (SPARQL JSON or N-Triples), asked directly over the protocol."""
    form = urllib.parse.urlencode({"query": text, **dataset})
    request = urllib.request.Request(
        f"{store}/query",
        data=form.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    with NO_PROXY.open(request, timeout=30) as response:
        return str(response.read().decode("utf-8"))


def test_the_store_holds_the_secrets(store: str) -> None:
    """The setting is real: asked without the served graph pinned, the store gives both secrets
    (so their absence below is the boundary's and the protocol's doing)."""
    everything = _store_query(store, "SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    assert SECRET in everything and DEFAULT_SECRET in everything
    from_b = _store_query(store, f"SELECT * FROM <{GRAPH_B}> {{ ?s ?p ?o }}")
    assert SECRET in from_b


class CountingStore:
    """A RemoteStore stand-in that logs each text it sends to a file (the queries run in worker
    processes, so the log is a file, not a list): a refused query must not be in it."""

    def __init__(self, inner: RemoteStore, log: Path) -> None:
        self.inner = inner
        self.endpoints = inner.endpoints
        self.log = log
        log.write_text("", encoding="utf-8")

    def query(self, text: str, use_default_graph_as_union: bool = True, **options: Any) -> Any:
        with self.log.open("a", encoding="utf-8") as log:
            log.write(json.dumps(text) + "\n")
        return self.inner.query(text, use_default_graph_as_union, **options)

    def count(self) -> int:
        return self.inner.count()

    def sent(self) -> list[str]:
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [str(json.loads(line)) for line in lines]


@pytest.fixture(scope="module")
def served(
    store: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, CountingStore]]:
    """The endpoint of ``ppo serve --store STORE --graph A`` in process, and what it sent."""
    remote = RemoteGraph.connect(Endpoints.of(store, graph=GRAPH_A), timeout=30)
    counting = CountingStore(remote.store, tmp_path_factory.mktemp("sent") / "sent.jsonl")
    remote.store = counting  # type: ignore[assignment]
    with TestClient(create_app(remote)) as client:
        yield client, counting


def _no_secret(text: str) -> None:
    assert SECRET not in text and DEFAULT_SECRET not in text, text[:500]
    assert "urn:tenant:b" not in text, text[:500]  # B's subject (its IRI may be echoed)


def test_graph_variable_sees_the_served_graph_only(
    served: tuple[TestClient, CountingStore],
) -> None:
    client, _ = served
    answer = client.get(
        "/sparql", params={"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }", "format": "json"}
    )
    assert answer.status_code == 200, answer.text
    _no_secret(answer.text)
    graphs = {row["g"]["value"] for row in answer.json()["results"]["bindings"]}
    assert graphs == {GRAPH_A}


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?o { ?s ?p ?o FILTER(CONTAINS(STR(?o), "secret")) }',
        'SELECT ?o { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?o), "secret")) }',
        f"SELECT * {{ GRAPH <{GRAPH_B}> {{ ?s ?p ?o }} }}",
        "SELECT * { <urn:tenant:b> ?p ?o }",
        "SELECT * { GRAPH ?g { <urn:tenant:b> ?p ?o } }",
        'ASK { ?s ?p ?o FILTER(CONTAINS(STR(?o), "secret")) }',
        "DESCRIBE <urn:tenant:b>",
    ],
    ids=["filter", "filter-in-graph", "graph-b", "subject", "subject-in-graph", "ask", "describe"],
)
def test_allowed_queries_answer_without_the_secret(
    served: tuple[TestClient, CountingStore], text: str
) -> None:
    client, counting = served
    answer = client.post("/sparql", data={"query": text})
    assert answer.status_code == 200, answer.text
    assert text in counting.sent()  # sent as it is: the log the refusals are checked against
    _no_secret(answer.text)
    if text.startswith("SELECT"):
        assert answer.json()["results"]["bindings"] == []
    if text.startswith("ASK"):
        assert answer.json()["boolean"] is False


REACHING = {
    "from": f"SELECT * FROM <{GRAPH_B}> {{ ?s ?p ?o }}",
    "from-named": f"SELECT * FROM NAMED <{GRAPH_B}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "from-prefixed": "PREFIX t: <https://example.org/test/> SELECT * FROM t:tenant-b { ?s ?p ?o }",
    "from-named-prefixed-escaped": "PREFIX t: <https://example.org/test/> "
    "SELECT * FROM NAMED t:tenant\\-b { GRAPH ?g { ?s ?p ?o } }",
    "from-u-escaped": "SELECT * FROM <https://example.org/test/tenant\\u002Db> { ?s ?p ?o }",
    "from-lower-case": f"select * from <{GRAPH_B}> {{ ?s ?p ?o }}",
    "construct-from": f"CONSTRUCT {{ ?s ?p ?o }} FROM <{GRAPH_B}> WHERE {{ ?s ?p ?o }}",
    "ask-from-named": f"ASK FROM NAMED <{GRAPH_B}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "service-back-into-the-store": "SELECT * { SERVICE <@QUERY@?default-graph-uri=@B@> { ?s ?p ?o } }",
    "service-escaped-keyword": "SELECT * { SERVIC\\u0045 <@QUERY@?default-graph-uri=@B@> { ?s ?p ?o } }",
    "service-silent-lower-case": "select * { service silent <@QUERY@> { GRAPH ?g { ?s ?p ?o } } }",
    "service-variable": "SELECT * { SERVICE ?svc { ?s ?p ?o } } VALUES ?svc { <@QUERY@?default-graph-uri=@B@> }",
    "service-after-escaped-hash": "PREFIX : <http://e/> SELECT * { :a\\#b ?p ?o . "
    "SERVICE <@QUERY@?default-graph-uri=@B@> { ?s ?p ?o } }",
    "service-in-sub-select": "SELECT * { { SELECT * { OPTIONAL { SERVICE <@QUERY@> { ?s ?p ?o } } } } }",
    "service-u-escaped-iri": "SELECT * { SERVICE <\\u0068ttp@QUERY_REST@> { GRAPH ?g { ?s ?p ?o } } }",
}


@pytest.mark.parametrize("template", REACHING.values(), ids=REACHING.keys())
def test_reaching_for_the_other_graph_is_refused_and_never_sent(
    store: str, served: tuple[TestClient, CountingStore], template: str
) -> None:
    client, counting = served
    query_url = f"{store}/query"
    text = (
        template.replace("@QUERY@", query_url)
        .replace("@QUERY_REST@", query_url.removeprefix("http"))
        .replace("@B@", urllib.parse.quote(GRAPH_B, safe=""))
    )
    with pytest.raises((QueryRefused, MalformedQuery)):
        check_query(text)
    before = len(counting.sent())
    for answer in (
        client.get("/sparql", params={"query": text}),
        client.post("/sparql", data={"query": text}),
        client.post(
            "/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
    ):
        assert answer.status_code in (400, 403), (answer.status_code, text, answer.text)
        _no_secret(answer.text)
    assert counting.sent()[before:] == [], "a refused query was sent to the store"


def test_dataset_parameters_from_the_client_are_refused(
    served: tuple[TestClient, CountingStore],
) -> None:
    client, counting = served
    before = len(counting.sent())
    for name in ("default-graph-uri", "named-graph-uri"):
        answer = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }", name: GRAPH_B})
        assert answer.status_code == 400, answer.text
        _no_secret(answer.text)
    assert counting.sent()[before:] == []


@pytest.mark.parametrize(
    "text",
    [
        f"SELECT * FROM <{GRAPH_B}> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{GRAPH_B}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{GRAPH_B}> FROM NAMED <{GRAPH_B}> {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ GRAPH <{GRAPH_B}> {{ ?s ?p ?o }} }}",
        'SELECT * { ?s ?p ?o FILTER(CONTAINS(STR(?o), "secret")) }',
    ],
    ids=["from", "from-named", "from-and-from-named", "graph-b", "filter"],
)
def test_the_protocol_pins_the_dataset_behind_the_boundary(store: str, text: str) -> None:
    """RemoteStore.query, with no boundary in front of it: the dataset parameters it sends take
    precedence over the text's FROM and FROM NAMED, so graph B stays out of reach."""
    remote = RemoteStore(Endpoints.of(store, graph=GRAPH_A), timeout=30)
    result = remote.query(text)
    values = [str(term) for solution in result for term in solution]
    assert not any(SECRET in v or DEFAULT_SECRET in v or "tenant:b" in v for v in values), values
