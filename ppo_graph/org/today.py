"""Who does what today: the current memberships, the duties each role carries and the RACI
assignments that reach people, read once from the catalogue's reports, and what they add up to.

The rule is the organisation checks' (``queries/checks/org-*-violation.rq``): only current
memberships count; a person is Responsible for every duty a role they hold today carries
(listed for it or inherited: ``raci-role-duties``), and has the letter of every assignment of a
duty to them or to a post they hold today (``org-current-assignments``). The first half is a join
of people with roles' duties, done here with sets rather than in SPARQL: at 50k people it is half
a million rows the query engine would build and this module would read back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ppo_graph.org.rdf import rows_of

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph


@dataclass
class Today:
    """The organisation as it stands today, as plain strings."""

    #: org-current-members: person, name, role, roleLabel, post, team.
    members: list[dict[str, str]]
    #: raci-role-duties: role, roleLabel, process, processLabel, duty.
    role_duties: list[dict[str, str]]
    #: org-current-assignments: person, role, duty, letter.
    assignments: list[dict[str, str]]
    carried: dict[str, set[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.carried = defaultdict(set)
        for row in self.role_duties:
            self.carried[row["role"]].add(row["duty"])

    @classmethod
    def read(cls, kg: Graph) -> Today:
        return cls(
            rows_of(kg, "org-current-members"),
            rows_of(kg, "raci-role-duties"),
            rows_of(kg, "org-current-assignments"),
        )

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

    def responsible(self) -> dict[str, set[str]]:
        """duty -> the people Responsible for it today."""
        out: dict[str, set[str]] = defaultdict(set)
        for role, people in self.holders().items():
            for duty in self.carried.get(role, ()):
                out[duty] |= people
        for a in self.assignments:
            if a["letter"] == "R":
                out[a["duty"]].add(a["person"])
        return out
