"""The one typed door into a graph: what every front end (the commands, the endpoint, the
workbench, a notebook) may ask of it, whether it is held in-process
(:class:`~ppo_graph.engine.KnowledgeGraph`) or by a SPARQL store over HTTP
(:class:`~ppo_graph.engine.remote.RemoteGraph`).

:class:`Graph` is the contract, checked by mypy against both classes (see the bottom of this
module). :class:`CatalogueRows` is the one implementation of ``rows`` and ``ask`` they share: a
catalogue query (or a user's, parsed and checked) run on the graph's store, in this process or, with
a deadline, in a worker process that is killed at it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from ppo_graph.catalogue.query_file import QuerySpec
    from ppo_graph.engine.isolation import Pool
    from ppo_graph.report import ValidationReport

ValidatorName = Literal["auto", "fast", "pyshacl"]
Row = dict[str, Any]


class Graph(Protocol):
    """A reasoned graph, ready for SPARQL and validation."""

    shapes_in_data: list[Path]  # the user's files that declare SHACL shapes
    inconsistencies: list[str]  # what the reasoner found contradictory

    @property
    def store(self) -> Any:
        """What queries run on: a pyoxigraph store, or a client of a SPARQL store."""
        ...

    def __len__(self) -> int: ...

    def rows(
        self,
        name_or_spec: str | QuerySpec,
        params: Mapping[str, str] | None = None,
        *,
        timeout: float | None = None,
        text: bool = False,
        memory_mb: int | None = None,
    ) -> list[Row]:
        """A canned query (by name) or a parsed one: one dict per row, column -> term (with
        ``text``: the term's text, "" when unbound)."""
        ...

    def ask(self, name: str, **params: str) -> list[Row]:
        """A canned query's rows as plain Python values (CURIE strings, ints, str)."""
        ...

    def query(
        self,
        text: str,
        *,
        timeout: float | None = None,
        allow_remote: bool = False,
        base_iri: str | None = None,
    ) -> Any:
        """SPARQL text from outside the package, through the query boundary."""
        ...

    def to_dataframe(self, name: str, **params: str) -> Any:
        """A canned query's rows as a pandas DataFrame."""
        ...

    def validate(
        self, shapes: Sequence[Path | str] = (), *, engine: ValidatorName = "auto"
    ) -> ValidationReport:
        """SHACL validation against the shipped shapes plus ``shapes``."""
        ...

    def isolated(
        self, timeout: float, *, network: bool = False, memory_mb: int | None = None
    ) -> Pool:
        """A pool of one worker process over this graph, for queries with a deadline."""
        ...


class CatalogueRows:
    """``rows`` and ``ask``, written once for every :class:`Graph`."""

    def _before_isolated(self, timeout: float) -> None:
        """Called before a query with a deadline is sent to a worker (a store client sets its
        own HTTP timeout here)."""

    def rows(
        self: _RowsHost,
        name_or_spec: str | QuerySpec,
        params: Mapping[str, str] | None = None,
        *,
        timeout: float | None = None,
        text: bool = False,
        memory_mb: int | None = None,
    ) -> list[Row]:
        """A canned query (by name) or a parsed one: one dict per row, column -> term (with
        ``text``: the term's text, "" when unbound); with ``timeout`` seconds the query runs in a
        worker process killed at the deadline
        (:class:`~ppo_graph.backends.fast.sparql.QueryTimeout`) and capped at ``memory_mb`` MiB
        (default :data:`~ppo_graph.engine.isolation.CLI_MEMORY_MB`)."""
        from ppo_graph.backends.fast.sparql import run_spec
        from ppo_graph.catalogue import default_catalogue

        spec = (
            default_catalogue().get(name_or_spec) if isinstance(name_or_spec, str) else name_or_spec
        )
        if timeout:
            self._before_isolated(timeout)
            return isolated_rows(
                self, spec, params, timeout=timeout, text=text, memory_mb=memory_mb
            )
        rows: list[Row] = run_spec(self.store, spec, params or {}, text=text)
        return rows

    def query(
        self: _RowsHost,
        text: str,
        *,
        timeout: float | None = None,
        allow_remote: bool = False,
        base_iri: str | None = None,
    ) -> Any:
        """Run SPARQL text on the graph (asserted and inferred triples).

        The text passes the query boundary first (:func:`~ppo_graph.engine.boundary.check_query`):
        an update is refused, and so are ``SERVICE``, ``FROM`` and ``FROM NAMED`` unless
        ``allow_remote`` is given. Without ``timeout`` the pyoxigraph results come back lazily;
        with one, the query runs in a worker process that is killed at the deadline
        (:mod:`~ppo_graph.engine.isolation`) and the results come back whole: a list of
        ``{variable: term}`` rows, a bool, or a list of triples."""
        from ppo_graph.backends.fast.sparql import run
        from ppo_graph.engine.boundary import check_query

        checked = check_query(text, allow_remote=allow_remote)
        if timeout:
            self._before_isolated(timeout)
            pool = self.isolated(timeout, network=allow_remote)
            return pool.call(_query_job, checked, base_iri)
        return run(self.store, checked, base_iri=base_iri)

    def ask(self: _RowsHost, name: str, **params: str) -> list[Row]:
        """A canned query's rows as plain Python values (CURIE strings, ints, str)."""
        from ppo_graph.tables import simplify_rows

        return simplify_rows(self.rows(name, params))

    def queries(self) -> list[str]:
        """The names of the canned queries (``ppo queries`` lists them with their questions)."""
        from ppo_graph.catalogue import default_catalogue

        return default_catalogue().names()

    def to_dataframe(self: _RowsHost, name: str, **params: str) -> Any:
        """A canned query's rows as a pandas DataFrame, its columns in the query's order (pandas
        is optional: ``ask`` gives the same rows as dicts without it)."""
        from ppo_graph.catalogue import default_catalogue
        from ppo_graph.errors import UsageError

        try:
            import pandas
        except ImportError as exc:
            raise UsageError(
                "to_dataframe needs pandas, which is optional: pip install pandas "
                "(ask() returns the same rows as a list of dicts without it)"
            ) from exc
        columns = list(default_catalogue().get(name).columns)
        return pandas.DataFrame(self.ask(name, **params), columns=columns)


class _RowsHost(Graph, Protocol):
    def _before_isolated(self, timeout: float) -> None: ...


def isolated_rows(
    graph: Graph,
    spec: QuerySpec,
    params: Mapping[str, str] | None,
    *,
    timeout: float,
    text: bool = False,
    memory_mb: int | None = None,
) -> list[Row]:
    """A query's rows from a worker process killed at the deadline (an in-process graph or a
    remote one: then the worker may use the network, to reach the store; a
    :class:`~ppo_graph.engine.remote.RemoteGraph` makes its pool with the network whatever it is
    asked)."""
    from ppo_graph.backends.fast.sparql import QueryTimeout
    from ppo_graph.engine.isolation import EvaluationTimeout

    try:
        pool = graph.isolated(timeout, network=spec.remote, memory_mb=memory_mb)
        rows: list[Row] = pool.call(_rows_job, _portable_spec(spec), dict(params or {}), text)
    except EvaluationTimeout:
        raise QueryTimeout(
            f"query {spec.name!r} did not finish within {timeout:g} s and was stopped; simplify "
            "it, or give --timeout SECONDS (0 for no limit)"
        ) from None
    return rows


def _portable_spec(spec: QuerySpec) -> QuerySpec | str:
    """What a worker is sent for a query: a catalogue query's name (the worker has the catalogue),
    or a copy of a user's query (plain values: its text and header)."""
    from ppo_graph.catalogue import default_catalogue

    if spec.kind != "user" and spec.name in default_catalogue():
        return spec.name
    return dataclasses.replace(spec)


def _query_job(graph: Graph, checked: Any, base_iri: str | None) -> Any:
    import pyoxigraph as ox

    from ppo_graph.backends.fast.sparql import run

    result = run(graph.store, checked, base_iri=base_iri)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [dict(zip(names, solution, strict=True)) for solution in result]
    return list(result)


def _rows_job(graph: Graph, spec: QuerySpec | str, params: dict[str, str], text: bool) -> list[Row]:
    return graph.rows(spec, params, text=text)


if TYPE_CHECKING:  # both graphs keep the contract (mypy checks these assignments)

    def _contract() -> None:
        from ppo_graph.engine import KnowledgeGraph
        from ppo_graph.engine.remote import RemoteGraph

        in_process: type[Graph] = KnowledgeGraph
        in_a_store: type[Graph] = RemoteGraph
        del in_process, in_a_store
