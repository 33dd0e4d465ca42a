"""Pictures and exports of the interface and role graphs.

One *scene* (:mod:`.scene`: nodes with a position and a box size, edges with a type, a colour
and a route), built from the networkx graphs of :mod:`ppo_graph.interfaces`, laid out by
:mod:`.layout` and its edges routed clear of every box they do not connect by :mod:`.geometry`,
is written as:

- ``html`` (:mod:`.html`): one self-contained page with the vendored Cytoscape.js inlined (no
  network at view time; a Content-Security-Policy forbids any request), interactive;
- ``dot`` (:mod:`.dot`): Graphviz DOT with every node pinned at its position and every edge's
  route as its ``pos``, the engine named in the file (``layout=neato``), so any Graphviz command
  puts the nodes in the same places;
- ``svg``/``png`` (:mod:`.rendering`): that DOT through Graphviz (``neato -n2``: the edges along
  their routes) when it is on PATH, else the pure-Python SVG writer (:mod:`.svg`) or matplotlib
  (:mod:`.png`);
- ``graphml`` (:mod:`.graphml`, for Gephi, yEd, Cytoscape desktop): labels, edge types and
  positions as attributes.

The layout is computed once, deterministically, so the page, the SVG, the PNG and the DOT show
the same picture: the same boxes at the same places, the edges along the same routes. The
``ppo`` view is the slide: the interfaces with a PPO process at one end, in a 16:9 canvas, each
edge labelled with its type.
"""

from __future__ import annotations

from ppo_graph.formats import PictureFormat as Format
from ppo_graph.formats import View
from ppo_graph.viz.dot import ENGINE as GRAPHVIZ_ENGINE
from ppo_graph.viz.dot import to_dot
from ppo_graph.viz.geometry import (
    CLEARANCE,
    PARALLEL_STEP,
    EdgeRoute,
    blocked_edges,
    edge_geometry,
    route_edges,
)
from ppo_graph.viz.graphml import to_graphml
from ppo_graph.viz.html import CYTOSCAPE_JS, TEMPLATE, VENDOR_DIR, html_data, to_html
from ppo_graph.viz.layout import (
    RING_MARGIN,
    frame_slide,
    layered_layout,
    overlapping_pairs,
    place_labels,
    ring_layout,
    spread_apart,
)
from ppo_graph.viz.png import to_png_matplotlib
from ppo_graph.viz.rendering import (
    DEFAULT_PICTURE,
    Rendered,
    graphviz_binary,
    graphviz_render,
    render,
    render_scene,
    write,
    write_default_picture,
)
from ppo_graph.viz.scene import (
    TITLES,
    Scene,
    SceneEdge,
    SceneNode,
    box_size,
    build_scene,
    ppo_interface_graph,
    view_graph,
    wrap_label,
)
from ppo_graph.viz.styles import (
    CHAR_WIDTH,
    FONT_FAMILY,
    KIND_ORDER,
    KIND_STYLES,
    LINE_HEIGHT,
    TYPE_COLOURS,
    KindStyle,
    kind_style,
    type_colour,
)
from ppo_graph.viz.svg import to_svg_python

__all__ = [
    "CHAR_WIDTH",
    "CLEARANCE",
    "CYTOSCAPE_JS",
    "DEFAULT_PICTURE",
    "FONT_FAMILY",
    "GRAPHVIZ_ENGINE",
    "KIND_ORDER",
    "KIND_STYLES",
    "LINE_HEIGHT",
    "PARALLEL_STEP",
    "RING_MARGIN",
    "TEMPLATE",
    "TITLES",
    "TYPE_COLOURS",
    "VENDOR_DIR",
    "EdgeRoute",
    "Format",
    "KindStyle",
    "Rendered",
    "Scene",
    "SceneEdge",
    "SceneNode",
    "View",
    "blocked_edges",
    "box_size",
    "build_scene",
    "edge_geometry",
    "frame_slide",
    "graphviz_binary",
    "graphviz_render",
    "html_data",
    "kind_style",
    "layered_layout",
    "overlapping_pairs",
    "place_labels",
    "ppo_interface_graph",
    "render",
    "render_scene",
    "ring_layout",
    "route_edges",
    "spread_apart",
    "to_dot",
    "to_graphml",
    "to_html",
    "to_png_matplotlib",
    "to_svg_python",
    "type_colour",
    "view_graph",
    "wrap_label",
    "write",
    "write_default_picture",
]
