"""Reading the shapes graph: which nodes are shapes (as pySHACL discovers them), their
parameters, paths and targets; each constraint parameter goes to its reader (``c_<name>``)."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.context import _Context
from ppo_graph.backends.fast.shacl.model import _V, Unsupported, _fill, _iri, _Shape
from ppo_graph.backends.fast.shacl.terms import (
    RDF_FIRST,
    RDF_TYPE,
    RDFS_CLASS,
    RDFS_SUBCLASSOF,
    XSD_BOOLEAN,
    Term,
    _rdflib_literal,
    _sh,
    _term_str,
)
from ppo_graph.namespaces import SH_NS

#: Parameters pySHACL does not treat as constraints; they are read where they matter.
_METADATA = frozenset(
    _sh(name)
    for name in [
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "path",
        "message",
        "severity",
        "name",
        "deactivated",
        "description",
        "order",
        "group",
        "defaultValue",
        "flags",
    ]
)


class _Reading(_Context):
    # -- discovery, as pySHACL's ShapesGraph._build_node_shape_cache --
    def discover(self) -> None:
        g = self.g
        node_shapes = set(g.subjects(RDF_TYPE, ox.NamedNode(_sh("NodeShape"))))
        prop_shapes = set(g.subjects(RDF_TYPE, ox.NamedNode(_sh("PropertyShape"))))
        for s in node_shapes & prop_shapes:
            raise Unsupported(f"{self.show(s)} is both a sh:NodeShape and a sh:PropertyShape")
        for s in node_shapes:
            if g.spo.get(s, {}).get(_sh("path")):
                raise Unsupported(f"node shape {self.show(s)} has a sh:path")
        subjects: set[Term] = set()
        for p in ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf", "property"):
            subjects |= {s for s, _ in g.subject_objects(_sh(p))}
        subjects |= {s for s, _ in g.subject_objects(_sh("node"))}
        values: set[Term] = set()
        for p in ("property", "node", "not", "qualifiedValueShape"):
            values |= {o for _, o in g.subject_objects(_sh(p))}
        for p in ("and", "or", "xone"):
            for s, lst in g.subject_objects(_sh(p)):
                members = g.items(lst, f"sh:{p} of {self.show(s)}")
                if not members:
                    raise Unsupported(f"sh:{p} of {self.show(s)} is an empty list")
                values |= set(members)
        for node in sorted(node_shapes | prop_shapes | subjects | values, key=str):
            paths = g.spo.get(node, {}).get(_sh("path"), [])
            if isinstance(node, ox.Literal):
                raise Unsupported(f"a literal used as a shape: {node}")
            if len(paths) > 1:
                raise Unsupported(f"shape {self.show(node)} has more than one sh:path")
            if node in prop_shapes and not paths:
                raise Unsupported(f"property shape {self.show(node)} has no sh:path")
            self.shapes[node] = self.read_shape(node, paths[0] if paths else None)

    def read_shape(self, node: Term, path_node: Term | None) -> _Shape:
        g = self.g
        for t in g.objects(node, RDF_TYPE):
            if (
                isinstance(t, ox.NamedNode)
                and t.value.startswith(SH_NS)
                and t.value not in (_sh("NodeShape"), _sh("PropertyShape"))
            ):
                raise Unsupported(f"{self.show(node)} is a {self.show(t)}")
        severities = g.objects(node, _sh("severity"))
        if len(severities) > 1:
            raise Unsupported(f"{self.show(node)} has more than one sh:severity")
        if severities and isinstance(severities[0], ox.Literal):
            raise Unsupported(f"{self.show(node)}: sh:severity is a literal")
        severity = _term_str(severities[0]) if severities else _sh("Violation")
        messages = [_term_str(m) for m in g.objects(node, _sh("message"))]
        if len(messages) > 1:
            raise Unsupported(
                f"{self.show(node)} has more than one sh:message (pySHACL reports one at random)"
            )
        deactivated = False
        flags = g.objects(node, _sh("deactivated"))
        if len(flags) > 1:
            raise Unsupported(f"{self.show(node)} has more than one sh:deactivated")
        if flags:
            flag = flags[0]
            if not (isinstance(flag, ox.Literal) and flag.datatype.value == XSD_BOOLEAN):
                raise Unsupported(f"{self.show(node)}: sh:deactivated is not a boolean")
            deactivated = _rdflib_literal(flag)[0] == "true"
        for p in ("description", "order", "group", "defaultValue", "name", "flags"):
            g.objects(node, _sh(p))
        path = None
        if path_node is not None:
            g.objects(node, _sh("path"))
            path = self.path(path_node, inverse=False, depth=0)
        name = self.show(node)
        shape = _Shape(
            node=node,
            name=name if len(name) <= 160 else name[:157] + "...",
            path=path,
            path_node=path_node,
            severity=severity,
            messages=messages,
            deactivated=deactivated,
        )
        self.read_targets(shape)
        return shape

    def path(self, node: Term, inverse: bool, depth: int) -> str:
        """pySHACL's ``value_nodes_from_path`` as a SPARQL property path; like pySHACL, an
        inverse path reverses each step of a sequence but not their order."""
        g = self.g
        if isinstance(node, ox.NamedNode):
            return ("^" if inverse else "") + _iri(node.value)
        if isinstance(node, ox.Literal) or depth >= 10:
            raise Unsupported(f"unsupported sh:path {self.show(node)}")
        if g.spo.get(node, {}).get(RDF_FIRST):
            members = g.items(node, f"sequence path {self.show(node)}")
            if len(members) < 2 and depth == 0:
                raise Unsupported(f"sequence path {self.show(node)} has fewer than two members")
            steps = [self.path(m, inverse, depth + 1) for m in members]
            return steps[0] if len(steps) == 1 else "(" + "/".join(steps) + ")"
        keys = [p for p in g.predicates(node) if p.startswith(SH_NS)]
        if len(keys) != 1:
            raise Unsupported(f"unsupported sh:path {self.show(node)}")
        key = keys[0]
        values = g.objects(node, key)
        if len(values) != 1:
            raise Unsupported(f"unsupported sh:path {self.show(node)}")
        if key == _sh("inversePath"):
            return self.path(values[0], not inverse, depth + 1)
        if key == _sh("alternativePath"):
            members = g.items(values[0], f"alternative path {self.show(node)}")
            if len(members) < 2:
                raise Unsupported(f"alternative path {self.show(node)} has fewer than two members")
            return "(" + "|".join(self.path(m, inverse, depth + 1) for m in members) + ")"
        raise Unsupported(f"{self.show(ox.NamedNode(key))} paths are not supported")

    def read_targets(self, shape: _Shape) -> None:
        g, node = self.g, shape.node
        classes = list(g.objects(node, _sh("targetClass")))
        subclasses_of_class = {
            str(s) for s in g.subjects(RDFS_SUBCLASSOF, ox.NamedNode(RDFS_CLASS))
        }
        types = {str(t) for t in g.spo.get(node, {}).get(RDF_TYPE, [])}
        if types & (subclasses_of_class | {str(ox.NamedNode(RDFS_CLASS))}):
            classes.append(node)  # implicit class target
        for cls in classes:
            if isinstance(cls, ox.BlankNode) and cls == node:
                continue  # a blank node of the shapes graph has no instances in the data
            if not isinstance(cls, ox.NamedNode):
                raise Unsupported(f"{shape.name}: sh:targetClass {cls} is not an IRI")
            shape.targets.append(
                _fill(f"{{ {_V} <{RDF_TYPE}>/<{RDFS_SUBCLASSOF}>* {_iri(cls.value)} }}")
            )
        nodes = g.objects(node, _sh("targetNode"))
        if nodes:
            if any(isinstance(n, ox.BlankNode) for n in nodes):
                raise Unsupported(f"{shape.name}: blank node in sh:targetNode")
            listed = " ".join(str(n) for n in nodes)
            shape.targets.append(_fill(f"{{ VALUES {_V} {{ {listed} }} }}"))
        for key in ("targetSubjectsOf", "targetObjectsOf"):
            for p in g.objects(node, _sh(key)):
                if not isinstance(p, ox.NamedNode):
                    raise Unsupported(f"{shape.name}: sh:{key} {p} is not an IRI")
                shape.targets.append(self._linked(_iri(p.value), key == "targetSubjectsOf"))

    def _linked(self, predicate: str, subject: bool) -> Callable[[str], str]:
        """Focus nodes that are subjects (or objects) of ``predicate``."""

        def pattern(v: str) -> str:
            other = self.var()
            return f"{{ {v} {predicate} {other} }}" if subject else f"{{ {other} {predicate} {v} }}"

        return pattern

    # -- constraints --

    def read_constraints(self, shape: _Shape) -> None:
        g, node = self.g, shape.node
        for p in g.predicates(node):
            if not p.startswith(SH_NS) or p in _METADATA:
                continue
            local = p[len(SH_NS) :]
            values = g.objects(node, p)
            reader = getattr(self, f"c_{local}", None)
            if reader is None:
                raise Unsupported(f"{shape.name}: sh:{local} is not supported by the fast path")
            reader(shape, values)
