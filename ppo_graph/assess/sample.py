"""The sample self-assessment ``ppo run`` writes for the example organisation: a form for the
processes whose roles someone in it holds, filled with made-up ratings (:func:`model.sample`,
seed :data:`SEED`), then scored as ``ppo assess score`` scores a filled form: the answers, the
report, the chart and the answers as RDF, in one folder. ``examples/assess/answers.csv`` is the
same answers file (``ppo assess form --processes ... --sample 22``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ppo_graph.assess.model import FORM_COLUMNS, Catalogue, form_rows, load

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

#: The seed of the sample's made-up ratings.
SEED = 22
#: The files of the sample, in its folder.
ANSWERS, REPORT, CHART, TURTLE = "answers.csv", "report.html", "chart.svg", "assessment.ttl"


def held_processes(graph: Graph, catalogue: Catalogue, day: dt.date) -> list[str]:
    """The processes (IRIs) whose owner or manager role someone in the loaded organisation holds
    on ``day``, in the order of their first duty."""
    from ppo_graph.dates import params

    held = {row["role"] for row in graph.rows("org-current-members", params(day), text=True)}
    return list(
        dict.fromkeys(d.process for d in catalogue.duties.values() if d.process and d.role in held)
    )


def answers_csv(catalogue: Catalogue, processes: list[str], seed: int = SEED) -> str:
    """The sample answers file: the form of ``processes`` filled by :func:`model.sample`."""
    from ppo_graph.tables import format_csv

    rows = form_rows(catalogue.statements(processes), catalogue.scale, seed=seed)
    return format_csv(rows, FORM_COLUMNS)


def write_sample(graph: Graph, folder: Path, day: dt.date) -> tuple[Path, str]:
    """Write the sample into ``folder`` (made if missing); the folder and what it holds."""
    from ppo_graph.assess import chart, rdf
    from ppo_graph.assess.answers import read_answers
    from ppo_graph.assess.report import report_html
    from ppo_graph.assess.score import compute, mean_text
    from ppo_graph.output import atomic_write

    catalogue = load(graph)
    processes = held_processes(graph, catalogue, day)
    folder.mkdir(parents=True, exist_ok=True)
    answers_path = atomic_write(folder / ANSWERS, answers_csv(catalogue, processes))
    answers, _ = read_answers(answers_path, catalogue)
    scores = compute(answers, catalogue)
    date = day.isoformat()
    atomic_write(folder / REPORT, report_html(scores, catalogue, date=date, source=ANSWERS))
    atomic_write(folder / CHART, chart.svg(scores, f"Self-assessment of {date}"))
    atomic_write(folder / TURTLE, rdf.to_turtle(answers, date=date, source=ANSWERS))
    overall = scores.overall
    what = (
        f"a sample self-assessment of examples/org's {len(processes)} processes "
        f"(made-up ratings, mean {mean_text(overall)}): answers, report, chart, RDF"
    )
    return folder, what
