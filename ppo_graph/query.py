"""Canned SPARQL on rdflib (the reference engine), and the notebook API.

The catalogue itself (headers, parsing, names) is :mod:`ppo_graph.catalogue`; the fast engine runs
it on pyoxigraph (:mod:`ppo_graph.sparql`). Here the same queries run on an rdflib Graph with
``initBindings``, so tests can prove both engines give the same rows; tables are written by
:mod:`ppo_graph.tables` for both. Names are re-exported so ``from ppo_graph.query import ...``
keeps working.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import IO, Any

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Identifier

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
from .errors import UsageError
from .namespaces import PPO
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


def run_checks(graph: Any, catalogue: Catalogue | None = None) -> dict[str, list[Row]]:
    """Every check query's rows (empty lists when the graph passes), on a
    :class:`~ppo_graph.engine.KnowledgeGraph` or an rdflib Graph."""
    cat = catalogue or default_catalogue()
    return {
        spec.name: graph.rows(spec) if hasattr(graph, "rows") else run_query(graph, spec)
        for spec in cat
        if spec.kind == "check"
    }


def answer_all(
    graph: Any,
    stream: IO[str],
    *,
    limit: int = 5,
    width: int = 80,
    catalogue: Catalogue | None = None,
) -> None:
    """Print every question query's answer (defaults for parameters), ``limit`` rows each, from
    a :class:`~ppo_graph.engine.KnowledgeGraph` or an rdflib Graph."""
    cat = catalogue or default_catalogue()
    for spec in cat:
        if spec.kind != "question":
            continue
        rows = graph.rows(spec) if hasattr(graph, "rows") else run_query(graph, spec)
        args = "".join(f" {p.name}={p.default}" for p in spec.params)
        heading = f"== {spec.title} ({spec.name}{args})"
        stream.write("\n".join(textwrap.wrap(heading, width, subsequent_indent="   ")) + "\n")
        table = format_table(rows[:limit], spec.columns, width)
        if len(rows) > limit:  # replace the "(N rows)" footer
            table = table.rstrip("\n").rsplit("\n", 1)[0]
            table += f"\n(first {limit} of {len(rows)} rows; all of them: ppo query {spec.name})\n"
        stream.write(table + "\n")


# ---------------------------------------------------------------------------------------------
# Notebook API
# ---------------------------------------------------------------------------------------------


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

    from ppo_graph.query import Session
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
        from .engine import KnowledgeGraph

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
