"""A PNG drawn with matplotlib from the scene, for machines without Graphviz (``pip install
'.[viz]'``): boxes at the scene's positions, edges as the routes of :mod:`.geometry`; the slide
(``--view ppo``) in its 16:9 canvas, 1920 × 1080 pixels, edges labelled with their type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ppo_graph.viz.geometry import edge_geometry
from ppo_graph.viz.styles import KIND_STYLES, SLIDE_EDGE_FONT, SLIDE_TITLE_FONT, type_colour

if TYPE_CHECKING:
    from ppo_graph.viz.scene import Scene


def to_png_matplotlib(scene: Scene) -> bytes:
    """PNG drawn with matplotlib from the computed layout (used when Graphviz is missing)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
    from matplotlib.path import Path as MplPath

    xs = [n.x for n in scene.nodes] or [0.0]
    ys = [n.y for n in scene.nodes] or [0.0]
    span_x = max(xs) - min(xs) + 400
    span_y = max(ys) - min(ys) + 200
    dpi = 100
    if scene.canvas is not None:  # the slide: the canvas fills a 1920 x 1080 picture
        x, y, width, height = scene.canvas
        scale = 19.2 * 72 / width  # the canvas's points to the picture's
        fig = plt.figure(figsize=(19.2, 10.8), dpi=dpi)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_xlim(x, x + width)
        ax.set_ylim(y + height, y)
    else:
        scale = 0.75  # a point of the layout is 1/100 inch on the picture: 0.72 of a point
        fig = plt.figure(figsize=(span_x / dpi * 1.25, span_y / dpi), dpi=dpi)
        ax = fig.add_axes((0.0, 0.0, 0.8, 1.0))
        ax.set_xlim(min(xs) - 200, max(xs) + 200)
        ax.set_ylim(max(ys) + 100, min(ys) - 100)
    ax.set_aspect("equal")
    ax.axis("off")
    geometry = edge_geometry(scene)
    for edge in scene.edges:
        route = geometry[edge.id]
        vertices, codes = [route.start], [MplPath.MOVETO]
        for segment in route.segments:
            vertices += segment
            codes += [MplPath.LINETO] if len(segment) == 1 else [MplPath.CURVE3] * 2
        path = MplPath(vertices, codes)
        ax.add_patch(
            FancyArrowPatch(
                path=path,
                arrowstyle="-|>,head_length=6,head_width=3",
                color=edge.colour,
                linewidth=1.6,
                linestyle="-" if edge.stated else (0, (5, 4)),
            )
        )
    for edge in scene.edges:
        if edge.id in scene.label_at:
            lx, ly = scene.label_at[edge.id]
            ax.text(
                lx,
                ly,
                edge.type_label,
                ha="center",
                va="center",
                fontsize=SLIDE_EDGE_FONT * scale,
                color="#1f2933",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.5},
            )
    for node in scene.nodes:
        style = node.style
        ax.add_patch(
            FancyBboxPatch(
                (node.x - node.width / 2, node.y - node.height / 2),
                node.width,
                node.height,
                boxstyle="round,pad=0,rounding_size=7",
                facecolor=style.fill,
                edgecolor=style.stroke,
                linewidth=style.border * 0.75,
                linestyle="--" if style.dashed else "-",
            )
        )
        ax.text(
            node.x,
            node.y,
            "\n".join(node.lines),
            ha="center",
            va="center",
            fontsize=style.font * scale,
            color=style.text,
            fontweight="bold" if style.bold else "normal",
        )
    handles: list[Any] = [
        Line2D([0], [0], color=type_colour(t), lw=3, label=f"{label} ({count})")
        for t, label, count in scene.types
    ]
    handles += [
        Patch(
            facecolor=KIND_STYLES[k].fill,
            edgecolor=KIND_STYLES[k].stroke,
            label=KIND_STYLES[k].legend,
        )
        for k in scene.kinds
    ]
    if scene.canvas is not None:
        x, y, _w, _h = scene.canvas
        ax.text(
            x + 20, y + 10, scene.title, va="top", fontsize=SLIDE_TITLE_FONT * scale, weight="bold"
        )
        fig.legend(handles=handles, loc="upper right", frameon=False, fontsize=14, title=None)
    else:
        fig.legend(
            handles=handles, loc="upper right", frameon=False, fontsize=10, title=scene.title
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    plt.close(fig)
    return buffer.getvalue()
