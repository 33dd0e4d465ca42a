"""Shortcuts for a notebook. The one entry point is the engine's graph,
:class:`ppo_graph.engine.KnowledgeGraph`: open it once, then ask::

    from ppo_graph.engine import KnowledgeGraph

    kg = KnowledgeGraph.open()  # or KnowledgeGraph.open(["extra.ttl"])
    kg.ask("role-duties", role="ppod:CapacityManagementProcessOwner")
    kg.to_dataframe("role-coverage")  # needs pandas

The functions here ask the shipped graph, opened on first use; ``Session`` is the old name of
opening a graph, kept for notebooks written before.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph

    from ppo_graph.engine import KnowledgeGraph


@cache
def _shipped() -> KnowledgeGraph:
    from ppo_graph.engine import KnowledgeGraph

    return KnowledgeGraph.open()


def ask(name: str, **params: str) -> list[dict[str, Any]]:
    """Run a canned query on the shipped graph (loaded and reasoned on first use)."""
    return _shipped().ask(name, **params)


def to_dataframe(name: str, **params: str) -> Any:
    """A canned query's rows on the shipped graph as a pandas DataFrame (pandas must be
    installed)."""
    return _shipped().to_dataframe(name, **params)


def Session(
    extra: Iterable[Path | str] = (), *, reasoning: bool = True, graph: Graph | None = None
) -> KnowledgeGraph:
    """Deprecated: :meth:`KnowledgeGraph.open(extra) <ppo_graph.engine.KnowledgeGraph.open>`, or
    :meth:`KnowledgeGraph.from_rdflib(graph) <ppo_graph.engine.KnowledgeGraph.from_rdflib>` for a
    graph you reasoned yourself (taken as it is). The graph it returns answers ``ask``,
    ``rows``, ``queries`` and ``to_dataframe`` as the old session did."""
    from ppo_graph.engine import KnowledgeGraph

    warnings.warn(
        "ppo_graph.notebook.Session is deprecated: use ppo_graph.engine.KnowledgeGraph.open()",
        DeprecationWarning,
        stacklevel=2,
    )
    if graph is not None:
        return KnowledgeGraph.from_rdflib(graph)
    return KnowledgeGraph.open(extra, reasoning=reasoning)
