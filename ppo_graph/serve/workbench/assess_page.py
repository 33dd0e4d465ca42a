"""The self-assessment page (``/assess``): the form of ``ppo assess form`` to fill in the
browser, offline. Each statement has its duties, section and verbatim text, a 0-5 choice (blank:
not assessed), evidence and comment; ``static/assess.js`` (served by this server, nothing from
elsewhere) scores the ratings as they are chosen, by the rules of :mod:`ppo_graph.assess.score`
(each statement once per process and theme and overall, each duty once for its role), and
downloads the answers as the CSV ``ppo assess score`` reads.

``?process=NAME`` and ``?role=NAME`` (repeatable) choose the duties, as ``--processes`` and
``--roles`` do; without either, every duty."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ppo_graph.assess.model import GENERIC_GROUP, Catalogue, Statement, chosen_nodes, load
from ppo_graph.serve.workbench.markup import Child, h, page

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

#: The columns of the scale's table.
SCALE_COLUMNS = ("rating", "level", "meaning")
#: Joins the several values of one data attribute (a pair's roles, a statement's themes).
SEPARATOR = "|"


@dataclass(frozen=True)
class AssessRequest:
    """What the page's form asks for: ``?process=NAME&role=NAME`` (each repeatable)."""

    processes: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


def assess_data(graph: Graph, asked: AssessRequest) -> tuple[Catalogue, list[Statement]]:
    """The catalogue and the chosen statements; a UsageError for a name that names nothing."""
    from ppo_graph.errors import UsageError

    catalogue = load(graph)
    statements = catalogue.statements(chosen_nodes(graph, asked.roles, asked.processes))
    if not statements:
        raise UsageError("no duty of the roles and processes given: nothing to rate")
    return catalogue, statements


def _chooser(catalogue: Catalogue, asked: AssessRequest) -> Child:
    processes = sorted({d.process_label for d in catalogue.duties.values() if d.process_label})
    roles = list(dict.fromkeys(d.role_label for d in catalogue.duties.values()))
    chosen = {*asked.processes, *asked.roles}
    return h(
        "form",
        {"id": "choose", "method": "get", "action": "/assess"},
        h(
            "fieldset",
            None,
            h("legend", None, "Processes (their owner's and manager's duties)"),
            [
                h(
                    "label",
                    {"class": "choice"},
                    h(
                        "input",
                        {
                            "type": "checkbox",
                            "name": "process",
                            "value": name,
                            "checked": name in chosen,
                        },
                    ),
                    f" {name}",
                )
                for name in processes
            ],
        ),
        h(
            "fieldset",
            None,
            h("legend", None, "Roles"),
            [
                h(
                    "label",
                    {"class": "choice"},
                    h(
                        "input",
                        {
                            "type": "checkbox",
                            "name": "role",
                            "value": name,
                            "checked": name in chosen,
                        },
                    ),
                    f" {name}",
                )
                for name in roles
            ],
        ),
        h("button", {"type": "submit"}, "Show these duties"),
        " ",
        h("a", {"href": "/assess"}, "every duty"),
    )


def _rating(index: int) -> Child:
    choices: list[Child] = [
        h(
            "label",
            {"class": "level", "title": "not assessed"},
            h("input", {"type": "radio", "name": f"rating-{index}", "value": "", "checked": True}),
            " –",
        )
    ]
    choices += [
        h(
            "label",
            {"class": "level"},
            h("input", {"type": "radio", "name": f"rating-{index}", "value": str(level)}),
            f" {level}",
        )
        for level in range(6)
    ]
    return h("td", {"class": "rating"}, choices)


def _row(index: int, item: Statement) -> Child:
    duties = item.duties
    themes = sorted({label for d in duties for _, label in d.themes})
    return h(
        "tr",
        {
            "class": "statement",
            "data-duties": "\n".join(d.duty_id for d in duties),
            "data-process": item.process_label or GENERIC_GROUP,
            "data-process-cell": item.process_label,
            "data-roles": SEPARATOR.join(d.role_label for d in duties),
            "data-sections": "\n".join(d.section for d in duties),
            "data-verbatim": "\n".join(d.text for d in duties),
            "data-themes": SEPARATOR.join(themes),
        },
        h("td", {"class": "duty"}, [[h("code", None, d.duty_id), h("br")] for d in duties]),
        h("td", {"class": "section"}, " ".join(d.section for d in duties)),
        h(
            "td",
            {"class": "text"},
            h("span", {"class": "said"}, item.text),
            h(
                "details",
                None,
                h("summary", None, "verbatim"),
                [h("p", {"class": "verbatim"}, f"{d.section}: {d.text}") for d in duties],
            ),
        ),
        _rating(index),
        h(
            "td",
            {"class": "notes"},
            h("input", {"type": "text", "class": "evidence", "placeholder": "evidence"}),
            h("input", {"type": "text", "class": "comment", "placeholder": "comment"}),
        ),
    )


def _scale(catalogue: Catalogue) -> Child:
    scale = catalogue.scale
    return h(
        "details",
        {"id": "scale-box"},
        h("summary", None, "The scale: 0 not performed ... 5 optimised"),
        h(
            "table",
            {"id": "scale"},
            h("thead", None, h("tr", None, [h("th", None, c) for c in SCALE_COLUMNS])),
            h(
                "tbody",
                None,
                [
                    h(
                        "tr",
                        None,
                        h("td", None, level.level),
                        h("td", None, level.label),
                        h("td", None, level.definition),
                    )
                    for level in scale.levels
                ],
            ),
        ),
        h("p", {"class": "hint"}, scale.note),
    )


def assess_page(catalogue: Catalogue, statements: Sequence[Statement], asked: AssessRequest) -> str:
    body: list[Child] = [
        h("h1", None, "Self-assessment"),
        h(
            "p",
            {"class": "hint"},
            f"{len(statements)} statements, one per duty (a duty the manager's list restates "
            "from the owner's is one statement with it), each derived from the duty's verbatim "
            "text. Rate how far your organisation carries each, 0 to 5; the scores follow as "
            "you rate, computed in this page. Download the answers for ppo assess score, which "
            "writes the report, the chart and the RDF.",
        ),
        _chooser(catalogue, asked),
        _scale(catalogue),
        h(
            "section",
            {"id": "scores"},
            h("h2", None, "Scores"),
            h("p", {"id": "overall"}),
            h("div", {"id": "score-tables"}),
            h(
                "p",
                {"class": "toolbar"},
                h("button", {"type": "button", "id": "download-csv"}, "Download the answers (CSV)"),
            ),
        ),
        h(
            "table",
            {"id": "statements", "class": "data"},
            h(
                "thead",
                None,
                h(
                    "tr",
                    None,
                    h("th", None, "duty"),
                    h("th", None, "section"),
                    h("th", None, "statement"),
                    h("th", None, "rating (– not assessed)"),
                    h("th", None, "evidence, comment"),
                ),
            ),
            h("tbody", None, [_row(i, s) for i, s in enumerate(statements)]),
        ),
    ]
    return page(
        "Self-assessment",
        body,
        active="/assess",
        scripts=["/assets/assess.js"],
        styles=["/assets/assess.css"],
    )
