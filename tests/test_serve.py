"""``ppo serve`` in process (Starlette's TestClient, no port): the SPARQL 1.1 Protocol at /sparql
with every method and result format, the refusals (400/403/404/406/413/415), the timeout, the row
cap, the service description, /health, and the canned catalogue over HTTP giving the engine's
rows. Bodies are parsed as their format says (json, ElementTree, csv, rdflib), never compared as
text. The negotiation rules and the command itself: tests/test_serve_negotiation.py; a real
server and real clients: tests/test_serve_live.py."""

from __future__ import annotations

import csv
import io
import json
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

from ppo_graph.catalogue import default_catalogue
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.serve.app import ROW_CAP_HEADER, Settings, create_app

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SRX = "{http://www.w3.org/2005/sparql-results#}"
ROLES = """PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?role ?label WHERE { ?role a ppo:Role ; rdfs:label ?label } ORDER BY ?role"""
CONSTRUCT = """PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
CONSTRUCT { ?role ppo:carriesDuty ?duty } WHERE { ?role ppo:carriesDuty ?duty }"""
#: Streams rows forever (cut at the deadline between rows) ...
ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: ... and computes about a second before its one row, out of reach of the between-rows check.
BLOCKING = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d rdfs:label ?f .
  FILTER(CONCAT(STR(?c), STR(?f)) = "no such text") }"""
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
}


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def client(graph: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(graph)) as test_client:
        yield test_client


def make_client(graph: KnowledgeGraph, **settings: Any) -> TestClient:
    return TestClient(create_app(graph, Settings(**settings)))


def engine_values(graph: KnowledgeGraph, text: str) -> list[tuple[str, ...]]:
    """Each row's values (IRI or lexical form), as the engine gives them."""
    result = graph.query(text)
    names = [v.value for v in result.variables]
    return [tuple(s[n].value for n in names) for s in result]


def result_values(body: bytes, media_type: str) -> list[tuple[str, ...]]:
    """Each row's values from a SELECT result body, parsed as its media type says."""
    if media_type == RESULT_TYPES["json"]:
        document = json.loads(body)
        names = document["head"]["vars"]
        return [tuple(b[n]["value"] for n in names) for b in document["results"]["bindings"]]
    if media_type == RESULT_TYPES["xml"]:
        root = ET.fromstring(body)
        rows = []
        for result in root.iter(f"{SRX}result"):
            rows.append(tuple(next(iter(b)).text or "" for b in result.iter(f"{SRX}binding")))
        return rows
    if media_type == RESULT_TYPES["csv"]:
        return [tuple(row) for row in csv.reader(io.StringIO(body.decode()))][1:]
    assert media_type == RESULT_TYPES["tsv"]
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
    names = [v.value for v in solutions.variables]
    return [tuple(s[n].value for n in names) for s in solutions]


def base_type(response: Any) -> str:
    return str(response.headers["content-type"]).split(";")[0]


# -- the protocol: every method, every format ---------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST form", "POST direct"])
def test_every_method_gives_the_engines_rows(
    client: TestClient, graph: KnowledgeGraph, method: str
) -> None:
    if method == "GET":
        response = client.get("/sparql", params={"query": ROLES})
    elif method == "POST form":
        response = client.post("/sparql", data={"query": ROLES})
    else:
        headers = {"content-type": "application/sparql-query; charset=utf-8"}
        response = client.post("/sparql", content=ROLES.encode(), headers=headers)
    assert response.status_code == 200, response.text
    assert base_type(response) == RESULT_TYPES["json"]
    assert result_values(response.content, RESULT_TYPES["json"]) == engine_values(graph, ROLES)
    assert len(engine_values(graph, ROLES)) >= 10


@pytest.mark.parametrize("name", RESULT_TYPES)
def test_select_in_every_result_format(
    client: TestClient, graph: KnowledgeGraph, name: str
) -> None:
    response = client.get(
        "/sparql", params={"query": ROLES}, headers={"accept": RESULT_TYPES[name]}
    )
    assert response.status_code == 200
    assert base_type(response) == RESULT_TYPES[name]
    assert result_values(response.content, RESULT_TYPES[name]) == engine_values(graph, ROLES)


@pytest.mark.parametrize("name", RESULT_TYPES)
@pytest.mark.parametrize("answer", [True, False])
def test_ask_in_every_result_format(client: TestClient, name: str, answer: bool) -> None:
    query = "ASK { ?s ?p ?o }" if answer else "ASK { <urn:none> ?p ?o }"
    response = client.post("/sparql", data={"query": query, "format": name})
    assert response.status_code == 200
    assert base_type(response) == RESULT_TYPES[name]
    body = response.content
    if name == "json":
        assert json.loads(body)["boolean"] is answer
    elif name == "xml":
        assert ET.fromstring(body).find(f"{SRX}boolean").text == str(answer).lower()  # type: ignore[union-attr]
    else:
        assert body.decode().strip() == str(answer).lower()


@pytest.mark.parametrize(
    "query", [CONSTRUCT, "DESCRIBE <https://w3id.org/ppo-graph/id/duty-7.6-14>"]
)
def test_construct_and_describe_in_every_graph_format(
    client: TestClient, graph: KnowledgeGraph, query: str
) -> None:
    engine_nt = ox.serialize(graph.query(query), format=ox.RdfFormat.N_TRIPLES)
    expected = Graph().parse(data=engine_nt, format="nt")
    assert len(expected) > 5
    for rdflib_format, media_type in GRAPH_TYPES.items():
        response = client.get("/sparql", params={"query": query}, headers={"accept": media_type})
        assert response.status_code == 200
        assert base_type(response) == media_type
        parsed = Graph().parse(data=response.content, format=rdflib_format)
        assert isomorphic(parsed, expected), media_type
        assert response.headers["x-ppo-rows"] == str(len(expected))


# -- negotiation over HTTP ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "query", "expected"),
    [
        (None, ROLES, RESULT_TYPES["json"]),
        ("*/*", ROLES, RESULT_TYPES["json"]),
        ("application/*", ROLES, RESULT_TYPES["json"]),
        ("text/*", ROLES, "text/csv"),
        ("text/csv;q=0.5, application/sparql-results+xml", ROLES, RESULT_TYPES["xml"]),
        ("text/tab-separated-values, text/csv", ROLES, RESULT_TYPES["tsv"]),
        ("text/csv, text/tab-separated-values", ROLES, "text/csv"),
        ("*/*;q=0.1, text/tab-separated-values;q=0.2", ROLES, RESULT_TYPES["tsv"]),
        ("application/json", ROLES, RESULT_TYPES["json"]),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ROLES,
            RESULT_TYPES["xml"],
        ),
        (None, CONSTRUCT, "text/turtle"),
        ("*/*", CONSTRUCT, "text/turtle"),
        ("application/*", CONSTRUCT, "application/n-triples"),
        ("application/ld+json;q=0.9, text/turtle;q=0.8", CONSTRUCT, "application/ld+json"),
        ("text/turtle;q=0, */*", CONSTRUCT, "application/n-triples"),
    ],
)
def test_accept_negotiation(
    client: TestClient, accept: str | None, query: str, expected: str
) -> None:
    headers = {"accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    assert base_type(response) == expected


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    headers = {"accept": "application/sparql-results+xml"}
    response = client.get("/sparql", params={"query": ROLES, "format": "csv"}, headers=headers)
    assert base_type(response) == "text/csv"
    response = client.get("/sparql", params={"query": CONSTRUCT, "format": "nt"})
    assert base_type(response) == "application/n-triples"


@pytest.mark.parametrize(
    ("params", "headers", "listed"),
    [
        ({"query": ROLES}, {"accept": "text/turtle"}, RESULT_TYPES["json"]),
        ({"query": CONSTRUCT}, {"accept": "text/csv"}, "text/turtle"),
        ({"query": ROLES, "format": "turtle"}, {}, "format=json|xml|csv|tsv"),
        (
            {"query": ROLES},
            {"accept": "application/sparql-results+json;q=0, text/html"},
            "text/csv",
        ),
    ],
)
def test_406_lists_what_is_available(
    client: TestClient, params: dict[str, str], headers: dict[str, str], listed: str
) -> None:
    response = client.get("/sparql", params=params, headers=headers)
    assert response.status_code == 406
    assert base_type(response) == "text/plain"
    assert listed in response.text and "available" in response.text


# -- refusals ------------------------------------------------------------------------------------


def test_malformed_query_is_400_with_the_parsers_message(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert response.text.startswith("malformed query at line 1, column")


@pytest.mark.parametrize(
    ("data", "headers"),
    [
        ({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, {}),
        ({"query": "PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }"}, {}),
        ({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, {}),
        ({"query": "LOAD <http://127.0.0.1:9/data.ttl>"}, {}),
        ("DROP ALL", {"content-type": "application/sparql-update"}),
        ("CLEAR DEFAULT", {"content-type": "application/sparql-query"}),
    ],
)
def test_updates_are_403(
    client: TestClient, graph: KnowledgeGraph, data: Any, headers: dict[str, str]
) -> None:
    before = len(graph.store)
    if isinstance(data, dict):
        response = client.post("/sparql", data=data, headers=headers)
    else:
        response = client.post("/sparql", content=data.encode(), headers=headers)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert len(graph.store) == before


def test_update_in_a_get_is_403(client: TestClient) -> None:
    response = client.get("/sparql", params={"update": "DROP ALL"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    ],
)
def test_remote_access_is_refused_and_no_connection_is_made(
    client: TestClient, template: str
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        for method in ("GET", "POST"):
            query = template.format(port=port)
            if method == "GET":
                response = client.get("/sparql", params={"query": query})
            else:
                response = client.post("/sparql", data={"query": query})
            assert response.status_code == 403
            assert "beyond the local graph" in response.text
        listener.settimeout(0.3)
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody connected


@pytest.mark.parametrize(
    ("send", "status", "words"),
    [
        (lambda c: c.post("/sparql", data={}), 400, "no query"),
        (lambda c: c.post("/sparql", data={"query": ["ASK {}", "ASK {}"]}), 400, "one query"),
        (
            lambda c: c.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "urn:g"}),
            400,
            "default-graph-uri",
        ),
        (
            lambda c: c.get("/sparql", params={"query": "ASK {}", "format": "pdf"}),
            400,
            "unknown format",
        ),
        (
            lambda c: c.post("/sparql", content=b"ASK {}", headers={"content-type": "text/plain"}),
            415,
            "unsupported",
        ),
        (
            lambda c: c.post(
                "/sparql", content=b"\xff\xfe", headers={"content-type": "application/sparql-query"}
            ),
            400,
            "UTF-8",
        ),
        (lambda c: c.post("/sparql", data={"query": "#" * 1_000_001}), 413, "body over"),
        (lambda c: c.put("/sparql", content=b"ASK {}"), 405, ""),
    ],
)
def test_bad_requests(client: TestClient, send: Any, status: int, words: str) -> None:
    response = send(client)
    assert response.status_code == status
    assert words in response.text


# -- timeout and row cap -------------------------------------------------------------------------


@pytest.mark.parametrize("query", [ENDLESS, BLOCKING], ids=["streaming", "blocking"])
def test_timeout_is_503_with_a_message_never_a_partial_200(
    graph: KnowledgeGraph, query: str
) -> None:
    with make_client(graph, timeout=0.3, max_rows=0) as slow:
        response = slow.get("/sparql", params={"query": query, "format": "csv"})
        assert response.status_code == 503
        assert base_type(response) == "text/plain"
        assert "did not finish within 0.3 s" in response.text
        assert slow.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # still serving


@pytest.mark.parametrize("query", ["SELECT * { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_row_cap_keeps_the_first_rows_and_says_so(graph: KnowledgeGraph, query: str) -> None:
    with make_client(graph, max_rows=7) as capped:
        response = capped.get("/sparql", params={"query": query, "format": "json"})
        if query.startswith("CONSTRUCT"):
            response = capped.get("/sparql", params={"query": query, "format": "nt"})
            assert len(Graph().parse(data=response.content, format="nt")) == 7
        else:
            assert len(json.loads(response.content)["results"]["bindings"]) == 7
        assert response.status_code == 200
        assert response.headers[ROW_CAP_HEADER] == "7; truncated"
        small = capped.get("/sparql", params={"query": query + " LIMIT 7"})
        assert ROW_CAP_HEADER not in small.headers
        assert small.headers["x-ppo-rows"] == "7"


# -- service description, health ----------------------------------------------------------------


def test_service_description(client: TestClient, graph: KnowledgeGraph) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert base_type(response) == "text/turtle"
    described = Graph().parse(data=response.content, format="turtle")
    service = described.value(predicate=SD.endpoint, object=URIRef("http://testserver/sparql"))
    assert service is not None
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in described
    formats = {str(f) for f in described.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats and len(formats) == 8
    dataset = described.value(service, SD.defaultDataset)
    assert described.value(dataset, SD.defaultGraph) is not None
    names = {str(described.value(g, SD.name)) for g in described.objects(dataset, SD.namedGraph)}
    assert names == {
        "https://w3id.org/ppo-graph/graph/asserted",
        "https://w3id.org/ppo-graph/graph/inferred",
    }
    as_jsonld = client.get("/sparql", headers={"accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=as_jsonld.content, format="json-ld"), described)


def test_health(client: TestClient, graph: KnowledgeGraph) -> None:
    health = client.get("/health").json()
    assert health["ok"] is True
    assert health["triples"] == len(graph) > 4000
    assert health["reasoner"] == "fast"
    assert health["cache_key"] == (graph.cache_entry.name if graph.cache_entry else None)


# -- the canned catalogue over HTTP --------------------------------------------------------------


def test_queries_lists_the_catalogue_with_parameters_and_values(client: TestClient) -> None:
    listing = client.get("/queries").json()
    assert [q["name"] for q in listing] == [s.name for s in default_catalogue()]
    role_duties = next(q for q in listing if q["name"] == "role-duties")
    (role,) = role_duties["parameters"]
    assert role["default"] == "ppod:CapacityManagementProcessManager"
    values = {v["value"]: v["names"] for v in role["values"]}
    assert "Demand Management Process Owner" in values["ppod:DemandManagementProcessOwner"]


CANNED = [(s.name, {}) for s in default_catalogue()] + [
    ("role-duties", {"role": "Demand Management Process Owner"}),
    ("artefact-mentions", {"artefact": "BIA"}),
]


@pytest.mark.parametrize(
    ("name", "params"), CANNED, ids=[f"{n}{'-' + '-'.join(p) if p else ''}" for n, p in CANNED]
)
def test_canned_rows_equal_the_engines(
    client: TestClient, graph: KnowledgeGraph, name: str, params: dict[str, str]
) -> None:
    assert len(default_catalogue()) >= 40
    response = client.get(
        f"/queries/{name}", params=params, headers={"accept": "text/tab-separated-values"}
    )
    assert response.status_code == 200, response.text
    solutions = ox.parse_query_results(response.content, ox.QueryResultsFormat.TSV)
    names = [v.value for v in solutions.variables]
    got = [{n: s[n] for n in names} for s in solutions]
    assert got == graph.rows(name, params)


def test_canned_query_errors(client: TestClient) -> None:
    unknown = client.get("/queries/role-dutie")
    assert unknown.status_code == 404 and "did you mean role-duties" in unknown.text
    bad_value = client.get("/queries/role-duties", params={"role": "Chief Tea Officer"})
    assert bad_value.status_code == 400
    assert (
        "unknown ppo:Role 'Chief Tea Officer'; valid values:" in bad_value.text
        and "ppod:DemandManagementProcessOwner" in bad_value.text
    )
    bad_name = client.get("/queries/role-duties", params={"rol": "x"})
    assert bad_name.status_code == 400 and "has no parameter 'rol'" in bad_name.text
    assert client.get("/queries/role-duties", params={"format": "turtle"}).status_code == 406
    csv_rows = client.get("/queries/role-duties", params={"format": "csv"})
    assert base_type(csv_rows) == "text/csv"
