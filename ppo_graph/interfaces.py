"""Process interfaces and role/artefact links as networkx graphs, read from the reasoned RDF.

Nothing here is a hand-kept list: every node and edge comes from a SPARQL query of the catalogue
(``queries/reports/graph-*.rq``) run on the graph (normally the union of asserted and inferred
triples), so a new interface or duty in ``data/`` shows up in the pictures, exports and metrics
without touching this module.

- :func:`interface_graph`: processes as nodes, one edge per ``ppo:Interface`` (keyed by its IRI),
  carrying its type and the duties that evidence it.
- :func:`role_graph`: role -> process (owns, manages, ...), role -> artefact (produces, uses, ...,
  through the role's own duties) and process -> artefact (the artefacts ITIL assigns it).
- :func:`metrics` (in :mod:`ppo_graph.process_metrics`, re-exported): per-process degree,
  betweenness and hub flag, as analysts read them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

from ppo_graph.namespaces import PPO_NS, local_name
from ppo_graph.process_metrics import (
    HUB_MEDIAN_FACTOR,
    HUB_MIN_PARTNERS,
    ProcessMetrics,
    hub_rule,
    interface_rows,
    metrics,
)
from ppo_graph.tables import parts, simplify

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "HUB_MEDIAN_FACTOR",
    "HUB_MIN_PARTNERS",
    "Evidence",
    "Names",
    "ProcessMetrics",
    "RowSource",
    "hub_rule",
    "interface_graph",
    "interface_rows",
    "interface_types",
    "metrics",
    "role_graph",
]


class RowSource(Protocol):
    """What the views read a graph through: a catalogue query's rows by name, one dict per row,
    column -> RDF term (None when unbound). The engine's graphs offer it
    (:class:`~ppo_graph.engine.protocol.Graph`: in-process, pyoxigraph, or in a store), and so
    does the reference backend's reader of an rdflib graph
    (:class:`ppo_graph.backends.reference.query.GraphRows`, the tests' oracle)."""

    def rows(
        self, name_or_spec: str, params: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]: ...


class Evidence(TypedDict):
    """One duty that evidences an edge: its IRI, verbatim text, role and place in the source."""

    duty: str
    text: str
    role: str
    role_label: str
    section: str
    position: int | None


#: Relations of the role graph, in the order legends list them.
ROLE_RELATIONS = ("specialises", "owns", "manages", "role of")
DUTY_RELATIONS = ("produces", "maintains", "reviews", "uses", "contributes to", "mentions")
ARTEFACT_OWNER_RELATION = "owns artefact"

_INTERFACE = PPO_NS + "Interface"
_OWNS_PROCESS = PPO_NS + "ownsProcess"
_DUTY_PROPERTIES: dict[str, str] = {
    PPO_NS + "produces": "produces",
    PPO_NS + "maintains": "maintains",
    PPO_NS + "reviews": "reviews",
    PPO_NS + "uses": "uses",
    PPO_NS + "contributesTo": "contributes to",
    PPO_NS + "mentionsArtefact": "mentions",
}
_ROLE_PROPERTIES: dict[str, str] = {
    PPO_NS + "specialises": "specialises",
    PPO_NS + "ownsProcess": "owns",
    PPO_NS + "managesProcess": "manages",
    PPO_NS + "roleOfProcess": "role of",
}


def _text(term: Any) -> str:
    """A term's text: an IRI, a blank node's id, a literal's lexical form ("" when unbound)."""
    return "" if term is None else parts(term)[1]


def _rows(graph: RowSource, name: str) -> list[dict[str, Any]]:
    """A report query's rows (``queries/reports/NAME.rq``) in a stable order, so graphs,
    layouts and outputs are reproducible."""
    return sorted(graph.rows(name), key=lambda row: tuple(_text(v) for v in row.values()))


@dataclass
class Names:
    """How the views name nodes: labels (with their language) and abbreviations, read once from
    the ``graph-labels`` and ``graph-abbreviations`` reports."""

    labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (text, language)
    abbreviations: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, graph: RowSource) -> Names:
        names = cls()
        for row in graph.rows("graph-labels"):
            _kind, text, _datatype, language = parts(row["label"])
            names.labels.setdefault(_text(row["node"]), []).append((text, language or ""))
        for row in graph.rows("graph-abbreviations"):
            names.abbreviations.setdefault(_text(row["node"]), []).append(
                _text(row["abbreviation"])
            )
        return names

    def label(self, node: str) -> str:
        """The English (or untagged) label, else any label, else the IRI's local name; the
        first in code-point order where there are several, so the choice is deterministic."""
        found = self.labels.get(node, [])
        preferred = sorted(text for text, language in found if language.lower() in ("", "en"))
        if preferred:
            return preferred[0]
        if found:
            return sorted(text for text, _language in found)[0]
        return local_name(node)

    def abbreviation(self, node: str) -> str:
        values = sorted(self.abbreviations.get(node, []))
        return values[0] if values else ""


def label_of(graph: RowSource, node: str) -> str:
    """The English (or untagged) rdfs:label, else the IRI's local name; deterministic."""
    return Names.read(graph).label(str(node))


def abbreviation_of(graph: RowSource, node: str) -> str:
    return Names.read(graph).abbreviation(str(node))


def type_name(cls: str) -> str:
    """``ppo:ServiceLevelInterface`` -> ``service-level``: the short, stable edge type."""
    name = local_name(cls)
    if name.endswith("Interface") and name != "Interface":
        name = name[: -len("Interface")]
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def section_key(section: str) -> tuple[int, ...]:
    """Sort "7.10" after "7.9"."""
    return tuple(int(part) for part in re.findall(r"\d+", section)) or (10**6,)


def evidence_key(ev: Evidence) -> tuple[tuple[int, ...], int, str]:
    return (section_key(ev["section"]), ev["position"] or 0, ev["duty"])


def _duties(graph: RowSource, names: Names) -> dict[str, Evidence]:
    duties: dict[str, Evidence] = {}
    for row in _rows(graph, "graph-duties"):
        duty = _text(row["duty"])
        if duty in duties:  # several labels/sections: keep the first, deterministically
            continue
        role = _text(row["role"])
        position = simplify(row["position"])
        duties[duty] = Evidence(
            duty=duty,
            text=_text(row["text"]),
            role=role,
            role_label=names.label(role) if row["role"] is not None else "",
            section=_text(row["section"]),
            position=position if isinstance(position, int) else None,
        )
    return duties


def _interface_classes(graph: RowSource) -> dict[str, set[str]]:
    """Every interface type (a subclass of ppo:Interface) -> the other such types it is a
    subclass of."""
    broader: dict[str, set[str]] = {}
    for row in _rows(graph, "graph-interface-classes"):
        found = broader.setdefault(_text(row["type"]), set())
        if row["broader"] is not None:
            found.add(_text(row["broader"]))
    return broader


def _most_specific(broader: dict[str, set[str]], types: set[str]) -> list[str]:
    """Drop any type that is a superclass of another type of the same interface."""
    keep = [t for t in types if not any(o != t and t in broader.get(o, ()) for o in types)]
    return sorted(keep)


def _role_duties(duties: dict[str, Evidence]) -> dict[str, list[Evidence]]:
    by_role: dict[str, list[Evidence]] = defaultdict(list)
    for ev in duties.values():
        if ev["role"]:
            by_role[ev["role"]].append(ev)
    for evs in by_role.values():
        evs.sort(key=evidence_key)
    return by_role


def _is_true(term: Any) -> bool:
    """A term read as a flag: a boolean literal's value, any other bound value as true."""
    return term is not None and bool(simplify(term))


def interface_graph(graph: RowSource) -> nx.MultiDiGraph:
    """Processes and the interfaces between them.

    Nodes are process IRIs with ``label``, ``abbreviation``, ``is_ppo`` and ``roles`` (the roles
    that own or manage the process, each with its own duties). Edges run from ``ppo:fromProcess``
    to ``ppo:toProcess``, keyed by the interface IRI, with ``type`` (e.g. ``"coordination"``),
    ``type_label``, ``label``, ``stated`` and ``evidence`` (a list of :class:`Evidence`).
    """
    import networkx as nx

    names = Names.read(graph)
    result = nx.MultiDiGraph(kind="interfaces")
    for row in _rows(graph, "graph-processes"):
        process, is_ppo = _text(row["process"]), _is_true(row["isPPO"])
        result.add_node(
            process,
            iri=process,
            label=names.label(process),
            abbreviation=names.abbreviation(process),
            is_ppo=is_ppo,
            kind="ppo" if is_ppo else "process",
            roles=[],
        )

    duties = _duties(graph, names)
    role_duties = _role_duties(duties)
    by_process = sorted(
        _rows(graph, "graph-process-roles"),
        key=lambda r: (_text(r["process"]), _text(r["relation"]), _text(r["role"])),
    )
    for row in by_process:
        process, role = _text(row["process"]), _text(row["role"])
        if process not in result:
            continue
        result.nodes[process]["roles"].append(
            {
                "role": role,
                "label": names.label(role),
                "relation": "owner" if _text(row["relation"]) == _OWNS_PROCESS else "manager",
                "duties": role_duties.get(role, []),
            }
        )

    broader = _interface_classes(graph)
    types: dict[str, set[str]] = defaultdict(set)
    for row in _rows(graph, "graph-interface-types"):
        types[_text(row["interface"])].add(_text(row["type"]))
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for row in _rows(graph, "graph-interface-evidence"):
        duty = _text(row["duty"])
        if duty in duties:
            evidence[_text(row["interface"])].append(duties[duty])

    for row in _rows(graph, "graph-interfaces"):
        iri, source, target = _text(row["interface"]), _text(row["from"]), _text(row["to"])
        if result.has_edge(source, target, key=iri):
            continue  # two values of a functional property would be a SHACL error, not ours
        classes = _most_specific(broader, types.get(iri, set())) or [_INTERFACE]
        result.add_edge(
            source,
            target,
            key=iri,
            iri=iri,
            type=type_name(classes[0]),
            type_label=names.label(classes[0]),
            label=names.label(iri),
            stated=_is_true(row["stated"]),
            evidence=sorted(evidence.get(iri, []), key=evidence_key),
        )
    for node in (n for n, attrs in result.nodes(data=True) if "label" not in attrs):
        # an interface end that is not typed ppo:Process
        result.nodes[node].update(
            iri=node,
            label=names.label(node),
            abbreviation=names.abbreviation(node),
            is_ppo=False,
            kind="process",
            roles=[],
        )
    return result


def interface_types(graph: RowSource) -> list[tuple[str, str]]:
    """All interface types the ontology defines, as ``(type, label)`` sorted by type."""
    names = Names.read(graph)
    found = {type_name(cls): names.label(cls) for cls in sorted(_interface_classes(graph))}
    return sorted(found.items())


def role_graph(graph: RowSource) -> nx.MultiDiGraph:
    """Roles, the processes they own or manage, and the artefacts their duties touch.

    Nodes have ``kind`` in ``role``, ``generic-role``, ``external-role``, ``process``, ``ppo``
    (a PPO process) and ``artefact``. Edges are keyed by their ``relation``: role -> role
    ``specialises``; role -> process ``owns``, ``manages``, ``role of``; role -> artefact
    ``produces``, ``maintains``, ``reviews``, ``uses``, ``contributes to`` or ``mentions`` (the
    most specific one the role's own duties state, with those duties as ``evidence``); and
    process -> artefact ``owns artefact`` (``ppo:ownedByProcess`` read the other way).
    """
    import networkx as nx

    names = Names.read(graph)
    result = nx.MultiDiGraph(kind="roles")
    ppo_processes = {
        _text(row["process"]) for row in _rows(graph, "graph-processes") if _is_true(row["isPPO"])
    }

    def add_node(iri: str, kind: str) -> str:
        if iri not in result:
            result.add_node(
                iri,
                iri=iri,
                label=names.label(iri),
                abbreviation=names.abbreviation(iri),
                kind=kind,
                is_ppo=kind == "ppo",
            )
        return iri

    def process_kind(iri: str) -> str:
        return "ppo" if iri in ppo_processes else "process"

    duties = _duties(graph, names)
    role_duties = _role_duties(duties)
    for row in _rows(graph, "graph-roles"):
        key = add_node(_text(row["role"]), _text(row["kind"]))
        result.nodes[key]["duties"] = role_duties.get(key, [])

    for row in _rows(graph, "graph-role-links"):
        relation = _ROLE_PROPERTIES[_text(row["relation"])]
        role, linked = _text(row["role"]), _text(row["target"])
        if role not in result:
            continue
        if relation == "specialises":
            if linked not in result:
                continue
            target = linked
        else:
            target = add_node(linked, process_kind(linked))
        result.add_edge(role, target, key=relation, relation=relation, evidence=[])

    for row in _rows(graph, "graph-artefacts"):
        add_node(_text(row["artefact"]), "artefact")

    touches: dict[tuple[str, str], dict[str, list[Evidence]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in _rows(graph, "graph-duty-artefacts"):
        ev = duties.get(_text(row["duty"]))
        if ev is None or not ev["role"] or ev["role"] not in result:
            continue
        artefact = add_node(_text(row["artefact"]), "artefact")
        touches[(ev["role"], artefact)][_DUTY_PROPERTIES[_text(row["relation"])]].append(ev)
    for (role, artefact), by_relation in touches.items():
        specific = {rel: evs for rel, evs in by_relation.items() if rel != "mentions"}
        mentioned_only = {d["duty"] for d in by_relation.get("mentions", [])} - {
            d["duty"] for evs in specific.values() for d in evs
        }
        if mentioned_only:  # a duty that names the artefact without saying how
            specific["mentions"] = [
                d for d in by_relation["mentions"] if d["duty"] in mentioned_only
            ]
        for relation, evs in specific.items():
            unique = {d["duty"]: d for d in evs}
            result.add_edge(
                role,
                artefact,
                key=relation,
                relation=relation,
                evidence=sorted(unique.values(), key=evidence_key),
            )

    for row in _rows(graph, "graph-artefact-owners"):
        artefact = add_node(_text(row["artefact"]), "artefact")
        process = _text(row["process"])
        add_node(process, process_kind(process))
        result.add_edge(
            process,
            artefact,
            key=ARTEFACT_OWNER_RELATION,
            relation=ARTEFACT_OWNER_RELATION,
            evidence=[],
        )
    return result
