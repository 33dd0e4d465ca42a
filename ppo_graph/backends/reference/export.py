"""The reasoned graph as rdflib writes it (``ppo build``'s Turtle, N-Triples and JSON-LD, and
TriG and N-Quads when asked), and N-Triples read back into an rdflib Graph: the exports the
reference backend makes, reached through the registry (:func:`ppo_graph.backends.reference`).

Formats with named graphs (trig, nquads, json-ld) put asserted and inferred triples in two named
graphs; Turtle and N-Triples write them as two blocks under comment headers.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef

from ppo_graph.backends.reference.namespaces import PREFIXES, bind_prefixes
from ppo_graph.backends.reference.reason import Reasoned
from ppo_graph.formats import GraphFormat
from ppo_graph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH

#: ``ppo build`` format -> (rdflib's name for it, whether it has named graphs).
FORMATS: dict[str, tuple[str, bool]] = {
    GraphFormat.TURTLE: ("turtle", False),
    GraphFormat.NT: ("nt", False),
    GraphFormat.JSONLD: ("json-ld", True),
    GraphFormat.TRIG: ("trig", True),
    GraphFormat.NQUADS: ("nquads", True),
}


class _StoreLabels(dict[str, str]):
    """rdflib's blank node context for N-Triples that one store wrote: each label names the same
    node in every dump (the asserted and the inferred graph), so it is kept, where rdflib would
    give every label of every parse a new node."""

    def get(self, key: str, default: str | None = None) -> str:  # type: ignore[override]
        return key


def graph_of(ntriples: str | bytes = "") -> Graph:
    """A fresh rdflib Graph with the project's prefixes bound, holding the N-Triples given (a
    dump of the engine's store: its blank node labels are kept)."""
    graph = Graph()
    bind_prefixes(graph)
    if ntriples:
        graph.parse(data=ntriples, format="nt", bnode_context=_StoreLabels())
    return graph


def serialize(reasoned: Reasoned, fmt: str = "turtle") -> str:
    """The asserted and inferred graphs in one of :data:`FORMATS` (``ppo build``'s names)."""
    rdflib_format, named = FORMATS[fmt]
    asserted_name, inferred_name = URIRef(ASSERTED_GRAPH), URIRef(INFERRED_GRAPH)
    if named:
        dataset = Dataset()
        bind_prefixes(dataset)
        for name, source in (
            (asserted_name, reasoned.asserted),
            (inferred_name, reasoned.inferred),
        ):
            target = dataset.graph(name)
            for triple in source:
                target.add(triple)
        if rdflib_format == "json-ld":
            context = {p: ns for p, ns in PREFIXES.items() if p not in ("sh", "ppos")}
            return dataset.serialize(format="json-ld", context=context, auto_compact=True)
        return dataset.serialize(format=rdflib_format)
    blocks = []
    for title, graph in (
        (
            f"Asserted: {len(reasoned.asserted)} triples (named graph {asserted_name})",
            reasoned.asserted,
        ),
        (
            f"Inferred by OWL RL ({reasoned.engine}): {len(reasoned.inferred)} triples "
            f"(named graph {inferred_name})",
            reasoned.inferred,
        ),
    ):
        copy = Graph()
        bind_prefixes(copy)
        for triple in graph:
            copy.add(triple)
        body = copy.serialize(format=rdflib_format)
        if rdflib_format == "nt":
            body = "\n".join(sorted(line for line in body.splitlines() if line.strip())) + "\n"
        blocks.append(f"# ---- {title} ----\n{body}")
    return "\n".join(blocks)
