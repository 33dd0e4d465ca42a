"""Cardinality constraint components: ``sh:minCount``, ``sh:maxCount``."""

from __future__ import annotations

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.context import _Context, _int_or_none
from ppo_graph.backends.fast.shacl.model import Unsupported, _Constraint, _Shape
from ppo_graph.backends.fast.shacl.terms import XSD_INTEGER, Term


class _Cardinality(_Context):
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
