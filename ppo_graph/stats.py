"""Counts for ``ppo stats``: roles, duties per role (direct and inherited), processes,
artefacts, interfaces and triples, from the catalogue's ``queries/reports/stats-*.rq``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ppo_graph.tables import format_columns

if TYPE_CHECKING:
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.engine.protocol import Graph


@dataclass
class RoleCount:
    iri: str
    label: str
    direct: int
    inherited: int


@dataclass
class Stats:
    roles: list[RoleCount] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    interface_types: dict[str, int] = field(default_factory=dict)
    asserted_triples: int = 0
    inferred_triples: int = 0


def _rows(kg: Graph, name: str) -> list[dict[str, str]]:
    """A report query's rows (``queries/reports/NAME.rq``) as dicts of strings, unbound
    variables left out; IRIs in full."""
    return [{k: v.value for k, v in row.items() if v is not None} for row in kg.rows(name)]


def compute(kg: KnowledgeGraph) -> Stats:
    """Counts over the engine's reasoned graph (without reasoning inherited duties read 0)."""
    stats = Stats(asserted_triples=kg.asserted_count, inferred_triples=kg.inferred_count)
    for row in _rows(kg, "stats-role-duties"):
        direct, total = int(row["direct"]), int(row["total"])
        stats.roles.append(RoleCount(row["role"], row["label"], direct, max(total - direct, 0)))
    for row in _rows(kg, "stats-counts"):
        stats.counts[row["what"]] = int(row["count"])
    for row in _rows(kg, "stats-interface-types"):
        stats.interface_types[row["type"]] = int(row["interfaces"])
    return stats


#: The columns of :func:`stat_rows`.
STAT_COLUMNS = ["group", "item", "value", "direct", "inherited"]


def stat_rows(stats: Stats) -> list[dict[str, object]]:
    """The counts as rows (``ppo stats --format csv`` and the other row formats): the counts
    (group ``count``, triples included), a row per role (its duties carried, direct and
    inherited), a row per interface type."""
    counts = [
        *stats.counts.items(),
        ("triples asserted", stats.asserted_triples),
        ("triples inferred", stats.inferred_triples),
    ]
    rows: list[dict[str, object]] = [
        {"group": "count", "item": what, "value": count} for what, count in counts
    ]
    rows += [
        {
            "group": "role duties",
            "item": r.label,
            "value": r.direct + r.inherited,
            "direct": r.direct,
            "inherited": r.inherited,
        }
        for r in stats.roles
    ]
    rows += [
        {"group": "interface type", "item": kind, "value": count}
        for kind, count in stats.interface_types.items()
    ]
    return rows


def format_text(stats: Stats) -> str:
    counts = [
        *stats.counts.items(),
        ("triples asserted", stats.asserted_triples),
        ("triples inferred", stats.inferred_triples),
    ]
    lines = ["PPO knowledge graph", "", *format_columns(counts, "<>", indent="  ", widths=(0, 5))]
    lines += ["", "Duties per role (direct + inherited from the generic role = carried):"]
    roles: list[tuple[str | int, ...]] = [("role", "direct", "inherited", "carried")]
    roles += [(r.label, r.direct, r.inherited, r.direct + r.inherited) for r in stats.roles]
    lines += format_columns(roles, "<>>>", indent="  ")
    if stats.interface_types:
        lines += ["", "Interfaces by type:"]
        types = list(stats.interface_types.items())
        lines += format_columns(types, "<>", indent="  ", gap=" ", widths=(30, 3))
    return "\n".join(lines) + "\n"
