"""Terms as the fast path sees them: the IRIs it names, and the forms rdflib gives literals.

pySHACL sees rdflib terms, the fast path pyoxigraph's; :func:`_rdflib_literal` says what rdflib
makes of a literal parsed from the same text (its lexical form and Python value), so that results
and messages come out as pySHACL prints them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ppo_graph.namespaces import RDF_NS, RDFS_NS, SH_NS, XSD_NS

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


def _sh(local: str) -> str:
    return SH_NS + local


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
