"""OWL 2 DL consistency with HermiT (bundled in owlready2, run on the installed Java)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import require_module, require_tool
from rdflib import Graph

from ppo_graph.backends.reference.load import load_graph


def _hermit_consistent(graph: Graph, folder: Path) -> bool:
    owlready2 = require_module("owlready2")
    path = folder / "graph.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False
    return True


@pytest.fixture
def java() -> str:
    return require_tool("java", "apt-get install default-jre-headless")


def test_hermit_finds_ontology_and_data_consistent(
    java: str, asserted_graph: Graph, tmp_path: Path
) -> None:
    assert _hermit_consistent(asserted_graph, tmp_path)


def test_hermit_detects_an_inconsistent_extension(java: str, tmp_path: Path) -> None:
    """The bad fixture: a node that is both a tutorial role and an external role (disjoint)."""
    clash = tmp_path / "clash.ttl"
    clash.write_text(
        "@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .\n"
        "<https://example.org/Both> a ppo:Role , ppo:ExternalRole .\n"
    )
    assert not _hermit_consistent(load_graph([clash]), tmp_path)
