"""``--store``: ``ppo load``, ``ppo query``, ``ppo validate`` and ``ppo serve`` against real
SPARQL stores, each started once per session on free loopback ports (tests/stores.py): the
Oxigraph server (the in-process engine's own) and Virtuoso 7.2 (a store of another make). Every
test taking ``store`` runs on both, through the same code. Each store must give the rows here for
every canned question, check and report (default and further parameters, on the shipped graph
and beside the example organisation), the verdict here for ``ppo validate --checks``, and the
pages and answers of the endpoint here for ``ppo serve --store``; what each store keeps of the
uploaded literals is recorded."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from stores import BROKEN_GRAPH, KNOWN_DEVIATIONS, ORG_GRAPH, Store, free_port
from test_oxigraph_parity import EXTRA_CASES

from ppo_graph.catalogue import default_catalogue
from ppo_graph.cli import main
from ppo_graph.engine.remote import DEFAULT_GRAPH, Endpoints, RemoteGraph, deviations

ORG = ROOT / "examples" / "org" / "org.ttl"


@pytest.fixture(scope="session")
def store(loaded_store: Store) -> Store:
    """Each store in turn, holding the shipped graph in the default named graph,
    ``tests/fixtures/broken.ttl`` with it in ``BROKEN_GRAPH`` and the example organisation with
    it in ``ORG_GRAPH``."""
    return loaded_store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# Every canned query (questions, checks and reports) with its default parameters and the parity
# test's extra parameter values, on the shipped graph and on the example organisation, in the
# store and here: the same terms (exactly: datatype, language tag and lexical form), in the same
# order where the query has an ORDER BY. One comparison for every store (``store`` is each in
# turn); the rows here are computed once per session.
CATALOGUE = default_catalogue()
#: The slowest queries, which read no organisation: compared on the shipped graph only (with
#: their parameters too), not again beside the example organisation.
ORG_SKIPPED = ("label-unique-violation", "owner-only-duties", "process-duties", "role-comparison")
CASES: list[tuple[str | None, str, dict[str, str]]] = [
    *((None, spec.name, {}) for spec in CATALOGUE),
    *((ORG_GRAPH, spec.name, {}) for spec in CATALOGUE if spec.name not in ORG_SKIPPED),
    *((None, name, params) for name, params in EXTRA_CASES),
    *(
        (ORG_GRAPH, "role-page-holders", {"role": role})
        for role in ("ppod:DemandManagementProcessManager", "ppod:ProcessPractitioner")
    ),
]


def _case_id(case: tuple[str | None, str, dict[str, str]]) -> str:
    graph, name, params = case
    return ("org:" if graph else "") + name + "".join(f"[{k}={v}]" for k, v in params.items())


@pytest.fixture(scope="session")
def rows_here() -> Any:
    """The rows of a case in process (each computed once per session), as ``ppo load`` reasons
    the graph it uploads."""
    from ppo_graph.engine import KnowledgeGraph

    engines = {None: KnowledgeGraph.open(), ORG_GRAPH: KnowledgeGraph.open([ORG])}
    found: dict[str, list[dict[str, Any]]] = {}

    def rows(case: tuple[str | None, str, dict[str, str]]) -> list[dict[str, Any]]:
        key = _case_id(case)
        if key not in found:
            graph, name, params = case
            found[key] = engines[graph].rows(CATALOGUE.get(name), params)
        return found[key]

    return rows


def same_rows(spec: Any, here: list[dict[str, Any]], there: list[dict[str, Any]]) -> None:
    """The store's rows are the rows here: the same terms, written alike, in the same order
    where the query orders them."""

    def written(rows: list[dict[str, Any]]) -> list[tuple[str | None, ...]]:
        return [tuple(None if r[c] is None else str(r[c]) for c in spec.columns) for r in rows]

    mine, theirs = written(here), written(there)
    if re.search(r"(?m)^ORDER BY", spec.text):
        assert theirs == mine
    else:
        assert sorted(theirs, key=repr) == sorted(mine, key=repr)


def test_every_canned_query_is_compared() -> None:
    assert {name for _, name, _ in CASES} == set(CATALOGUE.names())
    assert len(CASES) == 2 * len(CATALOGUE) - len(ORG_SKIPPED) + len(EXTRA_CASES) + 2 > 190


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_query_in_the_store_gives_the_rows_here(
    store: Store, rows_here: Any, case: tuple[str | None, str, dict[str, str]]
) -> None:
    graph, name, params = case
    spec = CATALOGUE.get(name)
    there = RemoteGraph.connect(store.endpoints(graph), timeout=60).rows(spec, params)
    if (store.kind, name) in KNOWN_DEVIATIONS:  # the store's fault, said in the query's header
        assert "portability:" in spec.text and store.kind.title() in spec.text
        with pytest.raises(AssertionError):
            same_rows(spec, rows_here(case), there)
        return
    same_rows(spec, rows_here(case), there)


#: A generated tenant catalogue (bench/generate.py), where the text checks find violations the
#: shipped graph and the fixtures do not have: 2,000 triples, each check compared on it.
CATALOGUE_GRAPH = "https://example.org/test/catalogue"
CHECKS = [spec for spec in CATALOGUE if spec.kind == "check"]
#: Checks a store answers differently on the generated catalogue, not every time (the plan
#: decides): there, every violation found here must be found too, and the store may add
#: anchored links (its known deviation, said in the query's header).
CATALOGUE_DEVIATIONS = {("virtuoso", "mention-unanchored-violation")}


@pytest.fixture(scope="session")
def generated_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The catalogue's file and its check rows here (computed once for every store)."""
    import importlib.util
    import sys

    from ppo_graph.engine import KnowledgeGraph

    bench = ROOT / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate_store", bench)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("catalogue") / "catalogue.nt"
    module.write(path, 2000, seed=1)
    kg = KnowledgeGraph.open([path], cache=False)
    return path, {check.name: kg.rows(check) for check in CHECKS}


@pytest.fixture(scope="session")
def store_with_catalogue(store: Store, generated_catalogue: Any) -> Store:
    path, _ = generated_catalogue
    assert main(["load", *store.args(CATALOGUE_GRAPH), str(path)]) == 0
    return store


@pytest.mark.parametrize("name", [spec.name for spec in CHECKS])
def test_check_on_a_generated_catalogue_gives_the_rows_here(
    store_with_catalogue: Store, generated_catalogue: Any, name: str
) -> None:
    store = store_with_catalogue
    _, here = generated_catalogue
    spec = CATALOGUE.get(name)
    there = RemoteGraph.connect(store.endpoints(CATALOGUE_GRAPH), timeout=120).rows(spec)
    if (store.kind, name) in CATALOGUE_DEVIATIONS:  # said in the query's header
        assert "Known deviation" in spec.text
        assert store.kind in [name.lower() for name, _ in spec.deviates]  # and said when run
        missing = {repr(row) for row in here[name]} - {repr(row) for row in there}
        assert not missing, f"{len(missing)} violations found here are not found there"
        return
    same_rows(spec, here[name], there)


def test_the_store_names_itself_as_its_known_deviations_name_it(store: Store) -> None:
    """A query's ``# deviates: STORE:`` is said when it runs on a store whose ``Server`` header
    names that product: Virtuoso's does, the Oxigraph server's does not name Virtuoso."""
    server = RemoteGraph.connect(store.endpoints()).store.server()
    spec = CATALOGUE.get("mention-unanchored-violation")
    assert bool(deviations(spec, server)) is (store.kind == "virtuoso"), server
    if store.kind == "virtuoso":
        assert server.startswith("Virtuoso/"), server


def test_the_generated_catalogue_has_violations_to_compare(generated_catalogue: Any) -> None:
    _, here = generated_catalogue
    found = {name for name, rows in here.items() if rows}
    assert {"mention-unanchored-violation", "interface-stated-violation"} <= found


def test_the_comparison_catches_a_changed_term() -> None:
    """Mutation: a store that wrote a boolean as 1 (as Virtuoso keeps it) fails the comparison,
    and so does one that answers an ordered query's rows in another order."""
    import pyoxigraph as ox

    spec = CATALOGUE.get("graph-processes")
    true = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    one = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    node = ox.NamedNode("https://example.org/p")
    with pytest.raises(AssertionError):
        same_rows(spec, [{"process": node, "isPPO": true}], [{"process": node, "isPPO": one}])
    ordered = CATALOGUE.get("roles")
    with pytest.raises(AssertionError):
        same_rows(ordered, rows_of(ordered, 2), rows_of(ordered, 2)[::-1])
    same_rows(spec, rows_of(spec, 2), rows_of(spec, 2)[::-1])  # unordered: any order will do


def rows_of(spec: Any, count: int) -> list[dict[str, Any]]:
    import pyoxigraph as ox

    return [{c: ox.Literal(f"{c}{i}") for c in spec.columns} for i in range(count)]


@pytest.mark.parametrize(
    "param",
    [
        "role=Demand Management Process Owner",
        "role=ppod:CapacityManagementProcessManager",
    ],
)
def test_parameters_are_bound_alike(
    store: Store, capsys: pytest.CaptureFixture[str], param: str
) -> None:
    here = run(capsys, "query", "role-duties", "-p", param, "--format", "json")
    there = run(capsys, "query", "role-duties", "-p", param, *store.args(), "--format", "json")
    assert here[0] == there[0] == 0
    assert json.loads(there[1]) == json.loads(here[1]) != []


def test_a_second_parameterised_question(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("query", "artefact-mentions", "-p", "artefact=BIA", "--format", "csv")
    here, there = run(capsys, *argv), run(capsys, *argv, *store.args())
    assert there == here and here[0] == 0 and "Business Impact" in here[1]


def test_a_bad_parameter_value_is_refused_alike(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("query", "role-duties", "-p", "role=Nobody At All")
    here, there = run(capsys, *argv), run(capsys, *argv, *store.args())
    assert here[0] == there[0] == 2
    assert there[2] == here[2]


def test_validate_in_the_store_gives_the_verdict_here(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    here = run(capsys, "validate", "--checks", "--format", "json")
    there = run(capsys, "validate", "--checks", *store.args(), "--format", "json")
    assert here[0] == there[0] == 0
    assert json.loads(there[1]) == json.loads(here[1])


@pytest.mark.parametrize("checks", [[], ["--checks"]], ids=["shacl", "shacl-and-checks"])
def test_bad_data_in_the_store_fails_with_the_same_violations(
    store: Store, capsys: pytest.CaptureFixture[str], checks: list[str]
) -> None:
    here = run(capsys, "validate", *checks, str(FIXTURES / "broken.ttl"), "--format", "json")
    there = run(capsys, "validate", *checks, *store.args(BROKEN_GRAPH), "--format", "json")
    assert here[0] == there[0] == 1
    mine, theirs = json.loads(here[1]), json.loads(there[1])
    assert theirs["violations"] == mine["violations"] != []
    assert theirs["conforms"] is mine["conforms"] is False


def test_load_replaces_the_graph(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """A second PUT into the same graph replaces it: the extension's triples are gone."""
    graph = "https://example.org/test/replaced"
    base = ("load", *store.args(graph))
    code, _, first = run(capsys, *base, str(FIXTURES / "broken.ttl"))
    assert code == 0
    code, _, second = run(capsys, *base)
    assert code == 0
    assert f"now in graph <{graph}>" in second
    fresh = run(capsys, "load", *store.args(graph + "-fresh"))[2]
    count = second.split()[2]
    assert count == fresh.split()[2] != first.split()[2]  # as a fresh upload, not added to it


BLANK_NODES = """SELECT (COUNT(DISTINCT ?node) AS ?nodes) WHERE {
  { ?node ?p ?o } UNION { ?s ?p ?node } FILTER isBlank(?node)
}"""
TRIPLES = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"


def test_load_in_batches_gives_the_graph_of_one_put(
    store: Store, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--batch``: a PUT and then POSTs give the store the graph one PUT gives it, replacing
    what the graph held, with each blank node still one node (its triples in one request)."""
    graph = "https://example.org/test/batched"
    assert run(capsys, "load", *store.args(graph), str(ORG))[0] == 0  # replaced below
    code, _, err = run(
        capsys, "load", "--batch", "4000", *store.args(graph), str(FIXTURES / "broken.ttl")
    )
    assert code == 0, err
    counts = []
    for number, text in enumerate((TRIPLES, BLANK_NODES)):
        query = tmp_path / f"count-{number}.rq"
        query.write_text(text, encoding="utf-8")
        argv = ("query", "--file", str(query), "--format", "csv")
        counts.append([run(capsys, *argv, *store.args(name))[1] for name in (graph, BROKEN_GRAPH)])
    assert counts[0][0] == counts[0][1] and counts[1][0] == counts[1][1], counts
    assert int(counts[1][0].splitlines()[1]) > 1000  # blank nodes there to be split


def test_an_unknown_graph_is_named(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", *store.args("https://example.org/none"))
    assert code == 2
    assert "has no graph <https://example.org/none>" in err and store.gsp_url in err


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
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = f"{store.base}/no-such-endpoint"
    argv = ("query", "role-duties", "--query-url", wrong, "--gsp-url", store.gsp_url)
    code, _, err = run(capsys, *argv)
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
def clients(store: Store) -> Iterator[tuple[Any, Any]]:
    """(in process, through the store) TestClients of ``create_app``."""
    from starlette.testclient import TestClient

    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.serve.app import create_app

    remote = RemoteGraph.connect(store.endpoints(), timeout=30)
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


def test_serve_store_row_cap_applies(store: Store) -> None:
    from starlette.testclient import TestClient

    from ppo_graph.serve.app import Settings, create_app

    remote = RemoteGraph.connect(store.endpoints(), timeout=30)
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


def test_serve_store_health_names_the_store(store: Store, clients: tuple[Any, Any]) -> None:
    health = clients[1].get("/health").json()
    assert health["ok"] is True
    assert health["store"] == {
        "query_url": store.query_url,
        "gsp_url": store.gsp_url,
        "graph": DEFAULT_GRAPH,
    }
    # /health asks the store, so it says whether the store answers and how much it holds
    assert health["triples"] == RemoteGraph.connect(store.endpoints(), timeout=30).store.count()
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


def test_serve_store_role_pages_show_who_holds_each_role(store: Store) -> None:
    """The example organisation in its own graph: the role index and pages through the
    store are the pages in process, holders and the unheld notice included."""
    from starlette.testclient import TestClient

    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.serve.app import create_app

    remote = RemoteGraph.connect(store.endpoints(ORG_GRAPH), timeout=30)
    with (
        TestClient(create_app(KnowledgeGraph.open([ORG]))) as here,
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
    store: Store, request_args: dict[str, Any], tmp_path: Path
) -> None:
    from starlette.testclient import TestClient
    from test_boundary_store import CountingStore

    from ppo_graph.serve.app import create_app

    remote = RemoteGraph.connect(store.endpoints(), timeout=30)
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


# Literals through the upload: ``ppo load`` sends them as written (tests/test_as_written.py);
# what a store keeps of them is its own affair. Both keep text (spaces, line breaks, any
# character), dates, times and unknown datatypes as written; both write a language tag in lower
# case and numbers and booleans in a canonical form of their own (the same values, so queries
# compare them alike; a row that shows the literal shows the store's form). Recorded here, so a
# store that changed more would fail.
X = "http://www.w3.org/2001/XMLSchema#"
WRITTEN_LITERALS = [
    '"colour"@en-GB',
    '"Farbe"@de',
    f'"2024-02-29"^^<{X}date>',
    f'"2024-02-29T10:00:00Z"^^<{X}dateTime>',
    f'"true"^^<{X}boolean>',
    f'"1"^^<{X}boolean>',
    f'"1.50"^^<{X}decimal>',
    f'"01"^^<{X}integer>',
    f'"7"^^<{X}int>',
    f'"1.0E0"^^<{X}double>',
    '"  spaced  "',
    '"line\\nbreak"',
    '"\u00e9 \u2019 \u6f22\u5b57 \U0001f600"',
    '"abc"^^<https://example.org/dt>',
]
_CANONICAL = {
    '"colour"@en-GB': '"colour"@en-gb',
    f'"1"^^<{X}boolean>': f'"true"^^<{X}boolean>',
    f'"1.50"^^<{X}decimal>': f'"1.5"^^<{X}decimal>',
    f'"01"^^<{X}integer>': f'"1"^^<{X}integer>',
}
#: What each store keeps instead of a literal as written (the rest it keeps as written).
STORE_KEEPS = {
    "oxigraph": {
        **_CANONICAL,
        f'"7"^^<{X}int>': f'"7"^^<{X}integer>',  # oxigraph/oxigraph#526
        f'"1.0E0"^^<{X}double>': f'"1"^^<{X}double>',
    },
    "virtuoso": {**_CANONICAL, f'"1.0E0"^^<{X}double>': f'"1.0"^^<{X}double>'},
}


def test_literals_through_the_upload(store: Store, tmp_path: Path) -> None:
    """Each literal of an uploaded N-Triples file, read back raw from the store's Graph Store
    GET (no parser in between, which might rewrite it too)."""
    from ppo_graph.engine.remote import RemoteStore

    data = tmp_path / "literals.nt"
    lines = [
        f"<https://example.org/a> <https://example.org/p{i}> {literal} ."
        for i, literal in enumerate(WRITTEN_LITERALS)
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    graph = "https://example.org/test/literals"
    assert main(["load", *store.args(graph), str(data)]) == 0
    body = RemoteStore(store.endpoints(graph)).get_graph().decode("utf-8")
    kept = {}
    for line in body.splitlines():
        found = re.match(
            r"<https://example\.org/a>\s+<https://example\.org/p(\d+)>\s+(.*\S)\s*\.$", line
        )
        if found:  # \u escapes read as the characters they stand for
            kept[WRITTEN_LITERALS[int(found[1])]] = re.sub(
                r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                lambda m: chr(int(m[1] or m[2], 16)),
                found[2],
            )
    changes = STORE_KEEPS[store.kind]
    assert kept == {w: changes.get(w, w) for w in WRITTEN_LITERALS}
