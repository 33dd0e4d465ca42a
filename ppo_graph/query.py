"""Canned SPARQL on rdflib, the reference engine.

The catalogue is :mod:`ppo_graph.catalogue` (a file's header and its parsing
:mod:`ppo_graph.query_file`, parameter values made terms :mod:`ppo_graph.bindings`); the fast
engine runs it on pyoxigraph (:mod:`ppo_graph.sparql`). Here the same queries run on an rdflib
Graph with ``initBindings``, so tests can prove both engines give the same rows; tables are
written by :mod:`ppo_graph.tables` for both, the whole catalogue is run by
:mod:`ppo_graph.answers` and the notebook API is :mod:`ppo_graph.notebook`. Their names are
re-exported here, so ``from ppo_graph.query import Session, format_rows, ...`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Identifier

from .answers import answer_all, run_checks
from .catalogue import (
    CHECK_COLUMNS,
    CHECK_SUFFIX,
    FOLDERS,
    Catalogue,
    Param,
    QuerySpec,
    TermMaker,
    bind_all,
    check_param_names,
    default_catalogue,
    load_user_query,
    parse_query_file,
    resolve_value,
)
from .namespaces import PPO
from .notebook import Session, ask, to_dataframe
from .prefixes import expand_curie, local_name
from .tables import (
    Row,
    display,
    format_csv,
    format_json,
    format_md,
    format_rows,
    format_table,
    simplify,
    simplify_rows,
)

__all__ = [
    "CHECK_COLUMNS",
    "CHECK_SUFFIX",
    "FOLDERS",
    "Catalogue",
    "Param",
    "QuerySpec",
    "Row",
    "Session",
    "answer_all",
    "ask",
    "bind_params",
    "check_param_names",
    "default_catalogue",
    "display",
    "expand_curie",
    "format_csv",
    "format_json",
    "format_md",
    "format_rows",
    "format_table",
    "load_user_query",
    "parse_query_file",
    "resolve_param",
    "run_checks",
    "run_query",
    "simplify",
    "simplify_rows",
    "to_dataframe",
]

LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, PPO.abbreviation)


# ---------------------------------------------------------------------------------------------
# Binding parameters
# ---------------------------------------------------------------------------------------------


def _instances(graph: Graph, cls: URIRef) -> set[URIRef]:
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    classes.add(cls)
    return {s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}


_MAKER = TermMaker(
    iri=URIRef,
    literal=Literal,
    typed=lambda value, datatype: Literal(value, datatype=URIRef(datatype)),
)


def resolve_param(graph: Graph, param: Param, raw: str) -> Identifier:
    """The rdflib term for a parameter value given as text (``catalogue.resolve_value``)."""

    def instances() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for candidate in _instances(graph, URIRef(param.cls or "")):
            names = found.setdefault(str(candidate), {local_name(str(candidate))})
            for prop in LABEL_PROPERTIES:
                names.update(str(v) for v in graph.objects(candidate, prop))
        return found

    term: Identifier = resolve_value(param, raw, instances, _MAKER)
    return term


def bind_params(graph: Graph, spec: QuerySpec, params: Mapping[str, str]) -> dict[str, Identifier]:
    """``initBindings`` for the query (``catalogue.bind_all``, the same rules as the engine)."""
    bindings: dict[str, Identifier] = bind_all(
        spec, params, lambda p, raw: resolve_param(graph, p, raw), _MAKER
    )
    return bindings


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
    result = graph.query(spec.prepared, initBindings=bindings)
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
