"""Pictures and exports of the interface and role graphs.

One *scene* (nodes with a computed position and size, edges with a type and colour) is built
from the networkx graphs of :mod:`ppo_graph.interfaces`, then written as:

- ``html``: one self-contained page with the vendored Cytoscape.js inlined (no network at view
  time; a Content-Security-Policy forbids any request), interactive;
- ``svg``/``png``: Graphviz ``dot`` when it is on PATH, else a pure-Python SVG writer (and
  matplotlib for PNG);
- ``graphml`` (Gephi, yEd, Cytoscape desktop) and ``dot`` (Graphviz), labels and edge types as
  attributes.

Layouts are computed here, deterministically, so the page, the fallback SVG and the tests see
the same picture: the interface view puts the PPO processes on an inner ring and the processes
they work with on an outer ring, each near its partners; the role views are layered columns.
Node boxes are sized from their wrapped labels and pushed apart until no two overlap, so labels
(drawn inside the boxes) never overlap either.
"""

from __future__ import annotations

import html as html_lib
import json
import math
import shutil
import subprocess
import textwrap
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .formats import PictureFormat as Format
from .formats import View
from .output import atomic_write

if TYPE_CHECKING:  # rdflib and networkx load inside the functions: `ppo --help` stays instant
    import networkx as nx
    from rdflib import Graph

    from .interfaces import Evidence, ProcessMetrics

_PACKAGE = Path(__file__).resolve().parent
VENDOR_DIR = _PACKAGE / "vendor"
CYTOSCAPE_JS = VENDOR_DIR / "cytoscape.min.js"
TEMPLATE = _PACKAGE / "viz_template.html"
DEFAULT_PICTURE = "ppo-interfaces.html"


TITLES = {
    View.INTERFACES: "PPO process interfaces",
    View.ROLES: "PPO roles and the processes they own or manage",
    View.ARTEFACTS: "PPO roles, artefacts and the processes that own them",
}

# --- styles ------------------------------------------------------------------------------------

FONT_FAMILY = '"Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif'
#: Average glyph width as a share of the font size, generous enough for DejaVu Sans (the widest
#: of the fonts above), so a box sized from it holds its label in any of them.
CHAR_WIDTH = {False: 0.62, True: 0.70}
LINE_HEIGHT = 1.25


@dataclass(frozen=True)
class KindStyle:
    legend: str
    fill: str
    stroke: str
    text: str
    border: float = 1.5
    bold: bool = False
    font: int = 13
    dashed: bool = False
    wrap: int = 18


KIND_STYLES: dict[str, KindStyle] = {
    "ppo": KindStyle("PPO process", "#1d3a6e", "#f0b429", "#ffffff", 3.5, True, 14, wrap=16),
    "process": KindStyle("other process", "#f4f6f9", "#7b8794", "#1f2933"),
    "generic-role": KindStyle(
        "generic role", "#ffffff", "#2680c2", "#0b4f82", 2, dashed=True, wrap=26
    ),
    "role": KindStyle("role", "#e3f1fc", "#2680c2", "#0b4f82", 2, wrap=26),
    "external-role": KindStyle("role of another process", "#fff7e0", "#cb6e17", "#6b3a06", wrap=26),
    "artefact": KindStyle("artefact", "#eafaf3", "#27ab83", "#0b5941", 1.5, font=12, wrap=24),
}
KIND_ORDER = tuple(KIND_STYLES)

#: Edge colours: fixed per type (not per position in the data), so a type keeps its colour.
TYPE_COLOURS: dict[str, str] = {
    "coordination": "#4e79a7",
    "service-level": "#f28e2b",
    "change-assessment": "#e15759",
    "risk": "#9467bd",
    "incident-problem": "#8c564b",
    "financial": "#59a14f",
    "continuity": "#17a2b8",
    "demand": "#b8860b",
    "monitoring": "#d6619f",
    "configuration": "#6c757d",
    "specialises": "#8a94a6",
    "owns": "#1d3a6e",
    "manages": "#f28e2b",
    "role of": "#cb6e17",
    "produces": "#59a14f",
    "maintains": "#17a2b8",
    "reviews": "#e15759",
    "uses": "#4e79a7",
    "contributes to": "#9467bd",
    "mentions": "#adb5bd",
    "owns artefact": "#8c564b",
}
_SPARE_COLOURS = ("#2f4b7c", "#a05195", "#d45087", "#ff7c43", "#665191", "#003f5c")


def type_colour(edge_type: str) -> str:
    if edge_type in TYPE_COLOURS:
        return TYPE_COLOURS[edge_type]
    return _SPARE_COLOURS[sum(map(ord, edge_type)) % len(_SPARE_COLOURS)]


# --- the scene -----------------------------------------------------------------------------------


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

    @property
    def style(self) -> KindStyle:
        return KIND_STYLES.get(self.kind, KIND_STYLES["process"])


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
    metrics: list[ProcessMetrics] = field(default_factory=list)  # interface view only

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


def wrap_label(label: str, width: int) -> list[str]:
    return textwrap.wrap(label, width, break_long_words=False) or [label]


def box_size(lines: list[str], style: KindStyle) -> tuple[float, float]:
    longest = max(len(line) for line in lines)
    width = longest * style.font * CHAR_WIDTH[style.bold] + 24
    height = len(lines) * style.font * LINE_HEIGHT + 18
    return round(width, 1), round(height, 1)


def view_graph(union: Graph, view: View | str) -> nx.MultiDiGraph:
    """The networkx graph behind a view: interfaces, or a slice of the role graph."""
    from . import interfaces

    view = View(view)
    if view is View.INTERFACES:
        return interfaces.interface_graph(union)
    full = interfaces.role_graph(union)
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


def _evidence_fact(ev: Evidence) -> str:
    where = f"§{ev['section']}" if ev["section"] else ""
    if ev["position"] is not None:
        where += f" #{ev['position']}"
    return f"{ev['role_label']} {where}".strip()


def _node_details(attrs: dict[str, Any], metric: ProcessMetrics | None) -> dict[str, Any]:
    kind = attrs.get("kind", "process")
    subtitle = KIND_STYLES.get(kind, KIND_STYLES["process"]).legend
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


def build_scene(union: Graph, view: View | str = View.INTERFACES) -> Scene:
    """Nodes, edges, legend and layout of one view of the (reasoned) graph."""
    from . import interfaces

    view = View(view)
    graph = view_graph(union, view)
    metrics = interfaces.metrics(graph) if view is View.INTERFACES else []
    by_node = {m["process"]: m for m in metrics}
    nodes: list[SceneNode] = []
    for node, attrs in sorted(graph.nodes(data=True), key=lambda item: item[0]):
        kind = str(attrs.get("kind", "process"))
        style = KIND_STYLES.get(kind, KIND_STYLES["process"])
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
            )
        )
    edges: list[SceneEdge] = []
    labels = {n.id: n.label for n in nodes}
    type_labels = {
        t: label.removesuffix(" interface") for t, label in interfaces.interface_types(union)
    }
    for source, target, key, attrs in sorted(
        graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))
    ):
        edge_type = str(attrs["type"])
        is_role_edge = view is not View.INTERFACES
        type_label = type_labels.setdefault(
            edge_type,
            edge_type if is_role_edge else str(attrs.get("type_label", edge_type)),
        )
        edge_id = key if view is View.INTERFACES else f"{source} {key} {target}"
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
    if view is View.INTERFACES:
        order = [t for t, _ in interfaces.interface_types(union)]
    elif view is View.ROLES:
        order = list(interfaces.ROLE_RELATIONS)
    else:
        order = [*interfaces.DUTY_RELATIONS, interfaces.ARTEFACT_OWNER_RELATION]
    order += sorted(t for t in counts if t not in order)
    types = [(t, type_labels.get(t, t), counts[t]) for t in order if counts[t]]

    scene = Scene(view, TITLES[view], nodes, edges, types, graph, metrics)
    if view is View.INTERFACES:
        ring_layout(scene)
    else:
        layered_layout(scene)
    return scene


# --- layouts -------------------------------------------------------------------------------------


def _circular_mean(angles: Iterable[float]) -> float | None:
    values = list(angles)
    if not values:
        return None
    return math.atan2(sum(map(math.sin, values)), sum(map(math.cos, values)))


def _ring(nodes: list[SceneNode], radius: float, start: float, aspect: float) -> None:
    for i, node in enumerate(nodes):
        angle = start + 2 * math.pi * i / len(nodes)
        node.x = radius * aspect * math.cos(angle)
        node.y = radius * math.sin(angle)


def _first_fit(nodes: list[SceneNode], place: Callable[[float], None], low: float) -> float:
    """The smallest radius from ``low`` up at which ``place`` leaves no two boxes overlapping."""
    radius = low
    for _ in range(200):
        place(radius)
        if not overlapping_pairs(nodes, margin=RING_MARGIN):
            break
        radius += 8.0
    return radius


RING_MARGIN = 14.0


def ring_layout(scene: Scene, aspect: float = 1.05) -> None:
    """PPO processes on an inner ring, everything else on an outer ring near its partners.

    Each ring gets the smallest radius at which no two boxes overlap (with a margin), and the
    outer ring stays well clear of the inner one so the interfaces between them can be read.
    """
    inner = sorted((n for n in scene.nodes if n.kind == "ppo"), key=lambda n: n.label)
    outer = [n for n in scene.nodes if n.kind != "ppo"]
    if not inner:  # nothing to put in the middle: one ring
        inner, outer = sorted(outer, key=lambda n: n.label), []
    if len(inner) == 1:
        inner[0].x = inner[0].y = 0.0
        r_inner = 0.0
    else:
        r_inner = _first_fit(inner, lambda r: _ring(inner, r, -math.pi / 2, aspect), 190.0)
    angle_of = {n.id: math.atan2(n.y, n.x / aspect) for n in inner}

    partners: dict[str, set[str]] = defaultdict(set)
    for edge in scene.edges:
        partners[edge.source].add(edge.target)
        partners[edge.target].add(edge.source)
    preferred: dict[str, float] = {}
    for node in outer:
        mean = _circular_mean(angle_of[p] for p in partners[node.id] if p in angle_of)
        if mean is not None:
            preferred[node.id] = mean
    for node in outer:  # partners only among the outer processes: sit near them
        if node.id not in preferred:
            mean = _circular_mean(preferred[p] for p in partners[node.id] if p in preferred)
            preferred[node.id] = mean if mean is not None else math.pi  # isolated: far left
    outer.sort(key=lambda n: ((preferred[n.id] + 2 * math.pi) % (2 * math.pi), n.label))
    if outer:
        step = 2 * math.pi / len(outer)
        # turn the evenly spaced slots so they sit as close as possible to the preferred angles
        start = _circular_mean(preferred[n.id] - i * step for i, n in enumerate(outer)) or 0.0
        clear = r_inner + max(n.height for n in inner) + max(n.height for n in outer) + 90
        _first_fit(
            [*inner, *outer], lambda r: _ring(outer, r, start, aspect), max(clear, 1.8 * r_inner)
        )
    spread_apart(scene.nodes)


def layered_layout(scene: Scene) -> None:
    """Columns by kind (generic roles | roles | processes, or roles | artefacts | processes),
    each column ordered by its neighbours' positions (a few barycentre sweeps)."""
    if scene.view is View.ARTEFACTS:
        rank = {"generic-role": 0, "role": 0, "external-role": 0, "artefact": 1}
        default = 2
    else:
        rank = {"generic-role": 0, "role": 1, "external-role": 1}
        default = 2
    columns: dict[int, list[SceneNode]] = defaultdict(list)
    for node in sorted(scene.nodes, key=lambda n: n.label):
        columns[rank.get(node.kind, default)].append(node)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for edge in scene.edges:
        neighbours[edge.source].add(edge.target)
        neighbours[edge.target].add(edge.source)
    ranks = sorted(columns)
    index = {n.id: i for col in columns.values() for i, n in enumerate(col)}

    def barycentre(node: SceneNode, own: set[str]) -> tuple[float, str]:
        others = [index[m] for m in neighbours[node.id] if m in index and m not in own]
        return (sum(others) / len(others) if others else index[node.id], node.label)

    def sweep(order: list[int]) -> None:
        for r in order:
            column = columns[r]
            own = {n.id for n in column}
            column.sort(key=lambda n: barycentre(n, own))
            index.update({n.id: i for i, n in enumerate(column)})

    for _ in range(4):
        sweep(ranks[1:])
        sweep(ranks[-2::-1])
    gap_x, gap_y, lane_gap = 170.0, 16.0, 36.0

    def height(column: list[SceneNode]) -> float:
        return sum(n.height for n in column) + gap_y * (len(column) - 1)

    x = 0.0
    for r in ranks:
        column = columns[r]
        width = max(n.width for n in column)
        others = max((height(columns[o]) for o in ranks if o != r), default=0.0)
        # a column much taller than the others zigzags over a few lanes, so the picture
        # stays about as tall as its other columns and the labels stay readable at "fit"
        lanes = max(1, min(3, math.ceil(height(column) / max(others * 1.2, 1000.0))))
        pitch = (max(n.height for n in column) + gap_y) / lanes
        top = -(pitch * (len(column) - 1)) / 2
        for i, node in enumerate(column):
            node.x = x + width / 2 + (i % lanes) * (width + lane_gap)
            node.y = top + i * pitch if lanes > 1 else 0.0
        if lanes == 1:
            y = -height(column) / 2
            for node in column:
                node.y = y + node.height / 2
                y += node.height + gap_y
        x += lanes * width + (lanes - 1) * lane_gap + gap_x
    spread_apart(scene.nodes)


def overlapping_pairs(nodes: list[SceneNode], margin: float = 6.0) -> list[tuple[str, str]]:
    """Pairs of node boxes (labels included: they are inside) closer than ``margin``."""
    pairs = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            if (
                abs(a.x - b.x) < (a.width + b.width) / 2 + margin
                and abs(a.y - b.y) < (a.height + b.height) / 2 + margin
            ):
                pairs.append((a.id, b.id))
    return pairs


def spread_apart(nodes: list[SceneNode]) -> None:
    """Scale positions about the centre until no two boxes overlap (a safety net)."""
    for _ in range(40):
        if not overlapping_pairs(nodes):
            break
        for node in nodes:
            node.x, node.y = node.x * 1.1, node.y * 1.1
    for node in nodes:
        node.x, node.y = round(node.x, 1), round(node.y, 1)


# --- edge geometry shared by the pure-Python SVG and matplotlib renderers ---------------------

PARALLEL_STEP = 30.0


def _edge_offsets(scene: Scene) -> dict[str, float]:
    """Sideways bend of each edge, so parallel and opposite edges between a pair are apart."""
    groups: dict[tuple[str, str], list[SceneEdge]] = defaultdict(list)
    for edge in scene.edges:
        first, second = sorted((edge.source, edge.target))
        groups[(first, second)].append(edge)
    offsets = {}
    for (first, _second), group in groups.items():
        n = len(group)
        for i, edge in enumerate(group):
            offset = (i - (n - 1) / 2) * PARALLEL_STEP
            offsets[edge.id] = offset if edge.source == first else -offset
    return offsets


def _clip(node: SceneNode, towards: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the node's centre towards a point leaves its box."""
    dx, dy = towards[0] - node.x, towards[1] - node.y
    if dx == 0 and dy == 0:
        return node.x, node.y
    t = min(
        (node.width / 2) / abs(dx) if dx else math.inf,
        (node.height / 2) / abs(dy) if dy else math.inf,
    )
    return node.x + dx * t, node.y + dy * t


def edge_geometry(
    scene: Scene,
) -> dict[str, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]]:
    """Start, control and end point (a quadratic Bézier) of each edge, ends on the box borders."""
    nodes = scene.node_map
    offsets = _edge_offsets(scene)
    result = {}
    for edge in scene.edges:
        a, b = nodes[edge.source], nodes[edge.target]
        mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
        length = math.hypot(b.x - a.x, b.y - a.y) or 1.0
        nx_, ny_ = -(b.y - a.y) / length, (b.x - a.x) / length
        control = (mx + nx_ * offsets[edge.id] * 2, my + ny_ * offsets[edge.id] * 2)
        result[edge.id] = (_clip(a, control), control, _clip(b, control))
    return result


# --- renderers -----------------------------------------------------------------------------------


@dataclass
class Rendered:
    content: bytes
    renderer: str
    format: Format


def _json_for_script(data: Any) -> str:
    """JSON that cannot close its <script> element (every '<' escaped)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def html_data(scene: Scene) -> dict[str, Any]:
    from . import interfaces

    nodes = [
        {
            "data": {
                "id": n.id,
                "label": "\n".join(n.lines),
                "name": n.label,
                "abbreviation": n.abbreviation,
                "kind": n.kind,
                "w": n.width,
                "h": n.height,
                "font": n.style.font,
                "details": n.details,
            },
            "position": {"x": n.x, "y": n.y},
        }
        for n in scene.nodes
    ]
    edges = [
        {
            "data": {
                "id": e.id,
                "source": e.source,
                "target": e.target,
                "type": e.type,
                "typeLabel": e.type_label,
                "color": e.colour,
                "stated": e.stated,
                "label": e.label,
                "evidence": e.evidence,
            },
            "classes": "" if e.stated else "implied",
        }
        for e in scene.edges
    ]
    kinds = [
        {
            "kind": k,
            "legend": s.legend,
            "fill": s.fill,
            "stroke": s.stroke,
            "text": s.text,
            "border": s.border,
            "bold": s.bold,
            "dashed": s.dashed,
        }
        for k in scene.kinds
        for s in [KIND_STYLES[k]]
    ]
    return {
        "title": scene.title,
        "view": scene.view.value,
        "typesHeading": "Interface types" if scene.view is View.INTERFACES else "Relations",
        "types": [
            {"type": t, "label": label, "count": count, "color": type_colour(t)}
            for t, label, count in scene.types
        ],
        "kinds": kinds,
        "hasImplied": scene.has_implied,
        "metrics": [
            {
                "id": m["process"],
                "degree": m["degree"],
                "partners": m["partners"],
                "betweenness": m["betweenness"],
                "hub": m["hub"],
            }
            for m in scene.metrics
        ],
        "hubRule": interfaces.hub_rule() if scene.metrics else "",
        "fontFamily": FONT_FAMILY,
        "elements": {"nodes": nodes, "edges": edges},
    }


def to_html(scene: Scene) -> str:
    """One self-contained page: data, Cytoscape.js and the app inlined; no external request."""
    library = CYTOSCAPE_JS.read_text(encoding="utf-8")
    if "</script" in library.lower():
        raise UsageError(f"{CYTOSCAPE_JS} cannot be inlined: it contains '</script'")
    page = TEMPLATE.read_text(encoding="utf-8")
    page = page.replace("__TITLE__", html_lib.escape(scene.title))
    page = page.replace("__DATA__", _json_for_script(html_data(scene)))
    return _inline(page, library)


def _inline(page: str, library: str) -> str:
    marker = "/*__CYTOSCAPE__*/"
    before, found, after = page.partition(marker)
    if not found:
        raise UsageError(f"{TEMPLATE} has no {marker} marker")
    return before + library + after


class _HtmlLabel(str):
    """A Graphviz HTML-like label that this module built itself (written as ``<...>``); every
    other value, a user's label included, is quoted and escaped."""

    __slots__ = ()


def _dot_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for key, value in attrs.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        if isinstance(value, _HtmlLabel):
            parts.append(f"{key}={value}")  # an HTML-like label built by this module
        else:
            parts.append(f"{key}={_dot_quote(str(value))}")
    return ", ".join(parts)


def _legend_table(scene: Scene) -> str:
    """The legend as a Graphviz HTML-like graph label: edge types | node kinds, side by side."""
    left = [
        f'<TD><FONT COLOR="{type_colour(t)}" POINT-SIZE="14">&#9472;&#9472;&#9654;</FONT></TD>'
        f'<TD ALIGN="LEFT">{html_lib.escape(label)} ({count})</TD>'
        for t, label, count in scene.types
    ]
    right = [
        f'<TD BGCOLOR="{KIND_STYLES[k].fill}" COLOR="{KIND_STYLES[k].stroke}" BORDER="2">'
        f'   </TD><TD ALIGN="LEFT">{html_lib.escape(KIND_STYLES[k].legend)}</TD>'
        for k in scene.kinds
    ]
    if scene.has_implied:
        right += [
            '<TD>&#9472;&#9472;</TD><TD ALIGN="LEFT">stated in the text</TD>',
            '<TD>- - -</TD><TD ALIGN="LEFT">implied by a duty</TD>',
        ]
    blank = "<TD> </TD><TD> </TD>"
    rows = [
        f'<TR>{left[i] if i < len(left) else blank}<TD WIDTH="30"> </TD>'
        f"{right[i] if i < len(right) else blank}</TR>"
        for i in range(max(len(left), len(right)))
    ]
    return _HtmlLabel(
        '<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2">' + "".join(rows) + "</TABLE>>"
    )


def to_dot(scene: Scene, *, legend: bool = True) -> str:
    """Graphviz DOT: node ``label``/``kind``/``iri``, edge ``type``/``stated``/``tooltip``."""
    name = f"ppo-{scene.view.value}"
    graph_attrs: dict[str, Any] = {
        "rankdir": "LR",
        "fontname": "Helvetica",
        "fontsize": 11,
        "nodesep": 0.25,
        "ranksep": 1.4 if scene.view is View.INTERFACES else 1.0,
        "splines": "true",
        "outputorder": "edgesfirst",
        "bgcolor": "white",
        "pad": 0.3,
    }
    if legend:
        graph_attrs.update(label=_legend_table(scene), labelloc="b", labeljust="l")
    lines = [f"digraph {_dot_quote(name)} {{"]
    lines.append(f"  graph [{_dot_attrs(graph_attrs)}];")
    lines.append(
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", margin="0.12,0.06"];'
    )
    lines.append('  edge [fontname="Helvetica", fontsize=9, arrowsize=0.8, penwidth=1.6];')
    for node in scene.nodes:
        style = node.style
        styles = ["rounded", "filled"] + (["dashed"] if style.dashed else [])
        attrs = {
            "label": "\n".join(node.lines),
            "kind": node.kind,
            "iri": node.id,
            "tooltip": node.label,
            "fillcolor": style.fill,
            "color": style.stroke,
            "fontcolor": style.text,
            "penwidth": style.border,
            "fontsize": style.font,
            "style": ",".join(styles),
            "pos": f"{node.x:.1f},{-node.y:.1f}",  # points; `neato -n` keeps the page's layout
        }
        if style.bold:
            attrs["fontname"] = "Helvetica-Bold"
        if node.abbreviation:
            attrs["abbreviation"] = node.abbreviation
        lines.append(f"  {_dot_quote(node.id)} [{_dot_attrs(attrs)}];")
    for edge in scene.edges:
        attrs = {
            "type": edge.type,
            "type_label": edge.type_label,
            "stated": edge.stated,
            "tooltip": f"{edge.label} ({edge.type_label})",
            "color": edge.colour,
            "style": "solid" if edge.stated else "dashed",
            "evidence": len(edge.evidence),
        }
        if scene.view is View.INTERFACES:
            attrs["iri"] = edge.id
        lines.append(
            f"  {_dot_quote(edge.source)} -> {_dot_quote(edge.target)} [{_dot_attrs(attrs)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _flat_evidence(evidence: list[Evidence]) -> str:
    return "\n".join(f"[{_evidence_fact(ev)}] {ev['text']}" for ev in evidence)


def to_graphml(scene: Scene) -> bytes:
    """GraphML with scalar attributes only (evidence flattened to text), for Gephi, yEd, ..."""
    import networkx as nx

    out = nx.MultiDiGraph(name=f"ppo-{scene.view.value}", view=scene.view.value)
    for node in scene.nodes:
        attrs = scene.graph.nodes[node.id]
        out.add_node(
            node.id,
            label=node.label,
            kind=node.kind,
            is_ppo=node.kind == "ppo",
            abbreviation=node.abbreviation,
            iri=node.id,
            x=node.x,
            y=node.y,
            roles="; ".join(f"{r['relation']}: {r['label']}" for r in attrs.get("roles", [])),
        )
    for edge in scene.edges:
        out.add_edge(
            edge.source,
            edge.target,
            key=edge.id,
            type=edge.type,
            type_label=edge.type_label,
            label=edge.label,
            stated=edge.stated,
            evidence_count=len(edge.evidence),
            evidence=_flat_evidence(edge.evidence),
        )
    return "\n".join(nx.generate_graphml(out, prettyprint=True)).encode("utf-8") + b"\n"


def _xml(text: str) -> str:
    return html_lib.escape(text, quote=True)


def to_svg_python(scene: Scene) -> str:
    """A static SVG drawn from the computed layout, without Graphviz."""
    pad, legend_w = 30.0, 300.0
    if scene.nodes:
        x1 = min(n.x - n.width / 2 for n in scene.nodes) - pad
        y1 = min(n.y - n.height / 2 for n in scene.nodes) - pad - 30
        x2 = max(n.x + n.width / 2 for n in scene.nodes) + pad
        y2 = max(n.y + n.height / 2 for n in scene.nodes) + pad
    else:
        x1, y1, x2, y2 = 0.0, 0.0, 200.0, 100.0
    legend_rows = len(scene.types) + len(scene.kinds) + (2 if scene.has_implied else 0) + 1
    y2 = max(y2, y1 + 60 + legend_rows * 22)
    width, height = x2 - x1 + legend_w, y2 - y1
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="{x1:.1f} {y1:.1f} {width:.1f} {height:.1f}" '
        f"font-family={_xml_attr(FONT_FAMILY)}>",
        f"<title>{_xml(scene.title)}</title>",
        "<defs>",
    ]
    for edge_type, _label, _count in scene.types:
        out.append(
            f'<marker id="arrow-{_slug(edge_type)}" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" '
            'orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{type_colour(edge_type)}"/></marker>'
        )
    out.append("</defs>")
    out.append(f'<rect x="{x1}" y="{y1}" width="{width}" height="{height}" fill="#ffffff"/>')
    out.append(
        f'<text x="{x1 + pad}" y="{y1 + pad}" font-size="18" font-weight="bold" '
        f'fill="#1f2933">{_xml(scene.title)}</text>'
    )
    geometry = edge_geometry(scene)
    out.append('<g id="edges">')
    for edge in scene.edges:
        (sx, sy), (cx, cy), (tx, ty) = geometry[edge.id]
        dash = "" if edge.stated else ' stroke-dasharray="7 5"'
        out.append(
            f'<g class="edge" data-type="{_xml(edge.type)}" data-source="{_xml(edge.source)}" '
            f'data-target="{_xml(edge.target)}"><title>{_xml(edge.label)} '
            f"({_xml(edge.type_label)})</title>"
            f'<path d="M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {tx:.1f},{ty:.1f}" fill="none" '
            f'stroke="{edge.colour}" stroke-width="2"{dash} '
            f'marker-end="url(#arrow-{_slug(edge.type)})"/></g>'
        )
    out.append("</g>")
    out.append('<g id="nodes">')
    for node in scene.nodes:
        style = node.style
        dash = ' stroke-dasharray="5 3"' if style.dashed else ""
        weight = ' font-weight="bold"' if style.bold else ""
        line_h = style.font * LINE_HEIGHT
        first = node.y - line_h * (len(node.lines) - 1) / 2 + style.font * 0.35
        spans = "".join(
            f'<tspan x="{node.x}" y="{first + i * line_h:.1f}">{_xml(line)}</tspan>'
            for i, line in enumerate(node.lines)
        )
        out.append(
            f'<g class="node" data-kind="{node.kind}" data-iri="{_xml(node.id)}">'
            f"<title>{_xml(node.label)}</title>"
            f'<rect x="{node.x - node.width / 2:.1f}" y="{node.y - node.height / 2:.1f}" '
            f'width="{node.width}" height="{node.height}" rx="7" fill="{style.fill}" '
            f'stroke="{style.stroke}" stroke-width="{style.border}"{dash}/>'
            f'<text text-anchor="middle" font-size="{style.font}" fill="{style.text}"{weight}>'
            f"{spans}</text></g>"
        )
    out.append("</g>")
    out.extend(_svg_legend(scene, x2 + 10, y1 + pad + 30))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _xml_attr(text: str) -> str:
    return '"' + _xml(text) + '"'


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text)


def _svg_legend(scene: Scene, x: float, y: float) -> list[str]:
    out = ['<g id="legend" font-size="13" fill="#1f2933">']
    heading = "Interface types" if scene.view is View.INTERFACES else "Relations"
    out.append(f'<text x="{x}" y="{y}" font-weight="bold">{heading}</text>')
    y += 22
    for edge_type, label, count in scene.types:
        colour = type_colour(edge_type)
        out.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="3"/><text x="{x + 44}" y="{y}">{_xml(label)} ({count})</text>'
        )
        y += 22
    if scene.has_implied:
        out.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="#52606d" '
            f'stroke-width="2"/><text x="{x + 44}" y="{y}">stated in the text</text>'
        )
        y += 22
        out.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="#52606d" '
            f'stroke-width="2" stroke-dasharray="7 5"/>'
            f'<text x="{x + 44}" y="{y}">implied by a duty</text>'
        )
        y += 22
    y += 10
    for kind in scene.kinds:
        style = KIND_STYLES[kind]
        out.append(
            f'<rect x="{x}" y="{y - 13}" width="34" height="16" rx="4" fill="{style.fill}" '
            f'stroke="{style.stroke}" stroke-width="{min(style.border, 2.5)}"/>'
            f'<text x="{x + 44}" y="{y}">{_xml(style.legend)}</text>'
        )
        y += 22
    out.append("</g>")
    return out


def to_png_matplotlib(scene: Scene) -> bytes:
    """PNG drawn with matplotlib from the computed layout (used when Graphviz is missing)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
    from matplotlib.path import Path as MplPath

    xs = [n.x for n in scene.nodes] or [0.0]
    ys = [n.y for n in scene.nodes] or [0.0]
    span_x = max(xs) - min(xs) + 400
    span_y = max(ys) - min(ys) + 200
    dpi = 100
    fig = plt.figure(figsize=(span_x / dpi * 1.25, span_y / dpi), dpi=dpi)
    ax = fig.add_axes((0.0, 0.0, 0.8, 1.0))
    ax.set_xlim(min(xs) - 200, max(xs) + 200)
    ax.set_ylim(max(ys) + 100, min(ys) - 100)
    ax.set_aspect("equal")
    ax.axis("off")
    geometry = edge_geometry(scene)
    for edge in scene.edges:
        start, control, end = geometry[edge.id]
        path = MplPath([start, control, end], [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3])
        ax.add_patch(
            FancyArrowPatch(
                path=path,
                arrowstyle="-|>,head_length=6,head_width=3",
                color=edge.colour,
                linewidth=1.6,
                linestyle="-" if edge.stated else (0, (5, 4)),
            )
        )
    for node in scene.nodes:
        style = node.style
        ax.add_patch(
            FancyBboxPatch(
                (node.x - node.width / 2, node.y - node.height / 2),
                node.width,
                node.height,
                boxstyle="round,pad=0,rounding_size=7",
                facecolor=style.fill,
                edgecolor=style.stroke,
                linewidth=style.border * 0.75,
                linestyle="--" if style.dashed else "-",
            )
        )
        ax.text(
            node.x,
            node.y,
            "\n".join(node.lines),
            ha="center",
            va="center",
            fontsize=style.font * 0.75,
            color=style.text,
            fontweight="bold" if style.bold else "normal",
        )
    handles: list[Any] = [
        Line2D([0], [0], color=type_colour(t), lw=3, label=f"{label} ({count})")
        for t, label, count in scene.types
    ]
    handles += [
        Patch(
            facecolor=KIND_STYLES[k].fill,
            edgecolor=KIND_STYLES[k].stroke,
            label=KIND_STYLES[k].legend,
        )
        for k in scene.kinds
    ]
    fig.legend(handles=handles, loc="upper right", frameon=False, fontsize=10, title=scene.title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    plt.close(fig)
    return buffer.getvalue()


def graphviz_render(dot_source: str, fmt: str, dot_binary: str) -> bytes:
    try:
        done = subprocess.run(
            [dot_binary, f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"Graphviz ({dot_binary}) failed: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise UsageError(f"Graphviz ({dot_binary}) failed: {message}")
    return done.stdout


def render_scene(scene: Scene, fmt: Format | str) -> Rendered:
    """The bytes of one format, and the name of the renderer that made them."""
    fmt = Format(fmt)
    if fmt is Format.HTML:
        return Rendered(to_html(scene).encode("utf-8"), "cytoscape.js (inlined)", fmt)
    if fmt is Format.DOT:
        return Rendered(to_dot(scene).encode("utf-8"), "dot text", fmt)
    if fmt is Format.GRAPHML:
        return Rendered(to_graphml(scene), "networkx graphml", fmt)
    dot_binary = shutil.which("dot")
    if dot_binary:
        content = graphviz_render(to_dot(scene), fmt.value, dot_binary)
        return Rendered(content, f"Graphviz dot ({dot_binary})", fmt)
    if fmt is Format.SVG:
        return Rendered(to_svg_python(scene).encode("utf-8"), "pure-Python SVG (no Graphviz)", fmt)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(
            "PNG needs Graphviz or matplotlib: install Graphviz (e.g. `apt-get install graphviz`, "
            "`brew install graphviz`) or `pip install matplotlib`; or use --format svg"
        ) from None
    return Rendered(to_png_matplotlib(scene), "matplotlib (no Graphviz)", fmt)


def render(union: Graph, view: View | str, fmt: Format | str) -> Rendered:
    return render_scene(build_scene(union, view), fmt)


def write(
    union: Graph,
    out: Path | str,
    view: View | str = View.INTERFACES,
    fmt: Format | str = Format.HTML,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Render one view to ``out`` (written atomically); ``log`` hears which renderer was used."""
    rendered = render(union, view, fmt)
    path = atomic_write(out, rendered.content)
    if log is not None:
        log(f"renderer: {rendered.renderer}")
    return path


def write_default_picture(union_graph: Graph, out_dir: Path | str) -> Path:
    """Write the interactive interface picture as ``<out_dir>/ppo-interfaces.html``.

    For the main-job command: ``union_graph`` is the reasoned graph (asserted + inferred).
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return write(union_graph, folder / DEFAULT_PICTURE, View.INTERFACES, Format.HTML)
