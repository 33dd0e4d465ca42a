"""Resolving the names a CSV gives (roles, duties) against the graph, with close matches for an
unknown one (difflib)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ppo_graph.names import Resolver, from_rows, key
from ppo_graph.namespaces import compact

#: The one resolver (ppo_graph/names.py); the CSV readers index their own names (posts) with it.
Names = Resolver


def role_names(rows: Iterable[Mapping[str, str]]) -> Resolver:
    """From the org-roles report: each role by IRI, CURIE, label and other names; a process role
    also by its short forms ("Capacity Manager", "ISM Owner", "ITSCM Process Manager"); its
    hidden labels as fallback phrases (:func:`ppo_graph.names.from_rows`)."""
    return from_rows(
        (
            {
                "node": row["role"],
                "name": row["name"],
                "how": row.get("how") or ("hidden" if _true(row.get("hidden")) else "label"),
                "kind": row.get("kind", ""),
                "abbreviation": row.get("abbreviation", ""),
                "process": row.get("process", ""),
            }
            for row in rows
        ),
        "role",
        hint="`ppo org import --help` says how roles are named",
    )


def _true(value: object) -> bool:
    return str(value or "").lower() in ("true", "1")


def duty_names(duties: Iterable[str]) -> Resolver:
    """Each duty by IRI, CURIE (ppod:duty-7.6-14) and local name (duty-7.6-14)."""
    names = Resolver("duty", hint="`ppo org import --help` says how duties are named")
    for iri in duties:
        curie = compact(iri)
        names.add_node(iri)
        names.add(curie, iri)
    return names


def fold(name: str) -> str:
    """What is left of a name without case, spaces and punctuation: the names a reader (or an
    IRI slug) could take for one (the resolver's key)."""
    return key(name)


def near_duplicates(named: Iterable[tuple[int, str]]) -> list[tuple[tuple[int, str], ...]]:
    """Groups of different exact names (each with the first line that gives it) that differ only
    in case, spaces or punctuation ("Service Desk", "service desk"); in the order first seen."""
    first: dict[str, int] = {}
    for line, name in named:
        first.setdefault(name, line)
    groups: dict[str, list[tuple[int, str]]] = {}
    for name, line in first.items():
        groups.setdefault(fold(name) or name, []).append((line, name))
    return [tuple(group) for group in groups.values() if len(group) > 1]
