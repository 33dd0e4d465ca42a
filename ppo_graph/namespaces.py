"""The project's prefixes as plain strings, and the one place that turns an IRI into a short
name for people (:func:`compact`, :func:`local_name`) and a CURIE back into an IRI
(:func:`expand_curie`), for plain strings, rdflib terms and pyoxigraph terms alike.

Kept free of any RDF library so that the fast paths (``ppo query``, ``ppo validate``) and
``ppo --help`` import neither rdflib nor anything heavy.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

PPO_NS = "https://w3id.org/ppo-graph/ontology#"
PPOD_NS = "https://w3id.org/ppo-graph/id/"
PPOS_NS = "https://w3id.org/ppo-graph/shapes#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SH_NS = "http://www.w3.org/ns/shacl#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
#: The crosswalk's targets (ontology/crosswalk.ttl, data/crosswalk/): IRIs of this project for
#: frameworks that publish none, and the SSSOM vocabularies the mappings are written in.
ITIL4_NS = PPOD_NS + "itil4/"
ISO20000_NS = PPOD_NS + "iso20000-1-2018/"
COBIT2019_NS = PPOD_NS + "cobit2019/"
SSSOM_NS = "https://w3id.org/sssom/"
SEMAPV_NS = "https://w3id.org/semapv/vocab/"

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
    "itil4": ITIL4_NS,
    "iso20000": ISO20000_NS,
    "cobit2019": COBIT2019_NS,
    "sssom": SSSOM_NS,
    "semapv": SEMAPV_NS,
}

#: The named graphs that keep asserted and inferred triples apart (stores, builds, the cache).
ASSERTED_GRAPH = "https://w3id.org/ppo-graph/graph/asserted"
INFERRED_GRAPH = "https://w3id.org/ppo-graph/graph/inferred"
#: The named graph ``ppo load`` writes and ``--store`` reads unless ``--graph`` says otherwise.
DEFAULT_GRAPH = "https://w3id.org/ppo-graph/graph/reasoned"

_LOCAL = re.compile(r"[A-Za-z0-9_.\-]+")


@cache
def _longest_first() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(PREFIXES.items(), key=lambda item: -len(item[1])))


def _iri_text(iri: Any) -> str:
    """The IRI of a plain string, an rdflib ``URIRef`` (a ``str``) or a pyoxigraph ``NamedNode``
    (whose ``str()`` is ``<iri>``, so its ``.value`` is taken)."""
    if isinstance(iri, str):
        return str(iri)
    value = getattr(iri, "value", None)
    return value if isinstance(value, str) else str(iri)


def compact(iri: Any) -> str:
    """A full IRI as a CURIE when one of the project prefixes covers it, else the IRI itself."""
    text = _iri_text(iri)
    for prefix, namespace in _longest_first():
        if text.startswith(namespace):
            local = text[len(namespace) :]
            if local and _LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
    return text


def local_name(iri: Any) -> str:
    """The IRI's last segment (after its last ``#`` or ``/``, a trailing one ignored): a name of
    last resort for a node without a label, and one of the names a parameter value may use."""
    return re.split(r"[#/]", _iri_text(iri).rstrip("/#"))[-1]


def expand_curie(text: str) -> str | None:
    """``ppod:X`` -> full IRI, ``<iri>`` or ``https://...`` -> IRI; None if it is neither."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        return text[1:-1]
    if re.match(r"^(https?|urn|file):", text):
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return None
