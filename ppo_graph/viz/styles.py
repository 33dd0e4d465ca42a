"""How things look, in every format: node kinds (fill, stroke, font, wrap width), edge colours
per type, and the text metrics that size a node's box from its label."""

from __future__ import annotations

from dataclasses import dataclass, replace

FONT_FAMILY = '"Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif'
#: Average glyph width as a share of the font size, generous enough for DejaVu Sans (the widest
#: of the fonts above), so a box sized from it holds its label in any of them.
CHAR_WIDTH = {False: 0.62, True: 0.70}
LINE_HEIGHT = 1.25


@dataclass(frozen=True)
class KindStyle:
    legend: str
    fill: str
    stroke: str
    text: str
    border: float = 1.5
    bold: bool = False
    font: int = 13
    dashed: bool = False
    wrap: int = 18


KIND_STYLES: dict[str, KindStyle] = {
    "ppo": KindStyle("PPO process", "#1d3a6e", "#f0b429", "#ffffff", 3.5, True, 14, wrap=16),
    "process": KindStyle("other process", "#f4f6f9", "#7b8794", "#1f2933"),
    "generic-role": KindStyle(
        "generic role", "#ffffff", "#2680c2", "#0b4f82", 2, dashed=True, wrap=26
    ),
    "role": KindStyle("role", "#e3f1fc", "#2680c2", "#0b4f82", 2, wrap=26),
    "external-role": KindStyle("role of another process", "#fff7e0", "#cb6e17", "#6b3a06", wrap=26),
    "artefact": KindStyle("artefact", "#eafaf3", "#27ab83", "#0b5941", 1.5, font=12, wrap=24),
}
KIND_ORDER = tuple(KIND_STYLES)


#: The slide view's canvas: width / height.
SLIDE_ASPECT = 16 / 9
#: The smallest radius (points, vertical) of the slide's inner ring, the five PPO processes: room
#: for the labels of the interfaces between them.
SLIDE_INNER_RADIUS = 260.0
#: The slide view's fonts, as a share of the others' (a slide is shown smaller than a page).
SLIDE_FONT_SCALE = 1.3
#: Font size of an edge's label (its interface type) on the slide, and of the slide's legend.
SLIDE_EDGE_FONT = 13
SLIDE_LEGEND_FONT = 16
SLIDE_TITLE_FONT = 26


def kind_style(kind: str, slide: bool = False) -> KindStyle:
    """The style of a node kind; an unknown kind is drawn as an other process. On a slide the
    fonts are larger (:data:`SLIDE_FONT_SCALE`)."""
    style = KIND_STYLES.get(kind, KIND_STYLES["process"])
    if slide:
        return replace(style, font=round(style.font * SLIDE_FONT_SCALE))
    return style


#: Edge colours: fixed per type (not per position in the data), so a type keeps its colour.
TYPE_COLOURS: dict[str, str] = {
    "coordination": "#4e79a7",
    "service-level": "#f28e2b",
    "change-assessment": "#e15759",
    "risk": "#9467bd",
    "incident-problem": "#8c564b",
    "financial": "#59a14f",
    "continuity": "#17a2b8",
    "demand": "#b8860b",
    "monitoring": "#d6619f",
    "configuration": "#6c757d",
    "supplier": "#76b7b2",
    "specialises": "#8a94a6",
    "owns": "#1d3a6e",
    "manages": "#f28e2b",
    "role of": "#cb6e17",
    "produces": "#59a14f",
    "maintains": "#17a2b8",
    "reviews": "#e15759",
    "uses": "#4e79a7",
    "contributes to": "#9467bd",
    "mentions": "#adb5bd",
    "owns artefact": "#8c564b",
}
_SPARE_COLOURS = ("#2f4b7c", "#a05195", "#d45087", "#ff7c43", "#665191", "#003f5c")


def type_colour(edge_type: str) -> str:
    if edge_type in TYPE_COLOURS:
        return TYPE_COLOURS[edge_type]
    return _SPARE_COLOURS[sum(map(ord, edge_type)) % len(_SPARE_COLOURS)]
