"""A filled form read back and checked: the answers file `ppo assess score` reads (CSV or XLSX,
as the organisation's tables are read: :mod:`ppo_graph.org.csvfile`).

Columns ``duty`` and ``rating`` are required; ``evidence`` and ``comment`` are kept; the
others (process, role, section, verbatim, statement) are for the reader and are not trusted:
the graph says what a duty's process, role and themes are. A ``duty`` cell names one duty or
the two of a restatement pair (IRIs or CURIEs, one a line, or separated by spaces, commas or
semicolons). A rating is a whole number from 0 to 5; blank is "not assessed", counted apart.
A row with no duty and no rating is a note (the form's guide rows) and is passed over.

Every problem is reported with its line, and nothing is scored unless the whole file is good
(:class:`~ppo_graph.org.csvfile.CsvErrors`, exit 2): an unknown duty (with close matches), a
rating out of the scale or not a whole number, a missing column, a duty rated twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ppo_graph.assess.model import FORM_COLUMNS, Catalogue
from ppo_graph.names import NameError_
from ppo_graph.namespaces import compact

REQUIRED = ("duty", "rating")
OPTIONAL = tuple(c for c in FORM_COLUMNS if c not in REQUIRED)
_SPLIT = re.compile(r"[\s,;]+")
_RATING = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Answer:
    """One rated (or unrated) row: its line, its duties (IRIs), the rating (None: not
    assessed), evidence and comment."""

    line: int
    duties: tuple[str, ...]
    rating: int | None
    evidence: str = ""
    comment: str = ""


def parse_rating(raw: str, levels: Sequence[int]) -> int | None:
    """A rating cell's level; None when blank; ValueError saying what is wrong otherwise."""
    text = raw.strip()
    if not text:
        return None
    if _RATING.fullmatch(text) and int(text) in levels:
        return int(text)
    listed = ", ".join(str(n) for n in levels)
    kind = "out of the scale" if _RATING.fullmatch(text) else "not a whole number"
    raise ValueError(
        f"rating {raw!r} is {kind}: give one of {listed} (the capability scale), or leave it "
        "blank for a duty not assessed"
    )


def read_answers(path: Path, catalogue: Catalogue) -> tuple[list[Answer], list[str]]:
    """The answers of ``path`` and the notes reading it left (columns ignored);
    :class:`~ppo_graph.org.csvfile.CsvErrors` with every problem when any row is bad."""
    from ppo_graph.org.csvfile import CsvErrors, Reading, _records
    from ppo_graph.org.names import duty_names

    problems: list[tuple[int, str]] = []
    read = Reading()
    names = duty_names(catalogue.duties)
    names.hint = "a duty is named by its CURIE, ppod:duty-7.6-14, or its IRI"
    levels = catalogue.scale.numbers()
    answers: list[Answer] = []
    seen: dict[str, int] = {}
    for line, record in _records(path, REQUIRED, OPTIONAL, problems, read, rows_required=True):
        cell = record["duty"]
        extra = any(record.get(c) for c in ("rating", "evidence", "comment"))
        if not cell:
            if extra:
                problems.append((line, "a rating, evidence or comment without a duty"))
            continue
        duties: list[str] = []
        for name in _SPLIT.split(cell.strip()):
            try:
                iri = names.resolve(name)
            except NameError_ as error:
                problems.append((line, str(error)))
                continue
            if iri in seen:
                problems.append((line, f"duty {compact(iri)} is already rated on line {seen[iri]}"))
                continue
            seen[iri] = line
            duties.append(iri)
        try:
            rating = parse_rating(record["rating"], levels)
        except ValueError as error:
            problems.append((line, str(error)))
            continue
        if duties:
            answers.append(
                Answer(
                    line,
                    tuple(duties),
                    rating,
                    record.get("evidence", ""),
                    record.get("comment", ""),
                )
            )
    if problems:
        raise CsvErrors(path, problems)
    return answers, read.notes
