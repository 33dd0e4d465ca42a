"""A fast SHACL validation path over pyoxigraph that gives pySHACL's verdict.

pySHACL (``ppo_graph.validate``) stays the reference engine. This module compiles a shapes graph
held in a ``pyoxigraph.Store`` into SPARQL queries and evaluates them inside oxigraph over the
union of all graphs of the data store, so that validation scales to millions of quads. Every query
returns failures only; sibling property shapes (same focus nodes) share one query per kind of
check, a UNION branch per constraint: an anti-join for ``sh:minCount``, a self-join for
``sh:maxCount`` 0 or 1 (an aggregate above), an anti-join for ``sh:class`` and a filter for the
other value constraints; a node shape's own constraints take one query, plus one per
``sh:class``. Conformance to the members of ``sh:not``/``sh:and``/``sh:or``/``sh:xone`` is
compiled to nested ``EXISTS`` expressions.

:meth:`CompiledShapes.validate` returns the same results as ``validate.validate`` (pySHACL with
``inference="none"``, ``allow_warnings=True``, ``advanced=True``), field by field, for every
shapes graph :func:`compile_shapes` accepts; :meth:`CompiledShapes.check` adds pySHACL's
``conforms`` flag. Anything outside the supported subset raises :class:`Unsupported` from
:func:`compile_shapes`, naming the construct, so that the caller can fall back to pySHACL. No
triple in the ``sh:`` namespace is silently ignored.

Supported: node and property shapes (typed or implicit); ``sh:targetClass`` (SHACL instances,
``rdf:type/rdfs:subClassOf*`` in the data), ``sh:targetNode`` (IRIs and literals),
``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and implicit class targets; predicate,
``sh:inversePath``, ``sh:alternativePath`` and sequence paths; ``sh:property`` (nested too),
``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype`` (``xsd:string``,
``rdf:langString``, ``rdfs:Literal``, ``xsd:integer``, ``xsd:decimal``, ``xsd:double``,
``xsd:float``, ``xsd:boolean``, ``xsd:anyURI``, ``xsd:language`` and datatypes outside the XSD and
RDF namespaces), ``sh:nodeKind``, ``sh:minLength``, ``sh:maxLength``, ``sh:pattern`` with
``sh:flags``, ``sh:minInclusive``, ``sh:minExclusive``, ``sh:maxInclusive``, ``sh:maxExclusive``
(numeric bounds), ``sh:disjoint``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:message``,
``sh:name``, ``sh:severity``, ``sh:deactivated`` and the non-validating ``sh:description``,
``sh:order``, ``sh:group``, ``sh:defaultValue``. pySHACL's default messages (shapes without
``sh:message``) are reproduced, prefixed names included (see :class:`_Namer`).

Refused (:class:`Unsupported`): SPARQL constraints and targets, SHACL-AF rules, functions and
expressions, custom constraint components, ``sh:node``, ``sh:qualifiedValueShape``,
``sh:closed``, ``sh:equals``, ``sh:lessThan(OrEquals)``, ``sh:in``, ``sh:hasValue``,
``sh:languageIn``, ``sh:uniqueLang``, ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``,
``sh:zeroOrOnePath``, other ``sh:datatype`` values, recursive shapes, and anything whose pySHACL
outcome depends on rdflib's iteration order (two ``sh:message``, ``rdfs:label`` or ``sh:name``
values where one is reported, a property shape used by two shapes, several values of one
parameter in a default message).

Known limits that no shapes graph can avoid, because a ``pyoxigraph.Store`` canonicalises
literals when it stores them (``"01"^^xsd:integer`` becomes ``"1"``, ``xsd:int``, ``xsd:long``
and the other integer types become ``xsd:integer``, ``"2.50"^^xsd:decimal`` becomes ``"2.5"``,
language tags are lower-cased): a value of a derived integer type passes ``sh:datatype
xsd:integer`` here (pySHACL flags it), and decimal and date/time values are reported in
oxigraph's canonical lexical form. rdflib's own literal normalisation (``"1"^^xsd:double`` is
``"1.0"``, booleans are ``true``/``false``) is reproduced. Plain and ``xsd:string`` literals are
indistinguishable in a store; pySHACL's default messages are reproduced for plain ones. Those
messages print IRIs with the prefixes of the rdflib graphs pySHACL sees: rdflib's defaults and
the project's, plus the ``prefixes`` given to :func:`compile_shapes` (those declared in the
shapes files, which ``validate.load_shapes`` binds) and to :meth:`CompiledShapes.validate` (those
bound in the data graph handed to pySHACL, if any).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .prefixes import PREFIXES, RDF_NS, RDFS_NS, SH_NS, XSD_NS, compact
from .report import Violation

__all__ = ["CompiledShapes", "Unsupported", "compile_shapes"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Pair = tuple[ox.NamedNode, Term]

RDF_TYPE = RDF_NS + "type"
RDF_FIRST = RDF_NS + "first"
RDF_REST = RDF_NS + "rest"
RDF_NIL = RDF_NS + "nil"
RDF_LANGSTRING = RDF_NS + "langString"
RDFS_CLASS = RDFS_NS + "Class"
RDFS_LABEL = RDFS_NS + "label"
RDFS_LITERAL = RDFS_NS + "Literal"
RDFS_SUBCLASSOF = RDFS_NS + "subClassOf"
XSD_STRING = XSD_NS + "string"
XSD_BOOLEAN = XSD_NS + "boolean"
XSD_INTEGER = XSD_NS + "integer"
XSD_DECIMAL = XSD_NS + "decimal"
XSD_DOUBLE = XSD_NS + "double"
XSD_FLOAT = XSD_NS + "float"

#: rdflib's integer datatypes (all map to Python ``int``); a store keeps only ``xsd:integer``.
_XSD_INTEGERS = frozenset(
    XSD_NS + name
    for name in [
        "integer",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "positiveInteger",
    ]
)
#: Datatypes whose rdflib value is a Python ``str`` (pySHACL's range checks refuse them).
_STRING_VALUED = (
    XSD_STRING,
    RDF_LANGSTRING,
    XSD_NS + "normalizedString",
    XSD_NS + "token",
    XSD_NS + "language",
    XSD_NS + "anyURI",
)
#: rdflib datatypes whose Python value this module does not reproduce.
_OPAQUE_VALUES = frozenset(
    XSD_NS + name
    for name in [
        "time",
        "date",
        "dateTime",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
        "hexBinary",
        "base64Binary",
    ]
) | {RDF_NS + "XMLLiteral", RDF_NS + "HTML"}

_ALLOWED_SEVERITIES = frozenset({SH_NS + "Info", SH_NS + "Warning"})

#: The prefixes every rdflib ``Graph()`` starts with (rdflib 7, ``bind_namespaces="rdflib"``).
_RDFLIB_PREFIXES: dict[str, str] = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "xsd": XSD_NS,
    "xml": "http://www.w3.org/XML/1998/namespace",
    "brick": "https://brickschema.org/schema/Brick#",
    "csvw": "http://www.w3.org/ns/csvw#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcam": "http://purl.org/dc/dcam/",
    "doap": "http://usefulinc.com/ns/doap#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "org": "http://www.w3.org/ns/org#",
    "prof": "http://www.w3.org/ns/dx/prof/",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "schema": "https://schema.org/",
    "sh": SH_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sosa": "http://www.w3.org/ns/sosa/",
    "ssn": "http://www.w3.org/ns/ssn/",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "wgs": "https://www.w3.org/2003/01/geo/wgs84_pos#",
}

_FUNCTION_NS = "urn:x-ppo-graph:shacl-fast:"
_TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD_BOOLEAN))
_FALSE = ox.Literal("false", datatype=ox.NamedNode(XSD_BOOLEAN))


class Unsupported(Exception):
    """The shapes graph uses something the fast path does not implement: use pySHACL."""


def _sh(local: str) -> str:
    return SH_NS + local


#: Where a SPARQL template takes its variable (a NUL cannot occur in SPARQL text we write).
_V = "\x00"


def _fill(template: str) -> Callable[[str], str]:
    """A SPARQL snippet whose variable (``_V``) is given later."""

    def fill(variable: str) -> str:
        return template.replace(_V, variable)

    return fill


def _iri(value: str) -> str:
    return f"<{value}>"


# --- how rdflib and pySHACL print terms ---------------------------------------------------------

_NAME_START = frozenset({"Ll", "Lu", "Lo", "Lt", "Nl"})
_SPLIT_START = _NAME_START | {"Nd"}
_NAME = _NAME_START | {"Mc", "Me", "Mn", "Lm", "Nd"}
_ALLOWED_NAME_CHARS = frozenset({"\u00b7", "\u0387", "-", ".", "_", "%", "(", ")"})
_XMLNS = "http://www.w3.org/XML/1998/namespace"


def _split_uri(uri: str) -> tuple[str, str] | None:
    """rdflib's ``split_uri``: namespace and local name, or None when it cannot split."""
    if uri.startswith(_XMLNS):
        return _XMLNS, uri.split(_XMLNS)[1]
    length = len(uri)
    for i in range(length):
        char = uri[-i - 1]
        if unicodedata.category(char) not in _NAME:
            if char in _ALLOWED_NAME_CHARS:
                continue
            for j in range(-1 - i, length):
                if unicodedata.category(uri[j]) in _SPLIT_START or uri[j] == "_":
                    namespace = uri[:j]
                    if not namespace:
                        break
                    return namespace, uri[j:]
            break
    return None


def _rdflib_literal(lit: ox.Literal) -> tuple[str, str | None, str | None]:
    """(lexical form, ``str`` of the Python value or None, datatype IRI or None) as rdflib has
    them for a literal parsed from the same text (rdflib normalises lexical forms)."""
    lexical: str = lit.value
    if lit.language:
        return lexical, lexical, None
    datatype: str = lit.datatype.value
    if datatype == XSD_STRING:
        return lexical, lexical, None  # a plain literal: the store cannot tell "x"^^xsd:string
    if datatype in _XSD_INTEGERS:
        try:
            number = int(lexical)
        except ValueError:
            return lexical, None, datatype
        return str(number), str(number), datatype
    if datatype == XSD_DECIMAL:
        try:
            decimal = Decimal(lexical)
        except InvalidOperation:
            return lexical, None, datatype
        return f"{decimal:f}", str(decimal), datatype
    if datatype in (XSD_DOUBLE, XSD_FLOAT):
        try:
            real = float(lexical)
        except ValueError:
            return lexical, None, datatype
        return str(real), str(real), datatype
    if datatype == XSD_BOOLEAN:
        truth = lexical.lower() in ("true", "1")
        return str(truth).lower(), str(truth), datatype
    if datatype in (XSD_NS + "normalizedString", XSD_NS + "token"):
        normalised = lexical.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        if datatype == XSD_NS + "token":
            normalised = re.sub(" +", " ", normalised.strip())
        return normalised, lexical, datatype
    if datatype in (XSD_NS + "language", XSD_NS + "anyURI"):
        return lexical, lexical, datatype
    if datatype in _OPAQUE_VALUES:
        return lexical, None, datatype  # the value is not reproduced: see _Namer.literal
    return lexical, None, datatype


def _term_str(term: Term) -> str:
    """``str()`` of the rdflib term: IRI, blank node id or (normalised) lexical form."""
    if isinstance(term, ox.Literal):
        return _rdflib_literal(term)[0]
    return str(term.value)


def _value_string(term: Term) -> str:
    """pySHACL's ``value_node_to_string`` (string-based constraints)."""
    if isinstance(term, ox.Literal) and (
        term.language or term.datatype.value in (XSD_STRING, RDF_LANGSTRING)
    ):
        return str(term.value)
    return _term_str(term)


class _Namer:
    """pySHACL's ``stringify_node`` under an rdflib namespace manager: rdflib's default
    prefixes, then the project's (``bind_prefixes``), then the caller's (the prefixes declared
    in the parsed files), each bound as rdflib's ``Graph.bind`` does."""

    def __init__(
        self, extra: Mapping[str, str] | None, describe: Callable[[ox.BlankNode], list[Pair]]
    ) -> None:
        self._describe = describe
        self._namespace: dict[str, str] = {}  # prefix -> namespace
        self._prefix: dict[str, str] = {}  # namespace -> prefix
        for prefix, namespace in _RDFLIB_PREFIXES.items():
            self._store_bind(prefix, namespace)
        for table in (PREFIXES, extra or {}):
            for prefix, namespace in table.items():
                self.bind(prefix, namespace)

    def _store_bind(self, prefix: str, namespace: str) -> None:
        bound_namespace = self._namespace.get(prefix)
        bound_prefix = self._prefix.get(namespace)
        if bound_prefix is None and bound_namespace is not None:
            bound_prefix = self._prefix.get(bound_namespace)
        if bound_prefix is not None:
            self._namespace.pop(bound_prefix, None)
        if bound_namespace is not None:
            self._prefix.pop(bound_namespace, None)
        self._prefix[namespace] = prefix
        self._namespace[prefix] = namespace

    def bind(self, prefix: str, namespace: str) -> None:
        """rdflib's ``NamespaceManager.bind(prefix, namespace, override=True, replace=False)``."""
        bound_namespace = self._namespace.get(prefix)
        if bound_namespace and bound_namespace != namespace:
            base = prefix or "default"
            for number in itertools.count(1):
                candidate = f"{base}{number}"
                taken = self._namespace.get(candidate)
                if taken == namespace:
                    return
                if not taken:
                    self._store_bind(candidate, namespace)
                    return
        if self._prefix.get(namespace) != prefix:
            self._store_bind(prefix, namespace)

    def iri(self, iri: str) -> str:
        split = _split_uri(iri)
        if split is not None:
            prefix = self._prefix.get(split[0])
            if prefix is not None:
                return f"{prefix}:{split[1]}"
        return f"<{iri}>"

    def literal(self, lit: ox.Literal) -> str:
        lexical, value, datatype = _rdflib_literal(lit)
        if value is None and datatype in _OPAQUE_VALUES:
            raise Unsupported(
                f"pySHACL's default message prints the Python value of {lit}, "
                "which the fast path does not reproduce"
            )
        text = (
            f'"{lexical}" = {value}' if value is not None and value != lexical else f'"{lexical}"'
        )
        if lit.language:
            text += f", lang={lit.language}"
        if datatype:
            text += f", datatype={self.iri(datatype)}"
        return f"Literal({text})"

    def node(self, term: Term, recursion: int = 0) -> str:
        if isinstance(term, ox.Literal):
            return self.literal(term)
        if isinstance(term, ox.BlankNode):
            return self._blank(term, recursion + 1)
        return self.iri(term.value)

    def _blank(self, node: ox.BlankNode, recursion: int) -> str:
        if recursion >= 12:
            return "<http://recursion.too.deep>"
        pairs = self._describe(node)
        if not pairs:
            return "[ ]"
        if any(p.value == RDF_FIRST for p, _ in pairs):
            items = [self.node(item, recursion + 1) for item in self._items(node)]
            return "( {} )".format(" ".join(items))
        by_predicate: dict[str, list[str]] = {}
        for p, o in pairs:
            by_predicate.setdefault(self.iri(p.value), []).append(self.node(o, recursion + 1))
        parts = [f"{p} {', '.join(sorted(objects))}" for p, objects in sorted(by_predicate.items())]
        return "[ {} ]".format(" ; ".join(parts))

    def _items(self, head: Term) -> Iterator[Term]:
        seen: set[Term] = set()
        while not (isinstance(head, ox.NamedNode) and head.value == RDF_NIL):
            if head in seen or not isinstance(head, ox.BlankNode):
                return
            seen.add(head)
            pairs = self._describe(head)
            firsts = [o for p, o in pairs if p.value == RDF_FIRST]
            rests = [o for p, o in pairs if p.value == RDF_REST]
            if not firsts:
                return
            yield firsts[0]
            if not rests:
                return
            head = rests[0]


# --- the shapes graph ---------------------------------------------------------------------------


class _Graph:
    """The shapes graph in memory, remembering which triples the compiler understood."""

    def __init__(self, store: ox.Store) -> None:
        self.spo: dict[Term, dict[str, list[Term]]] = {}
        self.pos: dict[tuple[str, Term], list[Term]] = {}
        self.relevant: list[tuple[Term, str, Term]] = []
        self.used: set[tuple[Term, str, Term]] = set()
        for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
                raise Unsupported("RDF-star triples in the shapes graph")
            objects = self.spo.setdefault(s, {}).setdefault(p, [])
            if o in objects:
                continue
            objects.append(o)
            self.pos.setdefault((p, o), []).append(s)
            if p.startswith(SH_NS) or (
                p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value.startswith(SH_NS)
            ):
                self.relevant.append((s, p, o))

    def objects(self, s: Term, p: str) -> list[Term]:
        found = self.spo.get(s, {}).get(p, [])
        for o in found:
            self.used.add((s, p, o))
        return list(found)

    def subjects(self, p: str, o: Term) -> list[Term]:
        return list(self.pos.get((p, o), []))

    def subject_objects(self, p: str) -> list[tuple[Term, Term]]:
        return [(s, o) for (pred, o), subjects in self.pos.items() if pred == p for s in subjects]

    def has(self, s: Term, p: str, o: Term) -> bool:
        return o in self.spo.get(s, {}).get(p, [])

    def predicates(self, s: Term) -> list[str]:
        return list(self.spo.get(s, {}))

    def items(self, head: Term, what: str) -> list[Term]:
        """The members of an RDF list (pySHACL's ``graph.items``); Unsupported when malformed."""
        members: list[Term] = []
        seen: set[Term] = set()
        while not (isinstance(head, ox.NamedNode) and head.value == RDF_NIL):
            firsts = self.spo.get(head, {}).get(RDF_FIRST, [])
            rests = self.spo.get(head, {}).get(RDF_REST, [])
            if head in seen or len(firsts) != 1 or len(rests) != 1:
                raise Unsupported(f"{what}: not a well-formed RDF list")
            seen.add(head)
            members.append(firsts[0])
            head = rests[0]
        return members

    def describe(self, node: ox.BlankNode) -> list[Pair]:
        return [
            (ox.NamedNode(p), o) for p, objects in self.spo.get(node, {}).items() for o in objects
        ]


def _describe_in(store: ox.Store) -> Callable[[ox.BlankNode], list[Pair]]:
    def describe(node: ox.BlankNode) -> list[Pair]:
        pairs: list[Pair] = []
        for quad in store.quads_for_pattern(node, None, None, None):
            o = quad.object
            if not isinstance(o, ox.Triple) and (quad.predicate, o) not in pairs:
                pairs.append((quad.predicate, o))
        return pairs

    return describe


# --- the compiled model -------------------------------------------------------------------------

#: A SPARQL extension function (pyoxigraph calls it with the terms of a row).
Function = Callable[..., ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]
#: Builds a default message from (data namer, focus node, value node).
Generic = Callable[[_Namer, Term, Term | None], str]


@dataclass(eq=False)
class _Constraint:
    component: str  # e.g. "MinCount", for mutation tests and error messages
    kind: str  # "min" | "max" | "value" | "disjoint"
    fails: Callable[[str], str] | None = None  # value: SPARQL expression, true when the value fails
    count: int = 0  # min / max
    predicate: str = ""  # disjoint
    cls: str = ""  # sh:class, as <IRI>: tested with joins where possible
    generic: Generic | None = None
    no_generic: str = ""  # why pySHACL's default message cannot be reproduced


@dataclass(eq=False)
class _Shape:
    node: Term
    name: str  # for messages
    path: str | None  # SPARQL property path; None for a node shape
    path_node: Term | None
    severity: str
    messages: list[str]
    deactivated: bool
    constraints: list[_Constraint] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    targets: list[Callable[[str], str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Unit:
    """A shape as reached from a target through sh:property: whose results it reports."""

    shape: _Shape
    focus: Callable[[str], str]  # focus node pattern, binding the given variable
    failing: bool  # results make the graph non-conforming (pySHACL's allow_warnings rules)
    owner: str
    label: str
    path: str | None


@dataclass(frozen=True)
class _Check:
    """How a query row becomes a result of one constraint of a unit.

    mode "row": each row is a result; ``value`` says which value node it names: "none",
    "focus" or "value" (the row's ?value); mode "flag": a result naming the focus node as the
    value when the row's ``flag`` variable is 1.
    """

    unit: _Unit
    constraint: _Constraint
    mode: str
    value: str = "none"
    flag: str = ""


@dataclass(frozen=True)
class _Step:
    """One query returning failures only; a row's ?k (0 when unbound) picks its branch, the
    checks of one unit (sibling property shapes share one query, one branch each)."""

    sparql: str
    branches: tuple[tuple[_Check, ...], ...]


class CompiledShapes:
    """Shapes compiled to SPARQL; :meth:`validate` runs them against a store."""

    def __init__(
        self,
        steps: list[_Step],
        functions: dict[ox.NamedNode, Function],
    ) -> None:
        self.steps = steps
        self._functions = functions

    def validate(
        self, store: ox.Store, *, prefixes: Mapping[str, str] | None = None
    ) -> list[Violation]:
        """The validation results for the union of all graphs of ``store``, sorted.

        ``prefixes``: prefixes bound in the data graph pySHACL would see beyond rdflib's and the
        project's (those declared in the parsed files); they only matter for default messages.
        """
        return self.check(store, prefixes=prefixes)[0]

    def check(
        self, store: ox.Store, *, prefixes: Mapping[str, str] | None = None
    ) -> tuple[list[Violation], bool]:
        """The sorted results and pySHACL's ``conforms`` flag (with ``allow_warnings=True``: a
        result only makes the graph non-conforming when every shape from the targeted one down to
        the one that produced it has a severity other than sh:Info and sh:Warning)."""
        namer = _Namer(prefixes, _describe_in(store))
        results: list[Violation] = []
        conforms = True
        for step in self.steps:
            for check, focus, value in self._run(store, step):
                results.append(_violation(check, namer, focus, value))
                conforms = conforms and not check.unit.failing
        results.sort(
            key=lambda v: (v.shape_label, v.focus, v.path or "", v.message, v.value or "", v.shape)
        )
        return results, conforms

    def _run(self, store: ox.Store, step: _Step) -> Iterator[tuple[_Check, Term, Term | None]]:
        for row in self._select(store, step.sparql):
            focus = row["focus"]
            k = row["k"]
            for check in step.branches[int(k.value) if k is not None else 0]:
                if check.mode == "flag":
                    if row[check.flag].value == "1":
                        yield check, focus, focus
                elif check.value == "value":
                    yield check, focus, row["value"]
                else:
                    yield check, focus, focus if check.value == "focus" else None

    def _select(self, store: ox.Store, sparql: str) -> ox.QuerySolutions:
        solutions = store.query(
            sparql, use_default_graph_as_union=True, custom_functions=self._functions or None
        )
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions


def _violation(check: _Check, namer: _Namer, focus: Term, value: Term | None) -> Violation:
    unit = check.unit
    if unit.shape.messages:
        message = unit.shape.messages[0]
    else:
        assert check.constraint.generic is not None
        message = check.constraint.generic(namer, focus, value)
    return Violation(
        shape=unit.owner,
        shape_label=unit.label,
        focus=_term_str(focus),
        path=unit.path,
        value=_term_str(value) if value is not None else None,
        message=message,
        severity=unit.shape.severity.rsplit("#", 1)[-1],
    )


# --- the compiler -------------------------------------------------------------------------------

#: Parameters pySHACL does not treat as constraints; they are read where they matter.
_METADATA = frozenset(
    _sh(name)
    for name in [
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "path",
        "message",
        "severity",
        "name",
        "deactivated",
        "description",
        "order",
        "group",
        "defaultValue",
        "flags",
    ]
)
_NODE_KINDS = {
    _sh("IRI"): "!isIRI({v})",
    _sh("BlankNode"): "!isBlank({v})",
    _sh("Literal"): "!isLiteral({v})",
    _sh("BlankNodeOrIRI"): "isLiteral({v})",
    _sh("BlankNodeOrLiteral"): "isIRI({v})",
    _sh("IRIOrLiteral"): "isBlank({v})",
}
#: The pieces of a regular expression that Python's ``re`` and oxigraph's REGEX (Rust's regex
#: crate) read alike: ASCII characters and operators, escaped operators, ``\d``, simple
#: character classes, counted repetition, and ``$``.
_PATTERN_TOKEN = re.compile(
    r"[A-Za-z0-9 _:/#@%=!,'<>;\"^.*+?()|-]"
    r"|\\[.\\()*+?|^$\[\]{}d-]"
    r"|\[[^\[\]\\&~]+\]"
    r"|\{[0-9]+(?:,[0-9]*)?\}"
    r"|\$"
)


def _sparql_regex(pattern: str, multiline: bool) -> str | None:
    """``pattern`` for oxigraph's REGEX with Python's meaning, or None when unsure."""
    if "(?" in pattern:
        return None
    pieces: list[str] = []
    position = 0
    while position < len(pattern):
        match = _PATTERN_TOKEN.match(pattern, position)
        if match is None:
            return None
        piece = match.group()
        if piece.startswith("{") and (not pieces or pieces[-1] in ("(", "|", "^")):
            return None  # Python reads a brace with nothing to repeat as a character
        if piece == "$" and not multiline:
            piece = "(?:\\n?\\z)"  # Python's $ also matches before a final newline
        pieces.append(piece)
        position = match.end()
    return "".join(pieces)


class _Compiler:
    def __init__(self, store: ox.Store, prefixes: Mapping[str, str] | None) -> None:
        self.g = _Graph(store)
        self.namer = _Namer(prefixes, self.g.describe)
        self.counter = itertools.count()
        self.functions: dict[ox.NamedNode, Function] = {}
        self.shapes: dict[Term, _Shape] = {}
        self._expanding: list[_Shape] = []

    def var(self, stem: str = "x") -> str:
        return f"?{stem}{next(self.counter)}"

    def function(self, fn: Function) -> str:
        name = ox.NamedNode(f"{_FUNCTION_NS}f{len(self.functions)}")
        self.functions[name] = fn
        return str(name)

    def show(self, term: Term) -> str:
        try:
            return self.namer.node(term)
        except Unsupported:
            return str(term)

    # -- discovery, as pySHACL's ShapesGraph._build_node_shape_cache --

    def discover(self) -> None:
        g = self.g
        node_shapes = set(g.subjects(RDF_TYPE, ox.NamedNode(_sh("NodeShape"))))
        prop_shapes = set(g.subjects(RDF_TYPE, ox.NamedNode(_sh("PropertyShape"))))
        for s in node_shapes & prop_shapes:
            raise Unsupported(f"{self.show(s)} is both a sh:NodeShape and a sh:PropertyShape")
        for s in node_shapes:
            if g.spo.get(s, {}).get(_sh("path")):
                raise Unsupported(f"node shape {self.show(s)} has a sh:path")
        subjects: set[Term] = set()
        for p in ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf", "property"):
            subjects |= {s for s, _ in g.subject_objects(_sh(p))}
        subjects |= {s for s, _ in g.subject_objects(_sh("node"))}
        values: set[Term] = set()
        for p in ("property", "node", "not", "qualifiedValueShape"):
            values |= {o for _, o in g.subject_objects(_sh(p))}
        for p in ("and", "or", "xone"):
            for s, lst in g.subject_objects(_sh(p)):
                members = g.items(lst, f"sh:{p} of {self.show(s)}")
                if not members:
                    raise Unsupported(f"sh:{p} of {self.show(s)} is an empty list")
                values |= set(members)
        for node in sorted(node_shapes | prop_shapes | subjects | values, key=str):
            paths = g.spo.get(node, {}).get(_sh("path"), [])
            if isinstance(node, ox.Literal):
                raise Unsupported(f"a literal used as a shape: {node}")
            if len(paths) > 1:
                raise Unsupported(f"shape {self.show(node)} has more than one sh:path")
            if node in prop_shapes and not paths:
                raise Unsupported(f"property shape {self.show(node)} has no sh:path")
            self.shapes[node] = self.read_shape(node, paths[0] if paths else None)

    def read_shape(self, node: Term, path_node: Term | None) -> _Shape:
        g = self.g
        for t in g.objects(node, RDF_TYPE):
            if (
                isinstance(t, ox.NamedNode)
                and t.value.startswith(SH_NS)
                and t.value not in (_sh("NodeShape"), _sh("PropertyShape"))
            ):
                raise Unsupported(f"{self.show(node)} is a {self.show(t)}")
        severities = g.objects(node, _sh("severity"))
        if len(severities) > 1:
            raise Unsupported(f"{self.show(node)} has more than one sh:severity")
        if severities and isinstance(severities[0], ox.Literal):
            raise Unsupported(f"{self.show(node)}: sh:severity is a literal")
        severity = _term_str(severities[0]) if severities else _sh("Violation")
        messages = [_term_str(m) for m in g.objects(node, _sh("message"))]
        if len(messages) > 1:
            raise Unsupported(
                f"{self.show(node)} has more than one sh:message (pySHACL reports one at random)"
            )
        deactivated = False
        flags = g.objects(node, _sh("deactivated"))
        if len(flags) > 1:
            raise Unsupported(f"{self.show(node)} has more than one sh:deactivated")
        if flags:
            flag = flags[0]
            if not (isinstance(flag, ox.Literal) and flag.datatype.value == XSD_BOOLEAN):
                raise Unsupported(f"{self.show(node)}: sh:deactivated is not a boolean")
            deactivated = _rdflib_literal(flag)[0] == "true"
        for p in ("description", "order", "group", "defaultValue", "name", "flags"):
            g.objects(node, _sh(p))
        path = None
        if path_node is not None:
            g.objects(node, _sh("path"))
            path = self.path(path_node, inverse=False, depth=0)
        name = self.show(node)
        shape = _Shape(
            node=node,
            name=name if len(name) <= 160 else name[:157] + "...",
            path=path,
            path_node=path_node,
            severity=severity,
            messages=messages,
            deactivated=deactivated,
        )
        self.read_targets(shape)
        return shape

    def path(self, node: Term, inverse: bool, depth: int) -> str:
        """pySHACL's ``value_nodes_from_path`` as a SPARQL property path; like pySHACL, an
        inverse path reverses each step of a sequence but not their order."""
        g = self.g
        if isinstance(node, ox.NamedNode):
            return ("^" if inverse else "") + _iri(node.value)
        if isinstance(node, ox.Literal) or depth >= 10:
            raise Unsupported(f"unsupported sh:path {self.show(node)}")
        if g.spo.get(node, {}).get(RDF_FIRST):
            members = g.items(node, f"sequence path {self.show(node)}")
            if len(members) < 2 and depth == 0:
                raise Unsupported(f"sequence path {self.show(node)} has fewer than two members")
            steps = [self.path(m, inverse, depth + 1) for m in members]
            return steps[0] if len(steps) == 1 else "(" + "/".join(steps) + ")"
        keys = [p for p in g.predicates(node) if p.startswith(SH_NS)]
        if len(keys) != 1:
            raise Unsupported(f"unsupported sh:path {self.show(node)}")
        key = keys[0]
        values = g.objects(node, key)
        if len(values) != 1:
            raise Unsupported(f"unsupported sh:path {self.show(node)}")
        if key == _sh("inversePath"):
            return self.path(values[0], not inverse, depth + 1)
        if key == _sh("alternativePath"):
            members = g.items(values[0], f"alternative path {self.show(node)}")
            if len(members) < 2:
                raise Unsupported(f"alternative path {self.show(node)} has fewer than two members")
            return "(" + "|".join(self.path(m, inverse, depth + 1) for m in members) + ")"
        raise Unsupported(f"{self.show(ox.NamedNode(key))} paths are not supported")

    def read_targets(self, shape: _Shape) -> None:
        g, node = self.g, shape.node
        classes = list(g.objects(node, _sh("targetClass")))
        subclasses_of_class = {
            str(s) for s in g.subjects(RDFS_SUBCLASSOF, ox.NamedNode(RDFS_CLASS))
        }
        types = {str(t) for t in g.spo.get(node, {}).get(RDF_TYPE, [])}
        if types & (subclasses_of_class | {str(ox.NamedNode(RDFS_CLASS))}):
            classes.append(node)  # implicit class target
        for cls in classes:
            if isinstance(cls, ox.BlankNode) and cls == node:
                continue  # a blank node of the shapes graph has no instances in the data
            if not isinstance(cls, ox.NamedNode):
                raise Unsupported(f"{shape.name}: sh:targetClass {cls} is not an IRI")
            shape.targets.append(
                _fill(f"{{ {_V} <{RDF_TYPE}>/<{RDFS_SUBCLASSOF}>* {_iri(cls.value)} }}")
            )
        nodes = g.objects(node, _sh("targetNode"))
        if nodes:
            if any(isinstance(n, ox.BlankNode) for n in nodes):
                raise Unsupported(f"{shape.name}: blank node in sh:targetNode")
            listed = " ".join(str(n) for n in nodes)
            shape.targets.append(_fill(f"{{ VALUES {_V} {{ {listed} }} }}"))
        for key in ("targetSubjectsOf", "targetObjectsOf"):
            for p in g.objects(node, _sh(key)):
                if not isinstance(p, ox.NamedNode):
                    raise Unsupported(f"{shape.name}: sh:{key} {p} is not an IRI")
                shape.targets.append(self._linked(_iri(p.value), key == "targetSubjectsOf"))

    def _linked(self, predicate: str, subject: bool) -> Callable[[str], str]:
        """Focus nodes that are subjects (or objects) of ``predicate``."""

        def pattern(v: str) -> str:
            other = self.var()
            return f"{{ {v} {predicate} {other} }}" if subject else f"{{ {other} {predicate} {v} }}"

        return pattern

    # -- constraints --

    def read_constraints(self, shape: _Shape) -> None:
        g, node = self.g, shape.node
        for p in g.predicates(node):
            if not p.startswith(SH_NS) or p in _METADATA:
                continue
            local = p[len(SH_NS) :]
            values = g.objects(node, p)
            reader = getattr(self, f"c_{local}", None)
            if reader is None:
                raise Unsupported(f"{shape.name}: sh:{local} is not supported by the fast path")
            reader(shape, values)

    def _single(self, shape: _Shape, local: str, values: list[Term]) -> Term:
        if len(values) != 1:
            raise Unsupported(f"{shape.name}: more than one sh:{local}")
        return values[0]

    def _count(self, shape: _Shape, local: str, values: list[Term]) -> int:
        value = self._single(shape, local, values)
        if shape.path is None:
            raise Unsupported(f"{shape.name}: sh:{local} on a node shape")
        if not (isinstance(value, ox.Literal) and value.datatype.value == XSD_INTEGER):
            raise Unsupported(f"{shape.name}: sh:{local} is not an xsd:integer")
        count = _int_or_none(value.value)
        if count is None:
            raise Unsupported(f"{shape.name}: sh:{local} is not an xsd:integer")
        if count < 0:
            raise Unsupported(f"{shape.name}: negative sh:{local}")
        return count

    def c_minCount(self, shape: _Shape, values: list[Term]) -> None:
        count = self._count(shape, "minCount", values)
        if count == 0:
            return  # pySHACL: a minCount of zero always passes
        path = self.show(shape.path_node) if shape.path_node is not None else ""
        shape.constraints.append(
            _Constraint(
                "MinCount",
                "min",
                count=count,
                generic=lambda n, f, v: f"Less than {count} values on {n.node(f)}->{path}",
            )
        )

    def c_maxCount(self, shape: _Shape, values: list[Term]) -> None:
        count = self._count(shape, "maxCount", values)
        path = self.show(shape.path_node) if shape.path_node is not None else ""
        shape.constraints.append(
            _Constraint(
                "MaxCount",
                "max",
                count=count,
                generic=lambda n, f, v: f"More than {count} values on {n.node(f)}->{path}",
            )
        )

    def _value(
        self,
        shape: _Shape,
        component: str,
        fails: Callable[[str], str],
        message: str | None,
        no_generic: str = "",
    ) -> None:
        shape.constraints.append(
            _Constraint(
                component,
                "value",
                fails=fails,
                generic=_fixed(message) if message is not None else None,
                no_generic=no_generic,
            )
        )

    def c_class(self, shape: _Shape, values: list[Term]) -> None:
        for cls in values:
            if not isinstance(cls, ox.NamedNode):
                raise Unsupported(f"{shape.name}: sh:class {cls} is not an IRI")
            c = _iri(cls.value)
            message = f"Value does not have class {self.show(cls)}" if len(values) == 1 else None
            self._value(
                shape,
                "Class",
                _fill(f"NOT EXISTS {{ {_V} <{RDF_TYPE}>/<{RDFS_SUBCLASSOF}>* {c} }}"),
                message,
                "several sh:class values",
            )
            shape.constraints[-1].cls = c

    def c_datatype(self, shape: _Shape, values: list[Term]) -> None:
        dt = self._single(shape, "datatype", values)
        if not isinstance(dt, ox.NamedNode):
            raise Unsupported(f"{shape.name}: sh:datatype {dt} is not an IRI")
        d, v = dt.value, _V
        typed = f"isLiteral({v}) && datatype({v}) = <{d}>"
        if d == XSD_STRING:
            test = typed
        elif d == RDF_LANGSTRING:
            test = f'isLiteral({v}) && lang({v}) != ""'
        elif d == RDFS_LITERAL:
            test = f"isLiteral({v})"
        elif d in (XSD_INTEGER, XSD_DECIMAL, XSD_DOUBLE, XSD_FLOAT):
            test = f"{typed} && isNumeric({v})"  # well-formed, as rdflib's ill_typed says
        elif d == XSD_BOOLEAN:
            test = f'{typed} && (str({v}) = "true" || str({v}) = "false")'
        elif d in (XSD_NS + "anyURI", XSD_NS + "language") or not d.startswith(
            (XSD_NS, RDF_NS, RDFS_NS)
        ):
            test = typed  # rdflib accepts any lexical form of these
        else:
            raise Unsupported(f"{shape.name}: sh:datatype {self.show(dt)} is not supported")
        self._value(
            shape,
            "Datatype",
            _fill(f"!({test})"),
            f"Value is not Literal with datatype {self.show(dt)}",
        )

    def c_nodeKind(self, shape: _Shape, values: list[Term]) -> None:
        kind = self._single(shape, "nodeKind", values)
        template = _NODE_KINDS.get(kind.value) if isinstance(kind, ox.NamedNode) else None
        if template is None:
            raise Unsupported(f"{shape.name}: unknown sh:nodeKind {kind}")
        self._value(
            shape,
            "NodeKind",
            _fill(template.replace("{v}", _V)),
            f"Value is not of Node Kind {self.show(kind)}",
        )

    def _length(self, shape: _Shape, local: str, values: list[Term]) -> None:
        rule = self._single(shape, local, values)
        limit = _int_or_none(rule.value) if isinstance(rule, ox.Literal) else None
        if not (
            isinstance(rule, ox.Literal)
            and rule.datatype.value in _XSD_INTEGERS
            and limit is not None
            and limit >= 0
        ):
            raise Unsupported(f"{shape.name}: sh:{local} is not a non-negative integer")
        if local == "minLength" and limit == 0:
            return  # pySHACL: always passes
        fn = self.function(_length)
        op, word = ("<", ">=") if local == "minLength" else (">", "<=")
        v = _V
        # oxigraph's lexical form is rdflib's for strings and IRIs; Python says for the rest
        size = (
            f"IF(isLiteral({v}) && datatype({v}) != <{XSD_STRING}> && "
            f"datatype({v}) != <{RDF_LANGSTRING}>, {fn}({v}), STRLEN(STR({v})))"
        )
        shape.constraints.append(
            _Constraint(
                local[0].upper() + local[1:],
                "value",
                fails=_fill(f"isBlank({v}) || {size} {op} {limit}"),
                generic=_fixed_literal(f"String length not {word} ", rule),
            )
        )

    def c_minLength(self, shape: _Shape, values: list[Term]) -> None:
        self._length(shape, "minLength", values)

    def c_maxLength(self, shape: _Shape, values: list[Term]) -> None:
        self._length(shape, "maxLength", values)

    def c_pattern(self, shape: _Shape, values: list[Term]) -> None:
        flag_values = {_term_str(f) for f in self.g.objects(shape.node, _sh("flags"))}
        if len(flag_values) > 1:
            raise Unsupported(f"{shape.name}: more than one sh:flags")
        flags = next(iter(flag_values), "").lower()  # pySHACL honours i and m only
        re_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
        sparql_flags = "".join(f for f in "im" if f in flags)
        v = _V
        for pattern in values:
            if not isinstance(pattern, ox.Literal):
                raise Unsupported(f"{shape.name}: sh:pattern {pattern} is not a literal")
            text = str(pattern.value)
            try:
                compiled = re.compile(text, re_flags)
            except re.error as exc:
                raise Unsupported(f"{shape.name}: bad sh:pattern {text!r}: {exc}") from exc
            fn = self.function(_searcher(compiled))
            translated = _sparql_regex(text, "m" in flags)
            if translated is not None:
                regex = f"REGEX(STR({v}), {ox.Literal(translated)}, {ox.Literal(sparql_flags)})"
                test = (
                    f"IF(isIRI({v}) || (isLiteral({v}) && (datatype({v}) = <{XSD_STRING}> "
                    f"|| datatype({v}) = <{RDF_LANGSTRING}>)), {regex}, {fn}({v}))"
                )
            else:
                test = f"{fn}({v})"
            self._value(
                shape,
                "Pattern",
                _fill(f"isBlank({v}) || !({test})"),
                f"Value does not match pattern '{text}'" if len(values) == 1 else None,
                "several sh:pattern values",
            )

    def _range(self, shape: _Shape, local: str, values: list[Term]) -> None:
        v = _V
        op, numeric_ok, greater_ok = {
            "minInclusive": (">=", "{v} >= {b}", True),
            "minExclusive": (">", "{v} > {b}", True),
            "maxInclusive": ("<=", "({v} <= {b} || {v} != {v})", False),  # NaN passes a max
            "maxExclusive": ("<", "({v} < {b} || {v} != {v})", False),
        }[local]
        strings = ", ".join(_iri(d) for d in _STRING_VALUED)
        for bound in values:
            if not (
                isinstance(bound, ox.Literal)
                and bound.datatype.value in (XSD_INTEGER, XSD_DECIMAL, XSD_DOUBLE, XSD_FLOAT)
                and _rdflib_literal(bound)[1] not in (None, "nan")
            ):
                raise Unsupported(f"{shape.name}: sh:{local} {bound} is not a number")
            b, db = str(bound), bound.datatype.value
            # pySHACL refuses string values; it orders other non-numeric literals by their
            # datatype IRIs (rdflib's order), and Python datetimes and times cannot be compared
            other = (
                f"isLiteral({v}) && !isNumeric({v}) && !(datatype({v}) IN ({strings}, "
                f"<{XSD_NS}dateTime>, <{XSD_NS}time>)) && datatype({v}) != <{db}> && "
                f'{"" if greater_ok else "!"}(STR(datatype({v})) > "{db}")'
            )
            numeric = numeric_ok.replace("{v}", v).replace("{b}", b)
            message = f"Value is not {op} {self.show(bound)}" if len(values) == 1 else None
            self._value(
                shape,
                local[0].upper() + local[1:],
                _fill(f"!COALESCE((isNumeric({v}) && {numeric}) || ({other}), false)"),
                message,
                f"several sh:{local} values",
            )

    def c_minInclusive(self, shape: _Shape, values: list[Term]) -> None:
        self._range(shape, "minInclusive", values)

    def c_minExclusive(self, shape: _Shape, values: list[Term]) -> None:
        self._range(shape, "minExclusive", values)

    def c_maxInclusive(self, shape: _Shape, values: list[Term]) -> None:
        self._range(shape, "maxInclusive", values)

    def c_maxExclusive(self, shape: _Shape, values: list[Term]) -> None:
        self._range(shape, "maxExclusive", values)

    def c_disjoint(self, shape: _Shape, values: list[Term]) -> None:
        for p in values:
            if not isinstance(p, ox.NamedNode):
                raise Unsupported(f"{shape.name}: sh:disjoint {p} is not an IRI")
            shown = self.show(p)
            generic: Generic | None = None
            if len(values) == 1:

                def generic(n: _Namer, f: Term, v: Term | None, shown: str = shown) -> str:
                    assert v is not None
                    return f"Value of {n.node(f)}->{shown} == {n.node(v)}"

            shape.constraints.append(
                _Constraint(
                    "Disjoint",
                    "disjoint",
                    predicate=_iri(p.value),
                    generic=generic,
                    no_generic="several sh:disjoint values",
                )
            )

    def c_property(self, shape: _Shape, values: list[Term]) -> None:
        for p in values:
            child = self.shapes.get(p)
            if child is None or child.path is None:
                raise Unsupported(
                    f"{shape.name}: sh:property {self.show(p)} is not a property shape"
                )
            shape.properties.append(child)

    def _members(self, shape: _Shape, local: str, head: Term) -> list[_Shape]:
        return [self.shapes[m] for m in self.g.items(head, f"sh:{local} of {shape.name}")]

    def _logical(self, shape: _Shape, local: str, values: list[Term]) -> None:
        for value in values:
            members = [self.shapes[value]] if local == "not" else self._members(shape, local, value)
            try:
                listed: str | None = " , ".join(self.namer.node(m.node) for m in members)
            except Unsupported:
                listed = None  # a member prints a literal whose Python value is not reproduced
            fails = self._logical_test(local, members)
            text = {
                "not": "must not conform to shape",
                "and": "must conform to all shapes in",
                "or": "must conform to one or more shapes in",
                "xone": "must conform to exactly one shape in",
            }[local]
            generic: Generic | None = None
            if len(values) == 1 and listed is not None:

                def generic(n: _Namer, f: Term, v: Term | None, t: str = f"{text} {listed}") -> str:
                    assert v is not None
                    return f"Node {n.node(v)} {t}"

            shape.constraints.append(
                _Constraint(
                    local[0].upper() + local[1:],
                    "value",
                    fails=fails,
                    generic=generic,
                    no_generic=f"several sh:{local} values, or a member prints an opaque literal",
                )
            )

    def _logical_test(self, local: str, members: list[_Shape]) -> Callable[[str], str]:
        """SPARQL for "the value fails sh:not / sh:and / sh:or / sh:xone of these members"."""

        def fails(v: str) -> str:
            bad = [self.violates(m, v) for m in members]  # None: the member always conforms
            if local == "not":
                return "true" if bad[0] is None else f"!({bad[0]})"
            if local == "and":
                return " || ".join(f"({b})" for b in bad if b is not None) or "false"
            if local == "or":
                if any(b is None for b in bad):
                    return "false"
                return " && ".join(f"({b})" for b in bad)
            counts = ["1" if b is None else f"IF({b}, 0, 1)" for b in bad]  # xone
            return f"({' + '.join(counts)}) != 1"

        return fails

    def c_not(self, shape: _Shape, values: list[Term]) -> None:
        self._logical(shape, "not", values)

    def c_and(self, shape: _Shape, values: list[Term]) -> None:
        self._logical(shape, "and", values)

    def c_or(self, shape: _Shape, values: list[Term]) -> None:
        self._logical(shape, "or", values)

    def c_xone(self, shape: _Shape, values: list[Term]) -> None:
        self._logical(shape, "xone", values)

    # -- conformance of a node to a shape, as a SPARQL expression --

    def _distinct(self, focus: str, path: str, n: int) -> str:
        names = [self.var("n") for _ in range(n)]
        triples = " . ".join(f"{focus} {path} {x}" for x in names)
        pairs = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        return triples + (f" FILTER({' && '.join(pairs)})" if pairs else "")

    def violates(self, shape: _Shape, focus: str) -> str | None:
        """A SPARQL expression, true when ``focus`` does not conform to ``shape`` as pySHACL
        decides it with allow_warnings (shapes of severity sh:Info or sh:Warning always conform);
        None when it always conforms."""
        if shape.deactivated or shape.severity in _ALLOWED_SEVERITIES:
            return None
        if shape in self._expanding:
            raise Unsupported(f"recursive shapes: {shape.name}")
        self._expanding.append(shape)
        terms: list[str] = []
        path = shape.path
        for c in shape.constraints:
            if path is None:
                assert c.kind in ("value", "disjoint")
                if c.kind == "value":
                    assert c.fails is not None
                    terms.append(c.fails(focus))
                else:
                    terms.append(f"EXISTS {{ {focus} {c.predicate} {focus} }}")
                continue
            if c.kind in ("min", "max"):
                n = c.count if c.kind == "min" else c.count + 1
                if n > 4:
                    raise Unsupported(f"{shape.name}: counts above 3 inside sh:not/and/or/xone")
                prefix = "NOT EXISTS" if c.kind == "min" else "EXISTS"
                terms.append(f"{prefix} {{ {self._distinct(focus, path, n)} }}")
                continue
            x = self.var()
            if c.kind == "value":
                assert c.fails is not None
                terms.append(f"EXISTS {{ {focus} {path} {x} FILTER({c.fails(x)}) }}")
            else:
                terms.append(f"EXISTS {{ {focus} {path} {x} . {focus} {c.predicate} {x} }}")
        for child in shape.properties:
            x = focus if path is None else self.var()
            bad = self.violates(child, x)
            if bad is None:
                continue
            terms.append(bad if path is None else f"EXISTS {{ {focus} {path} {x} FILTER({bad}) }}")
        self._expanding.pop()
        return " || ".join(f"({t})" for t in terms) if terms else None

    # -- reporting --

    def owner(self, node: Term) -> Term:
        """validate.py's ``_owning_node_shape``."""
        if self.g.has(node, RDF_TYPE, ox.NamedNode(_sh("NodeShape"))):
            return node
        for key in ("property", "sparql"):
            owners = self.g.subjects(_sh(key), node)
            if len(owners) > 1:
                raise Unsupported(
                    f"{self.show(node)} is used by more than one shape "
                    "(pySHACL's report names one at random)"
                )
            if owners:
                return owners[0]
        return node

    def label(self, node: Term) -> str:
        labels = self.g.spo.get(node, {}).get(RDFS_LABEL, [])
        if len(labels) > 1:
            raise Unsupported(f"{self.show(node)} has more than one rdfs:label")
        if not labels:
            return _term_str(node)
        label = labels[0]
        if isinstance(label, ox.Literal):
            if not (label.language or label.datatype.value == XSD_STRING):
                raise Unsupported(f"{self.show(node)}: rdfs:label {label} is not a string")
            return str(label.value) or _term_str(node)
        return _term_str(label)

    def path_label(self, shape: _Shape) -> str | None:
        """validate.py's ``_path_label``."""
        if isinstance(shape.path_node, ox.NamedNode):
            return compact(shape.path_node.value)
        names = self.g.spo.get(shape.node, {}).get(_sh("name"), [])
        if len(names) > 1:
            raise Unsupported(f"{shape.name} has more than one sh:name")
        return _term_str(names[0]) if names else None

    def units(
        self, shape: _Shape, focus: Callable[[str], str], chain: tuple[_Shape, ...]
    ) -> list[_Unit]:
        """The reporting shapes of a chain of sh:property from a targeted shape."""
        if shape.deactivated:
            return []
        if shape in chain[:-1]:
            raise Unsupported(f"recursive sh:property: {shape.name}")
        if not shape.messages:
            for c in shape.constraints:
                if c.generic is None:
                    raise Unsupported(
                        f"{shape.name} has no sh:message and pySHACL's default message for "
                        f"{c.component} depends on rdflib's order ({c.no_generic})"
                    )
        failing = all(s.severity not in _ALLOWED_SEVERITIES for s in chain)
        owner = self.owner(shape.node)
        found: list[_Unit] = []
        if shape.constraints:
            unit = _Unit(
                shape, focus, failing, _term_str(owner), self.label(owner), self.path_label(shape)
            )
            found.append(unit)
        path = shape.path
        child_focus = focus if path is None else self._values_of(focus, path)
        for child in shape.properties:
            found += self.units(child, child_focus, (*chain, child))
        return found

    def _values_of(self, focus: Callable[[str], str], path: str) -> Callable[[str], str]:
        """The focus nodes of the property shapes nested in a property shape: its values."""

        def values(out: str) -> str:
            x = self.var("f")
            return f"{{ SELECT DISTINCT {out} WHERE {{ {focus(x)} {x} {path} {out} }} }}"

        return values

    def node_steps(self, unit: _Unit) -> list[_Step]:
        """The queries of a node shape's own constraints (the value node is the focus node)."""
        head = unit.focus("?focus")
        steps: list[_Step] = []
        flagged: list[_Check] = []
        tests: list[str] = []
        for c in unit.shape.constraints:
            if c.cls:
                sparql = (
                    f"SELECT DISTINCT ?focus WHERE {{ {head} "
                    f"MINUS {{ ?focus <{RDF_TYPE}>/<{RDFS_SUBCLASSOF}>* {c.cls} }} }}"
                )
                steps.append(_Step(sparql, ((_Check(unit, c, "row", value="focus"),),)))
                continue
            assert c.kind in ("value", "disjoint")
            if c.fails is not None:
                tests.append(c.fails("?focus"))
            else:
                tests.append(f"EXISTS {{ ?focus {c.predicate} ?focus }}")
            flagged.append(_Check(unit, c, "flag", flag=f"b{len(tests) - 1}"))
        if flagged:
            binds = " ".join(f"BIND(IF({t}, 1, 0) AS ?b{i})" for i, t in enumerate(tests))
            sparql = f"SELECT * WHERE {{ {head} {binds} FILTER({' || '.join(tests)}) }}"
            steps.append(_Step(sparql, (tuple(flagged),)))
        return steps

    def property_steps(self, units: list[_Unit]) -> list[_Step]:
        """The queries of sibling property shapes (same focus nodes), each returning failures
        only, with a UNION branch per constraint so that the focus nodes are found once: an
        anti-join for sh:minCount, a self-join for sh:maxCount 0 or 1, an anti-join for
        sh:class and a filter for the value constraints. Rare counts above 1 are aggregated."""
        head = units[0].focus("?focus")
        steps: list[_Step] = []
        found: dict[str, list[tuple[_Check, str]]] = {
            "min": [],
            "max": [],
            "class": [],
            "value": [],
        }
        for u in units:
            path = u.shape.path
            assert path is not None
            for c in u.shape.constraints:
                if c.kind in ("min", "max") and c.count > 1:
                    op = "<" if c.kind == "min" else ">"
                    sparql = (
                        f"SELECT ?focus WHERE {{ {head} ?focus {path} ?value }} GROUP BY ?focus "
                        f"HAVING (COUNT(DISTINCT ?value) {op} {c.count})"
                    )
                    steps.append(_Step(sparql, ((_Check(u, c, "row"),),)))
                if c.kind == "min":
                    found["min"].append((_Check(u, c, "row"), f"?focus {path} ?value"))
                elif c.kind == "max" and c.count == 0:
                    found["max"].append((_Check(u, c, "row"), f"?focus {path} ?value"))
                elif c.kind == "max" and c.count == 1:
                    pattern = f"?focus {path} ?a . ?focus {path} ?b FILTER(!sameTerm(?a, ?b))"
                    found["max"].append((_Check(u, c, "row"), pattern))
                elif c.cls:
                    found["class"].append((_Check(u, c, "row", value="value"), c.cls))
                elif c.kind == "value":
                    assert c.fails is not None
                    test = c.fails("?value")
                    check = _Check(u, c, "row", value="value")
                    found["value"].append((check, f"?focus {path} ?value FILTER({test})"))
                elif c.kind == "disjoint":
                    pattern = f"?focus {path} ?value . ?focus {c.predicate} ?value"
                    found["value"].append((_Check(u, c, "row", value="value"), pattern))

        def union(patterns: list[str]) -> str:
            return " UNION ".join(f"{{ {p} BIND({k} AS ?k) }}" for k, p in enumerate(patterns))

        def branches(entries: list[tuple[_Check, str]]) -> tuple[tuple[_Check, ...], ...]:
            return tuple((check,) for check, _ in entries)

        if found["min"]:
            keys = " ".join(str(k) for k in range(len(found["min"])))
            sparql = (
                f"SELECT DISTINCT ?focus ?k WHERE {{ {head} VALUES ?k {{ {keys} }} "
                f"MINUS {{ {union([p for _, p in found['min']])} }} }}"
            )
            steps.append(_Step(sparql, branches(found["min"])))
        if found["max"]:
            sparql = f"SELECT DISTINCT ?focus ?k WHERE {{ {head} {union([p for _, p in found['max']])} }}"
            steps.append(_Step(sparql, branches(found["max"])))
        if found["class"]:
            paths = [f"?focus {check.unit.shape.path} ?value" for check, _ in found["class"]]
            instances = [f"?value <{RDF_TYPE}>/<{RDFS_SUBCLASSOF}>* {c}" for _, c in found["class"]]
            sparql = (
                f"SELECT DISTINCT ?focus ?value ?k WHERE {{ {head} {union(paths)} "
                f"MINUS {{ {union(instances)} }} }}"
            )
            steps.append(_Step(sparql, branches(found["class"])))
        if found["value"]:
            sparql = (
                f"SELECT DISTINCT ?focus ?value ?k WHERE {{ {head} "
                f"{union([p for _, p in found['value']])} }}"
            )
            steps.append(_Step(sparql, branches(found["value"])))
        return steps

    def compile(self) -> CompiledShapes:
        self.discover()
        for shape in self.shapes.values():
            self.read_constraints(shape)
        for pred in ("and", "or", "xone", "not", "property"):
            for s, _ in self.g.subject_objects(_sh(pred)):
                if s not in self.shapes:
                    raise Unsupported(f"sh:{pred} on {self.show(s)}, which is not a shape")
        for property_group in self.g.subjects(RDF_TYPE, ox.NamedNode(_sh("PropertyGroup"))):
            self.g.objects(property_group, RDF_TYPE)  # sh:group's values: presentation only
            self.g.objects(property_group, _sh("order"))
        units: list[_Unit] = []
        for shape in self.shapes.values():
            if not shape.targets:
                continue

            def top(out: str, targets: list[Callable[[str], str]] = shape.targets) -> str:
                union = " UNION ".join(t(out) for t in targets)
                return f"{{ SELECT DISTINCT {out} WHERE {{ {union} }} }}"

            units += self.units(shape, top, (shape,))
        steps: list[_Step] = []
        siblings: dict[int, list[_Unit]] = {}
        for unit in units:
            if unit.shape.path is None:
                steps += self.node_steps(unit)
            else:
                siblings.setdefault(id(unit.focus), []).append(unit)
        for group in siblings.values():
            steps += self.property_steps(group)
        unused = [t for t in self.g.relevant if t not in self.g.used]
        if unused:
            s, p, o = unused[0]
            raise Unsupported(
                f"{self.show(s)} {self.show(ox.NamedNode(p))} {self.show(o)}: "
                "not supported by the fast path"
            )
        return CompiledShapes(steps, self.functions)


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _length(term: Term) -> ox.Literal:
    """The length pySHACL measures: of the string form rdflib gives a non-string literal."""
    return ox.Literal(str(len(_value_string(term))), datatype=ox.NamedNode(XSD_INTEGER))


def _searcher(compiled: re.Pattern[str]) -> Callable[[Term], ox.Literal]:
    """pySHACL's sh:pattern test (Python's ``re``), as a SPARQL function."""

    def search(term: Term) -> ox.Literal:
        return _TRUE if compiled.search(_value_string(term)) else _FALSE

    return search


def _fixed(message: str) -> Generic:
    """A default message that does not name data nodes."""

    def generic(namer: _Namer, focus: Term, value: Term | None) -> str:
        return message

    return generic


def _fixed_literal(text: str, lit: ox.Literal) -> Generic:
    """A default message ending with a literal of the shapes graph (printed per data graph)."""

    def generic(namer: _Namer, focus: Term, value: Term | None) -> str:
        return text + namer.literal(lit)

    return generic


def compile_shapes(
    shapes: ox.Store, *, prefixes: Mapping[str, str] | None = None
) -> CompiledShapes:
    """Compile the shapes graph in the default graph of ``shapes``.

    ``prefixes``: prefixes bound in the shapes graph pySHACL would see beyond rdflib's and the
    project's (those declared in the parsed shapes files); they only matter for default messages.
    Raises :class:`Unsupported` naming the construct the fast path does not implement.
    """
    return _Compiler(shapes, prefixes).compile()
