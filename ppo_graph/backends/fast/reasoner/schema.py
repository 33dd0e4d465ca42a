"""The schema closure (scm-cls, scm-sco, scm-eqc1/2, scm-op, scm-dp, scm-spo, scm-eqp1/2,
scm-dom1/2, scm-rng1/2), closed once, up front, in Python sets; and the tables the instance
rules join with: superclasses, super-properties, domains, ranges, inverses, characteristics
and property chains."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ppo_graph.backends.fast.reasoner.coding import Coded, Ids
from ppo_graph.backends.fast.reasoner.coverage import Unsupported


@dataclass
class Schema:
    sup_class: dict[int, set[int]]  # class -> its superclasses (closed)
    sup_prop: dict[int, set[int]]  # property -> its super-properties (closed)
    domains: dict[int, set[int]]  # property -> classes of its subjects (closed)
    ranges: dict[int, set[int]]  # property -> classes of its objects (closed)
    inverse: dict[int, set[int]]
    transitive: set[int]
    symmetric: set[int]
    chains: dict[
        int, list[tuple[int, Sequence[int], int]]
    ]  # step -> (chain property, steps, position)
    triples: set[Ids]  # the closed schema, as triples


def _closure_of(edges: dict[int, set[int]]) -> dict[int, set[int]]:
    """Transitive closure (not reflexive) of a small graph given as adjacency sets."""
    result: dict[int, set[int]] = {}
    for start in edges:
        seen: set[int] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(edges.get(node, ()))
        result[start] = seen
    return result


def _sub_edges(g: Coded, sub: int, equivalent: int) -> dict[int, set[int]]:
    """x -> y for each x ⊑ y, and both ways for each x ≡ y (scm-eqc1, scm-eqp1)."""
    edges: dict[int, set[int]] = defaultdict(set)
    for s, o in g.by_pred.get(sub, ()):
        edges[s].add(o)
    for s, o in g.by_pred.get(equivalent, ()):
        if s != o:
            edges[s].add(o)
            edges[o].add(s)
    return edges


def close_schema(g: Coded) -> Schema:
    v, by_pred = g.v, g.by_pred
    declared_classes = {s for s, o in by_pred.get(v.type, ()) if o == v.cls}
    declared_classes.add(v.thing)  # cls-thing
    sub = _sub_edges(g, v.subclass, v.eqclass)
    for c in declared_classes:
        sub[c].add(v.thing)  # scm-cls: c ⊑ owl:Thing and owl:Nothing ⊑ c
        sub[v.nothing].add(c)
    sup_class = _closure_of(sub)
    sup_prop = _closure_of(_sub_edges(g, v.subprop, v.eqprop))
    sub_prop: dict[int, set[int]] = defaultdict(set)
    for p, supers in sup_prop.items():
        for q in supers:
            sub_prop[q].add(p)

    def closed_restriction(pred: int) -> dict[int, set[int]]:
        """scm-dom1/2 (scm-rng1/2): p ⊑* p2, p2 dom c1, c1 ⊑* c2  =>  p dom c2."""
        result: dict[int, set[int]] = defaultdict(set)
        for p2, c1 in by_pred.get(pred, ()):
            classes = {c1} | sup_class.get(c1, set())
            for p in {p2} | sub_prop.get(p2, set()):
                result[p] |= classes
        return result

    domains = closed_restriction(v.domain)
    ranges = closed_restriction(v.range)
    inverse: dict[int, set[int]] = defaultdict(set)
    for s, o in by_pred.get(v.inverse, ()):
        inverse[s].add(o)
        inverse[o].add(s)
    transitive = {s for s, o in by_pred.get(v.type, ()) if o == v.transitive}
    symmetric = {s for s, o in by_pred.get(v.type, ()) if o == v.symmetric}

    first = dict(by_pred.get(v.first, ()))
    rest = dict(by_pred.get(v.rest, ()))

    def rdf_list(node: int) -> list[int]:
        items: list[int] = []
        seen: set[int] = set()
        while node != v.nil:
            if node in seen or node not in first or node not in rest:
                raise Unsupported("a malformed RDF list in owl:propertyChainAxiom")
            seen.add(node)
            items.append(first[node])
            node = rest[node]
        return items

    chains: dict[int, list[tuple[int, Sequence[int], int]]] = defaultdict(list)
    for prop, head in by_pred.get(v.chain, ()):
        steps = rdf_list(head)
        if not steps:
            continue
        for position, step in enumerate(steps):
            chains[step].append((prop, steps, position))

    schema: set[Ids] = set()
    for c, supers in sup_class.items():
        for d in supers:
            schema.add((c, v.subclass, d))
            if c in sup_class.get(d, ()):
                schema.add((c, v.eqclass, d))  # scm-eqc2
    for p, supers in sup_prop.items():
        for q in supers:
            schema.add((p, v.subprop, q))
            if p != q and p in sup_prop.get(q, ()):
                schema.add((p, v.eqprop, q))  # scm-eqp2
    for pred, table in ((v.domain, domains), (v.range, ranges)):
        for p, classes in table.items():
            for c in classes:
                schema.add((p, pred, c))
    return Schema(
        sup_class, sup_prop, domains, ranges, inverse, transitive, symmetric, chains, schema
    )
