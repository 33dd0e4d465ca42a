"""The endpoint's routes (Starlette): the SPARQL 1.1 Protocol at ``/sparql``, the canned catalogue
at ``/queries``, ``/health``, and the workbench's pages (:mod:`.workbench`, at ``/``). A thin layer over the engine: every answer comes from
:class:`~ppo_graph.engine.KnowledgeGraph` (the same store, cache and catalogue as ``ppo query``), or from a
:class:`~ppo_graph.remote.RemoteGraph` (``ppo serve --store``: queries forwarded to the store),
evaluated in a worker thread and written whole before it is sent (:mod:`.results`).

Statuses: 400 malformed query or bad parameter, 403 update or remote access, 404 unknown canned
query, 406 no acceptable format, 413 body too large, 415 unknown POST body type, 502 the remote
store (``ppo serve --store``) unreachable or in error, 503 timeout. Errors are plain text, one
message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request as HTTPRequest
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import __version__
from ..errors import PPOError
from ..remote import RemoteGraph, StoreError
from ..sparql import QueryTimeout
from .description import PREFIXES as DESCRIPTION_PREFIXES
from .description import description_triples
from .live import LiveGraph
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS
from .results import Answer, Refused, Request, answer_query, answer_rows, choose_format, graph_body

T = TypeVar("T")
#: The largest request body read (a query is text; a megabyte is plenty).
MAX_BODY = 1_000_000
#: The response header that says the row cap cut the result: ``10000; truncated``.
ROW_CAP_HEADER = "X-PPO-Row-Cap"
ROWS_HEADER = "X-PPO-Rows"
DATASET_PARAMS = (
    "default-graph-uri",
    "named-graph-uri",
    "using-graph-uri",
    "using-named-graph-uri",
)


@dataclass
class Settings:
    """How the server answers: the per-query time limit (s, 0 for none) and the row cap (0 for
    none), and the origins allowed by CORS (none: CORS off)."""

    timeout: float = 10.0
    max_rows: int = 10_000
    cors: Sequence[str] = field(default_factory=tuple)


def create_app(graph: Any, settings: Settings | None = None) -> Starlette:
    """The ASGI application answering from ``graph`` (a KnowledgeGraph, or a
    :class:`~.live.LiveGraph` that ``--reload`` swaps; each request keeps the graph it started
    with)."""
    from ..catalogue import default_catalogue
    from .catalogue_json import catalogue_listing
    from .workbench.routes import workbench_routes

    settings = settings or Settings()
    catalogue = default_catalogue()
    live = graph if isinstance(graph, LiveGraph) else LiveGraph(graph)
    listings: dict[int, list[dict[str, Any]]] = {}  # by the graph's generation

    async def run(work: Callable[[], T]) -> T:
        try:
            return await run_in_threadpool(work)
        except QueryTimeout:
            raise Refused(
                503,
                f"the query did not finish within {settings.timeout:g} s and was stopped "
                "(this server's limit, ppo serve --timeout); narrow it or add a LIMIT",
            ) from None

    async def sparql(request: HTTPRequest) -> Response:
        graph = live.current
        query, format_values = await _protocol_fields(request)
        wanted = Request(request.headers.get("accept"), format_values, settings.max_rows)
        if query is None:
            if request.method != "GET":
                raise Refused(
                    400,
                    "no query: POST a query (form field query=, or a body of type application/sparql-query)",
                )
            return _description(request, graph, wanted)
        answer = await run(lambda: answer_query(graph.store, query, wanted, settings.timeout))
        return _respond(answer, settings.max_rows)

    async def health(request: HTTPRequest) -> Response:
        graph = live.current
        if isinstance(graph, RemoteGraph):
            endpoints = graph.store.endpoints
            return JSONResponse(
                {
                    "ok": True,
                    "version": __version__,
                    "store": {
                        "query_url": endpoints.query_url,
                        "gsp_url": endpoints.gsp_url,
                        "graph": endpoints.graph,
                    },
                    "timeout": settings.timeout,
                    "max_rows": settings.max_rows,
                }
            )
        cache_file = graph.cache_file
        return JSONResponse(
            {
                "ok": True,
                "version": __version__,
                "triples": len(graph),
                "asserted": graph.asserted_count,
                "inferred": graph.inferred_count,
                "reasoner": graph.reasoner,
                "inconsistencies": len(graph.inconsistencies),
                "cache_key": cache_file.stem if cache_file is not None else None,
                "from_cache": graph.from_cache,
                "timeout": settings.timeout,
                "max_rows": settings.max_rows,
                "reload": live.status(),
            }
        )

    async def queries(request: HTTPRequest) -> Response:
        generation, graph = live.generation, live.current
        if generation not in listings:
            listings.clear()
            listings[generation] = await run_in_threadpool(
                catalogue_listing, catalogue, graph.store
            )
        return JSONResponse(listings[generation])

    async def canned(request: HTTPRequest) -> Response:
        graph = live.current
        name = request.path_params["name"]
        if name not in catalogue:
            try:
                catalogue.get(name)  # its message suggests close names
            except PPOError as exc:
                raise Refused(404, str(exc)) from None
        spec = catalogue.get(name)
        params: dict[str, str] = {}
        format_values: list[str] = []
        for key, value in request.query_params.multi_items():
            if key == "format":
                format_values.append(value)
            elif key in params:
                raise Refused(400, f"parameter {key} given twice")
            else:
                params[key] = value
        wanted = Request(request.headers.get("accept"), tuple(format_values), settings.max_rows)
        choose_format(RESULT_FORMATS, wanted)  # 406 before the work, not after
        try:
            rows = await run(lambda: graph.rows(spec, params, timeout=settings.timeout))
        except (QueryTimeout, StoreError):
            raise
        except PPOError as exc:  # a parameter the query does not have, or a value it rejects
            raise Refused(400, str(exc)) from None
        columns = list(rows[0]) if rows else list(spec.columns)
        return _respond(answer_rows(rows, columns, wanted), settings.max_rows)

    async def refused(request: HTTPRequest, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return PlainTextResponse(f"{exc}\n", status_code=exc.status)

    async def store_failed(request: HTTPRequest, exc: Exception) -> Response:
        return PlainTextResponse(f"bad gateway: {exc}\n", status_code=502)

    middleware = []
    if settings.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors),
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type", "Accept"],
                expose_headers=[ROW_CAP_HEADER, ROWS_HEADER],
            )
        )
    return Starlette(
        routes=[
            *workbench_routes(lambda: live.current, settings.timeout or None),
            Route("/sparql", sparql, methods=["GET", "POST"]),
            Route("/health", health),
            Route("/queries", queries),
            Route("/queries/{name}", canned),
        ],
        middleware=middleware,
        exception_handlers={Refused: refused, StoreError: store_failed},
    )


async def _protocol_fields(request: HTTPRequest) -> tuple[str | None, tuple[str, ...]]:
    """(query text or None, format= values) of a SPARQL Protocol request; an update in any of
    its forms is refused (403), and so are dataset parameters (400: the dataset is fixed)."""
    url = request.query_params
    fields: dict[str, list[str]] = {key: url.getlist(key) for key in url}
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            raise Refused(403, "SPARQL updates are refused: this endpoint is read-only")
        body = await _body(request)
        if kind == "application/x-www-form-urlencoded":
            for key, values in parse_qs(_text(body), keep_blank_values=True).items():
                fields.setdefault(key, []).extend(values)
        elif kind == "application/sparql-query":
            fields.setdefault("query", []).append(_text(body))
        elif kind or body:
            raise Refused(
                415,
                f"unsupported body type {kind or '(none)'}: send application/x-www-form-urlencoded or application/sparql-query",
            )
    if fields.get("update"):
        raise Refused(403, "SPARQL updates are refused: this endpoint is read-only")
    given = [name for name in DATASET_PARAMS if fields.get(name)]
    if given:
        raise Refused(
            400,
            f"{', '.join(given)}: not supported; the dataset is the reasoned graph (named graphs with GRAPH)",
        )
    queries = fields.get("query", [])
    if len(queries) > 1:
        raise Refused(400, "give one query, not several")
    return (queries[0] if queries else None), tuple(fields.get("format", []))


async def _body(request: HTTPRequest) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise Refused(413, f"request body over {MAX_BODY:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the request body is not UTF-8") from None


def _respond(answer: Answer, max_rows: int) -> Response:
    headers = {ROWS_HEADER: str(answer.count), "Vary": "Accept"}
    if answer.truncated:
        headers[ROW_CAP_HEADER] = f"{max_rows}; truncated"
    return Response(answer.body, media_type=answer.format.media_type, headers=headers)


def _description(request: HTTPRequest, graph: Any, wanted: Request) -> Response:
    fmt = choose_format(GRAPH_FORMATS, wanted)
    endpoint = str(request.url.replace(query="", fragment=""))
    try:
        triples = description_triples(endpoint, RESULT_FORMATS + GRAPH_FORMATS, graph)
    except ValueError:
        raise Refused(400, f"cannot describe the endpoint at {endpoint!r}: not an IRI") from None
    body = graph_body(triples, fmt, DESCRIPTION_PREFIXES)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})
