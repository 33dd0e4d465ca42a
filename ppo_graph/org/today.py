"""Who does what today: the current memberships, the duties each role carries and the RACI
assignments that reach people, read once from the catalogue's reports, and what they add up to.

The rule is the organisation checks' (``queries/checks/org-*-violation.rq``): only current
memberships count; a person is Responsible for every duty a role they hold today carries
(listed for it or inherited: ``raci-role-duties``), and has the letter of every assignment of a
duty to them or to a post they hold today (``org-assignments`` joined with
``org-current-members``: :func:`current_assignments`). Both joins are done here with sets rather
than in SPARQL: at 50k people the first is half a million rows the query engine would build and
this module would read back, and at 35k the second took twice as long in SPARQL, where every
membership met its assignments before the filter on the date.

Coverage is counted per process (a *unit*: a duty and the process it is carried for). A duty
listed for a process's own role is one unit; a generic duty (the owner's, manager's duties of
tutorial sections 7.3 and 7.4, listed once for the generic role) is one unit per process whose
role carries it, so the Demand Manager's vacancy leaves "Appointing people to the required
roles" uncovered for Demand Management even while the Capacity Manager carries it for Capacity
Management. A duty no process's role carries (the practitioner's, 7.5) is one unit with no
process (""). A held role covers the units of the processes it owns or manages (a role with no
process: only a unit with no process); an R assignment covers the unit of the process the duty
is listed for, of the process of the role the person holds it under, and a unit with no
process. The check ``org-duty-without-responsible`` is the same rule in SPARQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ppo_graph.dates import AS_OF_PARAM, params
from ppo_graph.org.rdf import rows_of

#: A duty and the process it is carried for ("" when no process's role carries it).
Unit = tuple[str, str]

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph


def current_assignments(
    members: Iterable[dict[str, str]], assignments: Iterable[dict[str, str]]
) -> list[dict[str, str]]:
    """person, role, duty, letter: the letter of each assignment (``org-assignments``: target,
    duty, letter) for every current membership (``org-current-members``) whose person (member)
    or post (postNode) it is given to; an assignment to a person shows under each role they hold
    today, one to a post under the role held through it; each row once. An assignment to someone
    with no current membership reaches no one, as in the organisation checks."""
    given: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a in assignments:
        given[a["target"]].append((a["duty"], a["letter"]))
    seen: set[tuple[str, str, str, str]] = set()
    found = []
    for m in members:
        person, role = m["person"], m["role"]
        for target in {m["member"], m["postNode"]} - {""}:
            for duty, letter in given.get(target, ()):
                key = (person, role, duty, letter)
                if key not in seen:
                    seen.add(key)
                    found.append({"person": person, "role": role, "duty": duty, "letter": letter})
    return found


@dataclass
class Today:
    """The organisation as it stands today, as plain strings."""

    #: org-current-members: person, name, role, roleLabel, post, team, postId, member, postNode.
    members: list[dict[str, str]]
    #: raci-role-duties: role, roleLabel, process, processLabel, duty.
    role_duties: list[dict[str, str]]
    #: person, role, duty, letter (:func:`current_assignments`).
    assignments: list[dict[str, str]]
    #: graph-duties: duty, text, role (the role it is listed for), section, position.
    duties: list[dict[str, str]] = field(default_factory=list)
    carried: dict[str, set[str]] = field(init=False)
    #: role -> the processes it owns or manages (empty for the generic and external roles).
    role_process: dict[str, set[str]] = field(init=False)
    #: duty -> the processes it is carried for ({""}: none).
    processes: dict[str, set[str]] = field(init=False)
    #: duty -> the processes of the role it is listed for.
    listed_process: dict[str, set[str]] = field(init=False)
    #: (duty, process) -> the label of a role that carries the duty for that process.
    unit_role: dict[Unit, str] = field(init=False)

    def __post_init__(self) -> None:
        self.carried = defaultdict(set)
        self.role_process = defaultdict(set)
        self.processes = defaultdict(set)
        self.unit_role = {}
        for row in self.role_duties:
            self.carried[row["role"]].add(row["duty"])
            if row["process"]:
                self.role_process[row["role"]].add(row["process"])
                self.processes[row["duty"]].add(row["process"])
                self.unit_role.setdefault((row["duty"], row["process"]), row["roleLabel"])
        for row in self.role_duties:
            if not self.processes.get(row["duty"]):
                self.processes[row["duty"]] = {""}
                self.unit_role.setdefault((row["duty"], ""), row["roleLabel"])
        for d in self.duties:  # a duty no role carries (SHACL flags it) is still one unit
            if not self.processes.get(d["duty"]):
                self.processes[d["duty"]] = {""}
        self.listed_process = {
            d["duty"]: self.role_process.get(d["role"], set()) for d in self.duties
        }

    #: The date the organisation is read as of (YYYY-MM-DD).
    as_of: str = ""

    @classmethod
    def read(cls, kg: Graph, as_of: dt.date | None = None) -> Today:
        """The organisation as of ``as_of`` (None: :func:`ppo_graph.dates.current`, the local
        date unless ``--as-of`` says otherwise)."""
        bound = params(as_of)
        members = list(kg.rows("org-current-members", bound, text=True))
        return cls(
            members,
            rows_of(kg, "raci-role-duties"),
            current_assignments(members, kg.rows("org-assignments", text=True)),
            rows_of(kg, "graph-duties"),
            bound[AS_OF_PARAM],
        )

    def units(self) -> set[Unit]:
        """Every (duty, process) pair that needs someone Responsible."""
        return {(duty, p) for duty, procs in self.processes.items() for p in procs}

    def held_units(self, role: str, duty: str) -> set[Unit]:
        """The units a holder of ``role`` covers through carrying ``duty``."""
        if duty not in self.carried.get(role, ()):
            return set()
        units = self.processes.get(duty, {""})
        return {(duty, p) for p in units & (self.role_process.get(role, set()) | {""})}

    def assigned_units(self, role: str, duty: str) -> set[Unit]:
        """The units an R for ``duty`` covers when it reaches a person holding ``role``."""
        units = self.processes.get(duty, {""})
        reach = self.listed_process.get(duty, set()) | self.role_process.get(role, set()) | {""}
        return {(duty, p) for p in units & reach}

    def names(self) -> dict[str, str]:
        """person id -> name."""
        return {m["person"]: m["name"] for m in self.members}

    def holders(self) -> dict[str, set[str]]:
        """role -> the people who hold it today."""
        out: dict[str, set[str]] = defaultdict(set)
        for m in self.members:
            out[m["role"]].add(m["person"])
        return out

    def letters(self) -> Iterator[tuple[str, str, str, str]]:
        """(person, role, duty, letter) for every letter a person has today, R from a role
        they hold first; a pair may repeat (through two posts of one role)."""
        for m in self.members:
            for duty in self.carried.get(m["role"], ()):
                yield m["person"], m["role"], duty, "R"
        for a in self.assignments:
            yield a["person"], a["role"], a["duty"], a["letter"]

    def responsible(self) -> dict[Unit, set[str]]:
        """(duty, process) -> the people Responsible for it today."""
        out: dict[Unit, set[str]] = defaultdict(set)
        for role, people in self.holders().items():
            for duty in self.carried.get(role, ()):
                for unit in self.held_units(role, duty):
                    out[unit] |= people
        for a in self.assignments:
            if a["letter"] == "R":
                for unit in self.assigned_units(a["role"], a["duty"]):
                    out[unit].add(a["person"])
        return out
