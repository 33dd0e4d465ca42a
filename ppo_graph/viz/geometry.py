"""Edge routes, computed once per scene (:func:`route_edges`) and drawn by the writers that draw
edges themselves (the pure-Python SVG, matplotlib and the page): one quadratic Bézier per edge,
bent sideways so parallel and opposite edges stay apart, and re-routed until no edge passes
through (or within :data:`CLEARANCE` of) the box of a node it does not connect.

Re-routing first bends the edge (with its parallel edges) further to one side or the other; an
edge no bend clears goes around the boxes in its way: the shortest path between the corners of
the boxes (each grown by twice the clearance), its bends rounded. Every writer draws these
routes (Graphviz too: :mod:`.dot` writes them as the edges' ``pos``); ``tests/test_viz_picture.py``
measures the SVGs of both renderers.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ppo_graph.viz.scene import Scene, SceneEdge, SceneNode

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x1, y1, x2, y2

PARALLEL_STEP = 30.0
#: How far (points) an edge keeps from the box of every node it does not connect.
CLEARANCE = 6.0
#: Extra sideways bends tried, in multiples of PARALLEL_STEP, before going around the boxes.
_BENDS = (1, -1, 2, -2, 3, -3, 4, -4, 6, -6)
_FLATTEN_STEPS = 24


@dataclass(frozen=True)
class EdgeRoute:
    """An edge's curve: a start on the source box's border and segments, each ``(end,)`` (a line)
    or ``(control, end)`` (a quadratic Bézier), the last ending on the target box's border."""

    start: Point
    segments: tuple[tuple[Point, ...], ...]

    @property
    def end(self) -> Point:
        return self.segments[-1][-1]

    def svg_path(self) -> str:
        parts = [f"M{self.start[0]:.1f},{self.start[1]:.1f}"]
        for segment in self.segments:
            letter = "L" if len(segment) == 1 else "Q"
            parts.append(letter + " ".join(f"{x:.1f},{y:.1f}" for x, y in segment))
        return " ".join(parts)

    def points(self, steps: int = _FLATTEN_STEPS) -> list[Point]:
        """The curve as a polyline (each Bézier cut into ``steps`` straight pieces)."""
        out = [self.start]
        for segment in self.segments:
            if len(segment) == 1:
                out.append(segment[0])
                continue
            (p0x, p0y), (cx, cy), (p1x, p1y) = out[-1], segment[0], segment[1]
            for i in range(1, steps + 1):
                t = i / steps
                a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
                out.append((a * p0x + b * cx + c * p1x, a * p0y + b * cy + c * p1y))
        return out

    def middle(self) -> Point:
        """The point halfway along the curve (where its label goes)."""
        return self.point_at(0.5)

    def point_at(self, share: float) -> Point:
        """The point at ``share`` (0..1) of the curve's length."""
        pts = self.points()
        lengths = [math.dist(a, b) for a, b in itertools.pairwise(pts)]
        goal = sum(lengths) * share
        for (a, b), length in zip(itertools.pairwise(pts), lengths, strict=True):
            if goal <= length and length > 0:
                t = goal / length
                return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
            goal -= length
        return pts[-1]


def box(node: SceneNode, margin: float = 0.0) -> Rect:
    """A node's box, grown by ``margin`` on every side."""
    return (
        node.x - node.width / 2 - margin,
        node.y - node.height / 2 - margin,
        node.x + node.width / 2 + margin,
        node.y + node.height / 2 + margin,
    )


def segment_hits(p: Point, q: Point, rect: Rect) -> bool:
    """Whether the segment p-q touches the rectangle (Liang-Barsky clipping)."""
    x1, y1, x2, y2 = rect
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for step, room in ((-dx, p[0] - x1), (dx, x2 - p[0]), (-dy, p[1] - y1), (dy, y2 - p[1])):
        if step == 0:
            if room < 0:
                return False
            continue
        t = room / step
        if step < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def polyline_hits(points: list[Point], rect: Rect) -> bool:
    return any(segment_hits(a, b, rect) for a, b in itertools.pairwise(points))


def _edge_offsets(scene: Scene) -> dict[str, float]:
    """Sideways bend of each edge, so parallel and opposite edges between a pair are apart."""
    offsets = {}
    for (first, _second), group in _pairs(scene).items():
        n = len(group)
        for i, edge in enumerate(group):
            offset = (i - (n - 1) / 2) * PARALLEL_STEP
            offsets[edge.id] = offset if edge.source == first else -offset
    return offsets


def _pairs(scene: Scene) -> dict[tuple[str, str], list[SceneEdge]]:
    """The edges between each pair of nodes, either way."""
    groups: dict[tuple[str, str], list[SceneEdge]] = defaultdict(list)
    for edge in scene.edges:
        first, second = sorted((edge.source, edge.target))
        groups[(first, second)].append(edge)
    return groups


def _clip(node: SceneNode, towards: Point) -> Point:
    """Where the line from the node's centre towards a point leaves its box."""
    dx, dy = towards[0] - node.x, towards[1] - node.y
    if dx == 0 and dy == 0:
        return node.x, node.y
    t = min(
        (node.width / 2) / abs(dx) if dx else math.inf,
        (node.height / 2) / abs(dy) if dy else math.inf,
    )
    return node.x + dx * t, node.y + dy * t


def _bent(a: SceneNode, b: SceneNode, offset: float) -> EdgeRoute:
    """A quadratic Bézier from a to b whose middle is ``offset`` to the side of the straight line."""
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    length = math.hypot(b.x - a.x, b.y - a.y) or 1.0
    nx_, ny_ = -(b.y - a.y) / length, (b.x - a.x) / length
    control = (mx + nx_ * offset * 2, my + ny_ * offset * 2)
    return EdgeRoute(_clip(a, control), ((control, _clip(b, control)),))


def _blocked(route: EdgeRoute, obstacles: dict[str, Rect], own: tuple[str, str]) -> list[str]:
    points = route.points()
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    lo_x, hi_x, lo_y, hi_y = min(xs), max(xs), min(ys), max(ys)
    return [
        n
        for n, r in obstacles.items()
        if n not in own
        and r[0] <= hi_x
        and lo_x <= r[2]
        and r[1] <= hi_y
        and lo_y <= r[3]
        and polyline_hits(points, r)
    ]


def _around(
    a: SceneNode, b: SceneNode, obstacles: dict[str, Rect], corners: list[Point]
) -> EdgeRoute | None:
    """The shortest way from a to b between the (grown) corners of the boxes in the way, its
    bends rounded; None when the boxes leave no way."""
    walls = [r for n, r in obstacles.items() if n not in (a.id, b.id)]

    def free(p: Point, q: Point) -> bool:
        lo_x, hi_x = min(p[0], q[0]), max(p[0], q[0])
        lo_y, hi_y = min(p[1], q[1]), max(p[1], q[1])
        return not any(
            r[0] <= hi_x
            and lo_x <= r[2]
            and r[1] <= hi_y
            and lo_y <= r[3]
            and segment_hits(p, q, r)
            for r in walls
        )

    own = (box(a), box(b))
    points = [(a.x, a.y), (b.x, b.y)] + [
        c for c in corners if not any(r[0] < c[0] < r[2] and r[1] < c[1] < r[3] for r in own)
    ]
    goal = points[1]
    best = {0: 0.0}
    previous: dict[int, int] = {}
    done: set[int] = set()
    queue = [(math.dist(points[0], goal), 0)]  # A*: the straight distance left never overestimates
    while queue:
        _estimate, i = heapq.heappop(queue)
        if i == 1:
            break
        if i in done:
            continue
        done.add(i)
        cost = best[i]
        for j in range(1, len(points)):
            step = math.dist(points[i], points[j])
            if j not in done and cost + step < best.get(j, math.inf) and free(points[i], points[j]):
                best[j] = cost + step
                previous[j] = i
                heapq.heappush(queue, (cost + step + math.dist(points[j], goal), j))
    if 1 not in previous:
        return None
    path = [1]
    while path[-1] != 0:
        path.append(previous[path[-1]])
    way = [points[i] for i in reversed(path)]
    start, end = _clip(a, way[1]), _clip(b, way[-2])
    return EdgeRoute(start, _rounded([start, *way[1:-1], end]))


def _rounded(way: list[Point], radius: float = CLEARANCE) -> tuple[tuple[Point, ...], ...]:
    """Straight runs between the points, each bend cut by a quadratic Bézier of ``radius``."""
    segments: list[tuple[Point, ...]] = []
    for prev, corner, nxt in zip(way, way[1:], way[2:], strict=False):
        cut = min(radius, math.dist(prev, corner) / 2, math.dist(corner, nxt) / 2)
        before = _towards(corner, prev, cut)
        after = _towards(corner, nxt, cut)
        segments += [(before,), (corner, after)]
    segments.append((way[-1],))
    return tuple(segments)


def _towards(p: Point, q: Point, distance: float) -> Point:
    length = math.dist(p, q) or 1.0
    return p[0] + (q[0] - p[0]) * distance / length, p[1] + (q[1] - p[1]) * distance / length


def route_edges(scene: Scene, clearance: float = CLEARANCE) -> dict[str, EdgeRoute]:
    """Each edge's route, kept ``clearance`` away from every box it does not connect wherever
    the boxes leave a way (see the module's docstring)."""
    nodes = scene.node_map
    offsets = _edge_offsets(scene)
    obstacles = {n.id: box(n, clearance) for n in scene.nodes}
    corners: list[Point] = []
    for node in scene.nodes:
        x1, y1, x2, y2 = box(node, 2 * clearance)
        corners += [(x1, y1), (x2, y1), (x1, y2), (x2, y2)]
    routes: dict[str, EdgeRoute] = {}
    for (first, _second), group in _pairs(scene).items():
        routes.update(_route_pair(group, first, nodes, offsets, obstacles, corners))
    return routes


def _route_pair(
    group: list[SceneEdge],
    first: str,
    nodes: dict[str, SceneNode],
    offsets: dict[str, float],
    obstacles: dict[str, Rect],
    corners: list[Point],
) -> dict[str, EdgeRoute]:
    """The routes of the edges between one pair of nodes: bent together while a bend clears
    every box, else each blocked one around the boxes."""

    def bent(extra: float) -> dict[str, EdgeRoute]:
        return {
            e.id: _bent(
                nodes[e.source],
                nodes[e.target],
                offsets[e.id] + (extra if e.source == first else -extra),
            )
            for e in group
        }

    def clear(tries: dict[str, EdgeRoute]) -> bool:
        return not any(_blocked(r, obstacles, (e.source, e.target)) for e, r in _each(group, tries))

    tries = bent(0.0)
    if not clear(tries):
        bends = (bent(bend * PARALLEL_STEP) for bend in _BENDS)
        tries = next((t for t in bends if clear(t)), tries)
    for edge, route in _each(group, tries):
        if _blocked(route, obstacles, (edge.source, edge.target)):
            around = _around(nodes[edge.source], nodes[edge.target], obstacles, corners)
            tries[edge.id] = around or route
    return tries


def _each(
    group: list[SceneEdge], routes: dict[str, EdgeRoute]
) -> list[tuple[SceneEdge, EdgeRoute]]:
    return [(e, routes[e.id]) for e in group]


def blocked_edges(scene: Scene, clearance: float = 0.0) -> list[tuple[str, str]]:
    """(edge, node) for every edge whose route passes within ``clearance`` of a box it does not
    connect: empty when the picture has no such fault."""
    obstacles = {n.id: box(n, clearance) for n in scene.nodes}
    return [
        (edge.id, node)
        for edge in scene.edges
        for node in _blocked(scene.routes[edge.id], obstacles, (edge.source, edge.target))
    ]


def edge_geometry(scene: Scene) -> dict[str, EdgeRoute]:
    """The route of each edge (computed by :func:`route_edges` when the scene was laid out)."""
    return scene.routes
