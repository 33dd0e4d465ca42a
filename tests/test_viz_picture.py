"""The same picture in every format (issue 9): the page, the pure-Python SVG, the DOT and what
Graphviz draws from it put every node where the scene's layout put it, in a box of the scene's
size. Positions are compared in the scene's coordinates (y down): Graphviz's y axis points up,
so its coordinates are negated back, and its SVG output is compared before the one translation
of its top group (which moves the whole picture onto the page).

The checks are checked too: the DOT without its positions, or laid out by ``dot`` as it was
before, and a scene with one node moved by two points, must all be caught.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any, NamedTuple

import networkx as nx
import pytest
from conftest import require_tool
from test_viz import page_data

from ppo_graph import viz
from ppo_graph.viz import Scene, View

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
    """Node boxes of Graphviz's ``-Tjson`` output (positions and sizes in points, y up)."""
    boxes = {}
    for obj in json.loads(data).get("objects", []):
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
    text, dropped = re.subn(r', pos="[^"]*"', "", viz.to_dot(scene))
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
