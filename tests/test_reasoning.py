"""OWL RL reasoning (owlrl): inherited duties appear after reasoning and not before, the
inferred triples are kept apart, and the shipped graph has no inconsistency markers."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from rdflib import Graph, URIRef

from ppo_graph.backends.reference.load import load_graph
from ppo_graph.backends.reference.reason import Reasoned, reason
from ppo_graph.paths import ontology_dir

PREFIX = """PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
PREFIX ppod: <https://w3id.org/ppo-graph/id/>
"""
INHERITED = (
    PREFIX
    + """SELECT ?duty WHERE {
    ppod:CapacityManagementProcessManager ppo:carriesDuty ?duty .
    ?duty ppo:isDutyOf ppod:ProcessManager .
}"""
)
GENERIC_MANAGER_DUTIES = PREFIX + "SELECT ?duty WHERE { ?duty ppo:isDutyOf ppod:ProcessManager }"


def _column(graph: Graph, query: str) -> set[str]:
    return {str(row[0]) for row in graph.query(query)}  # type: ignore[index]


def test_inherited_duties_only_after_reasoning(asserted_graph: Graph, reasoned: Reasoned) -> None:
    generic = _column(asserted_graph, GENERIC_MANAGER_DUTIES)
    assert len(generic) == 9  # the nine bullets of 7.4
    assert _column(asserted_graph, INHERITED) == set()
    assert _column(reasoned.union(), INHERITED) == generic
    # the entailments are in the inferred graph, not mixed into the asserted one
    assert (
        _column(
            reasoned.inferred,
            PREFIX
            + """SELECT ?d WHERE {
        ppod:CapacityManagementProcessManager ppo:carriesDuty ?d }""",
        )
        >= generic
    )


def test_every_specialised_role_carries_all_generic_duties(reasoned_union: Graph) -> None:
    missing = list(
        reasoned_union.query(
            PREFIX
            + """SELECT ?role ?duty WHERE {
            ?role ppo:specialises ?generic . ?duty ppo:isDutyOf ?generic .
            FILTER NOT EXISTS { ?role ppo:carriesDuty ?duty } }"""
        )
    )
    specialised = _column(reasoned_union, PREFIX + "SELECT ?r WHERE { ?r ppo:specialises ?g }")
    assert len(specialised) == 10
    assert missing == []


def test_inverse_owner_and_manager_links_are_entailed(reasoned: Reasoned) -> None:
    owners = _column(
        reasoned.inferred,
        PREFIX + "SELECT ?r WHERE { ppod:CapacityManagement ppo:hasProcessOwner ?r }",
    )
    assert owners == {"https://w3id.org/ppo-graph/id/CapacityManagementProcessOwner"}


def test_shipped_closure_has_no_inconsistency_markers(reasoned: Reasoned) -> None:
    assert reasoned.inconsistencies == []
    assert not set(reasoned.asserted) & set(reasoned.inferred)


def test_inconsistency_markers_are_reported(tmp_path: Path) -> None:
    """A node that is both a tutorial role and an external role clashes with their disjointness."""
    clash = tmp_path / "clash.ttl"
    clash.write_text(
        "@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .\n"
        "<https://example.org/Both> a ppo:Role , ppo:ExternalRole .\n"
    )
    tbox = sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")
    result = reason(load_graph([*tbox, clash], shipped=False))
    assert result.inconsistencies, "owlrl did not report the disjointness clash"
    assert any("Both" in message for message in result.inconsistencies)


def test_reasoning_leaves_its_input_unchanged() -> None:
    tbox = [p for p in sorted(ontology_dir().glob("*.ttl")) if p.name != "shapes.ttl"]
    graph = load_graph([*tbox, FIXTURES / "broken.ttl"], shipped=False)  # small: owlrl is slow
    before = len(graph)
    reason(graph)
    assert len(graph) == before
    assert (URIRef("https://example.org/acme/CapacityAnalyst"), None, None) in graph
