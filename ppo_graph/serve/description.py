"""The SPARQL service description (W3C SPARQL 1.1 Service Description) of the endpoint: where it
is, what it answers, in which formats, and over which dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ppo_graph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, XSD_NS
from ppo_graph.serve.negotiation import ResultFormat

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: The prefixes its Turtle is written with.
PREFIXES = {"sd": SD, "void": VOID, "dcterms": DCTERMS, "formats": "http://www.w3.org/ns/formats/"}
#: format name -> (pyoxigraph enum, member), whose ``.iri`` is the W3C format IRI.
_FORMAT_IRIS = {
    "json": ("QueryResultsFormat", "JSON"),
    "xml": ("QueryResultsFormat", "XML"),
    "csv": ("QueryResultsFormat", "CSV"),
    "tsv": ("QueryResultsFormat", "TSV"),
    "turtle": ("RdfFormat", "TURTLE"),
    "ntriples": ("RdfFormat", "N_TRIPLES"),
    "jsonld": ("RdfFormat", "JSON_LD"),
    "rdfxml": ("RdfFormat", "RDF_XML"),
}
TITLE = "The reasoned PPO graph: the union of its asserted and inferred named graphs"


def format_iri(name: str) -> str:
    import pyoxigraph as ox

    enum, member = _FORMAT_IRIS[name]
    iri: str = getattr(getattr(ox, enum), member).iri
    return iri


def description_triples(
    endpoint: str, formats: tuple[ResultFormat, ...], graph: Graph
) -> list[Any]:
    """The description as pyoxigraph triples; ``endpoint`` must be an absolute IRI (ValueError
    otherwise); ``graph`` is the engine (:class:`~ppo_graph.engine.KnowledgeGraph`)."""
    import pyoxigraph as ox

    def iri(text: str) -> Any:
        return ox.NamedNode(text)

    def count(n: int) -> Any:
        return ox.Literal(str(n), datatype=iri(XSD_NS + "integer"))

    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    triples = [
        (service, iri(RDF_TYPE), iri(SD + "Service")),
        (service, iri(SD + "endpoint"), iri(endpoint)),
        (service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
        (service, iri(SD + "feature"), iri(SD + "UnionDefaultGraph")),
        *((service, iri(SD + "resultFormat"), iri(format_iri(f.name))) for f in formats),
        (service, iri(SD + "defaultDataset"), dataset),
        (dataset, iri(RDF_TYPE), iri(SD + "Dataset")),
        (dataset, iri(SD + "defaultGraph"), default),
        (default, iri(RDF_TYPE), iri(SD + "Graph")),
        (default, iri(DCTERMS + "title"), ox.Literal(TITLE)),
        (default, iri(VOID + "triples"), count(len(graph))),
    ]
    from ppo_graph.engine import KnowledgeGraph

    named_graphs = (
        ((ASSERTED_GRAPH, graph.asserted_count), (INFERRED_GRAPH, graph.inferred_count))
        if isinstance(graph, KnowledgeGraph)
        else ()  # a remote store's named graph: the union, as one default graph
    )
    for name, size in named_graphs:
        named = ox.BlankNode()
        triples += [
            (dataset, iri(SD + "namedGraph"), named),
            (named, iri(RDF_TYPE), iri(SD + "NamedGraph")),
            (named, iri(SD + "name"), iri(name)),
            (named, iri(VOID + "triples"), count(size)),
        ]
    return [ox.Triple(*triple) for triple in triples]
