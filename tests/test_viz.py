"""The renderers: every format is checked for content (nodes, edges, labels), not existence.

The pictures are drawn from the engine's rows (as ``ppo viz`` draws them); counts and labels are
read from the RDF with rdflib's triple API (``?x a ppo:Process``, ``?x a ppo:Interface``), not
hard-coded.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import networkx as nx
import pytest
from conftest import fast_reasoned, require_module, require_tool
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from ppo_graph import cli, interfaces, viz
from ppo_graph.backends.reference.load import load_graph
from ppo_graph.backends.reference.namespaces import PPO
from ppo_graph.cli import viz as cli_viz
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.errors import UsageError
from ppo_graph.namespaces import local_name
from ppo_graph.paths import ontology_dir

MINI = Path(__file__).resolve().parent / "fixtures" / "viz" / "mini.ttl"
SVG = "{http://www.w3.org/2000/svg}"


# --- helpers ---------------------------------------------------------------------------------


def png_stats(data: bytes) -> tuple[int, int, int]:
    """(width, height, number of distinct colours) of an 8-bit RGB/RGBA PNG; stdlib only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, bytearray(), b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour_type in (2, 6), (depth, colour_type)
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * bpp
    prev = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 255
        elif kind == 2:
            row = bytearray((a + b) & 255 for a, b in zip(row, prev, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                row[i] = (row[i] + pred) & 255
        if y % 7 == 0:  # a sample of rows is enough to tell a picture from a blank
            colours.update(bytes(row[i : i + 3]) for i in range(0, stride, bpp * 3))
        prev = row
    return width, height, len(colours)


def rdf_counts(g: Graph) -> tuple[int, int]:
    processes = {p for p in g.subjects(RDF.type, PPO.Process) if isinstance(p, URIRef)}
    interfaces_ = {
        i
        for i in g.subjects(RDF.type, PPO.Interface)
        if g.value(i, PPO.fromProcess) is not None and g.value(i, PPO.toProcess) is not None
    }
    return len(processes), len(interfaces_)


def labels(g: Graph) -> set[str]:
    """Each process's name: its English (or untagged) label, the first in code-point order, else
    any label, else its IRI's local name."""
    found = set()
    for process in g.subjects(RDF.type, PPO.Process):
        texts = [o for o in g.objects(process, RDFS.label) if isinstance(o, Literal)]
        english = sorted(str(t) for t in texts if t.language in (None, "en"))
        found.add((english or sorted(map(str, texts)) or [local_name(process)])[0])
    return found


@pytest.fixture(scope="module")
def _mini() -> Graph:
    # the fast rules: owlrl gives the same closure (tests/test_reasoner_equivalence.py)
    return fast_reasoned(load_graph([ontology_dir() / "ppo.ttl", MINI], shipped=False)).union()


@pytest.fixture
def mini(_mini: Graph) -> Graph:
    copy = Graph()
    for triple in _mini:
        copy.add(triple)
    return copy


@pytest.fixture(scope="module")
def mini_engine(_mini: Graph) -> KnowledgeGraph:
    """The engine over the fixture's reasoned triples (read only)."""
    return KnowledgeGraph.from_rdflib(_mini)


@pytest.fixture
def no_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend Graphviz is not installed."""
    real = shutil.which
    graphviz = {"dot", "neato", viz.GRAPHVIZ_ENGINE}
    monkeypatch.setattr(
        shutil, "which", lambda cmd, *a, **k: None if cmd in graphviz else real(cmd)
    )


# --- layout ------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", list(viz.View))
def test_layout_has_no_overlapping_boxes_and_is_deterministic(
    reasoned_engine: KnowledgeGraph, view: viz.View
) -> None:
    first = viz.build_scene(reasoned_engine, view)
    assert first.nodes
    assert viz.overlapping_pairs(first.nodes) == []
    assert viz.blocked_edges(first, viz.CLEARANCE) == []  # no edge through a box (issue 23)
    for node in first.nodes:  # the box holds its label
        longest = max(len(line) for line in node.lines)
        assert node.width >= longest * node.style.font * viz.CHAR_WIDTH[node.style.bold]
    again = viz.build_scene(reasoned_engine, view)
    assert [(n.id, n.x, n.y) for n in first.nodes] == [(n.id, n.x, n.y) for n in again.nodes]


def test_interface_layout_puts_ppo_processes_inside(reasoned_engine: KnowledgeGraph) -> None:
    scene = viz.build_scene(reasoned_engine)
    inner = max(abs(complex(n.x, n.y)) for n in scene.nodes if n.kind == "ppo")
    outer = min(abs(complex(n.x, n.y)) for n in scene.nodes if n.kind != "ppo")
    assert inner < outer


# --- html ---------------------------------------------------------------------------------------


def page_data(page: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="ppo-data">(.*?)</script>', page, re.S)
    assert match
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_html_is_self_contained(reasoned_union: Graph, reasoned_engine: KnowledgeGraph) -> None:
    page = viz.render(reasoned_engine, "interfaces", "html").content.decode("utf-8")
    assert "default-src 'none'" in page  # the browser may not fetch anything
    assert not re.search(
        r"<script[^>]+src=|<link\b|<img\b|<iframe\b|@import|url\(\s*['\"]?http", page
    )
    assert viz.CYTOSCAPE_JS.read_text(encoding="utf-8")[:2000] in page  # the library, inlined
    assert page.count("</script>") == 3  # data, library, app: nothing closed the data early
    data = page_data(page)
    n_processes, n_interfaces = rdf_counts(reasoned_union)
    elements = data["elements"]
    assert isinstance(elements, dict)
    assert len(elements["nodes"]) == n_processes
    assert len(elements["edges"]) == n_interfaces
    assert all(edge["data"]["evidence"] for edge in elements["edges"])
    assert {node["data"]["name"] for node in elements["nodes"]} == labels(reasoned_union)


def test_html_escapes_markup_in_the_data(mini: Graph) -> None:
    node = next(iter(mini.subjects(RDF.type, PPO.PPOProcess)))
    mini.remove((node, RDFS.label, None))
    mini.add((node, RDFS.label, Literal("</script><script>alert(1)</script>", lang="en")))
    page = viz.render(KnowledgeGraph.from_rdflib(mini), "interfaces", "html").content.decode()
    assert "alert(1)</script>" not in page
    names = {n["data"]["name"] for n in page_data(page)["elements"]["nodes"]}  # type: ignore[index]
    assert "</script><script>alert(1)</script>" in names


@pytest.mark.parametrize("view", [viz.View.ROLES, viz.View.ARTEFACTS])
def test_html_role_views_match_the_role_graph(
    reasoned_union: Graph, view: viz.View, reasoned_engine: KnowledgeGraph
) -> None:
    data = page_data(viz.render(reasoned_engine, view, "html").content.decode("utf-8"))
    graph = viz.view_graph(reasoned_engine, view)
    elements = data["elements"]
    assert isinstance(elements, dict)
    assert len(elements["nodes"]) == graph.number_of_nodes()
    assert len(elements["edges"]) == graph.number_of_edges()
    roles = {str(r) for r in reasoned_union.subjects(RDF.type, PPO.Role)}
    assert roles <= {n["data"]["id"] for n in elements["nodes"]}
    relations = {e["data"]["type"] for e in elements["edges"]}
    if view is viz.View.ROLES:
        assert {"owns", "manages", "specialises"} <= relations
    else:
        assert {"produces", "owns artefact"} <= relations


# --- dot, svg, png, graphml ------------------------------------------------------------------


DOT_EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)" \[(.*)\];$', re.M)
DOT_NODE = re.compile(r'^\s*"([^"]+)" \[(.*)\];$', re.M)


def test_dot_text_has_nodes_edges_labels_and_types(
    reasoned_union: Graph, reasoned_engine: KnowledgeGraph
) -> None:
    text = viz.render(reasoned_engine, "interfaces", "dot").content.decode("utf-8")
    n_processes, n_interfaces = rdf_counts(reasoned_union)
    nodes = DOT_NODE.findall(text)
    edges = DOT_EDGE.findall(text)
    assert len(nodes) == n_processes and len(edges) == n_interfaces
    node_labels = set()
    for _n, attrs in nodes:
        label = re.search(r'label="([^"]*)"', attrs)
        assert label
        node_labels.add(label.group(1).replace("\\n", " "))
    assert node_labels == labels(reasoned_union)
    types = {t for t, _ in interfaces.interface_types(reasoned_engine)}
    for _s, _t, attrs in edges:
        edge_type = re.search(r'type="([^"]+)"', attrs)
        assert edge_type and edge_type.group(1) in types
        assert re.search(r'stated="(true|false)"', attrs)


def svg_parts(data: bytes) -> tuple[list[ET.Element], list[ET.Element], str]:
    root = ET.fromstring(data)
    groups = list(root.iter(f"{SVG}g"))
    nodes = [g for g in groups if g.get("class") == "node"]
    edges = [g for g in groups if g.get("class") == "edge"]
    text = " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    return nodes, edges, " ".join(text.split())


def test_svg_with_graphviz(reasoned_union: Graph, reasoned_engine: KnowledgeGraph) -> None:
    require_tool("dot", "apt-get install graphviz")
    rendered = viz.render(reasoned_engine, "interfaces", "svg")
    assert rendered.renderer.startswith("Graphviz")
    nodes, edges, text = svg_parts(rendered.content)
    n_processes, n_interfaces = rdf_counts(reasoned_union)
    assert (len(nodes), len(edges)) == (n_processes, n_interfaces)
    for label in labels(reasoned_union):  # wrapped over lines, one <text> each
        assert label in text
    assert "coordination" in text  # the legend


def test_svg_without_graphviz(
    reasoned_union: Graph, no_graphviz: None, reasoned_engine: KnowledgeGraph
) -> None:
    rendered = viz.render(reasoned_engine, "interfaces", "svg")
    assert "pure-Python" in rendered.renderer
    nodes, edges, text = svg_parts(rendered.content)
    n_processes, n_interfaces = rdf_counts(reasoned_union)
    assert (len(nodes), len(edges)) == (n_processes, n_interfaces)
    titles = {n.findtext(f"{SVG}title") for n in nodes}
    assert titles == labels(reasoned_union)
    assert all(label in text for label in labels(reasoned_union))
    types = {e.get("data-type") for e in edges}
    assert types == {t for t, _label, _n in viz.build_scene(reasoned_engine).types}
    for _t, label, count in viz.build_scene(reasoned_engine).types:
        assert f"{label} ({count})" in text


def test_png_with_graphviz(mini_engine: KnowledgeGraph) -> None:
    require_tool("dot", "apt-get install graphviz")
    rendered = viz.render(mini_engine, "interfaces", "png")
    assert rendered.renderer.startswith("Graphviz")
    width, height, colours = png_stats(rendered.content)
    assert width > 400 and height > 300 and colours > 10


def test_png_without_graphviz_uses_matplotlib(
    mini_engine: KnowledgeGraph, no_graphviz: None
) -> None:
    require_module("matplotlib")
    rendered = viz.render(mini_engine, "interfaces", "png")
    assert "matplotlib" in rendered.renderer
    width, height, colours = png_stats(rendered.content)
    assert width > 400 and height > 300 and colours > 10


def test_png_without_graphviz_or_matplotlib_says_what_to_install(
    mini_engine: KnowledgeGraph, no_graphviz: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    with pytest.raises(UsageError, match=r"(?s)graphviz.*matplotlib"):
        viz.render(mini_engine, "interfaces", "png")


def test_graphml_loads_back(
    reasoned_union: Graph, tmp_path: Path, reasoned_engine: KnowledgeGraph
) -> None:
    out = viz.write(reasoned_engine, tmp_path / "g.graphml", "interfaces", "graphml")
    graph = nx.read_graphml(out, force_multigraph=True)
    n_processes, n_interfaces = rdf_counts(reasoned_union)
    assert graph.number_of_nodes() == n_processes
    assert graph.number_of_edges() == n_interfaces
    assert {a["label"] for _n, a in graph.nodes(data=True)} == labels(reasoned_union)
    types = {t for t, _ in interfaces.interface_types(reasoned_engine)}
    for _u, _v, attrs in graph.edges(data=True):
        assert attrs["type"] in types
        assert attrs["evidence_count"] >= 1 and attrs["evidence"].startswith("[")
        assert isinstance(attrs["stated"], bool)
    ppo = {n for n, a in graph.nodes(data=True) if a["is_ppo"]}
    assert ppo == {str(p) for p in reasoned_union.subjects(RDF.type, PPO.PPOProcess)}


def test_graphml_role_view(mini_engine: KnowledgeGraph, tmp_path: Path) -> None:
    out = viz.write(mini_engine, tmp_path / "r.graphml", "artefacts", "graphml")
    graph = nx.read_graphml(out, force_multigraph=True)
    expected = viz.view_graph(mini_engine, "artefacts")
    assert graph.number_of_edges() == expected.number_of_edges()
    assert {a["type"] for _u, _v, a in graph.edges(data=True)} == {
        rel for _u, _v, rel in expected.edges(data="relation")
    }


# --- the `ppo viz` command and the main-job hook -----------------------------------------------


@pytest.fixture
def fast_union(monkeypatch: pytest.MonkeyPatch, mini: Graph) -> Graph:
    """Skip the load + reason step of the command (the interfaces tests run it end to end)."""
    monkeypatch.setattr(cli_viz, "open_graph", lambda args: KnowledgeGraph.from_rdflib(mini))
    return mini


def test_viz_default_output_in_current_folder(
    fast_union: Graph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["viz"]) == 0
    captured = capsys.readouterr()
    assert "wrote ppo-interfaces.html" in captured.out
    assert "renderer: cytoscape.js" in captured.err
    assert (tmp_path / "ppo-interfaces.html").stat().st_size > 100_000


def test_viz_format_from_out_suffix(
    fast_union: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "picture.graphml"
    assert cli.main(["viz", "--view", "roles", "--out", str(out)]) == 0
    assert nx.read_graphml(out).graph["view"] == "roles"
    out = tmp_path / "picture.gv"
    assert cli.main(["viz", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("digraph")


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("x.png", "svg", "--out .*x.png says png but --format says svg"),
        ("x.pdf", None, "cannot write .pdf files"),
        ("x.pdf", "svg", "cannot write .pdf files"),
    ],
)
def test_viz_refuses_a_suffix_that_disagrees_with_the_format(
    fast_union: Graph,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    fmt: str | None,
    message: str,
) -> None:
    """Issue 8: no HTML or SVG written into a .pdf or .png."""
    out = tmp_path / name
    argv = ["viz", "--out", str(out)] + (["--format", fmt] if fmt else [])
    assert cli.main(argv) == 2
    assert re.search(message, capsys.readouterr().err)
    assert not out.exists()


def test_viz_rejects_unknown_choices_and_missing_folders(
    fast_union: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["viz", "--view", "everything"])
    assert exc.value.code == 2
    assert cli.main(["viz", "--out", str(tmp_path / "no" / "such" / "x.html")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_viz_help_lists_views_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["viz", "--help"])
    out = capsys.readouterr().out
    for choice in [*viz.View, *viz.Format]:
        assert choice.value in out
    assert "Every format draws the same picture" in " ".join(out.split())


def test_write_default_picture(mini_engine: KnowledgeGraph, tmp_path: Path) -> None:
    path = viz.write_default_picture(mini_engine, tmp_path / "out")
    assert path == tmp_path / "out" / viz.DEFAULT_PICTURE
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["view"] == "interfaces"


def test_command_modules_stay_light() -> None:
    """Registering the commands imports neither networkx nor rdflib (``ppo --help`` is instant)."""
    code = (
        "import sys, argparse; import ppo_graph.cli.viz as m; "
        "m.register(argparse.ArgumentParser().add_subparsers()); "
        "print(sorted(x for x in ('networkx', 'rdflib', 'matplotlib') if x in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("fmt", list(viz.Format))
def test_viz_ppo_slide_in_every_format(
    fast_union: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: viz.Format
) -> None:
    """`ppo viz --view ppo` (issue 23): the slide in each format, its edges labelled by type."""
    if fmt is viz.Format.PNG and shutil.which(viz.GRAPHVIZ_ENGINE) is None:
        require_module("matplotlib")  # the PNG without Graphviz
    out = tmp_path / f"slide.{fmt.value}"
    assert cli.main(["viz", "--view", "ppo", "--format", fmt.value, "--out", str(out)]) == 0
    scene = viz.build_scene(KnowledgeGraph.from_rdflib(fast_union), "ppo")
    labels_ = {e.type_label for e in scene.edges}
    assert scene.edges and all(":" not in label for label in labels_)
    data = out.read_bytes()
    if fmt is viz.Format.PNG:
        width, height, _colours = png_stats(data)
        assert width / height == pytest.approx(16 / 9, rel=0.01)
    elif fmt is viz.Format.HTML:
        page = page_data(data.decode("utf-8"))
        assert page["view"] == "ppo" and page["edgeLabels"] is True
    elif fmt is viz.Format.GRAPHML:
        assert nx.read_graphml(out).graph["view"] == "ppo"
    else:  # svg, dot: the type names are written as the edges' labels
        text = data.decode("utf-8")
        assert all(label in text for label in labels_)
