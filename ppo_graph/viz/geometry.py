"""Edge curves of the writers that draw edges themselves (the pure-Python SVG and matplotlib):
one quadratic Bézier per edge, bent sideways so parallel and opposite edges stay apart."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ppo_graph.viz.scene import Scene, SceneEdge, SceneNode

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
