"""The notebook API: load and reason the graph once, then ask the canned queries by name and get
plain Python values (or a pandas DataFrame)::

    from ppo_graph.notebook import Session

    s = Session()
    s.ask("role-duties", role="ppod:CapacityManagementProcessOwner")
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppo_graph.catalogue import default_catalogue
from ppo_graph.errors import UsageError
from ppo_graph.tables import Row, simplify_rows

if TYPE_CHECKING:
    from rdflib import Graph


def _require_pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # optional dependency
        raise UsageError(
            "to_dataframe needs pandas, which is optional: pip install pandas "
            "(ask() returns the same rows as a list of dicts without it)"
        ) from exc
    return pandas


class Session:
    """Load and reason the graph once (through the engine and its cache), then ask any number of
    queries::

    from ppo_graph.notebook import Session
    s = Session()
    s.ask("role-duties", role="ppod:CapacityManagementProcessOwner")
    """

    def __init__(
        self,
        extra: Iterable[Path | str] = (),
        *,
        reasoning: bool = True,
        graph: Graph | None = None,
    ) -> None:
        from ppo_graph.engine import KnowledgeGraph

        if graph is not None:  # a graph you reasoned yourself, taken as it is
            self.kg = KnowledgeGraph.from_rdflib(graph)
        else:
            self.kg = KnowledgeGraph.open(extra, reasoning=reasoning)
        self.catalogue = default_catalogue()

    @property
    def graph(self) -> Graph:
        """The reasoned graph as rdflib (asserted and inferred triples)."""
        return self.kg.rdflib_graph("union")

    def queries(self) -> list[str]:
        return self.catalogue.names()

    def rows(self, name: str, **params: str) -> list[Row]:
        """The rows as pyoxigraph terms."""
        return self.kg.rows(self.catalogue.get(name), params)

    def ask(self, name: str, **params: str) -> list[dict[str, Any]]:
        """The rows as plain Python values (CURIE strings, ints, str)."""
        return simplify_rows(self.rows(name, **params))

    def to_dataframe(self, name: str, **params: str) -> Any:
        pandas = _require_pandas()
        spec = self.catalogue.get(name)
        return pandas.DataFrame(self.ask(name, **params), columns=list(spec.columns))


@cache
def _default_session() -> Session:
    return Session()


def ask(name: str, **params: str) -> list[dict[str, Any]]:
    """Run a canned query on the shipped graph (loaded and reasoned on first use)."""
    return _default_session().ask(name, **params)


def to_dataframe(name: str, **params: str) -> Any:
    """A canned query's rows as a pandas DataFrame (pandas must be installed)."""
    _require_pandas()  # fail before loading the graph
    return _default_session().to_dataframe(name, **params)
