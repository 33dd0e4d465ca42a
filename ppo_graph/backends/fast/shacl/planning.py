"""From shapes to queries: the shapes that report results, reached from each target through
``sh:property`` (:class:`_Unit`), and the SPARQL that finds their failures (:class:`_Step`)."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.context import _Context
from ppo_graph.backends.fast.shacl.model import Unsupported, _Check, _Shape, _Step, _Unit
from ppo_graph.backends.fast.shacl.terms import (
    RDF_TYPE,
    RDFS_LABEL,
    RDFS_SUBCLASSOF,
    XSD_STRING,
    Term,
    _sh,
    _term_str,
)
from ppo_graph.namespaces import compact


class _Planning(_Context):
    def owner(self, node: Term) -> Term:
        """validate.py's ``_owning_node_shape``."""
        if self.g.has(node, RDF_TYPE, ox.NamedNode(_sh("NodeShape"))):
            return node
        for key in ("property", "sparql"):
            owners = self.g.subjects(_sh(key), node)
            if len(owners) > 1:
                raise Unsupported(
                    f"{self.show(node)} is used by more than one shape "
                    "(pySHACL's report names one at random)"
                )
            if owners:
                return owners[0]
        return node

    def label(self, node: Term) -> str:
        labels = self.g.spo.get(node, {}).get(RDFS_LABEL, [])
        if len(labels) > 1:
            raise Unsupported(f"{self.show(node)} has more than one rdfs:label")
        if not labels:
            return _term_str(node)
        label = labels[0]
        if isinstance(label, ox.Literal):
            if not (label.language or label.datatype.value == XSD_STRING):
                raise Unsupported(f"{self.show(node)}: rdfs:label {label} is not a string")
            return str(label.value) or _term_str(node)
        return _term_str(label)

    def path_label(self, shape: _Shape) -> str | None:
        """validate.py's ``_path_label``."""
        if isinstance(shape.path_node, ox.NamedNode):
            return compact(shape.path_node.value)
        names = self.g.spo.get(shape.node, {}).get(_sh("name"), [])
        if len(names) > 1:
            raise Unsupported(f"{shape.name} has more than one sh:name")
        return _term_str(names[0]) if names else None

    def units(
        self, shape: _Shape, focus: Callable[[str], str], chain: tuple[_Shape, ...]
    ) -> list[_Unit]:
        """The reporting shapes of a chain of sh:property from a targeted shape."""
        if shape.deactivated:
            return []
        if shape in chain[:-1]:
            raise Unsupported(f"recursive sh:property: {shape.name}")
        if not shape.messages:
            for c in shape.constraints:
                if c.generic is None:
                    raise Unsupported(
                        f"{shape.name} has no sh:message and pySHACL's default message for "
                        f"{c.component} depends on rdflib's order ({c.no_generic})"
                    )
        failing = not any(s.warns_only() for s in chain)
        owner = self.owner(shape.node)
        found: list[_Unit] = []
        if shape.constraints:
            unit = _Unit(
                shape, focus, failing, _term_str(owner), self.label(owner), self.path_label(shape)
            )
            found.append(unit)
        path = shape.path
        child_focus = focus if path is None else self._values_of(focus, path)
        for child in shape.properties:
            found += self.units(child, child_focus, (*chain, child))
        return found

    def _values_of(self, focus: Callable[[str], str], path: str) -> Callable[[str], str]:
        """The focus nodes of the property shapes nested in a property shape: its values."""

        def values(out: str) -> str:
            x = self.var("f")
            return f"{{ SELECT DISTINCT {out} WHERE {{ {focus(x)} {x} {path} {out} }} }}"

        return values

    def node_steps(self, unit: _Unit) -> list[_Step]:
        """The queries of a node shape's own constraints (the value node is the focus node)."""
        head = unit.focus("?focus")
        steps: list[_Step] = []
        flagged: list[_Check] = []
        tests: list[str] = []
        for c in unit.shape.constraints:
            if c.cls:
                sparql = (
                    f"SELECT DISTINCT ?focus WHERE {{ {head} "
                    f"MINUS {{ ?focus <{RDF_TYPE}>/<{RDFS_SUBCLASSOF}>* {c.cls} }} }}"
                )
                steps.append(_Step(sparql, ((_Check(unit, c, "row", value="focus"),),)))
                continue
            assert c.kind in ("value", "disjoint")
            if c.fails is not None:
                tests.append(c.fails("?focus"))
            else:
                tests.append(f"EXISTS {{ ?focus {c.predicate} ?focus }}")
            flagged.append(_Check(unit, c, "flag", flag=f"b{len(tests) - 1}"))
        if flagged:
            binds = " ".join(f"BIND(IF({t}, 1, 0) AS ?b{i})" for i, t in enumerate(tests))
            sparql = f"SELECT * WHERE {{ {head} {binds} FILTER({' || '.join(tests)}) }}"
            steps.append(_Step(sparql, (tuple(flagged),)))
        return steps

    def property_steps(self, units: list[_Unit]) -> list[_Step]:
        """The queries of sibling property shapes (same focus nodes), each returning failures
        only, with a UNION branch per constraint so that the focus nodes are found once: an
        anti-join for sh:minCount, a self-join for sh:maxCount 0 or 1, an anti-join for
        sh:class and a filter for the value constraints. Rare counts above 1 are aggregated."""
        head = units[0].focus("?focus")
        steps: list[_Step] = []
        found: dict[str, list[tuple[_Check, str]]] = {
            "min": [],
            "max": [],
            "class": [],
            "value": [],
        }
        for u in units:
            path = u.shape.path
            assert path is not None
            for c in u.shape.constraints:
                if c.kind in ("min", "max") and c.count > 1:
                    op = "<" if c.kind == "min" else ">"
                    sparql = (
                        f"SELECT ?focus WHERE {{ {head} ?focus {path} ?value }} GROUP BY ?focus "
                        f"HAVING (COUNT(DISTINCT ?value) {op} {c.count})"
                    )
                    steps.append(_Step(sparql, ((_Check(u, c, "row"),),)))
                if c.kind == "min":
                    found["min"].append((_Check(u, c, "row"), f"?focus {path} ?value"))
                elif c.kind == "max" and c.count == 0:
                    found["max"].append((_Check(u, c, "row"), f"?focus {path} ?value"))
                elif c.kind == "max" and c.count == 1:
                    pattern = f"?focus {path} ?a . ?focus {path} ?b FILTER(!sameTerm(?a, ?b))"
                    found["max"].append((_Check(u, c, "row"), pattern))
                elif c.cls:
                    found["class"].append((_Check(u, c, "row", value="value"), c.cls))
                elif c.kind == "value":
                    assert c.fails is not None
                    test = c.fails("?value")
                    check = _Check(u, c, "row", value="value")
                    found["value"].append((check, f"?focus {path} ?value FILTER({test})"))
                elif c.kind == "disjoint":
                    pattern = f"?focus {path} ?value . ?focus {c.predicate} ?value"
                    found["value"].append((_Check(u, c, "row", value="value"), pattern))

        def union(patterns: list[str]) -> str:
            return " UNION ".join(f"{{ {p} BIND({k} AS ?k) }}" for k, p in enumerate(patterns))

        def branches(entries: list[tuple[_Check, str]]) -> tuple[tuple[_Check, ...], ...]:
            return tuple((check,) for check, _ in entries)

        if found["min"]:
            keys = " ".join(str(k) for k in range(len(found["min"])))
            sparql = (
                f"SELECT DISTINCT ?focus ?k WHERE {{ {head} VALUES ?k {{ {keys} }} "
                f"MINUS {{ {union([p for _, p in found['min']])} }} }}"
            )
            steps.append(_Step(sparql, branches(found["min"])))
        if found["max"]:
            sparql = f"SELECT DISTINCT ?focus ?k WHERE {{ {head} {union([p for _, p in found['max']])} }}"
            steps.append(_Step(sparql, branches(found["max"])))
        if found["class"]:
            paths = [f"?focus {check.unit.shape.path} ?value" for check, _ in found["class"]]
            instances = [f"?value <{RDF_TYPE}>/<{RDFS_SUBCLASSOF}>* {c}" for _, c in found["class"]]
            sparql = (
                f"SELECT DISTINCT ?focus ?value ?k WHERE {{ {head} {union(paths)} "
                f"MINUS {{ {union(instances)} }} }}"
            )
            steps.append(_Step(sparql, branches(found["class"])))
        if found["value"]:
            sparql = (
                f"SELECT DISTINCT ?focus ?value ?k WHERE {{ {head} "
                f"{union([p for _, p in found['value']])} }}"
            )
            steps.append(_Step(sparql, branches(found["value"])))
        return steps
