"""The networkx graphs and metrics agree with the RDF they are read from.

The graphs are built from the engine's rows (pyoxigraph running the catalogue's report queries),
as every command builds them. Expectations are read from the RDF with the rdflib triple API (not
the module's own SPARQL), on a small fixture with known shapes (parallel edges, opposite edges,
an isolated process) and on the shipped graph, plus the facts the issue names; and the graphs
built from the reference's rows (rdflib running the same queries on the same triples) are equal.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from conftest import fast_reasoned
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from ppo_graph import cli, interfaces
from ppo_graph.backends.reference.load import load_graph
from ppo_graph.backends.reference.namespaces import PPO, PPOD
from ppo_graph.backends.reference.query import GraphRows
from ppo_graph.cli import interfaces as cli_interfaces
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.paths import ontology_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "viz"
MINI = FIXTURES / "mini.ttl"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def _mini_union() -> Graph:
    # the fast rules: owlrl gives the same closure (tests/test_reasoner_equivalence.py)
    return fast_reasoned(load_graph([ontology_dir() / "ppo.ttl", MINI], shipped=False)).union()


@pytest.fixture
def mini_union(_mini_union: Graph) -> Graph:
    copy = Graph()
    for triple in _mini_union:
        copy.add(triple)
    return copy


@pytest.fixture(scope="module")
def mini_engine(_mini_union: Graph) -> KnowledgeGraph:
    """The engine over the fixture's reasoned triples (read only)."""
    return KnowledgeGraph.from_rdflib(_mini_union)


# --- expectations straight from the triples ---------------------------------------------------


def rdf_processes(g: Graph) -> set[str]:
    return {str(p) for p in g.subjects(RDF.type, PPO.Process) if isinstance(p, URIRef)}


def rdf_interfaces(g: Graph) -> dict[str, tuple[str, str]]:
    found = {}
    for itf in g.subjects(RDF.type, PPO.Interface):
        src, tgt = g.value(itf, PPO.fromProcess), g.value(itf, PPO.toProcess)
        if src is not None and tgt is not None:
            found[str(itf)] = (str(src), str(tgt))
    return found


def rdf_types(g: Graph, itf: str) -> set[str]:
    return {
        interfaces.type_name(t)
        for t in g.objects(URIRef(itf), RDF.type)
        if t != PPO.Interface and (t, None, None) in g and str(t).startswith(str(PPO._NS))
    }


def assert_matches_rdf(graph: nx.MultiDiGraph, g: Graph) -> None:
    assert set(graph.nodes) == rdf_processes(g)
    expected = rdf_interfaces(g)
    edges = {key: (u, v) for u, v, key in graph.edges(keys=True)}
    assert edges == expected
    for _u, _v, key, attrs in graph.edges(keys=True, data=True):
        itf = URIRef(key)
        assert attrs["type"] in rdf_types(g, key)
        assert attrs["stated"] == bool(g.value(itf, PPO.stated).toPython())
        duties = {str(d) for d in g.objects(itf, PPO.evidencedBy)}
        assert attrs["evidence"], f"{key} has no evidence"
        assert {ev["duty"] for ev in attrs["evidence"]} == duties
        for ev in attrs["evidence"]:
            duty = URIRef(ev["duty"])
            assert ev["text"] == str(g.value(duty, PPO.verbatimText)) != ""
            assert ev["role"] == str(g.value(duty, PPO.isDutyOf))
            assert ev["section"] == str(g.value(g.value(duty, PPO.inSection), PPO.sectionNumber))
            assert ev["position"] == g.value(duty, PPO.position).toPython()
        keys = [interfaces.evidence_key(ev) for ev in attrs["evidence"]]
        assert keys == sorted(keys)
    for node, attrs in graph.nodes(data=True):
        assert attrs["is_ppo"] == ((URIRef(node), RDF.type, PPO.PPOProcess) in g)
        assert attrs["label"]


# --- the fixture -----------------------------------------------------------------------------


def test_fixture_interface_graph_matches_rdf(
    mini_union: Graph, mini_engine: KnowledgeGraph
) -> None:
    graph = interfaces.interface_graph(mini_engine)
    assert_matches_rdf(graph, mini_union)


def test_fixture_shapes_survive(mini_engine: KnowledgeGraph) -> None:
    graph = interfaces.interface_graph(mini_engine)
    cap, slm = str(PPOD.CapacityManagement), str(PPOD.ServiceLevelManagement)
    itscm = str(PPOD.ITServiceContinuityManagement)
    parallel = graph.get_edge_data(cap, slm)
    assert sorted(a["type"] for a in parallel.values()) == ["coordination", "service-level"]
    assert graph.has_edge(cap, itscm) and graph.has_edge(itscm, cap)
    assert graph.degree(str(PPOD.EventManagement)) == 0  # a process with no interface stays
    two = parallel[str(PPOD["interface-capm-slm-service-level"])]["evidence"]
    assert [ev["position"] for ev in two] == [4, 10]
    assert graph.nodes[itscm]["abbreviation"] == "ITSCM"
    roles = graph.nodes[cap]["roles"]
    assert [(r["role"], r["relation"]) for r in roles] == [
        (str(PPOD.CapacityManagementProcessManager), "manager")
    ]
    assert len(roles[0]["duties"]) == 4  # its own duties, not the generic role's


def test_fixture_role_graph(mini_engine: KnowledgeGraph) -> None:
    graph = interfaces.role_graph(mini_engine)
    owner = str(PPOD.AvailabilityManagementProcessOwner)
    plan = str(PPOD.AvailabilityPlan)
    assert set(graph.get_edge_data(owner, plan)) == {"maintains", "reviews"}
    assert graph.get_edge_data(owner, plan)["reviews"]["evidence"][0]["duty"] == str(
        PPOD["duty-7.8-09"]
    )
    cap_mgr = str(PPOD.CapacityManagementProcessManager)
    assert "specialises" in graph.get_edge_data(cap_mgr, str(PPOD.ProcessManager))
    assert "manages" in graph.get_edge_data(cap_mgr, str(PPOD.CapacityManagement))
    assert "uses" in graph.get_edge_data(cap_mgr, str(PPOD.SLA))
    assert "owns artefact" in graph.get_edge_data(str(PPOD.ServiceLevelManagement), str(PPOD.SLA))
    kinds = Counter(kind for _n, kind in graph.nodes(data="kind"))
    assert kinds["generic-role"] == 1 and kinds["role"] == 3 and kinds["artefact"] == 3


def test_labels_and_type_names() -> None:
    assert interfaces.type_name(PPO.ServiceLevelInterface) == "service-level"
    assert interfaces.type_name(PPO.IncidentProblemInterface) == "incident-problem"
    assert interfaces.type_name(PPO.CoordinationInterface) == "coordination"
    assert interfaces.section_key("7.10") > interfaces.section_key("7.9")
    g = Graph()
    node = URIRef("https://example.org/x/SomeThing")
    assert interfaces.label_of(KnowledgeGraph.from_rdflib(g), node) == "SomeThing"
    g.add((node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Chose", lang="fr")))
    g.add((node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Thing", lang="en")))
    assert interfaces.label_of(KnowledgeGraph.from_rdflib(g), node) == "Thing"
    assert interfaces.label_of(GraphRows(g), node) == "Thing"


# --- metrics ---------------------------------------------------------------------------------


def _graph_from_pairs(pairs: list[tuple[str, str]], nodes: list[str]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for n in nodes:
        graph.add_node(n, label=n, is_ppo=False)
    for i, (u, v) in enumerate(pairs):
        graph.add_edge(u, v, key=f"i{i}")
    return graph


def test_metrics_star_has_one_hub_and_a_ring_none() -> None:
    leaves = [f"leaf{i}" for i in range(6)]
    star = interfaces.metrics(
        _graph_from_pairs([("hub", leaf) for leaf in leaves], ["hub", *leaves])
    )
    by = {m["process"]: m for m in star}
    assert by["hub"]["hub"] and not any(by[leaf]["hub"] for leaf in leaves)
    assert by["hub"]["betweenness"] == 1.0 and by["leaf0"]["betweenness"] == 0.0
    assert by["hub"]["out_degree"] == 6 and by["leaf0"]["in_degree"] == 1
    assert star[0]["process"] == "hub"  # most connected first

    names = [f"p{i}" for i in range(8)]
    ring = interfaces.metrics(
        _graph_from_pairs([(names[i], names[i - 1]) for i in range(8)], names)
    )
    assert not any(m["hub"] for m in ring)
    assert len({m["betweenness"] for m in ring}) == 1


def test_metrics_count_parallel_edges_once_as_partners(
    mini_union: Graph, mini_engine: KnowledgeGraph
) -> None:
    graph = interfaces.interface_graph(mini_engine)
    by = {m["process"]: m for m in interfaces.metrics(graph)}
    for process in rdf_processes(mini_union):
        ends = rdf_interfaces(mini_union).values()
        assert by[process]["out_degree"] == sum(1 for s, _t in ends if s == process)
        assert by[process]["in_degree"] == sum(1 for _s, t in ends if t == process)
        partners = {t for s, t in ends if s == process} | {s for s, t in ends if t == process}
        assert by[process]["partners"] == len(partners - {process})


# --- the shipped graph -----------------------------------------------------------------------


def test_shipped_interface_graph_matches_rdf(
    reasoned_union: Graph, reasoned_engine: KnowledgeGraph
) -> None:
    graph = interfaces.interface_graph(reasoned_engine)
    assert_matches_rdf(graph, reasoned_union)
    ppo = {n for n, is_ppo in graph.nodes(data="is_ppo") if is_ppo}
    assert {graph.nodes[n]["label"] for n in ppo} == {
        "Capacity Management",
        "Availability Management",
        "IT Service Continuity Management",
        "Information Security Management",
        "Demand Management",
    }


def _types_between(graph: nx.MultiDiGraph, a: str, b: str) -> set[str]:
    found = set()
    for u, v in ((a, b), (b, a)):
        for attrs in (graph.get_edge_data(u, v) or {}).values():
            found.add(attrs["type"])
    return found


def test_shipped_named_interfaces(reasoned_engine: KnowledgeGraph) -> None:
    """The issue's examples: ITSCM works with BCM, ISM with problem management."""
    graph = interfaces.interface_graph(reasoned_engine)
    itscm, bcm = str(PPOD.ITServiceContinuityManagement), str(PPOD.BusinessContinuityManagement)
    ism, problem = str(PPOD.InformationSecurityManagement), str(PPOD.ProblemManagement)
    assert "continuity" in _types_between(graph, itscm, bcm)
    assert "incident-problem" in _types_between(graph, ism, problem)
    # ... and both are evidenced by the duty text that names the partner process
    for u, v in ((itscm, bcm), (ism, problem)):
        texts = [
            ev["text"].lower()
            for attrs in graph.get_edge_data(u, v).values()
            for ev in attrs["evidence"]
        ]
        partner = graph.nodes[v]["label"].lower()
        assert any(partner in text for text in texts), (partner, texts)


def test_shipped_hubs_follow_the_rule(
    reasoned_union: Graph, reasoned_engine: KnowledgeGraph
) -> None:
    graph = interfaces.interface_graph(reasoned_engine)
    rows = interfaces.metrics(graph)
    ends = rdf_interfaces(reasoned_union).values()
    partners = {
        p: len(({t for s, t in ends if s == p} | {s for s, t in ends if t == p}) - {p})
        for p in rdf_processes(reasoned_union)
    }
    median = statistics.median(n for n in partners.values() if n)
    threshold = max(interfaces.HUB_MIN_PARTNERS, interfaces.HUB_MEDIAN_FACTOR * median)
    hubs = {m["process"] for m in rows if m["hub"]}
    assert hubs == {p for p, n in partners.items() if n >= threshold}
    assert hubs and all(graph.nodes[h]["is_ppo"] for h in hubs)


def test_shipped_role_graph_matches_rdf(
    reasoned_union: Graph, reasoned_engine: KnowledgeGraph
) -> None:
    g = reasoned_union
    graph = interfaces.role_graph(reasoned_engine)
    for role in g.subjects(RDF.type, PPO.Role):
        assert str(role) in graph
        for process in g.objects(role, PPO.ownsProcess):
            assert "owns" in graph.get_edge_data(str(role), str(process))
        for process in g.objects(role, PPO.managesProcess):
            assert "manages" in graph.get_edge_data(str(role), str(process))
    for artefact, process in g.subject_objects(PPO.ownedByProcess):
        assert "owns artefact" in graph.get_edge_data(str(process), str(artefact))
    specific = (PPO.produces, PPO.maintains, PPO.reviews, PPO.uses, PPO.contributesTo)
    expected = set()
    for prop in specific:
        for duty, artefact in g.subject_objects(prop):
            role = g.value(duty, PPO.isDutyOf)
            expected.add((str(role), str(artefact), str(duty)))
    found = {
        (u, v, ev["duty"])
        for u, v, rel, attrs in graph.edges(keys=True, data=True)
        if rel in interfaces.DUTY_RELATIONS and rel != "mentions"
        for ev in attrs["evidence"]
    }
    assert found == expected


# --- the engine's rows and the reference's give the same graphs --------------------------------


def _contents(graph: nx.MultiDiGraph) -> tuple[object, ...]:
    """Everything a networkx graph holds: its attributes, nodes and keyed edges with theirs."""
    nodes = sorted(graph.nodes(data=True), key=lambda item: item[0])
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    return (graph.graph, nodes, edges)


@pytest.mark.parametrize("which", ["fixture", "shipped"])
def test_graphs_from_the_engine_equal_the_reference(
    which: str, _mini_union: Graph, _shipped_union: Graph
) -> None:
    """The interface and role graphs (and the interface types) built from the engine's rows
    (pyoxigraph) equal those built from the reference's (rdflib running the same report queries
    on the same reasoned triples), attribute for attribute."""
    union = _mini_union if which == "fixture" else _shipped_union
    fast, reference = KnowledgeGraph.from_rdflib(union), GraphRows(union)
    interface_graph = interfaces.interface_graph(fast)
    assert interface_graph.number_of_edges() > 3  # the comparison compares something
    assert _contents(interface_graph) == _contents(interfaces.interface_graph(reference))
    role_graph = interfaces.role_graph(fast)
    assert role_graph.number_of_edges() > 3
    assert _contents(role_graph) == _contents(interfaces.role_graph(reference))
    assert interfaces.interface_types(fast) == interfaces.interface_types(reference) != []


def test_the_parity_check_can_fail(_mini_union: Graph) -> None:
    """Mutation: a reference that reads one label differently gives a different graph."""
    changed = Graph()
    for s, p, o in _mini_union:
        if p == RDFS.label and s == PPOD.CapacityManagement:
            o = Literal("Capacity, renamed", lang="en")
        changed.add((s, p, o))
    fast = interfaces.interface_graph(KnowledgeGraph.from_rdflib(_mini_union))
    assert _contents(fast) != _contents(interfaces.interface_graph(GraphRows(changed)))


# --- the `ppo interfaces` command ------------------------------------------------------------


@pytest.fixture
def fast_union(
    monkeypatch: pytest.MonkeyPatch, reasoned_union: Graph, reasoned_engine: KnowledgeGraph
) -> Graph:
    """Skip the load + reason step of the command (tested once, end to end, below)."""
    monkeypatch.setattr(cli_interfaces, "open_graph", lambda args: reasoned_engine)
    return reasoned_union


def test_interfaces_table_fits_80_columns(
    fast_union: Graph, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["interfaces"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    n = len(rdf_interfaces(fast_union))
    assert f"{n} interfaces between {len(rdf_processes(fast_union))} processes" in out
    assert sum(1 for line in lines if line.endswith(tuple("0123456789"))) == n


def test_interfaces_metrics_table(fast_union: Graph, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["interfaces", "--metrics"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "median number of partner" in " ".join(out.split()) and "betweenness" in out
    hubs = [line for line in out.splitlines()[2:] if line.rstrip().endswith(" hub")]
    rows = interfaces.metrics(interfaces.interface_graph(KnowledgeGraph.from_rdflib(fast_union)))
    assert len(hubs) == sum(1 for m in rows if m["hub"])


def test_interfaces_csv_and_json(fast_union: Graph, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["interfaces", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["interface"] for r in rows} == set(rdf_interfaces(fast_union))
    assert all(int(r["evidence_count"]) >= 1 and r["evidence"] for r in rows)

    assert cli.main(["interfaces", "--metrics", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {m["process"] for m in payload["metrics"]} == rdf_processes(fast_union)
    assert "hub" in payload["hub_rule"]


def test_interfaces_command_end_to_end_with_extra_file(reasoned_union: Graph) -> None:
    """The real entry point: loads the shipped graph plus an extra file, reasons, prints JSON."""
    extra = FIXTURES / "extra-interface.ttl"
    done = subprocess.run(
        [sys.executable, "-m", "ppo_graph", "interfaces", str(extra), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = {row["interface"] for row in json.loads(done.stdout)["interfaces"]}
    added = str(PPOD["interface-DEM-FIN-financial-fixture"])
    assert listed == set(rdf_interfaces(reasoned_union)) | {added}


def test_interfaces_command_bad_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle .\n", encoding="utf-8")
    assert cli.main(["interfaces", str(bad)]) == 2
    assert "bad.ttl" in capsys.readouterr().err
