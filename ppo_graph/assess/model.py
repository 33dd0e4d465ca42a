"""What a self-assessment rates, read from the graph: every duty with the role that lists it, its
process, section, text and themes (report ``assess-duties``), the owner/manager restatement
pairs (question ``owner-manager-restatements``), and the capability scale (report
``assess-scale``, the concepts of ``ontology/assess.ttl``).

A form has one **statement** per duty, except that a restatement pair (a manager's duty that
restates the owner's) is one statement noting both duties: the organisation does the work once.
The statement's words are derived (:mod:`.phrasing`); the verbatim text stays beside them with
its section, the source they come from.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ppo_graph.assess.phrasing import statement as derive
from ppo_graph.namespaces import compact

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

#: The columns of a form, and of the answers file `ppo assess score` reads.
FORM_COLUMNS = (
    "duty",
    "process",
    "role",
    "section",
    "verbatim",
    "statement",
    "rating",
    "evidence",
    "comment",
)
#: The subject of a generic role's duty (7.3 to 7.5): it applies to every process.
EVERY_PROCESS = "Every process"
#: How a generic role's duties are grouped among the processes.
GENERIC_GROUP = "(generic roles: every process)"
#: Joins the parts of a cell that notes both duties of a restatement pair, in order.
JOIN = "\n"


@dataclass(frozen=True)
class Level:
    """A level of the capability scale."""

    level: int
    label: str
    definition: str


@dataclass(frozen=True)
class Scale:
    """The capability scale: its levels, 0 to 5, and where it comes from."""

    levels: tuple[Level, ...]
    note: str

    def numbers(self) -> list[int]:
        return [level.level for level in self.levels]


@dataclass(frozen=True)
class Duty:
    """A duty as a self-assessment sees it."""

    iri: str
    role: str
    role_label: str
    process: str  # "" for a generic role's duty
    process_label: str
    section: str
    position: int
    text: str  # verbatim
    reading: str  # the corrected text where an editor gave one, else the verbatim text
    themes: tuple[tuple[str, str], ...]  # (IRI, label)

    @property
    def duty_id(self) -> str:
        return compact(self.iri)


@dataclass(frozen=True)
class Statement:
    """One line of a form: a duty, or the two duties of a restatement pair (the owner's first)."""

    duties: tuple[Duty, ...]

    @property
    def first(self) -> Duty:
        return self.duties[0]

    @property
    def process(self) -> str:
        return self.first.process

    @property
    def process_label(self) -> str:
        return self.first.process_label

    @property
    def text(self) -> str:
        """The derived statement, from the first duty's reading."""
        return derive(self.first.reading, self.process_label or EVERY_PROCESS)

    def row(self) -> dict[str, str]:
        """The form's row, rating, evidence and comment blank."""
        return {
            "duty": JOIN.join(d.duty_id for d in self.duties),
            "process": self.process_label,
            "role": JOIN.join(d.role_label for d in self.duties),
            "section": JOIN.join(d.section for d in self.duties),
            "verbatim": JOIN.join(d.text for d in self.duties),
            "statement": self.text,
            "rating": "",
            "evidence": "",
            "comment": "",
        }


@dataclass(frozen=True)
class Catalogue:
    """Every duty (in source order), the restatement pairs both ways, and the scale."""

    duties: dict[str, Duty]
    partners: dict[str, str]  # owner's duty -> manager's, and manager's -> owner's
    owners: frozenset[str]  # the owner's side of each pair
    scale: Scale

    def statements(self, chosen: Iterable[str] | None = None) -> list[Statement]:
        """The statements of the duties of ``chosen`` (IRIs of roles or processes; None: every
        duty): a duty is chosen when its role or its process is; a restatement pair is one
        statement, at the owner's duty, whichever of its two duties is chosen."""
        wanted = None if chosen is None else set(chosen)
        found: list[Statement] = []
        for duty in self.duties.values():
            partner = self.partners.get(duty.iri)
            if partner is not None and duty.iri not in self.owners:
                continue  # the manager's restatement: in the owner's statement
            members = (duty,) if partner is None else (duty, self.duties[partner])
            if wanted is None or any(wanted & {d.role, d.process} for d in members):
                found.append(Statement(members))
        return found


def load(graph: Graph) -> Catalogue:
    """The catalogue of ``graph`` (the shipped graph, with any files loaded beside it)."""
    duties: dict[str, Duty] = {}
    themes: dict[str, list[tuple[str, str]]] = {}
    for row in graph.rows("assess-duties", text=True):
        found = themes.setdefault(row["duty"], [])
        if row["theme"]:
            found.append((row["theme"], row["themeLabel"]))
        if row["duty"] in duties:
            continue
        duties[row["duty"]] = Duty(
            iri=row["duty"],
            role=row["role"],
            role_label=row["roleLabel"],
            process=row["process"],
            process_label=row["processLabel"],
            section=row["section"],
            position=int(row["position"]),
            text=row["text"],
            reading=row["reading"],
            themes=(),
        )
    duties = {iri: replace(d, themes=tuple(sorted(themes[iri]))) for iri, d in duties.items()}
    partners: dict[str, str] = {}
    owners: set[str] = set()
    for row in graph.rows("owner-manager-restatements", text=True):
        owner, manager = row["ownerDuty"], row["managerDuty"]
        if owner in duties and manager in duties:
            partners[owner], partners[manager] = manager, owner
            owners.add(owner)
    return Catalogue(duties, partners, frozenset(owners), scale_of(graph))


def chosen_nodes(graph: Graph, roles: Sequence[str], processes: Sequence[str]) -> list[str] | None:
    """The IRIs the names of ``--roles`` and ``--processes`` stand for (the one resolver,
    :mod:`ppo_graph.names`); None when neither is given: every duty."""
    from ppo_graph.names import from_rows

    if not roles and not processes:
        return None
    found: list[str] = []
    for names, cls, what in ((roles, "ppo:Role", "role"), (processes, "ppo:Process", "process")):
        if not names:
            continue
        rows = [dict(r) for r in graph.rows("name-index", {"class": cls}, text=True)]
        resolver = from_rows(rows, what, hint=f"`ppo queries --values {what}` lists them")
        found += [resolver.resolve(name) for name in names]
    return found


# --- the form ---------------------------------------------------------------------------------


def guide_rows(scale: Scale) -> list[dict[str, str]]:
    """The rows a form opens with, in its statement column (every other cell blank, so
    `ppo assess score` passes over them): how to fill it in, and each level of the scale."""
    lines = [
        "How to fill in: give each statement a rating from 0 to 5 on the scale below (a whole "
        "number; leave it blank for a duty not assessed), the evidence you rely on and any "
        "comment. Each statement is derived from the verbatim text of its duty, which stands "
        "beside it with its section: the verbatim text is the source.",
        *(f"Rating {lv.level} = {lv.label}: {lv.definition}" for lv in scale.levels),
        f"About the scale: {scale.note}",
    ]
    return [{**dict.fromkeys(FORM_COLUMNS, ""), "statement": line} for line in lines]


def form_rows(
    statements: Sequence[Statement], scale: Scale, *, guide: bool = True, seed: int | None = None
) -> list[dict[str, str]]:
    """The rows of a form: the guide (:func:`guide_rows`), then a row per statement, blank or,
    with ``seed``, filled with made-up answers (:func:`sample`)."""
    filled = [s.row() for s in statements] if seed is None else sample(statements, seed)
    return [*(guide_rows(scale) if guide else []), *filled]


#: Evidence a sample answer names (the sample is made up: it shows what a filled form looks like).
SAMPLE_EVIDENCE = (
    "documented procedure",
    "minutes of the monthly review",
    "KPI dashboard",
    "records in the service management tool",
    "annual audit report",
)


def sample(statements: Sequence[Statement], seed: int) -> list[dict[str, str]]:
    """Made-up answers for a demonstration, the same for the same seed: each process gets a
    level it mostly works at (1 to 4), each statement that level give or take one or two
    (within 0-5), about one in ten is left blank (not assessed), and a rating of 3 or more
    names some evidence."""
    rng = random.Random(seed)
    base: dict[str, int] = {}
    rows: list[dict[str, str]] = []
    for item in statements:
        level = base.setdefault(item.process, rng.randint(1, 4))
        row = item.row()
        if rng.random() >= 0.1:
            rating = min(5, max(0, level + rng.choice((-2, -1, -1, 0, 0, 0, 1, 1))))
            row["rating"] = str(rating)
            if rating >= 3:
                row["evidence"] = rng.choice(SAMPLE_EVIDENCE)
        rows.append(row)
    return rows


def scale_of(graph: Graph) -> Scale:
    """The scale alone (the workbench page and the docs test need no more)."""
    rows = graph.rows("assess-scale", text=True)
    levels = tuple(Level(int(r["level"]), r["label"], r["definition"]) for r in rows)
    return Scale(levels, rows[0]["note"] if rows else "")


def as_dict(level: Level) -> dict[str, Any]:
    return {"level": level.level, "label": level.label, "definition": level.definition}
