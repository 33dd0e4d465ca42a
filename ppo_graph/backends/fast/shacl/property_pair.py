"""Property pair constraint components: ``sh:disjoint``."""

from __future__ import annotations

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.context import _Context
from ppo_graph.backends.fast.shacl.messages import Generic, _Namer
from ppo_graph.backends.fast.shacl.model import Unsupported, _Constraint, _iri, _Shape
from ppo_graph.backends.fast.shacl.terms import Term


class _PropertyPair(_Context):
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
