"""``--store``: ``ppo load``, ``ppo query`` and ``ppo validate`` against a real Oxigraph server
(the ``oxigraph`` package's binary), started once on a free loopback port in a temporary folder
and stopped by its PID. The store must give the same rows and the same verdict as the in-process
graph, for every canned question and check; and ``ppo serve --store`` (create_app on a
RemoteGraph) must answer /sparql, /queries and the workbench as the endpoint in process does."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, skip_or_fail

from ppo_graph.catalogue import default_catalogue
from ppo_graph.cli import main
from ppo_graph.engine.remote import DEFAULT_GRAPH, Endpoints, RemoteGraph

BROKEN_GRAPH = "https://example.org/test/broken"
ORG_GRAPH = "https://example.org/test/org"
COMPARED = [s.name for s in default_catalogue() if s.kind in ("question", "check")]
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        skip_or_fail("needs the Oxigraph server: pip install '.[dev]' (the oxigraph package)")
    return found


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of an Oxigraph server storing in ``folder``, on a free loopback
    port, stopped by its PID afterwards (loopback needs no proxy meanwhile)."""
    port = free_port()
    old = {k: os.environ.get(k) for k in ("NO_PROXY", "no_proxy")}
    os.environ.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    with (folder / "stderr.txt").open("wb") as log:
        server = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve",
                "--location",
                str(folder / "db"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                NO_PROXY.open(f"{base}/query?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"oxigraph serve did not start: {(folder / 'stderr.txt').read_text()}"
                    )
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of an Oxigraph server holding the shipped graph in the default
    named graph and ``tests/fixtures/broken.ttl`` with it in ``BROKEN_GRAPH``."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        assert main(["load", "--store", base]) == 0
        broken = ["load", "--store", base, "--graph", BROKEN_GRAPH, str(FIXTURES / "broken.ttl")]
        assert main(broken) == 0
        yield base


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_canned_question_and_check_is_compared() -> None:
    assert len(COMPARED) >= 25, COMPARED


@pytest.mark.parametrize("name", COMPARED)
def test_query_in_the_store_gives_the_rows_of_the_graph_here(
    store: str, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    here = run(capsys, "query", name, "--format", "json")
    there = run(capsys, "query", name, "--store", store, "--format", "json")
    assert there[0] == here[0]
    assert json.loads(there[1]) == json.loads(here[1])


@pytest.mark.parametrize(
    "param",
    [
        "role=Demand Management Process Owner",
        "role=ppod:CapacityManagementProcessManager",
    ],
)
def test_parameters_are_bound_alike(
    store: str, capsys: pytest.CaptureFixture[str], param: str
) -> None:
    here = run(capsys, "query", "role-duties", "-p", param, "--format", "json")
    there = run(capsys, "query", "role-duties", "-p", param, "--store", store, "--format", "json")
    assert here[0] == there[0] == 0
    assert json.loads(there[1]) == json.loads(here[1]) != []


def test_a_second_parameterised_question(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("query", "artefact-mentions", "-p", "artefact=BIA", "--format", "csv")
    here, there = run(capsys, *argv), run(capsys, *argv, "--store", store)
    assert there == here and here[0] == 0 and "Business Impact" in here[1]


def test_a_bad_parameter_value_is_refused_alike(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("query", "role-duties", "-p", "role=Nobody At All")
    here, there = run(capsys, *argv), run(capsys, *argv, "--store", store)
    assert here[0] == there[0] == 2
    assert there[2] == here[2]


def test_validate_in_the_store_gives_the_verdict_here(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    here = run(capsys, "validate", "--checks", "--format", "json")
    there = run(capsys, "validate", "--checks", "--store", store, "--format", "json")
    assert here[0] == there[0] == 0
    assert json.loads(there[1]) == json.loads(here[1])


@pytest.mark.parametrize("checks", [[], ["--checks"]], ids=["shacl", "shacl-and-checks"])
def test_bad_data_in_the_store_fails_with_the_same_violations(
    store: str, capsys: pytest.CaptureFixture[str], checks: list[str]
) -> None:
    here = run(capsys, "validate", *checks, str(FIXTURES / "broken.ttl"), "--format", "json")
    there = run(
        capsys, "validate", *checks, "--store", store, "--graph", BROKEN_GRAPH, "--format", "json"
    )
    assert here[0] == there[0] == 1
    mine, theirs = json.loads(here[1]), json.loads(there[1])
    assert theirs["violations"] == mine["violations"] != []
    assert theirs["conforms"] is mine["conforms"] is False


def test_load_replaces_the_graph(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A second PUT into the same graph replaces it: the extension's triples are gone."""
    graph = "https://example.org/test/replaced"
    base = ("load", "--store", store, "--graph", graph)
    code, _, first = run(capsys, *base, str(FIXTURES / "broken.ttl"))
    assert code == 0
    code, _, second = run(capsys, *base)
    assert code == 0
    assert f"now in graph <{graph}>" in second
    fresh = run(capsys, "load", "--store", store, "--graph", graph + "-fresh")[2]
    count = second.split()[2]
    assert count == fresh.split()[2] != first.split()[2]  # as a fresh upload, not added to it


def test_an_unknown_graph_is_named(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", "--store", store, "--graph", "https://example.org/none")
    assert code == 2
    assert "has no graph <https://example.org/none>" in err and f"{store}/store" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["query", "role-duties"],
        ["validate", "--checks"],
        ["load"],
    ],
    ids=["query", "validate", "load"],
)
def test_an_unreachable_store_exits_2_naming_the_url(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    code, _, err = run(capsys, *argv, "--store", url)
    assert code == 2
    assert "cannot reach" in err and url in err
    assert "Traceback" not in err


def test_a_store_answering_an_error_is_named(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = f"{store}/no-such-endpoint"
    code, _, err = run(capsys, "query", "role-duties", "--store", store, "--query-url", wrong)
    assert code == 2
    assert wrong in err and "404" in err


def test_extra_files_with_store_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "query",
        "role-duties",
        str(FIXTURES / "broken.ttl"),
        "--store",
        "http://127.0.0.1:9",
    )
    assert code == 2 and "ppo load --store" in err


def test_graph_without_store_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "role-duties", "--graph", DEFAULT_GRAPH)
    assert code == 2 and "--store" in err


# ``ppo serve --store``: the endpoint answering from the store, compared with the one in process.

SELECT_ROLES = """PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?role ?label WHERE { ?role a ppo:Role ; rdfs:label ?label } ORDER BY ?role ?label"""
CONSTRUCT_DUTIES = """PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
CONSTRUCT { ?role ppo:carriesDuty ?duty } WHERE { ?role ppo:carriesDuty ?duty }"""
ASK_ROLE = "PREFIX ppo: <https://w3id.org/ppo-graph/ontology#> ASK { ?r a ppo:Role }"


@pytest.fixture(scope="module")
def clients(store: str) -> Iterator[tuple[Any, Any]]:
    """(in process, through the store) TestClients of ``create_app``."""
    from starlette.testclient import TestClient

    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.serve.app import create_app

    remote = RemoteGraph.connect(Endpoints.of(store), timeout=30)
    with (
        TestClient(create_app(KnowledgeGraph.open())) as here,
        TestClient(create_app(remote)) as there,
    ):
        yield here, there


def _rows(response: Any, kind: str) -> Any:
    assert response.status_code == 200, response.text
    if kind == "json":
        return response.json()
    return sorted(csv.reader(io.StringIO(response.text)))


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_serve_store_select_gives_the_rows_here(clients: tuple[Any, Any], kind: str) -> None:
    here, there = clients
    params = {"query": SELECT_ROLES, "format": kind}
    mine, theirs = here.get("/sparql", params=params), there.get("/sparql", params=params)
    assert _rows(theirs, kind) == _rows(mine, kind)
    assert theirs.headers["content-type"] == mine.headers["content-type"]
    assert int(theirs.headers["X-PPO-Rows"]) > 10


def test_serve_store_ask(clients: tuple[Any, Any]) -> None:
    here, there = clients
    answer = there.post("/sparql", data={"query": ASK_ROLE})
    assert answer.status_code == 200
    assert (
        answer.json()["boolean"]
        is True
        == here.post("/sparql", data={"query": ASK_ROLE}).json()["boolean"]
    )


def test_serve_store_construct_as_turtle_is_the_graph_here(clients: tuple[Any, Any]) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    here, there = clients
    headers = {"Accept": "text/turtle"}
    mine = here.post("/sparql", data={"query": CONSTRUCT_DUTIES}, headers=headers)
    theirs = there.post("/sparql", data={"query": CONSTRUCT_DUTIES}, headers=headers)
    assert theirs.status_code == 200 and theirs.headers["content-type"].startswith("text/turtle")
    a, b = (
        Graph().parse(data=mine.text, format="turtle"),
        Graph().parse(data=theirs.text, format="turtle"),
    )
    assert len(b) > 10 and isomorphic(a, b)


def test_serve_store_row_cap_applies(store: str) -> None:
    from starlette.testclient import TestClient

    from ppo_graph.serve.app import Settings, create_app

    remote = RemoteGraph.connect(Endpoints.of(store), timeout=30)
    with TestClient(create_app(remote, Settings(max_rows=3))) as client:
        answer = client.get("/sparql", params={"query": SELECT_ROLES})
    assert answer.status_code == 200 and len(answer.json()["results"]["bindings"]) == 3
    assert answer.headers["X-PPO-Row-Cap"] == "3; truncated"


@pytest.mark.parametrize(
    "role", ["Demand Management Process Owner", "ppod:CapacityManagementProcessManager"]
)
def test_serve_store_canned_query_gives_the_rows_here(clients: tuple[Any, Any], role: str) -> None:
    here, there = clients
    params = {"role": role}
    mine, theirs = (
        here.get("/queries/role-duties", params=params),
        there.get("/queries/role-duties", params=params),
    )
    assert theirs.status_code == mine.status_code == 200
    assert theirs.json() == mine.json() and theirs.json()["results"]["bindings"]


def test_serve_store_catalogue_listing_is_the_one_here(clients: tuple[Any, Any]) -> None:
    here, there = clients
    assert there.get("/queries").json() == here.get("/queries").json()


def test_serve_store_health_names_the_store(store: str, clients: tuple[Any, Any]) -> None:
    health = clients[1].get("/health").json()
    assert health["ok"] is True
    assert health["store"] == {
        "query_url": f"{store}/query",
        "gsp_url": f"{store}/store",
        "graph": DEFAULT_GRAPH,
    }
    # /health asks the store, so it says whether the store answers and how much it holds
    assert health["triples"] == RemoteGraph.connect(Endpoints.of(store), timeout=30).store.count()
    assert health["triples"] > 1000 and health["error"] is None


def test_serve_store_health_says_when_the_store_is_gone() -> None:
    """A store that does not answer makes /health say so (503, ok false, the store's URL)."""
    from starlette.testclient import TestClient

    from ppo_graph.serve.app import create_app

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    app = create_app(RemoteGraph.connect(Endpoints.of(dead), timeout=5))
    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["ok"] is False and dead in response.json()["error"]


def test_serve_store_workbench_pages(clients: tuple[Any, Any]) -> None:
    there = clients[1]
    for path in ("/", "/roles", "/roles/DemandManagementProcessOwner", "/ontology", "/sparql"):
        assert there.get(path).status_code == 200, path
    index = there.get("/roles").text
    assert "Demand Management" in index


def test_serve_store_role_pages_show_who_holds_each_role(store: str) -> None:
    """The example organisation uploaded to its own graph: the role index and pages through the
    store are the pages in process, holders and the unheld notice included."""
    from starlette.testclient import TestClient

    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.serve.app import create_app

    org = ROOT / "examples" / "org" / "org.ttl"
    assert main(["load", "--store", store, "--graph", ORG_GRAPH, str(org)]) == 0
    remote = RemoteGraph.connect(Endpoints.of(store, graph=ORG_GRAPH), timeout=30)
    with (
        TestClient(create_app(KnowledgeGraph.open([org]))) as here,
        TestClient(create_app(remote)) as there,
    ):
        pages = {}
        for name in ("", "/CapacityManagementProcessManager", "/DemandManagementProcessManager"):
            pages[name] = there.get(f"/roles{name}").text
            assert pages[name] == here.get(f"/roles{name}").text, name
    assert "held by today" in pages[""]
    assert "Chen Wei" in pages["/CapacityManagementProcessManager"]
    assert 'class="notice unheld"' in pages["/DemandManagementProcessManager"]


def test_serve_store_graph_and_validation_pages_use_a_copy_of_the_store(
    clients: tuple[Any, Any],
) -> None:
    """/graph and /validation need the whole graph: fetched once with a Graph Store GET."""
    here, there = clients
    page = there.get("/validation")
    assert page.status_code == 200
    assert page.text == here.get("/validation").text
    assert there.get("/graph").status_code == 200


@pytest.mark.parametrize(
    "request_args",
    [
        {"data": {"update": "DROP ALL"}},
        {"content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"data": {"query": "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"}},
        {"data": {"query": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"}},
    ],
    ids=["update-form", "update-body", "service", "from"],
)
def test_serve_store_refusals_never_reach_the_store(
    store: str, request_args: dict[str, Any], tmp_path: Path
) -> None:
    from starlette.testclient import TestClient
    from test_boundary_store import CountingStore

    from ppo_graph.serve.app import create_app

    remote = RemoteGraph.connect(Endpoints.of(store), timeout=30)
    counting = CountingStore(remote.store, tmp_path / "sent.jsonl")  # a file: workers write it
    remote.store = counting  # type: ignore[assignment]
    with TestClient(create_app(remote)) as client:
        answer = client.post("/sparql", **request_args)
        assert answer.status_code == 403
        assert counting.sent() == []
        assert client.post("/sparql", data={"query": ASK_ROLE}).status_code == 200
    assert counting.sent() == [ASK_ROLE]  # the log does see what is sent


def test_serve_store_dead_store_is_502_naming_the_url() -> None:
    from starlette.testclient import TestClient

    from ppo_graph.serve.app import create_app

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    dead = RemoteGraph.connect(Endpoints.of(url), timeout=5)
    with TestClient(create_app(dead)) as client:
        for answer in (
            client.get("/sparql", params={"query": ASK_ROLE}),
            client.get("/queries/role-duties", params={"role": "Demand Management Process Owner"}),
            client.get("/roles"),
        ):
            assert answer.status_code == 502, answer.text
            assert f"{url}/query" in answer.text and "cannot reach" in answer.text


def test_serve_store_with_reload_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "serve", "--store", "http://127.0.0.1:9", "--reload", "--port", "0")
    assert code == 2 and "--reload" in err


def test_serve_store_unreachable_at_start_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    code, _, err = run(capsys, "serve", "--store", url, "--port", "0")
    assert code == 2 and "cannot reach" in err and url in err
