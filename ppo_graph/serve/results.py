"""Answering one query for the endpoint: the boundary's verdict, evaluation, the row cap, and the
whole body written before anything is sent, so a client never gets a 200 with half a result.

:func:`answer_query` and :func:`answer_canned` are the jobs the server hands to its evaluation
workers (:mod:`ppo_graph.engine.isolation`): they run in a worker process that is killed at the
deadline, under a memory cap and with no network, and send back only the finished body. Results
are written by pyoxigraph in every format (SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples,
JSON-LD, RDF/XML).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ppo_graph.backends.fast.sparql import in_order_of_appearance, is_select_star, run, syntax_error
from ppo_graph.engine.boundary import MalformedQuery, QueryRefused, check_query
from ppo_graph.errors import PPOError
from ppo_graph.namespaces import PREFIXES, XSD_NS
from ppo_graph.serve.negotiation import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    NotAcceptable,
    ResultFormat,
    UnknownFormat,
    choose,
)
from ppo_graph.tables import parts

T = TypeVar("T")
_RESULTS = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
_GRAPHS = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}


class Refused(Exception):
    """The request cannot be answered: ``status`` is the HTTP status, ``str()`` the message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}

    def __reduce__(self) -> Any:  # kept whole across a worker process's pipe
        return (type(self), (self.status, str(self), self.headers))


@dataclass(frozen=True)
class Answer:
    """A complete response body and what it is."""

    body: bytes
    format: ResultFormat
    count: int  # rows, or triples for CONSTRUCT and DESCRIBE (1 for ASK)
    truncated: bool  # the row cap cut the result


@dataclass(frozen=True)
class Request:
    """What decides how a result is written: the Accept header, ``format=``, the row cap."""

    accept: str | None = None
    format_values: tuple[str, ...] = ()  # the format= parameter's values
    max_rows: int = 0  # 0: no cap


def refused(exc: QueryRefused | MalformedQuery) -> Refused:
    """The endpoint's answer to the boundary's verdict: 403 for what it refuses, 400 for what is
    not a query."""
    if isinstance(exc, MalformedQuery):
        return Refused(400, str(exc))
    if exc.reason == "update":
        return Refused(403, "SPARQL updates are refused: this endpoint is read-only")
    return Refused(403, str(exc))


def answer_query(graph: Any, text: str, request: Request, base_iri: str | None = None) -> Answer:
    """The complete answer to SPARQL query text on the graph (a worker's job).

    :class:`Refused` for what the boundary refuses (403), bad syntax or an evaluation error (400,
    the parser's or evaluator's message), no acceptable format (406)."""
    try:
        checked = check_query(text)
    except (QueryRefused, MalformedQuery) as exc:
        raise refused(exc) from None
    try:
        result = run(graph.store, checked, base_iri=base_iri)
    except SyntaxError as exc:
        message, line, column = syntax_error(exc)
        where = f" at line {line}, column {column}" if line is not None else ""
        raise Refused(400, f"malformed query{where}: {message}") from None
    except QueryRefused as exc:  # the two parsers disagree
        raise refused(exc) from None
    except RuntimeError as exc:
        raise Refused(400, f"the query could not be evaluated: {exc}") from None
    try:
        return _write(result, text, request)
    except RuntimeError as exc:
        raise Refused(400, f"the query could not be evaluated: {exc}") from None


def answer_canned(graph: Any, name: str, params: dict[str, str], request: Request) -> Answer:
    """A canned query's rows, written as a SELECT result (a worker's job); 400 for a parameter the
    query does not have or a value it rejects."""
    from ppo_graph.catalogue import default_catalogue

    spec = default_catalogue().get(name)
    try:
        rows = graph.rows(spec, params)
    except PPOError as exc:
        if type(exc).__name__ in ("StoreError", "HTTPStatusError"):
            raise
        raise Refused(400, str(exc)) from None
    columns = list(rows[0]) if rows else list(spec.columns)
    return answer_rows(rows, columns, request)


def answer_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], request: Request) -> Answer:
    """Rows already computed (a canned query's), written as a SELECT result."""
    fmt = choose_format(RESULT_FORMATS, request)
    cap = request.max_rows
    truncated = bool(cap) and len(rows) > cap
    kept = list(rows[:cap]) if truncated else list(rows)
    return Answer(solutions_body(columns, kept, fmt), fmt, len(kept), truncated)


def _write(result: Any, text: str, request: Request) -> Answer:
    import pyoxigraph as ox

    from ppo_graph.engine.remote import RemoteTriples

    if isinstance(result, ox.QueryBoolean):
        fmt = choose_format(RESULT_FORMATS, request)
        body = result.serialize(format=getattr(ox.QueryResultsFormat, _RESULTS[fmt.name]))
        return Answer(body or b"", fmt, 1, False)
    if isinstance(result, (ox.QueryTriples, RemoteTriples)):
        fmt = choose_format(GRAPH_FORMATS, request)
        triples, truncated = _take(result, request.max_rows)
        return Answer(graph_body(triples, fmt), fmt, len(triples), truncated)
    fmt = choose_format(RESULT_FORMATS, request)
    columns = [v.value for v in result.variables]
    if is_select_star(text):
        columns = in_order_of_appearance(text, columns)
    solutions, truncated = _take(result, request.max_rows)
    rows = [{name: solution[name] for name in columns} for solution in solutions]
    return Answer(solutions_body(columns, rows, fmt), fmt, len(rows), truncated)


def choose_format(formats: tuple[ResultFormat, ...], request: Request) -> ResultFormat:
    """The format for a result of one of ``formats``: 400 for an unknown ``format=``, 406 when
    none is acceptable."""
    try:
        return choose(formats, request.accept, request.format_values)
    except UnknownFormat as exc:
        raise Refused(400, str(exc)) from None
    except NotAcceptable as exc:
        raise Refused(406, f"not acceptable: {exc}") from None


def _take(items: Iterable[T], cap: int) -> tuple[list[T], bool]:
    """Up to ``cap`` items (all when ``cap`` is 0), and whether there were more."""
    kept: list[T] = []
    for item in items:
        if cap and len(kept) == cap:
            return kept, True
        kept.append(item)
    return kept, False


def _term(term: Any) -> dict[str, Any]:
    """A term in the SPARQL 1.1 Query Results JSON format (triple terms as SPARQL 1.2's)."""
    if type(term).__name__ == "Triple":
        value = {k: _term(getattr(term, k)) for k in ("subject", "predicate", "object")}
        return {"type": "triple", "value": value}
    kind, text, datatype, language = parts(term)
    if kind == "iri":
        return {"type": "uri", "value": text}
    if kind == "bnode":
        return {"type": "bnode", "value": text}
    out: dict[str, Any] = {"type": "literal", "value": text}
    if language:
        out["xml:lang"] = language
    elif datatype and datatype != XSD_NS + "string":
        out["datatype"] = datatype
    return out


def _bindings(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield {name: _term(row[name]) for name in columns if row.get(name) is not None}


def solutions_body(
    columns: Sequence[str], rows: Sequence[dict[str, Any]], fmt: ResultFormat
) -> bytes:
    """SELECT rows (column -> pyoxigraph term or None) written in a results format: SPARQL JSON
    made here, the others by pyoxigraph from it."""
    import pyoxigraph as ox

    document = {
        "head": {"vars": list(columns)},
        "results": {"bindings": list(_bindings(columns, rows))},
    }
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    if fmt.name == "json":
        return body
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    written = solutions.serialize(format=getattr(ox.QueryResultsFormat, _RESULTS[fmt.name]))
    return written or b""


def graph_body(
    triples: Iterable[Any], fmt: ResultFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples written in a graph format (Turtle with the project's prefixes, or ``prefixes``)."""
    import pyoxigraph as ox

    rdf_format = getattr(ox.RdfFormat, _GRAPHS[fmt.name])
    prefixes = (prefixes or PREFIXES) if fmt.name == "turtle" else None
    written = ox.serialize(list(triples), format=rdf_format, prefixes=prefixes)
    return written or b""
