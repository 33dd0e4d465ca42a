"""Reading the people and RACI CSV files: every bad row reported with its line number, and
nothing returned unless the whole file is good (:class:`CsvErrors`).

People CSV (UTF-8, a header line, one row per membership)::

    person,name,email,team,post,role,from,to[,service][,post_id][,team_id][,service_id]

``person`` is the person's id (the same id on every row of one person, with the same name and
email), ``post`` the post's name (the same team, role and service on every row of one post),
``role`` a PPO role (see :mod:`ppo_graph.org.names`), ``from`` and ``to`` ISO dates
(YYYY-MM-DD; ``to`` empty while the membership lasts, and not before ``from``). A person,
post, team or service is its exact id or name: "Service Desk" and "service desk" are two teams
(:func:`identity_notes` says so, with the lines), never one. With an id column (``post_id``,
``team_id``, ``service_id``) the id is the identity and the name its label: one id has one name
in a file (a rename is a change between two files, which ``ppo org diff`` matches by id), two
ids may share a name and stay two, and once a file gives an id every row naming one must.

RACI CSV: ``who,duty,letter``: ``who`` a person id of the people CSV, else a post id or name;
``duty`` a duty IRI or CURIE (ppod:duty-7.6-14); ``letter`` one of R, A, C, I.

Segregation CSV: ``role,incompatible_with``: two roles (named as in the people CSV) that one
person must not hold at the same time; a pair is the same pair either way round.

Each file may be CSV text (UTF-8 with or without a BOM, or UTF-16 with its BOM; commas,
semicolons or tabs, whichever splits the header into our columns) or an Excel workbook (its
first sheet or :attr:`Reading.sheet`, through :mod:`ppo_graph.org.xlsx_in`), whatever its name.
Headers match our column names in any case, or the file's own names mapped to them
(:attr:`Reading.columns`, ``--columns``); other columns are ignored with one note naming them.
Past :data:`SUMMARY_OVER` problems, :class:`CsvErrors` counts them by kind.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ppo_graph.errors import PPOError, UsageError
from ppo_graph.org import (
    ID_COLUMNS,
    PAIRS_COLUMNS,
    PEOPLE_COLUMNS,
    PEOPLE_OPTIONAL,
    RACI_COLUMNS,
    RACI_LETTERS,
)
from ppo_graph.tables import unescape_cell

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


#: More problems than this are summarised by kind, with the first few lines of each.
SUMMARY_OVER = 20
_EXAMPLES = 3


def _kind(what: str) -> str:
    """A problem without its particulars (the values quoted, the numbers): its kind."""
    return re.sub(r"\s+", " ", re.sub(r"'[^']*'|\"[^\"]*\"|<[^>]*>|\d+", "…", what)).strip()


class CsvErrors(PPOError):
    """All the problems of one CSV file, each ``path:line: what``; shown one a line, or, past
    :data:`SUMMARY_OVER`, counted by kind with the first few lines of each."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        head = f"{path}: {len(problems)} problem(s), nothing written"
        if len(problems) <= SUMMARY_OVER:
            lines = [f"{path}:{line}: {what}" for line, what in problems]
            super().__init__(head + "\n  " + "\n  ".join(lines))
            return
        kinds: dict[str, list[tuple[int, str]]] = {}
        for line, what in problems:
            kinds.setdefault(_kind(what), []).append((line, what))
        rows = len({line for line, _ in problems})
        out = [f"{head}; {rows} bad row(s), by kind (the first {_EXAMPLES} lines of each):"]
        for kind, items in sorted(kinds.items(), key=lambda item: (-len(item[1]), item[0])):
            out.append(f"  {len(items)} x {kind}")
            out += [f"    {path}:{line}: {what}" for line, what in items[:_EXAMPLES]]
        super().__init__("\n".join(out))


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
    post_id: str = ""
    team_id: str = ""
    service_id: str = ""

    @property
    def post_key(self) -> str:
        """The post's identity: its id, else its exact name."""
        return self.post_id or self.post

    @property
    def team_key(self) -> str:
        return self.team_id or self.team

    @property
    def service_key(self) -> str:
        return self.service_id or self.service


@dataclass(frozen=True)
class RaciRow:
    line: int
    who: str  # a person id, or a post's identity (PersonRow.post_key)
    person: bool  # who is a person id (else a post)
    duty: str  # the duty's IRI
    letter: str


@dataclass(frozen=True)
class PairRow:
    line: int
    role: str  # the role's IRI
    other: str  # the IRI of the role it must not be held with


@dataclass
class Reading:
    """How to read an input table: the sheet of a workbook (else the first), the file's own
    headers for our columns (``{"person": "Employee ID"}``), and the notes reading leaves (the
    columns it ignored), for the command to show."""

    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def parse_columns(specs: list[str]) -> dict[str, str]:
    """``--columns`` values: ``person="Employee ID",name="Full name"``, or a mapping file with one
    ``column=Header`` a line (``#`` starts a comment); :class:`UsageError` for a column that is
    none of ours (with close matches) or a header given twice."""
    ours = dict.fromkeys((*PEOPLE_COLUMNS, *PEOPLE_OPTIONAL, *RACI_COLUMNS, *PAIRS_COLUMNS))
    mapping: dict[str, str] = {}
    for spec in specs:
        source = Path(spec)
        if "=" not in spec and source.is_file():
            where = str(source)
            text = source.read_text(encoding="utf-8-sig")
            items = [
                (f"{where}:{n}", line.strip())
                for n, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.strip().startswith("#")
            ]
        else:
            where = "--columns"
            items = [(where, item) for item in next(csv.reader([spec], skipinitialspace=True), [])]
        for place, item in items:
            column, sep, header = item.partition("=")
            column, header = column.strip().lower(), header.strip().strip("\"'").strip()
            if not sep or not header:
                raise UsageError(f'{place}: {item!r}: give column="Your header"')
            if column not in ours:
                close = difflib.get_close_matches(column, list(ours), n=3)
                hint = f"; close matches: {', '.join(close)}" if close else ""
                raise UsageError(
                    f"{place}: unknown column {column!r} (ours: {', '.join(ours)}){hint}"
                )
            twice = [
                ours for ours, theirs in mapping.items() if theirs == header and ours != column
            ]
            if twice:
                raise UsageError(f"{place}: {header!r} is given for both {twice[0]} and {column}")
            mapping[column] = header
    return mapping


_WORKBOOK = b"PK\x03\x04"  # a ZIP archive: an .xlsx workbook
_OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Excel 97-2003 .xls
_DELIMITERS = (",", ";", "\t")


def _decode(data: bytes, problems: list[tuple[int, str]]) -> str | None:
    """The text of a CSV file: UTF-8 (a BOM allowed) or UTF-16 with its BOM; else a problem
    naming the line and the byte, and what the file seems to be."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        if b"\x00" in data[:4096]:  # NUL bytes are valid UTF-8 but no CSV text has them
            problems.append(
                (
                    1,
                    "not UTF-8 (NUL bytes): it looks like UTF-16 without a byte order mark; "
                    "save the file as CSV UTF-8 (Excel: Save As, CSV UTF-8) or give the .xlsx",
                )
            )
            return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        err = error
    if encoding == "utf-16":
        problems.append((1, "not valid UTF-16 although it starts with a UTF-16 byte order mark"))
        return None
    line = data[: err.start].count(b"\n") + 1
    start = data.rfind(b"\n", 0, err.start) + 1
    end = data.find(b"\n", err.start)
    sample = data[start : end if end >= 0 else None].decode("cp1252", "replace").strip()
    hint = f"it reads as Windows-1252/Latin-1 there: {sample[:60]!r}"
    problems.append(
        (
            line,
            f"not UTF-8 (byte 0x{data[err.start]:02x}); {hint}: save the file as "
            "CSV UTF-8 (Excel: Save As, CSV UTF-8) or give the .xlsx",
        )
    )
    return None


def _delimiter(first_line: str, known: set[str]) -> str:
    """The delimiter that splits the header into the most known column names (then into the
    most fields): a comma, a semicolon (European Excel) or a tab."""

    def score(delimiter: str) -> tuple[int, int]:
        fields = next(csv.reader([first_line], delimiter=delimiter), [])
        return len(known & {f.strip().lower() for f in fields}), len(fields)

    return max(_DELIMITERS, key=score)


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, fields); a quoted newline makes a row span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    for fields in reader:
        line, previous = previous + 1, reader.line_num
        yield line, fields


def _cells(
    path: Path, read: Reading, known: set[str], problems: list[tuple[int, str]]
) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV text or an Excel workbook, whatever its name says."""
    from ppo_graph.errors import InputError

    if path.is_dir():
        raise InputError(path, "is a folder; give the CSV or XLSX file")
    data = path.read_bytes()
    if data.startswith(_OLD_EXCEL):
        raise InputError(
            path, "is an Excel 97-2003 workbook (.xls); save it as .xlsx or as CSV UTF-8"
        )
    if data.startswith(_WORKBOOK) or path.suffix.lower() in (".xlsx", ".xlsm"):
        from ppo_graph.org.xlsx_in import sheet_rows

        if not path.suffix.lower().startswith(".xls"):
            read.notes.append(f"note: {path} is an Excel workbook, read as one")
        width = 0
        for line, cells in sheet_rows(
            path, read.sheet, read.notes
        ):  # a row ends at its last cell with a value
            width = width or len(cells)
            yield line, cells + [""] * (width - len(cells))
        return
    if read.sheet is not None:
        raise InputError(path, f"is a CSV text, not a workbook: --sheet {read.sheet} is for .xlsx")
    text = _decode(data, problems)
    if text is not None:
        yield from _csv_rows(text, _delimiter(text.split("\n", 1)[0], known))


def _records(
    path: Path,
    columns: tuple[str, ...],
    optional: tuple[str, ...],
    problems: list[tuple[int, str]],
    read: Reading | None = None,
    *,
    rows_required: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file or a workbook's sheet as (line, column -> stripped value); header
    and shape problems go to ``problems`` (a header and no rows is one when ``rows_required``),
    the columns it ignores to ``read.notes``."""
    read = read or Reading()
    ours = columns + optional
    theirs = {header.strip().lower(): column for column, header in read.columns.items()}
    rows = _cells(path, read, {*ours, *theirs}, problems)
    first = next(rows, None)
    if first is None:
        if not problems:
            problems.append((1, f"empty file: expected a header naming {', '.join(columns)}"))
        return
    header_line, header = first[0], [h.strip() for h in first[1]]
    width = len(header)
    while header and not header[-1]:
        header.pop()
    trailing = width - len(header)
    index: dict[str, int] = {}
    ignored: list[str] = []
    for i, name in enumerate(header):
        column = theirs.get(name.lower(), name.lower())
        if column not in ours:
            close = difflib.get_close_matches(name.lower(), ours, n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]}?)" if close and close[0] not in index else ""
            ignored.append(f"{name!r}{hint}" if name else "an unnamed column")
        elif column in index:
            problems.append(
                (
                    header_line,
                    f"column {column} given twice (columns {index[column] + 1} and {i + 1})",
                )
            )
        else:
            index[column] = i
    missing = [c for c in columns if c not in index]
    mapped = [c for c in missing if c in read.columns]
    for column in mapped:
        problems.append(
            (
                header_line,
                f"--columns maps {column} to {read.columns[column]!r}, which the header does "
                f"not have (it has {', '.join(repr(h) for h in header) or 'nothing'})",
            )
        )
    missing = [c for c in missing if c not in mapped]
    if missing:
        found = ", ".join(repr(h) for h in header) or "nothing"
        problems.append(
            (
                header_line,
                f"missing column(s): {', '.join(missing)}; expected a header naming "
                f"{', '.join(columns)} (found {found}); map your own headers with "
                f'--columns {missing[0]}="Your header"',
            )
        )
    if problems:
        return
    ignored += [f"{trailing} empty column(s) at the end"] if trailing else []
    if ignored:
        read.notes.append(f"note: {path}:{header_line}: ignored column(s): {', '.join(ignored)}")
    width, count = len(header), 0
    for line, fields in rows:
        if not any(f.strip() for f in fields):
            continue
        count += 1
        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            fields = fields[:width]  # trailing empty cells
        if len(fields) != width:
            problems.append(
                (
                    line,
                    f"{len(fields)} field(s) where the header has {width}: a missing or extra column",
                )
            )
            continue
        yield line, {column: unescape_cell(fields[i].strip()) for column, i in index.items()}
    if rows_required and count == 0 and not problems:
        problems.append(
            (header_line, "no rows: the file has a header and nothing under it; nothing to import")
        )


def _date(value: str) -> dt.date | None:
    if not _DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_people(
    path: Path, resolve_role: Callable[[str], str], read: Reading | None = None
) -> list[PersonRow]:
    """The people CSV's rows, or :class:`CsvErrors` naming every bad row."""
    problems: list[tuple[int, str]] = []
    rows: list[PersonRow] = []
    people: dict[str, tuple[int, str, str]] = {}
    posts: dict[str, tuple[int, str, str, str]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    named: dict[tuple[str, str], tuple[int, str]] = {}  # (id column, id) -> first line, name
    first_id: dict[str, int] = {}  # id column -> the first line giving one
    no_id: dict[str, list[int]] = {}  # id column -> the lines naming one without its id
    records = _records(path, PEOPLE_COLUMNS, PEOPLE_OPTIONAL, problems, read, rows_required=True)
    for line, rec in records:
        bad = [
            f"empty {c}" for c in ("person", "name", "team", "post", "role", "from") if not rec[c]
        ]
        for column, name_column in ID_COLUMNS.items():
            ident, name = rec.get(column, ""), rec.get(name_column, "")
            if not ident:
                if name:
                    no_id.setdefault(column, []).append(line)
                continue
            first_id.setdefault(column, line)
            if not name:
                bad.append(f"{column} {ident!r} with an empty {name_column}: give its name too")
                continue
            first = named.setdefault((column, ident), (line, name))
            if first[1] != name:
                bad.append(
                    f"{column} {ident!r} is named {name!r} here and {first[1]!r} at line "
                    f"{first[0]}: one id has one name in a file (a rename is a change between "
                    "two files, which ppo org diff shows)"
                )
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
        team_key = rec.get("team_id") or rec["team"]
        service_key = rec.get("service_id") or service
        post_key = rec.get("post_id") or rec["post"]
        post = posts.setdefault(post_key, (line, team_key, role, service_key))
        if role and post[1:] != (team_key, role, service_key):
            which = f"post_id {post_key!r}" if rec.get("post_id") else f"post {post_key!r}"
            bad.append(
                f"{which} differs from line {post[0]}: one post has one team, role and service"
            )
        key = (rec["person"], post_key, rec["from"])
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
                rec.get("post_id", ""),
                rec.get("team_id", ""),
                rec.get("service_id", ""),
            )
        )
    for column, lines in no_id.items():
        if column in first_id:
            what = ID_COLUMNS[column]
            problems += [
                (
                    line,
                    f"empty {column}: line {first_id[column]} gives a {column}; give one on "
                    f"every row with a {what}, or none",
                )
                for line in lines
            ]
    if problems:
        raise CsvErrors(path, sorted(problems))
    return rows


_IDENTITIES: tuple[tuple[str, Callable[[PersonRow], str], Callable[[PersonRow], str]], ...] = (
    ("person ids", lambda row: row.person, lambda row: ""),
    ("posts", lambda row: row.post, lambda row: row.post_id),
    ("teams", lambda row: row.team, lambda row: row.team_id),
    ("services", lambda row: row.service, lambda row: row.service_id),
)


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def identity_notes(path: Path, rows: list[PersonRow]) -> list[str]:
    """One note per group of person ids, posts, teams or services whose exact names (their ids,
    when the file gives ids) differ only in case, spaces or punctuation, and per name that two
    ids share: each is its own node (never merged), said with the lines."""
    from ppo_graph.org.names import near_duplicates

    notes = []
    for kind, name, ident in _IDENTITIES:
        with_ids = any(ident(row) for row in rows)
        value = ident if with_ids else name
        label = f"{kind[:-1]} ids" if with_ids else kind
        for group in near_duplicates((row.line, value(row)) for row in rows if value(row)):
            where = _and([f"{path}:{line}" for line, _ in group])
            names = _and([repr(name) for _, name in group])
            notes.append(
                f"note: {where}: {label} {names} differ only in case or punctuation; kept apart "
                f"as {len(group)} {kind} (spell them alike to make them one)"
            )
        if not with_ids:
            continue
        shared: dict[str, dict[str, int]] = {}  # name -> id -> first line
        for row in rows:
            if ident(row):
                shared.setdefault(name(row), {}).setdefault(ident(row), row.line)
        for text, ids in shared.items():
            if len(ids) > 1:
                where = _and([f"{path}:{line}" for line in ids.values()])
                notes.append(
                    f"note: {where}: {label} {_and([repr(i) for i in ids])} are "
                    f"{'both' if len(ids) == 2 else 'all'} named "
                    f"{text!r}; kept apart as {len(ids)} {kind} (name them by id elsewhere)"
                )
    return notes


def read_all(
    kg: Graph,
    people_path: Path,
    raci_path: Path | None = None,
    pairs_path: Path | None = None,
    read: Reading | None = None,
) -> tuple[list[PersonRow], list[RaciRow], list[PairRow]]:
    """The people table with its RACI and segregation tables (each optional), read and checked
    as ``ppo org import`` does, roles and duties named as ``kg`` names them; the identity notes
    go to ``read.notes``. :class:`CsvErrors` for the first table with a bad row."""
    from ppo_graph.org.names import duty_names, role_names

    read = read if read is not None else Reading()
    roles = role_names(list(kg.rows("org-roles", text=True)))
    people = read_people(people_path, roles.resolve, read)
    read.notes += identity_notes(people_path, people)
    raci: list[RaciRow] = []
    if raci_path is not None:
        duties = duty_names(row["duty"] for row in kg.rows("graph-duties", text=True))
        raci = read_raci(raci_path, people, duties.resolve, read)
    pairs = read_pairs(pairs_path, roles.resolve, read) if pairs_path is not None else []
    return people, raci, pairs


def read_raci(
    path: Path,
    people: list[PersonRow],
    resolve_duty: Callable[[str], str],
    read: Reading | None = None,
) -> list[RaciRow]:
    """The RACI CSV's rows, or :class:`CsvErrors` naming every bad row; ``who`` must be a person
    id of ``people``, else a post's id or name (a name two post ids share is a bad row)."""
    from ppo_graph.org.names import Names

    ids = {row.person for row in people}
    posts = {row.post_key for row in people}  # post ids, or names when the file gives no ids
    by_name: dict[str, dict[str, None]] = {}  # post name -> its posts' keys
    post_names = Names("person id or post")
    for row in people:
        by_name.setdefault(row.post, {})[row.post_key] = None
        post_names.add(row.post, row.post_key)
        post_names.add(row.post_key, row.post_key, show=False)
        post_names.add(row.person, row.person)
    problems: list[tuple[int, str]] = []
    rows: list[RaciRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, rec in _records(path, RACI_COLUMNS, (), problems, read):
        bad: list[str] = []
        who = rec["who"]
        if who in ids or who in posts:  # an exact id first, then an exact name, then a close one
            pass
        elif len(by_name.get(who, ())) == 1:
            who = next(iter(by_name[who]))
        elif who in by_name:
            bad.append(
                f"post {who!r} is the name of {len(by_name[who])} posts (post_id "
                f"{_and([repr(key) for key in by_name[who]])}): give the post_id"
            )
        else:
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


def read_pairs(
    path: Path, resolve_role: Callable[[str], str], read: Reading | None = None
) -> list[PairRow]:
    """The segregation CSV's rows, or :class:`CsvErrors` naming every bad row (an unknown role,
    a role paired with itself, a pair given twice, in either order)."""
    problems: list[tuple[int, str]] = []
    rows: list[PairRow] = []
    seen: dict[frozenset[str], int] = {}
    for line, rec in _records(path, PAIRS_COLUMNS, (), problems, read):
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
