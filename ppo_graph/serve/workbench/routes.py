"""The workbench's routes, mounted by :func:`ppo_graph.serve.app.create_app` beside the endpoint:

- ``/``: the SPARQL editor and the canned catalogue (the page's script queries ``/sparql`` and
  ``/queries/NAME``); ``/workbench/query-text/NAME``: a canned query's text, for the editor;
- ``/roles`` and ``/roles/{local-name}``: the role index and the printable role pages;
- ``/graph``: the interactive interface page ``ppo viz`` writes;
- ``/validation``: what ``ppo validate --checks`` reports; ``/ontology``: the ontology's
  documentation;
- ``/assets/NAME``: the package's own scripts and styles, CodeMirror among them.

Every page is sent with a Content-Security-Policy header that allows nothing from another host.
The graph is asked for through ``current`` on each request (so a reloaded graph is used as soon
as it is swapped in); what is slow to compute (the interface page, the validation report, the
ontology documentation) is kept for the graph it was computed from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from .assets import asset
from .markup import GRAPH_CSP, PAGE_CSP

T = TypeVar("T")


class PerGraph:
    """One value per graph: computed once for the graph ``current()`` returns, again after a
    reload swaps in another graph."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self._graph: Any = None
        self._value: Any = None

    def get(self, graph: Any) -> Any:
        with self._lock:
            if self._graph is not graph:
                self._value = self._compute(graph)
                self._graph = graph
            return self._value


def _html(body: str, csp: str = PAGE_CSP, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        body,
        status_code=status,
        headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff"},
    )


def workbench_routes(current: Callable[[], Any], timeout: float | None = None) -> list[Route]:
    """The routes, answering from the graph ``current()`` returns (a KnowledgeGraph)."""
    from . import ontology, roles, validation
    from .sparql_page import sparql_page

    role_index = PerGraph(lambda g: roles.role_index(g, timeout))
    graph_page = PerGraph(_graph_page)
    validation_page = PerGraph(
        lambda g: validation.validation_page(validation.validation_report(g))
    )
    ontology_page = PerGraph(lambda g: ontology.ontology_page(ontology.ontology_terms(g, timeout)))

    async def home(request: Request) -> Response:
        return _html(sparql_page(len(current())))

    async def query_text(request: Request) -> Response:
        from ...catalogue import default_catalogue

        name = request.path_params["name"]
        catalogue = default_catalogue()
        if name not in catalogue:
            return PlainTextResponse(f"no canned query named {name!r}\n", status_code=404)
        return PlainTextResponse(catalogue.get(name).text)

    async def role_list(request: Request) -> Response:
        graph = current()
        index = await run_in_threadpool(role_index.get, graph)
        return _html(roles.index_page(index))

    async def role(request: Request) -> Response:
        graph = current()
        index = await run_in_threadpool(role_index.get, graph)
        entry = index.get(request.path_params["name"])
        if entry is None:
            from .markup import h, page

            body = [
                h("h1", None, "No such role"),
                h("p", None, "See ", h("a", {"href": "/roles"}, "the roles"), "."),
            ]
            return _html(page("No such role", body, active="/roles"), status=404)
        text = await run_in_threadpool(roles.role_page, graph, entry, index, timeout)
        return _html(text)

    async def interface_graph(request: Request) -> Response:
        return _html(await run_in_threadpool(graph_page.get, current()), csp=GRAPH_CSP)

    async def validation_route(request: Request) -> Response:
        return _html(await run_in_threadpool(validation_page.get, current()))

    async def ontology_route(request: Request) -> Response:
        return _html(await run_in_threadpool(ontology_page.get, current()))

    async def static(request: Request) -> Response:
        found = asset(request.path_params["name"])
        if found is None:
            return PlainTextResponse("no such asset\n", status_code=404)
        body, media_type = found
        return Response(
            body,
            media_type=media_type,
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )

    return [
        Route("/", home),
        Route("/workbench/query-text/{name}", query_text),
        Route("/roles", role_list),
        Route("/roles/{name}", role),
        Route("/graph", interface_graph),
        Route("/validation", validation_route),
        Route("/ontology", ontology_route),
        Route("/assets/{name}", static),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ]


def _graph_page(graph: Any) -> str:
    """The page ``ppo viz`` writes (interfaces view), for this graph."""
    from ...viz import build_scene, to_html

    return to_html(build_scene(graph.rdflib_graph("union")))
