"""``ppo store check URL``: every canned query in the store and here, compared.

The store is first an in-process stand-in (tests/standin.py: pyoxigraph behind the SPARQL and
Graph Store protocols) filled by ``ppo load``, which a test can make lie: drop one row of one
query's answer, lose one triple, rewrite numbers in another form or to another value, reverse an
ordered answer, send garbage. Then the real stores (tests/stores.py): the Oxigraph server and
Virtuoso, each loaded by ``ppo load``, must agree on every query, for the shipped graph and for
the example organisation in a graph of its own."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import ROOT
from standin import StandIn, standin
from stores import KNOWN_DEVIATIONS

from ppo_graph.catalogue import default_catalogue
from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.engine.store_check import COLUMNS, order_keys, term_key

ORG = ROOT / "examples" / "org" / "org.ttl"
ORG_GRAPH = "https://example.org/test/check-org"
XSD = "http://www.w3.org/2001/XMLSchema#"
EVERY = len(default_catalogue())
#: A few queries of each kind (a whole check is the honest store's and the real stores' test).
SOME = [
    arg
    for name in ("roles", "stats-counts", "graph-roles", "role-duties", "label-unique-violation")
    for arg in ("--query", name)
]


@pytest.fixture(scope="module")
def loaded() -> Iterator[StandIn]:
    """A stand-in holding the shipped graph (default graph name) and the example organisation
    with it (:data:`ORG_GRAPH`), both uploaded by ``ppo load``."""
    with standin() as store:
        assert main(["load", "--store", store.base]) == 0
        assert main(["load", "--store", store.base, "--graph", ORG_GRAPH, str(ORG)]) == 0
        yield store


@pytest.fixture
def store(loaded: StandIn) -> Iterator[StandIn]:
    """The loaded stand-in, honest again after each test."""
    yield loaded
    loaded.tamper = None
    loaded.headers = lambda text: {}


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["store", "check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def named(out: str) -> list[str]:
    """The queries a table output names as differing (its unindented lines, the summary out)."""
    return [line.split(" (")[0] for line in out.splitlines()[:-1] if not line.startswith(" ")]


def on_query(name: str, change: Any) -> Any:
    """A tamper that applies ``change`` to the SPARQL JSON of query ``name`` only (known by its
    title, which the text sent carries in its header comment)."""
    title = f"# title: {default_catalogue().get(name).title}"

    def tamper(text: str, data: dict[str, Any]) -> dict[str, Any]:
        return change(data) if title in text else data

    return tamper


def test_an_honest_store_agrees(store: StandIn, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, store.base)
    assert code == 0, out + err
    assert out == (
        f"all {EVERY} queries answered as here by the store at {store.query_url} graph "
        "<https://w3id.org/ppo-graph/graph/reasoned>\n"
    )
    assert "note:" not in err


def test_a_dropped_row_is_named_with_the_row(
    store: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    dropped: list[dict[str, Any]] = []

    def drop_first(data: dict[str, Any]) -> dict[str, Any]:
        dropped.append(data["results"]["bindings"].pop(0))
        return data

    store.tamper = on_query("roles", drop_first)
    code, out, _ = check(capsys, store.base, *SOME)
    assert code == 1
    assert named(out) == ["roles"]
    here = KnowledgeGraph.open().ask("roles")
    assert (
        out.splitlines()[0]
        == f"roles (question): {len(here)} rows here, {len(here) - 1} in the store"
    )
    missing = out.splitlines()[1]
    assert missing.startswith("  missing (1 row): ")
    assert f'role="{dropped[0]["role"]["value"]}"' in missing
    assert out.splitlines()[-1].startswith(f"1 of {len(SOME) // 2} queries answered differently")


def test_a_triple_the_store_lost_shows(store: StandIn, capsys: pytest.CaptureFixture[str]) -> None:
    """The stand-in minus one triple (the Demand Management Process Owner's label): each query
    that reads it differs, and the roles question shows the row without it."""
    role = ox.NamedNode("https://w3id.org/ppo-graph/id/DemandManagementProcessOwner")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    graph = ox.NamedNode("https://w3id.org/ppo-graph/graph/reasoned")
    quads = list(store.store.quads_for_pattern(role, label, None, graph))
    assert len(quads) == 1
    store.store.remove(quads[0])
    try:
        code, out, err = check(capsys, store.base, *SOME, "--format", "json")
    finally:
        store.store.add(quads[0])
    assert code == 1
    rows = {row["query"]: row for row in json.loads(out)}
    assert len(rows) == len(SOME) // 2
    assert rows["roles"]["verdict"] == "differs"
    assert 'role="Demand Management Process Owner"' in rows["roles"]["difference"]
    assert rows["stats-counts"]["verdict"] == "agrees"  # counts nodes, not labels
    assert "note:" in err and "triples" in err  # 1 fewer than here


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda term: {**term, "datatype": XSD + "int"},
        lambda term: {**term, "value": term["value"] + ".0", "datatype": XSD + "decimal"},
        lambda term: {**term, "value": f"{int(term['value'])}E0", "datatype": XSD + "double"},
    ],
    ids=["int", "decimal", "double"],
)
def test_numbers_in_another_form_agree(
    store: StandIn, capsys: pytest.CaptureFixture[str], rewrite: Any
) -> None:
    rewritten = []

    def tamper(text: str, data: dict[str, Any]) -> dict[str, Any]:
        for binding in data.get("results", {}).get("bindings", []):
            for name, term in binding.items():
                if term.get("datatype") == XSD + "integer":
                    binding[name] = rewrite(term)
                    rewritten.append(name)
        return data

    store.tamper = tamper
    code, out, _ = check(capsys, store.base, "--query", "stats-counts", "--query", "roles")
    assert code == 0, out
    assert rewritten  # there were integers to rewrite


def test_a_number_of_another_value_differs(
    store: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    def one_more(data: dict[str, Any]) -> dict[str, Any]:
        count = data["results"]["bindings"][0]["count"]
        count["value"] = str(int(count["value"]) + 1)
        return data

    store.tamper = on_query("stats-counts", one_more)
    code, out, _ = check(capsys, store.base, "--query", "stats-counts", "--query", "roles")
    assert code == 1 and named(out) == ["stats-counts"]
    lines = out.splitlines()
    assert lines[1].startswith('  missing (1 row): what="roles" count="')
    assert lines[2].startswith('  extra (1 row): what="roles" count="')


def test_order_is_compared_where_the_query_fixes_it(
    store: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    """process-interfaces orders by four of its columns, which no two of its rows share."""
    keys = order_keys(default_catalogue().get("process-interfaces").text)
    assert keys == ["direction", "otherProcess", "type", "duty"]
    rows = KnowledgeGraph.open().ask("process-interfaces")
    assert len({tuple(r[k] for k in keys) for r in rows}) == len(rows) > 1
    store.tamper = on_query("process-interfaces", _reversed)
    code, out, _ = check(capsys, store.base, "--query", "process-interfaces")
    assert code == 1 and named(out) == ["process-interfaces"]
    lines = out.splitlines()
    assert lines[1].startswith("  same rows, other order: row 1 is here: direction=")
    assert lines[2].startswith("  and in the store: direction=")


@pytest.mark.parametrize("name", ["roles", "graph-processes"])
def test_order_is_not_compared_where_the_rows_do_not_fix_it(
    store: StandIn, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """roles orders by a key it does not return (the section's index), graph-processes not at
    all: the store may give their rows in any order."""
    keys = order_keys(default_catalogue().get(name).text)
    assert keys == [] or not set(keys) <= set(default_catalogue().get(name).columns)
    store.tamper = on_query(name, _reversed)
    code, out, _ = check(capsys, store.base, "--query", name)
    assert code == 0, out


def _reversed(data: dict[str, Any]) -> dict[str, Any]:
    data["results"]["bindings"].reverse()
    return data


def test_a_query_the_store_fails_is_a_difference(
    store: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    store.tamper = on_query("roles", lambda data: {"not": "SPARQL JSON"})
    code, out, _ = check(capsys, store.base, "--query", "roles", "--query", "stats-counts")
    assert code == 1 and named(out) == ["roles"]
    assert "in the store" not in out.splitlines()[0] and "failed" in out.splitlines()[0]
    assert "the store failed: " in out and "not SPARQL JSON" in out


def test_the_files_that_were_loaded_are_given(
    store: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    """The organisation's graph agrees with the shipped graph plus org.ttl here; against the
    shipped graph alone, the organisation's queries differ (and the counts are noted)."""
    org = [
        arg for name in default_catalogue().names() if "org" in name for arg in ("--query", name)
    ]
    assert len(org) >= 2 * 10
    code, out, err = check(capsys, store.base, *org, "--graph", ORG_GRAPH, str(ORG))
    assert code == 0, out + err
    code, out, err = check(capsys, store.base, *org, "--graph", ORG_GRAPH, "--format", "csv")
    assert code == 1
    assert "org-people,report,differs" in out
    assert "were the same files loaded?" in err


def test_an_unreachable_store_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from stores import free_port

    url = f"http://127.0.0.1:{free_port()}"
    code, out, err = check(capsys, url)
    assert code == 2 and out == ""
    assert f"cannot reach the SPARQL store at {url}/query" in err and "Traceback" not in err


def test_an_empty_graph_exits_2(store: StandIn, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, store.base, "--graph", "https://example.org/none")
    assert code == 2 and "holds no triples in graph <https://example.org/none>" in err


def test_an_unknown_query_exits_2(store: StandIn, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, store.base, "--query", "rolez")
    assert code == 2 and "did you mean roles" in err


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        (
            typed("3", "integer"),
            typed("3.0", "decimal"),
            True,
        ),
        (
            typed("0.1", "double"),
            typed("1.0E-1", "double"),
            True,
        ),
        (
            typed("33.33333333333333", "decimal"),
            typed("33.333333333333336", "double"),
            True,
        ),
        (
            typed("33.3", "decimal"),
            typed("33.4", "decimal"),
            False,
        ),
        (
            typed("true", "boolean"),
            typed("1", "boolean"),
            True,
        ),
        (
            typed("false", "boolean"),
            typed("0", "integer"),
            False,
        ),
        (ox.Literal("x", language="en-GB"), ox.Literal("x", language="en-gb"), True),
        (ox.Literal("x"), ox.Literal("x", language="en"), False),
        (ox.Literal("x"), ox.Literal("x "), False),
        (ox.Literal("3"), typed("3", "integer"), False),
        (ox.BlankNode("a"), ox.BlankNode("b"), True),
        (ox.NamedNode("urn:a"), ox.Literal("urn:a"), False),
        (None, ox.Literal(""), False),
    ],
)
def test_terms_compare_by_what_they_mean(one: Any, other: Any, same: bool) -> None:
    assert (term_key(one) == term_key(other)) is same


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY ?a DESC(?b)", ["a", "b"]),
        ("SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?o } }", []),
        ("SELECT ?a WHERE { ?a ?p ?o } ORDER BY LCASE(?a)", None),
        ("SELECT ?a WHERE { ?a ?p ?o } ORDER BY ASC(?a) LIMIT 3", ["a"]),
        ("SELECT ?a WHERE { ?a ?p ?o }", []),
    ],
)
def test_order_keys(text: str, keys: list[str] | None) -> None:
    assert order_keys(text) == keys


# The real stores: every query agrees on the shipped graph.


def test_a_real_store_agrees(loaded_store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """The Oxigraph server and Virtuoso, the shipped graph uploaded by ``ppo load``: every
    query agrees (the organisation's graph is checked by tests/test_store_tenants.py)."""
    code, out, err = check(capsys, loaded_store.base, *loaded_store.args())
    known = sorted(name for kind, name in KNOWN_DEVIATIONS if kind == loaded_store.kind)
    if not known:
        assert code == 0, f"{loaded_store.kind}:\n{out}{err}"
        return
    # a known deviation of the store (tests/stores.py) is reported, and nothing else
    assert code == 1, f"{loaded_store.kind}:\n{out}{err}"
    named = {
        name for name in default_catalogue().names() if re.search(rf"(?m)^{re.escape(name)}\b", out)
    }
    assert sorted(named) == known, out


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md", "xlsx"])
def test_every_format_to_out(
    store: StandIn, capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    """The common output options (tests/test_same_options.py's, which has no store to run
    this command against): --out in each format, read back by its format's reader."""
    from test_same_options import PARSERS, options, read_back

    given, reference = options(PARSERS["store check"]), options(PARSERS["query"])
    assert given["--out"].help == reference["--out"].help
    assert given["--excel"].help == reference["--excel"].help
    out = tmp_path / f"result.{'txt' if fmt == 'table' else fmt}"
    code, stdout, err = check(capsys, store.base, *SOME, "--out", str(out), "--format", fmt)
    assert code == 0 and stdout == "" and f"wrote {out}" in err
    found = read_back(out, fmt)
    if fmt in ("csv", "xlsx"):
        assert isinstance(found, list) and list(found[0]) == list(COLUMNS)
        assert len(found) == 1 + len(SOME) // 2


def test_blank_node_labels_of_any_form_are_read(store: StandIn) -> None:
    """Virtuoso labels blank nodes ``nodeID://b10007`` in SPARQL JSON, which pyoxigraph does not
    read: renamed, one label to one node, so rows with blank nodes compare and print."""
    from ppo_graph.engine.remote import Endpoints, RemoteStore

    def virtuoso_labels(text: str, data: dict[str, Any]) -> dict[str, Any]:
        for binding in data["results"]["bindings"]:
            for term in binding.values():
                if term["type"] == "bnode":
                    term["value"] = f"nodeID://b{term['value']}"
        return data

    store.tamper = virtuoso_labels
    query = "SELECT ?s ?t WHERE { ?s ?p ?o BIND(?s AS ?t) FILTER(isBlank(?s)) } LIMIT 5"
    rows = list(RemoteStore(Endpoints.of(store.base)).query(query))
    assert len(rows) >= 2
    assert all(isinstance(r["s"], ox.BlankNode) and r["s"] == r["t"] for r in rows)


@pytest.mark.parametrize(
    ("header", "said"),
    [
        (
            {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"},
            "stopped the query at its time limit and sent incomplete results",
        ),
        ({"X-SPARQL-MaxRows": "3"}, "sent its row limit's worth of results, 3 rows"),
    ],
    ids=["time-limit", "row-limit"],
)
def test_incomplete_answers_are_refused(
    store: StandIn, capsys: pytest.CaptureFixture[str], header: dict[str, str], said: str
) -> None:
    """Virtuoso 7.2 answers 200 with the rows found so far when a query reaches its time limit
    (``X-SQL-State: S1TAT``), and with the first ResultSetMaxRows rows when there are as many or
    more (``X-SPARQL-MaxRows``), as seen by hand: an error for ``ppo query`` (exit 2), a failed
    query for ``ppo store check``, never an answer."""
    title = f"# title: {default_catalogue().get('roles').title}"
    store.headers = lambda text: header if title in text else {}
    store.tamper = on_query("roles", lambda data: {**data, "results": {"bindings": []}})
    code, out, _ = check(capsys, store.base, *SOME)
    assert code == 1 and named(out) == ["roles"]
    assert said in out
    capsys.readouterr()
    assert main(["query", "roles", "--store", store.base]) == 2
    assert said in capsys.readouterr().err
