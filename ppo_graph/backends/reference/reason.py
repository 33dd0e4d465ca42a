"""The reference reasoner: owlrl's OWL RL closure, with the inferred triples kept in a graph of
their own (the engine's fallback, and the oracle of :mod:`ppo_graph.backends.fast.reasoner`).

owlrl (the design card's reasoner) is the reference engine. Other engines can be added to
``ENGINES`` later; tests compare them with owlrl on the same input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ppo_graph.backends.fast.reasoner.coding import Terms
from ppo_graph.backends.reference.namespaces import bind_prefixes

#: owlrl reports inconsistencies as nodes of this type (see owlrl.Closure).
OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

_BUILTIN_PREFIXES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))


@dataclass
class Reasoned:
    """The result of reasoning: what was asserted, what the reasoner added, and any clashes."""

    asserted: Graph
    inferred: Graph
    inconsistencies: list[str] = field(default_factory=list)
    engine: str = "owlrl"

    def union(self) -> Graph:
        """A fresh graph holding asserted and inferred triples together."""
        merged = Graph()
        bind_prefixes(merged)
        for triple in self.asserted:
            merged.add(triple)
        for triple in self.inferred:
            merged.add(triple)
        return merged


def _is_trivial(s: Node, p: Node, o: Node) -> bool:
    """Tautologies OWL RL adds to every graph; they say nothing about PPO."""
    if p == OWL.sameAs and s == o:
        return True
    if p == RDF.type and o in (OWL.Thing, RDFS.Resource):
        return True
    if p in (RDFS.subClassOf, OWL.equivalentClass) and (s == o or o == OWL.Thing):
        return True
    if p in (RDFS.subPropertyOf, OWL.equivalentProperty) and s == o:
        return True
    if isinstance(s, Literal):
        return True
    return str(s).startswith(_BUILTIN_PREFIXES)


def _owlrl_closure(graph: Graph) -> Graph:
    import owlrl  # heavy: imported only when reasoning runs

    closure = Graph()
    for triple in graph:
        closure.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics,
        rdfs_closure=False,
        axiomatic_triples=False,
        datatype_axioms=False,
    ).expand(closure)
    return closure


ENGINES: dict[str, Callable[[Graph], Graph]] = {"owlrl": _owlrl_closure}


def reason(graph: Graph, engine: str = "owlrl") -> Reasoned:
    """Run the OWL RL closure of ``graph``; ``graph`` itself is left unchanged."""
    closure = ENGINES[engine](graph)
    errors = sorted(
        str(msg)
        for node in closure.subjects(RDF.type, OWLRL_ERROR.ErrorMessage)
        for msg in closure.objects(node, OWLRL_ERROR.error)
    )
    inferred = Graph()
    bind_prefixes(inferred)
    error_nodes = set(closure.subjects(RDF.type, OWLRL_ERROR.ErrorMessage))
    for s, p, o in closure:
        if (s, p, o) in graph or s in error_nodes or _is_trivial(s, p, o):
            continue
        inferred.add((s, p, o))
    return Reasoned(asserted=graph, inferred=inferred, inconsistencies=errors, engine=engine)


def rdflib_terms() -> Terms:
    """The fast reasoner's term adapter for rdflib terms, so that the tests run the fast rules
    on the rdflib graphs owlrl reasons (and compare the two closures)."""
    return Terms(
        iri=URIRef,
        text=str,
        is_literal=lambda t: isinstance(t, Literal),
        is_iri=lambda t: isinstance(t, URIRef),
        datatype=lambda t: str(t.datatype) if t.datatype is not None else None,  # type: ignore[attr-defined]
    )
