"""A static SVG drawn in pure Python from the scene: each node's box centred on its position in
the scene's own coordinates (the viewBox), edges as the routes of :mod:`.geometry`. The slide
(``--view ppo``) is drawn in its 16:9 canvas, each edge labelled with its type."""

from __future__ import annotations

import html as html_lib
from typing import TYPE_CHECKING

from ppo_graph.viz.geometry import edge_geometry
from ppo_graph.viz.styles import (
    FONT_FAMILY,
    KIND_STYLES,
    LINE_HEIGHT,
    SLIDE_EDGE_FONT,
    SLIDE_LEGEND_FONT,
    SLIDE_TITLE_FONT,
    type_colour,
)

if TYPE_CHECKING:
    from ppo_graph.viz.scene import Scene


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
    title_font, legend_x, legend_y = 18, x2 + 10, y1 + pad + 30
    if scene.canvas is not None:  # the slide: its own 16:9 frame
        x1, y1, width, height = scene.canvas
        title_font, (legend_x, legend_y) = SLIDE_TITLE_FONT, scene.legend_at
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
        f'<text x="{x1 + pad}" y="{y1 + pad + title_font - 18}" font-size="{title_font}" '
        f'font-weight="bold" fill="#1f2933">{_xml(scene.title)}</text>'
    )
    geometry = edge_geometry(scene)
    out.append('<g id="edges">')
    for edge in scene.edges:
        dash = "" if edge.stated else ' stroke-dasharray="7 5"'
        out.append(
            f'<g class="edge" data-type="{_xml(edge.type)}" data-source="{_xml(edge.source)}" '
            f'data-target="{_xml(edge.target)}"><title>{_xml(edge.label)} '
            f"({_xml(edge.type_label)})</title>"
            f'<path d="{geometry[edge.id].svg_path()}" fill="none" '
            f'stroke="{edge.colour}" stroke-width="2"{dash} '
            f'marker-end="url(#arrow-{_slug(edge.type)})"/></g>'
        )
    out.append("</g>")
    if scene.label_at:
        out.append(
            f'<g id="edge-labels" font-size="{SLIDE_EDGE_FONT}" text-anchor="middle" '
            'fill="#1f2933" stroke="#ffffff" stroke-width="4" paint-order="stroke" '
            'stroke-linejoin="round">'
        )
        for edge in scene.edges:
            x, y = scene.label_at[edge.id]
            out.append(
                f'<text class="edge-label" data-source="{_xml(edge.source)}" '
                f'data-target="{_xml(edge.target)}" x="{x}" y="{y + SLIDE_EDGE_FONT * 0.35:.1f}">'
                f"{_xml(edge.type_label)}</text>"
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
    out.extend(_svg_legend(scene, legend_x, legend_y))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _xml_attr(text: str) -> str:
    return '"' + _xml(text) + '"'


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text)


def _svg_legend(scene: Scene, x: float, y: float) -> list[str]:
    font = SLIDE_LEGEND_FONT if scene.slide else 13
    row = 22 * font / 13
    if scene.slide:
        y += font  # legend_at is the top left corner; the heading's baseline is a line below
    out = [f'<g id="legend" font-size="{font}" fill="#1f2933">']
    out.append(f'<text x="{x}" y="{y}" font-weight="bold">{scene.types_heading}</text>')
    y += row
    for edge_type, label, count in scene.types:
        colour = type_colour(edge_type)
        out.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="3"/><text x="{x + 44}" y="{y}">{_xml(label)} ({count})</text>'
        )
        y += row
    if scene.has_implied:
        out.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="#52606d" '
            f'stroke-width="2"/><text x="{x + 44}" y="{y}">stated in the text</text>'
        )
        y += row
        out.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="#52606d" '
            f'stroke-width="2" stroke-dasharray="7 5"/>'
            f'<text x="{x + 44}" y="{y}">implied by a duty</text>'
        )
        y += row
    y += row / 2
    for kind in scene.kinds:
        style = KIND_STYLES[kind]
        out.append(
            f'<rect x="{x}" y="{y - 13}" width="34" height="16" rx="4" fill="{style.fill}" '
            f'stroke="{style.stroke}" stroke-width="{min(style.border, 2.5)}"/>'
            f'<text x="{x + 44}" y="{y}">{_xml(style.legend)}</text>'
        )
        y += row
    out.append("</g>")
    return out
