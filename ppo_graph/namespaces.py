"""Namespaces: the ontology's (checked terms) and the individuals', plus reused vocabularies."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

from ._terms import PPO

#: Individuals: roles, duties, processes, artefacts, interfaces, sections.
PPOD = Namespace("https://w3id.org/ppo-graph/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
ONTOLOGY_IRI = "https://w3id.org/ppo-graph/ontology"

PREFIXES: dict[str, str] = {
    "ppo": str(PPO._NS),
    "ppod": str(PPOD),
    "org": str(ORG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "ppos": "https://w3id.org/ppo-graph/shapes#",
}

__all__ = ["ONTOLOGY_IRI", "ORG", "PPO", "PPOD", "PREFIXES", "bind_prefixes"]


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph
