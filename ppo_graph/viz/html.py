"""The interactive page: one self-contained HTML file with the scene as JSON, the vendored
Cytoscape.js and the app inlined (no network at view time; a Content-Security-Policy forbids any
request). Cytoscape's ``preset`` layout puts every node at the scene's position, and each edge
follows the scene's route (:func:`edge_curve`)."""

from __future__ import annotations

import html as html_lib
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppo_graph.errors import UsageError
from ppo_graph.viz.geometry import CLEARANCE
from ppo_graph.viz.styles import FONT_FAMILY, KIND_STYLES, SLIDE_EDGE_FONT, type_colour

if TYPE_CHECKING:
    from ppo_graph.viz.geometry import EdgeRoute
    from ppo_graph.viz.scene import Scene, SceneNode

_HERE = Path(__file__).resolve().parent
VENDOR_DIR = _HERE / "vendor"
CYTOSCAPE_JS = VENDOR_DIR / "cytoscape.min.js"
TEMPLATE = _HERE / "template.html"


def _json_for_script(data: Any) -> str:
    """JSON that cannot close its <script> element (every '<' escaped)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def edge_curve(route: EdgeRoute, source: SceneNode, target: SceneNode) -> dict[str, Any]:
    """Cytoscape's style for an edge along the route: a one-bend route as a Bézier through its
    control point, a route around boxes as rounded segments through its corners. Cytoscape
    places each point by a weight along the line between the node centres (0 at the source, 1
    at the target) and a distance to the side of it."""
    sx, sy = source.x, source.y
    vx, vy = target.x - sx, target.y - sy
    length2 = vx * vx + vy * vy or 1.0
    length = math.sqrt(length2)

    def place(point: tuple[float, float]) -> tuple[float, float]:
        px, py = point[0] - sx, point[1] - sy
        return (px * vx + py * vy) / length2, (py * vx - px * vy) / length

    bends = [segment[0] for segment in route.segments if len(segment) == 2]
    weights, distances = zip(*(place(p) for p in bends), strict=True) if bends else ((), ())
    style: dict[str, Any] = {"edge-distances": "node-position"}
    if not bends:
        style["curve-style"] = "straight"
    elif len(route.segments) == 1:  # one quadratic Bézier
        style.update(
            {
                "curve-style": "unbundled-bezier",
                "control-point-weights": [round(w, 5) for w in weights],
                "control-point-distances": [round(d, 2) for d in distances],
            }
        )
    else:
        style.update(
            {
                "curve-style": "round-segments",
                "segment-weights": [round(w, 5) for w in weights],
                "segment-distances": [round(d, 2) for d in distances],
                "segment-radii": CLEARANCE,
            }
        )
    return style


def html_data(scene: Scene) -> dict[str, Any]:
    from ppo_graph import interfaces

    by_id = scene.node_map
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
                "curve": edge_curve(scene.routes[e.id], by_id[e.source], by_id[e.target]),
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
        "typesHeading": scene.types_heading,
        "types": [
            {"type": t, "label": label, "count": count, "color": type_colour(t)}
            for t, label, count in scene.types
        ],
        "kinds": kinds,
        "hasImplied": scene.has_implied,
        "edgeLabels": scene.slide,
        "edgeFont": SLIDE_EDGE_FONT,
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
