"""What the rules cover, and the refusal of everything else: input with OWL vocabulary outside
the rules raises :class:`Unsupported`, so that the engine reasons it with owlrl instead of
giving a different answer."""

from __future__ import annotations

from ppo_graph.backends.fast.reasoner.coding import (
    _CHAIN,
    _DISJOINT,
    _DOMAIN,
    _EQCLASS,
    _EQPROP,
    _FIRST,
    _INVERSE,
    _RANGE,
    _REST,
    _SUBCLASS,
    _SUBPROP,
    _THING,
    _TYPE,
    Coded,
)
from ppo_graph.namespaces import OWL_NS, RDF_NS, RDFS_NS, XSD_NS

#: OWL predicates with no rule here that owlrl uses either (annotations, headers): harmless.
_INERT_OWL_PREDICATES = frozenset(
    OWL_NS + name
    for name in [
        "versionIRI",
        "versionInfo",
        "priorVersion",
        "deprecated",
        "backwardCompatibleWith",
        "incompatibleWith",
        "imports",
        "annotatedSource",
        "annotatedProperty",
        "annotatedTarget",
    ]
)
_RULE_OWL_PREDICATES = frozenset({_EQCLASS, _EQPROP, _INVERSE, _CHAIN, _DISJOINT})
#: OWL classes whose instances trigger no rule beyond the ones implemented.
_INERT_OWL_CLASSES = frozenset(
    OWL_NS + name
    for name in [
        "Class",
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "OntologyProperty",
        "Ontology",
        "NamedIndividual",
        "Thing",
        "Nothing",
        "TransitiveProperty",
        "SymmetricProperty",
        "DeprecatedClass",
        "DeprecatedProperty",
        "Axiom",
        "Annotation",
    ]
)
#: Schema predicates whose meaning the rules fix: a user property may not be a sub-property.
_META = frozenset(
    {_TYPE, _SUBCLASS, _SUBPROP, _DOMAIN, _RANGE, _FIRST, _REST, _EQCLASS, _EQPROP, _INVERSE}
)
#: Classes of the built-in vocabularies a domain, range or superclass may name without meta-modelling.
_HARMLESS_BUILTIN_CLASSES = frozenset(
    {
        _THING,
        RDFS_NS + "Resource",
        RDFS_NS + "Literal",
        RDF_NS + "langString",
        RDF_NS + "PlainLiteral",
    }
)


class Unsupported(Exception):
    """The input uses OWL vocabulary these rules do not cover: reason with owlrl instead."""


def refuse_uncovered(g: Coded) -> None:
    """Raise :class:`Unsupported` naming the first construct the rules do not cover: an OWL
    predicate or class without a rule, or meta-modelling with the built-in vocabularies."""
    v, text, by_pred = g.v, g.text, g.by_pred
    for p in by_pred:
        name = text[p]
        known = name in _RULE_OWL_PREDICATES or name in _INERT_OWL_PREDICATES
        if name.startswith(OWL_NS) and not known:
            raise Unsupported(f"{name} (not among the fast reasoner's rules)")
    for _s, o in by_pred.get(v.type, ()):
        name = text[o]
        if name.startswith(OWL_NS) and name not in _INERT_OWL_CLASSES:
            raise Unsupported(f"rdf:type {name} (not among the fast reasoner's rules)")
    for pred in (v.subclass, v.eqclass, v.domain, v.range):
        for s, o in by_pred.get(pred, ()):
            for node in (o,) if pred in (v.domain, v.range) else (s, o):
                harmless = text[node] in _HARMLESS_BUILTIN_CLASSES or (
                    text[node].startswith(XSD_NS) and pred != v.subclass
                )
                if g.builtin[node] and not harmless:
                    raise Unsupported(f"meta-modelling with {text[node]} ({text[pred]})")
    for pred in (v.subprop, v.eqprop, v.inverse, v.chain):
        for s, o in by_pred.get(pred, ()):
            for node in (s, o):
                if text[node] in _META or text[node].startswith(OWL_NS):
                    raise Unsupported(f"meta-modelling with {text[node]} ({text[pred]})")
