"""The scene: one view of the reasoned graph as nodes (label wrapped into lines, a box size and
a position) and typed, coloured edges with their evidence, plus the legend's types.

Every writer draws a scene and nothing else, so the page, the SVG, the PNG, the DOT and the
GraphML show the same nodes at the same places (:mod:`.layout` places them).
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ppo_graph.formats import View
from ppo_graph.viz.geometry import EdgeRoute, route_edges
from ppo_graph.viz.layout import frame_slide, layered_layout, place_labels, ring_layout
from ppo_graph.viz.styles import (
    CHAR_WIDTH,
    KIND_ORDER,
    LINE_HEIGHT,
    SLIDE_ASPECT,
    SLIDE_INNER_RADIUS,
    KindStyle,
    kind_style,
    type_colour,
)

if TYPE_CHECKING:  # networkx loads inside the functions: `ppo --help` stays instant
    import networkx as nx

    from ppo_graph.interfaces import Evidence, ProcessMetrics, RowSource

TITLES = {
    View.INTERFACES: "PPO process interfaces",
    View.ROLES: "PPO roles and the processes they own or manage",
    View.ARTEFACTS: "PPO roles, artefacts and the processes that own them",
    View.PPO: "The five PPO processes and their interfaces",
}
#: The views whose edges are interfaces between processes.
INTERFACE_VIEWS = (View.INTERFACES, View.PPO)


@dataclass
class SceneNode:
    id: str
    label: str
    lines: list[str]
    kind: str
    width: float
    height: float
    x: float = 0.0
    y: float = 0.0
    abbreviation: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    slide: bool = False

    @property
    def style(self) -> KindStyle:
        return kind_style(self.kind, self.slide)


@dataclass
class SceneEdge:
    id: str
    source: str
    target: str
    type: str
    type_label: str
    label: str
    stated: bool
    evidence: list[Evidence]

    @property
    def colour(self) -> str:
        return type_colour(self.type)


@dataclass
class Scene:
    view: View
    title: str
    nodes: list[SceneNode]
    edges: list[SceneEdge]
    types: list[tuple[str, str, int]]  # (type, label, count), legend order
    graph: nx.MultiDiGraph
    metrics: list[ProcessMetrics] = field(default_factory=list)  # interface views only
    #: each edge's curve, clear of every box it does not connect (:func:`.route_edges`)
    routes: dict[str, EdgeRoute] = field(default_factory=dict)
    #: the slide only: where each edge's label (its type) sits, the 16:9 frame (x, y, width,
    #: height) every writer draws, and the top left corner of the legend inside it
    label_at: dict[str, tuple[float, float]] = field(default_factory=dict)
    canvas: tuple[float, float, float, float] | None = None
    legend_at: tuple[float, float] = (0.0, 0.0)

    @property
    def slide(self) -> bool:
        """The 16:9 slide view: edges labelled with their type, larger fonts, a fixed frame."""
        return self.view is View.PPO

    @property
    def node_map(self) -> dict[str, SceneNode]:
        return {n.id: n for n in self.nodes}

    @property
    def kinds(self) -> list[str]:
        present = {n.kind for n in self.nodes}
        return [k for k in KIND_ORDER if k in present]

    @property
    def has_implied(self) -> bool:
        return any(not e.stated for e in self.edges)

    @property
    def types_heading(self) -> str:
        """The legend's heading over the edge types."""
        return "Interface types" if self.view in INTERFACE_VIEWS else "Relations"


def wrap_label(label: str, width: int) -> list[str]:
    return textwrap.wrap(label, width, break_long_words=False) or [label]


def box_size(lines: list[str], style: KindStyle) -> tuple[float, float]:
    longest = max(len(line) for line in lines)
    width = longest * style.font * CHAR_WIDTH[style.bold] + 24
    height = len(lines) * style.font * LINE_HEIGHT + 18
    return round(width, 1), round(height, 1)


def view_graph(graph: RowSource, view: View | str) -> nx.MultiDiGraph:
    """The networkx graph behind a view: interfaces, or a slice of the role graph, read from the
    graph's report rows (normally the engine: :class:`~ppo_graph.engine.KnowledgeGraph`)."""
    from ppo_graph import interfaces

    view = View(view)
    if view is View.INTERFACES:
        return interfaces.interface_graph(graph)
    if view is View.PPO:
        return ppo_interface_graph(interfaces.interface_graph(graph))
    full = interfaces.role_graph(graph)
    if view is View.ROLES:
        wanted = set(interfaces.ROLE_RELATIONS)
        role_kinds = {"role", "generic-role", "external-role"}
    else:
        wanted = {*interfaces.DUTY_RELATIONS, interfaces.ARTEFACT_OWNER_RELATION}
        role_kinds = {"role"}
    keep = [(u, v, k) for u, v, k, rel in full.edges(keys=True, data="relation") if rel in wanted]
    sub = full.edge_subgraph(keep).copy()
    for node, kind in full.nodes(data="kind"):  # every role, even one without such an edge
        if kind in role_kinds and node not in sub:
            sub.add_node(node, **full.nodes[node])
    sub.graph.update(full.graph, kind=view.value)
    for _u, _v, attrs in sub.edges(data=True):
        attrs["type"] = attrs["relation"]
    return sub


def ppo_interface_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The interfaces with a PPO process at one end (or both), the PPO processes and their
    partners: the slide's graph."""
    ppo = {n for n, kind in graph.nodes(data="kind") if kind == "ppo"}
    keep = [(u, v, k) for u, v, k in graph.edges(keys=True) if u in ppo or v in ppo]
    sub = graph.edge_subgraph(keep).copy()
    for node in sorted(ppo - set(sub)):  # a PPO process without any interface still shows
        sub.add_node(node, **graph.nodes[node])
    sub.graph.update(graph.graph, kind=View.PPO.value)
    return sub


def evidence_fact(ev: Evidence) -> str:
    where = f"§{ev['section']}" if ev["section"] else ""
    if ev["position"] is not None:
        where += f" #{ev['position']}"
    return f"{ev['role_label']} {where}".strip()


def _node_details(attrs: dict[str, Any], metric: ProcessMetrics | None) -> dict[str, Any]:
    kind = attrs.get("kind", "process")
    subtitle = kind_style(kind).legend
    if attrs.get("abbreviation"):
        subtitle += f" · {attrs['abbreviation']}"
    facts: list[list[str]] = []
    if metric is not None:
        facts.append(
            [
                "Interfaces",
                f"{metric['degree']} ({metric['out_degree']} out, {metric['in_degree']} in) "
                f"with {metric['partners']} processes",
            ]
        )
        facts.append(["Betweenness", f"{metric['betweenness']:.3f}"])
        if metric["hub"]:
            facts.append(["Hub", "yes: one of the processes most others work with"])
    facts.append(["IRI", attrs.get("iri", "")])
    groups: list[dict[str, Any]] = []
    for role in attrs.get("roles", []):
        facts.append([role["relation"].capitalize(), role["label"]])
        groups.append(
            {
                "heading": f"Duties of the {role['label']} ({len(role['duties'])})",
                "items": role["duties"],
            }
        )
    if attrs.get("duties"):
        groups.append({"heading": f"Own duties ({len(attrs['duties'])})", "items": attrs["duties"]})
    return {"subtitle": subtitle, "facts": facts, "groups": groups}


def build_scene(reasoned: RowSource, view: View | str = View.INTERFACES) -> Scene:
    """Nodes, edges, legend and layout of one view of the (reasoned) graph."""
    from ppo_graph import interfaces

    view = View(view)
    graph = view_graph(reasoned, view)
    defined_types = interfaces.interface_types(reasoned)
    metrics = interfaces.metrics(graph) if view in INTERFACE_VIEWS else []
    by_node = {m["process"]: m for m in metrics}
    nodes: list[SceneNode] = []
    slide = view is View.PPO
    for node, attrs in sorted(graph.nodes(data=True), key=lambda item: item[0]):
        kind = str(attrs.get("kind", "process"))
        style = kind_style(kind, slide)
        lines = wrap_label(str(attrs["label"]), style.wrap)
        width, height = box_size(lines, style)
        nodes.append(
            SceneNode(
                id=node,
                label=str(attrs["label"]),
                lines=lines,
                kind=kind,
                width=width,
                height=height,
                abbreviation=str(attrs.get("abbreviation", "")),
                details=_node_details(attrs, by_node.get(node)),
                slide=slide,
            )
        )
    edges: list[SceneEdge] = []
    labels = {n.id: n.label for n in nodes}
    type_labels = {t: label.removesuffix(" interface") for t, label in defined_types}
    for source, target, key, attrs in sorted(
        graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))
    ):
        edge_type = str(attrs["type"])
        is_role_edge = view not in INTERFACE_VIEWS
        type_label = type_labels.setdefault(
            edge_type,
            edge_type if is_role_edge else str(attrs.get("type_label", edge_type)),
        )
        edge_id = key if view in INTERFACE_VIEWS else f"{source} {key} {target}"
        edges.append(
            SceneEdge(
                id=str(edge_id),
                source=source,
                target=target,
                type=edge_type,
                type_label=type_label,
                label=str(attrs.get("label") or f"{labels[source]} {key} {labels[target]}"),
                stated=bool(attrs.get("stated", True)),
                evidence=list(attrs.get("evidence", [])),
            )
        )
    counts: dict[str, int] = defaultdict(int)
    for edge in edges:
        counts[edge.type] += 1
    if view in INTERFACE_VIEWS:
        order = [t for t, _ in defined_types]
    elif view is View.ROLES:
        order = list(interfaces.ROLE_RELATIONS)
    else:
        order = [*interfaces.DUTY_RELATIONS, interfaces.ARTEFACT_OWNER_RELATION]
    order += sorted(t for t in counts if t not in order)
    types = [(t, type_labels.get(t, t), counts[t]) for t in order if counts[t]]

    scene = Scene(view, TITLES[view], nodes, edges, types, graph, metrics)
    if view is View.PPO:
        ring_layout(scene, aspect=SLIDE_ASPECT, inner_radius=SLIDE_INNER_RADIUS)
    elif view is View.INTERFACES:
        ring_layout(scene)
    else:
        layered_layout(scene)
    scene.routes = route_edges(scene)
    if slide:
        place_labels(scene)
        frame_slide(scene)
    return scene
