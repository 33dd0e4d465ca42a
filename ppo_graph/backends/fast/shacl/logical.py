"""Shape-based and logical constraint components: ``sh:property``, and ``sh:not``, ``sh:and``,
``sh:or``, ``sh:xone``, whose members' conformance is compiled to nested ``EXISTS`` expressions
(:meth:`_Logical.violates`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from ppo_graph.backends.fast.shacl.context import _Context
from ppo_graph.backends.fast.shacl.messages import Generic, _Namer
from ppo_graph.backends.fast.shacl.model import Unsupported, _Constraint, _Shape
from ppo_graph.backends.fast.shacl.terms import Term


class _Logical(_Context):
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
        if shape.deactivated or shape.warns_only():
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
