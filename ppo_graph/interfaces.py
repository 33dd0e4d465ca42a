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
from typing import TYPE_CHECKING, Any, TypedDict

from rdflib import RDFS, Graph, Literal, URIRef

from ppo_graph.backends.reference.namespaces import PPO
from ppo_graph.namespaces import local_name
from ppo_graph.process_metrics import (
    HUB_MEDIAN_FACTOR,
    HUB_MIN_PARTNERS,
    ProcessMetrics,
    hub_rule,
    interface_rows,
    metrics,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "HUB_MEDIAN_FACTOR",
    "HUB_MIN_PARTNERS",
    "Evidence",
    "ProcessMetrics",
    "hub_rule",
    "interface_graph",
    "interface_rows",
    "interface_types",
    "metrics",
    "role_graph",
]


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

_DUTY_PROPERTIES: dict[URIRef, str] = {
    PPO.produces: "produces",
    PPO.maintains: "maintains",
    PPO.reviews: "reviews",
    PPO.uses: "uses",
    PPO.contributesTo: "contributes to",
    PPO.mentionsArtefact: "mentions",
}
_ROLE_PROPERTIES: dict[URIRef, str] = {
    PPO.specialises: "specialises",
    PPO.ownsProcess: "owns",
    PPO.managesProcess: "manages",
    PPO.roleOfProcess: "role of",
}


def _rows(g: Graph, name: str) -> list[dict[str, Any]]:
    """A report query's rows (``queries/reports/NAME.rq``, run on rdflib) in a stable order, so
    graphs, layouts and outputs are reproducible."""
    from ppo_graph.backends.reference.query import run_query

    return sorted(run_query(g, name), key=lambda row: tuple(str(v) for v in row.values()))


def label_of(g: Graph, node: URIRef) -> str:
    """The English (or untagged) rdfs:label, else the IRI's local name; deterministic."""
    labels = [lit for lit in g.objects(node, RDFS.label) if isinstance(lit, Literal)]
    preferred = sorted(str(x) for x in labels if x.language in (None, "en"))
    if preferred:
        return preferred[0]
    if labels:
        return sorted(str(x) for x in labels)[0]
    return local_name(node)


def abbreviation_of(g: Graph, node: URIRef) -> str:
    values = sorted(str(x) for x in g.objects(node, PPO.abbreviation))
    return values[0] if values else ""


def type_name(cls: URIRef | str) -> str:
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


def _duties(g: Graph) -> dict[URIRef, Evidence]:
    duties: dict[URIRef, Evidence] = {}
    for row in _rows(g, "graph-duties"):
        duty = row["duty"]
        if duty in duties:  # several labels/sections: keep the first, deterministically
            continue
        role, text, section = row["role"], row["text"], row["section"]
        position = row["position"].toPython() if row["position"] is not None else None
        duties[duty] = Evidence(
            duty=str(duty),
            text=str(text) if text is not None else "",
            role=str(role) if role is not None else "",
            role_label=label_of(g, role) if role is not None else "",
            section=str(section) if section is not None else "",
            position=position if isinstance(position, int) else None,
        )
    return duties


def _most_specific(g: Graph, types: set[URIRef]) -> list[URIRef]:
    """Drop any type that is a superclass of another type of the same interface."""
    keep = [t for t in types if not any(o != t and (o, RDFS.subClassOf, t) in g for o in types)]
    return sorted(keep)


def _role_duties(g: Graph, duties: dict[URIRef, Evidence]) -> dict[str, list[Evidence]]:
    by_role: dict[str, list[Evidence]] = defaultdict(list)
    for ev in duties.values():
        if ev["role"]:
            by_role[ev["role"]].append(ev)
    for evs in by_role.values():
        evs.sort(key=evidence_key)
    return by_role


def interface_graph(g: Graph) -> nx.MultiDiGraph:
    """Processes and the interfaces between them.

    Nodes are process IRIs with ``label``, ``abbreviation``, ``is_ppo`` and ``roles`` (the roles
    that own or manage the process, each with its own duties). Edges run from ``ppo:fromProcess``
    to ``ppo:toProcess``, keyed by the interface IRI, with ``type`` (e.g. ``"coordination"``),
    ``type_label``, ``label``, ``stated`` and ``evidence`` (a list of :class:`Evidence`).
    """
    import networkx as nx

    graph = nx.MultiDiGraph(kind="interfaces")
    for row in _rows(g, "graph-processes"):
        process, is_ppo = row["process"], bool(row["isPPO"].toPython())
        graph.add_node(
            str(process),
            iri=str(process),
            label=label_of(g, process),
            abbreviation=abbreviation_of(g, process),
            is_ppo=is_ppo,
            kind="ppo" if is_ppo else "process",
            roles=[],
        )

    duties = _duties(g)
    role_duties = _role_duties(g, duties)
    by_process = sorted(
        _rows(g, "graph-process-roles"),
        key=lambda r: (str(r["process"]), str(r["relation"]), str(r["role"])),
    )
    for row in by_process:
        process, role = str(row["process"]), row["role"]
        if process not in graph:
            continue
        graph.nodes[process]["roles"].append(
            {
                "role": str(role),
                "label": label_of(g, role),
                "relation": "owner" if row["relation"] == PPO.ownsProcess else "manager",
                "duties": role_duties.get(str(role), []),
            }
        )

    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for row in _rows(g, "graph-interface-types"):
        types[row["interface"]].add(row["type"])
    evidence: dict[URIRef, list[Evidence]] = defaultdict(list)
    for row in _rows(g, "graph-interface-evidence"):
        if row["duty"] in duties:
            evidence[row["interface"]].append(duties[row["duty"]])

    for row in _rows(g, "graph-interfaces"):
        iri, source, target = row["interface"], str(row["from"]), str(row["to"])
        if graph.has_edge(source, target, key=str(iri)):
            continue  # two values of a functional property would be a SHACL error, not ours
        classes = _most_specific(g, types.get(iri, set())) or [PPO.Interface]
        stated = row["stated"].toPython() if row["stated"] is not None else False
        graph.add_edge(
            source,
            target,
            key=str(iri),
            iri=str(iri),
            type=type_name(classes[0]),
            type_label=label_of(g, classes[0]),
            label=label_of(g, iri),
            stated=bool(stated),
            evidence=sorted(evidence.get(iri, []), key=evidence_key),
        )
    for node in (n for n, attrs in graph.nodes(data=True) if "label" not in attrs):
        ref = URIRef(node)  # an interface end that is not typed ppo:Process
        graph.nodes[node].update(
            iri=node,
            label=label_of(g, ref),
            abbreviation=abbreviation_of(g, ref),
            is_ppo=False,
            kind="process",
            roles=[],
        )
    return graph


def interface_types(g: Graph) -> list[tuple[str, str]]:
    """All interface types the ontology defines, as ``(type, label)`` sorted by type."""
    found = {
        type_name(cls): label_of(g, cls)
        for cls in g.subjects(RDFS.subClassOf, PPO.Interface)
        if isinstance(cls, URIRef) and cls != PPO.Interface
    }
    return sorted(found.items())


def role_graph(g: Graph) -> nx.MultiDiGraph:
    """Roles, the processes they own or manage, and the artefacts their duties touch.

    Nodes have ``kind`` in ``role``, ``generic-role``, ``external-role``, ``process``, ``ppo``
    (a PPO process) and ``artefact``. Edges are keyed by their ``relation``: role -> role
    ``specialises``; role -> process ``owns``, ``manages``, ``role of``; role -> artefact
    ``produces``, ``maintains``, ``reviews``, ``uses``, ``contributes to`` or ``mentions`` (the
    most specific one the role's own duties state, with those duties as ``evidence``); and
    process -> artefact ``owns artefact`` (``ppo:ownedByProcess`` read the other way).
    """
    import networkx as nx

    graph = nx.MultiDiGraph(kind="roles")
    ppo_processes = {
        str(row["process"]) for row in _rows(g, "graph-processes") if row["isPPO"].toPython()
    }

    def add_node(iri: URIRef, kind: str) -> str:
        key = str(iri)
        if key not in graph:
            graph.add_node(
                key,
                iri=key,
                label=label_of(g, iri),
                abbreviation=abbreviation_of(g, iri),
                kind=kind,
                is_ppo=kind == "ppo",
            )
        return key

    def process_kind(iri: URIRef) -> str:
        return "ppo" if str(iri) in ppo_processes else "process"

    duties = _duties(g)
    role_duties = _role_duties(g, duties)
    for row in _rows(g, "graph-roles"):
        key = add_node(row["role"], str(row["kind"]))
        graph.nodes[key]["duties"] = role_duties.get(key, [])

    for row in _rows(g, "graph-role-links"):
        relation = _ROLE_PROPERTIES[row["relation"]]
        role, linked = str(row["role"]), row["target"]
        if role not in graph:
            continue
        if relation == "specialises":
            if str(linked) not in graph:
                continue
            target = str(linked)
        else:
            target = add_node(linked, process_kind(linked))
        graph.add_edge(role, target, key=relation, relation=relation, evidence=[])

    for row in _rows(g, "graph-artefacts"):
        add_node(row["artefact"], "artefact")

    touches: dict[tuple[str, str], dict[str, list[Evidence]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in _rows(g, "graph-duty-artefacts"):
        ev = duties.get(row["duty"])
        if ev is None or not ev["role"] or ev["role"] not in graph:
            continue
        artefact = add_node(row["artefact"], "artefact")
        touches[(ev["role"], artefact)][_DUTY_PROPERTIES[row["relation"]]].append(ev)
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
            graph.add_edge(
                role,
                artefact,
                key=relation,
                relation=relation,
                evidence=sorted(unique.values(), key=evidence_key),
            )

    for row in _rows(g, "graph-artefact-owners"):
        artefact = add_node(row["artefact"], "artefact")
        process = add_node(row["process"], process_kind(row["process"]))
        graph.add_edge(
            process,
            artefact,
            key=ARTEFACT_OWNER_RELATION,
            relation=ARTEFACT_OWNER_RELATION,
            evidence=[],
        )
    return graph
