"""The whole catalogue at once, as ``ppo run`` uses it: every check's rows, every question's
answer as text, on any :class:`~ppo_graph.engine.protocol.Graph` (in-process or in a store)."""

from __future__ import annotations

import textwrap
from typing import IO, TYPE_CHECKING, Any

from ppo_graph.catalogue import Catalogue, QuerySpec, default_catalogue
from ppo_graph.dates import AS_OF_PARAM, read_as_of
from ppo_graph.namespaces import compact
from ppo_graph.report import ValidationReport, Violation
from ppo_graph.tables import Row, format_table, parts

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph


def _rows(graph: Graph, spec: QuerySpec) -> list[Row]:
    return graph.rows(spec)


def run_checks(graph: Graph, catalogue: Catalogue | None = None) -> dict[str, list[Row]]:
    """Every check query's rows (empty lists when the graph passes)."""
    cat = catalogue or default_catalogue()
    return {spec.name: _rows(graph, spec) for spec in cat if spec.kind == "check"}


def _text(term: Any) -> str:
    return parts(term)[1]


#: The organisation checks (queries/checks/org-*-violation.rq): ``ppo validate`` runs them
#: without ``--checks``, as an organisation's shapes; they find nothing when none is loaded.
ORG_CHECK_PREFIX = "org-"


def check_violations(
    graph: Graph, catalogue: Catalogue | None = None, *, organisation_only: bool = False
) -> list[Violation]:
    """Every check's rows (or only the organisation checks') as validation results: the check
    is the "shape" (its file name), the row's focus, property, value and message the result's."""
    cat = catalogue or default_catalogue()
    found: list[Violation] = []
    for spec in cat:
        if spec.kind != "check":
            continue
        if organisation_only and not spec.name.startswith(ORG_CHECK_PREFIX):
            continue
        for row in _rows(graph, spec):
            value = row.get("value")
            found.append(
                Violation(
                    shape=f"queries/checks/{spec.name}.rq",
                    shape_label=spec.title,
                    focus=_text(row["focus"]),
                    path=compact(_text(row["property"])) if row.get("property") else None,
                    value=None if value is None else _text(value),
                    message=_text(row.get("message") or spec.title),
                    severity="Violation",
                )
            )
    return found


def with_checks(
    report: ValidationReport, graph: Graph, *, organisation_only: bool = False
) -> ValidationReport:
    """``report`` (the graph's SHACL validation) with every check's rows added as violations:
    what ``ppo validate --checks`` reports; ``organisation_only``: the organisation checks',
    what ``ppo validate`` adds without ``--checks``."""
    found = check_violations(graph, organisation_only=organisation_only)
    report.violations += found
    report.conforms = report.conforms and not found
    report.checked = (
        "the SHACL shapes and the organisation checks"
        if organisation_only
        else "the SHACL shapes and the checks"
    )
    return report


def answer_all(
    graph: Graph,
    stream: IO[str],
    *,
    limit: int = 5,
    width: int = 80,
    catalogue: Catalogue | None = None,
) -> None:
    """Print every question query's answer (defaults for parameters), ``limit`` rows each, from
    a :class:`~ppo_graph.engine.KnowledgeGraph` or an rdflib Graph."""
    cat = catalogue or default_catalogue()
    for spec in cat:
        if spec.kind != "question":
            continue
        rows = _rows(graph, spec)
        args = "".join(  # the date an organisation question reads as of, not "today"
            f" {p.name}={read_as_of({}) if p.name == AS_OF_PARAM else p.default}"
            for p in spec.params
        )
        heading = f"== {spec.title} ({spec.name}{args})"
        stream.write("\n".join(textwrap.wrap(heading, width, subsequent_indent="   ")) + "\n")
        table = format_table(rows[:limit], spec.columns, width)
        if len(rows) > limit:  # replace the "(N rows)" footer
            table = table.rstrip("\n").rsplit("\n", 1)[0]
            table += f"\n(first {limit} of {len(rows)} rows; all of them: ppo query {spec.name})\n"
        stream.write(table + "\n")
