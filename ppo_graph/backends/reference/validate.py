"""The reference validator: SHACL with pySHACL, with a report grouped by shape and focus node (the
engine's fallback, and the oracle of :mod:`ppo_graph.backends.fast.shacl`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ppo_graph.backends.reference.load import parse_into
from ppo_graph.backends.reference.namespaces import bind_prefixes
from ppo_graph.namespaces import compact, local_name
from ppo_graph.paths import shapes_file
from ppo_graph.report import ValidationReport, Violation, format_json, format_text

__all__ = ["ValidationReport", "Violation", "format_json", "format_text", "load_shapes", "validate"]


def load_shapes(extra: Iterable[Path] = ()) -> Graph:
    shapes = Graph()
    bind_prefixes(shapes)
    for path in (shapes_file(), *extra):
        parse_into(shapes, path)
    return shapes


def _owning_node_shape(shapes: Graph, shape: Node) -> Node:
    if (shape, RDF.type, SH.NodeShape) in shapes:
        return shape
    for owner in shapes.subjects(SH.property, shape):
        return owner
    for owner in shapes.subjects(SH.sparql, shape):
        return owner
    return shape


def validate(data: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Validate ``data`` (normally the reasoned union) against the shipped shapes."""
    import pyshacl  # heavy: imported only when validation runs

    shapes = shapes if shapes is not None else load_shapes()
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
    )
    bind_prefixes(report)
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(result, SH.sourceShape)
        node_shape = _owning_node_shape(shapes, source) if source is not None else None
        label = shapes.value(node_shape, RDFS.label) if node_shape is not None else None
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        severity = report.value(result, SH.resultSeverity)
        violations.append(
            Violation(
                shape=str(node_shape) if node_shape is not None else "",
                shape_label=str(label) if label else str(node_shape),
                focus=str(report.value(result, SH.focusNode)),
                path=_path_label(report, shapes, source, path),
                value=str(value) if value is not None else None,
                message=str(report.value(result, SH.resultMessage) or ""),
                severity=local_name(severity) if severity else "Violation",
            )
        )
    return ValidationReport(bool(conforms), violations, report, triples=len(data))


def _path_label(report: Graph, shapes: Graph, source: Node | None, path: Node | None) -> str | None:
    """A CURIE for a simple path; the property shape's sh:name for a complex one."""
    if isinstance(path, URIRef):
        return compact(str(path))
    if source is not None:
        name = shapes.value(source, SH.name)
        if name is not None:
            return str(name)
    return None


def format_turtle(report: ValidationReport) -> str:
    """The SHACL report graph; OWL RL inconsistencies (outside SHACL) lead as comments."""
    header = "".join(
        f"# OWL RL inconsistency (the graph does not conform): {' '.join(m.split())}\n"
        for m in report.inconsistencies
    )
    return header + str(report.report_graph.serialize(format="turtle"))
