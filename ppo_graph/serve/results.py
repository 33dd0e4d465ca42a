"""Answering one query for the endpoint: the boundary's verdict, evaluation, the row cap, and the
whole body written before anything is sent, so a client never gets a 200 with half a result.

:func:`answer_query` and :func:`answer_canned` are the jobs the server hands to its evaluation
workers (:mod:`ppo_graph.engine.isolation`): they run in a worker process that is killed at the
deadline, under a memory cap and with no network, and send back only the finished body.

Every body is written by pyoxigraph's serialisers, in every format (SPARQL JSON, XML, CSV, TSV;
Turtle, N-Triples, JSON-LD, RDF/XML), and none holds more than the row cap:

* ASK: ``QueryBoolean.serialize``.
* CONSTRUCT and DESCRIBE: ``pyoxigraph.serialize`` reading the result's triples through a
  counter that stops at the cap (Turtle with the project's prefixes).
* SELECT: ``QuerySolutions.serialize`` writes the result as SPARQL TSV (one solution a line)
  into an output that stops it at the first byte past the cap, so evaluation stops there too;
  that TSV is the answer in TSV, and pyoxigraph reads it back and writes it in the other formats.
  ``SELECT *`` columns are put in the order the query names them (pyoxigraph sorts them).
* A canned query's rows (terms already read by the engine): TSV made of the terms' own
  N-Triples text, read by pyoxigraph and written as above.

The same holds for ``ppo serve --store``: the store's SELECT and ASK answers come parsed by
pyoxigraph (:class:`~ppo_graph.engine.remote.RemoteStore`) and are written here like local ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ppo_graph.backends.fast.sparql import in_order_of_appearance, is_select_star, syntax_error
from ppo_graph.engine.boundary import MalformedQuery, QueryRefused
from ppo_graph.errors import PPOError, StoreError
from ppo_graph.namespaces import PREFIXES
from ppo_graph.serve.negotiation import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    NotAcceptable,
    ResultFormat,
    UnknownFormat,
    choose,
)

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

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


def answer_query(graph: Graph, text: str, request: Request, base_iri: str | None = None) -> Answer:
    """The complete answer to SPARQL query text on the graph (a worker's job).

    :class:`Refused` for what the boundary refuses (403), bad syntax or an evaluation error (400,
    the parser's or evaluator's message), no acceptable format (406)."""
    try:
        result = graph.query(text, base_iri=base_iri)  # the boundary, then the evaluator
    except (QueryRefused, MalformedQuery) as exc:  # refused, unreadable, or the parsers disagree
        raise refused(exc) from None
    except SyntaxError as exc:
        message, line, column = syntax_error(exc)
        where = f" at line {line}, column {column}" if line is not None else ""
        raise Refused(400, f"malformed query{where}: {message}") from None
    except RuntimeError as exc:
        raise Refused(400, f"the query could not be evaluated: {exc}") from None
    try:
        return _write(result, text, request)
    except RuntimeError as exc:
        raise Refused(400, f"the query could not be evaluated: {exc}") from None


def answer_canned(graph: Graph, name: str, params: dict[str, str], request: Request) -> Answer:
    """A canned query's rows, written as a SELECT result (a worker's job); 400 for a parameter the
    query does not have or a value it rejects."""
    from ppo_graph.catalogue import default_catalogue

    spec = default_catalogue().get(name)
    try:
        rows = graph.rows(spec, params)
    except PPOError as exc:
        if isinstance(exc, StoreError):  # the store failed (502), not the request (400)
            raise
        raise Refused(400, str(exc)) from None
    columns = list(rows[0]) if rows else list(spec.columns)
    return answer_rows(rows, columns, request)


def answer_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], request: Request) -> Answer:
    """Rows already computed (a canned query's), written as a SELECT result."""
    fmt = choose_format(RESULT_FORMATS, request)
    cap = request.max_rows
    truncated = bool(cap) and len(rows) > cap
    kept = rows[:cap] if truncated else rows
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
        triples = _Capped(result, request.max_rows)
        try:
            body = graph_body(triples, fmt)
        except (OSError, ValueError) as exc:  # JSON-LD and triple terms (RDF 1.2)
            raise Refused(
                406,
                f"not acceptable: this result cannot be written as {fmt.media_type} ({exc}); "
                "ask for text/turtle or application/n-triples",
            ) from None
        return Answer(body, fmt, triples.count, triples.truncated)
    fmt = choose_format(RESULT_FORMATS, request)
    available = [v.value for v in result.variables]
    columns = in_order_of_appearance(text, available) if is_select_star(text) else available
    tsv, count, truncated = first_rows_tsv(result, request.max_rows)
    if columns != available:
        tsv = _project(tsv, available, columns)
    return Answer(tsv if fmt.name == "tsv" else _from_tsv(tsv, fmt), fmt, count, truncated)


def choose_format(formats: tuple[ResultFormat, ...], request: Request) -> ResultFormat:
    """The format for a result of one of ``formats``: 400 for an unknown ``format=``, 406 when
    none is acceptable."""
    try:
        return choose(formats, request.accept, request.format_values)
    except UnknownFormat as exc:
        raise Refused(400, str(exc)) from None
    except NotAcceptable as exc:
        raise Refused(406, f"not acceptable: {exc}") from None


class _Capped(Generic[T]):
    """The first ``cap`` items of ``items`` (all when ``cap`` is 0), read as they are written:
    how many were (``count``), and whether there was one more (``truncated``)."""

    def __init__(self, items: Iterable[T], cap: int) -> None:
        self.items = items
        self.cap = cap
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator[T]:
        for item in self.items:
            if self.cap and self.count == self.cap:
                self.truncated = True
                return
            self.count += 1
            yield item


class _Enough(Exception):
    """Raised into a pyoxigraph serialiser by :class:`_FirstLines` to stop it."""


class _FirstLines:
    """A binary output for a pyoxigraph serialiser that keeps the first ``limit`` lines (all
    when 0) and, at the first byte past them, stops the serialiser (and with it the evaluation
    it is reading from) and sets ``more``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines = 0
        self.more = False
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        if self.more:
            raise _Enough
        room = self.limit - self.lines
        if self.limit and chunk.count(b"\n") >= room:  # the last line kept ends in this chunk
            end = 0
            for _ in range(room):
                end = chunk.index(b"\n", end) + 1
            self.parts.append(chunk[:end])
            self.lines = self.limit
            if end < len(chunk):
                self.more = True
                raise _Enough
            return len(chunk)
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        return len(chunk)

    def flush(self) -> None:
        pass


def first_rows_tsv(solutions: Any, cap: int) -> tuple[bytes, int, bool]:
    """A pyoxigraph SELECT result written as SPARQL TSV by pyoxigraph, up to ``cap`` rows (all
    when 0): (the TSV, its rows, whether the cap cut it). TSV writes one solution a line
    (tabs and line breaks inside terms are escaped), so the cap is a count of lines, and the
    serialiser is stopped at the first byte past it: no row beyond the cap is written, and the
    evaluation goes no further than the row after the last one kept."""
    import pyoxigraph as ox

    out = _FirstLines(cap + 1 if cap else 0)  # the header, then a line a row
    try:
        solutions.serialize(out, format=ox.QueryResultsFormat.TSV)
    except Exception:
        if not out.more:
            raise
    return b"".join(out.parts), out.lines - 1, out.more


def _project(tsv: bytes, available: Sequence[str], columns: Sequence[str]) -> bytes:
    """TSV with its columns in the order of ``columns`` (a reordering of ``available``): cells
    are split on tabs, which TSV escapes inside terms."""
    at = [list(available).index(name) for name in columns]
    lines = tsv.split(b"\n")[:-1]
    kept = (b"\t".join(cells[i] for i in at) for cells in (line.split(b"\t") for line in lines))
    return b"".join(line + b"\n" for line in kept)


def _from_tsv(tsv: bytes, fmt: ResultFormat) -> bytes:
    """SPARQL TSV read by pyoxigraph and written by it in ``fmt`` (TSV as pyoxigraph writes it)."""
    import pyoxigraph as ox

    solutions = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    written = solutions.serialize(format=getattr(ox.QueryResultsFormat, _RESULTS[fmt.name]))
    return written or b""


def _tsv_term(term: Any) -> str:
    """A pyoxigraph term in SPARQL TSV: its ``str()`` (N-Triples, with tabs and line breaks
    escaped), and a triple term in SPARQL 1.2's ``<<( s p o )>>``."""
    if type(term).__name__ == "Triple":
        parts = (_tsv_term(getattr(term, k)) for k in ("subject", "predicate", "object"))
        return f"<<( {' '.join(parts)} )>>"
    return str(term)


def solutions_body(
    columns: Sequence[str], rows: Sequence[dict[str, Any]], fmt: ResultFormat
) -> bytes:
    """SELECT rows (column -> pyoxigraph term or None) written in a results format by
    pyoxigraph: the rows are handed to its TSV reader in TSV made of the terms' own N-Triples
    text, and the solutions it reads are written by its serialiser."""
    header = "\t".join(f"?{name}" for name in columns)
    lines = [header] + [
        "\t".join("" if row.get(name) is None else _tsv_term(row[name]) for name in columns)
        for row in rows
    ]
    return _from_tsv("".join(f"{line}\n" for line in lines).encode("utf-8"), fmt)


def graph_body(
    triples: Iterable[Any], fmt: ResultFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples written in a graph format (Turtle with the project's prefixes, or ``prefixes``)."""
    import pyoxigraph as ox

    rdf_format = getattr(ox.RdfFormat, _GRAPHS[fmt.name])
    prefixes = (prefixes or PREFIXES) if fmt.name == "turtle" else None
    written = ox.serialize(list(triples), format=rdf_format, prefixes=prefixes)
    return written or b""
