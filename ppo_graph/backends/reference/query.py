"""Canned SPARQL on rdflib, the reference engine: parameter values made rdflib terms and a
query run on a Graph with ``initBindings``, so tests can prove both engines give the same rows
(:func:`run_query`), and whatever reads rows the same from either (:class:`GraphRows`)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

from ppo_graph.catalogue import (
    Catalogue,
    Param,
    QuerySpec,
    TermMaker,
    bind_all,
    default_catalogue,
    resolve_value,
)
from ppo_graph.tables import Row

# ---------------------------------------------------------------------------------------------
# Binding parameters
# ---------------------------------------------------------------------------------------------


_MAKER = TermMaker(
    iri=URIRef,
    literal=Literal,
    typed=lambda value, datatype: Literal(value, datatype=URIRef(datatype)),
)


def name_rows(graph: Graph, cls: str) -> list[dict[str, str]]:
    """The ``name-index`` report's rows for the instances of ``cls``, as text ("" unbound)."""
    spec = default_catalogue().get("name-index")
    columns = list(spec.columns)
    result = graph.query(prepared(spec), initBindings={"class": URIRef(cls)})
    return [
        {c: "" if row[i] is None else str(row[i]) for i, c in enumerate(columns)}  # type: ignore[index]
        for row in result
    ]


def resolve_param(graph: Graph, param: Param, raw: str) -> Identifier:
    """The rdflib term for a parameter value given as text (``catalogue.resolve_value``)."""
    term: Identifier = resolve_value(param, raw, lambda: name_rows(graph, param.cls or ""), _MAKER)
    return term


def bind_params(graph: Graph, spec: QuerySpec, params: Mapping[str, str]) -> dict[str, Identifier]:
    """``initBindings`` for the query (``catalogue.bind_all``, the same rules as the engine)."""
    bindings: dict[str, Identifier] = bind_all(
        spec, params, lambda p, raw: resolve_param(graph, p, raw), _MAKER
    )
    return bindings


@lru_cache(maxsize=256)
def _prepare(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def prepared(spec: QuerySpec) -> Any:
    """rdflib's parsed form of a query (made once per text)."""
    return _prepare(spec.text)


def run_query(
    graph: Graph,
    name_or_spec: str | QuerySpec,
    params: Mapping[str, str] | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> list[Row]:
    """Run a canned query (by name) or a parsed one; one dict per row, keyed by column."""
    spec = (
        (catalogue or default_catalogue()).get(name_or_spec)
        if isinstance(name_or_spec, str)
        else name_or_spec
    )
    bindings = bind_params(graph, spec, params or {})
    result = graph.query(prepared(spec), initBindings=bindings)
    if result.type == "ASK":
        return [{"ask": Literal(bool(result.askAnswer))}]
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return [{"subject": s, "predicate": p, "object": o} for s, p, o in sorted(result.graph)]
    names = [str(v) for v in result.vars or []]
    return [
        {name: row[i] for i, name in enumerate(names)}  # type: ignore[index]
        for row in result
    ]


class GraphRows:
    """The catalogue's queries run by rdflib on one Graph, read as the engine's rows are
    (``rows(name)``: one dict per row, column -> term): the reference that the views built from
    the engine's rows (:mod:`ppo_graph.interfaces`, :mod:`ppo_graph.viz`) are tested against."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def rows(
        self, name_or_spec: str | QuerySpec, params: Mapping[str, str] | None = None
    ) -> list[Row]:
        return run_query(self.graph, name_or_spec, params)
