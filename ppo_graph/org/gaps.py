"""``ppo org gaps``: where the organisation is thin. Roles nobody holds, duties nobody is
Responsible for, the people with the most duties, the duties that rest on one person, and, for a
person who might leave, what would be orphaned.

Coverage is the rule of the organisation checks (``queries/checks/org-*-violation.rq``), read
from the report ``org-role-holders`` (who holds each PPO owner and manager role today) and
:class:`~ppo_graph.org.today.Today` (who is Responsible for which duty today: through a held
role that carries it, inherited duties included, or an R assignment to the person or a post
they hold). A duty counts once per process it is carried for (a generic owner or manager duty
of 7.3 and 7.4 once for each process whose role carries it), so the Demand Manager's vacancy
leaves the generic manager duties uncovered for Demand Management (see :mod:`ppo_graph.org.today`).
Without a person, those rows are recomputed with the person's rows removed: their current
memberships and the assignments that reach them.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ppo_graph.dates import params, stamp
from ppo_graph.errors import UsageError
from ppo_graph.namespaces import compact
from ppo_graph.org.raci import section_key, short_text
from ppo_graph.org.rdf import rows_of
from ppo_graph.org.today import Today

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

#: The columns of every finding.
COLUMNS = ("finding", "item", "label", "people", "count", "listed", "asOf", "starts")
#: The findings, in the order they are shown.
FINDINGS = (
    "unheld role",
    "uncovered duty",
    "orphaned role",
    "orphaned duty",
    "single point of failure",
    "workload",
    "upcoming unheld role",
    "upcoming uncovered duty",
    "upcoming segregation conflict",
)


@dataclass(frozen=True)
class Person:
    id: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


def find_person(kg: Graph, name: str) -> Person:
    """A person of the organisation by id or name (any case); exit 2 with close matches if none."""
    people = {r["person"]: r["name"] for r in rows_of(kg, "org-people")}
    key = " ".join(name.split()).lower()
    for pid, full in people.items():
        if key in (pid.lower(), " ".join(full.split()).lower()):
            return Person(pid, full)
    offered = difflib.get_close_matches(name, [*people, *people.values()], n=3, cutoff=0.5)
    hint = f"; close matches: {', '.join(map(repr, offered))}" if offered else ""
    raise UsageError(f"--without: no person {name!r} in the organisation{hint}")


def gaps(
    kg: Graph,
    without: Person | None = None,
    top: int = 10,
    as_of: dt.date | None = None,
    ahead: int = 0,
) -> list[dict[str, Any]]:
    """The findings as rows of :data:`COLUMNS`, grouped in :data:`FINDINGS` order, as of
    ``as_of`` (None: :func:`ppo_graph.dates.current`); every row carries that date (asOf).
    ``ahead``: also the gaps and segregation conflicts that start within that many days
    (:func:`upcoming`)."""
    today = Today.read(kg, as_of)
    members = today.members
    if not members and not rows_of(kg, "org-people"):
        raise UsageError(
            "no organisation loaded: give its Turtle (ppo org import people.csv --out org.ttl; "
            "ppo org gaps org.ttl)"
        )
    names = {m["person"]: m["name"] for m in members}
    gone = without.id if without else None

    holders: dict[str, set[str]] = defaultdict(set)
    role_label: dict[str, str] = {}
    for row in kg.rows("org-role-holders", params(as_of), text=True):
        role_label[row["role"]] = row["roleLabel"]
        holders.setdefault(row["role"], set())  # every role gets its entry, held or not
        if row["person"]:
            holders[row["role"]].add(row["person"])
    responsible = today.responsible()
    text = {d["duty"]: d for d in today.duties}
    units = sorted(
        today.units(),
        key=lambda u: (
            section_key(text[u[0]]["section"], text[u[0]]["position"], u[0])
            if u[0] in text
            else section_key("", "", u[0]),
            today.unit_role.get(u, ""),
        ),
    )

    def unit_label(unit: tuple[str, str]) -> str:
        d = text.get(unit[0], {})
        role = today.unit_role.get(unit) or compact(d.get("role", ""))
        return f"{short_text(d.get('text', ''))} ({role})"

    def who(people: set[str]) -> str:
        return "; ".join(str(Person(p, names.get(p, p))) for p in sorted(people))

    out: list[dict[str, Any]] = []
    for role in sorted(holders, key=lambda r: role_label[r]):
        after = holders[role] - {gone}
        if not after:
            finding = "orphaned role" if holders[role] else "unheld role"
            out.append(row_of(finding, compact(role), role_label[role], who(holders[role]), 0))
    for unit in units:
        before = responsible.get(unit, set())
        if not before - {gone}:
            finding = "orphaned duty" if before else "uncovered duty"
            out.append(row_of(finding, compact(unit[0]), unit_label(unit), who(before), 0))
    for unit in units:
        after = responsible.get(unit, set()) - {gone}
        if len(after) == 1:
            out.append(
                row_of("single point of failure", compact(unit[0]), unit_label(unit), who(after), 1)
            )
    same = repeats(kg)
    held: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for unit, people in responsible.items():
        for person in people - {gone}:
            held[person].add(unit)
    load = {
        person: (len({(same.get(d, d), p) for d, p in units}), len(units))
        for person, units in held.items()
    }
    ranked = sorted(load.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    for person, (count, listed) in ranked[:top] if top > 0 else ranked:
        out.append(row_of("workload", person, names.get(person, person), "", count, listed))
    if ahead > 0:
        out += upcoming(kg, dt.date.fromisoformat(today.as_of), ahead)
    order = {finding: i for i, finding in enumerate(FINDINGS)}
    for row in out:
        row["asOf"] = today.as_of
    return sorted(out, key=lambda r: order[r["finding"]])  # stable: each group keeps its order


def gaps_text(rows: list[dict[str, Any]], without: Person | None = None, ahead: int = 0) -> str:
    """The findings as ``ppo org gaps`` prints them: one table per finding, with its count."""
    from ppo_graph.tables import format_table

    lines: list[str] = []
    dates = sorted({str(r["asOf"]) for r in rows if r.get("asOf")})
    lines.append(stamp(", ".join(dates) or None) + "\n")
    if without is not None:
        lines.append(f"As if {without} left: their memberships and assignments removed.\n")
    for finding in FINDINGS:
        group = [r for r in rows if r["finding"] == finding]
        if not group and finding.startswith("orphaned") and without is None:
            continue
        if not group and finding.startswith("upcoming") and not ahead:
            continue
        lines.append(f"{finding}: {len(group)}")
        if group:
            columns = (
                ["item", "label", "people"]
                if finding != "workload"
                else ["item", "label", "count", "listed"]
            )
            if finding in ("unheld role", "uncovered duty"):
                columns = ["item", "label"]
            if finding.startswith("upcoming"):
                columns = ["starts", "item", "label"]
            lines.append(format_table(group, columns, 100, footer=False))
        else:
            lines.append("")
    return "\n".join(lines) + "\n"


def row_of(
    finding: str, item: str, label: str, people: str, count: int, listed: int | str = ""
) -> dict[str, Any]:
    """A finding; ``listed`` only for workload: the duties as listed, repeats included."""
    return {
        "finding": finding,
        "item": item,
        "label": label,
        "people": people,
        "count": count,
        "listed": listed,
        "starts": "",
    }


def upcoming(kg: Graph, as_of: dt.date, ahead: int) -> list[dict[str, Any]]:
    """The unheld roles, uncovered duties and segregation conflicts that are not there on
    ``as_of`` but start within ``ahead`` days: read as of each day in (as_of, as_of + ahead]
    on which a membership begins (``ppo:memberFrom``) or the day after one ends
    (``ppo:memberUntil``), by the same rules (:func:`gaps`, the ``org-segregation`` check);
    each finding once, with the first day it holds (starts)."""
    end = as_of + dt.timedelta(days=ahead)
    changes: set[dt.date] = set()
    for row in rows_of(kg, "org-people"):
        for text, shift in ((row["from"], 0), (row["to"], 1)):
            try:
                day = dt.date.fromisoformat(text[:10]) + dt.timedelta(days=shift)
            except ValueError:
                continue
            if as_of < day <= end:
                changes.add(day)

    def found(day: dt.date) -> dict[tuple[str, str, str], dict[str, Any]]:
        out: dict[tuple[str, str, str], dict[str, Any]] = {}
        for row in gaps(kg, top=0, as_of=day):
            if row["finding"] in ("unheld role", "uncovered duty"):
                out[(row["finding"], row["item"], row["label"])] = row
        for row in kg.rows("org-segregation-violation", params(day), text=True):
            key = ("segregation conflict", compact(row["focus"]), compact(row["value"]))
            out[key] = row_of(key[0], key[1], row["message"], "", 0)
        return out

    seen = set(found(as_of))
    rows: list[dict[str, Any]] = []
    for day in sorted(changes):
        for key, row in found(day).items():
            if key in seen:
                continue
            seen.add(key)
            new = row_of(f"upcoming {key[0]}", row["item"], row["label"], row["people"], 0)
            new["starts"] = day.isoformat()
            rows.append(new)
    return rows


def repeats(kg: Graph) -> dict[str, str]:
    """duty -> the duty that stands for every duty saying the same thing: the owner's duties the
    manager's list restates (the question ``owner-manager-restatements``) and the bullets
    recorded as listed twice (``duty-duplicates``, from ``ppo:DuplicateBullet`` defects).
    Workload counts each such group once per process. Bullets that overlap only in part
    (``ppo:PartialOverlap``) are not in either list: they are two duties and count twice."""
    parent: dict[str, str] = {}

    def root(duty: str) -> str:
        while parent.get(duty, duty) != duty:
            duty = parent[duty]
        return duty

    pairs = [(r["ownerDuty"], r["managerDuty"]) for r in rows_of(kg, "owner-manager-restatements")]
    pairs += [(r["duty"], r["same"]) for r in rows_of(kg, "duty-duplicates")]
    for first, second in pairs:
        a, b = sorted((root(first), root(second)))
        if a != b:
            parent[b] = a
    return {duty: root(duty) for duty in list(parent)}
