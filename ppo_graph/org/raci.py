"""The RACI matrix of the loaded organisation (``ppo raci``): one row per duty and process it is
carried for, one column per person, role or process, each cell the RACI letters that hold there
today.

The rows are the units of coverage (:meth:`ppo_graph.org.today.Today.units`, the rule of ``ppo
org gaps`` and the ``org-duty-without-responsible`` check): a duty listed for a process's own
role is one row (its ``process`` column names the process); a generic duty (the owner's and
manager's, tutorial sections 7.3 and 7.4, one node shared by every process) is one row per
process whose owner or manager role carries it; a duty no process's role carries (the
practitioner's, 7.5) is one row with an empty ``process``. Each cell counts for its row's
process only: a role's R lands on the rows of the processes it owns or manages
(:meth:`~ppo_graph.org.today.Today.held_units`), so the Capacity Manager's column has R on
"Appointing people to the required roles" in the Capacity Management row alone, and the vacant
Demand Manager leaves the Demand Management rows without R; an assigned letter lands on the rows
of the process the duty is listed for and of the process of the role the person holds it under
(:meth:`~ppo_graph.org.today.Today.assigned_units`: an assignment to a post goes to the process
of the post's role; one to a person, under each role they hold). A letter that reaches no
process's row (a generic role's own R, as the shipped graph alone shows it; a letter given
through a role of no process, such as a practitioner's post, for a generic duty carried for
processes) lands on the duty's row with no process, added for it: shown, and counted for no
process, as coverage counts it.

How a cell is computed (the reports ``raci-role-duties``, ``org-assignments`` and
``org-current-members`` in ``queries/reports/``, put together by :mod:`ppo_graph.org.today`;
only current memberships count, the rule of the ``org-*-violation`` checks):

- ``--by person``: R where a role the person holds today carries the duty (listed for it, or
  inherited from the generic role it specialises), plus the letter of every assignment of the
  duty to the person or to a post the person holds today.
- ``--by role``: R where the role carries the duty (this needs no organisation: it is what the
  tutorial says), plus the letter of every assignment to a post of that role or to a person who
  holds the role today.
- ``--by process``: R where the process's owner or manager role carries the duty, plus the letters
  that role's column gets.

A cell lists its letters in R, A, C, I order ("RA": Responsible and Accountable); empty: none.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ppo_graph.dates import iso
from ppo_graph.errors import UsageError
from ppo_graph.namespaces import compact
from ppo_graph.org import RACI_LETTERS
from ppo_graph.org.rdf import rows_of
from ppo_graph.org.today import Today, Unit

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph


class By(enum.StrEnum):
    """The columns of the matrix."""

    PERSON = "person"
    ROLE = "role"
    PROCESS = "process"


#: The duty columns that open every row of the matrix.
ROW_HEAD = ("duty", "section", "position", "process", "text")
TEXT_WIDTH = 60

#: How a cell is computed, per kind of column: shown in the legend of the HTML and XLSX matrix,
#: ``{as_of}`` the date the matrix holds for (:attr:`Matrix.rule`).
CELL_RULES: dict[By, str] = {
    By.PERSON: "R where a role the person holds on {as_of} carries the duty (listed for the role "
    "or inherited from the generic role it specialises); plus the letter of every assignment of "
    "the duty to the person, or to a post the person holds on {as_of}.",
    By.ROLE: "R where the role carries the duty (listed for it or inherited from the generic role "
    "it specialises); plus the letter of every assignment to a post of the role, or to a person "
    "who holds the role on {as_of}.",
    By.PROCESS: "R where the owner or manager role of the process carries the duty; plus the "
    "letters assigned to the people and posts in those roles on {as_of}.",
}
#: What every legend adds to the rule (:attr:`Matrix.note`).
CELL_NOTE = (
    "Only memberships current on {as_of} count (begun on or before it, and not ended before it). "
    "A generic owner or manager duty has a row per process it is carried for, and a cell counts "
    "for its row's process only; a row with no process holds letters given through a role of no "
    "process (counted for none). "
    "A cell lists its letters in R, A, C, I order; an empty cell: no involvement."
)


@dataclass(frozen=True)
class Matrix:
    """Rows of plain strings: the :data:`ROW_HEAD` columns, then one per entry of ``columns``
    (its header), holding the cell's letters."""

    by: By
    columns: list[str]
    rows: list[dict[str, str]]
    legend: list[dict[str, str]]
    #: duty (CURIE) -> its whole text (a row's ``text`` is cut at :data:`TEXT_WIDTH`).
    texts: dict[str, str] = field(default_factory=dict)
    #: duty (CURIE) -> the labels of the processes whose roles carry it ("; " between them).
    processes: dict[str, str] = field(default_factory=dict)
    #: The date the organisation was read as of (YYYY-MM-DD): memberships current then. Every
    #: writer should show it.
    as_of: str = ""

    @property
    def header(self) -> list[str]:
        return [*ROW_HEAD, *self.columns]

    @property
    def rule(self) -> str:
        """How a cell is computed, with the date the matrix holds for."""
        return CELL_RULES[self.by].format(as_of=iso(self.as_of))

    @property
    def note(self) -> str:
        """:data:`CELL_NOTE` with the date the matrix holds for."""
        return CELL_NOTE.format(as_of=iso(self.as_of))


def section_key(section: str, position: str, duty: str = "") -> tuple[Any, ...]:
    """Tutorial order: section 7.6 before 7.10, bullet 2 before 10."""
    numbers = tuple(int(n) for n in re.findall(r"\d+", section))
    return (numbers or (10**6,), int(position) if position.isdigit() else 10**6, duty)


def short_text(text: str, width: int = TEXT_WIDTH) -> str:
    """The first words of a duty's text, cut at a word with "…" when longer than ``width``."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def letters(found: Iterable[str]) -> str:
    """The cell: the letters in R, A, C, I order, each once."""
    present = set(found)
    return "".join(letter for letter in RACI_LETTERS if letter in present)


def _unique(
    labels: Mapping[str, str], keys: Iterable[str], suffix: Mapping[str, str]
) -> dict[str, str]:
    """key -> header; a label two keys share gets the key's ``suffix`` in brackets."""
    ordered = list(keys)
    count: dict[str, int] = defaultdict(int)
    for key in ordered:
        count[labels[key]] += 1
    return {
        key: labels[key] if count[labels[key]] == 1 else f"{labels[key]} ({suffix[key]})"
        for key in ordered
    }


def legend_rows(kg: Graph) -> list[dict[str, str]]:
    """The RACI letters with their labels and definitions, from the graph, in R, A, C, I order."""
    rows = rows_of(kg, "raci-legend")
    order = {letter: i for i, letter in enumerate(RACI_LETTERS)}
    return sorted(rows, key=lambda r: order.get(r["letter"], len(order)))


def _reach(today: Today, role: str, duty: str, *, held: bool) -> set[Unit]:
    """The rows a letter of ``role`` on ``duty`` lands on: the units it reaches by the rule of
    coverage (:meth:`Today.held_units` for the R of a role that carries the duty,
    :meth:`Today.assigned_units` for an assignment), or, when it reaches none, the duty's row
    with no process (a generic role's own R; a letter given through roles of no process for a
    duty carried for processes): shown, never counted for a process."""
    units = today.held_units(role, duty) if held else today.assigned_units(role, duty)
    return units or {(duty, "")}


def build(kg: Graph, by: By | str = By.ROLE, as_of: dt.date | None = None) -> Matrix:
    """The matrix of the engine ``kg`` (the shipped graph plus the organisation loaded), as of
    ``as_of`` (None: :func:`ppo_graph.dates.current`, the local date): one row per unit of
    :meth:`Today.units` (a duty and the process it is carried for), plus a duty's row with no
    process where a letter reaches no unit (:func:`_reach`)."""
    by = By(by)
    today = Today.read(kg, as_of)
    duties = {d["duty"]: d for d in today.duties}
    listed = {d: section_key(r["section"], r["position"], d) for d, r in duties.items()}
    cells: dict[tuple[Unit, str], set[str]] = defaultdict(set)  # (row, column key) -> letters
    labels: dict[str, str] = {}
    first: dict[str, tuple[Any, ...]] = {}  # column key -> where its first listed duty stands
    suffix: dict[str, str] = {}
    reached: dict[tuple[str, str, bool], set[Unit]] = {}  # _reach, once per role and duty

    def reach(role: str, duty: str, held: bool) -> set[Unit]:
        key = (role, duty, held)
        if key not in reached:
            reached[key] = _reach(today, role, duty, held=held)
        return reached[key]

    if by is By.PERSON:
        members = today.members
        if not members:
            raise UsageError(
                f"--by person needs an organisation with people holding roles on {today.as_of}: "
                "load its Turtle (ppo org import people.csv --out org.ttl; ppo raci org.ttl "
                "--by person)"
            )
        held: dict[str, list[Unit]] = {}  # role -> the rows its R lands on
        for m in members:
            labels[m["person"]] = m["name"]
            suffix[m["person"]] = m["person"]
            role = m["role"]
            if role not in held:
                carried = today.carried.get(role, ())
                held[role] = [u for duty in carried for u in reach(role, duty, True)]
            for unit in held[role]:
                cells[(unit, m["person"])].add("R")
        for a in today.assignments:
            for unit in reach(a["role"], a["duty"], False):
                cells[(unit, a["person"])].add(a["letter"])
        keys = sorted(labels)
    else:
        for row in today.role_duties:
            role, process = row["role"], row["process"]
            if by is By.ROLE:
                labels[role], suffix[role] = row["roleLabel"], compact(role)
                for unit in reach(role, row["duty"], True):
                    cells[(unit, role)].add("R")
            elif process:  # the process's column: its own row of the duty
                labels[process], suffix[process] = row["processLabel"], compact(process)
                cells[((row["duty"], process), process)].add("R")
        for duty, d in duties.items():
            role = d["role"]
            key = role if by is By.ROLE else min(today.role_process.get(role) or {""})
            if key in labels:
                first[key] = min(first.get(key, listed[duty]), listed[duty])
        for a in today.assignments:
            if by is By.ROLE:
                targets = [a["role"]]
            else:
                targets = sorted(today.role_process.get(a["role"], ()))
            for key in targets:
                if key in labels:
                    for unit in reach(a["role"], a["duty"], False):
                        cells[(unit, key)].add(a["letter"])
        keys = sorted(labels, key=lambda k: (first.get(k, (10**6,)), labels[k]))

    headers = _unique(labels, keys, suffix)
    by_unit: dict[Unit, dict[str, str]] = defaultdict(dict)  # only the cells that hold letters
    for (unit, key), found in cells.items():
        if key in headers:
            by_unit[unit][headers[key]] = letters(found)
    process_label = {r["process"]: r["processLabel"] for r in today.role_duties if r["process"]}
    rank: dict[str, tuple[Any, ...]] = {}  # process -> where its first listed duty stands
    for duty, procs in today.listed_process.items():
        for p in procs:
            rank[p] = min(rank.get(p, listed[duty]), listed[duty])
    units = {u for u in today.units() | set(by_unit) if u[0] in duties}
    blank = dict.fromkeys((headers[key] for key in keys), "")
    rows = []
    for duty, process in sorted(
        units,
        key=lambda u: (
            listed[u[0]],
            bool(u[1]),
            rank.get(u[1], (10**6,)),
            process_label.get(u[1], u[1]),
        ),
    ):
        d = duties[duty]
        row = {
            "duty": compact(duty),
            "section": d["section"],
            "position": d["position"],
            "process": process_label.get(process, compact(process)) if process else "",
            "text": short_text(d["text"]),
            **blank,
        }
        row.update(by_unit.get((duty, process), {}))
        rows.append(row)
    order = sorted(duties, key=listed.__getitem__)
    carried_for: dict[str, set[str]] = defaultdict(set)  # duty -> labels of its processes
    for r in today.role_duties:
        if r["process"]:
            carried_for[r["duty"]].add(r["processLabel"])
    texts = {compact(d): " ".join(duties[d]["text"].split()) for d in order}
    processes = {compact(d): "; ".join(sorted(carried_for[d])) for d in order}
    return Matrix(
        by, [headers[k] for k in keys], rows, legend_rows(kg), texts, processes, today.as_of
    )
