"""Answering one query for the endpoint: refuse what must not run, evaluate, cap, and write the
whole body before anything is sent, so a client never gets a 200 with half a result.

Runs in a worker thread (pyoxigraph releases the GIL while it evaluates) under
:func:`ppo_graph.sparql.with_deadline`; the worker also checks the deadline between rows, so a
query that streams rows stops at the deadline instead of running on unseen. Results are written
by pyoxigraph in every format (SPARQL JSON, XML, CSV, TSV; Turtle, N-Triples, JSON-LD, RDF/XML).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..prefixes import PREFIXES, XSD_NS
from ..sparql import (
    QueryTimeout,
    in_order_of_appearance,
    is_select_star,
    is_update,
    remote_access,
    syntax_error,
    with_deadline,
)
from ..tables import parts
from .negotiation import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    NotAcceptable,
    ResultFormat,
    UnknownFormat,
    choose,
)

T = TypeVar("T")
#: How often (in rows) the worker looks at the clock.
CHECK_EVERY = 256
_RESULTS = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
_GRAPHS = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}


class Refused(Exception):
    """The request cannot be answered: ``status`` is the HTTP status, ``str()`` the message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


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


def refuse_unsafe(text: str) -> None:
    """403 for an update and for anything that would reach beyond the local graph (SERVICE, FROM,
    FROM NAMED), decided on the text before it is parsed or evaluated: no connection is made."""
    if is_update(text):
        raise Refused(403, "SPARQL updates are refused: this endpoint is read-only")
    remote = remote_access(text)
    if remote:
        raise Refused(
            403,
            f"refused: the query would reach beyond the local graph ({'; '.join(remote)}); "
            "this endpoint answers from its own graph only (no SERVICE, FROM or FROM NAMED)",
        )


def answer_query(store: Any, text: str, request: Request, timeout: float | None) -> Answer:
    """The complete answer to SPARQL query text on the union of the store's graphs.

    :class:`Refused` for an update or remote access (403), bad syntax (400, the parser's
    message) or no acceptable format (406); :class:`~ppo_graph.sparql.QueryTimeout` when it
    runs past ``timeout`` seconds."""
    refuse_unsafe(text)
    deadline = time.monotonic() + timeout if timeout and timeout > 0 else None
    return with_deadline(lambda: _evaluate(store, text, request, deadline), timeout)


def answer_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], request: Request) -> Answer:
    """Rows already computed (a canned query's), written as a SELECT result."""
    fmt = choose_format(RESULT_FORMATS, request)
    cap = request.max_rows
    truncated = bool(cap) and len(rows) > cap
    kept = list(rows[:cap]) if truncated else list(rows)
    return Answer(solutions_body(columns, kept, fmt), fmt, len(kept), truncated)


def _evaluate(store: Any, text: str, request: Request, deadline: float | None) -> Answer:
    try:
        result = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        message, line, column = syntax_error(exc)
        where = f" at line {line}, column {column}" if line is not None else ""
        raise Refused(400, f"malformed query{where}: {message}") from None
    # pyoxigraph's result iterators must be dropped on the thread that made them: an error
    # leaves without its traceback and context, whose frames would carry the result along.
    try:
        return _write(result, text, request, deadline)
    except Exception as exc:
        error = exc.with_traceback(None)
        error.__context__ = error.__cause__ = None
    finally:
        del result
    raise error


def _write(result: Any, text: str, request: Request, deadline: float | None) -> Answer:
    import pyoxigraph as ox

    from ..remote import RemoteTriples

    if isinstance(result, ox.QueryBoolean):
        fmt = choose_format(RESULT_FORMATS, request)
        body = result.serialize(format=getattr(ox.QueryResultsFormat, _RESULTS[fmt.name]))
        return Answer(body or b"", fmt, 1, False)
    if isinstance(result, (ox.QueryTriples, RemoteTriples)):
        fmt = choose_format(GRAPH_FORMATS, request)
        triples, truncated = _take(result, request.max_rows, deadline)
        return Answer(graph_body(triples, fmt), fmt, len(triples), truncated)
    fmt = choose_format(RESULT_FORMATS, request)
    columns = [v.value for v in result.variables]
    if is_select_star(text):
        columns = in_order_of_appearance(text, columns)
    solutions, truncated = _take(result, request.max_rows, deadline)
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


def _take(items: Iterable[T], cap: int, deadline: float | None) -> tuple[list[T], bool]:
    """Up to ``cap`` items (all when ``cap`` is 0), and whether there were more; stops with
    :class:`QueryTimeout` once past the deadline, so an abandoned query does not run on."""
    kept: list[T] = []
    for item in items:
        if cap and len(kept) == cap:
            return kept, True
        kept.append(item)
        if deadline is not None and len(kept) % CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise QueryTimeout("stopped at the deadline")
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
