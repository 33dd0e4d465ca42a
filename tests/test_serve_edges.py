"""The endpoint at the protocol's edges: evaluation errors are 400 (not 500), queries resolve
relative IRIs against the endpoint's URL, HEAD answers like GET, every response says nosniff,
a Host header outside the allow-list gets 421 (DNS rebinding), a store that answers with other
variables is an error, the limits are reported, and the evaluation pool refuses at once when
full."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from ppo_graph.backends.fast.sparql import run_spec
from ppo_graph.catalogue import default_catalogue
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.engine.isolation import Busy, EvaluationTimeout, Limits, Pool
from ppo_graph.engine.remote import StoreError
from ppo_graph.serve.app import Settings, create_app

ONE_ROW = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def client(graph: KnowledgeGraph) -> Iterator[TestClient]:
    settings = Settings(allowed_hosts=("127.0.0.1", "localhost", "testserver"))
    with TestClient(create_app(graph, settings)) as client:
        yield client


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (<http://example.org/unknown>(1) AS ?x) WHERE {}",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY <http://example.org/unknown>(?s) LIMIT 1",
        "SELECT * WHERE { BIND(<http://example.org/unknown>(1) AS ?x) }",
    ],
    ids=["projection", "order-by", "bind"],
)
def test_evaluation_errors_are_400_with_the_evaluators_message(
    client: TestClient, query: str
) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "could not be evaluated" in response.text
    assert "http://example.org/unknown" in response.text


def test_relative_iris_resolve_against_the_endpoint(client: TestClient) -> None:
    """The W3C protocol test: CONSTRUCT { <s> <p> 1 } WHERE {} answers with IRIs resolved
    against the endpoint's own URL."""
    response = client.get(
        "/sparql",
        params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    assert [(t.subject.value, t.predicate.value, t.object.value) for t in triples] == [
        ("http://testserver/s", "http://testserver/p", "1")
    ]


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    params = {"query": ONE_ROW}
    got = client.get("/sparql", params=params)
    head = client.head("/sparql", params=params)
    assert head.status_code == got.status_code == 200
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.content == b""
    assert client.head("/health").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/sparql?query=SELECT%20*%20%7B%7D", 200),
        ("GET", "/sparql?query=DROP%20ALL", 403),
        ("GET", "/sparql?query=SELECT", 400),
        ("GET", "/queries/no-such-query", 404),
        ("GET", "/health", 200),
        ("GET", "/", 200),
        ("GET", "/assets/workbench.css", 200),
        ("GET", "/no/such/page", 404),
        ("POST", "/sparql", 415),
    ],
)
def test_every_response_says_nosniff(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path, content=b"x" if method == "POST" else None)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "10.0.0.1", "[::2]:80"])
def test_a_host_outside_the_allow_list_gets_421(client: TestClient, host: str) -> None:
    """A page whose DNS name was rebound to 127.0.0.1 sends its own name as Host: refused, and
    the service description never echoes it."""
    for path in ("/sparql", "/health", "/", f"/sparql?query={ONE_ROW}"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 421, path
        assert "evil" not in response.text and "10.0.0.1" not in response.text
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "LOCALHOST"])
def test_allowed_hosts_are_answered(client: TestClient, host: str) -> None:
    response = client.get("/sparql", headers={"Host": host, "Accept": "text/turtle"})
    assert response.status_code == 200
    assert host.split(":")[0] in response.text  # the description names the endpoint


def test_serve_allows_its_address_and_localhost_by_default() -> None:
    from ppo_graph.cli.serve import _default_hosts

    assert _default_hosts("127.0.0.1", "127.0.0.1") == ["127.0.0.1", "::1", "localhost"]
    assert _default_hosts("192.0.2.7", "192.0.2.7") == ["192.0.2.7"]


def test_health_reports_the_limits(client: TestClient) -> None:
    limits = client.get("/health").json()["limits"]
    assert limits["timeout"] == 10.0 and limits["memory_mb"] == 1024
    assert limits["max_inflight"] == 64 and limits["max_long"] == 4
    assert limits["network_sandbox"] is True


def test_a_store_answering_other_variables_is_an_error(graph: KnowledgeGraph) -> None:
    """A store that answers a canned query with other variables than it selects is in error:
    never an empty table."""

    class Renaming:
        def query(self, text: str, **options: Any) -> Any:
            renamed = text.replace("?role", "?other")
            return graph.store.query(renamed, use_default_graph_as_union=True)

    spec = default_catalogue().get("roles")
    with pytest.raises(StoreError, match="selects section, role"):
        run_spec(Renaming(), spec, {})


def _sleep(state: Any, seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def test_a_full_pool_refuses_at_once_and_a_stopped_worker_frees_its_slot() -> None:
    with Pool(None, Limits(timeout=5, memory_mb=0, max_inflight=2, max_long=2)) as pool:
        results: list[Any] = []
        threads = [
            threading.Thread(target=lambda: results.append(pool.call(_sleep, 1.0)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        began = time.monotonic()
        with pytest.raises(Busy):
            pool.call(_sleep, 0.0)
        assert time.monotonic() - began < 0.5  # refused at once, not queued
        for thread in threads:
            thread.join()
        assert results == ["slept", "slept"]
        began = time.monotonic()
        with pytest.raises(EvaluationTimeout):
            pool.call(_sleep, 30.0, timeout=0.5)
        assert time.monotonic() - began < 3
        deadline = time.monotonic() + 15  # a killed process needs the CPU to exit
        while pool.status()["workers_stopping"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.call(_sleep, 0.0) == "slept"  # the killed worker's slot came back


def _spin(state: Any, seconds: float) -> str:
    """Spin until the worker has used ``seconds`` of CPU (not of the clock: on a loaded machine
    a spinner must still become long before it is done)."""
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass
    return "spun"


def test_too_many_long_queries_stop_the_youngest() -> None:
    """Long means CPU spent, not time waited: two sleepers are not long, the second of two
    spinners is stopped once both have used a quarter second of CPU."""
    with Pool(None, Limits(timeout=10, memory_mb=0, max_inflight=4, max_long=1)) as pool:
        sleeper: list[Any] = []
        thread = threading.Thread(target=lambda: sleeper.append(pool.call(_sleep, 1.0)))
        thread.start()
        assert pool.call(_sleep, 1.0) == "slept"
        thread.join()
        assert sleeper == ["slept"]
        first: list[Any] = []
        thread = threading.Thread(target=lambda: first.append(pool.call(_spin, 2.0)))
        thread.start()
        time.sleep(0.1)
        with pytest.raises(Busy, match="long-running"):
            pool.call(_spin, 5.0)  # stopped, long before its five seconds of CPU
        thread.join()
        assert first == ["spun"]


def _watcher_frame(pool: Pool) -> str:
    """The function the pool's watcher thread is in now."""
    frame = sys._current_frames().get(pool._monitor.ident or 0)
    return frame.f_code.co_name if frame is not None else "gone"


def test_an_idle_pool_watcher_sleeps_until_a_job_runs() -> None:
    """The watcher that nices and stops long workers waits on the pool while no job runs (it
    woke every 50 ms for nothing: a server or a notebook with pools idled on it), wakes for a
    job, and ends when the pool closes."""
    pool = Pool(None, Limits(timeout=10, memory_mb=0, max_inflight=2, max_long=1))
    try:
        assert pool.call(_sleep, 0.0) == "slept"
        deadline = time.monotonic() + 5
        while _watcher_frame(pool) != "wait" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _watcher_frame(pool) == "wait"  # in Condition.wait, not in its polling loop
        # it still does its work when a job runs: the second long spinner is stopped
        first: list[Any] = []
        thread = threading.Thread(target=lambda: first.append(pool.call(_spin, 2.0)))
        thread.start()
        time.sleep(0.1)
        with pytest.raises(Busy, match="long-running"):
            pool.call(_spin, 5.0)
        thread.join()
        assert first == ["spun"]
    finally:
        pool.close()
    pool._monitor.join(timeout=5)
    assert not pool._monitor.is_alive()
