"""The RACI matrix of the loaded organisation (``ppo raci``): one row per duty, one column per
person, role or process, each cell the RACI letters that hold there today.

How a cell is computed (the reports ``raci-role-duties``, ``org-current-assignments`` and
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
from ppo_graph.org.today import Today

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph


class By(enum.StrEnum):
    """The columns of the matrix."""

    PERSON = "person"
    ROLE = "role"
    PROCESS = "process"


#: The duty columns that open every row of the matrix.
ROW_HEAD = ("duty", "section", "position", "text")
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


def build(kg: Graph, by: By | str = By.ROLE, as_of: dt.date | None = None) -> Matrix:
    """The matrix of the engine ``kg`` (the shipped graph plus the organisation loaded), as of
    ``as_of`` (None: :func:`ppo_graph.dates.current`, the local date)."""
    by = By(by)
    duties = rows_of(kg, "graph-duties")
    order = sorted(duties, key=lambda d: section_key(d["section"], d["position"], d["duty"]))
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)  # (duty, column key) -> letters
    labels: dict[str, str] = {}
    first: dict[str, tuple[Any, ...]] = {}  # column key -> where its first listed duty stands
    listed = {d["duty"]: section_key(d["section"], d["position"], d["duty"]) for d in duties}
    suffix: dict[str, str] = {}

    today = Today.read(kg, as_of)
    if by is By.PERSON:
        members = today.members
        if not members:
            raise UsageError(
                f"--by person needs an organisation with people holding roles on {today.as_of}: "
                "load its Turtle (ppo org import people.csv --out org.ttl; ppo raci org.ttl "
                "--by person)"
            )
        for m in members:
            labels[m["person"]] = m["name"]
            suffix[m["person"]] = m["person"]
        keys = sorted(labels)
        for person, _role, duty, letter in today.letters():
            cells[(duty, person)].add(letter)
    else:
        carried = today.role_duties
        role_process: dict[str, set[str]] = defaultdict(set)
        for row in carried:
            key = row["role"] if by is By.ROLE else row["process"]
            if not key:
                continue
            labels[key] = row["roleLabel"] if by is By.ROLE else row["processLabel"]
            suffix[key] = compact(key)
            cells[(row["duty"], key)].add("R")
            if row["process"]:
                role_process[row["role"]].add(row["process"])
        for d in duties:
            key = d["role"] if by is By.ROLE else next(iter(sorted(role_process[d["role"]])), "")
            if key in labels:
                first[key] = min(first.get(key, listed[d["duty"]]), listed[d["duty"]])
        for row in today.assignments:
            targets = [row["role"]] if by is By.ROLE else sorted(role_process[row["role"]])
            for key in targets:
                if key in labels:
                    cells[(row["duty"], key)].add(row["letter"])
        keys = sorted(labels, key=lambda k: (first.get(k, (10**6,)), labels[k]))

    headers = _unique(labels, keys, suffix)
    by_duty: dict[str, dict[str, str]] = defaultdict(dict)  # only the cells that hold letters
    for (duty, key), found in cells.items():
        if key in headers:
            by_duty[duty][headers[key]] = letters(found)
    blank = dict.fromkeys((headers[key] for key in keys), "")
    rows = []
    for d in order:
        row = {
            "duty": compact(d["duty"]),
            "section": d["section"],
            "position": d["position"],
            "text": short_text(d["text"]),
            **blank,
        }
        row.update(by_duty.get(d["duty"], {}))
        rows.append(row)
    carried_for: dict[str, set[str]] = defaultdict(set)  # duty -> labels of its processes
    for r in today.role_duties:
        if r["process"]:
            carried_for[r["duty"]].add(r["processLabel"])
    texts = {compact(d["duty"]): " ".join(d["text"].split()) for d in order}
    processes = {compact(d["duty"]): "; ".join(sorted(carried_for[d["duty"]])) for d in order}
    return Matrix(
        by, [headers[k] for k in keys], rows, legend_rows(kg), texts, processes, today.as_of
    )
