"""The scores of a self-assessment: per duty, per role, per process and per theme, each the mean
rating of what was assessed and its coverage (assessed / total), and one for the whole.

What counts once:

- a **duty** is one item; both duties of a restatement pair get the pair's rating;
- a **role**'s items are the rated rows' duties listed for it (so a pair counts once for the
  owner's role and once for the manager's);
- a **process**'s, a **theme**'s and the **overall** items are the rows (statements): a pair is
  one statement, so a duty the manager's list restates is not weighed twice. A row counts for
  each process and theme of its duties (a generic role's duty under :data:`GENERIC_GROUP`).

``total`` is how many of them the answers file holds (the file is the assessment's scope);
``assessed`` how many have a rating; ``mean`` the mean of those ratings (None when none has
one); ``coverage`` assessed / total.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ppo_graph.assess.answers import Answer
from ppo_graph.assess.model import GENERIC_GROUP, Catalogue
from ppo_graph.namespaces import compact

#: The levels scores are given at, in the order they are shown.
LEVELS = ("overall", "process", "theme", "role", "duty")
#: The columns of the score rows (`ppo assess score --format csv|json|md|xlsx`).
SCORE_COLUMNS = ("level", "name", "label", "mean", "assessed", "total", "coverage")
#: A rating at or below this is low (the questions' default threshold too).
LOW = 2


@dataclass
class Score:
    """The ratings of one group (a process, a theme, ...)."""

    level: str
    name: str  # the node's IRI ("" for overall and the generic group)
    label: str
    ratings: list[int] = field(default_factory=list)
    total: int = 0

    @property
    def assessed(self) -> int:
        return len(self.ratings)

    @property
    def mean(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    @property
    def coverage(self) -> float:
        return self.assessed / self.total if self.total else 0.0

    def count(self, rating: int | None) -> None:
        self.total += 1
        if rating is not None:
            self.ratings.append(rating)

    def row(self) -> dict[str, object]:
        mean = self.mean
        return {
            "level": self.level,
            "name": compact(self.name) if self.name else "",
            "label": self.label,
            "mean": None if mean is None else float(two_places(mean)),
            "assessed": self.assessed,
            "total": self.total,
            "coverage": round(self.coverage, 3),
        }


@dataclass
class Scores:
    """Every group's score, by level; ``answers`` as read."""

    answers: list[Answer]
    groups: dict[str, dict[str, Score]]

    def of(self, level: str) -> list[Score]:
        return list(self.groups.get(level, {}).values())

    @property
    def overall(self) -> Score:
        return self.groups["overall"][""]

    def rows(self, levels: Iterable[str] = LEVELS) -> list[dict[str, object]]:
        return [score.row() for level in levels for score in self.of(level)]

    @property
    def not_assessed(self) -> int:
        return sum(1 for a in self.answers if a.rating is None)


def compute(answers: Sequence[Answer], catalogue: Catalogue) -> Scores:
    """The scores of ``answers`` (see the module for what counts once)."""
    groups: dict[str, dict[str, Score]] = {level: {} for level in LEVELS}

    def group(level: str, name: str, label: str) -> Score:
        return groups[level].setdefault(name, Score(level, name, label))

    group("overall", "", "all statements")
    for answer in answers:
        duties = [catalogue.duties[iri] for iri in answer.duties]
        group("overall", "", "all statements").count(answer.rating)
        processes = {d.process: d.process_label or GENERIC_GROUP for d in duties}
        for process, label in sorted(processes.items(), key=lambda item: item[1]):
            group("process", process, label).count(answer.rating)
        themes = dict(t for d in duties for t in d.themes)
        for theme, label in sorted(themes.items(), key=lambda item: item[1]):
            group("theme", theme, label).count(answer.rating)
        for duty in duties:
            group("role", duty.role, duty.role_label).count(answer.rating)
            group("duty", duty.iri, duty.text).count(answer.rating)
    for level in ("process", "theme", "role"):  # by label; duties in the file's order
        groups[level] = dict(sorted(groups[level].items(), key=lambda item: item[1].label))
    return Scores(list(answers), groups)


def two_places(value: float) -> str:
    """``value`` with two decimals, a tie rounded up (as JavaScript's toFixed rounds, so the
    workbench page shows the same figures)."""
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def percent(value: float) -> str:
    """A fraction as a whole percentage, a tie rounded up (as the workbench page rounds)."""
    return f"{math.floor(value * 100 + 0.5)}%"


def mean_text(score: Score) -> str:
    mean = score.mean
    return "-" if mean is None else two_places(mean)


def summary_text(scores: Scores, *, title: str = "") -> str:
    """What `ppo assess score` prints: the overall score, then a table per process, theme and
    role (the duties' rows are in the other formats and the report)."""
    from ppo_graph.tables import format_table

    overall = scores.overall
    lines = [title] if title else []
    lines.append(
        f"Overall: mean {mean_text(overall)} of 5 over {overall.assessed} assessed statement(s) "
        f"of {overall.total} ({percent(overall.coverage)} coverage); "
        f"{scores.not_assessed} not assessed."
    )
    for level in ("process", "theme", "role"):
        rows = [
            {
                level: s.label,
                "mean": mean_text(s),
                "assessed": s.assessed,
                "total": s.total,
                "coverage": percent(s.coverage),
            }
            for s in scores.of(level)
        ]
        if rows:
            table = format_table(rows, cut=(level,), footer=False)
            lines += ["", f"By {level}:", table.rstrip("\n")]
    lines += ["", "Per duty: --format csv, json, md or xlsx, or the HTML report (--out FILE.html)."]
    return "\n".join(lines) + "\n"
