"""The workbench's routes, mounted by :func:`ppo_graph.serve.app.create_app` beside the endpoint:

- ``/``: the SPARQL editor and the canned catalogue (the page's script queries ``/sparql`` and
  ``/queries/NAME``); ``/workbench/query-text/NAME``: a canned query's text, for the editor;
- ``/roles`` and ``/roles/{local-name}``: the role index and the printable role pages
  (``?as_of=YYYY-MM-DD``: who holds the role as of that date; default the local date; a bad
  date is answered 400 with what was expected); ``/roles/{local-name}.docx``, ``.pdf`` and
  ``.md``: the page as a document to download (:mod:`ppo_graph.role_document`);
- ``/crosswalk`` and ``/crosswalk/{framework}`` (itil4, iso20000, cobit2019): the frameworks the
  duties map to, and each one's coverage matrix, every cell linking to its duties
  (:mod:`ppo_graph.serve.workbench.crosswalk`);
- ``/graph``: the interactive interface page ``ppo viz`` writes;
- ``/validation``: what ``ppo validate --checks`` reports; ``/ontology``: the ontology's
  documentation;
- ``/quiz``: a quiz of ``ppo quiz`` to take offline (``?seed=N&count=N&kinds=KIND``), its
  answers marked by ``static/quiz.js``;
- ``/assess``: the self-assessment form of ``ppo assess form`` (``?process=NAME&role=NAME``),
  scored as it is filled in and its answers downloaded by ``static/assess.js``;
- ``/assets/NAME``: the package's own scripts and styles, CodeMirror among them.

Every page is sent with a Content-Security-Policy header that allows nothing from another host.
The graph is asked for through ``current`` on each request (so a reloaded graph is used as soon
as it is swapped in); what is slow to compute (the interface page, the validation report, the
ontology documentation) is kept for the graph it was computed from.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ppo_graph import dates
from ppo_graph.crosswalk import FRAMEWORKS
from ppo_graph.errors import UsageError
from ppo_graph.serve.workbench.assets import asset
from ppo_graph.serve.workbench.markup import GRAPH_CSP, PAGE_CSP

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph
    from ppo_graph.serve.workbench.assess_page import AssessRequest
    from ppo_graph.serve.workbench.quiz_page import QuizRequest
    from ppo_graph.serve.workbench.roles import RoleEntry

T = TypeVar("T")
FRAMEWORK_NAMES = tuple(FRAMEWORKS)


#: Runs ``job(graph, *args)`` where the server evaluates queries (a worker process) and returns
#: its value.
Runner = Callable[..., Awaitable[Any]]


class PerGraph:
    """One value per graph: computed once (by ``job(graph)``, through the runner) for the graph
    ``current()`` returns, again after a reload swaps in another graph."""

    def __init__(self, job: Callable[[Any], Any]) -> None:
        self._job = job
        self._lock = asyncio.Lock()
        self._graph: Any = None
        self._value: Any = None

    async def get(self, graph: Graph, run: Runner) -> Any:
        async with self._lock:
            if self._graph is not graph:
                self._value = await run(self._job)
                self._graph = graph
            return self._value


def _html(body: str, csp: str = PAGE_CSP, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        body,
        status_code=status,
        headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff"},
    )


def workbench_routes(current: Callable[[], Any], run: Runner) -> list[Route]:
    """The routes, answering from the graph ``current()`` returns (a KnowledgeGraph); every page
    that queries the graph is computed by ``run`` (the server's evaluation workers)."""
    from ppo_graph.serve.workbench import roles
    from ppo_graph.serve.workbench.sparql_page import sparql_page

    role_index = PerGraph(_role_index_job)
    crosswalk_index = PerGraph(_crosswalk_index_job)
    crosswalk_pages = {name: PerGraph(_crosswalk_job(name)) for name in FRAMEWORK_NAMES}
    graph_page = PerGraph(_graph_page)
    validation_page = PerGraph(_validation_job)
    ontology_page = PerGraph(_ontology_job)

    async def home(request: Request) -> Response:
        return _html(sparql_page(len(current())))

    async def query_text(request: Request) -> Response:
        from ppo_graph.catalogue import default_catalogue

        name = request.path_params["name"]
        catalogue = default_catalogue()
        if name not in catalogue:
            return PlainTextResponse(f"no canned query named {name!r}\n", status_code=404)
        return PlainTextResponse(catalogue.get(name).text)

    async def role_list(request: Request) -> Response:
        index = await role_index.get(current(), run)
        return _html(roles.index_page(index))

    async def role(request: Request) -> Response:
        index = await role_index.get(current(), run)
        name, dot, suffix = request.path_params["name"].rpartition(".")
        if not dot or suffix not in roles.EXPORTS:  # the page, else a document of it
            name, suffix = request.path_params["name"], ""
        entry = index.get(name)
        if entry is None:  # any other name of a role (the one resolver): sent to its page
            try:
                found = await run(_find_role_job, name)
            except LookupError as error:  # unknown (close matches) or ambiguous (candidates)
                from ppo_graph.serve.workbench.markup import h, page

                body = [
                    h("h1", None, "No such role"),
                    h("p", None, str(error)),
                    h("p", None, "See ", h("a", {"href": "/roles"}, "the roles"), "."),
                ]
                return _html(page("No such role", body, active="/roles"), status=404)
            target = found.href + (f".{suffix}" if suffix else "")
            query = request.url.query
            return RedirectResponse(target + (f"?{query}" if query else ""), status_code=303)
        asked = request.query_params.get("as_of", "")
        try:
            day = dates.parse_date(asked, "as_of") if asked else dates.local_today()
        except UsageError as error:
            return _bad_request(str(error))
        today = day == dates.local_today()
        if suffix:
            try:
                content = await run(_role_document_job, entry, day, suffix)
            except UsageError as error:  # no fpdf2 or no DejaVu font on the server
                return PlainTextResponse(f"{error}\n", status_code=501)
            return Response(
                content,
                media_type=roles.EXPORTS[suffix],
                headers={
                    "Content-Disposition": f'attachment; filename="{name}.{suffix}"',
                    "X-Content-Type-Options": "nosniff",
                },
            )
        text = await run(_role_page_job, entry, index, day, today)
        return _html(text)

    async def crosswalk_list(request: Request) -> Response:
        return _html(await crosswalk_index.get(current(), run))

    async def crosswalk(request: Request) -> Response:
        found = crosswalk_pages.get(request.path_params["framework"])
        if found is None:
            from ppo_graph.serve.workbench.markup import h, page

            body = [
                h("h1", None, "No such framework"),
                h("p", None, f"The crosswalk maps to {', '.join(FRAMEWORK_NAMES)}."),
                h("p", None, "See ", h("a", {"href": "/crosswalk"}, "the crosswalk"), "."),
            ]
            return _html(page("No such framework", body, active="/crosswalk"), status=404)
        return _html(await found.get(current(), run))

    async def interface_graph(request: Request) -> Response:
        return _html(await graph_page.get(current(), run), csp=GRAPH_CSP)

    async def validation_route(request: Request) -> Response:
        return _html(await validation_page.get(current(), run))

    async def ontology_route(request: Request) -> Response:
        return _html(await ontology_page.get(current(), run))

    async def quiz_route(request: Request) -> Response:
        from ppo_graph.serve.workbench.quiz_page import QuizRequest

        try:
            asked = QuizRequest.parse(request.query_params, request.query_params.getlist("kinds"))
        except UsageError as error:
            return _bad_request(str(error), active="/quiz")
        try:
            return _html(await run(_quiz_job, asked))
        except UsageError as error:  # no question of these kinds in this graph
            return _bad_request(str(error), active="/quiz")

    async def assess_route(request: Request) -> Response:
        from ppo_graph.serve.workbench.assess_page import AssessRequest

        asked = AssessRequest(
            tuple(request.query_params.getlist("process")),
            tuple(request.query_params.getlist("role")),
        )
        try:
            return _html(await run(_assess_job, asked))
        except UsageError as error:  # a name that names no process or role
            return _bad_request(str(error), active="/assess")

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
        Route("/crosswalk", crosswalk_list),
        Route("/crosswalk/{framework}", crosswalk),
        Route("/graph", interface_graph),
        Route("/validation", validation_route),
        Route("/ontology", ontology_route),
        Route("/quiz", quiz_route),
        Route("/assess", assess_route),
        Route("/assets/{name}", static),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ]


def _role_index_job(graph: Graph) -> dict[str, RoleEntry]:
    from ppo_graph.serve.workbench import roles

    return roles.role_index(graph)


def _crosswalk_index_job(graph: Graph) -> str:
    from ppo_graph.serve.workbench import crosswalk

    return crosswalk.index_page(crosswalk.counts(graph))


def _crosswalk_job(name: str) -> Callable[[Graph], str]:
    """The job that draws one framework's page (a module-level function bound to its name, so
    that a worker process can run it)."""
    return functools.partial(_crosswalk_page, name)


def _crosswalk_page(name: str, graph: Graph) -> str:
    from ppo_graph.crosswalk import coverage
    from ppo_graph.serve.workbench.crosswalk import crosswalk_page

    return crosswalk_page(coverage(graph, name))


def _find_role_job(graph: Graph, name: str) -> RoleEntry:
    from ppo_graph.serve.workbench import roles

    return roles.find_role(graph, name)


def _role_page_job(
    graph: Graph, entry: RoleEntry, index: dict[str, RoleEntry], day: dt.date, today: bool
) -> str:
    from ppo_graph.serve.workbench import roles

    return roles.role_page(graph, entry, index, day, today=today)


def _role_document_job(graph: Graph, entry: RoleEntry, day: dt.date, suffix: str) -> bytes:
    """The role's description as a document (``suffix``: docx, pdf or md)."""
    from ppo_graph.role_document import document
    from ppo_graph.serve.workbench import roles

    content = document(roles.role_data(graph, entry, day), suffix)
    return content.encode("utf-8") if isinstance(content, str) else content


def _bad_request(message: str, active: str = "/roles") -> HTMLResponse:
    """A page that says what was wrong with the request, status 400."""
    from ppo_graph.serve.workbench.markup import h, page

    body = [h("h1", None, "Bad request"), h("p", {"id": "error"}, message)]
    return _html(page("Bad request", body, active=active), status=400)


def _quiz_job(graph: Graph, asked: QuizRequest) -> str:
    from ppo_graph.serve.workbench.quiz_page import quiz_page, quiz_questions

    return quiz_page(quiz_questions(graph, asked), asked)


def _assess_job(graph: Graph, asked: AssessRequest) -> str:
    from ppo_graph.serve.workbench.assess_page import assess_data, assess_page

    catalogue, statements = assess_data(graph, asked)
    return assess_page(catalogue, statements, asked)


def _validation_job(graph: Graph) -> str:
    from ppo_graph.serve.workbench import validation

    return validation.validation_page(validation.validation_report(graph))


def _ontology_job(graph: Graph) -> str:
    from ppo_graph.serve.workbench import ontology

    return ontology.ontology_page(ontology.ontology_terms(graph))


def _graph_page(graph: Graph) -> str:
    """The page ``ppo viz`` writes (interfaces view), for this graph."""
    from ppo_graph.viz import build_scene, to_html

    return to_html(build_scene(graph))
