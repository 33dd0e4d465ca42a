"""``ppo org whatif``: a reorganisation tried on a copy, nothing written. The organisation's rows
(``org-people``, ``org-raci`` and its own ``org-segregation-pairs``, as ``ppo org export``
reads them) are changed in Python, written as Turtle to a temporary folder, opened through the
engine with the shipped graph, and read as ``ppo org gaps`` and ``ppo org diff`` read an
organisation:

- ``--merge POST OTHER``: the two posts become one, ``POST``: everyone who holds either today
  holds every role of both through it, and what was assigned to ``OTHER`` goes to ``POST``;
- ``--move PERSON POST``: the person's current memberships end, and they hold ``POST`` (its
  team, role and service) instead; assignments to the person stay theirs;
- ``--split POST NEW`` (``--holder PERSON``, repeatable; ``--role ROLE``): a new post ``NEW``
  in ``POST``'s team and service, with ``ROLE`` (default: ``POST``'s one role). The holders named
  move to it (their memberships of ``POST`` end, and they hold ``NEW`` from the date); the
  others stay in ``POST``. A split cannot guess who goes where: a post with two or more holders
  needs ``--holder`` (exit 2 naming it and the holders); a post with one holder keeps them and
  ``NEW`` starts vacant unless they are named (a post to fill: its role shows as unheld if
  nobody else holds it). A post that holds several roles (a merged one) needs ``--role``: ``NEW``
  takes that role and ``POST`` keeps the others. Assignments to ``POST`` stay with ``POST``;
  assignments to a person stay theirs.

The answer: the changes (as ``ppo org diff`` gives them), the duties each person the change
touches is Responsible for afterwards (each duty once: restatements and duplicate bullets
counted once, as ``ppo org gaps``' workload does), the segregation conflicts, the unheld roles
and uncovered duties, and the workload. Only current memberships count (the checks' rule).
"""

from __future__ import annotations

import datetime as dt
import difflib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppo_graph.dates import current
from ppo_graph.errors import UsageError
from ppo_graph.namespaces import compact

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph
    from ppo_graph.org.csvfile import PersonRow, RaciRow

#: The columns of every line of the answer.
COLUMNS = ("part", "item", "label", "detail", "asOf")  # asOf: the command's date
#: The parts of the answer, in order.
PARTS = ("change", "duties", "conflict", "unheld role", "uncovered duty", "workload")


@dataclass(frozen=True)
class Change:
    """What to try: ``merge`` (two post names), ``move`` (a person id or name, a post), or
    ``split`` (a post, the new post's name; ``holders`` who move to it, ``role`` its role)."""

    kind: str
    first: str
    second: str
    holders: tuple[str, ...] = ()
    role: str = ""

    def __str__(self) -> str:
        if self.kind == "merge":
            return f"merge posts {self.first!r} and {self.second!r} into {self.first!r}"
        if self.kind == "split":
            who = ", ".join(self.holders) or "nobody"
            role = f" as {self.role}" if self.role else ""
            return f"split post {self.first!r}: {who} to a new post {self.second!r}{role}"
        return f"move {self.first} to post {self.second!r}"


def _current(row: PersonRow, today: str) -> bool:
    return row.start <= today and (not row.end or row.end >= today)


def _post(name: str, people: Sequence[PersonRow], option: str) -> str:
    """The identity (:attr:`PersonRow.post_key`: its id, else its exact name) of the post
    ``name`` gives: an id, an exact name, or a name in any case; a name that two posts (two ids)
    share is refused with their ids."""
    keys = {row.post_key for row in people}
    if name in keys:
        return name
    for norm in (str, str.casefold):  # the exact name first, then in any case
        found = sorted({r.post_key for r in people if norm(r.post) == norm(name)})
        if len(found) == 1:
            return found[0]
        if found:
            raise UsageError(
                f"{option}: {len(found)} posts are named {name!r} (post_id "
                f"{', '.join(map(repr, found))}); name the one you mean by its id"
            )
    names = sorted({row.post for row in people} | keys)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"; close matches: {', '.join(map(repr, close))}" if close else ""
    raise UsageError(f"{option}: no post {name!r} in the organisation{hint}")


def _person_id(name: str, people: Sequence[PersonRow], option: str) -> str:
    """The id of the person ``name`` gives (an id, or a name in any case)."""
    ids = {row.person for row in people}
    names = {row.name.casefold(): row.person for row in people}
    who = name if name in ids else names.get(name.casefold(), "")
    if not who:
        offered = difflib.get_close_matches(
            name, [*sorted(ids), *(r.name for r in people)], n=3, cutoff=0.5
        )
        hint = f"; close matches: {', '.join(map(repr, offered))}" if offered else ""
        raise UsageError(f"{option}: no person {name!r} in the organisation{hint}")
    return who


def _leave(rows: list[PersonRow], ending: list[PersonRow], today: str) -> list[PersonRow]:
    """``rows`` with the memberships ``ending`` ended the day before ``today`` (one that began
    today never was)."""
    yesterday = (dt.date.fromisoformat(today) - dt.timedelta(days=1)).isoformat()
    out = []
    for r in rows:
        if r not in ending:
            out.append(r)
        elif r.start < today:
            out.append(replace(r, end=yesterday))
    return out


def _join(
    template: PersonRow, mover: PersonRow, line: int, today: str, **changes: str
) -> PersonRow:
    """A membership of ``mover`` from ``today``, in ``template``'s post (its team, role and
    service), changed by ``changes``."""
    return replace(
        template,
        line=line,
        person=mover.person,
        name=mover.name,
        email=mover.email,
        start=today,
        end="",
        **changes,
    )


def _split(
    change: Change, people: list[PersonRow], today: str, resolve: Callable[[str], str]
) -> tuple[list[PersonRow], set[str]]:
    """The rows after ``--split`` (see the module's docstring), and the people it touches."""
    post = _post(change.first, people, "--split")
    new = change.second.strip()
    if not new:
        raise UsageError("--split POST NEW: name the new post")
    taken = {p.casefold(): p for r in people for p in (r.post, r.post_key)}
    if new.casefold() in taken:
        raise UsageError(
            f"--split: a post {taken[new.casefold()]!r} is in the organisation already; name a "
            "new post (--split POST NEW)"
        )
    rows = [r for r in people if r.post_key == post]
    holding = [r for r in rows if _current(r, today)]
    holders = sorted({r.person for r in holding})
    names = {r.person: r.name for r in people}
    roles = sorted({r.role for r in rows})
    if change.role:
        try:
            role = resolve(change.role)
        except LookupError as error:
            raise UsageError(f"--role: {error}") from None
    elif len(roles) == 1:
        role = roles[0]
    else:
        raise UsageError(
            f"--role: post {post!r} holds {len(roles)} roles ({', '.join(map(compact, roles))}); "
            f"name the one {new!r} takes"
        )
    listed = ", ".join(f"{names[p]} ({p})" for p in holders) or "nobody"
    if len(holders) > 1 and not change.holders:
        raise UsageError(
            f"--holder: post {post!r} has {len(holders)} holders on {today} ({listed}); say who "
            f"moves to {new!r} (--holder PERSON, repeatable; the others stay)"
        )
    movers = {_person_id(name, people, "--holder") for name in change.holders}
    for who in sorted(movers - set(holders)):
        raise UsageError(
            f"--holder: {names[who]} ({who}) does not hold {post!r} on {today}; its holders: "
            f"{listed}"
        )
    # a post of several roles gives NEW the role split off, and keeps the others
    parted = role in roles and len(roles) > 1
    ending = [r for r in holding if r.person in movers or (parted and r.role == role)]
    out = _leave(people, ending, today)
    template = holding[0] if holding else rows[0]
    fresh = {"post_id": ""}  # a new post: its name is its identity
    line = max((row.line for row in people), default=1) + 1
    for who in sorted(movers):
        mover = next(r for r in holding if r.person == who)
        out.append(_join(template, mover, line, today, post=new, role=role, **fresh))
        line += 1
    return out, movers | {r.person for r in ending}


def apply(
    change: Change,
    people: list[PersonRow],
    raci: list[RaciRow],
    today: str,
    resolve: Callable[[str], str] | None = None,
) -> tuple[list[PersonRow], list[RaciRow], set[str]]:
    """The rows after ``change``, and the ids of the people it touches; ``resolve`` turns a
    role's name into its IRI (``--split``'s ``--role``)."""
    if change.kind == "split":
        out, touched = _split(change, people, today, resolve or (lambda name: name))
        return out, raci, touched
    line = max((row.line for row in people), default=1) + 1
    if change.kind == "merge":
        keep = _post(change.first, people, "--merge")
        gone = _post(change.second, people, "--merge")
        if keep == gone:
            raise UsageError(f"--merge: {keep!r} twice; name two posts")
        merged = [r for r in people if r.post_key in (keep, gone) and _current(r, today)]
        template = next(r for r in people if r.post_key == keep)
        roles = sorted({r.role for r in merged} | {template.role})
        holders = {r.person: r for r in merged}
        out = [r for r in people if r not in merged]
        for _person, held in sorted(holders.items()):
            for role in roles:
                out.append(
                    replace(
                        held,
                        line=line,
                        post=template.post,
                        post_id=template.post_id,
                        team=template.team,
                        team_id=template.team_id,
                        service=template.service,
                        service_id=template.service_id,
                        role=role,
                    )
                )
                line += 1
        raci = [replace(a, who=keep) if not a.person and a.who == gone else a for a in raci]
        return out, raci, set(holders)
    ids = {row.person: row for row in people}
    who = _person_id(change.first, people, "--move")
    post = _post(change.second, people, "--move")
    template = next(r for r in people if r.post_key == post)
    out = _leave(people, [r for r in people if r.person == who and _current(r, today)], today)
    out.append(_join(template, ids[who], line, today))
    return out, raci, {who}


def read_rows(org: Path, extra: Sequence[Path]) -> tuple[list[Any], list[Any], list[Any]]:
    """The organisation's people, RACI and own segregation rows, as the importer makes them."""
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.org.csvfile import PairRow, PersonRow, RaciRow
    from ppo_graph.org.names import role_names
    from ppo_graph.org.rdf import rows_of

    kg = KnowledgeGraph.open([org, *extra], reasoning=bool(extra), cache=False)
    resolve = role_names(rows_of(kg, "org-roles")).resolve
    people = [
        PersonRow(
            i,
            r["person"],
            r["name"],
            r["email"],
            r["team"],
            r["post"],
            resolve(r["role"]),
            r["from"],
            r["to"],
            r["service"],
            r.get("post_id", ""),
            r.get("team_id", ""),
            r.get("service_id", ""),
        )
        for i, r in enumerate(rows_of(kg, "org-people"), start=2)
    ]
    ids = {p.person for p in people}
    raci = [
        RaciRow(i, r["who"], r["who"] in ids, r["duty"], r["letter"])
        for i, r in enumerate(rows_of(kg, "org-raci"), start=2)
    ]
    own = KnowledgeGraph.open([org], shipped=False, reasoning=False, cache=False)
    pairs = [
        PairRow(i, r["role"], r["other"])
        for i, r in enumerate(rows_of(own, "org-segregation-pairs"), start=2)
    ]
    return people, raci, pairs


def whatif(
    org: Path, change: Change, extra: Sequence[Path] = (), top: int = 10
) -> list[dict[str, Any]]:
    """The answer as rows of :data:`COLUMNS`, in :data:`PARTS` order."""
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.org.diff import compare, read_side
    from ppo_graph.org.names import role_names
    from ppo_graph.org.rdf import rows_of, to_turtle

    today = current().isoformat()  # the one date (ppo_graph.dates): --as-of, else local
    people, raci, pairs = read_rows(org, extra)
    if not people:
        raise UsageError(f"{org}: no organisation in it (ppo org import people.csv --out org.ttl)")
    before_kg = KnowledgeGraph.open([org, *extra])
    resolve = role_names(rows_of(before_kg, "org-roles")).resolve
    after_people, after_raci, touched = apply(change, people, raci, today, resolve)
    with tempfile.TemporaryDirectory(prefix="ppo-org-whatif-") as folder:
        path = Path(folder) / "after.ttl"
        path.write_text(to_turtle(after_people, after_raci, pairs), encoding="utf-8")
        after_kg = KnowledgeGraph.open([path, *extra], cache=False)
        out = [
            row("change", r["item"], r["label"], f"{r['change']}: {r['before']} -> {r['after']}")
            for r in compare(read_side(before_kg), read_side(after_kg))
        ]
        out += _answer(after_kg, touched, top)
    return out


def row(part: str, item: str, label: str, detail: str) -> dict[str, Any]:
    return {"part": part, "item": item, "label": label, "detail": detail}


def _answer(kg: Graph, touched: set[str], top: int) -> list[dict[str, Any]]:
    from ppo_graph.org.diff import read_side
    from ppo_graph.org.gaps import gaps, repeats
    from ppo_graph.org.raci import section_key, short_text
    from ppo_graph.org.today import Today

    today = Today.read(kg)
    same = repeats(kg)
    names = today.names()
    text = {d["duty"]: d for d in today.duties}
    duties: dict[str, set[str]] = {p: set() for p in touched}
    for (duty, _process), people in today.responsible().items():
        for person in people & touched:
            duties[person].add(same.get(duty, duty))
    out = []
    for person in sorted(touched):
        for duty in sorted(
            duties[person],
            key=lambda d: (
                section_key(text[d]["section"], text[d]["position"], d)
                if d in text
                else section_key("", "", d)
            ),
        ):
            label = short_text(text.get(duty, {}).get("text", ""))
            out.append(
                row("duties", compact(duty), label, f"{names.get(person, person)} ({person})")
            )
    side = read_side(kg)
    for person, first, second in sorted(side.conflicts):
        out.append(row("conflict", person, side.people.get(person, person), f"{first} + {second}"))
    for r in gaps(kg, None, top):
        if r["finding"] in ("unheld role", "uncovered duty"):
            out.append(row(r["finding"], r["item"], r["label"], ""))
        elif r["finding"] == "workload":
            listed = f" ({r['listed']} as listed)" if r.get("listed") not in (None, "") else ""
            out.append(row("workload", r["item"], r["label"], f"{r['count']} duties{listed}"))
    return out


def whatif_text(rows: list[dict[str, Any]], change: Change) -> str:
    """The answer as ``ppo org whatif`` prints it: one table per part, with its count."""
    from ppo_graph.tables import format_table

    lines = [f"What if: {change}. Nothing is written.\n"]
    for part in PARTS:
        group = [r for r in rows if r["part"] == part]
        lines.append(f"{part}: {len(group)}")
        columns = ["item", "label", "detail"]
        if part in ("unheld role", "uncovered duty"):
            columns = ["item", "label"]
        lines.append(format_table(group, columns, 100, footer=False) if group else "")
    return "\n".join(lines) + "\n"
