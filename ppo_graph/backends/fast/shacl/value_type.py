"""Value type constraint components: ``sh:class``, ``sh:datatype``, ``sh:nodeKind``."""

from __future__ import annotations

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.context import _Context
from ppo_graph.backends.fast.shacl.model import _V, Unsupported, _fill, _iri, _Shape
from ppo_graph.backends.fast.shacl.terms import (
    RDF_LANGSTRING,
    RDF_TYPE,
    RDFS_LITERAL,
    RDFS_SUBCLASSOF,
    XSD_BOOLEAN,
    XSD_DECIMAL,
    XSD_DOUBLE,
    XSD_FLOAT,
    XSD_INTEGER,
    XSD_STRING,
    Term,
    _sh,
)
from ppo_graph.namespaces import RDF_NS, RDFS_NS, XSD_NS

_NODE_KINDS = {
    _sh("IRI"): "!isIRI({v})",
    _sh("BlankNode"): "!isBlank({v})",
    _sh("Literal"): "!isLiteral({v})",
    _sh("BlankNodeOrIRI"): "isLiteral({v})",
    _sh("BlankNodeOrLiteral"): "isIRI({v})",
    _sh("IRIOrLiteral"): "isBlank({v})",
}


class _ValueType(_Context):
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
