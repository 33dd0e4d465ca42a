"""The compiler: a shapes graph read, its constraints compiled by family, its queries planned."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.cardinality import _Cardinality
from ppo_graph.backends.fast.shacl.checker import CompiledShapes
from ppo_graph.backends.fast.shacl.logical import _Logical
from ppo_graph.backends.fast.shacl.model import Unsupported, _Step, _Unit
from ppo_graph.backends.fast.shacl.planning import _Planning
from ppo_graph.backends.fast.shacl.property_pair import _PropertyPair
from ppo_graph.backends.fast.shacl.reading import _Reading
from ppo_graph.backends.fast.shacl.string_based import _StringBased
from ppo_graph.backends.fast.shacl.terms import RDF_TYPE, _sh
from ppo_graph.backends.fast.shacl.value_range import _ValueRange
from ppo_graph.backends.fast.shacl.value_type import _ValueType


class _Compiler(
    _Reading,
    _Cardinality,
    _ValueType,
    _StringBased,
    _ValueRange,
    _PropertyPair,
    _Logical,
    _Planning,
):
    """Reads the shapes (:class:`_Reading`), compiles each constraint parameter with the reader
    of its family (``c_<name>``), and plans the queries (:class:`_Planning`)."""

    def compile(self) -> CompiledShapes:
        self.discover()
        for shape in self.shapes.values():
            self.read_constraints(shape)
        for pred in ("and", "or", "xone", "not", "property"):
            for s, _ in self.g.subject_objects(_sh(pred)):
                if s not in self.shapes:
                    raise Unsupported(f"sh:{pred} on {self.show(s)}, which is not a shape")
        for property_group in self.g.subjects(RDF_TYPE, ox.NamedNode(_sh("PropertyGroup"))):
            self.g.objects(property_group, RDF_TYPE)  # sh:group's values: presentation only
            self.g.objects(property_group, _sh("order"))
        units: list[_Unit] = []
        for shape in self.shapes.values():
            if not shape.targets:
                continue

            def top(out: str, targets: list[Callable[[str], str]] = shape.targets) -> str:
                union = " UNION ".join(t(out) for t in targets)
                return f"{{ SELECT DISTINCT {out} WHERE {{ {union} }} }}"

            units += self.units(shape, top, (shape,))
        steps: list[_Step] = []
        siblings: dict[int, list[_Unit]] = {}
        for unit in units:
            if unit.shape.path is None:
                steps += self.node_steps(unit)
            else:
                siblings.setdefault(id(unit.focus), []).append(unit)
        for group in siblings.values():
            steps += self.property_steps(group)
        unused = [t for t in self.g.relevant if t not in self.g.used]
        if unused:
            s, p, o = unused[0]
            raise Unsupported(
                f"{self.show(s)} {self.show(ox.NamedNode(p))} {self.show(o)}: "
                "not supported by the fast path"
            )
        return CompiledShapes(steps, self.functions)


def compile_shapes(
    shapes: ox.Store, *, prefixes: Mapping[str, str] | None = None
) -> CompiledShapes:
    """Compile the shapes graph in the default graph of ``shapes``.

    ``prefixes``: prefixes bound in the shapes graph pySHACL would see beyond rdflib's and the
    project's (those declared in the parsed shapes files); they only matter for default messages.
    Raises :class:`Unsupported` naming the construct the fast path does not implement.
    """
    return _Compiler(shapes, prefixes).compile()
