"""The same picture in every format (issue 9): the page, the pure-Python SVG, the DOT and what
Graphviz draws from it put every node where the scene's layout put it, in a box of the scene's
size. Positions are compared in the scene's coordinates (y down): Graphviz's y axis points up,
so its coordinates are negated back, and its SVG output is compared before the one translation
of its top group (which moves the whole picture onto the page).

The checks are checked too: the DOT without its positions, or laid out by ``dot`` as it was
before, and a scene with one node moved by two points, must all be caught.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx
import pytest
from conftest import fast_reasoned, require_module, require_tool
from rdflib import Graph
from test_viz import page_data, png_stats

from ppo_graph import viz
from ppo_graph.backends.reference.load import load_graph
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.paths import ontology_dir
from ppo_graph.viz import Scene, View, geometry

SVG = "{http://www.w3.org/2000/svg}"
POSITION = 0.5  # points: Graphviz prints coordinates rounded
SIZE = 1.0  # points: Graphviz rounds box sizes to whole points


class Box(NamedTuple):
    x: float
    y: float
    width: float
    height: float


@pytest.fixture(scope="module")
def scenes(reasoned_engine: Any) -> dict[View, Scene]:
    return {view: viz.build_scene(reasoned_engine, view) for view in View}


def misplaced(scene: Scene, boxes: dict[str, Box], *, sizes: bool = True) -> list[str]:
    """The nodes drawn elsewhere than the scene says (or in a box of another size), missing, or
    not in the scene at all; empty when the picture is the scene's."""
    wrong = sorted(set(boxes) - {n.id for n in scene.nodes})
    for node in scene.nodes:
        box = boxes.get(node.id)
        if (
            box is None
            or abs(box.x - node.x) > POSITION
            or abs(box.y - node.y) > POSITION
            or (sizes and abs(box.width - node.width) > SIZE)
            or (sizes and abs(box.height - node.height) > SIZE)
        ):
            wrong.append(node.id)
    return wrong


def json_boxes(data: str | bytes) -> dict[str, Box]:
    """Node boxes of Graphviz's ``-Tjson`` output (positions and sizes in points, y up); the
    slide's frame, title and legend (nodes with a ``class``) are not the scene's nodes."""
    boxes = {}
    for obj in json.loads(data).get("objects", []):
        if obj.get("class"):
            continue
        x, y = (float(v) for v in obj["pos"].split(","))
        boxes[obj["name"]] = Box(x, -y, float(obj["width"]) * 72, float(obj["height"]) * 72)
    return boxes


def graphviz_json(dot_text: str, command: str) -> dict[str, Box]:
    """Node boxes as Graphviz lays out ``dot_text`` when a user runs ``command -Tjson``."""
    done = subprocess.run(
        [command, "-Tjson"], input=dot_text, capture_output=True, text=True, check=True, timeout=120
    )
    return json_boxes(done.stdout)


def _bounds(numbers: list[float]) -> Box:
    xs, ys = numbers[0::2], numbers[1::2]
    return Box(
        (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, max(xs) - min(xs), max(ys) - min(ys)
    )


def graphviz_svg(svg: bytes) -> dict[str, Box]:
    """Node boxes of a Graphviz SVG: the outline of each node's shape (a rounded box's path)."""
    boxes = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        shape = next(e for e in group.iter() if e.tag in (f"{SVG}path", f"{SVG}polygon"))
        outline = shape.get("d") or shape.get("points") or ""
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", outline)]
        boxes[group.findtext(f"{SVG}title") or ""] = _bounds(numbers)
    return boxes


def python_svg(svg: bytes) -> dict[str, Box]:
    boxes = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "node":
            rect = group.find(f"{SVG}rect")
            assert rect is not None
            x, y, w, h = (float(rect.get(a, "nan")) for a in ("x", "y", "width", "height"))
            boxes[group.get("data-iri", "")] = Box(x + w / 2, y + h / 2, w, h)
    return boxes


def page_boxes(page: bytes) -> dict[str, Box]:
    nodes = page_data(page.decode("utf-8"))["elements"]["nodes"]  # type: ignore[index]
    return {
        n["data"]["id"]: Box(n["position"]["x"], n["position"]["y"], n["data"]["w"], n["data"]["h"])
        for n in nodes
    }


# --- every format draws the scene -------------------------------------------------------------


@pytest.mark.parametrize("view", list(View))
def test_page_puts_every_node_where_the_scene_does(scenes: dict[View, Scene], view: View) -> None:
    scene = scenes[view]
    assert misplaced(scene, page_boxes(viz.render_scene(scene, "html").content)) == []


@pytest.mark.parametrize("view", list(View))
def test_python_svg_puts_every_node_where_the_scene_does(
    scenes: dict[View, Scene], view: View
) -> None:
    scene = scenes[view]
    assert misplaced(scene, python_svg(viz.to_svg_python(scene).encode("utf-8"))) == []


@pytest.mark.parametrize("view", list(View))
def test_graphml_carries_the_scene_positions(scenes: dict[View, Scene], view: View) -> None:
    scene = scenes[view]
    graph = nx.parse_graphml(viz.to_graphml(scene).decode("utf-8"), force_multigraph=True)
    boxes = {n: Box(a["x"], a["y"], 0.0, 0.0) for n, a in graph.nodes(data=True)}
    assert misplaced(scene, boxes, sizes=False) == []


@pytest.mark.parametrize("view", list(View))
def test_graphviz_keeps_the_scene_layout_of_the_dot_file(
    scenes: dict[View, Scene], view: View
) -> None:
    """The renderer's own Graphviz run, and `neato` and `dot` on the file as a user would run
    them: the file names its engine, so the command's default engine does not matter."""
    neato = require_tool(viz.GRAPHVIZ_ENGINE, "apt-get install graphviz")
    scene = scenes[view]
    text = viz.to_dot(scene)
    assert misplaced(scene, json_boxes(viz.graphviz_render(text, "json", neato))) == []
    for command in (neato, require_tool("dot", "apt-get install graphviz")):
        assert misplaced(scene, graphviz_json(text, command)) == []


def test_graphviz_svg_puts_every_node_where_the_scene_does(scenes: dict[View, Scene]) -> None:
    require_tool(viz.GRAPHVIZ_ENGINE, "apt-get install graphviz")
    scene = scenes[View.INTERFACES]
    rendered = viz.render_scene(scene, "svg")
    assert rendered.renderer.startswith(f"Graphviz {viz.GRAPHVIZ_ENGINE}")
    assert misplaced(scene, graphviz_svg(rendered.content)) == []


def test_graphviz_png_is_drawn_from_the_pinned_dot(
    scenes: dict[View, Scene], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PNG pixels cannot be measured here: it is enough that the PNG comes from the very DOT
    and engine whose positions the tests above measure."""
    scene = scenes[View.INTERFACES]
    calls: list[tuple[str, str, str]] = []
    monkeypatch.setattr(viz.rendering, "graphviz_binary", lambda: "/usr/bin/neato")
    monkeypatch.setattr(
        viz.rendering, "graphviz_render", lambda *args: calls.append(args) or b"\x89PNG"
    )
    viz.render_scene(scene, "png")
    assert calls == [(viz.to_dot(scene), "png", "/usr/bin/neato")]


# --- the checks above see a wrong picture ------------------------------------------------------


def test_the_check_sees_a_dot_file_without_positions(scenes: dict[View, Scene]) -> None:
    neato = require_tool(viz.GRAPHVIZ_ENGINE, "apt-get install graphviz")
    scene = scenes[View.INTERFACES]
    text, dropped = re.subn(r', pos="[-\d.]+,[-\d.]+!"', "", viz.to_dot(scene))  # nodes' only
    assert dropped == len(scene.nodes)
    assert len(misplaced(scene, graphviz_json(text, neato), sizes=False)) > len(scene.nodes) / 2


def test_the_check_sees_dot_laying_out_by_itself(scenes: dict[View, Scene]) -> None:
    """The bug of issue 9: `pos` written for neato, the file rendered by `dot`, which ignores it."""
    dot = require_tool("dot", "apt-get install graphviz")
    scene = scenes[View.INTERFACES]
    text, dropped = re.subn(r'layout="neato", ', "", viz.to_dot(scene))
    assert dropped == 1
    assert len(misplaced(scene, graphviz_json(text, dot), sizes=False)) > len(scene.nodes) / 2


def test_the_check_sees_one_node_moved_or_resized(scenes: dict[View, Scene]) -> None:
    scene = scenes[View.INTERFACES]
    boxes = python_svg(viz.to_svg_python(scene).encode("utf-8"))
    first, second, third = scene.nodes[:3]
    moved = replace(scene, nodes=[replace(n) for n in scene.nodes])
    moved.nodes[0].y += 2 * POSITION
    moved.nodes[1].width += 2 * SIZE
    assert misplaced(moved, boxes) == [first.id, second.id]
    assert misplaced(scene, {k: v for k, v in boxes.items() if k != third.id}) == [third.id]
    assert misplaced(scene, {**boxes, "elsewhere": boxes[third.id]}) == ["elsewhere"]


# --- no edge through a box it does not connect (issue 23) --------------------------------------
#
# Measured on the SVG as written, by each renderer: every edge's path (M, L, Q, C commands, cut
# into short straight pieces) against the box of every node the edge does not connect, grown by
# CLEARANCE. The check itself is checked on a drawing with the fault of issue 23.

CLEARANCE = 2.0  # points: an edge closer than this to another node's box reads as touching it
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "viz"
SLIDE = 16 / 9
NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


class Edge(NamedTuple):
    source: str
    target: str
    path: str  # the SVG path data


def flatten(path: str, pieces: int = 32) -> list[tuple[float, float]]:
    """The points of an SVG path of absolute M/L/Q/C commands, each curve cut into ``pieces``."""
    points: list[tuple[float, float]] = []
    command = ""
    tokens = re.findall(rf"[MLQC]|{NUMBER}", path)
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command, i = tokens[i], i + 1
            continue
        arity = {"M": 1, "L": 1, "Q": 2, "C": 3}[command]
        values = [float(v) for v in tokens[i : i + 2 * arity]]
        i += 2 * arity
        given = [(values[k], values[k + 1]) for k in range(0, len(values), 2)]
        if command in "ML":
            points.append(given[0])
            command = "L" if command == "M" else command
            continue
        control = [points[-1], *given]
        for step in range(1, pieces + 1):
            t, row = step / pieces, control
            while len(row) > 1:  # de Casteljau
                row = [
                    ((1 - t) * a + t * c, (1 - t) * b + t * d)
                    for (a, b), (c, d) in itertools.pairwise(row)
                ]
            points.append(row[0])
    return points


def _crosses(p: tuple[float, float], q: tuple[float, float], box: Box, margin: float) -> bool:
    """Whether the segment p-q comes within ``margin`` of the box (Liang-Barsky clipping)."""
    x1, x2 = box.x - box.width / 2 - margin, box.x + box.width / 2 + margin
    y1, y2 = box.y - box.height / 2 - margin, box.y + box.height / 2 + margin
    low, high = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for step, room in ((-dx, p[0] - x1), (dx, x2 - p[0]), (-dy, p[1] - y1), (dy, y2 - p[1])):
        if step == 0:
            if room < 0:
                return False
        elif step < 0:
            low = max(low, room / step)
        else:
            high = min(high, room / step)
        if low > high:
            return False
    return True


def through_boxes(
    edges: list[Edge], boxes: dict[str, Box], margin: float = CLEARANCE
) -> list[tuple[str, str, str]]:
    """(source, target, node) for every edge that passes through a box it does not connect."""
    found = set()
    for edge in edges:
        points = flatten(edge.path)
        for node, box in boxes.items():
            if node not in (edge.source, edge.target) and any(
                _crosses(p, q, box, margin) for p, q in itertools.pairwise(points)
            ):
                found.add((edge.source, edge.target, node))
    return sorted(found)


def python_edges(svg: bytes) -> list[Edge]:
    return [
        Edge(g.get("data-source", ""), g.get("data-target", ""), path.get("d", ""))
        for g in ET.fromstring(svg).iter(f"{SVG}g")
        if g.get("class") == "edge"
        for path in [g.find(f"{SVG}path")]
        if path is not None
    ]


def graphviz_edges(svg: bytes) -> list[Edge]:
    """Each edge's spline (its first path; the arrowhead is a polygon) and its ends, from its
    title ``source->target``."""
    edges = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "edge":
            source, _arrow, target = (group.findtext(f"{SVG}title") or "").partition("->")
            path = next(group.iter(f"{SVG}path"))
            edges.append(Edge(source, target, path.get("d", "")))
    return edges


def edge_labels(svg: bytes, *, graphviz: bool) -> Counter[tuple[str, str, str]]:
    """(source, target, label) of every labelled edge."""
    found: Counter[tuple[str, str, str]] = Counter()
    root = ET.fromstring(svg)
    if graphviz:
        for group in root.iter(f"{SVG}g"):
            if group.get("class") == "edge":
                source, _arrow, target = (group.findtext(f"{SVG}title") or "").partition("->")
                for text in group.iter(f"{SVG}text"):
                    found[(source, target, text.text or "")] += 1
    else:
        for text in root.iter(f"{SVG}text"):
            if text.get("class") == "edge-label":
                found[
                    (text.get("data-source", ""), text.get("data-target", ""), text.text or "")
                ] += 1
    return found


def drawn(scene: Scene, renderer: str) -> tuple[bytes, dict[str, Box], list[Edge]]:
    """The scene's SVG by one renderer, its node boxes and its edges."""
    if renderer == "python":
        svg = viz.to_svg_python(scene).encode("utf-8")
        return svg, python_svg(svg), python_edges(svg)
    neato = require_tool(viz.GRAPHVIZ_ENGINE, "apt-get install graphviz")
    svg = viz.graphviz_render(viz.to_dot(scene), "svg", neato)
    return svg, graphviz_svg(svg), graphviz_edges(svg)


@pytest.mark.parametrize("renderer", ["python", "graphviz"])
@pytest.mark.parametrize("view", list(View))
def test_no_edge_passes_through_a_box_it_does_not_connect(
    scenes: dict[View, Scene], view: View, renderer: str
) -> None:
    scene = scenes[view]
    _svg, boxes, edges = drawn(scene, renderer)
    assert len(edges) == len(scene.edges) and len(boxes) == len(scene.nodes)
    assert through_boxes(edges, boxes) == []


def test_the_check_sees_an_edge_through_a_box() -> None:
    svg = (FIXTURES / "edge-through-box.svg").read_bytes()
    assert through_boxes(python_edges(svg), python_svg(svg)) == [("A", "B", "C")]


def test_the_check_sees_the_fault_of_the_straight_curves(scenes: dict[View, Scene]) -> None:
    """Before issue 23 each edge was one bent curve, whatever lay in its way: in the interface
    view some ran through other boxes (ISM -> Problem Management through Demand Management)."""
    scene = scenes[View.INTERFACES]
    offsets = geometry._edge_offsets(scene)
    nodes = scene.node_map
    old = {
        e.id: geometry._bent(nodes[e.source], nodes[e.target], offsets[e.id]) for e in scene.edges
    }
    svg = viz.to_svg_python(replace(scene, routes=old)).encode("utf-8")
    assert through_boxes(python_edges(svg), python_svg(svg))


# --- the slide: --view ppo ----------------------------------------------------------------------

PPO_INTERFACES = """
PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?interface ?from ?to ?class ?label WHERE {
  ?interface a ppo:Interface ; ppo:fromProcess ?from ; ppo:toProcess ?to ;
    a ?class .
  ?class rdfs:subClassOf ppo:Interface ; rdfs:label ?label .
  FILTER (?class != ppo:Interface)
  FILTER (EXISTS { ?from a ppo:PPOProcess } || EXISTS { ?to a ppo:PPOProcess })
  FILTER NOT EXISTS {  # the most specific type only
    ?interface a ?narrower .
    ?narrower rdfs:subClassOf ?class .
    FILTER (?narrower != ?class)
  }
}
"""


def expected_slide_edges(graph: Graph) -> Counter[tuple[str, str, str]]:
    """(from, to, type name) of every interface with a PPO process at one end, as SPARQL reads
    them from the graph: the slide's edges and their labels."""
    return Counter(
        (str(row.get("from")), str(row.get("to")), str(row.get("label")).removesuffix(" interface"))
        for row in graph.query(PPO_INTERFACES)  # type: ignore[union-attr]
    )


@pytest.mark.parametrize("renderer", ["python", "graphviz"])
def test_slide_has_the_ppo_interfaces_labelled_by_type(
    scenes: dict[View, Scene], reasoned_union: Graph, renderer: str
) -> None:
    svg, boxes, edges = drawn(scenes[View.PPO], renderer)
    expected = expected_slide_edges(reasoned_union)
    assert expected and Counter((e.source, e.target) for e in edges) == Counter(
        (s, t) for s, t, _label in expected
    )
    assert set(boxes) == {n for s, t, _label in expected for n in (s, t)}
    assert edge_labels(svg, graphviz=renderer == "graphviz") == expected
    assert all(":" not in label for _s, _t, label in expected)  # names, not CURIEs


def test_slide_keeps_only_interfaces_with_a_ppo_process(tmp_path: Path) -> None:
    """An interface between two other processes is on the interface view, not on the slide."""
    extra = tmp_path / "other.ttl"
    extra.write_text(
        """@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .
@prefix ppod: <https://w3id.org/ppo-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ppod:interface-slm-fm-financial a ppo:FinancialInterface ;
    rdfs:label "Service Level Management – Financial Management (financial)"@en ;
    ppo:fromProcess ppod:ServiceLevelManagement ;
    ppo:toProcess ppod:FinancialManagementForITServices ;
    ppo:stated true .
""",
        encoding="utf-8",
    )
    graph = fast_reasoned(
        load_graph([ontology_dir() / "ppo.ttl", FIXTURES / "mini.ttl", extra], shipped=False)
    ).union()
    engine = KnowledgeGraph.from_rdflib(graph)
    slide, everything = viz.build_scene(engine, View.PPO), viz.build_scene(engine, View.INTERFACES)
    other = ("https://w3id.org/ppo-graph/id/interface-slm-fm-financial",)
    assert other[0] in {e.id for e in everything.edges}
    assert other[0] not in {e.id for e in slide.edges}
    svg = viz.to_svg_python(slide).encode("utf-8")
    assert edge_labels(svg, graphviz=False) == expected_slide_edges(graph)
    assert len(slide.edges) == len(everything.edges) - 1


def svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height of an SVG's viewBox."""
    _x, _y, width, height = (float(v) for v in ET.fromstring(svg).get("viewBox", "").split())
    return width, height


@pytest.mark.parametrize("renderer", ["python", "graphviz"])
def test_slide_is_16_by_9_with_legible_fonts(scenes: dict[View, Scene], renderer: str) -> None:
    svg, _boxes, _edges = drawn(scenes[View.PPO], renderer)
    width, height = svg_size(svg)
    assert width / height == pytest.approx(SLIDE, rel=0.005)
    sizes = [
        float(e.get("font-size", "0").removesuffix("px"))
        for e in ET.fromstring(svg).iter()
        if e.get("font-size")
    ]
    # shown 1920 pixels wide (a full HD slide), no text is under 10 pixels high
    assert sizes and min(sizes) * 1920 / width >= 10


def test_slide_png_is_16_by_9(scenes: dict[View, Scene]) -> None:
    neato = require_tool(viz.GRAPHVIZ_ENGINE, "apt-get install graphviz")
    width, height, colours = png_stats(
        viz.graphviz_render(viz.to_dot(scenes[View.PPO]), "png", neato)
    )
    assert width / height == pytest.approx(SLIDE, rel=0.01) and colours > 10
    require_module("matplotlib")
    width, height, colours = png_stats(viz.to_png_matplotlib(scenes[View.PPO]))
    assert (width, height) == (1920, 1080) and colours > 10
