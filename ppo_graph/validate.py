"""Step 3a: SHACL validation (pyshacl is the reference engine), with a report grouped by shape
and focus node."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from .load import parse_into
from .namespaces import bind_prefixes
from .paths import shapes_file


@dataclass(frozen=True)
class Violation:
    shape: str  # IRI of the node shape
    shape_label: str
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation]
    report_graph: Graph
    inconsistencies: list[str] = field(default_factory=list)
    triples: int = 0

    @property
    def ok(self) -> bool:
        return self.conforms and not self.inconsistencies

    def by_shape(self) -> dict[tuple[str, str], dict[str, list[Violation]]]:
        grouped: dict[tuple[str, str], dict[str, list[Violation]]] = {}
        for v in sorted(self.violations, key=lambda v: (v.shape_label, v.focus, v.message)):
            grouped.setdefault((v.shape, v.shape_label), {}).setdefault(v.focus, []).append(v)
        return grouped


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
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            )
        )
    return ValidationReport(bool(conforms), violations, report, triples=len(data))


def _path_label(report: Graph, shapes: Graph, source: Node | None, path: Node | None) -> str | None:
    """A CURIE for a simple path; the property shape's sh:name for a complex one."""
    if isinstance(path, URIRef):
        return short(str(path), report)
    if source is not None:
        name = shapes.value(source, SH.name)
        if name is not None:
            return str(name)
    return None


def short(iri: str, graph: Graph | None = None) -> str:
    """A CURIE for ``iri`` using the project's prefixes, or the IRI itself."""
    graph = graph if graph is not None else bind_prefixes(Graph())
    for prefix, ns in graph.namespaces():
        if prefix and iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)) :]}"
    return iri


def format_text(report: ValidationReport) -> str:
    lines: list[str] = []
    for message in report.inconsistencies:
        lines.append(f"OWL RL inconsistency: {message}")
    if report.ok:
        lines.append(f"Conforms: {report.triples:,} triples checked against the SHACL shapes.")
        return "\n".join(lines) + "\n"
    grouped = report.by_shape()
    nodes = sum(len(focus) for focus in grouped.values())
    if not report.violations:
        lines.append(
            f"Does not conform: the OWL RL closure has {len(report.inconsistencies)} "
            "inconsistency(ies); the SHACL shapes found nothing."
        )
        return "\n".join(lines) + "\n"
    lines.append(
        f"Does not conform: {len(report.violations)} result(s) on {nodes} node(s) "
        f"in {len(grouped)} shape(s)."
    )
    for (shape, label), focus_nodes in grouped.items():
        lines.append("")
        lines.append(f"{label} ({short(shape)}): {len(focus_nodes)} node(s)")
        for focus, results in focus_nodes.items():
            lines.append(f"  {short(focus)}")
            for v in results:
                where = f"{v.path}: " if v.path else ""
                value = f" [value: {short(v.value)}]" if v.value and v.value != v.focus else ""
                lines.append(f"    - {v.severity}: {where}{v.message}{value}")
    return "\n".join(lines) + "\n"


def format_json(report: ValidationReport) -> str:
    payload = {
        "conforms": report.ok,
        "triples": report.triples,
        "inconsistencies": report.inconsistencies,
        "violations": [asdict(v) for v in report.violations],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def format_turtle(report: ValidationReport) -> str:
    """The SHACL report graph; OWL RL inconsistencies (outside SHACL) lead as comments."""
    header = "".join(
        f"# OWL RL inconsistency (the graph does not conform): {' '.join(m.split())}\n"
        for m in report.inconsistencies
    )
    return header + report.report_graph.serialize(format="turtle")
