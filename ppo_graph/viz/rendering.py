"""One format's bytes from a scene, and which renderer made them; writing them to a file.

``svg``/``png`` go through Graphviz when it is installed: the DOT of :mod:`.dot`, run by the
engine it names with ``-n2`` (keep the nodes where they are pinned and draw each edge along the
route and label position the DOT gives it), so the nodes and edges are where the page and the
pure-Python writers put them; otherwise the pure-Python SVG writer, or matplotlib for PNG.
Every path draws the one scene.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ppo_graph.errors import UsageError
from ppo_graph.formats import PictureFormat as Format
from ppo_graph.formats import View
from ppo_graph.output import atomic_write
from ppo_graph.viz.dot import ENGINE, to_dot
from ppo_graph.viz.graphml import to_graphml
from ppo_graph.viz.html import to_html
from ppo_graph.viz.png import to_png_matplotlib
from ppo_graph.viz.scene import Scene, build_scene
from ppo_graph.viz.svg import to_svg_python

if TYPE_CHECKING:
    from ppo_graph.interfaces import RowSource

DEFAULT_PICTURE = "ppo-interfaces.html"


@dataclass
class Rendered:
    content: bytes
    renderer: str
    format: Format


def graphviz_binary() -> str | None:
    """The Graphviz command that draws our DOT (its ``neato``), or None if Graphviz is missing."""
    return shutil.which(ENGINE)


def graphviz_render(dot_source: str, fmt: str, binary: str) -> bytes:
    """``binary -n2 -T<fmt>`` on the DOT text (the nodes where they are pinned, the edges along
    their ``pos``); a failure is a :class:`UsageError` with its stderr."""
    try:
        done = subprocess.run(
            [binary, "-n2", f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"Graphviz ({binary}) failed: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise UsageError(f"Graphviz ({binary}) failed: {message}")
    return done.stdout


def render_scene(scene: Scene, fmt: Format | str) -> Rendered:
    """The bytes of one format, and the name of the renderer that made them."""
    fmt = Format(fmt)
    if fmt is Format.HTML:
        return Rendered(to_html(scene).encode("utf-8"), "cytoscape.js (inlined)", fmt)
    if fmt is Format.DOT:
        return Rendered(to_dot(scene).encode("utf-8"), "dot text", fmt)
    if fmt is Format.GRAPHML:
        return Rendered(to_graphml(scene), "networkx graphml", fmt)
    binary = graphviz_binary()
    if binary:
        content = graphviz_render(to_dot(scene), fmt.value, binary)
        return Rendered(
            content, f"Graphviz {ENGINE} ({binary}) along the layout's positions and routes", fmt
        )
    if fmt is Format.SVG:
        return Rendered(to_svg_python(scene).encode("utf-8"), "pure-Python SVG (no Graphviz)", fmt)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(
            "PNG needs Graphviz or matplotlib: install Graphviz (e.g. `apt-get install graphviz`, "
            "`brew install graphviz`) or `pip install matplotlib`; or use --format svg"
        ) from None
    return Rendered(to_png_matplotlib(scene), "matplotlib (no Graphviz)", fmt)


def render(graph: RowSource, view: View | str, fmt: Format | str) -> Rendered:
    """One view of the graph (read through its report rows) in one format."""
    return render_scene(build_scene(graph, view), fmt)


def write(
    graph: RowSource,
    out: Path | str,
    view: View | str = View.INTERFACES,
    fmt: Format | str = Format.HTML,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Render one view to ``out`` (written atomically); ``log`` hears which renderer was used."""
    rendered = render(graph, view, fmt)
    path = atomic_write(out, rendered.content)
    if log is not None:
        log(f"renderer: {rendered.renderer}")
    return path


def write_default_picture(graph: RowSource, out_dir: Path | str) -> Path:
    """Write the interactive interface picture as ``<out_dir>/ppo-interfaces.html``.

    For the main-job command: ``graph`` is the reasoned graph (the engine).
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return write(graph, folder / DEFAULT_PICTURE, View.INTERFACES, Format.HTML)
