"""The scores as a bar chart: the mean rating of each process and each theme on the 0-5 scale,
each bar with its coverage. SVG is written by hand (no library: it always works, and the HTML
report inlines it); PNG is drawn by matplotlib (the ``[viz]`` extra the pictures already use).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ppo_graph.assess.score import Score, Scores, mean_text, percent
from ppo_graph.errors import UsageError

#: The bar colour of a mean rating, from red (0) to green (5), by its whole level.
COLOURS = ("#c0392b", "#e67e22", "#f1c40f", "#9acd32", "#4caf50", "#2e7d32")
WIDTH = 760
LABEL_WIDTH = 290
BAR_SPACE = 330  # 0 to 5
ROW = 24
TOP = 56
FONT = 'font-family="DejaVu Sans, Verdana, sans-serif"'


def colour(mean: float | None) -> str:
    return "#bbbbbb" if mean is None else COLOURS[min(5, max(0, int(mean)))]


def panels(scores: Scores) -> list[tuple[str, list[Score]]]:
    """What the chart shows: the processes, then the themes."""
    return [
        (title, found)
        for title, found in (
            ("By process", scores.of("process")),
            ("By theme", scores.of("theme")),
        )
        if found
    ]


def svg(scores: Scores, title: str) -> str:
    """The chart as an SVG document (also valid inline in HTML)."""
    parts: list[str] = []
    y = TOP
    for heading, found in panels(scores):
        parts.append(
            f'<text x="10" y="{y + 4}" font-size="14" font-weight="bold" {FONT}>'
            f"{escape(heading)}</text>"
        )
        y += 14
        top = y
        for score in found:
            mean = score.mean
            width = 0.0 if mean is None else BAR_SPACE * mean / 5
            middle = y + ROW / 2
            parts.append(
                f'<text x="{LABEL_WIDTH - 8}" y="{middle + 4:.0f}" font-size="12" '
                f'text-anchor="end" {FONT}>{escape(_short(score.label))}</text>'
            )
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" height="{ROW - 8}" '
                f'fill="{colour(mean)}"><title>{escape(score.label)}: mean {mean_text(score)}, '
                f"{score.assessed} of {score.total} assessed</title></rect>"
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{middle + 4:.0f}" font-size="11" '
                f"{FONT}>{mean_text(score)} ({score.assessed}/{score.total}, "
                f"{percent(score.coverage)})</text>"
            )
            y += ROW
        for level in range(6):  # the scale's grid, over the panel's bars
            x = LABEL_WIDTH + BAR_SPACE * level / 5
            dashed = "" if level == 0 else ' stroke-dasharray="2,3"'
            parts.append(
                f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y}" stroke="#999" '
                f'stroke-width="0.5"{dashed}/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{y + 12}" font-size="10" text-anchor="middle" '
                f'fill="#555" {FONT}>{level}</text>'
            )
        y += 34
    height = y
    overall = scores.overall
    subtitle = (
        f"mean rating 0-5 (bar) with assessed/total and coverage; overall "
        f"{mean_text(overall)}, {overall.assessed} of {overall.total} statements assessed"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">\n'
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>\n'
        f'<text x="10" y="22" font-size="16" font-weight="bold" {FONT}>{escape(title)}</text>\n'
        f'<text x="10" y="40" font-size="11" fill="#444" {FONT}>{escape(subtitle)}</text>\n'
        + "\n".join(parts)
        + "\n</svg>\n"
    )


def _short(label: str, limit: int = 42) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def png(scores: Scores, title: str) -> bytes:
    """The same bars drawn by matplotlib, as PNG bytes; a UsageError naming the install when
    matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        raise UsageError(
            "a PNG chart needs the Python package matplotlib: pip install 'ppo-graph[viz]' "
            "(or give --chart FILE.svg, which needs nothing)"
        ) from None
    import io

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    shown: Sequence[tuple[str, list[Score]]] = panels(scores)
    heights = [max(1, len(found)) for _, found in shown] or [1]
    fig, axes = plt.subplots(
        len(heights),
        1,
        figsize=(9, 1.2 + 0.32 * sum(heights) + 0.6 * len(heights)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, (heading, found) in zip(axes[:, 0], shown, strict=False):
        labels = [_short(s.label) for s in found]
        means = [s.mean or 0.0 for s in found]
        bars = ax.barh(labels, means, color=[colour(s.mean) for s in found])
        for bar, score in zip(bars, found, strict=True):
            ax.text(
                bar.get_width() + 0.05,
                bar.get_y() + bar.get_height() / 2,
                f"{mean_text(score)} ({score.assessed}/{score.total}, {percent(score.coverage)})",
                va="center",
                fontsize=8,
            )
        ax.set_xlim(0, 5)
        ax.set_xticks(range(6))
        ax.invert_yaxis()
        ax.grid(axis="x", linestyle=":", linewidth=0.6)
        ax.set_title(heading, loc="left", fontsize=10, fontweight="bold")
        ax.tick_params(axis="y", labelsize=8)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()
