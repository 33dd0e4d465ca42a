"""Graphviz DOT that draws the scene's picture: every node pinned where the layout put it.

The file names its own engine (``layout=neato`` overrides the engine of the command, so
``dot file.dot`` lays it out with neato too) and pins each node at the scene's position
(``pos="x,y!"`` in points: ``inputscale=72``; ``notranslate``; no overlap removal; ``mode=KK``).
Graphviz then only routes the edges. Box sizes are the scene's too: ``width``/``height`` are
minimums, and the small ``margin`` lets the scene's box, sized for the widest fonts, hold the
label. Graphviz's y axis points up, the scene's down: y is negated, and Graphviz's SVG and PNG
negate it back. ``tests/test_viz_picture.py`` measures all of this.
"""

from __future__ import annotations

import html as html_lib
from typing import TYPE_CHECKING, Any

from ppo_graph.formats import View
from ppo_graph.viz.styles import KIND_STYLES, type_colour

if TYPE_CHECKING:
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
    if legend:
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
        if scene.view is View.INTERFACES:
            attrs["iri"] = edge.id
        lines.append(
            f"  {_dot_quote(edge.source)} -> {_dot_quote(edge.target)} [{_dot_attrs(attrs)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
