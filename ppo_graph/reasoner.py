"""The fast OWL RL reasoner: the rules this project's ontology uses, in one pass over a worklist.

owlrl (the design card's reasoner) stays the reference: ``tests/test_reasoner_equivalence.py``
reasons the shipped graph and every fixture with both and requires the same inferred triples and
the same inconsistency messages. This module implements exactly the OWL 2 RL rules below and
refuses (:class:`Unsupported`) any input that uses OWL vocabulary outside them, so that the
engine falls back to owlrl instead of giving a different answer:

* schema: scm-cls, scm-sco, scm-eqc1/2, scm-op, scm-dp, scm-spo, scm-eqp1/2, scm-dom1/2,
  scm-rng1/2 (closed once, up front, in Python sets);
* instances: cax-sco, cax-eqc1/2, prp-dom, prp-rng, prp-spo1, prp-eqp1/2, prp-inv1/2, prp-symp,
  prp-trp, prp-spo2 (property chains of any length);
* inconsistencies, with owlrl's own messages: cax-dw, cls-nothing2 and dt-not-type (literals
  whose lexical form does not fit their datatype).

It works on any hashable RDF terms (pyoxigraph's or rdflib's) through a small :class:`Terms`
adapter, and internally on integers, so a million triples reason in seconds, not hours.
"""

from __future__ import annotations

import gc
import re
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .prefixes import OWL_NS, RDF_NS, RDFS_NS, XSD_NS

#: Bumped whenever the rules or their output change: part of the cache key.
VERSION = "1"

Term = Hashable
Triple = tuple[Any, Any, Any]

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
_PROPERTY_TYPES = (OWL_NS + "ObjectProperty", OWL_NS + "DatatypeProperty", RDF_NS + "Property")

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
_BUILTIN = (RDF_NS, RDFS_NS, OWL_NS, XSD_NS)
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


def rdflib_terms() -> Terms:
    from rdflib import Literal, URIRef

    return Terms(
        iri=URIRef,
        text=str,
        is_literal=lambda t: isinstance(t, Literal),
        is_iri=lambda t: isinstance(t, URIRef),
        datatype=lambda t: str(t.datatype) if t.datatype is not None else None,  # type: ignore[attr-defined]
    )


@dataclass
class Closure:
    """What the rules added to the input (trivial tautologies left out) and what clashed."""

    inferred_ids: list[tuple[int, int, int]]
    names: list[Term]
    inconsistencies: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def inferred(self) -> list[Triple]:
        names = self.names
        return [(names[s], names[p], names[o]) for s, p, o in self.inferred_ids]

    def __len__(self) -> int:
        return len(self.inferred_ids)

    def ntriples(self) -> bytes:
        """The inferred triples as N-Triples (each term's ``str()``: pyoxigraph's terms print
        in N-Triples syntax), for a store to load in one call."""
        cache: dict[int, str] = {}

        def nt(i: int) -> str:
            found = cache.get(i)
            if found is None:
                found = cache[i] = str(self.names[i])
            return found

        return "".join(f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in self.inferred_ids).encode()


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


# ---------------------------------------------------------------------------------------------
# Literal checks (dt-not-type), as owlrl's converters judge lexical forms
# ---------------------------------------------------------------------------------------------


def _check_integer(v: str) -> None:
    int(v)


def _bounded(low: int | None, high: int | None) -> Callable[[str], None]:
    def check(v: str) -> None:
        i = int(v)
        if not ((low is None or low < i) and (high is None or i < high)):
            raise ValueError(v)

    return check


def _check_boolean(v: str) -> None:
    if v.lower() not in ("true", "1", "false", "0"):
        raise ValueError(v)


def _check_decimal(v: str) -> None:
    if "e" in v or "E" in v:
        raise ValueError(v)
    try:
        Decimal(v)
    except InvalidOperation as exc:
        raise ValueError(v) from exc


def _floating(low: str, high: str) -> Callable[[str], None]:
    def check(v: str) -> None:
        try:
            value = Decimal(v)
        except InvalidOperation as exc:
            raise ValueError(v) from exc
        if not Decimal(low) < abs(value) < Decimal(high):
            raise ValueError(v)

    return check


_TZ = re.compile(r".*(\+|-)([0-9][0-9]):([0-9][0-9])")


def _check_date(v: str) -> None:
    if v[-1] == "Z":
        v = v[:-1]
    elif _TZ.match(v):
        v = v[:-6]
    time.strptime(v, "%Y-%m-%d")


def _no_check(v: str) -> None:
    return None


_CHECKS: dict[str, Callable[[str], None]] = {
    XSD_NS + "string": _no_check,
    RDF_NS + "HTML": _no_check,
    XSD_NS + "integer": _check_integer,
    XSD_NS + "boolean": _check_boolean,
    XSD_NS + "decimal": _check_decimal,
    XSD_NS + "double": _floating("1.0E-330", "1.0E+310"),
    XSD_NS + "float": _floating("1.0E-50", "1.0E+40"),
    XSD_NS + "date": _check_date,
    XSD_NS + "byte": _bounded(-129, 128),
    XSD_NS + "short": _bounded(-32769, 32768),
    XSD_NS + "int": _bounded(-2147483649, 2147483648),
    XSD_NS + "long": _bounded(-9223372036854775809, 9223372036854775808),
    XSD_NS + "positiveInteger": _bounded(0, None),
    XSD_NS + "nonNegativeInteger": _bounded(-1, None),
    XSD_NS + "negativeInteger": _bounded(None, 0),
    XSD_NS + "nonPositiveInteger": _bounded(None, 1),
    XSD_NS + "unsignedByte": _bounded(-1, 256),
    XSD_NS + "unsignedShort": _bounded(-1, 65536),
    XSD_NS + "unsignedInt": _bounded(-1, 4294967296),
    XSD_NS + "unsignedLong": _bounded(-1, 18446744073709551616),
}
#: The other datatypes owlrl checks (OWL_RL_Datatypes): their literals are left to owlrl.
_UNCHECKED_RL_DATATYPES = frozenset(
    [
        XSD_NS + name
        for name in [
            "language",
            "NMTOKEN",
            "Name",
            "NCName",
            "token",
            "normalizedString",
            "anyURI",
            "base64Binary",
            "hexBinary",
            "dateTime",
            "dateTimeStamp",
            "time",
            "gYearMonth",
            "gYear",
            "gMonthDay",
            "gDay",
            "gMonth",
        ]
    ]
    + [RDF_NS + "PlainLiteral", RDF_NS + "XMLLiteral"]
)


def _literal_error(lexical: str, datatype: str) -> str | None:
    check = _CHECKS.get(datatype)
    if check is None:
        if datatype in _UNCHECKED_RL_DATATYPES:
            raise Unsupported(
                f"literal of datatype {datatype} (owlrl checks it; these rules do not)"
            )
        return None
    try:
        check(lexical)
    except (ValueError, IndexError):
        return f"Lexical value of the literal '{lexical}' does not match its datatype ({datatype})"
    return None


# ---------------------------------------------------------------------------------------------
# The closure
# ---------------------------------------------------------------------------------------------


def _closure_of(edges: dict[int, set[int]]) -> dict[int, set[int]]:
    """Transitive closure (not reflexive) of a small graph given as adjacency sets."""
    result: dict[int, set[int]] = {}
    for start in edges:
        seen: set[int] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(edges.get(node, ()))
        result[start] = seen
    return result


@contextmanager
def no_gc() -> Iterator[None]:
    """Millions of small tuples and no cycles among them: the cyclic garbage collector would
    only rescan them again and again (3x the run time at a million triples), so it pauses."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def reason(triples: Iterable[Triple], terms: Terms) -> Closure:
    """The OWL RL closure of ``triples`` under the rules above; raises :class:`Unsupported`."""
    with no_gc():
        return _reason(triples, terms)


def _reason(triples: Iterable[Triple], terms: Terms) -> Closure:
    started = time.perf_counter()
    ids: dict[Term, int] = {}
    names: list[Term] = []

    def intern(term: Term) -> int:
        found = ids.get(term)
        if found is None:
            found = ids[term] = len(names)
            names.append(term)
        return found

    asserted: set[tuple[int, int, int]] = set()
    for s, p, o in triples:
        asserted.add((intern(s), intern(p), intern(o)))

    v = {iri: intern(terms.iri(iri)) for iri in (
        _TYPE, _FIRST, _REST, _NIL, _SUBCLASS, _SUBPROP, _DOMAIN, _RANGE, _EQCLASS, _EQPROP,
        _INVERSE, _CHAIN, _DISJOINT, _CLASS, _THING, _NOTHING, _TRANSITIVE, _SYMMETRIC, _RESOURCE,
        *_PROPERTY_TYPES,
    )}  # fmt: skip
    is_literal = [terms.is_literal(t) for t in names]
    text = _Lazy(names, lambda i: terms.text(names[i]))  # a term's string, when needed
    builtin = _Lazy(
        names,
        lambda i: not is_literal[i] and terms.is_iri(names[i]) and text[i].startswith(_BUILTIN),
    )
    TYPE = v[_TYPE]

    # --- refuse what the rules do not cover --------------------------------------------------
    by_pred: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, p, o in asserted:
        by_pred[p].append((s, o))
    for p in by_pred:
        name = text[p]
        known = name in _RULE_OWL_PREDICATES or name in _INERT_OWL_PREDICATES
        if name.startswith(OWL_NS) and not known:
            raise Unsupported(f"{name} (not among the fast reasoner's rules)")
    for _s, o in by_pred.get(TYPE, ()):
        name = text[o]
        if name.startswith(OWL_NS) and name not in _INERT_OWL_CLASSES:
            raise Unsupported(f"rdf:type {name} (not among the fast reasoner's rules)")
    for pred in (v[_SUBCLASS], v[_EQCLASS], v[_DOMAIN], v[_RANGE]):
        for s, o in by_pred.get(pred, ()):
            for node in (o,) if pred in (v[_DOMAIN], v[_RANGE]) else (s, o):
                harmless = text[node] in _HARMLESS_BUILTIN_CLASSES or (
                    text[node].startswith(XSD_NS) and pred != v[_SUBCLASS]
                )
                if builtin[node] and not harmless:
                    raise Unsupported(f"meta-modelling with {text[node]} ({text[pred]})")
    for pred in (v[_SUBPROP], v[_EQPROP], v[_INVERSE], v[_CHAIN]):
        for s, o in by_pred.get(pred, ()):
            for node in (s, o):
                if text[node] in _META or text[node].startswith(OWL_NS):
                    raise Unsupported(f"meta-modelling with {text[node]} ({text[pred]})")
    errors: list[str] = []
    for _s, _p, o in asserted:
        if is_literal[o]:
            datatype = terms.datatype(names[o])
            if datatype is not None:
                message = _literal_error(text[o], datatype)
                if message and message not in errors:
                    errors.append(message)

    # --- schema closure (scm-*) --------------------------------------------------------------
    declared_classes = {s for s, o in by_pred.get(TYPE, ()) if o == v[_CLASS]}
    declared_classes.add(v[_THING])  # cls-thing
    sub: dict[int, set[int]] = defaultdict(set)
    for s, o in by_pred.get(v[_SUBCLASS], ()):
        sub[s].add(o)
    for s, o in by_pred.get(v[_EQCLASS], ()):
        if s != o:
            sub[s].add(o)
            sub[o].add(s)
    for c in declared_classes:
        sub[c].add(v[_THING])  # scm-cls: c ⊑ owl:Thing and owl:Nothing ⊑ c
        sub[v[_NOTHING]].add(c)
    sup_class = _closure_of(sub)
    subp: dict[int, set[int]] = defaultdict(set)
    for s, o in by_pred.get(v[_SUBPROP], ()):
        subp[s].add(o)
    for s, o in by_pred.get(v[_EQPROP], ()):
        if s != o:
            subp[s].add(o)
            subp[o].add(s)
    sup_prop = _closure_of(subp)
    sub_prop: dict[int, set[int]] = defaultdict(set)
    for p, supers in sup_prop.items():
        for q in supers:
            sub_prop[q].add(p)

    def closed_restriction(pred: int) -> dict[int, set[int]]:
        """scm-dom1/2 (scm-rng1/2): p ⊑* p2, p2 dom c1, c1 ⊑* c2  =>  p dom c2."""
        result: dict[int, set[int]] = defaultdict(set)
        for p2, c1 in by_pred.get(pred, ()):
            classes = {c1} | sup_class.get(c1, set())
            for p in {p2} | sub_prop.get(p2, set()):
                result[p] |= classes
        return result

    domains = closed_restriction(v[_DOMAIN])
    ranges = closed_restriction(v[_RANGE])
    inverse: dict[int, set[int]] = defaultdict(set)
    for s, o in by_pred.get(v[_INVERSE], ()):
        inverse[s].add(o)
        inverse[o].add(s)
    types_of = defaultdict(set)
    for s, o in by_pred.get(TYPE, ()):
        types_of[s].add(o)
    transitive = {s for s, o in by_pred.get(TYPE, ()) if o == v[_TRANSITIVE]}
    symmetric = {s for s, o in by_pred.get(TYPE, ()) if o == v[_SYMMETRIC]}

    first = dict(by_pred.get(v[_FIRST], ()))
    rest = dict(by_pred.get(v[_REST], ()))

    def rdf_list(node: int) -> list[int]:
        items: list[int] = []
        seen: set[int] = set()
        while node != v[_NIL]:
            if node in seen or node not in first or node not in rest:
                raise Unsupported("a malformed RDF list in owl:propertyChainAxiom")
            seen.add(node)
            items.append(first[node])
            node = rest[node]
        return items

    chains: dict[int, list[tuple[int, Sequence[int], int]]] = defaultdict(list)
    for prop, head in by_pred.get(v[_CHAIN], ()):
        steps = rdf_list(head)
        if not steps:
            continue
        for position, step in enumerate(steps):
            chains[step].append((prop, steps, position))

    schema: set[tuple[int, int, int]] = set()
    for c, supers in sup_class.items():
        for d in supers:
            schema.add((c, v[_SUBCLASS], d))
            if c in sup_class.get(d, ()):
                schema.add((c, v[_EQCLASS], d))  # scm-eqc2
    for p, supers in sup_prop.items():
        for q in supers:
            schema.add((p, v[_SUBPROP], q))
            if p != q and p in sup_prop.get(q, ()):
                schema.add((p, v[_EQPROP], q))  # scm-eqp2
    for pred, table in ((v[_DOMAIN], domains), (v[_RANGE], ranges)):
        for p, classes in table.items():
            for c in classes:
                schema.add((p, pred, c))

    # --- instances: a worklist, each triple joined with those already processed -------------
    full: set[tuple[int, int, int]] = set()
    out_index: dict[tuple[int, int], set[int]] = defaultdict(set)  # (s, p) -> objects
    in_index: dict[tuple[int, int], set[int]] = defaultdict(set)  # (p, o) -> subjects
    joined = set(transitive) | set(chains)
    # Instances: owl:Thing adds only the tautology (x a owl:Thing), so it is left out here and
    # stands in for every individual in the disjointness check below.
    thing = v[_THING]
    sup_instance = {c: frozenset(sups - {thing}) for c, sups in sup_class.items()}
    for table in (domains, ranges):
        for p in list(table):
            table[p] = table[p] - {thing}
    work: list[tuple[int, int, int]] = [*asserted, *schema]
    push = work.append
    add = full.add
    while work:
        triple = work.pop()
        if triple in full:
            continue
        add(triple)
        s, p, o = triple
        if p == TYPE:
            # the superclass sets are closed: their types need no processing of their own
            for c in sup_instance.get(o, ()):
                add((s, TYPE, c))
            continue
        if p in joined:
            out_index[(s, p)].add(o)
            in_index[(p, o)].add(s)
        for q in sup_prop.get(p, ()):
            push((s, q, o))
        for c in domains.get(p, ()):
            push((s, TYPE, c))
        if is_literal[o]:
            continue  # rdf:type of a literal, inverse with a literal subject: not RDF
        for c in ranges.get(p, ()):
            push((o, TYPE, c))
        for q in inverse.get(p, ()):
            push((o, q, s))
        if p in symmetric:
            push((o, p, s))
        if p in transitive:
            for x in list(out_index.get((o, p), ())):
                push((s, p, x))
            for x in list(in_index.get((p, s), ())):
                push((x, p, o))
        for prop, chain, position in chains.get(p, ()):
            lefts = {s}
            for step in reversed(chain[:position]):
                lefts = {x for y in lefts for x in in_index.get((step, y), ())}
            if not lefts:
                continue
            rights = {o}
            for step in chain[position + 1 :]:
                rights = {y for x in rights for y in out_index.get((x, step), ())}
            for x in lefts:
                for y in rights:
                    push((x, prop, y))

    # --- inconsistencies ----------------------------------------------------------------------
    types: dict[int, set[int]] = defaultdict(set)
    for s, p, o in full:
        if p == TYPE:
            types[s].add(o)
    for s, classes in types.items():
        if v[_NOTHING] in classes:
            message = f"{text[s]} is defined of type 'Nothing'"
            if message not in errors:
                errors.append(message)
    for c1, c2 in by_pred.get(v[_DISJOINT], ()):
        for s, classes in types.items():
            if (c1 == thing or c1 in classes) and (c2 == thing or c2 in classes):
                message = (
                    f"Disjoint classes {text[c1]} and {text[c2]} have a common individual {text[s]}"
                )
                if message not in errors:
                    errors.append(message)

    full -= asserted
    trivial_types = {thing, v[_RESOURCE]}
    class_axioms = {v[_SUBCLASS], v[_EQCLASS]}
    property_axioms = {v[_SUBPROP], v[_EQPROP]}
    inferred = [
        (s, p, o)
        for s, p, o in full
        if not (
            is_literal[s]
            or (p == TYPE and o in trivial_types)
            or (p in class_axioms and (s == o or o == thing))
            or (p in property_axioms and s == o)
            or builtin[s]
        )
    ]  # the tautologies reason.py leaves out of owlrl's closure too
    return Closure(inferred, names, errors, time.perf_counter() - started)
