"""The shapes graph in memory, remembering which ``sh:`` triples the compiler has read, so that
none is silently ignored."""

from __future__ import annotations

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.model import Unsupported
from ppo_graph.backends.fast.shacl.terms import RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, Pair, Term
from ppo_graph.namespaces import SH_NS


class _Graph:
    """The shapes graph in memory, remembering which triples the compiler understood."""

    def __init__(self, store: ox.Store) -> None:
        self.spo: dict[Term, dict[str, list[Term]]] = {}
        self.pos: dict[tuple[str, Term], list[Term]] = {}
        self.relevant: list[tuple[Term, str, Term]] = []
        self.used: set[tuple[Term, str, Term]] = set()
        for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
                raise Unsupported("RDF-star triples in the shapes graph")
            objects = self.spo.setdefault(s, {}).setdefault(p, [])
            if o in objects:
                continue
            objects.append(o)
            self.pos.setdefault((p, o), []).append(s)
            if p.startswith(SH_NS) or (
                p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value.startswith(SH_NS)
            ):
                self.relevant.append((s, p, o))

    def objects(self, s: Term, p: str) -> list[Term]:
        found = self.spo.get(s, {}).get(p, [])
        for o in found:
            self.used.add((s, p, o))
        return list(found)

    def subjects(self, p: str, o: Term) -> list[Term]:
        return list(self.pos.get((p, o), []))

    def subject_objects(self, p: str) -> list[tuple[Term, Term]]:
        return [(s, o) for (pred, o), subjects in self.pos.items() if pred == p for s in subjects]

    def has(self, s: Term, p: str, o: Term) -> bool:
        return o in self.spo.get(s, {}).get(p, [])

    def predicates(self, s: Term) -> list[str]:
        return list(self.spo.get(s, {}))

    def items(self, head: Term, what: str) -> list[Term]:
        """The members of an RDF list (pySHACL's ``graph.items``); Unsupported when malformed."""
        members: list[Term] = []
        seen: set[Term] = set()
        while not (isinstance(head, ox.NamedNode) and head.value == RDF_NIL):
            firsts = self.spo.get(head, {}).get(RDF_FIRST, [])
            rests = self.spo.get(head, {}).get(RDF_REST, [])
            if head in seen or len(firsts) != 1 or len(rests) != 1:
                raise Unsupported(f"{what}: not a well-formed RDF list")
            seen.add(head)
            members.append(firsts[0])
            head = rests[0]
        return members

    def describe(self, node: ox.BlankNode) -> list[Pair]:
        return [
            (ox.NamedNode(p), o) for p, objects in self.spo.get(node, {}).items() for o in objects
        ]
