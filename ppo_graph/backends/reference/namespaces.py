"""Namespaces as rdflib objects: the ontology's (checked terms) and the individuals', plus reused
vocabularies. The prefixes themselves are :data:`ppo_graph.namespaces.PREFIXES`, the one table."""

from __future__ import annotations

from rdflib import Graph, Namespace

from ppo_graph.backends.reference.terms import PPO
from ppo_graph.namespaces import PPOD_NS, PREFIXES

#: Individuals: roles, duties, processes, artefacts, interfaces, sections.
PPOD = Namespace(PPOD_NS)
ORG = Namespace(PREFIXES["org"])
ONTOLOGY_IRI = "https://w3id.org/ppo-graph/ontology"

__all__ = ["ONTOLOGY_IRI", "ORG", "PPO", "PPOD", "PREFIXES", "bind_prefixes"]


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph
