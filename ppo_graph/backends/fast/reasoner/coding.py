"""Terms as integers: the input's terms, and the IRIs the rules name, numbered once and read
through a small :class:`Terms` adapter (pyoxigraph's here; rdflib's, for the tests that run
these rules on rdflib graphs, is :func:`ppo_graph.backends.reference.reason.rdflib_terms`), so
that the rules join plain integers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from ppo_graph.namespaces import OWL_NS, RDF_NS, RDFS_NS, XSD_NS

#: The IRIs the rules name.
_TYPE = RDF_NS + "type"
_FIRST, _REST, _NIL = RDF_NS + "first", RDF_NS + "rest", RDF_NS + "nil"
_SUBCLASS, _SUBPROP = RDFS_NS + "subClassOf", RDFS_NS + "subPropertyOf"
_DOMAIN, _RANGE = RDFS_NS + "domain", RDFS_NS + "range"
_EQCLASS, _EQPROP = OWL_NS + "equivalentClass", OWL_NS + "equivalentProperty"
_INVERSE, _CHAIN, _DISJOINT = (
    OWL_NS + "inverseOf",
    OWL_NS + "propertyChainAxiom",
    OWL_NS + "disjointWith",
)
_CLASS, _THING, _NOTHING = OWL_NS + "Class", OWL_NS + "Thing", OWL_NS + "Nothing"
_RESOURCE = RDFS_NS + "Resource"
_TRANSITIVE, _SYMMETRIC = OWL_NS + "TransitiveProperty", OWL_NS + "SymmetricProperty"

Term = Hashable
Triple = tuple[Any, Any, Any]
Ids = tuple[int, int, int]

_BUILTIN = (RDF_NS, RDFS_NS, OWL_NS, XSD_NS)


@dataclass(frozen=True)
class Terms:
    """How to make and read the terms of one RDF library."""

    iri: Callable[[str], Term]
    text: Callable[[Term], str]  # what owlrl's "%s" prints: the IRI, the bnode id, the lexical form
    is_literal: Callable[[Term], bool]
    is_iri: Callable[[Term], bool]
    datatype: Callable[[Term], str | None]  # a literal's datatype IRI (None: plain/lang string)


def oxigraph_terms() -> Terms:
    import pyoxigraph as ox

    lang_string = RDF_NS + "langString"

    def datatype(term: Any) -> str | None:
        value: str = term.datatype.value
        return None if value == lang_string else value

    return Terms(
        iri=ox.NamedNode,
        text=lambda t: t.value,  # type: ignore[attr-defined]
        is_literal=lambda t: isinstance(t, ox.Literal),
        is_iri=lambda t: isinstance(t, ox.NamedNode),
        datatype=datatype,
    )


class _Lazy:
    """A list-like cache of a per-term value, computed on first use."""

    def __init__(self, names: list[Term], compute: Callable[[int], Any]) -> None:
        self._values: list[Any] = [None] * len(names)
        self._compute = compute

    def __getitem__(self, index: int) -> Any:
        value = self._values[index]
        if value is None:
            value = self._values[index] = self._compute(index)
        return value


@dataclass(frozen=True)
class Vocabulary:
    """The numbers of the IRIs the rules name."""

    type: int
    first: int
    rest: int
    nil: int
    subclass: int
    subprop: int
    domain: int
    range: int
    eqclass: int
    eqprop: int
    inverse: int
    chain: int
    disjoint: int
    cls: int
    thing: int
    nothing: int
    transitive: int
    symmetric: int
    resource: int


@dataclass
class Coded:
    """The input with its terms numbered: ``names[i]`` is term ``i``."""

    names: list[Term]
    asserted: set[Ids]
    v: Vocabulary
    terms: Terms
    is_literal: list[bool]
    text: _Lazy  # a term's string, when needed
    builtin: _Lazy  # an IRI of the RDF, RDFS, OWL or XSD namespace
    by_pred: dict[int, list[tuple[int, int]]]  # predicate -> (subject, object) pairs


def code(triples: Iterable[Triple], terms: Terms) -> Coded:
    """Number the terms of ``triples`` (and of the vocabulary) and index the triples by predicate."""
    ids: dict[Term, int] = {}
    names: list[Term] = []

    def intern(term: Term) -> int:
        found = ids.get(term)
        if found is None:
            found = ids[term] = len(names)
            names.append(term)
        return found

    asserted: set[Ids] = set()
    add, get, append = asserted.add, ids.get, names.append
    for s, p, o in triples:  # intern() inlined: a third faster at a million triples
        si = get(s)
        if si is None:
            si = ids[s] = len(names)
            append(s)
        pi = get(p)
        if pi is None:
            pi = ids[p] = len(names)
            append(p)
        oi = get(o)
        if oi is None:
            oi = ids[o] = len(names)
            append(o)
        add((si, pi, oi))

    def number(iri: str) -> int:
        return intern(terms.iri(iri))

    v = Vocabulary(
        type=number(_TYPE),
        first=number(_FIRST),
        rest=number(_REST),
        nil=number(_NIL),
        subclass=number(_SUBCLASS),
        subprop=number(_SUBPROP),
        domain=number(_DOMAIN),
        range=number(_RANGE),
        eqclass=number(_EQCLASS),
        eqprop=number(_EQPROP),
        inverse=number(_INVERSE),
        chain=number(_CHAIN),
        disjoint=number(_DISJOINT),
        cls=number(_CLASS),
        thing=number(_THING),
        nothing=number(_NOTHING),
        transitive=number(_TRANSITIVE),
        symmetric=number(_SYMMETRIC),
        resource=number(_RESOURCE),
    )
    is_literal = [terms.is_literal(t) for t in names]
    text = _Lazy(names, lambda i: terms.text(names[i]))
    builtin = _Lazy(
        names,
        lambda i: not is_literal[i] and terms.is_iri(names[i]) and text[i].startswith(_BUILTIN),
    )
    by_pred: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, p, o in asserted:
        by_pred[p].append((s, o))
    return Coded(names, asserted, v, terms, is_literal, text, builtin, by_pred)
