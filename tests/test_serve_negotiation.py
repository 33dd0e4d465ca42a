"""The endpoint's negotiation rules on their own, CORS on and off, and the ``ppo serve`` command's
help and argument errors (no server started here)."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from starlette.testclient import TestClient

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.serve.app import Settings, create_app
from ppo_graph.serve.negotiation import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    NotAcceptable,
    UnknownFormat,
    choose,
    parse_accept,
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("", "json"),
        ("garbage", "json"),  # no media range at all: as if absent
        ("*/*", "json"),
        ("application/*", "json"),
        ("text/*", "csv"),
        ("text/*;q=0.5, application/sparql-results+xml;q=0.4", "csv"),
        ("application/sparql-results+xml;q=0.9, text/csv;q=0.9", "xml"),  # equal q: client order
        ("text/csv;q=0.9, application/sparql-results+xml;q=0.9", "csv"),
        ("*/*, text/tab-separated-values", "tsv"),  # named beats reached by a wildcard
        ("text/*;q=0.3, text/tab-separated-values;q=0.4", "tsv"),
        ("text/*, text/csv;q=0", "tsv"),  # the most specific range decides: csv refused
        ("application/sparql-results+json;q=0, */*", "xml"),
        ("application/json", "json"),
        ("text/xml", "xml"),
        ("Application/SPARQL-Results+XML", "xml"),  # media types are case-insensitive
        ("application/sparql-results+json; charset=utf-8; q=0.2, text/csv; q=0.1", "json"),
        ("text/csv;q=abc", "csv"),  # a q that is no number counts as 1
        ("text/csv;q=2", "csv"),
    ],
)
def test_result_negotiation(accept: str | None, expected: str) -> None:
    assert choose(RESULT_FORMATS, accept).name == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "turtle"),
        (
            "application/*",
            "ntriples",
        ),  # aliases (application/x-turtle) are not reached by wildcards
        ("text/plain", "ntriples"),
        ("application/json", "jsonld"),
        ("application/x-turtle", "turtle"),
        ("application/ld+json, text/turtle;q=0.99", "jsonld"),
    ],
)
def test_graph_negotiation(accept: str, expected: str) -> None:
    assert choose(GRAPH_FORMATS, accept).name == expected


@pytest.mark.parametrize(
    "accept", ["image/png", "text/html", "*/*;q=0", "application/sparql-results+json;q=0"]
)
def test_nothing_acceptable(accept: str) -> None:
    with pytest.raises(NotAcceptable, match="available: application/sparql-results"):
        choose(RESULT_FORMATS, accept)


def test_format_parameter() -> None:
    assert choose(RESULT_FORMATS, "text/csv", ["XML"]).name == "xml"
    assert choose(GRAPH_FORMATS, None, ["ttl"]).name == "turtle"
    assert choose(GRAPH_FORMATS, None, ["n3"]).name == "turtle"
    assert choose(GRAPH_FORMATS, None, ["json-ld", "application/ld+json"]).name == "jsonld"
    # SPARQLWrapper's way: the name, then the media type
    assert choose(RESULT_FORMATS, None, ["tsv", "text/tab-separated-values"]).name == "tsv"
    assert choose(RESULT_FORMATS, None, ["application/json"]).name == "json"
    assert choose(GRAPH_FORMATS, None, ["application/json"]).name == "jsonld"
    assert choose(RESULT_FORMATS, None, ["yaml", "csv"]).name == "csv"
    with pytest.raises(NotAcceptable, match="format=turtle does not apply"):
        choose(RESULT_FORMATS, None, ["turtle"])
    with pytest.raises(UnknownFormat, match="formats: json, xml"):
        choose(RESULT_FORMATS, None, ["yaml"])


def test_parse_accept_keeps_order_and_skips_bad_entries() -> None:
    ranges = parse_accept("text/csv;q=0.5, bad, */json, */*;level=1;q=0.1")
    assert [(r.type, r.subtype, r.q, r.position) for r in ranges] == [
        ("text", "csv", 0.5, 0),
        ("*", "*", 0.1, 3),
    ]


# -- CORS ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def test_cors_is_off_unless_configured(graph: KnowledgeGraph) -> None:
    with TestClient(create_app(graph)) as client:
        response = client.get("/health", headers={"origin": "http://localhost:3000"})
        assert "access-control-allow-origin" not in response.headers
        preflight = client.options(
            "/sparql",
            headers={"origin": "http://localhost:3000", "access-control-request-method": "POST"},
        )
        assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_the_given_origins(graph: KnowledgeGraph) -> None:
    allowed = "http://localhost:3000"
    with TestClient(create_app(graph, Settings(cors=(allowed,), max_rows=1))) as client:
        response = client.get(
            "/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, headers={"origin": allowed}
        )
        assert response.headers["access-control-allow-origin"] == allowed
        assert "x-ppo-row-cap" in response.headers["access-control-expose-headers"].lower()
        preflight = client.options(
            "/sparql",
            headers={
                "origin": allowed,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        other = client.get("/health", headers={"origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers


# -- the command ---------------------------------------------------------------------------------


def test_serve_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for words in (
        "/sparql",
        "--host",
        "--port",
        "--timeout",
        "--max-rows",
        "--cors",
        "127.0.0.1",
        "EXTRA",
        "--no-reason",
    ):
        assert words in text


def test_help_lists_serve_and_imports_no_server_library() -> None:
    code = (
        "import sys\n"
        "from ppo_graph.cli import build_parser\n"
        "text = build_parser().format_help()\n"
        "assert 'serve' in text, text\n"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'rdflib') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--cors", "localhost:3000"], "is not an origin"),
        (["--port", "70000"], "--port must be"),
        (["--max-rows", "-1"], "must be 0"),
    ],
)
def test_serve_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *argv]) == 2
    assert message in capsys.readouterr().err


def test_serve_on_a_busy_port_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert "ppo serve: error:" in capsys.readouterr().err
