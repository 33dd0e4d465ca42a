"""The result of validation, shared by the reference (pySHACL) and the fast path; no RDF library
is imported here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ppo_graph.namespaces import compact
from ppo_graph.tables import json_text


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, as people read it."""

    shape: str  # IRI of the node shape the result belongs to
    shape_label: str
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str

    def key(self) -> tuple[str, str | None, str, str]:
        """(focus, path, shape, message): what two engines must agree on."""
        return (self.focus, self.path, self.shape, self.message)


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation]
    report_graph: Any = None  # the SHACL report as an rdflib Graph, when pySHACL made it
    inconsistencies: list[str] = field(default_factory=list)
    triples: int = 0
    engine: str = "pyshacl"
    checked: str = "the SHACL shapes"  # what the verdict covers, for the text report

    @property
    def ok(self) -> bool:
        return self.conforms and not self.inconsistencies

    def by_shape(self) -> dict[tuple[str, str], dict[str, list[Violation]]]:
        grouped: dict[tuple[str, str], dict[str, list[Violation]]] = {}
        for v in sorted(self.violations, key=lambda v: (v.shape_label, v.focus, v.message)):
            grouped.setdefault((v.shape, v.shape_label), {}).setdefault(v.focus, []).append(v)
        return grouped


def format_text(report: ValidationReport) -> str:
    lines: list[str] = []
    for message in report.inconsistencies:
        lines.append(f"OWL RL inconsistency: {message}")
    if report.ok:
        lines.append(f"Conforms: {report.triples:,} triples checked against {report.checked}.")
        return "\n".join(lines) + "\n"
    grouped = report.by_shape()
    nodes = sum(len(focus) for focus in grouped.values())
    if not report.violations:
        lines.append(
            f"Does not conform: the OWL RL closure has {len(report.inconsistencies)} "
            f"inconsistency(ies); {report.checked} found nothing."
        )
        return "\n".join(lines) + "\n"
    lines.append(
        f"Does not conform: {len(report.violations)} result(s) on {nodes} node(s) "
        f"in {len(grouped)} shape(s)."
    )
    for (shape, label), focus_nodes in grouped.items():
        lines.append("")
        lines.append(f"{label} ({compact(shape)}): {len(focus_nodes)} node(s)")
        for focus, results in focus_nodes.items():
            lines.append(f"  {compact(focus)}")
            for v in results:
                where = f"{v.path}: " if v.path else ""
                value = f" [value: {compact(v.value)}]" if v.value and v.value != v.focus else ""
                lines.append(f"    - {v.severity}: {where}{v.message}{value}")
    return "\n".join(lines) + "\n"


def format_json(report: ValidationReport) -> str:
    payload = {
        "conforms": report.ok,
        "triples": report.triples,
        "inconsistencies": report.inconsistencies,
        "violations": [asdict(v) for v in report.violations],
    }
    return json_text(payload)
