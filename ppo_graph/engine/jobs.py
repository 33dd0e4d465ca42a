"""The jobs every front end asks of the engine, each in one place: validation as ``ppo validate``
reports it (the command, the workbench's page and ``ppo run`` call this one function).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph, ValidatorName
    from ppo_graph.report import ValidationReport

#: Which of the catalogue's checks join the SHACL report: every one (``--checks``), the
#: organisation's only (what ``ppo validate`` adds by default), or none (the SHACL report alone,
#: as the SHACL report graph of ``--format turtle`` holds it).
Checks = Literal["all", "organisation", "none"]


def shapes_for(
    graph: Graph, shapes: Sequence[Path | str] = (), note: Callable[[str], None] | None = None
) -> list[Path]:
    """The shapes given plus those the user's data files declare (each named to ``note``, since
    such shapes also check the data they came with)."""
    chosen = [Path(p) for p in shapes]
    for path in graph.shapes_in_data:
        if path not in chosen:
            if note is not None:
                note(
                    f"{path} declares SHACL shapes; they are used as shapes too (give shapes with "
                    "--shapes to keep them out of the data)"
                )
            chosen.append(path)
    return chosen


def validate(
    graph: Graph,
    shapes: Sequence[Path | str] = (),
    *,
    checks: Checks = "organisation",
    engine: ValidatorName = "auto",
    note: Callable[[str], None] | None = None,
) -> ValidationReport:
    """The graph checked against the shipped SHACL shapes, ``shapes`` and the shapes the data
    declares, with its OWL RL inconsistencies and the ``checks`` rows as violations."""
    from ppo_graph.engine.answers import with_checks

    report = graph.validate(shapes_for(graph, shapes, note), engine=engine)
    if checks == "none":
        return report
    return with_checks(report, graph, organisation_only=checks == "organisation")
