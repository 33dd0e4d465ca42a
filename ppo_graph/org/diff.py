"""``ppo org diff OLD NEW``: what a reorganisation changes, the review before signing it off.

Each side is an organisation's Turtle, or a people CSV (or workbook), with its RACI table if
given, read by ``ppo org import``'s reader (:func:`~ppo_graph.org.csvfile.read_all`); each is
opened through the engine with the shipped graph (``KnowledgeGraph.open``) and
read with the reports the other organisation commands use: who holds which role today
(``org-current-members``, :class:`~ppo_graph.org.today.Today`), the findings of ``ppo org gaps``
(:func:`~ppo_graph.org.gaps.gaps`: unheld roles, uncovered duties per process) and the pairs of
incompatible roles (``org-segregation-pairs``). The two results are compared here, in Python:

- **joined** / **left**: a person id with a current membership on one side only;
- **renamed post**: a post with the same id (``post_id``) on both sides and another name or team;
  its holders did not change post;
- **changed post** / **changed role**: a person on both sides whose posts (with their team; a
  post with an id is its id) or roles differ, before and after;
- **role unheld** / **role held again**: a PPO owner or manager role nobody holds after, but
  someone did before (and the other way round);
- **duty uncovered** / **duty covered again**: a duty, for a process, with nobody Responsible;
- **conflict** / **conflict resolved**: a person holding two incompatible roles.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppo_graph.namespaces import compact

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph
    from ppo_graph.org.csvfile import Reading

#: The columns of every change.
COLUMNS = ("change", "item", "label", "before", "after", "asOf")  # asOf: the command's date
#: The changes, in the order they are shown.
CHANGES = (
    "joined",
    "left",
    "renamed post",
    "changed post",
    "changed role",
    "role unheld",
    "role held again",
    "duty uncovered",
    "duty covered again",
    "conflict",
    "conflict resolved",
)
#: Suffixes read as an organisation's RDF; anything else is a people table for the importer.
RDF_SUFFIXES = frozenset({".ttl", ".trig", ".nt", ".nq", ".n3", ".rdf", ".owl", ".jsonld"})


@dataclass(frozen=True)
class Side:
    """One organisation as the diff compares it (plain strings)."""

    #: person id -> name, for the people with a membership today.
    people: dict[str, str]
    #: person id -> their current posts: "id:" and its id for a post with one, else its label.
    posts: dict[str, set[str]]
    #: each of those posts -> its label, "post (team)".
    post_labels: dict[str, str]
    #: person id -> the labels of the roles they hold today.
    roles: dict[str, set[str]]
    #: role CURIE -> label, for the PPO owner and manager roles nobody holds.
    unheld: dict[str, str]
    #: (duty CURIE, label naming the process's role) -> label, for the duties nobody covers.
    uncovered: dict[tuple[str, str], str]
    #: (person id, role label, role label) for each person holding two incompatible roles.
    conflicts: set[tuple[str, str, str]]


def read_side(kg: Graph) -> Side:
    """The side of the organisation that ``kg`` (the shipped graph plus it) holds."""
    from ppo_graph.org.gaps import gaps
    from ppo_graph.org.rdf import rows_of
    from ppo_graph.org.today import Today

    today = Today.read(kg)
    people: dict[str, str] = {}
    posts: dict[str, set[str]] = defaultdict(set)
    post_labels: dict[str, str] = {}
    roles: dict[str, set[str]] = defaultdict(set)
    held: dict[str, set[str]] = defaultdict(set)  # person -> role IRIs
    for m in today.members:
        people[m["person"]] = m["name"]
        label = f"{m['post']} ({m['team']})" if m["team"] else m["post"]
        key = f"id:{m['postId']}" if m.get("postId") else label
        posts[m["person"]].add(key)
        post_labels[key] = label
        roles[m["person"]].add(m["roleLabel"] or compact(m["role"]))
        held[m["person"]].add(m["role"])
    findings = gaps(kg, None, 0) if people or rows_of(kg, "org-people") else []
    unheld = {r["item"]: r["label"] for r in findings if r["finding"] == "unheld role"}
    uncovered = {
        (r["item"], r["label"]): r["label"] for r in findings if r["finding"] == "uncovered duty"
    }
    conflicts: set[tuple[str, str, str]] = set()
    for pair in rows_of(kg, "org-segregation-pairs"):
        for person, mine in held.items():
            if pair["role"] in mine and pair["other"] in mine:
                first = pair["roleLabel"] or compact(pair["role"])
                second = pair["otherLabel"] or compact(pair["other"])
                low, high = sorted((first, second))
                conflicts.add((person, low, high))
    return Side(people, dict(posts), post_labels, dict(roles), unheld, uncovered, conflicts)


def is_rdf(path: Path) -> bool:
    """Whether ``path`` is read as an organisation's RDF (else as a people table)."""
    return path.suffix.lower() in RDF_SUFFIXES


def open_side(
    path: Path,
    work: Path,
    roles_kg: Graph | None = None,
    raci: Path | None = None,
    read: Reading | None = None,
) -> Side:
    """Read one side: an organisation's RDF file, or a people table (CSV or XLSX) with its
    RACI table if given, imported as ``ppo org import`` does into a Turtle file under ``work``."""
    from ppo_graph.engine import KnowledgeGraph

    if not is_rdf(path):
        path = import_people(path, work, roles_kg, raci, read)
    return read_side(KnowledgeGraph.open([path]))


def import_people(
    path: Path,
    work: Path,
    roles_kg: Graph | None = None,
    raci: Path | None = None,
    read: Reading | None = None,
) -> Path:
    """The people table at ``path`` (and the RACI table ``raci``) as Turtle in ``work``
    (``ppo org import``'s reader: every bad row is refused with its file and line, exit 2; its
    notes go to ``read.notes``)."""
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.org.csvfile import read_all
    from ppo_graph.org.rdf import to_turtle

    kg = roles_kg or KnowledgeGraph.open(reasoning=False, cache=False)
    people, assignments, _ = read_all(kg, path, raci, None, read)
    out = work / f"{len(list(work.iterdir()))}-{path.stem}.ttl"
    out.write_text(to_turtle(people, assignments), encoding="utf-8")
    return out


def _row(change: str, item: str, label: str, before: str, after: str) -> dict[str, Any]:
    return {"change": change, "item": item, "label": label, "before": before, "after": after}


def _listed(items: Iterable[str]) -> str:
    return "; ".join(sorted(items))


def compare(old: Side, new: Side) -> list[dict[str, Any]]:
    """The changes from ``old`` to ``new`` as rows of :data:`COLUMNS`, in :data:`CHANGES` order."""
    out: list[dict[str, Any]] = []
    for person in sorted(new.people.keys() - old.people.keys()):
        posts = _listed(new.post_labels[key] for key in new.posts[person])
        out.append(_row("joined", person, new.people[person], "", posts))
    for person in sorted(old.people.keys() - new.people.keys()):
        posts = _listed(old.post_labels[key] for key in old.posts[person])
        out.append(_row("left", person, old.people[person], posts, ""))
    for key in sorted(old.post_labels.keys() & new.post_labels.keys()):
        before, after = old.post_labels[key], new.post_labels[key]
        if key.startswith("id:") and before != after:
            out.append(_row("renamed post", key[3:], after, before, after))
    both = sorted(old.people.keys() & new.people.keys())
    for person in both:
        if old.posts[person] != new.posts[person]:
            before = _listed(old.post_labels[key] for key in old.posts[person])
            after = _listed(new.post_labels[key] for key in new.posts[person])
            out.append(_row("changed post", person, new.people[person], before, after))
    for person in both:
        if old.roles[person] != new.roles[person]:
            before, after = _listed(old.roles[person]), _listed(new.roles[person])
            out.append(_row("changed role", person, new.people[person], before, after))
    for role in sorted(new.unheld.keys() - old.unheld.keys()):
        out.append(_row("role unheld", role, new.unheld[role], "held", "unheld"))
    for role in sorted(old.unheld.keys() - new.unheld.keys()):
        out.append(_row("role held again", role, old.unheld[role], "unheld", "held"))
    for duty in sorted(new.uncovered.keys() - old.uncovered.keys()):
        out.append(_row("duty uncovered", duty[0], new.uncovered[duty], "covered", "uncovered"))
    for duty in sorted(old.uncovered.keys() - new.uncovered.keys()):
        out.append(_row("duty covered again", duty[0], old.uncovered[duty], "uncovered", "covered"))
    names = {**old.people, **new.people}
    for person, first, second in sorted(new.conflicts - old.conflicts):
        out.append(_row("conflict", person, names[person], "", f"{first} + {second}"))
    for person, first, second in sorted(old.conflicts - new.conflicts):
        out.append(_row("conflict resolved", person, names[person], f"{first} + {second}", ""))
    order = {change: i for i, change in enumerate(CHANGES)}
    return sorted(out, key=lambda r: order[r["change"]])  # stable: each group keeps its order


def diff(
    old: Path,
    new: Path,
    old_raci: Path | None = None,
    new_raci: Path | None = None,
    read: Reading | None = None,
) -> list[dict[str, Any]]:
    """The changes from the organisation in ``old`` to the one in ``new`` (:func:`compare`); a
    people table side may come with its RACI table (``old_raci``, ``new_raci``)."""
    from ppo_graph.engine import KnowledgeGraph

    roles_kg = None
    if not (is_rdf(old) and is_rdf(new)):  # the roles and duties tables name, opened once
        roles_kg = KnowledgeGraph.open(reasoning=False, cache=False)
    with tempfile.TemporaryDirectory(prefix="ppo-org-diff-") as folder:
        work = Path(folder)
        return compare(
            open_side(old, work, roles_kg, old_raci, read),
            open_side(new, work, roles_kg, new_raci, read),
        )


def diff_text(rows: list[dict[str, Any]], old: Path, new: Path) -> str:
    """The changes as ``ppo org diff`` prints them: one table per kind of change, with its
    count; kinds without a change are left out, and a line says when nothing changed."""
    from ppo_graph.tables import format_table

    lines = [f"From {old} to {new}: {len(rows)} change(s).\n"]
    for change in CHANGES:
        group = [r for r in rows if r["change"] == change]
        if not group:
            continue
        columns = ["item", "label", "before", "after"]
        if change == "joined":
            columns = ["item", "label", "after"]
        elif change == "left":
            columns = ["item", "label", "before"]
        elif change.startswith(("role", "duty")):
            columns = ["item", "label"]
        lines.append(f"{change}: {len(group)}")
        lines.append(format_table(group, columns, 100, footer=False))
    return "\n".join(lines) + "\n"
