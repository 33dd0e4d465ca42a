"""The closure: the input numbered, refused if uncovered, then the schema, the instance rules
and the inconsistency checks, and what was added (trivial tautologies left out)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from ppo_graph.backends.fast.reasoner.coding import Term, Terms, Triple, code
from ppo_graph.backends.fast.reasoner.coverage import refuse_uncovered
from ppo_graph.backends.fast.reasoner.inconsistencies import clashes, ill_typed_literals
from ppo_graph.backends.fast.reasoner.instances import close_instances
from ppo_graph.backends.fast.reasoner.schema import close_schema
from ppo_graph.memory import no_gc


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


def reason(triples: Iterable[Triple], terms: Terms) -> Closure:
    """The OWL RL closure of ``triples`` under the rules (see the package docstring); raises
    :class:`Unsupported` for input they do not cover."""
    with no_gc():
        return _reason(triples, terms)


def _reason(triples: Iterable[Triple], terms: Terms) -> Closure:
    started = time.perf_counter()
    g = code(triples, terms)
    refuse_uncovered(g)
    errors = ill_typed_literals(g)
    full = close_instances(g, close_schema(g))
    clashes(g, full, errors)

    v, asserted = g.v, g.asserted
    full -= asserted
    trivial_types = {v.thing, v.resource}
    class_axioms = {v.subclass, v.eqclass}
    property_axioms = {v.subprop, v.eqprop}
    is_literal, builtin, TYPE, thing = g.is_literal, g.builtin, v.type, v.thing
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
    return Closure(inferred, g.names, errors, time.perf_counter() - started)
