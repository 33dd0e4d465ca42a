"""The endpoint's routes (Starlette): the SPARQL 1.1 Protocol at ``/sparql``, the canned catalogue
at ``/queries``, ``/health``, and the workbench's pages (:mod:`.workbench`, at ``/``). A thin layer over the engine: every answer comes from
:class:`~ppo_graph.engine.KnowledgeGraph` (the same store, cache and catalogue as ``ppo query``), or from a
:class:`~ppo_graph.engine.remote.RemoteGraph` (``ppo serve --store``: queries forwarded to the store),
evaluated in a worker thread and written whole before it is sent (:mod:`.results`).

Every query is evaluated by a worker process of an :class:`~ppo_graph.engine.isolation.Pool`:
killed at the deadline, under a memory cap, unable to open a network socket (in-process graph),
and never more than ``max_inflight`` at once (those being stopped count): a request beyond that
gets 503 with ``Retry-After`` at once. Every query text passes the engine's boundary
(:func:`~ppo_graph.engine.boundary.check_query`) inside the worker.

Statuses: 400 malformed query, bad parameter or an evaluation error, 403 update or access beyond
the graph, 404 unknown canned query, 406 no acceptable format, 408 a request body that arrives
too slowly (``client_timeout``), 413 body too large, 415 unknown POST body type, 421 a Host header not allowed, 502
the remote store (``ppo serve --store``) unreachable or in error, 503 busy, over time or over
memory. Errors are plain text, one message. Every response carries
``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request as HTTPRequest
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ppo_graph import __version__
from ppo_graph.backends.fast.sparql import QueryTimeout
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.engine.isolation import Busy, EvaluationTimeout, Limits, Pool, QueryStopped
from ppo_graph.engine.remote import RemoteGraph, StoreError
from ppo_graph.errors import PPOError
from ppo_graph.serve.description import PREFIXES as DESCRIPTION_PREFIXES
from ppo_graph.serve.description import description_triples
from ppo_graph.serve.live import LiveGraph
from ppo_graph.serve.negotiation import GRAPH_FORMATS, RESULT_FORMATS
from ppo_graph.serve.results import (
    Answer,
    Refused,
    Request,
    answer_canned,
    answer_query,
    choose_format,
    graph_body,
)

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

T = TypeVar("T")
#: The largest request body read (a query is text; a megabyte is plenty).
MAX_BODY = 1_000_000
#: Pages computed once per graph (validation, interfaces, ontology) may take this long.
PAGE_TIMEOUT = 300.0
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
    """How the server answers: the per-query time limit (s, 0 for none), the row cap (0 for
    none), the origins allowed by CORS (none: CORS off), the memory allowance of one evaluation
    (MiB beyond the worker's size, 0 for none), how many evaluations may be in flight and how
    many of them may run long (past a quarter second of CPU), and the Host names it answers to (``*``:
    any; ``ppo serve`` allows its address and localhost)."""

    timeout: float = 10.0
    max_rows: int = 10_000
    cors: Sequence[str] = field(default_factory=tuple)
    memory_mb: int = 1024
    max_inflight: int = 64
    max_long: int = 4
    client_timeout: float = 10.0
    allowed_hosts: Sequence[str] = ("*",)


def create_app(graph: Graph | LiveGraph, settings: Settings | None = None) -> Starlette:
    """The ASGI application answering from ``graph`` (a KnowledgeGraph, or a
    :class:`~.live.LiveGraph` that ``--reload`` swaps; each request keeps the graph it started
    with)."""
    from ppo_graph.catalogue import default_catalogue
    from ppo_graph.serve.catalogue_json import catalogue_listing
    from ppo_graph.serve.workbench.routes import workbench_routes

    settings = settings or Settings()
    catalogue = default_catalogue()
    live = graph if isinstance(graph, LiveGraph) else LiveGraph(graph)
    listings: dict[int, list[dict[str, Any]]] = {}  # by the graph's generation

    remote = isinstance(live.current, RemoteGraph)
    limits = Limits(
        settings.timeout,
        settings.memory_mb,
        settings.max_inflight,
        network=remote,
        max_long=settings.max_long,
    )
    pool = Pool(live.current, limits, preload=("rdflib.plugins.sparql.parser",))
    pool_generation = [live.generation]
    pool_lock = threading.Lock()

    def current_pool() -> Pool:
        with pool_lock:  # a reloaded graph: the next jobs fork from it
            if pool_generation[0] != live.generation:
                pool.use(live.current)
                pool_generation[0] = live.generation
        return pool

    async def evaluate(job: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """``job(graph, *args)`` in a worker; its limits' failures as 503 answers."""
        chosen = current_pool()
        limit = settings.timeout if timeout is None else timeout
        try:
            return await run_in_threadpool(chosen.call, job, *args, timeout=limit)
        except Busy as exc:
            raise Refused(503, str(exc), {"Retry-After": str(exc.retry_after)}) from None
        except (EvaluationTimeout, QueryTimeout):
            raise Refused(
                503,
                f"the query did not finish within {limit:g} s and was stopped "
                "(this server's limit, ppo serve --timeout); narrow it or add a LIMIT",
            ) from None
        except QueryStopped as exc:
            raise Refused(
                503, f"{exc} (this server's limit, ppo serve --memory-limit); narrow the query"
            ) from None

    async def sparql(request: HTTPRequest) -> Response:
        query, format_values = await _protocol_fields(request, settings.client_timeout)
        wanted = Request(request.headers.get("accept"), format_values, settings.max_rows)
        if query is None:
            if request.method not in ("GET", "HEAD"):
                raise Refused(
                    400,
                    "no query: POST a query (form field query=, or a body of type application/sparql-query)",
                )
            return _description(request, live.current, wanted)
        base = str(request.url.replace(query="", fragment=""))
        answer = await evaluate(answer_query, query, wanted, base)
        return _respond(answer, settings.max_rows)

    async def health(request: HTTPRequest) -> Response:
        graph = live.current
        if isinstance(graph, RemoteGraph):
            endpoints = graph.store.endpoints
            try:
                triples: int | None = await run_in_threadpool(graph.store.count)
                problem = None
            except PPOError as exc:
                triples, problem = None, str(exc)
            return JSONResponse(
                {
                    "ok": problem is None,
                    "error": problem,
                    "triples": triples,
                    "limits": pool.status(),
                    "version": __version__,
                    "store": {
                        "query_url": endpoints.query_url,
                        "gsp_url": endpoints.gsp_url,
                        "graph": endpoints.graph,
                    },
                    "timeout": settings.timeout,
                    "max_rows": settings.max_rows,
                },
                status_code=200 if problem is None else 503,
            )
        assert isinstance(graph, KnowledgeGraph)  # the two kinds of graph the server holds
        cache_entry = graph.cache_entry
        return JSONResponse(
            {
                "ok": True,
                "version": __version__,
                "triples": len(graph),
                "asserted": graph.asserted_count,
                "inferred": graph.inferred_count,
                "reasoner": graph.reasoner,
                "inconsistencies": len(graph.inconsistencies),
                "cache_key": cache_entry.name if cache_entry is not None else None,
                "from_cache": graph.from_cache,
                "timeout": settings.timeout,
                "max_rows": settings.max_rows,
                "limits": pool.status(),
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
        name = request.path_params["name"]
        if name not in catalogue:
            try:
                catalogue.get(name)  # its message suggests close names
            except PPOError as exc:
                raise Refused(404, str(exc)) from None
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
        answer = await evaluate(answer_canned, name, params, wanted)
        return _respond(answer, settings.max_rows)

    async def refused(request: HTTPRequest, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return PlainTextResponse(f"{exc}\n", status_code=exc.status, headers=exc.headers)

    async def store_failed(request: HTTPRequest, exc: Exception) -> Response:
        return PlainTextResponse(f"bad gateway: {exc}\n", status_code=502)

    middleware = [Middleware(_Boundary, allowed_hosts=tuple(settings.allowed_hosts))]
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

    async def page(job: Callable[..., T], *args: Any) -> T:
        return await evaluate(job, *args, timeout=max(settings.timeout, PAGE_TIMEOUT))

    app = Starlette(
        routes=[
            *workbench_routes(lambda: live.current, page),
            Route("/sparql", sparql, methods=["GET", "POST"]),
            Route("/health", health),
            Route("/queries", queries),
            Route("/queries/{name}", canned),
        ],
        middleware=middleware,
        exception_handlers={Refused: refused, StoreError: store_failed},
        lifespan=_closing(pool, settings.max_inflight),
    )
    app.state.pool = pool
    weakref.finalize(
        app, pool.close
    )  # an app dropped without its lifespan (tests) ends its workers
    return app


def _closing(pool: Pool, inflight: int) -> Any:
    """The app's lifespan: enough threads to wait on ``inflight`` workers (the pool, not the
    thread limiter, is what bounds the work), and the evaluation workers end with the server."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        import anyio.to_thread

        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, inflight + 16)
        try:
            yield
        finally:
            pool.close()

    return lifespan


class _Boundary:
    """Every response gets ``X-Content-Type-Options: nosniff``; a request whose Host header is
    not allowed gets 421 (a page on another site that rebinds its DNS name to this machine
    cannot use the server)."""

    def __init__(self, app: Any, allowed_hosts: tuple[str, ...]) -> None:
        self.app = app
        self.any_host = "*" in allowed_hosts
        self.allowed = {h.lower().strip("[]") for h in allowed_hosts}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"x-content-type-options" for k, _ in headers):
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        if not self.any_host:
            host = _host_name(dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1"))
            if host not in self.allowed:
                response = PlainTextResponse(
                    f"misdirected request: this server answers to {', '.join(sorted(self.allowed))}, "
                    "not to the Host this request names (ppo serve --allowed-hosts)\n",
                    status_code=421,
                )
                await response(scope, receive, send_with_header)
                return
        await self.app(scope, receive, send_with_header)


def _host_name(header: str) -> str:
    """The host of a Host header, without its port (``[::1]:8000`` -> ``::1``), lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


async def _protocol_fields(
    request: HTTPRequest, body_timeout: float = 10.0
) -> tuple[str | None, tuple[str, ...]]:
    """(query text or None, format= values) of a SPARQL Protocol request; an update in any of
    its forms is refused (403), and so are dataset parameters (400: the dataset is fixed)."""
    url = request.query_params
    fields: dict[str, list[str]] = {key: url.getlist(key) for key in url}
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            raise Refused(403, "SPARQL updates are refused: this endpoint is read-only")
        try:
            body = await asyncio.wait_for(_body(request), body_timeout)
        except TimeoutError:
            raise Refused(
                408, f"the request body did not arrive within {body_timeout:g} s"
            ) from None
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


def _description(request: HTTPRequest, graph: Graph, wanted: Request) -> Response:
    fmt = choose_format(GRAPH_FORMATS, wanted)
    endpoint = str(request.url.replace(query="", fragment=""))
    try:
        triples = description_triples(endpoint, RESULT_FORMATS + GRAPH_FORMATS, graph)
    except ValueError:
        raise Refused(400, f"cannot describe the endpoint at {endpoint!r}: not an IRI") from None
    body = graph_body(triples, fmt, DESCRIPTION_PREFIXES)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})
