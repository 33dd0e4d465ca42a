"""What every part of the compiler shares: the shapes graph, the shapes read so far, fresh
SPARQL variables, extension functions, and the helpers constraint readers use."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.messages import _fixed, _Namer
from ppo_graph.backends.fast.shacl.model import Function, Unsupported, _Constraint, _Shape
from ppo_graph.backends.fast.shacl.shapes_graph import _Graph
from ppo_graph.backends.fast.shacl.terms import Term

_FUNCTION_NS = "urn:x-ppo-graph:shacl-fast:"


class _Context:
    """The compiler's state and the helpers its parts share."""

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

    def _single(self, shape: _Shape, local: str, values: list[Term]) -> Term:
        if len(values) != 1:
            raise Unsupported(f"{shape.name}: more than one sh:{local}")
        return values[0]

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


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
