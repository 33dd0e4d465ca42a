"""Reading the people and RACI CSV files: every bad row reported with its line number, and
nothing returned unless the whole file is good (:class:`CsvErrors`).

People CSV (UTF-8, a header line, one row per membership)::

    person,name,email,team,post,role,from,to[,service]

``person`` is the person's id (the same id on every row of one person, with the same name and
email), ``post`` the post's name (the same team, role and service on every row of one post),
``role`` a PPO role (see :mod:`ppo_graph.org.names`), ``from`` and ``to`` ISO dates
(YYYY-MM-DD; ``to`` empty while the membership lasts, and not before ``from``). A person,
post, team or service is its exact id or name: "Service Desk" and "service desk" are two teams
(:func:`identity_notes` says so, with the lines), never one.

RACI CSV: ``who,duty,letter``: ``who`` a person id of the people CSV, else a post name; ``duty``
a duty IRI or CURIE (ppod:duty-7.6-14); ``letter`` one of R, A, C, I.

Segregation CSV: ``role,incompatible_with``: two roles (named as in the people CSV) that one
person must not hold at the same time; a pair is the same pair either way round.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ppo_graph.errors import PPOError
from ppo_graph.org import PAIRS_COLUMNS, PEOPLE_COLUMNS, PEOPLE_OPTIONAL, RACI_COLUMNS, RACI_LETTERS

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CsvErrors(PPOError):
    """All the problems of one CSV file, each ``path:line: what``; shown one a line."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        lines = [f"{path}:{line}: {what}" for line, what in problems]
        super().__init__(
            f"{path}: {len(problems)} problem(s), nothing written\n  " + "\n  ".join(lines)
        )


@dataclass(frozen=True)
class PersonRow:
    line: int
    person: str
    name: str
    email: str
    team: str
    post: str
    role: str  # the role's IRI
    start: str
    end: str
    service: str


@dataclass(frozen=True)
class RaciRow:
    line: int
    who: str  # a person id or a post name, as given
    person: bool  # who is a person id (else a post name)
    duty: str  # the duty's IRI
    letter: str


@dataclass(frozen=True)
class PairRow:
    line: int
    role: str  # the role's IRI
    other: str  # the IRI of the role it must not be held with


def _records(
    path: Path, columns: tuple[str, ...], optional: tuple[str, ...], problems: list[tuple[int, str]]
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file as (line, column -> stripped value); header and shape problems go to
    ``problems``."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.append((line, f"not UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8"))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in columns if c not in header]
    unknown = [h for h in header if h not in columns and h not in optional]
    if missing:
        problems.append(
            (
                1,
                "missing column(s): "
                + ", ".join(missing)
                + f"; the header must name {', '.join(columns)}",
            )
        )
    if unknown:
        problems.append((1, "unknown column(s): " + ", ".join(unknown)))
    if missing or unknown:
        return
    previous = reader.line_num
    for fields in reader:
        line, previous = previous + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            problems.append(
                (
                    line,
                    f"{len(fields)} field(s) where the header has {len(header)}: a missing or extra column",
                )
            )
            continue
        yield line, {h: f.strip() for h, f in zip(header, fields, strict=True)}


def _date(value: str) -> dt.date | None:
    if not _DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_people(path: Path, resolve_role: Callable[[str], str]) -> list[PersonRow]:
    """The people CSV's rows, or :class:`CsvErrors` naming every bad row."""
    problems: list[tuple[int, str]] = []
    rows: list[PersonRow] = []
    people: dict[str, tuple[int, str, str]] = {}
    posts: dict[str, tuple[int, str, str, str]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for line, rec in _records(path, PEOPLE_COLUMNS, PEOPLE_OPTIONAL, problems):
        bad = [
            f"empty {c}" for c in ("person", "name", "team", "post", "role", "from") if not rec[c]
        ]
        role = ""
        if rec["role"]:
            try:
                role = resolve_role(rec["role"])
            except LookupError as err:
                bad.append(str(err))
        start, end = _date(rec["from"]), _date(rec["to"]) if rec["to"] else None
        if rec["from"] and start is None:
            bad.append(f"bad date in from: {rec['from']!r} (give YYYY-MM-DD)")
        if rec["to"] and end is None:
            bad.append(f"bad date in to: {rec['to']!r} (give YYYY-MM-DD)")
        if start and end and end < start:
            bad.append(f"reversed dates: to {rec['to']} is before from {rec['from']}")
        if rec["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+", rec["email"]):
            bad.append(f"bad email {rec['email']!r}")
        person = people.setdefault(rec["person"], (line, rec["name"], rec["email"]))
        if person[1:] != (rec["name"], rec["email"]):
            bad.append(
                f"duplicate person id {rec['person']!r}: line {person[0]} gives it to {person[1]!r} <{person[2]}>"
            )
        service = rec.get("service", "")
        post = posts.setdefault(rec["post"], (line, rec["team"], role, service))
        if role and post[1:] != (rec["team"], role, service):
            bad.append(
                f"post {rec['post']!r} differs from line {post[0]}: one post has one team, role and service"
            )
        key = (rec["person"], rec["post"], rec["from"])
        if seen.setdefault(key, line) != line:
            bad.append(f"the same membership as line {seen[key]}")
        if bad:
            problems += [(line, what) for what in bad]
            continue
        rows.append(
            PersonRow(
                line,
                rec["person"],
                rec["name"],
                rec["email"],
                rec["team"],
                rec["post"],
                role,
                rec["from"],
                rec["to"],
                service,
            )
        )
    if problems:
        raise CsvErrors(path, sorted(problems))
    return rows


_IDENTITIES: tuple[tuple[str, Callable[[PersonRow], str]], ...] = (
    ("person ids", lambda row: row.person),
    ("posts", lambda row: row.post),
    ("teams", lambda row: row.team),
    ("services", lambda row: row.service),
)


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def identity_notes(path: Path, rows: list[PersonRow]) -> list[str]:
    """One note per group of person ids, posts, teams or services whose exact names differ only
    in case, spaces or punctuation: each is its own node (never merged), said with the lines."""
    from ppo_graph.org.names import near_duplicates

    notes = []
    for kind, value in _IDENTITIES:
        for group in near_duplicates((row.line, value(row)) for row in rows if value(row)):
            where = _and([f"{path}:{line}" for line, _ in group])
            names = _and([repr(name) for _, name in group])
            notes.append(
                f"note: {where}: {kind} {names} differ only in case or punctuation; kept apart "
                f"as {len(group)} {kind} (spell them alike to make them one)"
            )
    return notes


def read_raci(
    path: Path, people: list[PersonRow], resolve_duty: Callable[[str], str]
) -> list[RaciRow]:
    """The RACI CSV's rows, or :class:`CsvErrors` naming every bad row; ``who`` must be a person
    id or a post name of ``people``."""
    from ppo_graph.org.names import Names

    ids = {row.person for row in people}
    posts = {row.post for row in people}
    post_names = Names("person id or post")
    for row in people:
        post_names.add(row.post, row.post)
        post_names.add(row.person, row.person)
    problems: list[tuple[int, str]] = []
    rows: list[RaciRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, rec in _records(path, RACI_COLUMNS, (), problems):
        bad: list[str] = []
        who = rec["who"]
        if who not in ids and who not in posts:  # an exact name first, then a close one
            try:
                who = post_names.resolve(who)
            except LookupError as err:
                bad.append(str(err))
        duty = ""
        try:
            duty = resolve_duty(rec["duty"])
        except LookupError as err:
            bad.append(str(err))
        letter = rec["letter"].upper()
        if letter not in RACI_LETTERS:
            bad.append(f"bad letter {rec['letter']!r}: give one of {', '.join(RACI_LETTERS)}")
        key = (who, duty, letter)
        if not bad and seen.setdefault(key, line) != line:
            bad.append(f"the same assignment as line {seen[key]}")
        if bad:
            problems += [(line, what) for what in bad]
            continue
        rows.append(RaciRow(line, who, who in ids, duty, letter))
    if problems:
        raise CsvErrors(path, sorted(problems))
    return rows


def read_pairs(path: Path, resolve_role: Callable[[str], str]) -> list[PairRow]:
    """The segregation CSV's rows, or :class:`CsvErrors` naming every bad row (an unknown role,
    a role paired with itself, a pair given twice, in either order)."""
    problems: list[tuple[int, str]] = []
    rows: list[PairRow] = []
    seen: dict[frozenset[str], int] = {}
    for line, rec in _records(path, PAIRS_COLUMNS, (), problems):
        bad: list[str] = []
        iris: list[str] = []
        for column in PAIRS_COLUMNS:
            if not rec[column]:
                bad.append(f"empty {column}")
                continue
            try:
                iris.append(resolve_role(rec[column]))
            except LookupError as err:
                bad.append(f"{column}: {err}")
        if not bad and iris[0] == iris[1]:
            bad.append(f"a role paired with itself: {rec['role']!r}")
        key = frozenset(iris)
        if not bad and seen.setdefault(key, line) != line:
            bad.append(f"the same pair as line {seen[key]}")
        if bad:
            problems += [(line, what) for what in bad]
            continue
        rows.append(PairRow(line, iris[0], iris[1]))
    if problems:
        raise CsvErrors(path, sorted(problems))
    return rows
