"""Where each node goes: computed here, deterministically, once per scene, so every format
draws the same picture.

The interface view puts the PPO processes on an inner ring and the processes they work with on
an outer ring, each near its partners; the slide (``--view ppo``) does the same on a 16:9 oval,
labels each edge with its type where the label covers no box and no other label, and frames it
all in a 16:9 canvas with the title above and the legend on the right; the role views are
layered columns. Boxes are pushed apart until no two overlap, so labels (drawn inside the boxes)
never overlap either. Edge routes are :mod:`.geometry`'s.
Coordinates are in points (1/72 inch, a CSS pixel at 100 %), y growing downwards as on screen.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ppo_graph.formats import View
from ppo_graph.viz.geometry import box
from ppo_graph.viz.styles import (
    CHAR_WIDTH,
    KIND_STYLES,
    SLIDE_ASPECT,
    SLIDE_EDGE_FONT,
    SLIDE_LEGEND_FONT,
    SLIDE_TITLE_FONT,
)

if TYPE_CHECKING:
    from ppo_graph.viz.scene import Scene, SceneNode


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


def ring_layout(scene: Scene, aspect: float = 1.05, inner_radius: float = 190.0) -> None:
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
        r_inner = _first_fit(inner, lambda r: _ring(inner, r, -math.pi / 2, aspect), inner_radius)
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


#: Where along its route (share of its length) an edge's label may sit, in order of preference.
_LABEL_SHARES = (0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55, 0.35, 0.65, 0.25, 0.75, 0.2, 0.8)
SLIDE_PAD = 30.0


def label_size(text: str, font: float = SLIDE_EDGE_FONT) -> tuple[float, float]:
    """The box an edge label takes (its white background included)."""
    return len(text) * font * CHAR_WIDTH[False] + 6, font * 1.25 + 2


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(scene: Scene) -> None:
    """Each edge's label (its type) at the first point along its route, from the middle out,
    where it covers no box and no label placed before; else at the middle."""
    boxes = [box(n, 3.0) for n in scene.nodes]
    placed: list[tuple[float, float, float, float]] = []
    for edge in scene.edges:
        route = scene.routes[edge.id]
        w, h = label_size(edge.type_label)
        spot = route.middle()
        for share in _LABEL_SHARES:
            x, y = route.point_at(share)
            rect = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            if not any(_overlap(rect, r) for r in [*boxes, *placed]):
                spot = (x, y)
                break
        placed.append(
            (spot[0] - w / 2 - 2, spot[1] - h / 2 - 2, spot[0] + w / 2 + 2, spot[1] + h / 2 + 2)
        )
        scene.label_at[edge.id] = (round(spot[0], 1), round(spot[1], 1))


def legend_size(scene: Scene) -> tuple[float, float]:
    """Width and height of the slide's legend (heading, edge types, node kinds)."""
    texts = [scene.types_heading, *(f"{label} ({n})" for _t, label, n in scene.types)]
    texts += [KIND_STYLES[k].legend for k in scene.kinds]
    rows = len(texts) + (2 if scene.has_implied else 0)
    longest = max([len(t) for t in texts] + [len("implied by a duty")])
    return longest * SLIDE_LEGEND_FONT * CHAR_WIDTH[True] + 60, rows * SLIDE_LEGEND_FONT * 1.7 + 20


def frame_slide(scene: Scene) -> None:
    """The slide's 16:9 canvas: the title band on top, the legend on the right, the picture
    (boxes, routes and labels, with a margin) centred in the rest."""
    xs: list[float] = []
    ys: list[float] = []
    for node in scene.nodes:
        x1, y1, x2, y2 = box(node)
        xs += [x1, x2]
        ys += [y1, y2]
    for route in scene.routes.values():
        for x, y in route.points():
            xs.append(x)
            ys.append(y)
    for edge in scene.edges:
        (x, y), (w, h) = scene.label_at[edge.id], label_size(edge.type_label)
        xs += [x - w / 2, x + w / 2]
        ys += [y - h / 2, y + h / 2]
    if not xs:
        xs, ys = [0.0, 200.0], [0.0, 100.0]
    title_band = SLIDE_TITLE_FONT * 2.2
    legend_w, legend_h = legend_size(scene)
    gx1, gx2 = min(xs) - SLIDE_PAD, max(xs) + SLIDE_PAD
    gy1, gy2 = min(ys) - SLIDE_PAD, max(ys) + SLIDE_PAD
    if gy2 - gy1 < legend_h:
        grow = (legend_h - (gy2 - gy1)) / 2
        gy1, gy2 = gy1 - grow, gy2 + grow
    width, height = gx2 - gx1 + legend_w + SLIDE_PAD, gy2 - gy1 + title_band
    if width / height < SLIDE_ASPECT:
        grow = (height * SLIDE_ASPECT - width) / 2
        gx1, gx2 = gx1 - grow, gx2 + grow
    else:
        grow = (width / SLIDE_ASPECT - height) / 2
        gy1, gy2 = gy1 - grow, gy2 + grow
    width, height = gx2 - gx1 + legend_w + SLIDE_PAD, gy2 - gy1 + title_band
    scene.canvas = (round(gx1, 1), round(gy1 - title_band, 1), round(width, 1), round(height, 1))
    scene.legend_at = (round(gx2 + SLIDE_PAD / 2, 1), round(gy1, 1))
