"""The instance rules (cax-sco, cax-eqc1/2, prp-dom, prp-rng, prp-spo1, prp-eqp1/2, prp-inv1/2,
prp-symp, prp-trp, prp-spo2 with chains of any length) in one pass over a worklist, each triple
joined with those already processed."""

from __future__ import annotations

from collections import defaultdict

from ppo_graph.backends.fast.reasoner.coding import Coded, Ids
from ppo_graph.backends.fast.reasoner.schema import Schema


def close_instances(g: Coded, schema: Schema) -> set[Ids]:
    """The asserted triples, the schema's and everything the instance rules entail from them."""
    v, is_literal = g.v, g.is_literal
    TYPE = v.type
    sup_prop, inverse, symmetric = schema.sup_prop, schema.inverse, schema.symmetric
    transitive, chains = schema.transitive, schema.chains
    full: set[Ids] = set()
    out_index: dict[tuple[int, int], set[int]] = defaultdict(set)  # (s, p) -> objects
    in_index: dict[tuple[int, int], set[int]] = defaultdict(set)  # (p, o) -> subjects
    joined = set(transitive) | set(chains)
    # Instances: owl:Thing adds only the tautology (x a owl:Thing), which the closure leaves
    # out, so it is not derived at all unless a disjointness axiom names owl:Thing; then the
    # check (inconsistencies.clashes) needs owlrl's members of owl:Thing: those asserted, of a
    # class declared or reaching owl:Thing, or in a domain or range of owl:Thing, not every
    # typed individual.
    left_out = (
        set() if any(v.thing in pair for pair in g.by_pred.get(v.disjoint, ())) else {v.thing}
    )
    sup_instance = {c: frozenset(sups - left_out) for c, sups in schema.sup_class.items()}
    domains = {p: classes - left_out for p, classes in schema.domains.items()}
    ranges = {p: classes - left_out for p, classes in schema.ranges.items()}
    work: list[Ids] = [*g.asserted, *schema.triples]
    push = work.append
    add = full.add
    while work:
        triple = work.pop()
        if triple in full:
            continue
        add(triple)
        s, p, o = triple
        if p == TYPE:
            # the superclass sets are closed: their types need no processing of their own
            for c in sup_instance.get(o, ()):
                add((s, TYPE, c))
            continue
        if p in joined:
            out_index[(s, p)].add(o)
            in_index[(p, o)].add(s)
        for q in sup_prop.get(p, ()):
            push((s, q, o))
        for c in domains.get(p, ()):
            push((s, TYPE, c))
        if is_literal[o]:
            continue  # rdf:type of a literal, inverse with a literal subject: not RDF
        for c in ranges.get(p, ()):
            push((o, TYPE, c))
        for q in inverse.get(p, ()):
            push((o, q, s))
        if p in symmetric:
            push((o, p, s))
        if p in transitive:
            for x in list(out_index.get((o, p), ())):
                push((s, p, x))
            for x in list(in_index.get((p, s), ())):
                push((x, p, o))
        for prop, chain, position in chains.get(p, ()):
            lefts = {s}
            for step in reversed(chain[:position]):
                lefts = {x for y in lefts for x in in_index.get((step, y), ())}
            if not lefts:
                continue
            rights = {o}
            for step in chain[position + 1 :]:
                rights = {y for x in rights for y in out_index.get((x, step), ())}
            for x in lefts:
                for y in rights:
                    push((x, prop, y))
    return full
