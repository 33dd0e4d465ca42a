"""The crosswalk pages: an index of the frameworks (``/crosswalk``) and, per framework
(``/crosswalk/itil4``, ``/crosswalk/iso20000``, ``/crosswalk/cobit2019``), the coverage matrix of
the ITIL v3 processes (rows) against the terms their duties map to (columns), each cell the
number of duties, linking to the list of those duties below it; then the terms no duty maps to,
the processes' and roles' own rows, and the rows with the lowest confidence, for a reviewer to
read first. ``ppo crosswalk --format html`` writes the same page as one self-contained file
(:func:`standalone_page`). Every fact comes from :func:`ppo_graph.crosswalk.coverage` (the
reports ``crosswalk-mappings`` and ``crosswalk-terms``); every text is escaped (:func:`h`)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ppo_graph.crosswalk import FRAMEWORKS, KINDS, Coverage, Mapped, Term
from ppo_graph.namespaces import compact, local_name
from ppo_graph.serve.workbench.markup import Child, Markup, h, page, render

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

#: How many of the lowest-confidence rows the page lists.
LOWEST = 15


def cell_id(group: str, target: str) -> str:
    """The anchor of a cell's list of duties."""
    return f"cell-{local_name(group)}-{local_name(target)}"


def index_page(counts: dict[str, dict[str, int]]) -> str:
    """``/crosswalk``: one line per framework, with how many rows it has of each kind."""
    rows = [
        h(
            "tr",
            None,
            h("td", None, h("a", {"href": f"/crosswalk/{name}"}, fw.title)),
            [h("td", {"class": "count"}, counts.get(name, {}).get(k, 0)) for k in KINDS],
        )
        for name, fw in FRAMEWORKS.items()
    ]
    body = [
        h("h1", None, "Crosswalk"),
        h(
            "p",
            None,
            "The ITIL v3 PPO duties, roles and processes mapped to ITIL 4, ISO/IEC 20000-1:2018 "
            "and COBIT 2019 (SSSOM tables in data/crosswalk/). Each page is a coverage matrix: "
            "the processes against the terms their duties map to, each cell linking to its "
            "duties.",
        ),
        _table("frameworks", ("framework", *(f"{k} rows" for k in KINDS)), rows),
    ]
    return page("Crosswalk", body, active="/crosswalk")


def crosswalk_body(cov: Coverage, *, links: bool = True) -> list[Child]:
    """The page's content; ``links``: link role and process names to their workbench pages."""
    fw = cov.framework
    duties = cov.of_kind("duty")
    mapped = len({r.subject for r in duties})
    return [
        h("h1", None, f"Crosswalk to {fw.title}"),
        h(
            "p",
            {"id": "summary"},
            f"{mapped} duties in {len(duties)} rows, {len(cov.of_kind('role'))} role rows and "
            f"{len(cov.of_kind('process'))} process rows; {len(cov.columns)} of "
            f"{len(cov.terms)} {fw.terms} have a duty. A cell counts the duties of the process "
            "(or generic role) that map to the term; it links to them below.",
        ),
        h("h2", None, "Coverage matrix"),
        _matrix(cov),
        h("h2", None, f"{fw.title.split(':')[0]} {fw.terms} no duty maps to"),
        _untouched(cov.untouched()),
        h("h2", None, "Rows with the lowest confidence"),
        h("p", None, "For a reviewer to read first."),
        _rows_table("lowest", cov.lowest_confidence(LOWEST), subject=True),
        h("h2", None, "The roles' and processes' own rows"),
        _rows_table(
            "own-rows",
            sorted(
                (r for r in cov.rows if r.kind != "duty"),
                key=lambda r: (r.kind, r.subject_label, r.target_name),
            ),
            subject=True,
            links=links,
        ),
        h("h2", None, "The duties of each cell"),
        [
            _cell_section(cov, group, label, term)
            for group, label in cov.groups
            for term in cov.columns
            if cov.count(group, term.iri)
        ],
    ]


def _matrix(cov: Coverage) -> Markup:
    columns = cov.columns
    head = h(
        "tr",
        None,
        h("th", None, "process"),
        [h("th", {"scope": "col", "title": t.name}, t.notation or t.label) for t in columns],
        h("th", None, "duties"),
    )
    body = []
    for group, label in cov.groups:
        cells: list[Child] = [h("th", {"scope": "row"}, label)]
        for term in columns:
            count = cov.count(group, term.iri)
            own = [r.match for r in cov.own_rows(group) if r.target == term.iri]
            title = f"{label} × {term.name}" + (
                f"; the process's own row: {', '.join(own)}" if own else ""
            )
            classes = " ".join(
                x for x in ("cell", "own" if own else "", "empty" if not count else "") if x
            )
            content: Child = (
                h("a", {"href": f"#{cell_id(group, term.iri)}"}, count) if count else ""
            )
            cells.append(h("td", {"class": classes, "title": title, "data-count": count}, content))
        total = len({r.subject for r in cov.of_kind("duty") if r.group == group})
        cells.append(h("td", {"class": "count"}, total))
        body.append(h("tr", None, cells))
    return h(
        "table",
        {"class": "data matrix", "id": "matrix"},
        h("thead", None, head),
        h("tbody", None, body),
    )


def _untouched(terms: list[Term]) -> Child:
    if not terms:
        return h("p", {"id": "untouched"}, "None: a duty maps to every one.")
    return h("ul", {"id": "untouched"}, [h("li", None, t.name, _group(t)) for t in terms])


def _group(term: Term) -> Child:
    return (
        h("span", {"class": "muted"}, f" ({term.group})")
        if term.group and term.group != term.notation
        else None
    )


def _cell_section(cov: Coverage, group: str, label: str, term: Term) -> Markup:
    rows = cov.cell(group, term.iri)
    return h(
        "section",
        {"id": cell_id(group, term.iri), "class": "cell"},
        h("h3", None, f"{label} → {term.name}"),
        _rows_table(None, rows, subject=False),
    )


def _rows_table(
    table_id: str | None, rows: list[Mapped], *, subject: bool, links: bool = False
) -> Child:
    if not rows:
        return h("p", None, "None.")
    columns = (
        *(("subject",) if subject else ("duty",)),
        "match",
        "target",
        "confidence",
        "comment",
    )
    body = [
        h(
            "tr",
            None,
            h("td", None, _subject(row, links) if subject else _duty(row)),
            h("td", None, row.match),
            h("td", None, row.target_name),
            h("td", {"class": "count"}, row.confidence),
            h("td", None, row.comment),
        )
        for row in rows
    ]
    return _table(table_id, columns, body)


def _duty(row: Mapped) -> Child:
    return [h("span", {"class": "iri"}, compact(row.subject)), " ", row.text]


def _subject(row: Mapped, links: bool) -> Child:
    if row.kind == "duty":
        return _duty(row)
    if links and row.kind == "role":
        return h("a", {"href": f"/roles/{local_name(row.subject)}"}, row.subject_label)
    return row.subject_label or compact(row.subject)


def _table(table_id: str | None, columns: tuple[str, ...], rows: list[Markup]) -> Markup:
    head = h("tr", None, [h("th", None, c) for c in columns])
    return h(
        "table", {"class": "data", "id": table_id}, h("thead", None, head), h("tbody", None, rows)
    )


def crosswalk_page(cov: Coverage) -> str:
    """The workbench's page of one framework."""
    return page(f"Crosswalk to {cov.framework.title}", crosswalk_body(cov), active="/crosswalk")


_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
thead th { background: #f4f4f4; }
td.cell { text-align: center; min-width: 2em; }
td.cell.own { font-weight: bold; background: #e8f1fb; }
td.count { text-align: right; }
.iri { font-family: monospace; color: #52606d; }
.muted { color: #52606d; }
"""


def standalone_page(cov: Coverage) -> str:
    """The page as one self-contained file (``ppo crosswalk --format html``): no script, no
    asset, a Content-Security-Policy that forbids any request, and no link off the page."""
    title = f"Crosswalk to {cov.framework.title}"
    body = render(crosswalk_body(cov, links=False))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>\n"
    )


def counts(graph: Graph) -> dict[str, dict[str, int]]:
    """framework -> kind -> how many rows (for the index)."""
    from ppo_graph.crosswalk import coverage

    return {name: {k: len(coverage(graph, name).of_kind(k)) for k in KINDS} for name in FRAMEWORKS}
