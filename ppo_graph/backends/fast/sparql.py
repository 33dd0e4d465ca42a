"""SPARQL on the fast path (pyoxigraph): evaluating a query the boundary let through
(:mod:`ppo_graph.engine.boundary` decides what may run) on a dataset pinned to the loaded graph,
binding parameters as terms, and running canned queries on the engine's store. No rdflib here.

Parameters are bound as a one-row ``VALUES`` block written from pyoxigraph term objects (whose
``str()`` is N-Triples syntax, so a value cannot escape its term) at the start of the query's one
top-level ``WHERE`` clause: the text of a value never becomes query syntax. The same rows as
rdflib's ``initBindings`` (the reference) are proven by ``tests/test_oxigraph_parity.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ppo_graph.catalogue.sparql_text import (
    _TOKEN,
    check_syntax,
    in_order_of_appearance,
    is_select_star,
    syntax_error,
    tokens,
    variables,
)
from ppo_graph.errors import StoreError, UsageError
from ppo_graph.namespaces import (
    ASSERTED_GRAPH,
    INFERRED_GRAPH,
    RDFS_NS,
    expand_curie,
    local_name,
)

if TYPE_CHECKING:
    from ppo_graph.catalogue.bindings import TermMaker
    from ppo_graph.catalogue.query_file import Param, QuerySpec
    from ppo_graph.engine.boundary import CheckedQuery


class QueryTimeout(UsageError):
    """A query ran longer than its time limit."""


def dataset(store: Any) -> dict[str, Any]:
    """The dataset a query sees, pinned to the loaded graph whatever the text asks (a ``FROM``
    cannot widen it): the asserted and inferred graphs (and the store's default graph, where a
    store made for one job keeps its triples) as the default graph, and the asserted and
    inferred graphs as the only named graphs. A remote store pins it itself (the protocol's
    dataset parameters).

    When those two are the store's only named graphs (every store the engine builds), the default
    graph is given as the union of the store's graphs, which is the same set of triples and
    evaluates faster (35% on a 1M-triple organisation on disk); pyoxigraph then ignores a
    ``FROM`` in the text, as it does a ``FROM`` beside an explicit list."""
    import pyoxigraph as ox

    if not isinstance(store, ox.Store):
        return {}
    graphs = [ox.NamedNode(ASSERTED_GRAPH), ox.NamedNode(INFERRED_GRAPH)]
    if set(store.named_graphs()) <= set(graphs):
        return {"use_default_graph_as_union": True, "named_graphs": graphs}
    return {"default_graph": [ox.DefaultGraph(), *graphs], "named_graphs": graphs}


def run(store: Any, query: CheckedQuery, *, base_iri: str | None = None) -> Any:
    """Evaluate a query the boundary let through on the loaded graph (pyoxigraph results); the
    evaluator's reading of the text must agree with the boundary's (form and projection), or
    :class:`~ppo_graph.engine.boundary.ParsersDisagree` is raised before any row is read."""
    import pyoxigraph as ox

    result = store.query(query.text, base_iri=base_iri, **dataset(store))
    if isinstance(result, ox.QueryBoolean):
        query.agrees_with("ASK", None)
    elif isinstance(result, ox.QuerySolutions):
        query.agrees_with("SELECT", [v.value for v in result.variables])
    elif query.form not in ("CONSTRUCT", "DESCRIBE"):
        query.agrees_with("CONSTRUCT", None)
    return result


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


def _maker() -> TermMaker:
    import pyoxigraph as ox

    from ppo_graph.catalogue.bindings import TermMaker

    return TermMaker(
        iri=ox.NamedNode,
        literal=ox.Literal,
        typed=lambda value, datatype: ox.Literal(value, datatype=ox.NamedNode(datatype)),
    )


def resolve_param(store: Any, param: Param, raw: str) -> Any:
    """The pyoxigraph term for a parameter value given as text (``bindings.resolve_value``)."""
    import pyoxigraph as ox

    from ppo_graph.catalogue.bindings import resolve_value

    iri = expand_curie(raw)
    if iri is not None and param.kind == "iri":  # the common case, without listing them all
        member = f"ASK {{ {ox.NamedNode(iri)} a/<{RDFS_NS}subClassOf>* {ox.NamedNode(param.cls or '')} }}"
        if store.query(member, use_default_graph_as_union=True):
            return ox.NamedNode(iri)

    return resolve_value(param, raw, lambda: name_rows(store, param.cls or ""), _maker())


def name_rows(store: Any, cls: str) -> list[dict[str, str]]:
    """The ``name-index`` report's rows for the instances of ``cls``, as text ("" unbound): what
    the one resolver (:mod:`ppo_graph.names`) reads."""
    import pyoxigraph as ox

    from ppo_graph.catalogue import default_catalogue
    from ppo_graph.engine.boundary import trusted

    spec = default_catalogue().get("name-index")
    bound = with_values(spec.text, {"class": ox.NamedNode(cls)}, str(spec.path))
    return _texts(spec, run(store, trusted(bound)))


def param_values(store: Any, param: Param) -> dict[str, set[str]]:
    """The values an IRI parameter accepts: each node the resolver knows (IRI) with the names
    it may be given by (local name, labels, alternative labels, abbreviations)."""
    from ppo_graph.catalogue.bindings import param_names

    rows = name_rows(store, param.cls or "")
    names = {node: {local_name(node)} for node in param_names(param, rows).nodes()}
    for row in rows:
        if row["node"] in names and row["name"] and row["how"] != "hidden":
            names[row["node"]].add(row["name"])
    return names


def bind(store: Any, spec: QuerySpec, params: Mapping[str, str]) -> dict[str, Any]:
    """Terms for every parameter, on the engine's store (``bindings.bind_all``)."""
    from ppo_graph.catalogue.bindings import bind_all

    return bind_all(spec, params, lambda p, raw: resolve_param(store, p, raw), _maker())


def _where_brace(text: str) -> int | None:
    """The offset just after the ``{`` that opens the query's top-level WHERE clause."""
    depth = 0
    after_where = False
    first_open: int | None = None
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in ("comment", "string", "iri"):
            continue
        if value == "{":
            if depth == 0:
                if after_where:
                    return match.end()
                if first_open is None:
                    first_open = match.end()
            depth += 1
        elif value == "}":
            depth -= 1
        elif depth == 0 and kind == "word" and value.upper() == "WHERE":
            after_where = True
    # ASK { ... } and SELECT * { ... }: the first group at the top is the WHERE clause
    words = [v.upper() for k, v in tokens(text) if k == "word"]
    return None if "CONSTRUCT" in words else first_open


def with_values(text: str, bindings: Mapping[str, Any], where: str = "") -> str:
    """The query with a one-row VALUES block of the bound terms opening its top-level WHERE."""
    if not bindings:
        return text
    at = _where_brace(text)
    if at is None:
        raise UsageError(f"{where or 'the query'}: found no WHERE clause to bind parameters in")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    return f"{text[:at]}\n  VALUES ({names}) {{ ({values}) }}\n{text[at:]}"


def run_spec(
    store: Any,
    spec: QuerySpec,
    params: Mapping[str, str],
    *,
    text: bool = False,
    base_iri: str | None = None,
) -> list[dict[str, Any]]:
    """A parsed query's rows on the store: column -> term (None when unbound); with ``text``,
    column -> the term's text (an IRI, a literal's lexical form; "" when unbound), made in one
    pass (a third of the time at 300k rows). A user's query passes the boundary again once its
    parameters are bound; a catalogue query is the package's own text."""
    from ppo_graph.engine.boundary import check_query, trusted

    bound = with_values(spec.text, bind(store, spec, params), str(spec.path))
    query = check_query(bound, allow_remote=spec.remote) if spec.kind == "user" else trusted(bound)
    result = run(store, query, base_iri=base_iri)
    return _texts(spec, result) if text else _rows(spec, result)


def _columns(spec: QuerySpec, available: list[str]) -> list[str]:
    """The columns to read: the query's own, which the answer must hold (a store that answers
    with other variables is in error, not an empty table); a user's file without a ``columns``
    header takes what the answer holds."""
    if set(spec.columns) <= set(available):
        return list(spec.columns)
    if spec.kind == "user":
        return available
    raise StoreError(
        f"query {spec.name!r} selects {', '.join(spec.columns)} but the answer holds "
        f"{', '.join(available) or 'no variables'}"
    )


def _texts(spec: QuerySpec, result: Any) -> list[dict[str, Any]]:
    import pyoxigraph as ox

    if not isinstance(result, ox.QuerySolutions):
        return [
            {k: "" if v is None else v.value for k, v in row.items()} for row in _rows(spec, result)
        ]
    available = [v.value for v in result.variables]
    names = _columns(spec, available)
    at = [available.index(name) for name in names]
    return [
        {
            name: "" if (v := values[i]) is None else v.value
            for name, i in zip(names, at, strict=True)
        }
        for values in map(tuple, result)
    ]


def _rows(spec: QuerySpec, result: Any) -> list[dict[str, Any]]:
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return [{"ask": ox.Literal("true" if bool(result) else "false",
                                   datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))}]  # fmt: skip
    if not isinstance(result, ox.QuerySolutions):  # CONSTRUCT, DESCRIBE (in process or remote)
        triples = sorted(result, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        return [
            {"subject": t.subject, "predicate": t.predicate, "object": t.object} for t in triples
        ]
    available = [v.value for v in result.variables]
    names = _columns(spec, available)
    if names == available:  # a solution iterates its values in the order of the variables
        return [dict(zip(names, solution, strict=True)) for solution in result]
    at = [available.index(name) for name in names]
    return [dict(zip(names, [values[i] for i in at], strict=True)) for values in map(tuple, result)]


__all__ = [
    "ASSERTED_GRAPH",
    "INFERRED_GRAPH",
    "bind",
    "check_syntax",
    "dataset",
    "expand_curie",
    "in_order_of_appearance",
    "is_select_star",
    "param_values",
    "resolve_param",
    "run",
    "run_spec",
    "syntax_error",
    "tokens",
    "variables",
    "with_values",
]
