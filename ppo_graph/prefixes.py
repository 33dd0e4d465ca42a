"""The project's prefixes as plain strings, and the one way to shorten an IRI for people.

Kept free of any RDF library so that the fast paths (``ppo query``, ``ppo validate``) and
``ppo --help`` import neither rdflib nor anything heavy.
"""

from __future__ import annotations

import re
from functools import cache

PPO_NS = "https://w3id.org/ppo-graph/ontology#"
PPOD_NS = "https://w3id.org/ppo-graph/id/"
PPOS_NS = "https://w3id.org/ppo-graph/shapes#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SH_NS = "http://www.w3.org/ns/shacl#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"

PREFIXES: dict[str, str] = {
    "ppo": PPO_NS,
    "ppod": PPOD_NS,
    "org": "http://www.w3.org/ns/org#",
    "skos": SKOS_NS,
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": OWL_NS,
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "xsd": XSD_NS,
    "sh": SH_NS,
    "ppos": PPOS_NS,
}

#: The named graphs that keep asserted and inferred triples apart (stores, builds, the cache).
ASSERTED_GRAPH = "https://w3id.org/ppo-graph/graph/asserted"
INFERRED_GRAPH = "https://w3id.org/ppo-graph/graph/inferred"

_LOCAL = re.compile(r"[A-Za-z0-9_.\-]+")


@cache
def _longest_first() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(PREFIXES.items(), key=lambda item: -len(item[1])))


def compact(iri: str) -> str:
    """A full IRI as a CURIE when one of the project prefixes covers it, else the IRI itself."""
    for prefix, namespace in _longest_first():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and _LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
    return iri


def sparql_prologue() -> str:
    """``PREFIX`` lines for every project prefix."""
    return "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items())
