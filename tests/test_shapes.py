"""Every SHACL shape has a good and a bad fixture; the bad one names exactly the nodes the shape
must flag (W3C data-shapes test-suite style: data and expectation in one file).

Fixtures are validated on top of the ontology (TBox and themes) after OWL RL reasoning, as
``ppo validate`` does; the shipped data is left out so that each fixture is judged alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, fast_reasoned
from rdflib import Graph, Literal, Namespace, URIRef

from ppo_graph.backends.reference.load import load_graph
from ppo_graph.backends.reference.validate import load_shapes, validate
from ppo_graph.paths import ontology_dir

T = Namespace("https://w3id.org/ppo-graph/test#")
SHAPES = Namespace("https://w3id.org/ppo-graph/shapes#")
FIXTURE_FILES = sorted((FIXTURES / "shapes").glob("*.ttl"))


def _tbox() -> list[Path]:
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")


def _results(fixture: Path) -> tuple[Graph, set[tuple[str, str]]]:
    graph = load_graph([*_tbox(), fixture], shipped=False)
    expectations = Graph()
    for triple in graph.triples((T.expect, None, None)):
        expectations.add(triple)
        graph.remove(triple)
    report = validate(fast_reasoned(graph).union())
    return expectations, {(v.shape, v.focus) for v in report.violations}


def test_fixture_folder_is_complete() -> None:
    shapes = {str(s) for s in load_shapes().subjects() if str(s).startswith(str(SHAPES))}
    flagged = set()
    for path in FIXTURE_FILES:
        flagged |= {str(o) for o in Graph().parse(path).objects(T.expect, T.shape)}
    good: set[str] = set()
    for path in FIXTURE_FILES:
        if path.stem.endswith("-good"):
            good.add(path.stem.removesuffix("-good"))
    bad = {p.stem.removesuffix("-bad") for p in FIXTURE_FILES if p.stem.endswith("-bad")}
    assert len(FIXTURE_FILES) >= 16
    # every node shape of the shipped shapes file has a bad fixture, and every bad one a good twin
    node_shapes = {s for s in shapes if s.endswith("Shape")}
    assert node_shapes == flagged
    assert bad == good


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_shape_fixture(fixture: Path) -> None:
    expectations, results = _results(fixture)
    if expectations.value(T.expect, T.conforms) == Literal(True):
        assert results == set()
        return
    shape = expectations.value(T.expect, T.shape)
    assert isinstance(shape, URIRef)
    expected = {(str(shape), str(node)) for node in expectations.objects(T.expect, T.flags)}
    assert expected, f"{fixture.name} names no node to flag"
    assert results == expected


def test_shipped_graph_conforms_with_and_without_reasoning(asserted_graph: Graph) -> None:
    assert validate(asserted_graph).conforms
    assert validate(fast_reasoned(asserted_graph).union()).conforms


def test_named_graph_content_is_validated() -> None:
    """TriG/N-Quads/JSON-LD named graphs are merged, not dropped, when loading."""
    graph = load_graph([FIXTURES / "named-graph-bad.trig"])
    report = validate(fast_reasoned(graph).union())
    assert {v.focus for v in report.violations} == {"https://example.org/acme/GhostRole"}


def test_broken_extension_flags_exactly_its_two_nodes() -> None:
    graph = load_graph([FIXTURES / "broken.ttl"])
    report = validate(fast_reasoned(graph).union())
    assert {v.focus for v in report.violations} == {
        "https://example.org/acme/CapacityAnalyst",
        "https://example.org/acme/duty-untitled",
    }
