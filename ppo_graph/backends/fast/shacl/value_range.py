"""Value range constraint components: ``sh:minInclusive``, ``sh:minExclusive``,
``sh:maxInclusive``, ``sh:maxExclusive`` (numeric bounds)."""

from __future__ import annotations

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.context import _Context
from ppo_graph.backends.fast.shacl.model import _V, Unsupported, _fill, _iri, _Shape
from ppo_graph.backends.fast.shacl.terms import (
    _STRING_VALUED,
    XSD_DECIMAL,
    XSD_DOUBLE,
    XSD_FLOAT,
    XSD_INTEGER,
    Term,
    _rdflib_literal,
)
from ppo_graph.namespaces import XSD_NS


class _ValueRange(_Context):
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
