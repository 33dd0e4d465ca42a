"""A real ``ppo serve`` on a free loopback port, queried by real clients: SPARQLWrapper, rdflib's
SPARQLStore and curl, with each result type; every client gets the engine's rows (the rows
``ppo query`` prints). The server is started as a subprocess and stopped by its PID."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import require_module, require_tool
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from stores import no_proxy
from test_serve import CONSTRUCT, GRAPH_TYPES, RESULT_TYPES, result_values

from ppo_graph.backends.fast.sparql import bind, with_values
from ppo_graph.catalogue import default_catalogue
from ppo_graph.engine import KnowledgeGraph

ROLE = {"role": "Demand Management Process Owner"}
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def ppo_serve(log: Path, *extra: str) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a ``ppo serve [EXTRA ...]`` on a free port (its stderr in
    ``log``), stopped by its PID afterwards; a traceback in its log fails the test."""
    port = free_port()
    env = dict(os.environ, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "ppo_graph", "serve", "--port", str(port), *extra],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_health(base, server, log)
        yield base
    finally:
        server.terminate()  # by its PID
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:PORT/sparql`` of a ``ppo serve`` started for this module."""
    with ppo_serve(tmp_path_factory.mktemp("serve") / "stderr.txt") as base, no_proxy():
        yield f"{base}/sparql"


def _wait_for_health(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"ppo serve exited with {server.returncode}: {log.read_text()}")
        try:
            with NO_PROXY.open(f"{base}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"ppo serve did not answer /health within 90 s: {log.read_text()}")


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def role_duties(graph: KnowledgeGraph) -> tuple[str, list[tuple[str, ...]]]:
    """The canned role-duties query with its parameter bound, and the engine's rows for it
    (``kg.rows``, which ``ppo query role-duties --param role=...`` prints)."""
    spec = default_catalogue().get("role-duties")
    text = with_values(spec.text, bind(graph.store, spec, ROLE))
    rows = [tuple(row[c].value for c in spec.columns) for row in graph.rows(spec, ROLE)]
    assert len(rows) >= 5
    return text, rows


@pytest.mark.parametrize("name", ["JSON", "XML", "CSV", "TSV"])
def test_sparqlwrapper(
    endpoint: str, role_duties: tuple[str, list[tuple[str, ...]]], name: str
) -> None:
    wrapper = require_module("SPARQLWrapper")
    text, expected = role_duties
    for method in ("GET", "POST"):
        client = wrapper.SPARQLWrapper(endpoint)
        client.setQuery(text)
        client.setMethod(method)
        client.setReturnFormat(getattr(wrapper, name))
        response = client.query().response
        media_type = response.headers["Content-Type"].split(";")[0]
        assert media_type == RESULT_TYPES[name.lower()]
        assert result_values(response.read(), media_type) == expected


@pytest.mark.parametrize("name", ["TURTLE", "N3", "JSONLD"])
def test_sparqlwrapper_construct(endpoint: str, graph: KnowledgeGraph, name: str) -> None:
    wrapper = require_module("SPARQLWrapper")
    client = wrapper.SPARQLWrapper(endpoint)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(getattr(wrapper, name))
    result = client.queryAndConvert()
    if not isinstance(result, Graph):
        rdflib_format = "json-ld" if name == "JSONLD" else "turtle"
        result = Graph().parse(data=result, format=rdflib_format)
    assert isomorphic(result, _engine_graph(graph, CONSTRUCT))


@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
def test_rdflib_sparqlstore(
    endpoint: str, role_duties: tuple[str, list[tuple[str, ...]]], return_format: str
) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    text, expected = role_duties
    store = SPARQLStore(query_endpoint=endpoint, returnFormat=return_format)
    rows = [tuple(str(value) for value in row) for row in Graph(store=store).query(text)]  # type: ignore[union-attr]
    if return_format == "csv":  # SPARQL 1.1 CSV writes "" and unbound alike: rdflib reads None
        expected = [tuple("None" if v == "" else v for v in row) for row in expected]
    assert rows == expected
    constructed = Graph(store=SPARQLStore(query_endpoint=endpoint)).query(CONSTRUCT).graph
    assert constructed is not None and len(constructed) > 100


def test_curl_with_each_accept_type(
    endpoint: str, graph: KnowledgeGraph, role_duties: tuple[str, list[tuple[str, ...]]]
) -> None:
    curl = require_tool("curl", "apt-get install curl")
    text, expected = role_duties
    for media_type in RESULT_TYPES.values():
        for how in (["-G"], []):  # GET with ?query=, POST form
            body, got_type = _curl(curl, endpoint, media_type, text, how)
            assert got_type == media_type
            assert result_values(body, media_type) == expected, (media_type, how)
    expected_graph = _engine_graph(graph, CONSTRUCT)
    for rdflib_format, media_type in GRAPH_TYPES.items():
        body, got_type = _curl(curl, endpoint, media_type, CONSTRUCT, [])
        assert got_type == media_type
        assert isomorphic(Graph().parse(data=body, format=rdflib_format), expected_graph)
    body, got_type = _curl(
        curl,
        endpoint.replace("/sparql", "/queries/role-duties"),
        "text/csv",
        None,
        ["-G", "--data-urlencode", f"role={ROLE['role']}"],
    )
    assert (got_type, result_values(body, "text/csv")) == ("text/csv", expected)
    body, got_type = _curl(curl, endpoint, "image/png", "ASK {}", [])
    assert b"not acceptable" in body


def _curl(
    curl: str, url: str, accept: str, query: str | None, extra: list[str]
) -> tuple[bytes, str]:
    argv = [curl, "-sS", "--noproxy", "*", "-H", f"Accept: {accept}", *extra]
    if query is not None:
        argv += ["--data-urlencode", f"query={query}"]
    argv += ["-w", "\n%{content_type}", url]
    done = subprocess.run(argv, capture_output=True, check=True, timeout=60)
    body, _, content_type = done.stdout.rpartition(b"\n")
    return body, content_type.decode().split(";")[0]


def _engine_graph(graph: KnowledgeGraph, query: str) -> Graph:
    import pyoxigraph as ox

    data = ox.serialize(graph.query(query), format=ox.RdfFormat.N_TRIPLES)
    parsed = Graph().parse(data=data, format="nt")
    assert (None, URIRef("https://w3id.org/ppo-graph/ontology#carriesDuty"), None) in parsed
    return parsed
