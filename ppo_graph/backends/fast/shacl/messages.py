"""pySHACL's default messages: terms printed as ``stringify_node`` prints them under rdflib's
namespace manager (:class:`_Namer`), and the message builders of the constraint compilers."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterator, Mapping

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.model import Unsupported
from ppo_graph.backends.fast.shacl.terms import (
    _OPAQUE_VALUES,
    RDF_FIRST,
    RDF_NIL,
    RDF_REST,
    Pair,
    Term,
    _rdflib_literal,
)
from ppo_graph.namespaces import PREFIXES, RDF_NS, RDFS_NS, SH_NS, XSD_NS

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


#: Builds a default message from (data namer, focus node, value node).
Generic = Callable[[_Namer, Term, Term | None], str]


def _describe_in(store: ox.Store) -> Callable[[ox.BlankNode], list[Pair]]:
    def describe(node: ox.BlankNode) -> list[Pair]:
        pairs: list[Pair] = []
        for quad in store.quads_for_pattern(node, None, None, None):
            o = quad.object
            if not isinstance(o, ox.Triple) and (quad.predicate, o) not in pairs:
                pairs.append((quad.predicate, o))
        return pairs

    return describe


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
