"""Graphviz DOT that draws the scene's picture: every node pinned where the layout put it.

The file names its own engine (``layout=neato`` overrides the engine of the command, so
``dot file.dot`` lays it out with neato too) and pins each node at the scene's position
(``pos="x,y!"`` in points: ``inputscale=72``; ``notranslate``; no overlap removal; ``mode=KK``).
Graphviz then only routes the edges. Box sizes are the scene's too: ``width``/``height`` are
minimums, and the small ``margin`` lets the scene's box, sized for the widest fonts, hold the
label. Graphviz's y axis points up, the scene's down: y is negated, and Graphviz's SVG and PNG
negate it back. ``tests/test_viz_picture.py`` measures all of this.

Each edge carries its route (``pos``: the cubic Bézier points of :mod:`.geometry`'s route, clear
of every box it does not connect) and, on the slide, its label's place (``lp``): ``neato -n2``
(which ``ppo viz`` runs) draws them as given; ``neato`` or ``dot`` without ``-n2`` route the
edges themselves, around the boxes as best they can.

The slide (``--view ppo``) has its 16:9 frame pinned too: two invisible point nodes at its
corners (``class="frame"``), the title and the legend as pinned text nodes (``class="title"``,
``class="legend"``) and no padding, so Graphviz's picture is the frame; each edge is labelled
with its type.
"""

from __future__ import annotations

import html as html_lib
import math
from typing import TYPE_CHECKING, Any

from ppo_graph.formats import View
from ppo_graph.viz.layout import legend_size
from ppo_graph.viz.styles import (
    CHAR_WIDTH,
    KIND_STYLES,
    SLIDE_EDGE_FONT,
    SLIDE_LEGEND_FONT,
    SLIDE_TITLE_FONT,
    type_colour,
)

if TYPE_CHECKING:
    from ppo_graph.viz.geometry import EdgeRoute
    from ppo_graph.viz.scene import Scene, SceneNode

#: The Graphviz engine that keeps given positions (``dot`` ignores ``pos``).
ENGINE = "neato"
POINTS_PER_INCH = 72.0


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
    if scene.slide:
        return _slide_legend(scene)
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


def _slide_legend(scene: Scene) -> str:
    """The slide's legend: one column (heading, edge types, node kinds), as on the SVG."""
    font = SLIDE_LEGEND_FONT
    rows = [
        f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>{html_lib.escape(scene.types_heading)}</B></TD></TR>'
    ]
    rows += [
        f'<TR><TD><FONT COLOR="{type_colour(t)}">&#9472;&#9472;&#9654;</FONT></TD>'
        f'<TD ALIGN="LEFT">{html_lib.escape(label)} ({count})</TD></TR>'
        for t, label, count in scene.types
    ]
    if scene.has_implied:
        rows += [
            '<TR><TD>&#9472;&#9472;</TD><TD ALIGN="LEFT">stated in the text</TD></TR>',
            '<TR><TD>- - -</TD><TD ALIGN="LEFT">implied by a duty</TD></TR>',
        ]
    rows += [
        f'<TR><TD BGCOLOR="{KIND_STYLES[k].fill}" COLOR="{KIND_STYLES[k].stroke}" BORDER="2">'
        f'   </TD><TD ALIGN="LEFT">{html_lib.escape(KIND_STYLES[k].legend)}</TD></TR>'
        for k in scene.kinds
    ]
    return _HtmlLabel(
        f'<<FONT POINT-SIZE="{font}"><TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE></FONT>>"
    )


def _slide_frame(scene: Scene) -> list[str]:
    """The slide's frame corners, title and legend as pinned nodes (class frame, title,
    legend), so Graphviz draws the scene's 16:9 canvas."""
    assert scene.canvas is not None
    x, y, width, height = scene.canvas
    point = {"shape": "point", "style": "invis", "width": 0, "height": 0, "fixedsize": True}
    lines = [
        f"  {_dot_quote(name)} [{_dot_attrs({**point, 'class': 'frame', 'pos': pos})}];"
        for name, pos in (
            ("frame top left", f"{x:.1f},{-y:.1f}!"),
            ("frame bottom right", f"{x + width:.1f},{-(y + height):.1f}!"),
        )
    ]
    text = {"shape": "plaintext", "style": "", "margin": 0, "fillcolor": "none"}
    title_w = len(scene.title) * SLIDE_TITLE_FONT * CHAR_WIDTH[True]
    title_pos = f"{x + 20 + title_w / 2:.1f},{-(y + 10 + SLIDE_TITLE_FONT * 0.7):.1f}!"
    lines.append(
        f"  {_dot_quote('title')} [{_dot_attrs({**text, 'class': 'title', 'label': scene.title, 'fontsize': SLIDE_TITLE_FONT, 'fontname': 'Helvetica-Bold', 'pos': title_pos, 'tooltip': scene.title})}];"
    )
    (lx, ly), (lw, lh) = scene.legend_at, legend_size(scene)  # pos is the centre
    legend = {**text, "class": "legend", "label": _legend_table(scene), "tooltip": "legend"}
    legend["pos"] = f"{lx + lw / 2:.1f},{-(ly + lh / 2):.1f}!"
    lines.append(f"  {_dot_quote('legend')} [{_dot_attrs(legend)}];")
    return lines


#: Length (points) of the arrowhead Graphviz draws at an edge's end (10 × ``arrowsize``).
ARROW_LENGTH = 8.0


def dot_spline(route: EdgeRoute) -> str:
    """The route as a Graphviz edge ``pos``: ``e,`` the arrow's tip, then the cubic Bézier
    points (y up), the curve ending an arrow's length before the tip."""
    points: list[tuple[float, float]] = [route.start]
    for segment in route.segments:
        p = points[-1]
        if len(segment) == 1:
            (q,) = segment
            points += [(p[0] + (q[0] - p[0]) / 3, p[1] + (q[1] - p[1]) / 3)]
            points += [(p[0] + 2 * (q[0] - p[0]) / 3, p[1] + 2 * (q[1] - p[1]) / 3), q]
        else:
            c, q = segment
            points += [(p[0] + 2 * (c[0] - p[0]) / 3, p[1] + 2 * (c[1] - p[1]) / 3)]
            points += [(q[0] + 2 * (c[0] - q[0]) / 3, q[1] + 2 * (c[1] - q[1]) / 3), q]
    tip, before = points[-1], points[-2]
    if before == tip:
        before = points[-4]
    length = math.dist(before, tip) or 1.0
    back = min(ARROW_LENGTH, length * 0.9) / length
    points[-1] = (tip[0] - (tip[0] - before[0]) * back, tip[1] - (tip[1] - before[1]) * back)
    return " ".join([f"e,{tip[0]:.1f},{-tip[1]:.1f}"] + [f"{x:.1f},{-y:.1f}" for x, y in points])


def dot_position(node: SceneNode) -> str:
    """The scene's position as a pinned Graphviz ``pos`` (points, y up)."""
    return f"{node.x:.1f},{-node.y:.1f}!"


def to_dot(scene: Scene, *, legend: bool = True) -> str:
    """Graphviz DOT: node ``label``/``kind``/``iri``, edge ``type``/``stated``/``tooltip``, and
    the scene's layout (positions and box sizes), which any Graphviz command keeps."""
    name = f"ppo-{scene.view.value}"
    graph_attrs: dict[str, Any] = {
        "layout": ENGINE,
        "inputscale": int(POINTS_PER_INCH),  # pos is in points
        "notranslate": True,  # Graphviz coordinates are the scene's, y negated
        "overlap": True,  # keep every position: the layout already keeps boxes apart
        # neato's default mode lays out each connected component apart and packs them, which
        # shifts a view with an isolated node; Kamada-Kawai lays out the graph whole, and with
        # every node pinned moves none
        "mode": "KK",
        "splines": "true",  # edges routed around the boxes
        "fontname": "Helvetica",
        "fontsize": 11,
        "outputorder": "edgesfirst",
        "bgcolor": "white",
        "pad": 0.3,
    }
    if scene.slide:
        graph_attrs["pad"] = 0  # the frame's corners are the picture's
    elif legend:
        graph_attrs.update(label=_legend_table(scene), labelloc="b", labeljust="l")
    lines = [f"digraph {_dot_quote(name)} {{"]
    lines.append(f"  graph [{_dot_attrs(graph_attrs)}];")
    lines.append(
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", margin="0.04,0.02"];'
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
            "pos": dot_position(node),
            "width": f"{node.width / POINTS_PER_INCH:.4f}",
            "height": f"{node.height / POINTS_PER_INCH:.4f}",
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
        if scene.view in (View.INTERFACES, View.PPO):
            attrs["iri"] = edge.id
        if edge.id in scene.routes:
            attrs["pos"] = dot_spline(scene.routes[edge.id])
        if edge.id in scene.label_at:
            attrs["lp"] = f"{scene.label_at[edge.id][0]:.1f},{-scene.label_at[edge.id][1]:.1f}"
        if scene.slide:
            attrs.update(label=edge.type_label, fontsize=SLIDE_EDGE_FONT, fontcolor="#1f2933")
        lines.append(
            f"  {_dot_quote(edge.source)} -> {_dot_quote(edge.target)} [{_dot_attrs(attrs)}];"
        )
    if scene.slide and legend:
        lines += _slide_frame(scene)
    lines.append("}")
    return "\n".join(lines) + "\n"
