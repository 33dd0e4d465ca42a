"""Where the shipped ontology, data, queries and example organisation live.

In an installed wheel they are package data under ``ppo_graph/resources/``; in a source checkout
(editable install, or running the tests from the repository) they are the top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``."""
    bundled = _PACKAGE / "resources"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = _PACKAGE.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        f"ppo-graph resources not found under {bundled} or {checkout}; reinstall the package"
    )


def ontology_dir() -> Path:
    return resource_root() / "ontology"


def data_dir() -> Path:
    return resource_root() / "data"


def queries_dir() -> Path:
    return resource_root() / "queries"


def example_org_dir() -> Path:
    """The example organisation (``examples/org``: its people and RACI CSV files and the Turtle
    ``ppo org import`` makes of them), which ``ppo run`` validates and reports on."""
    return resource_root() / "examples" / "org"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def source_text() -> Path:
    """The copy of the tutorial the data encodes."""
    return data_dir() / "source" / "ppo-roles-tutorial.txt"


def shipped_graph_files() -> list[Path]:
    """The files that make up the knowledge graph (TBox + data), shapes excluded: the Turtle,
    and the crosswalk's SSSOM tables (``data/crosswalk/*.sssom.tsv``, read as the RDF they stand
    for by :mod:`ppo_graph.crosswalk`)."""
    onto = sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")
    data = sorted([*data_dir().rglob("*.ttl"), *data_dir().rglob("*.sssom.tsv")])
    return onto + data
