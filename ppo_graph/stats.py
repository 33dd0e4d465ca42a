"""Counts for ``ppo stats``: roles, duties per role (direct and inherited), processes,
artefacts, interfaces and triples."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .prefixes import sparql_prologue

_PREFIXES = sparql_prologue()

_ROLE_DUTIES = (
    _PREFIXES
    + """
SELECT ?role ?label (COUNT(DISTINCT ?own) AS ?direct) (COUNT(DISTINCT ?any) AS ?total)
WHERE {
  ?role a ppo:Role ; rdfs:label ?label .
  OPTIONAL { ?own ppo:isDutyOf ?role }
  OPTIONAL { ?role ppo:carriesDuty ?any }
}
GROUP BY ?role ?label ORDER BY ?label
"""
)

_COUNT = _PREFIXES + "\nSELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}"

_INTERFACE_TYPES = (
    _PREFIXES
    + """
SELECT ?label (COUNT(DISTINCT ?i) AS ?n) WHERE {
  ?i a ppo:Interface , ?type . ?type rdfs:subClassOf ppo:Interface ; rdfs:label ?label .
  FILTER(?type != ppo:Interface)
} GROUP BY ?label ORDER BY DESC(?n) ?label
"""
)


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


COUNTED = (
    ("roles", "ppo:Role"),
    ("duties", "ppo:Duty"),
    ("processes", "ppo:Process"),
    ("PPO processes", "ppo:PPOProcess"),
    ("artefacts", "ppo:Artefact"),
    ("interfaces", "ppo:Interface"),
    ("parties and bodies", "ppo:Party"),
    ("external roles", "ppo:ExternalRole"),
    ("themes", "skos:Concept"),
    ("source defects", "ppo:SourceDefect"),
)


def _rows(kg: Any, query: str) -> list[dict[str, str]]:
    """SELECT results as dicts of strings (unbound variables left out); IRIs in full."""
    result = kg.query(query)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def compute(kg: Any) -> Stats:
    """Counts over the engine's reasoned graph (without reasoning inherited duties read 0)."""
    stats = Stats(asserted_triples=kg.asserted_count, inferred_triples=kg.inferred_count)
    for row in _rows(kg, _ROLE_DUTIES):
        direct, total = int(row["direct"]), int(row["total"])
        stats.roles.append(RoleCount(row["role"], row["label"], direct, max(total - direct, 0)))
    for name, cls in COUNTED:
        (row,) = _rows(kg, _COUNT.format(cls=cls))
        stats.counts[name] = int(row["n"])
    for row in _rows(kg, _INTERFACE_TYPES):
        stats.interface_types[row["label"]] = int(row["n"])
    return stats


def format_text(stats: Stats) -> str:
    lines = ["PPO knowledge graph", ""]
    width = max(len(name) for name in stats.counts)
    for name, value in stats.counts.items():
        lines.append(f"  {name:<{width}}  {value:>5}")
    lines.append(f"  {'triples asserted':<{width}}  {stats.asserted_triples:>5}")
    lines.append(f"  {'triples inferred':<{width}}  {stats.inferred_triples:>5}")
    lines += ["", "Duties per role (direct + inherited from the generic role = carried):"]
    label_width = max((len(r.label) for r in stats.roles), default=10)
    lines.append(f"  {'role':<{label_width}}  direct  inherited  carried")
    for r in stats.roles:
        lines.append(
            f"  {r.label:<{label_width}}  {r.direct:>6}  {r.inherited:>9}  {r.direct + r.inherited:>7}"
        )
    if stats.interface_types:
        lines += ["", "Interfaces by type:"]
        for label, n in stats.interface_types.items():
            lines.append(f"  {label:<30} {n:>3}")
    return "\n".join(lines) + "\n"
