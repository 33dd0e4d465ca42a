"""The validation page: what ``ppo validate --checks`` reports on the loaded graph (the SHACL
shapes, the OWL RL inconsistencies and the catalogue's checks), grouped by shape or check and
focus node, as HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ppo_graph.report import ValidationReport
from ppo_graph.serve.workbench.markup import Child, h, page

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph


def validation_report(graph: Graph) -> ValidationReport:
    """The report ``ppo validate --checks`` prints, for the loaded graph."""
    from ppo_graph.engine import jobs

    return jobs.validate(graph, checks="all")


def validation_page(report: ValidationReport) -> str:
    grouped = report.by_shape()
    nodes = sum(len(focus) for focus in grouped.values())
    if report.ok:
        verdict = f"Conforms: {report.triples:,} triples checked against {report.checked}."
    else:
        verdict = (
            f"Does not conform: {len(report.violations)} result(s) on {nodes} node(s) in "
            f"{len(grouped)} shape(s) or check(s); {len(report.inconsistencies)} OWL RL "
            "inconsistency(ies)."
        )
    body: list[Child] = [
        h("h1", None, "Validation"),
        h(
            "p",
            {"id": "verdict", "class": "ok" if report.ok else "failed"},
            verdict,
        ),
        h(
            "p",
            {"class": "hint"},
            f"SHACL ({report.engine}) with the shipped shapes, then every check in "
            "queries/checks/: what ppo validate --checks reports.",
        ),
    ]
    if report.inconsistencies:
        body += [
            h("h2", None, "OWL RL inconsistencies"),
            h("ul", None, [h("li", None, message) for message in report.inconsistencies]),
        ]
    for (shape, label), by_focus in grouped.items():
        body.append(
            h(
                "section",
                {"class": "shape"},
                h("h2", None, label, " ", h("span", {"class": "iri"}, f"({shape})")),
                h(
                    "dl",
                    None,
                    [
                        [
                            h("dt", {"class": "iri"}, focus),
                            [
                                h(
                                    "dd",
                                    None,
                                    f"{v.severity}: ",
                                    f"{v.path}: " if v.path else "",
                                    v.message,
                                    f" (value: {v.value})" if v.value else "",
                                )
                                for v in results
                            ],
                        ]
                        for focus, results in by_focus.items()
                    ],
                ),
            )
        )
    return page("Validation", body, active="/validation")
